import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { applyPreferredFixes } from '../../../src/lint/applyFixes';
import { lintText } from '../../../src/lint';
import type { Finding, LintResult } from '../../../src/lint/types';
import { lintWorkspace } from '../../../src/lint/workspace';

function keyPair(): { priv: string; pub: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('x25519');
  const priv = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('base64');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  return { priv, pub };
}

function wg(own: { priv: string }, peer: { pub: string }, extra = '', port = 51820): string {
  return `[Interface]\nPrivateKey = ${own.priv}\nListenPort = ${port}\nAddress = 10.0.0.1/24\n\n[Peer]\nPublicKey = ${peer.pub}\nAllowedIPs = 10.0.0.2/32\n${extra}`;
}

function lint(file: string, text: string): LintResult {
  const r = lintText(text, { fileName: file, format: 'wireguard' });
  if (!r.format) throw new Error(r.error);
  return r;
}

describe('workspace-wide checks', () => {
  const a = keyPair();
  const b = keyPair();

  it('the summary carries our own public key (derived from PrivateKey), never the private key', () => {
    const r = lint('a.conf', wg(a, b));
    assert.equal(r.summary.ownPublicKey, a.pub);
    assert.ok(!JSON.stringify(r.summary).includes(a.priv));
  });

  it('WG17: two configs that are each other’s peer with no Endpoint on either side: an error on both', () => {
    const files = [
      { file: 'a.conf', summary: lint('a.conf', wg(a, b)).summary },
      { file: 'b.conf', summary: lint('b.conf', wg(b, a, '', 51821)).summary },
    ];
    const found = lintWorkspace(files).filter((f) => f.finding.ruleId === 'WG17');
    assert.deepEqual(found.map((f) => f.file).sort(), ['a.conf', 'b.conf']);
    assert.equal(found[0].finding.severity, 'error');
    assert.equal(found[0].finding.related?.[0].file, found[0].file === 'a.conf' ? 'b.conf' : 'a.conf');
  });

  it('WG17 stays quiet when one side has an Endpoint', () => {
    const files = [
      { file: 'a.conf', summary: lint('a.conf', wg(a, b, 'Endpoint = vpn.example.org:51820\n')).summary },
      { file: 'b.conf', summary: lint('b.conf', wg(b, a, '', 51821)).summary },
    ];
    assert.equal(lintWorkspace(files).filter((f) => f.finding.ruleId === 'WG17').length, 0);
  });

  it('PORT02: the same UDP ListenPort in two configs is a warning on each, pointing at the other', () => {
    const files = [
      { file: 'a.conf', summary: lint('a.conf', wg(a, b, 'Endpoint = h:1\n')).summary },
      { file: 'c.conf', summary: lint('c.conf', wg(keyPair(), b, 'Endpoint = h:1\n')).summary },
    ];
    const found = lintWorkspace(files).filter((f) => f.finding.ruleId === 'PORT02');
    assert.equal(found.length, 2);
    assert.match(found[0].finding.message, /UDP\/51820 is also claimed by/);
  });

  it('ListenPort 0 (a random port) never clashes', () => {
    const files = ['x.conf', 'y.conf'].map((file) => ({ file, summary: lint(file, wg(keyPair(), b, 'Endpoint = h:1\n', 0)).summary }));
    assert.equal(lintWorkspace(files).filter((f) => f.finding.ruleId === 'PORT02').length, 0);
  });
});

describe('applying preferred fixes', () => {
  const at = (line: number, column: number) => ({ line, column });
  const finding = (edits: { from: [number, number]; to: [number, number]; text: string }[], preferred = true): Finding => ({
    ruleId: 'T1',
    severity: 'error',
    message: 'm',
    range: { start: at(0, 0), end: at(0, 1) },
    fixes: [{ title: 't', isPreferred: preferred, edits: edits.map((e) => ({ range: { start: at(...e.from), end: at(...e.to) }, newText: e.text })) }],
  });

  it('applies edits bottom-up so earlier offsets stay right, across CRLF lines', () => {
    const text = 'abc\r\ndef\r\nghi';
    const r = applyPreferredFixes(text, [finding([{ from: [0, 0], to: [0, 1], text: 'X' }]), finding([{ from: [2, 2], to: [2, 3], text: 'YY' }])]);
    assert.equal(r.text, 'Xbc\r\ndef\r\nghYY');
    assert.equal(r.applied, 2);
  });
  it('skips a fix that overlaps one already taken, and fixes that are not preferred', () => {
    const text = 'abcdef';
    const r = applyPreferredFixes(text, [finding([{ from: [0, 1], to: [0, 4], text: '' }]), finding([{ from: [0, 2], to: [0, 5], text: 'Z' }]), finding([{ from: [0, 5], to: [0, 6], text: 'Q' }], false)]);
    assert.equal(r.text, 'aef');
    assert.deepEqual([r.applied, r.skipped], [1, 1]);
  });
});

