// Bundles the three entry points with esbuild. esbuild does not type-check: `npm run typecheck` does.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * `import * as vscode from 'vscode'` compiles, in each of the ~25 modules that write it, to
 * `__toESM(require("vscode"))`: a fresh copy of the whole API object (hundreds of getters) per
 * module, ~10 ms of activation. The API needs no ES-module wrapping, so each such import becomes
 * a plain `require` of the one cached object (tsc still sees and checks the import).
 */
const sharedVscodeApi = {
  name: 'shared-vscode-api',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]extension[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source.replace(
        /^import \* as vscode from 'vscode';$/m,
        "import type * as VscodeApi from 'vscode'; const vscode: typeof VscodeApi = require('vscode');",
      );
      return { contents, loader: 'ts' };
    });
  },
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [sharedVscodeApi],
    // Let activate() report its cost including the bundle's own loading (the bench reads it);
    // the time VS Code itself spends between loading and calling activate() is not ours.
    banner: { js: '"use strict"; var __natprobeLoadStart = globalThis.__natprobeLoadStart = performance.now(), __natprobeLoadEnd;' },
    footer: { js: "__natprobeLoadEnd = globalThis.__natprobeLoadEnd = performance.now();" },
  },
  {
    // The linter, loaded by the extension the first time it lints (src/extension/lazyModules.ts).
    entryPoints: ['src/lint/bundle.ts'],
    outfile: 'dist/lint.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The key/option reference, loaded by the extension at the first hover or completion.
    entryPoints: ['src/lint/docs/index.ts'],
    outfile: 'dist/docs.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // The panel's stylesheet travels inside webview.js as text (adopted as a constructable
    // stylesheet), so the webview needs one file from dist/ and the CSP no inline <style>.
    loader: { '.css': 'text' },
  },
];

const common = {
  define: { NATPROBE_VERSION: JSON.stringify(pkg.version) },
  bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

if (watch) {
  for (const t of targets) {
    const ctx = await esbuild.context({ ...common, ...t });
    await ctx.watch();
  }
  console.log('watching src/ for changes…');
} else {
  const started = performance.now();
  await Promise.all(targets.map((t) => esbuild.build({ ...common, ...t })));
  console.log(`built dist/extension.js, dist/lint.js, dist/docs.js, dist/cli.js, dist/webview.js in ${Math.round(performance.now() - started)} ms`);
}
