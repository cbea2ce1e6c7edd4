/**
 * Values: WG10 (AllowedIPs, and wg-quick's Address/DNS), WG11 (ports), WG12 (Endpoint form),
 * WG13 (PersistentKeepalive, FwMark, and wg-quick's MTU/Table numbers).
 */
import type { Fix } from '../../types';
import { quote, quoteOr, range } from '../findings';
import { deleteLine, fix, replace } from '../fixes';
import { classifyHost, formatIp, formatPrefix, isEndpointParts, isPrefix, parseIPv4, parseIPv6, parseInterfaceAddress, splitEndpoint } from '../addresses';
import type { Entry } from '../model';
import { ListCache, splitList } from '../parser';
import { parsePortText } from '../ports';
import { type RuleContext, compactRange, lineText, valueRange } from './context';
import type { AllowedIpIssue } from './memo';

/**
 * 1 to 5 digits after any leading zeros (wg takes `025`). A module constant: a regex literal
 * inside a function is a new object each time it runs, and this runs once per peer.
 */
const KEEPALIVE_DIGITS = /^0*[0-9]{1,5}$/;

/** `010.001.2.3` as the decimal dotted quad its author probably meant (10.1.2.3), or undefined. */
function leadingZerosDropped(host: string): string | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((x) => /^[0-9]{1,3}$/.test(x))) return undefined;
  const n = parts.map(Number);
  return n.every((x) => x <= 255) ? n.join('.') : undefined;
}

/** `off` in any letter case, without lowering every value (toLowerCase always allocates). */
function isOff(v: string): boolean {
  return v.length === 3 && v.toLowerCase() === 'off';
}

function allowedIp(ctx: RuleContext, issue: AllowedIpIssue, lists: ListCache): void {
  const e = issue.entry;
  const p = issue.result;
  const at = range(e.line, issue.start, issue.end);
  if (isPrefix(p)) {
    const net = formatPrefix(p);
    const host = `${formatIp(p.ip)}/${p.ip.family === 4 ? 32 : 128}`;
    // Neither fix is preferred: 10.0.0.2/24 may mean the subnet (what the kernel uses) or the
    // one host 10.0.0.2/32 (often the case for a server's peer); only the author knows.
    ctx.out.add(
      'WG10',
      'warning',
      `${quoteOr(issue.text, 'This entry')} has host bits set: wg warns ("nonzero host part") and the kernel uses ${net}; write ${net}, or ${host} if this peer is that one host.`,
      at,
      [fix(`Write ${net}`, [replace(e.line, issue.start, issue.end, net)]), fix(`Write ${host} (this one host)`, [replace(e.line, issue.start, issue.end, host)])],
    );
    return;
  }
  if (p.kind === 'empty') {
    // Where is the stray comma? Split the line again (only for this rare case).
    const { items, byStart } = lists.get(e);
    const k = byStart.get(issue.start) ?? -1;
    const it = items[k];
    const prev = k > 0 ? items[k - 1] : undefined;
    if (k === items.length - 1 && prev) {
      ctx.out.add(
        'WG10',
        'error',
        'Trailing comma in AllowedIPs: wg reads an empty entry after it and rejects the line ("Unable to parse IP address"); remove the comma.',
        range(e.line, prev.commaAfter, prev.commaAfter + 1),
        [fix('Remove the trailing comma', [replace(e.line, prev.end, it.end, '')], true)],
      );
    } else {
      const comma = it && it.commaAfter >= 0 ? it.commaAfter : prev ? prev.commaAfter : issue.start;
      ctx.out.add(
        'WG10',
        'error',
        'Empty entry between commas in AllowedIPs: wg rejects the line ("Unable to parse IP address"); remove the extra comma.',
        range(e.line, comma, comma + 1),
        [fix('Remove the extra comma', [replace(e.line, comma, comma + 1, '')], true)],
      );
    }
    return;
  }
  const what = quoteOr(issue.text, 'This entry');
  switch (p.kind) {
    case 'incremental':
      ctx.out.add('WG10', 'error', `${what}: a leading +/- is not part of an AllowedIPs prefix in a config file (wg 1.0.20210914 rejects it); write the prefix alone.`, at);
      break;
    case 'zone':
      ctx.out.add('WG10', 'error', `${what}: AllowedIPs prefixes cannot carry a zone (%interface); wg rejects it.`, at);
      break;
    case 'hostname':
      ctx.out.add('WG10', 'error', `${what} is a host name: AllowedIPs takes IP prefixes only (wg: "Unable to parse IP address"); write the address with /32 or /128.`, at);
      break;
    case 'cidr':
      ctx.out.add('WG10', 'error', `${what}: the prefix length must be a number from 0 to ${p.max}; wg rejects it ("AllowedIP is not in the correct format").`, at);
      break;
    case 'ip': {
      const missingComma = /\s/.test(issue.text) ? ' (a missing comma?)' : '';
      ctx.out.add('WG10', 'error', `${what} is not an IP address or prefix${missingComma}: wg rejects the line ("Unable to parse IP address").`, at);
      break;
    }
  }
}

