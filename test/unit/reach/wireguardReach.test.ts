import assert from 'node:assert/strict';
import { reachWireGuard, ownPublicKey, wireGuardTargets } from '../../../src/engine/reach/wireguard';
import { generateKeyPair, mac } from '../../../src/engine/reach/wireguard/primitives';
import type { ReachEnvironment, ReachResult } from '../../../src/engine/reach/types';
import type { TcpConnector } from '../../../src/engine/net/tcp';
import { VirtualClock, VirtualNetwork, natModels, type PacketEvent, type VirtualHost } from '../../support/vnet';
import { WireGuardResponder } from '../../support/wireguardResponder';

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const SERVER = '198.51.100.7';
const noTcp: TcpConnector = { connect: () => Promise.reject(new Error('no TCP in this test')) } as unknown as TcpConnector;

interface Scene {
  clock: VirtualClock;
  net: VirtualNetwork;
  client: VirtualHost;
  server: VirtualHost;
  responder: WireGuardResponder;
  config: string;
  secrets: string[];
  env: ReachEnvironment;
}

async function scene(opts: {
  serverKnowsClient?: boolean;
  configServerKey?: 'right' | 'wrong';
  psk?: 'none' | 'same' | 'different';
  listen?: boolean;
  portUnreachable?: boolean;
  dropPort?: number;
} = {}): Promise<Scene> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 11 });
  net.setDefaultLink({ delayMs: 5 });
  const nat = net.addNat(natModels.portRestrictedCone('203.0.113.1', opts.dropPort ? { dropOutboundPorts: [opts.dropPort] } : {}));
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: nat, name: 'client' });
  const server = net.addHost({ addresses: [SERVER], name: 'server', portUnreachable: opts.portUnreachable ?? false });
  const clientKeys = generateKeyPair();
  const serverKeys = generateKeyPair();
  const psk = generateKeyPair().privateKey;
  const otherPsk = generateKeyPair().privateKey;
  const responder = new WireGuardResponder(serverKeys, [
    ...(opts.serverKnowsClient === false ? [] : [{ publicKey: clientKeys.publicKey, ...(opts.psk === 'same' || opts.psk === 'different' ? { presharedKey: psk } : {}) }]),
  ]);
  if (opts.listen !== false) {
    const socket = await server.bind({ family: 4, port: 51820 });
    socket.onMessage((data, from) => {
      const reply = responder.handle(data, from);
      if (reply) void socket.send(reply, from);
    });
  }
  const peerKey = opts.configServerKey === 'wrong' ? generateKeyPair().publicKey : serverKeys.publicKey;
  const configPsk = opts.psk === 'same' ? psk : opts.psk === 'different' ? otherPsk : undefined;
  const config = [
    '[Interface]',
    `PrivateKey = ${b64(clientKeys.privateKey)}`,
    'Address = 10.0.0.2/32',
    '',
    '[Peer]',
    `PublicKey = ${b64(peerKey)}`,
    ...(configPsk ? [`PresharedKey = ${b64(configPsk)}`] : []),
    'AllowedIPs = 0.0.0.0/0',
    `Endpoint = ${SERVER}:51820`,
    '',
  ].join('\n');
  const env: ReachEnvironment = {
    udp: client,
    tcp: noTcp,
    clock,
    resolve: async (host) => [{ address: host, family: 4 }],
    budgetMs: 3000,
  };
  return { clock, net, client, server, responder, config, secrets: [b64(clientKeys.privateKey), b64(psk), b64(otherPsk)], env };
}

function assertNoSecrets(results: readonly ReachResult[], secrets: readonly string[]): void {
  const text = JSON.stringify(results);
  for (const s of secrets) {
    assert.ok(!text.includes(s), 'a secret key appears in the result');
    assert.ok(!text.includes(s.slice(0, 12)), 'part of a secret key appears in the result');
  }
}

