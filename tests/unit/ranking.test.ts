import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rank, type RankedCandidate } from '../../src-main/core/ranking/engine';
import { resultsCsv } from '../../src-main/core/ranking/export';
import { REASON_CODES, reasonsId, type Reason } from '../../src-main/core/ranking/reasons';
import { readFlatResults } from '../../src-main/core/ranking/flat';
import { loadRuleset, readRuleset } from '../../src-main/core/ranking/rulesets';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { tempDir } from './helpers';

const cpns = loadRuleset('cpns-2024').ruleset;
const HEADER = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir;jabatan;pendidikan;keterangan';

function rankCsv(rows: string[], ruleset = cpns): RankedCandidate[] {
  const facts = readFlatResults(parseCsvText([HEADER, ...rows].join('\n'), 'hasil.csv'), ruleset);
  return rank(ruleset, facts.formations, facts.candidates);
}
const by = (results: RankedCandidate[], n: string) => results.find((r) => r.nomor_peserta === n)!;
const row = (n: string, f: string, q: number, kat: string, twk: number | '', tiu: number | '', tkp: number | '', skb: number | string | '', ipk = '3,50', lahir = '1995-01-01', jab = 'Analis', pend = 'S1', ket = '') =>
  [n, f, q, kat, twk, tiu, tkp, skb, ipk, lahir, jab, pend, ket].join(';');

