import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every registry command answers with a concrete type: no `any` or `unknown` anywhere inside it. The renderer
 * takes each command's answer type from the registry table, so a loose row in a core query would reach the
 * screens untyped. Checked with the compiler itself, handler by handler, so a failure names the command and
 * the path of the loose part.
 */

const ROOT = resolve(__dirname, '../..');
const COMMANDS = join(ROOT, 'src-main/api/commands');
/** A command written to be loose, so the check is shown to catch what it is for. */
const PROBE = join(ROOT, 'src-main/api/commands/__loose-probe.ts');
const PROBE_TEXT = `
import { z } from 'zod';
import { defineCommand } from '../registry';
export const probe = [
  defineCommand({
    name: 'probe.loose', summary: 'loose on purpose', input: z.object({}), access: 'public', mutates: false,
    handler: () => ({ fine: 1, rows: [] as unknown[], deep: { parsed: JSON.parse('1') } }),
  }),
];
`;

function program(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const files = readdirSync(COMMANDS).filter((f) => f.endsWith('.ts')).map((f) => join(COMMANDS, f));
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (resolve(name) === PROBE ? ts.createSourceFile(name, PROBE_TEXT, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === PROBE || fileExists(name);
  return ts.createProgram([...files, PROBE], config.options, host);
}

/** The paths inside `type` that are `any` or `unknown`. */
function loosePaths(checker: ts.TypeChecker, type: ts.Type, path = '', seen = new Set<ts.Type>(), depth = 0): string[] {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [path || '(the whole answer)'];
  if (depth > 12 || seen.has(type)) return [];
  seen.add(type);
  if (type.isUnionOrIntersection()) return type.types.flatMap((t) => loosePaths(checker, t, path, seen, depth + 1));
  const name = checker.typeToString(type);
  if (name.startsWith('Promise<')) return loosePaths(checker, checker.getAwaitedType(type) ?? type, path, seen, depth + 1);
  // Bytes and dates are what they are; their members are the platform's.
  if (/^(Buffer|Uint8Array|Date)\b/.test(name)) return [];
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    return checker.getTypeArguments(type as ts.TypeReference).flatMap((t) => loosePaths(checker, t, `${path}[]`, seen, depth + 1));
  }
  if (!(type.flags & ts.TypeFlags.Object)) return [];
  const inside = checker.getPropertiesOfType(type).flatMap((p) => loosePaths(checker, checker.getTypeOfSymbol(p), `${path}.${p.getName()}`, seen, depth + 1));
  const keyed = checker.getIndexInfosOfType(type).flatMap((i) => loosePaths(checker, i.type, `${path}[key]`, seen, depth + 1));
  return [...inside, ...keyed];
}

/** command name → loose paths of its handler's answer, for every defineCommand call in the given files. */
function answers(p: ts.Program, files: string[]): Map<string, string[]> {
  const checker = p.getTypeChecker();
  const out = new Map<string, string[]>();
  for (const file of files) {
    const source = p.getSourceFile(file)!;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.getText(source) === 'defineCommand') {
        const command = checker.getTypeAtLocation(node);
        const handler = checker.getTypeOfSymbol(checker.getPropertyOfType(command, 'handler')!);
        const answer = checker.getReturnTypeOfSignature(handler.getCallSignatures()[0]!);
        const name = checker.getTypeOfSymbol(checker.getPropertyOfType(command, 'name')!);
        const literal = node.arguments[0] && ts.isObjectLiteralExpression(node.arguments[0])
          ? node.arguments[0].properties.find((x) => x.name?.getText(source) === 'name')
          : undefined;
        const label = literal && ts.isPropertyAssignment(literal) ? literal.initializer.getText(source).slice(1, -1) : checker.typeToString(name);
        out.set(label, [...new Set(loosePaths(checker, answer))]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

describe('registry command answers', () => {
  it('are concrete types, with no any or unknown inside, for every command', () => {
    const p = program();
    const files = readdirSync(COMMANDS).filter((f) => f.endsWith('.ts')).map((f) => join(COMMANDS, f));
    const found = answers(p, files);
    expect(found.size).toBeGreaterThan(60);
    const loose = Object.fromEntries([...found].filter(([, paths]) => paths.length));
    expect(loose).toEqual({});
    // The check catches what it is for: a command written loose is named, with where.
    const probe = answers(p, [PROBE]);
    expect(probe.get('probe.loose')?.sort()).toEqual(['.deep.parsed', '.rows[]']);
  }, 120_000);
});
