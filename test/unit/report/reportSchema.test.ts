// docs/report.schema.json against its source and against real reports: regenerating it from
// src/report/report.ts gives the committed file (so the type cannot change without it), and the
// recorded lab reports and a report made on the virtual network validate against it. The
// validator below knows exactly the keywords the generator emits, and fails on any other, so it
// cannot pass a schema it does not understand.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseReport } from '../../../src/report/parseReport';
import { makeWorld } from '../discovery/world';

const ROOT = path.join(__dirname, '..', '..', '..');
const SCHEMA_FILE = path.join(ROOT, 'docs', 'report.schema.json');
const REPORTS = path.join(ROOT, 'test', 'fixtures', 'reports');

type Schema = Record<string, unknown>;
const KEYWORDS = new Set(['$schema', 'title', 'description', '$defs', 'type', 'properties', 'required', 'items', 'const', 'enum', '$ref', 'anyOf']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** The first problem, as "path: what", or undefined when `value` matches `schema`. */
function validate(value: unknown, schema: Schema, root: Schema, at = 'report'): string | undefined {
  for (const k of Object.keys(schema)) if (!KEYWORDS.has(k)) return `${at}: the schema uses "${k}", which this validator does not know`;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = (root.$defs as Record<string, Schema>)[name];
    if (!target) return `${at}: $ref ${schema.$ref} is not defined`;
    return validate(value, target, root, at);
  }
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as Schema[]).some((s) => validate(value, s, root, at) === undefined);
    if (!ok) return `${at}: matches none of the alternatives`;
  }
  if ('const' in schema && value !== schema.const) return `${at}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return `${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === 'number' && types.includes('integer'))) return `${at}: ${actual}, expected ${types.join(' or ')}`;
    if (actual === 'number' && !Number.isFinite(value)) return `${at}: not a finite number`;
  }
  if (typeOf(value) === 'object' && schema.properties) {
    const obj = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in obj)) return `${at}.${r}: missing`;
    for (const [k, s] of Object.entries(schema.properties as Record<string, Schema>)) {
      if (k in obj) {
        const e = validate(obj[k], s, root, `${at}.${k}`);
        if (e) return e;
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) {
      const e = validate(value[i], schema.items as Schema, root, `${at}[${i}]`);
      if (e) return e;
    }
  }
  return undefined;
}

describe('docs/report.schema.json', function () {
  this.timeout(60_000);
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Schema;

  it('is what scripts/report-schema.mjs generates from src/report/report.ts (run it after changing the type)', async () => {
    const gen = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'report-schema.mjs')).href)) as { generate(): Schema; render(s: Schema): string };
    assert.equal(gen.render(gen.generate()), fs.readFileSync(SCHEMA_FILE, 'utf8'), 'docs/report.schema.json is out of date: run `node scripts/report-schema.mjs`');
  });

  it('the generator follows the type: a new field in the source appears in the schema', async () => {
    const gen = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'report-schema.mjs')).href)) as { generate(src?: string): Schema };
    const src = fs.readFileSync(path.join(ROOT, 'src', 'report', 'report.ts'), 'utf8').replace('export interface Report {', 'export interface Report {\n  /** Added. */\n  readonly added: \'a\' | \'b\' | null;');
    const props = gen.generate(src).properties as Record<string, Schema>;
    assert.deepEqual(props.added, { description: 'Added.', enum: ['a', 'b', null] });
    assert.ok((gen.generate(src).required as string[]).includes('added'));
  });

  for (const file of fs.readdirSync(REPORTS).filter((f) => f.endsWith('.json'))) {
    it(`accepts the recorded report ${file}`, () => {
      const report = JSON.parse(fs.readFileSync(path.join(REPORTS, file), 'utf8')) as unknown;
      assert.ok(parseReport(report).ok, 'the fixture is a valid report for the parser too');
      assert.equal(validate(report, schema, schema), undefined);
    });
  }

  it('accepts reports made on the virtual network (behind a NAT, and with no NAT), and their JSON round trip', async () => {
    for (const options of [{ nat: { mapping: 'address-and-port-dependent' as const } }, { publicClient: '203.0.113.9' }]) {
      const report = await (await makeWorld(options)).run();
      assert.equal(validate(JSON.parse(JSON.stringify(report)), schema, schema), undefined);
    }
  });

  it('rejects what is not a report, naming where (the validator can fail)', () => {
    const good = JSON.parse(fs.readFileSync(path.join(REPORTS, 'lab-port-restricted.json'), 'utf8')) as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, schemaVersion: 2 }, /report\.schemaVersion: 2 is not 1/],
      [{ ...good, udp: 'maybe' }, /report\.udp: "maybe" is not one of/],
      [{ ...good, mapping: { ...(good.mapping as object), evidence: [{ test: 1, observation: 'x' }] } }, /report\.mapping\.evidence\[0\]\.test: number, expected string/],
      [Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'natType')), /report\.natType: missing/],
      [{ ...good, durationMs: null }, /report\.durationMs: null, expected number/],
    ];
    for (const [bad, message] of cases) assert.match(validate(bad, schema, schema) ?? 'accepted', message);
  });
});
