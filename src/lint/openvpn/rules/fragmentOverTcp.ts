/**
 * OV12: fragment over TCP (OpenVPN refuses to start: "--fragment can only be used with --proto
 * udp") or below 68 (refused while reading); explicit-exit-notify over TCP does nothing.
 */
import { named, report, type RuleContext } from '../context';
import { deleteDirective, fix } from '../fixes';
import { isValidDirective, protocolFamily } from '../model';
import type { Directive } from '../parser';
import { atoi } from './common';

export function ov12(ctx: RuleContext): void {
  const { model } = ctx;
  for (const d of named(ctx, 'fragment')) {
    if (!isValidDirective(d)) continue;
    const n = atoi(d.args[0].text).value;
    if (!Number.isNaN(n) && n < 68) {
      report(ctx, 'OV12', 'error', `fragment ${n} is below 68 bytes: OpenVPN refuses the file; use a size like 1300 or remove fragment`, d.args[0].start, d.args[0].end);
    }
  }
  const entries = model.entries.length ? model.entries : [model.global];
  const seen = new Set<Directive>();
  for (const e of entries) {
    if (ctx.sink.full) return;
    if (protocolFamily(e.proto) !== 'tcp') continue;
    if (e.fragment && !seen.has(e.fragment)) {
      seen.add(e.fragment);
      const onlyTcp = entries.every((x) => x.fragment !== e.fragment || protocolFamily(x.proto) === 'tcp');
      report(ctx, 'OV12', 'error', `fragment only works over UDP, but ${e.remote ? 'this connection' : 'the tunnel'} uses ${e.proto}: OpenVPN refuses to start; remove fragment (TCP needs no fragmentation) or use mssfix`, e.fragment.nameToken.start, e.fragment.nameToken.end, [fix("Delete 'fragment'", [deleteDirective(ctx, e.fragment)], onlyTcp)]);
    }
    if (e.explicitExitNotify && !seen.has(e.explicitExitNotify)) {
      seen.add(e.explicitExitNotify);
      report(ctx, 'OV12', 'information', `explicit-exit-notify only works over UDP (${e.proto} already signals a closed connection): it has no effect here`, e.explicitExitNotify.nameToken.start, e.explicitExitNotify.nameToken.end);
    }
  }
}
