/**
 * Probe-aware rules. WG14 and WG15 use the probe Report when there is one (mapping verdict,
 * measured mapping lifetime) and drop to hints without it. WG17 needs no probe: its
 * single-file part looks at this file only (the two-file part is a workspace check).
 */
import { WIREGUARD_KEEPALIVE_SECONDS, wireguardKeepalive } from '../../../engine/keepalive';
import type { Report } from '../../../report/report';
import { preferredOpenPort } from '../../portChoice';
import { fix, insertLineAfter, replace } from '../fixes';
import type { Entry, Section } from '../model';
import { effective } from '../parser';
import { type RuleContext, contentRange, headerRange, valueRange } from './context';

/** A constant: a regex literal in a function is a new object on every call (once per peer here). */
const DECIMAL = /^[0-9]+$/;

export type NatVerdict = 'behind-nat' | 'no-nat' | 'unknown';

/** "This side is behind NAT" = UDP worked and the mapping is not "none" (or CGNAT was seen). */
export function natVerdict(report: Report | undefined): NatVerdict {
  if (!report || report.udp !== 'yes') return 'unknown';
  const m = report.mapping?.value;
  if (m === 'none') return 'no-nat';
  if (m === 'endpoint-independent' || m === 'address-dependent' || m === 'address-and-port-dependent') return 'behind-nat';
  if (report.cgnat?.value === 'yes') return 'behind-nat';
  return 'unknown';
}

/** The measured idle lifetime of a UDP mapping in seconds, when the report has one. */
export function measuredLifetime(report: Report | undefined): number | undefined {
  const v = report?.mappingLifetime?.value;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function keepaliveSeconds(e: Entry | undefined): number | undefined {
  if (!e || !e.usable) return undefined;
  const v = e.compactValue;
  if (v.length === 3 && v.toLowerCase() === 'off') return 0;
  if (!DECIMAL.test(v) || v.length > 12) return undefined;
  const n = Number(v);
  return n <= 65535 ? n : undefined;
}

function peerEndpoint(p: Section): Entry | undefined {
  const e = p.effective('Endpoint');
  return e && e.usable ? e : undefined;
}

export function checkKeepalive(ctx: RuleContext): void {
  const report = ctx.options.report;
  const verdict = natVerdict(report);
  const lifetime = measuredLifetime(report);
  const want = wireguardKeepalive(lifetime);
  const peers = ctx.parsed.peers;
  for (let i = 0; i < peers.length; i++) {
    const p = peers[i];
    const ka = p.effective('PersistentKeepalive');
    const seconds = keepaliveSeconds(ka);
    const ep = peerEndpoint(p);
    // WG14: an Endpoint and no keepalive.
    if (ep && (!ka || seconds === 0) && verdict !== 'no-nat') {
      const edit = ka && seconds === 0 ? replace(ka.line, ka.valueStart, ka.valueEnd, String(want)) : insertLineAfter(ctx.src, ep.line, `PersistentKeepalive = ${want}`, ctx.parsed.eol);
      const what = ka ? 'PersistentKeepalive is off' : 'there is no PersistentKeepalive';
      if (verdict === 'behind-nat') {
        ctx.out.add(
          'WG14',
          'warning',
          `This side is behind NAT (probe: ${report?.mapping.value} mapping) and ${what} for this peer: when the tunnel is idle the NAT mapping expires and the peer can no longer reach you; add PersistentKeepalive = ${want}.`,
          contentRange(ep),
          [fix(`Set PersistentKeepalive = ${want}`, [edit], true)],
        );
      } else {
        ctx.out.add(
          'WG14',
          'hint',
          `${what[0].toUpperCase()}${what.slice(1)} for this peer: if this side is behind NAT, the peer cannot reach you once the idle mapping expires; add PersistentKeepalive = 25 (run natprobe diagnose to know).`,
          contentRange(ep),
          [fix('Set PersistentKeepalive = 25', [edit])],
        );
      }
    }
    // WG15: keepalive too long for the NAT.
    if (ka && seconds !== undefined && seconds > 0) {
      if (lifetime !== undefined) {
        if (seconds >= lifetime) {
          ctx.out.add(
            'WG15',
            'warning',
            `PersistentKeepalive ${seconds} s is not shorter than the measured NAT mapping lifetime of ${lifetime} s: the mapping can expire between keepalives; use ${want} (5 s under the lifetime).`,
            valueRange(ka),
            [fix(`Set PersistentKeepalive = ${want}`, [replace(ka.line, ka.valueStart, ka.valueEnd, String(want))], true)],
          );
        }
      } else if (seconds > WIREGUARD_KEEPALIVE_SECONDS) {
        ctx.out.add(
          'WG15',
          'hint',
          `PersistentKeepalive ${seconds} s is above 25 s, the interval WireGuard recommends behind NAT (many NATs drop idle UDP mappings after 30 s); measure with natprobe diagnose --lifetime or use 25.`,
          valueRange(ka),
          [fix('Set PersistentKeepalive = 25', [replace(ka.line, ka.valueStart, ka.valueEnd, '25')])],
        );
      }
    }
  }
}

export function checkReachability(ctx: RuleContext): void {
  const { peers, interfaces } = ctx.parsed;
  if (peers.length === 0) return;
  for (let i = 0; i < peers.length; i++) if (peers[i].effective('Endpoint')) return;
  const lp = effective(interfaces, 'ListenPort');
  // With a ListenPort this is how every server looks: it answers, its peers dial in. Saying
  // so on each server restates how WireGuard works; only the case nobody can act on is kept.
  if (lp && lp.usable) return;
  const at = interfaces.length > 0 ? headerRange(interfaces[0]) : headerRange(peers[0]);
  const edit = insertLineAfter(ctx.src, peers[0].headerLine, 'Endpoint = host.example:51820', ctx.parsed.eol);
  ctx.out.add(
    'WG17',
    'warning',
    'No peer has an Endpoint and there is no ListenPort: this side cannot start a handshake and listens on a random port, so nobody can reach it either; add an Endpoint to the peer you connect to (or a ListenPort).',
    at,
    [fix('Add an Endpoint line to the first peer (fill in the host)', [edit])],
  );
}

/**
 * PORT01 (probe-aware): a peer's Endpoint port that the probe found blocked for UDP from this
 * network. WireGuard has no fallback: the handshake can only time out. Silent without a probe
 * report with ports[] (a silent UDP probe of a WireGuard server proves nothing by itself: only
 * our reflector on that port, answering or not, does).
 */
export function checkBlockedEndpointPorts(ctx: RuleContext): void {
  const ports = ctx.options.report?.ports;
  if (!ports || ports.length === 0) return;
  for (const p of ctx.parsed.peers) {
    const ep = peerEndpoint(p);
    if (!ep) continue;
    const m = /:(\d{1,5})$/.exec(ep.compactValue);
    if (!m) continue;
    const port = Number(m[1]);
    const blocked = ports.find((x) => x.protocol === 'udp' && x.port === port && x.reachable === 'no');
    if (!blocked) continue;
    // 443 first, never IPsec's 500/4500 (PORT02 would flag the server moved there).
    const open = preferredOpenPort(ports, 'udp');
    ctx.out.add(
      'PORT01',
      'error',
      `The probe found UDP port ${port} blocked from this network (${blocked.basis}): the handshake with this peer can only time out; run the peer's WireGuard on a UDP port that gets through${open ? ` (udp/${open.port} did)` : ''} and change this Endpoint to it.`,
      valueRange(ep),
    );
  }
}
