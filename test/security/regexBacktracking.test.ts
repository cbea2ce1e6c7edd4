// Issue 9: no pattern in the engine, the report code, the panel or the CLI's own parsing may
// backtrack super-linearly on hostile text (a report file, a server's answer, a setting). One
// adversarial input per pattern family, each 100,000+ characters: a linear pattern handles it in
// milliseconds, a quadratic one takes minutes. No timing is asserted (budgets live in bench/): the
// suite's timeout is the bound, and each test checks the answer is still right.
import assert from 'node:assert/strict';
import { parseServerSpec } from '../../src/engine/discovery/serverSpec';
import { stripComments } from '../../src/engine/probes/portMapping/boundedXml';
import { parseGetExternalIpResponse } from '../../src/engine/probes/portMapping/soap';
import { parseSsdpResponse } from '../../src/engine/probes/portMapping/ssdp';
import { parseProcNetRoute } from '../../src/engine/probes/portMapping/gateway';
import { parsePortList } from '../../src/engine/probes/portList';
import { parseTurnUrl } from '../../src/engine/probes/turnUrl';
import { parseWebviewMessage } from '../../src/report/messages';
import { redactReport } from '../../src/report/redact';
import { renderMarkdown } from '../../src/report/renderMarkdown';
import type { Report } from '../../src/report/report';
import { safeText } from '../../src/report/safeText';
import { t } from '../../src/webview/l10n';
import { verdictWords } from '../../src/webview/verdictWords';
import { reportFromHostileServer } from './hostile';

const N = 100_000;

describe('security: no super-linear backtracking on hostile text', function () {
  this.timeout(10_000);
  let base: Report;
  before(async () => {
    base = await reportFromHostileServer('x');
  });

  it('the panel verdict: a long run of spaces or colons in a reason is neither trimmed nor quoted (said once, below it)', () => {
    // The verdict once ended the UDP reason as a sentence with /[:;,\s]+$/, quadratic on such a
    // run; it now quotes no reason at all, so the run cannot slow it down or reach it.
    for (const run of [' ', ':;, ', '\t\n']) {
      for (const udpReason of [`${run.repeat(N / run.length)}x`, `no answer${run.repeat(N / run.length)}`]) {
        const words = verdictWords({ ...base, udp: 'unknown', udpReason });
        assert.deepEqual(words, { headline: 'UDP could not be tested', sentences: [] });
      }
      const filtering = { ...base.filtering, value: 'unknown' as const, reason: `${run.repeat(N / run.length)}x` };
      const behind = verdictWords({ ...base, udp: 'yes', mapping: { ...base.mapping, value: 'endpoint-independent' }, filtering, natType: { value: 'unknown', reason: filtering.reason } });
      assert.ok(behind.sentences.every((s) => s.length < 200), JSON.stringify(behind).slice(0, 200));
    }
  });

  it('endpoints (--server, settings, TURN URLs, port lists): long runs of separators and digits', () => {
    for (const text of ['1:'.repeat(N) + 'x', `[${':'.repeat(N)}`, `${'a.'.repeat(N)}:1`, `${'a'.repeat(N)}::1:${'9'.repeat(N)}`, `stun:${'stun:'.repeat(N)}`]) {
      assert.equal(parseServerSpec(text).ok, false, text.slice(0, 20));
    }
    assert.equal(parseTurnUrl(`turn:${'1:'.repeat(N)}?transport=${'a'.repeat(N)}`).ok, false);
    assert.equal(parsePortList('udp:'.repeat(N)).ok, false);
    assert.equal(parsePortList(`${'udp:1,'.repeat(N)}`).ok, false);
  });

  it('redaction: runs that almost look like IPv4, IPv6 or bracketed addresses', () => {
    for (const udpReason of ['1:'.repeat(N), `[${'a'.repeat(N)}`, '1.'.repeat(N), `${'ab:'.repeat(N)}g`, `${':'.repeat(N)}g`, `[fe80::1${'%'.repeat(N)}]`]) {
      const r = redactReport({ ...base, udpReason });
      assert.equal(typeof r.udpReason, 'string');
    }
  });

  it('escaping (safeText, Markdown cells, l10n placeholders) is one pass over the text', () => {
    assert.equal(safeText('\u001b'.repeat(N), Infinity).length, 4 * N);
    const md = renderMarkdown({ ...base, udpReason: '|[*&<'.repeat(N / 5) });
    assert.ok(md.includes('\\|\\[\\*&amp;&lt;'));
    assert.equal(t(`${'{'.repeat(N)}0}`, 'a').length, N);
  });

  it('UPnP and the routing table: long headers, unterminated elements and comments, long blank runs', () => {
    const header = new TextEncoder().encode(`HTTP/1.1 200 OK\r\nST: ${' '.repeat(N)}x\r\n${'a:'.repeat(N)}\r\n`);
    assert.equal(parseSsdpResponse(header).ok, false);
    assert.equal(parseGetExternalIpResponse(200, `<GetExternalIPAddressResponse>${'<NewExternalIPAddress '.repeat(N / 25)}`).kind, 'malformed');
    assert.equal(parseGetExternalIpResponse(200, `<GetExternalIPAddressResponse>${'<a:NewExternalIPAddress>1</a:NewExternalIPAddress'.repeat(N / 50)}`).kind, 'malformed');
    assert.equal(typeof stripComments(`${'<!--'.repeat(N / 4)}x`), 'string');
    assert.equal(parseProcNetRoute(`Iface\tDestination\tGateway\n${' '.repeat(N)}x\n`).ok, false);
  });

  it('webview messages: long type and id strings', () => {
    assert.equal(parseWebviewMessage({ type: '-'.repeat(N) }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'apply', recommendationId: `a${'-'.repeat(N)}!` }).ok, false);
  });
});
