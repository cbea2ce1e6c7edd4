// The serve log under a flood: bounded lines, bounded memory, counts that add up.
import assert from 'node:assert/strict';
import { ServeSummary } from '../../src/engine/server/serveSummary';

describe('security: serve logs a bounded summary, not a line per packet', () => {
  it('100,000 events from 100,000 sources in one interval: at most 20 detail lines and one summary line', () => {
    const summary = new ServeSummary({ detailPerInterval: 20 });
    let lines = 0;
    for (let i = 0; i < 100_000; i++) {
      const kind = i % 3 === 0 ? 'answered' : i % 3 === 1 ? 'rate-limited' : 'dropped';
      const reason = kind === 'dropped' ? `malformed: attribute ${i} runs past the end` : undefined;
      if (summary.record(kind, `10.0.${(i >> 8) & 255}.${i & 255}-${i}`, reason, () => `event ${i}`) !== undefined) lines++;
    }
    assert.equal(lines, 20);
    const line = summary.flush(60);
    assert.ok(line);
    assert.match(line, /^last 60 s: 33334 answered, 33333 rate-limited, 33333 dropped \(malformed 33333\) from 10000\+ sources; 99980 event lines left out$/);
    assert.equal(summary.flush(60), undefined, 'a quiet interval logs nothing');
  });

  it('without --verbose no single-event lines at all; many distinct reasons are lumped as "other"', () => {
    const summary = new ServeSummary({ detailPerInterval: 0 });
    for (let i = 0; i < 100; i++) assert.equal(summary.record('dropped', '192.0.2.1', `reason${i}`, () => 'x'), undefined);
    const line = summary.flush(10)!;
    assert.match(line, /other 84/);
    assert.ok(line.length < 600, `${line.length} characters`);
  });

  it('answers refused by the global cap are counted apart from the per-source limit, and only named when there were some', () => {
    const summary = new ServeSummary({ detailPerInterval: 0 });
    summary.record('answered', '10.0.0.1');
    summary.record('rate-limited', '10.0.0.1');
    for (let i = 0; i < 3; i++) summary.record('global-limited', `10.0.1.${i}`);
    assert.equal(summary.flush(60), 'last 60 s: 1 answered, 1 rate-limited, 3 over the global cap, 0 dropped from 4 sources');
    summary.record('answered', '10.0.0.1');
    assert.equal(summary.flush(60), 'last 60 s: 1 answered, 0 rate-limited, 0 dropped from 1 sources');
  });
});
