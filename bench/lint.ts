import * as crypto from 'node:crypto';
import { lintText } from '../src/lint';
import { prng } from '../test/support/prng';

function key(): string {
  return crypto.randomBytes(32).toString('base64');
}

/** A server with 10,000 peers (~60k lines), as large as real WireGuard hubs get. */
function bigWireGuard(): string {
  const lines = ['[Interface]', `PrivateKey = ${key()}`, 'ListenPort = 51820', 'Address = 10.0.0.1/16, fd00::1/64', ''];
  for (let i = 0; i < 10000; i++) {
    lines.push(`# peer ${i}`, '[Peer]', `PublicKey = ${key()}`, `AllowedIPs = 10.${(i >> 8) & 255}.${i & 255}.0/32, fd00::${i.toString(16)}/128`, `PersistentKeepalive = 25`, '');
  }
  return lines.join('\n');
}

/** A server config with 10,000 routes and large inline certificates. */
function bigOpenVpn(): string {
  const pem = (tag: string) => [`<${tag}>`, '-----BEGIN CERTIFICATE-----', ...Array.from({ length: 400 }, () => crypto.randomBytes(48).toString('base64')), '-----END CERTIFICATE-----', `</${tag}>`];
  const lines = ['port 1194', 'proto udp', 'dev tun', 'server 10.8.0.0 255.255.0.0', 'keepalive 10 120', 'persist-key', 'persist-tun', 'verb 3'];
  for (let i = 0; i < 10000; i++) lines.push(`push "route 10.${(i >> 8) & 255}.${i & 255}.0 255.255.255.0"`);
  lines.push(...pem('ca'), ...pem('cert'));
  return lines.join('\n');
}

/** `text` repeated up to exactly 10 MiB. */
function tenMiB(text: string): string {
  let t = text;
  while (t.length < 10 * 1024 * 1024) t += `\n${t}`;
  return t.slice(0, 10 * 1024 * 1024);
}

/** 10 MiB of seeded printable garbage in lines of 0..119 characters. */
function garbage(): string {
  const rand = prng(7);
  const parts: string[] = [];
  let size = 0;
  while (size < 10 * 1024 * 1024) {
    const len = Math.floor(rand() * 120);
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(32 + Math.floor(rand() * 95));
    parts.push(s);
    size += len + 1;
  }
  return parts.join('\n');
}

/** Two peers with a 100k-character AllowedIPs line each (7,000 prefixes). */
function longAllowedIps(): string {
  const list = Array.from({ length: 7000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`).join(', ');
  return `[Interface]\nPrivateKey = ${key()}\n[Peer]\nPublicKey = ${key()}\nAllowedIPs = ${list}\n[Peer]\nPublicKey = ${key()}\nAllowedIPs = ${list}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export async function benchLint(): Promise<{ ok: boolean; lines: string[] }> {
  const lines = ['Linter (median of 15 runs after 3 warm-ups; target < 50 ms each)'];
  let ok = true;
  for (const [label, text, format] of [
    ['WireGuard, 10,000 peers', bigWireGuard(), 'wireguard'],
    ['OpenVPN, 10,000 routes + inline certs', bigOpenVpn(), 'openvpn'],
  ] as const) {
    const times: number[] = [];
    let findings = 0;
    for (let i = 0; i < 18; i++) {
      const t = performance.now();
      const r = lintText(text, { format });
      const ms = performance.now() - t;
      if (i >= 3) times.push(ms);
      findings = r.format ? r.findings.length : -1;
    }
    const m = median(times);
    const pass = m < 50;
    ok &&= pass;
    lines.push(`  ${label.padEnd(40)} ${String(text.split('\n').length).padStart(6)} lines  ${m.toFixed(1).padStart(7)} ms  (${findings} findings)  ${pass ? 'yes' : 'NO'}`);
  }
  // Hostile input: one 60 MB line of lone backslashes (OV05 once built a string per character:
  // 19 s, 2.2 GB), and one of escaped ones (the tokenizer did: 72 s, 1.1 GB).
  for (const [label, body] of [
    ['OpenVPN, one 60 MB line of \\x', 'C:\\keys\\'.repeat(7_500_000)],
    ['OpenVPN, one 60 MB line of \\\\', '\\\\'.repeat(30_000_000)],
  ] as const) {
    const long = `client\nremote vpn.example.org 1194\nca ${body}\n`;
    const rssBefore = process.memoryUsage().rss;
    const t = performance.now();
    lintText(long, { format: 'openvpn' });
    const ms = performance.now() - t;
    const grew = (process.memoryUsage().rss - rssBefore) / 1048576;
    const pass = ms < 5000;
    ok &&= pass;
    lines.push(`  ${`${label} (target < 5 s)`.padEnd(40)} ${'1'.padStart(6)} line   ${ms.toFixed(0).padStart(7)} ms  (RSS +${grew.toFixed(0)} MB)  ${pass ? 'yes' : 'NO'}`);
  }
  // Hostile sizes, one run each: figures only (no target; the robustness tests check that the
  // results stay bounded). They were printed by those tests before.
  for (const [label, text, format] of [
    ['WireGuard, 10 MiB (hub config repeated)', tenMiB(bigWireGuard()), 'wireguard'],
    ['WireGuard, two 100k-char AllowedIPs', longAllowedIps(), 'wireguard'],
    ['OpenVPN, 10 MiB of printable garbage', garbage(), 'openvpn'],
  ] as const) {
    const t = performance.now();
    const r = lintText(text, { format });
    const ms = performance.now() - t;
    const findings = r.format ? r.findings.length : -1;
    lines.push(`  ${label.padEnd(40)} ${String(text.split('\n').length).padStart(6)} lines  ${ms.toFixed(0).padStart(7)} ms  (${findings} findings)  figure`);
  }
  return { ok, lines };
}
