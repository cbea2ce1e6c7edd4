import { type ContactRole, type Report, SCHEMA_VERSION } from './report';

export type ParsedReport = { readonly ok: true; readonly report: Report } | { readonly ok: false; readonly error: string };

const TRISTATES = ['yes', 'no', 'unknown'];
const BEHAVIOURS = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent', 'none', 'unknown'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Checks that a value read from a file (or a webview's saved state) has the shape of a
 * schemaVersion 1 report before anything trusts it: every field the CLI's compare, the panel and
 * the linter read. The first problem found is named, with its path.
 */
export function parseReport(value: unknown): ParsedReport {
  const fail = (error: string): ParsedReport => ({ ok: false, error });
  if (!isObject(value)) return fail('not a JSON object');
  if (value.schemaVersion !== SCHEMA_VERSION) return fail(`schemaVersion is ${JSON.stringify(value.schemaVersion) ?? 'missing'}, expected ${SCHEMA_VERSION}`);
  if (!isObject(value.tool) || value.tool.name !== 'natprobe' || !isString(value.tool.version)) return fail('tool is not { name: "natprobe", version }');
  if (!isString(value.startedAt) || Number.isNaN(Date.parse(value.startedAt))) return fail('startedAt is not an ISO 8601 time');
  if (typeof value.durationMs !== 'number') return fail('durationMs is not a number');
  if (!TRISTATES.includes(value.udp as string) || !isString(value.udpReason)) return fail('udp is not yes/no/unknown with a udpReason');
  for (const key of ['mapping', 'filtering'] as const) {
    const v = value[key];
    if (!isObject(v) || !BEHAVIOURS.includes(v.value as string) || !isString(v.reason) || !Array.isArray(v.evidence)) return fail(`${key} is not a behaviour verdict`);
  }
  for (const key of ['portPreservation', 'natType', 'cgnat'] as const) {
    const v = value[key];
    if (!isObject(v) || !isString(v.value) || !isString(v.reason)) return fail(`${key} is not { value, reason }`);
  }
  if (!Array.isArray(value.servers) || !value.servers.every((s) => isObject(s) && isString(s.host) && typeof s.port === 'number')) return fail('servers is not a list of { host, port, … }');
  if (!Array.isArray(value.localAddresses) || !value.localAddresses.every(isString)) return fail('localAddresses is not a list of strings');
  if (!Array.isArray(value.publicEndpoints) || !value.publicEndpoints.every((p) => isObject(p) && isString(p.address) && typeof p.port === 'number')) {
    return fail('publicEndpoints is not a list of { address, port, … }');
  }
  if (!Array.isArray(value.recommendations) || !value.recommendations.every((r) => isObject(r) && isString(r.id) && isString(r.text) && isString(r.severity))) {
    return fail('recommendations is not a list of { id, severity, text }');
  }
  if (value.ports !== undefined && (!Array.isArray(value.ports) || !value.ports.every((p) => isObject(p) && typeof p.port === 'number' && TRISTATES.includes(p.reachable as string)))) {
    return fail('ports is not a list of { protocol, port, reachable, basis }');
  }
  if (!isObject(value.ignoredPackets)) return fail('ignoredPackets is missing');
  const contacted = contactedProblem(value.contacted);
  if (contacted) return fail(contacted);
  return { ok: true, report: value as unknown as Report };
}

const CONTACT_ROLES: readonly ContactRole[] = ['configured server', 'TURN server', 'announced alternate', 'hairpin target', 'gateway', 'multicast group', 'undeclared'];

/** `contacted` is optional (older reports lack it); when present, every entry must be whole. */
function contactedProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return 'contacted is not a list';
  const bad = v.findIndex(
    (c) =>
      !isObject(c) ||
      !isString(c.address) ||
      !Number.isInteger(c.port) ||
      (c.port as number) < 0 ||
      (c.port as number) > 65535 ||
      (c.transport !== 'udp' && c.transport !== 'tcp') ||
      !CONTACT_ROLES.includes(c.role as ContactRole) ||
      (c.announcedBy !== undefined && !isString(c.announcedBy)) ||
      !Number.isInteger(c.packets) ||
      (c.packets as number) < 0 ||
      typeof c.confirmed !== 'boolean',
  );
  return bad < 0 ? undefined : `contacted[${bad}] is not { address, port, transport, role, packets, confirmed }`;
}
