// `natprobe serve` when it cannot listen: the message names the protocol, address and port that
// failed, so the operator knows which process to look for (`ss -lunp 'sport = :PORT'`).
// Loopback only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { CLI } from './serve';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    // A serve that did start would run forever: stop it, and the assertions below say why.
    const timer = setTimeout(() => child.kill('SIGTERM'), 10000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function busyUdp(): Promise<{ port: number; close: () => void }> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind({ address: '127.0.0.1', port: 0, exclusive: true }, resolve));
  return { port: s.address().port, close: () => s.close() };
}

async function busyTcp(): Promise<{ port: number; close: () => void }> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return { port: (s.address() as net.AddressInfo).port, close: () => s.close() };
}

describe('natprobe serve: "cannot listen" names the port that is in use (loopback)', function () {
  this.timeout(30000);
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  });

  it('an extra UDP port from --ports', async () => {
    const busy = await busyUdp();
    const free = await busyUdp();
    free.close();
    try {
      const r = await run(['serve', '--primary', `127.0.0.1:${free.port}`, '--ports', `udp:${busy.port}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^natprobe: cannot listen: udp/127\\.0\\.0\\.1:${busy.port} is already in use`, 'm'));
    } finally {
      busy.close();
    }
  });

  it('an extra TCP port from --ports', async () => {
    const busy = await busyTcp();
    const free = await busyUdp();
    free.close();
    try {
      const r = await run(['serve', '--primary', `127.0.0.1:${free.port}`, '--ports', `tcp:${busy.port}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^natprobe: cannot listen: tcp/127\\.0\\.0\\.1:${busy.port} is already in use`, 'm'));
    } finally {
      busy.close();
    }
  });

  it('the STUN port itself (--primary)', async () => {
    const busy = await busyUdp();
    try {
      const r = await run(['serve', '--primary', `127.0.0.1:${busy.port}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^natprobe: cannot listen: udp/127\\.0\\.0\\.1:${busy.port} is already in use`, 'm'));
    } finally {
      busy.close();
    }
  });
});
