// natprobe punch with IPv6 beside IPv4, between two real Linux routers (namespaces): each router
// translates IPv4 (an nftables NAT profile, as in punch.test.ts) and routes a global IPv6 /64 to
// its LAN without translation, through a stateful ip6 firewall (forward: established,related
// accepted, anything new from the WAN dropped, everything from the LAN out), the common home
// router. The rendezvous stays on IPv4. What it shows:
//   - setTTL on a node udp6 socket sets the unicast hop limit (the packet dies where it should);
//   - a new IPv6 flow dropped by the peer's firewall leaves no conntrack entry there (so no clash
//     can come of it, unlike the IPv4 NAT case, and IPv6 checks need no small-TTL start);
//   - two symmetric NATs: no path over IPv4 alone, host↔host over IPv6 with IPv6 on both sides;
//   - two port-restricted NATs with IPv6 on both: the path forms, and it is the IPv6 one;
//   - a side whose router drops all IPv6: IPv4 connects, cleanly.
// Traffic stays inside the lab's namespaces (198.51.100.0/24, 203.0.113.0/24, 192.0.2.0/24,
// 192.168.0.0/16 and 2001:db8::/32 there).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireLabOrSkip } from './lab';
import { PunchLab, type PunchProfile, RENDEZVOUS_IP, sweepStalePunchLabs } from './punchLab';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
/** Budget of a punch that is expected to fail. */
const BUDGET_MS = 3000;

interface PunchJson {
  direct: 'yes' | 'no' | 'unknown';
  reason: string;
  pair: { kind: string; family?: number; local: string; remote: string } | null;
  ms: number | null;
  rttMs: number | null;
  packets: { sent: number; received: number; lowTtl: number };
  contacted: { address: string; port: number; role: string; packets: number }[];
}

/** Sends one datagram per hop limit from a udp6 socket (setTTL), each naming its hop limit. */
const SEND_HOPS = `
const s = require('node:dgram').createSocket({ type: 'udp6', ipv6Only: true });
const [to, port, ...hops] = process.argv.slice(1);
s.bind(0, async () => {
  for (const h of hops) {
    s.setTTL(Number(h));
    await new Promise((r) => s.send('hop ' + h, Number(port), to, r));
  }
  s.close();
});`;
/** Listens on a udp6 port for a while and prints what arrived (JSON list of payloads). */
const LISTEN = `
const s = require('node:dgram').createSocket({ type: 'udp6', ipv6Only: true });
const got = [];
s.on('message', (m) => got.push(m.toString()));
s.bind(Number(process.argv[1]), () => process.stdout.write('listening\\n'));
setTimeout(() => { process.stdout.write(JSON.stringify(got) + '\\n'); s.close(); }, Number(process.argv[2]));`;