function interfaceAddresses(ctx: RuleContext, e: Entry): void {
  const line = lineText(ctx, e.line);
  for (const it of splitList(line, e, true)) {
    const p = parseInterfaceAddress(it.text);
    if ('ip' in p) continue;
    const why = p.kind === 'cidr' ? `the prefix length must be 0 to ${p.max}` : p.kind === 'hostname' ? 'it is a host name, not an address' : 'it is not an IP address';
    ctx.out.add('WG10', 'error', `Address ${quoteOr(it.text, 'entry')}: ${why}; wg-quick passes it to \`ip address add\`, which fails and stops \`wg-quick up\`.`, range(e.line, it.start, it.end));
  }
}

function dnsServers(ctx: RuleContext, e: Entry): void {
  const line = lineText(ctx, e.line);
  for (const it of splitList(line, e, true)) {
    const t = it.text;
    // wg-quick: a token of digits and dots, or with a colon, is a nameserver; anything else a search domain.
    const isServer = /^[0-9.]+$/.test(t) || t.includes(':');
    if (!isServer) continue;
    const ok = t.includes(':') ? parseIPv6(t) !== undefined : parseIPv4(t) !== undefined;
    if (ok) continue;
    ctx.out.add(
      'WG10',
      'warning',
      `DNS ${quoteOr(t, 'entry')} is taken as a nameserver (digits and dots, or a colon) but is not a valid IP address; resolvconf will get a broken nameserver line.`,
      range(e.line, it.start, it.end),
    );
  }
}

function portFindings(ctx: RuleContext, e: Entry, text: string, from: number, isEndpoint: boolean): void {
  const line = lineText(ctx, e.line);
  const at = compactRange(line, e, from, from + text.length);
  const p = parsePortText(text);
  const what = isEndpoint ? 'The Endpoint port' : 'ListenPort';
  switch (p.kind) {
    case 'number':
      if (p.value > 65535) {
        ctx.out.add('WG11', 'error', `${what} ${p.value > 1e15 ? 'is' : p.value} above 65535: wg silently uses ${p.effective} (the number wraps around); use a port from ${isEndpoint ? 1 : 0} to 65535.`, at);
      } else if (isEndpoint && p.value === 0) {
        ctx.out.add('WG11', 'error', 'The Endpoint port is 0: nothing can be reached on port 0; use the port the peer listens on (often 51820).', at);
      }
      break;
    case 'service':
      ctx.out.add(
        'WG11',
        'warning',
        `${what} is the service name ${quote(p.name) ?? ''}: wg looks it up in /etc/services (UDP) on the machine that reads the file; write the number ${p.port}.`,
        at,
        [fix(`Write ${p.port}`, [{ range: at, newText: String(p.port) }], true)],
      );
      break;
    case 'unknown-service': {
      const off = !isEndpoint && p.name.toLowerCase() === 'off';
      ctx.out.add(
        'WG11',
        'error',
        off
          ? 'ListenPort does not take `off` (wg: "Servname not supported"); delete the line for a random port, or give a number.'
          : `${what} ${quoteOr(p.name, 'value')} is not a number and not a known UDP service name: wg fails to resolve it; write a number from ${isEndpoint ? 1 : 0} to 65535.`,
        at,
        off ? [fix('Delete the line (random port)', [deleteLine(ctx.src, e.line)], true)] : [],
      );
      break;
    }
    case 'invalid':
      ctx.out.add('WG11', 'error', `${what} is not a port number: wg rejects it; write a number from ${isEndpoint ? 1 : 0} to 65535.`, at);
      break;
  }
}

