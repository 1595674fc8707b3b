import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runInNewContext } from 'node:vm';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { openDatabase, type Db } from '../../src-main/core/db/open';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import { recordLeaf } from '../../src-main/core/ledger/leaf';
import { leafHash, MerkleTree } from '../../src-main/core/ledger/merkle';
import { sha256Hex } from '../../src-main/core/util/hash';
import { receiptToQr, type Receipt } from '../../src-main/core/ledger/receipt';
import { SiteFileWriter } from '../../src-main/core/publish/file-writer';
import { formationTimes, formationTimesInMemory } from '../../src-main/core/publish/formation-times';
import { SITE_MARKER, writeSite, type LoadedSiteInput, type SiteExam, type SiteInput } from '../../src-main/core/publish/site';
import { leafEntries, leafOf } from '../../src-main/core/publish/pages';
import { sitePaths, slug } from '../../src-main/core/publish/paths';
import { checkBytes, checkJsonText } from '../../src-main/core/publish/verify-page';
import { rank, type RankedCandidate } from '../../src-main/core/ranking/engine';
import { readFlatResults } from '../../src-main/core/ranking/flat';
import { readRuleset } from '../../src-main/core/ranking/rulesets';
import { maskNik } from '../../src-main/core/roster/fields';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { embeddedPayloadFromBytes } from '../../src-main/core/sheets/payload';
import { embeddedPayload, qrPayload, renderResultSheet, resultDigest, type SheetData } from '../../src-main/core/sheets/result-sheet';
import { resourcesDir } from '../../src-main/core/util/resources';

// The identity of the site's code, replaceable by a test: as a new Lentera's would be.
const code = vi.hoisted(() => ({ id: null as string | null }));
vi.mock('../../src-main/core/publish/site-code', async (original) => {
  const real = await original<typeof import('../../src-main/core/publish/site-code')>();
  return { ...real, siteCodeId: () => code.id ?? real.siteCodeId() };
});

const GENERATED = '2026-12-01T03:00:00.000Z';
const CPNS = 'CPNS-UJI-2026';
const JPT = 'JPT SMG/2026'; // a space and a slash: the paths must still be safe

const CPNS_ROWS = [
  'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir;jabatan;pendidikan;keterangan',
  '2026000001;F01;1;umum;100;120;200;85.5;3,50;1995-01-01;Analis Kebijakan;S1;',
  '2026000002;F01;1;umum;90;100;180;80;3,40;1994-02-02;Analis Kebijakan;S1;',
  '2026000003;F01;1;umum;60;100;180;70;3,10;1996-03-03;Analis Kebijakan;S1;',
  // Another position: its missing score keeps F03 provisional without holding F01's optimalisasi back.
  '2026000004;F03;1;umum;100;;200;;3,20;1997-04-04;Pranata Komputer;S1;',
  '2026000005;F02;2;cumlaude;100;120;200;90;3,90;1998-05-05;Analis Kebijakan;S1;',
  '2026000006;F02;2;umum;100;100;190;;3,00;1993-06-06;Analis Kebijakan;S1;',
  '2026000007;F02;2;umum;100;100;190;70;3,00;1993-07-07;Analis Kebijakan;S1;APS',
];
const JPT_ROWS = [
  'nomor_peserta;kode_formasi;kuota;kategori;asesmen;makalah;wawancara;ipk;tanggal_lahir',
  'JPT-001;JPT/01;1;umum;80;75;85.25;3,50;1975-01-01',
  'JPT-002;JPT/01;1;umum;70;70;72;3,50;1976-01-01',
];
const NAMES: Record<string, string> = {
  '2026000001': 'Ayu Lestari',
  '2026000002': 'Bima Saputra',
  '2026000003': 'Citra Dewi',
  '2026000004': 'Dodi Prasetyo',
  '2026000005': 'Eka Wulandari',
  '2026000006': 'Fajar Nugroho',
  '2026000007': 'Gita Permata',
  'JPT-001': 'Dr. Hendra Wijaya, M.Si.',
  'JPT-002': 'Indah Kusuma, S.H., M.H.',
};
/** Full NIKs exist only here: the site may show them masked and never whole. */
const NIK = (i: number) => `33740112345600${String(i).padStart(2, '0')}`;

interface Fixture {
  input: LoadedSiteInput;
  log: TransparencyLog;
  db: Db;
  dir: string;
  receipt(exam: string, nomor: string): Receipt;
}

function exam(code: string, name: string, rulesetId: string, rows: string[], log: TransparencyLog, db: Db, at: string): SiteExam {
  const file = join(resourcesDir(), 'rulesets', `${rulesetId}.json`);
  const json = readFileSync(file, 'utf8');
  const loaded = readRuleset(json, file);
  const csv = rows.join('\n');
  const facts = readFlatResults(parseCsvText(csv, 'hasil.csv'), loaded.ruleset);
  const results = rank(loaded.ruleset, facts.formations, facts.candidates);
  db.transaction(() => log.append(results.map((r) => ({ exam: code, nomor: r.nomor_peserta, digest: resultDigest(code, r, loaded.sha256) })), at))();
  const header = rows[0]!.split(';');
  return {
    code,
    name,
    agency: 'Pemerintah Kota Semarang',
    year: 2026,
    ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version, sha256: loaded.sha256, json },
    formations: facts.formations.map((f) => ({ code: f.code, position: f.position, unit: `Unit ${f.code}`, quota: f.quota, education: f.education || 'S2' })),
    candidates: facts.candidates.map((c, i) => ({ nomor: c.nomorPeserta, nama: NAMES[c.nomorPeserta]!, nikMasked: maskNik(NIK(i + (code === CPNS ? 1 : 50))), kodeFormasi: c.kodeFormasi, kategori: c.kategori })),
    results,
    // The flat rows themselves: what `lentera recompute` reads back.
    facts: { format: 'lentera.flat/1', rows: rows.slice(1).map((l) => Object.fromEntries(l.split(';').map((v, i) => [header[i]!, v]))) },
    conflicts: code === CPNS ? [{ nomor: '2026000002', field: 'SKB-WWC', values: [{ workstation: 'WS-A', value: '80' }, { workstation: 'WS-B', value: '82,5' }] }] : [],
    leaves: Object.fromEntries(results.map((r) => [r.nomor_peserta, log.leafIndex(code, r.nomor_peserta)!])),
    // The open selection's interview is a panel's: its score is "Nilai wawancara", as on the sheet and the venue screen.
    ...(code === JPT ? { interviewStages: ['WAWANCARA'] } : {}),
  };
}

/** Two exams in one real transparency log, two signed checkpoints and the proof between them, two bundles. */
function makeFixture(dir: string): Fixture {
  const hub = join(dir, 'hub');
  mkdirSync(hub, { recursive: true });
  const db = openDatabase(join(hub, 'lentera.db'), { create: true });
  const log = new TransparencyLog(db, hub);
  const a = exam(CPNS, 'Seleksi CPNS Kota Semarang 2026 (uji)', 'cpns-2024', CPNS_ROWS, log, db, '2026-11-30T02:00:00.000Z');
  const cp1 = log.checkpoint('2026-11-30T02:00:00.000Z');
  const b = exam(JPT, 'Seleksi Terbuka JPT Pratama 2026', 'seleksi-terbuka-2024', JPT_ROWS, log, db, '2026-11-30T09:30:00.000Z');
  const cp2 = log.checkpoint('2026-11-30T09:30:00.000Z');
  const bundles = ['ws-a', 'ws-b'].map((ws, i) => {
    const file = join(dir, `${CPNS}-${ws}-0001.lentera`);
    writeFileSync(file, `bundle ${ws} ${'x'.repeat(1000 * (i + 1))}`);
    return { file, name: `${CPNS}-${ws}-0001.lentera`, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), exam: CPNS, workstation: ws.toUpperCase(), sequence: 1, signer: `Koordinator ${ws.toUpperCase()}` };
  });
  const input: LoadedSiteInput = {
    generatedAt: GENERATED,
    logKey: log.publicKey(),
    logId: log.logId(),
    checkpoints: log.checkpoints(),
    consistency: [{ from: cp1.size, to: cp2.size, proof: log.consistencyProof(cp1.size, cp2.size) }],
    leaves: log.leaves(),
    exams: [a, b],
    bundles,
  };
  return { input, log, db, dir, receipt: (e, n) => log.receipt(e, n)! };
}

