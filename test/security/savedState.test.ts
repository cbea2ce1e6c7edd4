// Issue 9: a report with the right outline but wrong types inside (evidence: [null]) passed
// parseReport and then threw in the panel's render code: a blank panel, blank again after every
// reload because the same state was restored. Now parseReport checks every field at every depth,
// a bad saved state is dropped with a message the panel shows, and whatever parseReport accepts
// every renderer can draw.
import assert from 'node:assert/strict';
import { parseReport } from '../../src/report/parseReport';
import { renderMarkdown } from '../../src/report/renderMarkdown';
import { renderText } from '../../src/report/renderText';
import type { Report } from '../../src/report/report';
import { allText, installFakeDom, stubWebComponents } from './fakeDom';
import { HOSTILE, RAW_CONTROL, everywhere, reportFromHostileServer } from './hostile';

/**
 * The panel's render and state modules, loaded with require once the fake DOM is in place. Typed
 * here by hand: the root tsconfig has no DOM types, which the webview's own signatures use.
 */
interface Render {
  renderPage(app: object, input: object): void;
  renderDropped(app: object, why: string): void;
}
interface State {
  restoreFrom(saved: unknown): { state: { report?: Report; partial?: boolean; open: string[]; scrollY: number }; dropped?: string };
}

/** Every path (list of keys) to a value inside `v`, containers included. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = at.length ? [at] : [];
  if (Array.isArray(v)) v.forEach((e, i) => out.push(...paths(e, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, e] of Object.entries(v)) out.push(...paths(e, [...at, k]));
  return out;
}

function withValue(report: Report, path: (string | number)[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(report)) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path[path.length - 1]] = value;
  return copy;
}


// ESC ] 0 ; title BEL, CSI 2 J, a right-to-left override.
const HOSTILE_ROW = '\u001b]0;x\u0007\u001b[2J\u202e';
describe('security: deep report validation and the saved panel state', () => {
  let dom: ReturnType<typeof installFakeDom>;
  let render: Render;
  let state: State;
  let full: Report;
  before(async () => {
    stubWebComponents();
    dom = installFakeDom();
    /* eslint-disable @typescript-eslint/no-require-imports */
    render = require('../../src/webview/render') as Render;
    state = require('../../src/webview/state') as State;
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Every optional part present, every text field hostile: the widest report there is.
    full = everywhere(await reportFromHostileServer());
  });
  after(() => dom.remove());

  const drawPage = (report: Report): void =>
    render.renderPage(dom.app, {
      report,
      partial: false,
      config: null,
      results: new Map(),
      // A reach row quotes a config's file and host names: hostile text there too.
      reach: [{ fileName: `wg0${HOSTILE_ROW}.conf`, label: `peer${HOSTILE_ROW}`, endpoint: `vpn${HOSTILE_ROW}.example:51820/udp`, outcome: 'no-answer', summary: `silence${HOSTILE_ROW}`, nextStep: `check${HOSTILE_ROW}` }],
      ctx: { isOpen: () => true, setOpen: () => undefined },
      actions: { copy: () => undefined, apply: () => undefined, run: () => undefined },
    });

  it('evidence: [null] is refused, with the path of the bad value', () => {
    const r = parseReport(withValue(full, ['filtering', 'evidence'], [null]));
    assert.deepEqual(r, { ok: false, error: 'report.filtering.evidence[0]: expected an object, got null' });
    const t = parseReport(withValue(full, ['filtering', 'evidence', 0, 'test'], 7));
    assert.deepEqual(t, { ok: false, error: 'report.filtering.evidence[0].test: expected a string, got a number' });
  });

  it('the widest report parses and draws (text, Markdown, the whole panel) with no raw control character', () => {
    assert.equal(parseReport(full).ok, true, JSON.stringify(parseReport(full)));
    drawPage(full);
    const shown = allText(dom.app).join(' ');
    assert.ok(shown.includes('\\x1b]0;pwned'), 'the hostile SOFTWARE is on the page, escaped');
    assert.doesNotMatch(shown, RAW_CONTROL);
    assert.ok(!shown.includes(HOSTILE));
  });

  it('any field replaced by a wrong type: either parseReport refuses it, or every renderer draws it', () => {
    let refused = 0;
    let accepted = 0;
    for (const path of paths(full)) {
      for (const bad of [null, 42, 'x', [], {}, true, [null]]) {
        const value = withValue(full, path, bad);
        const parsed = parseReport(value);
        if (!parsed.ok) {
          refused++;
          assert.match(parsed.error, /^report\.|^schemaVersion/, parsed.error);
          continue;
        }
        accepted++;
        const where = `${path.join('.')} = ${JSON.stringify(bad)}`;
        assert.doesNotThrow(() => renderText(parsed.report), where);
        assert.doesNotThrow(() => renderMarkdown(parsed.report), where);
        assert.doesNotThrow(() => drawPage(parsed.report), where);
      }
    }
    assert.ok(refused > 500 && accepted > 10, `${refused} refused, ${accepted} accepted`);
  });

  it('a saved state with a bad report is dropped with its reason; the panel says so and offers to run again', () => {
    const saved = { report: withValue(full, ['filtering', 'evidence'], [null]), partial: false, open: ['a', 3], scrollY: 120 };
    const restored = state.restoreFrom(saved);
    assert.equal(restored.state.report, undefined);
    assert.equal(restored.dropped, 'report.filtering.evidence[0]: expected an object, got null');
    assert.deepEqual(restored.state.open, ['a']);
    render.renderDropped(dom.app, restored.dropped!);
    const shown = allText(dom.app).join(' ');
    assert.match(shown, /The saved report could not be read \(report\.filtering\.evidence\[0\]: expected an object, got null\)\. Run a diagnosis again\./);
    assert.match(shown, /Run the diagnosis again/);
  });

  it('a good saved state comes back whole; no state or an empty one is not an error', () => {
    const good = state.restoreFrom({ report: full, partial: true, open: [], scrollY: 0 });
    assert.equal(good.dropped, undefined);
    assert.equal(good.state.report, full);
    assert.equal(good.state.partial, true);
    assert.deepEqual(state.restoreFrom(undefined), { state: { open: [], scrollY: 0 } });
    assert.deepEqual(state.restoreFrom({ open: [], scrollY: 0 }), { state: { open: [], scrollY: 0 } });
  });
});
