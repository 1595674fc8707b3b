import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { mergedView, type MergedView } from '../../src-main/core/bundles/merge';
import { DISPUTED } from '../../src-main/core/bundles/merged-records';
import { generateIdentity, unlockIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { sitePaths } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { rank, type FormationFacts } from '../../src-main/core/ranking/engine';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import { factsFromJson, type FactsJson } from '../../src-main/core/bundles/facts';
import { repackSigned } from '../unit/repack-bundle';
import { expectFinalKept, integrationCandidate, integrationFacts, integrationFormations, quotas } from './ranking-arbitraries';

/**
 * The attack: a registered venue whose package gives a formation another quota (or whose data names a candidate
 * otherwise) sends its bundle. Every venue sends the whole exam's formations and candidates, and the hub took each
 * from the workstation whose id sorts first: a venue could change every venue's ranking of the exam, or the name
 * the site shows for another venue's candidate, by sending its own and being first. Now no venue's version is
 * chosen: the difference is a conflict, and what rests on it is held back until the venues agree.
 */

const PASS = 'rahasia-koordinator';
const T1 = '2026-11-30T06:00:00.000Z';
const T2 = '2026-11-30T07:00:00.000Z';
const T3 = '2026-11-30T08:00:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'lentera-impostor-formation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Venue {
  app: LenteraApp;
  exam: string;
  cert: Buffer;
}

async function venue(name: string): Promise<Venue> {
  const app = new LenteraApp({ dataDir: join(dir, name), allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates: 120 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: `Koordinator ${name}`, nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  const exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  const pem = (app.invoke('keys.certificate', { account: 'koordinator' }, { local: 't' }) as { value: { pem: string } }).value.pem;
  return { app, exam, cert: Buffer.from(pem) };
}

async function exportBundle(v: Venue): Promise<string> {
  const r = await v.app.invokeAsync('bundle.export', { exam: v.exam, passphrase: PASS, account: 'koordinator' }, { local: 't' });
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { file: string }).file;
}

/** The decision fields of each result: what a venue could change by being first. */
const decisions = (v: MergedView) => new Map(v.results.map((r) => [r.nomor_peserta, { status: r.status, provisional: r.provisional ?? false, optimalisasi_ke: r.optimalisasi_ke ?? null, rank: r.rank }]));

/** The hub's merged view as it would be if venue A's and venue B's workstation ids sorted the other way round. */
function viewWithIdsSwapped(): MergedView {
  const copy = join(dir, `swapped-${Date.now()}.db`);
  hub.db.exec(`VACUUM INTO '${copy}'`);
  const db = new Database(copy);
  try {
    const [a, b] = [A.app.workstation!.id, B.app.workstation!.id];
    db.prepare("UPDATE merged_items SET workstation_id = CASE workstation_id WHEN ? THEN '~a' WHEN ? THEN '~b' ELSE workstation_id END").run(a, b);
    db.prepare("UPDATE merged_items SET workstation_id = CASE workstation_id WHEN '~a' THEN ? WHEN '~b' THEN ? ELSE workstation_id END").run(b, a);
    return mergedView(db as never, A.exam);
  } finally {
    db.close();
  }
}

let A: Venue;
let B: Venue;
let hub: Publisher;
let honest: MergedView;
let inF06: string[];

beforeAll(async () => {
  [A, B] = [await venue('a'), await venue('b')];
  hub = Publisher.open(join(dir, 'hub'));
  for (const v of [A, B]) addTrustedSigner(hub.db, readCertificate(v.cert), { at: T1, by: 'test' });
  await hub.ingest(await exportBundle(A), T1, 'test');
  honest = mergedView(hub.db, A.exam);
  inF06 = honest.candidates.filter((c) => c.kodeFormasi === 'F06').map((c) => c.nomor);
}, 240_000);

afterAll(() => {
  hub.close();
  A.app.close();
  B.app.close();
});

describe('a venue sending another quota for a formation', () => {
  let view: MergedView;
  beforeAll(async () => {
    // Venue B's package gives F06 (the same position and education as F01: they share seats) three more seats.
    B.app.workstation!.db.prepare("UPDATE formations SET quota = quota + 3 WHERE code = 'F06'").run();
    await hub.ingest(await exportBundle(B), T2, 'test');
    view = mergedView(hub.db, A.exam);
  }, 120_000);

  it('is listed as a conflict of the formation and of each of its candidates, with both workstations\' descriptions', () => {
    expect(inF06.length).toBeGreaterThan(0);
    const whole = view.conflicts.filter((c) => c.nomor === '');
    expect(whole.map((c) => c.field)).toEqual(['formasi F06']);
    const quotas = whole[0]!.values.map((v) => (JSON.parse(v.value) as { quota: number }).quota).sort();
    const f06 = honest.formations.find((f) => f.code === 'F06')!.quota;
    expect(quotas).toEqual([f06, f06 + 3]);
    expect(new Set(whole[0]!.values.map((v) => v.workstation))).toEqual(new Set([A.app.workstation!.id, B.app.workstation!.id]));
    const perCandidate = view.conflicts.filter((c) => c.field === 'formasi F06' && c.nomor !== '').map((c) => c.nomor);
    expect(perCandidate.sort()).toEqual([...inF06].sort());
  });

  it('holds back the formation\'s candidates, makes F01 (which shares seats with it) wait, and changes no other formation', () => {
    const before = decisions(honest);
    const after = decisions(view);
    for (const n of inF06) {
      expect(after.get(n)!.status).toBe('BL');
      expect(view.results.find((r) => r.nomor_peserta === n)!.reason).toMatch(/bertentangan antar-workstation \(formasi F06\)/);
    }
    for (const c of view.candidates) {
      if (c.kodeFormasi === 'F06') continue;
      const was = before.get(c.nomor)!;
      const now = after.get(c.nomor)!;
      if (c.kodeFormasi !== 'F01') {
        expect(now, c.nomor).toEqual(was);
        continue;
      }
      // F01's own seats stand; whoever could gain or lose a seat through F06 now waits for it.
      expect(now.optimalisasi_ke).not.toBe('F06');
      if (now.status === 'P/TL' || now.status.startsWith('P/L-')) {
        expect(now.provisional, c.nomor).toBe(true);
        expect(view.results.find((r) => r.nomor_peserta === c.nomor)!.provisional_reason).toMatch(/F06/);
      } else expect(now.status).toBe(was.status);
    }
    expect(view.results.some((r) => r.kode_formasi === 'F01' && r.provisional)).toBe(true);
  });

  it('is the same whichever venue sorts first: a venue cannot choose the exam\'s formations by its id', () => {
    const swapped = viewWithIdsSwapped();
    expect([...decisions(swapped)]).toEqual([...decisions(view)]);
    expect(swapped.results.map((r) => r.reason)).toEqual(view.results.map((r) => r.reason));
  });

  it('is published so that recomputing from the site\'s facts gives the site\'s results', async () => {
    const site = join(dir, 'site');
    await hub.writeSite(site, T2);
    const data = join(site, sitePaths.data(A.exam, 'facts.json'), '..');
    // The site says which formation is disputed, and every quota given for it.
    const f06 = honest.formations.find((f) => f.code === 'F06')!.quota;
    expect(readFileSync(join(site, sitePaths.formation(A.exam, 'F06')), 'utf8')).toContain(`${f06} atau ${f06 + 3} (bertentangan antar-workstation, belum diputuskan)`);
    expect(readFileSync(join(site, sitePaths.exam(A.exam)), 'utf8')).toMatch(/<td>seluruh formasi<\/td><td><code>formasi F06<\/code>/);
    const facts = JSON.parse(readFileSync(join(data, 'facts.json'), 'utf8')) as { formations: FormationFacts[]; candidates: FactsJson[] };
    expect(facts.formations.find((f) => f.code === 'F06')!.disputed!.map((d) => d.quota).sort()).toHaveLength(2);
    // Held back as the hub ranked them: the facts say so, and keep the values the venues agree on.
    for (const c of facts.candidates) expect(c.heldBack ?? false, c.nomorPeserta).toBe(inF06.includes(c.nomorPeserta));
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['recompute', '--ruleset', join(data, 'aturan.json'), '--facts', join(data, 'facts.json'), '--results', join(data, 'hasil.json')], { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), askSecret: async () => '', osUser: 't' });
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/all \d+ published results match the recomputation/);
    // And independently of the CLI: the engine given the published facts ranks as the hub did.
    const again = rank(loadRuleset('cpns-2024').ruleset, facts.formations, facts.candidates.map((c) => factsFromJson(c)));
    expect(again.map((r) => [r.nomor_peserta, r.status, r.provisional ?? false])).toEqual(view.results.map((r) => [r.nomor_peserta, r.status, r.provisional ?? false]));
  });

  it('ends once the venue sends its exam as the others have it: the ranking is the honest one again', async () => {
    B.app.workstation!.db.prepare("UPDATE formations SET quota = quota - 3 WHERE code = 'F06'").run();
    await hub.ingest(await exportBundle(B), T3, 'test');
    const mended = mergedView(hub.db, A.exam);
    expect(mended.conflicts.filter((c) => c.field.startsWith('formasi'))).toEqual([]);
    expect([...decisions(mended)]).toEqual([...decisions(honest)]);
  }, 120_000);
});