function endpoint(ctx: RuleContext, e: Entry): void {
  const v = e.compactValue;
  const line = lineText(ctx, e.line);
  const all = valueRange(e);
  const parts = splitEndpoint(v);
  if (!isEndpointParts(parts)) {
    if (parts.kind === 'no-bracket-end') {
      ctx.out.add('WG12', 'error', 'The Endpoint opens `[` without a closing `]`: wg rejects it; write `[IPv6]:port`.', all);
    } else if (parts.kind === 'bare-ipv6') {
      ctx.out.add('WG12', 'error', 'The Endpoint is an IPv6 address without a port: wg rejects it; write `[address]:port`.', all, [
        fix('Add brackets and port 51820', [replace(e.line, e.valueStart, e.valueEnd, `[${v}]:51820`)]),
      ]);
    } else {
      ctx.out.add('WG12', 'error', 'The Endpoint has no port: wg rejects it ("Unable to find port of endpoint"); write `host:port`.', all, [
        fix('Add port 51820', [replace(e.line, e.valueEnd, e.valueEnd, ':51820')]),
      ]);
    }
    return;
  }
  const host = classifyHost(parts.host);
  const hostAt = compactRange(line, e, parts.hostOffset, parts.hostOffset + parts.host.length);
  if (host.kind === 'invalid') {
    if (!parts.bracketed && parseIPv6(v)) {
      ctx.out.add('WG12', 'error', 'The Endpoint looks like an IPv6 address without a port: wg splits it at the last colon and fails; write `[address]:port`.', all, [
        fix('Add brackets and port 51820', [replace(e.line, e.valueStart, e.valueEnd, `[${v}]:51820`)]),
      ]);
    } else if (parts.host.length === 0) {
      ctx.out.add('WG12', 'error', 'The Endpoint has no host before the port: wg fails to resolve it; write `host:port`.', all);
    } else {
      ctx.out.add('WG12', 'error', `${quoteOr(parts.host, 'The Endpoint host')} is neither an IP address nor a valid host name: wg fails to resolve it.`, hostAt);
    }
  } else if (host.kind === 'ipv6' && !parts.bracketed) {
    const fixed = `[${parts.host}]:${parts.port}`;
    ctx.out.add(
      'WG12',
      'warning',
      `IPv6 Endpoint without brackets: wg splits at the last colon (port ${parts.port}), other clients (wireguard-windows) reject it; write ${fixed}.`,
      all,
      [fix(`Write ${fixed}`, [replace(e.line, e.valueStart, e.valueEnd, fixed)], true)],
    );
  } else if (host.kind === 'legacy-ipv4' && host.ip) {
    const ip = formatIp(host.ip);
    // `010.0.0.1` is read as 8.0.0.1, but the author almost certainly meant 10.0.0.1: writing
    // what the resolver reads would make the mistake permanent, so neither fix is preferred.
    const decimal = leadingZerosDropped(parts.host);
    const fixes = [fix(`Write ${ip} (as the resolver reads it)`, [{ range: hostAt, newText: ip }])];
    if (decimal && decimal !== ip) fixes.push(fix(`Write ${decimal} (leading zeros dropped)`, [{ range: hostAt, newText: decimal }]));
    ctx.out.add(
      'WG12',
      'warning',
      `${quoteOr(parts.host, 'This host')} is read by the resolver as ${ip} (inet_aton: short forms, leading 0 = octal); write ${ip}${decimal && decimal !== ip ? ` or, if ${decimal} was meant, ${decimal}` : ''}.`,
      hostAt,
      fixes,
    );
  }
  portFindings(ctx, e, parts.port, parts.portOffset, true);
}

