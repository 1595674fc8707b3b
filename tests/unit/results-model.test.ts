import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translator } from './i18n';
import {
  compareDecimal,
  decidedByText,
  displayOrder,
  histogram,
  matchesSearch,
  reasonText,
  resultsError,
  statusFamily,
  statusLabel,
} from '../../src-renderer/features/results/model';
import type { RankedResult } from '../../src-renderer/api/types';
import { REASON_CODES, reason, reasonId, reasonList, reasonsId, type Reason, type ReasonCode } from '../../src-main/core/ranking/reasons';
import idJson from '../../src-renderer/i18n/id.json';
import enJson from '../../src-renderer/i18n/en.json';

/** One reason of each code, with parameters that read the same in both decimal notations. */
const SAMPLES: Record<ReasonCode, Reason> = {
  withdrew: reason('withdrew', {}),
  ineligible: reason('ineligible', {}),
  absentSkd: reason('absentSkd', {}),
  skdIncomplete: reason('skdIncomplete', {}),
  absentSkb: reason('absentSkb', {}),
  skbIncomplete: reason('skbIncomplete', {}),
  absentStage: reason('absentStage', {}),
  stageIncomplete: reason('stageIncomplete', {}),
  withinQuota: reason('withinQuota', { rank: 2, quota: 3 }),
  outsideQuota: reason('outsideQuota', { rank: 4, quota: 3 }),
  outsideSkbCap: reason('outsideSkbCap', { rank: 12, cap: 3, quota: 3, seats: 9 }),
  withinProposed: reason('withinProposed', { rank: 1, quota: 2 }),
  outsideProposed: reason('outsideProposed', { rank: 3, quota: 2 }),
  optimalisasi: reason('optimalisasi', { seat: 2, formation: 'F06', position: 'Pranata Komputer' }),
  unknownFormation: reason('unknownFormation', { formation: 'F99' }),
  unknownKategori: reason('unknownKategori', { kategori: 'khusus', ruleset: 'cpns-2024' }),
  threshold: reason('threshold', { name: 'SKD', value: '300', op: '<', min: '311' }),
  waitsCandidates: reason('waitsCandidates', { formation: 'F01', list: reasonList(['11', '12', '13'], 'candidates') }),
  waitsFormations: reason('waitsFormations', { list: reasonList(['F01', 'F02', 'F03', 'F04', 'F05', 'F06'], 'formations') }),
};

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

  it('says the engine reasons (codes and parameters) in each language, with a decimal comma in Bahasa Indonesia', () => {
    const capped = [reason('outsideSkbCap', { rank: 10, cap: 3, quota: 3, seats: 9 })];
    expect(reasonText(tId, 'id', capped)).toBe('peringkat SKD 10 di luar 3 × 3 = 9 peserta SKB');
    expect(reasonText(tEn, 'en', capped)).toBe('SKD rank 10, outside the 3 × 3 = 9 SKB places');
    const grades = [reason('threshold', { name: 'TIU', value: '75.5', op: '<', min: '80' }), reason('threshold', { name: 'TKP', value: '150', op: '<', min: '166' })];
    expect(reasonText(tId, 'id', grades)).toBe('TIU 75,5 < 80; TKP 150 < 166');
    expect(reasonText(tEn, 'en', grades.slice(0, 1))).toBe('TIU 75.5 < 80');
    expect(reasonText(tEn, 'en', [reason('skbIncomplete', {})])).toBe('SKB scores incomplete');
    const opt = [reason('optimalisasi', { seat: 1, formation: 'F06', position: 'Pranata Komputer Ahli Pertama' })];
    expect(reasonText(tId, 'id', opt)).toBe('optimalisasi: mengisi kursi 1 formasi F06 (Pranata Komputer Ahli Pertama) yang tidak terpenuhi');
    expect(reasonText(tEn, 'en', opt)).toBe('optimisation: fills seat 1 of formation F06 (Pranata Komputer Ahli Pertama), which was not filled');
    const waits = [reason('waitsCandidates', { formation: 'F01', list: reasonList(['1', '2', '3', '4', '5', '6', '7'], 'candidates') })];
    expect(reasonText(tEn, 'en', waits)).toBe('results of formation F01 are incomplete (BL): 1, 2, 3, 4, 5 and 2 others');
    expect(reasonText(tId, 'id', waits)).toBe(reasonsId(waits));
    // Without the data (an answer from an older workstation), the engine's sentence is shown as it is.
    expect(reasonText(tEn, 'en', undefined, 'nilai SKB belum lengkap')).toBe('nilai SKB belum lengkap');
  });

  it('has an Indonesian and an English text for every reason code, and the Indonesian one is the sentence the engine signs', () => {
    const id = (idJson as { results: { reason: Record<string, string> } }).results.reason;
    const en = (enJson as { results: { reason: Record<string, string> } }).results.reason;
    for (const code of REASON_CODES) {
      expect(id[code], `id.json results.reason.${code}`).toBeTruthy();
      expect(en[code], `en.json results.reason.${code}`).toBeTruthy();
    }
    expect(Object.keys(SAMPLES).sort()).toEqual([...REASON_CODES].sort());
    for (const r of Object.values(SAMPLES)) {
      // The screen in Bahasa Indonesia says exactly what the signed sheet, the export and the site print.
      expect(reasonText(tId, 'id', [r])).toBe(reasonId(r));
      // Only a comparison ("SKD 300 < 311") reads the same in English.
      if (r.code !== 'threshold') expect(reasonText(tEn, 'en', [r])).not.toBe(reasonId(r));
    }
  });

  it('finds a candidate by part of the number or the name, ignoring case and accents', () => {
    expect(matchesSearch('0001', '263374000012', 'Budi')).toBe(true);
    expect(matchesSearch('  ', '263374000012', 'Budi')).toBe(true);
    expect(matchesSearch('dwi angga', '1', 'Dwi Ângga Prasetyo')).toBe(true);
    expect(matchesSearch('PRASETYO', '1', 'Dwi Angga Prasetyo')).toBe(true);
    expect(matchesSearch('siti', '1', 'Dwi Angga')).toBe(false);
    expect(matchesSearch('9999', '263374000012', undefined)).toBe(false);
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
