// Double NAT with a carrier NAT above a home router (profile `double-nat`): the read-only
// port-mapping probe (NAT-PMP / PCP / UPnP IGD, answered by a real miniupnpd on the home
// router; asked on every diagnosis) and the second-pass CGNAT verdict, judged against the
// profile's construction.
// The client itself is 192.168.1.2: CGNAT can only show through the home router's evidence.
// Needs root (network namespaces + nftables) and miniupnpd (installed by
// scripts/lab/ensure-deps.sh as root); skips with a printed line otherwise
// (NATLAB_REQUIRE=1 makes that a failure).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../src/report/report';
import type { CombinedCgnatVerdict } from '../../src/engine/probes/cgnatEvidence';
import type { PortMappingResult } from '../../src/engine/probes/portMapping';
import { createLab, GROUND_TRUTH, HOME_WAN_IP, labAvailability, miniupnpdAvailability, ROUTER_WAN_IP, SERVERS, sweepStaleLabs, type Lab } from './lab';
import { CLI } from './natprobeRunner';
import { runCoturnOracle } from './oracles';

const RUNNER = path.resolve(__dirname, 'portMappingRunner.ts');
const truth = GROUND_TRUTH['double-nat'];

interface RunnerOutput {
  result: PortMappingResult;
  combined: CombinedCgnatVerdict;
  wallMs: number;
}

