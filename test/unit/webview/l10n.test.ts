import assert from 'node:assert/strict';
import { t } from '../../../src/webview/l10n';
import * as strings from '../../../src/webview/strings';

describe('the report panel\'s strings in the display language (vscode.l10n.bundle handed to the webview)', () => {
  afterEach(() => strings.localize(null));

  it('without a bundle every message is its English text, with {n} placeholders filled', () => {
    strings.localize(null);
    assert.equal(strings.S.apply('wg0.conf'), 'Apply to wg0.conf');
    assert.equal(strings.S.meta('today', strings.S.secondsText('2.5'), '0.1.0'), 'Measured today in 2.5 s by natprobe 0.1.0.');
    assert.equal(strings.S.meta('today', strings.S.msText('850'), '0.1.0'), 'Measured today in 850 ms by natprobe 0.1.0.');
    assert.equal(t('{0} of {1}, {2}', 1, 'two'), '1 of two, {2}', 'a missing argument leaves its placeholder');
  });

  it('with a bundle the constant strings, the tables and the formatted messages all switch', () => {
    strings.localize({
      'Copy': 'Kopieren',
      'Apply to {0}': 'Auf {0} anwenden',
      'Behind a port-restricted cone NAT': 'Hinter einem port-beschränkten Cone-NAT',
      'Could not tell': 'Nicht feststellbar',
    });
    assert.equal(strings.S.copy, 'Kopieren');
    assert.equal(strings.S.apply('wg0.conf'), 'Auf wg0.conf anwenden');
    assert.equal(strings.VERDICT['port-restricted-cone'].headline, 'Hinter einem port-beschränkten Cone-NAT');
    assert.equal(strings.TRISTATE_WORD.unknown, 'Nicht feststellbar');
    assert.equal(strings.S.runAgain, 'Run the diagnosis again', 'untranslated messages stay English');
  });

  it('a malformed bundle from the page is ignored entry by entry, never thrown', () => {
    strings.localize({ Copy: 42, 'Apply to {0}': null, 'Run the diagnosis again': 'Erneut' });
    assert.equal(strings.S.copy, 'Copy');
    assert.equal(strings.S.runAgain, 'Erneut');
    assert.doesNotThrow(() => strings.localize('not an object'));
    assert.doesNotThrow(() => strings.localize([1, 2]));
  });
});
