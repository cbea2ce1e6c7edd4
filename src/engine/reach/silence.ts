/**
 * What silence from a VPN server means, narrowed by what the last NAT report knows of this
 * network. Three states throughout: the report can say UDP gets out (yes), that it does not
 * (no), or nothing (unknown); only a yes or a no removes a cause.
 */

import type { Report, Tristate } from '../../report/report';
import type { ReachTarget } from './types';

/** What the last report says about the path from here, for one target. */
export interface PathFacts {
  /** Does any UDP get out of this network? (report.udp) */
  readonly udpGetsOut: Tristate;
  /** The ports test for this target's port and transport, when it covered it. */
  readonly port?: { readonly reachable: Tristate; readonly basis: string };
}

export function pathFactsFromReport(report: Report | undefined, target: Pick<ReachTarget, 'port' | 'transport'>): PathFacts {
  if (!report) return { udpGetsOut: 'unknown' };
  const port = report.ports?.find((p) => p.protocol === target.transport && p.port === target.port);
  return {
    udpGetsOut: target.transport === 'udp' ? report.udp : 'unknown',
    ...(port ? { port: { reachable: port.reachable, basis: port.basis } } : {}),
  };
}

export interface SilenceExplanation {
  readonly summary: string;
  readonly possibleCauses: readonly string[];
  readonly nextStep: string;
}

/**
 * `keyCause` is the protocol's own reason to stay silent (WireGuard drops an initiation with an
 * unknown public key or a bad mac1 without a word), said in the protocol's terms.
 */
export function explainSilence(
  target: ReachTarget,
  budgetMs: number,
  facts: PathFacts,
  keyCause: string,
  keyCheck: string,
): SilenceExplanation {
  const where = `${target.transport.toUpperCase()} ${target.port}`;
  const blocked = `${where} is blocked on the path (this network, the server's firewall or its provider)`;
  const down = 'the server is down, or its VPN service is not running on that port';
  if (facts.udpGetsOut === 'no' && target.transport === 'udp') {
    return {
      summary: `No answer within ${budgetMs} ms; the last NAT report found that no UDP gets out of this network, which is enough to explain it.`,
      possibleCauses: ['UDP is blocked on this network (last NAT report)', down, keyCause],
      nextStep: 'Try from another network (a phone hotspot), or use a VPN that runs over TCP 443; test again once UDP gets out.',
    };
  }
  if (facts.port?.reachable === 'no') {
    return {
      summary: `No answer within ${budgetMs} ms; the last NAT report's ports test found ${where} blocked from this network (${facts.port.basis}), which is enough to explain it.`,
      possibleCauses: [`${where} is blocked on this network (ports test)`, down, keyCause],
      nextStep: `Run the server on a port that gets out of this network (the ports test lists them) and change the config to it.`,
    };
  }
  if (facts.port?.reachable === 'yes') {
    return {
      summary: `No answer within ${budgetMs} ms, though the last NAT report's ports test found ${where} open from this network: the server is down, blocks it on its side, or does not accept these keys.`,
      possibleCauses: [down, keyCause, `${where} is blocked near the server (its firewall or provider)`],
      nextStep: `${keyCheck} Then check that the service runs and listens on ${where} on the server, and its firewall.`,
    };
  }
  return {
    summary: `No answer within ${budgetMs} ms: ${where} is blocked on the path, the server is down, or it does not accept these keys; silence cannot tell which.`,
    possibleCauses: [blocked, down, keyCause],
    nextStep: `${keyCheck} Check the service runs on the server; run \`natprobe diagnose --ports\` (or pass a report with --report) to learn whether ${where} gets out of this network.`,
  };
}