describe('reach: WireGuard handshake initiation (virtual network, whitepaper responder)', () => {
  it('right keys: the server responds, the response verifies, RTT is one round trip', async () => {
    const s = await scene();
    const [r] = await s.clock.run(reachWireGuard(s.config, { env: s.env }));
    assert.equal(r.outcome, 'reachable', r.summary);
    assert.equal(r.rttMs, 30, 'client→NAT→internet→server and back: 3 links of 5 ms each way');
    assert.equal(r.packetsSent, 1);
    assert.equal(r.address, SERVER);
    assert.match(r.summary, /accepted these keys; RTT 30 ms/);
    assert.deepEqual(s.responder.events.map((e) => e.kind), ['responded']);
    assert.equal(r.target.line, 7, '0-based line of Endpoint');
    assertNoSecrets([r], s.secrets);
  });

  it('with the same PresharedKey as the server: reachable; with another one: the response does not verify', async () => {
    const same = await scene({ psk: 'same' });
    const [ok] = await same.clock.run(reachWireGuard(same.config, { env: same.env }));
    assert.equal(ok.outcome, 'reachable', ok.summary);
    const other = await scene({ psk: 'different' });
    const [bad] = await other.clock.run(reachWireGuard(other.config, { env: other.env }));
    assert.equal(bad.outcome, 'error');
    assert.match(bad.summary, /does not verify/);
    assert.match(bad.nextStep ?? '', /PresharedKey/);
    assertNoSecrets([ok, bad], [...same.secrets, ...other.secrets]);
  });

  it('the PublicKey in the config is not the server’s: bad mac1, silence, explained', async () => {
    const s = await scene({ configServerKey: 'wrong' });
    const [r] = await s.clock.run(reachWireGuard(s.config, { env: s.env }));
    assert.equal(r.outcome, 'no-answer');
    assert.equal(r.packetsSent, 3, 'three initiations over the budget');
    assert.deepEqual(s.responder.events.map((e) => e.kind), ['bad-mac1', 'bad-mac1', 'bad-mac1']);
    assert.match(r.summary, /silence cannot tell which/);
    assert.ok(r.possibleCauses?.some((c) => /PublicKey here is not the server/.test(c)));
    assert.match(r.nextStep ?? '', /wg show/);
  });

  it('the server does not know the client’s key: silence', async () => {
    const s = await scene({ serverKnowsClient: false });
    const [r] = await s.clock.run(reachWireGuard(s.config, { env: s.env }));
    assert.equal(r.outcome, 'no-answer');
    assert.ok(s.responder.events.every((e) => e.kind === 'unknown-peer'));
  });

  it('nothing listens and the host answers ICMP: refused, at once', async () => {
    const s = await scene({ listen: false, portUnreachable: true });
    const [r] = await s.clock.run(reachWireGuard(s.config, { env: s.env }));
    assert.equal(r.outcome, 'refused');
    assert.equal(r.rttMs, 30);
    assert.equal(r.packetsSent, 1);
    assert.match(r.summary, /nothing listens on UDP 51820/);
  });

  it('UDP 51820 dropped at the router: no answer, narrowed by a report whose ports test found it blocked', async () => {
    const s = await scene({ dropPort: 51820 });
    const [plain] = await s.clock.run(reachWireGuard(s.config, { env: s.env }));
    assert.equal(plain.outcome, 'no-answer');
    assert.equal(s.responder.events.length, 0);
    const [narrowed] = await s.clock.run(
      reachWireGuard(s.config, {
        env: s.env,
        facts: () => ({ udpGetsOut: 'yes', port: { reachable: 'no', basis: 'silence from the reflector on udp/51820' } }),
      }),
    );
    assert.equal(narrowed.outcome, 'no-answer');
    assert.match(narrowed.summary, /ports test found UDP 51820 blocked/);
    assert.match(narrowed.possibleCauses?.[0] ?? '', /blocked on this network/);
    const [open] = await s.clock.run(
      reachWireGuard(s.config, { env: s.env, facts: () => ({ udpGetsOut: 'yes', port: { reachable: 'yes', basis: 'answer' } }) }),
    );
    assert.match(open.summary, /found UDP 51820 open/);
    assert.match(open.possibleCauses?.[0] ?? '', /server is down/);
  });

  it('cookie reply (server under load): decrypted, and the resend carries mac2 = MAC(cookie, msg[0:132])', async () => {
    const s = await scene();
    s.responder.underLoad = true;
    const initiations: Uint8Array[] = [];
    s.net.onPacket((e: PacketEvent) => {
      if (e.kind === 'deliver' && e.where === 'server') initiations.push(e.data);
    });
    const [r] = await s.clock.run(reachWireGuard(s.config, { env: s.env }));
    assert.equal(r.outcome, 'reachable', r.summary);
    assert.equal(r.packetsSent, 2);
    assert.deepEqual(s.responder.events.map((e) => e.kind), ['cookie-sent', 'mac2-valid', 'responded']);
    const cookie = (s.responder.events[0] as { cookie: Uint8Array }).cookie;
    assert.deepEqual(initiations[0].subarray(132), new Uint8Array(16), 'first initiation: mac2 zero');
    assert.deepEqual(initiations[1].subarray(132), mac(cookie, initiations[1].subarray(0, 132)));
    assert.ok(r.evidence.some((l) => /cookie reply/.test(l)));
    assert.equal(r.rttMs, 30, 'RTT of the initiation that was answered');
  });

  it('a live tunnel with this key: nothing is sent without confirmation, and the reason says why', async () => {
    const s = await scene();
    let askedWith = '';
    const results = await s.clock.run(
      reachWireGuard(s.config, {
        env: s.env,
        liveTunnel: async (pub) => {
          askedWith = pub;
          return 'a tunnel with this key is up here (interface wg0)';
        },
      }),
    );
    assert.equal(askedWith, ownPublicKey(s.config));
    assert.equal(results[0].outcome, 'not-tested');
    assert.equal(results[0].packetsSent, 0);
    assert.equal(s.net.stats.sent, 0);
  });

  it('config problems are not-tested with the reason, and never echo key text', async () => {
    const s = await scene();
    const badPsk = s.config.replace('AllowedIPs', 'PresharedKey = not-a-key-SECRETISH\nAllowedIPs');
    const [r] = await s.clock.run(reachWireGuard(badPsk, { env: s.env }));
    assert.equal(r.outcome, 'not-tested');
    assert.match(r.summary, /PresharedKey is not a valid key/);
    assert.ok(!JSON.stringify(r).includes('SECRETISH'));
    const noPriv = s.config.replace(/PrivateKey = .*/, '');
    const [r2] = await s.clock.run(reachWireGuard(noPriv, { env: s.env }));
    assert.match(r2.summary, /no PrivateKey/);
    const badEndpoint = s.config.replace(`${SERVER}:51820`, 'example.net');
    const [r3] = await s.clock.run(reachWireGuard(badEndpoint, { env: s.env }));
    assert.match(r3.summary, /not host:port/);
  });

  it('an unresolvable host: unresolved, nothing sent', async () => {
    const s = await scene();
    const env = { ...s.env, resolve: async () => Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })) };
    const [r] = await s.clock.run(reachWireGuard(s.config.replace(SERVER, 'vpn.invalid'), { env }));
    assert.equal(r.outcome, 'unresolved');
    assert.match(r.summary, /no such host/);
    assert.equal(r.packetsSent, 0);
  });

  it('--peer picks one peer by its public key prefix; every peer with an Endpoint is a target', async () => {
    const s = await scene();
    const second = `${s.config}\n[Peer]\nPublicKey = ${b64(generateKeyPair().publicKey)}\nEndpoint = ${SERVER}:51821\n\n[Peer]\nPublicKey = ${b64(generateKeyPair().publicKey)}\n`;
    assert.equal(wireGuardTargets(second).length, 2);
    const peerKey = /PublicKey = (\S+)/.exec(second)![1];
    const results = await s.clock.run(reachWireGuard(second, { env: s.env, peer: peerKey.slice(0, 10) }));
    assert.equal(results.length, 1);
    assert.equal(results[0].outcome, 'reachable');
  });
});

