import type { Db } from '../db/open';
import { chainHead, type ChainHead } from '../audit/chain';
import { requireExam } from '../exams/exams';
import { examFormations } from '../exams/structure';
import type { RankedCandidate } from '../ranking/engine';
import { rankingAnswer } from '../ranking/answer';
import { readTransaction } from '../db/transaction';
import { decimalComma, longDate, wibTime } from '../sheets/format';
import { statusWords } from '../sheets/result-sheet';
import { LenteraError } from '../util/errors';
import { displayOrder } from '../../shared/ranking-order';
import { FINAL_SCORE, INTERVIEW_SCORE_100, threePlaces } from '../../shared/score-labels';
import { fileSafe, finishPrint, openPrint, UNSIGNED_NOTE } from './page';

export interface RankingPrintData {
  exam: { code: string; name: string; agency: string };
  formation: { code: string; position: string; unit: string; education: string; quota: number };
  ruleset: { id: string; version: string; sha256: string };
  chainHead: ChainHead;
  /** the formation's own candidates in the order the results page shows them, then those who came by optimalisasi */
  own: (RankedCandidate & { nama: string })[];
  incoming: (RankedCandidate & { nama: string })[];
  printedAt: Date;
  /** the interview stages: their column is "Nilai wawancara (skala 0–100)", as on the result sheet */
  interviewStages?: string[];
}

/**
 * The formation's ranking as `ranking.compute` answers it (raw scores, the exam's ruleset; only final values, so
 * nothing a blind panel has not released), with the audit chain head it was printed at: both read in one read
 * transaction, so the head printed is one the ranking is true at. `keep` as for `rankingAnswer`.
 */
export function rankingPrintData(db: Db, examCode: string, formationCode: string, at: Date, opts: { keep?: boolean } = {}): RankingPrintData {
  return readTransaction(db, () => {
    const exam = requireExam(db, examCode);
    const formation = examFormations(db, exam.id).find((f) => f.code === formationCode);
    if (!formation) throw new LenteraError('NOT_FOUND', `No formation ${formationCode} in exam ${exam.code}.`, { formation: formationCode });
    const answer = rankingAnswer(db, exam.code, formation.code, opts);
    const results = answer.results;
    const own = results.filter((r) => r.kode_formasi === formation.code).sort(displayOrder);
    const incoming = results.filter((r) => r.kode_formasi !== formation.code && r.optimalisasi_ke === formation.code).sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
    return {
      exam: answer.exam,
      formation: { code: formation.code, position: formation.position, unit: formation.unit, education: formation.education, quota: formation.quota },
      ruleset: { id: answer.ruleset.id, version: answer.ruleset.version, sha256: answer.ruleset.sha256 },
      chainHead: chainHead(db),
      own,
      incoming,
      printedAt: at,
      interviewStages: answer.interviewStages,
    };
  });
}

export function rankingFileName(examCode: string, formation: string): string {
  return `peringkat-${fileSafe(examCode)}-${fileSafe(formation)}.pdf`;
}

interface Column {
  head: string;
  width: number;
  align: 'left' | 'right';
  /** the widest columns wrap; the others are one line */
  cell: (r: RankedCandidate & { nama: string }) => string;
  bold?: (r: RankedCandidate) => boolean;
}

/** The status as the results page and the sheets put it: "P/L SEMENTARA" and, under it, what that means for now. */
function statusCell(r: RankedCandidate): string {
  const provisional = r.provisional === true;
  return `${r.status}${provisional ? ' SEMENTARA' : ''}\n${statusWords(r.status, provisional)}`;
}

function reasonCell(r: RankedCandidate): string {
  const parts = [r.reason];
  if (r.optimalisasi_ke && r.optimalisasi_ke !== r.kode_formasi) parts.push(`Dari formasi ${r.kode_formasi}.`);
  if (r.provisional) parts.push(`Sementara: ${r.provisional_reason ?? 'ada nilai yang belum lengkap'}.`);
  if (r.decided_by) parts.push(`Penentu urutan: ${r.decided_by}.`);
  return parts.join(' ');
}

function columns(d: RankingPrintData, width: number): Column[] {
  const rows = [...d.own, ...d.incoming];
  const components = [...new Set(rows.flatMap((r) => Object.keys(r.components)))];
  const stages = [...new Set(rows.flatMap((r) => Object.keys(r.stages)))];
  const num = (head: string, cell: Column['cell'], w = 40): Column => ({ head, width: w, align: 'right', cell });
  const cols: Column[] = [
    num('Peringkat', (r) => (r.rank === null ? '–' : String(r.rank)), 48),
    { head: 'Nomor peserta', width: 74, align: 'left', cell: (r) => r.nomor_peserta },
    { head: 'Nama', width: 0, align: 'left', cell: (r) => r.nama || '–' },
    ...components.map((k) => num(k.toUpperCase(), (r) => decimalComma(r.components[k]), 34)),
    ...(rows.some((r) => r.skd_total !== null) ? [num('SKD', (r) => decimalComma(r.skd_total), 34)] : []),
    ...(rows.some((r) => r.skb !== null) ? [num('SKB', (r) => decimalComma(r.skb), 44)] : []),
    ...stages.map((k) => {
      const interviews = stages.filter((s) => d.interviewStages?.includes(s));
      if (!interviews.includes(k)) return num(k, (r) => decimalComma(r.stages[k]), 50);
      return num(interviews.length > 1 ? `${INTERVIEW_SCORE_100} ${k}` : INTERVIEW_SCORE_100, (r) => decimalComma(threePlaces(r.stages[k])), 64);
    }),
    { ...num(FINAL_SCORE, (r) => decimalComma(r.final), 48), bold: () => true },
    { head: 'Status', width: 100, align: 'left', cell: statusCell, bold: (r) => r.provisional !== true },
    { head: 'Keterangan', width: 0, align: 'left', cell: reasonCell },
  ];
  // The name and the reasons share what the score columns leave, the reasons getting more.
  const fixed = cols.reduce((s, c) => s + c.width, 0);
  const free = Math.max(160, width - fixed);
  cols[2]!.width = Math.round(free * 0.36);
  cols[cols.length - 1]!.width = free - cols[2]!.width;
  return cols;
}

