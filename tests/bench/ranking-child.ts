// One measurement in its own process (its own peak memory). Prints one JSON line.
import { join } from 'node:path';
import { openWorkstation } from '../../src-main/core/workstation/workstation';
import { rank } from '../../src-main/core/ranking/engine';
import { gatherFacts } from '../../src-main/core/ranking/inputs';
import { loadRulesetFile } from '../../src-main/core/ranking/rulesets';

const [mode, dir, rulesetFile] = process.argv.slice(2) as [string, string, string];
const ws = openWorkstation(join(dir, 'ws'));
const examId = ws.db.prepare('SELECT id FROM exams').pluck().get() as string;
const t0 = process.hrtime.bigint();
let rows = 0;
if (mode === 'read') {
  // The floor: merely reading every candidate and every raw score entry of the exam.
  for (const _ of ws.db.prepare('SELECT nomor_peserta, kode_formasi, kategori, ipk_x100, tanggal_lahir FROM candidates WHERE exam_id = ?').iterate(examId)) rows++;
  for (const _ of ws.db.prepare('SELECT nomor_peserta, stage_code, item, units, source, slot FROM score_entries WHERE exam_id = ? ORDER BY at, id').iterate(examId)) rows++;
} else {
  const loaded = loadRulesetFile(rulesetFile);
  const facts = gatherFacts(ws.db, examId, loaded.ruleset);
  rows = rank(loaded.ruleset, facts.formations, facts.candidates).length;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
ws.close();
console.log(JSON.stringify({ ms, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
