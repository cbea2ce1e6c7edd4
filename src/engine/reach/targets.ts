/**
 * Where the endpoints of a config are, without any crypto: what the editor needs to place a
 * "Test reachability" lens, and how `--peer` / `--remote` name one. Kept free of the probes so
 * the extension bundle does not carry them (the CLI process does the probing).
 */

import { readWireGuardConfig, shortKey, splitEndpoint } from './wireguard/config';

export interface EndpointLocation {
  readonly protocol: 'wireguard' | 'openvpn';
  /** 0-based line of the Endpoint / remote line. */
  readonly line: number;
  /** WireGuard: the peer's full PublicKey (public, used as --peer); OpenVPN: the 1-based remote index (--remote). */
  readonly selector: string;
  readonly label: string;
}

export function wireGuardEndpointLocations(text: string): EndpointLocation[] {
  return readWireGuardConfig(text).peers.flatMap((p) => {
    if (!p.endpoint || !p.publicKey) return [];
    const ep = splitEndpoint(p.endpoint.value);
    return [
      {
        protocol: 'wireguard' as const,
        line: p.endpoint.line,
        selector: p.publicKey,
        label: `peer ${shortKey(p.publicKey)} → ${ep ? `${ep.host}:${ep.port}` : p.endpoint.value}`,
      },
    ];
  });
}

/**
 * `remote` lines in file order, those inside <connection> blocks included, as `--remote N`
 * counts them. Inline blocks (<ca>…</ca>) are skipped whole: their bodies are not directives.
 */
export function openVpnEndpointLocations(text: string): EndpointLocation[] {
  const out: EndpointLocation[] = [];
  let inlineBlock: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (inlineBlock) {
      if (line.toLowerCase() === `</${inlineBlock}>`) inlineBlock = undefined;
      continue;
    }
    const open = /^<([a-z0-9-]+)>$/i.exec(line);
    if (open && open[1].toLowerCase() !== 'connection') {
      inlineBlock = open[1].toLowerCase();
      continue;
    }
    const m = /^-{0,2}remote\s+(\S+)(?:\s+(\d+))?(?:\s+(\S+))?/.exec(line);
    if (!m) continue;
    out.push({
      protocol: 'openvpn',
      line: i,
      selector: String(out.length + 1),
      label: `remote ${m[1]}${m[2] ? ` ${m[2]}` : ''}${m[3] ? ` ${m[3]}` : ''}`,
    });
  }
  return out;
}
