// The product judged against real NAT: for every lab profile, `natprobe diagnose` (the built
// CLI, run inside the client namespace) must give the profile's ground truth and agree with
// coturn's turnutils_natdiscovery and the RFC 3489 `stun` client. Then interop: the oracles'
// clients against `natprobe serve` must give the same verdicts as against coturn.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Report } from '../../src/report/report';
import { GROUND_TRUTH, type Lab, type LabProfile, PROFILES, SERVERS, createLab, requireLabOrSkip, sweepStaleLabs } from './lab';
import { runNatprobe } from './natprobeRunner';
import { parseNatDiscovery, parseStunClient, runCoturnOracle, runStunClientOracle } from './oracles';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const BUDGET_MS = 3000;

function summary(report: Report): string {
  return JSON.stringify({ mapping: report.mapping, filtering: report.filtering, natType: report.natType, udp: report.udpReason, servers: report.servers }, null, 1);
}

describe('lab: natprobe against real Linux NAT, coturn and the oracles', function () {
  this.timeout(600000);
  before(function () {
    requireLabOrSkip(this);
    sweepStaleLabs();
  });

  for (const profile of PROFILES) {
    describe(`profile ${profile}`, () => {
      let lab: Lab | undefined;
      before(async () => {
        lab = await createLab(profile as LabProfile);
      });
      after(async () => {
        await lab?.destroy();
      });

      it(`natprobe's verdict equals the ground truth and both oracles (${GROUND_TRUTH[profile].natType})`, async () => {
        const truth = GROUND_TRUTH[profile];
        const ours = await runNatprobe(lab!);
        const coturn = await runCoturnOracle(lab!);
        const stun = await runStunClientOracle(lab!);
        const r = ours.report;
        console.log(`      natprobe ${ours.ms} ms: ${r.natType.value} | coturn ${coturn.ms} ms: ${coturn.natType} | stun ${stun.ms} ms: ${stun.natType}`);
        if (profile === 'udp-blocked') {
          assert.equal(r.udp, 'no', summary(r));
          assert.equal(ours.code, 3, 'exit 3: nothing could be measured');
          // The evidence: the server's host resets TCP to its UDP-only port (coturn runs no-tcp),
          // and that round trip, not the budget, sized the wait (the time itself is in the bench).
          assert.match(r.udpReason, /while its host answers over TCP \(connection refused in/, summary(r));
          assert.equal(r.udpSilenceWindow?.basis, 'tcp-rtt', JSON.stringify(r.udpSilenceWindow));
          assert.ok(ours.ms < BUDGET_MS + 1500, `udp: no must come within the budget (took ${ours.ms} ms)`);
          assert.equal(coturn.blocked, true, coturn.raw);
        } else {
          assert.equal(ours.code, 0, ours.stderr);
          assert.equal(r.mapping.value, truth.mapping, summary(r));
          assert.equal(r.filtering.value, truth.filtering, summary(r));
          assert.equal(r.mapping.value, coturn.mapping, `coturn says mapping ${coturn.mapping}:\n${coturn.raw}`);
          assert.equal(r.filtering.value, coturn.filtering, `coturn says filtering ${coturn.filtering}:\n${coturn.raw}`);
          assert.equal(r.servers[0].rfc5780, 'yes', summary(r));
        }
        assert.equal(r.natType.value, truth.natType, summary(r));
        assert.equal(r.natType.value, stun.natType, `the stun client says ${stun.natType}:\n${stun.raw}`);
        if (stun.mapping) assert.equal(r.mapping.value, stun.mapping, stun.raw);
        if (stun.filtering) assert.equal(r.filtering.value, stun.filtering, stun.raw);
        if (truth.cgnat) assert.equal(r.cgnat.value, 'yes', JSON.stringify(r.cgnat));
        else assert.notEqual(r.cgnat.value, 'yes', JSON.stringify(r.cgnat));
        if (profile === 'no-nat') assert.equal(r.cgnat.value, 'no');
      });

      if (profile === 'udp-blocked') {
        it('attack: a TCP listener on the server port that accepts and never answers (slowloris) does not stall the verdict', async () => {
          // Accepts every connection and never writes or closes it: the STUN-over-TCP wait must end with the UDP tests.
          const script = "require('net').createServer(() => {}).listen(3478, '198.51.100.1', () => console.log('listening'))";
          const hostile = lab!.spawnBackground('public', 'slowloris', process.execPath, ['-e', script]);
          try {
            for (let i = 0; i < 50; i++) {
              const ss = await lab!.exec('public', 'ss', ['-tln']);
              if (ss.stdout.includes('198.51.100.1:3478')) break;
              await new Promise((res) => setTimeout(res, 100));
            }
            const ours = await runNatprobe(lab!);
            const r = ours.report;
            assert.equal(r.udp, 'no', summary(r));
            assert.match(r.udpReason, /while its host answers over TCP \(handshake in/, summary(r));
            assert.equal(r.udpSilenceWindow?.basis, 'tcp-rtt');
            assert.ok(r.durationMs < BUDGET_MS, `the engine waited out the budget (${r.durationMs} ms) instead of the TCP-sized window`);
          } finally {
            await hostile.stop();
          }
        });
      }

      if (profile === 'port-restricted') {
        it('a mistyped port on a real host: "nothing listens on" it (ICMP port unreachable through the NAT), udp unknown, not blocked', async () => {
          const ours = await runNatprobe(lab!, `${SERVERS.primary}:9999`);
          const r = ours.report;
          assert.equal(r.udp, 'unknown', summary(r));
          assert.match(r.udpReason, /^nothing listens on 198\.51\.100\.1:9999: its host answers with ICMP port unreachable/, summary(r));
          assert.notEqual(r.natType.value, 'udp-blocked');
          assert.ok(!r.recommendations.some((x) => x.id === 'udp-blocked'), JSON.stringify(r.recommendations));
        });
      }
    });
  }

  describe('interop: the oracles against `natprobe serve` in the public namespace', () => {
    for (const profile of ['port-restricted', 'full-cone', 'symmetric'] as const) {
      it(`${profile}: coturn's client and the stun client say the same of natprobe serve as of coturn`, async () => {
        const lab = await createLab(profile);
        try {
          const serve = lab.spawnBackground('public', 'natprobe-serve', process.execPath, [
            CLI, 'serve', '--primary', `${SERVERS.primary}:3490`, '--alternate', `${SERVERS.alternate}:3491`,
          ]);
          await waitForServe(lab);
          let viaCoturn = await runCoturnOracle(lab);
          const truth = GROUND_TRUTH[profile];
          if (viaCoturn.mapping !== truth.mapping || viaCoturn.filtering !== truth.filtering) {
            // Seen once in ~10 CI runs: natdiscovery against coturn reported endpoint-independent
            // filtering on the symmetric profile. The comparison is about our server, so the
            // third-party reference gets one more try; the answer about natprobe serve does not.
            console.log(`      coturn reference run disagreed with the ground truth (${viaCoturn.mapping}/${viaCoturn.filtering}); running it once more:\n${viaCoturn.raw}`);
            viaCoturn = await runCoturnOracle(lab);
          }
          assert.equal(viaCoturn.filtering, truth.filtering, `the coturn reference itself is off twice:\n${viaCoturn.raw}`);
          await lab.resetNat();
          const ours = await lab.exec('client', 'timeout', ['-k', '2', '30', 'turnutils_natdiscovery', '-m', '-f', '-L', lab.client.address, '-p', '3490', SERVERS.primary], { timeoutMs: 35000 });
          const viaServe = parseNatDiscovery(ours.stdout);
          assert.equal(viaServe.mapping, viaCoturn.mapping, ours.stdout);
          assert.equal(viaServe.filtering, viaCoturn.filtering, ours.stdout);

          const stunViaStund = await runStunClientOracle(lab);
          await lab.resetNat();
          const s = await lab.exec('client', 'timeout', ['-k', '2', '30', 'stun', `${SERVERS.primary}:3490`], { timeoutMs: 35000 });
          const stunViaServe = parseStunClient(s.stdout, s.code);
          assert.equal(stunViaServe.natType, stunViaStund.natType, s.stdout);

          const self = await runNatprobe(lab, `${SERVERS.primary}:3490`);
          assert.equal(self.report.natType.value, GROUND_TRUTH[profile].natType, summary(self.report));
          await serve.stop();
        } finally {
          await lab.destroy();
        }
      });
    }
  });

  describe('robustness on a lossy path', () => {
    for (const profile of ['port-restricted', 'restricted'] as const) {
      // An address a server announces gets at most two datagrams until it has answered (the
      // bound that keeps a hostile server from aiming us at a third party), so at 20 % loss a
      // run may lose both and say "unknown", with the reason. Loss may cost the answer; it must
      // never give a wrong one.
      it(`${profile} with 20 % of forwarded UDP dropped at the router: never a wrong verdict in 3 runs, the right one in most`, async () => {
        const lab = await createLab(profile, { lossPercent: 20 });
        try {
          let right = 0;
          for (let i = 0; i < 3; i++) {
            const r = await runNatprobe(lab);
            const value = r.report.natType.value;
            if (value === GROUND_TRUTH[profile].natType) right++;
            else {
              assert.equal(value, 'unknown', `a wrong verdict under loss: ${summary(r.report)}`);
              assert.ok(r.report.natType.reason.length > 0, 'unknown carries its reason');
            }
          }
          assert.ok(right >= 1, `the right verdict in none of 3 runs at 20 % loss`);
          const counters = await lab.lossCounters();
          assert.ok(counters.dropped > 0, `the loss rule must really drop packets (${JSON.stringify(counters)})`);
        } finally {
          await lab.destroy();
        }
      });
    }
  });
});

async function waitForServe(lab: Lab): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = await lab.exec('public', 'ss', ['-uln']);
    if (r.stdout.includes(':3491')) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('natprobe serve did not start in the public namespace');
}
