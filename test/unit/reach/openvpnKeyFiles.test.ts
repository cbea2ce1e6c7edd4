import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyFileReader } from '../../../src/engine/reach/openvpn/keyFiles';

describe('OpenVPN reach: key files read from disk', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-keyfiles-'));
    fs.mkdirSync(path.join(dir, 'keys'));
    fs.writeFileSync(path.join(dir, 'keys', 'ta.key'), 'key text\n');
    fs.writeFileSync(path.join(dir, 'big.key'), 'x'.repeat(20_000));
    fs.symlinkSync(path.join(dir, 'keys', 'ta.key'), path.join(dir, 'link.key'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.key')]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = (name: string): Promise<string> => keyFileReader(path.join(dir, 'client.ovpn'))(name);

  it('relative to the config directory; absolute paths as given; symlinks to files followed', async () => {
    assert.equal(await read('keys/ta.key'), 'key text\n');
    assert.equal(await read(path.join(dir, 'keys', 'ta.key')), 'key text\n');
    assert.equal(await read('link.key'), 'key text\n');
  });

  it('refuses a directory, a FIFO (without waiting for a writer), a big file, a missing one', async () => {
    await assert.rejects(read('keys'), /not a regular file|EISDIR/);
    await assert.rejects(read('fifo.key'), /not a regular file/);
    await assert.rejects(read('big.key'), /20000 bytes, more than a key file holds \(16384\)/);
    await assert.rejects(read('nope.key'), /ENOENT/);
  });

  it('refuses a device without reading it', async () => {
    await assert.rejects(read('/dev/zero'), /not a regular file/);
  });
});
