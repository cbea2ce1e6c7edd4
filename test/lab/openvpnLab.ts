// Real OpenVPN servers for the reach tests: a throw-away PKI (openssl + openvpn --genkey) and
// the arguments that start a server with one control-channel wrapping. No traffic here; the
// callers run the servers inside their own network namespaces.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export type OvpnWrap = 'none' | 'tls-auth' | 'tls-crypt' | 'tls-crypt-v2';
export const WRAPS: readonly OvpnWrap[] = ['none', 'tls-auth', 'tls-crypt', 'tls-crypt-v2'];

export interface OvpnPki {
  readonly dir: string;
  /** File names inside dir. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** Static key for tls-auth and tls-crypt, and another one the server does not know. */
  readonly ta: string;
  readonly wrongTa: string;
  readonly v2Server: string;
  readonly v2Client: string;
  /** A tls-crypt-v2 client key wrapped by a server key this server does not have. */
  readonly wrongV2Client: string;
}

function must(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().slice(0, 400)}`);
}

/** A CA, one server certificate (EC P-256: fast to make) and the control-channel keys. */
export function makeOpenVpnPki(dir: string): OvpnPki {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  must('openssl', ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=natprobe-lab-ca'], dir);
  must('openssl', ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=natprobe-lab-server'], dir);
  must('openssl', ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2'], dir);
  must('openvpn', ['--genkey', 'secret', 'ta.key'], dir);
  must('openvpn', ['--genkey', 'secret', 'wrong-ta.key'], dir);
  must('openvpn', ['--genkey', 'tls-crypt-v2-server', 'v2-server.key'], dir);
  must('openvpn', ['--genkey', 'tls-crypt-v2-server', 'v2-other-server.key'], dir);
  must('openvpn', ['--tls-crypt-v2', 'v2-server.key', '--genkey', 'tls-crypt-v2-client', 'v2-client.key'], dir);
  must('openvpn', ['--tls-crypt-v2', 'v2-other-server.key', '--genkey', 'tls-crypt-v2-client', 'v2-wrong-client.key'], dir);
  return {
    dir,
    ca: 'ca.crt',
    cert: 'server.crt',
    key: 'server.key',
    ta: 'ta.key',
    wrongTa: 'wrong-ta.key',
    v2Server: 'v2-server.key',
    v2Client: 'v2-client.key',
    wrongV2Client: 'v2-wrong-client.key',
  };
}

export interface ServerSpec {
  readonly wrap: OvpnWrap;
  readonly proto: 'udp' | 'tcp';
  readonly local: string;
  readonly port: number;
  /**
   * 'p2p': `--dev null --tls-server`, no tun needed (one peer at a time);
   * 'server': `--mode server` (`--server`, needs /dev/net/tun): 2.6's stateless first answer.
   */
  readonly mode: 'p2p' | 'server';
  /** 'server' mode only: a distinct 10.<n>.0.0/24 pool per server. */
  readonly subnet?: number;
}

/** Server-side wrapping: tls-auth with key-direction 0 (clients use 1). */
function serverWrapArgs(pki: OvpnPki, wrap: OvpnWrap): string[] {
  const p = (f: string): string => path.join(pki.dir, f);
  if (wrap === 'tls-auth') return ['--tls-auth', p(pki.ta), '0'];
  if (wrap === 'tls-crypt') return ['--tls-crypt', p(pki.ta)];
  if (wrap === 'tls-crypt-v2') return ['--tls-crypt-v2', p(pki.v2Server)];
  return [];
}

export function openVpnServerArgs(pki: OvpnPki, s: ServerSpec): string[] {
  const p = (f: string): string => path.join(pki.dir, f);
  const common = ['--ca', p(pki.ca), '--cert', p(pki.cert), '--key', p(pki.key), '--dh', 'none', '--local', s.local, '--port', String(s.port), '--verb', '4'];
  const mode =
    s.mode === 'p2p'
      ? ['--dev', 'null', '--tls-server', '--proto', s.proto === 'tcp' ? 'tcp-server' : 'udp']
      : ['--dev', 'tun', '--topology', 'subnet', '--server', `10.${s.subnet ?? 8}.0.0`, '255.255.255.0', '--proto', s.proto === 'tcp' ? 'tcp-server' : 'udp'];
  return [...mode, ...common, ...serverWrapArgs(pki, s.wrap)];
}

/** Log lines that say the server's socket is bound (UDP) or listening (TCP). */
export const SERVER_READY = /link local \(bound\)|Listening for incoming TCP connection|Initialization Sequence Completed/;

/**
 * Config lines for a client with this wrapping; `wrong` uses a key the server does not know.
 * `relative`: name the key files relative to pki.dir (for a config written there).
 */
export function clientWrapLines(pki: OvpnPki, wrap: OvpnWrap, wrong: boolean, relative = false): string[] {
  const p = (f: string): string => (relative ? f : path.join(pki.dir, f));
  if (wrap === 'tls-auth') return [`tls-auth ${p(wrong ? pki.wrongTa : pki.ta)} 1`];
  if (wrap === 'tls-crypt') return [`tls-crypt ${p(wrong ? pki.wrongTa : pki.ta)}`];
  if (wrap === 'tls-crypt-v2') return [`tls-crypt-v2 ${p(wrong ? pki.wrongV2Client : pki.v2Client)}`];
  return [];
}