function walk(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out.sort();
}

function hashes(root: string): Record<string, string> {
  return Object.fromEntries(walk(root).map((f) => [relative(root, f), createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

/** The cells of the ranking table's row that links to the candidate, as text. */
function rowOf(html: string, nomor: string): string {
  const row = html
    .slice(html.indexOf('<table class="ranking">'))
    .split('<tr>')
    .find((r) => r.includes(`>${nomor}</a>`));
  if (!row) throw new Error(`no row for ${nomor}`);
  return row
    .slice(0, row.indexOf('</tr>'))
    .replace(/<\/?t[dh][^>]*>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/\s+/g, ' ')
    .trim();
}

const byNomor = (results: RankedCandidate[], n: string) => results.find((r) => r.nomor_peserta === n)!;

let dir: string;
let fx: Fixture;
let site: string;
let written: { files: number; bytes: number };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lentera-publish-'));
  fx = makeFixture(dir);
  site = join(dir, 'situs');
  written = await writeSite(site, fx.input);
}, 60_000);

afterAll(() => {
  fx?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

const read = (p: string) => readFileSync(join(site, p), 'utf8');

describe('the publication site', () => {
  it('has every page, and reports what it wrote', () => {
    const files = walk(site);
    expect(written.files).toBe(files.length);
    expect(written.bytes).toBe(files.reduce((n, f) => n + statSync(f).size, 0));
    for (const p of [
      'index.html',
      'checkpoint.html',
      'bundel.html',
      'verifikasi.html',
      'assets/situs.css',
      'assets/verify.js',
      'assets/log-data.js',
      sitePaths.digests(CPNS),
      sitePaths.digests(JPT),
      'log/kunci-log.txt',
      'log/log.json',
      'log/checkpoint.json',
      'log/entri/000000.jsonl',
      SITE_MARKER,
      sitePaths.exam(CPNS),
      sitePaths.rules(CPNS),
      sitePaths.candidates(CPNS),
      sitePaths.formation(CPNS, 'F01'),
      sitePaths.formation(CPNS, 'F02'),
      sitePaths.exam(JPT),
      sitePaths.formation(JPT, 'JPT/01'),
      ...fx.input.exams.flatMap((e) => e.candidates.map((c) => sitePaths.candidate(e.code, c.nomor))),
      ...(['aturan.json', 'facts.json', 'hasil.json', 'hasil.csv', 'hasil-excel.csv'] as const).flatMap((f) => [sitePaths.data(CPNS, f), sitePaths.data(JPT, f)]),
    ]) {
      expect(existsSync(join(site, p)), p).toBe(true);
    }
    expect(sitePaths.formation(JPT, 'JPT/01')).toBe('ujian/JPT_20_SMG_2f_2026/formasi/JPT_2f_01.html');
    expect(slug('..')).toBe('_2e_.');
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
  });

  it('every page is Indonesian, with a strict CSP, and the home page shows the latest checkpoint in WIB', () => {
    for (const f of walk(site).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(f, 'utf8');
      expect(html, f).toMatch(/^<!doctype html>\n<html lang="id">/);
      expect(html, f).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;; script-src &#39;self&#39;; style-src &#39;self&#39;; img-src &#39;self&#39; data:">`);
      expect(html, f).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
      expect(html, f).not.toMatch(/<script>(?!<\/script>)|<style/); // no inline script or style
    }
    const index = read('index.html');
    const last = fx.input.checkpoints.at(-1)!;
    expect(index).toContain(`${last.size} entri`);
    expect(index).toContain(last.root);
    expect(index).toContain('Senin, 30 November 2026, pukul 16.30 WIB');
    expect(index).toContain('Diterbitkan <time datetime="2026-12-01T03:00:00.000Z">Selasa, 1 Desember 2026, pukul 10.00 WIB</time>');
    expect(index).toContain(`href="${sitePaths.exam(CPNS)}"`);
  });

  it('each formation row shows rank, the masked NIK, the decimal-comma final and the status in words', () => {
    const results = fx.input.exams[0]!.results;
    const f01 = read(sitePaths.formation(CPNS, 'F01'));
    expect(rowOf(f01, '2026000001')).toBe(`1 2026000001 Ayu Lestari 337401********01 umum ${byNomor(results, '2026000001').final!.replace('.', ',')} P/L LULUS peringkat 1 dari kebutuhan 1`);
    expect(byNomor(results, '2026000001').final).toBe('81.845');
    expect(rowOf(f01, '2026000001')).toContain(' 81,845 ');
    expect(rowOf(f01, '2026000002')).toMatch(/^2 2026000002 Bima Saputra .* P\/L-1 LULUS \(optimalisasi\) \(mengisi formasi F02\) optimalisasi/);
    expect(rowOf(f01, '2026000003')).toMatch(/^– 2026000003 Citra Dewi .* – TL TIDAK LULUS TWK 60 < 65$/);
    expect(rowOf(read(sitePaths.formation(CPNS, 'F03')), '2026000004')).toMatch(/^– 2026000004 Dodi Prasetyo .* – BL BELUM LENGKAP nilai SKD belum lengkap$/);
    const f02 = read(sitePaths.formation(CPNS, 'F02'));
    expect(rowOf(f02, '2026000005')).toMatch(/ P\/L LULUS /);
    expect(rowOf(f02, '2026000006')).toMatch(/ P\/TH TIDAK HADIR SKB tidak hadir SKB$/);
    expect(rowOf(f02, '2026000007')).toMatch(/ APS MENGUNDURKAN DIRI mengundurkan diri$/);
    // F02's open seat, filled from F01, is listed on F02's page too.
    expect(f02).toContain('Diisi melalui optimalisasi');
    const jpt = read(sitePaths.formation(JPT, 'JPT/01'));
    expect(rowOf(jpt, 'JPT-001')).toMatch(/^1 JPT-001 Dr\. Hendra Wijaya, M\.Si\. 337401\*{8}50 umum 81,625 P\/L LULUS/);
    expect(rowOf(jpt, 'JPT-002')).toMatch(/ 71,000 P\/TL TIDAK LULUS \(di luar kebutuhan formasi\) peringkat 2, diusulkan 1$/);
  });

  it('shows conflicts between workstations where they concern the page, unresolved', () => {
    const heading = 'Data bertentangan antar-workstation — belum diputuskan';
    const f01 = read(sitePaths.formation(CPNS, 'F01'));
    expect(f01).toContain(heading);
    const section = f01.slice(f01.indexOf(heading));
    expect(section).toContain('<strong>WS-A</strong>: 80');
    expect(section).toContain('<strong>WS-B</strong>: 82,5');
    expect(read(sitePaths.formation(CPNS, 'F02'))).not.toContain(heading);
    expect(read(sitePaths.exam(CPNS))).toContain(heading);
    expect(read(sitePaths.candidate(CPNS, '2026000002'))).toContain(heading);
    expect(read(sitePaths.candidate(CPNS, '2026000001'))).not.toContain(heading);
  });

  it("a candidate's page has every score, thresholds, the exact final, rank, status, and the log entry", () => {
    const r = byNomor(fx.input.exams[0]!.results, '2026000001');
    const leaf = leafOf(fx.input.exams[0]!, '2026000001')!;
    const html = read(sitePaths.candidate(CPNS, '2026000001'));
    for (const text of [
      'Ayu Lestari',
      '<code>337401********01</code>',
      'SKD — TWK</td><td class="num">100',
      'SKD — TIU</td><td class="num">120',
      'SKD — TKP</td><td class="num">200',
      '<strong>SKD — jumlah</strong> (maksimal 550)</td><td class="num"><strong>420</strong>',
      '<strong>SKB (skala 0–100)</strong></td><td class="num"><strong>85,5</strong>',
      '<strong>81,845</strong>',
      `<code>${r.final_exact}</code>`,
      'TWK ≥ 65</td><td><span class="ok">memenuhi</span>',
      '<span class="status status-pass">P/L</span> LULUS',
      'peringkat 1 dari kebutuhan 1',
      leaf.digest,
      `${leaf.index} (entri ke-${leaf.index + 1})`,
      leaf.leafHash,
      '✓ sama dengan ringkasan hasil',
      'href="../../../verifikasi.html"',
    ]) {
      expect(html).toContain(text);
    }
    expect(r.final_exact).toMatch(/^\d+\/\d+$/);
  });

  it('names an interview stage\'s score as the sheet does, "Nilai wawancara (skala 0–100)" to three places, and "Nilai akhir" only the final', () => {
    const html = read(sitePaths.candidate(JPT, 'JPT-001'));
    expect(html).toContain('Nilai wawancara (skala 0–100)</td><td class="num">85,250');
    expect(html).toContain('Tahap ASESMEN (skala 0–100)</td><td class="num">80');
    expect(html).not.toContain('Tahap WAWANCARA');
    expect(html).toContain('<strong>Nilai akhir</strong></td><td class="num"><strong>81,625</strong>');
    // "Nilai akhir" names the final score and nothing else on the page.
    expect(html.match(/Nilai akhir[^<]*/g)).toEqual(['Nilai akhir', 'Nilai akhir, pecahan tepat']);
    expect(read(sitePaths.rules(JPT))).toContain('Nilai wawancara (skala 0–100) (tahap WAWANCARA) adalah nilai tahap wawancara');
    // Without an interview panel (a flat CPNS file here) the stages keep their codes.
    expect(read(sitePaths.rules(CPNS))).not.toContain('Nilai wawancara');
  });

  it('publishes the ruleset bytes, the facts, the results (JSON, the exact CSV and the one for Indonesian spreadsheets), and explains how to recompute', () => {
    const e = fx.input.exams[0]!;
    expect(readFileSync(join(site, sitePaths.data(CPNS, 'aturan.json')))).toEqual(readFileSync(join(resourcesDir(), 'rulesets', 'cpns-2024.json')));
    expect(JSON.parse(read(sitePaths.data(CPNS, 'facts.json')))).toEqual(e.facts);
    expect(JSON.parse(read(sitePaths.data(CPNS, 'hasil.json')))).toEqual(e.results);
    const csv = read(sitePaths.data(CPNS, 'hasil.csv'));
    expect(csv.startsWith('\uFEFF# ruleset cpns-2024 2024.1 sha256 ')).toBe(true);
    expect(csv).toContain('kode_formasi,rank,nomor_peserta,');
    expect(csv).toContain('F01,1,2026000001,umum,100,120,200,420,');
    const excel = read(sitePaths.data(CPNS, 'hasil-excel.csv'));
    expect(excel).toContain('kode_formasi;rank;nomor_peserta;');
    expect(excel).toContain('F01;1;2026000001;umum;100;120;200;420;');
    const rules = read(sitePaths.rules(CPNS));
    expect(rules).toContain('Cara menghitung ulang');
    expect(rules).toContain('npx lentera recompute --ruleset aturan.json --facts facts.json --results hasil.json');
    expect(rules).toContain(e.ruleset.sha256);
    expect(rules).toContain('Nilai akhir = 40 % × (SKD ÷ 550 × 100) + 60 % × SKB');
    expect(rules).toContain('&quot;skb_cap&quot;: 3');
    expect(read(sitePaths.rules(JPT))).toContain('<strong>WAWANCARA</strong>: bobot 50 %, nilai minimal 70');
  });

  it('lists checkpoints with their signatures and the consistency proofs, and the log key and id', () => {
    const html = read('checkpoint.html');
    expect(html).toContain(fx.input.logKey);
    expect(html).toContain(fx.input.logId);
    for (const cp of fx.input.checkpoints) {
      expect(html).toContain(cp.root);
      expect(html).toContain(cp.sig);
    }
    const p = fx.input.consistency[0]!;
    expect(html).toContain(`Dari ukuran ${p.from} ke ukuran ${p.to}`);
    for (const h of p.proof) expect(html).toContain(h);
    const logData = read('assets/log-data.js');
    expect(logData.startsWith('window.LENTERA_LOG = {')).toBe(true);
    const digests = read(sitePaths.digests(CPNS));
    expect(digests.startsWith(`(window.LENTERA_DIGESTS = window.LENTERA_DIGESTS || {})[${JSON.stringify(CPNS)}] = {`)).toBe(true);
    expect(digests).toContain(`"2026000001":"${leafOf(fx.input.exams[0]!, '2026000001')!.digest}"`);
    // Run as the page runs it, it gives every candidate's leaf digest, by number (written a candidate a line).
    const page = { window: {} as { LENTERA_DIGESTS?: Record<string, Record<string, string>> } };
    runInNewContext(digests, page);
    expect(page.window.LENTERA_DIGESTS).toEqual({ [CPNS]: Object.fromEntries([...leafEntries(fx.input.exams[0]!)].map(([n, l]) => [n, l.digest])) });
    expect(Object.keys(page.window.LENTERA_DIGESTS![CPNS]!)).toHaveLength(digests.split('\n').length - 3);
    // The verification page loads every exam's digests, between the log's data and its script.
    const scripts = [...read('verifikasi.html').matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
    expect(scripts).toEqual(['assets/log-data.js', sitePaths.digests(fx.input.exams[0]!.code), sitePaths.digests(fx.input.exams[1]!.code), 'assets/verify.js']);
  });

  it('copies every bundle with the sha256 it is listed with', () => {
    const html = read('bundel.html');
    for (const b of fx.input.bundles) {
      const copy = join(site, 'bundel', b.name);
      expect(createHash('sha256').update(readFileSync(copy)).digest('hex')).toBe(b.sha256);
      expect(html).toContain(`href="bundel/${b.name}"`);
      expect(html).toContain(b.sha256);
      expect(html).toContain(b.workstation);
      expect(html).toContain(b.signer);
    }
  });

  it('never contains a full 16-digit NIK, in any file', () => {
    for (const f of walk(site)) expect(readFileSync(f, 'latin1'), relative(site, f)).not.toMatch(/\b\d{16}\b/);
  });

  it('links only relatively, and every link and script resolves to a file of the site', () => {
    let links = 0;
    for (const f of walk(site).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(f, 'utf8');
      for (const m of html.matchAll(/\s(href|src|action)="([^"]*)"/g)) {
        const url = m[2]!.replace(/&amp;/g, '&');
        expect(url, `${relative(site, f)}: ${url}`).not.toMatch(/^([a-z][a-z0-9+.-]*:|\/)/i);
        const path = decodeURIComponent(url.split('#')[0]!);
        if (!path) continue;
        const target = resolve(dirname(f), path);
        expect(target.startsWith(site + '/'), `${relative(site, f)}: ${url} leaves the site`).toBe(true);
        expect(existsSync(target), `${relative(site, f)}: ${url}`).toBe(true);
        links++;
      }
    }
    expect(links).toBeGreaterThan(100);
  });

  it('references nothing on the internet: no URL in any attribute, stylesheet or script call', () => {
    for (const f of walk(site)) {
      const text = readFileSync(f, 'latin1');
      if (f.endsWith('.html')) {
        for (const m of text.matchAll(/\s[a-z-]+="([^"]*)"/g)) expect(m[1], f).not.toMatch(/https?:/i);
        expect(text.replace(/<[^>]*>/g, ''), f).not.toMatch(/https?:\/\//); // not even as text
      }
      if (f.endsWith('.css')) expect(text).not.toMatch(/url\(|@import/);
      if (f.endsWith('.js')) {
        // The forms' script (sanggah, laporan) has one call, to the hub that served the page: its relative api/ paths.
        // The verification page's script has one too, to the site's own log/ folder (a relative path: the log as tiles).
        const verifyCalls = f.endsWith('assets/verify.js') ? text.match(/fetch\(\w+,\{cache:"no-cache"\}\)/g) ?? [] : [];
        if (f.endsWith('assets/verify.js')) expect(verifyCalls, f).toHaveLength(1);
        const own = f.endsWith('assets/suara.js') ? text.replace('return fetch(url, init)', '') : text.replace(verifyCalls[0] ?? '', '');
        expect(own, f).not.toMatch(/\bfetch\(|XMLHttpRequest|importScripts|\bimport\(/);
        // Licence comments of the bundled libraries may name their home page; nothing loads from one.
        expect(text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ''), f).not.toMatch(/https?:\/\//);
      }
    }
  });

  it('writing again gives the same bytes, file for file', async () => {
    const before = hashes(site);
    const again = join(dir, 'situs-lagi');
    await writeSite(again, fx.input);
    expect(hashes(again)).toEqual(before);
    await writeSite(site, fx.input);
    expect(hashes(site)).toEqual(before);
  });

  it('gives the same bytes with its files created on another thread, and still refuses a full NIK there', async () => {
    const before = hashes(site);
    const threaded = join(dir, 'situs-utas');
    await writeSite(threaded, fx.input, { writerThreadAfter: 0 });
    expect(hashes(threaded)).toEqual(before);
    // An exam's pages are announced before they are made, so that a large exam's go to the thread from the first.
    const told = vi.spyOn(SiteFileWriter.prototype, 'expect');
    try {
      await writeSite(join(dir, 'situs-diberi-tahu'), fx.input);
      expect(told.mock.calls).toEqual(fx.input.exams.map((x) => [new Set([...x.candidates.map((c) => c.nomor), ...x.results.map((r) => r.nomor_peserta)]).size]));
    } finally {
      told.mockRestore();
    }
    // A candidate without a result shows their NIK on their own page alone, which goes to the thread (a formation
    // page and the candidate list are streamed on this thread, and name them without it).
    const leak = structuredClone(fx.input);
    const e = leak.exams[0]!;
    e.candidates.push({ ...e.candidates[0]!, nomor: '2026009999', nikMasked: NIK(1) });
    await expect(writeSite(join(dir, 'bocor-utas'), leak, { writerThreadAfter: 0 })).rejects.toMatchObject({ code: 'PUBLISH_PERSONAL_DATA', details: { path: sitePaths.candidate(e.code, '2026009999') } });
    expect(existsSync(join(dir, 'bocor-utas'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('writes each data file a few lines at a time, with the bytes of the whole, and refuses a full NIK met in a later piece', async () => {
    const before = hashes(site);
    const cut = join(dir, 'situs-potong');
    // Eight characters a piece: every line of a data file is a piece of its own.
    await writeSite(cut, fx.input, { linesPiece: 8 });
    expect(hashes(cut)).toEqual(before);
    const e = fx.input.exams[0]!;
    const data = (f: 'hasil.json' | 'hasil.csv') => readFileSync(join(cut, sitePaths.data(e.code, f)), 'utf8');
    expect(data('hasil.json')).toBe(`[\n${e.results.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
    const csv = data('hasil.csv').split('\r\n');
    expect(csv).toHaveLength(e.results.length + 3);
    expect(csv[0]).toBe(`\uFEFF# ruleset ${e.ruleset.id} ${e.ruleset.version} sha256 ${e.ruleset.sha256}`);
    expect(csv.at(-1)).toBe('');

    // A line longer than the buffer the lines are encoded into, in the middle, in three-byte characters: the bytes
    // held before it are kept as the buffer grows, whatever the piece.
    const long = structuredClone(fx.input);
    const middle = long.exams[0]!.results[Math.floor(long.exams[0]!.results.length / 2)]!;
    middle.reason = `${middle.reason} ${'≥ ambang '.repeat(12_000)}`;
    const expected = `[\n${long.exams[0]!.results.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
    for (const [name, linesPiece] of [['situs-panjang', undefined], ['situs-panjang-potong', 8]] as const) {
      await writeSite(join(dir, name), long, { linesPiece });
      expect(readFileSync(join(dir, name, sitePaths.data(e.code, 'hasil.json')), 'utf8')).toBe(expected);
    }

    // The last result's reason, met only in the file's last pieces, holds a full NIK: refused, by that data file.
    const leak = structuredClone(fx.input);
    const last = leak.exams[0]!.results.at(-1)!;
    last.reason = `${last.reason} ${NIK(9)}`;
    await expect(writeSite(join(dir, 'bocor-potong'), leak, { linesPiece: 8 })).rejects.toMatchObject({ code: 'PUBLISH_PERSONAL_DATA', details: { path: sitePaths.data(e.code, 'hasil.json') } });
    expect(existsSync(join(dir, 'bocor-potong'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('publishes a large bundle whole, and a page refused while it is copied leaves no folder behind', async () => {
    // 96 MB: still being copied and hashed while the pages are made and one of them is refused.
    const big = join(dir, 'besar.lentera');
    writeFileSync(big, Buffer.alloc(96 << 20, 0x5a));
    const sha = createHash('sha256').update(readFileSync(big)).digest('hex');
    const leak = structuredClone(fx.input);
    // Three of them, one after another: the refusal is the page's, whichever copy is under way.
    leak.bundles = ['besar', 'besar-2', 'besar-3'].map((name) => ({ ...leak.bundles[0]!, file: big, name: `${name}.lentera`, sha256: sha }));
    leak.exams[0]!.candidates[0]!.nikMasked = NIK(1);
    await expect(writeSite(join(dir, 'bocor-besar'), leak)).rejects.toMatchObject({ code: 'PUBLISH_PERSONAL_DATA' });
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(join(dir, 'bocor-besar'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    // Without the leak the same bundle is published whole, under its own name.
    leak.exams[0]!.candidates[0]!.nikMasked = fx.input.exams[0]!.candidates[0]!.nikMasked;
    await writeSite(join(dir, 'besar'), leak);
    for (const name of ['besar', 'besar-2', 'besar-3']) expect(createHash('sha256').update(readFileSync(join(dir, 'besar', 'bundel', `${name}.lentera`))).digest('hex')).toBe(sha);
    rmSync(big);
    rmSync(join(dir, 'besar'), { recursive: true });
  });

  it('a failure while writing leaves the previous site as it was, and no temporary folder', async () => {
    const before = hashes(site);
    const broken = { ...fx.input, generatedAt: '2027-01-01T00:00:00.000Z', bundles: [...fx.input.bundles, { ...fx.input.bundles[0]!, file: join(dir, 'hilang.lentera'), name: 'hilang.lentera' }] };
    await expect(writeSite(site, broken)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    const wrongHash = { ...fx.input, bundles: [{ ...fx.input.bundles[0]!, sha256: '0'.repeat(64) }] };
    await expect(writeSite(site, wrongHash)).rejects.toMatchObject({ code: 'PUBLISH_INVALID' });
    expect(hashes(site)).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
  });

  it('refuses a full NIK, a bad checkpoint signature, a ruleset not matching its sha256, and a folder that is not a site', async () => {
    const leak = structuredClone(fx.input);
    leak.exams[0]!.candidates[0]!.nikMasked = NIK(1);
    // Met first in the candidate's formation page, written a line at a time.
    const formation = leak.exams[0]!.results.find((r) => r.nomor_peserta === leak.exams[0]!.candidates[0]!.nomor)!.kode_formasi;
    await expect(writeSite(join(dir, 'bocor'), leak)).rejects.toMatchObject({ code: 'PUBLISH_PERSONAL_DATA', details: { path: sitePaths.formation(leak.exams[0]!.code, formation) } });
    expect(existsSync(join(dir, 'bocor'))).toBe(false);

    const forged = structuredClone(fx.input);
    forged.checkpoints[0]!.root = 'f'.repeat(64);
    await expect(writeSite(join(dir, 'palsu'), forged)).rejects.toMatchObject({ code: 'PUBLISH_INVALID' });
    const rules = structuredClone(fx.input);
    rules.exams[0]!.ruleset.json += ' ';
    await expect(writeSite(join(dir, 'aturan'), rules)).rejects.toMatchObject({ code: 'PUBLISH_INVALID' });

    const home = join(dir, 'dokumen');
    mkdirSync(home);
    writeFileSync(join(home, 'skripsi.docx'), 'penting');
    await expect(writeSite(home, fx.input)).rejects.toMatchObject({ code: 'PUBLISH_TARGET' });
    expect(readdirSync(home)).toEqual(['skripsi.docx']);
  });
});

describe("the log's files on the site", () => {
  /** The root of the first `size` leaves, RFC 6962 straight from the recursion, over node:crypto. */
  const mth = (leaves: Buffer[]): string => {
    const h = (...p: Buffer[]) => createHash('sha256').update(Buffer.concat(p)).digest();
    const go = (d: Buffer[]): Buffer => {
      if (d.length === 0) return h();
      if (d.length === 1) return h(Buffer.of(0), d[0]!);
      let k = 1;
      while (k * 2 < d.length) k *= 2;
      return h(Buffer.of(1), go(d.slice(0, k)), go(d.slice(k)));
    };
    return go(leaves).toString('hex');
  };
  const lines = (root: string, rel: string) => readFileSync(join(root, rel)).toString('utf8').split('\n').slice(0, -1).map((l) => Buffer.from(l, 'utf8'));

  it('publishes the key to pin, every checkpoint, and every leaf, from which every root recomputes', () => {
    expect(read('log/kunci-log.txt')).toBe(`${fx.input.logKey}\n`);
    const index = JSON.parse(read('log/log.json'));
    expect(index).toEqual({ format: 'lentera.log/1', logKey: fx.input.logKey, logId: fx.input.logId, size: fx.log.size, perFile: 256, files: ['entri/000000.jsonl'], checkpoints: 'checkpoint.json', records: [] });
    expect(JSON.parse(read('log/checkpoint.json'))).toEqual(fx.input.checkpoints);
    const leaves = lines(site, 'log/entri/000000.jsonl');
    expect(leaves).toHaveLength(fx.log.size);
    for (const cp of fx.input.checkpoints) expect(mth(leaves.slice(0, cp.size))).toBe(cp.root);
    // Each candidate page's leaf hash is the hash of the published line at its index.
    for (const e of fx.input.exams) {
      for (const l of Object.values(e.leaves)) expect(createHash('sha256').update(Buffer.concat([Buffer.of(0), leaves[l.index]!])).digest('hex')).toBe(l.leafHash);
    }
    const page = read('checkpoint.html');
    for (const f of ['log/kunci-log.txt', 'log/log.json', 'log/checkpoint.json', 'log/entri/000000.jsonl']) expect(page).toContain(`href="${f}"`);
    expect(read('verifikasi.html')).toContain(fx.input.logKey);
  });

  it('splits the leaves into files of 256: full files keep their bytes as the log grows, the last one only grows', async () => {
    const hub = join(dir, 'besar');
    mkdirSync(hub);
    const db = openDatabase(join(hub, 'lentera.db'), { create: true });
    try {
      const log = new TransparencyLog(db, hub);
      const append = (from: number, to: number, at: string) => {
        db.transaction(() => log.append(Array.from({ length: to - from }, (_, i) => ({ exam: 'UJI', nomor: `N${from + i}`, digest: createHash('sha256').update(`hasil ${from + i}`).digest('hex') })), at))();
        return log.checkpoint(at);
      };
      const input = (): SiteInput => ({ generatedAt: GENERATED, logKey: log.publicKey(), logId: log.logId(), checkpoints: log.checkpoints(), consistency: [], leaves: log.leaves(), exams: [], bundles: [] });
      append(0, 600, '2026-12-01T01:00:00.000Z');
      const first = join(dir, 'situs-besar');
      await writeSite(first, input());
      const before = hashes(join(first, 'log'));
      expect(Object.keys(before).filter((f) => f.startsWith('entri/')).sort()).toEqual(['entri/000000.jsonl', 'entri/000001.jsonl', 'entri/000002.jsonl']);
      expect(lines(first, 'log/entri/000002.jsonl')).toHaveLength(600 - 512);
      const old = readFileSync(join(first, 'log/entri/000002.jsonl'));

      append(600, 800, '2026-12-01T02:00:00.000Z');
      await writeSite(first, input());
      const after = hashes(join(first, 'log'));
      expect(after['entri/000000.jsonl']).toBe(before['entri/000000.jsonl']);
      expect(after['entri/000001.jsonl']).toBe(before['entri/000001.jsonl']);
      const grown = readFileSync(join(first, 'log/entri/000002.jsonl'));
      expect(grown.length).toBeGreaterThan(old.length);
      expect(grown.subarray(0, old.length).equals(old)).toBe(true);
      expect(lines(first, 'log/entri/000002.jsonl')).toHaveLength(256);
      expect(lines(first, 'log/entri/000003.jsonl')).toHaveLength(800 - 768);
      const all = JSON.parse(readFileSync(join(first, 'log/log.json'), 'utf8')).files.flatMap((f: string) => lines(first, `log/${f}`));
      for (const cp of log.checkpoints()) expect(mth(all.slice(0, cp.size))).toBe(cp.root);
    } finally {
      db.close();
    }
  });

  it('refuses leaves that do not give the checkpoints, that are missing, or that are not salted commitments', async () => {
    const other = structuredClone(fx.input);
    const swapped = fx.input.leaves.slice(0, fx.input.leaves.length).map((l) => new Uint8Array(l));
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    other.leaves = swapped;
    await expect(writeSite(join(dir, 'tertukar'), other)).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/do not give the root/) });
    const short = { ...fx.input, leaves: fx.input.leaves.slice(0, fx.input.leaves.length - 1) };
    await expect(writeSite(join(dir, 'kurang'), short)).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/not published/) });
    // A leaf that names the candidate and the result would leak them: refused, whatever the roots say.
    const naming = { ...fx.input, leaves: [...fx.input.leaves.slice(0, fx.input.leaves.length), new TextEncoder().encode('{"c":"' + 'a'.repeat(64) + '","e":"UJI","n":"2026000001","v":1}')] };
    await expect(writeSite(join(dir, 'bocor-daun'), naming)).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/neither a canonical/) });
    const spaced = { ...fx.input, leaves: [...fx.input.leaves.slice(0, fx.input.leaves.length), new TextEncoder().encode('{"c": "' + 'a'.repeat(64) + '","e":"UJI","v":1}')] };
    await expect(writeSite(join(dir, 'spasi'), spaced)).rejects.toMatchObject({ code: 'PUBLISH_INVALID' });
    for (const d of ['tertukar', 'kurang', 'bocor-daun', 'spasi']) expect(existsSync(join(dir, d))).toBe(false);
  });

  it("with the log's own tree given, a log of more than a block of 256 leaves is compared by blocks: a leaf that differs inside one, or after the last, is named", async () => {
    const synthetic = Array.from({ length: 600 }, (_, i) => new TextEncoder().encode(`{"c":"${createHash('sha256').update(`daun ${i}`).digest('hex')}","e":"UJI","v":1}`));
    const hashes = synthetic.map((l) => leafHash(l));
    const other = (at: number) => new MerkleTree(hashes.map((h, i) => (i === at ? leafHash(new TextEncoder().encode('bukan daun ini')) : h)));
    for (const at of [0, 300, 511, 512, 599]) {
      await expect(writeSite(join(dir, `blok-${at}`), { ...fx.input, leaves: synthetic, tree: other(at) })).rejects.toMatchObject({
        code: 'PUBLISH_INVALID',
        message: expect.stringMatching(new RegExp(`^Leaf ${at} is not the leaf the log's tree holds`)),
      });
      expect(existsSync(join(dir, `blok-${at}`))).toBe(false);
    }
    // The same leaves and tree: past every leaf's check (refused later, by the checkpoints of the other leaves).
    await expect(writeSite(join(dir, 'blok-sama'), { ...fx.input, leaves: synthetic, tree: new MerkleTree(hashes) })).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.not.stringMatching(/^Leaf \d+ is not/) });
  });

  it("with the log's own tree given, compares each leaf with it and builds none: a tree of other leaves, or of fewer, is refused", async () => {
    const all = fx.input.leaves.slice(0, fx.input.leaves.length);
    const tree = new MerkleTree(all.map((l) => leafHash(l)));
    tree.append(leafHash(new TextEncoder().encode('a leaf appended after the input was read')));
    await writeSite(join(dir, 'pohon-log'), { ...fx.input, tree });
    expect(hashes(join(dir, 'pohon-log'))).toEqual(hashes(site));
    const swapped = [all[1]!, all[0]!, ...all.slice(2)];
    await expect(writeSite(join(dir, 'pohon-lain'), { ...fx.input, tree: new MerkleTree(swapped.map((l) => leafHash(l))) })).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/Leaf 0 is not the leaf the log's tree holds/) });
    await expect(writeSite(join(dir, 'pohon-pendek'), { ...fx.input, tree: new MerkleTree(all.slice(1).map((l) => leafHash(l))) })).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/holds \d+ leaves/) });
    // A list that says it holds more leaves than it gives.
    const lying = { length: all.length + 3, slice: (a: number, b: number) => all.slice(a, b) };
    await expect(writeSite(join(dir, 'daun-kurang'), { ...fx.input, leaves: lying })).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/could not be read/) });
    for (const d of ['pohon-lain', 'pohon-pendek', 'daun-kurang']) expect(existsSync(join(dir, d))).toBe(false);
  });

  it('publishes a record leaf only together with the very record it commits to', async () => {
    const record = new TextEncoder().encode('{"isi":"Pengumuman uji","v":1}');
    const leaf = recordLeaf({ exam: 'UJI', kind: 'pengumuman', recordSha256: sha256Hex(Buffer.from(record)) });
    const base = { ...fx.input, leaves: [...fx.input.leaves.slice(0, fx.input.leaves.length), leaf] };
    // No record beside the leaf: the public could not read what the log vouches for.
    await expect(writeSite(join(dir, 'tanpa-catatan'), base)).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/not published/) });
    const edited = { ...base, records: [{ index: fx.input.leaves.length, record: new TextEncoder().encode('{"isi":"Pengumuman diubah","v":1}') }] };
    await expect(writeSite(join(dir, 'catatan-diubah'), edited)).rejects.toMatchObject({ code: 'PUBLISH_INVALID', message: expect.stringMatching(/not the one the log holds/) });
    const unknownKind = { ...fx.input, leaves: [...fx.input.leaves.slice(0, fx.input.leaves.length), new TextEncoder().encode(`{"e":"UJI","h":"${'a'.repeat(64)}","k":"rahasia","v":1}`)] };
    await expect(writeSite(join(dir, 'jenis-asing'), unknownKind)).rejects.toMatchObject({ code: 'PUBLISH_INVALID' });
    const good = { ...base, records: [{ index: fx.input.leaves.length, record }] };
    await writeSite(join(dir, 'dengan-catatan'), good);
    expect(readFileSync(join(dir, 'dengan-catatan', 'log', 'catatan', `${String(fx.input.leaves.length).padStart(8, '0')}.json`))).toEqual(Buffer.from(record));
    expect(JSON.parse(readFileSync(join(dir, 'dengan-catatan', 'log', 'log.json'), 'utf8')).records).toEqual([fx.input.leaves.length]);
    for (const d of ['tanpa-catatan', 'catatan-diubah', 'jenis-asing']) expect(existsSync(join(dir, d))).toBe(false);
  });
});

