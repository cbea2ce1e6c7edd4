// The linter's fast paths (built for 10,000-peer servers) against direct, slow computations of
// the same thing: lazily cut entry strings, the in-place AllowedIPs reader, the typed-array
// prefix table and the key index.
import * as assert from 'node:assert/strict';
import { PrefixReader, formatPrefix, isPrefix, parseAllowedIp } from '../../../../src/lint/wireguard/addresses';
import { type Entry, type KeyName, allKeyNames, isWqKey, keyByName } from '../../../../src/lint/wireguard/model';
import { parseWireGuard } from '../../../../src/lint/wireguard/parser';
import { AllowedIpTable } from '../../../../src/lint/wireguard/rules/memo';
import { sameKeyIndex, sameStringIndex } from '../../../../src/lint/wireguard/sameKey';
import { splitLines } from '../../../../src/lint/text';
import { fixtures, prng } from './helpers';

const noSpaces = (s: string): string => s.replace(/[ \t\n\v\f\r]/g, '');

/** Texts that exercise every parser branch: the fixtures, then random edits of them. */
function texts(count: number): string[] {
  const rand = prng(7);
  const pieces = [' ', '\t', '#', ';', '=', ',', '[', ']', '\r\n', '\n', '\uFEFF', 'Peer', 'Interface', 'PublicKey', 'AllowedIPs', 'DNS', 'PostUp', 'x', '10.0.0.1/8'];
  const base = fixtures().map((f) => f.text);
  const out = [...base];
  for (let i = 0; i < count; i++) {
    let t = base[Math.floor(rand() * base.length)];
    for (let k = 0; k < 1 + Math.floor(rand() * 6); k++) {
      const at = Math.floor(rand() * (t.length + 1));
      t = rand() < 0.6 ? t.slice(0, at) + pieces[Math.floor(rand() * pieces.length)] + t.slice(at) : t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 3));
    }
    out.push(t);
  }
  return out;
}

describe('WireGuard fast paths: parsed entries', function () {
  it('strings cut on demand, flags and placement-derived facts equal a direct reading of the line', function () {
    for (const text of texts(3000)) {
      const src = splitLines(text);
      const parsed = parseWireGuard(src);
      for (const e of parsed.entries) {
        const line = src.lines[e.line];
        const where = JSON.stringify(line);
        const key = line.slice(e.keyStart, e.keyEnd);
        const value = e.hasEquals ? line.slice(e.valueStart, e.valueEnd) : '';
        assert.equal(e.key, key, where);
        assert.equal(e.compactKey, noSpaces(key), where);
        assert.equal(e.name, keyByName(noSpaces(key)), where);
        assert.equal(e.value, value, where);
        assert.equal(e.compactValue, noSpaces(value), where);
        assert.equal(e.hasValue, noSpaces(value).length > 0, where);
        assert.equal(e.valueHasSemicolon, value.includes(';'), where);
        assert.equal(e.contentStart, e.keyStart, where);
        assert.equal(e.contentEnd, e.valueEnd, where);
        assert.equal(e.commentStart, line.indexOf('#', e.line === 0 ? parsed.firstColumn : 0), where);
        assert.equal(e.consumedByWgQuick, e.placement === 'ok' && e.name !== undefined && isWqKey(e.name), where);
        const usable = e.placement === 'ok' && e.hasEquals && noSpaces(value).length > 0 && !(e.name && !isWqKey(e.name) && value.includes(';'));
        assert.equal(e.usable, usable, where);
      }
      for (const s of parsed.sections) {
        for (const name of allKeyNames()) {
          const last = [...s.entries].reverse().find((e) => e.name === name && e.placement === 'ok');
          assert.equal(s.effective(name), last);
        }
      }
    }
  });

  it('recognises every key written exactly, in another case, and not with a letter more', function () {
    for (const k of allKeyNames()) {
      const section = isWqKey(k) || ['PrivateKey', 'ListenPort', 'FwMark'].includes(k) ? '[Interface]' : '[Peer]';
      const parse = (written: string): Entry => parseWireGuard(splitLines(`${section}\n${written} = 1\n`)).entries[0];
      assert.equal(parse(k).name, k);
      assert.equal(parse(k).key, k);
      assert.equal(parse(k.toLowerCase()).name, k);
      assert.equal(parse(k.toLowerCase()).key, k.toLowerCase());
      assert.equal(parse(`${k}x`).name, undefined);
      assert.equal(parse(`x${k}`).name, undefined);
    }
  });
});

/** AllowedIPs items in the forms a config holds, with the errors people make. */
function allowedIpItems(count: number): string[] {
  const rand = prng(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const octet = (): string => pick(['0', '1', '10', '255', '256', '01', '192', String(Math.floor(rand() * 256))]);
  const group = (): string => pick(['0', '1', 'fd00', 'FFFF', 'abcd', '12345', 'g', String(Math.floor(rand() * 65536).toString(16))]);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let ip: string;
    const form = rand();
    if (form < 0.4) ip = [octet(), octet(), octet(), octet()].join('.');
    else if (form < 0.5) ip = [octet(), octet(), octet()].join('.');
    else if (form < 0.8) {
      const groups = Array.from({ length: 1 + Math.floor(rand() * 9) }, group);
      const cut = Math.floor(rand() * (groups.length + 1));
      ip = rand() < 0.6 ? `${groups.slice(0, cut).join(':')}::${groups.slice(cut).join(':')}` : groups.join(':');
      if (rand() < 0.1) ip += `:${[octet(), octet(), octet(), octet()].join('.')}`;
    } else ip = pick(['::', '::1', '::ffff:1.2.3.4', 'fe80::1%eth0', '+10.0.0.0', 'host.example', '', ':', '1.2.3.4:5']);
    const len = rand() < 0.8 ? `/${pick(['0', '8', '24', '32', '33', '64', '128', '129', '08', '', 'x', String(Math.floor(rand() * 130))])}` : '';
    let item = ip + len;
    if (rand() < 0.1) item = item.slice(0, Math.floor(rand() * item.length)) + ' ' + item.slice(Math.floor(rand() * item.length));
    out.push(item);
  }
  return out;
}

