import assert from 'node:assert/strict';
import { planOpenVpn, type RemotePlan } from '../../../src/engine/reach/openvpn/config';
import { digestOf, keyIndices, parseStaticKey, parseTlsCryptV2ClientKey } from '../../../src/engine/reach/openvpn/keys';
import { captured } from './openvpnFixture';

const plan = (lines: string[], files: Record<string, string> = {}): Promise<RemotePlan[]> =>
  planOpenVpn(lines.join('\n') + '\n', {
    // No reader at all when a test gives no files: as a caller without file access.
    readFile:
      Object.keys(files).length === 0
        ? undefined
        : async (p) => {
            if (p in files) return files[p];
            throw new Error('ENOENT: no such file');
          },
  });

const inline = (tag: string, key: string): string[] => [`<${tag}>`, ...key.trimEnd().split('\n'), `</${tag}>`];

describe('OpenVPN reach: which remotes, how (config)', () => {
  it('remote host [port] [proto], with port/rport/proto defaults, in file order with 0-based lines', async () => {
    const p = await plan(['client', 'proto tcp-client', 'rport 443', 'remote a.example', 'remote b.example 1195', 'remote c.example 1196 udp4', 'remote d.example 1197 tcp6-client']);
    assert.deepEqual(
      p.map((x) => [x.target.host, x.target.port, x.target.transport, x.target.line, x.family]),
      [
        ['a.example', 443, 'tcp', 3, undefined],
        ['b.example', 1195, 'tcp', 4, undefined],
        ['c.example', 1196, 'udp', 5, 4],
        ['d.example', 1197, 'tcp', 6, 6],
      ],
    );
    assert.equal(p[0].target.label, 'remote a.example 443 tcp (line 4)');
    assert.ok(p.every((x) => x.wrapKind === 'none' && x.wrap?.kind === 'none'));
  });

  it('no proto, no port: UDP 1194', async () => {
    const [p] = await plan(['client', 'remote vpn.example']);
    assert.deepEqual([p.target.port, p.target.transport], [1194, 'udp']);
  });

  it('with <connection> blocks OpenVPN ignores top-level remotes: they are listed, not tested', async () => {
    const p = await plan(['client', 'remote top.example', '<connection>', 'remote blk.example 443 tcp', '</connection>']);
    assert.deepEqual(p.map((x) => [x.target.host, x.target.line, x.notTested]), [
      ['top.example', 1, 'OpenVPN ignores top-level remote lines when the config has <connection> blocks'],
      ['blk.example', 3, undefined],
    ]);
  });

  it('a <connection> block takes the options before it, not after (proto)', async () => {
    const p = await plan(['client', 'proto tcp', '<connection>', 'remote one.example', '</connection>', 'proto udp', '<connection>', 'remote two.example', '</connection>']);
    assert.deepEqual(p.map((x) => x.target.transport), ['tcp', 'udp']);
  });

  it('tls-auth file with a direction, read through the reader; key and direction named, never the key', async () => {
    const [p] = await plan(['client', 'remote vpn.example', 'tls-auth keys/ta.key 1', 'auth SHA256'], { 'keys/ta.key': captured.keys.ta });
    assert.equal(p.wrap?.kind, 'tls-auth');
    if (p.wrap?.kind !== 'tls-auth') return;
    assert.equal(p.wrap.digest, 'sha256');
    assert.equal(p.wrap.digestBytes, 32);
    assert.equal(p.wrap.sendHmacKey.length, 32);
    assert.deepEqual(p.notes, ['tls-auth from the tls-auth file keys/ta.key, key-direction 1, HMAC-SHA256']);
  });

  it('key direction follows OpenVPN: last of key-direction / tls-auth argument; a block tls-auth resets it', async () => {
    const key = captured.keys.ta;
    const notes = async (lines: string[]): Promise<string> => (await plan(['client', ...lines], { 'ta.key': key }))[0].notes.join();
    assert.match(await notes(['remote x', ...inline('tls-auth', key), 'key-direction 1']), /key-direction 1/);
    assert.match(await notes(['remote x', 'key-direction 0', 'tls-auth ta.key 1']), /key-direction 1/);
    assert.match(await notes(['remote x', 'tls-auth ta.key 1', 'key-direction 0']), /key-direction 0/);
    assert.match(await notes(['remote x', 'tls-auth ta.key']), /no key-direction/);
    // In a block, tls-auth sets the entry's direction to bidirectional unless it names one.
    assert.match(await notes(['key-direction 1', '<connection>', 'remote x', 'key-direction 1', 'tls-auth ta.key', '</connection>']), /no key-direction/);
    assert.match(await notes(['<connection>', 'remote x', 'tls-auth ta.key', 'key-direction 1', '</connection>']), /key-direction 1/);
    // A block without its own key takes the top-level one, with the top-level direction.
    assert.match(await notes(['tls-auth ta.key 1', '<connection>', 'remote x', 'key-direction 0', '</connection>']), /key-direction 1/);
  });

  it('tls-crypt and tls-crypt-v2, inline', async () => {
    const [a] = await plan(['client', 'remote x', ...inline('tls-crypt', captured.keys.ta)]);
    assert.equal(a.wrap?.kind, 'tls-crypt');
    assert.deepEqual(a.notes, ['tls-crypt from the inline <tls-crypt> block']);
    const [b] = await plan(['client', 'remote x', ...inline('tls-crypt-v2', captured.keys.v2Client)]);
    assert.equal(b.wrap?.kind, 'tls-crypt-v2');
    assert.match(b.notes[0], /^tls-crypt-v2 from the inline <tls-crypt-v2> block \(wrapped client key of \d+ bytes\)$/);
  });

  it('a proxy the config goes through is named: the test goes straight to the server', async () => {
    const p = await plan(['client', 'http-proxy proxy.example 3128', '<connection>', 'remote b', 'socks-proxy 127.0.0.1 1080', '</connection>']);
    assert.deepEqual(p.map((x) => x.notes), [["OpenVPN would connect through socks-proxy 127.0.0.1 1080; this test went straight to the server, so it says nothing about the proxy's path"]]);
    const later = await plan(['client', '<connection>', 'remote b', '</connection>', 'http-proxy proxy.example 3128']);
    assert.deepEqual(later[0].notes, [], 'a block does not take a proxy set after it');
    const [q] = await plan(['client', 'remote a', 'http-proxy proxy.example 3128']);
    assert.deepEqual(q.notes, ["OpenVPN would connect through http-proxy proxy.example 3128; this test went straight to the server, so it says nothing about the proxy's path"]);
  });

  const notTested: [string, string[], RegExp][] = [
    ['a key file without a reader', ['client', 'remote x', 'tls-auth ta.key 1'], /the tls-auth key is in the file ta\.key, and no file access was given/],
    ['both tls-auth and tls-crypt', ['client', 'remote x', 'tls-auth a.key 1', 'tls-crypt b.key'], /tls-auth and tls-crypt are both set, which OpenVPN refuses/],
    ['static-key mode', ['remote x', 'secret s.key'], /static key \(secret\), which has no handshake/],
    ['a server proto', ['client', 'remote x 1194 tcp-server'], /proto tcp-server is not a client protocol/],
    ['a port out of range', ['client', 'remote x 70000'], /port "70000" is not a number from 1 to 65535/],
    ['auth none with tls-auth', ['client', 'remote x', ...inline('tls-auth', captured.keys.ta), 'auth none'], /`auth none` leaves tls-auth without an HMAC/],
    ['a v1 key where v2 is expected', ['client', 'remote x', ...inline('tls-crypt-v2', captured.keys.ta)], /has no "-----BEGIN OpenVPN tls-crypt-v2 client key-----" line/],
  ];
  for (const [what, lines, re] of notTested) {
    it(`not tested, with the reason: ${what}`, async () => {
      const [p] = await plan(lines);
      assert.equal(p.wrap, undefined);
      assert.match(p.notTested ?? '', re);
    });
  }

  it('a key file the reader cannot read: its error, once per file', async () => {
    let reads = 0;
    const p = await planOpenVpn('client\nremote a\nremote b\ntls-crypt missing.key\n', {
      readFile: async () => {
        reads++;
        throw new Error('ENOENT: no such file');
      },
    });
    assert.equal(reads, 1);
    assert.deepEqual(p.map((x) => x.notTested), ['cannot read the tls-crypt file missing.key: ENOENT: no such file', 'cannot read the tls-crypt file missing.key: ENOENT: no such file']);
  });
});

