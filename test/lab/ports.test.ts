// VPN port reachability against a real NAT: the router drops outbound UDP 51820 and 1194
// (nftables, forward hook) and lets the rest through. `natprobe serve` (the built CLI) runs the
// reference STUN server on 3490/3491 and portsRunner the extra UDP/TCP listeners; the probe
// runs in the client namespace. Cross-checked with the lab's own udp-tool (STUN Binding blast)
// and the router's nft drop counter.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PortResult } from '../../src/report/report';
import { type Lab, SERVERS, createLab, requireLabOrSkip, sweepStaleLabs } from './lab';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const RUNNER = path.resolve(__dirname, 'portsRunner.ts');
const LIST = 'udp:51820,udp:1194,udp:500,udp:4500,udp:443,tcp:443';
const REFERENCE = 3490;
const BUDGET_MS = 3000;

async function waitListening(lab: Lab, needles: { udp: string[]; tcp: string[] }): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const u = await lab.exec('public', 'ss', ['-uln']);
    const t = await lab.exec('public', 'ss', ['-tln']);
    if (needles.udp.every((n) => u.stdout.includes(n)) && needles.tcp.every((n) => t.stdout.includes(n))) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`servers did not start listening in the public namespace (${JSON.stringify(needles)})`);
}

describe('lab: VPN port reachability (probePorts) through a real NAT that blocks udp/51820 and udp/1194', function () {
  this.timeout(120000);
  let lab: Lab | undefined;

  before(async function () {
    requireLabOrSkip(this);
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs first`);
    sweepStaleLabs();
    lab = await createLab('port-restricted');
    // Outbound (LAN → WAN) UDP to 51820 and 1194 is dropped in the forward hook; 443 passes.
    const nft = await lab.exec('router', 'nft', ['add', 'rule', 'ip', 'natlab', 'fwd_filter', 'iifname', `"${lab.routerIfaces.lan}"`, 'udp', 'dport', '{ 51820, 1194 }', 'counter', 'drop', 'comment', '"vpn-ports-blocked"']);
    assert.equal(nft.code, 0, nft.stderr);
    lab.spawnBackground('public', 'natprobe-serve', process.execPath, [CLI, 'serve', '--primary', `${SERVERS.primary}:${REFERENCE}`, '--alternate', `${SERVERS.alternate}:3491`]);
    lab.spawnBackground('public', 'ports-serve', process.execPath, ['--import', 'tsx', RUNNER, 'serve', SERVERS.primary, LIST, String(REFERENCE)]);
    await waitListening(lab, { udp: [':3491', ':51820', ':1194', ':500', ':4500', ':443'], tcp: [':443'] });
  });

  after(async () => {
    await lab?.destroy();
  });

  it('exactly udp/51820 and udp/1194 are blocked; udp/500, udp/4500, udp/443 and tcp/443 reachable', async () => {
    await lab!.resetNat();
    const r = await lab!.exec('client', process.execPath, ['--import', 'tsx', RUNNER, 'probe', SERVERS.primary, LIST, String(REFERENCE), String(BUDGET_MS)], { timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(r.stdout) as PortResult[];
    for (const p of results) console.log(`      ${p.protocol}/${p.port}: ${p.reachable} (${p.basis})`);
    console.log(`      runner took ${Math.round(r.ms)} ms (including node + tsx start-up)`);
    assert.deepEqual(
      results.map((p) => `${p.protocol}/${p.port}=${p.reachable}`),
      ['udp/51820=no', 'udp/1194=no', 'udp/500=yes', 'udp/4500=yes', 'udp/443=yes', 'tcp/443=yes'],
    );
    for (const p of results.slice(0, 2)) assert.match(p.basis, new RegExp(`while udp/${REFERENCE} answered: blocked or filtered`));
    assert.match(results[5].basis, /STUN over TCP/);

    // The router really dropped our packets to those two ports.
    const ruleset = await lab!.ruleset();
    const counter = /counter packets (\d+) bytes \d+ drop comment "vpn-ports-blocked"/.exec(ruleset);
    assert.ok(counter && Number(counter[1]) > 0, `nft drop counter: ${counter?.[0] ?? ruleset}`);
  });

  it('oracle: the lab\'s own STUN blaster sees the same (no answers on 51820/1194, answers on 500/4500/443)', async () => {
    const seen: Record<number, number> = {};
    for (const port of [51820, 1194, 500, 4500, 443]) {
      const b = await lab!.udpBlast('client', `${SERVERS.primary}:${port}`, 10, 5, 500);
      seen[port] = b.received;
    }
    console.log(`      udp-tool answers out of 10: ${JSON.stringify(seen)}`);
    assert.equal(seen[51820], 0);
    assert.equal(seen[1194], 0);
    for (const port of [500, 4500, 443]) assert.ok(seen[port] >= 8, `udp/${port}: ${seen[port]}/10`);
  });
});
