import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { tempDir } from './helpers';

const local = { local: 't' };
const EXAM = 'CPNS-SMG-2026';

/**
 * ranking.compute answers from the last ranking of the exam while nothing was written, and ranks again after any
 * write: its own (a score import) or another connection's (a second process on the same file).
 */
describe('ranking.compute, cached until the data changes', () => {
  it('answers a second formation and a repeat from one ranking, and a fresh one after any write', async () => {
    const dir = join(tempDir(), 'demo');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    try {
      await app.invokeAsync('workstation.demo', { candidates: 60 }, local);
      const compute = (formation?: string) => app.invoke('ranking.compute', { exam: EXAM, ...(formation ? { formation } : {}) }, local) as any;
      const first = compute('F01').value;
      const again = compute('F01').value;
      // the same ranking: its very result objects, and the formation's rows only
      expect(again.results[0]).toBe(first.results[0]);
      expect(first.results.every((r: any) => r.kode_formasi === 'F01' || r.optimalisasi_ke === 'F01')).toBe(true);
      const whole = compute().value;
      expect(whole.results.find((r: any) => r.nomor_peserta === first.results[0].nomor_peserta)).toBe(first.results[0]);
      expect(first.results[0].nama).toMatch(/\S/);

      const db = app.workstation!.db;
      const raw = db.prepare('SELECT quota FROM formations WHERE code = ?').pluck().get('F01') as number;

      // Another connection commits: the quota of F01 goes up by one (the file, not this app's connection).
      const other = new Database(join(dir, 'lentera.db'));
      other.prepare('UPDATE formations SET quota = quota + 1 WHERE code = ?').run('F01');
      other.close();
      const afterOther = compute('F01').value;
      expect(afterOther.results[0]).not.toBe(first.results[0]);
      expect(afterOther.formations[0].quota).toBe(raw + 1);

      // This connection writes: the next answer is a fresh ranking again.
      db.prepare('UPDATE formations SET quota = quota - 1 WHERE code = ?').run('F01');
      const afterOwn = compute('F01').value;
      expect(afterOwn.results[0]).not.toBe(afterOther.results[0]);
      expect(afterOwn.formations[0].quota).toBe(raw);
      expect(afterOwn.results.map((r: any) => [r.nomor_peserta, r.status, r.final])).toEqual(first.results.map((r: any) => [r.nomor_peserta, r.status, r.final]));
    } finally {
      app.close();
    }
  });
});