/** natprobe diagnose in the client namespace with the default flags (the router is asked), plus `extra`. */
async function diagnose(lab: Lab, extra: readonly string[] = []): Promise<Report> {
  await lab.resetNat();
  const r = await lab.exec('client', process.execPath, [CLI, 'diagnose', '--json', '--server', `${SERVERS.primary}:${SERVERS.turnPort}`, '--budget', '3000', ...extra], { timeoutMs: 20_000 });
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`natprobe printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

async function probe(lab: Lab, stunPublic: string[]): Promise<RunnerOutput> {
  const r = await lab.exec('client', process.execPath, ['--import', 'tsx', RUNNER, '--stun-public', stunPublic.join(',')], { timeoutMs: 30_000 });
  try {
    return JSON.parse(r.stdout) as RunnerOutput;
  } catch {
    throw new Error(`portMappingRunner printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

function stunPublicOf(report: Report): string[] {
  return report.publicEndpoints.filter((e) => e.family === 'IPv4').map((e) => e.address);
}

describe('lab: double NAT (home router + miniupnpd behind a carrier NAT)', function () {
  this.timeout(600000);
  before(function () {
    const skip = (reason: string): void => {
      if (process.env.NATLAB_REQUIRE === '1') throw new Error(`the lab is required here (NATLAB_REQUIRE=1) but cannot run: ${reason}`);
      console.log(`      double-nat lab skipped: ${reason}`);
      this.skip();
    };
    const a = labAvailability();
    if (!a.ok) return skip(a.reason);
    const m = miniupnpdAvailability();
    if (!m.ok) return skip(m.reason);
    if (!fs.existsSync(CLI)) return skip(`${CLI} is missing (run node scripts/build.mjs)`);
    sweepStaleLabs();
  });

  describe('with miniupnpd on the home router', () => {
    let lab: Lab | undefined;
    let report: Report | undefined;
    before(async () => {
      lab = await createLab('double-nat');
      console.log(`      setup ${Math.round(lab.setupMs)} ms; miniupnpd pid ${lab.home?.miniupnpd?.process.pid}, HTTP port ${lab.home?.miniupnpd?.httpPort}`);
    });
    after(async () => {
      await lab?.destroy();
    });

    it('the lab is what it claims: coturn’s natdiscovery sees EIM / APDF and the carrier’s WAN address', async () => {
      const v = await runCoturnOracle(lab as Lab);
      assert.deepEqual({ mapping: v.mapping, filtering: v.filtering, natType: v.natType, ip: v.mappedAddress?.split(':')[0] }, {
        mapping: truth.mapping,
        filtering: truth.filtering,
        natType: truth.natType,
        ip: ROUTER_WAN_IP,
      });
    });

    it('natprobe diagnose (client ns) with no flags: the ground truth and CGNAT "yes" from the router’s own answer', async () => {
      report = await diagnose(lab as Lab);
      assert.deepEqual(
        { mapping: report.mapping.value, filtering: report.filtering.value, natType: report.natType.value, cgnat: report.cgnat.value, doubleNat: report.doubleNat?.value, public: stunPublicOf(report) },
        { mapping: truth.mapping, filtering: truth.filtering, natType: truth.natType, cgnat: 'yes', doubleNat: 'yes', public: [ROUTER_WAN_IP] },
        report.cgnat.reason,
      );
      console.log(`      cgnat ${report.cgnat.value}: ${report.cgnat.reason} (engine ${report.durationMs} ms)`);
      // What was seen is a router without a public address: said so, no RFC 6598 claim (the client is 192.168.1.2).
      assert.match(report.cgnat.reason, /your router reports no public address of its own/);
      assert.equal(report.portMapping?.noPublicAddress, true);
      assert.equal(report.portMapping?.gateway, lab?.client.gateway);
      const rec = report.recommendations.find((r) => r.id === 'cgnat');
      assert.ok(rec, JSON.stringify(report.recommendations.map((r) => r.id)));
      assert.doesNotMatch(rec.text, /6598|address space/);
      assert.ok((report.contacted ?? []).some((c) => c.role === 'gateway' && c.address === lab?.client.gateway), JSON.stringify(report.contacted));
    });

    it('with --no-port-mapping the first CGNAT pass alone cannot see the carrier (client is 192.168.1.2): unknown, and says the router was not asked', async () => {
      const r = await diagnose(lab as Lab, ['--no-port-mapping']);
      assert.equal(r.cgnat.value, 'unknown');
      assert.match(r.cgnat.reason, /the router was not asked/);
      assert.equal(r.portMapping, undefined);
    });

    it('port-mapping probe: NAT-PMP yes (result 3), PCP yes, UPnP yes (no public address); combined cgnat yes, doubleNat yes', async () => {
      const stunPublic = report ? stunPublicOf(report) : [ROUTER_WAN_IP];
      const out = await probe(lab as Lab, stunPublic);
      const { result, combined } = out;
      console.log(
        `      probe ${Math.round(result.durationMs)} ms (process wall ${Math.round(out.wallMs)} ms): upnp ${result.upnp}, natPmp ${result.natPmp} (result ${result.natPmpResultCode}), pcp ${result.pcp} (result ${result.pcpResultCode}); cgnat ${combined.value}, doubleNat ${combined.doubleNat}`,
      );
      assert.equal(result.gateway, lab?.client.gateway);
      assert.deepEqual({ upnp: result.upnp, natPmp: result.natPmp, pcp: result.pcp }, { upnp: 'yes', natPmp: 'yes', pcp: 'yes' }, JSON.stringify(result.evidence, null, 1));
      assert.equal(result.natPmpResultCode, 3);
      assert.ok(result.evidence.some((e) => /NAT-PMP/.test(e.test) && /result 3 \(Network Failure\)/.test(e.observation)));
      // miniupnpd 2.3.1 will not tell its 100.64.0.2 WAN address: NAT-PMP says 0.0.0.0, UPnP an empty string.
      assert.deepEqual(result.noPublicAddress, { natPmp: true, upnp: true });
      assert.deepEqual(result.externalAddresses, []);
      assert.ok(!JSON.stringify(result).includes(HOME_WAN_IP), 'the home router never reveals its WAN address');
      // Bounded, not hung (a loaded 2-core CI machine took 677 ms once); the time itself is a
      // figure in `npm run bench` (bench/router.ts), not a test.
      assert.ok(result.durationMs <= 5000, `${result.durationMs} ms`);
      assert.equal(combined.value, 'yes', combined.reason);
      assert.equal(combined.doubleNat, 'yes', combined.doubleNatReason);
      assert.ok(combined.evidence.some((e) => /router's own view of its WAN/.test(e.test)));
    });
  });

  describe('without miniupnpd', () => {
    let lab: Lab | undefined;
    before(async () => {
      lab = await createLab('double-nat', { miniupnpd: false });
    });
    after(async () => {
      await lab?.destroy();
    });

    it('nothing answers from the gateway: UPnP, NAT-PMP and PCP "no" (no answer in 2 tries); CGNAT unknown from the probe alone', async () => {
      const report = await diagnose(lab as Lab);
      assert.equal(report.natType.value, truth.natType);
      // The default run asked the silent router: "unknown", and the reason says the router could not tell.
      assert.equal(report.cgnat.value, 'unknown');
      assert.match(report.doubleNat?.reason ?? '', /answered none of NAT-PMP, PCP and UPnP IGD/);
      const out = await probe(lab as Lab, stunPublicOf(report));
      const { result, combined } = out;
      console.log(`      probe ${Math.round(result.durationMs)} ms: upnp ${result.upnp}, natPmp ${result.natPmp}, pcp ${result.pcp}; cgnat ${combined.value}, doubleNat ${combined.doubleNat}`);
      assert.deepEqual({ upnp: result.upnp, natPmp: result.natPmp, pcp: result.pcp }, { upnp: 'no', natPmp: 'no', pcp: 'no' });
      assert.equal(result.evidence.filter((e) => /no answer in 2 tries/.test(e.observation)).length, 3, JSON.stringify(result.evidence, null, 1));
      assert.equal(combined.value, 'unknown');
      assert.equal(combined.doubleNat, 'unknown');
      // Bounded, not hung (a loaded 2-core CI machine took 677 ms once); the time itself is a
      // figure in `npm run bench` (bench/router.ts), not a test.
      assert.ok(result.durationMs <= 5000, `${result.durationMs} ms`);
    });
  });
});
