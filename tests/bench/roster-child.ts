// One measurement in its own process, so its peak memory (maxRSS) is its own. Prints one JSON line.
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { parseDate, parseIpk } from '../../src-main/core/roster/fields';

const [mode, file, dir, examFile] = process.argv.slice(2) as [string, string, string, string];
let rows = 0;
const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });
const imported = await app.invokeAsync('exams.import', { file: { path: examFile } }, { local: 'bench' });
if (!imported.ok) throw new Error(imported.error.message);
const t0 = process.hrtime.bigint();
if (mode === 'baseline') {
  // The bare cost: parse the same CSV and insert the same rows into the same table with one prepared
  // statement in one transaction (no validation, no duplicate checks, no audit).
  const db = app.workstation!.db;
  const examId = db.prepare('SELECT id FROM exams').pluck().get() as string;
  const at = new Date().toISOString();
  const insert = db.prepare(
    `INSERT INTO candidates (exam_id, nomor_peserta, nik, nama, tanggal_lahir, jenis_kelamin, pendidikan, ipk_x100, kode_formasi, kategori, created_at, updated_at, workstation_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const parsed = Papa.parse<string[]>(readFileSync(file, 'utf8'), { delimiter: ';', skipEmptyLines: true });
  db.transaction(() => {
    for (const r of parsed.data.slice(1)) {
      const d = parseDate(r[3]!);
      const ipk = parseIpk(r[6]!);
      insert.run(examId, r[0], r[1], r[2], d.ok ? d.value : '', r[4], r[5], ipk.ok ? ipk.value : 0, r[7], r[8], at, at, 'bench');
      rows++;
    }
  })();
} else {
  const r = await app.invokeAsync('roster.import', { exam: 'CPNS-SMG-2026', file: { path: file } }, { local: 'bench' });
  if (!r.ok) throw new Error(r.error.message);
  rows = (r.value as { inserts: number }).inserts;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
app.close();
console.log(JSON.stringify({ ms, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