describe('cpns-2024: one test per rule, hand-computed', () => {
  it('passing grade umum: TWK ≥ 65, TIU ≥ 80, TKP ≥ 166, each at its boundary, with the reason in words', () => {
    const r = rankCsv([row('1', 'F1', 5, 'umum', 65, 80, 166, 70), row('2', 'F1', 5, 'umum', 65, 75, 166, 70), row('3', 'F1', 5, 'umum', 60, 80, 165, 70)]);
    expect(by(r, '1')).toMatchObject({ status: 'P/L', skd_total: '311' });
    expect(by(r, '1').thresholds.every((t) => t.pass)).toBe(true);
    expect(by(r, '2')).toMatchObject({ status: 'TL', reason: 'TIU 75 < 80' });
    expect(by(r, '3')).toMatchObject({ status: 'TL', reason: 'TWK 60 < 65; TKP 165 < 166' });
  });

  it('cumlaude and diaspora: SKD total ≥ 311 and TIU ≥ 85, no per-test grade for TWK and TKP', () => {
    const r = rankCsv([row('1', 'F1', 5, 'cumlaude', 60, 85, 166, 70), row('2', 'F1', 5, 'umum', 60, 85, 166, 70), row('3', 'F1', 5, 'diaspora', 70, 80, 170, 70), row('4', 'F1', 5, 'cumlaude', 60, 85, 165, 70)]);
    expect(by(r, '1').status).toBe('P/L');
    expect(by(r, '2')).toMatchObject({ status: 'TL', reason: 'TWK 60 < 65' });
    expect(by(r, '3')).toMatchObject({ status: 'TL', reason: 'TIU 80 < 85' });
    expect(by(r, '4')).toMatchObject({ status: 'TL', reason: 'SKD 310 < 311' });
  });

  it('disabilitas, papua, tertinggal: SKD total ≥ 286 and TIU ≥ 60', () => {
    const r = rankCsv([row('1', 'F1', 5, 'disabilitas', 70, 60, 156, 70), row('2', 'F1', 5, 'papua', 70, 55, 170, 70), row('3', 'F1', 5, 'tertinggal', 60, 60, 165, 70)]);
    expect(by(r, '1')).toMatchObject({ status: 'P/L', skd_total: '286' });
    expect(by(r, '2')).toMatchObject({ status: 'TL', reason: 'TIU 55 < 60' });
    expect(by(r, '3')).toMatchObject({ status: 'TL', reason: 'SKD 285 < 286' });
  });

  it('at most 3 × quota SKD passers, by SKD rank, go on to SKB', () => {
    const rows = [400, 390, 380, 370].map((tkp, i) => row(String(i + 1), 'F1', 1, 'umum', 100, 100, tkp - 200, 80));
    const r = rankCsv(rows);
    expect(r.filter((x) => x.final !== null).map((x) => x.nomor_peserta)).toEqual(['1', '2', '3']);
    expect(by(r, '4')).toMatchObject({ status: 'TL', reason: 'peringkat SKD 4 di luar 3 × 1 = 3 peserta SKB', final: null });
  });

  it('integration: 40 % of SKD on 100 plus 60 % of SKB, exactly, 3 decimals only for display', () => {
    const r = rankCsv([row('1', 'F1', 2, 'umum', 100, 140, 200, 80), row('2', 'F1', 2, 'umum', 100, 100, 185, 75.5)]);
    // 440/550×100 = 80 → 32; 60 % × 80 = 48 → 80
    expect(by(r, '1')).toMatchObject({ final: '80.000', final_exact: '80', rank: 1 });
    // 385/550×100 = 70 → 28; 60 % × 75,5 = 45,3 → 73,3
    expect(by(r, '2')).toMatchObject({ final: '73.300', final_exact: '733/10', rank: 2 });
    const third = rankCsv([row('1', 'F1', 1, 'umum', 100, 100, 200, 70)]);
    // 400/550×100 = 800/11 → ×0.4 = 320/11; + 42 = 782/11 = 71.0909…
    expect(third[0]).toMatchObject({ final: '71.091', final_exact: '782/11' });
  });

  it('an exact tie that naive floating point orders the wrong way is broken by the ruleset (SKD total first)', () => {
    // 0.4×(333/550×100) + 0.6×53.8 and 0.4×(300/550×100) + 0.6×57.8 are both 15537/275 exactly,
    // but in floating point the second is 56.49818181818182 and the first 56.49818181818181.
    expect(0.4 * ((300 / 550) * 100) + 0.6 * 57.8).toBeGreaterThan(0.4 * ((333 / 550) * 100) + 0.6 * 53.8);
    const r = rankCsv([row('B', 'F1', 1, 'disabilitas', 70, 60, 170, 57.8), row('A', 'F1', 1, 'umum', 80, 85, 168, 53.8)]);
    expect(by(r, 'A')).toMatchObject({ rank: 1, status: 'P/L', final_exact: '15537/275', decided_by: 'skd_total' });
    expect(by(r, 'B')).toMatchObject({ rank: 2, status: 'P/TL', final_exact: '15537/275', final: '56.498' });
  });

  it('equal finals fall to SKD total, then TKP, TIU, TWK, IPK and the older candidate, in that order', () => {
    // All have SKD 400 and SKB 80 → equal finals; each pair differs from the next only in the next key.
    const r = rankCsv([
      row('a', 'F1', 9, 'umum', 100, 100, 200, 80),
      row('b', 'F1', 9, 'umum', 105, 100, 195, 80), // TKP 195 < 200: after a
      row('c', 'F1', 9, 'umum', 100, 105, 195, 80), // same TKP as b, higher TIU: before b
      row('d', 'F1', 9, 'umum', 105, 100, 195, 80, '3,60'), // like b with higher IPK: before b
      row('e', 'F1', 9, 'umum', 105, 100, 195, 80, '3,60', '1990-05-01'), // like d but older: before d
      row('f', 'F1', 9, 'umum', 105, 100, 195, 80, '3,60', '1990-05-01'), // a perfect tie with e: nomor decides
    ]);
    expect(r.map((x) => [x.nomor_peserta, x.rank, x.decided_by])).toEqual([
      ['a', 1, 'tkp'],
      ['c', 2, 'tiu'],
      ['e', 3, 'nomor_peserta'],
      ['f', 4, 'older'],
      ['d', 5, 'ipk'],
      ['b', 6, null],
    ]);
  });

  it('status codes: P/L within quota, P/TL beyond, P/TH absent at SKB, TH absent at SKD, TMS, APS, BL when incomplete', () => {
    const r = rankCsv([
      row('1', 'F1', 1, 'umum', 100, 100, 200, 80),
      row('2', 'F1', 1, 'umum', 100, 100, 190, 80),
      row('3', 'F1', 1, 'umum', 100, 100, 180, ''),
      row('4', 'F1', 1, 'umum', '', '', '', ''),
      row('5', 'F1', 1, 'umum', 100, 100, 200, 90, '3,5', '1995-01-01', 'Analis', 'S1', 'TMS'),
      row('6', 'F1', 1, 'umum', 100, 100, 200, 90, '3,5', '1995-01-01', 'Analis', 'S1', 'APS'),
      row('7', 'F1', 1, 'umum', 100, '', 200, 90),
    ]);
    expect(r.map((x) => [x.nomor_peserta, x.status])).toEqual([
      ['1', 'P/L'],
      ['2', 'P/TL'],
      ['3', 'P/TH'],
      ['4', 'TH'],
      ['5', 'TMS'],
      ['6', 'APS'],
      ['7', 'BL'],
    ]);
  });

  it('a status that missing results could still change is provisional (SEMENTARA), with its reason, also in the CSV', () => {
    // 7 has no TIU yet: with any TIU it could pass 1, never pass the quota line for 2 (1 stays ahead of 2).
    const r = rankCsv([row('1', 'F1', 1, 'umum', 100, 100, 200, 80), row('2', 'F1', 1, 'umum', 100, 100, 190, 80), row('7', 'F1', 1, 'umum', 100, '', 200, 90), row('8', 'F1', 1, 'umum', 60, 100, 200, 90)]);
    expect(by(r, '1')).toMatchObject({ status: 'P/L', provisional: true, provisional_reason: 'nilai peserta formasi F1 belum lengkap (BL): 7' });
    expect(by(r, '2')).toMatchObject({ status: 'P/TL' });
    expect(by(r, '2').provisional).toBeUndefined();
    expect(by(r, '7').status).toBe('BL');
    expect(by(r, '7').provisional).toBeUndefined();
    expect(by(r, '8')).toMatchObject({ status: 'TL', reason: 'TWK 60 < 65' });
    expect(by(r, '8').provisional).toBeUndefined();
    const csv = resultsCsv(r, { id: 'cpns-2024', version: '2024.1', sha256: 'x' }).split('\r\n');
    expect(csv.find((l) => l.startsWith('F1,1,1,'))).toMatch(/,P\/L,,peringkat 1 dari kebutuhan 1,true,nilai peserta formasi F1 belum lengkap \(BL\): 7$/);
    expect(csv.find((l) => l.startsWith('F1,2,2,'))).toMatch(/,P\/TL,,"peringkat 2, kebutuhan 1",,$/);
  });

  it('optimalisasi: an unfilled formation is filled from the same position and education elsewhere (P/L-1, P/L-2)', () => {
    const r = rankCsv([
      row('a1', 'FA', 3, 'umum', 100, 100, 200, 70, '3,5', '1995-01-01', 'Pranata Komputer', 'S1 Informatika'),
      row('b1', 'FB', 1, 'umum', 100, 100, 200, 90, '3,5', '1995-01-01', 'Pranata Komputer', 'S1 Informatika'),
      row('b2', 'FB', 1, 'umum', 100, 100, 200, 85, '3,5', '1995-01-01', 'Pranata Komputer', 'S1 Informatika'),
      row('b3', 'FB', 1, 'umum', 100, 100, 200, 80, '3,5', '1995-01-01', 'Pranata Komputer', 'S1 Informatika'),
      row('c1', 'FC', 1, 'umum', 100, 100, 200, 99, '3,5', '1995-01-01', 'Pranata Komputer', 'S1 Sistem Informasi'),
      row('c2', 'FC', 1, 'umum', 100, 100, 200, 98, '3,5', '1995-01-01', 'Pranata Komputer', 'S1 Sistem Informasi'),
    ]);
    expect(by(r, 'a1').status).toBe('P/L');
    expect(by(r, 'b2')).toMatchObject({ status: 'P/L-1', optimalisasi_ke: 'FA' });
    expect(by(r, 'b3')).toMatchObject({ status: 'P/L-2', optimalisasi_ke: 'FA' });
    expect(by(r, 'c2').status).toBe('P/TL'); // other education: not eligible
  });
});

