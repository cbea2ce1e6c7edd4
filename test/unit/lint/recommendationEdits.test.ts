// "Apply to config": the edits for a recommendation, applied to real-shaped configs, must give
// exactly the expected text (LF and CRLF), lint clean for the option they set, and never touch
// anything else (keys included).
import assert from 'node:assert/strict';
import { recommend } from '../../../src/engine/discovery/recommend';
import { lintText } from '../../../src/lint';
import { applyOf, canApply, editsForRecommendation } from '../../../src/lint/recommendationEdits';
import type { ConfigFormat } from '../../../src/lint/types';
import { applyTextEdits } from '../../../src/lint/wireguard/fixes';
import type { Recommendation, Report } from '../../../src/report/report';
import { makeWorld } from '../discovery/world';

const PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PUB1 = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const PUB2 = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const PUB3 = 'gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=';
const PSK = 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=';

function rec(id: string, apply?: Recommendation['apply'], text = 'advice'): Recommendation {
  return { id, severity: 'info', text, evidence: [], ...(apply ? { apply } : {}) };
}

const WG_KEEPALIVE = rec('wireguard-keepalive', { format: 'wireguard', key: 'PersistentKeepalive', value: '25' });
const OV_KEEPALIVE = rec('openvpn-keepalive', { format: 'openvpn', key: 'keepalive', value: '10 60' });
const OV_FALLBACK = rec('openvpn-udp-port-blocked', { format: 'openvpn', key: 'remote', value: '443 tcp-client' });

/** Applies the recommendation's edits and returns the new text (fails the test on an error). */
function apply(r: Recommendation, text: string, format: ConfigFormat): { text: string; summary: string; edits: number } {
  const out = editsForRecommendation(r, text, format);
  if ('error' in out) assert.fail(`unexpected error: ${out.error}`);
  const applied = applyTextEdits(text, out.edits);
  assert.equal(applied.skipped, 0, 'an edit overlapped another');
  assert.ok(!out.summary.includes(PRIV) && !out.summary.includes(PSK), 'the summary carries a key');
  return { text: applied.text, summary: out.summary, edits: out.edits.length };
}

function errorOf(r: Recommendation, text: string, format: ConfigFormat): string {
  const out = editsForRecommendation(r, text, format);
  assert.ok('error' in out, `expected an error, got ${JSON.stringify(out)}`);
  return out.error;
}

const crlf = (s: string) => s.replace(/\n/g, '\r\n');

const WG_THREE_PEERS = `[Interface]
PrivateKey = ${PRIV}
Address = 10.0.0.2/32
ListenPort = 51820

# office
[Peer]
PublicKey = ${PUB1}
PresharedKey = ${PSK}
Endpoint = vpn.example.com:51820
AllowedIPs = 10.0.0.0/24

# laptop (dials in: no Endpoint)
[Peer]
PublicKey = ${PUB2}
AllowedIPs = 10.0.0.3/32

[Peer]
PublicKey = ${PUB3}
Endpoint = 198.51.100.7:51820
PersistentKeepalive = 60
AllowedIPs = 10.0.1.0/24
`;

const WG_THREE_PEERS_DONE = `[Interface]
PrivateKey = ${PRIV}
Address = 10.0.0.2/32
ListenPort = 51820

# office
[Peer]
PublicKey = ${PUB1}
PresharedKey = ${PSK}
Endpoint = vpn.example.com:51820
PersistentKeepalive = 25
AllowedIPs = 10.0.0.0/24

# laptop (dials in: no Endpoint)
[Peer]
PublicKey = ${PUB2}
AllowedIPs = 10.0.0.3/32

[Peer]
PublicKey = ${PUB3}
Endpoint = 198.51.100.7:51820
PersistentKeepalive = 25
AllowedIPs = 10.0.1.0/24
`;

