import { closeSync, copyFileSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupTo } from '../../src-main/core/custody/backup';
import { seedDemo } from '../../src-main/core/demo/seed';
import { initWorkstation } from '../../src-main/core/workstation/workstation';
import { printFigures, timed } from './report';

const CANDIDATES = Number(process.env.LENTERA_BENCH_BACKUP_CANDIDATES ?? 100_000);
const T0 = '2026-12-01T01:00:00.000Z';

function copied(from: string, to: string): void {
  copyFileSync(from, to);
  const fd = openSync(to, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

/**
 * Issue 17's backup figure: an online backup of a 100k-candidate workstation (VACUUM INTO an encrypted copy, checked,
 * flushed and renamed, as the scheduler writes it), beside copying the same database file and flushing it (the
 * floor: the bytes moved, with no consistency and no check), for the encrypted and the plain workstation.
 */
export function benchCustody(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-custody-'));
  try {
    const rows = [];
    for (const passphrase of ['kuda lumping semarang 2026', undefined]) {
      const ws = initWorkstation(join(dir, passphrase ? 'enc' : 'plain'), { adminName: 'koordinator', pin: '482913', actor: 'bench', ...(passphrase ? { passphrase } : {}) }, { clock: { now: () => new Date(T0) } });
      seedDemo(ws, T0, 'bench', '482913', CANDIDATES);
      ws.db.pragma('wal_checkpoint(TRUNCATE)');
      const usb = join(dir, `usb-${passphrase ? 'enc' : 'plain'}`);
      mkdirSync(usb);
      const db = join(ws.dir, 'lentera.db');
      const bytes = statSync(db).size;
      const runs = [1, 2, 3].map((i) => ({
        backup: timed(() => backupTo(ws.db, ws.dir, join(usb, `b${i}.lbk`), { ...(ws.key ? { key: ws.key } : {}), at: T0 })).ms,
        copy: timed(() => copied(db, join(usb, `c${i}.db`))).ms,
      }));
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
      ws.close();
      rows.push({
        name: `backup of a ${CANDIDATES.toLocaleString('en-US')}-candidate workstation, ${passphrase ? 'encrypted' : 'plain'} (${(bytes / 1024 / 1024).toFixed(0)} MB), median of 3`,
        key: `custody / backup ${passphrase ? 'encrypted' : 'plain'}`,
        value: median(runs.map((r) => r.backup)) / 1000,
        unit: 's',
        baselineName: 'copy the database file and fsync it',
        baseline: median(runs.map((r) => r.copy)) / 1000,
        better: 'lower' as const,
      });
    }
    printFigures('Backups (issue 17): an online, checked copy while the venue works', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
