// Issue 12, item 10 (an independent auditor): provisional results were published as final.
//  - In the demo, F01 published three P/L while 4 of its 9 SKB candidates were still BL (missing results), one of
//    them with the highest SKD of the formation; 263374000014 took F06's seat as P/L-1 (optimalisasi) while F06's
//    own three passers were BL. Their signed sheets said "P/L — LULUS". (Issue 14 then made the demo's SKB sessions
//    from its SKD ranking: F01 is now complete, F02 half finalized, F06 not begun; the tests below follow that demo.)
//  - Required: a status that missing results could still change is provisional (the engine says so, and why), shown
//    as SEMENTARA / PROVISIONAL everywhere, never as a final LULUS; optimalisasi runs only over complete formations;
//    and completing the missing results, in any way, never changes a status that was not provisional.
import fc from 'fast-check';
import type { TFunction } from 'i18next';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { collectExam } from '../../src-main/core/bundles/collect';
import { candidatePage, examPage, examView, formationPage, statusHtml } from '../../src-main/core/publish/pages';
import type { SiteExam, SiteInput } from '../../src-main/core/publish/site';
import { rank, type CandidateFacts, type FormationFacts, type RankedCandidate, type StageValue } from '../../src-main/core/ranking/engine';
import { readFlatResults } from '../../src-main/core/ranking/flat';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { sheetInputs } from '../../src-main/core/sheets/batch';
import { renderResultSheet, statusWords } from '../../src-main/core/sheets/result-sheet';
import { resourcesDir } from '../../src-main/core/util/resources';
import { reasonText, statusLabel } from '../../src-renderer/features/results/model';
import { reason, reasonList } from '../../src-main/core/ranking/reasons';
import { translator } from '../unit/i18n';
import { by, expectFinalKept, F, formation, integrationCandidate, integrationFacts, integrationFormations, quotas, stage, type IntegrationGen, type Stage } from './ranking-arbitraries';

const cpns = loadRuleset('cpns-2024').ruleset;
const open = loadRuleset('seleksi-terbuka-2024').ruleset;
const EXAM = 'CPNS-SMG-2026';
const local = { local: 'test' };

// ------------------------------------------------------------------------------------------ the demo, as reported

