import assert from 'node:assert/strict';
import { Bracket } from '../../../src/engine/probes/lifetime/bracket';

describe('lifetime Bracket: verdicts narrow (lo, hi]', () => {
  it('alive raises lo, dead lowers hi, ages outside the bracket change nothing', () => {
    let changes = 0;
    let deaths = 0;
    const b = new Bracket(() => changes++, () => deaths++);
    b.note({ kind: 'alive', age: 10, detail: '' });
    b.note({ kind: 'alive', age: 8, detail: '' });
    assert.deepEqual([b.lo, b.hi, b.closed], [10, Infinity, false]);
    b.note({ kind: 'dead', age: 20, detail: '' });
    b.note({ kind: 'dead', age: 25, detail: '' });
    b.note({ kind: 'alive', age: 21, detail: '' });
    b.note({ kind: 'unknown', detail: 'no verdict' });
    assert.deepEqual([b.lo, b.hi, b.closed], [10, 20, true]);
    assert.deepEqual([changes, deaths], [2, 1]);
  });

  it('a death younger than a survivor closes the bracket at lo, never below it', () => {
    const b = new Bracket(() => undefined, () => undefined);
    b.note({ kind: 'alive', age: 12, detail: '' });
    b.note({ kind: 'dead', age: 9, detail: '' });
    assert.deepEqual([b.lo, b.hi], [12, 12]);
  });

  it('paces: period is half of lo within 1..5 s, margin 5 % of hi (at least 1 s), precision 10 % of lo (at least 2 s)', () => {
    const b = new Bracket(() => undefined, () => undefined);
    assert.equal(b.period(), 1);
    b.note({ kind: 'alive', age: 6, detail: '' });
    assert.equal(b.period(), 3);
    b.note({ kind: 'alive', age: 60, detail: '' });
    assert.equal(b.period(), 5);
    assert.equal(b.wanted(), 6);
    b.note({ kind: 'dead', age: 100, detail: '' });
    assert.equal(b.margin(), 5);
  });
});
