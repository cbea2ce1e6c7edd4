import type { Report } from './report';

/** Messages between the extension host and the report webview, declared once for both sides. */
export type HostToWebview = { readonly type: 'report'; readonly report: Report };

export type WebviewToHost = { readonly type: 'ready' };

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'ready';
}
