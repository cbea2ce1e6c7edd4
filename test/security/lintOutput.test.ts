// A config file is hostile input too: text the linter quotes from it (an unknown option's name, a
// bad value) reaches the terminal only with its control characters made visible, and the JSON
// output escapes C1 and bidi characters as the report's JSON does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { natprobe, tempDir } from './helpers';

// U+202E (right-to-left override: reorders what is read) and U+009B (the one-character C1 CSI
// that terminals honouring C1 take as ESC [: here "clear screen"). The linter already turns C0
// controls in quoted text into spaces; these passed through to the terminal.
const HOSTILE = '\u202e\u009b2J';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('security: lint output does not pass a config\'s control characters through', function () {
  this.timeout(60000);
  let dir: string;
  let file: string;
  before(() => {
    dir = tempDir();
    file = path.join(dir, 'wg0.conf');
    fs.writeFileSync(file, `[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nFoo${HOSTILE} = 1\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('text output: the finding is there, its quoted text escaped', () => {
    const r = natprobe(['lint', file]);
    assert.match(r.stdout, /WG01 .*Foo/, 'the unknown key is reported');
    assert.doesNotMatch(r.stdout, RAW_CONTROL);
    assert.match(r.stdout, /Foo\\u\{202e\}\\x9b2J/);
  });

  it('--json: parses back to the same message, no raw C1 or bidi byte in the output', () => {
    const r = natprobe(['lint', '--json', file]);
    assert.doesNotMatch(r.stdout, RAW_CONTROL);
    const rows = JSON.parse(r.stdout) as { message: string }[];
    assert.ok(rows.some((row) => row.message.includes('\u202e')), 'JSON keeps the original text');
  });
});
