// natprobe punch between two real Linux NATs (nftables in namespaces), a core router between
// them, and natprobe serve --rendezvous in the public namespace. For each pair of profiles the
// punch must agree with physics (both sides endpoint-independent: yes, whatever the filtering;
// a symmetric side against a side that admits any port of a contacted address: yes, through the
// peer-reflexive candidate; a symmetric side that counts its ports up: yes by port prediction
// wherever the other side is not random; two sides whose ports cannot be predicted: no) and
// with compare's prediction from the two sides' diagnose reports. Figures per pair are printed
// (bench/punch.ts reads them the same way).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireLabOrSkip } from './lab';
import { ALTERNATE_IP, PUNCH_PROFILES, PunchLab, type PunchProfile, RENDEZVOUS_IP, SEQUENTIAL_FIRST_PORT, SEQUENTIAL_PORTS, sweepStalePunchLabs } from './punchLab';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const UDP_TOOL = path.resolve(__dirname, 'udp-tool.cjs');
/** Budget of a punch that is expected to fail: short, so the whole file stays near two minutes. */
const BUDGET_MS = 3000;

export interface PunchJson {
  direct: 'yes' | 'no' | 'unknown';
  reason: string;
  pair: { kind: string; local: string; remote: string } | null;
  ms: number | null;
  rttMs: number | null;
  prediction: { direct: string; reason: string };
  agrees: string;
  packets: { sent: number; received: number; lowTtl: number };
  symmetric: { ownMapping: string; stride?: number; tried?: string; packets: number };
}

/**
 * What physics allows: a path whenever at least one side's mapping is endpoint-independent (a
 * port-restricted side against a symmetric one only by the many-sockets method, which needs the
 * rendezvous on two addresses so each end knows its own mapping). A symmetric side that counts
 * its ports up tells its next port from the rendezvous's two addresses, so it is as good as
 * endpoint-independent for one new destination: against a port-restricted side, and against
 * another such side when each aims its first check at the other's first predicted port. Never
 * against a symmetric side with random ports: that side's port towards us cannot be known, our
 * filter (conntrack: address and port) admits only the exact port we sent to, and every probe of
 * ours to another of its ports is a new destination, so it leaves from a new port of ours too,
 * one its mappings (made towards our earlier ports) do not admit: no two guesses can meet, which
 * is why the many-sockets method (256 mappings on one side, all towards the one fixed port of
 * the other) does not apply. Never between two random-port symmetric NATs.
 */
function expected(a: PunchProfile, b: PunchProfile): 'yes' | 'no' {
  const random = [a, b].filter((p) => p === 'symmetric').length;
  const sequential = [a, b].filter((p) => p === 'symmetric-sequential').length;
  return random === 2 || (random === 1 && sequential === 1) ? 'no' : 'yes';
}

/** Pairs that only port prediction connects: a sequential side against a filter by address and port. */
function byPrediction(a: PunchProfile, b: PunchProfile): boolean {
  const pair = [a, b];
  return pair.includes('symmetric-sequential') && (pair.includes('port-restricted') || (a === b));
}

