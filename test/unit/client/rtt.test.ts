import assert from 'node:assert/strict';
import { RttEstimator } from '../../../src/engine/client/rtt';

describe('RttEstimator (RFC 6298 §2 smoothing)', () => {
  it('before any sample: the initial RTO, no smoothed RTT, a window of 3 × initial + 300 ms', () => {
    const e = new RttEstimator(250);
    assert.equal(e.measured, false);
    assert.equal(e.smoothed, undefined);
    assert.equal(e.median(), undefined);
    assert.equal(e.rto(), 250);
    assert.equal(e.silenceWindow(), 1050);
  });

  it('the first sample sets SRTT = R and RTTVAR = R/2 (RFC 6298 §2.2)', () => {
    const e = new RttEstimator();
    e.sample(100);
    assert.equal(e.smoothed, 100);
    assert.equal(e.rto(), 100 + 4 * 50 + 10);
    assert.equal(e.silenceWindow(), 600);
  });

  it('later samples use alpha 1/8 and beta 1/4 (RFC 6298 §2.3)', () => {
    const e = new RttEstimator();
    e.sample(100);
    e.sample(200);
    // RTTVAR = 0.75 × 50 + 0.25 × |100 - 200| = 62.5; SRTT = 0.875 × 100 + 0.125 × 200 = 112.5
    assert.equal(e.smoothed, 112.5);
    assert.equal(e.rto(), 112.5 + 4 * 62.5 + 10);
  });

  it('keeps the RTO within its bounds', () => {
    const fast = new RttEstimator(250, 40, 2000);
    fast.sample(1);
    assert.equal(fast.rto(), 40);
    const slow = new RttEstimator(250, 40, 2000);
    slow.sample(5000);
    assert.equal(slow.rto(), 2000);
  });

  it('the median of the samples, odd and even counts', () => {
    const e = new RttEstimator();
    for (const s of [30, 10, 20]) e.sample(s);
    assert.equal(e.median(), 20);
    e.sample(40);
    assert.equal(e.median(), 25);
  });

  it('probe interval: about eight tries per silence window, never above the RTO nor below 15 ms', () => {
    const e = new RttEstimator();
    e.sample(100); // window 600, RTO 310
    assert.equal(e.probeInterval(), 75);
    const tiny = new RttEstimator(250, 1, 2000);
    tiny.sample(0.1);
    assert.equal(tiny.probeInterval(), 15);
    const noisy = new RttEstimator(250, 40, 2000);
    noisy.sample(10); // RTO 10 + 20 + 10 = 40, window 330 → 41.25 capped at the RTO
    assert.equal(noisy.probeInterval(), 40);
  });
});
