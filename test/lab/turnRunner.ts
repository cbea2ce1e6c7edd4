// Lab runner for the TURN Allocate probe (until `natprobe diagnose --turn` is wired into the
// CLI). Run inside a lab namespace with `ip netns exec <ns> node --import tsx`:
//
//   NATPROBE_TURN_PASS=… turnRunner.ts <turn:HOST[:PORT]> <username> <budgetMs>
//
// The password comes from the environment only, never from argv (visible in `ps`). Prints
// the TurnResult as JSON.
import { systemClock } from '../../src/engine/clock';
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { parseTurnUrl, probeTurn } from '../../src/engine/probes/turn';

async function main(argv: string[]): Promise<number> {
  const [url, username, budgetText] = argv;
  const parsed = parseTurnUrl(url ?? '');
  if (!parsed.ok) {
    process.stderr.write(`turnRunner: ${parsed.error}\n`);
    return 2;
  }
  const password = process.env.NATPROBE_TURN_PASS;
  if (password === undefined || username === undefined) {
    process.stderr.write('usage: NATPROBE_TURN_PASS=… turnRunner.ts turn:HOST[:PORT] USERNAME [BUDGET_MS]\n');
    return 2;
  }
  const t0 = performance.now();
  const result = await probeTurn({
    factory: nodeUdpFactory,
    clock: systemClock,
    // The lab passes IP literals; the CLI resolves host names first.
    server: { address: parsed.value.host, port: parsed.value.port },
    username,
    password,
    budgetMs: Number(budgetText ?? 3000),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(JSON.stringify({ ...result, ms: Math.round(performance.now() - t0) }) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`turnRunner: ${String(err)}\n`);
    process.exit(1);
  },
);
