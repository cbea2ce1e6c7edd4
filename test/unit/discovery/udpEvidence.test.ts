import assert from 'node:assert/strict';
import { TCP_WINDOW_FLOOR_MS } from '../../../src/engine/discovery/diagnosisRun';
import { diagnose, type DiagnoseOptions } from '../../../src/engine/discovery/discover';
import type { UdpSocketFactory } from '../../../src/engine/net/udp';
import { startReflector } from '../../../src/engine/server/reflector';
import type { Report } from '../../../src/report/report';
import { type FakeTcpBehaviour, fakeTcp } from '../../support/fakeTcp';
import { VirtualClock, VirtualNetwork } from '../../support/vnet';

/**
 * "UDP blocked" needs evidence, and comes fast when there is some (issue 13):
 *  - ICMP port unreachable from a server: nothing listens there, UDP reached it: unknown, named;
 *  - one silent server and nothing else: the server is down or UDP is blocked: unknown, named;
 *  - UDP silent while the same hosts answer over TCP: blocked, after a window sized from the
 *    TCP round trip instead of the whole budget;
 *  - no TCP answer either: the whole budget, and the report says so.
 * Servers: A (198.51.100.1) and B (198.51.100.7), each a plain reflector on 3478 unless a test
 * leaves one out; the client sits behind a NAT that may drop all UDP.
 */
const A = { address: '198.51.100.1', port: 3478 };
const B = { address: '198.51.100.7', port: 3478 };
const A_KEY = '198.51.100.1:3478';
const B_KEY = '198.51.100.7:3478';
const BUDGET = 3000;
/** Each link one way; RTT = 4 × this (client uplink and server link, both ways). */
const HOP_MS = 5;

interface Scene {
  readonly blockUdp?: boolean;
  /** Reflectors to start; a server not listed has nothing listening on 3478. */
  readonly listening?: readonly ('A' | 'B')[];
  /** Hosts that answer a datagram to a closed port with ICMP port unreachable. */
  readonly icmp?: readonly ('A' | 'B')[];
  readonly servers?: readonly ('A' | 'B')[];
  /** TCP behaviour per server; no `tcp` at all: no TCP connector (TCP cannot be tried). */
  readonly tcp?: Partial<Record<'A' | 'B', FakeTcpBehaviour>>;
  readonly tcpRttMs?: number;
  /** Wraps the client's socket factory (the attacks). */
  readonly wrap?: (f: UdpSocketFactory, clock: VirtualClock) => UdpSocketFactory;
  readonly overrides?: Partial<DiagnoseOptions>;
  /** One-way delay of each link (RTT = 4 ×); HOP_MS by default. */
  readonly hopMs?: number;
}

async function diagnoseIn(scene: Scene): Promise<{ report: Report; openStreams: number; tcpAttempts: number }> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 3 });
  const hosts = {
    A: net.addHost({ addresses: [A.address], link: { delayMs: scene.hopMs ?? HOP_MS }, portUnreachable: scene.icmp?.includes('A') ?? false }),
    B: net.addHost({ addresses: [B.address], link: { delayMs: scene.hopMs ?? HOP_MS }, portUnreachable: scene.icmp?.includes('B') ?? false }),
  };
  for (const name of scene.listening ?? ['A', 'B']) {
    await startReflector({ factory: hosts[name], primary: name === 'A' ? A : B, software: 'test', clock });
  }
  const nat = net.addNat(
    { publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', blockUdp: scene.blockUdp ?? false },
    { link: { delayMs: scene.hopMs ?? HOP_MS } },
  );
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: nat });
  const tcp = scene.tcp
    ? fakeTcp(clock, Object.fromEntries(Object.entries(scene.tcp).map(([k, v]) => [k === 'A' ? A_KEY : B_KEY, v])), scene.tcpRttMs ?? 4 * HOP_MS)
    : undefined;
  const report = await clock.run(
    diagnose({
      servers: (scene.servers ?? ['A']).map((n) => ({ host: (n === 'A' ? A : B).address, port: 3478 })),
      factory: scene.wrap ? scene.wrap(client, clock) : client,
      clock,
      resolve: async (host) => [{ address: host, family: 4 }],
      interfaces: () => [{ name: 'eth0', address: '192.168.1.2', family: 4, internal: false }],
      budgetMs: BUDGET,
      version: 'test',
      now: () => new Date(0),
      ...(tcp ? { tcp } : {}),
      ...scene.overrides,
    }),
  );
  return { report, openStreams: tcp?.openStreams() ?? 0, tcpAttempts: [...(tcp?.attempts.values() ?? [])].reduce((a, b) => a + b, 0) };
}

/** A factory whose connected sockets "hear" an ICMP port unreachable `afterMs` after each first send: a forger on the path. */
function forgedIcmp(afterMs: number) {
  return (inner: UdpSocketFactory, clock: VirtualClock): UdpSocketFactory => ({
    async bind(options) {
      const socket = await inner.bind(options);
      let refused: (() => void) | undefined;
      let sent = false;
      return {
        family: socket.family,
        localEndpoint: () => socket.localEndpoint(),
        onMessage: (h) => socket.onMessage(h),
        onRefused: (h) => {
          refused = h;
        },
        send: (data, to) => {
          if (options.connect && !sent) {
            sent = true;
            clock.setTimeout(() => refused?.(), afterMs);
          }
          return socket.send(data, to);
        },
        close: () => socket.close(),
      };
    },
  });
}

