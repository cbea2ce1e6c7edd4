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
  /**
   * name → CSS selector ("host >>> inner" looks inside host's shadow root): the answer has, for
   * every visible matching element, its text colour and the background layers behind it (the
   * element's own first, up to the first opaque one), to compute the contrast from.
   */
  readonly colours?: Readonly<Record<string, string>>;
  /** name → CSS custom property: the answer has its value on the page's root (a theme token). */
  readonly tokens?: Readonly<Record<string, string>>;
  /** The page's width, to tell a narrow layout from a wide one. */
  readonly width?: boolean;
}

/** One element's colours as the page rendered them (getComputedStyle). */
export interface RenderedColours {
  readonly text: string;
  /** getComputedStyle(e).color; for an SVG shape (the chevron), its fill when it has one. */
  readonly color: string;
  /** Background colours from the element outwards, ending at the first opaque one (or the root's). */
  readonly backgrounds: readonly string[];
}

export interface WebviewAnswer {
  readonly id: string;
  readonly ok: boolean;
  readonly frames: number;
  readonly scrollY?: number;
  readonly results?: Record<string, string[]>;
  readonly colours?: Record<string, RenderedColours[]>;
  readonly tokens?: Record<string, string>;
  /** document.body.className: the theme kind (vscode-light, vscode-high-contrast-light, …). */
  readonly bodyClass?: string;
  readonly width?: number;
  readonly error?: string;
}

export function resultLine(event: TestEvent): string;
export function parseResultLine(text: string): TestEvent | undefined;
export function screenshotLine(name: string): string;
export function parseScreenshotLine(text: string): string | undefined;
export function webviewQueryLine(query: WebviewQuery & { readonly id: string }): string;
export function parseWebviewQueryLine(text: string): (WebviewQuery & { readonly id: string }) | undefined;
