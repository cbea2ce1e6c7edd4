// The attacks again, end to end: the built CLI (dist/cli.js) against hostile servers on real
// loopback sockets this test opens. Nothing leaves 127.0.0.0/8.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Attr, Method, type StunAttribute, decodeMessage, encodeAddress, encodeMessage, encodeXorAddress, newTransactionId } from '../../src/engine/stun';
import type { Report } from '../../src/report/report';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function diagnose(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'diagnose', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

async function bind(address: string, port = 0): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, address, () => resolve());
  });
  return s;
}

/** A STUN server on loopback answering every Binding request with the given lies. */
function lie(socket: dgram.Socket, lies: { other?: { address: string; port: number }; wrongTransaction?: boolean }): void {
  socket.on('message', (data, rinfo) => {
    const d = decodeMessage(new Uint8Array(data));
    if (!d.ok || d.value.cls !== 'request') return;
    const txid = lies.wrongTransaction ? newTransactionId() : d.value.transactionId;
    const attributes: StunAttribute[] = [{ type: Attr.XorMappedAddress, value: encodeXorAddress({ address: rinfo.address, port: rinfo.port }, txid) }];
    if (lies.other) attributes.push({ type: Attr.OtherAddress, value: encodeAddress(lies.other) });
    socket.send(encodeMessage({ cls: 'success', method: Method.Binding, transactionId: txid, attributes }), rinfo.port, rinfo.address);
  });
}

describe('security: hostile servers on loopback, against the built CLI', function () {
  this.timeout(30000);
  const sockets: dgram.Socket[] = [];
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  it('an OTHER-ADDRESS naming a third party: at most two datagrams per test reach it, and contacted[] counts them', async () => {
    const server = await bind('127.0.0.1');
    sockets.push(server);
    const port = server.address().port;
    // The "third party": 127.0.0.77 on the server's port (test II's target) and on another port (test III's).
    const victims = [await bind('127.0.0.77', port), await bind('127.0.0.77')];
    sockets.push(...victims);
    let arrived = 0;
    for (const v of victims) v.on('message', () => arrived++);
    lie(server, { other: { address: '127.0.0.77', port: victims[1].address().port } });
    const r = await diagnose(['--server', `127.0.0.1:${port}`, '--json', '--budget', '2000']);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(arrived >= 1 && arrived <= 4, `${arrived} datagrams reached the third party`);
    const listed = (report.contacted ?? []).filter((c) => c.address === '127.0.0.77');
    assert.equal(listed.reduce((n, c) => n + c.packets, 0), arrived, JSON.stringify(report.contacted));
    assert.ok(listed.every((c) => c.role === 'announced alternate' && !c.confirmed && c.announcedBy === `127.0.0.1:${port}`));
  });

  it('a server answering only with wrong transaction IDs: "answers, but not correctly", never "blocked"; exit 3', async () => {
    const server = await bind('127.0.0.1');
    sockets.push(server);
    lie(server, { wrongTransaction: true });
    const r = await diagnose(['--server', `127.0.0.1:${server.address().port}`, '--budget', '1500']);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /the server answers, but not correctly/);
    assert.doesNotMatch(r.stdout, /blocked/i);
    assert.match(r.stdout, /Contacted/);
  });
});
