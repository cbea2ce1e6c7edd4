// Every command's help is printed from its flag declarations; these tests hold the declarations,
// the parser, the help and the exit codes the commands return to one another.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, EXIT } from '../../../src/cli/run';
import { MAX_BUDGET_MS, MIN_BUDGET_MS } from '../../../src/engine/defaults';
import { cliInProcess } from '../../support/cliInProcess';

function cli(args: string[]): ReturnType<typeof cliInProcess> {
  return cliInProcess(args);
}

const SRC = path.resolve(__dirname, '../../../src/cli');
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('cli: help from the declarations', () => {
  it('lists the six commands', () => {
    assert.deepEqual(COMMANDS.map((c) => c.name).sort(), ['compare', 'diagnose', 'lint', 'punch', 'reach', 'serve']);
  });

  for (const name of ['diagnose', 'serve', 'lint', 'compare', 'reach', 'punch']) {
    it(`${name}: --help, -h and "help ${name}" print the same help, exit 0`, async () => {
      const forms = [[name, '--help'], [name, '-h'], ['help', name]];
      const results = await Promise.all(forms.map(cli));
      for (const [i, r] of results.entries()) {
        assert.equal(r.code, EXIT.ok, `${forms[i].join(' ')}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: natprobe ${name}\\b`));
        assert.equal(r.stdout, results[0].stdout);
      }
    });
  }

  it('"help" with no command lists every command; an unknown one is a usage error', async () => {
    const all = await cli(['help']);
    assert.equal(all.code, EXIT.ok);
    for (const c of COMMANDS) assert.match(all.stdout, new RegExp(`^  ${c.name} `, 'm'));
    const bad = await cli(['help', 'launch']);
    assert.equal(bad.code, EXIT.usage);
    assert.match(bad.stderr, /not a command/);
  });

  for (const command of COMMANDS) {
    it(`${command.name}: every declared flag is in its help with its value, range, choices and default`, async () => {
      const help = flat((await cli([command.name, '--help'])).stdout);
      for (const f of command.flags) {
        assert.ok(help.includes(` --${f.name}${f.value ? ` ${f.value}` : ''} `), `--${f.name} missing`);
        if (f.range) assert.ok(help.includes(`Range: ${f.range[0]} to ${f.range[1]}`), `--${f.name}'s range missing`);
        if (f.default !== undefined) assert.ok(help.includes(`Default: ${f.default}.`), `--${f.name}'s default missing`);
        if (f.choices) assert.ok(help.includes(`One of: ${f.choices.join(', ')}.`), `--${f.name}'s choices missing`);
      }
    });

    it(`${command.name}: every flag its source reads is declared, and each declared one is accepted`, async () => {
      const file = path.join(SRC, `${command.name}Command.ts`);
      const source = fs.readFileSync(file, 'utf8');
      const read = new Set([...source.matchAll(/\b(?:args\.(?:value|has|all)|wholeNumber|choice|portList|configFormat|reportOption)\((?:args, )?'([a-z-]+)'/g)].map((m) => m[1]));
      if (/\bportList\(args\)/.test(source)) read.add('ports');
      assert.ok(read.size > 0, `no flag reads found in ${file}`);
      for (const name of read) assert.ok(command.flags.some((f) => f.name === name), `${command.name} reads --${name} without declaring it`);
      for (const f of command.flags) {
        const r = await cli([command.name, `--${f.name}${f.value ? '=x' : ''}`, '--help']);
        assert.doesNotMatch(r.stderr, /unknown option/, `--${f.name}`);
      }
    });

    it(`${command.name}: its help lists every exit code it returns, each one of EXIT`, async () => {
      const help = (await cli([command.name, '--help'])).stdout;
      const listed = [...help.slice(help.indexOf('Exit codes:')).matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));
      const known = new Set<number>(Object.values(EXIT));
      for (const code of listed) assert.ok(known.has(code), `exit ${code} is not in EXIT`);
      assert.ok(listed.includes(EXIT.usage) && listed.includes(EXIT.internal), 'every command lists 2 and 70');
      const source = fs.readFileSync(path.join(SRC, `${command.name}Command.ts`), 'utf8');
      const returned = [...source.matchAll(/return [^;]*?EXIT\.(\w+)/g)].flatMap((m) => [...m[0].matchAll(/EXIT\.(\w+)/g)].map((n) => n[1]));
      assert.ok(returned.length > 0);
      for (const key of returned) {
        const code = EXIT[key as keyof typeof EXIT];
        assert.ok(listed.includes(code), `${command.name} returns EXIT.${key} (${code}) but its help does not list it`);
      }
      assert.doesNotMatch(source, /return \d+;|process\.exit/, 'codes come from EXIT and only main exits');
    });
  }

  it('--budget and the setting natProbe.timeBudget (and its old name natProbe.budgetMs) have one range', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    for (const key of ['natProbe.timeBudget', 'natProbe.budgetMs']) {
      const setting = manifest.contributes.configuration.properties[key];
      assert.equal(setting.minimum, MIN_BUDGET_MS, key);
      assert.equal(setting.maximum, MAX_BUDGET_MS, key);
    }
    const under = await cli(['diagnose', '--budget', String(MIN_BUDGET_MS - 1), '--server', '127.0.0.1:9']);
    assert.equal(under.code, EXIT.usage);
    assert.match(under.stderr, new RegExp(`--budget must be a whole number of milliseconds from ${MIN_BUDGET_MS} to ${MAX_BUDGET_MS}`));
  });
});

describe('cli: the README says what the help says', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
  const section = flat(readme.slice(readme.indexOf('## The `natprobe` CLI'), readme.indexOf('### Running `serve`')));

  it('every command and every flag is in the CLI section, with each range as declared', () => {
    for (const command of COMMANDS) {
      assert.ok(section.includes(`natprobe ${command.name}`), command.name);
      for (const f of command.flags) {
        if (f.name === 'help' || f.name === 'turn-pass') continue;
        assert.ok(section.includes(`--${f.name}`), `--${f.name} of ${command.name} missing`);
        if (f.range) assert.match(section, new RegExp(`--${f.name}\`? ${f.range[0]} to ${f.range[1]}`), `--${f.name}'s range`);
      }
    }
  });

  it('its exit table has a row for every code in EXIT', () => {
    for (const code of new Set<number>(Object.values(EXIT))) assert.match(section, new RegExp(`\\| ${code} \\|`), `exit ${code}`);
  });
});