describe('reach: WireGuard, many peers (bounded)', () => {
  it('probes at most 64 peers, at most 16 sockets at a time; the rest are not tested, with the reason', async () => {
    const s = await scene();
    let open = 0;
    let peak = 0;
    const counting = {
      bind: async (o: Parameters<typeof s.client.bind>[0]) => {
        const socket = await s.client.bind(o);
        open++;
        peak = Math.max(peak, open);
        const close = socket.close.bind(socket);
        return Object.assign(socket, { close: () => (open--, close()) });
      },
    };
    const peers = Array.from({ length: 70 }, (_, i) => `[Peer]\nPublicKey = ${b64(generateKeyPair().publicKey)}\nEndpoint = ${SERVER}:${52000 + i}\n`).join('\n');
    const text = `${s.config.split('[Peer]')[0]}${peers}`;
    const results = await s.clock.run(reachWireGuard(text, { env: { ...s.env, udp: counting, budgetMs: 300 } }));
    assert.equal(results.length, 70);
    assert.equal(results.filter((r) => r.outcome === 'no-answer').length, 64);
    const skipped = results.filter((r) => r.outcome === 'not-tested');
    assert.equal(skipped.length, 6);
    assert.match(skipped[0].summary, /only the first 64/);
    assert.ok(peak <= 16, `peak ${peak} sockets`);
  });
});
