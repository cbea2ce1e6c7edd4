import assert from 'node:assert/strict';
import type { ResolvedAddress } from '../../../src/engine/discovery/resolve';
import type { TcpConnector } from '../../../src/engine/net/tcp';
import { reachOpenVpn } from '../../../src/engine/reach/openvpn';
import type { ReachResult } from '../../../src/engine/reach/types';
import { VirtualClock, VirtualNetwork } from '../../support/vnet';
import { FakeOpenVpnServer, fakeTcp, type FakeServerOptions, type TcpPeer } from './fakeOpenVpnServer';
import { captured, FIXTURE_WRAPS, inlineWrapLines, type FixtureWrap } from './openvpnFixture';

const SERVER = '198.51.100.1';
const BUDGET = 3000;

interface World {
  readonly clock: VirtualClock;
  readonly net: VirtualNetwork;
  readonly client: ReturnType<VirtualNetwork['addHost']>;
  readonly server: ReturnType<VirtualNetwork['addHost']>;
  run(config: string, opts?: { remote?: number; tcp?: TcpConnector; signal?: AbortSignal; budgetMs?: number }): Promise<ReachResult[]>;
}

function world(opts: { portUnreachable?: boolean; delayMs?: number } = {}): World {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 5 });
  // 10 ms per uplink: a datagram takes 20 ms from client to server, an RTT is 40 ms.
  const client = net.addHost({ addresses: ['192.0.2.10'], link: { delayMs: opts.delayMs ?? 10 } });
  const server = net.addHost({ addresses: [SERVER], link: { delayMs: 10 }, portUnreachable: opts.portUnreachable ?? false });
  const resolve = async (host: string): Promise<ResolvedAddress[]> => {
    if (host === 'vpn.example.net') return [{ address: SERVER, family: 4 }];
    // IPv6 first, as getaddrinfo often orders them; this client has no IPv6 at all.
    if (host === 'dual.example.net') return [{ address: '2001:db8::1', family: 6 }, { address: SERVER, family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };
  return {
    clock,
    net,
    client,
    server,
    run: (config, o = {}) =>
      clock.run(
        reachOpenVpn(config, {
          remote: o.remote,
          unixTime: () => 1_790_000_000,
          env: { udp: client, tcp: o.tcp ?? fakeTcp(clock, {}), clock, resolve, budgetMs: o.budgetMs ?? BUDGET, signal: o.signal },
        }),
      ),
  };
}

const config = (wrap: FixtureWrap, remotes: string[], keyText?: string): string => ['client', 'dev tun', ...remotes, ...inlineWrapLines(wrap, keyText)].join('\n') + '\n';

async function serve(w: World, port: number, options: FakeServerOptions): Promise<FakeOpenVpnServer> {
  const s = new FakeOpenVpnServer(options);
  await s.listenUdp(w.server, port);
  return s;
}

/** Every 16-hex-digit run of the key's hex, and every base64 line: none may show up in a result. */
function secretsOf(keyText: string): string[] {
  const body = keyText.split('\n').filter((l) => !l.startsWith('-----') && !l.startsWith('#') && l.trim());
  const hex = body.join('').toLowerCase();
  const parts: string[] = [];
  if (/^[0-9a-f]+$/.test(hex)) for (let i = 0; i + 16 <= hex.length; i += 8) parts.push(hex.slice(i, i + 16));
  else parts.push(...body.map((l) => l.trim()));
  return parts;
}

describe('reachOpenVpn over the virtual network (UDP)', () => {
  for (const wrap of FIXTURE_WRAPS) {
    it(`${wrap}: the server answers → reachable, RTT 40 ms, one packet, key accepted`, async () => {
      const w = world();
      const s = await serve(w, 1194, { wrap });
      const [r] = await w.run(config(wrap, [`remote ${SERVER} 1194 udp`]));
      assert.equal(r.outcome, 'reachable', r.summary);
      assert.equal(r.rttMs, 40);
      assert.equal(r.packetsSent, 1);
      assert.equal(s.received.length, 1);
      assert.equal(r.address, SERVER);
      assert.equal(r.target.line, 2);
      assert.equal(r.target.label, `remote ${SERVER} 1194 udp (line 3)`);
      if (wrap === 'none') assert.doesNotMatch(r.summary, /key/);
      else assert.match(r.summary, new RegExp(`accepted our ${wrap} key`));
      assert.ok(r.evidence.some((e) => /received P_CONTROL_HARD_RESET_SERVER_V2 acknowledging our session id after 40 ms/.test(e)), r.evidence.join('\n'));
      assert.ok(r.evidence.some((e) => /nothing more was sent/.test(e)));
    });
  }

  it('a server that only ACKs our reset (a busy p2p server) → reachable, and the words say so', async () => {
    const w = world();
    await serve(w, 1194, { wrap: 'tls-crypt', behaviour: 'ack-only' });
    const [r] = await w.run(config('tls-crypt', [`remote ${SERVER} 1194 udp`]));
    assert.equal(r.outcome, 'reachable');
    assert.equal(r.summary, `The OpenVPN server at ${SERVER}:1194 answered over UDP in 40 ms, and accepted our tls-crypt key; it only acknowledged our reset (a point-to-point server busy with another peer does that).`);
    assert.ok(r.evidence.includes('received P_ACK_V1 acknowledging our session id after 40 ms; its tls-crypt tag checks with our key'), r.evidence.join('\n'));
  });

  for (const wrap of ['tls-auth', 'tls-crypt'] as const) {
    it(`${wrap}: the server holds another key → silence, no-answer, and the key is among the causes`, async () => {
      const w = world();
      const s = await serve(w, 1194, { wrap, keyText: captured.keys.wrongTa });
      const [r] = await w.run(config(wrap, [`remote ${SERVER} 1194 udp`]));
      assert.equal(r.outcome, 'no-answer');
      assert.equal(r.packetsSent, 3, 'the same reset, repeated for loss');
      assert.equal(s.received.length, 3);
      assert.equal(r.rttMs, undefined);
      assert.equal(r.possibleCauses?.length, 3);
      assert.match(r.possibleCauses?.[0] ?? '', /UDP to port 1194 is blocked/);
      assert.match(r.possibleCauses?.[1] ?? '', /down or not listening/);
      assert.match(r.possibleCauses?.[2] ?? '', new RegExp(`${wrap} key.*differs`));
      assert.match(r.nextStep ?? '', /matches the server's/);
    });
  }

  it('the repeated resets keep the session id and count the replay id up, as OpenVPN does', async () => {
    const w = world();
    const s = await serve(w, 1194, { wrap: 'tls-auth', keyText: captured.keys.wrongTa });
    await w.run(config('tls-auth', [`remote ${SERVER} 1194 udp`]));
    const sids = new Set(s.received.map((p) => Buffer.from(p.subarray(1, 9)).toString('hex')));
    assert.equal(sids.size, 1);
    assert.deepEqual(s.received.map((p) => new DataView(p.buffer, p.byteOffset).getUint32(29)), [1, 2, 3]);
  });

  it('RTTs are kept to 0.1 ms, in the result and the words', async () => {
    const w = world({ delayMs: 10.333 });
    await serve(w, 1194, { wrap: 'none' });
    const [r] = await w.run(config('none', [`remote ${SERVER} 1194 udp`]));
    assert.equal(r.rttMs, 40.7);
    assert.match(r.summary, /answered over UDP in 40\.7 ms\./);
  });

  it('a lost first reset: the second one is answered, the RTT is from that one', async () => {
    const w = world();
    await serve(w, 1194, { wrap: 'tls-crypt', ignoreFirst: 1 });
    const [r] = await w.run(config('tls-crypt', [`remote ${SERVER} 1194 udp`]));
    assert.equal(r.outcome, 'reachable');
    assert.equal(r.packetsSent, 2);
    assert.equal(r.rttMs, 40);
  });

  it('nothing listens and the host says so (ICMP port unreachable) → refused', async () => {
    const w = world({ portUnreachable: true });
    const [r] = await w.run(config('tls-auth', [`remote ${SERVER} 1194 udp`]));
    assert.equal(r.outcome, 'refused');
    assert.equal(r.packetsSent, 1);
    assert.equal(r.rttMs, 40);
    assert.match(r.summary, /nothing listens on UDP port 1194/);
  });

  it('plain, silent host → no-answer; a server that requires tls-auth is among the causes', async () => {
    const w = world();
    const [r] = await w.run(config('none', [`remote ${SERVER} 1194 udp`]));
    assert.equal(r.outcome, 'no-answer');
    assert.deepEqual(r.possibleCauses, [
      'UDP to port 1194 is blocked on the path',
      'the server is down or not listening on UDP 1194',
      'the server requires tls-auth or tls-crypt, which this config lacks',
    ]);
  });

  it('a server without wrapping answers a tls-auth config in the clear → error, saying exactly that', async () => {
    const w = world();
    await serve(w, 1194, { wrap: 'none' });
    const [r] = await w.run(config('tls-auth', [`remote ${SERVER} 1194 udp`]));
    assert.equal(r.outcome, 'error');
    assert.equal(r.rttMs, 40);
    assert.equal(r.packetsSent, 1);
    assert.equal(r.summary, `The OpenVPN server at ${SERVER}:1194 answered over UDP in 40 ms, but without tls-auth: it does not use the tls-auth key this config has, and OpenVPN would drop its answer.`);
    assert.match(r.nextStep ?? '', /Give the server the same tls-auth key, or remove tls-auth from this config/);
  });

  it('an answer for another session → error, saying so', async () => {
    const w = world();
    await serve(w, 1194, { wrap: 'tls-auth', behaviour: 'wrong-session' });
    const [r] = await w.run(config('tls-auth', [`remote ${SERVER} 1194 udp`]));
    assert.equal(r.outcome, 'error');
    assert.match(r.summary, /not with an OpenVPN answer to our reset: it ACKs a session id that is not ours/);
  });

  for (const behaviour of ['garbage', 'huge'] as const) {
    it(`a ${behaviour} answer → error with a bounded evidence list`, async () => {
      const w = world();
      await serve(w, 1194, { wrap: 'none', behaviour });
      const [r] = await w.run(config('none', [`remote ${SERVER} 1194 udp`]));
      assert.equal(r.outcome, 'error');
      assert.ok(r.evidence.length <= 8);
      assert.ok(r.summary.length < 300);
    });
  }

  it('a name that does not resolve → unresolved, nothing sent', async () => {
    const w = world();
    const [r] = await w.run(config('none', ['remote nowhere.invalid 1194 udp']));
    assert.equal(r.outcome, 'unresolved');
    assert.equal(r.packetsSent, 0);
    assert.match(r.summary, /nowhere\.invalid did not resolve: DNS lookup of nowhere\.invalid failed: no such host/);
  });

  it('a name: the address contacted is in the result and the evidence', async () => {
    const w = world();
    await serve(w, 443, { wrap: 'none' });
    const [r] = await w.run(config('none', ['remote vpn.example.net 443 udp']));
    assert.equal(r.outcome, 'reachable');
    assert.equal(r.address, SERVER);
    assert.ok(r.evidence.includes(`resolved vpn.example.net to ${SERVER}`));
  });

  it('an address this machine cannot send to (no IPv6 here): the next address is tried, and the evidence says why', async () => {
    const w = world();
    await serve(w, 1194, { wrap: 'tls-auth' });
    const [r] = await w.run(config('tls-auth', ['remote dual.example.net 1194 udp']));
    assert.equal(r.outcome, 'reachable', r.summary);
    assert.equal(r.address, SERVER);
    assert.ok(r.evidence.some((e) => /^could not use 2001:db8::1: cannot open a UDP socket: .*; trying the next address$/.test(e)), r.evidence.join('\n'));
  });

  it('udp6 on a host with only IPv4 → unresolved, explained', async () => {
    const w = world();
    const [r] = await w.run(config('none', ['remote vpn.example.net 1194 udp6']));
    assert.equal(r.outcome, 'unresolved');
    assert.match(r.summary, /has no IPv6 address/);
  });

  it('one result per remote, in file order, <connection> blocks included; remote N picks one', async () => {
    const w = world({ portUnreachable: true });
    await serve(w, 1194, { wrap: 'none' });
    const text = ['client', '<connection>', `remote ${SERVER} 1194 udp`, '</connection>', '<connection>', `remote ${SERVER} 1195`, '</connection>', '<connection>', 'remote nowhere.invalid', '</connection>'].join('\n');
    const all = await w.run(text);
    assert.deepEqual(
      all.map((r) => [r.target.line, r.target.port, r.outcome]),
      [
        [2, 1194, 'reachable'],
        [5, 1195, 'refused'],
        [8, 1194, 'unresolved'],
      ],
    );
    const second = await w.run(text, { remote: 2 });
    assert.deepEqual(second.map((r) => r.target.line), [5]);
    await assert.rejects(w.run(text, { remote: 4 }), { name: 'RangeError', message: 'remote 4 does not exist: the config has 3 remote lines' });
    await assert.rejects(w.run('client\n', { remote: 1 }), { message: 'the config has no remote line' });
  });

  it('a config with 10000 remotes: the first 64 are probed, the rest listed as not tested', async () => {
    const w = world({ portUnreachable: true });
    const remotes = Array.from({ length: 10000 }, (_, i) => `remote ${SERVER} ${1000 + i} udp`);
    const results = await w.run(config('none', remotes));
    assert.equal(results.length, 10000);
    assert.ok(results.slice(0, 64).every((r) => r.outcome === 'refused'));
    assert.ok(results.slice(64).every((r) => r.outcome === 'not-tested' && r.summary === 'Not tested: only the first 64 remotes are tested.'));
    assert.equal(results[9999].target.line, 10001);
  });

  it('cancelled → not-tested, nothing left running', async () => {
    const w = world();
    const ac = new AbortController();
    w.clock.setTimeout(() => ac.abort(), 100);
    const [r] = await w.run(config('tls-auth', [`remote ${SERVER} 1194 udp`]), { signal: ac.signal });
    assert.equal(r.outcome, 'not-tested');
    assert.match(r.summary, /cancelled/);
    assert.equal(w.clock.pendingTimers(), 0);
  });

  it('no key material in any result (inline keys, every outcome)', async () => {
    const w = world({ portUnreachable: true });
    await serve(w, 1194, { wrap: 'tls-auth' });
    await serve(w, 1195, { wrap: 'tls-auth', keyText: captured.keys.wrongTa });
    const results: ReachResult[] = [];
    for (const wrap of ['tls-auth', 'tls-crypt', 'tls-crypt-v2'] as const) {
      results.push(...(await w.run(config(wrap, [`remote ${SERVER} 1194 udp`, `remote ${SERVER} 1195 udp`, `remote ${SERVER} 1196 udp`, 'remote nowhere.invalid']))));
    }
    assert.deepEqual(new Set(results.map((r) => r.outcome)), new Set(['reachable', 'no-answer', 'refused', 'unresolved']));
    const out = JSON.stringify(results).toLowerCase();
    for (const keyText of [captured.keys.ta, captured.keys.v2Client]) {
      for (const secret of secretsOf(keyText)) assert.ok(!out.includes(secret.toLowerCase()), `key material in the output: ${secret.slice(0, 4)}…`);
    }
  });
});

describe('reachOpenVpn over TCP (fake connector on the virtual clock)', () => {
  const tcpConfig = (wrap: FixtureWrap, keyText?: string): string => config(wrap, [`remote ${SERVER} 443 tcp`], keyText);
  const run = (wrap: FixtureWrap, peer: TcpPeer, keyText?: string): Promise<{ r: ReachResult; writes: Uint8Array[] }> => {
    const w = world();
    const tcp = fakeTcp(w.clock, { [`${SERVER}:443`]: peer });
    return w.run(tcpConfig(wrap, keyText), { tcp }).then(([r]) => ({ r, writes: tcp.writes }));
  };

  for (const wrap of FIXTURE_WRAPS) {
    it(`${wrap}: answered (in two chunks) → reachable, one framed reset written`, async () => {
      const { r, writes } = await run(wrap, { kind: 'server', server: new FakeOpenVpnServer({ wrap }) });
      assert.equal(r.outcome, 'reachable', r.summary);
      assert.equal(r.rttMs, 20);
      assert.equal(writes.length, 1);
      assert.equal((writes[0][0] << 8) | writes[0][1], writes[0].length - 2);
      assert.equal(r.target.transport, 'tcp');
    });
  }

  it('connection refused → refused, definitive, no OpenVPN packet sent', async () => {
    const { r, writes } = await run('tls-auth', { kind: 'refused' });
    assert.equal(r.outcome, 'refused');
    assert.equal(r.packetsSent, 0);
    assert.equal(writes.length, 0);
    assert.equal(r.summary, `Connection refused: nothing listens on TCP port 443 at ${SERVER}.`);
  });

  it('SYN unanswered → no-answer, blocked or down', async () => {
    const { r } = await run('tls-auth', { kind: 'timeout' });
    assert.equal(r.outcome, 'no-answer');
    assert.deepEqual(r.possibleCauses, ['TCP to port 443 is blocked on the path', 'the server host is down']);
  });

  it('the server drops the connection after our reset (a wrong key) → no-answer, the key first among the causes', async () => {
    const { r } = await run('tls-crypt', { kind: 'close-on-data' });
    assert.equal(r.outcome, 'no-answer');
    assert.match(r.summary, /then dropped it without answering/);
    assert.match(r.possibleCauses?.[0] ?? '', /tls-crypt key differs/);
    assert.equal(r.packetsSent, 1);
  });

  it('connected, the server keeps quiet (wrong key) → no-answer after the budget', async () => {
    const { r } = await run('tls-auth', { kind: 'server', server: new FakeOpenVpnServer({ wrap: 'tls-auth', keyText: captured.keys.wrongTa }) });
    assert.equal(r.outcome, 'no-answer');
    assert.match(r.summary, /accepted the TCP connection but did not answer/);
    assert.match(r.possibleCauses?.[0] ?? '', /tls-auth key \(or key-direction\) differs/);
  });

  it('a flood of framed packets that are no answer → error at once, not at the end of the budget', async () => {
    const one = Uint8Array.from([0, 10, 8 << 3, 1, 2, 3, 4, 5, 6, 7, 8, 0]);
    const flood = new Uint8Array(one.length * 100);
    for (let i = 0; i < 100; i++) flood.set(one, i * one.length);
    const w = world();
    const tcp = fakeTcp(w.clock, { [`${SERVER}:443`]: { kind: 'bytes', data: flood } });
    const [r] = await w.run(config('none', [`remote ${SERVER} 443 tcp`]), { tcp });
    assert.equal(r.outcome, 'error');
    assert.equal(w.clock.now(), 40, 'connect 20 ms + answer 20 ms, no wait for the budget');
    assert.ok(r.evidence.length <= 8);
  });

  it('a framing no OpenVPN packet has (an HTTP server) → error', async () => {
    const { r } = await run('none', { kind: 'bytes', data: new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n') });
    assert.equal(r.outcome, 'error');
    assert.match(r.summary, /a packet length of 18516 bytes, which no OpenVPN control packet has/);
  });
});