async function punchOnce(lab: PunchLab, budgetMs = BUDGET_MS): Promise<{ a: PunchJson; b: PunchJson }> {
  const via = `${RENDEZVOUS_IP}:3478`;
  const first = lab.background(lab.ns.clientA, process.execPath, [CLI, 'punch', '--via', via, '--json', '--budget', String(budgetMs)]);
  const deadline = Date.now() + 10_000;
  let code: string | undefined;
  while (!code && Date.now() < deadline) {
    code = /^Code: (\S+)\nOn the peer/m.exec(first.stderr())?.[1];
    if (!code) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(code, `no code printed: ${first.stderr()}`);
  const second = await lab.run(lab.ns.clientB, process.execPath, [CLI, 'punch', '--via', via, '--code', code, '--json', '--budget', String(budgetMs)], 30_000);
  const exitA = await first.exited;
  const parse = (text: string, who: string): PunchJson => {
    try {
      return JSON.parse(text) as PunchJson;
    } catch {
      throw new Error(`${who} printed no JSON: ${text}`);
    }
  };
  return { a: parse(first.stdout(), `A (exit ${exitA}: ${first.stderr()})`), b: parse(second.stdout, `B (exit ${second.code}: ${second.stderr})`) };
}

function line(label: string, r: { a: PunchJson; b: PunchJson }): string {
  const one = (j: PunchJson): string => `${j.direct}${j.pair ? ` ${j.pair.kind} IPv${j.pair.family} (${j.pair.local} ↔ ${j.pair.remote}) ${j.ms} ms rtt ${j.rttMs} ms` : ''}, ${j.packets.sent} pkts (${j.packets.lowTtl} low-TTL)`;
  return `      ${label}: A ${one(r.a)} | B ${one(r.b)}`;
}

const v6Host = (endpoint: string): string => /^\[([0-9a-f:]+)\]:\d+$/.exec(endpoint)?.[1] ?? '';

describe('lab: natprobe punch with IPv6 (global addresses behind stateful firewalls) beside IPv4 NATs', function () {
  this.timeout(300_000);
  const lab = new PunchLab();
  let server: ReturnType<PunchLab['background']> | undefined;

  before(async function () {
    requireLabOrSkip(this);
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: npm run build first');
    sweepStalePunchLabs();
    lab.create();
    lab.enableIpv6();
    server = lab.background(lab.ns.public, process.execPath, [CLI, 'serve', '--primary', `${RENDEZVOUS_IP}:3478`, '--alternate', '198.51.100.2:3479', '--rendezvous', '--rate', '200']);
    const until = Date.now() + 10_000;
    while (!/serving STUN/.test(server.stdout()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.match(server.stdout(), /with the punch rendezvous/, server.stderr());
  });

  after(() => lab.destroy());

  const setup = (a: PunchProfile, b: PunchProfile, v6: { a: 'stateful' | 'drop-all'; b: 'stateful' | 'drop-all' }): void => {
    lab.configure(a, b);
    lab.firewall6('a', v6.a);
    lab.firewall6('b', v6.b);
  };

  it('setTTL on a udp6 socket sets the hop limit: 1 dies at routerA, 2 at the core, 3 at routerB, 4 and 64 arrive (3 routers between the clients)', async () => {
    lab.configure('port-restricted', 'port-restricted'); // no ip6 table: IPv6 forwarded unfiltered, to see the hop limit alone
    const listener = lab.background(lab.ns.clientB, process.execPath, ['-e', LISTEN, '40000', '2500']);
    const until = Date.now() + 5000;
    while (!/listening/.test(listener.stdout()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const sent = await lab.run(lab.ns.clientA, process.execPath, ['-e', SEND_HOPS, lab.v6.b, '40000', '1', '2', '3', '4', '64'], 10_000);
    assert.equal(sent.code, 0, sent.stderr);
    await listener.exited;
    const got = JSON.parse(listener.stdout().split('\n')[1]) as string[];
    console.log(`      udp6 setTTL 1, 2, 3, 4, 64 from clientA: clientB got ${JSON.stringify(got)}`);
    assert.deepEqual(got.sort(), ['hop 4', 'hop 64']);
  });

  it('a new IPv6 flow dropped by the peer\'s firewall leaves no conntrack entry there (so no clash can come of it); the sender\'s own router keeps one', async () => {
    setup('port-restricted', 'port-restricted', { a: 'stateful', b: 'stateful' });
    const listener = lab.background(lab.ns.clientB, process.execPath, ['-e', LISTEN, '40002', '1500']);
    const until = Date.now() + 5000;
    while (!/listening/.test(listener.stdout()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const sent = await lab.run(lab.ns.clientA, process.execPath, ['-e', SEND_HOPS, lab.v6.b, '40002', '64'], 10_000);
    assert.equal(sent.code, 0, sent.stderr);
    await listener.exited;
    const got = JSON.parse(listener.stdout().split('\n')[1]) as string[];
    const atA = lab.conntrack6('a').filter((l) => l.includes('dport=40002'));
    const atB = lab.conntrack6('b').filter((l) => l.includes('dport=40002'));
    console.log(`      one datagram A → B:40002 through both firewalls: B got ${got.length}; conntrack at routerA ${atA.length} (${atA[0]?.replace(/\s+/g, ' ').slice(0, 120) ?? ''}), at routerB ${atB.length}`);
    assert.deepEqual(got, [], 'the firewall dropped the new flow');
    assert.equal(atA.length, 1, 'the sender\'s router tracks the outbound flow');
    assert.equal(atB.length, 0, 'the dropped packet left nothing in the peer router\'s conntrack');
  });

  it('symmetric ↔ symmetric: no path over IPv4 alone (IPv6 dropped on both routers); with IPv6 on both sides, host↔host over IPv6', async () => {
    setup('symmetric', 'symmetric', { a: 'drop-all', b: 'drop-all' });
    const v4only = await punchOnce(lab);
    console.log(line('symmetric ↔ symmetric, IPv6 dropped', v4only));
    assert.equal(v4only.a.direct, 'no', v4only.a.reason);
    assert.equal(v4only.b.direct, 'no', v4only.b.reason);
    // The declared IPv6 addresses were tried, bounded, and nothing else of IPv6.
    assert.ok(v4only.a.contacted.filter((c) => c.address.includes(':')).every((c) => c.address === lab.v6.b));

    setup('symmetric', 'symmetric', { a: 'stateful', b: 'stateful' });
    const r = await punchOnce(lab);
    console.log(line('symmetric ↔ symmetric, IPv6 stateful firewalls', r));
    for (const [j, mine, theirs] of [[r.a, lab.v6.a, lab.v6.b], [r.b, lab.v6.b, lab.v6.a]] as const) {
      assert.equal(j.direct, 'yes', j.reason);
      assert.equal(j.pair!.kind, 'host↔host');
      assert.equal(j.pair!.family, 6);
      assert.equal(v6Host(j.pair!.local), mine);
      assert.equal(v6Host(j.pair!.remote), theirs);
    }
    // The peer's firewall tracks the flow as one our side opened, or its own: established both ways.
    const tracked = lab.conntrack6('b').filter((l) => l.includes(lab.v6.a));
    assert.ok(tracked.length >= 1, 'routerB tracks the IPv6 flow');
  });

  it('port-restricted ↔ port-restricted with IPv6 on both: the path forms, over IPv6 (first to succeed: no small-TTL wait)', async () => {
    setup('port-restricted', 'port-restricted', { a: 'stateful', b: 'stateful' });
    const r = await punchOnce(lab);
    console.log(line('port-restricted ↔ port-restricted, IPv6 stateful firewalls', r));
    for (const j of [r.a, r.b]) {
      assert.equal(j.direct, 'yes', j.reason);
      assert.equal(j.pair!.family, 6, `chosen family: ${JSON.stringify(j.pair)}`);
      assert.equal(j.pair!.kind, 'host↔host');
      assert.ok(v6Host(j.pair!.remote), j.pair!.remote);
    }
  });

  it('port-restricted ↔ port-restricted, routerB dropping all IPv6: IPv4 connects srflx↔srflx, cleanly', async () => {
    setup('port-restricted', 'port-restricted', { a: 'stateful', b: 'drop-all' });
    const r = await punchOnce(lab);
    console.log(line('port-restricted ↔ port-restricted, IPv6 dropped at routerB', r));
    for (const j of [r.a, r.b]) {
      assert.equal(j.direct, 'yes', j.reason);
      assert.equal(j.pair!.kind, 'srflx↔srflx');
      assert.equal(j.pair!.family, 4);
      assert.ok(!j.pair!.remote.startsWith('['), j.pair!.remote);
    }
    assert.ok(r.a.contacted.some((c) => c.address === lab.v6.b), 'A did try B\'s IPv6 address');
  });
});
