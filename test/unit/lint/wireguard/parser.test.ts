// Parser facts, each checked on its own: how wg (wireguard-tools src/config.c) and wg-quick
// (wg-quick/linux.bash parse_options) read a config, and that every node keeps its place.
import * as assert from 'node:assert/strict';
import { splitLines } from '../../../../src/lint/text';
import { lintWireGuard } from '../../../../src/lint/wireguard';
import { effective, entriesOf, parseWireGuard } from '../../../../src/lint/wireguard/parser';
import { stripWgQuick } from '../../../../src/lint/wireguard/strip';
import { PAIR, PEER_PUB, ids, textAt } from './helpers';

const parse = (t: string) => parseWireGuard(splitLines(t));
const lint = (t: string) => lintWireGuard(t);
const errors = (t: string) => lint(t).findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);
const peer = (extra: string) => `[Interface]\nPrivateKey = ${PAIR.priv}\n[Peer]\nPublicKey = ${PEER_PUB}\n${extra}\n`;

describe('WireGuard parser: what wg reads', function () {
  it('`#` starts a comment anywhere on the line, even glued to a value', function () {
    const p = parse(`[Peer]#c\nPublicKey = ${PEER_PUB}#comment\nAllowedIPs = 10.0.0.0/8 # x, y\n`);
    assert.equal(p.peers.length, 1);
    assert.equal(effective(p.peers, 'PublicKey')?.compactValue, PEER_PUB);
    assert.equal(effective(p.peers, 'AllowedIPs')?.value, '10.0.0.0/8');
    assert.deepEqual(errors(peer(`AllowedIPs = 10.0.0.0/8#, bogus`)), []);
  });

  it('`;` is not a comment: a `;` line or a `;` after a value is an error', function () {
    assert.deepEqual(errors(`; hello\n${peer('AllowedIPs = 10.0.0.0/8')}`), ['WG02']);
    assert.deepEqual(errors(peer('AllowedIPs = 10.0.0.0/8 ; office')), ['WG02']);
    // but a `;` inside a wg-quick hook is shell syntax and fine
    assert.deepEqual(errors(`[Interface]\nPrivateKey = ${PAIR.priv}\nPostUp = a; b\n`), []);
  });

  it('wg deletes all whitespace inside a line: `10.0.0.0 / 8`, `[ Peer ]` and `Private Key` parse', function () {
    const p = parse(`[ Peer ]\nPublic Key = ${PEER_PUB}\nAllowedIPs = 10.0.0.0 / 8\n`);
    assert.equal(p.peers.length, 1);
    const e = effective(p.peers, 'PublicKey');
    assert.equal(e?.placement, 'ok');
    assert.equal(e?.key, 'Public Key');
    const r = lint(`[Interface]\nPrivateKey = ${PAIR.priv}\n[ Peer ]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.0 / 8\n`);
    assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
  });

  it('keys and section headers are case-insensitive', function () {
    const p = parse(`[INTERFACE]\nprivatekey = ${PAIR.priv}\n[pEeR]\nPUBLICKEY = ${PEER_PUB}\nallowedips = 10.0.0.0/8\n`);
    assert.equal(p.interfaces.length, 1);
    assert.equal(p.peers.length, 1);
    assert.equal(effective(p.interfaces, 'PrivateKey')?.name, 'PrivateKey');
    assert.equal(effective(p.peers, 'AllowedIPs')?.placement, 'ok');
  });

  it('every line must be inside a section', function () {
    assert.deepEqual(errors(`ListenPort = 5\n[Interface]\nPrivateKey = ${PAIR.priv}\n`), ['WG01']);
    assert.deepEqual(errors(`\n# only comments and blank lines before\n\n[Interface]\nPrivateKey = ${PAIR.priv}\n`), []);
  });

  it('a single-value key repeated: the last one wins (and WG06 says so)', function () {
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 1000\nListenPort = 2000\n`;
    assert.equal(effective(parse(t).interfaces, 'ListenPort')?.value, '2000');
    assert.deepEqual(lint(t).summary.listenPorts.map((p) => p.port), [2000]);
    assert.deepEqual(ids(lint(t)), ['WG06']);
  });

  it('two [Interface] sections are merged: the later value wins across them', function () {
    const t = `[Interface]\nListenPort = 1000\n[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 2000\n`;
    assert.equal(effective(parse(t).interfaces, 'ListenPort')?.value, '2000');
    assert.deepEqual(ids(lint(t)), ['WG06', 'WG06']);
  });

  it('AllowedIPs lines accumulate (no WG06 for them)', function () {
    const t = peer('AllowedIPs = 10.0.0.0/8\nAllowedIPs = 192.168.0.0/16, fd00::/8');
    assert.equal(entriesOf(parse(t).peers, 'AllowedIPs').length, 2);
    assert.deepEqual(ids(lint(t)), ['WG17']);
  });

  it('a bare IP means /32 or /128, in AllowedIPs and in Address', function () {
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nAddress = 10.0.0.2, fd00::2\n[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.1, fd00::1\nEndpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\n`;
    assert.deepEqual(ids(lint(t)), []);
  });

  it('Endpoint: `[v6]:port`, or split at the LAST colon (so bare IPv6 gets a warning, not an error)', function () {
    assert.deepEqual(lint(peer('Endpoint = [2001:db8::1]:51820\nPersistentKeepalive = 25')).summary.endpoints.map((e) => [e.host, e.port]), [['2001:db8::1', 51820]]);
    const bare = lint(peer('Endpoint = 2001:db8::1:51820\nPersistentKeepalive = 25'));
    assert.deepEqual(bare.summary.endpoints.map((e) => [e.host, e.port]), [['2001:db8::1', 51820]]);
    assert.deepEqual(ids(bare), ['WG12']);
    assert.equal(bare.findings[0].severity, 'warning');
    assert.deepEqual(errors(peer('Endpoint = 2001:db8::1')), ['WG12']);
    assert.deepEqual(errors(peer('Endpoint = [2001:db8::1]')), ['WG12']);
  });

  it('`off` in any case for PersistentKeepalive and FwMark; not for ListenPort', function () {
    assert.deepEqual(errors(peer('PersistentKeepalive = OfF')), []);
    assert.deepEqual(errors(`[Interface]\nPrivateKey = ${PAIR.priv}\nFwMark = OFF\n`), []);
    assert.deepEqual(errors(`[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = off\n`), ['WG11']);
  });

  it('FwMark takes 0x hex (lower-case x only) and decimal up to 0xffffffff', function () {
    for (const ok of ['0xca6c', '0xFFFFFFFF', '51820', '010', '0', '4294967295']) assert.deepEqual(errors(`[Interface]\nFwMark = ${ok}\n`), [], ok);
    for (const bad of ['0X10', '0x', '0x1ffffffff', '4294967296', '-1', 'ca6c']) assert.deepEqual(errors(`[Interface]\nFwMark = ${bad}\n`), ['WG13'], bad);
  });

  it('a UTF-8 BOM is fatal for wg (WG02), but the rest still parses with BOM-aware columns', function () {
    const t = `\uFEFF[Interface]\nPrivateKey = ${PAIR.priv}\n`;
    const p = parse(t);
    assert.equal(p.interfaces.length, 1);
    assert.equal(p.interfaces[0].headerStart, 1);
    assert.deepEqual(errors(t), ['WG02']);
  });

  it('an empty value is "Line unrecognized" for wg keys but fine for wg-quick keys', function () {
    assert.deepEqual(errors(peer('Endpoint =')), ['WG01']);
    assert.deepEqual(errors(`[Interface]\nPrivateKey = ${PAIR.priv}\nDNS =\nMTU =\nPostUp =\n`), []);
  });

  it('a line lone-CR-terminated is one line for wg (WG01), CRLF is fine', function () {
    const body = `[Interface]\nPrivateKey = ${PAIR.priv}\n[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = 192.0.2.1:1\nPersistentKeepalive = 25\n`;
    assert.deepEqual(errors(body.replace(/\n/g, '\r\n')), []);
    assert.deepEqual(errors(body.replace(/\n/g, '\r')), ['WG01']);
  });

  it('ports: `+5` and 0 are numbers, 70000 wraps (WG11), service names resolve (WG11 warning)', function () {
    assert.deepEqual(lint(`[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = +5\n`).summary.listenPorts.map((p) => p.port), [5]);
    assert.deepEqual(errors(`[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 0\n`), []);
    const wrap = lint(`[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 70000\n`);
    assert.deepEqual(wrap.summary.listenPorts.map((p) => p.port), [4464]);
    assert.match(wrap.findings[0].message, /4464/);
    const svc = lint(peer('Endpoint = 192.0.2.1:openvpn\nPersistentKeepalive = 25'));
    assert.deepEqual(svc.summary.endpoints.map((e) => e.port), [1194]);
    assert.equal(only1(svc, 'WG11').severity, 'warning');
    assert.deepEqual(errors(peer('Endpoint = 192.0.2.1:http')), ['WG11']);
  });
});

function only1(r: ReturnType<typeof lint>, id: string) {
  const f = r.findings.filter((x) => x.ruleId === id);
  assert.equal(f.length, 1, JSON.stringify(r.findings));
  return f[0];
}

describe('WireGuard parser: what wg-quick reads', function () {
  it('cuts at `#`, splits at the first `=`, trims: a hook keeps its own `=`', function () {
    const p = parse('[Interface]\n  PostUp  =  sysctl -w net.ipv4.ip_forward=1   # on\n');
    const e = effective(p.interfaces, 'PostUp');
    assert.equal(e?.value, 'sysctl -w net.ipv4.ip_forward=1');
    assert.equal(e?.consumedByWgQuick, true);
  });

  it('SaveConfig is a wg-quick key (never "unknown")', function () {
    const r = lint(`[Interface]\nPrivateKey = ${PAIR.priv}\nSaveConfig = false\n`);
    assert.deepEqual(ids(r), []);
    assert.deepEqual(ids(lint(`[Interface]\nPrivateKey = ${PAIR.priv}\nsaveconfig = TRUE\n`)), ['WQ03']);
  });

  it('Address and DNS may repeat and are comma/space lists', function () {
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nAddress = 10.0.0.2/24\nAddress = fd00::2/64, 10.1.0.2/24\nDNS = 1.1.1.1 1.0.0.1\nDNS = 2606:4700:4700::1111\n`;
    assert.deepEqual(ids(lint(t)), []);
    assert.equal(entriesOf(parse(t).interfaces, 'Address').length, 2);
  });

  it('DNS: digits-and-dots or a colon = nameserver; anything else is a valid search domain', function () {
    assert.deepEqual(ids(lint(`[Interface]\nPrivateKey = ${PAIR.priv}\nDNS = 10.0.0.1, corp.example.com, lan, home.arpa\n`)), []);
    const bad = lint(`[Interface]\nPrivateKey = ${PAIR.priv}\nDNS = 10.0.0.256, 1.1.1.1:53\n`);
    assert.deepEqual(ids(bad), ['WG10', 'WG10']);
    assert.ok(bad.findings.every((f) => f.severity === 'warning'));
  });

  it('Table: auto, off, a number or a name', function () {
    for (const v of ['auto', 'off', '1234', 'vpn', 'main']) assert.deepEqual(ids(lint(`[Interface]\nPrivateKey = ${PAIR.priv}\nTable = ${v}\n`)), [], v);
  });

  it('hooks may repeat; `%i` and `;` are fine', function () {
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nPostUp = iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE\nPostUp = echo up\nPreDown = echo a\nPostDown = echo b\nPreUp = echo c\n`;
    assert.deepEqual(ids(lint(t)), []);
    assert.equal(entriesOf(parse(t).interfaces, 'PostUp').length, 2);
  });

  it('wg-quick strips its keys only under a header it reads as exactly [Interface] (any case)', function () {
    assert.equal(stripWgQuick('[interface]\nAddress = 1.2.3.4/32\nPrivateKey = x\n'), '[interface]\nPrivateKey = x\n');
    assert.equal(stripWgQuick('[ Interface ]\nAddress = 1.2.3.4/32\n'), '[ Interface ]\nAddress = 1.2.3.4/32\n');
    assert.equal(stripWgQuick('[Peer]\nDNS = 1.1.1.1\n'), '[Peer]\nDNS = 1.1.1.1\n');
    assert.equal(stripWgQuick('[Interface]\nPost Up = x\n'), '[Interface]\nPost Up = x\n');
    const p = parse('[ Interface ]\nAddress = 1.2.3.4/32\n');
    assert.equal(p.entries[0].placement, 'wg-quick-unstripped');
    assert.deepEqual(ids(lint('[ Interface ]\nAddress = 1.2.3.4/32\n')).filter((x) => x !== 'WG05'), ['WQ02']);
  });

  it('the linter keeps wg-quick keys out of the wg view exactly as strip does', function () {
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nAddress = 10.0.0.2/24\nMTU = 1400\n[Peer]\nPublicKey = ${PEER_PUB}\n`;
    const p = parse(t);
    const kept = p.entries.filter((e) => !e.consumedByWgQuick).map((e) => e.line);
    const strippedLines = stripWgQuick(t).split('\n').filter(Boolean);
    assert.equal(kept.length + p.sections.length, strippedLines.length);
  });
});

describe('WireGuard parser: positions', function () {
  it('ranges point into the original text, whitespace and tabs included', function () {
    const t = `[Interface]\n\tPrivateKey\t=  ${PAIR.priv}\n[Peer]\n  PublicKey = ${PEER_PUB}\n  AllowedIPs =  10.0.0.1/24 ,  10.0.0.0/33  # c\n`;
    const r = lint(t);
    const hb = r.findings.find((f) => f.ruleId === 'WG10' && f.severity === 'warning');
    const cidr = r.findings.find((f) => f.ruleId === 'WG10' && f.severity === 'error');
    assert.equal(textAt(t, hb!.range), '10.0.0.1/24');
    assert.equal(textAt(t, cidr!.range), '10.0.0.0/33');
  });

  it('CRLF: columns ignore the terminator; the BOM occupies column 0 of line 0', function () {
    const t = `\uFEFF[Interface]\r\nPrivateKey = ${PAIR.priv}\r\nListenPort = 99999\r\n`;
    const r = lint(t);
    const f = r.findings.find((x) => x.ruleId === 'WG11')!;
    assert.equal(textAt(t, f.range), '99999');
    const bom = r.findings.find((x) => x.ruleId === 'WG02')!;
    assert.equal(textAt(t, bom.range), '\uFEFF');
  });

  it('a value with spaces inside (which wg deletes) still maps back to what was written', function () {
    const t = peer('Endpoint = 192.0.2.1 : 7 0000');
    const f = lint(t).findings.find((x) => x.ruleId === 'WG11')!;
    assert.equal(textAt(t, f.range), '7 0000');
  });
});
