// One measurement in its own process (its own peak memory). Prints one JSON line.
import { join } from 'node:path';
import { openWorkstation } from '../../src-main/core/workstation/workstation';
import { rank } from '../../src-main/core/ranking/engine';
import { gatherFacts } from '../../src-main/core/ranking/inputs';
import { loadRulesetFile } from '../../src-main/core/ranking/rulesets';
import { rankingAnswer } from '../../src-main/core/ranking/answer';

const [mode, dir, rulesetFile] = process.argv.slice(2) as [string, string, string];
const ws = openWorkstation(join(dir, 'ws'));
const examId = ws.db.prepare('SELECT id FROM exams').pluck().get() as string;
const t0 = process.hrtime.bigint();
let rows = 0;
if (mode === 'read') {
  // The floor: merely reading every candidate and every raw score entry of the exam.
  for (const _ of ws.db.prepare('SELECT nomor_peserta, kode_formasi, kategori, ipk_x100, tanggal_lahir FROM candidates WHERE exam_id = ?').iterate(examId)) rows++;
  for (const _ of ws.db.prepare('SELECT nomor_peserta, stage_code, item, units, source, slot FROM score_entries WHERE exam_id = ? ORDER BY at, id').iterate(examId)) rows++;
} else if (mode === 'kept') {
  // The ranking thread's work: the whole exam once (kept), then one candidate changed at a time (an IPK, as a
  // correction would), each followed by one formation's answer; the changes are undone at the end.
  const code = ws.db.prepare('SELECT code FROM exams WHERE id = ?').pluck().get(examId) as string;
  const t = process.hrtime.bigint();
  rankingAnswer(ws.db, code, 'F001');
  const whole = Number(process.hrtime.bigint() - t) / 1e6;
  const nomors = ws.db.prepare('SELECT nomor_peserta FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta LIMIT 7').pluck().all(examId) as string[];
  const bump = ws.db.prepare('UPDATE candidates SET ipk_x100 = ipk_x100 + ? WHERE exam_id = ? AND nomor_peserta = ?');
  const times: number[] = [];
  for (const n of nomors) {
    bump.run(n === nomors[0] ? 0 : 1, examId, n);
    const t1 = process.hrtime.bigint();
    rows = rankingAnswer(ws.db, code, 'F001').results.length;
    times.push(Number(process.hrtime.bigint() - t1) / 1e6);
  }
  for (const n of nomors.slice(1)) bump.run(-1, examId, n);
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  ws.close();
  console.log(JSON.stringify({ ms: median, whole, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
} else {
  const loaded = loadRulesetFile(rulesetFile);
  const facts = gatherFacts(ws.db, examId, loaded.ruleset);
  rows = rank(loaded.ruleset, facts.formations, facts.candidates).length;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
ws.close();
console.log(JSON.stringify({ ms, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
