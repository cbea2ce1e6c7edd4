import * as path from 'node:path';
import type * as LintBundle from '../lint/bundle';

/**
 * The linter is two thirds of the extension's code, and activation (which also happens for
 * plain `.conf` files that turn out to be neither format) does not need it. It ships as its
 * own bundle, dist/lint.js (entry src/lint/bundle.ts), required the first time a config is
 * linted, a fix or a recommendation is applied, or a `.conf` file's format is detected. Only
 * `import type` of src/lint is allowed elsewhere in src/extension, or the linter would be
 * bundled into extension.js again.
 */
let loaded: typeof LintBundle | undefined;

function linter(): typeof LintBundle {
  // A computed path, so esbuild leaves this require to run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require(path.join(__dirname, 'lint.js')) as typeof LintBundle;
  return loaded;
}

export const lint = linter;
export const lintWorkspaceModule = linter;
export const applyFixesModule = linter;
export const recommendationEditsModule = linter;
export const detectFormatModule = linter;
