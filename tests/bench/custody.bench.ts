import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { backupTo } from '../../src-main/core/custody/backup';
import { SealedFileReader, transcribe } from '../../src-main/core/custody/sealed-file';
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
export async function benchCustody(): Promise<void> {
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
  await benchSealing();
}

const SEALED_MB = Number(process.env.LENTERA_BENCH_SEALED_MB ?? 512);
const EXPORT_CANDIDATES = Number(process.env.LENTERA_BENCH_SEALED_EXPORT_CANDIDATES ?? 20_000);

function readBlocks(file: string, key?: Uint8Array): number {
  const buf = Buffer.allocUnsafe(4 << 20);
  let total = 0;
  if (key) {
    const r = new SealedFileReader(file, key);
    for (let at = 0, n; (n = r.read(buf, 0, buf.length, at)) > 0; at += n) total += n;
    r.close();
    return total;
  }
  const fd = openSync(file, 'r');
  for (let at = 0, n; (n = readSync(fd, buf, 0, buf.length, at)) > 0; at += n) total += n;
  closeSync(fd);
  return total;
}

/**
 * What sealing the files beside the database costs (issue 17, point 1): sealing and opening 512 MB against the same
 * copy and read without it, and a bundle export of a 20,000-candidate workstation encrypted (its scratch records and
 * zip sealed) against the same export of a plain one.
 */
async function benchSealing(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-sealing-'));
  try {
    const key = randomBytes(32);
    const plain = join(dir, 'plain.bin');
    writeFileSync(plain, randomBytes(SEALED_MB << 20));
    const runs = [1, 2, 3].map((i) => ({
      seal: timed(() => transcribe(plain, join(dir, `s${i}`), { toKey: key })).ms,
      // The same loop, flushed the same way, without sealing.
      copy: timed(() => transcribe(plain, join(dir, `c${i}`))).ms,
    }));
    const reads = [1, 2, 3].map((i) => ({ open: timed(() => readBlocks(join(dir, `s${i}`), key)).ms, read: timed(() => readBlocks(join(dir, `c${i}`))).ms }));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    const exports: Record<string, number> = {};
    for (const encrypt of [true, false]) {
      const app = new LenteraApp({ dataDir: join(dir, encrypt ? 'ws-enc' : 'ws-plain'), allowInit: true });
      const demo = (await app.invokeAsync('workstation.demo', { candidates: EXPORT_CANDIDATES, encrypt }, { local: 'bench' })) as { ok: true; value: { signingKey: { passphrase: string } } };
      const t0 = performance.now();
      const r = await app.invokeAsync('bundle.export', { exam: 'CPNS-SMG-2026', passphrase: demo.value.signingKey.passphrase, account: 'koordinator' }, { local: 'bench' });
      exports[encrypt ? 'enc' : 'plain'] = performance.now() - t0;
      if (!r.ok) throw new Error(r.error.message);
      app.close();
    }
    printFigures('Sealed files (issue 17): the signed PDFs, bundles and uploads an encrypted workstation keeps', [
      { name: `seal ${SEALED_MB} MB into a new file (4 MB blocks, fsync), median of 3`, key: 'custody / seal', value: median(runs.map((r) => r.seal)) / 1000, unit: 's', baselineName: 'the same copy, not sealed', baseline: median(runs.map((r) => r.copy)) / 1000, better: 'lower' },
      { name: `open ${SEALED_MB} MB sealed (every tag checked), median of 3`, key: 'custody / open', value: median(reads.map((r) => r.open)) / 1000, unit: 's', baselineName: 'read the plain file', baseline: median(reads.map((r) => r.read)) / 1000, better: 'lower' },
      { name: `bundle export of a ${EXPORT_CANDIDATES.toLocaleString('en-US')}-candidate workstation, encrypted (scratch and zip sealed), one run`, key: 'custody / export sealed', value: exports.enc! / 1000, unit: 's', baselineName: 'the same export, plain workstation', baseline: exports.plain! / 1000, better: 'lower' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
