import { parseServerSpec } from '../discovery/serverSpec';

export const DEFAULT_TURN_PORT = 3478;

export interface TurnUrl {
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp';
}

export type ParseTurnUrlResult = { readonly ok: true; readonly value: TurnUrl } | { readonly ok: false; readonly error: string };

/** RFC 7065: `turn:HOST[:PORT][?transport=udp]`. Only UDP is probed for now. */
export function parseTurnUrl(text: string): ParseTurnUrlResult {
  const s = typeof text === 'string' ? text.trim() : '';
  const bad = (why: string): ParseTurnUrlResult => ({ ok: false, error: `"${s}": ${why}` });
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (!scheme) return bad('a TURN URL starts with turn: (e.g. turn:turn.example.com:3478)');
  const name = scheme[1].toLowerCase();
  if (name === 'turns') return bad('turns: (TURN over TLS) is not supported: only UDP is supported for now (turn:HOST[:PORT])');
  if (name !== 'turn') return bad(`the scheme must be turn:, not ${scheme[1]}:`);
  let rest = s.slice(scheme[0].length);
  if (rest.startsWith('//')) return bad('RFC 7065 TURN URLs have no "//": write turn:HOST[:PORT]');
  if (rest.includes('@')) return bad('a TURN URL carries no username (RFC 7065); give it separately');
  const q = rest.indexOf('?');
  if (q >= 0) {
    const query = rest.slice(q + 1);
    rest = rest.slice(0, q);
    const m = /^transport=([A-Za-z0-9-]*)$/i.exec(query);
    if (!m) return bad(`unknown query "?${query}"; RFC 7065 only defines ?transport=udp or ?transport=tcp`);
    const transport = m[1].toLowerCase();
    if (transport === 'tcp') return bad('TURN over TCP is not supported: only UDP is supported for now (?transport=udp)');
    if (transport !== 'udp') return bad(`transport "${m[1]}" is not udp or tcp (RFC 7065)`);
  }
  if (rest === '') return bad('no host after turn:');
  const spec = parseServerSpec(rest);
  if (!spec.ok) return { ok: false, error: spec.error };
  // parseServerSpec accepts a stun: prefix; a TURN URL must not have a second scheme.
  if (/^stuns?:/i.test(rest)) return bad('one scheme only');
  return { ok: true, value: { host: spec.value.host, port: spec.value.port || DEFAULT_TURN_PORT, transport: 'udp' } };
}
