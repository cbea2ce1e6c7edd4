/**
 * Just what reach needs from a WireGuard config: the [Interface] PrivateKey and, per [Peer],
 * PublicKey, PresharedKey and Endpoint with their lines. Read the way `wg` reads it (wireguard-
 * tools config.c): `#` starts a comment, keys in any case, the last value of a key wins.
 * The keys read here stay inside the probe: nothing derived from them but the public key's
 * first characters is ever shown.
 */

export interface WgPeerForReach {
  /** 0-based line of the [Peer] header. */
  readonly headerLine: number;
  readonly publicKey?: string;
  readonly presharedKey?: string;
  readonly endpoint?: { readonly value: string; readonly line: number };
}

export interface WgConfigForReach {
  readonly privateKey?: string;
  readonly peers: readonly WgPeerForReach[];
}

/** 32 bytes in standard base64, as `wg genkey` writes them. */
export function decodeKey(text: string | undefined): Uint8Array | undefined {
  if (text === undefined || !/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** How a peer is named in output: the public key's first 8 characters, never more. */
export function shortKey(publicKey: string | undefined): string {
  return publicKey ? `${publicKey.slice(0, 8)}…` : '(no PublicKey)';
}

export function readWireGuardConfig(text: string): WgConfigForReach {
  let section: 'interface' | 'peer' | 'other' | undefined;
  let privateKey: string | undefined;
  const peers: Array<{ headerLine: number; publicKey?: string; presharedKey?: string; endpoint?: { value: string; line: number } }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const hashAt = lines[i].indexOf('#');
    const line = (hashAt >= 0 ? lines[i].slice(0, hashAt) : lines[i]).trim();
    if (line === '') continue;
    const header = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
    if (header) {
      const name = header[1].toLowerCase();
      section = name === 'interface' ? 'interface' : name === 'peer' ? 'peer' : 'other';
      if (section === 'peer') peers.push({ headerLine: i });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    // wg deletes every space before parsing (config.c), so a key value never contains one.
    const value = line.slice(eq + 1).replace(/\s+/g, '');
    if (section === 'interface' && key === 'privatekey') privateKey = value;
    const peer = section === 'peer' ? peers[peers.length - 1] : undefined;
    if (!peer) continue;
    if (key === 'publickey') peer.publicKey = value;
    else if (key === 'presharedkey') peer.presharedKey = value;
    else if (key === 'endpoint') peer.endpoint = { value, line: i };
  }
  return { ...(privateKey !== undefined ? { privateKey } : {}), peers };
}

/** `host:port`, `[v6]:port`; undefined when it is neither. */
export function splitEndpoint(value: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:[\]]+):(\d{1,5})$/.exec(value);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1], port };
}
