import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The extension's manifest is code too: these are the promises it makes to VS Code and users.
const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

function placeholders(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    const m = /^%(.+)%$/.exec(value);
    if (m) out.push(m[1]);
  } else if (Array.isArray(value)) value.forEach((v) => placeholders(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => placeholders(v, out));
  return out;
}

describe('the extension manifest (package.json)', () => {
  it('every %placeholder% has its English text in package.nls.json, and no text there is unused', () => {
    const used = placeholders(pkg.contributes).concat(placeholders(pkg.capabilities));
    const missing = used.filter((k) => !(k in nls));
    assert.deepEqual(missing, []);
    const unused = Object.keys(nls).filter((k) => !used.includes(k));
    assert.deepEqual(unused, []);
  });

  it('every command is in the "NAT Probe" category with a localisable title', () => {
    for (const c of pkg.contributes.commands) {
      assert.equal(c.category, 'NAT Probe', c.command);
      assert.match(c.title, /^%command\./, c.command);
    }
    const ids = pkg.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of ['runDiagnosis', 'measureLifetime', 'testPorts', 'showLastReport', 'exportReport', 'compareReports', 'lintWorkspace']) assert.ok(ids.includes(`natProbe.${id}`), id);
  });

  it('every setting is described in Markdown, and the servers the probe contacts are listed visibly as the default', () => {
    const props = pkg.contributes.configuration.properties as Record<string, { markdownDescription?: string; default?: unknown }>;
    for (const [key, p] of Object.entries(props)) assert.ok(p.markdownDescription, `${key} has no markdownDescription`);
    // A title in words for each setting, translatable (package.nls.json). VS Code's settings editor
    // labels extension settings from the key, not from this title (the next test checks those
    // labels); the title is there for where it is shown and for when the editor honours it
    // (microsoft/vscode#191807).
    const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
    for (const [key, p] of Object.entries(props) as [string, { title?: string; markdownDescription?: string }][]) {
      const title = /^%(.+)%$/.exec(p.title ?? '')?.[1];
      assert.ok(title && nls[title] && !/ms$|^nat probe/i.test(nls[title]), `${key}: title ${p.title} → ${title && nls[title]}`);
      const description = /^%(.+)%$/.exec(p.markdownDescription ?? '')?.[1];
      assert.ok(description && nls[description], `${key}: markdownDescription ${p.markdownDescription} is not in package.nls.json`);
    }
    assert.ok(Array.isArray(props['natProbe.servers'].default) && (props['natProbe.servers'].default as string[]).length > 0);
    assert.ok(!('natProbe.turnPassword' in props) && !Object.keys(props).some((k) => /pass/i.test(k)), 'no password setting: TURN passwords live in SecretStorage');
  });

  it('the settings editor labels every setting in words: no "Budget Ms", no "Turn Servers"', () => {
    // VS Code's settings editor builds an extension setting's label from its key, ignoring "title":
    // the part after the last dot, camelCase split into words, the first letter upper-cased, and
    // a short list of known acronyms (CSS, HTML, JSON, JS, TS, ID…) upper-cased
    // (wordifyKey in src/vs/workbench/contrib/preferences/browser/settingsTreeModels.ts/settingsLayout.ts).
    const acronyms = new Set(['css', 'html', 'scss', 'less', 'json', 'js', 'ts', 'ie', 'id', 'php', 'scm']);
    const label = (key: string) =>
      key
        .slice(key.lastIndexOf('.') + 1)
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
        .replace(/^[a-z]/, (c) => c.toUpperCase())
        .replace(/\b\w+\b/g, (w) => (acronyms.has(w.toLowerCase()) ? w.toUpperCase() : w));
    const props = pkg.contributes.configuration.properties as Record<string, { markdownDeprecationMessage?: string }>;
    const labels: Record<string, string> = Object.fromEntries(Object.entries(props).filter(([, p]) => !p.markdownDeprecationMessage).map(([k]) => [k, label(k)]));
    assert.deepEqual(labels, {
      'natProbe.servers': 'Servers',
      'natProbe.timeBudget': 'Time Budget',
      'natProbe.askRouter': 'Ask Router',
      'natProbe.ports': 'Ports',
      'natProbe.portsServer': 'Ports Server',
      'natProbe.relayServers': 'Relay Servers',
      'natProbe.rendezvous': 'Rendezvous',
      'natProbe.lint.enabled': 'Enabled',
      'natProbe.lint.useProbeResults': 'Use Probe Results',
      'natProbe.lint.rules': 'Rules',
    });
    // A new setting must be added here with the label it gets: units and protocol names a label
    // cannot show right ("Ms", "Turn") go in the description, not the key.
    assert.equal(pkg.contributes.configuration.title, 'NAT Probe');
  });

  it('Restricted Mode: linting works (limited support) and no workspace setting can point the probe at a server', () => {
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    for (const key of ['natProbe.servers', 'natProbe.portsServer', 'natProbe.relayServers', 'natProbe.turnServers']) assert.ok(trust.restrictedConfigurations.includes(key), key);
    for (const key of trust.restrictedConfigurations) assert.ok(key in pkg.contributes.configuration.properties, `${key} is not a setting`);
  });

  it('extensionKind is chosen (workspace first: the probe runs where the configs are) and the README explains it', () => {
    assert.deepEqual(pkg.extensionKind, ['workspace', 'ui']);
    assert.match(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), /extensionKind/);
  });

  it('the walkthrough steps exist, each with its media file and a completion event', () => {
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.ok(walkthrough.steps.length >= 4);
    for (const step of walkthrough.steps) {
      assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), step.media.markdown);
      assert.ok(step.completionEvents.length > 0, step.id);
    }
  });

  it('the report panel is restored after a reload (onWebviewPanel activation) and the languages come with grammars', () => {
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:natProbe.report'));
    for (const g of pkg.contributes.grammars) assert.ok(fs.existsSync(path.join(ROOT, g.path)), g.path);
    for (const l of pkg.contributes.languages) assert.ok(fs.existsSync(path.join(ROOT, l.configuration)), l.configuration);
  });

  it('l10n/bundle.l10n.json lists every message of the host (vscode.l10n.t) and the webview (t), up to date', () => {
    assert.equal(pkg.l10n, './l10n');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'l10n.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const bundle = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
    for (const message of ['Diagnosing…', 'Behind a port-restricted cone NAT', 'Apply to {0}']) assert.ok(message in bundle, message);
    // Issue 15: the status bar, fix-all and the compare text are translatable too.
    for (const message of ['NAT: {0}', 'Open internet', 'Fix all NAT Probe problems ({0})', 'Traffic between them must be relayed', 'Carrier-grade NAT']) assert.ok(message in bundle, message);
  });
});

