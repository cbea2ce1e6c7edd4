// One keepalive rule (src/engine/keepalive.ts): for the same measured mapping lifetime the
// diagnosis's advice (what the panel's "Apply to config" writes) and the linter's quick fixes
// (WG14, WG15, OV11) give the same number, and that number is comfortably below the lifetime.
import * as assert from 'node:assert/strict';
import { recommend } from '../../../src/engine/discovery/recommend';
import { KEEPALIVE_MARGIN_SECONDS, openvpnKeepalive, wireguardKeepalive } from '../../../src/engine/keepalive';
import { lintOpenVpn } from '../../../src/lint/openvpn';
import { lintWireGuard } from '../../../src/lint/wireguard';
import { PAIR, PEER_PUB, report } from './wireguard/helpers';

const LIFETIMES = [1, 2, 5, 6, 7, 8, 10, 12, 15, 20, 24, 25, 29, 30, 31, 35, 45, 60, 90, 120, 180, 600];

function advice(lifetime: number, id: string): string | undefined {
  return recommend(report({ mapping: 'endpoint-independent', lifetime })).find((r) => r.id === id)?.apply?.value;
}

function quickFix(text: string, lint: (t: string) => ReturnType<typeof lintWireGuard>, ruleId: string): string | undefined {
  const f = lint(text).findings.find((x) => x.ruleId === ruleId);
  return f?.fixes.find((x) => x.isPreferred)?.edits.map((e) => e.newText).join('');
}

const peer = (extra: string): string => `[Interface]\nPrivateKey = ${PAIR.priv}\n[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.0/24\nEndpoint = 192.0.2.1:51820\n${extra}`;

describe('keepalive advice: one rule for the diagnosis and the linter', () => {
  for (const t of LIFETIMES) {
    it(`mapping lifetime ${t} s`, () => {
      const rep = report({ mapping: 'endpoint-independent', lifetime: t });
      const wg = String(wireguardKeepalive(t));
      assert.equal(advice(t, 'wireguard-keepalive'), wg, 'the panel\'s Apply');
      assert.equal(quickFix(peer(''), (x) => lintWireGuard(x, { report: rep }), 'WG14'), `PersistentKeepalive = ${wg}\n`, 'WG14 quick fix');
      assert.equal(quickFix(peer('PersistentKeepalive = 65535\n'), (x) => lintWireGuard(x, { report: rep }), 'WG15'), wg, 'WG15 quick fix');
      const ov = openvpnKeepalive(t);
      assert.equal(advice(t, 'openvpn-keepalive'), `${ov.interval} ${ov.timeout}`, 'the panel\'s Apply (OpenVPN)');
      assert.equal(quickFix('tls-client\ndev tun\nproto udp\nremote a 1194\n', (x) => lintOpenVpn(x, { report: rep }), 'OV11'), `keepalive ${ov.interval} ${ov.timeout}\n`, 'OV11 quick fix');
    });
  }

  it('is comfortably below the lifetime whenever that is possible, and at most the usual values', () => {
    for (let t = 1; t <= 600; t++) {
      const wg = wireguardKeepalive(t);
      const ov = openvpnKeepalive(t).interval;
      assert.ok(wg >= 1 && wg <= 25 && ov >= 1 && ov <= 10, `${t}`);
      if (t > KEEPALIVE_MARGIN_SECONDS) assert.ok(wg <= t - KEEPALIVE_MARGIN_SECONDS && ov <= t - KEEPALIVE_MARGIN_SECONDS, `${t}`);
      assert.ok(openvpnKeepalive(t).timeout >= 2 * ov, 'openvpn requires timeout >= 2 x interval');
    }
    assert.equal(wireguardKeepalive(30), 25, "T = 30 (Linux conntrack's default) gives WireGuard's own 25");
    assert.equal(wireguardKeepalive(undefined), 25);
    assert.equal(wireguardKeepalive(Number.NaN), 25);
    assert.deepEqual(openvpnKeepalive(null), { interval: 10, timeout: 60 });
  });
});
