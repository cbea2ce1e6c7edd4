// Say it once: the verdict is one short sentence a person can read aloud; each reason appears
// once, next to its own result; the "what would measure it" hint appears once, as the last line.
// Checked on the CLI text and the Markdown export, for reports of several shapes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startReflector } from '../../../src/engine/server/reflector';
import { Attr, Method, decodeMessage, encodeMessage, encodeXorAddress, newTransactionId } from '../../../src/engine/stun';
import { FILTERING_HINT } from '../../../src/report/filteringHint';
import { parseReport } from '../../../src/report/parseReport';
import { renderMarkdown } from '../../../src/report/renderMarkdown';
import { renderText, verdictLine } from '../../../src/report/renderText';
import type { Report } from '../../../src/report/report';
import { verdictWords } from '../../../src/webview/verdictWords';
import { makeWorld } from '../discovery/world';

/** The longest verdict line: about what fits in one breath (and one line of a wide terminal). */
const MAX_VERDICT = 120;
/** Shorter pieces (a label, "no answer", an address) may well repeat; a sentence may not. */
const MIN_SENTENCE = 40;

/**
 * The prose of a report: the verdict, the reasons of the results, the advice, the hint. Lists
 * of one item per thing (servers, ports, contacted addresses, evidence) may say the same of two
 * things ("no reply" to two tests) and are left out: text lines indented under a result, and
 * those sections.
 */
function prose(output: string): string {
  const markdown = output.startsWith('# ');
  const out: string[] = [];
  let skip = false;
  for (const line of output.split('\n')) {
    // Text sections start at column 0 with a capital; Markdown ones with "## ".
    if (markdown ? line.startsWith('## ') : /^[A-Z]/.test(line)) skip = /^(?:## )?(?:Servers|VPN ports|Contacted|Evidence)\b/.test(line);
    if (!skip && !/^ {6}/.test(line)) out.push(line);
  }
  return out.join('\n');
}

/** The output cut into sentences and clauses: lines, table cells, columns, and "; " / ". " / ": " inside them. */
function sentencesOf(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) => line.split(/\s\|\s|\||\s{2,}/))
    .flatMap((cell) => cell.split(/(?<=[.;!?])\s+|:\s+/))
    .map((s) =>
      s
        .replace(/\\(.)/g, '$1')
        .replace(/^[\s\-*]+|[\s.;:]+$/g, '')
        .replace(/^\[(?:info|warning|error)\]\s*/, '')
        .trim(),
    )
    .filter((s) => s.length >= MIN_SENTENCE);
}

