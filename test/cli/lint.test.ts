import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decideHostFacts } from '../../src/lint/hostFacts';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, 'lint', ...args], { encoding: 'utf8', timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

function privateKey(): string {
  const { privateKey: k } = crypto.generateKeyPairSync('x25519');
  return Buffer.from(k.export({ format: 'jwk' }).d!, 'base64url').toString('base64');
}
function publicKey(): string {
  const { publicKey: k } = crypto.generateKeyPairSync('x25519');
  return Buffer.from(k.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
}

describe('natprobe lint (CLI contract)', function () {
  this.timeout(60000);
  let dir: string;
  const secret = privateKey();
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-lint-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string, mode = 0o600): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text, { mode });
    fs.chmodSync(p, mode);
    return p;
  };

  it('a clean WireGuard config: exit 0', () => {
    const f = write('wg0.conf', `[Interface]\nPrivateKey = ${secret}\nAddress = 10.0.0.2/32\n\n[Peer]\nPublicKey = ${publicKey()}\nAllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = vpn.example.org:51820\nPersistentKeepalive = 25\n`);
    const r = run([f]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('an error: exit 1, file:line:col severity ID message, and the PrivateKey value never printed', () => {
    const f = write('wg0.conf', `[Interface]\nPrivateKey = ${secret}\nAdress = 10.0.0.2/32\n\n[Peer]\nPublicKey = ${publicKey()}\nAllowedIPs = 10.0.0.0/24\nEndpoint = vpn.example.org:51820\n`);
    const r = run([f]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1 error WG01 `, 'm'));
    const json = run([f, '--json']);
    assert.equal(json.code, 1);
    const rows = JSON.parse(json.stdout) as { file: string; range: unknown; severity: string; id: string; message: string; fixes: unknown[] }[];
    const wg01 = rows.find((x) => x.id === 'WG01')!;
    assert.deepEqual(Object.keys(wg01).sort(), ['file', 'fixes', 'id', 'message', 'range', 'severity']);
    for (const out of [r.stdout, r.stderr, json.stdout]) assert.ok(!out.includes(secret), 'the PrivateKey value must never be printed');
  });

  it('--fix rewrites the file with the preferred fixes and the error is gone', () => {
    const f = write('wg0.conf', `[Interface]\nPrivateKey = ${secret}\n\n[Peer]\nPublicKey = ${publicKey()}\nAllowedIPs = 10.0.0.0/24\nEndpoint = vpn.example.org:51820\nAddress = 10.9.9.9/32\n`);
    const before = run([f, '--json']);
    assert.ok((JSON.parse(before.stdout) as { id: string }[]).some((x) => x.id === 'WQ03' || x.id === 'WG03'), before.stdout);
    const fixed = run([f, '--fix']);
    assert.match(fixed.stderr, /applied \d+ fix/);
    const after = run([f, '--json']);
    assert.ok(!(JSON.parse(after.stdout) as { id: string }[]).some((x) => x.id === 'WG03'), after.stdout);
    assert.ok(fs.readFileSync(f, 'utf8').includes(secret), 'fixing keeps the key itself');
    assert.match(fs.readFileSync(f, 'utf8'), /^\[Interface\]\nPrivateKey = [^\n]+\nAddress = 10\.9\.9\.9\/32\n/);
  });

  it('--fix applies no fix that guesses: a prefix in two peers and an Address the interface already has stay for the author', () => {
    const text = `[Interface]\nPrivateKey = ${secret}\nAddress = 10.0.0.1/24\nListenPort = 51820\n\n[Peer]\n# laptop\nPublicKey = ${publicKey()}\nAllowedIPs = 10.0.0.2/32\n\n[Peer]\n# phone\nPublicKey = ${publicKey()}\nAllowedIPs = 10.0.0.2/32\nAddress = 10.9.9.9/32\n`;
    const f = write('wg0.conf', text);
    const fixed = run([f, '--fix']);
    assert.doesNotMatch(fixed.stderr, /applied/);
    assert.equal(fs.readFileSync(f, 'utf8'), text);
    const json = JSON.parse(run([f, '--json']).stdout) as { id: string; fixes: { title: string; isPreferred?: boolean }[] }[];
    const wg09 = json.find((x) => x.id === 'WG09')!;
    assert.deepEqual(wg09.fixes.map((x) => [x.title, x.isPreferred ?? false]), [
      ['Give this peer the next free address, 10.0.0.3/32', false],
      ['Give the peer on line 11 the next free address, 10.0.0.3/32', false],
      ['Remove 10.0.0.2/32 here (where wg ignores it)', false],
    ]);
  });

  it('WQ06 (DNS without resolvconf) is decided from this host as the editor decides it (src/lint/hostFacts.ts)', function () {
    if (process.platform !== 'linux') this.skip();
    const f = write('laptop.conf', `[Interface]\nPrivateKey = ${secret}\nAddress = 10.0.0.2/32\nDNS = 10.0.0.1\n\n[Peer]\nPublicKey = ${publicKey()}\nAllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\n`);
    const lintWith = (pathVar: string): string[] => {
      const r = spawnSync(process.execPath, [CLI, 'lint', '--json', f], { encoding: 'utf8', timeout: 20000, env: { ...process.env, PATH: pathVar } });
      return (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
    };
    // A resolvconf on PATH: wg-quick can set DNS here, no finding.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'resolvconf'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    assert.ok(!lintWith(`${bin}:/usr/bin:/bin`).includes('WQ06'));
    // Without it: the same answer the shared decision gives for this machine.
    const facts = decideHostFacts({ platform: 'linux', path: '/usr/bin:/bin', isExecutable: (p) => fs.existsSync(p) });
    assert.equal(lintWith('/usr/bin:/bin').includes('WQ06'), facts.resolvconf === false);
  });

  it('an OpenVPN file by content, a format it cannot tell, and bad arguments (exit 2)', () => {
    const ov = write('client.ovpn', 'client\ndev tun\nproto udp\nremote vpn.example.org 1194\nnat-detect yes\n');
    const r = run([ov]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /OV01/);
    const unknown = write('notes.conf', 'hello world\n');
    const u = run([unknown]);
    assert.equal(u.code, 1);
    assert.match(u.stdout, /FORMAT cannot tell/);
    assert.equal(run([]).code, 2);
    assert.equal(run([path.join(dir, 'missing.conf')]).code, 2);
    assert.equal(run([ov, '--format', 'ipsec']).code, 2);
    const notReport = write('r.json', '{"hello":1}');
    const bad = run([ov, '--report', notReport]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a natprobe report/);
  });

  it('workspace checks across the files given: two configs on the same ListenPort', () => {
    const cfg = () => `[Interface]\nPrivateKey = ${privateKey()}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${publicKey()}\nAllowedIPs = 10.0.0.2/32\nEndpoint = h.example:51820\n`;
    const r = run([write('wg0.conf', cfg()), write('wg1.conf', cfg())]);
    assert.equal((r.stdout.match(/ PORT02 /g) ?? []).length, 2, r.stdout);
  });
  it('--disable turns rules off (also across files), --rule re-grades one; unknown IDs and PARSE are usage errors', () => {
    // WG03 (error: Address inside [Peer]) and PORT02 (the same ListenPort in both files).
    const cfg = () => `[Interface]\nPrivateKey = ${privateKey()}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${publicKey()}\nAllowedIPs = 10.0.0.2/32\nEndpoint = h.example:51820\nPersistentKeepalive = 25\nAddress = 10.9.9.9/32\n`;
    const a = write('wg0.conf', cfg());
    const b = write('wg1.conf', cfg());
    const ids = (out: string) => (JSON.parse(out) as { id: string; severity: string }[]).map((x) => `${x.id} ${x.severity}`).sort();
    const plain = run([a, b, '--json']);
    assert.equal(plain.code, 1);
    assert.deepEqual(ids(plain.stdout), ['PORT02 warning', 'PORT02 warning', 'WG03 error', 'WG03 error']);
    const off = run([a, b, '--json', '--disable', 'wg03,PORT02']);
    assert.equal(off.code, 0, 'with the only error turned off, exit 0');
    assert.deepEqual(ids(off.stdout), []);
    const regraded = run([a, b, '--json', '--disable', 'PORT02', '--rule', 'WG03=warning']);
    assert.equal(regraded.code, 0);
    assert.deepEqual(ids(regraded.stdout), ['WG03 warning', 'WG03 warning']);
    for (const bad of [['--disable', 'WG99'], ['--disable', 'PARSE'], ['--rule', 'WG03=loud'], ['--rule', 'WG03']]) {
      const r = run([a, ...bad]);
      assert.equal(r.code, 2, bad.join(' '));
      assert.match(r.stderr, /--disable\/--rule|--rule needs/);
    }
  });

  it('many files at once (WireGuard and OpenVPN, --fix, --json): no process warning on stderr (issue 15: MaxListenersExceededWarning)', () => {
    const files: string[] = [];
    for (let i = 0; i < 30; i++) {
      files.push(write(`wg${i}.conf`, `[Interface]\nPrivateKey = ${secret}\nAddress = 10.0.${i}.1/24\nDNS = 10.0.0.1\n\n[Peer]\nPublicKey = ${publicKey()}\nAllowedIPs = 10.0.${i}.2/32\nEndpoint = 192.0.2.1:5182${i % 10}\nPersistentKeepalive = 25\n`));
      files.push(write(`c${i}.ovpn`, `client\ndev tun\nproto UDP\nremote vpn${i}.example.org 1194\nkeepalive 10 60\nnobind\n`));
    }
    for (const args of [files, ['--json', ...files], ['--fix', ...files]]) {
      const r = spawnSync(process.execPath, ['--trace-warnings', CLI, 'lint', ...args], { encoding: 'utf8', timeout: 60000 });
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Warning|MaxListeners|\(node:\d+\)/, r.stderr);
    }
  });

  it('a suppression comment hides a finding; one that hides nothing is a SUP01 hint (exit 0)', () => {
    const f = write('wg0.conf', `[Interface]\nPrivateKey = ${secret}\n\n[Peer]\nPublicKey = ${publicKey()}\n# natprobe-disable-next-line WG03 -- kept for an old tool\nAddress = 10.9.9.9/32\nAllowedIPs = 10.0.0.2/32\n# natprobe-disable-next-line WG14\nEndpoint = h.example:51820\nPersistentKeepalive = 25\n`);
    const r = run([f]);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(' ').slice(1, 3).join(' ')), ['hint SUP01']);
    assert.match(r.stdout, /:9:1 hint SUP01 This suppression comment hides nothing/);
  });

  // `natprobe lint /etc/wireguard` used to say only "not a regular file". A directory means its
  // configs: the *.conf and *.ovpn directly in it (not below: ccd/ holds per-client fragments,
  // and a directory such as /etc is no reason to walk a tree), each linted as if named.
  it('a directory: lints the .conf and .ovpn files directly in it, skips (and names) a .conf that is no VPN config, and does not descend', () => {
    const wg = write('wg0.conf', `[Interface]\nPrivateKey = ${secret}\nAdress = 10.0.0.2/32\n`);
    write('client.ovpn', 'client\ndev tun\nproto udp\nremote vpn.example.org 1194\n');
    write('notes.txt', '[Interface]\nAdress = 1\n');
    write('logrotate.conf', 'weekly\nrotate 4\n');
    fs.mkdirSync(path.join(dir, 'ccd'));
    write('ccd/alice.conf', '[Interface]\nAdress = 1\n');
    // Hostile entries named like configs: a FIFO (reading it would wait forever) and a link to
    // /dev/zero (endless). Neither is a regular file: passed over, no hang.
    spawnSync('mkfifo', [path.join(dir, 'fifo.conf')]);
    if (fs.existsSync('/dev/zero')) fs.symlinkSync('/dev/zero', path.join(dir, 'zero.ovpn'));
    const r = run([dir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const files = new Set(r.stdout.trim().split('\n').map((l) => l.slice(0, l.indexOf(':'))));
    assert.ok(files.has(wg), r.stdout);
    assert.ok(r.stdout.includes(`${wg}:3:1 error WG01 `), r.stdout);
    assert.ok([...files].every((f) => f === wg || f === path.join(dir, 'client.ovpn')), r.stdout);
    assert.doesNotMatch(r.stdout + r.stderr, /notes\.txt|alice|FORMAT|fifo|zero/);
    assert.match(r.stderr, /logrotate\.conf: skipped, neither a WireGuard nor an OpenVPN config/);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(secret.replace(/[+/=]/g, '.')));
  });

  it('a directory with no config in it: one line saying it is a directory and what to do (exit 2)', () => {
    write('notes.txt', 'x');
    const r = run([dir]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr.trim().split('\n')[0], `natprobe: ${dir} is a directory with no .conf or .ovpn file directly in it: name the configs to lint (natprobe lint ${dir}/wg0.conf)`);
  });
});

