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
  return { ok, lines };
}
