#!/usr/bin/env node
// Writes l10n/bundle.l10n.json: every message the extension shows through vscode.l10n.t (host),
// t() (webview, src/webview/strings.ts) or the t() shared modules take (SHARED below), English text as key and value, the file translators
// copy to bundle.l10n.<locale>.json. `--check` fails when the file is out of date (a unit test
// runs it). Messages must be string literals for this to find them, which is also what
// vscode.l10n expects.
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUT = path.join(ROOT, 'l10n', 'bundle.l10n.json');
/** Shared modules whose messages the extension passes through vscode.l10n.t (the compare text). */
const SHARED = ['src/engine/compare.ts', 'src/engine/relayChoice.ts', 'src/report/renderComparison.ts'];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The first argument of each call, when it is a plain string literal ('…' or "…"). */
function messages(source, callee) {
  const out = [];
  const re = new RegExp(`${callee}\\(\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|"((?:[^"\\\\]|\\\\.)*)")`, 'g');
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
  return out;
}

export function collect() {
  const all = new Set();
  for (const f of files(path.join(ROOT, 'src', 'extension'))) for (const m of messages(readFileSync(f, 'utf8'), 'vscode\\.l10n\\.t')) all.add(m);
  for (const f of files(path.join(ROOT, 'src', 'webview'))) for (const m of messages(readFileSync(f, 'utf8'), '(?<![\\w.])t')) all.add(m);
  // Texts made outside src/extension that the extension shows translated: these take a `t`
  // (vscode.l10n.t there, English in the CLI) and write their messages as t('…').
  for (const f of SHARED) for (const m of messages(readFileSync(path.join(ROOT, f), 'utf8'), '(?<![\\w.])t')) all.add(m);
  const sorted = [...all].sort();
  return `${JSON.stringify(Object.fromEntries(sorted.map((m) => [m, m])), null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const text = collect();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {
      // missing: out of date
    }
    if (current !== text) {
      console.error('l10n/bundle.l10n.json is out of date: run `npm run l10n`');
      process.exit(1);
    }
  } else {
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, text);
    console.log(`wrote ${path.relative(ROOT, OUT)} (${Object.keys(JSON.parse(text)).length} messages)`);
  }
}
