import * as dns from 'node:dns';
import { whenAborted } from '../abortWatch';
import { type Clock, sleep } from '../clock';
import { ipFamily } from '../net/ip';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo), so /etc/hosts and the OS's DNS settings apply. */
export const systemResolver: Resolver = async (host) => {
  const literal = ipFamily(host);
  if (literal) return [{ address: host, family: literal }];
  const answers = await dns.promises.lookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Resolves with a deadline on the injected clock; a slow resolver must not eat the budget. */
export async function resolveWithin(
  resolver: Resolver,
  host: string,
  clock: Clock,
  ms: number,
  signal?: AbortSignal,
): Promise<{ ok: true; addresses: ResolvedAddress[] } | { ok: false; error: string }> {
  const literal = ipFamily(host);
  if (literal) return { ok: true, addresses: [{ address: host, family: literal }] };
  const timeout = new AbortController();
  let stopWaiting: (() => void) | undefined;
  const cancelled = signal
    ? new Promise<{ ok: false; error: string }>((resolve) => {
        stopWaiting = whenAborted(signal, () => resolve({ ok: false, error: 'cancelled' }));
      })
    : undefined;
  try {
    const result = await Promise.race([
      resolver(host).then((addresses) => ({ ok: true as const, addresses })),
      sleep(clock, ms, timeout.signal).then(() => ({ ok: false as const, error: `DNS lookup of ${host} took longer than ${Math.round(ms)} ms` })),
      ...(cancelled ? [cancelled] : []),
    ]);
    if (result.ok && result.addresses.length === 0) return { ok: false, error: `DNS lookup of ${host} returned no address` };
    return result;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    const why = code === 'ENOTFOUND' ? 'no such host' : code === 'EAI_AGAIN' ? 'DNS not reachable (offline?)' : (code ?? String(err));
    return { ok: false, error: `DNS lookup of ${host} failed: ${why}` };
  } finally {
    timeout.abort();
    stopWaiting?.();
  }
}
