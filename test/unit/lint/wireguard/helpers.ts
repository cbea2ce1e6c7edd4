// Shared by the WireGuard linter tests: fixtures, ranges, fixes, a probe report.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../../../src/report/report';
import { lintWireGuard } from '../../../../src/lint/wireguard';
import { applyTextEdits } from '../../../../src/lint/wireguard/fixes';
import { splitLines } from '../../../../src/lint/text';
import type { Finding, LintOptions, LintResult, Range } from '../../../../src/lint/types';
export { prng } from '../../../support/prng';

export const FIXTURE_DIR = path.join(__dirname, '..', '..', '..', 'fixtures', 'wireguard');

export interface Expect {
  readonly ids: string[];
  readonly wgAccepts: boolean;
  readonly why?: string;
}
export interface Fixture {
  readonly name: string;
  readonly text: string;
  readonly expect: Expect;
}

let cache: Fixture[] | undefined;
export function fixtures(): Fixture[] {
  cache ??= fs
    .readdirSync(FIXTURE_DIR)
    .filter((f) => !f.endsWith('.expect.json'))
    .sort()
    .map((name) => ({
      name,
      text: fs.readFileSync(path.join(FIXTURE_DIR, name), 'utf8'),
      expect: JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, `${name}.expect.json`), 'utf8')) as Expect,
    }));
  return cache;
}

export function fixture(name: string): Fixture {
  const f = fixtures().find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
}

/** Lints a fixture as the CLI would: with its base name (no real path, so no WQ08). */
export function lintFixture(name: string, options: LintOptions = {}): LintResult {
  return lintWireGuard(fixture(name).text, { fileName: name, ...options });
}

export function ids(r: LintResult): string[] {
  return r.findings.map((f) => f.ruleId).sort();
}

/** The text a range covers (single- or multi-line), as an editor would select it. */
export function textAt(text: string, r: Range): string {
  const { lines, eols } = splitLines(text);
  if (r.start.line === r.end.line) return (lines[r.start.line] ?? '').slice(r.start.column, r.end.column);
  let out = (lines[r.start.line] ?? '').slice(r.start.column) + (eols[r.start.line] ?? '');
  for (let l = r.start.line + 1; l < r.end.line; l++) out += lines[l] + eols[l];
  return out + (lines[r.end.line] ?? '').slice(0, r.end.column);
}

export function only(r: LintResult, ruleId: string): Finding[] {
  return r.findings.filter((f) => f.ruleId === ruleId);
}

export function applyFix(text: string, f: Finding, index = 0): string {
  return applyTextEdits(text, f.fixes[index].edits).text;
}

/** Every PrivateKey / PresharedKey value written in a config. */
export function secretsOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const m = /^\s*(?:private\s*key|preshared\s*key|privatkey)\s*=\s*([^#\s]+)/i.exec(line.replace(/^\uFEFF/, ''));
    if (m && m[1].length >= 8) out.push(m[1]);
  }
  return out;
}

/** All text a finding shows the user (message, related messages, fix titles). */
export function shownText(f: Finding): string {
  return [f.message, ...(f.related ?? []).map((r) => r.message), ...f.fixes.map((x) => x.title)].join('\n');
}

/** Does `shown` contain any 8-character window of `secret`? */
export function leaks(shown: string, secret: string): boolean {
  for (let i = 0; i + 8 <= secret.length; i++) if (shown.includes(secret.slice(i, i + 8))) return true;
  return false;
}

export function report(over: Partial<{ mapping: Report['mapping']['value']; udp: Report['udp']; lifetime: number | null; cgnat: Report['cgnat']['value'] }> = {}): Report {
  const mapping = over.mapping ?? 'endpoint-independent';
  return {
    schemaVersion: 1,
    tool: { name: 'natprobe', version: '0.1.0' },
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1000,
    servers: [],
    udp: over.udp ?? 'yes',
    udpReason: 'answers from 2 servers',
    localAddresses: ['192.168.1.20'],
    // A report where UDP worked has the mapped address it measured (without one, the diagnosis
    // reads "the server answers, but not correctly").
    publicEndpoints: (over.udp ?? 'yes') === 'yes' ? [{ family: 'IPv4', address: '203.0.113.7', port: 40000, server: '198.51.100.1:3478' }] : [],
    mapping: { value: mapping, reason: 'test', evidence: [] },
    filtering: { value: 'address-and-port-dependent', reason: 'test', evidence: [] },
    portPreservation: { value: 'unknown', reason: 'test' },
    natType: { value: mapping === 'none' ? 'open-internet' : 'port-restricted-cone', reason: 'test' },
    cgnat: { value: over.cgnat ?? 'no', reason: 'test', evidence: [], excludedInterfaces: [] },
    recommendations: [],
    ...(over.lifetime !== undefined
      ? { mappingLifetime: { value: over.lifetime, idleSeconds: over.lifetime, refreshedByInbound: 'unknown' as const, absoluteSeconds: null, reason: 'test' } }
      : {}),
    ignoredPackets: { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 },
  };
}

/** A valid key pair for tests (public = X25519 of private). */
export const PAIR = {
  priv: 'APqj0VeSIvVvqy5AtgtBqFWNzSS67Z/izthzGyYdgE0=',
  pub: 'hJZUSo20W/bgqhwXUYm1ImlIPc5EUfEZdIS1N13UhyY=',
};
/** Another peer's public key. */
export const PEER_PUB = 'rYwoZy7PJSbpXkzQDVpmvKqMCvXfWwejn9RXKcozKnM=';
export const PEER_PUB2 = 'LHOGQPDwVEaLs/2d8JDD0xyKIlKbz8NX1/XQnPrZHzs=';
