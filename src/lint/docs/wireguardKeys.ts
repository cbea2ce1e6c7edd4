/**
 * Reference entries for every key the WireGuard linter's parser accepts (src/lint/wireguard/model.ts)
 * and for the two section headers. Written for this project from wg(8) and wg-quick(8) and
 * checked against wireguard-tools' src/config.c and wg-quick/linux.bash; where behaviour differs
 * between the two readers the entry says which one it is about.
 */
import { HOOK_KEYS, INTERFACE_WG_KEYS, MULTI_KEYS, PEER_KEYS, WQ_KEYS, type KeyName } from '../wireguard/model';
import type { KeyDoc } from './types';

export type WireGuardHeader = '[Interface]' | '[Peer]';
export type WireGuardDocName = KeyName | WireGuardHeader;

/** Which section a key belongs in, or 'header' for the section headers themselves. */
export type WireGuardPlace = 'Interface' | 'Peer' | 'header';

export interface WireGuardKeyDoc extends KeyDoc {
  readonly place: WireGuardPlace;
  /** `wg` reads it (wg setconf / syncconf), or only wg-quick does (and strips it before wg sees it). */
  readonly reader: 'wg' | 'wg-quick';
  /** Each line adds to a list instead of replacing the previous one. */
  readonly repeatable: boolean;
  /** The value is key material: never echo it. */
  readonly secret: boolean;
}

const WG_MAN = 'wg(8), CONFIGURATION FILE FORMAT';
const WG_CONFIG_C = 'wireguard-tools src/config.c (process_line)';
const WQ_MAN = 'wg-quick(8), CONFIGURATION';
const WQ_BASH = 'wireguard-tools wg-quick/linux.bash';

interface Entry {
  readonly summary: string;
  readonly defaultValue: string;
  readonly values: string;
  readonly notes?: readonly string[];
  readonly secret?: boolean;
}

const HOOK_NOTE = 'Runs under bash; `%i` is replaced by the interface name. May be given several times: the commands run in file order.';

const KEYS: Readonly<Record<KeyName, Entry>> = {
  PrivateKey: {
    summary: 'The private key of this interface, the secret half of its identity.',
    defaultValue: 'none: without it the interface has no identity and cannot complete a handshake.',
    values: 'A Curve25519 key as 44 characters of standard base64 ending in `=`, as printed by `wg genkey`.',
    notes: ['Keep it out of shared files; the matching public key (`wg pubkey`) is what peers need.'],
    secret: true,
  },
  ListenPort: {
    summary: 'The UDP port this interface listens on for handshakes and data from peers.',
    defaultValue: 'a random free port chosen when the interface comes up.',
    values: 'A port number 0–65535 (0 = pick one at random). `51820` is the customary choice.',
    notes: ['A peer that others connect to needs a fixed port; a roaming client usually leaves it out.'],
  },
  FwMark: {
    summary: 'A firewall mark put on the encrypted packets this interface sends, for policy routing.',
    defaultValue: 'off (no mark).',
    values: 'A 32-bit number in decimal or `0x` hex, or `off` (same as 0).',
    notes: ['wg-quick sets its own mark (51820) when it routes a default route through a separate table.'],
  },
  PublicKey: {
    summary: 'The public key of this peer; it identifies the peer and is required in every [Peer].',
    defaultValue: 'none: a [Peer] without it is rejected.',
    values: 'A Curve25519 public key as 44 characters of standard base64 ending in `=` (`wg pubkey` output).',
  },
  PresharedKey: {
    summary: 'An optional symmetric key mixed into the handshake with this peer, as an extra layer against future quantum attacks.',
    defaultValue: 'none (no preshared key).',
    values: 'A 256-bit key as 44 characters of standard base64 ending in `=`, as printed by `wg genpsk`; both sides must use the same one.',
    secret: true,
  },
  AllowedIPs: {
    summary: 'The addresses this peer may send from and that are routed to it: the cryptokey routing table.',
    defaultValue: 'none: the peer can neither send nor receive tunnel traffic.',
    values: 'A comma-separated list of IPv4/IPv6 prefixes (`10.0.0.2/32`, `0.0.0.0/0`, `::/0`); a bare address means /32 or /128.',
    notes: [
      'Lines add up. The same prefix on two peers moves it to the later peer.',
      'With wg-quick, each prefix also becomes a route through the interface (see Table).',
    ],
  },
  Endpoint: {
    summary: 'Where to send packets to reach this peer; updated automatically when the peer roams.',
    defaultValue: 'none: the peer is only reached after it has contacted us first.',
    values: '`host:port`, `IPv4:port` or `[IPv6]:port`. A host name is resolved once, when the config is applied.',
  },
  PersistentKeepalive: {
    summary: 'How often to send an empty authenticated packet to this peer so a NAT or stateful firewall keeps the path open.',
    defaultValue: 'off (0): nothing is sent while the tunnel is idle.',
    values: 'Seconds 1–65535, or `0` / `off` to disable. `25` suits most NATs.',
    notes: ['Needed on the side behind NAT when the other side must be able to reach it at any time.'],
  },
  Address: {
    summary: 'The IP addresses wg-quick assigns to the interface.',
    defaultValue: 'none: no address is assigned.',
    values: 'Comma-separated IPv4/IPv6 addresses, each with an optional prefix length (`10.0.0.1/24, fd00::1/64`).',
    notes: ['May be given several times; the addresses add up.'],
  },
  DNS: {
    summary: 'DNS servers (and search domains) wg-quick sets while the interface is up.',
    defaultValue: 'none: the system resolver is left alone.',
    values: 'Comma-separated entries: an IP address is a name server, anything else a search domain.',
    notes: ['Applied through `resolvconf`; the host needs it installed. May be given several times.'],
  },
  MTU: {
    summary: 'The MTU wg-quick sets on the interface.',
    defaultValue: 'worked out by wg-quick from the route to the endpoints (or the default route) minus 80 bytes of overhead: 1420 on a 1500-byte network.',
    values: 'A number of bytes. 1280 is the smallest that still carries IPv6.',
  },
  Table: {
    summary: 'Which routing table wg-quick puts the routes for AllowedIPs in, or whether it adds routes at all.',
    defaultValue: '`auto`: the main table; a default route (`0.0.0.0/0`, `::/0`) goes into its own table with policy rules instead.',
    values: '`auto`, `off` (add no routes), or a table number or name.',
  },
  PreUp: {
    summary: 'A shell command wg-quick runs before it creates the interface.',
    defaultValue: 'none.',
    values: 'A bash command line.',
    notes: [HOOK_NOTE],
  },
  PostUp: {
    summary: 'A shell command wg-quick runs after the interface is up and configured.',
    defaultValue: 'none.',
    values: 'A bash command line.',
    notes: [HOOK_NOTE],
  },
  PreDown: {
    summary: 'A shell command wg-quick runs before it takes the interface down.',
    defaultValue: 'none.',
    values: 'A bash command line.',
    notes: [HOOK_NOTE],
  },
  PostDown: {
    summary: 'A shell command wg-quick runs after the interface has been removed.',
    defaultValue: 'none.',
    values: 'A bash command line.',
    notes: [HOOK_NOTE],
  },
  SaveConfig: {
    summary: 'Whether wg-quick writes the running configuration back to this file when the interface goes down.',
    defaultValue: '`false`.',
    values: '`true` or `false`.',
    notes: ['With `true`, the file is rewritten on `wg-quick down`: comments and formatting are lost.'],
  },
};

