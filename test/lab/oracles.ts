// Oracles: real third-party NAT-discovery clients run inside the lab's client namespace,
// their output parsed into normalized verdicts. They prove the lab right (and later judge
// the product). Raw output is always kept for failure messages.
//
// Facts about the tools (see README.md for the full list, with raw outputs):
//  - coturn's turnutils_natdiscovery always exits 0; the verdict is only in its text.
//    Without -L it compares the reflexive address with 0.0.0.0:port and so never says
//    "No NAT!"; we always pass -L <client address>.
//  - Each receive waits 3 s, so a verdict costs 0 s (EIF), 3 s (ADF) or 6 s (APDF / blocked).
//  - The `stun` client (RFC 3489, stun-client 0.97) exits with its "Return value":
//    type bits 0x0E, 0x01 = preserves ports, 0x10 = NO hairpin. It always takes ~1.1 s.

import type { Filtering, Lab, Mapping, NatType } from './lab';

const ORACLE_TIMEOUT_S = 30;

// ---------------------------------------------------------------------------------------
// coturn turnutils_natdiscovery -m -f

export interface CoturnVerdict {
  mapping: Mapping;
  filtering: Filtering;
  /** classic NAT type derived from mapping + filtering (see natTypeFrom) */
  natType: NatType;
  /** no STUN response at all, only receive timeouts */
  blocked: boolean;
  /** first reflexive (mapped) address it saw, "ip:port" */
  mappedAddress?: string;
  /** number of RFC 5780 responses (responses carrying OTHER-ADDRESS) */
  rfc5780Responses: number;
  timeouts: number;
  exitCode: number | null;
  raw: string;
  ms: number;
}

/** Parse turnutils_natdiscovery output (run with -m and -f). Pure; exported for tests. */
export function parseNatDiscovery(raw: string): Omit<CoturnVerdict, 'exitCode' | 'raw' | 'ms'> {
  const mapIdx = raw.indexOf('-= Mapping Behavior Discovery =-');
  const filtIdx = raw.indexOf('-= Filtering Behavior Discovery =-');
  const mapPart = mapIdx >= 0 ? raw.slice(mapIdx, filtIdx > mapIdx ? filtIdx : undefined) : '';
  const filtPart = filtIdx >= 0 ? raw.slice(filtIdx) : '';
  const has = (part: string, line: string) => part.split('\n').some((l) => l.trim() === line);

  let mapping: Mapping = 'unknown';
  // "No NAT!" is printed first, then the RFC 5780 test still runs and prints
  // "NAT with Endpoint Independent Mapping!": no NAT wins.
  if (has(mapPart, 'No NAT! (Endpoint Independent Mapping)')) mapping = 'none';
  else if (has(mapPart, 'NAT with Endpoint Independent Mapping!')) mapping = 'endpoint-independent';
  else if (has(mapPart, 'NAT with Address Dependent Mapping!')) mapping = 'address-dependent';
  else if (has(mapPart, 'NAT with Address and Port Dependent Mapping!')) mapping = 'address-and-port-dependent';

  let filtering: Filtering = 'unknown';
  if (has(filtPart, 'NAT with Endpoint Independent Filtering!')) filtering = 'endpoint-independent';
  else if (has(filtPart, 'NAT with Address Dependent Filtering!')) filtering = 'address-dependent';
  else if (has(filtPart, 'NAT with Address and Port Dependent Filtering!')) filtering = 'address-and-port-dependent';

  const reflexive = /UDP reflexive addr:?\s*([0-9.]+:\d+)/.exec(raw);
  const rfc5780Responses = (raw.match(/^RFC 5780 response \d+$/gm) ?? []).length;
  const timeouts = (raw.match(/^STUN receive timeout\.\.$/gm) ?? []).length;
  const blocked = !reflexive && timeouts > 0;
  return {
    mapping,
    filtering,
    natType: blocked ? 'udp-blocked' : natTypeFrom(mapping, filtering),
    blocked,
    mappedAddress: reflexive?.[1],
    rfc5780Responses,
    timeouts,
  };
}

/** RFC 3489 names from RFC 4787 behaviours. */
export function natTypeFrom(mapping: Mapping, filtering: Filtering): NatType {
  if (mapping === 'none') return filtering === 'endpoint-independent' ? 'open-internet' : filtering === 'unknown' ? 'unknown' : 'symmetric-udp-firewall';
  if (mapping === 'address-dependent' || mapping === 'address-and-port-dependent') return 'symmetric';
  if (mapping === 'endpoint-independent') {
    if (filtering === 'endpoint-independent') return 'full-cone';
    if (filtering === 'address-dependent') return 'restricted-cone';
    if (filtering === 'address-and-port-dependent') return 'port-restricted-cone';
  }
  return 'unknown';
}

export interface OracleOptions {
  /** flush the router's NAT state first so earlier runs cannot leak into this one (default true) */
  resetNat?: boolean;
  timeoutSec?: number;
}

export async function runCoturnOracle(lab: Lab, opts: OracleOptions = {}): Promise<CoturnVerdict> {
  if (opts.resetNat ?? true) await lab.resetNat();
  const t = opts.timeoutSec ?? ORACLE_TIMEOUT_S;
  const args = [
    '-k', '2', String(t),
    'turnutils_natdiscovery', '-m', '-f',
    '-L', lab.client.address, // without -L it never detects "No NAT" (compares with 0.0.0.0)
    '-p', String(lab.servers.turnPort),
    lab.servers.primary,
  ];
  const r = await lab.exec('client', 'timeout', args, { timeoutMs: (t + 5) * 1000 });
  const raw = r.stdout + (r.stderr ? `\n[stderr]\n${r.stderr}` : '') + (r.timedOut || r.code === 124 ? '\n[timed out]' : '');
  return { ...parseNatDiscovery(r.stdout), exitCode: r.code, raw, ms: r.ms };
}

