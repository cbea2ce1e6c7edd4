// Lab runner for the VPN-port probe (until `natprobe serve --ports` and `diagnose --ports` are
// wired into the CLI). Run inside a lab namespace with `ip netns exec <ns> node --import tsx`:
//
//   portsRunner.ts serve <address> <LIST> <primaryPort>
//       Extra STUN listeners (UDP and TCP) on <address> for LIST; prints "listening …" and
//       runs until SIGTERM/SIGINT.
//   portsRunner.ts probe <host> <LIST> <referencePort> <budgetMs>
//       probePorts against <host>; prints the PortResult[] as JSON.
import { systemClock } from '../../src/engine/clock';
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { nodeTcpConnector } from '../../src/engine/net/tcp';
import { parsePortList, probePorts } from '../../src/engine/probes/ports';
import { describeExtraPorts, startExtraPorts } from '../../src/engine/server/extraPorts';

async function main(argv: string[]): Promise<number> {
  const [mode, host, list, portText, budgetText] = argv;
  const ports = parsePortList(list ?? '');
  if (!ports.ok) {
    process.stderr.write(`portsRunner: ${ports.error}\n`);
    return 2;
  }
  if (mode === 'serve') {
    const running = await startExtraPorts({
      udp: nodeUdpFactory,
      address: host,
      ports: ports.value,
      software: 'natprobe lab',
      primary: { address: host, port: Number(portText) },
    });
    process.stdout.write(`listening ${describeExtraPorts(running)}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
      setInterval(() => undefined, 1 << 30);
    });
    running.close();
    process.stdout.write(`stopped: ${JSON.stringify(running.counters)}\n`);
    return 0;
  }
  if (mode === 'probe') {
    const results = await probePorts({
      udp: nodeUdpFactory,
      tcp: nodeTcpConnector(),
      clock: systemClock,
      host,
      ports: ports.value,
      referencePort: Number(portText),
      budgetMs: Number(budgetText ?? 3000),
    });
    process.stdout.write(JSON.stringify(results) + '\n');
    return 0;
  }
  process.stderr.write('usage: portsRunner.ts serve ADDRESS LIST PRIMARY_PORT | probe HOST LIST REFERENCE_PORT BUDGET_MS\n');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`portsRunner: ${String(err)}\n`);
    process.exit(1);
  },
);