describe('OpenVPN reach: key files', () => {
  it('a static key: 256 bytes from hex between the markers, comments before them ignored', () => {
    const k = parseStaticKey(captured.keys.ta, 'ta.key');
    assert.ok(k.ok);
    assert.equal(k.value.length, 256);
  });

  const bad: [string, string, RegExp][] = [
    ['no header', 'abcd', /has no "-----BEGIN OpenVPN Static key V1-----" line/],
    ['no footer', '-----BEGIN OpenVPN Static key V1-----\nabcd\n', /has no "-----END OpenVPN Static key V1-----" line/],
    ['not hex', '-----BEGIN OpenVPN Static key V1-----\nzz\n-----END OpenVPN Static key V1-----', /not hex digits/],
    ['odd', '-----BEGIN OpenVPN Static key V1-----\nabc\n-----END OpenVPN Static key V1-----', /odd number of hex digits/],
    ['short', '-----BEGIN OpenVPN Static key V1-----\nabcd\n-----END OpenVPN Static key V1-----', /holds 2 bytes of key; OpenVPN needs 256/],
  ];
  for (const [what, text, re] of bad) {
    it(`static key refused: ${what}, without echoing it`, () => {
      const k = parseStaticKey(text, 'ta.key');
      assert.equal(k.ok, false);
      if (!k.ok) {
        assert.match(k.error, re);
        assert.doesNotMatch(k.error, /abc|zz/);
      }
    });
  }

  it('a tls-crypt-v2 client key: Kc then WKc, whose last two bytes are its own length', () => {
    const k = parseTlsCryptV2ClientKey(captured.keys.v2Client, 'v2.key');
    assert.ok(k.ok);
    assert.equal(k.value.key.length, 256);
    const w = k.value.wrapped;
    assert.equal((w[w.length - 2] << 8) | w[w.length - 1], w.length);
  });

  it('a damaged tls-crypt-v2 client key is refused', () => {
    const lines = captured.keys.v2Client.trimEnd().split('\n');
    const cut = [...lines.slice(0, -2), lines[lines.length - 1]].join('\n');
    const k = parseTlsCryptV2ClientKey(cut, 'v2.key');
    assert.equal(k.ok, false);
  });

  it('key directions: 0 sends with key 0, 1 with key 1, none uses key 0 both ways', () => {
    assert.deepEqual(keyIndices(0), { send: 0, receive: 1 });
    assert.deepEqual(keyIndices(1), { send: 1, receive: 0 });
    assert.deepEqual(keyIndices('bidirectional'), { send: 0, receive: 0 });
  });

  it('auth digests: OpenSSL names, lengths; none and unknown names refused', () => {
    assert.deepEqual(digestOf('SHA1'), { ok: true, value: { name: 'sha1', bytes: 20 } });
    assert.deepEqual(digestOf('SHA512'), { ok: true, value: { name: 'sha512', bytes: 64 } });
    assert.equal(digestOf('none').ok, false);
    assert.equal(digestOf('NOPE-9').ok, false);
    assert.equal(digestOf('x'.repeat(500)).ok, false);
  });
});
