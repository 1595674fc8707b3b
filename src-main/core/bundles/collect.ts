import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { rank } from '../ranking/engine';
import { gatherFacts } from '../ranking/inputs';
import { loadRuleset, type LoadedRuleset } from '../ranking/rulesets';
import { resultDigest } from '../sheets/result-sheet';
import { maskNik } from '../roster/fields';
import { sha256Hex } from '../util/hash';
import { resourcesDir } from '../util/resources';
import { factsToJson } from './facts';
import { bundlePath, DATA_FILES, type BundleItem } from './format';

type Kind = keyof typeof DATA_FILES;

export interface Collected {
  ruleset: LoadedRuleset & { text: string };
  /** each kind read when asked, so an export holds one kind's records at a time, not all of them */
  items: Record<Kind, () => Iterable<BundleItem>>;
  /** signed PDFs of the exam: name → absolute path */
  pdfs: Map<string, string>;
}

const parseJson = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

/** Rows one at a time, mapped as they come: a table of 300,000 score entries is never held as objects. */
function* mapRows<T, U>(rows: IterableIterator<unknown>, f: (r: T) => U): Generator<U> {
  for (const r of rows) yield f(r as T);
}

/**
 * Each row of `stmt` as `({ omitted, ...rest }) => rest` makes it (its columns in their order, those in `omit` left
 * out), then given to `make` with a way to read any of its columns. The rows are read as arrays and copied a column
 * at a time: object rest and spread cost 5 µs a row, 1.5 s of the 291,428 score entries at 100,000 candidates, and
 * this a fifth of that. A column a migration adds is carried as before. The statement is left giving arrays (its
 * text is this module's alone).
 */
function* rowsWithout<U>(stmt: Statement, args: unknown[], omit: readonly string[], make: (body: Record<string, unknown>, column: (name: string) => unknown) => U): Generator<U> {
  const names = stmt.columns().map((c) => c.name);
  const kept = names.flatMap((name, i) => (omit.includes(name) ? [] : [i]));
  const at = new Map(names.map((name, i) => [name, i]));
  let row: unknown[] = [];
  const column = (name: string) => row[at.get(name)!];
  for (row of stmt.raw().iterate(...args) as IterableIterator<unknown[]>) {
    const body: Record<string, unknown> = {};
    for (const i of kept) body[names[i]!] = row[i];
    yield make(body, column);
  }
}

function groupBy<T>(rows: T[], key: (r: T) => string, value: (r: T) => unknown): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const r of rows) {
    const k = key(r);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(value(r));
  }
  return m;
}

/**
 * Blind values stay home until settled (core/scoring/blind.ts): a panel value until the chair finalized the
 * candidate, a paper entry until the second entry agreed or a third person resolved the sheet. A bundle is
 * published, so a panelist or clerk could otherwise read another's value from the hub; being incremental, the
 * next bundle after settling carries them.
 */
const SETTLED_ENTRY = `NOT (e.source = 'panel' AND NOT EXISTS (SELECT 1 FROM finalizations f WHERE f.session_id = e.session_id AND f.nomor_peserta = e.nomor_peserta))
  AND NOT (e.source = 'paper'
    AND NOT EXISTS (SELECT 1 FROM score_entries r WHERE r.exam_id = e.exam_id AND r.nomor_peserta = e.nomor_peserta AND r.stage_code = e.stage_code AND r.source = 'resolution')
    AND (NOT EXISTS (SELECT 1 FROM score_entries s WHERE s.exam_id = e.exam_id AND s.nomor_peserta = e.nomor_peserta AND s.stage_code = e.stage_code AND s.source = 'paper' AND s.slot = 'second')
      OR EXISTS (SELECT 1 FROM score_entries s JOIN score_entries f ON f.exam_id = s.exam_id AND f.nomor_peserta = s.nomor_peserta AND f.stage_code = s.stage_code AND f.item = s.item AND f.source = 'paper' AND f.slot = 'first'
                  WHERE s.exam_id = e.exam_id AND s.nomor_peserta = e.nomor_peserta AND s.stage_code = e.stage_code AND s.source = 'paper' AND s.slot = 'second' AND s.units <> f.units)))`;

