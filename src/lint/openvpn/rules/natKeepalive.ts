/**
 * OV11 (probe-aware): a UDP tunnel with no keepalive/ping through a NAT loses its mapping when
 * idle; a ping interval at or above the measured mapping lifetime does too. Without a probe
 * report only the first part is reported, as a hint, and not at all for client (pull) profiles:
 * their server pushes ping/ping-restart, which the client file cannot show.
 */
import { report, type RuleContext } from '../context';
import { edit, fix, insertAfter, insertLineAt } from '../fixes';
import { protocolFamily } from '../model';
import type { Directive } from '../parser';
import { atoi } from './common';
import { openvpnKeepalive } from '../../../engine/keepalive';

function anchor(ctx: RuleContext): Directive | undefined {
  const { model } = ctx;
  const firstRemote = model.valid.find((d) => d.name === 'remote' && d.context === 'main');
  return model.last.get('proto') ?? firstRemote ?? model.last.get('dev') ?? model.last.get('client') ?? model.valid.find((d) => d.context === 'main');
}

export function ov11(ctx: RuleContext): void {
  const { model, options } = ctx;
  if (!model.last.has('dev')) return; // not a tunnel config (or one OpenVPN cannot read at all)
  const probe = options.report;
  const entries = model.entries.length ? model.entries : [model.global];
  const udp = entries.find((e) => protocolFamily(e.proto) === 'udp');
  if (!udp) return;
  const keepalive = model.last.get('keepalive');
  const ping = model.last.get('ping');
  const measured = probe?.mappingLifetime?.value;
  const lifetime = typeof measured === 'number' && Number.isFinite(measured) && measured > 0 ? measured : null;
  const mapping = probe?.mapping?.value ?? 'unknown';

  if (!keepalive && !ping) {
    if (probe && mapping === 'none') return;
    // A client profile cannot show what its server pushes, and servers push keepalive as
    // ping/ping-restart: without a probe there is nothing to say; with one, a hint that says so.
    if (model.pull && !probe) return;
    const { interval, timeout } = openvpnKeepalive(lifetime);
    const line = `keepalive ${interval} ${timeout}`;
    const at = anchor(ctx);
    const insert = at ? insertAfter(ctx, at, line) : insertLineAt(ctx, 0, line);
    const where = udp.protoFrom ?? udp.remote ?? model.last.get('client') ?? at;
    const start = where ? where.nameToken.start : 0;
    const end = where ? where.nameToken.end : 0;
    if (probe && model.pull) {
      const known = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'].includes(String(mapping));
      const nat = known ? `the probe found a NAT (${String(mapping)} mapping)` : 'a NAT may be on the path';
      report(ctx, 'OV11', 'hint', `No keepalive or ping in this client profile and ${nat}: servers usually push keepalive, which a client file cannot show; if yours does not, add '${line}'`, start, end, [fix(`Add '${line}'`, [insert])]);
    } else if (probe) {
      const known = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'].includes(String(mapping));
      const nat = known ? `the probe found a NAT (${String(mapping)} mapping)` : 'a NAT may be on the path (mapping behaviour unknown)';
      const life = lifetime ? `; its idle mappings last about ${lifetime} s` : '';
      report(ctx, 'OV11', 'warning', `UDP tunnel without keepalive or ping, and ${nat}${life}: an idle tunnel stalls when the mapping expires; add '${line}' (a server pushing ping covers this side too)`, start, end, [fix(`Add '${line}'`, [insert], true)]);
    } else {
      report(ctx, 'OV11', 'hint', `UDP tunnel without keepalive or ping: behind a NAT an idle tunnel stalls when the mapping expires; add '${line}' unless the server pushes ping (run natprobe to measure your NAT)`, start, end, [fix(`Add '${line}'`, [insert])]);
    }
    return;
  }

  if (!lifetime) return;
  const d = keepalive ?? ping;
  if (!d) return;
  const t = d.args[0];
  const interval = atoi(t.text).value;
  if (Number.isNaN(interval) || interval <= 0 || interval < lifetime) return;
  const { interval: better, timeout: betterTimeout } = openvpnKeepalive(lifetime);
  const edits = [edit(ctx, t.start, t.end, String(better))];
  if (d === keepalive) {
    const timeout = atoi(keepalive.args[1].text).value;
    if (Number.isNaN(timeout) || timeout < 2 * better) edits.push(edit(ctx, keepalive.args[1].start, keepalive.args[1].end, String(betterTimeout)));
  }
  report(ctx, 'OV11', 'warning', `${d.name} interval ${interval} s is not shorter than the NAT mapping lifetime the probe measured (${lifetime} s): the mapping expires between pings; use ${better} s or less (5 s under the lifetime)`, t.start, t.end, [fix(`Change the interval to ${better}`, edits, true)]);
}
