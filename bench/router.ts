import { CLI, runNatprobe } from '../test/lab/natprobeRunner';
import { type LabProfile, SERVERS, createLab, labAvailability } from '../test/lab/lab';

const RUNS = Number(process.env.BENCH_ROUTER_RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Case {
  readonly name: string;
  readonly profile: LabProfile;
  readonly server: string;
  /** The most the silent router may add to the median engine time (report durationMs), ms. */
  readonly allowMs: number;
  /** Start `natprobe serve` with these arguments in the public namespace first. */
  readonly serve?: readonly string[];
}

/**
 * What asking the router costs when it never answers (the lab routers run no NAT-PMP/UPnP):
 * the whole CLI process with the default flags against the same run with --no-port-mapping,
 * alternated, medians. The router is asked beside the behaviour tests and stops retrying when
 * they are done, waiting at most 200 ms for its first try (exchange.ts LAST_TRY_QUIET_MS): no
 * extra time behind a RFC 5780 server or with UDP blocked (tests longer than that), at most
 * about 200 ms against a plain server that answers at once.
 */
export async function benchRouter(): Promise<{ ok: boolean; lines: string[] }> {
  const lines = [`Asking a silent router (default) vs --no-port-mapping; medians of ${RUNS} alternated runs, ms`];
  const a = labAvailability();
  if (!a.ok) return { ok: true, lines: [...lines, `  skipped: ${a.reason}`] };
  lines.push('  case                                          process asked/not  engine asked/not  extra  ok');
  const cases: Case[] = [
    { name: 'port-restricted, RFC 5780 server', profile: 'port-restricted', server: `${SERVERS.primary}:${SERVERS.turnPort}`, allowMs: 50 },
    // A single-address server: the behaviour tests end after one round trip, so the router's 200 ms shows.
    { name: 'port-restricted, plain server (one address)', profile: 'port-restricted', server: `${SERVERS.primary}:3492`, allowMs: 230, serve: ['serve', '--primary', `${SERVERS.primary}:3492`] },
    { name: 'udp-blocked', profile: 'udp-blocked', server: `${SERVERS.primary}:${SERVERS.turnPort}`, allowMs: 50 },
  ];
  let ok = true;
  for (const c of cases) {
    const lab = await createLab(c.profile);
    try {
      if (c.serve) {
        lab.spawnBackground('public', 'natprobe-serve-plain', process.execPath, [CLI, ...c.serve]);
        await new Promise((r) => setTimeout(r, 1500));
      }
      const asked: number[] = [];
      const notAsked: number[] = [];
      const engineAsked: number[] = [];
      const engineNot: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const x = await runNatprobe(lab, c.server);
        const y = await runNatprobe(lab, c.server, undefined, ['--no-port-mapping']);
        if (!x.report.portMapping || y.report.portMapping) throw new Error(`${c.name}: the router was ${x.report.portMapping ? '' : 'not '}asked by default (${CLI})`);
        asked.push(x.ms);
        notAsked.push(y.ms);
        engineAsked.push(x.report.durationMs);
        engineNot.push(y.report.durationMs);
      }
      const [m1, m2] = [median(asked), median(notAsked)];
      // Judged on the engine's own time: the process times of a shared 2-core machine vary by ±100 ms.
      const extra = median(engineAsked) - median(engineNot);
      const pass = extra <= c.allowMs;
      ok &&= pass;
      lines.push(
        `  ${c.name.padEnd(44)} ${`${m1.toFixed(0)}/${m2.toFixed(0)}`.padStart(18)} ${`${median(engineAsked).toFixed(0)}/${median(engineNot).toFixed(0)}`.padStart(17)} ${extra.toFixed(0).padStart(6)}  ${pass ? 'yes' : `NO (> ${c.allowMs})`}`,
      );
    } finally {
      await lab.destroy();
    }
  }
  return { ok, lines };
}
