import assert from 'node:assert/strict';
import { renderText } from '../../src/report/renderText';
import { fakeTcp } from '../support/fakeTcp';
import { hostileWorld, liarServer } from './hostileWorld';

const SERVER = { address: '198.51.100.1', port: 3478 };

describe('security: replies that arrive but cannot be used are not "UDP is blocked"', () => {
  for (const [name, lies] of [
    ['only wrong transaction IDs', { wrongTransaction: true }],
    ['only from a wrong source address', { answerFrom: { address: '198.51.100.1', port: 3999 } }],
  ] as const) {
    it(`a server that answers with ${name}: UDP "yes", the server named as answering incorrectly, no error-level advice`, async () => {
      // Endpoint-independent filtering, so the wrong-source replies really reach the client's sockets.
      const w = hostileWorld({ filtering: 'endpoint-independent' });
      await liarServer(w.net.addHost({ addresses: [SERVER.address] }), SERVER, lies);
      const report = await w.run([SERVER]);
      const ignored = report.ignoredPackets.wrongTransaction + report.ignoredPackets.unexpectedSource;
      assert.ok(ignored > 0, JSON.stringify(report.ignoredPackets));
      assert.equal(report.udp, 'yes', report.udpReason);
      assert.match(report.udpReason, /the server answers, but not correctly/);
      assert.match(report.udpReason, new RegExp(`${ignored} `));
      assert.notEqual(report.natType.value, 'udp-blocked');
      assert.ok(!report.recommendations.some((r) => r.severity === 'error'), JSON.stringify(report.recommendations));
      assert.ok(report.recommendations.some((r) => r.id === 'server-answers-incorrectly'), JSON.stringify(report.recommendations));
      const text = renderText(report);
      assert.doesNotMatch(text, /blocked/i);
      assert.equal(report.publicEndpoints.length, 0, 'nothing from an unusable reply is believed');
      assert.match(report.servers[0].error ?? '', /it answers, but not correctly/);
    });
  }

  it('true silence is "no" when the host answers over TCP, and "unknown" (down or blocked) when nothing else answers', async () => {
    const w = hostileWorld();
    w.net.addHost({ addresses: [SERVER.address] });
    const report = await w.run([SERVER], { tcp: fakeTcp(w.clock, { '198.51.100.1:3478': 'refused' }) });
    assert.equal(report.udp, 'no', report.udpReason);
    const alone = hostileWorld();
    alone.net.addHost({ addresses: [SERVER.address] });
    const unknown = await alone.run([SERVER]);
    assert.equal(unknown.udp, 'unknown', unknown.udpReason);
    assert.match(unknown.udpReason, /^the server is down or UDP is blocked: 198\.51\.100\.1:3478/);
  });
});
