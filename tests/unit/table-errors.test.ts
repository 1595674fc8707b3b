import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { isLenteraError } from '../../src-main/core/util/errors';
import { errorMessage } from '../../src-renderer/i18n/errors';
import { translator } from './i18n';

/** The refusal `f` throws, as the renderer receives it. */
function refusal(f: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    if (isLenteraError(e)) return { code: e.code, message: e.message, details: e.details };
    throw e;
  }
  throw new Error('not refused');
}

describe("a table the reader refuses (TABLE_INVALID), in the coordinator's language", () => {
  it('names both columns of a header given twice, in Indonesian and in English', async () => {
    const e = refusal(() => parseCsvText('nomor_peserta;twk;tiu;tkp;TWK\n263374000001;85;90;170;150\n', 'skd.csv'));
    expect(e.code).toBe('TABLE_INVALID');
    expect(errorMessage(await translator('id'), 'id', e)).toBe('skd.csv, baris 1: kolom B dan E (twk, TWK) sama-sama "twk"; satu kolom hanya boleh ada sekali. Hapus atau ganti nama salah satunya, lalu impor lagi. Tidak ada yang diimpor.');
    expect(errorMessage(await translator('en'), 'en', e)).toMatch(/^skd\.csv, line 1: columns B and E \(twk, TWK\) are both "twk"/);
  });

  it('says what to do for a hidden first sheet, too many rows and a formula in the header', async () => {
    const t = await translator('id');
    const of = (details: Record<string, unknown>) => errorMessage(t, 'id', { code: 'TABLE_INVALID', message: 'x', details: { file: 'nilai.xlsx', ...details } });
    expect(of({ reason: 'hidden-sheet', sheet: 'Lama' })).toContain('lembar kerja pertamanya, "Lama", tersembunyi');
    expect(of({ reason: 'too-many-rows', limit: 1_000_000 })).toContain('lebih dari 1.000.000 baris');
    expect(of({ reason: 'formula', cell: 'B1' })).toContain('sel B1 di baris judul berisi rumus');
    // A reason it does not know: the workstation's own sentence.
    expect(of({ reason: 'other' })).toBe('x');
  });
});
