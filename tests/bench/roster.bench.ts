import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPackage, demoRosterCsv } from '../../src-main/core/demo/generate';
import { printFigures } from './report';

const N = 100_000;

function child(args: string[]): { ms: number; rows: number; maxRssMb: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'roster-child.ts'), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; rows: number; maxRssMb: number };
}

/** Roster import of 100,000 rows from CSV and XLSX, beside a bare parse-and-insert of the same CSV. */
export async function benchRoster(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-roster-'));
  try {
    const pkg = demoPackage(N, 7);
    const exam = { ...pkg, sessions: [], roster: [] };
    const examFile = join(dir, 'exam.json');
    writeFileSync(examFile, JSON.stringify(exam));
    const csv = join(dir, 'roster.csv');
    writeFileSync(csv, demoRosterCsv(pkg));
    const xlsx = join(dir, 'roster.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: false });
    const ws = wb.addWorksheet('Peserta');
    ws.addRow(['nomor_peserta', 'nik', 'nama', 'tanggal_lahir', 'jenis_kelamin', 'pendidikan', 'ipk', 'kode_formasi', 'kategori']).commit();
    for (const r of pkg.roster) {
      const [y, m, d] = r.tanggal_lahir.split('-').map(Number) as [number, number, number];
      ws.addRow([r.nomor_peserta, r.nik, r.nama, new Date(Date.UTC(y, m - 1, d)), r.jenis_kelamin, r.pendidikan, r.ipk, r.kode_formasi, r.kategori]).commit();
    }
    await wb.commit();

    const mk = (name: string) => {
      const d = join(dir, name);
      execFileSync('mkdir', ['-p', d]);
      return d;
    };
    const baseline = child(['baseline', csv, mk('b'), examFile]);
    const viaCsv = child(['import', csv, mk('c'), examFile]);
    const viaXlsx = child(['import', xlsx, mk('x'), examFile]);
    for (const r of [baseline, viaCsv, viaXlsx]) if (r.rows !== N) throw new Error(`expected ${N} rows, got ${r.rows}`);

    const rate = (r: { ms: number }) => (N / r.ms) * 1000;
    printFigures('Roster import, 100,000 rows (through the registry: validation, duplicate checks, audit event)', [
      { name: `CSV import (${(viaCsv.ms / 1000).toFixed(2)} s)`, value: rate(viaCsv), unit: 'rows/s', baselineName: 'bare parse + insert, same table, 1 tx', baseline: rate(baseline), better: 'higher', target: '<= 2x, < 5 s' },
      { name: `XLSX import (${(viaXlsx.ms / 1000).toFixed(2)} s)`, value: rate(viaXlsx), unit: 'rows/s', baselineName: 'bare parse + insert (CSV), same table', baseline: rate(baseline), better: 'higher' },
      { name: 'CSV import peak memory', value: viaCsv.maxRssMb, unit: 'MB', baselineName: 'bare parse + insert peak memory', baseline: baseline.maxRssMb, better: 'lower' },
      { name: 'XLSX import peak memory', value: viaXlsx.maxRssMb, unit: 'MB', baselineName: 'bare parse + insert peak memory', baseline: baseline.maxRssMb, better: 'lower' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
