// whenAborted: every operation of a run waits on the run's one signal; they share one 'abort'
// listener, so a run with many servers or endpoints never trips Node's listener-leak warning.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { whenAborted } from '../../src/engine/abortWatch';

describe('whenAborted: one listener per signal', function () {
  it('20 waiters at once: one listener; all stopped: none', function () {
    const run = new AbortController();
    const stops = Array.from({ length: 20 }, () => whenAborted(run.signal, () => assert.fail('not aborted')));
    assert.equal(getEventListeners(run.signal, 'abort').length, 1);
    for (const stop of stops) stop();
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
    stops[0](); // stopping twice is harmless
  });

  it('abort calls every waiter still waiting, once, and not the ones that stopped', function () {
    const run = new AbortController();
    const called: number[] = [];
    const stops = [0, 1, 2, 3].map((i) => whenAborted(run.signal, () => called.push(i)));
    stops[1]();
    run.abort();
    run.abort();
    assert.deepEqual(called, [0, 2, 3]);
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
    for (const stop of stops) stop();
  });

  it('an already aborted signal calls back at once and adds no listener', function () {
    const run = new AbortController();
    run.abort();
    let called = 0;
    whenAborted(run.signal, () => called++)();
    assert.equal(called, 1);
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  });

  it('waiting again after everyone stopped takes a fresh listener that still fires', function () {
    const run = new AbortController();
    whenAborted(run.signal, () => undefined)();
    let called = 0;
    whenAborted(run.signal, () => called++);
    assert.equal(getEventListeners(run.signal, 'abort').length, 1);
    run.abort();
    assert.equal(called, 1);
  });
});
