import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPackage } from '../../src-main/core/demo/generate';
import type { ExamPackage } from '../../src-main/core/exams/package-schema';
import { sitePaths } from '../../src-main/core/publish/paths';
import { Publisher, SITE_STATE } from '../../src-main/core/publish/publisher';
import { loadGroupFiles, type SiteState } from '../../src-main/core/publish/site-state';
import { fileReport } from '../../src-main/core/publish/reports';
import { writeSite, type SiteExamRef } from '../../src-main/core/publish/site';
import { leafEntries } from '../../src-main/core/publish/pages';
import { ExamLeaves } from '../../src-main/core/ledger/exam-leaves';
import { HubVenue, treeHashes } from './hub-venue';

/**
 * Issue 18 (publication grows with the change, memory stays flat): a hub holds many exams. A site write after one
 * exam's bundle makes that exam's pages and loads no other exam's data; the hub keeps one exam's merged view at a
 * time, whatever their number. What ends up on disk is still, file for file, what a full write gives.
 */

const T1 = '2026-11-30T06:00:00.000Z';
const T2 = '2026-11-30T07:00:00.000Z';
const T3 = '2026-11-30T08:00:00.000Z';
const T4 = '2026-11-30T09:00:00.000Z';
const T5 = '2026-11-30T10:00:00.000Z';
const T6 = '2026-11-30T11:00:00.000Z';
/** Two exams of two agencies' formations, their candidates numbered alike (each exam numbers its own); A of four SKD sessions. */
const A = demoPackage(350);
const B: ExamPackage = { ...demoPackage(150, 7), exam: { ...demoPackage(150, 7).exam, code: 'CPNS-KDL-2026', name: 'Seleksi CPNS Kabupaten Kendal 2026', agency: 'Pemerintah Kabupaten Kendal' } };
const dir = mkdtempSync(join(tmpdir(), 'lentera-site-exams-'));
let venue: HubVenue;
let hub: Publisher;
const publishSession = async (pkg: ExamPackage, session: string, at: string) => venue.publishSession(pkg, session, at);
const hashes = treeHashes;

/** What a site write of the hub ranked: merged views made during it (none when every exam it made was kept in memory). */
async function write(out: string, at: string, opts: { full?: boolean } = {}) {
  const before = hub.viewsRanked;
  const w = await hub.writeSite(out, at, opts);
  // However many exams it made, the hub holds one exam's merged view after it (none when it made none).
  expect(hub.viewsHeld).toBeLessThanOrEqual(1);
  return { ...w, ranked: hub.viewsRanked - before };
}

/**
 * The hashes of a full write of the hub's site elsewhere, with no state (the hub's own state keeps describing its
 * site): every exam loaded, one at a time, the hub keeping one view in memory (so it ranks one or both again).
 */
async function fullWrite(name: string, at: string): Promise<Record<string, string>> {
  const before = hub.viewsRanked;
  await writeSite(join(dir, name), hub.siteInput(at));
  expect(hub.viewsRanked - before).toBeGreaterThanOrEqual(1);
  expect(hub.viewsRanked - before).toBeLessThanOrEqual(2);
  return hashes(join(dir, name));
}

beforeAll(async () => {
  venue = await HubVenue.open(dir, [A, B], T1);
  hub = venue.hub;
  await publishSession(A, 'SKD-1', T1);
  await publishSession(B, 'SKD-1', T1);
}, 180_000);

afterAll(() => {
  venue.close();
  rmSync(dir, { recursive: true, force: true });
});

/** How many files the site last written with `saved` holds for an exam: its own group's and its formations'. */
const examFiles = (saved: SiteState, code: string) =>
  Object.entries(saved.groups!)
    .filter(([name]) => name === `ujian/${code}` || name.startsWith(`ujian/${code}/formasi/`))
    .reduce((n, [, g]) => n + g.count, 0);

