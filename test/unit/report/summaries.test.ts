// The short texts a person reads after a command: how long it took, what the port test found,
// how far a lifetime measurement is. Pure functions; the extension gives them translated words.
import assert from 'node:assert/strict';
import { formatDuration } from '../../../src/report/durations';
import { LIFETIME_MAX_SECONDS, lifetimeHorizonMs, lifetimePercent } from '../../../src/report/lifetimeProgress';
import { portsSummary } from '../../../src/report/portsSummary';
import type { PortResult } from '../../../src/report/report';

const port = (protocol: 'udp' | 'tcp', n: number, reachable: PortResult['reachable']): PortResult => ({ protocol, port: n, reachable, basis: 'test' });

describe('durations for people', () => {
  it('under a second in milliseconds, never "0.0 s"', () => {
    assert.equal(formatDuration(42), '42 ms');
    assert.equal(formatDuration(999.4), '999 ms');
    assert.equal(formatDuration(3.44), '3.4 ms');
    assert.equal(formatDuration(0), '0 ms');
    assert.equal(formatDuration(4), '4 ms');
  });

  it('a second and more: one decimal under ten seconds, whole seconds after', () => {
    assert.equal(formatDuration(999.6), '1.0 s');
    assert.equal(formatDuration(2480), '2.5 s');
    assert.equal(formatDuration(9940), '9.9 s');
    assert.equal(formatDuration(9960), '10 s');
    assert.equal(formatDuration(33_400), '33 s');
  });

  it('no number, no guess; units come from the caller', () => {
    assert.equal(formatDuration(Number.NaN), '? s');
    assert.equal(formatDuration(-5), '? s');
    assert.equal(formatDuration(250, { ms: (n) => `${n} Millisekunden`, s: (n) => `${n} Sekunden` }), '250 Millisekunden');
  });
});

describe('the port test in one line', () => {
  it('names the blocked ports and counts the reachable ones: "udp/51820 blocked, 5 reachable"', () => {
    const ports = [port('udp', 51820, 'no'), port('udp', 1194, 'yes'), port('udp', 443, 'yes'), port('tcp', 443, 'yes'), port('udp', 500, 'yes'), port('udp', 4500, 'yes')];
    assert.equal(portsSummary(ports), 'udp/51820 blocked, 5 reachable');
  });

  it('says which could not be told, apart from blocked', () => {
    assert.equal(portsSummary([port('udp', 51820, 'unknown'), port('tcp', 443, 'yes')]), '1 reachable, 1 could not be told');
    assert.equal(portsSummary([port('tcp', 443, 'yes')]), '1 reachable');
  });

  it('names at most three blocked ports, then counts the rest', () => {
    const ports = [51820, 1194, 500, 4500, 1701].map((n) => port('udp', n, 'no'));
    assert.equal(portsSummary(ports), 'udp/51820, udp/1194, udp/500 +2 more blocked');
  });

  it('no ports: says so', () => {
    assert.equal(portsSummary([]), 'no port tested');
    assert.equal(portsSummary(undefined), 'no port tested');
  });
});

describe('lifetime measurement progress', () => {
  it('knows the run is bounded: 120 s of idle times and a margin past them', () => {
    assert.equal(LIFETIME_MAX_SECONDS, 120);
    assert.equal(lifetimeHorizonMs(), 134_000);
  });

  it('a whole percentage that never says 100 while the run goes on', () => {
    assert.equal(lifetimePercent(0), 0);
    assert.equal(lifetimePercent(33_500), 25);
    assert.equal(lifetimePercent(67_000), 50);
    assert.equal(lifetimePercent(134_000), 99);
    assert.equal(lifetimePercent(500_000), 99);
    assert.equal(lifetimePercent(Number.NaN), 0);
  });
});
