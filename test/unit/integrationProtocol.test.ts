// The console-line protocol between the integration suite and its runner: what one side writes the
// other reads back, in the middle of whatever else the console puts on the line.
import assert from 'node:assert/strict';
import {
  parseResultLine,
  parseScreenshotLine,
  parseWebviewQueryLine,
  resultLine,
  screenshotLine,
  webviewQueryLine,
} from '../integration/consoleProtocol.cjs';

describe('integration console-line protocol', () => {
  it('a result event survives a round trip, also with console decoration around it', () => {
    const e = { event: 'fail', title: 'a { tricky } title', durationMs: 12, error: 'AssertionError: x\n  at y' } as const;
    assert.deepEqual(parseResultLine(resultLine(e)), e);
    assert.deepEqual(parseResultLine(`[log] 12:00 ${resultLine(e)} (extension host)`), e);
  });

  it('lines of the other kinds, or broken JSON, are not result events', () => {
    assert.equal(parseResultLine(screenshotLine('shot')), undefined);
    assert.equal(parseResultLine(webviewQueryLine({ id: 'q1' })), undefined);
    assert.equal(parseResultLine('[natprobe-test] {"event": '), undefined);
    assert.equal(parseResultLine('[natprobe-test] null'), undefined);
  });

  it('a screenshot name round-trips; a name that is not a file name is refused on both sides', () => {
    assert.equal(parseScreenshotLine(screenshotLine('report-dark-wide')), 'report-dark-wide');
    assert.throws(() => screenshotLine('../etc/passwd'), /screenshot name/);
    assert.equal(parseScreenshotLine('[natprobe-screenshot] ../x'), undefined);
  });

  it('a webview query round-trips; one whose id could not name the answer file is dropped', () => {
    const q = { id: 'q1-2-3', title: 'NAT Probe report', selectors: { verdict: '.verdict h1' }, scrollTo: '#servers' };
    assert.deepEqual(parseWebviewQueryLine(webviewQueryLine(q)), q);
    assert.equal(parseWebviewQueryLine(webviewQueryLine({ id: '../../x' })), undefined);
    assert.equal(parseWebviewQueryLine('[natprobe-webview] {"title":"no id"}'), undefined);
  });
});
