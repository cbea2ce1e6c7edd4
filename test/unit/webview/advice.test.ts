// Advice in the panel offers the action: the engine's advice (shared with the CLI) names the
// command line; the panel shows a button that runs the same measurement instead.
import assert from 'node:assert/strict';
import { recommend } from '../../../src/engine/discovery/recommend';
import type { Report } from '../../../src/report/report';
import { panelAdvice } from '../../../src/webview/adviceActions';
import { makeWorld } from '../discovery/world';

describe('report panel: advice offers the action, not the CLI', () => {
  let behindNat: Report;
  before(async () => {
    behindNat = await (await makeWorld({})).run();
  });

  it('the keepalive advice without a measured lifetime: "Measure" as a button, no `natprobe diagnose --lifetime` in the text', () => {
    const rec = recommend(behindNat).find((r) => r.id === 'wireguard-keepalive');
    assert.ok(rec && rec.text.includes('`natprobe diagnose --lifetime`'), 'the engine text this test is about changed');
    const advice = panelAdvice(rec.text);
    assert.deepEqual(advice.commands, ['natProbe.measureLifetime']);
    assert.equal(advice.text, 'Set PersistentKeepalive = 25 on peers behind this NAT so the far side can always reach this one.');
  });

  it('advice without a command line is left as it is', () => {
    const r: Report = { ...behindNat, mappingLifetime: { value: 30, idleSeconds: 30, refreshedByInbound: 'no', absoluteSeconds: null, reason: 'measured' } };
    for (const rec of recommend(r)) {
      const advice = panelAdvice(rec.text);
      assert.equal(advice.text, rec.text.trim(), rec.id);
      assert.deepEqual(advice.commands, [], rec.id);
    }
  });

  it('the clause is cut at its own sentence: the text before and after stays', () => {
    assert.deepEqual(panelAdvice('Measure it with `natprobe diagnose --lifetime`. Then set the keepalive.'), { text: 'Then set the keepalive.', commands: ['natProbe.measureLifetime'] });
    assert.deepEqual(panelAdvice('Keep it short, or measure with `natprobe diagnose --lifetime`. Done.'), { text: 'Keep it short. Done.', commands: ['natProbe.measureLifetime'] });
  });
});
