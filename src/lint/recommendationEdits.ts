/**
 * "Apply to config": the text edits that carry out one recommendation of a probe report in a
 * WireGuard or OpenVPN config. Pure: text in, edits out (the extension turns them into an
 * undoable WorkspaceEdit; tests apply them with applyTextEdits). The edits only ever touch the
 * option being set: key material is never read into a summary or an error.
 */
import type { Recommendation, RecommendationApply } from '../report/report';
import { directiveEnd, writeParam } from './openvpn/fixes';
import { buildModel, protocolFamily } from './openvpn/model';
import { type Directive, parseConfig } from './openvpn/parser';
import { LineIndex } from './openvpn/positions';
import { splitLines } from './text';
import type { ConfigFormat, TextEdit } from './types';
import { insertLineAfter } from './wireguard/fixes';
import type { Entry, Section } from './wireguard/model';
import { effectiveIn, parseWireGuard } from './wireguard/parser';

export type RecommendationEdits = { readonly edits: TextEdit[]; readonly summary: string } | { readonly error: string };

/** The highest PersistentKeepalive wg accepts (a 16-bit value). */
const MAX_WG_KEEPALIVE = 65535;

/**
 * The structured edit of a recommendation: its `apply` field, or for reports saved before that
 * field existed, the same thing read from the advice's fixed wording.
 */
export function applyOf(recommendation: Recommendation): RecommendationApply | undefined {
  const a = recommendation.apply;
  if (a && typeof a === 'object' && typeof a.key === 'string' && typeof a.value === 'string' && (a.format === 'wireguard' || a.format === 'openvpn')) return a;
  const text = typeof recommendation.text === 'string' ? recommendation.text : '';
  if (recommendation.id === 'wireguard-keepalive') {
    const m = /PersistentKeepalive = (\d{1,5})\b/.exec(text);
    return m ? { format: 'wireguard', key: 'PersistentKeepalive', value: m[1] } : undefined;
  }
  if (recommendation.id === 'openvpn-keepalive') {
    const m = /keepalive (\d{1,6}) (\d{1,6})\b/.exec(text);
    return m ? { format: 'openvpn', key: 'keepalive', value: `${m[1]} ${m[2]}` } : undefined;
  }
  if (recommendation.id === 'openvpn-udp-port-blocked' && /remote HOST 443 tcp-client/.test(text)) {
    return { format: 'openvpn', key: 'remote', value: '443 tcp-client' };
  }
  return undefined;
}

type Plan =
  | { readonly kind: 'wg-keepalive'; readonly seconds: number }
  | { readonly kind: 'ovpn-keepalive'; readonly interval: number; readonly timeout: number }
  | { readonly kind: 'ovpn-fallback'; readonly port: number; readonly proto: string };

/** What the edit would do, when the recommendation has one for this format and its value is sane. */
function planOf(recommendation: Recommendation, format: ConfigFormat): Plan | undefined {
  const a = applyOf(recommendation);
  if (!a || a.format !== format) return undefined;
  if (format === 'wireguard' && a.key === 'PersistentKeepalive' && /^\d{1,5}$/.test(a.value)) {
    const seconds = Number(a.value);
    return seconds >= 1 && seconds <= MAX_WG_KEEPALIVE ? { kind: 'wg-keepalive', seconds } : undefined;
  }
  if (format === 'openvpn' && a.key === 'keepalive') {
    const m = /^(\d{1,6}) (\d{1,6})$/.exec(a.value);
    if (!m) return undefined;
    const interval = Number(m[1]);
    const timeout = Number(m[2]);
    // OpenVPN refuses a timeout shorter than twice the interval (helper.c).
    return interval >= 1 && timeout >= 2 * interval ? { kind: 'ovpn-keepalive', interval, timeout } : undefined;
  }
  if (format === 'openvpn' && a.key === 'remote') {
    const m = /^(\d{1,5}) (tcp-client|tcp|udp)$/.exec(a.value);
    if (!m) return undefined;
    const port = Number(m[1]);
    return port >= 1 && port <= 65535 ? { kind: 'ovpn-fallback', port, proto: m[2] } : undefined;
  }
  return undefined;
}

/** Whether "Apply to config" makes sense for this recommendation and this kind of config. */
export function canApply(recommendation: Recommendation, format: ConfigFormat): boolean {
  return planOf(recommendation, format) !== undefined;
}

