import { type ContactRole, type Report, SCHEMA_VERSION } from './report';

export type ParsedReport = { readonly ok: true; readonly report: Report } | { readonly ok: false; readonly error: string };

/**
 * One field's check: null when the value is right, else the problem, starting with its path
 * ("report.filtering.evidence[0].test: expected a string"). Checks compose, so the Report's
 * whole shape is written once below, field by field.
 */
export type Check = (value: unknown, path: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a bad value is, in a few words (never the value itself: it may be long or hostile). */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') return Number.isFinite(v) ? 'a number' : String(v);
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const expected = (what: string) => (v: unknown, path: string) => `${path}: expected ${what}, got ${kind(v)}`;

export const string: Check = (v, p) => (typeof v === 'string' ? null : expected('a string')(v, p));
/** Finite: NaN and Infinity cannot come from JSON, but saved state and commands are not JSON. */
export const number: Check = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? null : expected('a finite number')(v, p));
export const boolean: Check = (v, p) => (typeof v === 'boolean' ? null : expected('true or false')(v, p));
export const port: Check = (v, p) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535 ? null : expected('a port number (0-65535)')(v, p));

export function oneOf(...values: readonly string[]): Check {
  return (v, p) => (typeof v === 'string' && values.includes(v) ? null : `${p}: expected one of ${values.join(', ')}, got ${typeof v === 'string' && v.length <= 40 ? JSON.stringify(v) : kind(v)}`);
}

export function nullable(check: Check): Check {
  return (v, p) => (v === null ? null : check(v, p));
}

/** A field that may be absent (undefined); when present it must pass `check`. */
export function optional(check: Check): Check {
  return (v, p) => (v === undefined ? null : check(v, p));
}

export function listOf(check: Check): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return expected('a list')(v, p);
    for (let i = 0; i < v.length; i++) {
      const e = check(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return null;
  };
}

/** An object with these fields (extra fields are allowed: the schema grows by adding fields). */
export function object(fields: Readonly<Record<string, Check>>): Check {
  return (v, p) => {
    if (!isObject(v)) return expected('an object')(v, p);
    for (const [key, check] of Object.entries(fields)) {
      const e = check(v[key], `${p}.${key}`);
      if (e) return e;
    }
    return null;
  };
}

export const count: Check = (v, p) => (Number.isInteger(v) && (v as number) >= 0 ? null : expected('a whole number ≥ 0')(v, p));

const CONTACT_ROLES: readonly ContactRole[] = ['configured server', 'TURN server', 'announced alternate', 'hairpin target', 'gateway', 'multicast group', 'undeclared'];

const TRISTATE = oneOf('yes', 'no', 'unknown');
const BEHAVIOUR = oneOf('endpoint-independent', 'address-dependent', 'address-and-port-dependent', 'none', 'unknown');
const NAT_TYPE = oneOf('open-internet', 'full-cone', 'restricted-cone', 'port-restricted-cone', 'symmetric', 'symmetric-udp-firewall', 'udp-blocked', 'unknown');
const EVIDENCE = listOf(object({ test: string, observation: string }));
const NOT_APPLICABLE: Check = (v, p) => (v === true ? null : expected('true')(v, p));
const VERDICT = object({ value: TRISTATE, reason: string, notApplicable: optional(NOT_APPLICABLE) });
const ISO_TIME: Check = (v, p) => string(v, p) ?? (Number.isNaN(Date.parse(v as string)) ? `${p}: expected an ISO 8601 time` : null);

