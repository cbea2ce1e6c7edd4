import * as vscode from 'vscode';
import { type DirectVerdict, compareReports } from '../engine/compare';
import { parseReport } from '../report/parseReport';
import { type ComparisonWords, guessNotAReport, renderComparison } from '../report/renderComparison';
import type { Report } from '../report/report';
import type { LastReport } from './lastReport';
import { showError } from './notify';

interface Side {
  readonly label: string;
  readonly report: Report;
}

/** The comparison documents: virtual, so read-only and never asking to be saved on close. */
export const COMPARISON_SCHEME = 'natprobe-comparison';

/**
 * "NAT Probe: Compare two reports": this machine's last report (or a saved one) against a peer's
 * `natprobe diagnose --json` / exported JSON. Predicts whether the two ends can connect directly
 * or need a relay, and shows the reasoning in words in a read-only Markdown preview.
 */
export function registerCompareReports(context: vscode.ExtensionContext, last: LastReport): void {
  const documents = new Map<string, string>();
  let counter = 0;
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(COMPARISON_SCHEME, { provideTextDocumentContent: (uri) => documents.get(uri.path) ?? '' }),
    vscode.commands.registerCommand('natProbe.compareReports', async (a?: vscode.Uri, b?: vscode.Uri): Promise<DirectVerdict | undefined> => {
      let sides: Side[];
      try {
        sides = await pickSides(last, a, b);
      } catch (err) {
        void showError(err instanceof Error ? err.message : String(err));
        return undefined;
      }
      if (sides.length !== 2) return undefined;
      const verdict = compareReports(sides[0].report, sides[1].report, vscode.l10n.t);
      // One document per comparison (a name per pair, so two comparisons can stay open side by side).
      const name = `/${vscode.l10n.t('Comparison')} ${++counter}.md`;
      documents.set(name, renderComparison(sides, verdict, localDate, comparisonWords()));
      // A few kilobytes each; the oldest go once there are more than anyone keeps open.
      for (const old of [...documents.keys()].slice(0, Math.max(0, documents.size - 20))) documents.delete(old);
      const uri = vscode.Uri.from({ scheme: COMPARISON_SCHEME, path: name });
      await showPreview(uri);
      return verdict;
    }),
  );
}

/** The comparison's words in the display language (English: ENGLISH_COMPARISON). */
function comparisonWords(): ComparisonWords {
  const couldNotTell = vscode.l10n.t('could not tell');
  return {
    headline: {
      yes: vscode.l10n.t('They can connect directly'),
      no: vscode.l10n.t('Traffic between them must be relayed'),
      unknown: vscode.l10n.t('Whether they can connect directly could not be told'),
    },
    natType: {
      'open-internet': vscode.l10n.t('no NAT, nothing filters'),
      'full-cone': vscode.l10n.t('full-cone NAT'),
      'restricted-cone': vscode.l10n.t('restricted-cone NAT'),
      'port-restricted-cone': vscode.l10n.t('port-restricted cone NAT'),
      symmetric: vscode.l10n.t('symmetric NAT'),
      'symmetric-udp-firewall': vscode.l10n.t('no NAT, a firewall filters'),
      'udp-blocked': vscode.l10n.t('UDP blocked'),
      unknown: couldNotTell,
    },
    mapping: {
      'endpoint-independent': vscode.l10n.t('the same public port for every peer'),
      'address-dependent': vscode.l10n.t('a new public port per peer address'),
      'address-and-port-dependent': vscode.l10n.t('a new public port per peer address and port'),
      none: vscode.l10n.t('no NAT'),
      unknown: couldNotTell,
    },
    filtering: {
      'endpoint-independent': vscode.l10n.t('lets anyone answer'),
      'address-dependent': vscode.l10n.t('lets in addresses it has sent to'),
      'address-and-port-dependent': vscode.l10n.t('lets in only the exact address and port it has sent to'),
      none: vscode.l10n.t('nothing filters'),
      unknown: couldNotTell,
    },
    yesNo: { yes: vscode.l10n.t('yes'), no: vscode.l10n.t('no'), unknown: couldNotTell },
    rows: {
      nat: vscode.l10n.t('NAT'),
      publicPort: vscode.l10n.t('Public port'),
      inboundFilter: vscode.l10n.t('Inbound filter'),
      publicAddress: vscode.l10n.t('Public address'),
      cgnat: vscode.l10n.t('Behind carrier-grade NAT'),
      hairpinning: vscode.l10n.t('Hairpinning'),
      measured: vscode.l10n.t('Measured'),
    },
    noneSeen: vscode.l10n.t('none seen'),
    notMeasured: vscode.l10n.t('not measured'),
    notApplicable: vscode.l10n.t('not applicable'),
    couldNotTell,
    basis: vscode.l10n.t('Predicted from both ends’ mapping and filtering, the way UDP hole punching works (RFC 4787 §4–5, RFC 5128 §3.3).'),
    bestRelay: vscode.l10n.t('Best relay for this pair'),
  };
}

