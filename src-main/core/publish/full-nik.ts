/**
 * The site's guarantee that it publishes no full NIK: no 16-digit number standing alone, anywhere in a file.
 *
 * `FULL_NIK` says it on text. `hasFullNik` says the same on the file's UTF-8 bytes, the form in which every site
 * file is written anyway: it reads one byte in sixteen where the text has no digits, instead of running the
 * regular expression over every character of a hundred thousand two-byte page strings.
 */

/** A full NIK: 16 digits standing alone. Nothing the site writes may contain one. */
export const FULL_NIK = /\b\d{16}\b/;

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
/** `\w` without the u flag: ASCII only, so every byte of a multi-byte UTF-8 sequence (≥ 0x80) is not one. */
const isWord = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;

/**
 * Whether `bytes[0, length)`, UTF-8, holds what `FULL_NIK` finds in its text: a run of exactly 16 ASCII digits
 * with no word character ([0-9A-Za-z_]) just before or after it. UTF-8 keeps ASCII as it is and writes every
 * other character (a lone surrogate as U+FFFD) with bytes ≥ 0x80, none a word character, so the answer is the
 * text's. Sixteen consecutive positions hold exactly one position ≡ 15 (mod 16), so looking at those alone finds
 * every such run.
 */
export function hasFullNik(bytes: Uint8Array, length = bytes.length): boolean {
  let i = 15;
  while (i < length) {
    if (!isDigit(bytes[i]!)) {
      i += 16;
      continue;
    }
    let start = i;
    while (start > 0 && isDigit(bytes[start - 1]!)) start--;
    let end = i + 1;
    while (end < length && isDigit(bytes[end]!)) end++;
    if (end - start === 16 && (start === 0 || !isWord(bytes[start - 1]!)) && (end === length || !isWord(bytes[end]!))) return true;
    // The next run starts after `end`: on at the first position ≡ 15 past it, not back into this run.
    i = end + 1 + ((14 - (end % 16) + 16) % 16);
  }
  return false;
}
