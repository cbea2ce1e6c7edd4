// natprobe punch between two real Linux NATs (nftables in namespaces), a core router between
// them, and natprobe serve --rendezvous in the public namespace. For each pair of profiles the
// punch must agree with physics (both sides endpoint-independent: yes, whatever the filtering;
// a symmetric side against a side that admits any port of a contacted address: yes, through the
// peer-reflexive candidate; two symmetric sides: no) and with compare's prediction from the two
// sides' diagnose reports. Figures per pair are printed (bench/punch.ts reads them the same way).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireLabOrSkip } from './lab';
import { PUNCH_PROFILES, PunchLab, type PunchProfile, RENDEZVOUS_IP, sweepStalePunchLabs } from './punchLab';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
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
  symmetric: { ownMapping: string; tried?: string; packets: number };
}

/**
 * What physics allows: a path whenever at least one side's mapping is endpoint-independent (a
 * port-restricted side against a symmetric one only by the many-sockets method, which needs the
 * rendezvous on two addresses so each end knows its own mapping); never between two symmetric
 * random-port NATs.
 */
function expected(a: PunchProfile, b: PunchProfile): 'yes' | 'no' {
  return a === 'symmetric' && b === 'symmetric' ? 'no' : 'yes';
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
    console.log(`      ten diagnose reports (five profiles, both sides) in ${Date.now() - started} ms`);
  });

  after(() => {
    lab.destroy();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const withReports = (a: PunchProfile, b: PunchProfile) => ({
    a: ['--report', reports.get(`A-${a}`)!, '--peer-report', reports.get(`B-${b}`)!],
    b: ['--report', reports.get(`B-${b}`)!, '--peer-report', reports.get(`A-${a}`)!],
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
      for (const j of [r.a, r.b]) {
        assert.equal(j.direct, want, j.reason);
        if (manySockets) {
          assert.equal(j.prediction.direct, 'no', `compare: ${j.prediction.reason}`);
          assert.match(j.prediction.reason, /only the many-sockets method/);
          assert.ok(j.symmetric.tried, 'the path came from the many-sockets method');
        } else assert.equal(j.prediction.direct, want, `compare: ${j.prediction.reason}`);
      }
      assert.equal(r.exitA, want === 'yes' ? 0 : 1);
    });
  }
});
