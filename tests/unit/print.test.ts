import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';

let dir: string;
let app: LenteraApp;
let exam: string;

interface File {
  name: string;
  mime: string;
  dataBase64: string;
}

/** Invokes a print command as the command line would, and writes the PDF it answers. */
async function printed(command: string, input: Record<string, string>): Promise<{ name: string; file: string; pages: string[] }> {
  const r = (await app.invokeAsync(command, input, { local: 't' })) as { ok: boolean; value: File; error?: { message: string } };
  if (!r.ok) throw new Error(r.error?.message);
  expect(r.value.mime).toBe('application/pdf');
  const file = join(dir, r.value.name);
  writeFileSync(file, Buffer.from(r.value.dataBase64, 'base64'));
  // pdftotext separates pages with a form feed; the last one ends with one too.
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return { name: r.value.name, file, pages: text.split('\f').slice(0, -1) };
}

function qpdfCheck(file: string): string {
  return execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lentera-print-'));
  app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  await app.invokeAsync('workstation.demo', { candidates: 120 }, { local: 't' });
  exam = app.workstation!.db.prepare('SELECT code FROM exams').pluck().get() as string;
  return () => {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  };
}, 60_000);

describe('print.ranking', () => {
  it("prints a formation's ranking with the chain head, the ruleset hash and page N of M on every page", async () => {
    const ranking = (await app.invokeAsync('ranking.compute', { exam, formation: 'F01' }, { local: 't' }) as any).value;
    const head = (app.invoke('audit.head', {}, { local: 't' }) as any).value as { seq: number; hash: string };
    const out = await printed('print.ranking', { exam, formation: 'F01' });
    expect(out.name).toBe(`peringkat-${exam}-F01.pdf`);
    expect(qpdfCheck(out.file)).toContain('No syntax or stream encoding errors found');
    const own = (ranking.results as any[]).filter((r) => r.kode_formasi === 'F01');
    expect(own.length).toBeGreaterThan(0);
    expect(out.pages.length).toBeGreaterThanOrEqual(1);
    out.pages.forEach((page, i) => {
      expect(page).toContain(`Kepala rantai audit saat dicetak: #${head.seq} ${head.hash}`);
      expect(page).toContain(`sha256 ${ranking.ruleset.sha256}`);
      expect(page).toContain(`Halaman ${i + 1} dari ${out.pages.length}`);
      expect(page).toContain('tanpa tanda tangan elektronik');
    });
    const all = out.pages.join('\n');
    expect(all).toContain('PERINGKAT FORMASI F01');
    expect(all).toMatch(/Dicetak \w+, \d+ \w+ \d{4}, pukul \d{2}\.\d{2} WIB/);
    // Every candidate of the formation is there, with the name and the status as the core says it.
    for (const r of own) {
      expect(all).toContain(r.nomor_peserta);
      if (r.nama) expect(all).toContain(r.nama.split(' ')[0]);
    }
    if (own.some((r) => r.provisional)) expect(all).toContain('SEMENTARA');
    const ranked = own.find((r) => r.rank === 1);
    if (ranked?.final) expect(all).toContain(ranked.final.replace('.', ','));
    // Nothing was changed by printing: no audit event.
    expect((app.invoke('audit.head', {}, { local: 't' }) as any).value.seq).toBe(head.seq);
  });

  it('runs over as many pages as the rows need, each saying so', async () => {
    // The demo's biggest formation: the table must break across pages with its header repeated.
    const counts = app.workstation!.db.prepare('SELECT kode_formasi AS f, COUNT(*) AS n FROM candidates GROUP BY kode_formasi ORDER BY n DESC').all() as { f: string; n: number }[];
    const big = counts[0]!;
    const out = await printed('print.ranking', { exam, formation: big.f });
    expect(qpdfCheck(out.file)).toContain('No syntax or stream encoding errors found');
    const pageCount = out.pages.length;
    if (big.n > 30) expect(pageCount).toBeGreaterThan(1);
    for (const [i, page] of out.pages.entries()) {
      expect(page).toContain(`Halaman ${i + 1} dari ${pageCount}`);
      expect(page).toContain('Nomor peserta');
    }
    // No page is empty of candidates (no stray page at the end).
    for (const page of out.pages) expect(page).toMatch(/\d{12}/);
  });

  it('refuses a formation the exam does not have', async () => {
    const r = (await app.invokeAsync('print.ranking', { exam, formation: 'F99' }, { local: 't' })) as any;
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('NOT_FOUND');
  });
});

