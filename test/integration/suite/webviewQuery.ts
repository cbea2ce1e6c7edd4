// Asks the runner about a webview's content (Runner 2 only: scripts/vscode/run-integration.mjs,
// answerWebviewQuery). The extension host cannot see into a webview; the runner can, through
// playwright. A query is one console line; the answer is a file the test polls.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WebviewQuery {
  /** document.title of the webview page; default "NAT Probe report". */
  readonly title?: string;
  /** Query the workbench page itself (status bar, tabs) instead of a webview. */
  readonly workbench?: boolean;
  /** CSS selector of an element to click first. */
  readonly click?: string;
  /** CSS selector of an element to scroll to the top (the page's top when it matches nothing). */
  readonly scrollTo?: string;
  /** name → CSS selector: the answer has the text of every matching element. */
  readonly selectors?: Readonly<Record<string, string>>;
  /** Saves a picture of the webview alone as .vscode-test/artifacts/<name>.png. */
  readonly screenshot?: string;
}

export interface WebviewAnswer {
  readonly id: string;
  readonly ok: boolean;
  readonly frames: number;
  readonly scrollY?: number;
  readonly results?: Record<string, string[]>;
  readonly error?: string;
}

/** True when the runner answers webview queries (Runner 2). */
export function canQueryWebviews(): boolean {
  return !!process.env.NATPROBE_WEBVIEW_DIR;
}

let counter = 0;

export async function queryWebview(query: WebviewQuery, timeoutMs = 10_000): Promise<WebviewAnswer> {
  const dir = process.env.NATPROBE_WEBVIEW_DIR;
  if (!dir) throw new Error('NATPROBE_WEBVIEW_DIR is not set: this runner cannot look into webviews');
  const id = `q${process.pid}-${Date.now()}-${++counter}`;
  console.log(`[natprobe-webview] ${JSON.stringify({ id, ...query })}`);
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
