/**
 * The linter as the extension loads it: its own bundle, dist/lint.js, required on first use
 * (src/extension/lazyModules.ts), so activation neither parses nor runs it.
 */
export { detectFormat, lintText, readRuleSettings } from './index';
export { lintWorkspace } from './workspace';
export { currentHostFacts } from './hostFacts';
export { applyPreferredFixes } from './applyFixes';
export { canApply, editsForRecommendation } from './recommendationEdits';
