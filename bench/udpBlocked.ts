import type { Report } from '../src/report/report';
import { CLI } from '../test/lab/natprobeRunner';
import { type Lab, SERVERS, createLab, labAvailability } from '../test/lab/lab';
import { runStunClientOracle } from '../test/lab/oracles';

const RUNS = Number(process.env.BENCH_UDP_BLOCKED_RUNS ?? 7);
/** Whole process, node start-up included, to the printed verdict. */
const TARGET_MS = 1000;

interface Row {
  readonly label: string;
  readonly ms: number[];
  readonly verdict: string;
}

/**
 * "UDP blocked" against the clock, in the lab's udp-blocked profile (the router drops every
 * forwarded UDP datagram; TCP passes, and the server host resets TCP to its UDP-only port):
 * `natprobe diagnose` with the default budget, whole process, side by side with the Vovida
 * `stun` client, which says "Blocked" after its own fixed retransmissions. A third row drops
 * TCP too: nothing can size the silence window, so natprobe keeps the conservative one (the
 * budget) and says so. min / median / max of RUNS runs, so runs can be compared; the engine's
 * own time (the report's durationMs) is printed apart, since node's start-up swings with the
 * machine's load.
 */
export async function benchUdpBlocked(): Promise<{ ok: boolean; lines: string[] }> {
  const lines = [`Lab, udp-blocked profile: time to the verdict, whole process (min / median / max of ${RUNS} runs, ms; target: natprobe ≤ ${TARGET_MS} ms)`];
  const a = labAvailability();
  if (!a.ok) return { ok: true, lines: [...lines, `  skipped: ${a.reason}`] };
  const lab = await createLab('udp-blocked');
  const rows: Row[] = [];
  let ok = true;
  try {
    const ours = await natprobeRuns(lab);
    const stun: number[] = [];
    let stunVerdict = '';
    for (let i = 0; i < RUNS; i++) {
      const s = await runStunClientOracle(lab);
      stun.push(s.ms);
      stunVerdict = s.natType;
    }
    rows.push({ label: 'natprobe diagnose', ms: ours.ms, verdict: ours.verdict });
    rows.push({ label: '  of which the engine', ms: ours.engine, verdict: '(report.durationMs)' });
    rows.push({ label: 'stun (Vovida client)', ms: stun, verdict: stunVerdict });
    // TCP dropped as well: no round trip to size the window from.
    const drop = await lab.exec('router', 'nft', ['add', 'rule', 'ip', 'natlab', 'fwd_filter', 'meta', 'l4proto', 'tcp', 'counter', 'drop']);
    if (drop.code !== 0) throw new Error(`nft: ${drop.stderr}`);
    const noTcp = await natprobeRuns(lab, Math.min(RUNS, 3));
    rows.push({ label: 'natprobe, TCP dropped too', ms: noTcp.ms, verdict: noTcp.verdict });
    rows.push({ label: '  of which the engine', ms: noTcp.engine, verdict: '(report.durationMs)' });
    const m = median(ours.ms);
    const pass = m <= TARGET_MS && ours.verdict.startsWith('udp-blocked');
    ok &&= pass;
    lines.push('  client                      verdict (window)                       min   median      max');
    for (const r of rows) lines.push(`  ${r.label.padEnd(27)} ${r.verdict.padEnd(36)} ${fmt(Math.min(...r.ms))} ${fmt(median(r.ms))} ${fmt(Math.max(...r.ms))}`);
    lines.push(`  natprobe median ${m.toFixed(0)} ms ${pass ? '≤' : '>'} ${TARGET_MS} ms, stun/natprobe ${(median(stun) / m).toFixed(1)}×  ${pass ? 'yes' : 'NO'}`);
  } finally {
    await lab.destroy();
  }
  return { ok, lines };
}

async function natprobeRuns(lab: Lab, runs = RUNS): Promise<{ ms: number[]; engine: number[]; verdict: string }> {
  const ms: number[] = [];
  const engine: number[] = [];
  let verdict = '';
  for (let i = 0; i < runs; i++) {
    await lab.resetNat();
    // The default budget (3000 ms): the window comes from the TCP round trip, not a smaller budget.
    const r = await lab.exec('client', process.execPath, [CLI, 'diagnose', '--server', `${SERVERS.primary}:${SERVERS.turnPort}`, '--json'], { timeoutMs: 15000 });
    const report = JSON.parse(r.stdout) as Report;
    ms.push(r.ms);
    engine.push(report.durationMs);
    verdict = `${report.natType.value} (${report.udpSilenceWindow?.basis ?? '?'} ${report.udpSilenceWindow?.ms ?? '?'} ms)`;
  }
  return { ms, engine, verdict };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(x: number): string {
  return x.toFixed(0).padStart(8);
}

// `node --import tsx bench/udpBlocked.ts` runs this section alone.
if (require.main === module) {
  benchUdpBlocked()
    .then((s) => console.log(s.lines.join('\n')))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
