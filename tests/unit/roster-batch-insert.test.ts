import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoPackage, demoRosterCsv } from '../../src-main/core/demo/generate';
import { requireExam, updateCandidate } from '../../src-main/core/exams/exams';
import type { Db } from '../../src-main/core/db/open';
import type { CandidateInput } from '../../src-main/core/roster/row';
import { importRoster, planRosterImport } from '../../src-main/core/roster/roster';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { writeTransaction } from '../../src-main/core/db/transaction';
import { appWithExam, rolledBack } from './helpers';

// importRoster writes new candidates ROWS_PER_INSERT (128) at a time: the rows, their order (rowid) and every
// column must be what a plain one-row INSERT, written out here as the reference, writes row by row, on rosters long enough to fill many statements and leave
// some rows over, with updates, duplicates and invalid rows among them.
/** The reference: one candidate, one statement, every column named and bound by position. */
function insertOne(db: Db, examId: string, c: CandidateInput, at: string, ws: string): void {
  db.prepare(
    'INSERT INTO candidates (exam_id, nomor_peserta, nik, nama, tanggal_lahir, jenis_kelamin, pendidikan, ipk_x100, kode_formasi, kategori, created_at, updated_at, workstation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(examId, c.nomorPeserta, c.nik, c.nama, c.tanggalLahir, c.jenisKelamin, c.pendidikan, c.ipk, c.kodeFormasi, c.kategori, at, at, ws);
}

describe('roster import: new candidates written many per statement', () => {
  it('leaves the table exactly as the row-by-row reference does (rowid order included), on random rosters of up to 700 rows', async () => {
    const app = await appWithExam(demoPackage(40));
    const db = app.workstation!.db;
    const examId = requireExam(db, 'CPNS-SMG-2026').id;
    // A pool of lines: the exam's own candidates (so some rows are updates or unchanged) and 800 others.
    const [header, ...pool] = demoRosterCsv(demoPackage(800, 7)).trim().split(/\r?\n/);
    const own = demoRosterCsv(demoPackage(40)).trim().split(/\r?\n/).slice(1);
    const edited = own.map((l) => l.replace(/;(S1|D3|S2)/, ';$1 Baru'));
    const lines = [...pool, ...own, ...edited, 'P-BAD;123;X;31/02/1995;L;S1;9;F99;umum'];
    const state = () => db.prepare('SELECT rowid, * FROM candidates ORDER BY rowid').all();
    const inTransaction = (fn: () => void) => rolledBack(db, fn);
    let n = 0;
    const stats = { inserts: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(lines.length - 1), { maxLength: 700, size: 'max' }), fc.boolean(), async (picks, skipInvalid) => {
        const table = parseCsvText([header, ...picks.map((i) => lines[i]!)].join('\r\n'), `b${n++}.csv`);
        const plan = planRosterImport(db, examId, table);
        let reference: unknown;
        inTransaction(() => {
          if (plan.rejected.length && !skipInvalid) return;
          for (const c of plan.inserts) insertOne(db, examId, c, 'at', 'ws');
          for (const u of plan.updates) updateCandidate(db, examId, u.candidate, 'at');
          reference = state();
        });
        let outcome: ReturnType<typeof importRoster> | undefined;
        let written: unknown;
        inTransaction(() => {
          outcome = importRoster(db, examId, table, { skipInvalid, at: 'at', workstationId: 'ws' });
          written = state();
        });
        stats.inserts += plan.inserts.length;
        expect(outcome).toEqual({ ...plan, inserts: plan.inserts.length, updates: plan.updates.map(({ candidate: _c, ...u }) => u) });
        if (!plan.rejected.length || skipInvalid) expect(written).toEqual(reference);
      }),
      // No shrinking: each run imports hundreds of rows, and a failure's seed and roster are enough to replay it.
      { numRuns: 60, endOnFailure: true },
    );
    // The rosters were long enough to fill statements: thousands of new rows over the runs, not a handful.
    expect(stats.inserts).toBeGreaterThan(2000);
    app.close();
  });

  it('a long roster is written whole: 1,000 rows (seven full statements and 104 over) arrive in file order', async () => {
    const app = await appWithExam({ ...demoPackage(1000, 3), sessions: [], roster: [] });
    const db = app.workstation!.db;
    const examId = requireExam(db, 'CPNS-SMG-2026').id;
    const csv = demoRosterCsv(demoPackage(1000, 3));
    const out = writeTransaction(db, () => importRoster(db, examId, parseCsvText(csv, 'r.csv'), { skipInvalid: false, at: '2026-01-01T00:00:00.000Z', workstationId: 'ws-1' }));
    expect(out.inserts).toBe(1000);
    expect(out.rejected).toEqual([]);
    const rows = db.prepare('SELECT nomor_peserta, created_at, updated_at, workstation_id, exam_id FROM candidates ORDER BY rowid').all() as { nomor_peserta: string; created_at: string; updated_at: string; workstation_id: string; exam_id: string }[];
    expect(rows.map((r) => r.nomor_peserta)).toEqual(csv.trim().split(/\r?\n/).slice(1).map((l) => l.split(';')[0]));
    expect(new Set(rows.map((r) => `${r.created_at}|${r.updated_at}|${r.workstation_id}|${r.exam_id}`))).toEqual(new Set([`2026-01-01T00:00:00.000Z|2026-01-01T00:00:00.000Z|ws-1|${examId}`]));
    app.close();
  });
});
