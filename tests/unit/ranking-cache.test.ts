import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { rankingAnswer, rankingFile } from '../../src-main/core/ranking/answer';
import { APPENDED_INPUTS } from '../../src-main/core/db/changes';
import { scoresPage, type ScoresQuery } from '../../src-main/core/scoring/scores-page';
import { readTransaction } from '../../src-main/core/db/transaction';
import { PdfFile } from '../../src-main/core/sheets/pdf-structure';
import { pageTexts } from '../../src-main/core/sheets/pdf-text';
import { printedScoringForms } from '../../src-main/core/print/scoring-forms';
import { ManualClock, tempDir } from './helpers';

const local = { local: 't' };
const EXAM = 'CPNS-SMG-2026';

/**
 * The exam's last ranking answers while nothing was written, and the exam is ranked again after any write: this
 * connection's own (a score import) or another connection's (a second process on the same file).
 */
describe('rankingAnswer, cached until the data changes', () => {
  it('answers a second formation and a repeat from one ranking, and a fresh one after any write', async () => {
    const dir = join(tempDir(), 'demo');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    try {
      await app.invokeAsync('workstation.demo', { candidates: 60 }, local);
      const db = app.workstation!.db;
      const compute = (formation?: string) => rankingAnswer(db, EXAM, formation);
      const first = compute('F01');
      const again = compute('F01');
      // the same ranking: its very result objects, and the formation's rows only
      expect(again.results[0]).toBe(first.results[0]);
      expect(first.results.every((r) => r.kode_formasi === 'F01' || r.optimalisasi_ke === 'F01')).toBe(true);
      const whole = compute();
      expect(whole.results.find((r) => r.nomor_peserta === first.results[0]!.nomor_peserta)).toBe(first.results[0]);
      expect(first.results[0]!.nama).toMatch(/\S/);

      const raw = db.prepare('SELECT quota FROM formations WHERE code = ?').pluck().get('F01') as number;

      // Another connection commits: the quota of F01 goes up by one (the file, not this app's connection).
      const other = new Database(join(dir, 'lentera.db'));
      other.prepare('UPDATE formations SET quota = quota + 1 WHERE code = ?').run('F01');
      other.close();
      const afterOther = compute('F01');
      expect(afterOther.results[0]).not.toBe(first.results[0]);
      expect(afterOther.formations[0]!.quota).toBe(raw + 1);

      // This connection writes: the next answer is a fresh ranking again.
      db.prepare('UPDATE formations SET quota = quota - 1 WHERE code = ?').run('F01');
      const afterOwn = compute('F01');
      expect(afterOwn.results[0]).not.toBe(afterOther.results[0]);
      expect(afterOwn.formations[0]!.quota).toBe(raw);
      expect(afterOwn.results.map((r) => [r.nomor_peserta, r.status, r.final])).toEqual(first.results.map((r) => [r.nomor_peserta, r.status, r.final]));
    } finally {
      app.close();
    }
  });
});

/**
 * ranking.compute and ranking.export on the ranking thread (api/ranker.ts): the very answers ranked on the calling
 * thread, never holding up a request behind them, fresh after any write, ready again after a burst of changes, and
 * still answered when the thread dies.
 */