// ---------------------------------------------------------------------------------------
// stun (Debian stun-client 0.97, RFC 3489) against stund (or coturn)

export interface StunClientVerdict {
  natType: NatType;
  /** natType decoded from the exit code (the "Return value"); must agree with the text */
  natTypeFromExitCode: NatType;
  /** RFC 3489 can only say "Independent Mapping" or "Dependent Mapping" (ADM or APDM: undefined) */
  mapping?: Mapping;
  /** not tested by the client after "Dependent Mapping", nor when blocked */
  filtering?: Filtering;
  preservesPort?: boolean;
  hairpin?: boolean;
  /** the "Primary: ..." text */
  primary?: string;
  returnValue?: number;
  exitCode: number | null;
  raw: string;
  ms: number;
}

/** Type bits (0x0E) of the stun client's return value / exit code. */
export function natTypeFromStunReturn(rv: number): NatType {
  switch (rv & 0x0e) {
    case 0x00:
      return 'open-internet';
    case 0x02:
      return 'full-cone';
    case 0x04:
      return 'restricted-cone';
    case 0x06:
      return 'port-restricted-cone';
    case 0x08:
      return 'symmetric';
    case 0x0a:
      return 'symmetric-udp-firewall';
    case 0x0c:
      return 'udp-blocked';
    default:
      return 'unknown';
  }
}

/** Parse the stun client's stdout and exit code. Pure; exported for tests. */
export function parseStunClient(raw: string, exitCode: number | null): Omit<StunClientVerdict, 'raw' | 'ms'> {
  const m = /^Primary:\s*(.*?)\s*$/m.exec(raw);
  const primary = m?.[1];
  const rvm = /Return value is 0x([0-9a-fA-F]+)/.exec(raw);
  const returnValue = rvm ? parseInt(rvm[1], 16) : undefined;
  const out: Omit<StunClientVerdict, 'raw' | 'ms'> = {
    natType: 'unknown',
    natTypeFromExitCode: exitCode === null ? 'unknown' : natTypeFromStunReturn(exitCode),
    primary,
    returnValue,
    exitCode,
  };
  if (!primary) return out;
  const parts = primary.split(',').map((s) => s.trim());
  const head = parts.slice(0, 2).join(', ');
  if (parts[0] === 'Open') {
    out.natType = 'open-internet';
    out.mapping = 'none';
    out.filtering = 'endpoint-independent';
  } else if (parts[0] === 'Firewall') {
    out.natType = 'symmetric-udp-firewall';
    out.mapping = 'none';
  } else if (parts[0] === 'Blocked or could not reach STUN server') {
    out.natType = 'udp-blocked';
  } else if (head === 'Independent Mapping, Independent Filter') {
    out.natType = 'full-cone';
    out.mapping = 'endpoint-independent';
    out.filtering = 'endpoint-independent';
  } else if (head === 'Independent Mapping, Address Dependent Filter') {
    out.natType = 'restricted-cone';
    out.mapping = 'endpoint-independent';
    out.filtering = 'address-dependent';
  } else if (head === 'Independent Mapping, Port Dependent Filter') {
    out.natType = 'port-restricted-cone';
    out.mapping = 'endpoint-independent';
    out.filtering = 'address-and-port-dependent';
  } else if (parts[0] === 'Dependent Mapping') {
    // RFC 3489: the mapping changed towards CHANGED-ADDRESS (other IP *and* port), so it
    // is ADM or APDM, it cannot tell which; it does not test filtering then.
    out.natType = 'symmetric';
  }
  if (parts.includes('preserves ports')) out.preservesPort = true;
  else if (parts.includes('random port')) out.preservesPort = false;
  if (parts.includes('will hairpin')) out.hairpin = true;
  else if (parts.includes('no hairpin')) out.hairpin = false;
  // "Open" prints no hairpin/port text; the return value still carries them.
  if (returnValue !== undefined && out.natType !== 'udp-blocked') {
    out.hairpin ??= (returnValue & 0x10) === 0;
    out.preservesPort ??= (returnValue & 0x01) !== 0;
  }
  return out;
}

export async function runStunClientOracle(
  lab: Lab,
  opts: OracleOptions & { server?: 'stund' | 'coturn' } = {},
): Promise<StunClientVerdict> {
  if (opts.resetNat ?? true) await lab.resetNat();
  const t = opts.timeoutSec ?? ORACLE_TIMEOUT_S;
  const port = (opts.server ?? 'stund') === 'stund' ? lab.servers.stundPort : lab.servers.turnPort;
  const r = await lab.exec('client', 'timeout', ['-k', '2', String(t), 'stun', `${lab.servers.primary}:${port}`], {
    timeoutMs: (t + 5) * 1000,
  });
  const raw = r.stdout + (r.stderr ? `\n[stderr]\n${r.stderr}` : '') + `\n[exit ${r.code}]` + (r.timedOut || r.code === 124 ? ' [timed out]' : '');
  return { ...parseStunClient(r.stdout, r.code === 124 ? null : r.code), raw, ms: r.ms };
}
