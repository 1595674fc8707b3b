import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { openDatabase, type Db } from '../../src-main/core/db/open';
import { demoPackage } from '../../src-main/core/demo/generate';
import type { ExamPackage } from '../../src-main/core/exams/package-schema';
import { printFigures } from './report';

const WRITES = Number(process.env.LENTERA_BENCH_SCORE_WRITES ?? 3_000);
const PANEL = 50;
/** Issue 16's goal for the audited score write: at most this many times one bare insert. */
const WRITE_GOAL = 1.2;
const PIN = '739104';
const GIVEN = '846135';
// From a CPU profile of 20,000 writes (synchronous=OFF, so only the work shows; 2026-12-04): most of a write is
// SQLite running the 4 reads that enforce the rules (the session with its person, the panelist's seat, the
// candidate's presence and lock, the chain head) beside its 2 inserts; JS (zod, ids, the audit hash) is about a
// fifth. A read outside the write's transaction pays ~6 µs for a read transaction of its own on these machines,
// so the session and its person are one statement. The goal compares 2 rows and 4 reads with 1 insert: the floor
// of the write's own statements run bare (`ownStatementsWriter`) measures how far those alone are from it.
const WHY = 'profiled: the reads are the rules (session with its person, seat, candidate presence and lock, chain head), the 2 rows the audit chain; the logic is zod, ids, the blind salt, the canonical payload and its hash';
/**
 * The reason, from the write's two floors in the same run: its own two rows, and every statement it runs, with no
 * logic at all. When those already miss the goal, the goal cannot be met without dropping a row or a check; what
 * the logic adds over its statements is ours.
 */
const why = (rows: number, statements: number, logic: number) =>
  `${statements > WRITE_GOAL ? `not reachable as written: the entry and its audit event alone are ${rows.toFixed(2)}x one insert, every statement of the write run bare ${statements.toFixed(2)}x; ` : ''}its logic over them ${logic.toFixed(2)}x (${WHY})`;

/**
 * The encrypted write's reason. Its logic is the same on both databases, so what encryption adds is SQLCipher's
 * work on the pages written and read (an AES-256 pass and an HMAC-SHA512 each): a fixed cost per write, which the
 * same 2 rows written with no logic pay too. A ratio to the plain write then moves against a faster plain write.
 */