function repeated(output: string): string[] {
  const seen = new Map<string, number>();
  for (const s of sentencesOf(prose(output))) seen.set(s, (seen.get(s) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([s, n]) => `${n}× ${s}`);
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';
const count = (text: string, needle: string) => text.split(needle).length - 1;

async function plainServers(nat: { mapping?: 'endpoint-independent' | 'address-and-port-dependent' }, addresses: number): Promise<Report> {
  const world = await makeWorld({ rfc5780: false, nat });
  const servers = [{ host: '198.51.100.1', port: 3478 }];
  for (let i = 1; i < addresses; i++) {
    const address = `198.51.100.${10 + i}`;
    await startReflector({ factory: world.net.addHost({ addresses: [address] }), primary: { address, port: 19302 }, software: `plain-${i}`, clock: world.clock });
    servers.push({ host: address, port: 19302 });
  }
  return world.run({ servers, budgetMs: 3000 });
}

const SHAPES: [string, () => Promise<Report>][] = [
  ['behind a cone NAT, three servers without RFC 5780 (the public defaults)', () => plainServers({ mapping: 'endpoint-independent' }, 3)],
  ['behind a symmetric NAT, two servers without RFC 5780', () => plainServers({ mapping: 'address-and-port-dependent' }, 2)],
  ['one server without RFC 5780 (mapping and filtering unknown)', () => plainServers({}, 1)],
  ['behind a port-restricted NAT, an RFC 5780 server', async () => (await makeWorld({})).run()],
  ['no NAT, a server without RFC 5780', async () => (await makeWorld({ publicClient: '203.0.113.9', rfc5780: false })).run()],
  ['UDP blocked', async () => (await makeWorld({ nat: { blockUdp: true } })).run({ budgetMs: 1500 })],
  [
    'a server that answers with transaction IDs we never sent (UDP works, nothing usable)',
    async () => {
      const world = await makeWorld({ nat: { filtering: 'endpoint-independent' } });
      const address = '198.51.100.66';
      const socket = await world.net.addHost({ addresses: [address] }).bind({ family: 4, address, port: 3478 });
      socket.onMessage((data, from) => {
        const d = decodeMessage(data);
        if (!d.ok) return;
        const id = newTransactionId();
        void socket.send(encodeMessage({ cls: 'success', method: Method.Binding, transactionId: id, attributes: [{ type: Attr.XorMappedAddress, value: encodeXorAddress(from, id) }] }), from);
      });
      return world.run({ servers: [{ host: address, port: 3478 }], budgetMs: 1500 });
    },
  ],
  [
    'no server could be resolved (UDP untested)',
    async () =>
      (await makeWorld({})).run({
        servers: [{ host: 'stun.example.invalid', port: 3478 }, { host: 'stun2.example.invalid', port: 3478 }],
        resolve: async (host) => {
          throw new Error(`getaddrinfo ENOTFOUND ${host}`);
        },
      }),
  ],
  [
    'the lab’s port-restricted profile (recorded)',
    async () => {
      const parsed = parseReport(JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/reports/lab-port-restricted.json'), 'utf8')));
      assert.ok(parsed.ok);
      return parsed.report;
    },
  ],
];

describe('say it once: the text and Markdown reports', () => {
  for (const [shape, make] of SHAPES) {
    it(`${shape}: a short verdict, no sentence twice, the hint once and last`, async () => {
      const report = await make();
      const verdict = verdictLine(report);
      assert.ok(verdict.length <= MAX_VERDICT, `${verdict.length} characters: ${verdict}`);
      assert.doesNotMatch(verdict, /\n/);
      for (const reason of [report.filtering.reason, report.natType.reason, report.mapping.reason, report.udpReason]) {
        if (reason.length >= MIN_SENTENCE) assert.ok(!verdict.includes(reason), `the verdict repeats a reason: ${reason}`);
      }
      const text = renderText(report);
      const markdown = renderMarkdown(report);
      assert.deepEqual(repeated(text), [], `text report:\n${text}`);
      assert.deepEqual(repeated(markdown), [], `Markdown report:\n${markdown}`);
      const hint = report.recommendations.some((r) => r.text === FILTERING_HINT);
      assert.equal(count(text, 'natprobe serve'), hint ? 1 : 0, text);
      assert.equal(count(markdown, 'natprobe serve'), hint ? 1 : 0, markdown);
      if (hint) {
        assert.equal(lastLine(text), FILTERING_HINT);
        assert.match(lastLine(markdown), /^To measure filtering, run `natprobe serve --primary IP1 --alternate IP2`/);
      }
    });
  }

  it('the check finds a reason repeated (as the NAT type repeated the filtering reason)', () => {
    const reason = 'filtering needs a server that answers CHANGE-REQUEST from a second address, and none did';
    const text = `Verdict: NAT type unknown: ${reason}.\n\nResults\n  Filtering:         unknown  ${reason}\n  NAT type:          unknown  which cone needs the filtering: ${reason}\n`;
    assert.deepEqual(repeated(text), [`3× ${reason}`]);
    assert.deepEqual(repeated(`| Filtering | unknown | ${reason} |\n| NAT type | unknown | ${reason} |`), [`2× ${reason}`]);
  });

  it('the hint is given exactly when filtering is unknown and no server passed the RFC 5780 checks', async () => {
    const without = await plainServers({ mapping: 'endpoint-independent' }, 3);
    assert.equal(without.filtering.value, 'unknown');
    assert.ok(without.recommendations.some((r) => r.text === FILTERING_HINT));
    const withServer = await (await makeWorld({})).run();
    assert.ok(withServer.servers.some((s) => s.rfc5780 === 'yes'));
    assert.ok(!withServer.recommendations.some((r) => r.text === FILTERING_HINT));
  });

  it('the filtering verdict names the server it came from, in the text and the Markdown', async () => {
    const report = await (await makeWorld({})).run();
    assert.equal(report.filtering.server, '198.51.100.1:3478');
    assert.match(renderText(report), /Filtering: {9}address-and-port-dependent .*\(measured with 198\.51\.100\.1:3478\)/);
    assert.match(renderMarkdown(report), /\| Filtering \| address-and-port-dependent \| .*\(measured with 198\.51\.100\.1:3478\) \|/);
  });
});

describe('say it once: the panel’s verdict', () => {
  for (const [shape, make] of SHAPES) {
    it(`${shape}: the verdict’s sentences repeat none of the reasons the panel shows below them`, async () => {
      const report = await make();
      const words = verdictWords(report);
      const said = [words.headline, ...words.sentences].join(' ');
      // The facts under the verdict show these reasons; the behaviour section shows the mapping's and filtering's.
      for (const reason of [report.filtering.reason, report.mapping.reason, report.natType.reason, report.udpReason, report.cgnat.reason]) {
        for (const piece of sentencesOf(reason)) assert.ok(!said.includes(piece), `the panel's verdict repeats "${piece}"`);
      }
      for (const s of words.sentences) assert.ok(s.length <= 240, `${s.length} characters: ${s}`);
    });
  }
});
