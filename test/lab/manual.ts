// Bring up one lab profile by hand, print how to poke at it, run both oracles once, and
// keep it up until Ctrl-C (then everything is torn down).
//
//   sudo npx tsx test/lab/manual.ts port-restricted [--loss 20] [--no-oracles]
import { createLab, ensureLabDeps, labAvailability, PROFILES, sweepStaleLabs, type LabProfile } from './lab';
import { runCoturnOracle, runStunClientOracle } from './oracles';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const profile = args[0] as LabProfile;
  if (!PROFILES.includes(profile)) {
    console.error(`usage: npx tsx test/lab/manual.ts <${PROFILES.join('|')}> [--loss N] [--no-oracles]`);
    process.exit(2);
  }
  const li = args.indexOf('--loss');
  const loss = li >= 0 ? Number(args[li + 1]) : 0;
  const dep = ensureLabDeps();
  if (dep.output) console.log(dep.output);
  const avail = labAvailability();
  if (!avail.ok) {
    console.error(`lab unavailable: ${avail.reason}`);
    process.exit(1);
  }
  sweepStaleLabs();
  const lab = await createLab(profile, { lossPercent: loss });
  const { ns, servers: s } = lab;
  console.log(`profile ${profile} up in ${lab.setupMs.toFixed(0)} ms; ground truth ${JSON.stringify(lab.truth)}`);
  console.log(`namespaces: client=${ns.client} router=${ns.router} public=${ns.public}; client ${lab.client.address} via ${lab.client.gateway}; NAT address ${lab.wanAddress}`);
  console.log(`logs and configs: ${lab.tmpDir}`);
  console.log('try:');
  console.log(`  ip netns exec ${ns.client} turnutils_natdiscovery -m -f -L ${lab.client.address} ${s.primary}`);
  console.log(`  ip netns exec ${ns.client} stun ${s.primary}:${s.stundPort}`);
  console.log(`  ip netns exec ${ns.router} nft list ruleset`);
  console.log(`  ip netns exec ${ns.router} conntrack -L -p udp`);
  if (!args.includes('--no-oracles')) {
    const c = await runCoturnOracle(lab);
    console.log(`coturn natdiscovery (${(c.ms / 1000).toFixed(2)} s): mapping=${c.mapping} filtering=${c.filtering} natType=${c.natType}`);
    const st = await runStunClientOracle(lab);
    console.log(`stun vs stund (${(st.ms / 1000).toFixed(2)} s): natType=${st.natType} exit=${st.exitCode} "${st.primary ?? ''}"`);
  }
  console.log('Ctrl-C to tear down.');
  const stop = () => {
    void lab.destroy().then(() => process.exit(0));
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  setInterval(() => {}, 60_000);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
