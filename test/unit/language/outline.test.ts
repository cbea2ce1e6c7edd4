// The WireGuard outline (document symbols): a peer is named by a comment, as the README says —
// the comment line directly above its [Peer] header, else the first comment line directly under
// it — else by its Endpoint, else "Peer N". Never by a key, never with a control character.
import * as assert from 'node:assert/strict';
import { MAX_NAME, displayName, wireGuardOutline } from '../../../src/extension/language/symbolLines';

const KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const PRIVATE = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';

function outline(text: string) {
  const lines = text.split('\n');
  return wireGuardOutline({ count: lines.length, line: (i) => lines[i] });
}
const names = (text: string) => outline(text).map((s) => s.name);

describe('WireGuard outline: peer names', function () {
  it('a comment directly under [Peer] names it (a server\'s peers: laptop, phone)', function () {
    const text = `[Interface]\nPrivateKey = ${PRIVATE}\nListenPort = 51820\n\n[Peer]\n# laptop\nPublicKey = ${KEY}\nAllowedIPs = 10.0.0.2/32\n\n[Peer]\n# phone\nPublicKey = ${KEY}\nAllowedIPs = 10.0.0.3/32\n`;
    assert.deepEqual(names(text), ['[Interface]', 'laptop', 'phone']);
    const [, laptop] = outline(text);
    assert.equal(laptop.detail, 'Peer 1');
    assert.equal(laptop.start, 4, 'the section starts at its header');
    assert.equal(laptop.end, 7, 'and ends at its last line, not the blank after it');
  });

  it('a comment directly above the header names it and belongs to its range', function () {
    const text = `[Interface]\nPrivateKey = ${PRIVATE}\n\n# laptop\n[Peer]\nPublicKey = ${KEY}\nEndpoint = 192.0.2.7:51820\n`;
    const [iface, peer] = outline(text);
    assert.equal(peer.name, 'laptop');
    assert.equal(peer.detail, 'Peer 1 · 192.0.2.7:51820');
    assert.equal(peer.start, 3);
    assert.equal(iface.end, 1, 'the comment is not the interface\'s');
  });

  it('above wins over under; the first naming comment under the header counts', function () {
    assert.deepEqual(names(`# office\n[Peer]\n# router in the hall\nPublicKey = ${KEY}\n`), ['office']);
    assert.deepEqual(names(`[Peer]\n# natprobe-disable-next-line WG14\n# home NAS\n# (second line)\nPublicKey = ${KEY}\n`), ['home NAS']);
  });

  it('a comment after the first key, or after a blank line, does not name the peer', function () {
    assert.deepEqual(names(`[Peer]\nPublicKey = ${KEY}\n# not a name\nAllowedIPs = 10.0.0.2/32\n`), ['Peer 1']);
    assert.deepEqual(names(`[Peer]\n\n# not a name either\nPublicKey = ${KEY}\n`), ['Peer 1']);
  });

  it('falls back to the Endpoint, then to "Peer N"', function () {
    assert.deepEqual(names(`[Peer]\nPublicKey = ${KEY}\nEndpoint = vpn.example.org:51820\n[Peer]\nPublicKey = ${KEY}\n`), ['vpn.example.org:51820', 'Peer 2']);
  });

  it('commented-out settings, suppression comments and empty comments are not names (a key never becomes one)', function () {
    const text = `[Peer]\n# PublicKey = ${KEY}\n#\n# natprobe-disable WG14\nPublicKey = ${KEY}\n\n# PrivateKey = ${PRIVATE}\n[Peer]\nPublicKey = ${KEY}\n`;
    assert.deepEqual(names(text), ['Peer 1', 'Peer 2']);
    for (const s of outline(text)) assert.ok(!`${s.name} ${s.detail}`.includes(KEY) && !`${s.name} ${s.detail}`.includes(PRIVATE));
  });

  it('attack: terminal escapes, line breaks and bidi overrides in a comment are removed', function () {
    const [peer] = outline(`[Peer]\n# \u001b]0;pwned\u0007lap\u001b[31mtop\u202e\u0085\r\nPublicKey = ${KEY}\n`);
    assert.equal(peer.name, 'laptop');
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/.test(peer.name));
    const [ep] = outline(`[Peer]\nEndpoint = \u001b[2Jhost:1\n`);
    assert.equal(ep.name, 'host:1');
  });

  it('attack: a comment of only control characters leaves no empty name (VS Code refuses those)', function () {
    assert.deepEqual(names(`[Peer]\n# \u001b\u0007\u0000\nPublicKey = ${KEY}\n`), ['Peer 1']);
    assert.deepEqual(names(`[\u0001]\n`), ['[ ]']);
  });

  it('attack: a 60 MB comment line and a 60 MB Endpoint give a short name, quickly', function () {
    const huge = 'x'.repeat(60 * 1024 * 1024);
    const text = `[Peer]\n# ${huge}\nPublicKey = ${KEY}\n[Peer]\nEndpoint = ${huge}\n[Peer]\n${' '.repeat(60 * 1024 * 1024)}# late\n`;
    const list = outline(text);
    assert.equal(list.length, 3);
    assert.equal(list[0].name.length, MAX_NAME);
    assert.ok(list[0].name.endsWith('…'));
    assert.equal(list[1].name.length, MAX_NAME);
    assert.equal(list[2].name, 'late', 'a comment behind 60 MB of blanks still names it');
  });

  it('displayName never splits a surrogate pair', function () {
    const name = displayName(`${'a'.repeat(MAX_NAME - 2)}😀😀😀`);
    assert.ok(name.endsWith('…'));
    assert.ok(!/[\ud800-\udbff]…$/.test(name), name);
  });
});