function whyEncrypted(write: { plain: number; sealed: number }, rows: { plain: number; sealed: number }): string {
  const added = write.sealed - write.plain;
  const addedBare = rows.sealed - rows.plain;
  return `profiled: encryption adds ${added.toFixed(0)} µs to the write and ${addedBare.toFixed(0)} µs to the same 2 rows written with no logic (${(rows.sealed / rows.plain).toFixed(2)}x): SQLCipher's AES-256 and HMAC-SHA512 on each page written; at that cost, 1.15x needs a plain write of ${(added / 0.15).toFixed(0)} µs or more`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A package with one interview session of `candidates` candidates, `panelists` panelists and `criteria` criteria. */
export function interviewPackage(candidates: number, panelists: number, criteria: number): { pkg: ExamPackage; nips: string[] } {
  const pkg = demoPackage(candidates, 11);
  const nips = Array.from({ length: panelists }, (_, i) => `19800101200501${String(1000 + i)}`);
  const stage = pkg.stages.find((s) => s.code === 'SKB-WWC')!;
  const base = stage.rubric!.criteria[0]!;
  stage.rubric = { ...stage.rubric!, criteria: Array.from({ length: criteria }, (_, i) => ({ ...base, code: `k${i + 1}`, label: `Kriteria ${i + 1}`, weight: 1 })) };
  pkg.sessions = [
    {
      code: 'WWC-BENCH',
      stage: 'SKB-WWC',
      venue: 'SMKN7',
      room: 'A',
      starts_at: '2026-12-02T08:00:00+07:00',
      panel: nips.map((nip, i) => ({ name: `Panelis ${i + 1}`, nip, role: i === 0 ? ('chair' as const) : ('examiner' as const) })),
      candidates: pkg.roster.map((r) => r.nomor_peserta),
    },
  ];
  return { pkg, nips };
}

/** A workstation with the package imported and the panel logged in; encrypted at rest when given a passphrase. */
export function workstation(dir: string, pkg: ExamPackage, nips: string[], passphrase?: string) {
  const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913', ...(passphrase ? { passphrase } : {}) }, { local: 'bench' });
  const file = join(dir, 'exam.json');
  writeFileSync(file, JSON.stringify(pkg));
  return app.invokeAsync('exams.import', { file: { path: file } }, { local: 'bench' }).then(() => {
    const tokens = nips.map((nip, i) => {
      // Made with a PIN the coordinator gave, then each panelist chooses their own (until then they may not score).
      app.invoke('accounts.create', { name: `panelis${i + 1}`, displayName: `Panelis ${i + 1}`, role: i === 0 ? 'chair' : 'examiner', nip, pin: GIVEN }, { local: 'bench' });
      const auth = { token: (app.invoke('accounts.login', { name: `panelis${i + 1}`, pin: GIVEN }, { client: `bench-${i}` }) as { value: { token: string } }).value.token, client: `bench-${i}` };
      app.invoke('accounts.changePin', { currentPin: GIVEN, newPin: PIN }, auth);
      return auth.token;
    });
    for (const r of pkg.roster) app.invoke('attendance.checkIn', { exam: pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: r.nomor_peserta }, { local: 'bench' });
    return { app, tokens };
  });
}

/**
 * The two rows of an audited score write (the score entry and its audit event, chained to the head) written into
 * `ws`'s database by bare statements, with no logic at all: one transaction (BEGIN IMMEDIATE) per call.
 */
function twoRowsWriter(ws: { app: LenteraApp; tokens: string[] }, pkg: ExamPackage): (i: number) => void {
  const first = ws.app.invoke('panel.score', { exam: pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: pkg.roster[0]!.nomor_peserta, criterion: 'k1', value: 1 }, { token: ws.tokens[0]! });
  if (!first.ok) throw new Error(first.error.message);
  const fdb = ws.app.workstation!.db;
  const entry = fdb.prepare('SELECT * FROM score_entries ORDER BY rowid DESC LIMIT 1').get() as Record<string, unknown>;
  const event = fdb.prepare('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { payload: string };
  const cols = Object.keys(entry);
  const insertEntry = fdb.prepare(`INSERT INTO score_entries (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const head = fdb.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
  const insertEvent = fdb.prepare('INSERT INTO audit_events (seq, at, actor, command, outcome, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const write = fdb.transaction((i: number) => {
    const at = new Date().toISOString();
    const h = head.get() as { seq: number; hash: string };
    insertEntry.run(...cols.map((c) => (c === 'id' ? `floor-${i}` : c === 'at' ? at : entry[c])));
    insertEvent.run(h.seq + 1, at, 'bench', 'panel.score', 'ok', event.payload, h.hash, randomBytes(32).toString('hex'));
  });
  return (i) => write.immediate(i);
}

/** One statement run during a captured call: how it was run, its text, its arguments. */
interface RunStatement {
  how: 'run' | 'get' | 'all';
  source: string;
  args: unknown[];
}

/**
 * Every statement `call` runs on any better-sqlite3 connection, in order, with its arguments. A bench's means
 * only: the Statement class is wrapped for the length of the call and put back after it.
 */
export function statementsOf(db: Db, call: () => void): RunStatement[] {
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<RunStatement['how'], (...a: unknown[]) => unknown>;
  const kept = { run: proto.run, get: proto.get, all: proto.all };
  const seen: RunStatement[] = [];
  for (const how of ['run', 'get', 'all'] as const) {
    proto[how] = function (this: { source: string }, ...args: unknown[]) {
      seen.push({ how, source: this.source, args });
      return kept[how].apply(this, args);
    };
  }
  try {
    call();
  } finally {
    Object.assign(proto, kept);
  }
  return seen;
}

/**
 * The statements one audited score write runs (its session read, BEGIN IMMEDIATE, the chain head, the panelist's
 * seat, the candidate's presence and lock, the entry, the tally's last rowids and the new row read back, the audit
 * event, COMMIT), captured from a real write and run
 * again bare, each with the arguments it had: no validation, no ids or hashes computed, no logic between them.
 * Only what must be unique is new on each call: the entry's id, the event's place in the chain, the time.
 */
export function ownStatementsWriter(ws: { app: LenteraApp; tokens: string[] }, pkg: ExamPackage): (i: number) => void {
  const station = ws.app.workstation!;
  const captured = statementsOf(station.db, () => {
    const r = ws.app.invoke('panel.score', { exam: pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: pkg.roster[1]!.nomor_peserta, criterion: 'k1', value: 1 }, { token: ws.tokens[0]! });
    if (!r.ok) throw new Error(r.error.message);
  });
  const steps = captured.map((c) => {
    const insert = /^\s*INSERT INTO (\w+) \(([^)]*)\)\s*VALUES\s*\(([^)]*)\)/.exec(c.source);
    // The column each argument binds: the columns whose value is a placeholder, in order.
    const values = insert ? insert[3]!.split(',').map((x) => x.trim()) : [];
    const columns = insert ? insert[2]!.split(',').map((x) => x.trim()).filter((_, k) => values[k] === '?') : [];
    return { ...c, stmt: station.db.prepare(c.source), table: insert?.[1], columns };
  });
  if (steps.filter((s) => s.table).length !== 2) throw new Error(`a score write was expected to insert 2 rows: ${steps.map((s) => s.source.slice(0, 40)).join(' | ')}`);
  return (i) => {
    let head: { seq: number; hash: string } | undefined;
    let inserted = 0;
    const at = new Date().toISOString();
    for (const s of steps) {
      if (!s.table) {
        // The tally's read of the rows added since the last event (core/audit/tally.ts): this call's own row, as in the write.
        const args = /\bgroup_concat\(j, char\(10\) ORDER BY r\)/.test(s.source) && /WHERE rowid > \? AND rowid <= \?/.test(s.source) ? [inserted - 1, inserted] : s.args;
        const got = s.stmt[s.how](...args) as { seq?: number; hash?: string } | undefined;
        if (got && typeof got === 'object' && 'seq' in got && 'hash' in got) head = got as { seq: number; hash: string };
        continue;
      }
      const args = s.args.map((a, k) => {
        const col = s.columns[k];
        if (col === 'id') return `own-${i}`;
        if (col === 'at') return at;
        if (col === 'seq') return head!.seq + 1;
        if (col === 'prev_hash') return head!.hash;
        if (col === 'hash') return randomBytes(32).toString('hex');
        return a;
      });
      const done = s.stmt.run(...args);
      if (s.table === 'score_entries') inserted = Number(done.lastInsertRowid);
    }
  };
}

/**
 * Score write latency through the registry vs a bare write, and a whole session aggregated and finalized.
 * Issue 16's figure: one audited score write (`panel.score`, in process) against BEGIN IMMEDIATE / INSERT / COMMIT
 * on a database with the same schema and pragmas (WAL, synchronous=FULL), p50 of WRITES each, the three kinds of
 * write interleaved one by one so a busy disk or neighbour slows them alike.
 */
export async function benchScoring(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-scoring-'));
  try {
    // 1. Latency: panel.score writes (each its own audited transaction) by a panelist of a 1-person and of a
    // 50-person panel, interleaved with bare inserts.
    const small = interviewPackage(250, 1, 8);
    const wide = interviewPackage(250, PANEL, 8);
    const one = await workstation(join(dir, 'a'), small.pkg, small.nips);
    const fifty = await workstation(join(dir, 'w'), wide.pkg, wide.nips);
    // Issue 17's figure: the same write on a workstation encrypted at rest (SQLCipher 4), against the plain one.
    const sealed = await workstation(join(dir, 'e'), small.pkg, small.nips, 'kuda lumping semarang 2026');
    const registryEncrypted: number[] = [];
    const bare = openDatabase(join(dir, 'bare.db'), { create: true });
    const insert = bare.prepare('INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)');
    const bareWrite = bare.transaction((i: number) => insert.run(`k${i}`, String(i), new Date().toISOString(), 'bench'));
    const registry: number[] = [];
    const registryWide: number[] = [];
    const baseline: number[] = [];
    const score = (ws: { app: LenteraApp; tokens: string[] }, pkg: ExamPackage, i: number, into: number[]) => {
      const nomor = pkg.roster[i % pkg.roster.length]!.nomor_peserta;
      const t = process.hrtime.bigint();
      const r = ws.app.invoke('panel.score', { exam: pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: nomor, criterion: `k${(i % 8) + 1}`, value: 1 + (i % 5) }, { token: ws.tokens[0]! });
      into.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (!r.ok) throw new Error(r.error.message);
    };
    // The floor of an audited write: the same two rows (the score entry and its audit event, chained to the head)
    // written with no logic at all, in the real workstation's database, so the ratio shows what the checks cost.
    // The same on an encrypted workstation shows what SQLCipher's pages cost by themselves.
    const floor = await workstation(join(dir, 'f'), small.pkg, small.nips);
    const floorSealed = await workstation(join(dir, 'fe'), small.pkg, small.nips, 'kuda lumping semarang 2026');
    const twoRows = twoRowsWriter(floor, small.pkg);
    const twoRowsSealed = twoRowsWriter(floorSealed, small.pkg);
    // The floor of its checks: every statement the write runs, replayed bare on a workstation of its own.
    const own = await workstation(join(dir, 'o'), small.pkg, small.nips);
    const ownStatements = ownStatementsWriter(own, small.pkg);
    const ownTimes: number[] = [];
    const floorTimes: number[] = [];
    const floorSealedTimes: number[] = [];
    const timed = (write: (i: number) => void, i: number, into: number[]) => {
      const t = process.hrtime.bigint();
      write(i);
      into.push(Number(process.hrtime.bigint() - t) / 1e6);
    };
    for (let i = 0; i < WRITES; i++) {
      score(one, small.pkg, i, registry);
      timed(twoRows, i, floorTimes);
      timed(twoRowsSealed, i, floorSealedTimes);
      timed(ownStatements, i, ownTimes);
      timed((n) => bareWrite.immediate(n), i, baseline);
      score(fifty, wide.pkg, i, registryWide);
      score(sealed, small.pkg, i, registryEncrypted);
    }
    sealed.app.close();
    one.app.close();
    fifty.app.close();
    floor.app.close();
    floorSealed.app.close();
    own.app.close();
    bare.close();
    for (const xs of [registry, registryWide, baseline, floorTimes, floorSealedTimes, registryEncrypted, ownTimes]) xs.sort((a, b) => a - b);

    const bareName = (p: number) => `BEGIN IMMEDIATE/INSERT/COMMIT, same pragmas, p${p}`;
    const p50 = (xs: number[]) => percentile(xs, 50);
    const WHY_NOW = why(p50(floorTimes) / p50(baseline), p50(ownTimes) / p50(baseline), p50(registry) / p50(ownTimes));
    printFigures(`Score writes through the registry (panel.score in process, one audited transaction each, synchronous=FULL), ${WRITES.toLocaleString('en-US')} writes of each kind interleaved`, [
      { name: 'one audited score write p50 (1-person panel)', key: 'scoring / score write p50', value: percentile(registry, 50) * 1000, unit: 'µs', baselineName: bareName(50), baseline: percentile(baseline, 50) * 1000, better: 'lower', goal: { kind: 'cost', max: WRITE_GOAL }, why: WHY_NOW },
      { name: `one audited score write p50 (${PANEL}-person panel)`, key: 'scoring / score write p50, 50-person panel', value: percentile(registryWide, 50) * 1000, unit: 'µs', baselineName: bareName(50), baseline: percentile(baseline, 50) * 1000, better: 'lower', goal: { kind: 'cost', max: WRITE_GOAL }, why: WHY_NOW },
      { name: 'the same 2 rows (entry + chained audit event), no logic, p50', key: 'scoring / two bare rows p50', value: percentile(floorTimes, 50) * 1000, unit: 'µs', baselineName: bareName(50), baseline: percentile(baseline, 50) * 1000, better: 'lower' },
      { name: 'one audited score write p50, against those 2 rows', key: 'scoring / score write over its two rows', value: percentile(registry, 50) * 1000, unit: 'µs', baselineName: 'the same 2 rows, no logic, p50', baseline: percentile(floorTimes, 50) * 1000, better: 'lower' },
      { name: "every statement of the write (session, chain head, seat, candidate, 2 inserts), run bare, p50", key: 'scoring / own statements bare p50', value: p50(ownTimes) * 1000, unit: 'µs', baselineName: bareName(50), baseline: p50(baseline) * 1000, better: 'lower' },
      { name: 'one audited score write p50, against its statements run bare', key: 'scoring / score write over its statements', value: p50(registry) * 1000, unit: 'µs', baselineName: "the write's statements, no logic, p50", baseline: p50(ownTimes) * 1000, better: 'lower' },
      { name: 'one audited score write p50, encrypted at rest (SQLCipher 4)', key: 'custody / encrypted score write p50', value: percentile(registryEncrypted, 50) * 1000, unit: 'µs', baselineName: 'the same write, plain database, p50', baseline: percentile(registry, 50) * 1000, better: 'lower', goal: { kind: 'cost', max: 1.15 }, why: whyEncrypted({ plain: percentile(registry, 50) * 1000, sealed: percentile(registryEncrypted, 50) * 1000 }, { plain: percentile(floorTimes, 50) * 1000, sealed: percentile(floorSealedTimes, 50) * 1000 }) },
      { name: 'the same 2 rows, no logic, encrypted at rest, p50', key: 'custody / two bare rows encrypted p50', value: percentile(floorSealedTimes, 50) * 1000, unit: 'µs', baselineName: 'the same 2 rows, no logic, plain, p50', baseline: percentile(floorTimes, 50) * 1000, better: 'lower' },
      { name: 'one audited score write p99, encrypted at rest', key: 'custody / encrypted score write p99', value: percentile(registryEncrypted, 99) * 1000, unit: 'µs', baselineName: 'the same write, plain database, p99', baseline: percentile(registry, 99) * 1000, better: 'lower' },
      { name: 'one audited score write p99 (1-person panel)', key: 'scoring / score write p99', value: percentile(registry, 99) * 1000, unit: 'µs', baselineName: bareName(99), baseline: percentile(baseline, 99) * 1000, better: 'lower' },
      { name: `one audited score write p99 (${PANEL}-person panel)`, key: 'scoring / score write p99, 50-person panel', value: percentile(registryWide, 99) * 1000, unit: 'µs', baselineName: bareName(99), baseline: percentile(baseline, 99) * 1000, better: 'lower' },
    ]);

    // 2. A session of 300 candidates × 5 panelists × 8 criteria: scores in, submitted, aggregated and finalized.
    // (LENTERA_BENCH_SCORE_SESSION=0 leaves it out while the latency rows are being worked on.)
    if (process.env.LENTERA_BENCH_SCORE_SESSION !== '0') {
      const big = interviewPackage(300, 5, 8);
      const ws = await workstation(join(dir, 'b'), big.pkg, big.nips);
      const t0 = process.hrtime.bigint();
      {
        for (const r of big.pkg.roster) {
          ws.tokens.forEach((token, p) => {
            for (let c = 1; c <= 8; c++) {
              const res = ws.app.invoke('panel.score', { exam: big.pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: r.nomor_peserta, criterion: `k${c}`, value: 3 + ((p + c) % 2) }, { token });
              if (!res.ok) throw new Error(res.error.message);
            }
            const sub = ws.app.invoke('panel.submit', { exam: big.pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: r.nomor_peserta }, { token });
            if (!sub.ok) throw new Error(sub.error.message);
          });
        }
      }
      const entered = Number(process.hrtime.bigint() - t0) / 1e6;
      const t1 = process.hrtime.bigint();
      const fin = ws.app.invoke('panel.finalize', { exam: big.pkg.exam.code, session: 'WWC-BENCH' }, { token: ws.tokens[0]! });
      if (!fin.ok) throw new Error(fin.error.message);
      const finalized = Number(process.hrtime.bigint() - t1) / 1e6;
      ws.app.close();

      console.log(
        `session of 300 candidates x 5 panelists x 8 criteria: ${(entered / 1000).toFixed(2)} s to write and submit 12,000 scores through the registry, ` +
          `${(finalized / 1000).toFixed(2)} s to aggregate and finalize all 300 (${(finalized / 300).toFixed(2)} ms per candidate)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
