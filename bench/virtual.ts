import { defaultsLikeMix, goodOnly } from '../test/unit/discovery/defaultsWorld';
import { makeWorld } from '../test/unit/discovery/world';

/**
 * Time to verdict on the virtual network, in virtual milliseconds (deterministic: the same code
 * and seed give the same figure). Target: at most 4 RTT + 300 ms.
 */
export async function benchVirtual(): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = ['Virtual network: time to full verdict (virtual ms; target ≤ 4·RTT + 300)'];
  lines.push('  RTT    NAT                           verdict           time   target  ok');
  let ok = true;
  const nats = [
    { label: 'EIM + APDF (port-restricted)', nat: { mapping: 'endpoint-independent', filtering: 'address-and-port-dependent' } },
    { label: 'EIM + EIF (full cone)', nat: { mapping: 'endpoint-independent', filtering: 'endpoint-independent' } },
    { label: 'APDM (symmetric)', nat: { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent' } },
  ] as const;
  for (const rtt of [20, 50, 200]) {
    for (const { label, nat } of nats) {
      // RTT splits over the two uplinks (client side and server side), each way.
      const world = await makeWorld({ nat, uplink: { delayMs: rtt / 4 }, serverLink: { delayMs: rtt / 4 } });
      const report = await world.run();
      const target = 4 * rtt + 300;
      const pass = report.durationMs <= target;
      ok &&= pass;
      lines.push(
        `  ${String(rtt).padStart(3)}ms  ${label.padEnd(29)} ${report.natType.value.padEnd(17)} ${String(report.durationMs).padStart(5)}  ${String(target).padStart(6)}  ${pass ? 'yes' : 'NO'}`,
      );
    }
  }
  const mix = await benchDefaultsMix();
  return { ok: ok && mix.ok, lines: [...lines, '', ...mix.lines] };
}

/**
 * The default server list (defaultsWorld.ts): three plain servers 10 ms away, an RFC 5780 one
 * that is down, two that lie, and the good one at RTT R. Targets: the filtering verdict from the
 * good one, and no more than 10 % later than with the good one (and the plain ones) alone. With
 * endpoint-independent filtering the others are stopped once the verdict stands; otherwise the
 * verdict waits for the good server's own silence window anyway, and the others' windows end
 * about then (judged by the run's RTT estimate, which differs from the good server's by a few ms).
 */
async function benchDefaultsMix(): Promise<{ ok: boolean; lines: string[] }> {
  const lines = ['Virtual network, default-like servers (plain, down, lying, and one good RFC 5780 server at RTT R): time to verdict (virtual ms)'];
  lines.push('  R      filtering                    from                  mix  alone  target  ok');
  let ok = true;
  for (const rtt of [20, 100, 300]) {
    for (const filtering of ['endpoint-independent', 'address-and-port-dependent'] as const) {
      const { report } = await defaultsLikeMix({ filtering, goodRttMs: rtt });
      const alone = await goodOnly(filtering, rtt);
      const target = Math.round(alone.durationMs * 1.1);
      const pass = report.filtering.value === filtering && report.filtering.server === '198.51.100.30:3478' && report.durationMs <= target;
      ok &&= pass;
      lines.push(
        `  ${String(rtt).padStart(3)}ms  ${report.filtering.value.padEnd(28)} ${(report.filtering.server ?? '-').padEnd(20)} ${String(report.durationMs).padStart(5)}  ${String(alone.durationMs).padStart(5)}  ${String(target).padStart(6)}  ${pass ? 'yes' : 'NO'}`,
      );
    }
  }
  return { ok, lines };
}