describe('the demo venue (lentera demo): F01 complete, F02 half finalized, F06 not begun', () => {
  let dir: string;
  let app: LenteraApp;
  let results: RankedCandidate[];
  let examId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lentera-provisional-'));
    app = new LenteraApp({ dataDir: join(dir, 'demo'), allowInit: true });
    await app.invokeAsync('workstation.demo', { candidates: 300 }, local);
    results = (await app.invokeAsync('ranking.compute', { exam: EXAM }, local) as { value: { results: RankedCandidate[] } }).value.results;
    examId = app.workstation!.db.prepare('SELECT id FROM exams WHERE code = ?').pluck().get(EXAM) as string;
  }, 60_000);
  afterAll(() => {
    app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const formation = (code: string) => results.filter((r) => r.kode_formasi === code);

  it('F02 is in progress: its P/L that a BL candidate could still overtake is provisional and names them; the one none can reach is final', () => {
    const f02 = formation('F02');
    const bl = new Set(f02.filter((r) => r.status === 'BL').map((r) => r.nomor_peserta));
    expect(bl.size).toBeGreaterThanOrEqual(1);
    const passers = f02.filter((r) => r.status === 'P/L');
    expect(passers).toHaveLength(2);
    const provisional = passers.filter((p) => p.provisional);
    expect(provisional.length).toBeGreaterThanOrEqual(1);
    for (const p of provisional) {
      expect(p.provisional_reason).toMatch(/^nilai peserta formasi F02 belum lengkap \(BL\): /);
      // It names only BL candidates of its own formation.
      const named = p.provisional_reason!.match(/\d{12}/g) ?? [];
      expect(named.length).toBeGreaterThanOrEqual(1);
      for (const n of named) expect(bl.has(n), n).toBe(true);
    }
    // The final statuses stay unmarked: TL below a passing grade or outside the 3 × quota SKB seats, TH, BL.
    for (const r of f02.filter((x) => ['TL', 'TH', 'BL'].includes(x.status))) expect(r.provisional, r.nomor_peserta).toBeUndefined();
    // F01 is complete and nothing missing can reach it: its P/L are final.
    const f01 = formation('F01');
    expect(f01.some((r) => r.status === 'BL')).toBe(false);
    for (const p of f01.filter((r) => r.status === 'P/L')) expect(p.provisional, p.nomor_peserta).toBeUndefined();
  });

  it("optimalisasi: F01's P/TL do not take F06's seat while F06 is incomplete; they stay P/TL, provisionally", () => {
    expect(formation('F06').every((r) => ['BL', 'TL', 'TH'].includes(r.status))).toBe(true);
    const waiting = formation('F01').filter((r) => r.status === 'P/TL');
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    for (const w of waiting) {
      expect(w.optimalisasi_ke).toBeUndefined();
      expect(w.provisional).toBe(true);
      expect(w.provisional_reason).toContain('optimalisasi jabatan ini menunggu formasi yang belum lengkap (BL): F06');
    }
    expect(results.filter((r) => r.optimalisasi_ke === 'F06')).toEqual([]);
  });

  it("the signed sheet of a provisional P/L says SEMENTARA and why, never 'P/L — LULUS'", async () => {
    const inputs = sheetInputs(app.workstation!.db, examId);
    const r = inputs.results.find((x) => x.kode_formasi === 'F02' && x.status === 'P/L' && x.provisional)!;
    expect(r.provisional).toBe(true);
    const pdf = await renderResultSheet(inputs.data(r, { name: 'Uji', certified: false }));
    const file = join(dir, 'lembar.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Status: P/L SEMENTARA — masuk kebutuhan formasi, belum final');
    expect(text).toContain('Status ini SEMENTARA dan masih dapat berubah: nilai peserta formasi F02 belum lengkap (BL)');
    expect(text).not.toContain('LULUS');
  });

  it('bundles carry the flag and its reason in their results', () => {
    const collected = collectExam(app.workstation!.db, examId, EXAM, join(dir, 'no-pdfs'));
    const items = [...collected.items.result()] as { key: string; body: { result: RankedCandidate } }[];
    const f02 = items.filter((i) => i.body.result.kode_formasi === 'F02' && i.body.result.status === 'P/L');
    expect(f02).toHaveLength(2);
    const marked = f02.filter((i) => i.body.result.provisional);
    expect(marked.length).toBe(formation('F02').filter((r) => r.status === 'P/L' && r.provisional).length);
    for (const i of marked) expect(i.body.result).toMatchObject({ provisional: true, provisional_reason: expect.stringContaining('F02') });
    for (const i of f02.filter((x) => !x.body.result.provisional)) expect(i.body.result).not.toHaveProperty('provisional_reason');
  });

  it('lentera rank shows it, in text and in JSON', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), askSecret: async () => '', osUser: 't' };
    expect(await run(['rank', '--data', join(dir, 'demo'), '--exam', EXAM, '--formation', 'F02', '--json'], io)).toBe(0);
    const json = JSON.parse(out.join('\n')) as { results: RankedCandidate[] };
    const expected = formation('F02').map((r) => [r.nomor_peserta, r.status, r.provisional ?? false]);
    expect(json.results.map((r) => [r.nomor_peserta, r.status, r.provisional ?? false])).toEqual(expected);
    const marked = json.results.find((r) => r.status === 'P/L' && r.provisional)!;
    out.length = 0;
    expect(await run(['rank', '--data', join(dir, 'demo'), '--exam', EXAM, '--formation', 'F02'], io)).toBe(0);
    const lines = out.join('\n').split('\n');
    const line = lines.find((l) => new RegExp(`^F02\\s+${marked.rank}\\s`).test(l))!;
    expect(line).toMatch(/ P\/L SEMENTARA /);
    expect(line).toContain('(sementara: nilai peserta formasi F02 belum lengkap (BL): ');
    // A final status reads as before.
    expect(lines.find((l) => / TL\s+/.test(l) && /peringkat SKD|< \d+/.test(l))).not.toContain('SEMENTARA');
  });

  it('the site shows SEMENTARA where a status is provisional, and LULUS only where it is final', async () => {
    const json = readFileSync(join(resourcesDir(), 'rulesets', 'cpns-2024.json'), 'utf8');
    const value = (await app.invokeAsync('ranking.compute', { exam: EXAM }, local) as { value: { formations: FormationFacts[]; results: (RankedCandidate & { nama: string })[] } }).value;
    const exam: SiteExam = {
      code: EXAM,
      name: 'Seleksi CPNS',
      agency: 'Pemerintah Kota Semarang',
      year: 2026,
      ruleset: { id: 'cpns-2024', version: '2024.1', sha256: 'x'.repeat(64), json },
      formations: value.formations.map((f) => ({ ...f, unit: 'Unit' })),
      candidates: value.results.map((r) => ({ nomor: r.nomor_peserta, nama: r.nama, nikMasked: '3374**', kodeFormasi: r.kode_formasi, kategori: r.kategori })),
      results: value.results.map(({ nama: _n, ...r }) => r),
      facts: {},
      conflicts: [],
      leaves: {},
    };
    const input = { generatedAt: '2026-12-01T03:00:00.000Z' } as SiteInput;
    const v = examView(exam, () => 'd'.repeat(64));
    const html = formationPage(input, v, v.formationByCode.get('F02')!);
    const top = value.results.find((r) => r.kode_formasi === 'F02' && r.status === 'P/L' && r.provisional)!;
    const row = (n: string) => html.split('<tr>').find((r) => r.includes(`${n}.html`))!;
    expect(row(top.nomor_peserta)).toContain('P/L</span> <strong>SEMENTARA</strong> — masuk kebutuhan formasi, belum final');
    expect(row(top.nomor_peserta)).not.toContain('LULUS');
    // LULUS only where nothing missing can change it.
    const final = value.results.filter((r) => r.kode_formasi === 'F02' && r.status === 'P/L' && !r.provisional);
    for (const f of final) expect(row(f.nomor_peserta)).toContain('P/L</span> LULUS');
    expect(html.split('P/L</span> LULUS').length - 1).toBe(final.length);
    expect(html).toContain('Hasil formasi ini masih SEMENTARA');
    const page = candidatePage(input, v, top.nomor_peserta);
    expect(page).toContain('<strong>SEMENTARA</strong>');
    expect(page).toContain('nilai peserta formasi F02 belum lengkap (BL)');
    expect(page).not.toMatch(/P\/L<\/span> LULUS/);
    // The exam's page counts each formation's provisional passes beside its passes: the ones it ranks in, and those
    // optimalisasi brings to it. (The demo has one; here F01's passes are made provisional too, and one of its P/TL
    // is brought to F06 provisionally.)
    const moved = value.results.find((r) => r.kode_formasi === 'F01' && r.status === 'P/TL')!;
    const results = exam.results.map((r) =>
      r.kode_formasi === 'F01' && r.status === 'P/L' ? { ...r, provisional: true as const } : r.nomor_peserta === moved.nomor_peserta ? { ...r, status: 'P/L-F06', optimalisasi_ke: 'F06', provisional: true as const } : r,
    );
    const counted = examPage({ ...input, announcements: [] }, examView({ ...exam, results }, () => 'd'.repeat(64)));
    const seats = (code: string) => results.filter((r) => r.provisional && (r.status === 'P/L' ? r.kode_formasi : r.optimalisasi_ke) === code).length;
    expect([seats('F01'), seats('F02'), seats('F06')]).toEqual([value.results.filter((r) => r.kode_formasi === 'F01' && r.status === 'P/L').length, 1, 1]);
    expect(seats('F01')).toBeGreaterThanOrEqual(2);
    for (const f of value.formations) {
      const line = counted.split('<tr>').find((r) => r.includes(`>${f.code}</a>`))!;
      if (seats(f.code) > 0) expect(line).toContain(` (${seats(f.code)} sementara)</td>`);
      else expect(line).not.toContain('sementara');
    }
  });
});

