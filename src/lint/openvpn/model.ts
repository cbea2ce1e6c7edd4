/**
 * What the options mean together: mode, and the connection entries OpenVPN builds. Mirrors
 * OpenVPN 2.6: a `<connection>` block starts from a copy of the connection-level options seen
 * *before* it (so later top-level options do not reach it); top-level `remote` lines use the
 * connection-level options as they stand at the end of the file.
 */
import { OPTIONS, acceptsCount, isTcp } from './options';
import type { ConnectionBlock, Directive, ParsedConfig } from './parser';

export interface ConnectionEntry {
  /** The `remote` this entry dials, if any. */
  readonly remote?: Directive;
  readonly block?: ConnectionBlock;
  /** Effective protocol string (`udp`, `tcp-client`, …) and the directive that set it. */
  readonly proto: string;
  readonly protoFrom?: Directive;
  /** Remote port text (from remote, else rport/port, else 1194). */
  readonly remotePort: string;
  readonly remotePortFrom?: Directive;
  readonly lport?: Directive;
  readonly port?: Directive;
  readonly nobind?: Directive;
  readonly bind?: Directive;
  readonly fragment?: Directive;
  readonly explicitExitNotify?: Directive;
}

export interface ConfigModel {
  /** Directives OpenVPN accepts by name and count at their place (the rest are reported elsewhere). */
  readonly valid: readonly Directive[];
  /** The others: unknown, removed, wrong count, wrong place, not inline-capable. */
  readonly invalid: readonly Directive[];
  /** Last valid top-level directive of a name. */
  readonly last: { get(name: string): Directive | undefined; has(name: string): boolean };
  /** All valid top-level directives of a name (undefined when none). */
  readonly all: { get(name: string): readonly Directive[] | undefined };
  /** `client` or `pull`: the peer pushes options, and OpenVPN does not bind by default. */
  readonly pull: boolean;
  /** `server`, `server-bridge`, `mode server`, or neither `client` nor any `remote`. */
  readonly serverMode: boolean;
  readonly explicitServer?: Directive;
  readonly entries: readonly ConnectionEntry[];
  /** Top-level connection options at the end of the file (for listening). */
  readonly global: ConnectionEntry;
}

interface CeState {
  proto: string;
  protoFrom?: Directive;
  remotePort: string;
  remotePortFrom?: Directive;
  lport?: Directive;
  port?: Directive;
  nobind?: Directive;
  bind?: Directive;
  fragment?: Directive;
  explicitExitNotify?: Directive;
}

function applyCe(ce: CeState, d: Directive): void {
  const a = d.args;
  switch (d.name) {
    case 'proto':
      ce.proto = a[0].text;
      ce.protoFrom = d;
      break;
    case 'port':
      ce.remotePort = a[0].text;
      ce.remotePortFrom = d;
      ce.port = d;
      break;
    case 'rport':
      ce.remotePort = a[0].text;
      ce.remotePortFrom = d;
      break;
    case 'lport':
      ce.lport = d;
      break;
    case 'nobind':
      ce.nobind = d;
      ce.bind = undefined;
      break;
    case 'bind':
      ce.bind = d;
      ce.nobind = undefined;
      break;
    case 'fragment':
      ce.fragment = d;
      break;
    case 'explicit-exit-notify':
      ce.explicitExitNotify = d;
      break;
  }
}

function entryOf(ce: CeState, remote?: Directive, block?: ConnectionBlock): ConnectionEntry {
  let proto = ce.proto;
  let protoFrom = ce.protoFrom;
  let remotePort = ce.remotePort;
  let remotePortFrom = ce.remotePortFrom;
  if (remote) {
    if (remote.args[1]) {
      remotePort = remote.args[1].text;
      remotePortFrom = remote;
    }
    if (remote.args[2]) {
      proto = remote.args[2].text;
      protoFrom = remote;
    }
  }
  return { ...ce, proto, protoFrom, remotePort, remotePortFrom, remote, block };
}

/** The block state with an earlier remote's port and protocol written in. */
function foldRemote(state: CeState & { remote?: Directive }, remote: Directive): CeState & { remote?: Directive } {
  const e = entryOf(state, remote);
  return { ...state, proto: e.proto, protoFrom: e.protoFrom, remotePort: e.remotePort, remotePortFrom: e.remotePortFrom };
}

