/**
 * OV08: ports OpenVPN cannot use — above 65535 (OpenVPN passes the text to getaddrinfo, which
 * keeps the low 16 bits: 70000 becomes 4464, verified with 2.6.14) or 0.
 */
import { named, quote, report, type RuleContext } from '../context';
import { OPTIONS, acceptsCount } from '../options';
import type { Token } from '../tokenizer';

function portToken(name: string, args: readonly Token[]): Token | undefined {
  if (name === 'port' || name === 'lport' || name === 'rport') return args[0];
  if (name === 'remote') return args[1];
  return undefined;
}

export function ov08(ctx: RuleContext): void {
  for (const d of named(ctx, 'port', 'lport', 'rport', 'remote')) {
    if (ctx.sink.full) return;
    const t = portToken(d.name, d.args);
    if (!t) continue;
    const spec = OPTIONS.get(d.name);
    if (!spec || !acceptsCount(spec, d.paramCount)) continue;
    const s = t.text;
    if (/^\d+$/.test(s)) {
      const n = Number(s);
      if (n === 0) {
        report(ctx, 'OV08', 'error', `port 0 in ${d.name} is not a usable port: use the real port (OpenVPN's default is 1194)`, t.start, t.end);
      } else if (n > 65535) {
        const wrapped = n < 2 ** 32 ? n % 65536 : undefined;
        const what = wrapped === undefined ? 'is not a port' : `wraps around to ${wrapped} (OpenVPN keeps the low 16 bits)`;
        report(ctx, 'OV08', 'error', `port ${quote(s, 'here')} in ${d.name} is above 65535 and ${what}: use a port from 1 to 65535`, t.start, t.end);
      }
    } else if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(s)) {
      report(ctx, 'OV08', 'error', `${quote(s, 'this value')} in ${d.name} is neither a port number nor a service name: use a port from 1 to 65535`, t.start, t.end);
    }
  }
}
