import { canonicalJson } from '../audit/chain';
import { sha256Hex } from '../util/hash';
import type { SheetData } from './result-sheet';

/**
 * A digest of what a result sheet says, without when it was printed: the audit chain head and the data's time
 * move with every audited change (the signing of the sheets included), the result does not. Two renderings with
 * the same digest say the same thing, so a signed sheet with that digest is not signed again. The interview score
 * on the rubric's scale is left out too: it is the result's own exact stage value shown another way, so a sheet
 * signed before it was printed is not signed again (or given a new version) only for that.
 */
export function sheetContentDigest(d: SheetData): string {
  const { chainHead: _head, generatedAt: _at, interview: _shown, ...said } = d;
  return sha256Hex(canonicalJson({ kind: 'lembar-hasil', sheet: said }));
}
