import { parseReport } from './parseReport';
import type { Report } from './report';

/**
 * Messages between the extension host and the report webview, declared once for both sides.
 * The webview is treated as untrusted input: every message from it goes through
 * parseWebviewMessage (shape, sizes, allow-lists) before the host acts on it.
 */

/** Commands the webview may ask the host to run (buttons such as "Measure the lifetime"). */
export const WEBVIEW_COMMANDS = [
  'natProbe.runDiagnosis',
  'natProbe.measureLifetime',
  'natProbe.testPorts',
  'natProbe.showLastReport',
  // The offline card's "Open settings" and "Show log" (hidden commands, src/extension/showLastReport.ts).
  '_natProbe.openSettings',
  '_natProbe.showLog',
] as const;
export type WebviewCommand = (typeof WEBVIEW_COMMANDS)[number];

/** The longest text the webview may ask to copy (a recommendation with its evidence fits easily). */
export const MAX_COPY_CHARS = 16_384;
/** Recommendation ids are short kebab-case words ("wireguard-keepalive"). */
export const RECOMMENDATION_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export type ConfigFormat = 'wireguard' | 'openvpn';

/** The WireGuard/OpenVPN document "Apply to config" would edit (no content, no path: its name only). */
export interface OpenConfig {
  readonly format: ConfigFormat;
  /** The file's base name, as the editor tab shows it ("wg0.conf"). */
  readonly fileName: string;
  /** Ids of the current report's recommendations that have an edit for this format. */
  readonly applicable: readonly string[];
  /**
   * Where the file is, as the button names it: its path in the workspace ("laptop/wg0.conf", so two
   * open wg0.conf files cannot be confused), else its folder and name. Absent: fileName.
   */
  readonly displayPath?: string;
  /**
   * Applicable advice this file cannot take, and why, known before the button is pressed (a
   * server config has no peer with an Endpoint to keep alive): the button is disabled with the reason.
   */
  readonly refused?: Readonly<Record<string, string>>;
}

/** One row of "Your VPN servers": a reach result, without evidence (the editor's diagnostic has it). */
export interface ReachRow {
  /** Base name of the config ("wg0.conf"). */
  readonly fileName: string;
  readonly label: string;
  /** host:port/transport as the config names it. */
  readonly endpoint: string;
  readonly outcome: 'reachable' | 'no-answer' | 'refused' | 'unresolved' | 'not-tested' | 'error';
  readonly rttMs?: number;
  readonly summary: string;
  readonly nextStep?: string;
}

/** More rows than this are not a person's VPN servers; the host sends at most this many. */
export const MAX_REACH_ROWS = 200;
const REACH_OUTCOMES: readonly string[] = ['reachable', 'no-answer', 'refused', 'unresolved', 'not-tested', 'error'];

export function isReachRow(value: unknown): value is ReachRow {
  if (!isPlainObject(value)) return false;
  const v = value;
  return (
    typeof v.fileName === 'string' &&
    typeof v.label === 'string' &&
    typeof v.endpoint === 'string' &&
    typeof v.outcome === 'string' &&
    REACH_OUTCOMES.includes(v.outcome) &&
    typeof v.summary === 'string' &&
    (v.rttMs === undefined || (typeof v.rttMs === 'number' && Number.isFinite(v.rttMs))) &&
    (v.nextStep === undefined || typeof v.nextStep === 'string')
  );
}

/**
 * "Direct path to a peer": the last `natprobe punch` of this window (the proof) with compare's
 * prediction beside it. Built by the host from the child's checked JSON (src/extension/punch/).
 */
export interface PunchRow {
  /** The rendezvous as the user named it (natProbe.rendezvous). */
  readonly via: string;
  readonly direct: 'yes' | 'no' | 'unknown';
  readonly reason: string;
  /** "srflx↔srflx", "host↔host"… (ours first), with both addresses; only when a path formed. */
  readonly pair?: { readonly kind: string; readonly local: string; readonly remote: string };
  /** From the introduction to the first answered check. */
  readonly ms?: number;
  readonly rttMs?: number;
  /** compare's verdict from the two reports, or unknown with why there is none. */
  readonly prediction: { readonly direct: 'yes' | 'no' | 'unknown'; readonly reason: string };
  readonly agrees: 'yes' | 'no' | 'unknown';
  readonly packetsSent: number;
  /** When it finished (ISO 8601). */
  readonly at: string;
}

