/** wg-quick's own rules: WQ01 file name, WQ03 SaveConfig, WQ04/WQ05 MTU, WQ06 DNS without resolvconf, WQ07 `#` in hooks, WQ08 mode. */
import { mayHoldSecret, quoteOr, range } from '../findings';
import { fix, insertLineAfter, replace } from '../fixes';
import { parseInterfaceAddress } from '../addresses';
import { fileMode } from '../hostfs';
import { type Entry, HOOK_KEYS } from '../model';
import { effective, entriesOf, isSpace, splitList } from '../parser';

import { type RuleContext, lineText, valueRange } from './context';

const IFNAME_CONF = /^[a-zA-Z0-9_=+.-]{1,15}\.conf$/;

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** A name wg-quick would take, made from the given one (for the message). */
function suggestName(base: string): string {
  if (mayHoldSecret(base)) return 'wg0.conf';
  const stem = base.replace(/\.conf$/i, '').replace(/[^a-zA-Z0-9_=+.-]/g, '-').slice(0, 15) || 'wg0';
  return `${stem}.conf`;
}

export function checkFileName(ctx: RuleContext): void {
  const name = ctx.options.fileName;
  if (!name) return;
  const base = baseName(name);
  if (IFNAME_CONF.test(base)) return;
  const first = ctx.src.line(0);
  const why = !base.endsWith('.conf')
    ? 'it does not end in .conf'
    : base.length - 5 > 15
      ? `the part before .conf has ${base.length - 5} characters (an interface name has at most 15)`
      : 'the part before .conf may only use letters, digits and _=+.-';
  ctx.out.add(
    'WQ01',
    'error',
    `wg-quick refuses ${quoteOr(base, 'this file name', 60)}: ${why}; rename it, e.g. to ${suggestName(base)} (the interface is named after the file).`,
    range(0, ctx.parsed.firstColumn, Math.max(ctx.parsed.firstColumn, first.length)),
  );
}

export function checkSaveConfig(ctx: RuleContext): void {
  const all = entriesOf(ctx.parsed.interfaces, 'SaveConfig');
  for (const e of all) {
    const v = e.value.toLowerCase();
    if (v === 'true' || v === 'false') continue;
    ctx.out.add(
      'WQ03',
      'error',
      `SaveConfig must be true or false: wg-quick stops with "${quoteOr(e.value, 'the value', 20)} is neither true nor false"; write true or false.`,
      e.value ? valueRange(e) : range(e.line, e.contentStart, e.contentEnd),
    );
  }
  const last = all[all.length - 1];
  if (last && last.value.toLowerCase() === 'true') {
    ctx.out.add(
      'WQ03',
      'information',
      'SaveConfig = true: `wg-quick down` overwrites this file with the running configuration, so comments, formatting and edits made while the interface is up are lost.',
      valueRange(last),
    );
  }
}

function hasIPv6Address(ctx: RuleContext): boolean {
  for (const e of entriesOf(ctx.parsed.interfaces, 'Address')) {
    if (!e.consumedByWgQuick) continue;
    for (const it of splitList(lineText(ctx, e.line), e, true)) {
      const a = parseInterfaceAddress(it.text);
      if ('ip' in a && a.ip.family === 6) return true;
    }
  }
  return false;
}

function hasReason(ctx: RuleContext, e: Entry): boolean {
  if (e.commentStart >= 0) return true;
  const prev = e.line > 0 ? lineText(ctx, e.line - 1).trim() : '';
  return prev.startsWith('#');
}