describe('print.scoringForms', () => {
  it('prints one blank page per candidate of the session, with the rubric, the panel and signature lines', async () => {
    const db = app.workstation!.db;
    const session = db.prepare("SELECT s.code FROM sessions s JOIN stages st ON st.exam_id = s.exam_id AND st.code = s.stage_code WHERE st.kind = 'interview' ORDER BY s.code").pluck().get() as string;
    const overview = (app.invoke('panel.overview', { exam, session }, { local: 't' }) as any).value;
    const listed = db.prepare('SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = ? ORDER BY sc.nomor_peserta').pluck().all(session) as string[];
    const stage = db.prepare("SELECT definition FROM stages WHERE kind = 'interview'").pluck().get() as string;
    const criteria = (JSON.parse(stage) as { rubric: { criteria: { label: string; min: number; max: number }[] } }).rubric.criteria;
    const out = await printed('print.scoringForms', { exam, session });
    expect(out.name).toBe(`formulir-penilaian-${exam}-${session}.pdf`);
    expect(qpdfCheck(out.file)).toContain('No syntax or stream encoding errors found');
    expect(listed.length).toBeGreaterThan(0);
    expect(out.pages.length).toBe(listed.length);
    out.pages.forEach((page, i) => {
      expect(page).toContain('FORMULIR PENILAIAN WAWANCARA');
      expect(page).toContain(listed[i]!);
      expect(page).toContain(session);
      for (const c of criteria) {
        expect(page).toContain(c.label);
        expect(page).toContain(`Nilai ${c.min}–${c.max}`);
      }
      for (const m of overview.panel ?? overview.members ?? []) expect(page).toContain(m.name);
      expect(page).toContain('Catatan');
      expect(page).toContain('Tanda tangan');
      expect(page).toContain(`Halaman ${i + 1} dari ${listed.length}`);
      expect(page).toContain('tanpa tanda tangan elektronik');
    });
  });

  it('is blank even where the panel has scored: every page is the same form but for who it is for', async () => {
    // Some of the demo's interviews are finalized: their forms still carry no score and no note.
    const db = app.workstation!.db;
    const session = db.prepare('SELECT s.code FROM finalizations f JOIN sessions s ON s.id = f.session_id LIMIT 1').pluck().get() as string | undefined;
    expect(session).toBeDefined();
    const people = db.prepare('SELECT c.nomor_peserta, c.nama FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id JOIN candidates c ON c.exam_id = s.exam_id AND c.nomor_peserta = sc.nomor_peserta WHERE s.code = ?').all(session) as { nomor_peserta: string; nama: string }[];
    const out = await printed('print.scoringForms', { exam, session: session! });
    const generic = out.pages.map((page) =>
      page
        .split('\n')
        .filter((l) => !/Nomor peserta|Nama|Formasi|Halaman/.test(l) && !people.some((p) => l.includes(p.nomor_peserta) || l.includes(p.nama)))
        .join('\n'),
    );
    for (const g of generic) expect(g).toBe(generic[0]);
  });

  it('refuses a session that is not an interview', async () => {
    const r = (await app.invokeAsync('print.scoringForms', { exam, session: 'SKD-1' }, { local: 't' })) as any;
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('WRONG_STAGE');
  });
});
