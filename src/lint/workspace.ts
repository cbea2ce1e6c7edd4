import { applyRuleSettings, applySuppressionComments, unusedSuppressions, type Suppressions } from './suppression';
import type { ConfigSummary, Finding, RuleSetting } from './types';

export interface WorkspaceFile {
  readonly file: string;
  readonly summary: ConfigSummary;
  /** The file's lint result's suppressions: its comments hide cross-file findings too. */
  readonly suppressions?: Suppressions;
  /** This file's rule settings (a multi-root workspace may differ per folder); else options.rules. */
  readonly rules?: ReadonlyMap<string, RuleSetting>;
}

export interface WorkspaceFinding {
  readonly file: string;
  readonly finding: Finding;
}

/**
 * Checks one file cannot make: the same UDP port claimed by two configs (PORT02), and two
 * WireGuard configs that are each other's peer with no Endpoint on either side (WG17): then
 * neither side can start the handshake.
 */
export function lintWorkspace(files: readonly WorkspaceFile[], options: { readonly rules?: ReadonlyMap<string, RuleSetting> } = {}): WorkspaceFinding[] {
  return suppress(crossFileFindings(files), files, options.rules);
}

/**
 * Each file's suppression comments applied to its cross-file findings; the comments a
 * single-file lint could not judge (pending) are judged here: still unused → SUP01.
 */
function suppress(found: readonly WorkspaceFinding[], files: readonly WorkspaceFile[], rules: ReadonlyMap<string, RuleSetting> | undefined): WorkspaceFinding[] {
  const out: WorkspaceFinding[] = [];
  for (const f of files) {
    const mine = found.filter((w) => w.file === f.file).map((w) => w.finding);
    let findings = mine;
    const s = f.suppressions;
    if (s && s.comments.length > 0) {
      const used = new Set(s.used);
      findings = applySuppressionComments(mine, s.comments, used);
      // Only the pending pairs are still open: everything else was judged by the file's own lint.
      const judged = new Set(used);
      const pending = new Set(s.pending);
      s.comments.forEach((c, i) => (c.all ? ['*'] : c.ids).forEach((id) => pending.has(`${i}:${id}`) || judged.add(`${i}:${id}`)));
      findings = [...findings, ...unusedSuppressions(s.comments, judged, {}).findings];
    }
    for (const finding of applyRuleSettings(findings, f.rules ?? rules)) out.push({ file: f.file, finding });
  }
  return out;
}

function crossFileFindings(files: readonly WorkspaceFile[]): WorkspaceFinding[] {
  const out: WorkspaceFinding[] = [];

  const byPort = new Map<string, { file: string; range: ConfigSummary['listenPorts'][number]['range'] }[]>();
  for (const f of files) {
    for (const p of f.summary.listenPorts) {
      if (p.port === 0) continue; // 0 = a random port each time: never a clash
      const key = `${p.protocol}/${p.port}`;
      byPort.set(key, [...(byPort.get(key) ?? []), { file: f.file, range: p.range }]);
    }
  }
  for (const [key, claims] of byPort) {
    const distinctFiles = new Set(claims.map((c) => c.file));
    if (distinctFiles.size < 2) continue;
    for (const c of claims) {
      const others = claims.filter((o) => o.file !== c.file);
      out.push({
        file: c.file,
        finding: {
          ruleId: 'PORT02',
          severity: 'warning',
          message: `${key.toUpperCase()} is also claimed by ${others.map((o) => o.file).join(', ')}: only one of them can listen; give each its own port`,
          range: c.range,
          fixes: [],
          related: others.map((o) => ({ file: o.file, range: o.range, message: `also listens on ${key}` })),
        },
      });
    }
  }

  const wg = files.filter((f) => f.summary.format === 'wireguard' && f.summary.ownPublicKey);
  for (let i = 0; i < wg.length; i++) {
    for (let j = i + 1; j < wg.length; j++) {
      const a = wg[i];
      const b = wg[j];
      const aPeerB = a.summary.peers.find((p) => p.publicKey === b.summary.ownPublicKey);
      const bPeerA = b.summary.peers.find((p) => p.publicKey === a.summary.ownPublicKey);
      if (!aPeerB || !bPeerA || aPeerB.hasEndpoint || bPeerA.hasEndpoint) continue;
      for (const [self, peer, other, otherPeer] of [
        [a, aPeerB, b, bPeerA],
        [b, bPeerA, a, aPeerB],
      ] as const) {
        out.push({
          file: self.file,
          finding: {
            ruleId: 'WG17',
            severity: 'error',
            message: `neither this config nor ${other.file} (its peer) has an Endpoint for the other, so neither side can start the handshake: add Endpoint = host:port on the side that can reach the other`,
            range: peer.range,
            fixes: [],
            related: [{ file: other.file, range: otherPeer.range, message: 'the other side, also without Endpoint' }],
          },
        });
      }
    }
  }
  return out;
}
