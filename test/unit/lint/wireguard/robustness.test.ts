// Hostile and huge input: always a result, never an exception, never more than maxFindings.
// Plus the timing print for a 10,000-peer server config (median of 10 runs).
import * as assert from 'node:assert/strict';
import { lintWireGuard } from '../../../../src/lint/wireguard';
import { DEFAULT_MAX_FINDINGS, type LintOptions, type LintResult } from '../../../../src/lint/types';
import { PAIR, PEER_PUB, fixtures, leaks, prng, report, secretsOf } from './helpers';

const INTERNAL = /internal error/;

function check(text: string, options: LintOptions | null = {}): LintResult {
  const r = lintWireGuard(text, options ?? undefined);
  const m = options?.maxFindings;
  const max = typeof m === 'number' && !Number.isNaN(m) ? m : DEFAULT_MAX_FINDINGS;
  assert.ok(Array.isArray(r.findings));
  assert.ok(r.findings.length <= Math.max(0, max), `${r.findings.length} > ${max}`);
  if (r.truncated) assert.equal(r.findings.length, Math.max(0, max));
  for (const f of r.findings) {
    assert.ok(!INTERNAL.test(f.message), f.message);
    assert.ok(f.range.start.line >= 0 && f.range.start.column >= 0);
    assert.ok(f.range.start.line < f.range.end.line || f.range.start.column <= f.range.end.column, JSON.stringify(f.range));
  }
  return r;
}

function keyFrom(rand: () => number): string {
  const b = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) b[i] = Math.floor(rand() * 256);
  return b.toString('base64');
}

function bigServer(peers: number, seed = 1): string {
  const rand = prng(seed);
  const lines = ['[Interface]', `PrivateKey = ${PAIR.priv}`, 'Address = 10.0.0.1/16, fd00::1/112', 'ListenPort = 51820', 'PostUp = iptables -A FORWARD -i %i -j ACCEPT', ''];
  for (let i = 0; i < peers; i++) {
    lines.push('[Peer]', `# user ${i}`, `PublicKey = ${keyFrom(rand)}`);
    if (i % 2 === 0) lines.push(`PresharedKey = ${keyFrom(rand)}`);
    lines.push(`AllowedIPs = 10.0.${(i >> 8) & 255}.${i & 255}/32, fd00::${i.toString(16)}/128`, '');
  }
  return lines.join('\n');
}

