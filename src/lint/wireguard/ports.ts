/**
 * Port text as getaddrinfo reads it for wg (ListenPort: parse_port; the port of Endpoint):
 * glibc takes strtoul(text, 10) when the whole text is a number (so `+5` works and 70000
 * silently becomes 70000 mod 65536 = 4464); otherwise it looks the text up as a UDP service
 * name in /etc/services (case-sensitive), and fails when there is none.
 */

/** UDP service names with a fixed IANA port that Debian's netbase 6.4 lists for udp. */
const UDP_SERVICES: ReadonlyMap<string, number> = new Map([
  ['echo', 7],
  ['domain', 53],
  ['bootps', 67],
  ['bootpc', 68],
  ['tftp', 69],
  ['kerberos', 88],
  ['ntp', 123],
  ['netbios-ns', 137],
  ['snmp', 161],
  ['snmp-trap', 162],
  ['ldap', 389],
  ['https', 443],
  ['isakmp', 500],
  ['syslog', 514],
  ['rtsp', 554],
  ['kerberos-master', 751],
  ['domain-s', 853],
  ['openvpn', 1194],
  ['radius', 1812],
  ['radius-acct', 1813],
  ['nfs', 2049],
  ['ipsec-nat-t', 4500],
  ['sip', 5060],
  ['sip-tls', 5061],
  ['mdns', 5353],
]);

export type PortText =
  /** `value` as written; `effective` what the socket gets (mod 65536). */
  | { readonly kind: 'number'; readonly value: number; readonly effective: number }
  | { readonly kind: 'service'; readonly name: string; readonly port: number }
  | { readonly kind: 'unknown-service'; readonly name: string }
  | { readonly kind: 'invalid' };

export function parsePortText(t: string): PortText {
  let i = t.charCodeAt(0) === 43 /* + */ ? 1 : 0;
  const digitsStart = i;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) break;
  }
  if (i === t.length && i > digitsStart) {
    const digits = t.slice(digitsStart);
    if (digits.length > 15) {
      // strtoul: beyond ULONG_MAX the value saturates; below it, only the low 16 bits count.
      const big = BigInt(digits);
      const eff = big > 0xffffffffffffffffn ? 65535 : Number(big & 0xffffn);
      return { kind: 'number', value: Number.MAX_SAFE_INTEGER, effective: eff };
    }
    const value = Number(digits);
    return { kind: 'number', value, effective: value % 65536 };
  }
  const known = UDP_SERVICES.get(t);
  if (known !== undefined) return { kind: 'service', name: t, port: known };
  if (/^[A-Za-z][A-Za-z0-9_.+-]*$/.test(t)) return { kind: 'unknown-service', name: t };
  return { kind: 'invalid' };
}