describe('the verification page logic (the same module the browser runs)', () => {
  beforeAll(() => {
    const g = globalThis as Record<string, unknown>;
    g.LENTERA_LOG = { logKey: fx.input.logKey, logId: fx.input.logId, checkpoints: fx.input.checkpoints, consistency: fx.input.consistency };
    g.LENTERA_DIGESTS = Object.fromEntries(fx.input.exams.map((e) => [e.code, Object.fromEntries(Object.entries(e.leaves).map(([n, l]) => [n, l.digest]))]));
    return () => {
      delete g.LENTERA_LOG;
      delete g.LENTERA_DIGESTS;
    };
  });

  it('a genuine receipt is sah, with every check passed and a link to the candidate', () => {
    const o = checkJsonText(JSON.stringify(fx.receipt(CPNS, '2026000001')));
    expect(o.verdict).toBe('Tanda terima sah');
    expect(o.checks.every((c) => c.ok)).toBe(true);
    expect(o.checks.map((c) => c.label)).toEqual(expect.arrayContaining(['Bukti inklusi di log', 'Checkpoint situs ini', 'Hasil yang diterbitkan', 'Kunci log situs ini']));
    expect(o.candidate).toEqual({ exam: CPNS, nomor: '2026000001' });
  });

  it('a receipt against the older checkpoint is sah too; an altered one is not', () => {
    const old = fx.log.receipt(JPT, 'JPT-001', fx.input.checkpoints.at(-1));
    expect(checkJsonText(JSON.stringify(old)).verdict).toBe('Tanda terima sah');
    const r = fx.receipt(CPNS, '2026000002');
    const altered = { ...r, digest: (r.digest[0] === 'a' ? 'b' : 'a') + r.digest.slice(1) };
    const o = checkJsonText(JSON.stringify(altered));
    expect(o.kind).toBe('bad');
    expect(o.verdict).toBe('Tanda terima TIDAK sah: Bukti inklusi tidak cocok dengan akar checkpoint');
    expect(checkJsonText('{ bukan json').verdict).toMatch(/^Tanda terima TIDAK sah: /);
  });

  it("a receipt of another log is not verified, even carrying this site's key; a sheet's proof is read with the site's key only", () => {
    const hub = join(dir, 'log-lain');
    mkdirSync(hub);
    const db = openDatabase(join(hub, 'lentera.db'), { create: true });
    try {
      const other = new TransparencyLog(db, hub);
      const mine = fx.receipt(CPNS, '2026000001');
      db.transaction(() => other.append([{ exam: CPNS, nomor: '2026000001', digest: mine.digest }], GENERATED))();
      other.checkpoint(GENERATED);
      const theirs = other.receipt(CPNS, '2026000001')!;
      for (const r of [theirs, { ...theirs, logKey: fx.input.logKey }]) {
        const o = checkJsonText(JSON.stringify(r));
        expect(o.kind).toBe('bad');
        expect(o.verdict).toBe('Tanda terima TIDAK terverifikasi: ditandatangani log lain, bukan log situs ini');
        expect(o.checks.find((c) => c.label === 'Log yang menandatangani')!.ok).toBe(false);
      }
      const sheet = { ...JSON.parse(qrPayload(CPNS, '2026000001', mine.digest)), p: receiptToQr(theirs) };
      expect(checkJsonText(JSON.stringify(sheet)).verdict).toBe('Tanda terima TIDAK terverifikasi: checkpoint tidak ditandatangani kunci log situs ini');
      expect(checkJsonText(JSON.stringify({ ...sheet, p: receiptToQr(mine) })).verdict).toBe('Tanda terima sah');
    } finally {
      db.close();
    }
  });

  it('a sheet payload without a proof is compared by digest only, and says so', () => {
    const leaf = leafOf(fx.input.exams[0]!, '2026000005')!;
    const o = checkJsonText(qrPayload(CPNS, '2026000005', leaf.digest));
    expect(o.kind).toBe('info');
    expect(o.notes.join(' ')).toContain('belum memuat bukti inklusi');
    const bad = checkJsonText(qrPayload(CPNS, '2026000005', '0'.repeat(64)));
    expect(bad.verdict).toMatch(/^Lembar hasil TIDAK cocok: Ringkasan hasil berbeda/);
    expect(checkBytes('x.pdf', new TextEncoder().encode('%PDF-1.7 nothing here')).verdict).toMatch(/tidak memuat data hasil Lentera/);
  });
});