describe('PORT01 for WireGuard: an Endpoint port the probe found blocked', () => {
  const base = {
    schemaVersion: 1,
    udp: 'yes',
    mapping: { value: 'endpoint-independent', reason: '', evidence: [] },
  } as unknown as import('../../../src/report/report').Report;
  const text = (port: number) =>
    `[Interface]\nPrivateKey = ${crypto.randomBytes(32).toString('base64')}\n\n[Peer]\nPublicKey = ${crypto.randomBytes(32).toString('base64')}\nAllowedIPs = 0.0.0.0/0\nEndpoint = vpn.example.org:${port}\nPersistentKeepalive = 25\n`;
  const report = { ...base, ports: [
    { protocol: 'udp', port: 51820, reachable: 'no', basis: 'no answer in 8 tries while udp/3478 answered' },
    { protocol: 'udp', port: 443, reachable: 'yes', basis: 'answer from the reflector' },
  ] } as typeof base;
  it('is an error pointing at the Endpoint value, naming a port that got through', () => {
    const src = text(51820);
    const r = lintText(src, { format: 'wireguard', report });
    if (!r.format) throw new Error(r.error);
    const f = r.findings.find((x) => x.ruleId === 'PORT01');
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.ruleId)));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /udp\/443 did/);
    const line = src.split('\n')[f.range.start.line];
    assert.equal(line.slice(f.range.start.column, f.range.end.column), 'vpn.example.org:51820');
  });
  it('names udp/443 over an open IPsec port (udp/500, udp/4500: PORT02 flags those), whatever the order in the report', () => {
    // The report lists udp/500 first: the first open port is not the one to suggest.
    const ipsecFirst = { ...base, ports: [
      { protocol: 'udp', port: 51820, reachable: 'no', basis: 'no answer' },
      { protocol: 'udp', port: 500, reachable: 'yes', basis: 'answer from the reflector' },
      { protocol: 'udp', port: 4500, reachable: 'yes', basis: 'answer from the reflector' },
      { protocol: 'udp', port: 443, reachable: 'yes', basis: 'answer from the reflector' },
    ] } as typeof base;
    const message = (r: ReturnType<typeof lintText>): string => {
      if (!r.format) throw new Error(r.error);
      return r.findings.find((x) => x.ruleId === 'PORT01')?.message ?? '';
    };
    assert.match(message(lintText(text(51820), { format: 'wireguard', report: ipsecFirst })), /\(udp\/443 did\)/);
    // Without 443, another open port that is not IPsec's; with only IPsec's open, none is named.
    const no443 = { ...ipsecFirst, ports: [...ipsecFirst.ports!.slice(0, 3), { protocol: 'udp', port: 1194, reachable: 'yes', basis: 'answer' }] } as typeof base;
    assert.match(message(lintText(text(51820), { format: 'wireguard', report: no443 })), /\(udp\/1194 did\)/);
    const onlyIpsec = { ...ipsecFirst, ports: ipsecFirst.ports!.slice(0, 3) } as typeof base;
    const m = message(lintText(text(51820), { format: 'wireguard', report: onlyIpsec }));
    assert.match(m, /blocked/);
    assert.doesNotMatch(m, /udp\/(500|4500) did/);
  });
  it('is silent for a reachable port, and without a report', () => {
    const ok = lintText(text(443), { format: 'wireguard', report });
    const none = lintText(text(51820), { format: 'wireguard' });
    for (const r of [ok, none]) {
      if (!r.format) throw new Error(r.error);
      assert.ok(!r.findings.some((x) => x.ruleId === 'PORT01'));
    }
  });
});

describe('WQ06: DNS set on a host without resolvconf', () => {
  const src = `[Interface]\nPrivateKey = ${crypto.randomBytes(32).toString('base64')}\nAddress = 10.0.0.2/32\nDNS = 10.0.0.1, corp.example\n\n[Peer]\nPublicKey = ${crypto.randomBytes(32).toString('base64')}\nAllowedIPs = 0.0.0.0/0\nEndpoint = h.example:51820\nPersistentKeepalive = 25\n`;
  it('warns when the host has no resolvconf, and its fix moves DNS to a resolvectl PostUp', () => {
    const r = lintText(src, { format: 'wireguard', host: { resolvconf: false } });
    if (!r.format) throw new Error(r.error);
    const f = r.findings.find((x) => x.ruleId === 'WQ06');
    assert.ok(f);
    const fixed = applyPreferredFixes(src, [{ ...f, fixes: f.fixes.map((x) => ({ ...x, isPreferred: true })) }]).text;
    assert.match(fixed, /^# DNS = 10\.0\.0\.1, corp\.example$/m);
    assert.match(fixed, /^PostUp = resolvectl dns %i 10\.0\.0\.1; resolvectl domain %i '~\.'$/m);
    const again = lintText(fixed, { format: 'wireguard', host: { resolvconf: false } });
    if (!again.format) throw new Error(again.error);
    assert.ok(!again.findings.some((x) => x.ruleId === 'WQ06'));
  });
  it('is silent when the host has resolvconf or nothing is known of the host', () => {
    for (const host of [{ resolvconf: true }, undefined]) {
      const r = lintText(src, { format: 'wireguard', host });
      if (!r.format) throw new Error(r.error);
      assert.ok(!r.findings.some((x) => x.ruleId === 'WQ06'));
    }
  });
});
