import assert from 'node:assert/strict';
import {
  EMPTY_RESULTS,
  MAX_NETWORKS,
  fromOtherNetwork,
  type ResultsState,
  type RunKind,
  networkKey,
  partTimes,
  picture,
  readResults,
  recordRun,
  sameNetwork,
} from '../../../src/report/networkResults';
import { isPictureInfo } from '../../../src/report/messages';
import type { PortResult, Report } from '../../../src/report/report';
import { parseTurnUrl } from '../../../src/engine/probes/turnUrl';
import { endpointKey } from '../../../src/engine/net/udp';
import { fakeTcp } from '../../support/fakeTcp';
import { PRIMARY, makeWorld } from '../discovery/world';

// Real reports from the engine on the virtual network (test/unit/discovery/world.ts): a client
// at 192.168.1.2 behind a NAT whose public address is 203.0.113.5, idle timeout 33 s.
let minute = 0;
const at = () => new Date(Date.UTC(2026, 11, 2, 15, minute++));

async function diagnosis(nat: { publicAddresses?: string[]; blockUdp?: boolean } = {}): Promise<Report> {
  const world = await makeWorld({ nat: { bindingTimeoutMs: 33_000, ...nat } });
  // With UDP blocked, the server's host still answers over TCP: the evidence that makes it "blocked".
  return world.run({ now: at, ...(nat.blockUdp ? { tcp: fakeTcp(world.clock, { [endpointKey(PRIMARY)]: 'stun' }) } : {}) });
}

async function lifetimeRun(): Promise<Report> {
  const world = await makeWorld({ nat: { bindingTimeoutMs: 33_000 } });
  return world.run({ now: at, lifetime: { maxSeconds: 60 } });
}

/** What Test VPN ports adds to a diagnosis against the ports server (the rows are the engine's shape). */
function withPorts(report: Report, ports: PortResult[]): Report {
  return { ...report, ports };
}

const BLOCKED_51820: PortResult = { protocol: 'udp', port: 51820, reachable: 'no', basis: 'silence while udp/3478 of the same server answered' };
const OPEN_443: PortResult = { protocol: 'tcp', port: 443, reachable: 'yes', basis: 'TCP handshake and a STUN answer' };

function record(state: ResultsState, kind: RunKind, report: Report, cancelled = false) {
  return recordRun(state, { kind, report, cancelled });
}

