// The console-line protocol between the integration suite (inside the extension host) and the runner
// (scripts/vscode/run-integration.mjs). The extension host's console is the one channel both runners
// have into it (code-server: the workbench's codeAutomationLog; electron: Electron's stdout), so the
// suite says each thing as one line, a prefix and its argument:
//
//   [natprobe-test] {json}        a result event (TestEvent): start, pass, fail, pending, end with counts.
//                                 Also written to $NATPROBE_TEST_RESULTS; the runner reads both, deduplicated.
//   [natprobe-screenshot] name    the runner saves the whole workbench as .vscode-test/artifacts/<name>.png
//                                 (code-server runner only; the extension host is gone by the end of the run).
//   [natprobe-webview] {json}     a webview query (WebviewQuery, code-server runner only): the runner, through
//                                 playwright, finds the webview frame whose document has the query's title
//                                 (or, with "workbench": true, the workbench page itself, e.g. the status bar),
//                                 optionally clicks an element and scrolls one into view, returns the text
//                                 (innerText, spaces normalised) of every element each selector matches, and can
//                                 save a picture of the webview alone (artifacts/<screenshot>.png), and return
//                                 the rendered text colour and background layers of elements ("colours", for
//                                 contrast) and theme variables ("tokens"). The answer
//                                 (WebviewAnswer) is written to $NATPROBE_WEBVIEW_DIR/<id>.json, which the test polls.
//
// A line can reach the runner twice (two console paths): events are deduplicated, query ids answered once.
// CommonJS so that both the suite (TypeScript, bundled by esbuild) and the runner (plain Node ESM) load this file.
'use strict';

const RESULT_PREFIX = '[natprobe-test]';
const SCREENSHOT_PREFIX = '[natprobe-screenshot]';
const WEBVIEW_QUERY_PREFIX = '[natprobe-webview]';
const NAME = /^[\w-]{1,64}$/;

/** The JSON object after `prefix` on a console line (which may carry other text around it), or undefined. */
function jsonAfter(prefix, text) {
  const at = text.indexOf(prefix);
  if (at < 0) return undefined;
  const rest = text.slice(at + prefix.length);
  const open = rest.indexOf('{');
  const close = rest.lastIndexOf('}');
  if (open < 0 || close < open) return undefined;
  try {
    const value = JSON.parse(rest.slice(open, close + 1));
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

function resultLine(event) {
  return `${RESULT_PREFIX} ${JSON.stringify(event)}`;
}

function parseResultLine(text) {
  return jsonAfter(RESULT_PREFIX, text);
}

function screenshotLine(name) {
  if (!NAME.test(name)) throw new Error(`screenshot name must match ${NAME}: "${name}"`);
  return `${SCREENSHOT_PREFIX} ${name}`;
}

function parseScreenshotLine(text) {
  const at = text.indexOf(SCREENSHOT_PREFIX);
  if (at < 0) return undefined;
  return /^ ([\w-]{1,64})/.exec(text.slice(at + SCREENSHOT_PREFIX.length))?.[1];
}

function webviewQueryLine(query) {
  return `${WEBVIEW_QUERY_PREFIX} ${JSON.stringify(query)}`;
}

/** A query with a usable id (it names the answer file), or undefined. */
function parseWebviewQueryLine(text) {
  const q = jsonAfter(WEBVIEW_QUERY_PREFIX, text);
  return q && typeof q.id === 'string' && NAME.test(q.id) ? q : undefined;
}

module.exports = { resultLine, parseResultLine, screenshotLine, parseScreenshotLine, webviewQueryLine, parseWebviewQueryLine };
