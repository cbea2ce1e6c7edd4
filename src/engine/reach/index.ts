/**
 * `natprobe reach`: the one place a config's format picks its probe. A new protocol plugs in
 * here and nowhere else.
 */

import type { Report } from '../../report/report';
import { reachOpenVpn, type KeyFileReader } from './openvpn';
import { pathFactsFromReport } from './silence';
import type { ReachEnvironment, ReachResult } from './types';
import { reachWireGuard } from './wireguard';

export type { ReachEnvironment, ReachResult, ReachOutcome, ReachTarget } from './types';

export interface ReachConfigOptions {
  readonly env: ReachEnvironment;
  /** WireGuard: only the peer whose PublicKey starts with this. */
  readonly peer?: string;
  /** OpenVPN: only the N-th remote (1-based). */
  readonly remote?: number;
  /** The last NAT report, to narrow what silence means. */
  readonly report?: Report;
  /** WireGuard: a reason not to send (a live tunnel with this key), asked once. */
  readonly liveTunnel?: (ownPublicKey: string) => Promise<string | undefined>;
  /** OpenVPN: reads key files the config names by path. */
  readonly readFile?: KeyFileReader;
}

export async function reachConfig(text: string, format: 'wireguard' | 'openvpn', options: ReachConfigOptions): Promise<ReachResult[]> {
  if (format === 'wireguard') {
    return reachWireGuard(text, {
      env: options.env,
      ...(options.peer !== undefined ? { peer: options.peer } : {}),
      ...(options.liveTunnel ? { liveTunnel: options.liveTunnel } : {}),
      facts: (target) => pathFactsFromReport(options.report, target),
    });
  }
  return reachOpenVpn(text, {
    env: options.env,
    ...(options.remote !== undefined ? { remote: options.remote } : {}),
    ...(options.readFile ? { readFile: options.readFile } : {}),
  });
}
