/**
 * What an OpenVPN client config asks to be tested: each `remote` with the protocol, port and
 * control-channel wrapping OpenVPN 2.6 would use for it (options.c semantics: a `<connection>`
 * block starts from the options seen before it and may carry its own tls-auth / tls-crypt /
 * tls-crypt-v2; when a config has `<connection>` blocks, OpenVPN ignores top-level `remote`s).
 *
 * Reuses the linter's parser and connection model (pure). Key material is read here and only
 * ever leaves as a Wrap for the packet code; messages name files and options, never bytes.
 */
import { parseConfig, type Directive } from '../../../lint/openvpn/parser';
import { buildModel, type ConnectionEntry } from '../../../lint/openvpn/model';
import type { ReachTarget } from '../types';
import { cipherKeyOf, digestOf, hmacKeyOf, keyIndices, KEY_BYTES, parseStaticKey, parseTlsCryptV2ClientKey, type KeyDirection } from './keys';
import type { Wrap } from './packet';

export type WrapKind = Wrap['kind'];

/** Reads a key file named in the config (relative paths are the reader's business). */
export type KeyFileReader = (path: string) => Promise<string>;

export interface RemotePlan {
  readonly target: ReachTarget;
  readonly wrapKind: WrapKind;
  /** Set when the probe can run. */
  readonly wrap?: Wrap;
  /** `udp4`, `tcp6-client`…: only that address family. */
  readonly family?: 4 | 6;
  /** Why this remote is not probed. */
  readonly notTested?: string;
  /** Facts about the plan worth showing (which key, which direction); never key material. */
  readonly notes: readonly string[];
}

interface WrapSource {
  readonly kind: WrapKind;
  readonly directive?: Directive;
  readonly direction: KeyDirection;
  readonly conflict?: string;
}

const PROTOS: Readonly<Record<string, { transport: 'udp' | 'tcp'; family?: 4 | 6 }>> = {
  udp: { transport: 'udp' },
  udp4: { transport: 'udp', family: 4 },
  udp6: { transport: 'udp', family: 6 },
  tcp: { transport: 'tcp' },
  tcp4: { transport: 'tcp', family: 4 },
  tcp6: { transport: 'tcp', family: 6 },
  'tcp-client': { transport: 'tcp' },
  'tcp4-client': { transport: 'tcp', family: 4 },
  'tcp6-client': { transport: 'tcp', family: 6 },
};

/**
 * OpenVPN has no limit on remotes; a probe must have one. 64 is OpenVPN's own growth step for
 * its connection list (options.h CONNECTION_LIST_SIZE), far beyond any real failover list.
 */
export const MAX_TESTED_REMOTES = 64;

/** 0-based line of each offset, in one pass over the text (a config may hold 10^5 remotes). */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

function directionArg(text: string | undefined): KeyDirection | undefined {
  return text === '0' ? 0 : text === '1' ? 1 : undefined;
}

/**
 * The wrapping options.c ends up with for one scope: walks the scope's directives in file order
 * the way add_option does (a tls-auth argument or key-direction sets the direction; inside a
 * block a tls-auth without argument resets it to bidirectional).
 */
function wrapOf(directives: readonly Directive[], inBlock: boolean, inherited: KeyDirection): { source?: WrapSource; direction: KeyDirection } {
  let direction = inherited;
  let auth: Directive | undefined;
  let crypt: Directive | undefined;
  let v2: Directive | undefined;
  for (const d of directives) {
    if (d.name === 'key-direction') direction = directionArg(d.args[0]?.text) ?? direction;
    else if (d.name === 'tls-auth') {
      auth = d;
      if (inBlock) direction = 'bidirectional';
      if (!d.inline) direction = directionArg(d.args[1]?.text) ?? direction;
    } else if (d.name === 'tls-crypt') crypt = d;
    else if (d.name === 'tls-crypt-v2') v2 = d;
  }
  if (!auth && !crypt && !v2) return { direction };
  let conflict: string | undefined;
  if (auth && crypt) conflict = 'tls-auth and tls-crypt are both set, which OpenVPN refuses';
  else if (v2 && (auth || crypt)) conflict = 'tls-crypt-v2 is set together with tls-auth or tls-crypt, which OpenVPN refuses in a client';
  const kind: WrapKind = v2 ? 'tls-crypt-v2' : crypt ? 'tls-crypt' : 'tls-auth';
  return { source: { kind, directive: v2 ?? crypt ?? auth, direction, conflict }, direction };
}

