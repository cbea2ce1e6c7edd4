// Runs the read-only port-mapping probe (UPnP IGD, NAT-PMP, PCP) with real sockets and prints
// its result as JSON. Meant to run inside a lab namespace:
//   ip netns exec <client ns> node --import tsx test/lab/portMappingRunner.ts [--gateway IP] [--budget MS]
// Optionally combines it with STUN public addresses: --stun-public IP[,IP…] (also prints `combined`).
import { systemClock } from '../../src/engine/clock';
import { cgnatFirstPass } from '../../src/engine/discovery/cgnat';
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { combineCgnatEvidence } from '../../src/engine/probes/cgnatEvidence';
import { probePortMapping } from '../../src/engine/probes/portMapping';
import * as os from 'node:os';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const gateway = arg('--gateway');
  const budgetMs = arg('--budget') ? Number(arg('--budget')) : undefined;
  const stunPublic = (arg('--stun-public') ?? '').split(',').filter(Boolean);
  const t0 = performance.now();
  const result = await probePortMapping({ factory: nodeUdpFactory, clock: systemClock, ...(gateway ? { gateway } : {}), ...(budgetMs ? { budgetMs } : {}) });
  const wallMs = performance.now() - t0;
  const interfaces = Object.entries(os.networkInterfaces()).flatMap(([name, list]) =>
    (list ?? []).map((i) => ({ name, address: i.address, family: (i.family === 'IPv4' ? 4 : 6) as 4 | 6, internal: i.internal })),
  );
  const firstPass = cgnatFirstPass(interfaces, stunPublic, false);
  const combined = combineCgnatEvidence({
    firstPass,
    routerExternal: result.externalAddresses,
    natPmpNoPublicAddress: result.noPublicAddress.natPmp,
    upnpNoPublicAddress: result.noPublicAddress.upnp,
    stunPublic,
  });
  process.stdout.write(`${JSON.stringify({ result, firstPass, combined, wallMs }, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
