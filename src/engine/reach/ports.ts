/**
 * Reach results as port evidence for the linter's PORT rules, the way they read the report's
 * ports test (report.ports). A server that answered its own protocol on UDP 51820 proves
 * that UDP 51820 gets out of this network, whatever the ports test against another server said.
 * Silence and refusals prove nothing about the path (a firewall's REJECT also sends port
 * unreachable), so only answers count: reach never turns a port into "blocked".
 */

import type { PortResult, Report } from '../../report/report';
import type { ReachResult } from './types';

export function mergeReachIntoPorts(ports: readonly PortResult[] | undefined, results: readonly ReachResult[]): PortResult[] {
  const merged = [...(ports ?? [])];
  for (const r of results) {
    if (r.outcome !== 'reachable') continue;
    const { transport: protocol, port, host } = r.target;
    const entry: PortResult = {
      protocol,
      port,
      reachable: 'yes',
      basis: `the ${r.target.protocol === 'wireguard' ? 'WireGuard' : 'OpenVPN'} server ${host} answered on it (Test reachability)`,
    };
    const at = merged.findIndex((p) => p.protocol === protocol && p.port === port);
    if (at < 0) merged.push(entry);
    else if (merged[at].reachable !== 'yes') merged[at] = entry;
  }
  return merged;
}

/**
 * The report the linter sees: the last report with reach answers folded into its ports. Without
 * a report there is nothing to fold into (the probe-aware rules stay as they are without one).
 */
export function reportWithReach(report: Report | undefined, results: readonly ReachResult[]): Report | undefined {
  if (!report || !results.some((r) => r.outcome === 'reachable')) return report;
  return { ...report, ports: mergeReachIntoPorts(report.ports, results) };
}
