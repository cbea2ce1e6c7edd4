/**
 * OV01: options OpenVPN 2.6 does not take as written — unknown or wrongly cased names, wrong
 * parameter counts, options in the wrong place (client-config-dir only, pushed only, not allowed
 * in `<connection>`), Windows-only options on other systems, and parameter words OpenVPN refuses
 * while reading the file.
 */
import { named, quote, report, type RuleContext } from '../context';
import { deleteDirective, edit, fix, insertLineAt } from '../fixes';
import { KEYWORD_PARAMS, NEVER_EXISTED, OPTIONS, REDIRECT_FLAGS, REMOVED, STANDALONE, acceptsCount } from '../options';
import type { Directive } from '../parser';
import type { Token } from '../tokenizer';
import { inetAton, isDottedQuad, isIPv6, isIPv6Prefix } from './addresses';

const ADDRESS_CHECKED = ['ifconfig', 'route-gateway', 'server', 'server-bridge', 'ifconfig-pool', 'server-ipv6', 'ifconfig-ipv6-pool', 'ifconfig-ipv6', 'route-ipv6-gateway'];
import { isValidDirective } from '../model';
import { atoi, describeCounts, editDistance, nearestOptions } from './common';
import type { Fix } from '../../types';

const LENIENT_WHY: Record<string, string> = {
  'setenv-opt': 'setenv opt',
  'ignore-unknown-option': 'ignore-unknown-option',
  'forward-compatible': 'setenv FORWARD_COMPATIBLE 1',
};

function isTagLike(name: string): boolean {
  return name.startsWith('<');
}

function unknownOption(ctx: RuleContext, d: Directive): void {
  const name = d.name;
  const { names, distance } = nearestOptions(name);
  // The name is only repeated when it is clearly a misspelt option: an unknown word could be a
  // password or key line that ended up outside its block.
  const shown = names.length ? quote(name, '') : '';
  const label = shown ? `unknown option ${shown}` : 'unknown option';
  if (d.lenient) {
    report(ctx, 'OV01', 'warning', `${label}: OpenVPN skips it (because of ${LENIENT_WHY[d.lenient]}); fix the name or delete the line`, d.nameToken.start, d.nameToken.end);
    return;
  }
  const fixes: Fix[] = names.slice(0, 3).map((n, i) =>
    fix(`Change to '${n}'`, [edit(ctx, d.nameToken.start, d.nameToken.end, d.inline ? `<${n}>` : n)], i === 0 && names.length === 1 && distance <= 1),
  );
  if (d.inline && fixes.length && d.inline.closeStart >= 0) {
    // Rename the closing tag too.
    for (let i = 0; i < fixes.length; i++) {
      const n = names[i];
      fixes[i] = fix(fixes[i].title, [...fixes[i].edits, edit(ctx, d.inline.closeStart, d.inline.closeEnd, `</${n}>`)], fixes[i].isPreferred);
    }
  }
  let message: string;
  if (distance === 0) message = `option names are case-sensitive: ${shown || 'this name'} must be written '${names[0]}'`;
  else if (names.length) message = `${label}: did you mean ${names.slice(0, 3).map((n) => `'${n}'`).join(' or ')}?`;
  else message = `${label}: OpenVPN 2.6 refuses the file; check the option name in the manual or delete the line`;
  report(ctx, 'OV01', 'error', message, d.nameToken.start, d.nameToken.end, fixes);
}

function keywordProblems(ctx: RuleContext, d: Directive): boolean {
  const kw = KEYWORD_PARAMS.get(d.name);
  if (kw) {
    const t = d.args[kw.index - 1];
    if (t && !kw.values.includes(t.text)) {
      const lower = kw.values.find((v) => v.toLowerCase() === t.text.toLowerCase());
      const near = kw.values.filter((v) => editDistance(t.text.toLowerCase(), v.toLowerCase(), 2) <= 2);
      const fixes = lower
        ? [fix(`Change to '${lower}'`, [edit(ctx, t.start, t.end, lower)], true)]
        : near.map((v) => fix(`Change to '${v}'`, [edit(ctx, t.start, t.end, v)], near.length === 1 && editDistance(t.text.toLowerCase(), v.toLowerCase(), 1) <= 1));
      report(ctx, 'OV01', 'error', `${d.name} does not accept ${quote(t.text, 'this value')}: use ${kw.values.map((v) => `'${v}'`).join(', ')}`, t.start, t.end, fixes);
      return true;
    }
  }
  if (d.name === 'redirect-gateway' || d.name === 'redirect-private') {
    for (const t of d.args) {
      if (!REDIRECT_FLAGS.has(t.text)) {
        report(ctx, 'OV01', 'error', `unknown ${d.name} flag ${quote(t.text, 'here')}: use def1, local, autolocal, bypass-dhcp, bypass-dns, block-local, ipv6 or !ipv4`, t.start, t.end);
        return true;
      }
    }
  }
  if (d.name === 'auth-gen-token') {
    // [lifetime] [renewal-time] [external-auth]: the renewal time must be a number above 0.
    for (let i = 1; i < d.args.length; i++) {
      const t = d.args[i];
      if (t.text === 'external-auth' || (i === 1 && atoi(t.text).value > 0)) continue;
      report(ctx, 'OV01', 'error', `auth-gen-token takes [lifetime] [renewal-time above 0] [external-auth]: OpenVPN refuses ${quote(t.text, 'this parameter')} here`, t.start, t.end);
      return true;
    }
  }
  const addressProblem = addressCheck(d);
  if (addressProblem) {
    report(ctx, 'OV01', 'error', addressProblem.message, addressProblem.token.start, addressProblem.token.end);
    return true;
  }
  if (d.name === 'verify-hash' && d.args[0]) {
    const algo = d.args[1]?.text ?? 'SHA1';
    if (algo !== 'SHA1' && algo !== 'SHA256') {
      report(ctx, 'OV01', 'error', `verify-hash algorithm must be SHA1 or SHA256`, d.args[1].start, d.args[1].end);
      return true;
    }
    const parts = d.args[0].text.split(':');
    const want = algo === 'SHA256' ? 32 : 20;
    if (!parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p)) || parts.length !== want) {
      report(ctx, 'OV01', 'error', `verify-hash needs a ${algo} fingerprint of ${want} colon-separated hex bytes`, d.args[0].start, d.args[0].end);
      return true;
    }
  }
  return false;
}