/** Is this directive one OpenVPN takes as written (known, right count, allowed here)? */
export function isValidDirective(d: Directive): boolean {
  const spec = OPTIONS.get(d.name);
  if (!spec || spec.windowsOnly || spec.buildDependent) return false;
  if (!acceptsCount(spec, d.paramCount)) return false;
  if (d.inline && !spec.inline) return false;
  if (d.context === 'connection' && !spec.connection) return false;
  if (spec.scope !== 'config') return false;
  return true;
}

/** Options that shape a connection entry (plus `remote` and `<connection>` itself). */
const CE_NAMES = ['proto', 'port', 'rport', 'lport', 'nobind', 'bind', 'fragment', 'explicit-exit-notify', 'remote', 'connection'];

/** Last / all valid top-level directives of a name, computed on first use from the parser's index. */
class ByName {
  private readonly lastCache = new Map<string, Directive | undefined>();
  private readonly allCache = new Map<string, Directive[]>();

  constructor(private readonly parsed: ParsedConfig) {}

  all(name: string): Directive[] {
    let list = this.allCache.get(name);
    if (!list) {
      list = (this.parsed.byName.get(name) ?? []).filter((d) => d.context === 'main' && isValidDirective(d));
      this.allCache.set(name, list);
    }
    return list;
  }

  last(name: string): Directive | undefined {
    if (!this.lastCache.has(name)) {
      const list = this.all(name);
      this.lastCache.set(name, list[list.length - 1]);
    }
    return this.lastCache.get(name);
  }
}

export function buildModel(parsed: ParsedConfig): ConfigModel {
  const valid: Directive[] = [];
  const invalid: Directive[] = [];
  for (const d of parsed.directives) (isValidDirective(d) ? valid : invalid).push(d);
  const index = new ByName(parsed);
  const last = { get: (name: string) => index.last(name), has: (name: string) => index.last(name) !== undefined };
  const all = { get: (name: string): readonly Directive[] | undefined => (index.all(name).length ? index.all(name) : undefined) };
  const pull = last.has('client') || last.has('pull');
  const mode = last.get('mode');
  const explicitServer = last.get('server') ?? last.get('server-bridge') ?? (mode?.args[0]?.text === 'server' ? mode : undefined);
  const hasRemote = (parsed.byName.get('remote') ?? []).some(isValidDirective);
  const serverMode = explicitServer !== undefined || (!last.has('client') && !hasRemote);

  // Only the options that shape connections, in file order.
  const relevant = CE_NAMES.flatMap((n) => (parsed.byName.get(n) ?? []).filter(isValidDirective));
  relevant.sort((a, b) => a.lineStart - b.lineStart);
  const ce: CeState = { proto: 'udp', remotePort: '1194' };
  const entries: ConnectionEntry[] = [];
  const blockEntries = new Map<ConnectionBlock, CeState & { remote?: Directive }>();
  const blockOf = new Map<Directive, ConnectionBlock>();
  for (const b of parsed.blocks) blockOf.set(b.directive, b);
  for (const d of relevant) {
    if (d.context === 'main') {
      if (d.name === 'connection') {
        const block = d.inline ? blockOf.get(d) : undefined;
        if (block) blockEntries.set(block, { ...ce });
        continue;
      }
      if (d.name !== 'remote') applyCe(ce, d);
    } else if (d.block) {
      let state = blockEntries.get(d.block);
      if (state) {
        if (d.name === 'remote') {
          // A second remote in one block replaces the host, but a port or protocol given only by
          // the first stays: OpenVPN writes each into the block's entry as it reads it.
          if (state.remote) state = foldRemote(state, state.remote);
          blockEntries.set(d.block, state);
          state.remote = d;
        } else applyCe(state, d);
      }
    }
  }
  for (const r of index.all('remote')) entries.push(entryOf(ce, r));
  for (const [block, state] of blockEntries) {
    entries.push(entryOf(state, state.remote, block));
  }
  return { valid, invalid, last, all, pull, serverMode, explicitServer, entries, global: entryOf(ce) };
}

export function protocolFamily(proto: string): 'udp' | 'tcp' {
  return isTcp(proto) ? 'tcp' : 'udp';
}