export async function punchOnce(lab: PunchLab, nsA: string, nsB: string, extra: { a?: string[]; b?: string[] } = {}): Promise<{ a: PunchJson; b: PunchJson; exitA: number | null; exitB: number | null }> {
  const via = `${RENDEZVOUS_IP}:3478`;
  const first = lab.background(nsA, process.execPath, [CLI, 'punch', '--via', via, '--json', '--budget', String(BUDGET_MS), ...(extra.a ?? [])]);
  const deadline = Date.now() + 10_000;
  let code: string | undefined;
  while (!code && Date.now() < deadline) {
    code = /^Code: (\S+)\nOn the peer/m.exec(first.stderr())?.[1];
    if (!code) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(code, `no code printed: ${first.stderr()}`);
  const second = await lab.run(nsB, process.execPath, [CLI, 'punch', '--via', via, '--code', code, '--json', '--budget', String(BUDGET_MS), ...(extra.b ?? [])], 20_000);
  const exitA = await first.exited;
  const parse = (text: string, who: string): PunchJson => {
    try {
      return JSON.parse(text) as PunchJson;
    } catch {
      throw new Error(`${who} printed no JSON: ${text}`);
    }
  };
  return { a: parse(first.stdout(), `A (exit ${exitA}: ${first.stderr()})`), b: parse(second.stdout, `B (exit ${second.code}: ${second.stderr})`), exitA, exitB: second.code };
}

function line(label: string, r: { a: PunchJson; b: PunchJson }): string {
  const one = (j: PunchJson): string =>
    `${j.direct}${j.pair ? ` ${j.pair.kind} ${j.ms} ms rtt ${j.rttMs} ms` : ''}, ${j.packets.sent} pkts (${j.packets.lowTtl} low-TTL${j.symmetric.tried ? `, ${j.symmetric.tried} ${j.symmetric.packets}` : ''})`;
  return `      ${label}: A ${one(r.a)} | B ${one(r.b)} | compare: ${r.a.prediction.direct}`;
}

describe('lab: natprobe punch between two NATs, a core router between them', function () {
  this.timeout(300_000);
  const lab = new PunchLab();
  const reports = new Map<string, string>();
  let tmp = '';
  let server: ReturnType<PunchLab['background']> | undefined;

  before(async function () {
    requireLabOrSkip(this);
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: npm run build first');
    sweepStalePunchLabs();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `punchlab-${lab.base}-`));
    lab.create();
    server = lab.background(lab.ns.public, process.execPath, [CLI, 'serve', '--primary', `${RENDEZVOUS_IP}:3478`, '--alternate', '198.51.100.2:3479', '--rendezvous', '--rate', '200']);
    const until = Date.now() + 10_000;
    while (!/serving STUN/.test(server.stdout()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.match(server.stdout(), /with the punch rendezvous/, server.stderr());
    // Each side's diagnose report under each profile, for compare's prediction.
    const started = Date.now();
    for (const p of PUNCH_PROFILES) {
      lab.configure(p, p);
      const [ra, rb] = await Promise.all(
        [lab.ns.clientA, lab.ns.clientB].map((ns) => lab.run(ns, process.execPath, [CLI, 'diagnose', '--server', `${RENDEZVOUS_IP}:3478`, '--json', '--budget', '3000'])),
      );
      for (const [side, r] of [['A', ra], ['B', rb]] as const) {
        const file = path.join(tmp, `${side}-${p}.json`);
        fs.writeFileSync(file, r.stdout);
        reports.set(`${side}-${p}`, file);
      }
    }
    console.log(`      ${2 * PUNCH_PROFILES.length} diagnose reports (${PUNCH_PROFILES.length} profiles, both sides) in ${Date.now() - started} ms`);
  });

  after(() => {
    lab.destroy();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const withReports = (a: PunchProfile, b: PunchProfile) => ({
    a: ['--report', reports.get(`A-${a}`)!, '--peer-report', reports.get(`B-${b}`)!],
    b: ['--report', reports.get(`B-${b}`)!, '--peer-report', reports.get(`A-${a}`)!],
  });

  it('symmetric-sequential is what it says: a new mapping per destination, each the next port (stride 1), the same one again for a destination already seen', async () => {
    lab.configure('symmetric-sequential', 'port-restricted');
    // One socket, four new destinations one after the other (the server's four transport
    // addresses), then the first again.
    const targets = [`${RENDEZVOUS_IP}:3478`, `${RENDEZVOUS_IP}:3479`, `${ALTERNATE_IP}:3478`, `${ALTERNATE_IP}:3479`, `${RENDEZVOUS_IP}:3478`];
    const r = await lab.run(lab.ns.clientA, process.execPath, [UDP_TOOL, 'mapped', ...targets], 20_000);
    assert.equal(r.code, 0, r.stderr);
    const mapped = JSON.parse(r.stdout) as (string | null)[];
    console.log(`      symmetric-sequential mappings: ${mapped.join(', ')}`);
    assert.ok(mapped.every((m) => m?.startsWith(`${lab.a.wanIp}:`)), `every answer names the NAT's address: ${r.stdout}`);
    const ports = mapped.map((m) => Number(m!.split(':')[1]));
    assert.ok(ports[0] >= SEQUENTIAL_FIRST_PORT && ports[0] + 3 < SEQUENTIAL_FIRST_PORT + SEQUENTIAL_PORTS, `in the profile's range: ${ports[0]}`);
    assert.deepEqual(ports, [ports[0], ports[0] + 1, ports[0] + 2, ports[0] + 3, ports[0]]);
    // The same NAT as diagnose measured it for compare: destination-dependent, filtering by port.
    // and that it counts up (sequentialPorts), which the random-port symmetric NAT does not.
    type Seen = { mapping: { value: string }; filtering: { value: string }; natType: { value: string }; sequentialPorts?: { value: string; stride: number | null; reason: string } };
    const read = (key: string): Seen => JSON.parse(fs.readFileSync(reports.get(key)!, 'utf8')) as Seen;
    for (const side of ['A', 'B']) {
      const report = read(`${side}-symmetric-sequential`);
      assert.equal(report.mapping.value, 'address-and-port-dependent');
      assert.equal(report.filtering.value, 'address-and-port-dependent');
      assert.equal(report.natType.value, 'symmetric');
      assert.equal(report.sequentialPorts?.value, 'yes', report.sequentialPorts?.reason);
      assert.equal(report.sequentialPorts?.stride, 1);
      const random = read(`${side}-symmetric`);
      assert.equal(random.sequentialPorts?.value, 'no', random.sequentialPorts?.reason);
    }
    console.log(`      diagnose behind it: ${read('A-symmetric-sequential').sequentialPorts!.reason}`);
  });

  it('port-restricted ↔ port-restricted: yes, srflx↔srflx, thanks to the small-TTL start', async () => {
    lab.configure('port-restricted', 'port-restricted');
    const r = await punchOnce(lab, lab.ns.clientA, lab.ns.clientB, withReports('port-restricted', 'port-restricted'));
    console.log(line('port-restricted ↔ port-restricted', r));
    for (const j of [r.a, r.b]) {
      assert.equal(j.direct, 'yes', j.reason);
      assert.equal(j.pair?.kind, 'srflx↔srflx');
      assert.equal(j.prediction.direct, 'yes', j.prediction.reason);
      assert.ok(j.packets.lowTtl > 0);
    }
    assert.equal(r.exitA, 0);
    assert.equal(r.exitB, 0);
  });

  it('port-restricted ↔ port-restricted with --ttl 0 (naive simultaneous sending): the conntrack clash the small TTL avoids', async () => {
    lab.configure('port-restricted', 'port-restricted');
    const r = await punchOnce(lab, lab.ns.clientA, lab.ns.clientB, { a: ['--ttl', '0'], b: ['--ttl', '0'] });
    console.log(line('port-restricted ↔ port-restricted, --ttl 0', r));
    // The second joiner learns of the first at once, the first on its next poll (up to 250 ms
    // later): the second's full-TTL checks reach the first's router before the first has sent,
    // which is the clash. Both ends must fail, each with its reason.
    for (const j of [r.a, r.b]) assert.equal(j.direct, 'no', j.reason);
  });

  it('two peers on one LAN connect host↔host', async () => {
    lab.configure('port-restricted', 'port-restricted');
    const r = await punchOnce(lab, lab.ns.clientA, lab.ns.clientC);
    console.log(line('same LAN', r));
    for (const j of [r.a, r.b]) {
      assert.equal(j.direct, 'yes', j.reason);
      assert.equal(j.pair?.kind, 'host↔host');
    }
  });

  const pairs: [PunchProfile, PunchProfile][] = [];
  for (const [i, a] of PUNCH_PROFILES.entries()) for (const b of PUNCH_PROFILES.slice(i)) if (!(a === 'port-restricted' && b === 'port-restricted')) pairs.push([a, b]);
  for (const [pa, pb] of pairs) {
    const want = expected(pa, pb);
    it(`${pa} ↔ ${pb}: ${want}, and compare agrees (or says why not)`, async () => {
      lab.configure(pa, pb);
      const r = await punchOnce(lab, lab.ns.clientA, lab.ns.clientB, withReports(pa, pb));
      console.log(line(`${pa} ↔ ${pb}`, r));
      // compare answers for ordinary hole punching; the one pair only the many-sockets method
      // wins is where they differ, and compare's reason says so.
      const manySockets = [pa, pb].includes('port-restricted') && [pa, pb].includes('symmetric');
      const predicted = byPrediction(pa, pb);
      for (const [j, profile] of [[r.a, pa], [r.b, pb]] as const) {
        assert.equal(j.direct, want, j.reason);
        if (manySockets) {
          assert.equal(j.prediction.direct, 'no', `compare: ${j.prediction.reason}`);
          assert.match(j.prediction.reason, /only the many-sockets method/);
          assert.ok(j.symmetric.tried, 'the path came from the many-sockets method');
        } else assert.equal(j.prediction.direct, want, `compare: ${j.prediction.reason}`);
        // The sequential side measured its stride from the rendezvous's two addresses.
        if (profile === 'symmetric-sequential') assert.equal(j.symmetric.stride, 1, JSON.stringify(j.symmetric));
        if (predicted) {
          // Port prediction alone: a declared next port met, no sockets opened, no ports probed.
          assert.match(j.pair!.kind, /predicted/);
          assert.equal(j.symmetric.tried, undefined, JSON.stringify(j.symmetric));
        }
      }
      if (pa === 'symmetric-sequential' && pb === 'symmetric-sequential') for (const j of [r.a, r.b]) assert.equal(j.pair!.kind, 'predicted↔predicted');
      if ([pa, pb].includes('symmetric-sequential') && [pa, pb].includes('symmetric') && pa !== pb) {
        for (const [j, profile] of [[r.a, pa], [r.b, pb]] as const) {
          assert.match(j.prediction.reason, /counts its ports up, but . changes its port per destination at random/);
          assert.match(j.reason, profile === 'symmetric-sequential' ? /Our NAT counts its ports up \(a step of 1\)/ : /The peer's NAT counts its ports up/);
        }
      }
      assert.equal(r.exitA, want === 'yes' ? 0 : 1);
    });
  }
});
