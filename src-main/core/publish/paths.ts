/**
 * Where each page of the publication site lives. Browser-safe: the verification page links to a candidate's
 * page with the same function the generator used to write it.
 */

/**
 * A code as one safe path segment: letters, digits, dash and (not leading) dot stay; every other character
 * becomes `_<hex code point>_`. Injective (an underscore is itself escaped), so two codes never share a file,
 * and no segment is ever "." or "..".
 */
export function slug(code: string): string {
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
  data: (exam: string, file: 'aturan.json' | 'facts.json' | 'hasil.json' | 'hasil.csv') => `data/${slug(exam)}/${file}`,
};
