// The tests' own home router services (test/support/routerResponder.ts) on real sockets, for a
// lab router namespace: NAT-PMP/PCP on 5351, SSDP on 1900 and the UPnP IGD HTTP side, all bound
// to the router's LAN address, answering the external address given. miniupnpd cannot stand in
// here: it refuses to tell a TEST-NET WAN address (the lab's) and answers result 3 instead.
//   ip netns exec <router ns> node --import tsx test/lab/routerResponderRunner.ts --lan 192.168.77.1 --external 198.51.100.254 [--http-port 5000]
// Prints "ready" once every socket listens; on SIGTERM, what it was asked ("asked {...}"), then exits.
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { startRouterUdp, startUpnpHttpServer } from '../support/routerResponder';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const lan = arg('--lan');
  const external = arg('--external');
  if (!lan || !external) throw new Error('usage: routerResponderRunner.ts --lan IP --external IP|none [--http-port N]');
  const httpPort = Number(arg('--http-port') ?? 5000);
  const answer = { gateway: lan, external: external === 'none' ? null : external, httpPort };
  const udp = await startRouterUdp(nodeUdpFactory, { ...answer, bindAddress: lan });
  const http = await startUpnpHttpServer({ ...answer, bindAddress: lan });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    process.stdout.write(`asked ${JSON.stringify(udp.asked)}\n`);
    udp.close();
    http.close();
    process.exit(0);
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