describe('the ranking thread', () => {
  let dir: string;
  let app: LenteraApp;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lentera-ranker-'));
    dir = join(root, 'ranker');
    app = new LenteraApp({ dataDir: dir, allowInit: true });
    const r = await app.invokeAsync('workstation.demo', { candidates: 400 }, local);
    expect(r.ok).toBe(true);
  }, 60_000);
  afterAll(() => {
    app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers exactly what ranking on this thread answers, per formation, for the exam and as files', async () => {
    expect(app.ranker).toBeDefined();
    for (const formation of ['F01', 'F02', undefined]) {
      const r = (await app.invokeAsync('ranking.compute', { exam: EXAM, ...(formation ? { formation } : {}) }, local)) as { ok: true; value: unknown };
      expect(r.ok).toBe(true);
      expect(r.value).toEqual(rankingAnswer(app.workstation!.db, EXAM, formation));
    }
    const csv = (await app.invokeAsync('ranking.export', { exam: EXAM, formation: 'F01', format: 'csv-excel' }, local)) as { ok: true; value: { name: string; dataBase64: string } };
    expect(csv.value.name).toBe(`hasil-${EXAM}-F01-excel.csv`);
    const bytes = Buffer.from(csv.value.dataBase64, 'base64');
    expect(bytes.equals((await rankingFile(app.workstation!.db, EXAM, 'F01', 'csv-excel')).bytes)).toBe(true);
    for (const r of rankingAnswer(app.workstation!.db, EXAM, 'F01').results) expect(bytes.toString('utf8')).toContain(`${r.nomor_peserta};`);
    const xlsx = (await app.invokeAsync('ranking.export', { exam: EXAM, format: 'xlsx' }, local)) as { ok: true; value: { name: string; dataBase64: string } };
    expect(Buffer.from(xlsx.value.dataBase64, 'base64').subarray(0, 2).toString()).toBe('PK');
  });

  it('answers scores.page on the thread as on this one, kept there and brought up to date after a write', async () => {
    const viewer = { local: true, actor: 'cli:t', name: '' };
    const exam = app.workstation!.db.prepare('SELECT id FROM exams WHERE code = ?').pluck().get(EXAM) as string;
    const ask = async (input: Record<string, unknown>) => (await app.invokeAsync('scores.page', { exam: EXAM, ...input }, local)) as { ok: true; value: Record<string, unknown> };
    const queries: ({ offset?: number; limit: number } & Omit<ScoresQuery, 'offset' | 'limit'>)[] = [{ stage: 'SKD', limit: 50 }, { search: 'a', offset: 7, limit: 20 }, { state: 'confirmed', offset: 100, limit: 3 }];
    for (const q of queries) {
      const r = await ask(q);
      expect(r.ok).toBe(true);
      expect(r.value).toEqual({ offset: q.offset ?? 0, ...scoresPage(app.workstation!.db, exam, { offset: 0, ...q }, viewer) });
    }
    // An amendment written by another connection: the thread's next page has it.
    const nomor = (await ask({ stage: 'SKD', state: 'confirmed', limit: 1 })).value.rows as { nomorPeserta: string }[];
    expect((await ask({ state: 'amended', search: nomor[0]!.nomorPeserta })).value.total).toBe(0);
    const other = new Database(join(dir, 'lentera.db'));
    other
      .prepare("INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, actor, at, reason, workstation_id) SELECT 'thread-amend', exam_id, stage_code, nomor_peserta, item, 1, 'amendment', 'cli:t', at, 'Salah ketik.', workstation_id FROM score_entries WHERE exam_id = ? AND nomor_peserta = ? AND stage_code = 'SKD' AND item = 'twk'")
      .run(exam, nomor[0]!.nomorPeserta);
    other.close();
    const after = await ask({ state: 'amended', search: nomor[0]!.nomorPeserta });
    expect((after.value.rows as { nomorPeserta: string; item: string }[]).map((r) => [r.nomorPeserta, r.item])).toEqual([[nomor[0]!.nomorPeserta, 'twk']]);
    expect(app.ranker!.fallbacks).toBe(0);
  });

  it('holds up no request: a status asked after a ranking started is answered first', async () => {
    const order: string[] = [];
    // A fresh ranking: another connection changes the database first.
    const other = new Database(join(dir, 'lentera.db'));
    other.prepare("UPDATE formations SET quota = quota + 1 WHERE code = 'F01'").run();
    other.close();
    const ranking = app.invokeAsync('ranking.compute', { exam: EXAM }, local).then((r) => order.push(`ranking ${r.ok}`));
    const status = app.invokeAsync('system.status', {}, local).then((r) => order.push(`status ${r.ok}`));
    await Promise.all([ranking, status]);
    // Ranked on this thread, the whole ranking would run inside the first call and answer first.
    expect(order).toEqual(['status true', 'ranking true']);
  });

  it('ranks afresh after another connection writes, and again ahead of the screen after a burst of changes', async () => {
    const ranker = app.ranker!;
    await app.invokeAsync('ranking.compute', { exam: EXAM, formation: 'F01' }, local);
    expect(await ranker.warm(EXAM)).toBe(false); // nothing changed since
    const quota = () => ((app.invoke('exams.get', { exam: EXAM }, local) as { ok: true; value: { formations: { code: string; quota: number }[] } }).value.formations.find((f) => f.code === 'F01')!.quota);
    const before = quota();
    const other = new Database(join(dir, 'lentera.db'));
    other.prepare("UPDATE formations SET quota = quota + 1 WHERE code = 'F01'").run();
    other.close();
    const fresh = (await app.invokeAsync('ranking.compute', { exam: EXAM, formation: 'F01' }, local)) as { ok: true; value: { formations: { quota: number }[] } };
    expect(fresh.value.formations[0]!.quota).toBe(before + 1);

    // A change the results page would hear of: the thread ranks the exam once the burst is over, unasked.
    app.workstation!.db.prepare("UPDATE formations SET quota = quota - 1 WHERE code = 'F01'").run();
    ranker.lastWarm = undefined;
    app.events.publish({ type: 'scores.changed', data: { exam: EXAM, stage: 'SKD' } });
    app.events.publish({ type: 'scores.changed', data: { exam: EXAM, stage: 'SKD' } });
    await expect.poll(() => ranker.lastWarm, { timeout: 5_000 }).toBeDefined();
    expect(await ranker.lastWarm).toBe(true);
    // The next look finds it ranked: nothing left to rank.
    expect(await ranker.warm(EXAM)).toBe(false);
    const shown = (await app.invokeAsync('ranking.compute', { exam: EXAM, formation: 'F01' }, local)) as { ok: true; value: { formations: { quota: number }[] } };
    expect(shown.value.formations[0]!.quota).toBe(before);

    // Another exam's change starts nothing.
    ranker.lastWarm = undefined;
    app.events.publish({ type: 'scores.changed', data: { exam: 'ANOTHER', stage: 'SKD' } });
    await new Promise((r) => setTimeout(r, 1_300));
    expect(ranker.lastWarm).toBeUndefined();
  });

  it("passes a refusal on as the calling thread would, and answers on this thread when the ranking thread dies", async () => {
    expect(app.ranker!.fallbacks).toBe(0);
    const missing = await app.invokeAsync('ranking.compute', { exam: 'NO-SUCH-EXAM' }, local);
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error.code).toBe('NOT_FOUND');
      expect(missing.error.message).toContain('NO-SUCH-EXAM');
    }
    const worker = (app.ranker as unknown as { worker: { terminate(): Promise<number> } | undefined }).worker;
    expect(worker).toBeDefined();
    // A change first, so the thread has a whole ranking to make when it is stopped (not an answer from its cache).
    const other = new Database(join(dir, 'lentera.db'));
    other.prepare("UPDATE formations SET quota = quota + 1 WHERE code = 'F02'").run();
    other.close();
    const asked = app.invokeAsync('ranking.compute', { exam: EXAM, formation: 'F02' }, local);
    await worker!.terminate();
    const r = (await asked) as { ok: true; value: unknown };
    expect(r.ok).toBe(true);
    expect(r.value).toEqual(rankingAnswer(app.workstation!.db, EXAM, 'F02'));
    expect(app.ranker!.fallbacks).toBe(1);
    // and the next request starts a new thread
    const again = (await app.invokeAsync('ranking.compute', { exam: EXAM, formation: 'F02' }, local)) as { ok: true; value: unknown };
    expect(again.value).toEqual(r.value);
    expect(app.ranker!.fallbacks).toBe(1);
    // A page of scores asked as the thread stops (a new thread: the scores derived whole there) is answered here.
    const missingScores = await app.invokeAsync('scores.page', { exam: 'NO-SUCH-EXAM' }, local);
    expect(missingScores).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('NO-SUCH-EXAM') } });
    const second = (app.ranker as unknown as { worker: { terminate(): Promise<number> } | undefined }).worker!;
    const page = app.invokeAsync('scores.page', { exam: EXAM, stage: 'SKD', limit: 30 }, local);
    await second.terminate();
    const answered = (await page) as { ok: true; value: { rows: unknown[]; total: number } };
    const examId = app.workstation!.db.prepare('SELECT id FROM exams WHERE code = ?').pluck().get(EXAM) as string;
    expect(answered.value).toEqual({ offset: 0, ...scoresPage(app.workstation!.db, examId, { stage: 'SKD', offset: 0, limit: 30 }, { local: true, actor: 'cli:t', name: '' }) });
    expect(answered.value.rows).toHaveLength(30);
    expect(app.ranker!.fallbacks).toBe(2);
  });
});