describe('rulesets', () => {
  const base = JSON.parse(readFileSync('resources/rulesets/cpns-2024.json', 'utf8'));
  const refuse = (mutate: (r: any) => void) => {
    const r = structuredClone(base);
    mutate(r);
    try {
      readRuleset(JSON.stringify(r), 'x.json');
    } catch (e) {
      return (e as { details: { problems: { path: string; message: string }[] } }).details.problems;
    }
    throw new Error('accepted');
  };

  it('refuses weights that do not sum to 100 %, with the JSON path', () => {
    expect(refuse((r) => (r.integration.skb = 50))).toContainEqual({ path: 'integration', message: expect.stringMatching(/sum to 90 %/) });
    expect(refuse((r) => (r.skb.weights['SKB-CAT'] = 50))).toContainEqual({ path: 'skb.weights', message: expect.stringMatching(/sum to 90 %/) });
  });

  it('refuses unknown components, unknown tie-breaks, unknown format and code-like content', () => {
    expect(refuse((r) => (r.passing_grade.umum[1].component = 'tbi'))).toContainEqual({ path: 'passing_grade.umum[1].component', message: 'unknown SKD component "tbi"' });
    expect(refuse((r) => (r.tie_break = ['skd_total', 'luck']))[0]!.path).toBe('tie_break[1]');
    expect(refuse((r) => (r.format = 'lentera.ruleset/2'))[0]!.path).toBe('format');
    expect(refuse((r) => (r.formula = 'skd * 0.4 + skb * 0.6'))[0]!.message).toMatch(/formula/);
  });

  it('a weighted-stages ruleset naming an unknown stage in its tie-break is refused', () => {
    const open = JSON.parse(readFileSync('resources/rulesets/seleksi-terbuka-2024.json', 'utf8'));
    open.tie_break.push('stage:PSIKOTES');
    expect(() => readRuleset(JSON.stringify(open), 'o.json')).toThrow(/tie_break\[4\]: unknown stage "PSIKOTES"/);
  });

  it('the open-selection ruleset: weighted stages with a minimum per stage', () => {
    const open = loadRuleset('seleksi-terbuka-2024').ruleset;
    const facts = readFlatResults(
      parseCsvText(
        ['nomor_peserta;kode_formasi;kuota;kategori;asesmen;makalah;wawancara;ipk;tanggal_lahir', 'x;JPT1;1;umum;80;70;90;;1975-01-01', 'y;JPT1;1;umum;90;90;69,5;;1975-01-01', 'z;JPT1;1;umum;70;60;85;;1970-01-01', 'w;JPT1;1;umum;70;60;;;1970-01-01'].join('\n'),
        'jpt.csv',
      ),
      open,
    );
    const r = rank(open, facts.formations, facts.candidates);
    // x: 0.3×80 + 0.2×70 + 0.5×90 = 24 + 14 + 45 = 83
    expect(by(r, 'x')).toMatchObject({ final: '83.000', status: 'P/L', rank: 1 });
    expect(by(r, 'y')).toMatchObject({ status: 'TL', reason: 'WAWANCARA 69.5 < 70' });
    // z: 21 + 12 + 42.5 = 75.5
    expect(by(r, 'z')).toMatchObject({ final: '75.500', status: 'P/TL', rank: 2 });
    expect(by(r, 'w').status).toBe('P/TH');
  });
});

