import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { demoPackage } from '../../src-main/core/demo/generate';
import { readCertificate } from '../../src-main/core/keys/pki';
import { fileReport } from '../../src-main/core/publish/reports';
import { Publisher, SITE_STATE } from '../../src-main/core/publish/publisher';
import { loadedExams, writeSite } from '../../src-main/core/publish/site';
import { AUDIT_EVERY, groupFile, groupsDir, loadGroupFiles, recordSiteStats, siteStateFiles, type SiteState } from '../../src-main/core/publish/site-state';
import { HubVenue, treeHashes, VENUE_PASS } from './hub-venue';
import { sitePaths } from '../../src-main/core/publish/paths';
import { resultDigest } from '../../src-main/core/sheets/result-sheet';

/**
 * Issue 16: the hub rewrites its site after every change, linking the files whose bytes did not change instead of
 * writing them. What ends up on disk must be, file for file, what a full write gives; removed files go; a site
 * changed behind the hub's back is never trusted.
 */

const EXAM = 'CPNS-SMG-2026';
const T1 = '2026-11-30T06:00:00.000Z';
const T2 = '2026-11-30T09:30:00.000Z';
const T3 = '2026-11-30T10:00:00.000Z';
const T4 = '2026-11-30T11:00:00.000Z';
const T5 = '2026-11-30T12:00:00.000Z';
const pkg = demoPackage(200);
const dir = mkdtempSync(join(tmpdir(), 'lentera-site-incr-'));
let venue: HubVenue;
let hub: Publisher;

async function publishSession(session: string, at: string) {
  return venue.publishSession(pkg, session, at);
}

const hashes = treeHashes;

const siblings = (name: string) => readdirSync(dir).filter((f) => f.startsWith(`${name}.`));

/** The group of the site last written with `state` that holds file `rel`: its name, key and count of files. */
function groupHolding(state: string, rel: string): { name: string; key: string; count: number } {
  const saved = JSON.parse(readFileSync(state, 'utf8')) as SiteState;
  for (const [name, g] of Object.entries(saved.groups ?? {})) if (loadGroupFiles(state, name, g.key, g.count)?.some((f) => f.rel === rel)) return { name, key: g.key, count: g.count };
  throw new Error(`no group of ${state} holds ${rel}`);
}

beforeAll(async () => {
  venue = await HubVenue.open(dir, [pkg], T1);
  hub = venue.hub;
}, 120_000);

