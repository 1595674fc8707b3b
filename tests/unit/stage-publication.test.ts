import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPackage } from '../../src-main/core/demo/generate';
import { sitePaths } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { stagesSection, stageStates } from '../../src-main/core/publish/stages';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import type { RankedCandidate } from '../../src-main/core/ranking/engine';
import { HubVenue } from './hub-venue';

/**
 * Issue 15, item 2: results per stage as soon as a stage is final. A venue that has only the SKD (a CAT import, no
 * interview, no SKB) publishes it at the hub; statuses that missing SKD results could still change are SEMENTARA;
 * the exam page says which stages are published, SEMENTARA or final, and when, the same after every rebuild.
 */

const EXAM = 'CPNS-SMG-2026';
const T1 = '2026-11-30T06:00:00.000Z'; // 13.00 WIB
const T2 = '2026-11-30T09:30:00.000Z'; // 16.30 WIB
const pkg = demoPackage(200);
const dir = mkdtempSync(join(tmpdir(), 'lentera-stages-'));
let venue: HubVenue;
let hub: Publisher;

/** The CAT file of one SKD session: every listed candidate with a score (the demo's absentees sat it here). */
async function publishSession(session: string, at: string) {
  return venue.publishSession(pkg, session, at);
}

const site = async (name: string, at: string) => {
  const out = join(dir, name);
  await hub.writeSite(out, at);
  return (rel: string) => readFileSync(join(out, rel), 'utf8');
};
const stageTable = (html: string) => html.slice(html.indexOf('<h2 id="tahap">'), html.indexOf('<h2>Ringkasan status</h2>'));
const row = (html: string, stage: string) => new RegExp(`<tr><td>${stage}[^<]*</td>(.*?)</tr>`).exec(stageTable(html))?.[1] ?? '';

beforeAll(async () => {
  venue = await HubVenue.open(dir, [pkg], T1);
  hub = venue.hub;
}, 120_000);

afterAll(() => {
  venue.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SKD results publish before the SKB exists', () => {
  let waiting: RankedCandidate;

  it('a bundle with half the SKD and no SKB merges; its SKD results are published, and nothing a missing result could change is called final', async () => {
    const ack = await publishSession('SKD-1', T1);
    expect(ack.unchanged).toBe(false);
    const v = hub.view(EXAM);
    const first = new Set(pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates);
    const mine = v.results.filter((r) => first.has(r.nomor_peserta));
    // Every SKD-1 candidate has SKD scores; nobody has an SKB value or a final.
    expect(mine.every((r) => r.skd_total !== null && Object.keys(r.components).sort().join() === 'tiu,tkp,twk')).toBe(true);
    expect(v.results.every((r) => r.final === null && r.skb === null)).toBe(true);
    // Below the passing grade or outside the SKB seats: TL, final whatever comes (the engine's provisional marks: none on it). Within the
    // SKB seats: BL, the SKB to come. SKD-2's candidates: BL, their SKD to come. Nothing here is P/L yet, so nothing
    // is SEMENTARA: a status either cannot change (TL) or is not given yet (BL).
    const failed = mine.filter((r) => r.status === 'TL');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => !r.provisional)).toBe(true);
    expect(failed.some((r) => r.thresholds.some((t) => !t.pass))).toBe(true);
    expect(mine.filter((r) => r.status !== 'TL').every((r) => r.status === 'BL' && /SKB/.test(r.reason))).toBe(true);
    expect(v.results.filter((r) => !first.has(r.nomor_peserta)).every((r) => r.status === 'BL' && r.skd_total === null)).toBe(true);
    expect(v.results.filter((r) => r.provisional)).toEqual([]);
    waiting = mine.find((r) => r.status === 'BL')!;
    // Every published SKD result is in the log at once, with a receipt: the decided ones and the BL ones awaiting
    // the SKB (a candidate may object to their SKD with it); those with nothing published yet are not.
    const receipts = hub.receiptsOfBundle(ack.bundle);
    expect(receipts).toHaveLength(ack.leaves);
    expect(receipts.map((x) => x.nomor).sort()).toEqual(mine.map((r) => r.nomor_peserta).sort());
    expect(receipts.some((x) => x.nomor === waiting.nomor_peserta)).toBe(true);
    expect(receipts.filter((x) => !first.has(x.nomor))).toEqual([]);
  });

  it('the site shows the SKD scores and BL for whom the SKB is still to come, and SKD as published SEMENTARA since the merge; the SKB not yet', async () => {
    const read = await site('situs-1', T1);
    const exam = read(sitePaths.exam(EXAM));
    expect(exam).toContain('<h2 id="tahap">Tahap yang sudah diumumkan</h2>');
    expect(row(exam, 'SKD')).toBe(`<td>Sudah diumumkan</td><td><strong>SEMENTARA</strong></td><td><time datetime="${T1}">Senin, 30 November 2026, pukul 13.00 WIB</time></td><td>–</td>`);
    expect(row(exam, 'SKB-CAT')).toBe('<td>Belum diumumkan</td><td>–</td><td>–</td><td>–</td>');
    expect(row(exam, 'SKB-WWC')).toBe('<td>Belum diumumkan</td><td>–</td><td>–</td><td>–</td>');
    const page = read(sitePaths.candidate(EXAM, waiting.nomor_peserta));
    expect(page).toContain(`<td>SKD — TWK</td><td class="num">${waiting.components.twk}</td>`);
    expect(page).toContain('<span class="status status-open">BL</span>');
    const hasil = JSON.parse(read(sitePaths.data(EXAM, 'hasil.json'))) as RankedCandidate[];
    expect(hasil.find((r) => r.nomor_peserta === waiting.nomor_peserta)).toMatchObject({ status: 'BL', components: waiting.components, skd_total: waiting.skd_total });
  });

  it('the other half makes the SKD final: its final time is the second merge, its first time stays', async () => {
    await publishSession('SKD-2', T2);
    const v = hub.view(EXAM);
    expect(v.results.filter((r) => r.provisional)).toEqual([]);
    expect(v.results.every((r) => r.skd_total !== null)).toBe(true);
    const read = await site('situs-2', T2);
    const exam = read(sitePaths.exam(EXAM));
    expect(row(exam, 'SKD')).toBe(
      `<td>Sudah diumumkan</td><td>Final</td><td><time datetime="${T1}">Senin, 30 November 2026, pukul 13.00 WIB</time></td><td><time datetime="${T2}">Senin, 30 November 2026, pukul 16.30 WIB</time></td>`,
    );
    expect(row(exam, 'SKB-CAT')).toBe('<td>Belum diumumkan</td><td>–</td><td>–</td><td>–</td>');
  });

  it('a rebuilt site, later, shows the same times (they are kept at the hub, not recomputed)', async () => {
    const before = stageTable((await site('situs-3', T2))(sitePaths.exam(EXAM)));
    const again = stageTable((await site('situs-4', '2026-12-24T00:00:00.000Z'))(sitePaths.exam(EXAM)));
    expect(again).toBe(before);
    expect(hub.db.prepare('SELECT stage, first_at, final_at FROM stage_publications WHERE exam_code = ?').all(EXAM)).toEqual([{ stage: 'SKD', first_at: T1, final_at: T2 }]);
  });
});