describe('ranking properties', () => {
  const candidate = fc.record({
    f: fc.constantFrom('F1', 'F2'),
    kat: fc.constantFrom('umum', 'cumlaude', 'disabilitas'),
    twk: fc.integer({ min: 10, max: 30 }).map((x) => x * 5),
    tiu: fc.integer({ min: 10, max: 35 }).map((x) => x * 5),
    tkp: fc.integer({ min: 120, max: 225 }),
    skb: fc.option(fc.integer({ min: 0, max: 1000 }).map((x) => x / 10), { nil: '' as const }),
    ipk: fc.integer({ min: 250, max: 400 }),
    lahir: fc.integer({ min: 0, max: 3000 }),
  });
  type Gen = typeof candidate extends fc.Arbitrary<infer T> ? T : never;
  const toRows = (cs: Gen[]) =>
    cs.map((c, i) => row(`n${String(i).padStart(3, '0')}`, c.f, c.f === 'F1' ? 2 : 1, c.kat, c.twk, c.tiu, c.tkp, c.skb === '' ? '' : String(c.skb).replace('.', ','), `${Math.floor(c.ipk / 100)},${String(c.ipk % 100).padStart(2, '0')}`, new Date(Date.UTC(1990, 0, 1 + c.lahir)).toISOString().slice(0, 10)));
  const list = fc.array(candidate, { minLength: 1, maxLength: 40 });

  it('is a total order: within a formation the ranks are 1..n, each once', () => {
    fc.assert(
      fc.property(list, (cs) => {
        const r = rankCsv(toRows(cs));
        for (const f of ['F1', 'F2']) {
          const ranks = r.filter((x) => x.kode_formasi === f && x.rank !== null).map((x) => x.rank!);
          expect([...ranks].sort((a, b) => a - b)).toEqual(ranks.map((_, i) => i + 1));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(list, fc.integer(), (cs, seed) => {
        const rows = toRows(cs);
        const shuffled = [...rows].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 17 + seed) % 5) || (a < b ? -1 : 1));
        expect(rankCsv(shuffled)).toEqual(rankCsv(rows));
      }),
      { numRuns: 150 },
    );
  });

  it('is monotone: raising one candidate\'s SKB never lowers their rank', () => {
    fc.assert(
      fc.property(list, fc.nat(), fc.integer({ min: 1, max: 200 }), (cs, pick, delta) => {
        const i = pick % cs.length;
        const before = rankCsv(toRows(cs));
        const me = before.find((x) => x.nomor_peserta === `n${String(i).padStart(3, '0')}`)!;
        if (me.rank === null || cs[i]!.skb === '') return;
        const raised = cs.map((c, j) => (j === i ? { ...c, skb: Math.min(100, (c.skb as number) + delta / 10) } : c));
        const after = rankCsv(toRows(raised)).find((x) => x.nomor_peserta === me.nomor_peserta)!;
        expect(after.rank!).toBeLessThanOrEqual(me.rank);
      }),
      { numRuns: 150 },
    );
  });
});