// ------------------------------------------------------------------------------------------ exact bounds, by hand

/** Integration facts: SKD components, SKB stages (CAT 60 %, interview 40 %), or what is missing. */
function cand(n: string, f: string, skd: [number, number, number] | 'missing' | 'absent', skb: [StageValue | number, StageValue | number] | 'missing', extra: Partial<CandidateFacts> = {}): CandidateFacts {
  const v = (x: StageValue | number) => (typeof x === 'number' ? F(x) : x);
  return {
    nomorPeserta: n,
    kodeFormasi: f,
    kategori: 'umum',
    ipk: 350,
    tanggalLahir: '1995-01-01',
    skd: Array.isArray(skd) ? { twk: F(skd[0]), tiu: F(skd[1]), tkp: F(skd[2]) } : skd,
    skb: skb === 'missing' ? { 'SKB-CAT': 'missing', 'SKB-WWC': 'missing' } : { 'SKB-CAT': v(skb[0]), 'SKB-WWC': v(skb[1]) },
    ...extra,
  };
}

describe('what "could still change" means, exactly', () => {
  it('a BL candidate whose highest possible final equals the P/L exactly: the tie-break decides, exactly (TKP here)', () => {
    // W: SKD 440, SKB 100 → 0.4 × 80 + 60 = 92. Each M has SKD 440 and no SKB yet: at best 92, a tie on final and
    // SKD; then TKP decides. M1 (TKP 201) could pass W; M2 (TKP 199) never can.
    const W = cand('W', 'F1', [100, 140, 200], [100, 100]);
    const beats = rank(cpns, [formation('F1', 1)], [W, cand('M1', 'F1', [100, 139, 201], 'missing')]);
    expect(by(beats, 'W')).toMatchObject({ status: 'P/L', final_exact: '92', provisional: true, provisional_reason: 'nilai peserta formasi F1 belum lengkap (BL): M1' });
    const cannot = rank(cpns, [formation('F1', 1)], [W, cand('M2', 'F1', [101, 140, 199], 'missing')]);
    expect(by(cannot, 'W').status).toBe('P/L');
    expect(by(cannot, 'W').provisional).toBeUndefined();
  });

  it('equal exactly where floating point says otherwise: SKD 288 with SKB 100 ties SKD 321 with SKB 96', () => {
    // 0.4 × (321/550 × 100) + 0.6 × 96 = 0.4 × (288/550 × 100) + 0.6 × 100 = 4452/55 exactly; in floating point the
    // second is larger, which would wrongly let the BL candidate pass W.
    expect(0.4 * ((288 / 550) * 100) + 0.6 * 100).toBeGreaterThan(0.4 * ((321 / 550) * 100) + 0.6 * 96);
    const W = cand('W', 'F1', [65, 80, 176], [96, 96]);
    const tie = rank(cpns, [formation('F1', 1)], [W, cand('M', 'F1', [70, 60, 158], 'missing', { kategori: 'disabilitas' })]);
    expect(by(tie, 'W')).toMatchObject({ status: 'P/L', final_exact: '4452/55' });
    expect(by(tie, 'W').provisional).toBeUndefined(); // at best a tie on final, then SKD 288 < 321
    const above = rank(cpns, [formation('F1', 1)], [W, cand('M', 'F1', [70, 60, 159], 'missing', { kategori: 'disabilitas' })]);
    expect(by(above, 'W').provisional).toBe(true); // SKD 289: at best 4452/55 + 4/55, above W
  });

  it('the maximum of what is missing: one SKB stage known bounds the final (CAT 0 of 60 %, interview at most 100 of 40 %)', () => {
    // W: SKD 440, SKB 50 → 32 + 30 = 62. M: SKD 550, CAT 0, interview missing → at most 40 + 0.6 × 40 = 64 > 62.
    // N: SKD 440, CAT 0, interview missing → at most 32 + 24 = 56 < 62.
    const W = cand('W', 'F1', [100, 140, 200], [50, 50]);
    expect(by(rank(cpns, [formation('F1', 1)], [W, cand('M', 'F1', [150, 175, 225], [0, 'missing'])]), 'W').provisional).toBe(true);
    expect(by(rank(cpns, [formation('F1', 1)], [W, cand('N', 'F1', [100, 140, 200], [0, 'missing'])]), 'W').provisional).toBeUndefined();
    // Absent at one SKB stage: never a final, whatever the other stage gets.
    expect(by(rank(cpns, [formation('F1', 1)], [W, cand('A', 'F1', [150, 175, 225], ['missing', 'absent'])]), 'W').provisional).toBeUndefined();
  });

  it('quota: with quota 2, one BL candidate who could pass both leaves the second provisional and the first final', () => {
    const r = rank(cpns, [formation('F1', 2)], [cand('A', 'F1', [150, 175, 225], [100, 100]), cand('B', 'F1', [100, 140, 200], [80, 80]), cand('M', 'F1', [150, 175, 224], 'missing'), cand('C', 'F1', [100, 100, 200], [50, 50])]);
    expect(by(r, 'A')).toMatchObject({ status: 'P/L', rank: 1 });
    expect(by(r, 'A').provisional).toBeUndefined();
    expect(by(r, 'B')).toMatchObject({ status: 'P/L', rank: 2, provisional: true });
    // C (rank 3) can never come back within the quota: A and B keep their SKB seats and are ahead.
    expect(by(r, 'C')).toMatchObject({ status: 'P/TL' });
    expect(by(r, 'C').provisional).toBeUndefined();
  });

  it('a missing SKD can take an SKB seat (3 × quota) and pass anyone: the seats at the edge and every P/L wait for it', () => {
    const rows = [cand('A', 'F1', [150, 175, 225], [100, 100]), cand('B', 'F1', [100, 140, 200], [90, 90]), cand('C', 'F1', [100, 120, 200], [80, 80]), cand('D', 'F1', [100, 100, 200], [70, 70])];
    const r = rank(cpns, [formation('F1', 1)], [...rows, cand('U', 'F1', 'missing', 'missing')]);
    expect(by(r, 'U').status).toBe('BL');
    expect(by(r, 'A')).toMatchObject({ status: 'P/L', provisional: true, provisional_reason: 'nilai peserta formasi F1 belum lengkap (BL): U' });
    expect(by(r, 'B').provisional).toBeUndefined(); // P/TL: A stays ahead, whatever U gets
    expect(by(r, 'C')).toMatchObject({ status: 'P/TL', provisional: true }); // may lose its SKB seat to U: TL
    expect(by(r, 'D')).toMatchObject({ status: 'TL', reason: 'peringkat SKD 4 di luar 3 × 1 = 3 peserta SKB' });
    expect(by(r, 'D').provisional).toBeUndefined(); // a missing SKD only pushes further out
    // Absent at SKB already: U can take a seat but never pass anyone, so A's P/L is final.
    const absent = rank(cpns, [formation('F1', 1)], [...rows, cand('U', 'F1', 'missing', ['absent', 'absent'])]);
    expect(by(absent, 'A').provisional).toBeUndefined();
    expect(by(absent, 'C').provisional).toBe(true);
  });

  it('the published fixture (flat file): a candidate with a missing TIU and no SKB leaves the P/L final but blocks optimalisasi', () => {
    const HEADER = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir;jabatan;pendidikan;keterangan';
    const rows = [
      '2026000001;F01;1;umum;100;120;200;85.5;3,50;1995-01-01;Analis Kebijakan;S1;',
      '2026000002;F01;1;umum;90;100;180;80;3,40;1994-02-02;Analis Kebijakan;S1;',
      '2026000004;F01;1;umum;100;;200;;3,20;1997-04-04;Analis Kebijakan;S1;',
      '2026000005;F02;2;cumlaude;100;120;200;90;3,90;1998-05-05;Analis Kebijakan;S1;',
    ];
    const facts = readFlatResults(parseCsvText([HEADER, ...rows].join('\n'), 'hasil.csv'), cpns);
    const r = rank(cpns, facts.formations, facts.candidates);
    expect(by(r, '2026000001').status).toBe('P/L');
    expect(by(r, '2026000001').provisional).toBeUndefined();
    expect(by(r, '2026000002')).toMatchObject({ status: 'P/TL', provisional: true, provisional_reason: 'optimalisasi jabatan ini menunggu formasi yang belum lengkap (BL): F01' });
    expect(by(r, '2026000002').optimalisasi_ke).toBeUndefined();
    // Complete the missing TIU: F01 is complete, F02's open seat goes to 2026000002, now final.
    const done = readFlatResults(parseCsvText([HEADER, ...rows.map((l) => l.replace('100;;200', '100;90;200'))].join('\n'), 'hasil.csv'), cpns);
    const after = rank(cpns, done.formations, done.candidates);
    expect(by(after, '2026000002')).toMatchObject({ status: 'P/L-1', optimalisasi_ke: 'F02' });
    expect(after.some((x) => x.provisional)).toBe(false);
  });

  it('optimalisasi: a formation with a BL candidate neither gives nor takes; a group with every formation filled is final', () => {
    const fs = [formation('FA', 2), formation('FB', 1), formation('FC', 1, 'Lain')];
    const base = [cand('a1', 'FA', [150, 175, 225], [90, 90]), cand('b1', 'FB', [150, 175, 225], [95, 95]), cand('b2', 'FB', [150, 175, 225], [85, 85])];
    // FA complete and unfilled, FB complete: b2 fills FA's second seat, final.
    expect(by(rank(cpns, fs, base), 'b2')).toMatchObject({ status: 'P/L-1', optimalisasi_ke: 'FA' });
    expect(by(rank(cpns, fs, base), 'b2').provisional).toBeUndefined();
    // FB has a BL candidate: it gives nothing; b2 waits, provisional.
    const withBl = rank(cpns, fs, [...base, cand('b3', 'FB', [150, 175, 225], 'missing')]);
    expect(by(withBl, 'b2')).toMatchObject({ status: 'P/TL', provisional: true, provisional_reason: expect.stringContaining('optimalisasi jabatan ini menunggu formasi yang belum lengkap (BL): FB') });
    // FA has a BL candidate: it takes nothing.
    const takerBl = rank(cpns, fs, [...base, cand('a2', 'FA', [100, 100, 200], 'missing')]);
    expect(by(takerBl, 'b2')).toMatchObject({ status: 'P/TL', provisional: true });
    // Another position (FC) is not concerned: its P/TL would be final if it had one.
    const fc1 = rank(cpns, fs, [...base, cand('b3', 'FB', [150, 175, 225], 'missing'), cand('c1', 'FC', [150, 175, 225], [90, 90]), cand('c2', 'FC', [150, 175, 225], [80, 80])]);
    expect(by(fc1, 'c2').status).toBe('P/TL');
    expect(by(fc1, 'c2').provisional).toBeUndefined();
    // Every formation of the group certainly filled: no optimalisasi can ever happen, the P/TL are final.
    const full = rank(cpns, [formation('FA', 1), formation('FB', 1)], [cand('a1', 'FA', [150, 175, 225], [90, 90]), cand('a2', 'FA', [150, 175, 225], [80, 80]), cand('b1', 'FB', [150, 175, 225], [95, 95]), cand('b3', 'FB', [100, 100, 170], 'missing')]);
    expect(by(full, 'a2').status).toBe('P/TL');
    expect(by(full, 'a2').provisional).toBeUndefined();
  });

  it('weighted stages: a missing stage is bounded by 100 and the minimum of each stage', () => {
    const c = (n: string, a: StageValue | number, m: StageValue | number, w: StageValue | number): CandidateFacts => ({
      nomorPeserta: n,
      kodeFormasi: 'J1',
      kategori: 'umum',
      ipk: null,
      tanggalLahir: '1975-01-01',
      stages: { ASESMEN: typeof a === 'number' ? F(a) : a, MAKALAH: typeof m === 'number' ? F(m) : m, WAWANCARA: typeof w === 'number' ? F(w) : w },
    });
    // x: 24 + 14 + 45 = 83. y: 0.3 × 90 + 0.2 × 90 + 0.5 × ≤100 ≤ 95: could pass. z: ASESMEN 50 < 60: never ranked.
    const jpt = [formation('J1', 1, 'JPT', '')];
    expect(by(rank(open, jpt, [c('x', 80, 70, 90), c('y', 90, 90, 'missing')]), 'x')).toMatchObject({ status: 'P/L', provisional: true });
    expect(by(rank(open, jpt, [c('x', 80, 70, 90), c('z', 50, 90, 'missing')]), 'x').provisional).toBeUndefined();
    // v: 0.3 × 60 + 0.2 × 60 + 0.5 × ≤100 ≤ 80 < 83: never passes x.
    expect(by(rank(open, jpt, [c('x', 80, 70, 90), c('v', 60, 60, 'missing')]), 'x').provisional).toBeUndefined();
  });

  it('complete results: nothing is provisional', () => {
    const r = rank(cpns, [formation('F1', 1), formation('F2', 2)], [cand('a', 'F1', [100, 140, 200], [80, 80]), cand('b', 'F1', [100, 140, 200], [70, 70]), cand('c', 'F2', [100, 140, 200], [60, 60])]);
    expect(r.some((x) => x.provisional || x.provisional_reason)).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------ the property

/** How each missing value is completed: left missing (a partial completion), absent, or any value, extremes included. */
const completion = fc.record({
  skd: fc.oneof(fc.constant('keep' as const), fc.constant('absent' as const), fc.tuple(fc.constantFrom(0, 60, 65, 100, 150, 500), fc.constantFrom(0, 60, 80, 85, 140, 500), fc.constantFrom(0, 160, 166, 170, 200, 500))),
  cat: fc.oneof(fc.constant('keep' as const), fc.constant('absent' as const), fc.constantFrom(0, 50, 60, 70, 96, 100)),
  wwc: fc.oneof(fc.constant('keep' as const), fc.constant('absent' as const), fc.constantFrom(0, 50, 60, 70, 96, 100)),
});
type Completion = typeof completion extends fc.Arbitrary<infer T> ? T : never;

function complete(cs: IntegrationGen[], fills: Completion[]): IntegrationGen[] {
  return cs.map((c, i) => {
    const fill = fills[i % Math.max(1, fills.length)] ?? { skd: 'keep', cat: 'keep', wwc: 'keep' };
    const skd = c.skd === 'missing' && fill.skd !== 'keep' ? fill.skd : c.skd;
    const cat = c.cat === 'missing' && fill.cat !== 'keep' ? fill.cat : c.cat;
    const wwc = c.wwc === 'missing' && fill.wwc !== 'keep' ? fill.wwc : c.wwc;
    return { ...c, skd, cat, wwc };
  });
}


describe('property: completing missing results never changes a status that was not provisional', () => {
  it('integration (cpns-2024): any completion, full or partial, with absences and extreme values', () => {
    let checkedBesideBl = 0;
    fc.assert(
      fc.property(fc.array(integrationCandidate, { minLength: 1, maxLength: 16 }), fc.array(completion, { minLength: 1, maxLength: 16 }), quotas, (cs, fills, q) => {
        const fs = integrationFormations(q);
        const before = rank(cpns, fs, integrationFacts(cs));
        const after = rank(cpns, fs, integrationFacts(complete(cs, fills)));
        checkedBesideBl += expectFinalKept(before, after);
        // Without any BL candidate there is nothing to wait for.
        if (!before.some((r) => r.status === 'BL')) expect(before.filter((r) => r.provisional)).toEqual([]);
        // The flag and its reason come together, and never on BL itself.
        for (const r of before) {
          expect(r.provisional === true).toBe(typeof r.provisional_reason === 'string' && r.provisional_reason.length > 0);
          if (r.status === 'BL') expect(r.provisional).toBeUndefined();
        }
      }),
      { numRuns: 1500 },
    );
    // Not vacuous: many P/… statuses were found final beside a BL candidate of their own formation.
    expect(checkedBesideBl).toBeGreaterThan(300);
  });

  it('integration: completing every missing value (no partial completion), many BL candidates', () => {
    const full = fc.record({
      skd: fc.tuple(fc.constantFrom(0, 65, 100, 150, 500), fc.constantFrom(0, 80, 140, 500), fc.constantFrom(0, 166, 200, 500)),
      cat: fc.constantFrom(0, 60, 96, 100),
      wwc: fc.constantFrom(0, 60, 96, 100),
    });
    fc.assert(
      fc.property(fc.array(integrationCandidate, { minLength: 1, maxLength: 14 }), fc.array(full, { minLength: 1, maxLength: 14 }), quotas, (cs, fills, q) => {
        const fs = integrationFormations(q);
        const before = rank(cpns, fs, integrationFacts(cs));
        const after = rank(cpns, fs, integrationFacts(complete(cs, fills)));
        expectFinalKept(before, after);
        expect(after.some((r) => r.status === 'BL' || r.provisional)).toBe(false);
      }),
      { numRuns: 800 },
    );
  });

  it('weighted stages (seleksi-terbuka-2024): any completion', () => {
    const value: fc.Arbitrary<Stage> = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(50, 60, 69, 70, 80, 100) }, { weight: 2, arbitrary: fc.constant('missing' as const) }, { weight: 1, arbitrary: fc.constant('absent' as const) });
    const c = fc.record({ a: value, m: value, w: value, lahir: fc.constantFrom('1970-01-01', '1971-01-01'), ipk: fc.constantFrom(null, 300) });
    const fill = fc.oneof(fc.constant('keep' as const), fc.constant('absent' as const), fc.constantFrom(0, 60, 70, 100));
    fc.assert(
      fc.property(fc.array(c, { minLength: 1, maxLength: 10 }), fc.array(fc.tuple(fill, fill, fill), { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 3 }), (cs, fills, q) => {
        const facts = (xs: typeof cs) =>
          xs.map(
            (x, i): CandidateFacts => ({
              nomorPeserta: `j${i}`,
              kodeFormasi: 'J1',
              kategori: 'umum',
              ipk: x.ipk,
              tanggalLahir: x.lahir,
              stages: { ASESMEN: stage(x.a), MAKALAH: stage(x.m), WAWANCARA: stage(x.w) },
            }),
          );
        const done = cs.map((x, i) => {
          const [fa, fm, fw] = fills[i % fills.length]!;
          const put = (v: typeof x.a, f: typeof fa) => (v === 'missing' && f !== 'keep' ? f : v);
          return { ...x, a: put(x.a, fa), m: put(x.m, fm), w: put(x.w, fw) };
        });
        const fs = [formation('J1', q, 'JPT', '')];
        expectFinalKept(rank(open, fs, facts(cs)), rank(open, fs, facts(done)));
      }),
      { numRuns: 800 },
    );
  });
});

// ------------------------------------------------------------------------------------------ the words

describe('the words: SEMENTARA in Bahasa Indonesia, PROVISIONAL in English, never a final LULUS', () => {
  let tId: TFunction;
  let tEn: TFunction;
  beforeAll(async () => {
    tId = await translator('id');
    tEn = await translator('en');
  });

  it('sheets and site: the final words stay, the provisional ones say SEMENTARA and not LULUS', () => {
    expect(statusWords('P/L')).toBe('LULUS');
    expect(statusWords('P/L', true)).toBe('masuk kebutuhan formasi, belum final');
    expect(statusWords('P/L-1', true)).toBe('mengisi formasi lain melalui optimalisasi, belum final');
    expect(statusWords('P/TL', true)).toBe('di luar kebutuhan formasi, belum final');
    expect(statusHtml('P/L')).toBe('<span class="status status-pass">P/L</span> LULUS');
    expect(statusHtml('P/L', true)).toBe('<span class="status status-open">P/L</span> <strong>SEMENTARA</strong> — masuk kebutuhan formasi, belum final');
    for (const s of ['P/L', 'P/L-1', 'P/L-2', 'P/TL', 'P/TH']) expect(statusHtml(s, true)).not.toContain('LULUS');
  });

  it('the results page: provisional labels and reasons in both languages', () => {
    expect(statusLabel(tId, 'P/L')).toBe('Lulus');
    expect(statusLabel(tId, 'P/L', true)).toBe('dalam kebutuhan, belum final');
    expect(statusLabel(tEn, 'P/L', true)).toBe('within the quota, not final');
    expect(statusLabel(tEn, 'P/L-2', true)).toBe('optimisation, not final');
    expect(statusLabel(tId, 'P/TL', true)).not.toMatch(/lulus/i);
    const nomors = ['263374000088', '263374000271', '263374000276', '263374000279', '263374000280', '263374000281', '263374000282'];
    const waits = [reason('waitsCandidates', { formation: 'F01', list: reasonList(nomors, 'candidates') })];
    expect(reasonText(tId, 'id', waits)).toBe('nilai peserta formasi F01 belum lengkap (BL): 263374000088, 263374000271, 263374000276, 263374000279, 263374000280 dan 2 peserta lain');
    expect(reasonText(tEn, 'en', waits)).toBe('results of formation F01 are incomplete (BL): 263374000088, 263374000271, 263374000276, 263374000279, 263374000280 and 2 others');
    const both = [reason('waitsCandidates', { formation: 'F01', list: reasonList(nomors.slice(0, 2), 'candidates') }), reason('waitsFormations', { list: reasonList(['F01', 'F06'], 'formations') })];
    expect(reasonText(tEn, 'en', both)).toBe('results of formation F01 are incomplete (BL): 263374000088 and 263374000271; optimisation for this position waits for formations with incomplete results (BL): F01 and F06');
  });
});
