import ExcelJS from 'exceljs';

/**
 * Comparing two answers that must say the same (two doors, two worlds that differ only in a secret): what is
 * random by design between runs (ids, hashes, salts, tokens, key fingerprints and certificates, error references)
 * is normalised away, and nothing else.
 */
export function normaliseAnswer(value: unknown): unknown {
  if (typeof value === 'string') {
    return value
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
      .replace(/\b[0-9a-f]{64}\b/gi, '<hash>')
      .replace(/\b[0-9a-f]{32}\b/gi, '<salt>')
      // base64url tokens may start or end with '-' or '_', where \b would not see a word boundary
      .replace(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, '<token>')
      .replace(/\b(?:[0-9A-F]{2}:){31}[0-9A-F]{2}\b/g, '<fingerprint>')
      .replace(/-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g, '<pem $1>')
      .replace(/\(ref [0-9a-f]{12}\)|ref(erence)? [0-9a-f]{12}/g, '<ref>');
  }
  if (Array.isArray(value)) return value.map(normaliseAnswer);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'ref' ? '<ref>' : normaliseAnswer(v)]));
  return value;
}

/** Where two answers first differ, with both values there; null when they are the same. */
export function firstDifference(a: unknown, b: unknown, at = '$'): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 300)} vs ${JSON.stringify(b)?.slice(0, 300)}`;
}

/** The cell values of a workbook: an XLSX carries its own creation time in its bytes, its rows do not. */
export async function workbookRows(bytes: Buffer): Promise<unknown[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: unknown[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => rows.push(row.values)));
  return rows;
}
