// Issue 9: the extension's log channel writes each line through safeText, so a server's text
// cannot forge or disguise a line in the NAT Probe log.
import assert from 'node:assert/strict';
import { withSafeLines } from '../../src/extension/safeLog';
import { HOSTILE, RAW_CONTROL } from './hostile';

describe('security: the extension log channel', () => {
  it('info/warn/error/appendLine lines arrive with every control made visible; other members are untouched', () => {
    const written: unknown[][] = [];
    const channel = {
      name: 'NAT Probe',
      info: (...a: unknown[]) => written.push(a),
      warn: (...a: unknown[]) => written.push(a),
      error: (...a: unknown[]) => written.push(a),
      appendLine: (...a: unknown[]) => written.push(a),
      show: () => 'shown',
    };
    const log = withSafeLines(channel);
    log.info(`server software: ${HOSTILE}`);
    log.warn(HOSTILE);
    log.appendLine(HOSTILE);
    const err = new Error('boom');
    log.error(err);
    assert.equal(written.length, 4);
    for (const [line] of written.slice(0, 3)) {
      assert.equal(typeof line, 'string');
      assert.doesNotMatch(line as string, RAW_CONTROL);
      assert.doesNotMatch(line as string, /\n/);
    }
    assert.equal(written[3][0], err, 'an Error is passed on as it is');
    assert.equal(log.name, 'NAT Probe');
    assert.equal(log.show(), 'shown');
  });
});
