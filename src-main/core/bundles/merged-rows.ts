/**
 * The merged items of one kind as they will be once a bundle's items are stored, without storing them: what
 * `SELECT workstation_id AS ws, key, body FROM merged_items … ORDER BY key, workstation_id` answers after
 * `putItems`. The hub ranks a bundle's merged view while the bundle is still being verified (bundles/ahead.ts), and
 * the view must be exactly the one the stored rows give.
 */

export interface ItemRow {
  ws: string;
  key: string;
  body: string;
}

export interface PendingItem {
  kind: string;
  key: string;
  body: string;
}

/**
 * SQLite's BINARY order of two texts: the order of their UTF-8 bytes, which is the order of their code points.
 * JavaScript's `<` compares UTF-16 units instead, and puts a character above U+FFFF (a surrogate pair,
 * D800–DFFF) before one in E000–FFFF; in code points it comes after every character of the first plane.
 */
export function codePointOrder(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

const rowOrder = (a: ItemRow, b: ItemRow) => codePointOrder(a.key, b.key) || codePointOrder(a.ws, b.ws);

/**
 * `stored` (the kind's rows, in key and workstation order) with workstation `ws`'s items of `kind` put in as
 * `putItems` puts them: one row per key, the later of two items with one key kept, replacing what `ws` had stored
 * under that key.
 */
export function withPending(stored: ItemRow[], ws: string, items: readonly PendingItem[], kind: string): ItemRow[] {
  const latest = new Map<string, string>();
  for (const i of items) if (i.kind === kind) latest.set(i.key, i.body);
  if (latest.size === 0) return stored;
  const mine: ItemRow[] = [];
  for (const [key, body] of latest) mine.push({ ws, key, body });
  let sorted = true;
  for (let i = 1; i < mine.length && sorted; i++) if (rowOrder(mine[i - 1]!, mine[i]!) > 0) sorted = false;
  if (!sorted) mine.sort(rowOrder);
  const out: ItemRow[] = [];
  let j = 0;
  for (const r of stored) {
    if (r.ws === ws && latest.has(r.key)) continue;
    while (j < mine.length && rowOrder(mine[j]!, r) < 0) out.push(mine[j++]!);
    out.push(r);
  }
  while (j < mine.length) out.push(mine[j++]!);
  return out;
}