export function checkMtu(ctx: RuleContext): void {
  const e = effective(ctx.parsed.interfaces, 'MTU');
  if (!e || !e.usable || !/^[0-9]{1,9}$/.test(e.value)) return;
  const mtu = Number(e.value);
  if (mtu < 1280 && hasIPv6Address(ctx)) {
    ctx.out.add(
      'WQ04',
      'error',
      `MTU ${mtu} is below 1280, the IPv6 minimum: the kernel disables IPv6 on the interface and the IPv6 Address is silently dropped; use at least 1280.`,
      valueRange(e),
      // Not preferred: a low MTU may be deliberate (a path that needs it) and the IPv6 Address
      // the mistake; which one to change is the author's call.
      [fix('Set MTU = 1280', [replace(e.line, e.valueStart, e.valueEnd, '1280')])],
    );
  }
  if (mtu > 1420 && !hasReason(ctx, e)) {
    ctx.out.add(
      'WQ05',
      'hint',
      `MTU ${mtu} is above 1420 (1500 minus WireGuard's 80 bytes over IPv6): on a path with a smaller MTU (PPPoE 1492, mobile, another tunnel) packets get fragmented or lost; drop the line for wg-quick's automatic value, or say why in a comment.`,
      valueRange(e),
      [fix('Set MTU = 1420', [replace(e.line, e.valueStart, e.valueEnd, '1420')])],
    );
  }
}

/** `#` that wg-quick takes for a comment but the shell would not: inside quotes or glued to a word. */
function brokenHash(line: string, e: Entry): boolean {
  const hash = e.commentStart;
  if (hash < 0) return false;
  if (hash > 0 && !isSpace(line.charCodeAt(hash - 1))) return true;
  let single = false;
  let double = false;
  for (let i = e.valueStart; i < hash; i++) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */ && !single) {
      i++;
      continue;
    }
    if (c === 39 && !double) single = !single;
    else if (c === 34 && !single) double = !double;
  }
  return single || double;
}

export function checkHooks(ctx: RuleContext): void {
  for (const s of ctx.parsed.interfaces) {
    for (const e of s.entries) {
      if (!e.name || !(HOOK_KEYS as readonly string[]).includes(e.name) || !e.consumedByWgQuick) continue;
      const line = lineText(ctx, e.line);
      if (!brokenHash(line, e)) continue;
      ctx.out.add(
        'WQ07',
        'warning',
        `wg-quick cuts every line at the first \`#\`, even inside quotes: this ${e.name} command loses everything from the \`#\` on; move the command into a script and call that.`,
        range(e.line, e.commentStart, line.length),
      );
    }
  }
}

export function checkFileMode(ctx: RuleContext): void {
  const mode = fileMode(ctx.options.fileName);
  if (mode === undefined || (mode & 0o077) === 0) return;
  const pk = effective(ctx.parsed.interfaces, 'PrivateKey');
  const at = pk ? valueRange(pk) : range(0, ctx.parsed.firstColumn, ctx.parsed.firstColumn);
  ctx.out.add(
    'WQ08',
    'warning',
    `This file is readable by ${mode & 0o007 ? 'other users' : 'its group'} (mode ${mode.toString(8).padStart(3, '0')}) and holds keys: run chmod 600 on it (wg-quick warns when it is world-accessible).`,
    at,
  );
}

/**
 * WQ06 (host data): DNS is set but the host has no `resolvconf`. wg-quick's set_dns pipes the
 * servers to `resolvconf -a`; without it `wg-quick up` fails after the interface was created
 * (wg-quick/linux.bash). Silent unless the caller says what the host has.
 */
export function checkResolvconf(ctx: RuleContext): void {
  if (ctx.options.host?.resolvconf !== false) return;
  const dns = entriesOf(ctx.parsed.interfaces, 'DNS').filter((e) => e.usable);
  if (dns.length === 0) return;
  const first = dns[0];
  const servers = dns
    .flatMap((e) => e.compactValue.split(','))
    .map((t) => t.trim())
    .filter((t) => /^[0-9.]+$/.test(t) || t.includes(':'));
  const edits = [
    replace(first.line, first.keyStart, first.keyStart, '# '),
    insertLineAfter(ctx.src, first.line, `PostUp = resolvectl dns %i ${servers.join(' ') || '<nameserver>'}; resolvectl domain %i '~.'`, ctx.parsed.eol),
  ];
  ctx.out.add(
    'WQ06',
    'warning',
    'DNS is set, but this host has no resolvconf: `wg-quick up` will fail after creating the interface; install resolvconf (or openresolv), or set DNS with resolvectl in a PostUp hook instead.',
    valueRange(first),
    dns.length === 1 ? [fix('Use resolvectl in PostUp instead of DNS', edits)] : [],
  );
}