describe('recommendation edits: which recommendations can be applied', () => {
  it('keepalives and the OpenVPN TCP fallback can; plain advice cannot', () => {
    assert.equal(canApply(WG_KEEPALIVE, 'wireguard'), true);
    assert.equal(canApply(WG_KEEPALIVE, 'openvpn'), false);
    assert.equal(canApply(OV_KEEPALIVE, 'openvpn'), true);
    assert.equal(canApply(OV_KEEPALIVE, 'wireguard'), false);
    assert.equal(canApply(OV_FALLBACK, 'openvpn'), true);
    for (const id of ['cgnat', 'symmetric-mapping', 'p2p-relayed', 'wireguard-port-blocked', 'udp-blocked', 'ipsec-ports-blocked']) {
      assert.equal(canApply(rec(id), 'wireguard'), false, id);
      assert.equal(canApply(rec(id), 'openvpn'), false, id);
    }
  });

  it('refuses values a config could not hold', () => {
    assert.equal(canApply(rec('wireguard-keepalive', { format: 'wireguard', key: 'PersistentKeepalive', value: '0' }), 'wireguard'), false);
    assert.equal(canApply(rec('wireguard-keepalive', { format: 'wireguard', key: 'PersistentKeepalive', value: '70000' }), 'wireguard'), false);
    assert.equal(canApply(rec('wireguard-keepalive', { format: 'wireguard', key: 'PersistentKeepalive', value: '25\nPrivateKey = x' }), 'wireguard'), false);
    assert.equal(canApply(rec('openvpn-keepalive', { format: 'openvpn', key: 'keepalive', value: '10 15' }), 'openvpn'), false);
    assert.equal(canApply(rec('openvpn-keepalive', { format: 'openvpn', key: 'keepalive', value: '10 60\nscript-security 3' }), 'openvpn'), false);
    assert.equal(canApply(rec('x', { format: 'openvpn', key: 'up', value: '/bin/sh' }), 'openvpn'), false);
  });

  it('recommend() sets the structured field, and older reports without it are still read from the wording', async () => {
    const report: Report = await (await makeWorld({})).run();
    const withPorts: Report = {
      ...report,
      ports: [
        { protocol: 'udp', port: 1194, reachable: 'no', basis: 'silence' },
        { protocol: 'tcp', port: 443, reachable: 'yes', basis: 'answer from the reflector' },
      ],
    };
    const recs = recommend({ ...withPorts, mappingLifetime: { value: 30, idleSeconds: 30, refreshedByInbound: 'no', absoluteSeconds: null, reason: 'measured' } });
    const byId = (id: string) => recs.find((r) => r.id === id)!;
    assert.deepEqual(byId('wireguard-keepalive').apply, { format: 'wireguard', key: 'PersistentKeepalive', value: '25' });
    assert.deepEqual(byId('openvpn-keepalive').apply, { format: 'openvpn', key: 'keepalive', value: '10 60' });
    assert.deepEqual(byId('openvpn-udp-port-blocked').apply, { format: 'openvpn', key: 'remote', value: '443 tcp-client' });
    for (const r of recs) {
      const { apply: structured, ...old } = r;
      if (structured) assert.deepEqual(applyOf(old as Recommendation), structured, `${r.id}: the wording and the field disagree`);
    }
    // Without a reachable TCP 443 the advice has no single edit.
    const noTcp = recommend({ ...report, ports: [{ protocol: 'udp', port: 1194, reachable: 'no', basis: 'silence' }] });
    assert.equal(noTcp.find((r) => r.id === 'openvpn-udp-port-blocked')!.apply, undefined);
  });

  it('other recommendations say there is nothing to apply', () => {
    assert.match(errorOf(rec('cgnat'), WG_THREE_PEERS, 'wireguard'), /nothing|no single config change/i);
    assert.match(errorOf(WG_KEEPALIVE, 'client\nremote a 1194\n', 'openvpn'), /WireGuard configs/);
  });
});

