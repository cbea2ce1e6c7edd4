import assert from 'node:assert/strict';
import { rankTurnServers } from '../../../src/engine/probes/turnRank';
import { renderMarkdown } from '../../../src/report/renderMarkdown';
import { renderText } from '../../../src/report/renderText';
import { parseReport } from '../../../src/report/parseReport';
import { relayWorld } from './turnWorld';

// Four relays: two that work at different distances, one that refuses the password (401), one
// that never answers. Each password is different, so a leak of any of them shows.
const NEAR = { address: '198.51.100.21', delayMs: 5, password: 'wonderland' };
const FAR = { address: '198.51.100.22', delayMs: 40, password: 'wonderland' };
const REFUSING = { address: '198.51.100.23', delayMs: 10, password: 'hunter2-refused' };
const SILENT = { address: '198.51.100.24', delayMs: 10, quirk: 'silent' as const, password: 'quiet-secret-9' };

describe('TURN relays: every configured server allocated on in parallel, ranked by RTT to the relay', () => {
  it('ranks the working relays by RTT, then the 401 and the silent one in the configured order; turn is the best', async () => {
    // Configured far first: the ranking, not the order, decides.
    const w = await relayWorld([FAR, REFUSING, NEAR, SILENT]);
    const { report } = await w.run();
    const list = report.turnServers ?? [];
    assert.deepEqual(
      list.map((t) => [t.url, t.value]),
      [
        ['turn:198.51.100.21:3478', 'yes'],
        ['turn:198.51.100.22:3478', 'yes'],
        ['turn:198.51.100.23:3478', 'no'],
        ['turn:198.51.100.24:3478', 'unknown'],
      ],
    );
    const [near, far, refusing, silent] = list;
    assert.ok(near.rttMs !== null && far.rttMs !== null && near.rttMs < far.rttMs, JSON.stringify(list));
    // RTT = twice (NAT link 0 + relay link): 10 ms and 80 ms on these links.
    assert.ok(Math.abs(near.rttMs - 10) <= 1 && Math.abs(far.rttMs - 80) <= 1, `${near.rttMs} ${far.rttMs}`);
    assert.equal(near.relayedAddress, '198.51.100.21:49152');
    assert.match(refusing.error ?? '', /^401 Unauthorized from the TURN server/);
    assert.match(silent.error ?? '', /^no answer from the TURN server at 198\.51\.100\.24:3478/);
    // The field older readers know is the best one, without the URL.
    assert.deepEqual(report.turn, { value: near.value, relayedAddress: near.relayedAddress, rttMs: near.rttMs, error: null, released: true });
    // Every allocation freed at once (Refresh LIFETIME 0), on every relay.
    assert.deepEqual(list.map((t) => t.released), [true, true, null, null]);
    for (const t of w.turns) assert.equal(t.allocations.size, 0, 'nothing left on any relay');
    assert.deepEqual(w.turns.map((t) => t.freed), [1, 0, 1, 0]);
    // Every relay declared in the ledger, as a TURN server.
    for (const r of [NEAR, FAR, REFUSING, SILENT]) {
      const c = (report.contacted ?? []).find((x) => x.address === r.address);
      assert.equal(c?.role, 'TURN server', JSON.stringify(report.contacted));
    }
    assert.ok((report.contacted ?? []).every((c) => c.role !== 'undeclared'));
    // The report round-trips through the reader.
    assert.equal(parseReport(JSON.parse(JSON.stringify(report))).ok, true);
  });

  it('no password of any relay appears in the report, the text, the Markdown, the log, or on the wire', async () => {
    const w = await relayWorld([FAR, REFUSING, NEAR, SILENT]);
    const { report } = await w.run();
    const everything = [JSON.stringify(report), renderText(report, { color: false }), renderMarkdown(report), w.logs.join('\n')].join('\n');
    for (const secret of ['wonderland', 'hunter2-refused', 'quiet-secret-9']) {
      assert.ok(!everything.includes(secret), `${secret} leaked`);
      for (const t of w.turns) for (const d of t.datagrams) assert.ok(!Buffer.from(d).toString('latin1').includes(secret), `${secret} on the wire`);
    }
  });

  it('the relay that refused is named in the advice even though another one works', async () => {
    const w = await relayWorld([FAR, REFUSING, NEAR, SILENT]);
    const { report } = await w.run();
    const advice = report.recommendations.filter((r) => r.id === 'turn-failed').map((r) => r.text);
    assert.deepEqual(advice, ['A TURN relay refused: turn:198.51.100.23:3478 (401 Unauthorized from the TURN server (realm "lab.example")). Check the user name and password.']);
  });

  it('the ranking is shown once in the text and in the Markdown', async () => {
    const w = await relayWorld([FAR, REFUSING, NEAR, SILENT]);
    const { report } = await w.run();
    const text = renderText(report, { color: false });
    assert.equal(text.match(/Relays ranked by RTT:/g)?.length, 1);
    assert.match(text, /1\. turn:198\.51\.100\.21:3478 {2}yes {2}10 ms\n {2}2\. turn:198\.51\.100\.22:3478 {2}yes {2}80 ms/);
    const md = renderMarkdown(report);
    assert.match(md, /\| TURN relay 1 by RTT \| yes \| turn:198\.51\.100\.21:3478; 10 ms \|/);
    assert.match(md, /\| TURN relay 4 by RTT \| unknown \| turn:198\.51\.100\.24:3478; no answer/);
  });

  it('a silent relay costs no wall time beyond one relay\'s budget: two silent ones take as long as one', async () => {
    const oneSilent = await (await relayWorld([SILENT])).run();
    const all = await (await relayWorld([FAR, REFUSING, NEAR, SILENT, { ...SILENT, address: '198.51.100.25' }])).run();
    assert.equal(all.report.turnServers?.length, 5);
    // In parallel: the five take as long as the one silent relay alone (sequential would add its whole budget again).
    assert.ok(all.elapsedMs <= oneSilent.elapsedMs + 1, `${all.elapsedMs} ms with five relays, ${oneSilent.elapsedMs} ms with one silent`);
    // And that is bounded by the diagnosis' budget (2 s here) plus the probe's floor of 500 ms.
    assert.ok(oneSilent.elapsedMs <= 2500 + 50, `${oneSilent.elapsedMs} ms`);
  });

  it('a single relay reads as before: turn and a one-entry list', async () => {
    const w = await relayWorld([NEAR]);
    const { report } = await w.run();
    assert.equal(report.turn?.value, 'yes');
    assert.equal(report.turnServers?.length, 1);
    assert.doesNotMatch(renderText(report, { color: false }), /Relays ranked/);
  });
});

describe('rankTurnServers', () => {
  it('working relays by RTT, then a working one without an RTT, then failures in the configured order', () => {
    const t = (url: string, value: 'yes' | 'no' | 'unknown', rttMs: number | null) => ({ url, value, rttMs });
    const ranked = rankTurnServers([t('a', 'no', null), t('b', 'yes', 30), t('c', 'unknown', null), t('d', 'yes', null), t('e', 'yes', 12)]);
    assert.deepEqual(
      ranked.map((x) => x.url),
      ['e', 'b', 'd', 'a', 'c'],
    );
  });
  it('none working: the configured order stands, so the first configured stays the one `turn` shows', () => {
    const ranked = rankTurnServers([
      { url: 'x', value: 'unknown' as const, rttMs: null },
      { url: 'y', value: 'no' as const, rttMs: null },
    ]);
    assert.deepEqual(ranked.map((r) => r.url), ['x', 'y']);
  });
});
