// Records a real report in the namespace lab, for the README's screenshots and for trying the
// panel by hand: a client behind real nftables NAT (port-restricted profile) that drops udp/51820
// and udp/1194, a conntrack UDP timeout of 30 s, and `natprobe serve --ports default` as the
// server. Root on Linux only. Usage:
//   node --import tsx scripts/lab/record-report.ts OUT.json
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVERS, createLab } from '../../test/lab/lab';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: record-report.ts OUT.json');
  const lab = await createLab('port-restricted');
  try {
    const drop = await lab.exec('router', 'nft', ['add', 'rule', 'ip', 'natlab', 'fwd_filter', 'iifname', `"${lab.routerIfaces.lan}"`, 'udp', 'dport', '{ 51820, 1194 }', 'drop']);
    if (drop.code !== 0) throw new Error(drop.stderr);
    const sysctl = await lab.exec('router', 'sysctl', ['-w', 'net.netfilter.nf_conntrack_udp_timeout=30', 'net.netfilter.nf_conntrack_udp_timeout_stream=30']);
    if (sysctl.code !== 0) throw new Error(sysctl.stderr);
    lab.spawnBackground('public', 'natprobe-serve', process.execPath, [CLI, 'serve', '--primary', `${SERVERS.primary}:3490`, '--alternate', `${SERVERS.alternate}:3491`, '--ports', 'default']);
    await new Promise((r) => setTimeout(r, 1500));
    await lab.resetNat();
    const r = await lab.exec('client', process.execPath, [CLI, 'diagnose', '--server', `${SERVERS.primary}:3490`, '--ports', 'default', '--lifetime', '--lifetime-max', '60', '--json'], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`diagnose exited ${r.code}: ${r.stderr}`);
    fs.writeFileSync(out, r.stdout);
    console.log(`wrote ${out}`);
  } finally {
    await lab.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
