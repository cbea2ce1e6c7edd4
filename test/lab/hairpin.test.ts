// Hairpinning against real Linux NAT: the port-restricted profile's router does not hairpin
// (a packet from the LAN to the WAN address 198.51.100.254 ends in the router itself), so the
// probe must say "no"; with a hairpin rule (LAN → WAN address: dnat back to the client, keeping
// the port, and snat to the WAN address as RFC 4787 REQ-9 asks) it must say "yes".
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { type Lab, SERVERS, createLab, requireLabOrSkip, sweepStaleLabs } from './lab';

const RUNNER = path.resolve(__dirname, 'lifetimeRunner.ts');

async function runHairpin(lab: Lab): Promise<{ value: string; reason: string }> {
  await lab.resetNat();
  const r = await lab.exec('client', process.execPath, ['--import', 'tsx', RUNNER, 'hairpin', `${SERVERS.primary}:${SERVERS.turnPort}`, '--agreed', lab.wanAddress], { timeoutMs: 30000 });
  try {
    return (JSON.parse(r.stdout) as { result: { value: string; reason: string } }).result;
  } catch {
    throw new Error(`hairpin runner printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

describe('lab: hairpinning against Linux NAT (port-restricted profile)', function () {
  this.timeout(120000);
  let lab: Lab | undefined;
  before(async function () {
    requireLabOrSkip(this);
    sweepStaleLabs();
    lab = await createLab('port-restricted');
  });
  after(async () => {
    await lab?.destroy();
  });

  it('no hairpin rule → no', async () => {
    const r = await runHairpin(lab!);
    console.log(`      without rule: ${r.value}: ${r.reason}`);
    assert.equal(r.value, 'no', r.reason);
  });

  it('with a hairpin rule (dnat LAN→WAN address back to the client + snat to the WAN address) → yes', async () => {
    const lan = lab!.routerIfaces.lan;
    const wan = lab!.wanAddress;
    const client = lab!.client.address;
    const script = [
      `add rule ip natlab nat_pre iifname "${lan}" ip daddr ${wan} meta l4proto udp dnat to ${client}`,
      `add rule ip natlab nat_post oifname "${lan}" ip daddr ${client} ct status dnat snat to ${wan}`,
    ].join('\n');
    const add = await lab!.exec('router', 'nft', ['-f', '-'], { input: script + '\n' });
    assert.equal(add.code, 0, add.stderr);
    // The router sends the hairpinned packet back out of the interface it came in on: no ICMP
    // redirects to the client (they would name the client itself as the gateway).
    await lab!.exec('router', 'sysctl', ['-qw', 'net.ipv4.conf.all.send_redirects=0', `net.ipv4.conf.${lan}.send_redirects=0`]);
    const r = await runHairpin(lab!);
    console.log(`      with rule: ${r.value}: ${r.reason}`);
    assert.equal(r.value, 'yes', r.reason);
    assert.match(r.reason, /REQ-9/, 'the snat makes the source the sender\'s public mapping');
  });
});