const TRISTATES: readonly unknown[] = ['yes', 'no', 'unknown'];
const finiteAtLeastZero = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function isPunchRow(value: unknown): value is PunchRow {
  if (!isPlainObject(value)) return false;
  const v = value;
  const p = v.prediction;
  const pair = v.pair;
  return (
    typeof v.via === 'string' &&
    TRISTATES.includes(v.direct) &&
    typeof v.reason === 'string' &&
    (pair === undefined || (isPlainObject(pair) && typeof pair.kind === 'string' && typeof pair.local === 'string' && typeof pair.remote === 'string')) &&
    (v.ms === undefined || finiteAtLeastZero(v.ms)) &&
    (v.rttMs === undefined || finiteAtLeastZero(v.rttMs)) &&
    isPlainObject(p) &&
    TRISTATES.includes(p.direct) &&
    typeof p.reason === 'string' &&
    TRISTATES.includes(v.agrees) &&
    Number.isInteger(v.packetsSent) &&
    (v.packetsSent as number) >= 0 &&
    typeof v.at === 'string' &&
    !Number.isNaN(Date.parse(v.at))
  );
}

/**
 * Where the shown report stands among this machine's results (src/report/networkResults.ts):
 * the times of parts measured before the report itself, and for an offline report whether a
 * good one is kept. Optional: a report shows without it.
 */
export interface PictureInfo {
  /** The mapping lifetime shown was measured then (earlier than the report). */
  readonly lifetimeAt?: string;
  /** The oldest port result shown was measured then (earlier than the report). */
  readonly portsAt?: string;
  /** Offline: the last good report, kept, was made then ("Show last good report"). */
  readonly lastGoodAt?: string;
  /**
   * The report shown is of another network than the one this machine is on now (networkResults.ts,
   * fromOtherNetwork); the current network's picture, which the status bar shows, was made then.
   */
  readonly currentNetworkAt?: string;
}

export function isPictureInfo(value: unknown): value is PictureInfo {
  if (!isPlainObject(value)) return false;
  const keys = ['lifetimeAt', 'portsAt', 'lastGoodAt', 'currentNetworkAt'];
  return Object.keys(value).every((k) => keys.includes(k) && typeof value[k] === 'string' && (value[k] as string).length <= 40 && !Number.isNaN(Date.parse(value[k] as string)));
}

/** Sections a report can bring into view when it arrives (the new ports or lifetime results). */
export const REPORT_FOCUS = ['ports', 'lifetime'] as const;
export type ReportFocus = (typeof REPORT_FOCUS)[number];

export type HostToWebview =
  /**
   * A report to show; a diagnosis may post twice (the quick verdict first, deeper results later).
   * `focus`: scroll to that section and highlight it (after Test VPN ports / Measure lifetime).
   */
  | { readonly type: 'report'; readonly report: Report; readonly partial?: boolean; readonly picture?: PictureInfo; readonly focus?: ReportFocus }
  /** The config "Apply to config" would edit, or null when no WireGuard/OpenVPN file is open. */
  | { readonly type: 'config'; readonly config: OpenConfig | null }
  /** The latest reachability results of the configs tested in this window ("Your VPN servers"). */
  | { readonly type: 'reach'; readonly rows: readonly ReachRow[] }
  /** The last "Test a direct path to a peer" of this window, or null before there is one. */
  | { readonly type: 'punch'; readonly row: PunchRow | null }
  /** The outcome of a copy or apply request, in words for the user. */
  | {
      readonly type: 'result';
      readonly action: 'copy' | 'apply' | 'command';
      readonly ok: boolean;
      readonly message: string;
      readonly recommendationId?: string;
    };

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'copy'; readonly text: string }
  | { readonly type: 'apply'; readonly recommendationId: string }
  | { readonly type: 'openCommand'; readonly command: WebviewCommand };

