import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoPackage } from '../../src-main/core/demo/generate';
import { insertCandidate, requireExam, updateCandidate } from '../../src-main/core/exams/exams';
import { isRealDate } from '../../src-main/core/roster/fields';
import { importRoster, planRosterImport } from '../../src-main/core/roster/roster';
import { parseCsvSteps, parseCsvText, parseUnquoted } from '../../src-main/core/roster/table-file';
import { writeTransaction } from '../../src-main/core/db/transaction';
import { appWithExam } from './helpers';

const HEADER = 'nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori';

// Cells of a semicolon CSV without quotes: good values, bad ones, blanks and stray spaces.
const cell = fc.oneof(
  fc.constantFrom('', ' ', 'P-0001', 'P-0002', 'P-0003', '3374011203950001', '3374011203950002', '12/03/1995', '31/02/1995', '1995-03-12', 'L', 'P', 'X', '3,51', '4,5', 'S1', 'F01', 'F99', 'umum', 'papua', ' Agus  Salim '),
  fc.string({ maxLength: 6 }).map((s) => s.replace(/["\r\n;]/g, '')),
);
const line = fc.array(cell, { minLength: 0, maxLength: 10 }).map((cells) => cells.join(';'));
const csvText = fc
  .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), fc.boolean())
  .map(([lines, eol, bom, trailing]) => `${bom ? '\uFEFF' : ''}${[HEADER, ...lines].join(eol)}${trailing ? eol : ''}`);

describe('roster import: the one-pass import and the quote-free CSV path', () => {
  it('reads a quote-free CSV exactly as the step-by-step path does (rows, values, lines, headers), on random files', () => {
    fc.assert(
      fc.property(fc.oneof(csvText, fc.constantFrom('', '\n', HEADER, `${HEADER}\n\n\n`)), (text) => {
        const src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
        const fast = parseUnquoted(src, ';', 'f.csv', 'utf-8');
        const reference = parseCsvSteps(src, ';', 'f.csv', 'utf-8');
        expect(fast).toEqual(reference);
        // the separator found in the header line, where the two above were given one
        const { delimiter: _found, ...detected } = parseCsvText(text, 'f.csv');
        const { delimiter: _given, ...expected } = reference;
        expect(detected).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('isRealDate gives what a Date gives for every day of 1899–2101', () => {
    for (let y = 1899; y <= 2101; y++)
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++) {
          const reference = !(y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
          if (isRealDate(y, m, d) !== reference) throw new Error(`${y}-${m}-${d}`);
        }
    expect([isRealDate(2000, 2, 29), isRealDate(1900, 2, 29), isRealDate(2024, 2, 29), isRealDate(2023, 2, 29)]).toEqual([true, false, true, false]);
  });

  it('importRoster writes exactly what planRosterImport plans, and nothing once a row is rejected (unless skipInvalid)', async () => {
    const app = await appWithExam(demoPackage(10));
    const db = app.workstation!.db;
    const examId = requireExam(db, 'CPNS-SMG-2026').id;
    const state = () => db.prepare('SELECT nomor_peserta, nik, nama, tanggal_lahir, ipk_x100, kode_formasi, kategori FROM candidates ORDER BY nomor_peserta').all();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(csvText, fc.boolean(), async (text, skipInvalid) => {
        const table = parseCsvText(text, `r${n++}.csv`);
        // The reference: the plan, applied as the import used to apply it (all inserts, then all updates).
        let reference: unknown;
        let referenceState: unknown;
        const rollback = new Error('rollback');
        let plan: ReturnType<typeof planRosterImport> | { error: string };
        try {
          plan = planRosterImport(db, examId, table);
        } catch (e) {
          plan = { error: (e as Error).message };
        }
        try {
          writeTransaction(db, () => {
            if ('error' in plan) throw rollback;
            if (!plan.rejected.length || skipInvalid) {
              for (const c of plan.inserts) insertCandidate(db, examId, c, 'at', 'ws');
              for (const u of plan.updates) updateCandidate(db, examId, u.candidate, 'at');
            }
            referenceState = state();
            throw rollback;
          });
        } catch (e) {
          if (e !== rollback) throw e;
        }
        if (!('error' in plan)) reference = { ...plan, inserts: plan.inserts.length, updates: plan.updates.map(({ candidate: _c, ...u }) => u) };
        let outcome: unknown;
        let outcomeState: unknown;
        try {
          writeTransaction(db, () => {
            outcome = importRoster(db, examId, table, { skipInvalid, at: 'at', workstationId: 'ws' });
            outcomeState = state();
            throw rollback;
          });
        } catch (e) {
          if (e !== rollback) outcome = { error: (e as Error).message };
        }
        if ('error' in plan) {
          expect(outcome).toEqual(plan);
          return;
        }
        expect(outcome).toEqual(reference);
        const rejected = (reference as { rejected: unknown[] }).rejected.length > 0;
        // Refused without skipInvalid: the command rolls back, so only what was written before the first rejected
        // row can differ, and it is never kept; with skipInvalid (or nothing rejected) the rows are the same.
        if (!rejected || skipInvalid) expect(outcomeState).toEqual(referenceState);
      }),
      { numRuns: 150 },
    );
  });
});
