import assert from 'node:assert/strict';
import * as path from 'node:path';
import { EXTENSION_ID, ourExtension } from './helpers';

describe('extension activation', () => {
  it(`${EXTENSION_ID} is installed from this repository (extensionDevelopmentPath)`, () => {
    const ext = ourExtension();
    assert.equal(ext.packageJSON.name, 'nat-probe');
    assert.equal(ext.packageJSON.publisher, 'natprobe');
    // dist/extension.js must exist: the runner builds it before starting VS Code.
    assert.equal(path.basename(ext.packageJSON.main), 'extension.js');
  });

  it('activates without throwing', async () => {
    const ext = ourExtension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