describe('stage states', () => {
  const { ruleset } = loadRuleset('cpns-2024');
  const facts = (nomor: string, skd: unknown, skb?: unknown) => ({ nomorPeserta: nomor, kodeFormasi: 'F01', kategori: 'umum', ipk: 300, ageOrder: 'u0000001', skd, ...(skb === undefined ? {} : { skb }) }) as any;
  const result = (nomor: string, status: string) => ({ nomor_peserta: nomor, status }) as RankedCandidate;

  it('a stage is final when every candidate still BL has it; those decided without it (TL) do not hold it open', () => {
    const f = [facts('1', { twk: '100', tiu: '100', tkp: '200' }, { 'SKB-CAT': '80' }), facts('2', { twk: '50', tiu: '50', tkp: '100' }), facts('3', 'absent')];
    const states = stageStates(ruleset, f, [result('1', 'BL'), result('2', 'TL'), result('3', 'TH')]);
    expect(states).toEqual([
      { stage: 'SKD', published: true, final: true },
      { stage: 'SKB-CAT', published: true, final: true },
      { stage: 'SKB-WWC', published: false, final: false },
    ]);
  });

  it('a partial SKD, a conflict (missing) or a flat SKB value are read as the merge leaves them', () => {
    const f = [facts('1', { twk: '100', tiu: '100' }), facts('2', 'missing', '75/1'), facts('3', { twk: '100', tiu: '100', tkp: '200' }, 'missing')];
    const states = stageStates(ruleset, f, [result('1', 'BL'), result('2', 'BL'), result('3', 'BL')]);
    expect(states).toEqual([
      { stage: 'SKD', published: true, final: false },
      { stage: 'SKB-CAT', published: true, final: false },
      { stage: 'SKB-WWC', published: true, final: false },
    ]);
  });

  it('a candidate held back (a conflict over their name, their formation) holds every stage open: their values are not shown', () => {
    // Found by review (2026-12-07): a held-back candidate's facts keep their values (marked heldBack), so a conflict
    // over anything but the score left the stage "Final" while the site showed none of that candidate's scores.
    const f = [facts('1', { twk: '100', tiu: '100', tkp: '200' }), { ...facts('2', { twk: '90', tiu: '90', tkp: '190' }), heldBack: true }];
    const states = stageStates(ruleset, f, [result('1', 'P/L'), result('2', 'BL')]);
    expect(states[0]).toEqual({ stage: 'SKD', published: true, final: false });
    // Held back alone, nothing of the stage is published.
    expect(stageStates(ruleset, [f[1]], [result('2', 'BL')])[0]).toEqual({ stage: 'SKD', published: false, final: false });
  });

  it('says nothing for an exam without stages, and escapes what it shows', () => {
    expect(stagesSection(undefined)).toBe('');
    expect(stagesSection([])).toBe('');
    const html = stagesSection([{ stage: '<b>X</b>', published: false, final: false, firstAt: null, finalAt: null }]);
    expect(html).toContain('&lt;b&gt;X&lt;/b&gt;');
    expect(html).not.toContain('<b>X</b>');
  });
});
