import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderText as renderPunch, toJson as punchJson } from '../../src/cli/punchCommand';
import type { PunchResult } from '../../src/engine/punch/result';
import { compareReports } from '../../src/engine/compare';
import { bestRelay } from '../../src/engine/relayChoice';
import type { Report } from '../../src/report/report';
import { relayWorld } from './probes/turnWorld';
import { cliInProcess } from '../support/cliInProcess';

// Two relays; each end is near a different one. A is symmetric, B port-restricted: no direct
// path (compare says so), so a relay is needed. Geography would pick "the one near me" at
// each end; the measured sum picks the one that is cheapest for the pair.
const X = '198.51.100.31';
const Y = '198.51.100.32';

async function end(delays: { x: number; y: number }, nat: 'symmetric' | 'port-restricted', publicAddress: string): Promise<Report> {
  const w = await relayWorld(
    [
      { address: X, delayMs: delays.x },
      { address: Y, delayMs: delays.y },
    ],
    // Random ports: a symmetric NAT that keeps the local port and takes the next free one counts
    // up, and port prediction would connect it (compare says yes then).
    nat === 'symmetric' ? { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent', portPreservation: false } : {},
    publicAddress,
  );
  return (await w.run()).report;
}

describe('compare names the best relay for the pair: the lowest sum of both ends\' RTTs', () => {
  it('A is nearest X, but X is far from B: Y has the lowest sum and is named', async () => {
    // RTTs: A→X 10, A→Y 30; B→X 100, B→Y 20. Sums: X 110, Y 50.
    const a = await end({ x: 5, y: 15 }, 'symmetric', '203.0.113.40');
    const b = await end({ x: 50, y: 10 }, 'port-restricted', '203.0.113.41');
    assert.equal(a.turnServers?.[0].url, `turn:${X}:3478`, 'A alone would pick X');
    const v = compareReports(a, b);
    assert.equal(v.direct, 'no', v.reason);
    assert.equal(v.relay?.url, `turn:${Y}:3478`, JSON.stringify(v.relay));
    assert.deepEqual(v.relay?.rttMs, { a: 30, b: 20 });
    assert.equal(v.relay?.sumMs, 50);
    assert.match(v.relay?.reason ?? '', /30 ms from A \+ 20 ms from B = 50 ms/);
    // The same from the other side.
    assert.equal(compareReports(b, a).relay?.url, `turn:${Y}:3478`);
  });

  it('a direct path predicted: no relay is named', async () => {
    const a = await end({ x: 5, y: 15 }, 'port-restricted', '203.0.113.42');
    const b = await end({ x: 50, y: 10 }, 'port-restricted', '203.0.113.43');
    const v = compareReports(a, b);
    assert.equal(v.direct, 'yes');
    assert.equal(v.relay, undefined);
  });

  it('only one end measured relays: its fastest is named, with no sum, and what the other end should run', async () => {
    const a = await end({ x: 5, y: 15 }, 'symmetric', '203.0.113.44');
    const b = { ...(await end({ x: 50, y: 10 }, 'port-restricted', '203.0.113.45')), turn: undefined, turnServers: undefined };
    const r = bestRelay(a, b);
    assert.equal(r?.url, `turn:${X}:3478`);
    assert.equal(r?.sumMs, null);
    assert.deepEqual(r?.rttMs, { a: 10, b: null });
    assert.match(r?.reason ?? '', /B did not test it \(natprobe diagnose --turn turn:198\.51\.100\.31:3478 on B/);
  });

  it('a relay the other end tried and could not use is never named', async () => {
    const a = await end({ x: 5, y: 15 }, 'symmetric', '203.0.113.46');
    const bReport = await end({ x: 50, y: 10 }, 'port-restricted', '203.0.113.47');
    const b: Report = { ...bReport, turnServers: (bReport.turnServers ?? []).map((t) => ({ ...t, value: 'no', rttMs: null, relayedAddress: null, error: '401 Unauthorized from the TURN server' })) };
    assert.equal(bestRelay(a, b), undefined);
    assert.equal(compareReports(a, b).relay, undefined);
  });

  it('hostile URLs in a report are shown safely (no control characters in the verdict)', async () => {
    const a = await end({ x: 5, y: 15 }, 'symmetric', '203.0.113.48');
    const evil = 'turn:\u001b[31mevil\u202e:3478';
    const b = await end({ x: 50, y: 10 }, 'port-restricted', '203.0.113.49');
    const a2: Report = { ...a, turnServers: (a.turnServers ?? []).map((t) => ({ ...t, url: evil })) };
    const b2: Report = { ...b, turnServers: (b.turnServers ?? []).map((t) => ({ ...t, url: evil })) };
    const v = compareReports(a2, b2);
    assert.ok(v.relay);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(JSON.stringify(v.relay.url), /[\u0000-\u001f\u202e]/);
  });

  it('natprobe compare prints "Best relay:" with the sum, and --json carries it as relay', async () => {
    const a = await end({ x: 5, y: 15 }, 'symmetric', '203.0.113.50');
    const b = await end({ x: 50, y: 10 }, 'port-restricted', '203.0.113.51');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-relay-'));
    const [fa, fb] = [path.join(dir, 'a.json'), path.join(dir, 'b.json')];
    fs.writeFileSync(fa, JSON.stringify(a));
    fs.writeFileSync(fb, JSON.stringify(b));
    const text = await cli(['compare', fa, fb]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Direct connection: no\n.*\nBest relay: turn:198\.51\.100\.32:3478 \(the lowest sum of both ends' RTTs to a relay both could allocate on: 30 ms from A \+ 20 ms from B = 50 ms\)\n$/);
    const json = JSON.parse((await cli(['compare', fa, fb, '--json'])).stdout) as { relay: { url: string; sumMs: number } };
    assert.deepEqual([json.relay.url, json.relay.sumMs], ['turn:198.51.100.32:3478', 50]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('punch: with no direct path the best relay is printed and in the JSON; with a direct path, none', async () => {
    const a = await end({ x: 5, y: 15 }, 'symmetric', '203.0.113.52');
    const b = await end({ x: 50, y: 10 }, 'port-restricted', '203.0.113.53');
    const relay = bestRelay(a, b);
    const failed: PunchResult = {
      direct: 'no',
      reason: 'no check was answered',
      rendezvous: 'reached',
      packets: { sent: 10, received: 0, lowTtl: 2 },
      symmetric: { ownMapping: 'endpoint-dependent', packets: 0 },
      ttl: { value: 2, source: 'default', reason: '2, the default: our mapping changes per destination' },
      contacted: [],
    };
    const prediction = compareReports(a, b);
    assert.match(renderPunch(failed, prediction, relay), /\nBest relay for this pair: turn:198\.51\.100\.32:3478 \(.*= 50 ms\)\n/);
    assert.equal((punchJson(failed, prediction, relay) as { relay: { url: string } }).relay.url, 'turn:198.51.100.32:3478');
    assert.equal((punchJson(failed, prediction) as { relay: unknown }).relay, null);
  });
});

function cli(args: string[]): ReturnType<typeof cliInProcess> {
  return cliInProcess(args);
}
