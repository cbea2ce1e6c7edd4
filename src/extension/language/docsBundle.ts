import * as path from 'node:path';
import type * as Docs from '../../lint/docs';

let loaded: typeof Docs | undefined;

/**
 * The key/option reference (src/lint/docs: ~100 KB, mostly text) ships as its own bundle,
 * dist/docs.js, loaded at the first hover or completion: activation does not parse it.
 */
export function docs(): typeof Docs {
  // A computed path, so esbuild leaves this require to run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require(path.join(__dirname, 'docs.js')) as typeof Docs;
  return loaded;
}