describe('ranking a workstation', () => {
  it('computes from the raw entries, shows the ruleset sha256, and is unchanged by re-importing the same data', async () => {
    const app = new LenteraApp({ dataDir: join(tempDir(), 'demo'), allowInit: true });
    await app.invokeAsync('workstation.demo', { candidates: 120 }, { local: 't' });
    const first = await app.invokeAsync('ranking.compute', { exam: 'CPNS-SMG-2026' }, { local: 't' }) as any;
    expect(first.ok).toBe(true);
    expect(first.value.ruleset).toMatchObject({ id: 'cpns-2024', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const statuses = new Set(first.value.results.map((r: RankedCandidate) => r.status));
    expect(statuses.has('P/L')).toBe(true);
    expect(statuses.has('TL')).toBe(true);
    // Re-import the same package and the same SKD results: identical ranking.
    const pkg = join(tempDir(), 'pkg.json');
    writeFileSync(pkg, readFileSync('resources/examples/cpns-smg-2026.exam.json'));
    const skd = first.value.results.filter((r: RankedCandidate) => r.skd_total !== null && r.components.twk);
    const csv = join(tempDir(), 'skd.csv');
    writeFileSync(csv, ['nomor_peserta;twk;tiu;tkp', ...skd.map((r: RankedCandidate) => `${r.nomor_peserta};${r.components.twk};${r.components.tiu};${r.components.tkp}`)].join('\n'));
    const again = (await app.invokeAsync('scores.import', { exam: 'CPNS-SMG-2026', stage: 'SKD', file: { path: csv } }, { local: 't' })) as any;
    expect(again).toMatchObject({ ok: true, value: { written: 0 } });
    expect((await app.invokeAsync('ranking.compute', { exam: 'CPNS-SMG-2026' }, { local: 't' }) as any).value).toEqual(first.value);
    app.close();
  });

  it('lentera rank --ruleset FILE --input FILE recomputes a flat file; bad input gets line and column', async () => {
    const dir = tempDir();
    const csv = join(dir, 'hasil.csv');
    writeFileSync(csv, [HEADER, row('1', 'F1', 1, 'umum', 100, 140, 200, '80,5'), row('2', 'F1', 1, 'umum', 100, 100, 185, 75)].join('\n'));
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), askSecret: async () => '', osUser: 't' };
    expect(await run(['rank', '--ruleset', 'resources/rulesets/cpns-2024.json', '--input', csv, '--json'], io)).toBe(0);
    const res = JSON.parse(out.join('\n'));
    expect(res.results[0]).toMatchObject({ nomor_peserta: '1', final: '80.300', final_exact: '803/10', rank: 1, status: 'P/L', decided_by: null });
    writeFileSync(csv, [HEADER, row('1', 'F1', 0, 'umum', 100, 'x' as unknown as number, 200, 80)].join('\n'));
    out.length = 0;
    expect(await run(['rank', '--ruleset', 'resources/rulesets/cpns-2024.json', '--input', csv], io)).toBe(1);
    expect(out.join('\n')).toMatch(/line 2, column kuota/);
    expect(out.join('\n')).toMatch(/line 2, column tiu: "x" is not a number/);
    expect(await run(['rank', '--ruleset', 'resources/rulesets/cpns-2024.json'], io)).toBe(2);
  });
});

