/**
 * A recovery key as BIP-39 words: 32 bytes and an 8-bit SHA-256 checksum make 24 words of 11 bits from BIP-39's
 * English list (taken from @scure/bip39). The encoding is these few lines over node:crypto rather than the
 * library's own functions, which load @noble/hashes into every command-line start; tests/unit/custody.test.ts
 * holds it to @scure/bip39's `entropyToMnemonic` and `mnemonicToEntropy`.
 */
import { createHash } from 'node:crypto';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { LenteraError } from '../util/errors';

const index = new Map(wordlist.map((w, i) => [w, i]));

/** The 24 words of 32 bytes, lower case, one space apart. */
export function recoveryWords(key: Uint8Array): string {
  if (key.length !== 32) throw new Error('a recovery key is 32 bytes');
  const checksum = createHash('sha256').update(key).digest()[0]!;
  const bits = [...key, checksum].map((b) => b.toString(2).padStart(8, '0')).join('');
  const words: string[] = [];
  for (let i = 0; i < 24; i++) words.push(wordlist[parseInt(bits.slice(i * 11, i * 11 + 11), 2)]!);
  return words.join(' ');
}

/** The recovery key's bytes from words as typed (any case, any spacing), or a refusal saying what is wrong. */
export function parseRecoveryKey(typed: string): Uint8Array {
  const words = typed.trim().toLowerCase().split(/[\s,.-]+/).filter(Boolean);
  if (words.length !== 24) throw new LenteraError('RECOVERY_KEY_INVALID', `A recovery key has 24 words; ${words.length} were given.`, { words: words.length });
  const unknown = words.findIndex((w) => !index.has(w));
  if (unknown >= 0) throw new LenteraError('RECOVERY_KEY_INVALID', `Word ${unknown + 1} of the recovery key ("${words[unknown]}") is not one of its words: check its spelling.`, { word: unknown + 1 });
  const bits = words.map((w) => index.get(w)!.toString(2).padStart(11, '0')).join('');
  const bytes = Uint8Array.from({ length: 33 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
  const key = bytes.subarray(0, 32);
  if (createHash('sha256').update(key).digest()[0] !== bytes[32]) {
    throw new LenteraError('RECOVERY_KEY_INVALID', "The recovery key's words are in its list, but not in this order: a word is mistyped or two are swapped.", {});
  }
  return Uint8Array.from(key);
}