describe('a venue naming another venue\'s candidate otherwise', () => {
  it('is a conflict of the name, or of the identity, and the site shows neither venue\'s value', async () => {
    const victim = inF06[0] ?? honest.candidates[0]!.nomor;
    const other = honest.candidates.find((c) => c.nomor !== victim)!.nomor;
    const db = B.app.workstation!.db;
    db.prepare('UPDATE candidates SET nama = ? WHERE nomor_peserta = ?').run('Nama Palsu', victim);
    // Another NIK, where its masked form shows it (the region digits: Central Java's start with 33).
    db.prepare("UPDATE candidates SET nik = '9' || substr(nik, 2) WHERE nomor_peserta = ?").run(other);
    await hub.ingest(await exportBundle(B), '2026-11-30T09:00:00.000Z', 'test');
    const v = mergedView(hub.db, A.exam);
    const named = v.conflicts.filter((c) => c.nomor === victim && c.field === 'nama');
    expect(named).toHaveLength(1);
    expect(named[0]!.values.map((x) => x.value).sort()).toEqual([JSON.stringify(honest.candidates.find((c) => c.nomor === victim)!.nama), JSON.stringify('Nama Palsu')].sort());
    expect(v.results.find((r) => r.nomor_peserta === victim)!.status).toBe('BL');
    expect(v.candidates.find((c) => c.nomor === victim)!.nama).toBe(DISPUTED);
    // Another NIK (its masked form differs too): a conflict of who the candidate is.
    expect(v.conflicts.filter((c) => c.nomor === other).map((c) => c.field)).toEqual(['identitas peserta']);
    expect(v.candidates.find((c) => c.nomor === other)!.nikMasked).toBe(DISPUTED);
    expect(v.results.find((r) => r.nomor_peserta === other)!.status).toBe('BL');
    // Everyone else is as the honest venue alone had them.
    const rest = honest.candidates.map((c) => c.nomor).filter((n) => n !== victim && n !== other && !inF06.includes(n));
    for (const n of rest) expect(decisions(v).get(n), n).toEqual(decisions(honest).get(n));
  }, 120_000);
});