describe('recommendation edits: WireGuard PersistentKeepalive', () => {
  it('sets it in every peer with an Endpoint, replaces another value, leaves peers without Endpoint and keys alone', () => {
    const r = apply(WG_KEEPALIVE, WG_THREE_PEERS, 'wireguard');
    assert.equal(r.text, WG_THREE_PEERS_DONE);
    assert.match(r.summary, /Set PersistentKeepalive = 25 for 2 peers.*1 peer without an Endpoint/);
  });

  it('keeps CRLF line ends (inserted lines included)', () => {
    const r = apply(WG_KEEPALIVE, crlf(WG_THREE_PEERS), 'wireguard');
    assert.equal(r.text, crlf(WG_THREE_PEERS_DONE));
    assert.ok(!/[^\r]\n/.test(r.text), 'a bare LF crept in');
  });

  it('an Endpoint on the last line without a newline', () => {
    const text = `[Interface]\nPrivateKey = ${PRIV}\n\n[Peer]\nPublicKey = ${PUB1}\nAllowedIPs = 0.0.0.0/0\nEndpoint = 192.0.2.1:51820`;
    assert.equal(apply(WG_KEEPALIVE, text, 'wireguard').text, `${text}\nPersistentKeepalive = 25`);
    assert.equal(apply(WG_KEEPALIVE, crlf(text), 'wireguard').text, `${crlf(text)}\r\nPersistentKeepalive = 25`);
  });

  it('replaces only the value (spacing, comments and key spelling stay), and `off`', () => {
    const text = `[Peer]\nPublicKey = ${PUB1}\nEndpoint = 192.0.2.1:51820\npersistentkeepalive=off   # battery\n`;
    assert.equal(apply(WG_KEEPALIVE, text, 'wireguard').text, `[Peer]\nPublicKey = ${PUB1}\nEndpoint = 192.0.2.1:51820\npersistentkeepalive=25   # battery\n`);
  });

  it('nothing to change when every peer already has it; an error when no peer has an Endpoint', () => {
    const r = editsForRecommendation(WG_KEEPALIVE, WG_THREE_PEERS_DONE, 'wireguard');
    assert.ok(!('error' in r));
    assert.equal(r.edits.length, 0);
    assert.match(r.summary, /already has PersistentKeepalive = 25/);
    assert.match(errorOf(WG_KEEPALIVE, `[Interface]\nPrivateKey = ${PRIV}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${PUB2}\nAllowedIPs = 10.0.0.3/32\n`, 'wireguard'), /No \[Peer\].*Endpoint/);
    assert.match(errorOf(WG_KEEPALIVE, `[Interface]\nPrivateKey = ${PRIV}\n`, 'wireguard'), /no \[Peer\]/);
  });

  it('the result lints without keepalive findings (WG14/WG15) for those peers', () => {
    const r = apply(rec('wireguard-keepalive', { format: 'wireguard', key: 'PersistentKeepalive', value: '25' }), WG_THREE_PEERS, 'wireguard');
    const lint = lintText(r.text, { format: 'wireguard', fileName: 'wg0.conf' });
    assert.ok(lint.format);
    assert.deepEqual(lint.findings.filter((f) => f.ruleId === 'WG14' || f.ruleId === 'WG15'), []);
  });

  it('a big file with many peers: one edit per peer', () => {
    const peers = Array.from({ length: 200 }, (_, i) => `[Peer]\nPublicKey = ${PUB1}\nEndpoint = 192.0.2.${i % 250}:51820\nAllowedIPs = 10.1.${i}.0/24\n`).join('\n');
    const r = apply(WG_KEEPALIVE, `[Interface]\nPrivateKey = ${PRIV}\n\n${peers}`, 'wireguard');
    assert.equal(r.edits, 200);
    assert.equal(r.text.match(/PersistentKeepalive = 25/g)?.length, 200);
  });
});

const OVPN_CLIENT = `client
dev tun
proto udp
remote vpn.example.com 1194
resolv-retry infinite
nobind
persist-key
persist-tun
<ca>
-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUQ
-----END CERTIFICATE-----
</ca>
<cert>
-----BEGIN CERTIFICATE-----
MIIBtDCCAVqgAwIBAgIUR
-----END CERTIFICATE-----
</cert>
<key>
-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIFakeKeyMaterialDoNotUse
-----END PRIVATE KEY-----
</key>
verb 3
`;