describe('the ranking thread on an encrypted workstation', () => {
  it('opens the database with the data key and ranks as this thread does', async () => {
    const dir = join(tempDir(), 'sealed');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    try {
      const r = await app.invokeAsync('workstation.demo', { candidates: 60, encrypt: true }, local);
      expect(r.ok).toBe(true);
      expect(app.workstation!.key).toBeDefined();
      const answer = (await app.invokeAsync('ranking.compute', { exam: EXAM, formation: 'F01' }, local)) as { ok: true; value: unknown };
      expect(answer.ok).toBe(true);
      expect(answer.value).toEqual(rankingAnswer(app.workstation!.db, EXAM, 'F01'));
      // It ranked on its own thread: a connection there that could not decrypt would have made it fall back.
      expect(app.ranker!.fallbacks).toBe(0);
    } finally {
      app.close();
    }
  });
});

/**
 * The cache stands while migration 15's counter stands, so the counter must move with every table a ranking reads.
 * The tables are not listed by hand here: every statement a ranking prepares is recorded, and SQLite's own program for
 * it (EXPLAIN) says which tables and indexes it opens. A ranking that comes to read a new table fails this test until
 * the table has its triggers.
 */
/** What is derived and kept between answers while the counter and the appended rows stand. */
const KEPT: { name: string; derive: (db: Database.Database) => void }[] = [
  { name: 'a ranking', derive: (db) => expect(rankingAnswer(db, EXAM).results.length).toBeGreaterThan(0) },
  {
    name: 'the list of scores',
    derive: (db) => {
      const exam = db.prepare('SELECT id FROM exams WHERE code = ?').pluck().get(EXAM) as string;
      expect(scoresPage(db, exam, { offset: 0, limit: 10 }, { local: true, actor: 'cli:test', name: '' }).total).toBeGreaterThan(0);
    },
  },
];

