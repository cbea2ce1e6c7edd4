import assert from 'node:assert/strict';
import { lintText } from '../../../src/lint';
import { mergeReachIntoPorts, reportWithReach } from '../../../src/engine/reach/ports';
import type { ReachResult } from '../../../src/engine/reach/types';
import type { Finding } from '../../../src/lint/types';
import type { Report } from '../../../src/report/report';
import { loadReport } from '../lint/openvpn/helpers';

function port01(text: string, report: Report | undefined): Finding[] {
  const outcome = lintText(text, { format: 'wireguard', report });
  assert.ok(outcome.format, 'linted as WireGuard');
  return outcome.findings.filter((f) => f.ruleId === 'PORT01');
}

function result(outcome: ReachResult['outcome'], port: number, protocol: 'wireguard' | 'openvpn' = 'wireguard'): ReachResult {
  return {
    target: { protocol, host: 'vpn.example.net', port, transport: 'udp', line: 3, label: 'x' },
    outcome,
    summary: 's',
    evidence: [],
    packetsSent: 1,
  };
}

describe('reach: answers as port evidence for the PORT rules', () => {
  const blockedReport = (): Report => {
    const base = loadReport('reports/udp1194-blocked.json');
    return { ...base, ports: [{ protocol: 'udp', port: 51820, reachable: 'no', basis: 'no answer from the reflector' }] };
  };
  const config = '[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 10.0.0.0/24\nEndpoint = vpn.example.net:51820\nPersistentKeepalive = 25\n';

  it('PORT01 fires on the report’s blocked port, and not once the real server answered on it', () => {
    const report = blockedReport();
    const before = port01(config, report);
    assert.equal(before.length, 1, 'the report alone says blocked');
    const after = port01(config, reportWithReach(report, [result('reachable', 51820)]));
    assert.deepEqual(after, []);
  });

  it('silence and refusals never make a port blocked or open', () => {
    const report = blockedReport();
    assert.equal(reportWithReach(report, [result('no-answer', 51820), result('refused', 51820)]), report);
    assert.deepEqual(mergeReachIntoPorts([], [result('no-answer', 1194), result('refused', 1195)]), []);
  });

  it('an answer adds the port as reachable, with its basis, when the ports test did not cover it', () => {
    const merged = mergeReachIntoPorts(undefined, [result('reachable', 1194, 'openvpn')]);
    assert.deepEqual(merged, [{ protocol: 'udp', port: 1194, reachable: 'yes', basis: 'the OpenVPN server vpn.example.net answered on it (Test reachability)' }]);
  });

  it('without a report there is nothing to fold into', () => {
    assert.equal(reportWithReach(undefined, [result('reachable', 51820)]), undefined);
  });
});
