import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { generateIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { candidatePage, examView } from '../../src-main/core/publish/pages';
import { sitePaths } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { latestAnnouncement, storedAnnouncement } from '../../src-main/core/publish/announcement';
import type { SiteExam, SiteInput } from '../../src-main/core/publish/site';
import { rank } from '../../src-main/core/ranking/engine';
import { readFlatResults } from '../../src-main/core/ranking/flat';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import { examStrengths, TOO_FEW } from '../../src-main/core/ranking/strengths';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { sheetInputs } from '../../src-main/core/sheets/batch';
import { hubStrengths } from '../../src-main/core/publish/strengths-data';

const PASS = 'rahasia-koordinator';
const AT = '2026-12-01T03:00:00.000Z';
const root = mkdtempSync(join(tmpdir(), 'lentera-strengths-'));

/** The section alone, tags dropped and whitespace folded: what a reader sees. */
function section(html: string): string {
  const start = html.indexOf('<section class="strengths"');
  if (start < 0) return '';
  const end = html.indexOf('</section>', start);
  return html
    .slice(start, end)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

describe('the candidate page on a site built by the hub from a real bundle', () => {
  let app: LenteraApp;
  let site: string;
  let nomor: string;
  let results: any[];
  let hub: Publisher;
  let exam: string;

  beforeAll(async () => {
    app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
    const demo = await app.invokeAsync('workstation.demo', { candidates: 120 }, { local: 't' });
    if (!demo.ok) throw new Error(demo.error.message);
    const db = app.workstation!.db;
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
    exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
    const pem = ((await app.invokeAsync('keys.certificate', { account: 'koordinator' }, { local: 't' })) as any).value.pem as string;
    const exported = (await app.invokeAsync('bundle.export', { exam, passphrase: PASS, account: 'koordinator' }, { local: 't' })) as any;
    if (!exported.ok) throw new Error(exported.error.message);
    hub = Publisher.open(join(root, 'hub'));
    addTrustedSigner(hub.db, readCertificate(Buffer.from(pem)), { exam, announces: true, at: AT, by: 'test' });
    await hub.ingest(exported.value.file, AT, 'test');
    site = join(root, 'situs');
    await hub.writeSite(site, AT);
    results = (await app.invokeAsync('ranking.compute', { exam }, { local: 't' }) as any).value.results;
    const examId = db.prepare('SELECT id FROM exams').pluck().get() as string;
    nomor = sheetInputs(db, examId, { session: 'WWC-F01' }).results.find((r) => r.status === 'P/L')!.nomor_peserta;
  }, 120_000);

  afterAll(() => {
    hub.close();
    app.close();
    rmSync(root, { recursive: true, force: true });
  });

  const page = (n: string) => readFileSync(join(site, ...sitePaths.candidate('CPNS-SMG-2026', n).split('/')), 'utf8');

  it('shows "Kekuatan dan kelemahan Anda" with TIU against the pass line and the formation, worked out here from the published results', () => {
    const html = page(nomor);
    expect(html).toContain('<h2 id="kekuatan-kelemahan">Kekuatan dan kelemahan Anda</h2>');
    const text = section(html);
    for (const h of ['Nilai Anda', 'Nilai ambang batas', 'Selisih dari ambang', 'Median formasi', 'Kuartil 1–3', 'Posisi Anda (persentil)']) expect(text).toContain(h);
    const me = results.find((x) => x.nomor_peserta === nomor);
    const tiu = results.filter((x) => x.kode_formasi === me.kode_formasi && x.components.tiu !== undefined).map((x) => Number(x.components.tiu)).sort((a, b) => a - b);
    const n = tiu.length;
    expect(n).toBeGreaterThanOrEqual(5);
    const median = n % 2 ? tiu[(n - 1) / 2]! : (tiu[n / 2 - 1]! + tiu[n / 2]!) / 2;
    const mine = Number(me.components.tiu);
    const lower = tiu.filter((v) => v < mine).length;
    const equal = tiu.filter((v) => v === mine).length;
    const fmt = (x: number) => String(Number(x.toFixed(3))).replace('.', ',');
    const diff = mine - 80;
    // The row: label, own score, pass line, distance, median, quartiles, percentile (mid-rank, rounded down).
    expect(text).toMatch(new RegExp(`TIU ${fmt(mine)} 80 ${diff > 0 ? '\\+' : ''}${fmt(diff)} ${fmt(median)} [\\d,]+–[\\d,]+ ${Math.floor(((lower + equal / 2) / n) * 100)} `));
    const higher = Math.floor((lower / n) * 100);
    expect(text).toContain(`TIU: ${diff > 0 ? `${fmt(diff)} poin di atas` : diff < 0 ? `${fmt(-diff)} poin di bawah` : 'tepat pada'} nilai ambang batas (80); ${higher ? `lebih tinggi dari ${higher} % peserta formasi ini` : 'tidak ada peserta'}`);
  });

  it("shows each interview criterion's panel value as the signed finalization has it", () => {
    const text = section(page(nomor));
    const f = JSON.parse(app.workstation!.db.prepare('SELECT result FROM finalizations WHERE nomor_peserta = ?').pluck().get(nomor) as string);
    expect(f.criteria.length).toBe(5);
    for (const c of f.criteria) {
      const [num, den] = `${c.aggregateExact}/1`.split('/').map(Number) as [number, number];
      const shown = String(Number((num / den).toFixed(3))).replace('.', ',');
      expect(text).toContain(`${c.label}: nilai panel ${shown}`);
    }
    // The bundle carries no rubric: the site says so rather than guess a descriptor.
    expect(text).toContain('rubrik tidak memuat deskripsi tingkat');
  });

  it("once the exam's announcement (with these rules) is at the hub, each criterion is shown against its rubric level's descriptor", async () => {
    const published = (await app.invokeAsync('announcement.publish', { exam, objectionFrom: '2026-12-14', objectionUntil: '2026-12-20', passphrase: PASS, account: 'koordinator' }, { local: 't' })) as any;
    if (!published.ok) throw new Error(published.error.message);
    const stored = storedAnnouncement(app.workstation!.db, exam, published.value.seq)!;
    await hub.announce(stored.signed, stored.pdf ? Buffer.from(stored.pdf) : null, AT, 'test');
    const again = join(root, 'situs-pengumuman');
    await hub.writeSite(again, AT);
    const text = section(readFileSync(join(again, ...sitePaths.candidate('CPNS-SMG-2026', nomor).split('/')), 'utf8'));
    expect(text).not.toContain('rubrik tidak memuat deskripsi tingkat');
    // The descriptor is the rubric's own text for the level nearest the panel's value, as the sheet says it.
    const doc = latestAnnouncement(hub.db, exam)!.document;
    const f = JSON.parse(app.workstation!.db.prepare('SELECT result FROM finalizations WHERE nomor_peserta = ?').pluck().get(nomor) as string);
    const rubric = doc.rubrics.find((r) => r.criteria.some((c) => c.code === f.criteria[0].code))!;
    for (const c of f.criteria) {
      const [num, den] = `${c.aggregateExact}/1`.split('/').map(Number) as [number, number];
      const levels = rubric.criteria.find((x) => x.code === c.code)!.levels;
      // nearest level, halfway up
      const level = [...levels].sort((a, b) => Math.abs(a.score - num / den) - Math.abs(b.score - num / den) || b.score - a.score)[0]!;
      expect(text).toContain(level.label);
      if (level.description) expect(text).toContain(level.description);
    }
  });

  it('says the same numbers as the second page of the sheet (the rows both can show)', () => {
    const examId = app.workstation!.db.prepare('SELECT id FROM exams').pluck().get() as string;
    const inputs = sheetInputs(app.workstation!.db, examId, { only: [nomor] });
    const sheet = inputs.data(inputs.results[0]!, { name: 'S', certified: false }).strengths!;
    const text = section(page(nomor));
    for (const c of sheet.components.filter((x) => x.group === 'skd')) {
      const cmp = c.comparison;
      expect(text).toContain(`${c.label}: `);
      expect(text).toContain(`${c.label} ${c.score.replace('.', ',')}`);
      if (cmp.median) expect(text).toContain(`${cmp.median.replace('.', ',')} ${cmp.q1!.replace('.', ',')}–${cmp.q3!.replace('.', ',')} ${cmp.percentile}`);
    }
  });

  it('leaves out a criterion whose value was amended (the bundle does not give its scale), and summarises a conflicted candidate on nothing', () => {
    const view = hub.view(exam);
    const keys = () => hubStrengths(hub.db, exam, view)(nomor)!.components.map((c) => c.key);
    expect(keys()).toContain('item:SKB-WWC:integritas');
    const bundle = hub.db.prepare('SELECT sha256 FROM merged_bundles').pluck().get() as string;
    // An approved amendment of one criterion, as a later bundle would carry it: units on the rubric's grid.
    hub.db
      .prepare("INSERT INTO merged_items (exam_code, workstation_id, kind, key, digest, body, bundle_sha256) VALUES (?, 'WS-X', 'score_entry', 'amend-1', 'x', ?, ?)")
      .run(exam, JSON.stringify({ id: 'amend-1', source: 'amendment', nomor_peserta: nomor, stage_code: 'SKB-WWC', item: 'integritas', units: 4 }), bundle);
    expect(keys()).not.toContain('item:SKB-WWC:integritas');
    expect(keys()).toContain('item:SKB-WWC:komunikasi');
    const conflicted = hubStrengths(hub.db, exam, { ...view, conflicts: [{ nomor, field: 'skd', values: [] }] })(nomor)!;
    expect(conflicted.components).toEqual([]);
  });

  it("names nobody else: no other candidate's number or name is in the section", () => {
    const html = page(nomor);
    const text = section(html);
    const names = app.workstation!.db.prepare('SELECT nomor_peserta, nama FROM candidates WHERE nomor_peserta <> ?').all(nomor) as { nomor_peserta: string; nama: string }[];
    for (const o of names) {
      expect(text).not.toContain(o.nomor_peserta);
      expect(text).not.toContain(o.nama);
    }
  });
});

describe('the candidate page of a small formation (pure pages)', () => {
  const cpns = loadRuleset('cpns-2024');
  const rows = [
    'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir;jabatan;pendidikan;keterangan',
    // F01: six candidates, TIU 60 70 80 80 90 100; F02: two, whose values must never be read off each other's page.
    '26001;F01;2;umum;70;60;170;80;3,50;1995-01-01;Analis;S1;',
    '26002;F01;2;umum;70;70;170;80;3,50;1995-01-02;Analis;S1;',
    '26003;F01;2;umum;70;80;170;80;3,50;1995-01-03;Analis;S1;',
    '26004;F01;2;umum;70;80;170;80;3,50;1995-01-04;Analis;S1;',
    '26005;F01;2;umum;70;90;170;80;3,50;1995-01-05;Analis;S1;',
    '26006;F01;2;umum;90;100;200;80;3,50;1995-01-06;Analis;S1;',
    '26011;F02;1;umum;123;157;211;80;3,50;1995-01-07;Pranata;S1;',
    '26012;F02;1;umum;66;81;167;80;3,50;1995-01-08;Pranata;S1;',
  ];
  const facts = readFlatResults(parseCsvText(rows.join('\n'), 'hasil.csv'), cpns.ruleset);
  const results = rank(cpns.ruleset, facts.formations, facts.candidates);
  const exam: SiteExam = {
    code: 'UJI',
    name: 'Uji',
    agency: 'Pemerintah Kota Semarang',
    year: 2026,
    ruleset: { id: 'cpns-2024', version: cpns.ruleset.version, sha256: cpns.sha256, json: '{}' },
    formations: facts.formations.map((f) => ({ code: f.code, position: f.position, unit: 'Unit', quota: f.quota, education: 'S1' })),
    candidates: facts.candidates.map((c) => ({ nomor: c.nomorPeserta, nama: `Peserta ${c.nomorPeserta}`, nikMasked: '337401********01', kodeFormasi: c.kodeFormasi, kategori: c.kategori })),
    results,
    facts: {},
    conflicts: [],
    leaves: {},
    strengths: Object.fromEntries(examStrengths({ ruleset: cpns.ruleset, candidates: facts.candidates })),
  };
  const input = { generatedAt: AT } as SiteInput;
  const view = examView(exam, () => 'x');
  const html = (n: string) => candidatePage(input, view, n);

  it('F01, TIU 80: on the pass line, median 80, quartiles 72,5–87,5, percentile 50, higher than 33 %', () => {
    const text = section(html('26003'));
    expect(text).toContain('TIU 80 80 0 80 72,5–87,5 50 ');
    expect(text).toContain('TIU: tepat pada nilai ambang batas (80); lebih tinggi dari 33 % peserta formasi ini (median formasi 80).');
    expect(text).toContain('TWK 70 65 +5 70 70–70 41 ');
    // Totals 300 310 320 320 330 390: Q1 at h = 1,25 → 312,5; Q3 at 3,75 → 327,5.
    expect(text).toContain('SKD (jumlah) 320 / 550 – – 320 312,5–327,5 50 ');
  });

  it("F02 has two candidates: no distribution, the words say why, and none of the other's values appear", () => {
    const text = section(html('26012'));
    expect(text).toContain(TOO_FEW);
    expect(text).toContain('TIU 81 80 +1 – – – ');
    // 26011's values: TWK 123, TIU 157, TKP 211, SKD 491; none is on 26012's page, in the section or anywhere else.
    const page = html('26012');
    for (const v of ['123', '157', '211', '491', '26011']) expect(page).not.toContain(v);
  });

  it('a candidate without a summary gets no section; an empty summary says so', () => {
    expect(html('26001')).toContain('Kekuatan dan kelemahan Anda');
    const bare = examView({ ...exam, strengths: undefined }, () => 'x');
    expect(candidatePage(input, bare, '26001')).not.toContain('Kekuatan dan kelemahan Anda');
    const empty = examView({ ...exam, strengths: { '26001': { nomor: '26001', formation: 'F01', minComparable: 5, components: [] } } }, () => 'x');
    expect(candidatePage(input, empty, '26001')).toContain('Belum ada nilai komponen yang dapat diringkas.');
  });
});
