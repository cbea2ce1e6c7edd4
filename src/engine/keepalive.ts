/**
 * The one keepalive rule for a UDP mapping that a NAT (or stateful firewall) forgets after T
 * idle seconds. The diagnosis's advice (recommend.ts, the panel's "Apply to config") and the
 * linter's quick fixes (WG14, WG15, OV11) all call this, so the same T always gives the same
 * number. Explained in docs/probes/lifetime.md, "Keepalive advice".
 *
 * Pure and dependency-free: the linter imports it too.
 */

/** WireGuard's own advice when nothing is measured (wg(8): "a sensible interval … 25"). */
export const WIREGUARD_KEEPALIVE_SECONDS = 25;
/** OpenVPN's customary ping interval (`keepalive 10 60`, `keepalive 10 120` in its samples). */
export const OPENVPN_PING_SECONDS = 10;
/**
 * How far below T a keepalive must go. The measured T is the midpoint of a bracket up to
 * max(2 s, 10 %) wide (so up to ~1.5 s too high at T = 30), keepalive timers fire up to about a
 * second late (OpenVPN checks its ping timer once a second), and some NATs sweep expired
 * entries on a coarse timer: each of these is seconds, not a fraction of T, so the margin is a
 * fixed number of seconds. At T = 30 (Linux conntrack's default) it gives WireGuard's 25.
 */
export const KEEPALIVE_MARGIN_SECONDS = 5;

/**
 * The keepalive interval (s) for a measured idle mapping lifetime: T − 5 s, never more than
 * `ceiling` (the tool's usual value, which also applies when nothing was measured), never less
 * than 1 s. `lifetime` null/undefined/non-positive/non-finite = not measured.
 */
export function keepaliveFor(lifetime: number | null | undefined, ceiling: number): number {
  if (typeof lifetime !== 'number' || !Number.isFinite(lifetime) || lifetime <= 0) return ceiling;
  return Math.max(1, Math.min(ceiling, Math.floor(lifetime) - KEEPALIVE_MARGIN_SECONDS));
}

/** WireGuard's PersistentKeepalive for a measured lifetime (25 s when not measured). */
export function wireguardKeepalive(lifetime: number | null | undefined): number {
  return keepaliveFor(lifetime, WIREGUARD_KEEPALIVE_SECONDS);
}

/**
 * OpenVPN's `keepalive INTERVAL TIMEOUT` for a measured lifetime: the interval as above (10 s
 * when not measured); the timeout 60 s, or 6 intervals when that is longer, so a few lost pings
 * never restart the tunnel (OpenVPN requires timeout ≥ 2 × interval).
 */
export function openvpnKeepalive(lifetime: number | null | undefined): { readonly interval: number; readonly timeout: number } {
  const interval = keepaliveFor(lifetime, OPENVPN_PING_SECONDS);
  return { interval, timeout: Math.max(60, interval * 6) };
}