/**
 * Every record of an exam a bundle can carry, each with a stable key. Personal data leaves masked: the NIK as on
 * the sheets, the birth date as a year (its order survives in the ranking facts, see facts.ts).
 */
export function collectExam(db: Db, examId: string, examCode: string, pdfDir: string): Collected {
  const exam = sql(db, 'SELECT ruleset FROM exams WHERE id = ?').get(examId) as { ruleset: string };
  const loaded = loadRuleset(exam.ruleset);
  // The exact bytes whose sha256 the sheets print: a recomputation starts from the same file.
  const text = readFileSync(join(resourcesDir(), 'rulesets', `${exam.ruleset}.json`), 'utf8');
  const sessionCode = new Map((sql(db, 'SELECT id, code FROM sessions WHERE exam_id = ?').all(examId) as { id: string; code: string }[]).map((s) => [s.id, s.code]));
  const code = (id: string | null) => (id === null ? null : (sessionCode.get(id) ?? id));
  type Person = { nomor_peserta: string; nama: string; nik: string; tanggal_lahir: string; jenis_kelamin: string; pendidikan: string; ipk_x100: number; kode_formasi: string; kategori: string };

  const candidate = () =>
    mapRows((sql(db, 'SELECT * FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta').iterate(examId)), (c: Person) => ({
      key: c.nomor_peserta,
      body: {
        nomor_peserta: c.nomor_peserta,
        nama: c.nama,
        nik: maskNik(c.nik),
        tahun_lahir: String(c.tanggal_lahir).slice(0, 4),
        jenis_kelamin: c.jenis_kelamin,
        pendidikan: c.pendidikan,
        ipk_x100: c.ipk_x100,
        kode_formasi: c.kode_formasi,
        kategori: c.kategori,
      },
    }));
  const formation = () => (sql(db, 'SELECT code, position, unit, education, quota FROM formations WHERE exam_id = ? ORDER BY code').all(examId) as { code: string }[]).map((f) => ({ key: f.code, body: f }));
  const session = () => {
    const panel = groupBy(
      sql(db, 'SELECT p.session_id, p.nip, p.name, p.role FROM session_panel p JOIN sessions s ON s.id = p.session_id WHERE s.exam_id = ? ORDER BY p.ord').all(examId) as { session_id: string; nip: string; name: string; role: string }[],
      (p) => p.session_id,
      (p) => ({ nip: p.nip, name: p.name, role: p.role }),
    );
    const listed = groupBy(
      sql(db, 'SELECT sc.session_id, sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ? ORDER BY sc.nomor_peserta').all(examId) as { session_id: string; nomor_peserta: string }[],
      (r) => r.session_id,
      (r) => r.nomor_peserta,
    );
    return (sql(db, 'SELECT id, code, stage_code, venue_code, room, starts_at, closed_at, closed_by FROM sessions WHERE exam_id = ? ORDER BY code').all(examId) as { id: string; code: string }[]).map(({ id, ...s }) => ({
      key: s.code,
      body: { ...s, panel: panel.get(id) ?? [], candidates: listed.get(id) ?? [] },
    }));
  };
  const attendance = () =>
    rowsWithout(sql(db, 'SELECT a.* FROM attendance_events a JOIN sessions s ON s.id = a.session_id WHERE s.exam_id = ? ORDER BY a.seq'), [examId], ['session_id'], (body, column) => {
      body.session = code(column('session_id') as string | null);
      return { key: body.id as string, body };
    });
  const score_entry = () => {
    const imports = new Map((sql(db, 'SELECT id, file_name, sha256 FROM score_imports WHERE exam_id = ?').all(examId) as { id: string; file_name: string; sha256: string }[]).map((i) => [i.id, { file: i.file_name, sha256: i.sha256 }]));
    return rowsWithout(sql(db, `SELECT * FROM score_entries e WHERE e.exam_id = ? AND ${SETTLED_ENTRY} ORDER BY e.at, e.id`), [examId], ['exam_id', 'session_id', 'import_id'], (body, column) => {
      body.session = code(column('session_id') as string | null);
      const importId = column('import_id') as string | null;
      body.import = importId ? (imports.get(importId) ?? null) : null;
      return { key: body.id as string, body };
    });
  };
  const panel_submission = () =>
    (sql(db, 'SELECT p.* FROM panel_submissions p JOIN sessions s ON s.id = p.session_id WHERE s.exam_id = ? AND EXISTS (SELECT 1 FROM finalizations f WHERE f.session_id = p.session_id AND f.nomor_peserta = p.nomor_peserta) ORDER BY p.at, p.id').all(examId) as { id: string; session_id: string; snapshot: string }[]).map(
      ({ session_id, snapshot, ...p }) => ({ key: p.id, body: { ...p, session: code(session_id), snapshot: parseJson(snapshot) } }),
    );
  const finalization = () => {
    const signoffs = groupBy(
      sql(db, 'SELECT so.* FROM signoffs so JOIN finalizations f ON f.id = so.finalization_id JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ? ORDER BY so.at').all(examId) as { finalization_id: string; account_id: string; at: string }[],
      (s) => s.finalization_id,
      (s) => ({ account_id: s.account_id, at: s.at }),
    );
    return (sql(db, 'SELECT f.* FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ? ORDER BY f.at, f.id').all(examId) as { id: string; session_id: string; result: string }[]).map(
      ({ session_id, result, ...f }) => ({ key: f.id, body: { ...f, session: code(session_id), result: parseJson(result), signoffs: signoffs.get(f.id) ?? [] } }),
    );
  };
  const amendment = () =>
    (
      sql(db, 'SELECT r.*, d.decision, d.note, d.actor AS decided_by, d.at AS decided_at, d.entry_id FROM amendment_requests r LEFT JOIN amendment_decisions d ON d.request_id = r.id WHERE r.exam_id = ? ORDER BY r.at, r.id').all(examId) as {
        id: string;
        exam_id: string;
      }[]
    ).map(({ exam_id: _e, ...a }) => ({ key: a.id, body: a }));

  // Facts and results come from one ranking run, made when first asked for and dropped after the second.
  let ranked: { facts: BundleItem[]; results: BundleItem[] } | undefined;
  const ranking = () => {
    if (ranked) return ranked;
    const facts = gatherFacts(db, examId, loaded.ruleset);
    const results = rank(loaded.ruleset, facts.formations, facts.candidates);
    ranked = {
      // Without the birth order: a bundle is published whole (bundles/age-order.ts says where the hub takes it from).
      facts: facts.candidates.map((c) => ({ key: c.nomorPeserta, body: factsToJson(c) })),
      results: results.map((r) => ({ key: r.nomor_peserta, body: { digest: resultDigest(examCode, r, loaded.sha256), result: r } })),
    };
    return ranked;
  };
  const taken = new Set<string>();
  const once = (which: 'facts' | 'results') => () => {
    const out = ranking()[which];
    taken.add(which);
    if (taken.size === 2) ranked = undefined;
    return out;
  };

  const pdfs = new Map<string, string>();
  // Only a name the manifest takes as a bundle path (pdf/<name>): a stray one (a macOS "._" file left by a copy
  // through a FAT stick, a name starting with "-") made a bundle every verifier refused, recorded and queued, and the
  // chain after it stalled (found by review). Such a file is not a sheet Lentera wrote: it stays out.
  if (existsSync(pdfDir)) for (const f of readdirSync(pdfDir).sort()) if (f.endsWith('.pdf') && bundlePath.safeParse(`pdf/${f}`).success) pdfs.set(f, join(pdfDir, f));

  return {
    ruleset: { ...loaded, text },
    items: { candidate, formation, session, attendance, score_entry, panel_submission, finalization, amendment, facts: once('facts'), result: once('results') },
    pdfs,
  };
}

/**
 * A record's digest: sha256 of its JSON line as written in the bundle. The line is what travels, so export and
 * merge compare exactly the bytes they write and read.
 */
export function lineDigest(line: string): string {
  return sha256Hex(line);
}

export function itemDigest(body: unknown): string {
  return lineDigest(JSON.stringify(body));
}
