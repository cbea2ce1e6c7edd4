// coturn's turnserver on loopback in RFC 5780 mode (as test/lab/lab.ts configures it, on
// 127.0.0.1 and 127.0.0.2 instead of lab addresses): the yardstick for our answers' sizes.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeMessage, Method, newTransactionId } from '../../src/engine/stun';

export function coturnAvailability(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'coturn comparison needs Linux' };
  const r = spawnSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, reason: 'turnserver (Debian package coturn) is not installed; scripts/lab/ensure-deps.sh installs it as root' };
  return { ok: true };
}

export interface LoopbackCoturn {
  readonly primary: { address: string; port: number };
  stop(): void;
}

/** Sends one datagram from a fresh loopback socket; resolves with the first answer's size. */
export function askOnce(to: { address: string; port: number }, request: Uint8Array, waitMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const done = (n: number | undefined): void => {
      clearTimeout(timer);
      socket.close();
      resolve(n);
    };
    const timer = setTimeout(() => done(undefined), waitMs);
    socket.on('message', (m) => done(m.length));
    socket.on('error', () => done(undefined));
    socket.bind(0, '127.0.0.1', () => socket.send(request, to.port, to.address));
  });
}

export async function startLoopbackCoturn(): Promise<LoopbackCoturn> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-coturn-'));
  const port = 20000 + (process.pid % 20000);
  const conf = [
    'listening-ip=127.0.0.1',
    'listening-ip=127.0.0.2',
    `listening-port=${port}`,
    `alt-listening-port=${port + 1}`,
    'relay-ip=127.0.0.1',
    'no-auth',
    'stun-only',
    'no-tcp',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-tcp-relay',
    'no-multicast-peers',
    `log-file=${path.join(dir, 'turnserver.log')}`,
    'simple-log',
    'no-stdout-log',
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    `userdb=${path.join(dir, 'turndb')}`,
    'relay-threads=1',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'turnserver.conf'), conf);
  const child: ChildProcess = spawn('turnserver', ['-c', path.join(dir, 'turnserver.conf')], { stdio: 'ignore' });
  const stop = (): void => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const primary = { address: '127.0.0.1', port };
  const probe = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] });
  for (let i = 0; i < 40; i++) {
    if (child.exitCode !== null) break;
    if ((await askOnce(primary, probe, 250)) !== undefined) return { primary, stop };
  }
  const log = fs.existsSync(path.join(dir, 'turnserver.log')) ? fs.readFileSync(path.join(dir, 'turnserver.log'), 'utf8').slice(-500) : '';
  stop();
  throw new Error(`turnserver did not answer on ${primary.address}:${port} within 10 s: ${log}`);
}
