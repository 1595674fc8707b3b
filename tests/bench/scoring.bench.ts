import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { openDatabase } from '../../src-main/core/db/open';
import { demoPackage } from '../../src-main/core/demo/generate';
import type { ExamPackage } from '../../src-main/core/exams/package-schema';
import { printFigures } from './report';

const WRITES = 10_000;
const PIN = '739104';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A package with one interview session of `candidates` candidates, `panelists` panelists and `criteria` criteria. */
function interviewPackage(candidates: number, panelists: number, criteria: number): { pkg: ExamPackage; nips: string[] } {
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

function workstation(dir: string, pkg: ExamPackage, nips: string[]) {
  const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });
  const file = join(dir, 'exam.json');
  writeFileSync(file, JSON.stringify(pkg));
  return app.invokeAsync('exams.import', { file: { path: file } }, { local: 'bench' }).then(() => {
    const tokens = nips.map((nip, i) => {
      app.invoke('accounts.create', { name: `panelis${i + 1}`, displayName: `Panelis ${i + 1}`, role: i === 0 ? 'chair' : 'examiner', nip, pin: PIN }, { local: 'bench' });
      return (app.invoke('accounts.login', { name: `panelis${i + 1}`, pin: PIN }, {}) as { value: { token: string } }).value.token;
    });
    for (const r of pkg.roster) app.invoke('attendance.checkIn', { exam: pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: r.nomor_peserta }, { local: 'bench' });
    return { app, tokens };
  });
}

/** Score write latency through the registry vs a bare insert, and a whole session aggregated and finalized. */
export async function benchScoring(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-scoring-'));
  try {
    // 1. Latency: 10,000 panel.score writes (each its own audited transaction), interleaved with bare inserts.
    const { pkg, nips } = interviewPackage(250, 1, 8);
    const { app, tokens } = await workstation(join(dir, 'a'), pkg, nips);
    const bare = openDatabase(join(dir, 'bare.db'), { create: true });
    const insert = bare.prepare('INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)');
    const registry: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const nomor = pkg.roster[i % pkg.roster.length]!.nomor_peserta;
      let t = process.hrtime.bigint();
      const r = app.invoke('panel.score', { exam: pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: nomor, criterion: `k${(i % 8) + 1}`, value: 1 + (i % 5) }, { token: tokens[0]! });
      registry.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (!r.ok) throw new Error(r.error.message);
      t = process.hrtime.bigint();
      insert.run(`k${i}`, String(i), new Date().toISOString(), 'bench');
      baseline.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    app.close();
    bare.close();
    registry.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);

    // 2. A session of 300 candidates × 5 panelists × 8 criteria: scores in, submitted, aggregated and finalized.
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

    printFigures('Score writes through the registry (panel.score, one audited transaction each, synchronous=FULL), 10,000 writes', [
      { name: 'p50 latency', value: percentile(registry, 50), unit: 'ms', baselineName: 'bare insert, same pragmas, p50', baseline: percentile(baseline, 50), better: 'lower' },
      { name: 'p99 latency', value: percentile(registry, 99), unit: 'ms', baselineName: 'bare insert, same pragmas, p99', baseline: percentile(baseline, 99), better: 'lower' },
    ]);
    console.log(
      `session of 300 candidates x 5 panelists x 8 criteria: ${(entered / 1000).toFixed(2)} s to write and submit 12,000 scores through the registry, ` +
        `${(finalized / 1000).toFixed(2)} s to aggregate and finalize all 300 (${(finalized / 300).toFixed(2)} ms per candidate)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