describe('the payload of a result sheet, read from its bytes', () => {
  const sheet = (r: RankedCandidate): SheetData => ({
    agency: 'Pemerintah Kota Semarang',
    exam: { code: CPNS, name: 'Seleksi CPNS (uji)', year: 2026 },
    formation: { code: 'F01', position: 'Analis Kebijakan', unit: 'Bappeda', quota: 1 },
    candidate: { nomorPeserta: r.nomor_peserta, nama: 'Ayu Lestari', nikMasked: '337401********01', kategori: 'umum' },
    result: r,
    stageNames: {},
    ruleset: { id: 'cpns-2024', version: '2024.1', sha256: 'a'.repeat(64) },
    chainHead: { seq: 1, hash: 'b'.repeat(64) },
    generatedAt: new Date(GENERATED),
    signer: { name: 'S', certified: false },
  });

  it('finds the payload pdfkit wrote, as embeddedPayload does', async () => {
    const r = byNomor(fx.input.exams[0]!.results, '2026000001');
    const pdf = await renderResultSheet(sheet(r));
    const payload = embeddedPayloadFromBytes(new Uint8Array(pdf));
    expect(payload).toEqual({ v: 1, e: CPNS, n: '2026000001', d: resultDigest(CPNS, r, 'a'.repeat(64)) });
    expect(embeddedPayload(pdf)).toEqual(payload);
  });

  it('reads hex, UTF-16 and escaped literal strings; the last Info wins; garbage gives null', () => {
    const text = '{"d":"' + 'c'.repeat(64) + '","e":"UJI","n":"1","p":{"i":0},"v":1}';
    const enc = (s: string) => new TextEncoder().encode(s);
    const hex = [...enc(text)].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(embeddedPayloadFromBytes(enc(`%PDF-1.7\n1 0 obj\n<< /LenteraResult <${hex}> >>\nendobj\n`))).toMatchObject({ e: 'UJI', p: { i: 0 } });
    const utf16 = 'feff' + [...text].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('');
    expect(embeddedPayloadFromBytes(enc(`%PDF-1.7\n<< /LenteraResult <${utf16}> >>`))).toMatchObject({ e: 'UJI', n: '1' });
    const escaped = text.replace('"UJI"', '"U\\(J\\)I"');
    expect(embeddedPayloadFromBytes(enc(`%PDF\n<< /LenteraResult (${escaped}) >>`))).toMatchObject({ e: 'U(J)I' });
    expect(embeddedPayloadFromBytes(enc(`%PDF\n<< /LenteraResult 7 0 R >>\n7 0 obj\n(${text})\nendobj`))).toMatchObject({ e: 'UJI' });
    const newer = text.replace('"UJI"', '"BARU"');
    expect(embeddedPayloadFromBytes(enc(`%PDF\n<< /LenteraResult (${text}) >>\n%%EOF\n<< /LenteraResult (${newer}) >>\n%%EOF`))).toMatchObject({ e: 'BARU' });
    expect(embeddedPayloadFromBytes(enc('garbage'))).toBeNull();
    expect(embeddedPayloadFromBytes(new Uint8Array([0, 255, 1, 2, 3]))).toBeNull();
    expect(embeddedPayloadFromBytes(enc('%PDF\n<< /LenteraResult (not json) >>'))).toBeNull();
    expect(embeddedPayloadFromBytes(enc('%PDF\n<< /LenteraResult ({"v":1}) >>'))).toBeNull();
    expect(embeddedPayloadFromBytes(enc('%PDF\n<< /LenteraResult (unterminated'))).toBeNull();
  });
});

