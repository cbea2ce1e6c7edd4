/**
 * `natprobe reach` for OpenVPN: for each `remote` of a client config, one
 * P_CONTROL_HARD_RESET_CLIENT_V2 (V3 for tls-crypt-v2), wrapped as the config says, and what the
 * answer (or the silence) means. Nothing follows the reset: the server's half-open session
 * expires on its own (a 2.6 server keeps none at all: its answer is a stateless HMAC cookie).
 */
import { resolveWithin } from '../../discovery/resolve';
import type { ReachEnvironment, ReachResult } from '../types';
import { planOpenVpn, type KeyFileReader, type RemotePlan } from './config';
import { exchangeTcp, exchangeUdp, type Exchange } from './exchange';
import { describeExchange } from './wording';

export type { KeyFileReader } from './config';
export { keyFileReader, MAX_KEY_FILE_BYTES } from './keyFiles';

export interface ReachOpenVpnOptions {
  /** 1-based: test only the N-th `remote` line (counting those in `<connection>` blocks). */
  readonly remote?: number;
  readonly env: ReachEnvironment;
  /** Reads a key file the config names by path (tls-auth ta.key…); without it such remotes are not tested. */
  readonly readFile?: KeyFileReader;
  /** Wall-clock seconds for the tls-auth / tls-crypt replay time (tests pin it). */
  readonly unixTime?: () => number;
}

/** Remotes probed at once: enough for failover lists, few enough to stay polite. */
const CONCURRENCY = 4;
/** Addresses of one name tried at most (only past those this machine cannot send to). */
const MAX_ADDRESSES = 4;

/**
 * One ReachResult per `remote` line, in file order (those OpenVPN would not use are `not-tested`
 * with the reason). Throws a RangeError with a one-line message when `remote` is out of range.
 */
export async function reachOpenVpn(configText: string, options: ReachOpenVpnOptions): Promise<ReachResult[]> {
  let plans = await planOpenVpn(configText, { readFile: options.readFile });
  if (options.remote !== undefined) {
    const n = options.remote;
    if (!Number.isInteger(n) || n < 1 || n > plans.length) {
      throw new RangeError(plans.length === 0 ? 'the config has no remote line' : `remote ${n} does not exist: the config has ${plans.length} remote line${plans.length === 1 ? '' : 's'}`);
    }
    plans = [plans[n - 1]];
  }
  const results: ReachResult[] = new Array<ReachResult>(plans.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length) {
      const i = next++;
      results[i] = await reachOne(plans[i], options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, plans.length) }, worker));
  return results;
}

async function reachOne(plan: RemotePlan, options: ReachOpenVpnOptions): Promise<ReachResult> {
  const { env } = options;
  const { target } = plan;
  if (plan.notTested || !plan.wrap) {
    return { target, outcome: 'not-tested', summary: `Not tested: ${plan.notTested ?? 'no usable wrapping'}.`, evidence: [], packetsSent: 0 };
  }
  if (env.signal?.aborted) return { target, outcome: 'not-tested', summary: 'Not tested: cancelled.', evidence: [], packetsSent: 0 };
  const start = env.clock.now();
  const evidence: string[] = [...plan.notes];
  const resolved = await resolveWithin(env.resolve, target.host, env.clock, env.budgetMs, env.signal);
  if (!resolved.ok) {
    if (env.signal?.aborted) return { target, outcome: 'not-tested', summary: 'Not tested: cancelled.', evidence, packetsSent: 0 };
    return {
      target,
      outcome: 'unresolved',
      summary: `${target.host} did not resolve: ${resolved.error}.`,
      evidence: [...evidence, resolved.error],
      nextStep: `Check the host name in the remote line, and that this machine's DNS works (try another name).`,
      packetsSent: 0,
    };
  }
  const usable = plan.family ? resolved.addresses.filter((a) => a.family === plan.family) : resolved.addresses;
  if (usable.length === 0) {
    return {
      target,
      outcome: 'unresolved',
      summary: `${target.host} has no IPv${plan.family} address, and the remote's protocol asks for IPv${plan.family}.`,
      evidence: [...evidence, `resolved ${target.host} to ${resolved.addresses.map((a) => a.address).join(', ')}`],
      nextStep: `Use a protocol without the 4/6 suffix, or a host name with an IPv${plan.family} address.`,
      packetsSent: 0,
    };
  }
  // OpenVPN tries each address in turn; here the next one only when this machine could not
  // send to the current one at all (no IPv6 route, say), not when the server kept quiet.
  const candidates = usable.slice(0, MAX_ADDRESSES);
  const xenv = { udp: env.udp, tcp: env.tcp, clock: env.clock, signal: env.signal, unixTime: options.unixTime };
  if (usable.length > 1 || usable[0].address !== target.host) {
    const shown = usable.slice(0, MAX_ADDRESSES).map((a) => a.address).join(', ') + (usable.length > MAX_ADDRESSES ? ', …' : '');
    evidence.push(`resolved ${target.host} to ${shown}${usable.length > 1 ? '; the first one this machine can send to is tested' : ''}`);
  }
  for (let i = 0; ; i++) {
    const chosen = candidates[i];
    const to = { address: chosen.address, port: target.port };
    const budget = Math.max(1, env.budgetMs - (env.clock.now() - start));
    const exchange: Exchange = target.transport === 'udp' ? await exchangeUdp(plan.wrap, to, chosen.family, xenv, budget) : await exchangeTcp(plan.wrap, to, xenv, budget);
    const remaining = env.budgetMs - (env.clock.now() - start);
    const cannotSend = exchange.kind === 'local-error' || (exchange.kind === 'connect-failed' && exchange.error === 'unreachable');
    if (cannotSend && i + 1 < candidates.length && remaining > 0 && !env.signal?.aborted) {
      const why = exchange.kind === 'local-error' ? exchange.error : `TCP ${exchange.error}${exchange.detail ? ` (${exchange.detail})` : ''}`;
      evidence.push(`could not use ${chosen.address}: ${why}; trying the next address`);
      continue;
    }
    return describeExchange(plan, to, exchange, evidence, budget);
  }
}