export function editsForRecommendation(recommendation: Recommendation, text: string, format: ConfigFormat): RecommendationEdits {
  const plan = planOf(recommendation, format);
  if (!plan) {
    const other = applyOf(recommendation);
    if (other && other.format !== format) {
      return { error: `This advice is for ${other.format === 'wireguard' ? 'WireGuard' : 'OpenVPN'} configs, and this is ${format === 'wireguard' ? 'a WireGuard' : 'an OpenVPN'} config: nothing to apply here.` };
    }
    return { error: 'This advice has no single config change to apply: it is there to read (use Copy to keep it).' };
  }
  if (typeof text !== 'string') return { error: 'The document has no text to edit.' };
  switch (plan.kind) {
    case 'wg-keepalive':
      return wireguardKeepalive(text, plan.seconds);
    case 'ovpn-keepalive':
      return openvpnKeepalive(text, plan.interval, plan.timeout);
    case 'ovpn-fallback':
      return openvpnFallback(text, plan.port, plan.proto);
  }
}

// ---------------------------------------------------------------------------------- WireGuard

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function wireguardKeepalive(text: string, seconds: number): RecommendationEdits {
  const src = splitLines(text);
  const parsed = parseWireGuard(src);
  if (parsed.peers.length === 0) return { error: 'This WireGuard config has no [Peer] section: there is no peer to keep the NAT mapping open towards.' };
  const want = String(seconds);
  const edits: TextEdit[] = [];
  let changed = 0;
  let already = 0;
  let noEndpoint = 0;
  for (const peer of parsed.peers) {
    const endpoint = effectiveIn(peer, 'Endpoint');
    if (!endpoint || !endpoint.hasEquals || endpoint.compactValue === '') {
      noEndpoint++;
      continue;
    }
    const existing = keepaliveEntries(peer);
    if (existing.length === 0) {
      edits.push(insertLineAfter(src, endpoint.line, `PersistentKeepalive = ${want}`, parsed.eol));
      changed++;
      continue;
    }
    let touched = false;
    for (const e of existing) {
      if (e.hasEquals && e.compactValue === want) continue;
      touched = true;
      // Only the value when there is one; a bare `PersistentKeepalive` line gets the whole setting.
      edits.push(
        e.hasEquals
          ? { range: { start: { line: e.line, column: e.valueStart }, end: { line: e.line, column: e.valueEnd } }, newText: want }
          : { range: { start: { line: e.line, column: e.contentStart }, end: { line: e.line, column: e.contentEnd } }, newText: `PersistentKeepalive = ${want}` },
      );
    }
    if (touched) changed++;
    else already++;
  }
  if (changed + already === 0) {
    return {
      error: `No [Peer] in this config has an Endpoint: PersistentKeepalive belongs on the side that dials out (the peer with an Endpoint), so there is nothing to apply here.`,
    };
  }
  const notes: string[] = [];
  if (already) notes.push(`${plural(already, 'peer', 'peers')} already had it`);
  if (noEndpoint) notes.push(`${plural(noEndpoint, 'peer', 'peers')} without an Endpoint left as they were`);
  const tail = notes.length ? ` (${notes.join('; ')})` : '';
  if (changed === 0) return { edits: [], summary: `Every peer with an Endpoint already has PersistentKeepalive = ${want}${tail}: nothing to change.` };
  return { edits, summary: `Set PersistentKeepalive = ${want} for ${plural(changed, 'peer', 'peers')}${tail}.` };
}

/** The PersistentKeepalive lines wg reads in this peer (the last one wins; all are set alike). */
function keepaliveEntries(peer: Section): Entry[] {
  return peer.entries.filter((e) => e.name === 'PersistentKeepalive' && e.placement === 'ok');
}

// ------------------------------------------------------------------------------------ OpenVPN

interface Span {
  start: number;
  end: number;
  newText: string;
}

function eolOf(text: string): string {
  return /\r\n/.test(text.slice(0, 65536)) ? '\r\n' : '\n';
}

/** Offset spans to TextEdits, with touching spans merged (VS Code refuses edits that share an end). */
function toEdits(text: string, loneCr: readonly number[], spans: Span[]): TextEdit[] {
  const index = new LineIndex(text, loneCr);
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) {
      last.newText += text.slice(last.end, Math.max(last.end, s.start)) + s.newText;
      last.end = Math.max(last.end, s.end);
    } else merged.push({ ...s });
  }
  return merged.map((s) => ({ range: index.range(s.start, s.end), newText: s.newText }));
}

/** A line inserted at line start `at` (or appended when `at` is the end of text without a final newline). */
function insertLine(text: string, at: number, line: string, eol: string): Span {
  if (at >= text.length && text.length > 0 && !text.endsWith('\n') && !text.endsWith('\r')) return { start: text.length, end: text.length, newText: eol + line };
  return { start: at, end: at, newText: line + eol };
}

function mainDirectives(all: readonly Directive[] | undefined): Directive[] {
  return (all ?? []).filter((d) => d.context === 'main' && !d.inline);
}

