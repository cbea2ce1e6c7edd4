/**
 * PORT01 (probe-aware): a remote whose port and protocol the probe found blocked from this
 * network. Suggests a fallback the probe found open (TCP 443 first, never an IPsec port), as
 * another remote line or, for a `<connection>` block, another block, placed before the blocked
 * one. Silent without port data in the report.
 */
import { preferredOpenPort } from '../../portChoice';
import { named, quote, report, type RuleContext } from '../context';
import { fix, insertLineAt, writeParam } from '../fixes';
import { protocolFamily, type ConnectionEntry } from '../model';
import type { PortResult } from '../../../report/report';

function numericPort(s: string): number | undefined {
  return /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 65535 ? Number(s) : undefined;
}

function verdict(ports: readonly PortResult[], e: ConnectionEntry): PortResult | undefined {
  const port = numericPort(e.remotePort);
  if (port === undefined) return undefined;
  const family = protocolFamily(e.proto);
  return ports.find((p) => p.protocol === family && p.port === port);
}

export function port01(ctx: RuleContext): void {
  const raw = ctx.options.report?.ports;
  if (!Array.isArray(raw)) return;
  const ports = raw.filter((p): p is PortResult => !!p && typeof p === 'object' && (p.protocol === 'udp' || p.protocol === 'tcp') && typeof p.port === 'number');
  if (ports.length === 0) return;
  const withRemote = ctx.model.entries.filter((e) => e.remote);
  const reachable = withRemote.filter((e) => verdict(ports, e)?.reachable === 'yes');
  const reachableTcp443 = ports.find((p) => p.protocol === 'tcp' && p.port === 443 && p.reachable === 'yes');
  const untested443: PortResult | undefined = ports.some((p) => p.protocol === 'tcp' && p.port === 443) ? undefined : { protocol: 'tcp', port: 443, reachable: 'unknown', basis: '' };
  const shuffled = named(ctx, 'remote-random').length > 0;
  for (const e of withRemote) {
    if (ctx.sink.full) return;
    const v = verdict(ports, e);
    if (!v || v.reachable !== 'no' || !e.remote) continue;
    const remote = e.remote;
    const host = remote.args[0].text;
    const what = `${v.protocol.toUpperCase()} ${v.port}`;
    // A fragment line would reach a TCP fallback and make OpenVPN refuse to start: stay on UDP then.
    const fallbackPort = e.fragment ? preferredOpenPort(ports, 'udp') : (reachableTcp443 ?? preferredOpenPort(ports) ?? untested443);
    const fixes = [];
    if (fallbackPort && !(fallbackPort.protocol === v.protocol && fallbackPort.port === v.port)) {
      const proto = fallbackPort.protocol === 'tcp' ? 'tcp-client' : 'udp';
      const line = `remote ${writeParam(host)} ${fallbackPort.port} ${proto}`;
      const already = withRemote.some((x) => x.remote?.args[0].text === host && numericPort(x.remotePort) === fallbackPort.port && protocolFamily(x.proto) === fallbackPort.protocol);
      if (!already) {
        // Before the blocked remote, not after: OpenVPN tries remotes (and <connection> blocks)
        // in the order written and moves on only when one fails, and a blocked UDP remote fails
        // by silence, after --server-poll-timeout (alias connect-timeout, 120 s by default).
        // A fallback after it would cost that wait on every connect from this network, and the
        // finding would only turn into "put a reachable remote first". Placed at the blocked
        // remote's own line, a new block sees the same options above it (a block copies them).
        // The price: on a network where the blocked port is open, OpenVPN now uses the fallback.
        if (e.block) {
          const eol = ctx.eol;
          // Not preferred: whether the server listens on that port too, the file cannot tell.
          fixes.push(fix(`Add a <connection> fallback on ${fallbackPort.protocol.toUpperCase()} ${fallbackPort.port}, tried first`, [insertLineAt(ctx, e.block.directive.lineStart, `<connection>${eol}${line}${eol}</connection>`)]));
        } else {
          fixes.push(fix(`Add fallback '${line}'`, [insertLineAt(ctx, remote.lineStart, line)]));
        }
      }
    }
    const t = remote.args[1] ?? remote.args[0];
    const basis = typeof v.basis === 'string' && v.basis ? ` (${v.basis.replace(/[\r\n]+/g, ' ').slice(0, 120)})` : '';
    const at = withRemote.indexOf(e);
    // remote-random shuffles the list at start: no remote is "before" another then.
    const reachableBefore = !shuffled && reachable.some((x) => withRemote.indexOf(x) < at);
    const others = reachable.filter((x) => x !== e);
    if (shuffled && others.length) {
      report(ctx, 'PORT01', 'warning', `the probe found ${what} blocked from this network${basis}: with remote-random OpenVPN may try this remote (${quote(host, 'host')}) first and wait for its timeout before another`, t.start, t.end, fixes);
    } else if (reachableBefore) {
      // OpenVPN connects through the earlier remote; this one is tried only if that fails.
      report(ctx, 'PORT01', 'hint', `the probe found ${what} blocked from this network${basis}: OpenVPN connects through the reachable remote before it, so this one (${quote(host, 'host')}) matters only on other networks`, t.start, t.end, fixes);
    } else if (others.length) {
      report(ctx, 'PORT01', 'warning', `the probe found ${what} blocked from this network${basis}: this remote (${quote(host, 'host')}) will time out before OpenVPN falls back to the next one; put a reachable remote first`, t.start, t.end, fixes);
    } else {
      const advice = fallbackPort ? `add a fallback such as 'remote HOST ${fallbackPort.port} ${fallbackPort.protocol === 'tcp' ? 'tcp-client' : 'udp'}' (the server must listen there too)` : 'use a port the network lets through (TCP 443 usually is)';
      report(ctx, 'PORT01', 'error', `the probe found ${what} blocked from this network${basis}, so this remote (${quote(host, 'host')}) cannot connect: ${advice}`, t.start, t.end, fixes);
    }
  }
}