/** "2 Dec 2026, 16:49" in the user's locale and time zone. */
function localDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The built-in Markdown preview; where it is missing (a trimmed VS Code), the read-only text. */
async function showPreview(uri: vscode.Uri): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes('markdown.showPreview')) {
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
      return;
    } catch {
      // fall back to the text below
    }
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(doc, { preview: true });
}

async function pickSides(last: LastReport, a?: vscode.Uri, b?: vscode.Uri): Promise<Side[]> {
  if (a && b) return [await readSide(a), await readSide(b)];
  const mine = last.get();
  const picked = await vscode.window.showOpenDialog({
    title: mine ? vscode.l10n.t("The peer's report (one file: compared with your last report; two files: with each other)") : vscode.l10n.t('Two NAT reports to compare'),
    canSelectMany: true,
    filters: { JSON: ['json'] },
    openLabel: vscode.l10n.t('Compare'),
  });
  if (!picked?.length) return [];
  if (picked.length > 2) throw new Error(vscode.l10n.t('Pick one or two reports, not {0}.', picked.length));
  if (picked.length === 2) return [await readSide(picked[0]), await readSide(picked[1])];
  if (!mine) throw new Error(vscode.l10n.t('One report picked and no last report of this machine: pick two, or run a diagnosis first.'));
  return [{ label: vscode.l10n.t('this machine (last report)'), report: mine }, await readSide(picked[0])];
}

/** A report is a few kilobytes: anything larger (or a device, a FIFO) is refused before it is read. */
const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/** Reads and checks one report file; throws the clear wrong-file sentence (also used by punch). */
export async function readSide(uri: vscode.Uri): Promise<Side> {
  const name = uri.path.split('/').pop() ?? uri.toString();
  const stat = await vscode.workspace.fs.stat(uri).then(
    (s) => s,
    () => undefined,
  );
  if (stat && (stat.type & vscode.FileType.File) === 0) throw new Error(vscode.l10n.t('{0} is not a regular file.', name));
  if (stat && stat.size > MAX_REPORT_BYTES) throw new Error(vscode.l10n.t('{0} is larger than any NAT Probe report ({1} MB).', name, Math.round(stat.size / 1048576)));
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (err) {
    throw new Error(vscode.l10n.t('{0} could not be read: {1}', name, err instanceof Error ? err.message : String(err)));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(notAReport(name, text, vscode.l10n.t('it is not JSON.')));
  }
  const parsed = parseReport(value);
  if (!parsed.ok) throw new Error(notAReport(name, text, vscode.l10n.t('its content is not a report ({0}).', parsed.error)));
  return { label: name, report: parsed.report };
}

/** "wg0.conf is not a NAT Probe report: it is not JSON. It looks like a WireGuard config. Pick …" */
function notAReport(name: string, text: string, why: string): string {
  const kind = guessNotAReport(text);
  const what =
    kind === 'wireguard'
      ? vscode.l10n.t('It looks like a WireGuard config.')
      : kind === 'openvpn'
        ? vscode.l10n.t('It looks like an OpenVPN config.')
        : kind === 'markdown-export'
          ? vscode.l10n.t('It is a Markdown export; Compare reads the JSON export.')
          : '';
  return vscode.l10n.t(
    '{0} is not a NAT Probe report: {1} {2} Pick a report saved with “NAT Probe: Export report” as JSON, or one made by “natprobe diagnose --json”.',
    name,
    why,
    what,
  ).replace(/ {2,}/g, ' ');
}
