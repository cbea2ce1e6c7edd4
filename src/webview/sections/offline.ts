/**
 * This machine's results as a whole (src/report/networkResults.ts, src/report/offline.ts): the
 * "You appear to be offline" card that replaces the page when a run found no network, and the
 * note saying which parts of a report come from earlier runs on the same network.
 */
import type { PictureInfo, WebviewCommand } from '../../report/messages';
import { offlineEvidence } from '../../report/offline';
import type { Report } from '../../report/report';
import { safeText } from '../../report/safeText';
import { h } from '../dom';
import { t } from '../l10n';
import { button, section } from '../widgets';

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * Draws the offline card when the report is an offline run, and says so (true). Only what can
 * work offline is offered: Retry, the settings, the log, and the last good report when one is
 * kept; no port or lifetime buttons, no drawn path to an internet that was not reached.
 */
export function renderOffline(app: HTMLElement, report: Report, picture: PictureInfo | undefined, run: (command: WebviewCommand) => void): boolean {
  const verdict = offlineEvidence(report);
  if (!verdict.offline) return false;
  const retry = button(t('Retry'), () => run('natProbe.runDiagnosis'));
  retry.dataset.focusKey = 'cmd:run';
  const buttons = [
    retry,
    button(t('Open settings'), () => run('_natProbe.openSettings'), { secondary: true }),
    button(t('Show log'), () => run('_natProbe.showLog'), { secondary: true }),
  ];
  if (picture?.lastGoodAt) buttons.push(button(t('Show last good report ({0})', when(picture.lastGoodAt)), () => run('natProbe.showLastReport'), { secondary: true }));
  app.replaceChildren(
    h('h1', undefined, t('NAT Probe report')),
    section(
      'offline',
      t('You appear to be offline'),
      h('p', { role: 'alert' }, t('Nothing could be measured: {0}.', safeText(verdict.reason, 400))),
      h('p', { class: 'muted small' }, t('Tried {0}. Connect to a network and retry; the results of your networks are kept.', when(report.startedAt))),
      h('div', { class: 'actions' }, ...buttons),
    ),
  );
  app.setAttribute('aria-busy', 'false');
  return true;
}

/** "The mapping lifetime is from …; the port results from …": parts kept from earlier runs on this network. */
export function partsNote(picture: PictureInfo | undefined): HTMLElement | null {
  const lines = [
    picture?.lifetimeAt ? t('The mapping lifetime was measured {0}, by an earlier run on this network.', when(picture.lifetimeAt)) : null,
    picture?.portsAt ? t('The VPN port results are from {0} on, earlier runs on this network.', when(picture.portsAt)) : null,
  ].filter((l): l is string => l !== null);
  return lines.length ? h('p', { class: 'muted small', id: 'parts-note' }, lines.join(' ')) : null;
}

/**
 * One line when the report shown is of another network than the one this machine is on now (a
 * restored panel, a report from elsewhere): the status bar and the lint follow the current one.
 */
export function otherNetworkNote(picture: PictureInfo | undefined, run: (command: WebviewCommand) => void): HTMLElement | null {
  if (!picture?.currentNetworkAt) return null;
  return h(
    'p',
    { class: 'network-note', role: 'note', id: 'other-network' },
    t('This report is from another network than the one this machine is on now (measured {0}), which the status bar and the lint follow.', when(picture.currentNetworkAt)),
    ' ',
    button(t('Show this network’s report'), () => run('natProbe.showLastReport'), { secondary: true }),
  );
}
