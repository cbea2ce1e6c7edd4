/**
 * OV15: combinations OpenVPN 2.6 refuses only after it has read every option (options.c:
 * options_postprocess_mutate and options_postprocess_verify_ce, helper.c: helper_client_server).
 * Each option is valid on its own; together they stop OpenVPN before it opens a socket, which a
 * parse-only check (`--genkey`) never shows. Verified against OpenVPN 2.6.14 with
 * `--management-hold` (test/lab/lint-openvpn-postprocess.test.ts).
 */
import type { RuleContext } from '../context';
import { report } from '../context';
import type { Directive } from '../parser';
import { NEEDS_MANAGEMENT, NOT_IN_SERVER, SERVER_ONLY, TLS_ONLY } from '../options';
import { inetAton } from './addresses';
import { atoi } from './common';
import { startupState, type StartupState } from './startup';

const REFUSES = 'OpenVPN refuses to start';

function tlsVersion(s: string | undefined): number | undefined {
  const m = /^1\.([0-3])$/.exec(s ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Bits of a contiguous netmask, -1 when not contiguous. */
function netbits(mask: number): number {
  let bits = 0;
  while (bits < 32 && mask & (0x80000000 >>> bits)) bits++;
  return ((mask << bits) >>> 0) === 0 || bits === 32 ? bits : -1;
}

/** Options only a whole config has; a file with none of them is a fragment (a client-config-dir file, a file read with `config`). */
const WHOLE_CONFIG = ['dev', 'client', 'server', 'server-bridge', 'server-ipv6', 'mode', 'remote', 'tls-client', 'tls-server', 'secret', 'pull', 'connection'];

/** Rules whose errors OpenVPN reports while reading the file (they run before OV15). */
const READING_RULES = new Set(['OV01', 'OV02', 'OV05', 'OV06', 'OV07']);

export function ov15(ctx: RuleContext): void {
  if (!WHOLE_CONFIG.some((n) => ctx.model.last.has(n))) return;
  // OpenVPN stops at the first error while reading and never gets to these checks; judging the
  // rest would report consequences of that error (a misspelt `Client` is no client at all).
  if (ctx.sink.findings.some((f) => f.severity === 'error' && READING_RULES.has(f.ruleId))) return;
  const s = startupState(ctx);
  const refuse = (d: Directive | undefined, message: string, related?: Directive): void => {
    if (ctx.sink.full) return;
    const start = d ? d.nameToken.start : 0;
    const end = d ? d.nameToken.end : 0;
    report(ctx, 'OV15', 'error', message, start, end, [], related && related !== d ? [{ range: ctx.index.range(related.nameToken.start, related.nameToken.end), message: `the ${related.name} line` }] : undefined);
  };
  const first = ctx.model.valid[0];

  devices(s, refuse, first);
  helper(s, refuse);
  entries(s, refuse);
  if (s.serverMode) serverMode(s, refuse);
  else clientOrP2p(s, refuse);
  tlsMode(s, refuse, first);
  misc(s, refuse);
}

type Refuse = (d: Directive | undefined, message: string, related?: Directive) => void;

function devices(s: StartupState, refuse: Refuse, first: Directive | undefined): void {
  if (!s.dev) refuse(s.serverMode ?? s.tlsClient ?? first, `no dev: ${REFUSES} without a tun or tap device; add 'dev tun'`);
  const lladdr = s.get('lladdr');
  if (lladdr && s.devType !== 'tap') refuse(lladdr, `lladdr sets a MAC address, which only a tap device has: ${REFUSES}; use 'dev tap' or remove lladdr`, s.dev);
  const tunMtu = s.get('tun-mtu');
  const linkMtu = s.get('link-mtu');
  if (tunMtu && linkMtu) refuse(linkMtu, `tun-mtu and link-mtu together: ${REFUSES} (only one may be set); keep tun-mtu`, tunMtu);
}

function helper(s: StartupState, refuse: Refuse): void {
  const server = s.get('server');
  const bridge = s.get('server-bridge');
  const server6 = s.get('server-ipv6');
  const client = s.get('client');
  const secret = s.secret;
  const pool = s.get('ifconfig-pool');
  const nopool = server?.args[2]?.text === 'nopool';
  if (server) {
    if (client) refuse(client, `client and server in one file: ${REFUSES}; a config is either the server's or a client's`, server);
    if (bridge) refuse(bridge, `server and server-bridge together: ${REFUSES}; keep one`, server);
    if (secret) refuse(secret, `server needs TLS (certificates), not a static key: ${REFUSES} with secret; remove secret and use ca/cert/key`, server);
    if (pool && !nopool) refuse(pool, `server already sets up an address pool: ${REFUSES} with ifconfig-pool as well; remove ifconfig-pool or add 'nopool' to server`, server);
    if (s.devType !== 'tun' && s.devType !== 'tap' && s.dev) refuse(server, `server works only with a tun or tap device: ${REFUSES}; use 'dev tun'`, s.dev);
    const net = inetAton(server.args[0]?.text ?? '');
    const mask = inetAton(server.args[1]?.text ?? '');
    if (net !== undefined && mask !== undefined) {
      const bits = netbits(mask);
      if (bits < 0) refuse(server, `server's netmask ${server.args[1].text} is not a contiguous netmask: ${REFUSES}`);
      else if ((net & ~mask) >>> 0 !== 0) refuse(server, `server's network ${server.args[0].text} has host bits set for netmask ${server.args[1].text}: ${REFUSES}; use the network address`);
      else if (bits < 16) refuse(server, `server's netmask /${bits} is too large (at most /16, 65536 addresses): ${REFUSES}`);
      else if (s.devType === 'tun' && bits > 29) refuse(server, `server with dev tun needs a /29 or larger network, not /${bits}: ${REFUSES}`);
      else if (s.devType === 'tap' && bits > 30) refuse(server, `server with dev tap needs a /30 or larger network, not /${bits}: ${REFUSES}`);
    }
  } else if (bridge) {
    if (client) refuse(client, `client and server-bridge in one file: ${REFUSES}`, bridge);
    if (pool) refuse(pool, `server-bridge already sets up an address pool: ${REFUSES} with ifconfig-pool as well`, bridge);
    if (secret) refuse(secret, `server-bridge needs TLS (certificates), not a static key: ${REFUSES} with secret`, bridge);
    if (s.devType !== 'tap' && s.dev) refuse(bridge, `server-bridge works only with a tap device: ${REFUSES}; use 'dev tap'`, s.dev);
  }
  if (server6) {
    if (client) refuse(client, `client and server-ipv6 in one file: ${REFUSES}`, server6);
    if (nopool) refuse(server6, `server-ipv6 does not work with server's 'nopool': ${REFUSES}`, server);
    const pool6 = s.get('ifconfig-ipv6-pool');
    if (pool6) refuse(pool6, `server-ipv6 already sets up an IPv6 address pool: ${REFUSES} with ifconfig-ipv6-pool as well`, server6);
  }
}

function entries(s: StartupState, refuse: Refuse): void {
  const seen = new Set<Directive>();
  const once = (d: Directive | undefined, message: string, related?: Directive): void => {
    if (!d || seen.has(d)) return;
    seen.add(d);
    refuse(d, message, related);
  };
  const tcpServer = s.entries.some((e) => e.proto === 'tcp-server');
  for (const e of s.entries) {
    const protoAt = e.entry.protoFrom ?? e.entry.remote;
    if (e.proto === 'tcp') once(e.entry.protoFrom, `proto ${e.entry.proto} is ambiguous without client or server: ${REFUSES}; write tcp-client or tcp-server`);
    const http = e.has('http-proxy');
    const socks = e.has('socks-proxy');
    if (http && e.proto !== 'tcp-client' && e.proto !== 'tcp') once(http, `http-proxy needs proto tcp-client, but this connection uses ${e.entry.proto}: ${REFUSES}; add 'proto tcp-client'`, protoAt);
    if (http && socks) once(socks, `http-proxy and socks-proxy together: ${REFUSES}; keep one`, http);
    if (socks && e.proto === 'tcp-server') once(socks, `socks-proxy cannot be used with proto tcp-server: ${REFUSES}`, protoAt);
    if (!e.entry.remote && e.proto === 'tcp-client') once(e.entry.protoFrom ?? s.get('client'), `tcp-client without remote: ${REFUSES}; add 'remote HOST PORT'`);
    else if (!e.entry.remote && !e.bindLocal) once(e.entry.nobind ?? s.pull ?? e.entry.protoFrom, e.entry.nobind ? `nobind without remote: ${REFUSES}; nobind only makes sense for a client that dials a remote` : `${s.pull?.name ?? 'this'} mode without remote: ${REFUSES} (it does not listen, and has nowhere to connect); add 'remote HOST PORT'`);
    const local = e.has('local');
    if (local && e.entry.nobind) once(e.entry.nobind, `local and nobind contradict each other: ${REFUSES}; delete one`, local);
    const mtuTest = s.get('mtu-test');
    if (mtuTest && e.proto !== 'udp') once(mtuTest, `mtu-test only works over UDP, this connection uses ${e.entry.proto}: ${REFUSES}`, protoAt);
  }
  if (tcpServer && s.entries.length > 1) {
    const at = s.entries.find((e) => e.proto === 'tcp-server')?.entry.protoFrom;
    once(at, `proto tcp-server with ${s.entries.length} remotes or connection blocks: ${REFUSES} (a TCP server takes at most one)`);
  }
}

function serverMode(s: StartupState, refuse: Refuse): void {
  const sm = s.serverMode as Directive;
  const isModeLine = sm.name === 'mode';
  if (isModeLine && s.dev && s.devType !== 'tun' && s.devType !== 'tap') refuse(sm, `mode server works only with a tun or tap device: ${REFUSES}`, s.dev);
  if (isModeLine && !s.tlsServer) refuse(sm, `mode server needs tls-server (or use 'server NETWORK NETMASK', which implies it): ${REFUSES}`);
  const client = s.get('client');
  if (client && isModeLine) refuse(client, `client in a server config: ${REFUSES}`, sm);
  for (const [name, why] of NOT_IN_SERVER) {
    const d = s.get(name);
    if (d && !(name === 'pull' && client)) refuse(d, `${name} cannot be used in server mode (${why}): ${REFUSES}`, sm);
  }
  const seen = new Set<Directive>();
  for (const e of s.entries) {
    const at = e.entry.protoFrom ?? sm;
    if (e.proto !== 'udp' && e.proto !== 'tcp-server' && !seen.has(at)) {
      seen.add(at);
      refuse(at, `server mode needs proto udp or tcp-server, not ${e.entry.proto}: ${REFUSES}`, sm);
    }
    if (e.entry.remote && !seen.has(e.entry.remote)) {
      seen.add(e.entry.remote);
      refuse(e.entry.remote, `remote ${e.entry.block ? '(in a <connection> block) ' : ''}cannot be used in server mode: ${REFUSES}; a server listens, its clients name it in their remote`, sm);
    }
    if (e.entry.nobind && !seen.has(e.entry.nobind)) {
      seen.add(e.entry.nobind);
      refuse(e.entry.nobind, `nobind cannot be used in server mode (a server must bind): ${REFUSES}`, sm);
    }
    for (const name of ['http-proxy', 'socks-proxy']) {
      const d = e.has(name);
      if (d && !seen.has(d)) {
        seen.add(d);
        refuse(d, `${name} cannot be used in server mode: ${REFUSES}`, sm);
      }
    }
    const cf = s.get('connect-freq');
    if (cf && e.proto !== 'udp' && !seen.has(cf)) {
      seen.add(cf);
      refuse(cf, `connect-freq works only over UDP in 2.6: ${REFUSES}; use max-clients for TCP`, e.entry.protoFrom);
    }
  }
  const pool = s.get('ifconfig-pool');
  const topology = s.get('topology')?.args[0]?.text ?? 'net30';
  if (pool && pool.args.length === 3 && !(s.devType === 'tap' || (s.devType === 'tun' && topology === 'subnet'))) {
    refuse(pool, `ifconfig-pool's netmask (third parameter) needs dev tap or topology subnet: ${REFUSES}`);
  }
  const server = s.get('server');
  const bridge = s.get('server-bridge');
  const hasPool = pool || s.get('ifconfig-ipv6-pool') || s.get('server-ipv6') || (server && server.args[2]?.text !== 'nopool') || (bridge && bridge.args.length === 4);
  const persist = s.get('ifconfig-pool-persist');
  if (persist && !hasPool) refuse(persist, `ifconfig-pool-persist without an address pool: ${REFUSES}; it needs ifconfig-pool, ifconfig-ipv6-pool or server without nopool`);
  const pool6 = s.get('ifconfig-ipv6-pool');
  if (pool6 && !s.get('ifconfig-ipv6') && !s.get('server-ipv6')) refuse(pool6, `ifconfig-ipv6-pool needs ifconfig-ipv6 (the server's own IPv6 address): ${REFUSES}`);
  const ccdEx = s.get('ccd-exclusive');
  if (ccdEx && !s.get('client-config-dir')) refuse(ccdEx, `ccd-exclusive needs client-config-dir: ${REFUSES}`);
  const genToken = s.get('auth-gen-token');
  const reneg = s.get('reneg-sec');
  if (genToken && reneg && atoi(reneg.args[0].text).value === 0) refuse(genToken, `auth-gen-token needs a finite reneg-sec (not 0): ${REFUSES}`, reneg);
  const verifier = s.get('auth-user-pass-verify') ?? s.get('plugin') ?? s.get('management-client-auth');
  if (!verifier) {
    const vcc = s.get('verify-client-cert');
    if (vcc && (vcc.args[0]?.text === 'none' || vcc.args[0]?.text === 'optional')) refuse(vcc, `verify-client-cert ${vcc.args[0].text} lets clients in without a certificate, so OpenVPN demands another check: ${REFUSES} without auth-user-pass-verify, a plugin or management-client-auth`);
    for (const name of ['username-as-common-name', 'auth-user-pass-optional']) {
      const d = s.get(name);
      if (d) refuse(d, `${name} needs auth-user-pass-verify, a plugin or management-client-auth: ${REFUSES}`);
    }
  }
  const vlan = s.get('vlan-tagging');
  if (vlan && s.devType !== 'tap') refuse(vlan, `vlan-tagging needs dev tap: ${REFUSES}`, s.dev);
  if (!vlan) {
    for (const name of ['vlan-accept', 'vlan-pvid']) {
      const d = s.get(name);
      if (d) refuse(d, `${name} needs vlan-tagging: ${REFUSES}`);
    }
  }
}

function clientOrP2p(s: StartupState, refuse: Refuse): void {
  for (const name of SERVER_ONLY) {
    const d = s.get(name);
    if (d) refuse(d, `${name} works only in server mode ('server' or 'mode server'): ${REFUSES}; it belongs in the server's config`);
  }
  const vcc = s.get('verify-client-cert');
  if (vcc && (vcc.args[0]?.text === 'none' || vcc.args[0]?.text === 'optional')) refuse(vcc, `verify-client-cert works only in server mode: ${REFUSES}`);
  const hash = s.get('hash-size');
  if (hash && (atoi(hash.args[0].text).value !== 256 || atoi(hash.args[1]?.text ?? '256').value !== 256)) refuse(hash, `hash-size works only in server mode: ${REFUSES}`);
}

function tlsMode(s: StartupState, refuse: Refuse, first: Directive | undefined): void {
  const modes = [s.tlsServer, s.tlsClient, s.secret].filter((d): d is Directive => d !== undefined);
  if (modes.length > 1) {
    const [a, b] = modes.sort((x, y) => x.lineStart - y.lineStart);
    refuse(b, `${a.name} and ${b.name} select different modes (${modes.map((d) => d.name).join(', ')}): ${REFUSES}; use only one of tls-server, tls-client or secret`, a);
  }
  const min = s.get('tls-version-min');
  const max = s.get('tls-version-max');
  const vmin = tlsVersion(min?.args[0]?.text);
  const vmax = tlsVersion(max?.args[0]?.text);
  if (min && max && vmin !== undefined && vmax !== undefined && vmin > vmax) refuse(min, `tls-version-min ${min.args[0].text} is above tls-version-max ${max.args[0].text}: ${REFUSES}`, max);

  if (s.tls) {
    const anchor = s.tlsClient ?? s.tlsServer ?? first;
    const ca = s.get('ca') ?? s.get('capath') ?? s.get('pkcs12') ?? s.get('peer-fingerprint');
    if (!ca) refuse(anchor, `TLS mode without a CA: ${REFUSES}; add 'ca' (or capath, pkcs12, or peer-fingerprint) to say which certificates to trust`);
    const cert = s.get('cert');
    const key = s.get('key');
    const pkcs12 = s.get('pkcs12');
    const extKey = s.get('management-external-key');
    const extCert = s.get('management-external-cert');
    const pkcs11 = s.get('pkcs11-providers');
    // `setenv opt cryptoapicert …` is the portable way to use the Windows certificate store: the
    // Windows build reads it as the certificate and key, other builds skip the line.
    const windowsStore = (s.anywhereRaw('cryptoapicert') ?? []).length > 0;
    if (windowsStore) {
      // The Windows build's own rules apply (cryptoapicert excludes cert, key and pkcs12); not judged here.
    } else if (pkcs11) {
      for (const d of [cert, key, pkcs12]) if (d) refuse(d, `${d.name} cannot be used together with pkcs11-providers: ${REFUSES}`, pkcs11);
    } else if (extKey && key) {
      refuse(key, `key and management-external-key exclude each other: ${REFUSES}`, extKey);
    } else if (extCert) {
      if (cert) refuse(cert, `cert and management-external-cert exclude each other: ${REFUSES}`, extCert);
      else if (!extKey) refuse(extCert, `management-external-cert needs management-external-key: ${REFUSES}`);
    } else if (pkcs12) {
      for (const d of [s.get('capath'), cert, key, extKey]) if (d) refuse(d, `${d.name} cannot be used together with pkcs12 (it already holds the certificate and key): ${REFUSES}`, pkcs12);
    } else if (s.pull) {
      const sum = (cert || extCert ? 1 : 0) + (key || extKey ? 1 : 0);
      if (sum === 0 && !s.get('auth-user-pass')) refuse(anchor, `a client with no way to authenticate: ${REFUSES}; add cert and key, pkcs12, or auth-user-pass`);
      else if (sum === 1) refuse(cert ?? key ?? anchor, `${cert ? 'cert without key' : 'key without cert'}: ${REFUSES}; a certificate needs its private key`);
    } else {
      if (!cert && !extCert) refuse(anchor, `${anchor?.name ?? 'TLS'} without cert: ${REFUSES}; without 'client' or 'pull' this side needs its own certificate (cert or pkcs12)`);
      if (!key && !extKey) refuse(anchor, `${anchor?.name ?? 'TLS'} without key: ${REFUSES}; without 'client' or 'pull' this side needs its private key (key or pkcs12)`);
    }
    for (const e of s.entries) {
      const auth = e.has('tls-auth');
      const crypt = e.has('tls-crypt');
      const v2 = e.has('tls-crypt-v2');
      if (auth && crypt) refuse(crypt, `tls-auth and tls-crypt exclude each other: ${REFUSES}; keep tls-crypt`, auth);
      else if (s.tlsClient && v2 && (auth || crypt)) refuse(v2, `a client uses one of tls-crypt-v2, tls-auth or tls-crypt: ${REFUSES}`, auth ?? crypt);
      if (s.entries.length > 1) break;
    }
    if (s.tlsServer && !s.tlsClient) {
      const dh = s.get('dh');
      if (!dh) refuse(s.tlsServer, `${s.tlsServer.name} without dh: OpenVPN 2.6 refuses to start ("You must define DH file"); add 'dh none' to use ECDHE only (OpenVPN 2.7 assumes dh none when dh is missing)`);
    }
  } else {
    for (const [name, dflt] of TLS_ONLY) {
      const d = s.get(name);
      if (!d) continue;
      if (dflt !== undefined && d.args[0] && atoi(d.args[0].text).value === dflt) continue;
      refuse(d, `${name} is a TLS option, but this config has neither tls-client nor tls-server${s.secret ? ' (secret selects static-key mode)' : ''}: ${REFUSES}; add 'client' or 'tls-client'${s.secret ? '' : ", or remove it"}`);
    }
    if (s.pull) refuse(s.pull, `pull needs TLS mode (tls-client): ${REFUSES}; use 'client', which sets both`);
  }
}

function misc(s: StartupState, refuse: Refuse): void {
  const aup = s.get('auth-user-pass');
  if (aup && !s.pull && !s.serverMode) refuse(aup, `auth-user-pass needs pull (or client): ${REFUSES}`);
  if (!s.get('management')) {
    for (const name of NEEDS_MANAGEMENT) {
      const d = s.get(name);
      if (d) refuse(d, `${name} changes the management interface, but there is no management line: ${REFUSES}`);
    }
  } else {
    const m = s.get('management') as Directive;
    const unix = m.args[1]?.text === 'unix';
    for (const name of ['management-client-user', 'management-client-group']) {
      const d = s.get(name);
      if (d && !unix) refuse(d, `${name} works only with a unix-socket management interface: ${REFUSES}`, m);
    }
  }
  const noReplay = s.get('no-replay');
  const window = s.get('replay-window');
  if (noReplay && window && (atoi(window.args[0].text).value !== 64 || (window.args[1] && atoi(window.args[1].text).value !== 15))) {
    refuse(window, `replay-window with no-replay: ${REFUSES}; no-replay turns the replay window off`, noReplay);
  }
  // `server` writes its own ifconfig from the network (helper_client_server), replacing this one.
  const ifc = s.get('server') ? undefined : s.get('ifconfig');
  if (ifc && ifc.args[0] && ifc.args[1] && ifc.args[0].text === ifc.args[1].text) refuse(ifc, `ifconfig's two addresses are the same: ${REFUSES}`);
  if (ifc) {
    for (const e of s.entries) {
      const r = e.entry.remote?.args[0]?.text;
      if (r && (r === ifc.args[0]?.text || r === ifc.args[1]?.text)) refuse(e.entry.remote, `remote ${r} is also an ifconfig (tunnel) address: ${REFUSES}; the remote is the peer's real address`, ifc);
    }
  }
}
