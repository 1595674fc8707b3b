// The exam's order of birth dates, with each candidate's birth year, pins nearly every birth date of a large exam
// (docs/security.md). Published facts give only each compared candidate's place within the class of those the
// ranking compared it with (engine.ts rankWithAgeTies, facts.ts agePublished), and still recompute to the results.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { AGE_ORDER_MISSING, mergedStateKey, mergedView, type MergedView } from '../../src-main/core/bundles/merge';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { demoPackage, demoRosterCsv } from '../../src-main/core/demo/generate';
import type { ExamPackage } from '../../src-main/core/exams/package-schema';
import { generateIdentity, unlockIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { sitePaths } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { repackSigned } from '../unit/repack-bundle';
import { readZip } from '../unit/zip';
import { agePublished, ageOrderKeys, factsFromJson, factsToJson, type FactsJson } from '../../src-main/core/bundles/facts';
import { rank, rankWithAgeTies, type CandidateFacts, type FormationFacts, type RankedCandidate } from '../../src-main/core/ranking/engine';
import type { Ruleset } from '../../src-main/core/ranking/ruleset-schema';
import { Fraction } from '../../src-main/core/scoring/exact';
import { cpns, facts, formations, integrationCandidates, integrationRuleset, weightedCandidates, weightedRuleset } from '../unit/ranking-generators';

/** Birth dates drawn from a few, so that candidates tie on everything but their birth date often. */
const dates = (n: number) => fc.array(fc.constantFrom('1990-01-01', '1990-01-02', '1985-06-30', '1999-12-31', '2001-03-04'), { minLength: n, maxLength: n });

interface Seen {
  runs: number;
  withClass: number;
  decidedByAge: number;
  changedWithoutOrder: number;
}

/** The claim, for one ranking: rankWithAgeTies ranks as rank does, and the published facts recompute to it. */
function check(ruleset: Ruleset, fs: FormationFacts[], cs: CandidateFacts[], born: string[], junk: string[], seen: Seen): void {
  const withDates = cs.map((c, i) => ({ ...c, tanggalLahir: born[i]! }));
  const order = ageOrderKeys(withDates.map((c) => c.tanggalLahir));
  const sent = withDates.map((c) => ({ ...factsToJson(c), ageOrder: order.get(c.tanggalLahir)! })); // as bundles made before gave them
  const expected = rank(ruleset, fs, sent.map((j) => factsFromJson(j)));
  const { results, ageClasses } = rankWithAgeTies(ruleset, fs, sent.map((j) => factsFromJson(j)));
  expect(results).toEqual(expected);

  const published = agePublished(sent, ageClasses);
  const inClass = new Set(ageClasses.flat());
  expect(inClass.size).toBe(ageClasses.flat().length); // the classes do not overlap
  for (const p of published) expect(p.ageOrder !== undefined, p.nomorPeserta).toBe(inClass.has(p.nomorPeserta));
  // Within a class: dense ranks from the first, nothing of the exam's order.
  for (const members of ageClasses) {
    const values = [...new Set(members.map((n) => published.find((p) => p.nomorPeserta === n)!.ageOrder!))].sort();
    expect(values).toEqual(values.map((_, i) => `u${String(i).padStart(7, '0')}`));
  }
  expect(rank(ruleset, fs, published.map((j) => factsFromJson(j)))).toEqual(expected);
  // Whatever a candidate outside every class is given as birth order, it ranks the same: it is never read.
  const guessed = published.map((p, i) => (p.ageOrder === undefined ? { ...p, ageOrder: junk[i % junk.length]! } : p));
  expect(rank(ruleset, fs, guessed.map((j) => factsFromJson(j)))).toEqual(expected);

  seen.runs++;
  if (ageClasses.length) seen.withClass++;
  if (process.env.SHOW_SEEN && seen.runs % 1000 === 0) console.log(JSON.stringify(seen));
  if (expected.some((r) => r.decided_by === 'older')) seen.decidedByAge++;
  // Not vacuous: with every birth order dropped, these results would be others.
  const dropped = sent.map(({ ageOrder: _a, ...rest }) => rest);
  if (JSON.stringify(rank(ruleset, fs, dropped.map((j) => factsFromJson(j)))) !== JSON.stringify(expected)) seen.changedWithoutOrder++;
}

/** The ruleset, or the same with `older` moved up to second, where it decides far more often. */
const olderEarly = (r: fc.Arbitrary<Ruleset>) =>
  fc.tuple(r.filter((x) => x.tie_break.includes('older')), fc.boolean()).map(([x, early]): Ruleset => {
    if (!early) return x;
    const rest = x.tie_break.filter((k) => k !== 'older');
    return { ...x, tie_break: [rest[0]!, 'older', ...rest.slice(1)].filter((k) => k !== undefined) } as Ruleset;
  });

const junkArb = fc.array(fc.constantFrom('', 'u0000000', 'u0000003', 'u9999999', 'a'), { minLength: 1, maxLength: 5 });

/** The claim over 1,000 random rulesets of a model and facts of theirs; what it saw, to show it is not vacuous. */
function claimHolds(rulesets: fc.Arbitrary<Ruleset>, candidates: fc.Arbitrary<Parameters<typeof facts>[0]>): Seen {
  const seen: Seen = { runs: 0, withClass: 0, decidedByAge: 0, changedWithoutOrder: 0 };
  fc.assert(
    fc.property(olderEarly(rulesets), formations, candidates.chain((cs) => fc.tuple(fc.constant(cs), dates(cs.length))), junkArb, (r, fs, [cs, born], junk) => check(r, fs, facts(cs), born, junk, seen)),
    { numRuns: 1000 },
  );
  return seen;
}

describe('published facts recompute to the results without the exam order of birth dates', () => {
  it('integration rulesets (tie-breaks in any order, optimalisasi on and off)', () => {
    const seen = claimHolds(integrationRuleset, integrationCandidates);
    // Not vacuous (about 230, 25 and 25 of 1,000 runs when written).
    expect(seen.withClass).toBeGreaterThan(100);
    expect(seen.decidedByAge).toBeGreaterThan(8);
    expect(seen.changedWithoutOrder).toBeGreaterThan(8);
  });

  it('weighted-stages rulesets', () => {
    const seen = claimHolds(weightedRuleset, weightedCandidates);
    // Not vacuous (about 110, 100 and 100 of 1,000 runs when written).
    expect(seen.withClass).toBeGreaterThan(60);
    expect(seen.decidedByAge).toBeGreaterThan(50);
    expect(seen.changedWithoutOrder).toBeGreaterThan(50);
  });

  it('a candidate whose birth date the ranking never compared gets no birth order at all', () => {
    const F = (x: number) => ({ twk: x, tiu: 80, tkp: 166 });
    const fs: FormationFacts[] = [{ code: 'F1', quota: 1, position: 'Analis', education: 'S1' }];
    const cs = facts(
      [F(100), F(100), F(90), F(95)].map((s) => ({
        kode: 'F1',
        ipk: 350,
        lahir: '',
        flag: null,
        kategori: 'umum',
        skd: { twk: new Fraction(s.twk), tiu: new Fraction(s.tiu), tkp: new Fraction(s.tkp) },
        skb: new Fraction(70),
      })),
    );
    const born = ['1995-05-05', '1990-01-01', '1980-01-01', '2000-01-01'];
    const withDates = cs.map((c, i) => ({ ...c, tanggalLahir: born[i]! }));
    const order = ageOrderKeys(born);
    const sent = withDates.map((c) => ({ ...factsToJson(c), ageOrder: order.get(c.tanggalLahir)! })); // as bundles made before gave them
    const { results, ageClasses } = rankWithAgeTies(cpns, fs, sent.map((j) => factsFromJson(j)));
    // n000 and n001 tie on everything before birth: the older, n001, takes the one seat.
    expect(results.map((r) => [r.nomor_peserta, r.rank, r.status, r.decided_by])).toEqual([
      ['n001', 1, 'P/L', 'older'],
      ['n000', 2, 'P/TL', null],
      ['n003', 3, 'P/TL', null],
      ['n002', null, 'TL', null], // below the TWK passing grade
    ]);
    expect(ageClasses).toEqual([['n000', 'n001']]);
    const published = agePublished(sent, ageClasses);
    // The exam's order put n000 third of four dates; published, it is only second of the two it tied with.
    expect(sent.map((s) => s.ageOrder)).toEqual(['u0000002', 'u0000001', 'u0000000', 'u0000003']);
    expect(published.map((p) => p.ageOrder)).toEqual(['u0000001', 'u0000000', undefined, undefined]);
    expect(Object.keys(published[2]!)).not.toContain('ageOrder');
  });
});


/**
 * End to end: a venue's bundle no longer carries the exam's birth order; the hub takes it from the package the
 * selection committee gives it (`lentera hub package`), holds back a tie only the birth order breaks until then, and
 * publishes no more of it than the ties it broke.
 */
describe('the hub, the bundles and the site', () => {
  const PASS = 'rahasia-koordinator';
  const T1 = '2026-11-30T06:00:00.000Z';
  const T2 = '2026-11-30T07:00:00.000Z';
  const dir = mkdtempSync(join(tmpdir(), 'lentera-birth-order-'));
  let app: LenteraApp;
  let exam: string;
  let hub: Publisher;
  let pkg: ExamPackage;
  /** X and Y: one formation, the same facts but their number; Y, the later number, is the older */
  let X: string;
  let Y: string;
  let sentFacts: string;
  let sentCandidates: string;

  beforeAll(async () => {
    app = new LenteraApp({ dataDir: join(dir, 'venue'), allowInit: true });
    const demo = await app.invokeAsync('workstation.demo', { candidates: 120 }, { local: 't' });
    if (!demo.ok) throw new Error(demo.error.message);
    const db = app.workstation!.db;
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Koordinator', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
    exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
    const r = await app.invokeAsync('bundle.export', { exam, passphrase: PASS, account: 'koordinator' }, { local: 't' });
    if (!r.ok) throw new Error(r.error.message);
    const made = (r.value as { file: string }).file;
    pkg = demoPackage(120);
    const born = new Map(pkg.roster.map((p) => [p.nomor_peserta, p.tanggal_lahir]));
    const id = await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date());
    // The venue's own data, made to tie: Y given X's every score, so that only the birth order tells them apart.
    const tied = await repackSigned(made, join(dir, 'tied.lentera'), id, (files) => {
      sentFacts = files.get('data/facts.json')!.toString();
      sentCandidates = files.get('data/candidates.json')!.toString();
      const facts = JSON.parse(sentFacts) as FactsJson[];
      const complete = facts.filter((f) => !f.flag && typeof f.skd === 'object' && typeof f.skb === 'object' && Object.values(f.skb).every((v) => v !== 'missing' && v !== 'absent'));
      for (const x of complete) {
        const y = facts.find((f) => f.kodeFormasi === x.kodeFormasi && f.nomorPeserta > x.nomorPeserta && born.get(f.nomorPeserta)! < born.get(x.nomorPeserta)!);
        if (!y) continue;
        [X, Y] = [x.nomorPeserta, y.nomorPeserta];
        facts[facts.indexOf(y)] = { ...x, nomorPeserta: Y };
        break;
      }
      files.set('data/facts.json', Buffer.from(`[\n${facts.map((f) => JSON.stringify(f)).join(',\n')}\n]\n`));
    });
    hub = Publisher.open(join(dir, 'hub'));
    const pem = (app.invoke('keys.certificate', { account: 'koordinator' }, { local: 't' }) as { value: { pem: string } }).value.pem;
    addTrustedSigner(hub.db, readCertificate(Buffer.from(pem)), { at: T1, by: 'test' });
    await hub.ingest(tied, T1, 'test');
  }, 240_000);

  afterAll(() => {
    hub?.close();
    app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const result = (v: MergedView, n: string) => v.results.find((r) => r.nomor_peserta === n)!;
  /** The command line, in process: its exit code, and what it printed. */
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(args, { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), askSecret: async () => '', osUser: 't' });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('a bundle carries no birth order: its facts have none, its candidates only the year', () => {
    expect(X && Y).toBeTruthy();
    expect(sentFacts).not.toMatch(/ageOrder/);
    expect((JSON.parse(sentFacts) as FactsJson[]).length).toBe(120);
    const people = JSON.parse(sentCandidates) as { nomor_peserta: string; tahun_lahir: string }[];
    expect(people.map((c) => c.tahun_lahir)).toEqual(people.map((c) => pkg.roster.find((r) => r.nomor_peserta === c.nomor_peserta)!.tanggal_lahir.slice(0, 4)));
    expect(sentCandidates).not.toMatch(/\d{4}-\d{2}-\d{2}|tanggal_lahir/);
  });

  it('without the package, the tie only the birth order breaks is held back, not broken by number', async () => {
    const v = mergedView(hub.db, exam);
    for (const n of [X, Y]) {
      expect(result(v, n).status, n).toBe('BL');
      expect(result(v, n).reason).toBe(AGE_ORDER_MISSING);
      expect(v.facts.candidates.find((c) => c.nomorPeserta === n)!.heldBack).toBe(true);
    }
    // Everyone else is ranked, and the published facts recompute to the published results.
    expect(v.results.filter((r) => r.reason === AGE_ORDER_MISSING).map((r) => r.nomor_peserta).sort()).toEqual([X, Y].sort());
    const site = join(dir, 'site');
    await hub.writeSite(site, T1);
    expect(readFileSync(join(site, sitePaths.rules(exam)), 'utf8')).toContain('Paket ujian belum didaftarkan di hub');
    const decisions = (rs: RankedCandidate[]) => rs.map((q) => [q.nomor_peserta, q.status, q.rank, q.provisional ?? false, q.optimalisasi_ke ?? null]);
    expect(decisions(rank(cpns, v.facts.formations as FormationFacts[], v.facts.candidates.map((c) => factsFromJson(c))))).toEqual(decisions(v.results));
  });

  it('refuses a package that is not the one the venues ranked with, or one without its candidates, and changes nothing', () => {
    const before = mergedStateKey(hub.db, exam);
    expect(() => hub.registerPackage(demoPackage(120, 7), T2, 'test')).toThrow(/not the one the venues ranked .* with: candidate \S+ was born in \d{4} by the package, in \d{4} by the merged bundles/);
    expect(() => hub.registerPackage({ ...pkg, roster: [] }, T2, 'test')).toThrow(/lists no candidates/);
    const twice = { ...pkg, roster: [...pkg.roster, pkg.roster[0]!] };
    expect(() => hub.registerPackage(twice, T2, 'test')).toThrow(/roster\[120\]: candidate \S+ is listed twice/);
    const slashed = { ...pkg, roster: pkg.roster.map((c, i) => (i === 5 ? { ...c, tanggal_lahir: '05/05/1995' } : c)) };
    expect(() => hub.registerPackage(slashed, T2, 'test')).toThrow(/roster\[5\]\.tanggal_lahir: candidate \S+'s birth date "05\/05\/1995" is not a date YYYY-MM-DD/);
    expect(mergedStateKey(hub.db, exam)).toBe(before);
    expect(hub.db.prepare('SELECT COUNT(*) FROM hub_age_orders').pluck().get()).toBe(0);
    expect(hub.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.package' AND outcome = 'refused'").pluck().get()).toBe(4);
  });

  it('bundles made before, which carry the order, conflict where they give a candidate other places', () => {
    // Two more workstations' facts as bundles made before gave them (taken out again after): X given two places,
    // Y the same one by both.
    const db = hub.db;
    const row = db.prepare("SELECT kind, key, digest, body, bundle_sha256 FROM merged_items WHERE exam_code = ? AND kind = 'facts' AND key = ?");
    const add = db.prepare('INSERT INTO merged_items (exam_code, workstation_id, kind, key, digest, body, bundle_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)');
    try {
      for (const [ws, x, y] of [['ws-lama-1', 'u0000001', 'u0000004'], ['ws-lama-2', 'u0000002', 'u0000004']] as const) {
        for (const [n, place] of [[X, x], [Y, y]] as const) {
          const r = row.get(exam, n) as { kind: string; key: string; digest: string; body: string; bundle_sha256: string };
          add.run(exam, ws, r.kind, r.key, r.digest, JSON.stringify({ ...(JSON.parse(r.body) as FactsJson), ageOrder: place }), r.bundle_sha256);
        }
      }
      const v = mergedView(db, exam);
      const onOrder = v.conflicts.filter((c) => c.field === 'urutan usia');
      expect(onOrder.map((c) => [c.nomor, c.values.map((x) => [x.workstation, x.value])])).toEqual([[X, [['ws-lama-1', '"u0000001"'], ['ws-lama-2', '"u0000002"']]]]);
      expect(result(v, X).status).toBe('BL');
      expect(result(v, X).reason).toMatch(/bertentangan antar-workstation \(urutan usia\)/);
    } finally {
      db.prepare("DELETE FROM merged_items WHERE exam_code = ? AND workstation_id IN ('ws-lama-1', 'ws-lama-2')").run(exam);
    }
  });

  it('with the package: the older takes the place, the change is logged, and the site gives only the tie\'s order', async () => {
    const size = hub.log.size;
    const r = hub.registerPackage(pkg, T2, 'test');
    expect(r).toMatchObject({ exam, candidates: 120, unchanged: false, replaced: null });
    expect(r.leaves).toBeGreaterThanOrEqual(2);
    expect(hub.log.size).toBe(size + r.leaves);
    const v = mergedView(hub.db, exam);
    const [x, y] = [result(v, X), result(v, Y)];
    expect(y.rank).toBe(x.rank! - 1);
    expect(y.decided_by).toBe('older');
    expect(v.results.filter((q) => q.reason === AGE_ORDER_MISSING)).toEqual([]);
    // The same package again: nothing changes.
    expect(hub.registerPackage(pkg, T2, 'test')).toMatchObject({ unchanged: true });

    const site = join(dir, 'site');
    await hub.writeSite(site, T2);
    const data = join(site, sitePaths.data(exam, 'facts.json').split('/').slice(0, -1).join('/'));
    const published = JSON.parse(readFileSync(join(data, 'facts.json'), 'utf8')) as { candidates: FactsJson[] };
    const withOrder = published.candidates.filter((c) => c.ageOrder !== undefined);
    expect(withOrder.map((c) => [c.nomorPeserta, c.ageOrder])).toEqual([
      [X, 'u0000001'],
      [Y, 'u0000000'],
    ]);
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['recompute', '--ruleset', join(data, 'aturan.json'), '--facts', join(data, 'facts.json'), '--results', join(data, 'hasil.json')], { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), askSecret: async () => '', osUser: 't' });
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/all 120 published results match the recomputation/);
    // Nowhere on the site (pages, data, the bundles offered for download) is another candidate's birth order.
    const files = readdirSync(site, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    let bundles = 0;
    for (const f of files) {
      const path = join(f.parentPath, f.name);
      const texts = f.name.endsWith('.lentera') ? (bundles++, (await readZip(path)).map(([, b]) => b.toString('utf8'))) : [readFileSync(path, 'latin1')];
      for (const t of texts) expect((t.match(/"ageOrder"/g) ?? []).length, path).toBeLessThanOrEqual(path.endsWith('facts.json') ? 2 : 0);
    }
    expect(bundles).toBeGreaterThan(0);
    // The rules page says where the order came from: a venue compares the package's sha256 with its own.
    const rules = readFileSync(join(site, sitePaths.rules(exam)), 'utf8');
    expect(rules).toContain(r.sha256);
    expect(rules).toContain('Tanggal lahir tidak diterbitkan');
  }, 120_000);

  it('a package registered before the bundles that gives a candidate another birth year does not order that candidate', async () => {
    const other = Publisher.open(join(dir, 'hub-early'));
    try {
      const pem = (app.invoke('keys.certificate', { account: 'koordinator' }, { local: 't' }) as { value: { pem: string } }).value.pem;
      addTrustedSigner(other.db, readCertificate(Buffer.from(pem)), { at: T1, by: 'test' });
      // Y made the oldest of all by a date of another year: with nothing merged yet, nothing to refuse it by.
      const wrong = { ...pkg, roster: pkg.roster.map((c) => (c.nomor_peserta === Y ? { ...c, tanggal_lahir: '1970-01-01' } : c)) };
      expect(other.registerPackage(wrong, T1, 'test')).toMatchObject({ unchanged: false, leaves: 0 });
      await other.ingest(join(dir, 'tied.lentera'), T2, 'test');
      const v = mergedView(other.db, exam);
      for (const n of [X, Y]) expect([n, result(v, n).status, result(v, n).reason]).toEqual([n, 'BL', AGE_ORDER_MISSING]);
      // Nobody else is held back.
      expect(v.results.filter((q) => q.reason === AGE_ORDER_MISSING)).toHaveLength(2);
    } finally {
      other.close();
    }
  }, 60_000);

  it('`lentera hub package` registers a package from its file, and answers a bad file with what is wrong in it', async () => {
    const data = join(dir, 'hub-cli');
    const file = join(dir, 'paket.json');
    writeFileSync(file, JSON.stringify(pkg));
    const ok = await cli(['hub', 'package', file, '--data', data]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(new RegExp(`package of ${exam} registered: 120 candidates' order of birth dates kept \\(not their dates\\)`));
    expect((await cli(['hub', 'package', file, '--data', data])).out).toMatch(/already registered: nothing changed/);
    const broken = join(dir, 'paket-rusak.json');
    writeFileSync(broken, JSON.stringify({ ...pkg, roster: [{ ...pkg.roster[0], tanggal_lahir: undefined }] }));
    const bad = await cli(['hub', 'package', broken, '--data', data]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/roster\[0\]\.tanggal_lahir/);
    const missing = await cli(['hub', 'package', join(dir, 'tidak-ada.json'), '--data', data]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/tidak-ada\.json/);
  }, 60_000);

  it('a roster sent apart from the package (`hub package --roster`): read by the roster import\'s rules, named on the rules page', async () => {
    const data = join(dir, 'hub-roster');
    const setUp = Publisher.open(data);
    try {
      const pem = (app.invoke('keys.certificate', { account: 'koordinator' }, { local: 't' }) as { value: { pem: string } }).value.pem;
      addTrustedSigner(setUp.db, readCertificate(Buffer.from(pem)), { at: T1, by: 'test' });
      await setUp.ingest(join(dir, 'tied.lentera'), T1, 'test');
    } finally {
      setUp.close();
    }
    // The package without its roster, and the roster as the committee sent it: a spreadsheet's CSV (dates
    // DD/MM/YYYY, decimal commas), then Y in a second file, as a roster-tambahan.
    const bare = join(dir, 'paket-tanpa-roster.json');
    writeFileSync(bare, JSON.stringify({ ...pkg, roster: [] }));
    const first = join(dir, 'roster.csv');
    const extra = join(dir, 'roster-tambahan.csv');
    writeFileSync(first, demoRosterCsv({ ...pkg, roster: pkg.roster.filter((c) => c.nomor_peserta !== Y) }));
    writeFileSync(extra, demoRosterCsv({ ...pkg, roster: pkg.roster.filter((c) => c.nomor_peserta === Y) }));
    const registered = () => {
      const h = Publisher.open(data);
      try {
        return { packages: h.db.prepare('SELECT COUNT(*) FROM hub_packages').pluck().get(), v: mergedView(h.db, exam) };
      } finally {
        h.close();
      }
    };

    // Neither a roster in the package nor a roster file: refused, saying what to give.
    const none = await cli(['hub', 'package', bare, '--data', data]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/lists no candidates .* no roster file was given: .* or the roster file \(--roster\)/);
    // A bad row: the roster import's answer (file, line, column, reason), and nothing registered.
    const badFile = join(dir, 'roster-salah.csv');
    const lines = readFileSync(first, 'utf8').split('\r\n');
    lines[3] = lines[3]!.replace(/;\d{2}\/\d{2}\/(\d{4});/, ';31/02/$1;');
    writeFileSync(badFile, lines.join('\r\n'));
    const bad = await cli(['hub', 'package', bare, '--roster', badFile, '--roster', extra, '--data', data]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/roster-salah\.csv, line 4, column tanggal_lahir: /);
    expect(bad.err).toMatch(/1 invalid row\(s\) in .*roster-salah\.csv; nothing was registered/);
    // A file without a column the import needs, and a file that is not there: each refused with its name.
    const noColumn = join(dir, 'roster-tanpa-kolom.csv');
    writeFileSync(noColumn, readFileSync(first, 'utf8').replace('tanggal_lahir', 'lahir'));
    const columns = await cli(['hub', 'package', bare, '--roster', noColumn, '--data', data]);
    expect(columns.code).toBe(1);
    expect(columns.err).toContain('roster-tanpa-kolom.csv, line 1, column tanggal_lahir: missing column in the header');
    const absent = await cli(['hub', 'package', bare, '--roster', join(dir, 'tidak-ada.csv'), '--data', data]);
    expect(absent.code).toBe(1);
    expect(absent.err).toMatch(/tidak-ada\.csv cannot be read/);
    // A roster file giving Y another birth year than the venue's bundle: refused, naming the file.
    const otherYear = join(dir, 'roster-lain.csv');
    // (Four years earlier, and its NIK to match: the roster's rules check that digits 7-12 of the NIK, DDMMYY,
    // encode the date.)
    const y = pkg.roster.find((c) => c.nomor_peserta === Y)!;
    const year = String(Number(y.tanggal_lahir.slice(0, 4)) - 4);
    const earlier = { ...y, tanggal_lahir: `${year}${y.tanggal_lahir.slice(4)}`, nik: `${y.nik.slice(0, 10)}${year.slice(2)}${y.nik.slice(12)}` };
    writeFileSync(otherYear, demoRosterCsv({ ...pkg, roster: [earlier] }));
    const wrong = await cli(['hub', 'package', bare, '--roster', first, '--roster', otherYear, '--data', data]);
    expect(wrong.err).toContain(`candidate ${Y} was born in ${year} by roster-lain.csv, in ${y.tanggal_lahir.slice(0, 4)} by the merged bundles`);
    expect(wrong.code).toBe(1);
    // With the package's own roster, a file giving X another NIK is refused as a venue's import refuses it.
    const full = join(dir, 'paket.json');
    writeFileSync(full, JSON.stringify(pkg));
    const x = pkg.roster.find((c) => c.nomor_peserta === X)!;
    const otherNik = join(dir, 'roster-nik.csv');
    writeFileSync(otherNik, demoRosterCsv({ ...pkg, roster: [{ ...x, nik: `${x.nik.slice(0, 12)}${x.nik.slice(12) === '9999' ? '9998' : '9999'}` }] }));
    const nik = await cli(['hub', 'package', full, '--roster', otherNik, '--data', data]);
    expect(nik.code).toBe(1);
    expect(nik.err).toContain(`roster-nik.csv, line 2, column nik: the NIK differs from the one registered for ${X}`);
    expect(registered().packages).toBe(0);
    for (const n of [X, Y]) expect(result(registered().v, n).reason).toBe(AGE_ORDER_MISSING);

    // Both files: every candidate has a place, the tie is broken by age, and the rules page names each file.
    const ok = await cli(['hub', 'package', bare, '--roster', first, '--roster', extra, '--data', data]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    expect(ok.out).toContain(`package of ${exam} registered: 120 candidates' order of birth dates kept (not their dates)`);
    expect(ok.out).toContain(`with roster file roster.csv: 119 candidates, sha256 ${sha(first)}`);
    expect(ok.out).toContain(`with roster file roster-tambahan.csv: 1 candidates, sha256 ${sha(extra)}`);
    const { v } = registered();
    expect(result(v, Y).rank).toBe(result(v, X).rank! - 1);
    expect(result(v, Y).decided_by).toBe('older');
    expect(v.results.filter((q) => q.reason === AGE_ORDER_MISSING)).toEqual([]);
    const rules = readFileSync(join(data, 'site', sitePaths.rules(exam)), 'utf8');
    for (const f of [first, extra]) expect(rules).toContain(sha(f));
    expect(rules).toContain('roster-tambahan.csv');
    // The same again changes nothing; the first file alone is another registration (Y has no place again).
    expect((await cli(['hub', 'package', bare, '--roster', first, '--roster', extra, '--data', data])).out).toMatch(/already registered with the same roster files: nothing changed/);
    const alone = await cli(['hub', 'package', bare, '--roster', first, '--data', data]);
    expect(alone.out).toContain('119 candidates');
    for (const n of [X, Y]) expect(result(registered().v, n).reason).toBe(AGE_ORDER_MISSING);
  }, 120_000);

  it('a venue merging its own workstation\'s bundle takes the order from its own candidates', async () => {
    const db = app.workstation!.db;
    const r = await app.invokeAsync('bundle.import', { file: { path: join(dir, 'tied.lentera') } }, { local: 't' });
    if (!r.ok) throw new Error(r.error.message);
    const v = mergedView(db, exam);
    expect(result(v, Y).rank).toBe(result(v, X).rank! - 1);
    expect(result(v, Y).decided_by).toBe('older');
  }, 120_000);
});
