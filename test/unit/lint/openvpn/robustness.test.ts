// Hostile and huge input: the linter always returns a result (never throws, never an internal
// error), stays within maxFindings, keeps every range inside the text, and stays linear.

import * as assert from 'node:assert/strict';
import { lintOpenVpn } from '../../../../src/lint/openvpn';
import { splitLines } from '../../../../src/lint/text';
import { DEFAULT_MAX_FINDINGS, type LintOptions, type LintResult, type Range } from '../../../../src/lint/types';
import { fixture, fixtureNames, loadReport, prng } from './helpers';

function rangeInside(r: Range, lineLengths: readonly number[]): boolean {
  const ok = (p: Range['start']) => p.line >= 0 && p.line < lineLengths.length && p.column >= 0 && p.column <= lineLengths[p.line];
  const ordered = r.start.line < r.end.line || (r.start.line === r.end.line && r.start.column <= r.end.column);
  return ok(r.start) && ok(r.end) && ordered;
}

function checkResult(text: string, r: LintResult, max: number, label: string): void {
  assert.equal(r.format, 'openvpn', label);
  assert.ok(Array.isArray(r.findings), label);
  assert.ok(r.findings.length <= max, `${label}: ${r.findings.length} findings > ${max}`);
  assert.equal(typeof r.truncated, 'boolean', label);
  const lengths = splitLines(text).lines.map((l) => l.length);
  for (const f of r.findings) {
    assert.ok(!/internal error/.test(f.message), `${label}: ${f.message}`);
    assert.ok(f.message.length > 0 && !f.message.includes('\n'), `${label}: message`);
    assert.ok(rangeInside(f.range, lengths), `${label}: range ${JSON.stringify(f.range)} outside the text`);
    for (const fix of f.fixes) for (const e of fix.edits) assert.ok(rangeInside(e.range, lengths), `${label}: fix range outside`);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** ~60k lines: 10,000 routes and five big inline blocks. */
function largeConfig(): string {
  const lines = ['client', 'dev tun', 'proto udp', 'remote vpn.example.com 1194', 'nobind', 'keepalive 10 60'];
  for (let i = 0; i < 10000; i++) lines.push(`route 10.${(i >> 8) & 255}.${i & 255}.0 255.255.255.0 # route ${i}`);
  const b64 = 'RkFLRS1DRVJULUZPUi1ORVQtUFJPQkUtVEVTVFMtT05MWS1OT1QtQS1SRUFMLUtF';
  for (const tag of ['ca', 'cert', 'extra-certs', 'key', 'tls-crypt']) {
    lines.push(`<${tag}>`, '-----BEGIN CERTIFICATE-----');
    for (let i = 0; i < 10000; i++) lines.push(b64);
    lines.push('-----END CERTIFICATE-----', `</${tag}>`);
  }
  return lines.join('\n') + '\n';
}

describe('OpenVPN linter on hostile and huge input', function () {
  this.timeout(600_000);

  // Its figures are the bench's (bench/lint.ts); here only linearity, a ratio, is checked.
  it('a large generated config (~60k lines) lints in linear time', () => {
    const text = largeConfig();
    let r: LintResult | undefined = lintOpenVpn(text); // a first run, to warm up
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = process.hrtime.bigint();
      r = lintOpenVpn(text);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    checkResult(text, r as LintResult, DEFAULT_MAX_FINDINGS, 'large');
    assert.ok(!(r as LintResult).findings.some((f) => f.severity === 'error'));
    // Linear: twice the routes must not take four times as long (generous against noise).
    const double = text.replace(/(route [^\n]*\n)/g, '$1$1');
    const t2: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      lintOpenVpn(double);
      t2.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    assert.ok(median(t2) < median(times) * 4 + 50, 'not linear');
  });

  it('a 10 MB config (fixtures repeated) yields a bounded result', () => {
    const base = fixtureNames()
      .map((n) => fixture(n))
      .join('\n');
    let text = base;
    while (text.length < 10 * 1024 * 1024) text += '\n' + base;
    const r = lintOpenVpn(text);
    checkResult(text, r, DEFAULT_MAX_FINDINGS, '10MB');
    assert.ok(r.truncated);
  });

  it('a 10 MB file of one line, and of garbage lines', () => {
    const oneLine = 'remote ' + 'a'.repeat(10 * 1024 * 1024);
    const r1 = lintOpenVpn(oneLine);
    checkResult(oneLine, r1, DEFAULT_MAX_FINDINGS, 'one line');
    assert.ok(r1.findings.some((f) => f.ruleId === 'OV05'));
    const rand = prng(7);
    const parts: string[] = [];
    let size = 0;
    while (size < 10 * 1024 * 1024) {
      const len = Math.floor(rand() * 120);
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(32 + Math.floor(rand() * 95));
      parts.push(s);
      size += len + 1;
    }
    const garbage = parts.join('\n');
    const r2 = lintOpenVpn(garbage, { maxFindings: 200 });
    checkResult(garbage, r2, 200, 'garbage');
    assert.equal(r2.findings.length, 200);
    assert.ok(r2.truncated);
  });

  it('binary input and NUL bytes: one clear PARSE finding, nothing else', () => {
    const rand = prng(3);
    let bin = '';
    for (let i = 0; i < 100_000; i++) bin += String.fromCharCode(Math.floor(rand() * 256));
    for (const [label, text] of [
      ['random bytes', bin],
      ['NUL in a config', 'client\ndev tun\u0000\nremote a\n'],
      ['UTF-16 read as UTF-8', 'c\u0000l\u0000i\u0000e\u0000n\u0000t\u0000\n\u0000'],
      ['control characters', '\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008'.repeat(100)],
    ] as const) {
      const r = lintOpenVpn(text);
      assert.equal(r.findings.length, 1, label);
      assert.equal(r.findings[0].ruleId, 'PARSE', label);
      assert.equal(r.findings[0].severity, 'error');
      assert.match(r.findings[0].message, /not an OpenVPN config/);
      assert.deepEqual(r.summary.endpoints, []);
    }
  });

  it('100,000-character lines: bare, quoted, many tokens, inside blocks', () => {
    const long = 'x'.repeat(100_000);
    const cases = [
      `remote ${long}\n`,
      `setenv A "${long}"\n`,
      `setenv A "${long}\n`,
      `${'a '.repeat(50_000)}\n`,
      `<ca>\n${long}\n</ca>\n`,
      `<connection>\nremote ${long}\n</connection>\n`,
      `# ${long}\n`,
      `ca C:\\${long}\n`,
      `${long}\\`,
    ];
    for (const text of cases) {
      const r = lintOpenVpn(text);
      checkResult(text, r, DEFAULT_MAX_FINDINGS, text.slice(0, 20));
    }
  });

  it('odd but valid strings do not break it', () => {
    for (const text of ['', '\n', '\r', '\r\n', '\uFEFF', '\uFEFF\n', '<', '>', '<>', '</>', '<>\n</>\n', '"', "'", '\\', '#', ';', '--', '\uD800', 'é\u2028\u2029\u00A0client', 'remote a\r\r\r\n', '<connection>\n<connection>\nremote a\n</connection>\n</connection>\n']) {
      checkResult(text, lintOpenVpn(text), DEFAULT_MAX_FINDINGS, JSON.stringify(text));
    }
    checkResult('x', lintOpenVpn(undefined as unknown as string), DEFAULT_MAX_FINDINGS, 'undefined');
  });

  it('maxFindings bounds the list and sets truncated', () => {
    const text = 'nat-detect 1\n'.repeat(1000);
    for (const max of [1, 5, 10]) {
      const r = lintOpenVpn(text, { maxFindings: max });
      assert.equal(r.findings.length, max);
      assert.equal(r.truncated, true);
    }
    const r = lintOpenVpn(text);
    assert.equal(r.findings.length, DEFAULT_MAX_FINDINGS);
    assert.equal(lintOpenVpn('client\n', { maxFindings: 5 }).truncated, false);
    const none = lintOpenVpn(text, { maxFindings: 0 });
    assert.deepEqual([none.findings.length, none.truncated], [0, true]);
    assert.equal(lintOpenVpn('\u0000', { maxFindings: 0 }).findings.length, 0);
    assert.equal(lintOpenVpn(text, { maxFindings: Number.NaN }).findings.length, DEFAULT_MAX_FINDINGS);
  });

  it('a malformed probe report is ignored, not an internal error', () => {
    const text = 'client\ndev tun\nremote a 1194\n';
    for (const report of [{}, { ports: 'no' }, { ports: [null, { protocol: 'udp' }] }, { mapping: null, mappingLifetime: { value: 'x' } }, { mapping: { value: 'weird<script>' } }]) {
      const r = lintOpenVpn(text, { report: report as never });
      checkResult(text, r, DEFAULT_MAX_FINDINGS, JSON.stringify(report));
      assert.ok(!r.findings.some((f) => f.ruleId === 'PARSE'), JSON.stringify(report));
    }
  });

  it('100,000 seeded mutations of the fixtures: a result every time, no internal error, within maxFindings', () => {
    const rand = prng(20260115);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const sources = fixtureNames().map((n) => fixture(n));
    const sourceLines = sources.map((s) => s.split('\n'));
    const report = loadReport('reports/udp1194-blocked.json');
    const noise = ['"', "'", '\\', '#', ';', '<', '>', '/', '\r', '\n', '\t', ' ', '\uFEFF', 'é', '\u0000', '-', '--', '0', '70000', '\r\n', '\v', '\f'];
    const inserts = ['<ca>', '</ca>', '<connection>', '</connection>', '<key>', 'remote a 1194 tcp', 'proto tcp-client', 'nobind', 'lport 1', 'keepalive 1 1', 'ping 5', 'fragment 10', 'setenv opt', 'ignore-unknown-option remote', 'setenv FORWARD_COMPATIBLE 1', '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', 'x'.repeat(300), 'cipher BF-CBC', 'client', 'tun-mtu 5', 'port 4500'];
    const N = 100_000;
    let findings = 0;
    for (let i = 0; i < N; i++) {
      const lines = pick(sourceLines);
      const from = Math.floor(rand() * lines.length);
      let text = rand() < 0.05 ? lines.join('\n') : lines.slice(from, from + 1 + Math.floor(rand() * 30)).join('\n');
      const ops = 1 + Math.floor(rand() * 6);
      for (let k = 0; k < ops; k++) {
        const at = Math.floor(rand() * (text.length + 1));
        const op = rand();
        if (op < 0.35) text = text.slice(0, at) + pick(noise) + text.slice(at);
        else if (op < 0.55) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 20));
        else if (op < 0.75) text = text.slice(0, at) + '\n' + pick(inserts) + '\n' + text.slice(at);
        else if (op < 0.85) text = text.slice(0, at) + text.slice(at, at + 40).toUpperCase() + text.slice(at + 40);
        else if (op < 0.95) text = text.slice(0, at) + text.slice(Math.max(0, at - 60), at) + text.slice(at);
        else text = text.slice(0, at);
      }
      const max = rand() < 0.2 ? 1 + Math.floor(rand() * 5) : DEFAULT_MAX_FINDINGS;
      const options: LintOptions = { maxFindings: max, ...(rand() < 0.3 ? { report } : {}) };
      let r: LintResult;
      try {
        r = lintOpenVpn(text, options);
      } catch (e) {
        assert.fail(`case ${i} threw ${String(e)} on ${JSON.stringify(text.slice(0, 200))}`);
      }
      findings += r.findings.length;
      if (r.findings.length > max) assert.fail(`case ${i}: ${r.findings.length} > ${max}`);
      for (const f of r.findings) if (/internal error/.test(f.message)) assert.fail(`case ${i}: ${f.message} on ${JSON.stringify(text.slice(0, 300))}`);
      if (i % 97 === 0) checkResult(text, r, max, `case ${i}`);
    }
    console.log(`      fuzz: ${N} cases, ${findings} findings`);
  });
});
