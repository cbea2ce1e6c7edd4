// RFC 3489 clients against `natprobe serve` on loopback: the Vovida `stun` client (Debian
// stun-client) must parse every answer. It once printed "Bad length string 14 / problem parsing
// ServerName" because our SOFTWARE (0x8022, its SERVER) was 14 bytes, not a multiple of 4.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { serve } from '../cli/serve';

describe('security: classic RFC 3489 clients parse our answers (Vovida stun, loopback)', function () {
  this.timeout(30000);
  it('stun 127.0.0.1:PORT -v: every message parses; mapped, source and changed addresses are read', async function () {
    if (spawnSync('sh', ['-c', 'command -v stun']).status !== 0) {
      console.log('      skipped: the stun client (Debian package stun-client) is not installed; scripts/lab/ensure-deps.sh installs it as root');
      this.skip();
    }
    const port = 30000 + (process.pid % 15000) * 2;
    const child = await serve(['--primary', `127.0.0.1:${port}`, '--alternate', `127.0.0.2:${port + 1}`]);
    try {
      const r = spawnSync('timeout', ['-k', '2', '15', 'stun', `127.0.0.1:${port}`, '-v'], { encoding: 'utf8' });
      const out = `${r.stdout}\n${r.stderr}`;
      assert.doesNotMatch(out, /Bad length|problem parsing/i, out);
      assert.match(out, /MappedAddress = 127\.0\.0\.1:\d+/, out);
      assert.match(out, new RegExp(`ChangedAddress = 127\\.0\\.0\\.2:${port + 1}`), out);
      assert.match(out, /Primary: Open/, out);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
