// The router asked on every diagnosis, against real sockets in the lab (issue 13). The lab's
// router namespace gets the tests' own NAT-PMP/UPnP responder (routerResponderRunner.ts),
// answering the router's true WAN address: miniupnpd cannot, it refuses TEST-NET addresses.
// The double-NAT profile (a real miniupnpd behind a carrier NAT) is in doubleNat.test.ts.
// Needs root (network namespaces + nftables); skips with a printed line otherwise
// (NATLAB_REQUIRE=1 makes that a failure).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLab, labAvailability, ROUTER_WAN_IP, sweepStaleLabs, type BackgroundProcess, type Lab } from './lab';
import { CLI, runNatprobe } from './natprobeRunner';

const RESPONDER = path.resolve(__dirname, 'routerResponderRunner.ts');

async function startResponder(lab: Lab, external: string): Promise<BackgroundProcess> {
  const proc = lab.spawnBackground('router', 'router-responder', process.execPath, ['--import', 'tsx', RESPONDER, '--lan', lab.client.gateway, '--external', external]);
  for (let i = 0; i < 100; i++) {
    const out = fs.existsSync(proc.logFile) ? fs.readFileSync(proc.logFile, 'utf8') : '';
    if (/^ready$/m.test(out)) return proc;
    if (/usage|Error|EADDR/.test(out)) throw new Error(`the router responder did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the router responder did not start within 10 s');
}

describe('lab: the router asked by default (port-restricted profile)', function () {
  this.timeout(600000);
  let lab: Lab | undefined;
  before(async function () {
    const skip = (reason: string): void => {
      if (process.env.NATLAB_REQUIRE === '1') throw new Error(`the lab is required here (NATLAB_REQUIRE=1) but cannot run: ${reason}`);
      console.log(`      ask-router lab skipped: ${reason}`);
      this.skip();
    };
    const a = labAvailability();
    if (!a.ok) return skip(a.reason);
    if (!fs.existsSync(CLI)) return skip(`${CLI} is missing (run node scripts/build.mjs)`);
    sweepStaleLabs();
    lab = await createLab('port-restricted');
  });
  after(async () => {
    await lab?.destroy();
  });

  it('a router answering NAT-PMP/UPnP with the public address the servers see: CGNAT "no", double NAT "no", with no flags', async () => {
    const responder = await startResponder(lab as Lab, ROUTER_WAN_IP);
    let report;
    try {
      ({ report } = await runNatprobe(lab as Lab));
    } finally {
      await responder.stop();
    }
    const asked = /asked (\{.*\})/.exec(fs.readFileSync(responder.logFile, 'utf8'));
    console.log(`      router answered ${JSON.stringify(report.portMapping?.externalAddresses)}; responder was ${asked?.[0]}; cgnat ${report.cgnat.value}: ${report.cgnat.reason}`);
    assert.equal(report.natType.value, 'port-restricted-cone');
    assert.deepEqual(report.publicEndpoints.map((e) => e.address), [ROUTER_WAN_IP]);
    assert.equal(report.cgnat.value, 'no', report.cgnat.reason);
    assert.equal(report.doubleNat?.value, 'no', report.doubleNat?.reason);
    assert.ok(report.portMapping?.externalAddresses?.some((e) => e.address === ROUTER_WAN_IP && e.protocol === 'nat-pmp'), JSON.stringify(report.portMapping));
    assert.ok(report.portMapping?.externalAddresses?.some((e) => e.address === ROUTER_WAN_IP && e.protocol === 'upnp'), JSON.stringify(report.portMapping));
    const gateway = (report.contacted ?? []).filter((c) => c.role === 'gateway');
    assert.ok(gateway.length > 0 && gateway.every((c) => c.address === lab!.client.gateway), JSON.stringify(report.contacted));
    // Read-only: only opcode-0 questions and searches reached it.
    assert.ok(asked, 'the responder reported what it was asked');
    const counts = JSON.parse(asked[1]) as { natPmp: number; pcp: number; ssdp: number; other: number };
    assert.ok(counts.natPmp >= 1 && counts.ssdp >= 1 && counts.other === 0, asked[1]);
  });

  it('a silent router: CGNAT "unknown" with the reason, and --no-port-mapping leaves the router alone', async () => {
    const times: { asked: number[]; notAsked: number[] } = { asked: [], notAsked: [] };
    let asked;
    let notAsked;
    for (let i = 0; i < 3; i++) {
      const a = await runNatprobe(lab as Lab);
      const n = await runNatprobe(lab as Lab, undefined, undefined, ['--no-port-mapping']);
      times.asked.push(a.report.durationMs);
      times.notAsked.push(n.report.durationMs);
      asked = a.report;
      notAsked = n.report;
    }
    console.log(`      engine ms, silent router asked: ${times.asked.join(', ')}; --no-port-mapping: ${times.notAsked.join(', ')}`);
    assert.ok(asked && notAsked);
    assert.equal(asked.cgnat.value, 'unknown');
    assert.match(asked.cgnat.reason, /the router did not tell its own external address/);
    assert.match(asked.doubleNat?.reason ?? '', /the router \(192\.168\.77\.1\) answered none of NAT-PMP, PCP and UPnP IGD/);
    assert.equal(asked.doubleNat?.value, 'unknown');
    assert.equal(notAsked.portMapping, undefined);
    assert.match(notAsked.cgnat.reason, /the router was not asked/);
    assert.ok(!(notAsked.contacted ?? []).some((c) => c.role === 'gateway' || c.role === 'multicast group'), JSON.stringify(notAsked.contacted));
  });
});