describe('recommendation edits: OpenVPN keepalive', () => {
  it('adds keepalive after proto when there is none', () => {
    const r = apply(OV_KEEPALIVE, OVPN_CLIENT, 'openvpn');
    assert.equal(r.text, OVPN_CLIENT.replace('proto udp\n', 'proto udp\nkeepalive 10 60\n'));
    assert.match(r.summary, /Added keepalive 10 60 after proto/);
  });

  it('keeps CRLF', () => {
    const r = apply(OV_KEEPALIVE, crlf(OVPN_CLIENT), 'openvpn');
    assert.equal(r.text, crlf(OVPN_CLIENT.replace('proto udp\n', 'proto udp\nkeepalive 10 60\n')));
  });

  it('replaces an existing keepalive (every top-level one), keeping comments and the -- form', () => {
    const text = 'client\ndev tun\nkeepalive 30 120 # old\nremote a.example 1194\n--keepalive 20 200\n';
    assert.equal(apply(OV_KEEPALIVE, text, 'openvpn').text, 'client\ndev tun\nkeepalive 10 60 # old\nremote a.example 1194\n--keepalive 10 60\n');
  });

  it('nothing to change when it is already set; an error next to ping / ping-restart', () => {
    const same = editsForRecommendation(OV_KEEPALIVE, 'client\ndev tun\nkeepalive 10 60\n', 'openvpn');
    assert.ok(!('error' in same) && same.edits.length === 0);
    assert.match(errorOf(OV_KEEPALIVE, 'client\ndev tun\nremote a 1194\nping 15\nping-restart 60\n', 'openvpn'), /ping and ping-restart.*refuses keepalive/);
  });

  it('the result lints without keepalive findings (OV10/OV11)', () => {
    const r = apply(OV_KEEPALIVE, OVPN_CLIENT, 'openvpn');
    const lint = lintText(r.text, { format: 'openvpn', fileName: 'client.ovpn' });
    assert.ok(lint.format);
    assert.deepEqual(lint.findings.filter((f) => f.ruleId === 'OV10' || f.ruleId === 'OV11'), []);
  });

  it('a config with a single line and no newline', () => {
    assert.equal(apply(OV_KEEPALIVE, 'dev tun', 'openvpn').text, 'dev tun\nkeepalive 10 60');
  });
});

describe('recommendation edits: OpenVPN TCP 443 fallback', () => {
  it('moves the top-level remote into a <connection> block (OpenVPN ignores top-level remotes next to blocks) and adds the fallback', () => {
    const r = apply(OV_FALLBACK, OVPN_CLIENT, 'openvpn');
    assert.equal(
      r.text,
      OVPN_CLIENT.replace('remote vpn.example.com 1194\n', '') +
        '<connection>\nremote vpn.example.com 1194\n</connection>\n<connection>\nremote vpn.example.com 443 tcp-client\n</connection>\n',
    );
    assert.match(r.summary, /Moved the remote into a <connection> block and added a fallback <connection> with remote vpn.example.com 443 tcp-client/);
    const lint = lintText(r.text, { format: 'openvpn', fileName: 'client.ovpn' });
    assert.ok(lint.format);
    assert.deepEqual(lint.findings.filter((f) => f.severity === 'error'), []);
  });

  it('keeps CRLF, several remotes, and a remote on the last line without a newline', () => {
    const text = 'client\r\ndev tun\r\nremote a.example 1194 udp\r\nremote b.example 1195';
    const r = apply(OV_FALLBACK, text, 'openvpn');
    assert.equal(
      r.text,
      'client\r\ndev tun\r\n<connection>\r\nremote a.example 1194 udp\r\n</connection>\r\n<connection>\r\nremote b.example 1195\r\n</connection>\r\n<connection>\r\nremote a.example 443 tcp-client\r\n</connection>\r\n',
    );
  });

  it('only appends a block when the config already uses <connection> blocks', () => {
    const text = 'client\ndev tun\n<connection>\nremote a.example 1194 udp\n</connection>\n';
    assert.equal(apply(OV_FALLBACK, text, 'openvpn').text, `${text}<connection>\nremote a.example 443 tcp-client\n</connection>\n`);
  });

  it('refuses with fragment (UDP only), in a server config, and does nothing when TCP 443 is there already', () => {
    assert.match(errorOf(OV_FALLBACK, 'client\ndev tun\nremote a 1194\nfragment 1300\n', 'openvpn'), /fragment/);
    assert.match(errorOf(OV_FALLBACK, 'dev tun\nport 1194\nserver 10.8.0.0 255.255.255.0\n', 'openvpn'), /server config/);
    const done = editsForRecommendation(OV_FALLBACK, 'client\ndev tun\nremote a 1194 udp\nremote a 443 tcp-client\n', 'openvpn');
    assert.ok(!('error' in done) && done.edits.length === 0, JSON.stringify(done));
  });
});
