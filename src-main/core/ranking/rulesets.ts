import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { parseJsonText } from '../util/json-text';
import { jsonPath } from '../util/paths';
import { resourcesDir } from '../util/resources';
import { rulesetSchema, type Ruleset } from './ruleset-schema';

export interface LoadedRuleset {
  ruleset: Ruleset;
  sha256: string;
  file: string;
}

/** Parses and validates a ruleset's text; every problem is reported with its JSON path. */
export function readRuleset(text: string, file: string): LoadedRuleset {
  const raw = parseJsonText(text, `Ruleset ${basename(file)}`);
  const parsed = rulesetSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message }));
    throw new LenteraError('INVALID_RULESET', `Ruleset ${basename(file)} is refused: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { file: basename(file), problems });
  }
  return { ruleset: parsed.data, sha256: sha256Hex(text), file: basename(file) };
}

export function loadRulesetFile(path: string): LoadedRuleset {
  if (!existsSync(path)) throw new LenteraError('FILE_NOT_FOUND', `${path} cannot be read.`, { file: path });
  return readRuleset(readFileSync(path, 'utf8'), path);
}

/** A shipped ruleset by id (resources/rulesets/<id>.json). */
export function loadRuleset(id: string): LoadedRuleset {
  if (!/^[a-z0-9-]+$/.test(id)) throw new LenteraError('UNKNOWN_RULESET', `"${id}" is not a ruleset id.`, { ruleset: id });
  const path = join(resourcesDir(), 'rulesets', `${id}.json`);
  if (!existsSync(path)) {
    const known = readdirSync(join(resourcesDir(), 'rulesets')).map((f) => f.replace(/\.json$/, ''));
    throw new LenteraError('UNKNOWN_RULESET', `No ruleset "${id}" in this Lentera (known: ${known.join(', ')}).`, { ruleset: id, known });
  }
  return loadRulesetFile(path);
}
