import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { openDatabase } from '../../src-main/core/db/open';
import { demoPackage } from '../../src-main/core/demo/generate';
import { median, printFigures, timed } from './report';

const N = 5_000;

/** Audited command throughput vs bare better-sqlite3 inserts, both one transaction each, synchronous=FULL. */
export function benchRegistry(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-'));
  try {
    const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
    app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });

    const bare = openDatabase(join(dir, 'bare.db'), { create: true }); // same pragmas, same schema
    const insert = bare.prepare('INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)');
    const one = bare.transaction((i: number) => insert.run(`k${i}`, String(i), new Date().toISOString(), 'bench'));
    // Interleaved rounds, so a busy neighbour on the machine slows both sides alike.
    let baselineMs = 0;
    let auditedMs = 0;
    const rounds = 10;
    const per = N / rounds;
    for (let r = 0; r < rounds; r++) {
      baselineMs += timed(() => {
        for (let i = r * per; i < (r + 1) * per; i++) one(i);
      }).ms;
      auditedMs += timed(() => {
        for (let i = r * per; i < (r + 1) * per; i++) {
          const res = app.invoke('settings.set', { key: `k${i}`, value: String(i) }, { local: 'bench' });
          if (!res.ok) throw new Error(res.error.message);
        }
      }).ms;
    }
    const baseline = { ms: baselineMs };
    const audited = { ms: auditedMs };
    bare.close();
    app.close();

    printFigures('Audited command throughput (5,000 small mutating commands, one transaction each, synchronous=FULL)', [
      {
        name: 'registry + audit chain (settings.set)',
        value: (N / audited.ms) * 1000,
        unit: 'ops/s',
        baselineName: 'bare better-sqlite3 insert',
        baseline: (N / baseline.ms) * 1000,
        better: 'higher',
        target: '<= 2x',
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A workstation of `n` candidates in one session, and a check-in of its `i`-th of `count` candidates, timed. */
async function checkInDesk(dir: string, n: number, count: number): Promise<{ app: LenteraApp; checkIn: (i: number) => number }> {
  const app = new LenteraApp({ dataDir: join(dir, `ws-${n}`), allowInit: true });
  app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });
  const pkg = demoPackage(n, 7);
  const all = pkg.roster.map((r) => r.nomor_peserta);
  const file = join(dir, `exam-${n}.json`);
  writeFileSync(file, JSON.stringify({ ...pkg, sessions: [{ ...pkg.sessions[0]!, code: 'ALL', panel: [], candidates: all }] }));
  const imported = await app.invokeAsync('exams.import', { file: { path: file } }, { local: 'bench' });
  if (!imported.ok) throw new Error(imported.error.message);
  const checkIn = (i: number) =>
    timed(() => {
      const r = app.invoke('attendance.checkIn', { exam: pkg.exam.code, session: 'ALL', nomorPeserta: all[Math.floor((i * all.length) / count)]! }, { local: 'bench' });
      if (!r.ok) throw new Error(r.error.message);
    }).ms;
  return { app, checkIn };
}

/** A check-in at 100,000 candidates against the same at 1,000: the exam's package no longer rides in its row (migration 21). */
export async function benchCheckIn(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-'));
  try {
    const count = 200;
    const desks = [await checkInDesk(dir, 1_000, count), await checkInDesk(dir, 100_000, count)];
    // Interleaved, one check-in at each desk in turn: the code is as warm, and the machine as busy, for both.
    const small: number[] = [];
    const large: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        small.push(desks[0]!.checkIn(i));
        large.push(desks[1]!.checkIn(i));
      }
    } finally {
      for (const d of desks) d.app.close();
    }
    printFigures('An audited check-in as the roster grows (in process, 200 check-ins at each desk in turn, synchronous=FULL)', [
      {
        name: 'attendance.checkIn, 100,000 candidates in the session',
        value: median(large),
        unit: 'ms',
        baselineName: 'the same at 1,000 candidates',
        baseline: median(small),
        better: 'lower',
        goal: { kind: 'cost', max: 1.2 },
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