const WRAP_NAMES = new Set(['tls-auth', 'tls-crypt', 'tls-crypt-v2', 'key-direction']);

export interface PlanOptions {
  readonly readFile?: KeyFileReader;
}

/** One plan per `remote` line, in file order. */
export async function planOpenVpn(configText: string, options: PlanOptions): Promise<RemotePlan[]> {
  const parsed = parseConfig(configText);
  const model = buildModel(parsed);
  const text = parsed.text;
  const valid = new Set(model.valid);
  const mainWrapDirectives = model.valid.filter((d) => d.context === 'main' && WRAP_NAMES.has(d.name));
  const main = wrapOf(mainWrapDirectives, false, 'bidirectional');
  const digestName = model.last.get('auth')?.args[0]?.text ?? 'SHA1';
  const staticMode = model.last.has('secret') && !model.last.has('client') && !model.last.has('tls-client');
  const hasBlocks = parsed.blocks.length > 0;

  const entryByRemote = new Map<Directive, ConnectionEntry>();
  for (const e of model.entries) if (e.remote) entryByRemote.set(e.remote, e);
  const keyCache = new Map<string, Promise<{ ok: true; text: string } | { ok: false; error: string }>>();
  const readKey = (d: Directive): Promise<{ ok: true; text: string } | { ok: false; error: string }> => {
    if (d.inline) return Promise.resolve({ ok: true, text: text.slice(d.inline.contentStart, d.inline.contentEnd) });
    const path = d.args[0]?.text ?? '';
    const reader = options.readFile;
    if (!reader) return Promise.resolve({ ok: false, error: `the ${d.name} key is in the file ${path}, and no file access was given` });
    let p = keyCache.get(path);
    if (!p) {
      p = reader(path).then(
        (t) => ({ ok: true as const, text: t }),
        (err: unknown) => ({ ok: false as const, error: `cannot read the ${d.name} file ${path}: ${err instanceof Error ? err.message : String(err)}` }),
      );
      keyCache.set(path, p);
    }
    return p;
  };

  const remotes = (parsed.byName.get('remote') ?? []).filter((d) => valid.has(d));
  const lineOf = lineIndex(text);
  const plans: RemotePlan[] = [];
  let probed = 0;
  for (const r of remotes) {
    const entry = entryByRemote.get(r);
    const host = r.args[0]?.text ?? '';
    const line = lineOf(r.lineStart);
    const protoText = entry?.proto ?? r.args[2]?.text ?? 'udp';
    const proto = PROTOS[protoText];
    const portText = entry?.remotePort ?? r.args[1]?.text ?? '1194';
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    const transport = proto?.transport ?? 'udp';
    const target: ReachTarget = {
      protocol: 'openvpn',
      host,
      port: Number.isInteger(port) && port >= 1 && port <= 65535 ? port : 0,
      transport,
      line,
      label: `remote ${host} ${Number.isNaN(port) ? portText : port} ${transport} (line ${line + 1})`,
    };
    const scope = r.block ? wrapOf(r.block.directives.filter((d) => valid.has(d) && WRAP_NAMES.has(d.name)), true, main.direction) : main;
    const source = scope.source ?? main.source;
    const wrapKind: WrapKind = source?.kind ?? 'none';
    const skip = (why: string): RemotePlan => ({ target, wrapKind, notTested: why, notes: [] });
    if (staticMode) {
      plans.push(skip('the config uses a static key (secret), which has no handshake to test'));
      continue;
    }
    if (hasBlocks && !r.block) {
      plans.push(skip('OpenVPN ignores top-level remote lines when the config has <connection> blocks'));
      continue;
    }
    if (r.block && entry?.remote !== r) {
      plans.push(skip('a later remote in the same <connection> block replaces this one'));
      continue;
    }
    if (!proto) {
      plans.push(skip(`proto ${protoText} is not a client protocol this test can use`));
      continue;
    }
    if (target.port === 0) {
      plans.push(skip(`port "${portText}" is not a number from 1 to 65535`));
      continue;
    }
    if (source?.conflict) {
      plans.push(skip(source.conflict));
      continue;
    }
    if (++probed > MAX_TESTED_REMOTES) {
      plans.push(skip(`only the first ${MAX_TESTED_REMOTES} remotes are tested`));
      continue;
    }
    const wrap = source ? await buildWrap(source, digestName, readKey) : { ok: true as const, wrap: { kind: 'none' as const }, notes: [] };
    if (!wrap.ok) {
      plans.push(skip(wrap.error));
      continue;
    }
    plans.push({ target, wrapKind, wrap: wrap.wrap, family: proto.family, notes: [...wrap.notes, ...proxyNote(r, model.last.get('http-proxy') ?? model.last.get('socks-proxy'))] });
  }
  return plans;
}

