/**
 * Common values offered by completion, each with a few words on what it means. Key material is
 * never suggested (PrivateKey, PublicKey, PresharedKey have no entries), nor is anything that
 * depends on the user's network (addresses, endpoints, DNS servers).
 */
import { KEYWORD_PARAMS, PROTOCOLS, REDIRECT_FLAGS } from '../openvpn/options';
import type { KeyName } from '../wireguard/model';

export interface ValueSuggestion {
  readonly value: string;
  readonly detail: string;
}

export const WIREGUARD_VALUES: Readonly<Partial<Record<KeyName, readonly ValueSuggestion[]>>> = {
  PersistentKeepalive: [
    { value: '25', detail: 'every 25 seconds: keeps the mappings of most NATs and firewalls open' },
    { value: 'off', detail: 'no keepalives (the default)' },
  ],
  ListenPort: [{ value: '51820', detail: 'the customary WireGuard port' }],
  AllowedIPs: [
    { value: '0.0.0.0/0, ::/0', detail: 'everything, IPv4 and IPv6 (full tunnel)' },
    { value: '0.0.0.0/0', detail: 'all IPv4 traffic (IPv6 then bypasses the tunnel)' },
    { value: '::/0', detail: 'all IPv6 traffic' },
  ],
  Table: [
    { value: 'auto', detail: 'the default: routes in the main table, a default route in its own table' },
    { value: 'off', detail: 'wg-quick adds no routes' },
  ],
  SaveConfig: [
    { value: 'false', detail: 'leave the file alone (the default)' },
    { value: 'true', detail: 'rewrite the file from the running state on shutdown (comments are lost)' },
  ],
  MTU: [
    { value: '1420', detail: 'wg-quick\'s usual automatic value on a 1500-byte network' },
    { value: '1280', detail: 'the smallest MTU that still carries IPv6' },
  ],
  FwMark: [{ value: 'off', detail: 'no mark (the default)' }],
};

const PROTO_DETAIL: Readonly<Record<string, string>> = {
  udp: 'UDP (the default, works best)',
  'tcp-client': 'TCP, this side connects',
  'tcp-server': 'TCP, this side listens',
  tcp: 'TCP, client or server from the mode',
  udp4: 'UDP over IPv4 only',
  udp6: 'UDP over IPv6 only',
  tcp4: 'TCP over IPv4 only',
  tcp6: 'TCP over IPv6 only',
  'tcp4-client': 'TCP over IPv4, this side connects',
  'tcp6-client': 'TCP over IPv6, this side connects',
  'tcp4-server': 'TCP over IPv4, this side listens',
  'tcp6-server': 'TCP over IPv6, this side listens',
};

const protocols = (names: readonly string[]): ValueSuggestion[] =>
  names.filter((p) => PROTOCOLS.has(p)).map((p) => ({ value: p, detail: PROTO_DETAIL[p] ?? 'a protocol OpenVPN accepts' }));

const DATA_CIPHERS = 'AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305';

