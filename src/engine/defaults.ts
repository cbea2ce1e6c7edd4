/**
 * The servers a diagnosis talks to when the user names none. They are listed here, in the
 * extension's settings (natProbe.servers) and in the README, so nothing is contacted unseen.
 *
 * - Google's and Cloudflare's servers: fast and reliable, for the public address and the
 *   mapping (compared across their addresses); they do not offer RFC 5780.
 * - Three public servers known to announce RFC 5780 (the defaults of pion's stun-nat-behaviour,
 *   go-stun and stuntman): for the filtering tests. Nothing about them is taken on trust: on
 *   every run each must pass the OTHER-ADDRESS and RESPONSE-ORIGIN checks (behaviourTests.ts)
 *   before its answers count, and an address only its OTHER-ADDRESS names gets at most two
 *   datagrams per test until it answers like the server. One that is down, slow or fails the
 *   checks costs nothing: the verdict comes from whichever answers (Report.filtering.server).
 */
export const DEFAULT_SERVERS: readonly string[] = [
  'stun.l.google.com:19302',
  'stun1.l.google.com:19302',
  'stun.cloudflare.com:3478',
  'stun.voip.blackberry.com:3478',
  'stun.ekiga.net:3478',
  'stun.stunprotocol.org:3478',
];

export const DEFAULT_BUDGET_MS = 3000;

/** The budget's range, the same for `natprobe diagnose --budget` and the setting natProbe.timeBudget (formerly natProbe.budgetMs). */
export const MIN_BUDGET_MS = 200;
export const MAX_BUDGET_MS = 600_000;
