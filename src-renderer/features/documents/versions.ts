/**
 * A signed document's name as what it is and which version: `hasil-X.pdf` is version 1, `hasil-X.v2.pdf` version
 * 2 (a signed document is never overwritten: a changed one is written beside it as the next version).
 */
export function documentVersion(name: string): { base: string; version: number } {
  const m = /^(.+?)\.v(\d+)\.pdf$/.exec(name);
  if (m && Number(m[2]) >= 2) return { base: m[1]!, version: Number(m[2]) };
  return { base: name.replace(/\.pdf$/, ''), version: 1 };
}

/** Every older version among `files`, with the newest version of the same document that supersedes it. */
export function supersededVersions(files: readonly string[]): Map<string, string> {
  const newest = new Map<string, { name: string; version: number }>();
  for (const name of files) {
    const { base, version } = documentVersion(name);
    const cur = newest.get(base);
    if (!cur || version > cur.version) newest.set(base, { name, version });
  }
  const out = new Map<string, string>();
  for (const name of files) {
    const latest = newest.get(documentVersion(name).base)!;
    if (latest.name !== name) out.set(name, latest.name);
  }
  return out;
}

/**
 * The newest version of a session's minutes among the signed files (`berita-acara-S.pdf`, then
 * `berita-acara-S.v2.pdf` …): the one the chair and panelists download and sign. Null when there is none yet.
 */
export function latestMinutesFile(files: readonly string[], session: string): string | null {
  let best: { name: string; version: number } | null = null;
  for (const name of files) {
    const v = documentVersion(name);
    if (v.base !== `berita-acara-${session}`) continue;
    if (!best || v.version > best.version) best = { name, version: v.version };
  }
  return best?.name ?? null;
}

/**
 * Signed files in the order they are listed: each document once, its newest version first and the versions it
 * supersedes right below it.
 */
export function orderedVersions(files: readonly string[]): string[] {
  return [...files].sort((a, b) => {
    const x = documentVersion(a);
    const y = documentVersion(b);
    return x.base === y.base ? y.version - x.version : x.base < y.base ? -1 : 1;
  });
}
