import type { TFunction } from 'i18next';

/**
 * One text filled in many times (a label for each of an exam's hundreds of formations): i18next's `t` costs 20–50 µs a
 * call, some 20 ms for 500 labels, so the text is looked up once and its plain `{{name}}` placeholders filled here.
 * A text with anything else between its braces (a formatter, a nesting) goes through `t` for every fill.
 */
export function filler(t: TFunction, key: string): (vars: Record<string, string | number>) => string {
  const raw = t(key, { skipInterpolation: true });
  const parts = raw.split(/\{\{(.*?)\}\}/);
  if (raw.includes('$t(') || parts.some((p, i) => i % 2 === 1 && !/^\s*\w+\s*$/.test(p))) return (vars) => t(key, vars);
  return (vars) => {
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) out += String(vars[parts[i]!.trim()] ?? `{{${parts[i]!}}}`) + parts[i + 1]!;
    return out;
  };
}
