import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src-main/core/db/open';
import { migrations, LATEST_SCHEMA } from '../../src-main/core/db/migrations';
import { openDatabase } from '../../src-main/core/db/open';
import { writeTransaction } from '../../src-main/core/db/transaction';
import { insertCandidates, listCandidates, type CandidateFilter } from '../../src-main/core/roster/candidates';
import { prng } from '../../src-main/core/demo/generate';
import { insertBareExam, tempDir } from './helpers';
import { referenceListCandidates } from './roster-list-reference';

/**
 * Migration 14 (issue 21) on a workstation that already has an exam: the search index and the latest attendance are
 * filled from the rows already there, and answer as the old query did.
 */

const NAMES = ['Siti Aminah', 'Agus_Salim', 'Dewi 100% Lestari', 'Nur "Kiki" Rahayu', "D'Arcy", 'Éléonore Sári', 'Back\\slash', 'Ab\0Cde', 'Kelvin \u212Aelvin', 'Yuſuf Wibowo'];
const SESSIONS = [
  ['s-1', 'SKD-1'],
  ['s-2', 'SKD-2'],
  ['s-3', 'WWC-F01'],
] as const;

/** An exam with its sessions and candidates, and a history of attendance facts (times out of order, an undo, ties). */
function fill(db: Db, events: readonly [string, string, string, string, number][]): void {
  writeTransaction(db, () => {
    insertBareExam(db, 'exam-1', 'CPNS-X-2026');
    for (const [id, code] of SESSIONS) {
      db.prepare("INSERT INTO sessions (id, exam_id, code, stage_code, venue_code, room, starts_at) VALUES (?, 'exam-1', ?, 'S', 'V', 'R', '2026-12-01T08:00:00+07:00')").run(id, code);
    }
    const people = Array.from({ length: 60 }, (_, i) => ({
      nomorPeserta: `2633740${String(i + 1).padStart(5, '0')}`,
      nik: '3374011203950001',
      nama: `${NAMES[i % NAMES.length]} ${i}`,
      tanggalLahir: '1995-03-12',
      jenisKelamin: 'L' as const,
      pendidikan: 'S1',
      ipk: 351,
      kodeFormasi: i % 3 ? 'F01' : 'F02',
      kategori: 'umum' as const,
    }));
    insertCandidates(db, 'exam-1', people, 'at', 'ws');
    const insert = db.prepare('INSERT INTO attendance_events (id, session_id, nomor_peserta, kind, at, actor, reason, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    events.forEach(([session, nomor, kind, at, seq], i) => insert.run(`ev-${i}`, session, nomor, kind, at, 'test', null, seq));
  });
}

/** Facts for 40 of the 60 candidates, in two or three sessions each, their times shuffled against their seq. */
function history(tied: boolean): [string, string, string, string, number][] {
  const rnd = prng(21);
  const seq = new Map<string, number>();
  const out: [string, string, string, string, number][] = [];
  let n = 0;
  for (let i = 0; i < 120; i++) {
    const [session] = SESSIONS[Math.floor(rnd() * SESSIONS.length)]!;
    const nomor = `2633740${String(1 + Math.floor(rnd() * 40)).padStart(5, '0')}`;
    const kind = ['present', 'absent', 'undo'][Math.floor(rnd() * 3)]!;
    const s = (seq.get(session) ?? 0) + 1;
    seq.set(session, s);
    // Distinct times, unless asked for ties: then a few facts share a time (and maybe a seq) with another session's.
    const at = new Date(Date.UTC(2026, 11, 1) + (tied ? Math.floor(rnd() * 30) : Math.floor(rnd() * 1e6) * 1000 + n++)).toISOString();
    out.push([session, nomor, kind, at, s]);
  }
  return out;
}

const FILTERS: CandidateFilter[] = [];
for (const search of [undefined, 'Siti', 'siti', 'SITI', 'Ag', '_Sa', '100%', '0%', '"Kiki"', "'", 'élé', 'ÉLÉ', '\\sl', 'Cde', 'kel', 'ſuf', '26337400001', '0003', ' 1', '5'])
  FILTERS.push({ search, offset: 0, limit: 200 }, { search, offset: 2, limit: 3 });
for (const session of [undefined, 'SKD-1', 'WWC-F01', 'NONE'])
  for (const attendance of [undefined, 'present', 'absent', 'pending'] as const)
    for (const formation of [undefined, 'F02']) FILTERS.push({ session, attendance, formation, offset: 0, limit: 200 }, { session, attendance, search: 'Siti', offset: 1, limit: 4 });

const latestTables = (db: Db) => ({
  exam: db.prepare('SELECT * FROM attendance_latest ORDER BY exam_id, nomor_peserta').all(),
  session: db.prepare('SELECT * FROM attendance_session_latest ORDER BY session_id, nomor_peserta').all(),
});

describe('migration 14: the roster search index and the latest attendance, on a workstation already in use', () => {
  it('a database at version 13 with candidates and attendance migrates, and roster.list answers as the old query did', () => {
    const file = join(tempDir(), 'lentera.db');
    const v13 = openDatabase(file, { create: true, migrations: migrations.filter((m) => m.version <= 13) });
    expect(v13.pragma('user_version', { simple: true })).toBe(13);
    fill(v13, history(false));
    const before = FILTERS.map((f) => referenceListCandidates(v13, 'exam-1', f));
    v13.close();

    const backups: string[] = [];
    const db = openDatabase(file, { onBackup: (p) => backups.push(p) });
    try {
      expect(LATEST_SCHEMA).toBeGreaterThanOrEqual(14);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA);
      // and migration 15's counter of ranking inputs starts at 0, moved by the next change
      expect(db.prepare('SELECT n FROM ranking_generation').pluck().get()).toBe(0);
      expect(backups).toHaveLength(1);
      // Every candidate is in the index, and the index agrees with the rows (FTS5's own check).
      expect(db.prepare('SELECT COUNT(*) FROM candidates_search').pluck().get()).toBe(60);
      db.prepare("INSERT INTO candidates_search (candidates_search, rank) VALUES ('integrity-check', 1)").run();
      // The same answers as before the upgrade, and as the old query gives on the upgraded file.
      FILTERS.forEach((f, i) => {
        const now = listCandidates(db, 'exam-1', f);
        expect(now, JSON.stringify(f)).toEqual(before[i]);
        expect(now, JSON.stringify(f)).toEqual(referenceListCandidates(db, 'exam-1', f));
      });
      expect(listCandidates(db, 'exam-1', { search: 'siti', offset: 0, limit: 200 }).total).toBe(6);
      expect(listCandidates(db, 'exam-1', { search: '100%', offset: 0, limit: 200 }).rows.map((r) => r.nama)).toEqual(['Dewi 100% Lestari 2', 'Dewi 100% Lestari 12', 'Dewi 100% Lestari 22', 'Dewi 100% Lestari 32', 'Dewi 100% Lestari 42', 'Dewi 100% Lestari 52']);
      // A candidate added after the upgrade is found too.
      writeTransaction(db, () =>
        insertCandidates(db, 'exam-1', [{ nomorPeserta: '263374099999', nik: '3374011203950001', nama: 'Zulkarnaen Baru', tanggalLahir: '1995-03-12', jenisKelamin: 'L', pendidikan: 'S1', ipk: 351, kodeFormasi: 'F01', kategori: 'umum' }], 'at', 'ws'),
      );
      expect(listCandidates(db, 'exam-1', { search: 'karna', offset: 0, limit: 200 }).rows.map((r) => r.nomorPeserta)).toEqual(['263374099999']);
    } finally {
      db.close();
    }
  });

  it("migration 25: a workstation's latest attendance, kept by time before it, becomes the door's (the fact recorded last)", () => {
    const file = join(tempDir(), 'v24.db');
    const v24 = openDatabase(file, { create: true, migrations: migrations.filter((m) => m.version <= 24) });
    // Times shuffled against the order recorded, as after a clock put back.
    fill(v24, history(false));
    const kept = 'SELECT l.session_id, l.nomor_peserta, l.kind FROM attendance_session_latest l';
    // The door's state of each candidate with a fact in a session (attendance.ts: the greatest seq), not kept so.
    const differ = (db: Db) => db.prepare(`SELECT COUNT(*) FROM (SELECT session_id, nomor_peserta, kind FROM attendance_events a WHERE seq = (SELECT MAX(seq) FROM attendance_events b WHERE b.session_id = a.session_id AND b.nomor_peserta = a.nomor_peserta) EXCEPT ${kept})`).pluck().get() as number;
    // Over the exam: the fact recorded last in any of its sessions (the events' rowids), not kept so.
    const differExam = (db: Db) => db.prepare(`SELECT COUNT(*) FROM (SELECT s.exam_id, a.nomor_peserta, a.kind FROM attendance_events a JOIN sessions s ON s.id = a.session_id WHERE a.rowid = (SELECT MAX(b.rowid) FROM attendance_events b JOIN sessions t ON t.id = b.session_id WHERE t.exam_id = s.exam_id AND b.nomor_peserta = a.nomor_peserta) EXCEPT SELECT exam_id, nomor_peserta, kind FROM attendance_latest)`).pluck().get() as number;
    // Before: some candidates' kept state is not the door's.
    expect(differ(v24)).toBeGreaterThan(0);
    expect(differExam(v24)).toBeGreaterThan(0);
    v24.close();
    const db = openDatabase(file);
    try {
      expect(differ(db)).toBe(0);
      expect(differExam(db)).toBe(0);
      expect(db.prepare(`SELECT COUNT(*) FROM attendance_session_latest`).pluck().get()).toBe(db.prepare('SELECT COUNT(*) FROM (SELECT DISTINCT session_id, nomor_peserta FROM attendance_events)').pluck().get());
    } finally {
      db.close();
    }
  });

  it('fills the latest attendance exactly as its trigger keeps it, ties included (the later-recorded fact wins)', () => {
    const events = history(true);
    // Upgraded from 13 with the facts already there (the migration's fill) ...
    const old = join(tempDir(), 'old.db');
    const v13 = openDatabase(old, { create: true, migrations: migrations.filter((m) => m.version <= 13) });
    fill(v13, events);
    v13.close();
    const upgraded = openDatabase(old);
    // ... and at 14 from the start, the same facts recorded one by one (the trigger).
    const fresh = openDatabase(join(tempDir(), 'fresh.db'), { create: true });
    fill(fresh, events);
    try {
      const tables = latestTables(upgraded);
      expect(tables.exam.length).toBeGreaterThan(30);
      expect(tables).toEqual(latestTables(fresh));
      // Ties did happen: some candidate's latest time is shared by another of their facts in another session.
      const tiedFacts = upgraded
        .prepare('SELECT COUNT(*) FROM attendance_latest l WHERE (SELECT COUNT(*) FROM attendance_events a JOIN sessions s ON s.id = a.session_id WHERE s.exam_id = l.exam_id AND a.nomor_peserta = l.nomor_peserta AND a.at = l.at) > 1')
        .pluck()
        .get() as number;
      expect(tiedFacts).toBeGreaterThan(0);
    } finally {
      upgraded.close();
      fresh.close();
    }
  });
});