const PAD = 2.5;
const BODY = 7.5;

/** Renders the ranking of one formation for A4 (landscape: the score columns and the reasons side by side). */
export async function renderRankingPdf(d: RankingPrintData): Promise<Buffer> {
  const p = await openPrint({ title: `Peringkat formasi ${d.formation.code} — ${d.exam.code}`, author: d.exam.agency, at: d.printedAt, landscape: true, footerLines: 3 });
  const { doc, left, width } = p;
  const cols = columns(d, width);
  const printed = `${longDate(d.printedAt)}, pukul ${wibTime(d.printedAt)}`;

  doc.font('bold').fontSize(12).text(d.exam.agency.toUpperCase(), left, doc.y, { width });
  doc.font('body').fontSize(9).text(`${d.exam.name} (${d.exam.code})`, { width });
  doc.moveDown(0.4);
  doc.font('bold').fontSize(13).text(`PERINGKAT FORMASI ${d.formation.code} — ${d.formation.position}`, { width });
  doc.font('body').fontSize(9).text(`Unit kerja ${d.formation.unit} · pendidikan ${d.formation.education} · kebutuhan ${d.formation.quota} · ${d.own.length} peserta`, { width });
  doc.text(`Dicetak ${printed}`, { width });
  if ([...d.own, ...d.incoming].some((r) => r.provisional)) {
    doc.font('bold').text('Sebagian status masih SEMENTARA: ada nilai yang belum lengkap, sehingga status tersebut masih dapat berubah.', { width });
  }
  doc.moveDown(0.5);

  const headRow = () => {
    const y = doc.y;
    doc.font('bold').fontSize(BODY);
    const h = Math.max(...cols.map((c) => doc.heightOfString(c.head, { width: c.width - 2 * PAD }))) + 2 * PAD;
    doc.rect(left, y, width, h).fillColor('#e6e6e6').fill().fillColor('#000000');
    let x = left;
    for (const c of cols) {
      doc.text(c.head, x + PAD, y + PAD, { width: c.width - 2 * PAD, align: c.align });
      x += c.width;
    }
    doc.moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(0.75).stroke();
    doc.y = y + h;
  };
  const runningHead = () => {
    doc.font('bold').fontSize(8).text(`Peringkat formasi ${d.formation.code} — ${d.exam.code} (lanjutan)`, left, doc.page.margins.top, { width });
    doc.moveDown(0.3);
  };

  const table = (rows: (RankedCandidate & { nama: string })[]) => {
    headRow();
    for (const r of rows) {
      const cells = cols.map((c) => c.cell(r));
      doc.fontSize(BODY);
      const h = Math.max(...cols.map((c, i) => doc.font(c.bold?.(r) ? 'bold' : 'body').heightOfString(cells[i]!, { width: c.width - 2 * PAD }))) + 2 * PAD;
      if (doc.y + h > p.bottom) {
        doc.addPage();
        runningHead();
        headRow();
      }
      const y = doc.y;
      let x = left;
      cols.forEach((c, i) => {
        doc.font(c.bold?.(r) ? 'bold' : 'body').fontSize(BODY).text(cells[i]!, x + PAD, y + PAD, { width: c.width - 2 * PAD, align: c.align });
        x += c.width;
      });
      doc.moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(0.25).strokeColor('#999999').stroke().strokeColor('#000000');
      doc.y = y + h;
    }
  };

  if (d.own.length === 0) doc.font('body').fontSize(10).text('Formasi ini belum mempunyai peserta.', left, doc.y, { width });
  else table(d.own);
  if (d.incoming.length > 0) {
    if (doc.y + 60 > p.bottom) {
      doc.addPage();
      runningHead();
    }
    doc.moveDown(0.8);
    doc.font('bold').fontSize(10).text(`Mengisi formasi ${d.formation.code} melalui optimalisasi`, left, doc.y, { width });
    doc.moveDown(0.3);
    table(d.incoming);
  }

  return finishPrint(p, {
    lines: [
      `Kepala rantai audit saat dicetak: #${d.chainHead.seq} ${d.chainHead.hash}`,
      `Aturan penilaian: ${d.ruleset.id} versi ${d.ruleset.version}, sha256 ${d.ruleset.sha256}`,
      `${UNSIGNED_NOTE} Dicetak ${printed}.`,
    ],
  });
}