describe('the UDP verdict needs evidence, and comes fast when TCP gives it', () => {
  describe('nothing listens on the port', () => {
    it('ICMP port unreachable (a mistyped port): unknown, "nothing listens on" the server, not "blocked", in well under a second', async () => {
      const { report } = await diagnoseIn({ listening: [], icmp: ['A'], tcp: { A: 'refused' } });
      assert.equal(report.udp, 'unknown', report.udpReason);
      assert.match(report.udpReason, /^nothing listens on 198\.51\.100\.1:3478: its host answers with ICMP port unreachable, so UDP reaches it/);
      assert.match(report.servers[0].error ?? '', /nothing listens on udp 198\.51\.100\.1:3478: its host answered ICMP port unreachable/);
      assert.equal(report.natType.value, 'unknown');
      assert.ok(!report.recommendations.some((r) => r.id === 'udp-blocked'), JSON.stringify(report.recommendations));
      assert.ok(report.durationMs < 500, `took ${report.durationMs} virtual ms`);
    });

    it('the same without any TCP connector: the ICMP alone is enough', async () => {
      const { report } = await diagnoseIn({ listening: [], icmp: ['A'] });
      assert.equal(report.udp, 'unknown');
      assert.match(report.udpReason, /^nothing listens on 198\.51\.100\.1:3478/);
      assert.ok(report.durationMs < 500, `took ${report.durationMs} virtual ms`);
    });
  });

  describe('silence alone', () => {
    it('one silent server, no TCP to ask: unknown, "the server is down or UDP is blocked", named, after the whole budget (and says so)', async () => {
      const { report } = await diagnoseIn({ listening: [] });
      assert.equal(report.udp, 'unknown', report.udpReason);
      assert.match(report.udpReason, /^the server is down or UDP is blocked: 198\.51\.100\.1:3478 did not answer over UDP in \d+ ms, and nothing else answered/);
      assert.equal(report.udpSilenceWindow?.basis, 'budget');
      assert.match(report.udpSilenceWindow?.reason ?? '', /conservative/);
      assert.ok(report.durationMs >= BUDGET - 50, `gave up early: ${report.durationMs} ms`);
      assert.equal(report.natType.value, 'unknown');
    });

    it('UDP dropped and TCP silent too: unknown "nor over TCP", the whole budget', async () => {
      const { report } = await diagnoseIn({ blockUdp: true, tcp: { A: 'silent' } });
      assert.equal(report.udp, 'unknown', report.udpReason);
      assert.match(report.udpReason, /did not answer over UDP in \d+ ms, nor over TCP/);
      assert.equal(report.udpSilenceWindow?.basis, 'budget');
      assert.ok(report.durationMs >= BUDGET - 50);
    });
  });

  describe('blocked, with evidence, fast', () => {
    for (const how of ['refused', 'stun'] as const) {
      it(`UDP dropped while the host answers TCP (${how}): "no", after the TCP-sized window, not the budget`, async () => {
        const { report, openStreams } = await diagnoseIn({ blockUdp: true, tcp: { A: how } });
        assert.equal(report.udp, 'no', report.udpReason);
        assert.equal(report.natType.value, 'udp-blocked');
        assert.match(report.udpReason, /^UDP is blocked: no UDP answer from 198\.51\.100\.1:3478 in \d+ ms, while its host answers over TCP/);
        assert.match(report.udpReason, how === 'stun' ? /STUN over TCP in [\d.]+ ms/ : /connection refused in [\d.]+ ms/);
        assert.equal(report.udpSilenceWindow?.basis, 'tcp-rtt');
        assert.equal(report.udpSilenceWindow?.ms, TCP_WINDOW_FLOOR_MS, 'RTT 20 ms: the floor');
        assert.ok(report.durationMs <= TCP_WINDOW_FLOOR_MS + 100, `took ${report.durationMs} virtual ms`);
        assert.match(report.servers[0].error ?? '', /; over TCP its host answers \((connection refused|STUN over TCP) in [\d.]+ ms\)$/);
        assert.ok(report.recommendations.some((r) => r.id === 'udp-blocked'));
        assert.ok(
          report.contacted?.some((c) => c.transport === 'tcp' && c.address === A.address && c.port === 3478 && c.role === 'configured server' && c.packets === 1),
          JSON.stringify(report.contacted),
        );
        assert.equal(openStreams, 0, 'the TCP stream is closed');
      });
    }

    it('a far server (TCP RTT 300 ms): the window grows with the RTT (4 × RTT + 300 ms)', async () => {
      const { report } = await diagnoseIn({ blockUdp: true, tcp: { A: 'refused' }, tcpRttMs: 300 });
      assert.equal(report.udp, 'no', report.udpReason);
      assert.equal(report.udpSilenceWindow?.ms, 1500);
      assert.ok(report.durationMs >= 1500 && report.durationMs <= 1700, `took ${report.durationMs}`);
    });

    it('a working server with TCP answering stays "yes": TCP only sizes the wait for silence', async () => {
      const { report } = await diagnoseIn({ tcp: { A: 'stun' } });
      assert.equal(report.udp, 'yes', report.udpReason);
      assert.equal(report.udpSilenceWindow?.basis, 'udp-rtt');
    });
  });

  describe('several servers: blocked is about the path, down is about one server', () => {
    it('A answers over UDP, B is silent while its host answers TCP: UDP "yes"; B named as silent, with the TCP answer', async () => {
      const { report } = await diagnoseIn({ servers: ['A', 'B'], listening: ['A'], tcp: { A: 'stun', B: 'refused' } });
      assert.equal(report.udp, 'yes');
      const b = report.servers.find((s) => s.address === B.address);
      assert.match(b?.error ?? '', /^no answer from 198\.51\.100\.7:3478 .*; over TCP its host answers \(connection refused in [\d.]+ ms\)$/);
    });

    it('A refuses (ICMP), B is silent with TCP answering: unknown, both named; ICMP wins over "blocked"', async () => {
      const { report } = await diagnoseIn({ servers: ['A', 'B'], listening: [], icmp: ['A'], tcp: { A: 'refused', B: 'refused' } });
      assert.equal(report.udp, 'unknown', report.udpReason);
      assert.match(report.udpReason, /^nothing listens on 198\.51\.100\.1:3478: .*; 198\.51\.100\.7:3478 did not answer at all$/);
    });

    it('both silent, no TCP: unknown, "the servers are down, this machine is offline, or UDP is blocked"', async () => {
      const { report } = await diagnoseIn({ servers: ['A', 'B'], blockUdp: true });
      assert.equal(report.udp, 'unknown');
      assert.match(report.udpReason, /^the servers are down, this machine is offline, or UDP is blocked: none of the 2 servers answered over UDP/);
    });

    it('both dropped, one host answers TCP, the other TCP-silent: blocked, naming the host that answered', async () => {
      const { report } = await diagnoseIn({ servers: ['A', 'B'], blockUdp: true, tcp: { A: 'silent', B: 'stun' } });
      assert.equal(report.udp, 'no', report.udpReason);
      assert.match(report.udpReason, /no UDP answer from any of the 2 servers in \d+ ms, while 198\.51\.100\.7:3478 answers over TCP/);
      assert.ok(report.durationMs <= TCP_WINDOW_FLOOR_MS + 100, `took ${report.durationMs}`);
    });
  });

  describe('attacks', () => {
    for (const hostile of ['slowloris', 'dribble'] as const) {
      it(`a TCP server that accepts and then ${hostile === 'slowloris' ? 'never says anything' : 'dribbles bytes forever'} does not stall the verdict, and its stream is closed`, async () => {
        const { report, openStreams } = await diagnoseIn({ blockUdp: true, tcp: { A: hostile } });
        assert.equal(report.udp, 'no', report.udpReason);
        assert.match(report.udpReason, /handshake in [\d.]+ ms/);
        assert.ok(report.durationMs <= TCP_WINDOW_FLOOR_MS + 100, `took ${report.durationMs} virtual ms`);
        assert.equal(openStreams, 0);
      });
    }

    it('a forged ICMP port unreachable where UDP is really dropped: not a silent wrong verdict; the reason names the ICMP and what else it may be', async () => {
      const { report } = await diagnoseIn({ blockUdp: true, tcp: { A: 'refused' }, wrap: forgedIcmp(30) });
      assert.notEqual(report.udp, 'yes');
      assert.equal(report.udp, 'unknown', 'an ICMP error is not an answer, and not proof of blocking either');
      assert.match(report.udpReason, /ICMP port unreachable/);
      assert.match(report.udpReason, /a firewall on the way that rejects UDP would look the same/);
    });

    it('a forged ICMP port unreachable cannot cut short an answer already on its way (RTT 200 ms, forged at 5 ms)', async () => {
      const { report } = await diagnoseIn({ hopMs: 50, tcp: { A: 'stun' }, tcpRttMs: 200, wrap: forgedIcmp(5) });
      assert.equal(report.udp, 'yes', report.udpReason);
      assert.equal(report.mapping.value, 'unknown', 'one server: the mapping cannot be compared, but it was seen');
      assert.equal(report.publicEndpoints[0]?.address, '203.0.113.5');
    });

    it('the TCP probe goes only to the configured servers, once each', async () => {
      const { report, tcpAttempts } = await diagnoseIn({ servers: ['A', 'B'], blockUdp: true, tcp: { A: 'refused', B: 'refused' } });
      assert.equal(tcpAttempts, 2);
      const tcp = (report.contacted ?? []).filter((c) => c.transport === 'tcp');
      assert.deepEqual(tcp.map((c) => `${c.address}:${c.port} ${c.role}`).sort(), [`${A_KEY} configured server`, `${B_KEY} configured server`]);
    });
  });
});