describe('what a ranking and the list of scores are read from, and what moves their counter', () => {
  it.each(KEPT)('every table $name reads moves the counter on insert, update and delete', async ({ derive }) => {
    const dir = join(tempDir(), 'tables');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    try {
      await app.invokeAsync('workstation.demo', { candidates: 60 }, local);
    } finally {
      app.close();
    }
    const db = new Database(join(dir, 'lentera.db'));
    try {
      const texts = new Set<string>();
      const prepare = db.prepare.bind(db);
      db.prepare = ((text: string) => {
        texts.add(text);
        return prepare(text);
      }) as typeof db.prepare;
      derive(db);
      db.prepare = prepare as typeof db.prepare;

      const byRoot = new Map((db.prepare("SELECT rootpage, tbl_name FROM sqlite_master WHERE rootpage > 0").all() as { rootpage: number; tbl_name: string }[]).map((r) => [r.rootpage, r.tbl_name]));
      const read = new Set<string>();
      for (const text of texts) {
        const params = (text.match(/\?/g) ?? []).length;
        for (const op of db.prepare(`EXPLAIN ${text}`).all(...Array<null>(params).fill(null)) as { opcode: string; p2: number; p3: number }[]) {
          if (op.opcode === 'OpenRead' && op.p3 === 0) read.add(byRoot.get(op.p2)!);
        }
      }
      read.delete('ranking_generation');
      expect([...read].sort()).toEqual(expect.arrayContaining(['candidates', 'finalizations', 'score_entries', 'stages']));

      const triggers = db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; tbl_name: string }[];
      const on = (table: string, prefix: string) => triggers.filter((t) => t.tbl_name === table && t.name.startsWith(prefix)).map((t) => t.name).sort();
      for (const table of read) {
        if ((APPENDED_INPUTS as readonly string[]).includes(table)) {
          // Read by rowid: only ever appended to, which its own triggers enforce (an update of a sign-off is noted).
          const guard = table === 'attendance_events' ? 'attendance' : table; // its triggers' own prefix
          expect({ table, refuses: on(table, `${guard}_no_`) }).toEqual({ table, refuses: table === 'signoffs' ? ['signoffs_no_delete'] : [`${guard}_no_delete`, `${guard}_no_update`] });
          if (table === 'signoffs') expect(on(table, 'ranking_inputs_')).toEqual(['ranking_inputs_signoffs_update']);
          continue;
        }
        // accounts: its insert, delete, and the update of what a ranking reads of it (not a login's counters)
        expect({ table, on: on(table, 'ranking_inputs_') }).toEqual({ table, on: ['delete', 'insert', 'update'].map((e) => `ranking_inputs_${table}_${e}`) });
      }
      const count = () => db.prepare('SELECT n FROM ranking_generation').pluck().get() as number;
      // and they move it: an update of each table read (a no-op value, in a transaction rolled back), where the table
      // allows updates at all (an append-only one refuses them by its own trigger)
      for (const table of read) {
        const col = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).find((c) => table !== 'accounts' || c === 'active')!;
        if ((db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number) === 0) continue;
        db.exec('BEGIN');
        try {
          const before = count();
          let moved: boolean | 'append-only';
          try {
            db.prepare(`UPDATE ${table} SET ${col} = ${col} WHERE rowid = (SELECT min(rowid) FROM ${table})`).run();
            moved = count() > before;
          } catch (e) {
            moved = /append-only/.test((e as Error).message) ? 'append-only' : false;
          }
          expect({ table, moved: moved !== false }).toEqual({ table, moved: true });
        } finally {
          db.exec('ROLLBACK');
        }
      }
      // A login's counters on an account do not.
      const before = count();
      db.prepare('UPDATE accounts SET failed_attempts = failed_attempts + 1, locked_until = NULL').run();
      expect(count()).toBe(before);
    } finally {
      db.close();
    }
  });

  it('a login, a setting and a check-in of another stage leave the ranking; a score entered moves it', async () => {
    const dir = join(tempDir(), 'writes');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    try {
      await app.invokeAsync('workstation.demo', { candidates: 60 }, local);
      const ranker = app.ranker!;
      await app.invokeAsync('ranking.compute', { exam: EXAM, formation: 'F01' }, local);
      expect(await ranker.warm(EXAM)).toBe(false);
      expect((await app.invokeAsync('settings.set', { key: 'venue.label', value: 'Aula Balai Kota' }, local)).ok).toBe(true);
      const login = await app.invokeAsync('accounts.login', { name: 'koordinator', pin: '000000' }, { client: 'tablet' });
      expect(login.ok).toBe(false); // a wrong PIN: counted on the account, audited
      expect(await ranker.warm(EXAM)).toBe(false);
      // Raw, as another process would: a new SKD entry for a candidate moves the counter.
      const db = new Database(join(dir, 'lentera.db'));
      const row = db.prepare("SELECT * FROM score_entries WHERE source = 'cat' LIMIT 1").get() as Record<string, unknown>;
      db.prepare(`INSERT INTO score_entries (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`).run(...Object.values(row).map((v, i) => (Object.keys(row)[i] === 'id' ? `${String(v)}-again` : v)));
      db.close();
      expect(await ranker.warm(EXAM)).toBe(true);
    } finally {
      app.close();
    }
  });
});