describe("a venue's bundle saying a candidate is held back", () => {
  it('holds back nobody: whether a candidate is held back is the merge\'s to say, never a bundle\'s', async () => {
    const db = B.app.workstation!.db;
    const victim = honest.results.find((r) => r.kode_formasi !== 'F06' && r.status !== 'BL')!.nomor_peserta;
    // A change of no weight for the bundle to ride in: a session's room (sessions are not ranked on).
    db.prepare("UPDATE sessions SET room = room || ' (pindah)' WHERE code = (SELECT MIN(code) FROM sessions)").run();
    const made = await exportBundle(B);
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    const id = await unlockIdentity(db, B.app.workstation!.dir, coord, PASS, new Date());
    const forged = await repackSigned(made, join(dir, 'forged.lentera'), id, (files, manifest) => {
      // The bundle carries only what changed: the victim's facts ride in it, as the venues sent them (the exam's
      // birth order included, which the published facts no longer give), marked held back.
      const sent = hub.db.prepare("SELECT body FROM merged_items WHERE kind = 'facts' AND key = ? LIMIT 1").pluck().get(victim) as string;
      const facts = { ...(JSON.parse(sent) as FactsJson), heldBack: true };
      expect(files.has('data/facts.json')).toBe(false);
      files.set('data/facts.json', Buffer.from(`[\n${JSON.stringify(facts)}\n]\n`));
      (manifest.counts as Record<string, number>).facts = 1;
    });
    await hub.ingest(forged, '2026-11-30T10:00:00.000Z', 'test');
    // Whichever venue's facts come first.
    for (const v of [mergedView(hub.db, A.exam), viewWithIdsSwapped()]) {
      expect(v.facts.candidates.find((c) => c.nomorPeserta === victim)!.heldBack).toBeUndefined();
      expect(decisions(v).get(victim)).toEqual(decisions(honest).get(victim));
    }
  }, 120_000);
});