/**
 * OpenVPN would go through a proxy (`http-proxy` / `socks-proxy`, per connection entry); this
 * test goes straight to the server, so its answer says nothing about the proxy's path.
 */
function proxyNote(remote: Directive, topLevel: Directive | undefined): string[] {
  const own = remote.block?.directives.filter((d) => d.name === 'http-proxy' || d.name === 'socks-proxy');
  // A block starts from the connection options seen before it (options.c), so a later
  // top-level proxy does not reach it.
  const inherited = topLevel && (!remote.block || topLevel.lineStart < remote.block.directive.lineStart) ? topLevel : undefined;
  const proxy = own && own.length > 0 ? own[own.length - 1] : inherited;
  if (!proxy) return [];
  const where = proxy.args.slice(0, 2).map((a) => a.text).join(' ');
  return [`OpenVPN would connect through ${proxy.name} ${where}; this test went straight to the server, so it says nothing about the proxy's path`];
}

async function buildWrap(
  source: WrapSource,
  digestName: string,
  readKey: (d: Directive) => Promise<{ ok: true; text: string } | { ok: false; error: string }>,
): Promise<{ ok: true; wrap: Wrap; notes: string[] } | { ok: false; error: string }> {
  const d = source.directive;
  if (!d) return { ok: false, error: `${source.kind} has no key` };
  const file = await readKey(d);
  if (!file.ok) return file;
  const what = d.inline ? `the inline <${d.name}> block` : `the ${d.name} file ${d.args[0]?.text ?? ''}`;
  if (source.kind === 'tls-auth') {
    const key = parseStaticKey(file.text, what);
    if (!key.ok) return key;
    const digest = digestOf(digestName);
    if (!digest.ok) return digest;
    if (source.direction !== 'bidirectional' && key.value.length < 2 * KEY_BYTES) {
      return { ok: false, error: `${what} holds one key, but key-direction ${source.direction} needs two` };
    }
    const { send, receive } = keyIndices(source.direction);
    const dirText = source.direction === 'bidirectional' ? 'no key-direction (both ways use the first key)' : `key-direction ${source.direction}`;
    return {
      ok: true,
      wrap: {
        kind: 'tls-auth',
        digest: digest.value.name,
        digestBytes: digest.value.bytes,
        sendHmacKey: hmacKeyOf(key.value, send, digest.value.bytes),
        receiveHmacKey: hmacKeyOf(key.value, receive, digest.value.bytes),
      },
      notes: [`tls-auth from ${what}, ${dirText}, HMAC-${digestName.toUpperCase()}`],
    };
  }
  let staticKey: Uint8Array;
  let wrappedKey: Uint8Array | undefined;
  if (source.kind === 'tls-crypt') {
    const key = parseStaticKey(file.text, what);
    if (!key.ok) return key;
    if (key.value.length < 2 * KEY_BYTES) return { ok: false, error: `${what} holds one key; tls-crypt needs two` };
    staticKey = key.value;
  } else {
    const key = parseTlsCryptV2ClientKey(file.text, what);
    if (!key.ok) return key;
    staticKey = key.value.key;
    wrappedKey = key.value.wrapped;
  }
  // A tls-crypt client sends with key 1 and checks the server's packets with key 0 (tls_crypt.c).
  const { send, receive } = keyIndices(1);
  return {
    ok: true,
    wrap: {
      kind: source.kind,
      sendCipherKey: cipherKeyOf(staticKey, send, 32),
      sendHmacKey: hmacKeyOf(staticKey, send, 32),
      receiveCipherKey: cipherKeyOf(staticKey, receive, 32),
      receiveHmacKey: hmacKeyOf(staticKey, receive, 32),
      wrappedKey,
    },
    notes: [`${source.kind} from ${what}${wrappedKey ? ` (wrapped client key of ${wrappedKey.length} bytes)` : ''}`],
  };
}