function openvpnKeepalive(text: string, interval: number, timeout: number): RecommendationEdits {
  const parsed = parseConfig(text);
  const model = buildModel(parsed);
  const line = `keepalive ${interval} ${timeout}`;
  const pings = ['ping', 'ping-restart', 'ping-exit'].filter((n) => model.last.has(n));
  if (pings.length) {
    return {
      error: `This config sets ${pings.join(' and ')} itself, and OpenVPN refuses keepalive next to ${pings.length > 1 ? 'them' : 'it'}: change the ping interval by hand to ${interval} s (ping ${interval}, ping-restart ${timeout}).`,
    };
  }
  const existing = mainDirectives(parsed.byName.get('keepalive'));
  const spans: Span[] = [];
  if (existing.length) {
    for (const d of existing) {
      if (d.args.length === 2 && d.args[0].text === String(interval) && d.args[1].text === String(timeout)) continue;
      spans.push({ start: d.nameToken.start, end: directiveEnd(d), newText: line });
    }
    if (spans.length === 0) return { edits: [], summary: `This config already has ${line}: nothing to change.` };
    return { edits: toEdits(text, parsed.loneCr, spans), summary: `Changed keepalive to ${line}${existing.length > 1 ? ` (on all ${existing.length} keepalive lines)` : ''}.` };
  }
  const anchor = keepaliveAnchor(model.valid);
  spans.push(insertLine(text, anchor ? anchor.nextLine : 0, line, eolOf(text)));
  return { edits: toEdits(text, parsed.loneCr, spans), summary: `Added ${line}${anchor ? ` after ${anchor.name}` : ' at the top'}.` };
}

/** Where a new top-level option reads naturally: after proto, else the first remote, dev or client. */
function keepaliveAnchor(valid: readonly Directive[]): Directive | undefined {
  const main = valid.filter((d) => d.context === 'main');
  const last = (name: string) => main.filter((d) => d.name === name).pop();
  return last('proto') ?? main.find((d) => d.name === 'remote') ?? last('dev') ?? last('client') ?? main.find((d) => !d.inline);
}

function openvpnFallback(text: string, port: number, proto: string): RecommendationEdits {
  const parsed = parseConfig(text);
  const model = buildModel(parsed);
  const family = protocolFamily(proto);
  const withRemote = model.entries.filter((e) => e.remote && e.remote.args.length > 0);
  if (model.serverMode || withRemote.length === 0) {
    return {
      error: `This config has no remote (a server config?): the fallback belongs in the clients' configs; on the server, run a second instance with proto ${family === 'tcp' ? 'tcp-server' : 'udp'} on port ${port}.`,
    };
  }
  if (family === 'tcp' && parsed.directives.some((d) => d.name === 'fragment')) {
    return { error: 'This config uses fragment, which OpenVPN allows over UDP only: a TCP fallback would stop it from starting. Remove fragment (or add the fallback by hand) first.' };
  }
  const host = withRemote[0].remote!.args[0].text;
  if (withRemote.some((e) => e.remotePort === String(port) && protocolFamily(e.proto) === family)) {
    return { edits: [], summary: `This config already connects over ${family.toUpperCase()} ${port}: nothing to change.` };
  }
  const eol = eolOf(text);
  const block = (remote: string) => ['<connection>', remote, '</connection>'];
  const fallback = `remote ${writeParam(host)} ${port} ${proto}`;
  const spans: Span[] = [];
  const lines: string[] = [];
  let moved = 0;
  if (parsed.blocks.length === 0) {
    // OpenVPN ignores top-level `remote` lines once there is any <connection> block, so they move
    // into blocks of their own, at the end, where every top-level option still reaches them.
    for (const d of mainDirectives(model.all.get('remote'))) {
      spans.push({ start: d.lineStart, end: d.nextLine, newText: '' });
      lines.push(...block(`remote ${text.slice(d.args[0].start, directiveEnd(d))}`));
      moved++;
    }
  }
  lines.push(...block(fallback));
  // The text before the appended blocks: a deleted last line leaves the newline before it.
  const cut = spans.find((s) => s.end === text.length && s.start < s.end);
  const before = cut ? text.slice(0, cut.start) : text;
  const endsWithNewline = before.length === 0 || before.endsWith('\n') || before.endsWith('\r');
  spans.push({ start: text.length, end: text.length, newText: (endsWithNewline ? '' : eol) + lines.join(eol) + eol });
  const what = moved === 1 ? 'Moved the remote into a <connection> block and added' : moved > 1 ? `Moved the ${moved} remotes into <connection> blocks and added` : 'Added';
  return {
    edits: toEdits(text, parsed.loneCr, spans),
    summary: `${what} a fallback <connection> with ${fallback}: OpenVPN tries the UDP connection first, then ${family.toUpperCase()} ${port}.`,
  };
}
