import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReachResult } from '../../../src/engine/reach/types';
import { makeOpenVpnPki, openVpnServerArgs, SERVER_READY } from '../../lab/openvpnLab';
import { ourExtension, waitFor } from './helpers';

// Test reachability in a real VS Code: the lens above a WireGuard Endpoint and an OpenVPN
// remote, the command it runs (natprobe reach in a child process), and the diagnostic on that
// line. The servers are real and on loopback: wireguard-go (needs root and /dev/net/tun) and
// openvpn 2.6 as a p2p TLS server on `--dev null` (no tun, no root) with tls-crypt and
// certificates made here; each part is skipped with the reason when its server cannot start.
// A loopback port nobody listens on gives the "refused / no answer" warning.

const created: vscode.Uri[] = [];

function workspaceUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function createFile(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceUri(name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  created.push(uri);
  return uri;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** An openvpn server on 127.0.0.1:port (UDP, tls-crypt) in `dir`; resolves once it is bound, with the tls-crypt key. */
async function startOpenVpn(dir: string, port: number): Promise<{ server: ChildProcess; key: string }> {
  execFileSync('sh', ['-c', 'command -v openvpn && command -v openssl'], { stdio: 'ignore' });
  const pki = makeOpenVpnPki(dir);
  const server = spawn('openvpn', openVpnServerArgs(pki, { wrap: 'tls-crypt', proto: 'udp', mode: 'p2p', local: '127.0.0.1', port }), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
  server.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
  for (let i = 0; i < 200 && !SERVER_READY.test(log); i++) {
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!SERVER_READY.test(log)) {
    server.kill('SIGTERM');
    throw new Error(`openvpn did not start (exit ${server.exitCode ?? 'none'}): ${log.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return { server, key: fs.readFileSync(path.join(dir, pki.ta), 'utf8') };
}

function wg(args: string[], input?: string): string {
  return execFileSync('wg', args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) }).trim();
}

async function lensesOf(uri: vscode.Uri, language: string): Promise<vscode.CodeLens[]> {
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== language) await vscode.languages.setTextDocumentLanguage(document, language);
  await vscode.window.showTextDocument(document);
  for (let i = 0; i < 50; i++) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const ours = lenses.filter((l) => l.command?.command === 'natProbe.testReachability');
    if (ours.length > 0) return ours;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}

function reachDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'NAT Probe reach');
}

describe('Test reachability (natprobe reach from the editor)', function () {
  this.timeout(60000);
  let server: ChildProcess | undefined;
  let iface = '';
  let skipWireGuard: string | undefined;
  let serverPort = 0;
  const client = { priv: '', pub: '' };
  let serverPub = '';
  let tmp = '';
  let openvpn: ChildProcess | undefined;
  let skipOpenVpn: string | undefined;
  let openvpnPort = 0;
  let openvpnKey = '';
  let ovpnTmp = '';

  before(async () => {
    await ourExtension().activate();
    try {
      ovpnTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-it-ovpn-'));
      openvpnPort = await freeUdpPort();
      ({ server: openvpn, key: openvpnKey } = await startOpenVpn(ovpnTmp, openvpnPort));
    } catch (err) {
      skipOpenVpn = `OpenVPN server part skipped: ${err instanceof Error ? err.message : String(err)}`;
      console.log(`      ${skipOpenVpn}`);
    }
    try {
      if (process.getuid?.() !== 0) throw new Error('wireguard-go needs root here');
      if (!fs.existsSync('/dev/net/tun')) throw new Error('no /dev/net/tun');
      execFileSync('sh', ['-c', 'command -v wireguard-go && command -v wg'], { stdio: 'ignore' });
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-it-reach-'));
      const serverPriv = wg(['genkey']);
      serverPub = wg(['pubkey'], serverPriv + '\n');
      client.priv = wg(['genkey']);
      client.pub = wg(['pubkey'], client.priv + '\n');
      fs.writeFileSync(path.join(tmp, 'server.key'), serverPriv + '\n', { mode: 0o600 });
      serverPort = await freeUdpPort();
      iface = `npit${process.pid.toString(36)}`.slice(0, 15);
      server = spawn('wireguard-go', ['-f', iface], { env: { ...process.env, WG_PROCESS_FOREGROUND: '1' }, stdio: 'ignore' });
      let configured = false;
      for (let i = 0; i < 50 && !configured; i++) {
        await new Promise((r) => setTimeout(r, 100));
        try {
          // No address and no route: the interface only has to be up for wireguard-go to listen.
          execFileSync('wg', ['set', iface, 'listen-port', String(serverPort), 'private-key', path.join(tmp, 'server.key'), 'peer', client.pub, 'allowed-ips', '10.123.0.2/32'], { stdio: 'ignore' });
          execFileSync('ip', ['link', 'set', iface, 'up'], { stdio: 'ignore' });
          configured = true;
        } catch {
          /* not created yet */
        }
      }
      if (!configured) throw new Error('wireguard-go did not come up');
    } catch (err) {
      skipWireGuard = `WireGuard part skipped: ${err instanceof Error ? err.message : String(err)}`;
      console.log(`      ${skipWireGuard}`);
    }
  });

  after(async () => {
    if (server?.pid) server.kill('SIGTERM');
    if (openvpn?.pid) openvpn.kill('SIGTERM');
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (ovpnTmp) fs.rmSync(ovpnTmp, { recursive: true, force: true });
    for (const uri of created.splice(0)) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  it('WireGuard: the lens sits on the Endpoint line; clicking it reaches wireguard-go and puts an information diagnostic there', async function () {
    if (skipWireGuard) this.skip();
    const uri = await createFile('reach-wg.conf', `[Interface]\nPrivateKey = ${client.priv}\nAddress = 10.123.0.2/32\n\n[Peer]\nPublicKey = ${serverPub}\nAllowedIPs = 10.123.0.1/32\nEndpoint = 127.0.0.1:${serverPort}\n`);
    const lenses = await lensesOf(uri, 'wireguard');
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].range.start.line, 7, 'on the Endpoint line');
    assert.equal(lenses[0].command?.title, 'Test reachability');
    const results = await vscode.commands.executeCommand<ReachResult[]>(lenses[0].command!.command, ...(lenses[0].command!.arguments ?? []));
    assert.equal(results?.[0]?.outcome, 'reachable', JSON.stringify(results));
    const [d] = await waitFor('the reach diagnostic', () => reachDiagnostics(uri).length > 0 && reachDiagnostics(uri));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(d.range.start.line, 7);
    assert.match(d.message, /reachable \([\d.]+ ms\)\. The WireGuard server accepted these keys/);
    assert.ok(!d.message.includes(client.priv.slice(0, 12)), 'no key material in the diagnostic');
  });

  it('OpenVPN: the lens sits on the remote line; clicking it gets a real openvpn server\'s hard reset answer and an information diagnostic there', async function () {
    if (skipOpenVpn) this.skip();
    const uri = await createFile('reach-tls-crypt.ovpn', `client\ndev tun\nproto udp\nremote 127.0.0.1 ${openvpnPort}\nnobind\n<tls-crypt>\n${openvpnKey}</tls-crypt>\n`);
    const lenses = await lensesOf(uri, 'openvpn');
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].range.start.line, 3, 'on the remote line');
    assert.equal(lenses[0].command?.title, 'Test reachability');
    const results = await vscode.commands.executeCommand<ReachResult[]>(lenses[0].command!.command, ...(lenses[0].command!.arguments ?? []));
    assert.equal(results?.[0]?.outcome, 'reachable', JSON.stringify(results));
    assert.ok(results[0].evidence.some((e) => e.startsWith('received P_CONTROL_HARD_RESET_SERVER_V2 acknowledging our session id')), JSON.stringify(results[0].evidence));
    const [d] = await waitFor('the reach diagnostic', () => reachDiagnostics(uri).length > 0 && reachDiagnostics(uri));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(d.range.start.line, 3);
    assert.match(d.message, /reachable \([\d.]+ ms\)\. The OpenVPN server at 127\.0\.0\.1:\d+ answered over UDP in [\d.]+ ms, and accepted our tls-crypt key/);
    const keyLines = openvpnKey.split('\n').filter((l) => /^[0-9a-f]{32}$/.test(l));
    assert.ok(keyLines.length >= 16, 'the key has its hex lines');
    for (const l of keyLines) assert.ok(!d.message.includes(l), 'no key material in the diagnostic');
  });

  it('OpenVPN: nothing listening on loopback gives a warning with the reason on that line', async () => {
    const port = await freeUdpPort();
    const uri = await createFile('reach-client.ovpn', `client\ndev tun\nproto udp\nremote 127.0.0.1 ${port}\nnobind\n`);
    const lenses = await lensesOf(uri, 'openvpn');
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].range.start.line, 3);
    const results = await vscode.commands.executeCommand<ReachResult[]>(lenses[0].command!.command, ...(lenses[0].command!.arguments ?? []));
    assert.ok(results && ['refused', 'no-answer'].includes(results[0].outcome), JSON.stringify(results));
    const [d] = await waitFor('the reach diagnostic', () => reachDiagnostics(uri).length > 0 && reachDiagnostics(uri), 10000);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d.range.start.line, 3);
  });
});