describe('the engine given a disputed formation', () => {
  const cpns = loadRuleset('cpns-2024').ruleset;
  const complete = (n: string, f: string, skb: string): FactsJson => ({ nomorPeserta: n, kodeFormasi: f, kategori: 'umum', ipk: 350, ageOrder: 'u0000001', skd: { twk: '100', tiu: '100', tkp: '200' }, skb: { 'SKB-CAT': skb, 'SKB-WWC': skb } });
  // FB has three passers for one seat; FA (same position and education) has no candidate at all.
  const people = [complete('b1', 'FB', '90'), complete('b2', 'FB', '85'), complete('b3', 'FB', '80')].map((c) => factsFromJson(c));
  const F = (code: string, quota: number, education = 'S1 Informatika'): FormationFacts => ({ code, quota, position: 'Pranata Komputer', education });

  it('gives no seat from it and makes the others of its position wait, even when it has no candidate', () => {
    const plain = rank(cpns, [F('FA', 2), F('FB', 1)], people);
    expect(plain.map((r) => r.status)).toEqual(['P/L', 'P/L-1', 'P/L-2']);
    const disputed = rank(cpns, [{ ...F('FA', 2), disputed: [{ quota: 2, position: 'Pranata Komputer', education: 'S1 Informatika' }, { quota: 0 + 1, position: 'Pranata Komputer', education: 'S1 Informatika' }] }, F('FB', 1)], people);
    expect(disputed.map((r) => [r.status, r.provisional ?? false])).toEqual([['P/L', false], ['P/TL', true], ['P/TL', true]]);
    expect(disputed[1]!.provisional_reason).toMatch(/FA/);
  });

  it('makes a formation wait that one of its descriptions (another education) would share seats with', () => {
    const other = { ...F('FA', 2, 'S1 Sistem Informasi'), disputed: [{ quota: 2, position: 'Pranata Komputer', education: 'S1 Sistem Informasi' }, { quota: 2, position: 'Pranata Komputer', education: 'S1 Informatika' }] };
    const r = rank(cpns, [other, F('FB', 1)], people);
    expect(r.map((x) => [x.status, x.provisional ?? false])).toEqual([['P/L', false], ['P/TL', true], ['P/TL', true]]);
    // Undisputed, another education shares nothing: FB's runners-up are plainly P/TL.
    expect(rank(cpns, [F('FA', 2, 'S1 Sistem Informasi'), F('FB', 1)], people).map((x) => [x.status, x.provisional ?? false])).toEqual([['P/L', false], ['P/TL', false], ['P/TL', false]]);
  });
});

describe('property: whichever description of a disputed formation is decided, no status that was final changes', () => {
  it('integration (cpns-2024): its candidates held back as the merge holds them, another quota or another education', () => {
    const cpns = loadRuleset('cpns-2024').ruleset;
    // Mostly complete results: optimalisasi runs only between complete formations, and it is what a quota moves.
    const done = integrationCandidate.map((c) => ({ ...c, skd: Array.isArray(c.skd) ? c.skd : ([100, 85, 170] as [number, number, number]), cat: c.cat === 'missing' ? 70 : c.cat, wwc: c.wwc === 'missing' ? 60 : c.wwc }));
    let finals = 0;
    let mattered = 0;
    let emptyDisputes = 0;
    fc.assert(
      fc.property(
        fc.array(done, { minLength: 1, maxLength: 16 }),
        quotas,
        fc.constantFrom('F1', 'F2', 'F3', 'F4'),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('S1', 'Lain', 'D3'),
        (cs, q, code, quota, education) => {
          const fs = integrationFormations(q);
          const mine = fs.find((f) => f.code === code)!;
          const descriptions = [{ quota: mine.quota, position: mine.position, education: mine.education }, { quota, position: mine.position, education }];
          const facts = integrationFacts(cs);
          // As the merge leaves them: the disputed formation's candidates with every stage held back.
          const held = facts.map((c) => (c.kodeFormasi === code ? { ...c, skd: 'missing' as const, skb: { 'SKB-CAT': 'missing' as const, 'SKB-WWC': 'missing' as const } } : c));
          const disputed = rank(cpns, fs.map((f) => (f.code === code ? { ...f, disputed: descriptions } : f)), held);
          if (!facts.some((c) => c.kodeFormasi === code)) emptyDisputes++;
          const decided = descriptions.map((d) => rank(cpns, fs.map((f) => (f.code === code ? { code, ...d } : f)), facts));
          for (const r of decided) expectFinalKept(disputed, r);
          finals += disputed.filter((r) => r.status !== 'BL' && !r.provisional).length;
          if (JSON.stringify(decided[0]!.map((r) => r.status)) !== JSON.stringify(decided[1]!.map((r) => r.status))) mattered++;
          // Nothing is moved into or out of the disputed formation.
          for (const r of disputed) expect(r.optimalisasi_ke === code || (r.kode_formasi === code && r.status.startsWith('P/L-'))).toBe(false);
        },
      ),
      { numRuns: 1500 },
    );
    // Not vacuous: the decision changed someone's status in many runs, final statuses were checked, also where the
    // disputed formation had no candidate.
    expect(mattered).toBeGreaterThan(100);
    expect(finals).toBeGreaterThan(1000);
    expect(emptyDisputes).toBeGreaterThan(50);
  });
});
