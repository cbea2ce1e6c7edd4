import assert from 'node:assert/strict';
import { type Observations, concludeLifetime } from '../../../src/engine/probes/lifetime/conclude';

/** A response-port run where nothing died within 60 s: the base each case changes. */
function observed(change: Partial<Observations> = {}): Observations {
  return {
    mode: 'response-port',
    fallbackWhy: '',
    lo: 60,
    hi: Infinity,
    inbound: { lastAlive: 0, checks: 0 },
    absolute: { lastAlive: 60, period: 5 },
    inboundPeriod: 5,
    margin: 1,
    maxSeconds: 60,
    absoluteUpToMax: false,
    stream: false,
    socketsUsed: 12,
    idleMs: 61_000,
    totalMs: 62_000,
    ...change,
  };
}

describe('concludeLifetime: observations to the lifetime answer', () => {
  it('nothing expired: no figure, and it says how long was tested', () => {
    const r = concludeLifetime(observed());
    assert.deepEqual([r.value, r.idleSeconds, r.absoluteSeconds, r.refreshedByInbound], [null, null, null, 'unknown']);
    assert.match(r.reason, /^no mapping expired within 60 s idle/);
    assert.match(r.reason, /inbound refresh not tested \(no idle expiry to compare with\)/);
    assert.match(r.reason, /12 sockets, idle part 61 s, all 62 s\.$/);
  });

  it('an idle death bracketed at 28..32 s gives an idle timeout of 30 s', () => {
    const r = concludeLifetime(observed({ lo: 28, hi: 32, absolute: { lastAlive: 40, period: 5 } }));
    assert.equal(r.value, 30);
    assert.equal(r.idleSeconds, 30);
    assert.match(r.reason, /idle timeout about 30 s \(a mapping idle 28 s still worked, one idle 32 s did not\)/);
  });

  it('a kept-alive mapping that died before the idle deaths makes them an absolute timeout', () => {
    const r = concludeLifetime(observed({ lo: 28, hi: 32, absolute: { lastAlive: 26, deadAt: 30, how: 'gone', period: 5 } }));
    assert.equal(r.value, null);
    assert.equal(r.idleSeconds, null);
    assert.equal(r.absoluteSeconds, 29);
    assert.equal(r.refreshedByInbound, 'unknown');
    assert.match(r.reason, /an absolute timeout: one kept alive/);
    assert.match(r.reason, /inbound refresh unknown \(the absolute timeout comes first\)/);
  });

  it('an absolute timeout past the idle one is reported beside it', () => {
    const r = concludeLifetime(observed({ lo: 28, hi: 32, absolute: { lastAlive: 100, deadAt: 110, how: 'port changed', period: 5 } }));
    assert.deepEqual([r.idleSeconds, r.absoluteSeconds], [30, 105]);
    assert.match(r.reason, /absolute timeout about 105 s .*gone at 110 s: port changed/);
  });

  it('inbound refresh: yes when the receive-only mapping outlived the idle deaths by the margin', () => {
    const r = concludeLifetime(observed({ lo: 28, hi: 32, inbound: { lastAlive: 33, checks: 9 }, absolute: { lastAlive: 40, period: 5 } }));
    assert.equal(r.refreshedByInbound, 'yes');
    const short = concludeLifetime(observed({ lo: 28, hi: 32, inbound: { lastAlive: 32.5, checks: 9 }, absolute: { lastAlive: 40, period: 5 } }));
    assert.equal(short.refreshedByInbound, 'unknown', 'within the margin it proves nothing');
  });

  it('inbound refresh: no when it died soon after a packet arrived, while the kept-alive one lived', () => {
    const inbound = { lastAlive: 30, deadAt: 34, gapBeforeDeath: 4, checks: 9 };
    assert.equal(concludeLifetime(observed({ lo: 28, hi: 32, inbound, absolute: { lastAlive: 40, period: 5 } })).refreshedByInbound, 'no');
    // If the kept-alive mapping was not seen alive past K's death, K may have met the absolute timeout.
    assert.equal(concludeLifetime(observed({ lo: 28, hi: 32, inbound, absolute: { lastAlive: 33, period: 5 } })).refreshedByInbound, 'unknown');
  });

  it('the fallback says inbound refresh was not tested and why the fallback was used', () => {
    const r = concludeLifetime(observed({ mode: 'same-socket', fallbackWhy: 'RESPONSE-PORT ignored', lo: 28, hi: 32, absolute: { lastAlive: 40, period: 5 } }));
    assert.equal(r.refreshedByInbound, 'unknown');
    assert.match(r.reason, /inbound refresh not tested \(needs RESPONSE-PORT\)/);
    assert.match(r.reason, /measured by the fallback \(RESPONSE-PORT ignored\)/);
  });

  it('asks for a longer watch only when the absolute watch stopped early', () => {
    const early = concludeLifetime(observed({ maxSeconds: 120, absolute: { lastAlive: 40, period: 5 } }));
    assert.match(early.reason, /ask for up to 120 s to watch longer/);
    const full = concludeLifetime(observed({ maxSeconds: 120, absoluteUpToMax: true, absolute: { lastAlive: 40, period: 5 } }));
    assert.doesNotMatch(full.reason, /watch longer/);
  });
});
