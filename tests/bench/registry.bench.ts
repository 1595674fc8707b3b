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

/**
 * One audited check-in on a workstation of `n` candidates in one session: the time of each of `count` check-ins, in
 * process. What a check-in reads (its exam, its candidate, their last event) does not grow with the roster.
 */
async function checkInTimes(dir: string, n: number, count: number): Promise<number[]> {
  const app = new LenteraApp({ dataDir: join(dir, `ws-${n}`), allowInit: true });
  try {
    app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });
    const pkg = demoPackage(n, 7);
    const all = pkg.roster.map((r) => r.nomor_peserta);
    const file = join(dir, `exam-${n}.json`);
    writeFileSync(file, JSON.stringify({ ...pkg, sessions: [{ ...pkg.sessions[0]!, code: 'ALL', panel: [], candidates: all }] }));
    const imported = await app.invokeAsync('exams.import', { file: { path: file } }, { local: 'bench' });
    if (!imported.ok) throw new Error(imported.error.message);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const nomor = all[Math.floor((i * all.length) / count)]!;
      times.push(
        timed(() => {
          const r = app.invoke('attendance.checkIn', { exam: pkg.exam.code, session: 'ALL', nomorPeserta: nomor }, { local: 'bench' });
          if (!r.ok) throw new Error(r.error.message);
        }).ms,
      );
    }
    return times;
  } finally {
    app.close();
  }
}

/** A check-in at 100,000 candidates against the same at 1,000: the exam's package no longer rides in its row (migration 21). */
export async function benchCheckIn(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-'));
  try {
    const small = await checkInTimes(dir, 1_000, 200);
    const large = await checkInTimes(dir, 100_000, 200);
    printFigures('An audited check-in as the roster grows (in process, 200 check-ins each, synchronous=FULL)', [
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
