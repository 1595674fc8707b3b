/**
 * Where each page of the publication site lives. Browser-safe: the verification page links to a candidate's
 * page with the same function the generator used to write it.
 */

/** What `slug` keeps whole: no character it would escape, no dot first. */
const SAFE = /^[A-Za-z0-9-][A-Za-z0-9.-]*$/;

/**
 * A code as one safe path segment: letters, digits, dash and (not leading) dot stay; every other character
 * becomes `_<hex code point>_`. Injective (an underscore is itself escaped), so two codes never share a file,
 * and no segment is ever "." or "..".
 */
export function slug(code: string): string {
  // Every nomor peserta and exam code is already safe: kept as it is, without building it again a character at a
  // time (a site names each of them in a dozen links per page).
  if (SAFE.test(code)) return code;
  let out = '';
  let first = true;
  for (const ch of code) {
    const keep = /^[A-Za-z0-9-]$/.test(ch) || (ch === '.' && !first);
    out += keep ? ch : `_${ch.codePointAt(0)!.toString(16)}_`;
    first = false;
  }
  return out || '_';
}

/** Site-relative paths (from the site root, forward slashes). */
export const sitePaths = {
  exam: (exam: string) => `ujian/${slug(exam)}/index.html`,
  rules: (exam: string) => `ujian/${slug(exam)}/aturan.html`,
  candidates: (exam: string) => `ujian/${slug(exam)}/peserta/index.html`,
  formation: (exam: string, kode: string) => `ujian/${slug(exam)}/formasi/${slug(kode)}.html`,
  candidate: (exam: string, nomor: string) => `ujian/${slug(exam)}/peserta/${slug(nomor)}.html`,
  /** the exam's result digests by candidate, for the verification page (a script: fetch() is refused on file://) */
  digests: (exam: string) => `ujian/${slug(exam)}/digests.js`,
  data: (exam: string, file: 'aturan.json' | 'facts.json' | 'hasil.json' | 'hasil.csv' | 'hasil-excel.csv') => `data/${slug(exam)}/${file}`,
  /** the exam's announcement in force (the latest), and each announcement ever made: its page, signed file and PDF */
  announcement: (exam: string) => `ujian/${slug(exam)}/pengumuman.html`,
  announcementVersion: (exam: string, seq: number, ext: 'html' | 'json' | 'pdf') => `ujian/${slug(exam)}/pengumuman-${seq}.${ext}`,
};

/**
 * A code as a disk or web host that ignores letter case sees it (ASCII letters: every name the site writes is ASCII,
 * `slug`): two codes of one fold would be one file, and the site write refuses that for the whole site.
 */
export function foldCase(code: string): string {
  return code.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** Whether `code` has a letter: a code of digits alone differs from every other whatever their letter case. */
export const hasLetter = (code: string): boolean => /[A-Za-z]/.test(code);

/**
 * A check of codes as they come, one list at a time: for each, the code seen before that differs from it only in
 * letter case (one file on a case-insensitive disk), or undefined.
 */
export function caseFolds(): (code: string) => string | undefined {
  const seen = new Map<string, string>();
  return (code) => {
    if (!hasLetter(code)) return undefined;
    const fold = foldCase(code);
    const other = seen.get(fold);
    if (other === undefined) seen.set(fold, code);
    return other !== undefined && other !== code ? other : undefined;
  };
}

/**
 * Whether candidate `nomor`'s page would be the candidates' list (`peserta/index.html`), on a disk that ignores
 * letter case too: a registration number the site could not publish, so a roster and a hub refuse it.
 */
export function takesPageName(nomor: string): boolean {
  return foldCase(sitePaths.candidate('_', nomor)) === foldCase(sitePaths.candidates('_'));
}

/** Leaves per file of the published leaf list: a full file never changes again, the last one only grows. */
export const LEAVES_PER_FILE = 256;

/**
 * The transparency log as plain files under log/ (format `lentera.log/1`, docs/bundles.md): enough to rebuild the
 * tree and recompute every checkpoint's root from the site alone.
 */
export const logPaths = {
  /** the log's Ed25519 public key: one line, base64url of the 32 raw bytes — the key to pin */
  key: 'log/kunci-log.txt',
  /** format, key, log id, size, leaves per file, the leaf files in order */
  index: 'log/log.json',
  /** every signed checkpoint, ascending size, one per line */
  checkpoints: 'log/checkpoint.json',
  /** leaf file `i` (leaves i·256 … i·256+255), relative to log/: one leaf's exact bytes per line */
  leavesRel: (i: number) => `entri/${String(i).padStart(6, '0')}.jsonl`,
  leaves: (i: number) => `log/${logPaths.leavesRel(i)}`,
  /** the public record behind record leaf `index` (an announcement, objection, report or answer): its exact bytes */
  record: (index: number) => `log/catatan/${String(index).padStart(8, '0')}.json`,
};
