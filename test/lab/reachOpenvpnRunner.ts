// Lab runner for the OpenVPN reach probe (until `natprobe reach` is in the CLI). Run inside the
// lab's client namespace with `ip netns exec <ns> node --import tsx`:
//   reachOpenvpnRunner.ts <config path> <budgetMs>
// Prints the ReachResult[] as JSON. Key files are read relative to the config, as the CLI will.
import * as fs from 'node:fs';
import { systemClock } from '../../src/engine/clock';
import { systemResolver } from '../../src/engine/discovery/resolve';
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { nodeTcpConnector } from '../../src/engine/net/tcp';
import { keyFileReader, reachOpenVpn } from '../../src/engine/reach/openvpn';

async function main([configPath, budgetText]: string[]): Promise<number> {
  const budgetMs = Number(budgetText);
  if (!configPath || !Number.isFinite(budgetMs)) {
    process.stderr.write('usage: reachOpenvpnRunner.ts <config> <budgetMs>\n');
    return 2;
  }
  const results = await reachOpenVpn(fs.readFileSync(configPath, 'utf8'), {
    env: { udp: nodeUdpFactory, tcp: nodeTcpConnector(systemClock), clock: systemClock, resolve: systemResolver, budgetMs },
    readFile: keyFileReader(configPath),
  });
  process.stdout.write(JSON.stringify(results) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`reachOpenvpnRunner: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
