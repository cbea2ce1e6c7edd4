// Asks the runner about a webview's content (code-server runner only: scripts/vscode/codeServerRunner.mjs,
// answerWebviewQuery). The extension host cannot see into a webview; the runner can, through
// playwright. A query is one console line (../consoleProtocol.cjs); the answer is a file the test polls.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type WebviewAnswer, type WebviewQuery, screenshotLine, webviewQueryLine } from '../consoleProtocol.cjs';

export type { WebviewAnswer, WebviewQuery };

/** Asks the runner for a picture of the whole workbench, .vscode-test/artifacts/<name>.png (code-server runner only). */
export function screenshotWorkbench(name: string): void {
  console.log(screenshotLine(name));
}

/** True when the runner answers webview queries (the code-server runner). */
export function canQueryWebviews(): boolean {
  return !!process.env.NATPROBE_WEBVIEW_DIR;
}

let counter = 0;

export async function queryWebview(query: WebviewQuery, timeoutMs = 10_000): Promise<WebviewAnswer> {
  const dir = process.env.NATPROBE_WEBVIEW_DIR;
  if (!dir) throw new Error('NATPROBE_WEBVIEW_DIR is not set: this runner cannot look into webviews');
  const id = `q${process.pid}-${Date.now()}-${++counter}`;
  console.log(webviewQueryLine({ id, ...query }));
  const file = path.join(dir, `${id}.json`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as WebviewAnswer;
      } catch {
        // written as we read it: try again
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the runner did not answer webview query ${JSON.stringify(query)} within ${timeoutMs} ms`);
}

/** Repeats a query until `check` accepts the answer (returns undefined when it does, else why not). */
export async function waitForWebview(query: WebviewQuery, check: (a: WebviewAnswer) => string | undefined, timeoutMs = 15_000): Promise<WebviewAnswer> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const answer = await queryWebview(query, Math.max(1000, deadline - Date.now()));
    const why = answer.ok ? check(answer) : answer.error ?? 'query failed';
    if (!why) return answer;
    last = `${why}\nanswer: ${JSON.stringify(answer).slice(0, 1500)}`;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for the webview: ${last}`);
}
