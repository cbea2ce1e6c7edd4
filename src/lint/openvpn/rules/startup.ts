/**
 * What OpenVPN 2.6 derives from the options once all of them are read, before it checks them
 * together (options.c: options_postprocess_mutate, helper_client_server in helper.c, then
 * options_postprocess_verify_ce per connection entry). OV15 and OV16 judge this state.
 */
import type { RuleContext } from '../context';
import { isValidDirective, type ConnectionEntry } from '../model';
import type { Directive } from '../parser';

export type DevType = 'tun' | 'tap' | 'null' | 'unknown';

export interface StartupState {
  /** Last valid top-level directive of a name. */
  readonly get: (name: string) => Directive | undefined;
  /** First valid directive of a name anywhere (top level or inside a `<connection>` block). */
  readonly anywhere: (name: string) => Directive | undefined;
  /** Every directive of a name as written, valid or not (e.g. a lenient `setenv opt` line). */
  readonly anywhereRaw: (name: string) => readonly Directive[] | undefined;
  readonly dev?: Directive;
  readonly devType?: DevType;
  /** `server`, `server-bridge`, `server-ipv6` or `mode server`: OpenVPN's MODE_SERVER. */
  readonly serverMode?: Directive;
  /** `tls-server`, or implied by `server`/`server-bridge`/`server-ipv6`. */
  readonly tlsServer?: Directive;
  /** `tls-client`, or implied by `client`. */
  readonly tlsClient?: Directive;
  readonly secret?: Directive;
  /** `pull`, or implied by `client`. */
  readonly pull?: Directive;
  readonly tls: boolean;
  /** Connection entries with the protocol after `server`/`client` resolved a bare `tcp`. */
  readonly entries: readonly ResolvedEntry[];
}

export interface ResolvedEntry {
  readonly entry: ConnectionEntry;
  /** udp, tcp-client, tcp-server or tcp (still ambiguous), family suffix removed. */
  readonly proto: 'udp' | 'tcp-client' | 'tcp-server' | 'tcp';
  /** Does OpenVPN bind a local socket for this entry? */
  readonly bindLocal: boolean;
  /** A directive of this name that reaches this entry (inside its block, or top level before it). */
  readonly has: (name: string) => Directive | undefined;
}

function baseProto(p: string): ResolvedEntry['proto'] {
  if (p.startsWith('tcp')) {
    if (p.endsWith('-client')) return 'tcp-client';
    if (p.endsWith('-server')) return 'tcp-server';
    return 'tcp';
  }
  return 'udp';
}

/** OpenVPN's dev_type_enum: `dev-type` wins, else the device name's prefix. */
function devTypeOf(dev: Directive | undefined, devType: Directive | undefined): DevType | undefined {
  const t = devType?.args[0]?.text ?? dev?.args[0]?.text;
  if (t === undefined) return undefined;
  if (t.startsWith('tun')) return 'tun';
  if (t.startsWith('tap')) return 'tap';
  if (t.startsWith('null')) return 'null';
  return 'unknown';
}

export function startupState(ctx: RuleContext): StartupState {
  const { model, parsed } = ctx;
  const get = (name: string) => model.last.get(name);
  const anywhere = (name: string) => (parsed.byName.get(name) ?? []).find(isValidDirective);
  const dev = get('dev');
  const devType = devTypeOf(dev, get('dev-type'));
  const mode = get('mode');
  const server = get('server');
  const bridge = get('server-bridge');
  const server6 = get('server-ipv6');
  const serverMode = server ?? bridge ?? server6 ?? (mode?.args[0]?.text === 'server' ? mode : undefined);
  const client = get('client');
  const tlsServer = get('tls-server') ?? server ?? bridge ?? server6;
  const tlsClient = get('tls-client') ?? client;
  const pull = get('pull') ?? client;
  const secret = get('secret');
  const helperServer = server !== undefined || bridge !== undefined;

  const raw = model.entries.length ? model.entries : [model.global];
  const entries = raw.map((entry): ResolvedEntry => {
    let proto = baseProto(entry.proto);
    if (proto === 'tcp' && helperServer) proto = 'tcp-server';
    if (proto === 'tcp' && client) proto = 'tcp-client';
    const has = (name: string): Directive | undefined => {
      if (entry.block) {
        const own = (parsed.byName.get(name) ?? []).find((d) => d.block === entry.block && isValidDirective(d));
        if (own) return own;
        const start = entry.block.directive.lineStart;
        return (model.all.get(name) ?? []).filter((d) => d.lineStart < start).pop();
      }
      return get(name);
    };
    const local = has('local');
    const needBind = local !== undefined || entry.lport !== undefined || entry.bind !== undefined;
    const socksUdp = proto === 'udp' && has('socks-proxy') !== undefined;
    let bindLocal = entry.nobind === undefined;
    if (!needBind && (proto === 'tcp-client' || socksUdp || pull)) bindLocal = false;
    return { entry, proto, bindLocal, has };
  });
  const anywhereRaw = (name: string) => parsed.byName.get(name);
  return { get, anywhere, anywhereRaw, dev, devType, serverMode, tlsServer, tlsClient, secret, pull, tls: tlsServer !== undefined || tlsClient !== undefined, entries };
}
