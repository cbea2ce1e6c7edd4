import type { ConfigFormat } from './types';

/**
 * `.conf` is shared by WireGuard and OpenVPN, so content decides: an [Interface]/[Peer] section
 * means WireGuard; OpenVPN directives mean OpenVPN. `.ovpn` is always OpenVPN. Returns
 * undefined when neither is convincing (the caller asks for --format).
 */
const OPENVPN_DIRECTIVE = /^\s*-{0,2}(client|remote|dev|proto|ca|cert|key|tls-client|tls-server|server|port|lport|rport|ifconfig|route|cipher|data-ciphers|auth|keepalive|persist-key|persist-tun|nobind|verb|comp-lzo|remote-cert-tls|<ca>|<cert>|<key>|<tls-auth>|<tls-crypt>|<connection>)(\s|$|>)/;
const WIREGUARD_SECTION = /^\s*\[\s*(interface|peer)\s*\]/i;

export function detectFormat(text: string, fileName?: string): ConfigFormat | undefined {
  const name = (fileName ?? '').toLowerCase();
  if (name.endsWith('.ovpn')) return 'openvpn';
  let wg = 0;
  let ovpn = 0;
  let seen = 0;
  for (const raw of text.slice(0, 65536).split(/\r\n|\n|\r/)) {
    const line = raw.replace(/^\uFEFF/, '');
    if (/^\s*([#;]|$)/.test(line)) continue;
    if (++seen > 200) break;
    if (WIREGUARD_SECTION.test(line)) wg += 3;
    else if (/^\s*(PrivateKey|PublicKey|AllowedIPs|Endpoint|ListenPort|PersistentKeepalive)\s*=/i.test(line)) wg++;
    else if (OPENVPN_DIRECTIVE.test(line)) ovpn++;
  }
  if (wg > ovpn && wg >= 1) return 'wireguard';
  if (ovpn > wg && ovpn >= 1) return 'openvpn';
  if (/(^|\/)wg[^/]*\.conf$/.test(name) || /(^|\/)wireguard\//.test(name)) return 'wireguard';
  return undefined;
}