describe('WireGuard fast paths: AllowedIPs', function () {
  it('PrefixReader takes exactly the clean prefixes parseAllowedIp finds, with the same address and length', function () {
    const reader = new PrefixReader();
    let taken = 0;
    for (const item of allowedIpItems(50_000)) {
      const line = `AllowedIPs = 1.2.3.4/32, ${item}, ::/0`;
      const a = line.indexOf(', ') + 2;
      const b = a + item.length;
      const p = parseAllowedIp(noSpaces(item));
      const clean = isPrefix(p) && !p.hostBits;
      const read = reader.read(line, a, b);
      if (!/\s/.test(item)) assert.equal(read, clean, item);
      if (!read) continue;
      taken++;
      assert.ok(isPrefix(p) && !p.hostBits, item);
      assert.equal(reader.family, p.ip.family, item);
      assert.equal(reader.cidr, p.cidr, item);
      assert.deepEqual([...reader.bytes], [...p.network.bytes], item);
    }
    assert.ok(taken > 2000, `only ${taken} items took the fast path`);
  });

  it('the prefix table orders, nests, prints and tells prefixes apart as the parsed prefixes do', function () {
    const prefixes = allowedIpItems(3000)
      .map((t) => parseAllowedIp(noSpaces(t)))
      .filter(isPrefix);
    const table = new AllowedIpTable();
    for (const p of prefixes) table.add(0, {} as Entry, 0, 0, p.ip.family, p.network.bytes, p.cidr);
    assert.equal(table.length, prefixes.length);
    const rand = prng(5);
    for (let n = 0; n < 20_000; n++) {
      const i = Math.floor(rand() * prefixes.length);
      const j = rand() < 0.2 ? i : Math.floor(rand() * prefixes.length);
      const [p, q] = [prefixes[i], prefixes[j]];
      const sameFamily = p.ip.family === q.ip.family;
      const bytesCmp = p.network.bytes.reduce((c, x, k) => c || x - q.network.bytes[k], 0);
      const order = !sameFamily ? p.ip.family - q.ip.family : bytesCmp || p.cidr - q.cidr;
      assert.equal(Math.sign(table.compare(i, j)), Math.sign(order));
      assert.equal(table.sameKey(i, j), order === 0);
      if (order === 0) assert.equal(table.hash(i), table.hash(j));
      const bitsEqual = (k: number): boolean => (p.network.bytes[k >> 3] >> (7 - (k & 7))) % 2 === (q.network.bytes[k >> 3] >> (7 - (k & 7))) % 2;
      const contains = sameFamily && p.cidr <= q.cidr && Array.from({ length: p.cidr }, (_, k) => k).every(bitsEqual);
      assert.equal(table.contains(i, j), contains, `${formatPrefix(p)} ⊇ ${formatPrefix(q)}`);
    }
    prefixes.forEach((p, i) => {
      assert.equal(table.text(i), formatPrefix(p));
      assert.equal(table.family(i), p.ip.family);
      assert.equal(table.cidr(i), p.cidr);
    });
  });
});

describe('WireGuard fast paths: key index', function () {
  it('finds the first and the last item with the same key, as a Map does', function () {
    const rand = prng(3);
    for (let round = 0; round < 200; round++) {
      const keys = Array.from({ length: Math.floor(rand() * 300) }, () => (rand() < 0.1 ? undefined : `k${Math.floor(rand() * 40)}`));
      const first = new Map<string, number>();
      const last = new Map<string, number>();
      keys.forEach((k, i) => {
        if (k === undefined) return;
        if (!first.has(k)) first.set(k, i);
        last.set(k, i);
      });
      const expect = (m: Map<string, number>): number[] => keys.map((k) => (k === undefined ? -1 : m.get(k)!));
      assert.deepEqual([...sameStringIndex(keys, 'first')], expect(first));
      assert.deepEqual([...sameStringIndex(keys, 'last')], expect(last));
      // A hash that collides for every key still gives the right answer (only slower).
      const collide = sameKeyIndex(keys.length, (i) => (keys[i] === undefined ? -1 : 7), (i, j) => keys[i] === keys[j], 'last');
      assert.deepEqual([...collide], expect(last));
    }
  });
});

describe('WireGuard fast paths: the canonical key table', function () {
  it('has a distinct length and first letter for every key name (what keyAt relies on)', function () {
    const shapes = new Set(allKeyNames().map((k: KeyName) => `${k.length}:${k[0]}`));
    assert.equal(shapes.size, allKeyNames().length);
  });
});