const HEADERS: Readonly<Record<WireGuardHeader, Entry>> = {
  '[Interface]': {
    summary: 'Starts the section that configures this machine\'s side of the tunnel: its key, port and (for wg-quick) addresses.',
    defaultValue: 'required once per file; a second [Interface] silently overrides values of the first.',
    values: 'Exactly `[Interface]` on its own line (any letter case; wg-quick needs it without inner spaces).',
    notes: ['Takes PrivateKey, ListenPort, FwMark and the wg-quick keys (Address, DNS, MTU, Table, hooks, SaveConfig).'],
  },
  '[Peer]': {
    summary: 'Starts the section for one remote peer: its public key, allowed addresses and endpoint.',
    defaultValue: 'none: one section per peer, as many as needed.',
    values: 'Exactly `[Peer]` on its own line (any letter case).',
    notes: ['Takes PublicKey, PresharedKey, AllowedIPs, Endpoint and PersistentKeepalive.'],
  },
};

function keyDoc(name: KeyName): WireGuardKeyDoc {
  const e = KEYS[name];
  const wq = (WQ_KEYS as readonly KeyName[]).includes(name);
  const place: WireGuardPlace = (PEER_KEYS as readonly KeyName[]).includes(name) ? 'Peer' : 'Interface';
  const repeatable = MULTI_KEYS.has(name);
  const tags = [`[${place}]`, wq ? 'wg-quick only' : 'wg and wg-quick'];
  if (repeatable) tags.push('may repeat');
  const hook = (HOOK_KEYS as readonly KeyName[]).includes(name);
  const source = wq ? `${WQ_MAN}${hook ? ' (PreUp, PostUp, PreDown, PostDown)' : ''}; ${WQ_BASH}` : `${WG_MAN}; ${WG_CONFIG_C}`;
  return {
    name,
    summary: e.summary,
    defaultValue: e.defaultValue,
    values: e.values,
    source,
    tags,
    notes: e.notes ?? [],
    place,
    reader: wq ? 'wg-quick' : 'wg',
    repeatable,
    secret: e.secret === true,
  };
}

function headerDoc(name: WireGuardHeader): WireGuardKeyDoc {
  const e = HEADERS[name];
  return {
    name,
    summary: e.summary,
    defaultValue: e.defaultValue,
    values: e.values,
    source: `${WG_MAN}; ${WG_CONFIG_C}; ${WQ_BASH} (parse_options)`,
    tags: ['section header'],
    notes: e.notes ?? [],
    place: 'header',
    reader: 'wg',
    repeatable: name === '[Peer]',
    secret: false,
  };
}

const DOCS = new Map<string, WireGuardKeyDoc>();
for (const k of [...INTERFACE_WG_KEYS, ...WQ_KEYS, ...PEER_KEYS] as KeyName[]) DOCS.set(k, keyDoc(k));
for (const h of Object.keys(HEADERS) as WireGuardHeader[]) DOCS.set(h, headerDoc(h));

/** Every documented WireGuard name: the keys, then the two headers. */
export const WIREGUARD_DOCS: ReadonlyMap<string, WireGuardKeyDoc> = DOCS;

export const WIREGUARD_HEADERS: readonly WireGuardHeader[] = ['[Interface]', '[Peer]'];

/** The doc of a key (canonical spelling) or header (`[Interface]`, `[Peer]`). */
export function wireGuardDoc(name: string): WireGuardKeyDoc | undefined {
  return DOCS.get(name);
}
