import type { Report } from './report';

/** The lines of `natprobe diagnose --stream`, in order: log and lifetime any time, quick at most once, report last. */
export type StreamEvent =
  | { readonly event: 'log'; readonly line: string }
  | { readonly event: 'lifetime'; readonly lowSeconds: number; readonly highSeconds: number | null; readonly elapsedMs: number }
  | { readonly event: 'quick'; readonly report: Report }
  | { readonly event: 'report'; readonly report: Report };