describe("each formation's pages, a group kept while what they show stays the same (issue 18)", () => {
  const DATA_AT = '2026-11-30T09:30:00.000Z';
  const LATER = '2026-11-30T11:00:00.000Z';
  /** What the hub's site_formation_times does, kept in memory: a formation keeps the time its content was first published at. */
  const hubTimes = formationTimesInMemory;
  const P = '2026000005'; // in F02
  const cpns = (input: LoadedSiteInput) => input.exams.find((e) => e.code === CPNS)!;
  const change = (input: LoadedSiteInput, f: (e: SiteExam) => SiteExam, dataAt = LATER): LoadedSiteInput => ({ ...input, exams: input.exams.map((e) => (e.code === CPNS ? { ...f(e), dataAt } : e)) });
  // Everything a formation's pages or its candidates' show, changed for one candidate of F02 (or F02 itself).
  const changes: [string, (e: SiteExam) => SiteExam][] = [
    ['a name', (e) => ({ ...e, candidates: e.candidates.map((c) => (c.nomor === P ? { ...c, nama: `${c.nama} Putri` } : c)) })],
    ['a masked NIK', (e) => ({ ...e, candidates: e.candidates.map((c) => (c.nomor === P ? { ...c, nikMasked: c.nikMasked.replace(/\d(?=\*)/, '9') } : c)) })],
    ["a result's reason", (e) => ({ ...e, results: e.results.map((r) => (r.nomor_peserta === P ? { ...r, reason: `${r.reason} (dikoreksi)` } : r)) })],
    ['a result digest', (e) => ({ ...e, digests: new Map([[P, 'ab'.repeat(32)]]) })],
    ['strengths', (e) => ({ ...e, strengths: { [P]: { nomor: P, formation: 'F02', minComparable: 3, components: [] } } })],
    ['a conflict', (e) => ({ ...e, conflicts: [...e.conflicts, { nomor: P, field: 'SKD', values: [{ workstation: 'WS-A', value: '400' }, { workstation: 'WS-B', value: '410' }] }] })],
    ["the formation's unit", (e) => ({ ...e, formations: e.formations.map((f) => (f.code === 'F02' ? { ...f, unit: 'Unit baru' } : f)) })],
  ];

  it("property: a formation's time is the data time of the write at which its content last changed, whatever the writes", () => {
    const write = fc.record({ contents: fc.dictionary(fc.constantFrom('F01', 'F02', 'F03'), fc.constantFrom('a', 'b', 'c')), skip: fc.nat({ max: 3 }) });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 12 }), (writes) => {
        const kept = new Map<string, { content: string; at: string }>();
        // The model: each formation's content and the write it last changed at.
        const model = new Map<string, { content: string; since: number }>();
        let at = 0;
        for (const w of writes) {
          at += 1 + w.skip;
          const contents = new Map(Object.entries(w.contents));
          const { times, changed } = formationTimes(kept, contents, String(at).padStart(4, '0'));
          for (const [f, t] of changed) kept.set(f, t);
          for (const [f, content] of contents) {
            if (model.get(f)?.content !== content) model.set(f, { content, since: at });
            expect(times.get(f)).toBe(String(model.get(f)!.since).padStart(4, '0'));
          }
          expect([...times.keys()].sort()).toEqual([...contents.keys()].sort());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a change to anything one formation shows makes that formation\'s group again, and only it; the site equals a full write', async () => {
    const base: LoadedSiteInput = { ...fx.input, exams: fx.input.exams.map((e) => ({ ...e, dataAt: DATA_AT })) };
    for (const [what, f] of changes) {
      const times = hubTimes();
      const out = join(dir, `formasi-${what.replace(/\W+/g, '-')}`);
      const state = `${out}.state.json`;
      const first = { ...base, formationTimes: times };
      await writeSite(out, first, { state });
      const groups = (JSON.parse(readFileSync(state, 'utf8')) as { groups: Record<string, { count: number }> }).groups;
      const all = Object.values(groups).reduce((n, g) => n + g.count, 0);
      const next = { ...change(base, f), formationTimes: times };
      const w = await writeSite(out, next, { state });
      // The exam's own files (its data changed) and F02's are made again; F01's, F03's and the other exam's kept.
      expect([what, w.kept]).toEqual([what, all - groups[`ujian/${CPNS}`]!.count - groups[`ujian/${CPNS}/formasi/F02`]!.count]);
      const page = readFileSync(join(out, sitePaths.candidate(CPNS, P)), 'utf8');
      expect([what, page.includes(`Data formasi ini per <time datetime="${LATER}">`)]).toEqual([what, true]);
      expect(readFileSync(join(out, sitePaths.candidate(CPNS, '2026000001')), 'utf8')).toContain(`Data formasi ini per <time datetime="${DATA_AT}">`);
      const full = `${out}-penuh`;
      await writeSite(full, next);
      expect(hashes(out)).toEqual(hashes(full));
    }
  }, 120_000);

  it("the exam's data time moving alone makes only the exam's own files again; without the hub's times, every formation's", async () => {
    const times = hubTimes();
    const out = join(dir, 'formasi-waktu');
    const state = `${out}.state.json`;
    const base: LoadedSiteInput = { ...fx.input, exams: fx.input.exams.map((e) => ({ ...e, dataAt: DATA_AT })) };
    await writeSite(out, { ...base, formationTimes: times }, { state });
    const groups = (JSON.parse(readFileSync(state, 'utf8')) as { groups: Record<string, { count: number }> }).groups;
    const all = Object.values(groups).reduce((n, g) => n + g.count, 0);
    const moved = change(base, (e) => e);
    expect((await writeSite(out, { ...moved, formationTimes: times }, { state })).kept).toBe(all - groups[`ujian/${CPNS}`]!.count);
    expect(readFileSync(join(out, sitePaths.exam(CPNS)), 'utf8')).toContain(`Data ujian ini per <time datetime="${LATER}">`);
    expect(readFileSync(join(out, sitePaths.candidate(CPNS, P)), 'utf8')).toContain(`Data formasi ini per <time datetime="${DATA_AT}">`);
    // A site with no such times (a workstation's) dates every page by the exam: they all move with it.
    const plain = join(dir, 'formasi-tanpa-waktu');
    await writeSite(plain, base, { state: `${plain}.state.json` });
    const cpnsFiles = Object.entries(groups).filter(([n]) => n.startsWith(`ujian/${CPNS}`)).reduce((n, [, g]) => n + g.count, 0);
    expect((await writeSite(plain, change(base, (e) => e, '2026-11-30T12:00:00.000Z'), { state: `${plain}.state.json` })).kept).toBe(all - cpnsFiles);
    expect(readFileSync(join(plain, sitePaths.candidate(CPNS, P)), 'utf8')).toContain('Data formasi ini per <time datetime="2026-11-30T12:00:00.000Z">');
    expect(cpns(base).dataAt).toBe(DATA_AT);
  }, 60_000);

  it('a new Lentera makes every page again but dates no formation anew: its data did not change', async () => {
    const times = hubTimes();
    const out = join(dir, 'formasi-kode');
    const state = `${out}.state.json`;
    const base: LoadedSiteInput = { ...fx.input, exams: fx.input.exams.map((e) => ({ ...e, dataAt: DATA_AT })), formationTimes: times };
    await writeSite(out, base, { state });
    const later = { ...change(base, (e) => e), formationTimes: times };
    code.id = 'a'.repeat(64);
    try {
      const w = await writeSite(out, later, { state });
      expect(w.kept).toBe(0);
      expect(readFileSync(join(out, sitePaths.candidate(CPNS, P)), 'utf8')).toContain(`Data formasi ini per <time datetime="${DATA_AT}">`);
      await writeSite(`${out}-penuh`, later);
      expect(hashes(out)).toEqual(hashes(`${out}-penuh`));
    } finally {
      code.id = null;
    }
  }, 60_000);
});

describe('slug', () => {
  // Each character on its own, as the path segment is defined (paths.ts): what a code that is already safe must
  // also give, kept whole.
  const byCharacter = (code: string) =>
    [...code].map((ch, i) => (/^[A-Za-z0-9-]$/.test(ch) || (ch === '.' && i > 0) ? ch : `_${ch.codePointAt(0)!.toString(16)}_`)).join('') || '_';
  const codes = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', '-', '.', '_', '/', ' ', 'é', '≥', '😀', '\u0000'), maxLength: 12 });

  it('is the per-character escape for every code, and two codes never share a segment', () => {
    fc.assert(
      fc.property(codes, codes, (a, b) => {
        expect(slug(a)).toBe(byCharacter(a));
        if (a !== b) expect(slug(a)).not.toBe(slug(b));
        expect(['.', '..', '']).not.toContain(slug(a));
      }),
      { numRuns: 2000 },
    );
    expect([slug('263374000001'), slug('CPNS-SMG-2026'), slug('F.01'), slug('.x'), slug('')]).toEqual(['263374000001', 'CPNS-SMG-2026', 'F.01', '_2e_x', '_']);
  });
});