function keepalive(ctx: RuleContext, e: Entry): void {
  const v = e.compactValue;
  if (isOff(v)) return;
  if (KEEPALIVE_DIGITS.test(v) && Number(v) <= 65535) return;
  const fixes: Fix[] = [];
  const m = /^([0-9]{1,5})(s|sec|secs|seconds?)$/i.exec(v);
  if (m && Number(m[1]) <= 65535) fixes.push(fix(`Write ${Number(m[1])}`, [replace(e.line, e.valueStart, e.valueEnd, String(Number(m[1])))]));
  ctx.out.add('WG13', 'error', 'PersistentKeepalive must be `off` or a whole number of seconds from 0 to 65535, without a unit: wg rejects this value.', valueRange(e), fixes);
}

function fwmark(ctx: RuleContext, e: Entry): void {
  const v = e.compactValue;
  if (isOff(v)) return;
  let ok = false;
  if (v.length > 2 && v.startsWith('0x')) ok = /^0x[0-9a-fA-F]{1,8}$/.test(v.replace(/^0x0+(?=[0-9a-fA-F])/, '0x'));
  else ok = /^[0-9]+$/.test(v) && v.replace(/^0+(?=[0-9])/, '').length <= 10 && Number(v) <= 0xffffffff;
  if (ok) return;
  ctx.out.add('WG13', 'error', 'FwMark must be `off`, a decimal number or 0x-hex from 0 to 0xffffffff: wg rejects this value.', valueRange(e));
}

function mtuAndTable(ctx: RuleContext, e: Entry): void {
  const v = e.value;
  if (e.name === 'MTU') {
    if (/^[0-9]{1,9}$/.test(v)) return;
    ctx.out.add('WG13', 'error', 'MTU must be a whole number: wg-quick passes it to `ip link set mtu`, which fails and stops `wg-quick up`.', valueRange(e));
    return;
  }
  if (/^[0-9]+$/.test(v) && (v.length > 10 || Number(v) > 0xffffffff)) {
    ctx.out.add('WG13', 'error', 'Table is a routing table number above 4294967295: `ip route` rejects it; use auto, off, a smaller number or a table name.', valueRange(e));
  }
}

export function checkValues(ctx: RuleContext): void {
  const lists = new ListCache(ctx.src);
  for (const issue of ctx.memo.allowedIpIssues()) {
    if (ctx.out.wouldDrop()) break;
    allowedIp(ctx, issue, lists);
  }
  const entries = ctx.parsed.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!e.name || e.name === 'AllowedIPs' || !e.usable) continue;
    switch (e.name) {
      case 'Address':
        interfaceAddresses(ctx, e);
        break;
      case 'DNS':
        dnsServers(ctx, e);
        break;
      case 'ListenPort':
        portFindings(ctx, e, e.compactValue, 0, false);
        break;
      case 'Endpoint':
        endpoint(ctx, e);
        break;
      case 'PersistentKeepalive':
        keepalive(ctx, e);
        break;
      case 'FwMark':
        fwmark(ctx, e);
        break;
      case 'MTU':
      case 'Table':
        mtuAndTable(ctx, e);
        break;
      default:
        break;
    }
  }
}
