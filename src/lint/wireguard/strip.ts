/**
 * What `wg-quick strip` prints: the config without the keys wg-quick handles itself, i.e. the
 * text wg-quick hands to `wg setconf`. Written after wg-quick/linux.bash parse_options:
 * lines end at LF only (`read -r`); each is cut at the first `#`; the key is the text before
 * the first `=`, trimmed; a key starting with `[` leaves [Interface] unless it is
 * `[Interface]` (any case: nocasematch); inside [Interface], Address, MTU, DNS, Table,
 * PreUp, PreDown, PostUp, PostDown and SaveConfig lines (any case) are dropped. Other lines
 * are kept as they are. Independent of the linter's parser on purpose (tests compare both).
 */

const WG_QUICK_KEYS = new Set(['address', 'mtu', 'dns', 'table', 'preup', 'predown', 'postup', 'postdown', 'saveconfig']);

function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  const sp = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
  while (a < b && sp(s.charCodeAt(a))) a++;
  while (b > a && sp(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

export function stripWgQuick(text: string): string {
  const kept: string[] = [];
  let inInterface = false;
  const lines = text.split('\n');
  // A final LF does not start another line for `read`.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const hash = line.indexOf('#');
    const stripped = hash < 0 ? line : line.slice(0, hash);
    const eq = stripped.indexOf('=');
    const key = trimSpace(eq < 0 ? stripped : stripped.slice(0, eq));
    if (key.startsWith('[')) inInterface = key.toLowerCase() === '[interface]';
    if (inInterface && WG_QUICK_KEYS.has(key.toLowerCase())) continue;
    kept.push(line);
  }
  return kept.length > 0 ? `${kept.join('\n')}\n` : '';
}
