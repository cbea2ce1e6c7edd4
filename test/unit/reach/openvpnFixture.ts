// The bytes of a real OpenVPN 2.6 exchange (test/lab/reachOpenvpnCapture.ts recorded them) and
// the client-side Wrap for each wrapping, built from the same throw-away keys through the config
// path (inline blocks), so the tests cover config → keys → packet in one go.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planOpenVpn } from '../../../src/engine/reach/openvpn/config';
import type { Wrap } from '../../../src/engine/reach/openvpn/packet';

export type FixtureWrap = 'none' | 'tls-auth' | 'tls-crypt' | 'tls-crypt-v2';
export const FIXTURE_WRAPS: readonly FixtureWrap[] = ['none', 'tls-auth', 'tls-crypt', 'tls-crypt-v2'];

export interface Captured {
  readonly openvpn: string;
  readonly sessionId: string;
  /** The second client's session id, for the p2p servers' busyReply. */
  readonly busySessionId: string;
  readonly keys: { readonly ta: string; readonly wrongTa: string; readonly v2Client: string };
  readonly clientResets: Record<FixtureWrap, { readonly udp: string; readonly tcp: string }>;
  readonly serverReplies: Record<FixtureWrap, Record<'p2p' | 'server', { readonly sent: string; readonly reply: string; readonly busyReply?: string }>>;
}

export const captured: Captured = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'openvpn-reach', 'captured.json'), 'utf8'),
) as Captured;

export const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

/** Config lines that carry the fixture's key for this wrapping inline (as a client uses it). */
export function inlineWrapLines(wrap: FixtureWrap, keyText?: string): string[] {
  if (wrap === 'none') return [];
  const tag = wrap;
  const key = keyText ?? (wrap === 'tls-crypt-v2' ? captured.keys.v2Client : captured.keys.ta);
  return [`<${tag}>`, ...key.trimEnd().split('\n'), `</${tag}>`, ...(wrap === 'tls-auth' ? ['key-direction 1'] : [])];
}

export async function wrapFor(wrap: FixtureWrap, keyText?: string): Promise<Wrap> {
  const [plan] = await planOpenVpn(['client', 'remote 192.0.2.1 1194 udp', ...inlineWrapLines(wrap, keyText)].join('\n') + '\n', {});
  if (!plan.wrap) throw new Error(`fixture wrap ${wrap}: ${plan.notTested}`);
  return plan.wrap;
}