describe('results per network (one network, one picture)', () => {
  it('measure lifetime, then test ports: the picture has both, each with its own time', async () => {
    const life = await lifetimeRun();
    assert.equal(life.mappingLifetime?.value !== null, true, `the engine measured no lifetime: ${JSON.stringify(life.mappingLifetime)}`);
    let state = record(EMPTY_RESULTS, 'lifetime', life).state;
    const ports = withPorts(await diagnosis(), [BLOCKED_51820, OPEN_443]);
    const r = record(state, 'ports', ports);
    state = r.state;
    assert.deepEqual(r.outcome, { kind: 'merged', kept: ['lifetime'] });
    const shown = picture(state)!;
    assert.deepEqual(shown.mappingLifetime, life.mappingLifetime);
    assert.deepEqual(shown.ports, [BLOCKED_51820, OPEN_443]);
    const times = partTimes(state)!;
    assert.equal(times.lifetimeAt, life.startedAt);
    assert.equal(times.portsAt?.newest, ports.startedAt);
    // The advice is made from the whole picture: the keepalive follows the measured lifetime, the blocked port is named.
    const ids = shown.recommendations.map((x) => x.id);
    assert.ok(ids.some((id) => /keepalive/.test(id)), ids.join(', '));
    assert.ok(JSON.stringify(shown.recommendations).includes('51820'), 'the blocked WireGuard port is not in the advice');
  });

  it('a port test against a server that cannot tell the filtering (no RFC 5780) keeps the fuller behaviour', async () => {
    const full = await diagnosis();
    let state = record(EMPTY_RESULTS, 'diagnosis', full).state;
    const single = await (await makeWorld({ rfc5780: false })).run({ now: at });
    assert.equal(single.filtering.value, 'unknown', 'the single-address server told the filtering');
    const r = record(state, 'ports', withPorts(single, [BLOCKED_51820]));
    assert.deepEqual(r.outcome, { kind: 'merged', kept: ['behaviour'] });
    state = r.state;
    assert.equal(picture(state)!.startedAt, full.startedAt);
    assert.equal(picture(state)!.filtering.value, full.filtering.value);
    assert.deepEqual(picture(state)!.ports, [BLOCKED_51820]);
  });

  it('a new diagnosis refreshes the behaviour and keeps the ports and the lifetime', async () => {
    let state = record(EMPTY_RESULTS, 'lifetime', await lifetimeRun()).state;
    state = record(state, 'ports', withPorts(await diagnosis(), [BLOCKED_51820])).state;
    const fresh = await diagnosis();
    state = record(state, 'diagnosis', fresh).state;
    const shown = picture(state)!;
    assert.equal(shown.startedAt, fresh.startedAt, 'the behaviour is the new diagnosis');
    assert.ok(shown.mappingLifetime && shown.mappingLifetime.value !== null);
    assert.deepEqual(shown.ports, [BLOCKED_51820]);
  });

  it('cancelling a lifetime run keeps the port results (and the behaviour it had, when the cancelled run had none)', async () => {
    let state = record(EMPTY_RESULTS, 'ports', withPorts(await diagnosis(), [BLOCKED_51820, OPEN_443])).state;
    const good = picture(state)!;
    const cancelled: Report = {
      ...(await diagnosis()),
      mappingLifetime: { value: null, idleSeconds: null, refreshedByInbound: 'unknown', absoluteSeconds: null, reason: 'cancelled after 12 s' },
    };
    state = record(state, 'lifetime', cancelled, true).state;
    const shown = picture(state)!;
    assert.deepEqual(shown.ports, good.ports, 'the PORT results survived');
    assert.equal(shown.mappingLifetime, undefined, 'a cancelled lifetime without a value is not a measurement: "Measure" stays offered');
  });

  it('a cancelled run that got no answer at all replaces nothing', async () => {
    const state = record(EMPTY_RESULTS, 'diagnosis', await diagnosis()).state;
    const nothing: Report = { ...(await diagnosis()), udp: 'unknown', udpReason: 'cancelled before any server answered', publicEndpoints: [] };
    const r = record(state, 'diagnosis', nothing, true);
    assert.equal(r.outcome.kind, 'ignored');
    assert.equal(r.state, state);
  });

  it('a re-test whose answer is "unknown" does not replace a port result that was yes or no', async () => {
    let state = record(EMPTY_RESULTS, 'ports', withPorts(await diagnosis(), [BLOCKED_51820])).state;
    state = record(state, 'ports', withPorts(await diagnosis(), [{ ...BLOCKED_51820, reachable: 'unknown', basis: 'the server did not answer on udp/3478' }])).state;
    assert.deepEqual(picture(state)!.ports, [BLOCKED_51820]);
    state = record(state, 'ports', withPorts(await diagnosis(), [{ ...BLOCKED_51820, reachable: 'yes', basis: 'answer from the reflector' }])).state;
    assert.equal(picture(state)!.ports?.[0].reachable, 'yes', 'a real re-measurement replaces it');
  });

  it('a new port test is the new port list: a port no longer tested is not shown; a cancelled one only adds its answers', async () => {
    let state = record(EMPTY_RESULTS, 'ports', withPorts(await diagnosis(), [BLOCKED_51820, OPEN_443])).state;
    const udp1194: PortResult = { protocol: 'udp', port: 1194, reachable: 'yes', basis: 'answer from the reflector' };
    state = record(state, 'ports', withPorts(await diagnosis(), [udp1194])).state;
    assert.deepEqual(picture(state)!.ports, [udp1194]);
    state = record(state, 'ports', withPorts(await diagnosis(), [{ ...BLOCKED_51820, reachable: 'unknown', basis: 'cancelled' }, OPEN_443]), true).state;
    assert.deepEqual(picture(state)!.ports, [udp1194, OPEN_443]);
  });

  it('an offline run keeps the good picture and marks the state offline until a run reaches a network again', async () => {
    const good = await diagnosis();
    let state = record(EMPTY_RESULTS, 'ports', withPorts(good, [BLOCKED_51820])).state;
    const world = await makeWorld({});
    // Unplugged: loopback only, and the resolver cannot reach DNS.
    const offline = await world.run({
      now: at,
      servers: [{ host: 'stun.example.net', port: 3478 }],
      interfaces: () => [{ name: 'lo', address: '127.0.0.1', family: 4, internal: true }],
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
      },
    });
    const r = record(state, 'diagnosis', offline);
    assert.equal(r.outcome.kind, 'offline');
    state = r.state;
    assert.ok(state.offline, 'offline is shown');
    assert.deepEqual(picture(state)!.ports, [BLOCKED_51820], 'the good picture is one click away, unchanged');
    state = record(state, 'diagnosis', await diagnosis()).state;
    assert.equal(state.offline, undefined, 'back online');
  });

  it('a network with UDP blocked is a result about that network, not "offline"', async () => {
    const blocked = await diagnosis({ blockUdp: true });
    assert.equal(blocked.udp, 'no', blocked.udpReason);
    const r = record(EMPTY_RESULTS, 'diagnosis', blocked);
    assert.equal(r.outcome.kind, 'new-network');
    assert.equal(r.state.offline, undefined);
    assert.equal(picture(r.state)!.udp, 'no');
  });

  it('after a network change the old network\'s ports and lifetime are not shown as current, and come back with that network', async () => {
    let state = record(EMPTY_RESULTS, 'lifetime', await lifetimeRun()).state;
    state = record(state, 'ports', withPorts(await diagnosis(), [BLOCKED_51820])).state;
    // Same LAN address range (a café on 192.168.1.0/24 too), another public address: another network.
    const cafe = await diagnosis({ publicAddresses: ['198.18.7.7'] });
    const r = record(state, 'diagnosis', cafe);
    assert.equal(r.outcome.kind, 'new-network');
    state = r.state;
    const shown = picture(state)!;
    assert.equal(shown.ports, undefined);
    assert.equal(shown.mappingLifetime, undefined);
    assert.equal(state.networks.length, 2);
    // Home again: its parts are there again (with their own, older times).
    state = record(state, 'diagnosis', await diagnosis()).state;
    assert.deepEqual(picture(state)!.ports, [BLOCKED_51820]);
    assert.ok(picture(state)!.mappingLifetime);
  });

  it(`keeps at most ${MAX_NETWORKS} networks, the least recently seen evicted`, async () => {
    let state = EMPTY_RESULTS;
    const base = await diagnosis();
    for (let i = 0; i < MAX_NETWORKS + 2; i++) {
      const other: Report = { ...base, startedAt: at().toISOString(), publicEndpoints: [{ ...base.publicEndpoints[0], address: `198.18.0.${i + 1}` }] };
      state = record(state, 'diagnosis', other).state;
    }
    assert.equal(state.networks.length, MAX_NETWORKS);
    assert.deepEqual(state.networks[0].key.publicAddresses, [`198.18.0.${MAX_NETWORKS + 2}`]);
    assert.ok(!state.networks.some((n) => n.key.publicAddresses[0] === '198.18.0.1'), 'the oldest is gone');
  });

  describe('what identifies "the same network"', () => {
    const key = (publicAddresses: string[], local: string[]) =>
      networkKey({ publicEndpoints: publicAddresses.map((address) => ({ family: 'IPv4', address, port: 1, server: 's' })), localAddresses: local } as unknown as Report);
    it('a public address and a local network in common (a Docker bridge or a VPN interface coming and going does not matter)', () => {
      assert.ok(sameNetwork(key(['203.0.113.5'], ['192.168.1.2']), key(['203.0.113.5'], ['192.168.1.7', '172.17.0.1'])));
    });
    it('the same LAN range behind another public address is another network', () => {
      assert.ok(!sameNetwork(key(['203.0.113.5'], ['192.168.1.2']), key(['198.18.7.7'], ['192.168.1.2'])));
    });
    it('without a public address on one side, only the very same local addresses count', () => {
      assert.ok(sameNetwork(key([], ['192.168.1.2']), key(['203.0.113.5'], ['192.168.1.2'])));
      assert.ok(!sameNetwork(key([], ['192.168.1.2']), key(['203.0.113.5'], ['192.168.1.3'])));
      assert.ok(!sameNetwork(key([], []), key([], [])), 'no address at all identifies nothing');
    });
    it('IPv6 addresses count by their /64 (privacy addresses change, the prefix stays); loopback and link-local not at all', () => {
      const a = key(['2001:db8::5'], ['2001:db8:1:2:aaaa::1', 'fe80::1', '127.0.0.1']);
      assert.deepEqual(a.localNetworks, ['2001:db8:1:2::/64']);
      assert.ok(sameNetwork(a, key(['2001:db8::5'], ['2001:db8:1:2:bbbb::9'])));
    });
  });

  describe('saved across reloads (globalState)', () => {
    it('reads back what it wrote, through JSON', async () => {
      let state = record(EMPTY_RESULTS, 'lifetime', await lifetimeRun()).state;
      state = record(state, 'ports', withPorts(await diagnosis(), [BLOCKED_51820])).state;
      const back = readResults(JSON.parse(JSON.stringify(state)));
      assert.deepEqual(back, state);
      assert.deepEqual(picture(back), picture(state));
    });
    it('drops a damaged network whole and keeps the others; anything else reads as empty', async () => {
      const state = record(record(EMPTY_RESULTS, 'diagnosis', await diagnosis()).state, 'diagnosis', await diagnosis({ publicAddresses: ['198.18.7.7'] })).state;
      const saved = JSON.parse(JSON.stringify(state)) as { networks: { ports: unknown[]; behaviour: { value: { udp: unknown } } }[] };
      saved.networks[1].behaviour.value.udp = 'maybe';
      assert.equal(readResults(saved).networks.length, 1);
      saved.networks[0].ports = [{ value: { protocol: 'udp', port: 70000, reachable: 'yes', basis: '' }, at: '2026-12-02T15:00:00Z' }];
      assert.equal(readResults(saved).networks.length, 0);
      for (const junk of [undefined, null, 42, 'x', [], { networks: 'x' }]) assert.deepEqual(readResults(junk), EMPTY_RESULTS);
    });
    it('holds no secret: a run with TURN credentials saves no password (reports carry none)', async () => {
      const world = await makeWorld({});
      const url = parseTurnUrl('turn:198.51.100.1:3478');
      assert.ok(url.ok);
      const password = 'hunter2-Secret/+=';
      // The TURN server here does not answer Allocate: the error path is where an echo would show.
      const report = await world.run({ now: at, turn: { url: url.value, username: 'alice', password } });
      assert.ok(report.turn, 'the run tried TURN');
      const saved = JSON.stringify(record(EMPTY_RESULTS, 'diagnosis', report).state);
      assert.ok(!saved.includes(password), 'the TURN password is in the saved state');
    });
  });

  // Issue: the status bar showed the current network's NAT while the panel showed an older
  // report from another network, without a word. The panel asks this before it draws a report.
  describe('is the report shown of the current network?', () => {
    it('a report of another network (another public address) than the current picture: yes, say so', async () => {
      const home = await diagnosis();
      const cafe = await diagnosis({ publicAddresses: ['198.51.100.77'] });
      const state = record(record(EMPTY_RESULTS, 'diagnosis', home).state, 'diagnosis', cafe).state;
      const current = picture(state)!;
      assert.equal(fromOtherNetwork(home, current), true, 'home shown while the machine is at the café');
      assert.equal(fromOtherNetwork(cafe, current), false);
      assert.equal(fromOtherNetwork(current, current), false);
    });

    it('a later run on the same network is not "another network"; nor is anything when there is no current picture', async () => {
      const a = await diagnosis();
      const b = await diagnosis();
      assert.equal(fromOtherNetwork(a, b), false);
      assert.equal(fromOtherNetwork(a, undefined), false);
    });

    it('an offline run belongs to no network (its own card says offline)', async () => {
      const good = await diagnosis();
      const world = await makeWorld({});
      const offline = await world.run({
        now: at,
        servers: [{ host: 'stun.example.net', port: 3478 }],
        interfaces: () => [{ name: 'lo', address: '127.0.0.1', family: 4, internal: true }],
        resolve: async () => {
          throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
        },
      });
      assert.equal(fromOtherNetwork(offline, good), false);
    });

    it('the panel message carries when the current network was measured, checked like the other times', () => {
      assert.equal(isPictureInfo({ currentNetworkAt: '2026-12-02T15:00:00.000Z' }), true);
      assert.equal(isPictureInfo({ currentNetworkAt: 'yesterday' }), false);
    });
  });
});