describe('reasons as data', () => {
  it('each result reason (and what a provisional status waits for) is its codes said in Indonesian, nothing else', async () => {
    const app = new LenteraApp({ dataDir: join(tempDir(), 'demo'), allowInit: true });
    await app.invokeAsync('workstation.demo', { candidates: 120 }, { local: 't' });
    const value = (await app.invokeAsync('ranking.compute', { exam: 'CPNS-SMG-2026' }, { local: 't' }) as any).value as {
      results: RankedCandidate[];
      reasons: Record<string, { status: Reason[]; provisional: Reason[] }>;
    };
    const seen = new Set<string>();
    for (const r of value.results) {
      const why = value.reasons[r.nomor_peserta]!;
      expect(why.status.length).toBeGreaterThan(0);
      expect(reasonsId(why.status)).toBe(r.reason);
      expect(why.provisional.length > 0).toBe(r.provisional === true);
      if (r.provisional) expect(reasonsId(why.provisional)).toBe(r.provisional_reason);
      for (const x of [...why.status, ...why.provisional]) {
        expect(REASON_CODES).toContain(x.code);
        for (const v of Object.values(x.params)) expect(['string', 'number', 'object']).toContain(typeof v);
        seen.add(x.code);
      }
      // The result itself carries no new field: it is hashed and published exactly as before.
      expect(Object.keys(r)).not.toContain('reasons');
    }
    expect([...seen]).toEqual(expect.arrayContaining(['withinQuota', 'outsideSkbCap', 'threshold', 'skbIncomplete', 'waitsCandidates']));
    app.close();
  });
});