describe('WireGuard linter: hostile input', function () {
  this.timeout(600_000);

  it('empty input, whitespace only, a lone BOM, a lone CR', function () {
    for (const t of ['', ' ', '\n\n', '\uFEFF', '\r', '\r\n', '[', ']', '=', '#', ';']) check(t);
    assert.deepEqual(lintWireGuard('').findings, []);
  });

  it('NUL bytes / binary: one clear PARSE finding, nothing else', function () {
    for (const t of [`[Interface]\nPrivateKey = ${PAIR.priv}\n\0`, '\0', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 32)).toString('latin1')]) {
      const r = check(t);
      assert.equal(r.findings.length, 1);
      assert.equal(r.findings[0].ruleId, 'PARSE');
      assert.equal(r.findings[0].severity, 'error');
      assert.match(r.findings[0].message, /binary/);
    }
  });

  it('non-string input and odd options do not throw', function () {
    check(undefined as unknown as string);
    check(123 as unknown as string);
    check('[Interface]\nListenPort = x\n', { maxFindings: -5 });
    check('[Interface]\nListenPort = x\n', { maxFindings: Number.NaN });
    check('[Interface]\nListenPort = x\n', null);
    assert.doesNotThrow(() => lintWireGuard('[Interface]\n', null as unknown as LintOptions));
    check('[Peer]\nEndpoint = 1.2.3.4:5\n', { report: { udp: 'yes' } as never });
    check('[Peer]\nEndpoint = 1.2.3.4:5\nPersistentKeepalive = 99\n', { report: { udp: 'yes', mapping: { value: 'endpoint-independent' }, mappingLifetime: { value: -3 } } as never });
  });

  it('maxFindings bounds the list and sets truncated', function () {
    const t = '[Interface]\n' + 'Bogus = 1\n'.repeat(2000);
    const r = check(t, { maxFindings: 10 });
    assert.equal(r.findings.length, 10);
    assert.equal(r.truncated, true);
    assert.equal(check(t).findings.length, DEFAULT_MAX_FINDINGS);
    assert.equal(check(t, { maxFindings: 0 }).findings.length, 0);
  });

  it('100,000-character lines: a comment, a key, a value, an AllowedIPs list of 7,000 prefixes', function () {
    const long = 'x'.repeat(100_000);
    check(`# ${long}\n[Interface]\nPrivateKey = ${PAIR.priv}\n`);
    const k = check(`[Interface]\n${long} = 1\n`);
    assert.ok(k.findings[0].message.length < 300);
    check(`[Interface]\nPrivateKey = ${long}\n`);
    check(`[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = ${long}:1\n`);
    check(`[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = [${long}\n`);
    const list = Array.from({ length: 7000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`).join(', ');
    assert.ok(list.length > 100_000);
    check(`[Interface]\nPrivateKey = ${PAIR.priv}\n[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = ${list}\n[Peer]\nPublicKey = ${PAIR.pub}x\nAllowedIPs = ${list}\n`);
  });

  it('100,000 commas, 100,000 unknown-key lines: bounded work once the list is full', function () {
    const commas = check(`[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = ${','.repeat(100_000)}\n`);
    assert.equal(commas.truncated, true);
    const keys = check(`[Interface]\n${'Listen Prot = 1\n'.repeat(100_000)}`);
    assert.equal(keys.truncated, true);
    const peers = check(`[Interface]\nPrivateKey = ${PAIR.priv}\n${`[Peer]\nPublicKey = short\nPresharedKey = short\n`.repeat(30_000)}`);
    assert.equal(peers.truncated, true);
  });

  it('a 10 MB file', function () {
    let t = bigServer(2000);
    while (t.length < 10 * 1024 * 1024) t += t;
    t = t.slice(0, 10 * 1024 * 1024);
    const r = check(t);
    assert.equal(r.truncated, true);
  });

  // Its timing is the bench's (bench/lint.ts, "WireGuard, 10,000 peers").
  it('a generated 10,000-peer config: every peer summarised, nothing to say', function () {
    const r = lintWireGuard(bigServer(10_000));
    assert.equal(r.summary.peers.length, 10_000);
    assert.deepEqual(r.findings.map((f) => f.ruleId).sort(), [], 'an ordinary server: nothing to say');
  });
});

const TOKENS = [
  '[', ']', '=', '#', ';', ',', ' ', '\t', '\r', '\n', '\r\n', ':', '/', '.', '%', '-', '+', '"', "'", '\\', '\uFEFF', '\u00a0', '\ud83d\ude00', '\ud800',
  '[Peer]\n', '[Interface]\n', '[ Interface ]\n', 'AllowedIPs = ', 'Endpoint = ', 'PublicKey = ', 'PrivateKey = ', 'PresharedKey = ', 'ListenPort = ', 'FwMark = ',
  'PersistentKeepalive = ', 'Address = ', 'DNS = ', 'MTU = ', 'Table = ', 'PostUp = ', 'SaveConfig = ', '0.0.0.0/0', '::/0', '10.0.0.1/24', 'fe80::1', '[2001:db8::1]:51820',
  '65536', '0x', 'off', 'true', '1200', '25', '0', '99999999999999999999', `${PEER_PUB}`, `${PAIR.pub}`, `${PAIR.priv}`, 'vpn.example.com', '\0',
];

function mutate(text: string, rand: () => number, others: readonly string[]): string {
  const n = 1 + Math.floor(rand() * 4);
  let t = text;
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(rand() * (t.length + 1));
    const op = Math.floor(rand() * 9);
    if (op <= 2) {
      const tok = TOKENS[Math.floor(rand() * TOKENS.length)];
      // NUL rarely, so most cases reach the parser
      t = tok === '\0' && rand() < 0.9 ? t : t.slice(0, pos) + tok + t.slice(pos);
    } else if (op === 3) t = t.slice(0, pos) + t.slice(pos + Math.floor(rand() * 40));
    else if (op === 4) {
      const lines = t.split('\n');
      const i = Math.floor(rand() * lines.length);
      lines.splice(Math.floor(rand() * lines.length), 0, lines[i]);
      t = lines.join('\n');
    } else if (op === 5) {
      const o = others[Math.floor(rand() * others.length)];
      const a = Math.floor(rand() * o.length);
      t = t.slice(0, pos) + o.slice(a, a + Math.floor(rand() * 200)) + t.slice(pos);
    } else if (op === 6) t = t.slice(0, pos);
    else if (op === 7) {
      let junk = '';
      const len = Math.floor(rand() * 12);
      for (let i = 0; i < len; i++) junk += String.fromCharCode(32 + Math.floor(rand() * 95));
      t = t.slice(0, pos) + junk + t.slice(pos + Math.floor(rand() * 12));
    } else {
      const lines = t.split(/\n/);
      const i = Math.floor(rand() * lines.length);
      const j = Math.floor(rand() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      t = lines.join(rand() < 0.2 ? '\r\n' : '\n');
    }
  }
  return t;
}

describe('WireGuard linter: fuzz', function () {
  this.timeout(1_800_000);
  const CASES = Number(process.env.WG_FUZZ_CASES ?? 100_000);

  it(`${CASES} seeded mutations of the fixtures: a result every time, bounded, no internal error, no secret shown`, function () {
    const fx = fixtures();
    const texts = fx.map((f) => f.text);
    const rand = prng(0x5eed);
    const probe = report({ lifetime: 20 });
    let findings = 0;
    let secretChecks = 0;
    for (let i = 0; i < CASES; i++) {
      const base = fx[Math.floor(rand() * fx.length)];
      const text = i % 50 === 49 ? randomText(rand) : mutate(base.text, rand, texts);
      const opts: LintOptions = {
        maxFindings: rand() < 0.3 ? Math.floor(rand() * 6) : undefined,
        report: rand() < 0.3 ? probe : undefined,
        fileName: rand() < 0.5 ? base.name : undefined,
      };
      let r: LintResult;
      try {
        r = check(text, opts);
      } catch (e) {
        throw new Error(`case ${i} (${base.name}): ${(e as Error).message}\n${JSON.stringify(text.slice(0, 2000))}`);
      }
      findings += r.findings.length;
      if (i % 10 === 0) {
        const secrets = secretsOf(base.text);
        for (const f of r.findings) for (const s of secrets) assert.ok(!leaks(f.message, s), `case ${i}: ${f.message}`);
        secretChecks++;
      }
    }
    console.log(`      fuzz: ${CASES} cases, ${findings} findings, ${secretChecks} secret checks`);
  });
});

function randomText(rand: () => number): string {
  let s = '';
  const len = Math.floor(rand() * 400);
  for (let i = 0; i < len; i++) s += rand() < 0.5 ? TOKENS[Math.floor(rand() * TOKENS.length)] : String.fromCharCode(Math.floor(rand() * 0x3000));
  return s;
}