/** Address parameters OpenVPN checks while reading (see addresses.ts). */
function addressCheck(d: Directive): { token: Token; message: string } | undefined {
  const a = d.args;
  const bad = (token: Token, what: string) => ({ token, message: `${d.name} ${what}: ${quote(token.text, 'this parameter')} is not one, so OpenVPN refuses the file` });
  switch (d.name) {
    case 'ifconfig':
      for (const t of a) if (!isDottedQuad(t.text)) return bad(t, 'takes two dotted IPv4 addresses (local, then remote or netmask)');
      return undefined;
    case 'route-gateway':
      return a[0].text === 'dhcp' || isDottedQuad(a[0].text) ? undefined : bad(a[0], "takes a dotted IPv4 address or 'dhcp'");
    case 'server': {
      for (const t of a.slice(0, 2)) if (!inetAton(t.text)) return bad(t, 'takes a non-zero IPv4 network and netmask');
      if (a[2] && a[2].text !== 'nopool') return { token: a[2], message: `server's third parameter can only be 'nopool': OpenVPN refuses the file` };
      return undefined;
    }
    case 'server-bridge':
      if (a.length === 1 && a[0].text !== 'nogw') return { token: a[0], message: "server-bridge takes 'nogw' or four IPv4 addresses (gateway, netmask, pool start, pool end): OpenVPN refuses the file" };
      if (a.length === 4) for (const t of a) if (inetAton(t.text) === undefined) return bad(t, 'takes four IPv4 addresses (gateway, netmask, pool start, pool end)');
      return undefined;
    case 'ifconfig-pool': {
      for (const t of a) if (inetAton(t.text) === undefined) return bad(t, 'takes IPv4 addresses (start, end [, netmask])');
      const start = inetAton(a[0].text) as number;
      const end = inetAton(a[1].text) as number;
      if (end < start || end - start + 1 > 65536) return { token: a[1], message: 'ifconfig-pool range must run upwards and hold at most 65536 addresses: OpenVPN refuses the file' };
      return undefined;
    }
    case 'server-ipv6':
      return isIPv6Prefix(a[0].text, true) ? undefined : bad(a[0], 'takes an IPv6 network/bits');
    case 'ifconfig-ipv6-pool':
      return isIPv6Prefix(a[0].text, true) ? undefined : bad(a[0], 'takes an IPv6 address/bits');
    case 'ifconfig-ipv6':
      if (!isIPv6Prefix(a[0].text, true)) return bad(a[0], 'takes an IPv6 address[/bits] and the remote IPv6 address');
      return isIPv6(a[1].text) ? undefined : bad(a[1], 'takes an IPv6 address[/bits] and the remote IPv6 address');
    case 'route-ipv6-gateway':
      return isIPv6(a[0].text) ? undefined : bad(a[0], 'takes an IPv6 address');
    default:
      return undefined;
  }
}

/** Text of a non-inline option line, to move it (never used for inline blocks). */
function lineText(ctx: RuleContext, d: Directive): string {
  return ctx.text.slice(d.lineStart, d.lineEnd).replace(/\r$/, '').trim();
}

/** Names whose parameters OV01 checks even when the option is otherwise fine. */
const VALUE_CHECKED = [...KEYWORD_PARAMS.keys(), 'redirect-gateway', 'redirect-private', 'auth-gen-token', 'verify-hash', ...ADDRESS_CHECKED, ...STANDALONE];

