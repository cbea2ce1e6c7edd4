// Issue 9: `--server ::1:3478` was read as the IPv6 address ::1:3478 (= ::0.1.52.120) on the
// default port, so the probe silently asked the wrong host. An IPv6 address with a port needs
// brackets (RFC 3986 §3.2.2); every place an endpoint is parsed says so: the CLI (exit 2), TURN
// URLs, and the extension's settings (all go through parseServerSpec).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run';
import { parseServerSpec } from '../../src/engine/discovery/serverSpec';
import { parseTurnUrl } from '../../src/engine/probes/turnUrl';

describe('security: endpoints with an IPv6 address and a port', () => {
  it('"::1:3478" is refused with the bracketed spelling to use', () => {
    const r = parseServerSpec('::1:3478');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /an IPv6 address with a port needs brackets: write \[::1\]:3478 \(or \[::1:3478\] for the address alone\)/);
  });

  it('other unbracketed address:port spellings are refused the same way, stun: URIs included', () => {
    for (const [text, write] of [
      ['2001:db8::5:19302', '[2001:db8::5]:19302'],
      ['fe80::1:80', '[fe80::1]:80'],
      ['stun:::1:3478', '[::1]:3478'],
      ['2001:db8:0:0:0:0:0:1:3478', '[2001:db8:0:0:0:0:0:1]:3478'],
    ]) {
      const r = parseServerSpec(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.ok(r.error.includes(`write ${write}`), `${text}: ${r.error}`);
    }
  });

  it('an IPv6 address alone, or bracketed with a port, is still fine', () => {
    for (const [text, host, port] of [
      ['::1', '::1', 3478],
      ['[::1]:3478', '::1', 3478],
      ['[::1:3478]', '::1:3478', 3478],
      ['2001:db8::1', '2001:db8::1', 3478],
      ['2001:db8::3478', '2001:db8::3478', 3478],
      ['2001:db8::8:800:200c:417a', '2001:db8::8:800:200c:417a', 3478],
      ['::ffff:192.0.2.1', '::ffff:192.0.2.1', 3478],
      ['::', '::', 3478],
      ['198.51.100.1:3478', '198.51.100.1', 3478],
    ] as const) {
      assert.deepEqual(parseServerSpec(text), { ok: true, value: { host, port } }, text);
    }
  });

  it('a host name longer than DNS allows is refused, and the message quotes at most 80 characters of it', () => {
    const long = `${'a.'.repeat(100_000)}example:3478`;
    const r = parseServerSpec(long);
    assert.equal(r.ok, false);
    if (!r.ok) assert.ok(r.error.length < 300, `${r.error.length} characters`);
    assert.equal(parseServerSpec(`${'x'.repeat(64)}.example`).ok, false, 'a label of 64 characters');
    const longest = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    assert.deepEqual(parseServerSpec(longest), { ok: true, value: { host: longest, port: 3478 } });
  });

  it('TURN URLs follow the same rule', () => {
    const r = parseTurnUrl('turn:::1:3478');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /needs brackets: write \[::1\]:3478/);
    assert.deepEqual(parseTurnUrl('turn:[::1]:3478'), { ok: true, value: { host: '::1', port: 3478, transport: 'udp' } });
  });

  it('natprobe diagnose --server ::1:3478 exits 2 and says to write [::1]:3478', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (c) => (stderr += c));
    const code = await runCli(['diagnose', '--server', '::1:3478'], { stdout: out, stderr: err });
    assert.equal(code, 2);
    assert.match(stderr, /--server "::1:3478": an IPv6 address with a port needs brackets: write \[::1\]:3478/);
  });
});
