// One measurement in its own process, so its peak memory (maxRSS) is its own. Prints one JSON line.
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { openDatabase } from '../../src-main/core/db/open';
import { parseDate, parseIpk } from '../../src-main/core/roster/fields';

const [mode, file, dir, examFile] = process.argv.slice(2) as [string, string, string, string];
const t0 = process.hrtime.bigint();
let rows = 0;
if (mode === 'baseline') {
  // The bare cost: parse the same CSV and insert the same rows with one prepared statement in one transaction.
  const db = openDatabase(join(dir, 'bare.db'), { create: true });
  db.exec(`CREATE TABLE c (nomor TEXT PRIMARY KEY, nik TEXT, nama TEXT, lahir TEXT, jk TEXT, pend TEXT, ipk INTEGER, formasi TEXT, kategori TEXT) STRICT`);
  const insert = db.prepare('INSERT INTO c VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const parsed = Papa.parse<string[]>(readFileSync(file, 'utf8'), { delimiter: ';', skipEmptyLines: true });
  db.transaction(() => {
    for (const r of parsed.data.slice(1)) {
      const d = parseDate(r[3]!);
      const ipk = parseIpk(r[6]!);
      insert.run(r[0], r[1], r[2], d.ok ? d.value : '', r[4], r[5], ipk.ok ? ipk.value : 0, r[7], r[8]);
      rows++;
    }
  })();
  db.close();
} else {
  const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });
  const imported = await app.invokeAsync('exams.import', { file: { path: examFile } }, { local: 'bench' });
  if (!imported.ok) throw new Error(imported.error.message);
  const t1 = process.hrtime.bigint();
  const r = await app.invokeAsync('roster.import', { exam: 'CPNS-SMG-2026', file: { path: file } }, { local: 'bench' });
  if (!r.ok) throw new Error(r.error.message);
  rows = (r.value as { inserts: number }).inserts;
  app.close();
  const ms = Number(process.hrtime.bigint() - t1) / 1e6;
  console.log(JSON.stringify({ ms, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ ms, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