export type ParseResult = { readonly ok: true; readonly message: WebviewToHost } | { readonly ok: false; readonly error: string };

/** The keys each message type may carry: anything else makes the message invalid. */
const SHAPES: Readonly<Record<WebviewToHost['type'], readonly string[]>> = {
  ready: ['type'],
  copy: ['type', 'text'],
  apply: ['type', 'recommendationId'],
  openCommand: ['type', 'command'],
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A short, printable description of a bad value for the log (never the value itself when long). */
function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value;
}

/**
 * Checks one message from the webview. Returns the typed message, or why it was refused (for the
 * log: the reason never repeats the message's content).
 */
export function parseWebviewMessage(value: unknown): ParseResult {
  if (!isPlainObject(value)) return { ok: false, error: `not an object (${describe(value)})` };
  const type = value.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SHAPES, type)) {
    return { ok: false, error: typeof type === 'string' && type.length <= 32 && /^[\w-]*$/.test(type) ? `unknown type "${type}"` : `unknown type (${describe(type)})` };
  }
  const allowed = SHAPES[type as WebviewToHost['type']];
  const keys = Object.keys(value);
  if (keys.length > allowed.length || keys.some((k) => !allowed.includes(k))) return { ok: false, error: `${type}: unexpected fields` };
  switch (type) {
    case 'ready':
      return { ok: true, message: { type: 'ready' } };
    case 'copy': {
      const text = value.text;
      if (typeof text !== 'string') return { ok: false, error: `copy: text is ${describe(text)}, not a string` };
      if (text.length === 0) return { ok: false, error: 'copy: text is empty' };
      if (text.length > MAX_COPY_CHARS) return { ok: false, error: `copy: text is ${text.length} characters, more than ${MAX_COPY_CHARS}` };
      return { ok: true, message: { type: 'copy', text } };
    }
    case 'apply': {
      const id = value.recommendationId;
      if (typeof id !== 'string' || !RECOMMENDATION_ID.test(id)) return { ok: false, error: `apply: recommendationId is ${describe(id)}, not a recommendation id` };
      return { ok: true, message: { type: 'apply', recommendationId: id } };
    }
    case 'openCommand': {
      const command = value.command;
      if (typeof command !== 'string' || !(WEBVIEW_COMMANDS as readonly string[]).includes(command)) {
        return { ok: false, error: `openCommand: ${typeof command === 'string' && command.length <= 64 ? `"${command}"` : describe(command)} is not an allowed command` };
      }
      return { ok: true, message: { type: 'openCommand', command: command as WebviewCommand } };
    }
  }
  return { ok: false, error: `unknown type "${type}"` };
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  return parseWebviewMessage(value).ok;
}

/** Checks a message from the host (the webview's side of the contract). */
export function isHostToWebview(value: unknown): value is HostToWebview {
  if (!isPlainObject(value)) return false;
  switch (value.type) {
    case 'report':
      return (
        parseReport(value.report).ok &&
        (value.picture === undefined || isPictureInfo(value.picture)) &&
        (value.focus === undefined || (REPORT_FOCUS as readonly unknown[]).includes(value.focus))
      );
    case 'config': {
      const c = value.config;
      if (c === null) return true;
      return (
        isPlainObject(c) &&
        (c.format === 'wireguard' || c.format === 'openvpn') &&
        typeof c.fileName === 'string' &&
        Array.isArray(c.applicable) &&
        (c.displayPath === undefined || typeof c.displayPath === 'string') &&
        (c.refused === undefined || (isPlainObject(c.refused) && Object.values(c.refused).every((v) => typeof v === 'string')))
      );
    }
    case 'reach':
      return Array.isArray(value.rows) && value.rows.length <= MAX_REACH_ROWS && value.rows.every(isReachRow);
    case 'punch':
      return value.row === null || isPunchRow(value.row);
    case 'result':
      return typeof value.ok === 'boolean' && typeof value.message === 'string' && (value.action === 'copy' || value.action === 'apply' || value.action === 'command');
    default:
      return false;
  }
}
