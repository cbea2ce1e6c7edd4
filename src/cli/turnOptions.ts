/**
 * --turn, --turn-user, --turn-pass and NATPROBE_TURN_PASS[_n]: the TURN servers of diagnose and
 * punch, read the same way by both. The password is only ever passed to the probe (which derives
 * the key from it); it is never printed.
 */
import type { TurnServerOption } from '../engine/discovery/discover';
import { parseTurnUrl } from '../engine/probes/turn';
import { MAX_TURN_SERVERS } from '../engine/probes/turnRank';
import { type Parsed, UsageError } from './args';
import type { CliIo } from './command';

export const TURN_FLAGS = [
  { name: 'turn-user', value: 'USER', repeatable: true, description: 'The TURN user name: once for every --turn, or once per --turn in the same order.' },
  { name: 'turn-pass', value: 'PASS', repeatable: true, description: 'The TURN password (once, or once per --turn); visible to other users in the process list, so NATPROBE_TURN_PASS is safer.' },
] as const;

export const TURN_ENVIRONMENT = [
  { name: 'NATPROBE_TURN_PASS', meaning: 'The password for --turn (for every --turn without its own).' },
  { name: 'NATPROBE_TURN_PASS_2', meaning: 'The password for the second --turn (and _3, _4… for the next ones).' },
] as const;

/**
 * --turn is repeatable: every server is allocated on, in parallel, and ranked by RTT. One
 * --turn-user (or --turn-pass) serves every server, or there is one per --turn, in order. The
 * n-th server's password may come from NATPROBE_TURN_PASS_n (n from 2), else NATPROBE_TURN_PASS.
 */
export function turnOptions(args: Parsed, io: CliIo): TurnServerOption[] | undefined {
  const urls = args.all('turn');
  const users = args.all('turn-user');
  const passes = args.all('turn-pass');
  if (urls.length === 0) {
    if (users.length || passes.length) throw new UsageError('--turn-user and --turn-pass go with --turn turn:HOST[:PORT]');
    return undefined;
  }
  if (urls.length > MAX_TURN_SERVERS) throw new UsageError(`--turn: at most ${MAX_TURN_SERVERS} TURN servers`);
  const perServer = (what: string, list: readonly string[]): ((i: number) => string | undefined) => {
    if (list.length > 1 && list.length !== urls.length) throw new UsageError(`--${what} given ${list.length} times for ${urls.length} --turn servers: give it once (for all) or once per --turn`);
    return (i) => (list.length > 1 ? list[i] : list[0]);
  };
  const user = perServer('turn-user', users);
  const pass = perServer('turn-pass', passes);
  if (passes.length) io.stderr.write('natprobe: note: --turn-pass is visible to other users in the process list; NATPROBE_TURN_PASS is safer\n');
  return urls.map((text, i) => {
    const url = parseTurnUrl(text);
    if (!url.ok) throw new UsageError(`--turn ${url.error}`);
    const username = user(i);
    if (!username) throw new UsageError(`--turn ${text} needs --turn-user USER`);
    const envName = i === 0 ? 'NATPROBE_TURN_PASS' : `NATPROBE_TURN_PASS_${i + 1}`;
    const password = pass(i) ?? process.env[envName] ?? process.env.NATPROBE_TURN_PASS;
    if (password === undefined) throw new UsageError(`--turn ${text} needs a password: set ${envName}${i > 0 ? ' (or NATPROBE_TURN_PASS for all)' : ''} (or --turn-pass)`);
    return { url: url.value, username, password };
  });
}
