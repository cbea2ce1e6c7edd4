// Records real OpenVPN 2.6 bytes for the unit tests (test/fixtures/openvpn-reach/captured.json):
// - the first packet a real `openvpn` client sends, per wrapping, over UDP and TCP;
// - a real server's answer (p2p `dev null` and `mode server`) to natprobe's own hard reset.
// Run as root; it re-runs itself in a fresh network namespace (`unshare -n`), so all of its
// traffic stays on that namespace's loopback:
//   node --import tsx test/lab/reachOpenvpnCapture.ts
// The fixture holds throw-away test keys made for it, nothing else.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { planOpenVpn } from '../../src/engine/reach/openvpn/config';
import { buildClientReset, EARLY_NEG_START } from '../../src/engine/reach/openvpn/packet';
import { clientWrapLines, makeOpenVpnPki, openVpnServerArgs, SERVER_READY, WRAPS, type OvpnPki, type OvpnWrap } from './openvpnLab';

const OUT = path.join(__dirname, '..', 'fixtures', 'openvpn-reach', 'captured.json');
const LOCAL = '127.0.0.1';
const SESSION_ID = '0102030405060708';
const BUSY_SESSION_ID = '1112131415161718';

if (process.env.NATPROBE_CAPTURE_NS !== '1') {
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, '--import', 'tsx', __filename], {
    stdio: 'inherit',
    env: { ...process.env, NATPROBE_CAPTURE_NS: '1' },
  });
  process.exit(r.status ?? 1);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function waitFor(file: string, re: RegExp, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (re.test(text)) resolve();
      else if (Date.now() > until) reject(new Error(`timed out waiting for ${re} in ${file}:\n${text.slice(-800)}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
}

function start(args: string[], log: string): ChildProcess {
  const fd = fs.openSync(log, 'w');
  const child = spawn('openvpn', args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The first datagram / the first bytes a real client sends to port. */
async function captureClient(pki: OvpnPki, wrap: OvpnWrap, proto: 'udp' | 'tcp', port: number): Promise<string> {
  const conf = path.join(pki.dir, `client-${wrap}-${proto}.conf`);
  fs.writeFileSync(
    conf,
    [
      'client',
      'dev null',
      `remote ${LOCAL} ${port} ${proto}`,
      `ca ${path.join(pki.dir, pki.ca)}`,
      `cert ${path.join(pki.dir, pki.cert)}`,
      `key ${path.join(pki.dir, pki.key)}`,
      'verb 1',
      ...clientWrapLines(pki, wrap, false),
    ].join('\n') + '\n',
  );
  let child: ChildProcess | undefined;
  const got = new Promise<Uint8Array>((resolve) => {
    if (proto === 'udp') {
      const s = dgram.createSocket('udp4');
      s.on('message', (m) => {
        s.close();
        resolve(new Uint8Array(m));
      });
      s.bind(port, LOCAL, () => (child = start(['--config', conf], `${conf}.log`)));
    } else {
      const server = net.createServer((c) => {
        let buf = Buffer.alloc(0);
        c.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            c.destroy();
            server.close();
            resolve(new Uint8Array(buf.subarray(0, 2 + buf.readUInt16BE(0))));
          }
        });
      });
      server.listen(port, LOCAL, () => (child = start(['--config', conf], `${conf}.log`)));
    }
  });
  const bytes = await Promise.race([got, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no ${proto} packet from the ${wrap} client`)), 15_000))]);
  if (child) await stop(child);
  return hex(bytes);
}

function exchangeOnce(packet: Uint8Array, port: number, what: string, log: string): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error(`no answer from the ${what} server:\n${fs.readFileSync(log, 'utf8').slice(-1500)}`));
    }, 10_000);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(new Uint8Array(m));
    });
    s.send(packet, port, LOCAL);
  });
}

/**
 * A real server's answer to natprobe's reset with SESSION_ID; for a p2p server also its answer
 * to a second client (BUSY_SESSION_ID, another source port) while it holds the first session.
 */
async function captureServer(pki: OvpnPki, wrap: OvpnWrap, mode: 'p2p' | 'server', port: number): Promise<{ sent: string; reply: string; busyReply?: string }> {
  const log = path.join(pki.dir, `server-${wrap}-${mode}.log`);
  const child = start(openVpnServerArgs(pki, { wrap, proto: 'udp', local: LOCAL, port, mode, subnet: 8 + port % 100 }), log);
  try {
    await waitFor(log, SERVER_READY, 15_000);
    const conf = ['client', `remote ${LOCAL} ${port} udp`, ...clientWrapLines(pki, wrap, false)].join('\n');
    const [plan] = await planOpenVpn(conf, { readFile: async (p) => fs.readFileSync(p, 'utf8') });
    if (!plan.wrap) throw new Error(`no wrap for ${wrap}: ${plan.notTested}`);
    // The second client counts on from the first one's replay id: a p2p server keeps one replay
    // window and drops a repeat of (id, time) as a replay.
    const reset = (sessionId: string, n: number): Uint8Array =>
      buildClientReset(plan.wrap as NonNullable<typeof plan.wrap>, {
        sessionId: Buffer.from(sessionId, 'hex'),
        replayId: (wrap === 'tls-crypt-v2' ? EARLY_NEG_START : 0) + n,
        time: Math.floor(Date.now() / 1000),
      });
    const packet = reset(SESSION_ID, 1);
    const reply = await exchangeOnce(packet, port, `${wrap} ${mode}`, log);
    if (mode === 'server') return { sent: hex(packet), reply: hex(reply) };
    const busyReply = await exchangeOnce(reset(BUSY_SESSION_ID, 2), port, `busy ${wrap} ${mode}`, log);
    return { sent: hex(packet), reply: hex(reply), busyReply: hex(busyReply) };
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-ovpn-capture-'));
  try {
    const pki = makeOpenVpnPki(dir);
    const version = spawnSync('openvpn', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
    const clientResets: Record<string, { udp: string; tcp: string }> = {};
    const serverReplies: Record<string, Record<string, { sent: string; reply: string; busyReply?: string }>> = {};
    let port = 21194;
    for (const wrap of WRAPS) {
      clientResets[wrap] = { udp: await captureClient(pki, wrap, 'udp', port++), tcp: await captureClient(pki, wrap, 'tcp', port++) };
      serverReplies[wrap] = {};
      for (const mode of ['p2p', 'server'] as const) serverReplies[wrap][mode] = await captureServer(pki, wrap, mode, port++);
    }
    const read = (f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');
    const fixture = {
      note: 'Recorded by test/lab/reachOpenvpnCapture.ts from a real OpenVPN over loopback; the keys are throw-away test keys made for this file.',
      openvpn: version,
      sessionId: SESSION_ID,
      busySessionId: BUSY_SESSION_ID,
      keys: { ta: read(pki.ta), wrongTa: read(pki.wrongTa), v2Client: read(pki.v2Client) },
      clientResets,
      serverReplies,
    };
    fs.writeFileSync(OUT, JSON.stringify(fixture, null, 2) + '\n');
    console.log(`wrote ${OUT} (${version})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