describe('readTransaction', () => {
  it('reads one commit throughout, whatever another connection commits meanwhile', () => {
    const file = join(tempDir(), 'read.db');
    const a = new Database(file);
    const b = new Database(file);
    try {
      a.pragma('journal_mode = WAL');
      a.exec('CREATE TABLE t (x INTEGER)');
      a.prepare('INSERT INTO t VALUES (1)').run();
      const count = (db: Database.Database) => db.prepare('SELECT count(*) FROM t').pluck().get() as number;
      const seen = readTransaction(a, () => {
        const first = count(a);
        b.prepare('INSERT INTO t VALUES (2)').run();
        return [first, count(a)];
      });
      expect(seen).toEqual([1, 1]);
      expect(count(a)).toBe(2);
      expect(a.inTransaction).toBe(false);
      // a failure inside ends the transaction too
      expect(() => readTransaction(a, () => a.prepare('SELECT nope FROM t').get())).toThrow(/no such column/);
      expect(a.inTransaction).toBe(false);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('the ranking thread started by a door', () => {
  it('ranks the exam scored last at once, and any exam again after a burst of changes to it, watched or not', async () => {
    const dir = join(tempDir(), 'door');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    try {
      await app.invokeAsync('workstation.demo', { candidates: 60 }, local);
      const ranker = app.ranker!;
      ranker.start();
      expect(await ranker.lastWarm).toBe(true); // nobody asked yet: ranked ahead of the first look
      expect(await ranker.warm(EXAM)).toBe(false);
      const other = new Database(join(dir, 'lentera.db'));
      other.prepare("UPDATE formations SET quota = quota + 1 WHERE code = 'F01'").run();
      other.close();
      ranker.lastWarm = undefined;
      app.events.publish({ type: 'roster.changed', data: { exam: EXAM } });
      await expect.poll(() => ranker.lastWarm, { timeout: 5_000 }).toBeDefined();
      expect(await ranker.lastWarm).toBe(true);
      expect(ranker.fallbacks).toBe(0);
    } finally {
      app.close();
    }
  });
});

/** A print asked with a status right behind it: the status is answered first, the print is a file. */
async function printedBesideStatus(app: LenteraApp, command: string, input: Record<string, string>): Promise<{ name: string; dataBase64: string }> {
  const order: string[] = [];
  const printed = app.invokeAsync(command, input, local).then((r) => {
    order.push('print');
    return r;
  });
  const status = app.invokeAsync('system.status', {}, local).then(() => order.push('status'));
  const [r] = await Promise.all([printed, status]);
  expect(order).toEqual(['status', 'print']);
  expect(r.ok).toBe(true);
  return (r as { ok: true; value: { name: string; dataBase64: string } }).value;
}

describe('prints on the ranking thread (print.ranking, print.scoringForms)', () => {
  it('prints from the kept ranking with the chain head of its state, holding up no request', async () => {
    const dir = join(tempDir(), 'print');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    try {
      await app.invokeAsync('workstation.demo', { candidates: 60 }, local);
      const file = await printedBesideStatus(app, 'print.ranking', { exam: EXAM, formation: 'F01' });
      expect(file.name).toBe(`peringkat-${EXAM}-F01.pdf`);
      const text = pageTexts(new PdfFile(Buffer.from(file.dataBase64, 'base64'))).join('\n');
      // the same rows as the in-thread ranking, and the audit chain head of the database it was read from
      for (const x of rankingAnswer(app.workstation!.db, EXAM, 'F01').results.filter((x) => x.kode_formasi === 'F01')) expect(text).toContain(x.nomor_peserta);
      const head = app.workstation!.db.prepare('SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1').pluck().get() as number;
      expect(text).toMatch(new RegExp(`\\b${head}\\b`));
      expect(app.ranker!.fallbacks).toBe(0);
      const missing = await app.invokeAsync('print.ranking', { exam: EXAM, formation: 'F99' }, local);
      expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      app.close();
    }
  });

  it("prints a session's interview forms there too, the same file as on this thread, and passes a refusal on", async () => {
    const dir = join(tempDir(), 'forms');
    const app = new LenteraApp({ dataDir: dir, allowInit: true, clock: new ManualClock(new Date('2026-12-02T01:00:00.000Z')) });
    try {
      await app.invokeAsync('workstation.demo', { candidates: 60 }, local);
      // Asked of the thread (and answered there: no fallback below), not made here.
      const ranker = app.ranker!;
      const asked: string[] = [];
      const forms = ranker.forms.bind(ranker);
      ranker.forms = (exam, session, at) => (asked.push(session), forms(exam, session, at));
      const file = await printedBesideStatus(app, 'print.scoringForms', { exam: EXAM, session: 'WWC-F01' });
      expect(app.ranker!.fallbacks).toBe(0);
      // Made there from the same data as here: the same pages, word for word (pdfkit dates and ids each file).
      const here = await printedScoringForms(app.workstation!.db, EXAM, 'WWC-F01', new Date('2026-12-02T01:00:00.000Z'));
      expect(file.name).toBe(here.name);
      expect(pageTexts(new PdfFile(Buffer.from(file.dataBase64, 'base64')))).toEqual(pageTexts(new PdfFile(here.bytes)));
      const wrong = await app.invokeAsync('print.scoringForms', { exam: EXAM, session: 'SKD-1' }, local);
      expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_STAGE' } });
      expect(asked).toEqual(['WWC-F01', 'SKD-1']);
      expect(app.ranker!.fallbacks).toBe(0);
    } finally {
      app.close();
    }
  });
});
