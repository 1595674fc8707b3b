/**
 * The hub's statements are written once, in the SQL that SQLite and PostgreSQL share; what differs is rewritten here,
 * once per statement text (the statement cache keeps the result):
 * - parameters: `?` in order, and `@name` / `:name` / `$name` bound from an object, become `$1`, `$2`…;
 * - `INSERT OR IGNORE INTO …` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
 * - an alias with capitals (`AS addedAt`) is quoted, as PostgreSQL folds unquoted names to lower case.
 * Whatever has no rewrite is refused when prepared, never sent to do something else.
 */
export interface PgStatementText {
  text: string;
  /** for each `$n`, the index of the positional value or the name of the named one it takes */
  params: (number | string)[];
}

const UNSUPPORTED: [RegExp, string][] = [
  [/\bINSERT\s+OR\s+(REPLACE|ABORT|FAIL|ROLLBACK)\b/i, 'INSERT OR REPLACE and its kin'],
  [/\bPRAGMA\b/i, 'PRAGMA'],
  [/\bGLOB\b/i, 'GLOB'],
  [/\bgroup_concat\s*\(/i, 'group_concat'],
  [/\bjson_extract\s*\(/i, 'json_extract'],
  [/\bstrftime\s*\(/i, 'strftime'],
];

export function pgStatement(source: string): PgStatementText {
  for (const [pattern, what] of UNSUPPORTED) {
    if (pattern.test(source)) throw new Error(`This statement uses ${what}, which the PostgreSQL store does not translate: ${source.slice(0, 200)}`);
  }
  let text = '';
  const params: (number | string)[] = [];
  const named = new Map<string, number>();
  let positional = 0;
  for (let i = 0; i < source.length; ) {
    const c = source[i]!;
    if (c === "'" || c === '"') {
      // A quoted string or name, '' or "" inside it, copied as it is: a ? in it is not a parameter.
      let j = i + 1;
      for (; j < source.length; j++) {
        if (source[j] === c) {
          if (source[j + 1] === c) j++;
          else break;
        }
      }
      text += source.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '?') {
      params.push(positional++);
      text += `$${params.length}`;
      i++;
      continue;
    }
    if ((c === '@' || c === ':' || c === '$') && /[A-Za-z_]/.test(source[i + 1] ?? '') && source[i - 1] !== ':') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i + 1))!;
      const name = m[0];
      let n = named.get(name);
      if (n === undefined) {
        params.push(name);
        named.set(name, (n = params.length));
      }
      text += `$${n}`;
      i += 1 + name.length;
      continue;
    }
    text += c;
    i++;
  }
  if (/^\s*INSERT\s+OR\s+IGNORE\s+INTO\b/i.test(text)) {
    text = text.replace(/^\s*INSERT\s+OR\s+IGNORE\s+INTO\b/i, 'INSERT INTO');
    if (/\bON\s+CONFLICT\b/i.test(text)) throw new Error(`INSERT OR IGNORE with its own ON CONFLICT: ${source.slice(0, 200)}`);
    const returning = /\bRETURNING\b/i.exec(text);
    text = returning ? `${text.slice(0, returning.index)}ON CONFLICT DO NOTHING ${text.slice(returning.index)}` : `${text.trimEnd().replace(/;$/, '')} ON CONFLICT DO NOTHING`;
  }
  text = text.replace(/\bAS\s+([A-Za-z_][A-Za-z0-9_]*)\b/g, (whole, alias: string) => (/[A-Z]/.test(alias) ? `AS "${alias}"` : whole));
  return { text, params };
}

/** The values of one call, in `$n` order: positional values (arrays spread, as better-sqlite3 takes them) and named ones. */
export function bindValues(stmt: PgStatementText, args: readonly unknown[]): unknown[] {
  const positional: unknown[] = [];
  let named: Record<string, unknown> | null = null;
  for (const a of args) {
    if (Array.isArray(a)) positional.push(...(a as unknown[]));
    else if (a !== null && typeof a === 'object' && !ArrayBuffer.isView(a)) named = { ...(named ?? {}), ...(a as Record<string, unknown>) };
    else positional.push(a);
  }
  return stmt.params.map((p) => {
    if (typeof p === 'number') {
      if (p >= positional.length) throw new RangeError(`Too few parameter values: ${positional.length} for a statement that takes more.`);
      return value(positional[p]);
    }
    if (!named || !(p in named)) throw new RangeError(`Missing named parameter "${p}".`);
    return value(named[p]);
  });
}

function value(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') throw new TypeError('SQLite takes no booleans, so neither does this store: bind 1 or 0.');
  return v;
}
