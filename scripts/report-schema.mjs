// Writes docs/report.schema.json, the JSON Schema (draft 2020-12) of the report `natprobe
// diagnose --json` prints, generated from the TypeScript type in src/report/report.ts with the
// compiler API of `typescript` (already a devDependency), so the schema cannot disagree with the
// type. Doc comments become "description"s.
//
//   node scripts/report-schema.mjs          rewrite docs/report.schema.json
//   node scripts/report-schema.mjs --check  exit 1 if the committed file is out of date
//   node scripts/report-schema.mjs --stdout print it
//
// Extra properties are allowed, as src/report/parseReport.ts allows them: the report grows by
// adding fields, and an older reader must accept a newer report.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(ROOT, 'src', 'report', 'report.ts');
const OUTPUT = path.join(ROOT, 'docs', 'report.schema.json');

function fail(node, what) {
  const sf = node.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
  throw new Error(`src/report/report.ts:${line + 1}: ${what} (${node.getText().slice(0, 60)}): extend scripts/report-schema.mjs`);
}

function description(node) {
  const text = (node.jsDoc ?? []).map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n').trim();
  return text ? { description: text.replace(/\s*\n\s*/g, ' ') } : {};
}

export function generate(sourceText = fs.readFileSync(SOURCE, 'utf8')) {
  const sf = ts.createSourceFile('report.ts', sourceText, ts.ScriptTarget.ES2022, true);
  const named = new Map();
  const constants = new Map();
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) named.set(st.name.text, st);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        let init = d.initializer;
        while (init && ts.isAsExpression(init)) init = init.expression;
        if (init && ts.isNumericLiteral(init)) constants.set(d.name.getText(), Number(init.text));
        else if (init && ts.isStringLiteral(init)) constants.set(d.name.getText(), init.text);
      }
    }
  }

  const defs = {};
  const used = new Set();

  function literal(node) {
    if (ts.isLiteralTypeNode(node)) {
      const l = node.literal;
      if (ts.isStringLiteral(l)) return l.text;
      if (ts.isNumericLiteral(l)) return Number(l.text);
      if (l.kind === ts.SyntaxKind.TrueKeyword) return true;
      if (l.kind === ts.SyntaxKind.FalseKeyword) return false;
    }
    return undefined;
  }

  function members(list) {
    const properties = {};
    const required = [];
    for (const m of list) {
      if (!ts.isPropertySignature(m) || !m.type) fail(m, 'only property signatures are supported');
      const name = m.name.getText();
      properties[name] = { ...description(m), ...schemaOf(m.type) };
      if (!m.questionToken) required.push(name);
    }
    return { type: 'object', properties, required };
  }

  function schemaOf(node) {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'number' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      default:
        break;
    }
    if (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword) return { type: 'null' };
    if (literal(node) !== undefined) return { const: literal(node) };
    if (ts.isParenthesizedTypeNode(node)) return schemaOf(node.type);
    if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) return schemaOf(node.type);
    if (ts.isArrayTypeNode(node)) return { type: 'array', items: schemaOf(node.elementType) };
    if (ts.isTypeLiteralNode(node)) return members(node.members);
    if (ts.isTypeQueryNode(node)) {
      const name = node.exprName.getText();
      if (!constants.has(name)) fail(node, `typeof a constant this script cannot read`);
      return { const: constants.get(name) };
    }
    if (ts.isUnionTypeNode(node)) {
      const parts = node.types.map(schemaOf);
      // 'a' | 'b' (| null) → enum; string | null → type: [string, null]; anything else → anyOf.
      const isConst = (p) => 'const' in p && Object.keys(p).length === 1;
      const isNull = (p) => p.type === 'null' && Object.keys(p).length === 1;
      if (parts.every((p) => isConst(p) || isNull(p)) && parts.some(isConst)) return { enum: parts.map((p) => (isNull(p) ? null : p.const)) };
      if (parts.every((p) => Object.keys(p).length === 1 && typeof p.type === 'string')) return { type: parts.map((p) => p.type) };
      return { anyOf: parts };
    }
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if (name === 'Array' || name === 'ReadonlyArray') return { type: 'array', items: schemaOf(node.typeArguments[0]) };
      const decl = named.get(name);
      if (!decl) fail(node, `type ${name} is not declared in report.ts`);
      if (!used.has(name)) {
        used.add(name);
        defs[name] = { ...description(decl), ...(ts.isInterfaceDeclaration(decl) ? members(decl.members) : schemaOf(decl.type)) };
      }
      return { $ref: `#/$defs/${name}` };
    }
    return fail(node, 'a type form this generator does not translate');
  }

  const report = named.get('Report');
  if (!report || !ts.isInterfaceDeclaration(report)) throw new Error('src/report/report.ts has no interface Report');
  const root = members(report.members);
  const sortedDefs = Object.fromEntries(Object.keys(defs).sort().map((k) => [k, defs[k]]));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'natprobe report',
    description:
      'What `natprobe diagnose --json` prints and the extension exports (schemaVersion 1). Generated from src/report/report.ts by scripts/report-schema.mjs: do not edit by hand. Properties not listed here are allowed: the report grows by adding fields.',
    ...root,
    $defs: sortedDefs,
  };
}

export function render(schema) {
  return JSON.stringify(schema, null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = render(generate());
  if (process.argv.includes('--stdout')) process.stdout.write(text);
  else if (process.argv.includes('--check')) {
    const current = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
    if (current !== text) {
      process.stderr.write('docs/report.schema.json is out of date: run `node scripts/report-schema.mjs`\n');
      process.exit(1);
    }
  } else fs.writeFileSync(OUTPUT, text);
}
