import type { Recommendation } from './report';

/**
 * The one line that says what would measure filtering when no RFC 5780 server answered. It
 * travels as a recommendation (so the JSON has it, with its evidence), and every view shows it
 * once, as the last line: the CLI text, the Markdown export and the panel.
 */
export const FILTERING_HINT_ID = 'filtering-needs-rfc5780-server';

export const FILTERING_HINT =
  'To measure filtering, run `natprobe serve --primary IP1 --alternate IP2` on a host with two public addresses, then `natprobe diagnose --server IP1`.';

/** The recommendations without the hint, and the hint (when the report has it) for the end. */
export function splitFilteringHint(recommendations: readonly Recommendation[]): { readonly rest: Recommendation[]; readonly hint: Recommendation | undefined } {
  return { rest: recommendations.filter((r) => r.id !== FILTERING_HINT_ID), hint: recommendations.find((r) => r.id === FILTERING_HINT_ID) };
}
