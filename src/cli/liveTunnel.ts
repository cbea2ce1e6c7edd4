import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Is a tunnel with this config's key up on this machine? A valid handshake initiation makes
 * the server move this peer's endpoint to the probe's port (whitepaper §2.1, roaming), so the
 * real tunnel's inbound traffic pauses until its next packet reaches the server, up to its
 * keepalive interval. Two signs, either enough: an interface named after the file (wg-quick
 * names wg0 after wg0.conf), or `wg show all public-key` listing our public key (that needs
 * root on Linux; without it we say we could not check).
 */
export interface LiveTunnelCheck {
  /** Why not to send, when a tunnel with this key looks up. */
  readonly reason?: string;
  /** What could not be checked (shown as a note; not a reason to hold back). */
  readonly note?: string;
}

function interfaceNameOf(file: string): string | undefined {
  const base = path.basename(file).replace(/\.conf$/i, '');
  // wg-quick's rule for an interface name (wg-quick/linux.bash): up to 15 of [a-zA-Z0-9_=+.-].
  return /^[a-zA-Z0-9_=+.-]{1,15}$/.test(base) ? base : undefined;
}

function wgShowPublicKeys(): Promise<{ ok: true; keys: Map<string, string> } | { ok: false; why: string }> {
  return new Promise((resolve) => {
    execFile('wg', ['show', 'all', 'public-key'], { timeout: 2000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ ok: false, why: code === 'ENOENT' ? 'wg is not installed' : (String(stderr).trim().split('\n')[0] || err.message) });
        return;
      }
      const keys = new Map<string, string>();
      for (const line of String(stdout).split('\n')) {
        const [iface, key] = line.trim().split(/\s+/);
        if (iface && key) keys.set(key, iface);
      }
      resolve({ ok: true, keys });
    });
  });
}

export async function checkLiveTunnel(file: string, ownPublicKey: string): Promise<LiveTunnelCheck> {
  const name = interfaceNameOf(file);
  if (name && Object.prototype.hasOwnProperty.call(os.networkInterfaces(), name)) {
    return {
      reason: `an interface named ${name} is up on this machine (wg-quick names it after ${path.basename(file)}): a handshake initiation with its key would move the server's idea of its endpoint to this probe, pausing that tunnel's inbound traffic until its next packet (up to its keepalive interval)`,
    };
  }
  const shown = await wgShowPublicKeys();
  if (!shown.ok) return { note: `could not check whether a tunnel with this key is up (wg show: ${shown.why})` };
  const iface = shown.keys.get(ownPublicKey);
  if (iface) {
    return {
      reason: `WireGuard interface ${iface} uses this config's key: a handshake initiation would move the server's idea of its endpoint to this probe, pausing that tunnel's inbound traffic until its next packet (up to its keepalive interval)`,
    };
  }
  return {};
}
