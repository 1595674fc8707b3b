import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translator } from './i18n';
import {
  compareDecimal,
  decidedByText,
  displayOrder,
  histogram,
  reasonText,
  resultsError,
  statusFamily,
  statusLabel,
} from '../../src-renderer/features/results/model';
import type { RankedResult } from '../../src-renderer/api/types';

let tId: TFunction;
let tEn: TFunction;

beforeAll(async () => {
  tId = await translator('id');
  tEn = await translator('en');
});

function row(over: Partial<RankedResult>): RankedResult {
  return {
    nomor_peserta: '1',
    nama: '',
    kode_formasi: 'F01',
    kategori: 'umum',
    components: {},
    stages: {},
    skd_total: null,
    thresholds: [],
    skb: null,
    final: null,
    final_exact: null,
    rank: null,
    status: 'BL',
    reason: '',
    decided_by: null,
    ...over,
  };
}

describe('results model', () => {
  it('gives each status its colour family', () => {
    expect(['P/L', 'P/L-1', 'P/L-12', 'P/L-n'].map(statusFamily)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(statusFamily('P/TL')).toBe('neutral');
    expect(['P/TH', 'TH'].map(statusFamily)).toEqual(['absent', 'absent']);
    expect(['TL', 'TMS', 'TMS-1', 'APS'].map(statusFamily)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(statusFamily('BL')).toBe('pending');
    expect(statusFamily('XYZ')).toBe('other');
  });

  it('labels the codes in both languages, and leaves unknown codes as they are', () => {
    expect(statusLabel(tId, 'P/L')).toBe('Lulus');
    expect(statusLabel(tEn, 'P/L-2')).toBe('Passed by optimisation');
    expect(statusLabel(tId, 'XYZ')).toBe('XYZ');
  });

  it('compares decimals exactly, as text', () => {
    expect(compareDecimal('76.367', '76.378')).toBeLessThan(0);
    expect(compareDecimal('100', '99.999')).toBeGreaterThan(0);
    expect(compareDecimal('74.1', '74.100')).toBe(0);
    expect(compareDecimal('0.30000000000000001', '0.3')).toBeGreaterThan(0);
  });

  it('orders the ranked by rank, then the rest by status group and SKD total', () => {
    const rows = [
      row({ nomor_peserta: 'a', status: 'TL', skd_total: '400' }),
      row({ nomor_peserta: 'b', status: 'P/L', rank: 2 }),
      row({ nomor_peserta: 'c', status: 'BL', skd_total: '390' }),
      row({ nomor_peserta: 'd', status: 'TL', skd_total: '420' }),
      row({ nomor_peserta: 'e', status: 'P/L', rank: 1 }),
      row({ nomor_peserta: 'f', status: 'TH' }),
    ];
    expect(rows.sort(displayOrder).map((r) => r.nomor_peserta)).toEqual(['e', 'b', 'c', 'f', 'd', 'a']);
  });

  it('says the known reasons again in each language, with a decimal comma in Bahasa Indonesia', () => {
    const capped = 'peringkat SKD 10 di luar 3 × 3 = 9 peserta SKB';
    expect(reasonText(tId, 'id', capped)).toBe(capped);
    expect(reasonText(tEn, 'en', capped)).toBe('SKD rank 10, outside the 3 × 3 = 9 SKB places');
    expect(reasonText(tId, 'id', 'TIU 75.5 < 80; TKP 150 < 166')).toBe('TIU 75,5 < 80; TKP 150 < 166');
    expect(reasonText(tEn, 'en', 'TIU 75.5 < 80')).toBe('TIU 75.5 < 80');
    expect(reasonText(tEn, 'en', 'nilai SKB belum lengkap')).toBe('SKB scores incomplete');
    const opt = 'optimalisasi: mengisi kursi 1 formasi F06 (Pranata Komputer Ahli Pertama) yang tidak terpenuhi';
    expect(reasonText(tId, 'id', opt)).toBe(opt);
    expect(reasonText(tEn, 'en', opt)).toBe('optimisation: fills seat 1 of formation F06 (Pranata Komputer Ahli Pertama), which was not filled');
  });

  it('names the tie-break that decided', () => {
    expect(decidedByText(tId, 'tkp')).toBe('ditentukan oleh TKP');
    expect(decidedByText(tEn, 'older')).toBe('decided by age (older first)');
    expect(decidedByText(tId, 'stage:WAWANCARA')).toBe('ditentukan oleh nilai WAWANCARA');
  });

  it('explains ruleset refusals', () => {
    expect(resultsError(tId, 'id', { code: 'RULESET_MISMATCH', message: 'x', details: { unknown: ['SKB-WWC'] } })).toContain('SKB-WWC');
    expect(resultsError(tEn, 'en', { code: 'UNKNOWN_RULESET', message: 'x', details: { ruleset: 'cpns-2099', known: ['cpns-2024'] } })).toBe(
      'This Lentera does not know the ruleset "cpns-2099" (it knows: cpns-2024). Update Lentera or check the exam package.',
    );
    expect(
      resultsError(tId, 'id', { code: 'INVALID_RULESET', message: 'x', details: { file: 'a.json', problems: [{ path: '$.skb_cap', message: 'required' }] } }),
    ).toBe('Berkas aturan a.json ditolak: $.skb_cap: required');
  });

  it('bins scores in round widths, every score counted once', () => {
    const values = [70.447, 74.044, 76.367, 76.378, 81.353];
    const { bins, width } = histogram(values);
    expect(width).toBe(1);
    expect(bins[0]!.from).toBe(70);
    expect(bins.at(-1)!.to).toBe(82);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(values.length);
    expect(bins.find((b) => b.from === 76)!.count).toBe(2);
    const skd = histogram([296, 302, 463, 550]);
    expect(skd.bins.length).toBeLessThanOrEqual(12);
    expect(skd.bins.at(-1)!.count).toBe(1);
    expect(histogram([]).bins).toEqual([]);
  });
});