/** Suggestions per option and 1-based parameter index. */
const OPENVPN: Readonly<Record<string, Readonly<Record<number, readonly ValueSuggestion[]>>>> = {
  proto: { 1: protocols(['udp', 'tcp-client', 'tcp-server', 'udp4', 'udp6', 'tcp', 'tcp4', 'tcp6', 'tcp4-client', 'tcp6-client', 'tcp4-server', 'tcp6-server']) },
  remote: {
    2: [
      { value: '1194', detail: 'the IANA port for OpenVPN (the default)' },
      { value: '443', detail: 'the HTTPS port, often open where others are blocked' },
    ],
    3: protocols(['udp', 'tcp', 'udp4', 'udp6', 'tcp4', 'tcp6']),
  },
  port: { 1: [{ value: '1194', detail: 'the IANA port for OpenVPN (the default)' }] },
  lport: { 1: [{ value: '1194', detail: 'the IANA port for OpenVPN (the default)' }] },
  rport: { 1: [{ value: '1194', detail: 'the IANA port for OpenVPN (the default)' }] },
  dev: {
    1: [
      { value: 'tun', detail: 'routed IP tunnel (layer 3): the usual choice' },
      { value: 'tap', detail: 'Ethernet tunnel (layer 2), for bridging' },
    ],
  },
  'dev-type': {
    1: [
      { value: 'tun', detail: 'routed IP tunnel (layer 3)' },
      { value: 'tap', detail: 'Ethernet tunnel (layer 2)' },
    ],
  },
  keepalive: {
    1: [
      { value: '10 60', detail: 'ping every 10 s, restart after 60 s of silence' },
      { value: '10 120', detail: 'ping every 10 s, restart after 120 s of silence' },
    ],
  },
  'remote-cert-tls': {
    1: [
      { value: 'server', detail: 'in a client config: the peer must hold a server certificate' },
      { value: 'client', detail: 'in a server config: peers must hold client certificates' },
    ],
  },
  verb: {
    1: [
      { value: '3', detail: 'a good summary of what happens' },
      { value: '1', detail: 'the default: start-up and errors' },
      { value: '4', detail: 'also the parameters in use' },
      { value: '0', detail: 'fatal errors only' },
    ],
  },
  cipher: {
    1: [
      { value: 'AES-256-GCM', detail: 'AES with a 256-bit key, authenticated (AEAD)' },
      { value: 'AES-128-GCM', detail: 'AES with a 128-bit key, authenticated (AEAD)' },
      { value: 'CHACHA20-POLY1305', detail: 'ChaCha20-Poly1305 (AEAD), fast without AES hardware' },
    ],
  },
  'data-ciphers': {
    1: [
      { value: DATA_CIPHERS, detail: 'OpenVPN 2.6\'s default list' },
      { value: 'AES-256-GCM:AES-128-GCM', detail: 'AES-GCM only (the 2.5 default)' },
    ],
  },
  auth: {
    1: [
      { value: 'SHA256', detail: 'HMAC-SHA256' },
      { value: 'SHA512', detail: 'HMAC-SHA512' },
    ],
  },
  'allow-compression': {
    1: [
      { value: 'no', detail: 'refuse compression (recommended)' },
      { value: 'asym', detail: 'decompress what the peer sends, never compress' },
      { value: 'yes', detail: 'compress both ways (exposes traffic to VORACLE-style attacks)' },
    ],
  },
  compress: {
    1: [
      { value: 'stub-v2', detail: 'compression framing only, no compression' },
      { value: 'migrate', detail: 'move clients off compression' },
    ],
  },
  'comp-lzo': { 1: [{ value: 'no', detail: 'framing only: compression stays off' }] },
  topology: {
    1: [
      { value: 'subnet', detail: 'one address per client on a plain subnet (recommended)' },
      { value: 'net30', detail: 'a /30 per client (the 2.6 default)' },
      { value: 'p2p', detail: 'one address per client, no Windows clients' },
    ],
  },
  'resolv-retry': { 1: [{ value: 'infinite', detail: 'keep retrying (the default)' }] },
  'script-security': {
    1: [
      { value: '2', detail: 'also run user scripts (up, down, …)' },
      { value: '1', detail: 'built-in tools only (the default)' },
      { value: '0', detail: 'no external programs at all' },
    ],
  },
  'redirect-gateway': Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => [
      i + 1,
      [
        { value: 'def1', detail: 'two /1 routes instead of replacing the default route' },
        { value: 'ipv6', detail: 'redirect IPv6 too' },
        { value: 'bypass-dhcp', detail: 'keep the DHCP server reachable outside the tunnel' },
        { value: 'bypass-dns', detail: 'keep the DNS servers reachable outside the tunnel' },
        { value: 'block-local', detail: 'block the local LAN while connected' },
        { value: 'local', detail: 'both peers are on the same subnet' },
        { value: 'autolocal', detail: 'detect whether local applies' },
        { value: '!ipv4', detail: 'do not redirect IPv4 (use with ipv6)' },
      ].filter((v) => REDIRECT_FLAGS.has(v.value)),
    ]),
  ),
  'explicit-exit-notify': {
    1: [
      { value: '1', detail: 'client: send the notice once; server: clients reconnect to the same server' },
      { value: '2', detail: 'client: resend once more; server: clients move to the next server' },
    ],
  },
  'key-direction': {
    1: [
      { value: '1', detail: 'usually on clients' },
      { value: '0', detail: 'usually on the server' },
    ],
  },
  'tls-version-min': {
    1: [
      { value: '1.2', detail: 'TLS 1.2 or newer (the 2.6 default)' },
      { value: '1.3', detail: 'TLS 1.3 only' },
    ],
  },
  'route-gateway': { 1: [{ value: 'dhcp', detail: 'learn the gateway by DHCP' }] },
  'dhcp-option': {
    1: [
      { value: 'DNS', detail: 'a DNS server address follows' },
      { value: 'DOMAIN', detail: 'the connection\'s DNS suffix follows' },
      { value: 'DOMAIN-SEARCH', detail: 'a search domain follows' },
    ],
  },
  'auth-user-pass-verify': {
    2: [
      { value: 'via-file', detail: 'credentials in a temporary file (safer)' },
      { value: 'via-env', detail: 'credentials in environment variables' },
    ],
  },
  'pull-filter': {
    1: [
      { value: 'ignore', detail: 'drop matching pushed options' },
      { value: 'accept', detail: 'accept matching pushed options' },
      { value: 'reject', detail: 'treat matching pushed options as an error' },
    ],
  },
  user: { 1: [{ value: 'nobody', detail: 'an unprivileged user' }] },
  group: { 1: [{ value: 'nogroup', detail: 'an unprivileged group (Debian; `nobody` elsewhere)' }] },
  server: { 1: [{ value: '10.8.0.0 255.255.255.0', detail: 'the network of OpenVPN\'s sample configs' }] },
};

const KEYWORD_DETAIL = 'accepted by OpenVPN';

/** Suggestions for parameter `index` (1-based) of `option`: our list, else the option table's keywords. */
export function openVpnValues(option: string, index: number): readonly ValueSuggestion[] {
  const own = OPENVPN[option]?.[index];
  if (own) return own;
  const kw = KEYWORD_PARAMS.get(option);
  if (kw && kw.index === index) return kw.values.map((value) => ({ value, detail: KEYWORD_DETAIL }));
  return [];
}

export function wireGuardValues(key: KeyName): readonly ValueSuggestion[] {
  return WIREGUARD_VALUES[key] ?? [];
}
