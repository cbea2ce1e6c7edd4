// lint --fix never damages a config: atomic replacement (a full disk, a file size limit, a
// read-only file leave it as it was, with one line of explanation), bytes it did not fix kept,
// line endings kept, mode, owner and symlinks kept.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STACK_LINE, keyPair, natprobe, natprobeInShell, tempDir } from './helpers';

const own = keyPair();

/** A server config with `peers` peers and one `;` comment, whose preferred fix is `#`. */
function bigConfig(peers: number): string {
  const lines = ['[Interface]', `PrivateKey = ${own.privateKey}`, 'ListenPort = 51820', '; the office VPN', ''];
  for (let i = 0; i < peers; i++) {
    lines.push('[Peer]', `PublicKey = ${keyPair().publicKey}`, `AllowedIPs = 10.${i >> 8}.${i & 255}.2/32`, '');
  }
  return lines.join('\n');
}

const isRoot = process.getuid?.() === 0;

describe('security: lint --fix never damages a config', function () {
  this.timeout(120000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer, mode = 0o600): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content, { mode });
    fs.chmodSync(p, mode);
    return p;
  };

  function assertOneLineFailure(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, STACK_LINE, 'no stack trace');
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }

  it('a file size limit (ulimit -f) mid-write: the 200-peer config is untouched, one line, exit 1', function () {
    const text = bigConfig(200);
    assert.ok(text.length > 18000);
    const f = write('wg0.conf', text);
    // 16 blocks: 8 KB in dash (512-byte blocks), 16 KB in bash; either is less than the file.
    const r = natprobeInShell('ulimit -f 16', ['lint', '--fix', f]);
    assertOneLineFailure(r, /cannot write .*wg0\.conf: file too large/);
    assert.equal(fs.readFileSync(f, 'utf8'), text, 'the original is untouched');
    assert.deepEqual(fs.readdirSync(dir), ['wg0.conf'], 'no temporary file left behind');
  });

  it('a full disk (a tiny tmpfs): the config is untouched, one line, exit 1', function () {
    if (!isRoot || process.platform !== 'linux') this.skip(); // mounting a tmpfs needs root
    const mnt = path.join(dir, 'mnt');
    fs.mkdirSync(mnt);
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    if (m.status !== 0) this.skip(); // no mount permission in this container
    try {
      const text = bigConfig(200);
      const f = path.join(mnt, 'wg0.conf');
      fs.writeFileSync(f, text, { mode: 0o600 });
      // Fill the rest, so the new copy cannot be written whole.
      const fill = path.join(mnt, 'fill');
      try {
        fs.writeFileSync(fill, Buffer.alloc(1024 * 1024));
      } catch {
        // ENOSPC: full, as wanted
      }
      const r = natprobe(['lint', '--fix', f]);
      assertOneLineFailure(r, /cannot write .*wg0\.conf: no space left on device/);
      assert.equal(fs.readFileSync(f, 'utf8'), text);
      assert.deepEqual(fs.readdirSync(mnt).sort(), ['fill', 'wg0.conf']);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('a read-only file system (a tmpfs mounted ro): one line, exit 1, nothing changed', function () {
    if (!isRoot || process.platform !== 'linux') this.skip(); // mounting needs root
    const mnt = path.join(dir, 'ro');
    fs.mkdirSync(mnt);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status !== 0) this.skip(); // no mount permission here
    try {
      const text = bigConfig(2);
      const f = path.join(mnt, 'wg0.conf');
      fs.writeFileSync(f, text, { mode: 0o600 });
      assert.equal(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0);
      const r = natprobe(['lint', '--fix', f]);
      assertOneLineFailure(r, /cannot write .*wg0\.conf: read-only file system/);
      assert.equal(fs.readFileSync(f, 'utf8'), text);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('a read-only file: "cannot write FILE: permission denied", exit 1, nothing changed', function () {
    const text = bigConfig(2);
    const f = write('wg0.conf', text, 0o400);
    const r = natprobe(['lint', '--fix', f]);
    assertOneLineFailure(r, /cannot write .*wg0\.conf: permission denied/);
    assert.equal(fs.readFileSync(f, 'utf8'), text);
    assert.equal(fs.statSync(f).mode & 0o777, 0o400);
  });

  it('keeps mode, owner and the symlink; the link target gets the fix', function () {
    const f = write('real.conf', bigConfig(2), 0o640);
    if (isRoot) fs.chownSync(f, 4321, 4322);
    const link = path.join(dir, 'wg0.conf');
    fs.symlinkSync('real.conf', link);
    const r = natprobe(['lint', '--fix', link]);
    assert.match(r.stderr, /applied 1 fix/);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.match(fs.readFileSync(f, 'utf8'), /^# the office VPN$/m);
    const st = fs.statSync(f);
    assert.equal(st.mode & 0o777, 0o640);
    if (isRoot) assert.deepEqual([st.uid, st.gid], [4321, 4322]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['real.conf', 'wg0.conf']);
  });

  it('bytes it did not fix stay byte for byte (a Latin-1 comment is not turned into U+FFFD)', function () {
    const before = Buffer.concat([Buffer.from(`[Interface]\nPrivateKey = ${own.privateKey}\nListenPort = 51820\n# caf`), Buffer.from([0xe9]), Buffer.from(' au coin\n; the office VPN\n\n[Peer]\n'), Buffer.from(`PublicKey = ${keyPair().publicKey}\nAllowedIPs = 10.0.0.2/32\n`)]);
    const f = write('wg0.conf', before);
    const r = natprobe(['lint', '--fix', f]);
    assert.match(r.stderr, /applied 1 fix/);
    const after = fs.readFileSync(f);
    const i = before.indexOf('; the office');
    assert.deepEqual(after, Buffer.concat([before.subarray(0, i), Buffer.from('#'), before.subarray(i + 1)]));
  });

  it('OV05 on a CRLF file doubles the backslashes and keeps CRLF (no CR CR LF)', function () {
    const f = write('client.ovpn', 'client\r\ndev tun\r\nremote vpn.example.org 1194 udp\r\nca C:\\keys\\ca.crt\r\nverb 3\r\n');
    natprobe(['lint', '--fix', '--format', 'openvpn', f]);
    assert.equal(fs.readFileSync(f, 'utf8'), 'client\r\ndev tun\r\nremote vpn.example.org 1194 udp\r\nca C:\\\\keys\\\\ca.crt\r\nverb 3\r\n');
  });

  it('a directory or a missing file given to --fix is one line, no stack trace', function () {
    for (const target of [dir, path.join(dir, 'missing.conf')]) {
      const r = natprobe(['lint', '--fix', target]);
      assert.equal(r.code, 2);
      assert.doesNotMatch(r.stderr, STACK_LINE);
    }
  });
});