afterAll(() => {
  venue.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('incremental site writes', () => {
  const site = join(dir, 'site');

  it('after ingest A and B, each followed by a rewrite, the site equals a full write after A+B, file by file', async () => {
    await publishSession('SKD-1', T1);
    const first = await hub.writeSite(site, T1);
    expect(first.linked).toBe(0);
    expect(existsSync(join(dir, 'hub', SITE_STATE))).toBe(true);
    await publishSession('SKD-2', T2);
    const second = await hub.writeSite(site, T2);
    // The bundle of A, the full leaf files, the assets: the same bytes, linked rather than written.
    expect(second.linked).toBeGreaterThan(0);
    expect(second.files).toBeGreaterThan(second.linked);
    const full = join(dir, 'full');
    const fresh = await hub.writeSite(full, T2, { full: true });
    expect(fresh.linked).toBe(0);
    expect(fresh.files).toBe(second.files);
    expect(hashes(site)).toEqual(hashes(full));
    // The hub's site: the link, and its two folders beside it (site.ts, twoFolders); nothing left of a write.
    expect(siblings('site')).toEqual(['site.situs']);
  }, 180_000);

  it('the same time again links every file (pages holding the time are compared byte for byte) and changes nothing', async () => {
    const full = join(dir, 'full');
    const before = hashes(full);
    const again = await hub.writeSite(full, T2);
    expect(again.linked).toBe(again.files);
    expect(hashes(full)).toEqual(before);
  }, 60_000);

  it('a public report, then a rewrite: the new record and pages are there, and the site equals a full write', async () => {
    const r = fileReport(hub, { exam: EXAM, category: 'kecurangan', text: 'Ada peserta yang membawa ponsel ke ruang ujian.', website: '' }, { at: T3, clientHash: 'uji', actor: 'test' });
    const w = await hub.writeSite(site, T3);
    // The state is the last site written (full/ above): this folder is written whole, and is still right.
    expect(w.linked).toBe(0);
    const w2 = await hub.writeSite(site, T3);
    expect(w2.linked).toBe(w2.files);
    const catatan = join(site, 'log', 'catatan', `${String(r.proof.index).padStart(8, '0')}.json`);
    expect(readFileSync(catatan)).toEqual(Buffer.from(r.record));
    const full = join(dir, 'full3');
    await hub.writeSite(full, T3, { full: true });
    expect(hashes(site)).toEqual(hashes(full));
    // The full write kept its own state: the hub's next write links from that site, not from this one.
    const next = await hub.writeSite(full, T3);
    expect(next.linked).toBe(next.files);
  }, 120_000);

  it('removed files are removed: a site without a bundle it had no longer has the bundle', async () => {
    const state = join(dir, 'state-removal.json');
    const out = join(dir, 'removal');
    const input = hub.siteInput(T3);
    expect(input.bundles.length).toBe(2);
    await writeSite(out, input, { state });
    const gone = readdirSync(join(out, 'bundel'));
    expect(gone.length).toBe(2);
    const fewer = { ...input, bundles: input.bundles.slice(1) };
    const w = await writeSite(out, fewer, { state });
    expect(w.linked).toBeGreaterThan(0);
    expect(readdirSync(join(out, 'bundel'))).toEqual(gone.slice(1));
    await writeSite(join(dir, 'removal-full'), fewer);
    expect(hashes(out)).toEqual(hashes(join(dir, 'removal-full')));
  }, 120_000);

  it('a site changed behind the hub is not trusted: a file edited in place, or the folder replaced, is written again', async () => {
    const state = join(dir, 'state-tamper.json');
    const out = join(dir, 'tamper');
    const input = hub.siteInput(T3);
    await writeSite(out, input, { state });
    const want = hashes(out);
    // Same size, new bytes, and its modification time put back (touch -r): only the bytes tell.
    const leafFile = join(out, 'log', 'entri', '000000.jsonl');
    const text = readFileSync(leafFile, 'utf8');
    const before = statSync(leafFile);
    execFileSync('cp', ['-p', leafFile, `${leafFile}.ref`]);
    writeFileSync(leafFile, text.replace(/"c":"[0-9a-f]/, (m) => `${m.slice(0, -1)}${m.endsWith('0') ? '1' : '0'}`));
    execFileSync('touch', ['-r', `${leafFile}.ref`, leafFile]);
    rmSync(`${leafFile}.ref`);
    expect([statSync(leafFile).mtimeMs, statSync(leafFile).size]).toEqual([before.mtimeMs, before.size]);
    // The same for a copied file (a published bundle), which is checked by its hash rather than its bytes.
    const bundle = (readdirSync(out, { recursive: true }) as string[]).find((f) => f.endsWith('.lentera'));
    expect(bundle).toBeDefined();
    const bundleFile = join(out, bundle!);
    execFileSync('cp', ['-p', bundleFile, `${bundleFile}.ref`]);
    const bytes = readFileSync(bundleFile);
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1);
    writeFileSync(bundleFile, bytes);
    execFileSync('touch', ['-r', `${bundleFile}.ref`, bundleFile]);
    rmSync(`${bundleFile}.ref`);
    expect(hashes(out)).not.toEqual(want);
    await writeSite(out, input, { state });
    expect(hashes(out)).toEqual(want);
    // The folder replaced by a copy with an extra file: another folder, so nothing is linked from it.
    const copy = `${out}-copy`;
    cpSync(out, copy, { recursive: true });
    appendFileSync(join(copy, 'data', 'CPNS-SMG-2026', 'hasil.csv'), 'palsu;1\n');
    rmSync(out, { recursive: true });
    renameSync(copy, out);
    const w = await writeSite(out, input, { state });
    expect(w.linked).toBe(0);
    expect(hashes(out)).toEqual(want);
    // A torn state file is no state: a full write.
    writeFileSync(state, '{"format":"lentera.site-state/1","out":');
    expect((await writeSite(out, input, { state })).linked).toBe(0);
    expect(hashes(out)).toEqual(want);
    expect(statSync(state).size).toBeGreaterThan(100);
  }, 120_000);

  it("after a report, an exam's pages are kept, not made again: the same bytes, showing the exam's data time", async () => {
    const state = join(dir, 'state-keep.json');
    const out = join(dir, 'keep');
    const first = hub.siteInput(T3);
    const dataAt = first.exams[0]!.dataAt!;
    expect(dataAt).toBe(T2);
    await writeSite(out, first, { state });
    const pages = join(out, 'ujian', EXAM, 'peserta');
    const names = readdirSync(pages);
    expect(names.length).toBeGreaterThanOrEqual(200);
    const one = readFileSync(join(pages, names[0]!), 'utf8');
    // A candidate's page dates their formation's data: the exam's data time when it last changed (T1 or T2).
    const shown = /Data formasi ini per <time datetime="([^"]+)">/.exec(one)?.[1];
    expect([T1, T2]).toContain(shown);
    expect(one).not.toContain(T3);
    expect(readFileSync(join(out, 'ujian', EXAM, 'index.html'), 'utf8')).toContain(`Data ujian ini per <time datetime="${T2}">`);
    // The home page still says when the site was written.
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(`Diterbitkan <time datetime="${T3}">`);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as SiteState;
    // The exam's own files in its group, each formation's page and its candidates' pages in a group of the formation's.
    expect(saved.groups![`ujian/${EXAM}`]!.count).toBeGreaterThanOrEqual(7);
    const formationGroups = Object.entries(saved.groups!).filter(([name]) => name.startsWith(`ujian/${EXAM}/formasi/`));
    expect(formationGroups.length).toBeGreaterThanOrEqual(6);
    // (`names` holds the candidate list, peserta/index.html, too: one of the exam's own files)
    expect(formationGroups.reduce((n, [, g]) => n + g.count, 0)).toBe(names.length - 1 + formationGroups.length);
    // The group's files are not in the state itself but in its group's own file.
    expect(Object.keys(saved.files).some((rel) => rel.startsWith(`ujian/${EXAM}/`))).toBe(false);
    expect(Object.keys(siteStateFiles(state))).toEqual(expect.arrayContaining(names.map((n) => `ujian/${EXAM}/peserta/${n}`)));
    const before = hashes(pages);

    fileReport(hub, { exam: EXAM, category: 'kecurangan', text: 'Pengawas meninggalkan ruang ujian cukup lama.', website: '' }, { at: T4, clientHash: 'uji', actor: 'test' });
    const second = hub.siteInput(T4);
    // (Without the audit of one write in eight: what the records alone let it skip.)
    const w = await writeSite(out, second, { state, audit: false });
    expect(w.kept).toBeGreaterThanOrEqual(names.length + 4);
    expect(w.linked).toBeGreaterThanOrEqual(w.kept);
    // Nothing was written to the site since it was put in place: no kept file, no bundle is read again.
    expect(w.checked).toBe(0);
    expect(hashes(pages)).toEqual(before);
    await writeSite(join(dir, 'keep-full'), second);
    expect(hashes(out)).toEqual(hashes(join(dir, 'keep-full')));

    // The exam's data time moves, what its formations' pages show does not: the exam's own pages are made again, its
    // formations' are kept, still dated when their data last changed; a full write makes the same.
    const third = { ...second, exams: second.exams.map((e) => ({ ...e, dataAt: T5 })) };
    const w3 = await writeSite(out, third, { state });
    expect(w3.kept).toBe(names.length - 1 + formationGroups.length);
    expect(readFileSync(join(out, 'ujian', EXAM, 'index.html'), 'utf8')).toContain(`Data ujian ini per <time datetime="${T5}">`);
    expect(readFileSync(join(pages, names[0]!), 'utf8')).toContain(`Data formasi ini per <time datetime="${shown!}">`);
    await writeSite(join(dir, 'keep-full3'), third);
    expect(hashes(out)).toEqual(hashes(join(dir, 'keep-full3')));
  }, 120_000);

  it("a kept page changed in place, its size and time put back, is made again", async () => {
    const state = join(dir, 'state-keep-tamper.json');
    const out = join(dir, 'keep-tamper');
    const input = hub.siteInput(T4);
    await writeSite(out, input, { state });
    const want = hashes(out);
    const all = (await writeSite(out, input, { state })).kept;
    const pages = join(out, 'ujian', EXAM, 'peserta');
    const name = readdirSync(pages).filter((n) => n !== 'index.html')[3]!;
    const page = join(pages, name);
    const group = groupHolding(state, `ujian/${EXAM}/peserta/${name}`);
    expect(group.name).toMatch(new RegExp(`^ujian/${EXAM}/formasi/`));
    const text = readFileSync(page, 'utf8');
    execFileSync('cp', ['-p', page, `${page}.ref`]);
    // A score's digit changed: the same size.
    writeFileSync(page, text.replace(/<td class="num">(\d)/, (_m, d: string) => `<td class="num">${d === '9' ? '8' : String(Number(d) + 1)}`));
    expect(readFileSync(page, 'utf8')).not.toBe(text);
    execFileSync('touch', ['-r', `${page}.ref`, page]);
    rmSync(`${page}.ref`);
    expect(statSync(page).size).toBe(Buffer.byteLength(text));
    const again = await writeSite(out, input, { state });
    // Its formation's pages are made again, every other file kept.
    expect(again.kept).toBe(all - group.count);
    expect(hashes(out)).toEqual(want);
    // Untouched since, the pages are kept again.
    expect((await writeSite(out, input, { state })).kept).toBe(all);
  }, 120_000);

  it('a file untouched since the site was put in place is not read again; one touched or replaced is read, hashed and kept when the same', async () => {
    const state = join(dir, 'state-stat.json');
    const out = join(dir, 'stat');
    const input = hub.siteInput(T4);
    await writeSite(out, input, { state, audit: false });
    const want = hashes(out);
    const second = await writeSite(out, input, { state, audit: false });
    expect(second.kept).toBeGreaterThan(200);
    expect(second.checked).toBe(0);
    // Its times put back as they were: its ctime moved, so it is read and hashed; the same bytes, it is kept.
    const pages = join(out, 'ujian', EXAM, 'peserta');
    const page = join(pages, readdirSync(pages)[5]!);
    execFileSync('touch', ['-r', page, page]);
    const third = await writeSite(out, input, { state, audit: false });
    expect(third.kept).toBe(second.kept);
    expect(third.checked).toBe(1);
    // A bundle replaced by a copy of itself (another inode): read and hashed, then linked.
    const bundles = readdirSync(join(out, 'bundel'));
    expect(bundles.length).toBeGreaterThan(0);
    const bundle = join(out, 'bundel', bundles[0]!);
    cpSync(bundle, `${bundle}.copy`, { preserveTimestamps: true });
    renameSync(`${bundle}.copy`, bundle);
    const fourth = await writeSite(out, input, { state, audit: false });
    expect(fourth.checked).toBe(1);
    expect(hashes(out)).toEqual(want);
    // Without the records (a write that stopped before making them), every file taken is read and hashed again.
    for (const f of readdirSync(groupsDir(state))) if (f.endsWith('.stat.json')) rmSync(join(groupsDir(state), f));
    rmSync(`${state}.copies.stat.json`);
    const fifth = await writeSite(out, input, { state, audit: false });
    expect(fifth.checked).toBe(fifth.kept + bundles.length);
    expect(hashes(out)).toEqual(want);
    expect((await writeSite(out, input, { state, audit: false })).checked).toBe(0);

    // A page changed through the live site while a write ran is recorded as it then was: played here by changing one
    // and recording it anew. The next writes keep it, unread, until the group's audit (one write in AUDIT_EVERY)
    // reads and hashes every file of the group, and makes the page again.
    const victimName = readdirSync(pages).filter((n) => n !== 'index.html')[7]!;
    const victim = join(pages, victimName);
    const text = readFileSync(victim, 'utf8');
    writeFileSync(victim, text.replace(/<td class="num">(\d)/, (_m, d: string) => `<td class="num">${d === '9' ? '8' : String(Number(d) + 1)}`));
    const g = groupHolding(state, `ujian/${EXAM}/peserta/${victimName}`);
    recordSiteStats(state, out, { [g.name]: { key: g.key, count: g.count } }, new Map([[g.name, loadGroupFiles(state, g.name, g.key, g.count)!.map((f) => f.rel)]]), bundles.map((b) => `bundel/${b}`));
    const kept: number[] = [];
    for (let i = 0; i < AUDIT_EVERY; i++) {
      const w = await writeSite(out, input, { state });
      kept.push(w.kept);
      if (readFileSync(victim, 'utf8') === text) break;
    }
    // Kept (the change unseen) until its group's audit, which makes that formation's pages again, and only them.
    expect(kept.slice(0, -1).every((n) => n === second.kept)).toBe(true);
    expect(kept[kept.length - 1]).toBe(second.kept - g.count);
    expect(readFileSync(victim, 'utf8')).toBe(text);
    expect(hashes(out)).toEqual(want);
  }, 120_000);

  it('leaves changed after a site was written from them are refused, though the last write checked the same log', async () => {
    const input = hub.siteInput(T4);
    await writeSite(join(dir, 'leaves-ok'), input);
    const leaves = input.leaves.slice(0, input.leaves.length).map((l) => Uint8Array.from(l));
    const i = leaves[0]!.indexOf(0x22 /* " */, 8);
    leaves[0]![i + 1] = leaves[0]![i + 1] === 0x30 ? 0x31 : 0x30;
    await expect(writeSite(join(dir, 'leaves-bad'), { ...input, leaves })).rejects.toMatchObject({ code: 'PUBLISH_INVALID' });
    expect(existsSync(join(dir, 'leaves-bad'))).toBe(false);
    // and the log as it is still publishes
    await writeSite(join(dir, 'leaves-ok2'), input);
  }, 120_000);

  it("the hub writes its site at the very time of an ingest; the next report's rewrite still keeps the exam's pages", async () => {
    const own = Publisher.open(join(dir, 'hub-same-at'));
    try {
      const pem = (await venue.ok<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem;
      addTrustedSigner(own.db, readCertificate(Buffer.from(pem)), { at: T1, by: 'test' });
      // the bundles the first hub merged, as kept there, in their order
      for (const b of hub.siteInput(T4).bundles) await own.ingest(b.file, T4, 'test');
      const out = join(dir, 'site-same-at');
      // as server/hub.ts does after an upload: the site written with the ingest's own time
      await own.writeSite(out, T4);
      expect(readFileSync(join(out, 'ujian', EXAM, 'index.html'), 'utf8')).toContain(`Data ujian ini per <time datetime="${T4}">`);
      fileReport(own, { exam: EXAM, category: 'kecurangan', text: 'Ada suara gaduh di luar ruang ujian.', website: '' }, { at: T5, clientHash: 'uji', actor: 'test' });
      const w = await own.writeSite(out, T5);
      expect(w.kept).toBeGreaterThanOrEqual(200);
      const full = join(dir, 'site-same-at-full');
      await own.writeSite(full, T5, { full: true });
      expect(hashes(out)).toEqual(hashes(full));
    } finally {
      own.close();
    }
  }, 180_000);

  it("without a name for its data, the site hashes the data itself: one changed result makes the exam's own pages and its formation's again", async () => {
    const state = join(dir, 'state-nosource.json');
    const out = join(dir, 'nosource');
    const base = await loadedExams(hub.siteInput(T4));
    const input = { ...base, exams: base.exams.map(({ source: _source, ...e }) => e) };
    await writeSite(out, input, { state });
    const all = (await writeSite(out, input, { state })).kept;
    expect(all).toBeGreaterThan(200);
    const first = input.exams[0]!.results[0]!;
    const own = groupHolding(state, `ujian/${EXAM}/peserta/${first.nomor_peserta}.html`);
    const exam = groupHolding(state, `ujian/${EXAM}/index.html`);
    expect(own.name).toBe(`ujian/${EXAM}/formasi/${first.kode_formasi}`);
    // The hub's digests are its view's, computed from these very results as it ranks (SiteExam.digests): a changed
    // result comes with its own.
    const changed = {
      ...input,
      exams: input.exams.map((e) => {
        const results = e.results.map((r, i) => (i === 0 ? { ...r, reason: `${r.reason} (dikoreksi)` } : r));
        return { ...e, results, digests: new Map(results.map((r) => [r.nomor_peserta, resultDigest(e.code, r, e.ruleset.sha256)])) };
      }),
    };
    expect(changed.exams[0]!.digests.get(first.nomor_peserta)).not.toBe(input.exams[0]!.digests?.get(first.nomor_peserta));
    const w = await writeSite(out, changed, { state });
    expect(w.kept).toBe(all - own.count - exam.count);
    await writeSite(join(dir, 'nosource-full'), changed);
    expect(hashes(out)).toEqual(hashes(join(dir, 'nosource-full')));
  }, 120_000);

  it("a group file that names something that is not a file's name, or is gone, is no group: the exam's pages are made again", async () => {
    const state = join(dir, 'state-odd-group.json');
    const out = join(dir, 'odd-group');
    const input = hub.siteInput(T4);
    await writeSite(out, input, { state });
    await writeSite(join(dir, 'odd-group-full'), input);
    const all = (await writeSite(out, input, { state })).kept;
    const saved = JSON.parse(readFileSync(state, 'utf8')) as SiteState;
    const g = saved.groups![`ujian/${EXAM}`]!;
    const file = groupFile(state, `ujian/${EXAM}`, g.key);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { files: unknown[][] };
    stored.files[3]![0] = 42;
    writeFileSync(file, JSON.stringify(stored));
    // The exam's own files are made again; its formations' groups, their files as recorded, are kept.
    const w = await writeSite(out, input, { state });
    expect(w.kept).toBe(all - g.count);
    expect(hashes(out)).toEqual(hashes(join(dir, 'odd-group-full')));
    // Made again, the group's file is whole again; without it, its files are made again too.
    expect(loadGroupFiles(state, `ujian/${EXAM}`, g.key, g.count)).not.toBeNull();
    rmSync(file);
    const again = await writeSite(out, input, { state });
    expect(again.kept).toBe(all - g.count);
    // With no record of them, none of the group's files is linked from the last site: each is made.
    expect(again.linked).toBeLessThanOrEqual(again.files - g.count);
    expect(hashes(out)).toEqual(hashes(join(dir, 'odd-group-full')));
    // A group file the state no longer names (a crash between the two) is removed by the next write.
    const stray = groupFile(state, 'ujian/LAIN', 'x');
    writeFileSync(stray, '{}');
    expect((await writeSite(out, input, { state })).kept).toBe(all);
    expect(existsSync(stray)).toBe(false);
    expect(readdirSync(groupsDir(state)).filter((f) => !f.endsWith('.stat.json')).length).toBe(Object.keys((JSON.parse(readFileSync(state, 'utf8')) as SiteState).groups!).length);
  }, 120_000);
});

describe("the log's files, kept by chunks of 4,096 leaves (issue 18: publication grows with the change)", () => {
  const T = ['2026-12-01T01:00:00.000Z', '2026-12-01T02:00:00.000Z', '2026-12-01T03:00:00.000Z', '2026-12-01T04:00:00.000Z'];
  const leaves = (from: number, n: number) =>
    Array.from({ length: n }, (_, k) => ({ exam: 'LAIN-2026', nomor: `L${from + k}`, digest: createHash('sha256').update(`hasil ${from + k}`).digest('hex') }));
  let log: Publisher;
  const root = join(dir, 'log-chunks');
  const site = join(root, 'site');
  const grow = (from: number, n: number, at: string) => log.db.transaction(() => (log.log.append(leaves(from, n), at), log.log.checkpoint(at)))();
  const files = (name: string) => readdirSync(join(site, 'log', ...name.split('/'))).length;

  beforeAll(() => {
    log = Publisher.open(join(root, 'hub'));
  });
  afterAll(() => log.close());

  it('a full chunk is linked from the previous site, not made again; only what is new is made; the site equals a full write', async () => {
    grow(0, 9000, T[0]!);
    const first = await log.writeSite(site, T[0]!);
    expect(first.kept).toBe(0);
    expect(files('tile/0')).toBe(36);
    grow(9000, 100, T[1]!);
    const second = await log.writeSite(site, T[1]!);
    // Two full chunks: 16 leaf files, 16 level-0 tiles and 16 entry bundles each.
    expect(second.kept).toBe(2 * 48);
    const stateFile = join(root, 'hub', SITE_STATE);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as SiteState;
    expect(Object.keys(state.groups!).sort()).toEqual(['log/0', 'log/1']);
    expect(loadGroupFiles(stateFile, 'log/1', state.groups!['log/1']!.key, 48)!.map((f) => f.rel)).toContain('log/tile/entries/031');
    const full = join(root, 'full');
    await log.writeSite(full, T[1]!, { full: true });
    expect(hashes(site)).toEqual(hashes(full));
  }, 120_000);

  it("a kept chunk's file changed in the live site, its size put back, is made again", async () => {
    await log.writeSite(site, T[2]!);
    const tile = join(site, 'log', 'tile', '0', '005');
    const bytes = readFileSync(tile);
    bytes.writeUInt8(bytes[7]! ^ 0xff, 7);
    writeFileSync(tile, bytes);
    const w = await log.writeSite(site, T[3]!);
    expect(w.kept).toBe(48);
    const full = join(root, 'full-2');
    await log.writeSite(full, T[3]!, { full: true });
    expect(hashes(site)).toEqual(hashes(full));
  }, 120_000);

  it('the log is read a chunk at a time, never whole; a later write reads only the chunk it grows in (issue 18: memory stays flat)', async () => {
    const reads: [number, number][] = [];
    const spy = (p: Publisher) => {
      const leavesOf = p.log.leaves.bind(p.log);
      p.log.leaves = (from = 0, to = p.log.size) => (reads.push([from, to]), leavesOf(from, to));
    };
    // The hub writes its site (the state then describes it), then one more bundle's leaves come: only the chunk they
    // fall in is read.
    await log.writeSite(site, T[3]!);
    spy(log);
    grow(9100, 50, T[3]!);
    await log.writeSite(site, T[3]!);
    expect(reads).toEqual([[8192, 9150]]);
    await log.writeSite(join(root, 'full-3'), T[3]!, { full: true });
    expect(hashes(site)).toEqual(hashes(join(root, 'full-3')));
    // Another hub process on the same log, writing a site whole: every chunk's files made, the log read a chunk at a time.
    cpSync(join(root, 'hub'), join(root, 'hub-copy'), { recursive: true });
    const fresh = Publisher.open(join(root, 'hub-copy'));
    try {
      spy(fresh);
      reads.length = 0;
      await fresh.writeSite(join(root, 'full-4'), T[3]!);
    } finally {
      fresh.close();
    }
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const [from, to] of reads) expect([from % 4096, to - from <= 4096]).toEqual([0, true]);
    expect(new Set(reads.map(([from]) => from))).toEqual(new Set([0, 4096, 8192]));
    expect(hashes(join(root, 'full-4'))).toEqual(hashes(site));
  }, 120_000);
});

describe("a formation's pages, kept while its data stays the same (issue 18: publication grows with the change)", () => {
  const T6 = '2026-11-30T13:00:00.000Z';
  const T7 = '2026-11-30T14:00:00.000Z';

  /** The venue's SKB-CAT scores (from `first` up) of `formation`'s candidates alone, in its next bundle, merged at `at`. */
  async function skbCatOf(formation: string, first: number, at: string): Promise<void> {
    const nomors = pkg.sessions.find((x) => x.code === 'SKB-CAT-1')!.candidates.filter((n) => pkg.roster.find((c) => c.nomor_peserta === n)!.kode_formasi === formation);
    expect(nomors.length).toBeGreaterThan(0);
    const csv = join(dir, `skb-cat-${formation}.csv`);
    writeFileSync(csv, `nomor_peserta;nilai\n${nomors.map((n, i) => `${n};${first + i}`).join('\n')}\n`);
    await venue.ok('scores.import', { exam: EXAM, stage: 'SKB-CAT', file: { path: csv } });
    const b = await venue.ok<{ file: string }>('bundle.export', { exam: EXAM, passphrase: VENUE_PASS, account: 'koordinator' });
    expect((await hub.ingest(b.file, at, 'test')).unchanged).toBe(false);
  }

  it("a bundle that changes one formation's results makes that formation's pages again and keeps the others', each dated when its own data last changed; the site equals a full write", async () => {
    const state = join(dir, 'state-formations.json');
    const out = join(dir, 'formations');
    await writeSite(out, hub.siteInput(T5), { state });
    const pages = join(out, 'ujian', EXAM, 'peserta');
    const before = new Map(readdirSync(pages).filter((n) => n !== 'index.html').map((n) => [n, { ino: statSync(join(pages, n)).ino, text: readFileSync(join(pages, n), 'utf8') }]));
    const formationOf = new Map(pkg.roster.map((c) => [`${c.nomor_peserta}.html`, c.kode_formasi]));
    const timeOf = (text: string) => /Data formasi ini per <time datetime="([^"]+)">/.exec(text)?.[1];

    // The venue's SKB-CAT scores of formation F06's candidates alone, in its next bundle.
    await skbCatOf('F06', 70, T6);

    const input = hub.siteInput(T6);
    expect(input.exams[0]!.dataAt).toBe(T6);
    const w = await writeSite(out, input, { state });
    const changed = new Set<string>();
    for (const [n, was] of before) {
      const now = readFileSync(join(pages, n), 'utf8');
      if (now === was.text) {
        // The same bytes: the same file, linked, still showing the time it showed.
        expect(statSync(join(pages, n)).ino).toBe(was.ino);
        expect(timeOf(now)).toBe(timeOf(was.text));
      } else {
        changed.add(formationOf.get(n)!);
        expect(timeOf(now)).toBe(T6);
      }
    }
    // F06's pages were made again (its candidates' SKB-CAT, its ranking); a formation that nothing of the bundle
    // reaches was not, and its pages are older than the exam's data.
    expect(changed.has('F06')).toBe(true);
    const untouched = [...new Set(formationOf.values())].filter((f) => !changed.has(f));
    expect(untouched.length).toBeGreaterThanOrEqual(3);
    const keptPages = [...before.keys()].filter((n) => untouched.includes(formationOf.get(n)!));
    expect(w.kept).toBe(keptPages.length + untouched.length);
    for (const n of keptPages) expect(timeOf(readFileSync(join(pages, n), 'utf8'))! < T6).toBe(true);
    expect(readFileSync(join(out, 'ujian', EXAM, 'formasi', `${untouched[0]!}.html`), 'utf8')).toMatch(/Data formasi ini per <time datetime="2026-11-30T(06|09)/);
    expect(readFileSync(join(out, 'ujian', EXAM, 'index.html'), 'utf8')).toContain(`Data ujian ini per <time datetime="${T6}">`);

    // A full write reads the same times from the hub: the same bytes, file for file.
    await writeSite(join(dir, 'formations-full'), input);
    expect(hashes(out)).toEqual(hashes(join(dir, 'formations-full')));
  }, 180_000);

  it("a write whose formations' times cannot be kept (the hub's database read-only) fails and leaves the site as it was", async () => {
    const state = join(dir, 'state-formations.json');
    const out = join(dir, 'formations');
    const before = hashes(out);
    // Formation F05's SKB-CAT scores in the venue's next bundle: F05's content changes, so its time must be kept.
    await skbCatOf('F05', 60, T7);
    // As a disk remounted read-only would: every write of the hub's connection is refused.
    const readOnly = (on: boolean) => (process.env.LENTERA_TEST_HUB_STORE === 'postgres' ? hub.db.exec(`SET default_transaction_read_only = ${on ? 'on' : 'off'}`) : hub.db.pragma(`query_only = ${on ? 1 : 0}`));
    readOnly(true);
    try {
      await expect(writeSite(out, hub.siteInput(T7), { state })).rejects.toThrow(/read-?only/i);
    } finally {
      readOnly(false);
    }
    expect(hashes(out)).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.startsWith('formations.tmp-'))).toEqual([]);
    // Writable again, the write goes through: F05's pages dated by this bundle, the site a full write's.
    await writeSite(out, hub.siteInput(T7), { state });
    expect(readFileSync(join(out, sitePaths.formation(EXAM, 'F05')), 'utf8')).toContain(`Data formasi ini per <time datetime="${T7}">`);
    await writeSite(join(dir, 'formations-full-7'), hub.siteInput(T7));
    expect(hashes(out)).toEqual(hashes(join(dir, 'formations-full-7')));
  }, 180_000);
});
