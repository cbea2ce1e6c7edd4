/* eslint-disable @typescript-eslint/no-require-imports */
import type * as ApplyFixes from '../lint/applyFixes';
import type * as DetectFormat from '../lint/detectFormat';
import type * as Lint from '../lint/index';
import type * as RecommendationEdits from '../lint/recommendationEdits';
import type * as LintWorkspace from '../lint/workspace';

/**
 * The linter is most of the extension's code, and activation (which also happens for plain
 * `.conf` files that turn out to be neither format) does not need it. esbuild turns these
 * require() calls into modules evaluated on first use, so the bundle is parsed at activation but
 * the linter's tables and rules are only built when a config is first linted. Only `import
 * type` of these modules is allowed elsewhere in src/extension.
 */
function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

export const lint = once(() => require('../lint/index') as typeof Lint);
export const lintWorkspaceModule = once(() => require('../lint/workspace') as typeof LintWorkspace);
export const applyFixesModule = once(() => require('../lint/applyFixes') as typeof ApplyFixes);
export const recommendationEditsModule = once(() => require('../lint/recommendationEdits') as typeof RecommendationEdits);
export const detectFormatModule = once(() => require('../lint/detectFormat') as typeof DetectFormat);
