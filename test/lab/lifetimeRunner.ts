// Runs one deep probe with real sockets and prints its result as JSON (one line). Meant to run
// inside a lab namespace:
//   ip netns exec <ns> node --import tsx test/lab/lifetimeRunner.ts lifetime 198.51.100.1:3478 [--max N] [--stream] [--up-to-max]
//   ip netns exec <ns> node --import tsx test/lab/lifetimeRunner.ts hairpin 198.51.100.1:3478 --agreed 198.51.100.254
// (--agreed: the public address a second witness, here the lab's own router, vouches for)
import { systemClock } from '../../src/engine/clock';
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { probeHairpin } from '../../src/engine/probes/hairpin';
import { measureMappingLifetime } from '../../src/engine/probes/mappingLifetime';

async function main(): Promise<void> {
  const [what, target, ...rest] = process.argv.slice(2);
  const m = /^(.+):(\d+)$/.exec(target ?? '');
  if (!m || (what !== 'lifetime' && what !== 'hairpin')) {
    console.error('usage: lifetimeRunner.ts lifetime|hairpin <ip:port> [--max N] [--stream] [--up-to-max]');
    process.exit(2);
  }
  const server = { address: m[1], port: Number(m[2]) };
  const flag = (name: string): boolean => rest.includes(name);
  const maxAt = rest.indexOf('--max');
  const maxSeconds = maxAt >= 0 ? Number(rest[maxAt + 1]) : undefined;
  const log: string[] = [];
  const t0 = performance.now();
  const result =
    what === 'lifetime'
      ? await measureMappingLifetime({
          factory: nodeUdpFactory,
          clock: systemClock,
          server,
          family: 4,
          maxSeconds,
          stream: flag('--stream'),
          absoluteUpToMax: flag('--up-to-max'),
          log: (l) => log.push(`${((performance.now() - t0) / 1000).toFixed(2)} ${l}`),
        })
      : await probeHairpin({ factory: nodeUdpFactory, clock: systemClock, server, family: 4, agreed: agreedFrom(rest), log: (l) => log.push(l) });
  process.stdout.write(JSON.stringify({ result, wallMs: performance.now() - t0, log }) + '\n');
}

function agreedFrom(args: string[]): { address: string; basis: string } | { problem: string } {
  const at = args.indexOf('--agreed');
  return at >= 0 && args[at + 1] ? { address: args[at + 1], basis: 'the lab router\'s WAN address is it' } : { problem: 'no --agreed address given' };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
