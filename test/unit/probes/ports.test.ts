import assert from 'node:assert/strict';
import type { Clock } from '../../../src/engine/clock';
import type { TcpConnectError, TcpConnector, TcpStream } from '../../../src/engine/net/tcp';
import type { Endpoint } from '../../../src/engine/net/udp';
import { DEFAULT_PORTS, DEFAULT_PORTS_TEXT, type PortSpec, parsePortList, probePorts } from '../../../src/engine/probes/ports';
import { StunTcpSession, startExtraPorts } from '../../../src/engine/server/extraPorts';
import { startReflector } from '../../../src/engine/server/reflector';
import type { PortResult } from '../../../src/report/report';
import { VirtualClock, VirtualNetwork, type NatModel } from '../../support/vnet';

const SERVER = '198.51.100.1';
const STUN_PORT = 3478;

describe('parsePortList', () => {
  it('parses the defaults, in order', () => {
    const r = parsePortList(DEFAULT_PORTS_TEXT);
    assert.ok(r.ok);
    assert.deepEqual(r.value, DEFAULT_PORTS);
    assert.deepEqual(
      r.value.map((p) => `${p.protocol}/${p.port}`),
      ['udp/51820', 'udp/1194', 'udp/500', 'udp/4500', 'udp/443', 'tcp/443'],
    );
  });

  it('accepts spaces and upper case', () => {
    const r = parsePortList(' UDP:51820 , tcp:443 ');
    assert.deepEqual(r, { ok: true, value: [{ protocol: 'udp', port: 51820 }, { protocol: 'tcp', port: 443 }] });
  });

  const bad: [string, RegExp][] = [
    ['', /empty port list/],
    ['   ', /empty port list/],
    ['udp:51820,', /item 2 .* is empty/],
    ['51820', /needs a protocol: write udp:51820 or tcp:51820/],
    ['sctp:9', /protocol must be udp or tcp, not "sctp"/],
    ['udp:0', /port 0 is outside 1\.\.65535/],
    ['udp:65536', /port 65536 is outside/],
    ['udp:123456', /"123456" is not a port number/],
    ['udp:-1', /"-1" is not a port number/],
    ['udp:1e3', /"1e3" is not a port number/],
    ['udp 500', /is not PROTOCOL:PORT/],
    ['udp:500,udp:500', /udp:500 is listed twice/],
    [Array.from({ length: 40 }, (_, i) => `udp:${i + 1}`).join(','), /40 ports listed; at most 32/],
  ];
  for (const [text, error] of bad) {
    it(`rejects ${JSON.stringify(text.length > 30 ? text.slice(0, 30) + '…' : text)} with a clear error`, () => {
      const r = parsePortList(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, error);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// A fake TCP connector on the virtual clock, its streams talking to the real STUN-over-TCP
// session of extraPorts (so the client framing is checked against the server's).

type TcpBehaviour = 'stun' | 'refused' | 'timeout' | 'unreachable' | 'silent' | 'garbage';

class FakeStream implements TcpStream {
  private dataHandler: ((d: Uint8Array) => void) | undefined;
  private closeHandler: ((why: string) => void) | undefined;
  closed = false;
  readonly session: StunTcpSession;
  constructor(
    private readonly clock: Clock,
    private readonly to: Endpoint,
    private readonly behaviour: TcpBehaviour,
    private readonly delayMs: number,
  ) {
    this.session = new StunTcpSession(to, { address: '203.0.113.5', port: 50000 }, 'fake');
  }
  localEndpoint(): Endpoint {
    return { address: '192.168.1.2', port: 50000 };
  }
  remoteEndpoint(): Endpoint {
    return this.to;
  }
  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('closed'));
    this.clock.setTimeout(() => {
      if (this.behaviour === 'silent') return;
      if (this.behaviour === 'garbage') {
        this.deliver(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n'));
        return;
      }
      const out = this.session.receive(data);
      // Deliver the answer in 3-byte pieces: the client must reassemble it.
      for (const reply of out.replies) for (let i = 0; i < reply.length; i += 3) this.deliver(reply.subarray(i, i + 3));
    }, this.delayMs / 2);
    return Promise.resolve();
  }
  private deliver(d: Uint8Array): void {
    this.clock.setTimeout(() => {
      if (!this.closed) this.dataHandler?.(d);
    }, this.delayMs / 2);
  }
  onData(h: (d: Uint8Array) => void): void {
    this.dataHandler = h;
  }
  onClose(h: (why: string) => void): void {
    this.closeHandler = h;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeHandler?.('closed locally');
  }
}

function fakeConnector(clock: Clock, behaviours: Record<number, TcpBehaviour>, delayMs = 20): TcpConnector & { connects: number[] } {
  const connects: number[] = [];
  return {
    connects,
    connect(to, timeoutMs, signal): Promise<TcpStream | TcpConnectError> {
      connects.push(to.port);
      const b = behaviours[to.port] ?? 'timeout';
      return new Promise((resolve) => {
        const t = clock.setTimeout(() => {
          if (b === 'timeout') return;
          signal?.removeEventListener('abort', onAbort);
          clock.clearTimeout(limit);
          if (b === 'refused') resolve({ error: 'refused', detail: 'ECONNREFUSED' });
          else if (b === 'unreachable') resolve({ error: 'unreachable', detail: 'EHOSTUNREACH' });
          else resolve(new FakeStream(clock, to, b, delayMs));
        }, delayMs);
        const limit = clock.setTimeout(() => {
          clock.clearTimeout(t);
          resolve({ error: 'timeout' });
        }, timeoutMs);
        const onAbort = (): void => {
          clock.clearTimeout(t);
          clock.clearTimeout(limit);
          resolve({ error: 'aborted' });
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------

interface Scene {
  clock: VirtualClock;
  net: VirtualNetwork;
  run(ports: readonly PortSpec[], opts?: { tcp?: TcpConnector; referencePort?: number; budgetMs?: number }): Promise<PortResult[]>;
}

async function scene(opts: { nat?: Partial<NatModel>; listen?: readonly PortSpec[]; reflector?: boolean; serverDown?: boolean } = {}): Promise<Scene> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 7 });
  const server = net.addHost({ addresses: [SERVER], link: { delayMs: 15 } });
  if (!opts.serverDown) {
    if (opts.reflector !== false) await startReflector({ factory: server, primary: { address: SERVER, port: STUN_PORT }, software: 'test' });
    const udpPorts = (opts.listen ?? DEFAULT_PORTS).filter((p) => p.protocol === 'udp');
    await startExtraPorts({ udp: server, address: SERVER, ports: udpPorts, software: 'test', primary: { address: SERVER, port: STUN_PORT } });
  }
  const nat = net.addNat(
    { publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', ...opts.nat },
    { link: { delayMs: 5 } },
  );
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: nat });
  return {
    clock,
    net,
    run: (ports, o = {}) =>
      clock.run(
        probePorts({
          udp: client,
          tcp: o.tcp ?? fakeConnector(clock, { 443: 'stun' }),
          clock,
          host: SERVER,
          ports,
          referencePort: 'referencePort' in o ? o.referencePort : STUN_PORT,
          budgetMs: o.budgetMs ?? 3000,
        }),
      ),
  };
}

const byKey = (results: PortResult[]) => new Map(results.map((r) => [`${r.protocol}/${r.port}`, r]));

describe('probePorts on the virtual network', () => {
  it('a NAT dropping outbound udp/51820 and udp/1194: exactly those are "no", with the basis; the rest "yes"', async () => {
    const s = await scene({ nat: { dropOutboundPorts: [51820, 1194] } });
    const t0 = s.clock.now();
    const results = await s.run(DEFAULT_PORTS);
    const took = s.clock.now() - t0;
    assert.deepEqual(
      results.map((r) => [r.protocol, r.port, r.reachable]),
      [
        ['udp', 51820, 'no'],
        ['udp', 1194, 'no'],
        ['udp', 500, 'yes'],
        ['udp', 4500, 'yes'],
        ['udp', 443, 'yes'],
        ['tcp', 443, 'yes'],
      ],
    );
    const m = byKey(results);
    assert.match(m.get('udp/51820')!.basis, /^no answer in \d+ tries over \d+ ms while udp\/3478 answered: blocked or filtered \(or the server does not listen there\)$/);
    assert.match(m.get('udp/500')!.basis, /^answer from the reflector on udp\/500 \(\d+ ms\)$/);
    assert.match(m.get('tcp/443')!.basis, /^answer from the reflector on tcp\/443 \(STUN over TCP, \d+ ms\)$/);
    for (const r of results) assert.deepEqual(Object.keys(r).sort(), ['basis', 'port', 'protocol', 'reachable']);
    // RTT ~40 ms: silence is final 3 RTT + 300 ms after the first answer, well inside the budget.
    assert.ok(took < 1000, `took ${took} ms`);
    assert.ok(Number(/in (\d+) tries/.exec(m.get('udp/51820')!.basis)![1]) >= 5, 'retransmitted several times');
  });

  it('a port the server does not listen on is "no" with the "or does not listen" wording', async () => {
    const s = await scene({ listen: [{ protocol: 'udp', port: 500 }] });
    const results = await s.run([{ protocol: 'udp', port: 500 }, { protocol: 'udp', port: 4500 }]);
    assert.equal(results[0].reachable, 'yes');
    assert.equal(results[1].reachable, 'no');
    assert.match(results[1].basis, /or the server does not listen there/);
  });

  it('without a reference port, another UDP port answering is enough to call silence "no"', async () => {
    const s = await scene({ nat: { dropOutboundPorts: [1194] } });
    const results = await s.run([{ protocol: 'udp', port: 1194 }, { protocol: 'udp', port: 500 }], { referencePort: undefined });
    assert.equal(results[0].reachable, 'no');
    assert.match(results[0].basis, /while udp\/500 answered/);
  });

  it('nothing answering at all: every port "unknown", never "no" or "open", and within the budget', async () => {
    const s = await scene({ serverDown: true });
    const t0 = s.clock.now();
    const results = await s.run(DEFAULT_PORTS, { tcp: fakeConnector(s.clock, {}), budgetMs: 2000 });
    const took = s.clock.now() - t0;
    for (const r of results) assert.equal(r.reachable, 'unknown', JSON.stringify(r));
    assert.match(results[0].basis, /no UDP port answered \(not even udp\/3478\): the server may be down or UDP blocked altogether/);
    assert.match(results[5].basis, /no answer to the TCP handshake in \d+ ms, and nothing else answered either/);
    assert.ok(took <= 2000 + 1, `took ${took} ms`);
  });

  it('all UDP blocked but TCP answers: UDP "unknown" that says the server is up', async () => {
    const s = await scene({ nat: { blockUdp: true } });
    const results = await s.run(DEFAULT_PORTS, { budgetMs: 2000 });
    assert.equal(results[5].reachable, 'yes');
    for (const r of results.slice(0, 5)) {
      assert.equal(r.reachable, 'unknown');
      assert.match(r.basis, /tcp\/443 answered, so the server is up: UDP may be blocked altogether/);
    }
  });

  it('TCP: refused is "unknown" (a REJECT rule looks the same), timeout and ICMP unreachable "no", bare connect "yes"', async () => {
    const s = await scene();
    const ports: PortSpec[] = [443, 1194, 8443, 9443, 10443, 11443].map((port) => ({ protocol: 'tcp', port }));
    const tcp = fakeConnector(s.clock, { 443: 'stun', 1194: 'refused', 8443: 'timeout', 9443: 'silent', 10443: 'garbage', 11443: 'unreachable' });
    const m = byKey(await s.run(ports, { tcp }));
    assert.equal(m.get('tcp/443')!.reachable, 'yes');
    assert.equal(m.get('tcp/1194')!.reachable, 'unknown');
    assert.match(m.get('tcp/1194')!.basis, /^TCP refused \(ECONNREFUSED\): either nothing listens on tcp\/1194 at the server, or a firewall on the path rejects it/);
    assert.equal(m.get('tcp/8443')!.reachable, 'no');
    assert.match(m.get('tcp/8443')!.basis, /^no answer to the TCP handshake in \d+ ms while udp\/3478 answered: blocked or filtered$/);
    // The handshake is given at least 1.5 s so that one lost SYN (retransmitted after 1 s) is survived.
    assert.ok(Number(/in (\d+) ms/.exec(m.get('tcp/8443')!.basis)![1]) >= 1500);
    assert.equal(m.get('tcp/9443')!.reachable, 'yes');
    assert.match(m.get('tcp/9443')!.basis, /TCP handshake completed in \d+ ms, but no STUN answer over it \(silence for \d+ ms\)/);
    assert.equal(m.get('tcp/10443')!.reachable, 'yes');
    assert.match(m.get('tcp/10443')!.basis, /the answer is not STUN/);
    assert.equal(m.get('tcp/11443')!.reachable, 'no');
    assert.match(m.get('tcp/11443')!.basis, /^ICMP unreachable for tcp\/11443 \(EHOSTUNREACH\) while/);
  });

  it('a cancelled probe answers "unknown: cancelled" at once', async () => {
    const s = await scene();
    const ac = new AbortController();
    const client = s.net.addHost({ addresses: ['203.0.113.77'] });
    const p = probePorts({ udp: client, tcp: fakeConnector(s.clock, { 443: 'timeout' }), clock: s.clock, host: SERVER, ports: DEFAULT_PORTS, budgetMs: 3000, signal: ac.signal });
    ac.abort();
    const results = await s.clock.run(p);
    for (const r of results) assert.equal(r.reachable, 'unknown');
    assert.equal(results[0].basis, 'cancelled');
    assert.equal(results[5].basis, 'cancelled');
  });
});