describe('a site write on a hub of several exams', () => {
  const site = join(dir, 'site');

  it('after one exam\'s bundle, makes that exam\'s pages and loads no other exam; the site equals a full write', async () => {
    // A hub started again: the first write makes every exam's pages.
    hub.close();
    hub = venue.hub = Publisher.open(join(dir, 'hub'));
    const first = await write(site, T1);
    expect(first.ranked).toBe(2);
    expect(first.kept).toBe(0);

    // B's next session: only B's pages are made (from the view its ingest ranked); A's are kept without loading A.
    await publishSession(B, 'SKD-2', T2);
    const afterB = await write(site, T2);
    expect(afterB.ranked).toBe(0);
    const stateFile = join(dir, 'hub', SITE_STATE);
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as SiteState;
    const groupA = saved.groups![`ujian/${A.exam.code}`]!;
    expect(afterB.kept).toBe(examFiles(saved, A.exam.code));
    // Its candidates, formations, exam and rules pages and its digests are in the group, with the home page's counts.
    const filesA = loadGroupFiles(stateFile, `ujian/${A.exam.code}`, groupA.key, groupA.count)!.map((f) => f.rel);
    expect(filesA).toEqual(expect.arrayContaining([sitePaths.exam(A.exam.code), sitePaths.rules(A.exam.code), sitePaths.digests(A.exam.code)]));
    expect(groupA.meta).toEqual({ formations: expect.any(Number), people: A.roster.length });
    expect(hashes(site)).toEqual(await fullWrite('full-b', T2));

    // Then A's: B, the exam seen last, is kept without being loaded, and A made from its ingest's view.
    await publishSession(A, 'SKD-2', T3);
    const afterA = await write(site, T3);
    expect(afterA.ranked).toBe(0);
    expect(afterA.kept).toBe(examFiles(saved, B.exam.code));
    expect(hashes(site)).toEqual(await fullWrite('full-a', T3));

    // The home page lists both, with their counts, also from the kept group.
    const home = readFileSync(join(site, 'index.html'), 'utf8');
    for (const pkg of [A, B]) expect(home).toContain(`${pkg.exam.agency}</td><td class="num">2026</td><td class="num">6</td><td class="num">${pkg.roster.length}</td>`);
  }, 240_000);

  it('after a report, keeps every exam and loads none', async () => {
    fileReport(hub, { exam: A.exam.code, category: 'kecurangan', text: 'Ada peserta yang membawa ponsel ke ruang ujian.', website: '' }, { at: T4, clientHash: 'uji', actor: 'test' });
    const w = await write(site, T4);
    expect(w.ranked).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'hub', SITE_STATE), 'utf8')) as SiteState;
    expect(w.kept).toBe(examFiles(saved, A.exam.code) + examFiles(saved, B.exam.code));
    expect(hashes(site)).toEqual(await fullWrite('full-r', T4));
    // A hub started again ranks nothing either: the objection form's stages are the stage publications it keeps.
    hub.close();
    hub = venue.hub = Publisher.open(join(dir, 'hub'));
    const again = await write(site, T4);
    expect(again.ranked).toBe(0);
    expect(again.kept).toBe(w.kept);
    expect(hashes(site)).toEqual(hashes(join(dir, 'full-r')));
  }, 120_000);

  it('a named exam is loaded only when its key changed, and what it loads is checked against the log', async () => {
    const out = join(dir, 'named');
    const state = join(dir, 'named-state.json');
    const loads: string[] = [];
    /** The hub's input at `at`, its exams' loads counted; `suffix` renames an exam's source (as new data would, the exam
     * loading under the new name), `change` alters what it loads. */
    const counted = (at: string, opts: { suffix?: (code: string) => string; change?: (e: Awaited<ReturnType<SiteExamRef['load']>>) => void } = {}) => {
      const input = hub.siteInput(at);
      return {
        ...input,
        exams: input.exams.map((e) => {
          const ref = e as SiteExamRef;
          const suffix = opts.suffix?.(ref.code) ?? '';
          return {
            ...ref,
            source: ref.source + suffix,
            load: async () => {
              loads.push(ref.code);
              const loaded = await ref.load();
              loaded.source += suffix;
              opts.change?.(loaded);
              return loaded;
            },
          };
        }),
      };
    };
    await writeSite(out, counted(T5), { state });
    expect(loads.sort()).toEqual([A.exam.code, B.exam.code].sort());
    loads.length = 0;
    await writeSite(out, counted(T5), { state });
    expect(loads).toEqual([]);
    // A new source (here: what an announcement or a bundle would change) makes the exam load again, and only it.
    const remade = await writeSite(out, counted(T5, { suffix: (code) => (code === B.exam.code ? '+' : '') }), { state });
    expect(loads).toEqual([B.exam.code]);
    // Loaded, B's own files are made again from the same data, the same bytes: each page linked, found in B's group
    // file of the last write. Its formations, what they show the same, are
    // kept, as A is.
    const saved = JSON.parse(readFileSync(state, 'utf8')) as SiteState;
    const own = saved.groups![`ujian/${B.exam.code}`]!;
    expect(remade.kept).toBe(examFiles(saved, A.exam.code) + examFiles(saved, B.exam.code) - own.count);
    // (its exam and rules pages; its data files and candidate list are streamed)
    expect(remade.linked).toBeGreaterThanOrEqual(remade.kept + 2);

    // An exam that loads with a leaf the log does not hold, or as another exam, is refused and the site stays.
    const before = hashes(out);
    const lying = counted(T5, {
      suffix: () => '!',
      change: (e) => {
        // The hub's leaves, held compactly: one given a hash the log does not hold at its index.
        const [nomor, l] = [...leafEntries(e)][0]!;
        expect(e.leaves).toBeInstanceOf(ExamLeaves);
        (e.leaves as ExamLeaves).set(nomor, l.index, new Uint8Array(32), l.digest);
      },
    });
    await expect(writeSite(out, lying, { state })).rejects.toThrow(/is not leaf \d+ of the published leaves/);
    const other = counted(T5, {
      suffix: () => '?',
      change: (e) => {
        e.code = 'CPNS-LAIN-2026';
      },
    });
    await expect(writeSite(out, other, { state })).rejects.toThrow(/was loaded as exam CPNS-LAIN-2026/);
    // One whose data is no longer what its source named when the write began (the next test: at a hub) is refused.
    const stale = counted(T5, { suffix: () => '#', change: (e) => void (e.source += '~') });
    await expect(writeSite(out, stale, { state })).rejects.toThrow(/changed while the site was written/);
    expect(hashes(out)).toEqual(before);
  }, 120_000);

  it('an exam merged into while the site is written (another hub process on the database) is refused, the site kept, and made by the next write', async () => {
    // A's third session: the next write must make A's pages.
    await publishSession(A, 'SKD-3', T6);
    const before = hashes(site);
    const input = hub.siteInput.bind(hub);
    // The write's input is read; then, before A is loaded, A's fourth session is merged (as another process would).
    hub.siteInput = (at: string) => {
      const i = input(at);
      return {
        ...i,
        exams: i.exams.map((e) => {
          const ref = e as SiteExamRef;
          if (ref.code !== A.exam.code) return ref;
          return { ...ref, load: async () => (await publishSession(A, 'SKD-4', T6), ref.load()) };
        }),
      };
    };
    try {
      await expect(hub.writeSite(site, T6)).rejects.toThrow(new RegExp(`Exam ${A.exam.code} changed while the site was written`));
    } finally {
      hub.siteInput = input;
    }
    expect(hashes(site)).toEqual(before);
    // The next write makes A's pages from its four sessions, as a full write does.
    const w = await write(site, T6);
    expect(w.ranked).toBeLessThanOrEqual(1);
    expect(hashes(site)).toEqual(await fullWrite('full-race', T6));
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toContain(`<td class="num">${A.roster.length}</td>`);
  }, 120_000);
});