describe('ranking export', () => {
  it('exports the exact CSV (commas, decimal point, exact fraction, ruleset sha256), the CSV for Indonesian spreadsheets (semicolons, decimal comma) and XLSX that reads back', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const app = new LenteraApp({ dataDir: join(tempDir(), 'demo'), allowInit: true });
    await app.invokeAsync('workstation.demo', { candidates: 60 }, { local: 't' });
    const computed = (await app.invokeAsync('ranking.compute', { exam: 'CPNS-SMG-2026', formation: 'F01' }, { local: 't' }) as any).value;
    const csv = (await app.invokeAsync('ranking.export', { exam: 'CPNS-SMG-2026', formation: 'F01', format: 'csv' }, { local: 't' })) as any;
    expect(csv.value.name).toBe('hasil-CPNS-SMG-2026-F01.csv');
    const text = Buffer.from(csv.value.dataBase64, 'base64').toString('utf8');
    expect(text).toContain(`# ruleset cpns-2024 2024.1 sha256 ${computed.ruleset.sha256}`);
    const lines = text.trim().split('\r\n');
    // The columns as before, then whether the status is provisional (SEMENTARA) and why.
    expect(lines[1]).toBe('kode_formasi,rank,nomor_peserta,kategori,twk,tiu,tkp,skd_total,skb,final,final_exact,status,decided_by,reason,provisional,provisional_reason');
    const top = computed.results[0] as RankedCandidate;
    expect(top.final).toMatch(/\./);
    expect(lines[2]).toContain(`,${top.final},${top.final_exact},${top.status},`);
    const excel = (await app.invokeAsync('ranking.export', { exam: 'CPNS-SMG-2026', formation: 'F01', format: 'csv-excel' }, { local: 't' })) as any;
    expect(excel.value).toMatchObject({ name: 'hasil-CPNS-SMG-2026-F01-excel.csv', mime: 'text/csv' });
    const excelBytes = Buffer.from(excel.value.dataBase64, 'base64');
    expect(excelBytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf])); // so Excel reads it as UTF-8
    const excelLines = excelBytes.toString('utf8').trim().split('\r\n');
    expect(excelLines[0]).toBe(`# ruleset cpns-2024 2024.1 sha256 ${computed.ruleset.sha256}`);
    expect(excelLines[1]).toBe('kode_formasi;rank;nomor_peserta;kategori;twk;tiu;tkp;skd_total;skb;final;status;decided_by;reason;provisional;provisional_reason');
    expect(excelLines[2]).toContain(`;${top.final!.replace('.', ',')};${top.status};`);
    const xlsx = (await app.invokeAsync('ranking.export', { exam: 'CPNS-SMG-2026', formation: 'F01', format: 'xlsx' }, { local: 't' })) as any;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx.value.dataBase64, 'base64') as any);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(5).getCell(3).value).toBe(top.nomor_peserta);
    expect(ws.getRow(5).getCell(10).value).toBe(Number(top.final));
    app.close();
  });
});

describe('a ruleset that does not fit the exam', () => {
  it('is refused with the JSON path of each unknown stage', async () => {
    const app = new LenteraApp({ dataDir: join(tempDir(), 'demo'), allowInit: true });
    await app.invokeAsync('workstation.demo', { candidates: 20 }, { local: 't' });
    // The open-selection ruleset names ASESMEN, MAKALAH and WAWANCARA, which a CPNS exam does not have.
    app.workstation!.db.pragma('foreign_keys = OFF');
    app.workstation!.db.prepare("UPDATE exams SET ruleset = 'seleksi-terbuka-2024'").run();
    const r = await app.invokeAsync('ranking.compute', { exam: 'CPNS-SMG-2026' }, { local: 't' }) as any;
    expect(r).toMatchObject({ ok: false, error: { code: 'RULESET_MISMATCH' } });
    expect(r.error.details.problems.map((p: any) => p.path)).toEqual(['stages.ASESMEN', 'stages.MAKALAH', 'stages.WAWANCARA']);
    app.close();
  });
});
