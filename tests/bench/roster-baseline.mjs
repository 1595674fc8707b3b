// The bare cost of a roster import as a whole node process (issue 16's baseline): start node, read the same CSV,
// parse it with papaparse and insert the same rows into the same table of the same workstation database, with the
// same pragmas, in one transaction. No validation, no duplicate checks, no audit. Plain JavaScript, so no
// TypeScript loader is timed. Usage: node roster-baseline.mjs FILE.csv DB-FILE
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';

const [file, dbFile] = process.argv.slice(2);
const db = new Database(dbFile, { fileMustExist: true, timeout: 30_000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
const examId = db.prepare('SELECT id FROM exams').pluck().get();
const at = new Date().toISOString();
const insert = db.prepare(
  `INSERT INTO candidates (exam_id, nomor_peserta, nik, nama, tanggal_lahir, jenis_kelamin, pendidikan, ipk_x100, kode_formasi, kategori, created_at, updated_at, workstation_id)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const parsed = Papa.parse(readFileSync(file, 'utf8'), { delimiter: ';', skipEmptyLines: true });
let rows = 0;
db.transaction(() => {
  for (const r of parsed.data.slice(1)) {
    const [d, m, y] = r[3].split('/'); // the bench's file writes DD/MM/YYYY and a decimal comma
    insert.run(examId, r[0], r[1], r[2], `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`, r[4], r[5], Math.round(Number(r[6].replace(',', '.')) * 100), r[7], r[8], at, at, 'bench');
    rows++;
  }
})();
db.close();
process.stdout.write(`${rows}\n`);