/** Every field of a schemaVersion 1 Report; a new field is one more line here. */
const REPORT_FIELDS: Readonly<Record<string, Check>> = {
  tool: object({ name: oneOf('natprobe'), version: string }),
  startedAt: ISO_TIME,
  durationMs: number,
  servers: listOf(
    object({
      host: string,
      port,
      address: nullable(string),
      rttMs: nullable(number),
      rfc5780: TRISTATE,
      otherAddress: nullable(string),
      error: optional(string),
      software: optional(string),
    }),
  ),
  udp: TRISTATE,
  udpReason: string,
  udpSilenceWindow: optional(object({ basis: oneOf('udp-rtt', 'tcp-rtt', 'budget'), ms: number, reason: string })),
  localAddresses: listOf(string),
  publicEndpoints: listOf(object({ family: oneOf('IPv4', 'IPv6'), address: string, port, server: string })),
  mapping: object({ value: BEHAVIOUR, reason: string, evidence: EVIDENCE, server: optional(string) }),
  filtering: object({ value: BEHAVIOUR, reason: string, evidence: EVIDENCE, server: optional(string) }),
  portPreservation: VERDICT,
  sequentialPorts: optional(object({ value: TRISTATE, reason: string, notApplicable: optional(NOT_APPLICABLE), stride: nullable(number) })),
  natType: object({ value: NAT_TYPE, reason: string }),
  cgnat: object({ value: TRISTATE, reason: string, evidence: EVIDENCE, excludedInterfaces: listOf(string) }),
  recommendations: listOf(
    object({
      id: string,
      severity: oneOf('info', 'warning', 'error'),
      text: string,
      evidence: EVIDENCE,
      vpn: optional(oneOf('wireguard', 'openvpn-udp', 'openvpn-tcp', 'ipsec', 'p2p', 'general')),
      rfc: optional(string),
      apply: optional(object({ format: oneOf('wireguard', 'openvpn'), key: string, value: string })),
    }),
  ),
  mappingLifetime: optional(
    object({ value: nullable(number), idleSeconds: nullable(number), refreshedByInbound: TRISTATE, absoluteSeconds: nullable(number), reason: string, notApplicable: optional(NOT_APPLICABLE) }),
  ),
  hairpinning: optional(VERDICT),
  ports: optional(listOf(object({ protocol: oneOf('udp', 'tcp'), port, reachable: TRISTATE, basis: string }))),
  portMapping: optional(
    object({
      upnp: TRISTATE,
      natPmp: TRISTATE,
      pcp: TRISTATE,
      gateway: nullable(string),
      reasons: object({ upnp: string, natPmp: string, pcp: string }),
      evidence: EVIDENCE,
      externalAddresses: optional(listOf(object({ protocol: oneOf('upnp', 'nat-pmp'), address: string }))),
      noPublicAddress: optional(boolean),
    }),
  ),
  doubleNat: optional(VERDICT),
  turn: optional(object({ value: TRISTATE, relayedAddress: nullable(string), rttMs: nullable(number), error: nullable(string), released: optional(nullable(boolean)) })),
  turnServers: optional(listOf(object({ url: string, value: TRISTATE, relayedAddress: nullable(string), rttMs: nullable(number), error: nullable(string), released: nullable(boolean) }))),
  ignoredPackets: object({ wrongTransaction: number, unexpectedSource: number, malformed: number }),
  // Optional: reports from before the contact ledger lack it.
  contacted: optional(
    listOf(
      object({
        address: string,
        port,
        transport: oneOf('udp', 'tcp'),
        role: oneOf(...CONTACT_ROLES),
        announcedBy: optional(string),
        packets: count,
        confirmed: boolean,
      }),
    ),
  ),
};

const REPORT = object(REPORT_FIELDS);

/**
 * Checks that a value read from a file (or a webview's saved state, or a command's argument) is a
 * schemaVersion 1 report before anything trusts it: every field, at every depth, has its type
 * (strings, finite numbers, the allowed words), so no renderer meets a null where it reads text.
 * The first problem found is named with its path.
 */
export function parseReport(value: unknown): ParsedReport {
  if (!isObject(value)) return { ok: false, error: `not a JSON object (${kind(value)})` };
  if (value.schemaVersion !== SCHEMA_VERSION) {
    const v = value.schemaVersion;
    return { ok: false, error: `schemaVersion is ${typeof v === 'number' || typeof v === 'string' ? JSON.stringify(v).slice(0, 20) : v === undefined ? 'missing' : kind(v)}, expected ${SCHEMA_VERSION}` };
  }
  const error = REPORT(value, 'report');
  return error ? { ok: false, error } : { ok: true, report: value as unknown as Report };
}
