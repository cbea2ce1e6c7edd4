// Types of consoleProtocol.cjs (the protocol is described there).

export interface TestEvent {
  readonly event: 'start' | 'pass' | 'fail' | 'pending' | 'end';
  readonly title?: string;
  readonly durationMs?: number;
  readonly error?: string;
  readonly passed?: number;
  readonly failed?: number;
  readonly skipped?: number;
  readonly total?: number;
}

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

export function resultLine(event: TestEvent): string;
export function parseResultLine(text: string): TestEvent | undefined;
export function screenshotLine(name: string): string;
export function parseScreenshotLine(text: string): string | undefined;
export function webviewQueryLine(query: WebviewQuery & { readonly id: string }): string;
export function parseWebviewQueryLine(text: string): (WebviewQuery & { readonly id: string }) | undefined;
