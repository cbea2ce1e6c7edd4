/** The webview's one channel to the extension host: typed messages out, persisted state. */
import type { WebviewToHost } from '../report/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called once per page; outside VS Code (a plain browser) there is none. */
const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

export function post(message: WebviewToHost): void {
  api?.postMessage(message);
}

export function loadState(): unknown {
  try {
    return api?.getState();
  } catch {
    return undefined;
  }
}

export function saveState(state: unknown): void {
  api?.setState(state);
}
