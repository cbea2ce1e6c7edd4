// resolveWithin: a name lookup with a deadline and the run's cancel signal. The signal lives for
// the whole run, so each lookup must take its listener off it again (issue 15: `natprobe reach`
// on a config with 11 host names printed MaxListenersExceededWarning).
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { systemClock } from '../../../src/engine/clock';
import { type Resolver, resolveWithin } from '../../../src/engine/discovery/resolve';

const answers: Resolver = async () => [{ address: '192.0.2.7', family: 4 }];
const fails: Resolver = async () => {
  throw Object.assign(new Error('no'), { code: 'ENOTFOUND' });
};
const never: Resolver = () => new Promise(() => undefined);

describe('resolveWithin and the run\'s signal', function () {
  it('50 lookups on one signal (answered, failed, timed out) leave no listener on it', async () => {
    const run = new AbortController();
    for (let i = 0; i < 50; i++) {
      const resolver = i % 3 === 0 ? answers : i % 3 === 1 ? fails : never;
      const r = await resolveWithin(resolver, `host${i}.example`, systemClock, 5, run.signal);
      assert.equal(r.ok, i % 3 === 0, JSON.stringify(r));
    }
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  });

  it('12 lookups in parallel on one signal share one listener (diagnose with 12 named servers)', async () => {
    const run = new AbortController();
    const pending = Array.from({ length: 12 }, (_, i) => resolveWithin(never, `s${i}.example`, systemClock, 20, run.signal));
    assert.equal(getEventListeners(run.signal, 'abort').length, 1);
    for (const r of await Promise.all(pending)) assert.equal(r.ok, false);
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  });

  it('cancelling the run ends a lookup at once with "cancelled", also when already cancelled', async () => {
    const run = new AbortController();
    const pending = resolveWithin(never, 'slow.example', systemClock, 60_000, run.signal);
    run.abort();
    assert.deepEqual(await pending, { ok: false, error: 'cancelled' });
    assert.deepEqual(await resolveWithin(never, 'slow.example', systemClock, 60_000, run.signal), { ok: false, error: 'cancelled' });
  });

  it('an address literal needs no lookup and no listener', async () => {
    const run = new AbortController();
    assert.deepEqual(await resolveWithin(never, '2001:db8::1', systemClock, 5, run.signal), { ok: true, addresses: [{ address: '2001:db8::1', family: 6 }] });
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  });
});
