/**
 * The servers a diagnosis talks to when the user names none. They are listed here, in the
 * extension's settings (natProbe.servers) and in the README, so nothing is contacted unseen.
 * None of them offers RFC 5780, so filtering stays "unknown" until the user adds their own
 * `natprobe serve`.
 */
export const DEFAULT_SERVERS: readonly string[] = ['stun.l.google.com:19302', 'stun1.l.google.com:19302', 'stun.cloudflare.com:3478'];

export const DEFAULT_BUDGET_MS = 3000;

/** The budget's range, the same for `natprobe diagnose --budget` and the setting natProbe.budgetMs. */
export const MIN_BUDGET_MS = 200;
export const MAX_BUDGET_MS = 600_000;
