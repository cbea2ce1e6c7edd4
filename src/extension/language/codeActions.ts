import * as vscode from 'vscode';
import type { Finding, Fix } from '../../lint/index';
import { applyFixesModule } from '../lazyModules';
import { CONFIG_SELECTOR } from './languageIds';
import { isLintEnabled, lintDocument, toVsRange } from './lintDocument';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('natprobe');

function sameFinding(d: vscode.Diagnostic, f: Finding): boolean {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return d.source === 'natprobe' && code === f.ruleId && d.range.isEqual(toVsRange(f.range));
}

function toEdit(uri: vscode.Uri, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(uri, toVsRange(e.range), e.newText);
  return edit;
}

/** Quick fixes from the linter's fixes (the document is linted again: fixes are not kept on diagnostics), and fix-all. */
class ConfigCodeActions implements vscode.CodeActionProvider {
  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!isLintEnabled(document)) return [];
    const findings = lintDocument(document);
    if (!findings) return [];
    const actions: vscode.CodeAction[] = [];
    const wantQuickFix = !context.only || context.only.intersects(vscode.CodeActionKind.QuickFix);
    const wantFixAll = !context.only || context.only.intersects(FIX_ALL_KIND);

    if (wantQuickFix) {
      for (const finding of findings) {
        const findingRange = toVsRange(finding.range);
        if (!findingRange.intersection(range) && !context.diagnostics.some((d) => sameFinding(d, finding))) continue;
        const diagnostic = context.diagnostics.find((d) => sameFinding(d, finding));
        for (const fix of finding.fixes) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.edit = toEdit(document.uri, fix);
          action.isPreferred = fix.isPreferred === true;
          if (diagnostic) action.diagnostics = [diagnostic];
          actions.push(action);
        }
      }
    }

    if (wantFixAll && findings.some((f) => f.fixes.some((x) => x.isPreferred))) {
      const text = document.getText();
      const fixed = applyFixesModule().applyPreferredFixes(text, findings);
      if (fixed.applied > 0 && fixed.text !== text) {
        const action = new vscode.CodeAction(vscode.l10n.t('Fix all NAT Probe problems ({0})', fixed.applied), FIX_ALL_KIND);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(text.length)), fixed.text);
        action.edit = edit;
        actions.push(action);
      }
    }
    return actions;
  }
}

export function registerCodeActions(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(CONFIG_SELECTOR, new ConfigCodeActions(), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
    }),
  );
}