export function ov01(ctx: RuleContext): void {
  const candidates: Directive[] = [...ctx.model.invalid];
  for (const name of VALUE_CHECKED) for (const d of named(ctx, name)) if (isValidDirective(d)) candidates.push(d);
  for (const d of candidates) {
    if (ctx.sink.full) {
      ctx.sink.truncated = true;
      return;
    }
    const name = d.name;
    if (isTagLike(name) || REMOVED.has(name)) continue;
    const never = NEVER_EXISTED.get(name);
    if (never) {
      if (d.lenient) report(ctx, 'OV01', 'warning', `${never} (OpenVPN skips it because of ${LENIENT_WHY[d.lenient]})`, d.nameToken.start, d.nameToken.end, [fix(`Delete '${name}'`, [deleteDirective(ctx, d)], true)]);
      else report(ctx, 'OV01', 'error', never, d.nameToken.start, d.nameToken.end, [fix(`Delete '${name}'`, [deleteDirective(ctx, d)], true)]);
      continue;
    }
    const spec = OPTIONS.get(name);
    if (!spec) {
      unknownOption(ctx, d);
      continue;
    }
    if (spec.windowsOnly) {
      if (d.lenient) continue; // the portable way to write it
      const fixes = d.inline
        ? []
        : [
            fix(`Write 'setenv opt ${name} …' (ignored where unsupported)`, [edit(ctx, d.nameToken.start, d.nameToken.start, 'setenv opt ')], true),
            fix(`Add 'ignore-unknown-option ${name}' before it`, [insertLineAt(ctx, d.lineStart, `ignore-unknown-option ${name}`)]),
          ];
      report(ctx, 'OV01', 'error', `'${name}' exists only in OpenVPN for Windows: Linux and macOS refuse the file; write 'setenv opt ${name} …' to keep it portable`, d.nameToken.start, d.nameToken.end, fixes);
      continue;
    }
    if (spec.buildDependent) {
      if (d.lenient) continue;
      report(ctx, 'OV01', 'warning', `'${name}' exists only in some OpenVPN builds (iproute2, SELinux or mbed TLS builds); the common Linux packages refuse the file: use 'setenv opt ${name} …' or delete it`, d.nameToken.start, d.nameToken.end, d.inline ? [] : [fix(`Write 'setenv opt ${name} …'`, [edit(ctx, d.nameToken.start, d.nameToken.start, 'setenv opt ')])]);
      continue;
    }
    if (d.inline && !spec.inline) continue; // OV06
    if (!acceptsCount(spec, d.paramCount)) {
      const expected = describeCounts(spec.counts, spec.max);
      const extra = d.paramCount > spec.max;
      const start = extra ? d.args[spec.max].start : d.nameToken.start;
      const end = extra ? d.args[d.args.length - 1].end : d.nameToken.end;
      const hint = spec.max === 1 && extra ? ' (quote a value that contains blanks)' : '';
      const msg = `'${name}' takes ${expected} ${expected === '1' ? 'parameter' : 'parameters'}, found ${d.paramCount}${hint}`;
      if (d.lenient) report(ctx, 'OV01', 'warning', `${msg}: OpenVPN skips the line (because of ${LENIENT_WHY[d.lenient]})`, start, end);
      else report(ctx, 'OV01', 'error', `${msg}: OpenVPN refuses the file`, start, end);
      continue;
    }
    if (STANDALONE.has(name) && d.context === 'main') {
      const severity = name === 'help' ? 'error' : 'warning';
      report(ctx, 'OV01', severity, `'${name}' is a standalone command: OpenVPN ${name === 'help' ? 'prints its usage and exits with an error' : 'runs it and exits'} instead of starting the tunnel; delete it`, d.nameToken.start, d.nameToken.end, [fix(`Delete '${name}'`, [deleteDirective(ctx, d)], true)]);
      continue;
    }
    if (spec.scope === 'ccd') {
      report(ctx, 'OV01', 'error', `'${name}' is only allowed in a client-config-dir file (or pushed from there): OpenVPN refuses it here`, d.nameToken.start, d.nameToken.end);
      continue;
    }
    if (spec.scope === 'pull') {
      report(ctx, 'OV01', 'error', `'${name}' is sent by a server in a push reply and cannot be set in a config file: delete it`, d.nameToken.start, d.nameToken.end, [fix(`Delete '${name}'`, [deleteDirective(ctx, d)], true)]);
      continue;
    }
    if (d.context === 'connection' && !spec.connection) {
      const block = d.block?.directive;
      const movable = block && !d.inline && name !== 'auth-token' && name !== 'auth-token-user';
      const fixes = movable ? [fix(`Move '${name}' above the <connection> block`, [deleteDirective(ctx, d), insertLineAt(ctx, block.lineStart, lineText(ctx, d))], true)] : [];
      report(ctx, 'OV01', 'error', `'${name}' cannot be used inside <connection> (only connection options like remote, proto, port, tun-mtu can): move it out of the block`, d.nameToken.start, d.nameToken.end, fixes);
      continue;
    }
    keywordProblems(ctx, d);
  }
}
