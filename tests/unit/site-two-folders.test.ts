import { execFileSync, spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPackage } from '../../src-main/core/demo/generate';
import { loadedExams, idleState, siteFolders, writeSite, type SiteInput, type WriteSiteOptions } from '../../src-main/core/publish/site';
import { checkAside } from '../../src-main/core/publish/file-checker';
import { HubVenue, treeHashes } from './hub-venue';

/**
 * Issue 18 point 3, "publication grows with the change": the hub's site lives in two folders, served through a link
 * `out` to one of them. A write brings the other one up to date in place (what changed is written, linked or
 * removed; everything else stays, not even opened unless its records say it may have changed) and turns the link in
 * one rename. What is served must be, after every write, what a full write gives, whatever was done to the folder
 * not served, and a write that stops leaves the served site whole.
 */

const EXAM = 'CPNS-SMG-2026';
const T1 = '2026-11-30T06:00:00.000Z';
const T2 = '2026-11-30T09:30:00.000Z';
const T3 = '2026-11-30T10:00:00.000Z';
const T4 = '2026-11-30T11:00:00.000Z';
const pkg = demoPackage(200);
const dir = mkdtempSync(join(tmpdir(), 'lentera-site-two-'));
let venue: HubVenue;

beforeAll(async () => {
  venue = await HubVenue.open(dir, [pkg], T1);
  await venue.publishSession(pkg, 'SKD-1', T1);
}, 120_000);

afterAll(() => {
  venue.close();
  rmSync(dir, { recursive: true, force: true });
});

const two = (out: string, input: SiteInput, extra: Pick<WriteSiteOptions, 'audit' | 'checkThreadAfter' | 'checkFiles' | 'beforeRecords'> = {}) => writeSite(out, input, { state: `${out}.state.json`, twoFolders: true, ...extra });

/** The folder the link `out` serves, and the other one. */
function folders(out: string): { served: string; idle: string } {
  expect(lstatSync(out).isSymbolicLink()).toBe(true);
  const served = resolve(out, '..', readlinkSync(out));
  const other = join(siteFolders(out), served.endsWith('a') ? 'b' : 'a');
  return { served, idle: other };
}

/** Every name under `root` that is not a regular file or a folder (a link, say); and every empty folder. */
function oddities(root: string): string[] {
  const odd: string[] = [];
  const walk = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true });
    if (entries.length === 0) odd.push(`${relative(root, d)}/ (empty)`);
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.isFile()) odd.push(relative(root, p));
    }
  };
  walk(root);
  return odd;
}

/** The regular files under `root`, by path relative to it, sorted; links (and what is under them) left out. */
function realFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.isFile()) files.push(relative(root, join(d, e.name)));
    }
  };
  walk(root);
  return files.sort();
}

/** What a full write of `input` gives, file by file. */
async function full(input: SiteInput, name: string): Promise<Record<string, string>> {
  const out = join(dir, `full-${name}`);
  await writeSite(out, input);
  return treeHashes(out);
}

/** `input` with one candidate's result reason changed (as a venue's next bundle would change one formation). */
async function withOneChange(input: SiteInput, tag: string): Promise<SiteInput> {
  const loaded = await loadedExams(input);
  const exam = loaded.exams[0]!;
  const results = exam.results.map((r, i) => (i === 3 ? { ...r, reason: `${r.reason} (${tag})` } : r));
  return { ...loaded, exams: [{ ...exam, results, digests: undefined, source: undefined }] };
}

/** A page's text with its first score changed by one digit: the same size, other bytes. */
const forged = (text: string): string => text.replace(/<td class="num">(\d)/, (_m, d: string) => `<td class="num">${d === '9' ? '8' : String(Number(d) + 1)}`);
/** Later than the write by more than the clock's tick, as a change behind it would be. */
const tick = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);

describe('a site in two folders, served through a link (issue 18: publication grows with the change)', () => {
  it('each write brings the folder not served up to date in place and turns the link to it; what is served always equals a full write', async () => {
    const out = join(dir, 'site');
    const a = venue.hub.siteInput(T1);
    const w1 = await two(out, a);
    expect(w1.stayed).toBe(0);
    const first = folders(out);
    expect(first.served).toBe(join(siteFolders(out), 'a'));
    const wantA = await full(a, '1');
    expect(treeHashes(out)).toEqual(wantA);

    await venue.publishSession(pkg, 'SKD-2', T2);
    const b = venue.hub.siteInput(T2);
    // The other folder, empty: filled whole, its unchanged files linked from the served one.
    const w2 = await two(out, b);
    expect(folders(out).served).toBe(join(siteFolders(out), 'b'));
    expect(w2.linked).toBeGreaterThan(0);
    expect(w2.stayed).toBe(0);
    const wantB = await full(b, '2');
    expect(treeHashes(out)).toEqual(wantB);
    // The folder served before is left as it was until the next write: a reader that opened it finishes.
    expect(treeHashes(first.served)).toEqual(wantA);

    // The same data a little later: folder a, brought up to date in place from the site of T1.
    const c = venue.hub.siteInput(T3);
    const w3 = await two(out, c);
    expect(folders(out).served).toBe(join(siteFolders(out), 'a'));
    expect(w3.stayed).toBeGreaterThan(0);
    expect(treeHashes(out)).toEqual(await full(c, '3'));
    // Folder b, served until this write, is as it was, though most of its files are hard links to a's: every file
    // a write changes in place is removed first and made anew, never written through.
    expect(treeHashes(join(siteFolders(out), 'b'))).toEqual(wantB);
    expect(oddities(out)).toEqual([]);

    // Once more with nothing changed: folder b holds T2's site; all but the pages showing the write's time stay.
    const w4 = await two(out, c);
    expect(folders(out).served).toBe(join(siteFolders(out), 'b'));
    expect(w4.stayed).toBeGreaterThan(w4.files * 0.9);
    expect(w4.files - w4.stayed).toBeLessThan(20);
    expect(treeHashes(out)).toEqual(await full(c, '4'));
    // Nothing else beside the site: the link and its two folders.
    expect(readdirSync(dir).filter((f) => f.startsWith('site.') && /\.(tmp|old|link)-|\.next$/.test(f))).toEqual([]);
    expect(readdirSync(siteFolders(out)).sort()).toEqual(['a', 'b']);
  }, 180_000);

  it("a change to one formation touches only its files and the exam's own: every other file keeps its inode and change time in the folder brought up to date", async () => {
    const out = join(dir, 'inodes');
    const base = venue.hub.siteInput(T3);
    await two(out, base);
    await two(out, base);
    await two(out, base, { audit: false });
    // The folder about to be brought up to date holds the same site: note its files' inodes and change times (a
    // file made again may get the inode just freed; never the same change time).
    const { idle } = folders(out);
    const inodes = (root: string) => {
      const m = new Map<string, string>();
      for (const rel of Object.keys(treeHashes(root))) {
        const st = statSync(join(root, rel), { bigint: true });
        m.set(rel, `${st.ino}:${st.ctimeNs}`);
      }
      return m;
    };
    const before = inodes(idle);
    const { served } = folders(out);
    const servedBefore = treeHashes(served);
    const changed = await withOneChange(base, 'diubah');
    const w = await two(out, changed, { audit: false });
    expect(folders(out).served).toBe(idle);
    // The folder served until now is as it was, though the changed formation's files in the other folder were hard
    // links to its own: a file changed in place is removed first and made anew, never written through.
    expect(treeHashes(served)).toEqual(servedBefore);
    const after = inodes(idle);
    const moved = [...after].filter(([rel, ino]) => before.get(rel) !== ino).map(([rel]) => rel);
    // The exam's own files and one formation's pages; not the other formations' or the log's.
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBe(w.files - w.stayed);
    const formations = new Set(moved.filter((r) => r.startsWith(`ujian/${EXAM}/formasi/`)));
    expect(formations.size).toBe(1);
    expect(moved.filter((r) => r.startsWith('log/') && r !== 'log/checkpoint')).toEqual([]);
    expect(w.stayed).toBeGreaterThan(w.files / 2);
    expect(treeHashes(out)).toEqual(await full(changed, 'inodes'));
  }, 180_000);

  it("an exam's formations are checked on another thread only from checkThreadAfter files on; below it, here", async () => {
    const input = venue.hub.siteInput(T3);
    // Three sites alike, each about to bring up to date a folder that holds the same pages.
    const outs = ['ambang-0', 'ambang-di-bawah', 'ambang-tepat'].map((n) => join(dir, n));
    for (const out of outs) for (let i = 0; i < 3; i++) await two(out, input);
    const changed = await withOneChange(venue.hub.siteInput(T4), 'ambang');
    const all = (await two(outs[0]!, changed, { checkThreadAfter: 0 })).checkedAside;
    expect(all).toBeGreaterThan(100);
    // (The threshold counts every formation's files, the changed one's too: `all` counts those kept.)
    expect((await two(outs[1]!, changed, { checkThreadAfter: 10 * all })).checkedAside).toBe(0);
    expect((await two(outs[2]!, changed, { checkThreadAfter: all })).checkedAside).toBe(all);
    for (const out of outs) expect(treeHashes(out)).toEqual(await full(changed, 'ambang'));
  }, 180_000);

  it('a write that stops leaves the served site as it was; the next one writes the other folder whole and is right', async () => {
    const out = join(dir, 'stopped');
    const input = venue.hub.siteInput(T3);
    await two(out, input);
    await two(out, input);
    const served = folders(out).served;
    const want = treeHashes(out);
    // A full NIK in one candidate's name: refused while the pages are made, after the folder not served has been
    // changed in part.
    const loaded = await loadedExams(input);
    const e = loaded.exams[0]!;
    const bad: SiteInput = { ...loaded, exams: [{ ...e, candidates: e.candidates.map((c, i) => (i === e.candidates.length - 1 ? { ...c, nama: 'Budi 3374010101900001' } : c)), source: undefined }] };
    expect(existsSync(idleState(`${out}.state.json`))).toBe(true);
    await expect(two(out, bad)).rejects.toMatchObject({ code: 'PUBLISH_PERSONAL_DATA' });
    expect(folders(out).served).toBe(served);
    expect(treeHashes(out)).toEqual(want);
    // Nothing vouches for the folder it changed any more.
    expect(existsSync(idleState(`${out}.state.json`))).toBe(false);
    const next = venue.hub.siteInput(T4);
    const w = await two(out, next);
    expect(w.stayed).toBe(0);
    expect(treeHashes(out)).toEqual(await full(next, 'stopped'));
    expect(oddities(out)).toEqual([]);
  }, 180_000);

  it('a write that stopped between turning the link and renaming the states: the state names another folder, and the next write is whole and right', async () => {
    const out = join(dir, 'between');
    const state = `${out}.state.json`;
    const input = venue.hub.siteInput(T3);
    await two(out, input);
    cpSync(state, `${state}.saved`);
    await two(out, input);
    // The link turned, the states not yet renamed: the served state still names the folder served before.
    renameSync(`${state}.saved`, state);
    const w = await two(out, venue.hub.siteInput(T4));
    expect(w.linked).toBe(0);
    expect(treeHashes(out)).toEqual(await full(venue.hub.siteInput(T4), 'between'));
    // Stopped after the served state became the idle one, before the new one was named: no served state.
    await two(out, input);
    unlinkSync(state);
    const w2 = await two(out, venue.hub.siteInput(T4));
    expect(w2.linked).toBe(0);
    expect(w2.stayed).toBeGreaterThan(0);
    expect(treeHashes(out)).toEqual(await full(venue.hub.siteInput(T4), 'between2'));
  }, 180_000);

  it('a site that is a folder of its own (written before two folders) becomes the link, its content the same', async () => {
    const out = join(dir, 'legacy');
    const input = venue.hub.siteInput(T3);
    await writeSite(out, input, { state: `${out}.state.json` });
    expect(lstatSync(out).isDirectory()).toBe(true);
    const w = await two(out, input);
    expect(w.linked).toBeGreaterThan(w.files / 2);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(treeHashes(out)).toEqual(await full(input, 'legacy'));
    expect(readdirSync(dir).filter((f) => f.startsWith('legacy.') && f.includes('.old-'))).toEqual([]);
    // The next write brings the other (empty) folder up; the one after, the first in place.
    await two(out, input);
    expect((await two(out, input)).stayed).toBeGreaterThan(0);
    expect(treeHashes(out)).toEqual(await full(input, 'legacy2'));
  }, 180_000);
});

describe('one writer at a time (site-lock.ts)', () => {
  it('two writes of the same site at once: one waits for the other, and what is served is whole and right', async () => {
    const out = join(dir, 'together');
    const input = venue.hub.siteInput(T3);
    await two(out, input);
    await two(out, input);
    const later = venue.hub.siteInput(T4);
    const changed = await withOneChange(later, 'bersamaan');
    // Without the lock both would bring the same folder up to date at once. The second starts once the first holds it.
    // (The second's exam stays as folder b holds it, and so must its formations, not those the first made in folder
    // a: the formations are kept from where the exam's own files were.)
    const first = two(out, changed);
    for (let i = 0; i < 10_000 && !existsSync(`${out}.state.json.lock`); i++) await new Promise((r) => setTimeout(r, 1));
    const second = two(out, later);
    await Promise.all([first, second]);
    expect(treeHashes(out)).toEqual(await full(later, 'together'));
    expect(oddities(out)).toEqual([]);
    expect(existsSync(`${out}.state.json.lock`)).toBe(false);
  }, 180_000);

  it("a write while another process holds the lock waits, then says who holds it; a lock whose process is gone is taken over", async () => {
    const out = join(dir, 'locked');
    const input = venue.hub.siteInput(T3);
    await two(out, input);
    const want = treeHashes(out);
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${out}.state.json.lock`, JSON.stringify({ pid: other.pid, host: hostname() }));
      const t = Date.now();
      const err = await writeSite(out, venue.hub.siteInput(T4), { state: `${out}.state.json`, twoFolders: true, lockWaitMs: 400 }).catch((e: unknown) => e);
      expect(Date.now() - t).toBeGreaterThanOrEqual(400);
      expect(err).toMatchObject({ code: 'PUBLISH_BUSY' });
      expect((err as Error).message).toContain(String(other.pid));
      expect(treeHashes(out)).toEqual(want);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Killed mid-write, as it were: its lock is left, naming a process that is gone.
    expect(existsSync(`${out}.state.json.lock`)).toBe(true);
    const next = venue.hub.siteInput(T4);
    await writeSite(out, next, { state: `${out}.state.json`, twoFolders: true, lockWaitMs: 400 });
    expect(treeHashes(out)).toEqual(await full(next, 'locked'));
    expect(existsSync(`${out}.state.json.lock`)).toBe(false);
  }, 180_000);
});

/**
 * Each attack twice: the next write keeps the exam's own files (its pages' checks on this thread, as `keep` meets
 * them), and the next write changes one candidate's result, so that the exam's data files are made and the pages of
 * its formations are checked on another thread meanwhile (`checkThreadAfter` 0: file-checker.ts).
 */
const attackModes = [
  { name: 'the exam kept, its pages checked on this thread', aside: false },
  { name: "the exam's data made again, its pages checked on another thread meanwhile", aside: true },
];

describe.each(attackModes)('the folder not served, changed behind the hub (attacks on the site between two writes; $name)', ({ aside }) => {
  /** The write after the attack: the same input, later, or with one result changed (`aside`). */
  const nextInput = async (tag: string) => (aside ? withOneChange(venue.hub.siteInput(T4), tag) : venue.hub.siteInput(T4));
  /**
   * That write, which must check the files of the folder not served on the thread the mode says; then what it
   * serves must be what a full write gives, with nothing odd in it.
   */
  const writeNext = async (out: string, name: string) => {
    const next = await nextInput(name);
    const w = await two(out, next, { checkThreadAfter: aside ? 0 : Infinity });
    if (aside) expect(w.checkedAside).toBeGreaterThan(100);
    else expect(w.checkedAside).toBe(0);
    expect(treeHashes(out)).toEqual(await full(next, `${name}${aside ? '-aside' : ''}`));
    expect(oddities(out)).toEqual([]);
  };

  /** A site in two folders after three writes of the same input: the folder not served holds the same site. */
  async function ready(name: string) {
    const input = venue.hub.siteInput(T3);
    const out = join(dir, `${name}${aside ? '-aside' : ''}`);
    await two(out, input);
    await two(out, input);
    await two(out, input);
    return { out, ...folders(out) };
  }

  it('a page edited in place (its size and times put back), a file added, a folder added: none of it is served after the next write', async () => {
    const { out, idle } = await ready('tampered');
    const pages = join(idle, 'ujian', EXAM, 'peserta');
    const page = join(pages, readdirSync(pages).filter((n) => n !== 'index.html')[4]!);
    const text = readFileSync(page, 'utf8');
    execFileSync('cp', ['-p', page, `${dir}/ref`]);
    writeFileSync(page, forged(text));
    execFileSync('touch', ['-r', `${dir}/ref`, page]);
    expect(readFileSync(page, 'utf8')).not.toBe(text);
    writeFileSync(join(pages, 'palsu.html'), '<p>Hasil palsu</p>');
    mkdirSync(join(idle, 'ujian', EXAM, 'tambahan'), { recursive: true });
    writeFileSync(join(idle, 'ujian', EXAM, 'tambahan', 'index.html'), '<p>Pengumuman palsu</p>');
    writeFileSync(join(idle, 'palsu.html'), '<p>Palsu</p>');

    await writeNext(out, 'tampered');
    expect(folders(out).served).toBe(idle);
  }, 180_000);

  it('a folder of the site replaced by a link to a folder outside it: nothing is written outside, and the site is right', async () => {
    const { out, idle } = await ready('linked-away');
    const outside = join(dir, `outside${aside ? '-aside' : ''}`);
    mkdirSync(outside);
    writeFileSync(join(outside, 'milik-orang-lain.txt'), 'jangan disentuh');
    const pages = join(idle, 'ujian', EXAM, 'peserta');
    rmSync(pages, { recursive: true });
    symlinkSync(outside, pages, 'dir');

    await writeNext(out, 'linked-away');
    expect(readdirSync(outside)).toEqual(['milik-orang-lain.txt']);
    expect(readFileSync(join(outside, 'milik-orang-lain.txt'), 'utf8')).toBe('jangan disentuh');
  }, 180_000);

  it('a folder of the site moved outside it and linked back (its files as they were): the folder is made again, whole', async () => {
    const { out, idle } = await ready('moved-away');
    const moved = join(dir, `dipindah${aside ? '-aside' : ''}`);
    const pages = join(idle, 'ujian', EXAM, 'peserta');
    renameSync(pages, moved);
    symlinkSync(moved, pages, 'dir');
    const before = readdirSync(moved).sort();

    await writeNext(out, 'moved-away');
    expect(readdirSync(moved).sort()).toEqual(before);
    expect(lstatSync(pages).isDirectory()).toBe(true);
  }, 180_000);

  it('a page replaced by a link to a file outside the site, holding the very bytes it should: made a file again, not served as a link', async () => {
    const { out, idle } = await ready('page-link');
    const pages = join(idle, 'ujian', EXAM, 'peserta');
    const victim = join(pages, readdirSync(pages).filter((n) => n !== 'index.html')[2]!);
    const elsewhere = join(dir, `salinan${aside ? '-aside' : ''}.html`);
    writeFileSync(elsewhere, readFileSync(victim));
    unlinkSync(victim);
    symlinkSync(elsewhere, victim);
    await writeNext(out, 'page-link');
    expect(lstatSync(victim).isFile()).toBe(true);
  }, 180_000);

  it("a file put where the candidates' pages' folder goes (every check of its pages fails, on whichever thread): removed, and the folder made whole", async () => {
    const { out, idle } = await ready('file-for-pages');
    const pages = join(idle, 'ujian', EXAM, 'peserta');
    rmSync(pages, { recursive: true });
    writeFileSync(pages, 'bukan folder');
    // Each page's lstat answers ENOTDIR (taken as "no such file", as ENOENT is): none of them is kept.
    await writeNext(out, 'file-for-pages');
    expect(lstatSync(pages).isDirectory()).toBe(true);
  }, 180_000);

  it('a file put where a folder of the site goes is removed, and the folder made', async () => {
    const { out, idle } = await ready('file-for-folder');
    rmSync(join(idle, 'bundel'), { recursive: true });
    writeFileSync(join(idle, 'bundel'), 'bukan folder');
    await writeNext(out, 'file-for-folder');
  }, 180_000);
});

describe('the thread that checks the folder not served fails mid-write', () => {
  it("its pages are checked on this thread instead: a page edited behind the hub (times put back) is not served, and the site is a full write's", async () => {
    const input = venue.hub.siteInput(T3);
    const out = join(dir, 'checker-fails');
    await two(out, input);
    await two(out, input);
    await two(out, input);
    const { idle } = folders(out);
    const pages = join(idle, 'ujian', EXAM, 'peserta');
    const page = join(pages, readdirSync(pages).filter((n) => n !== 'index.html')[3]!);
    execFileSync('cp', ['-p', page, `${dir}/ref-checker`]);
    writeFileSync(page, readFileSync(page, 'utf8').replace('</body>', '<p>Hasil palsu</p></body>'));
    execFileSync('touch', ['-r', `${dir}/ref-checker`, page]);

    // The thread is given every file, then one that is not a path (with a record, so that it is lstat'ed): it throws
    // at the end, and answers nothing.
    let started = 0;
    const next = await withOneChange(venue.hub.siteInput(T4), 'checker-fails');
    const w = await two(out, next, {
      checkThreadAfter: 0,
      checkFiles: (files) => {
        started++;
        return checkAside([...files, { file: 42 as unknown as string, size: 1, sha256: '', stat: ['1', '1'] }]);
      },
    });
    expect(started).toBe(1);
    expect(w.checkedAside).toBe(0);
    expect(treeHashes(out)).toEqual(await full(next, 'checker-fails'));
    expect(readFileSync(join(folders(out).served, relative(idle, page)), 'utf8')).not.toContain('Hasil palsu');
    expect(oddities(out)).toEqual([]);
  }, 180_000);
});

describe('a site of one folder, changed behind the hub', () => {
  it('a site of one folder: a kept page replaced by a link to a file outside holding its very bytes is made a file again, not linked into the next site', async () => {
    const input = venue.hub.siteInput(T3);
    const out = join(dir, 'one-folder-link');
    const state = `${out}.state.json`;
    await writeSite(out, input, { state });
    await writeSite(out, input, { state });
    const pages = join(out, 'ujian', EXAM, 'peserta');
    const victim = join(pages, readdirSync(pages).filter((n) => n !== 'index.html')[6]!);
    const elsewhere = join(dir, 'salinan-satu.html');
    writeFileSync(elsewhere, readFileSync(victim));
    unlinkSync(victim);
    symlinkSync(elsewhere, victim);
    // Its group is kept (the link read through holds the right bytes) unless a link is never read as a page.
    const next = venue.hub.siteInput(T4);
    await writeSite(out, next, { state });
    expect(lstatSync(victim).isFile()).toBe(true);
    expect(treeHashes(out)).toEqual(await full(next, 'one-folder-link'));
    expect(oddities(out)).toEqual([]);
  }, 180_000);

});

/**
 * A file is recorded as the write made it: its inode and change time taken as its bytes were written, not looked up
 * once the whole site is in place. Between the two, anyone who may write the site (seconds at 100,000 candidates)
 * could change a page, and its record would then vouch for the change: the next write would keep it unread, until its
 * group's audit turn. Each mode: two folders or one, the files created on this thread or on the writing thread.
 */
const endingModes = [
  { name: 'two folders, files written here', twoFolders: true, writerThreadAfter: Infinity },
  { name: 'two folders, files written on the writing thread', twoFolders: true, writerThreadAfter: 0 },
  { name: 'one folder, files written on the writing thread', twoFolders: false, writerThreadAfter: 0 },
];

describe.each(endingModes)('a page changed while a write ends, after it was written ($name)', ({ name, twoFolders, writerThreadAfter }) => {
  it('is not vouched for by the records of that write: the next write reads it, and serves the page as made', async () => {
    const input = venue.hub.siteInput(T3);
    const out = join(dir, `ending-${name.replace(/[^a-z]+/g, '-')}`);
    const opts = { state: `${out}.state.json`, twoFolders, writerThreadAfter, audit: false };
    let changed = '';
    await writeSite(out, input, {
      ...opts,
      beforeRecords: (served) => {
        const pages = join(served, 'ujian', EXAM, 'peserta');
        const page = join(pages, readdirSync(pages).filter((n) => n !== 'index.html')[5]!);
        const text = readFileSync(page, 'utf8');
        tick();
        writeFileSync(page, forged(text));
        expect(readFileSync(page, 'utf8')).not.toBe(text);
        changed = relative(served, page);
        // And a data file (written a piece at a time, not through the writer): the ruleset's hash it names, changed.
        const data = join(served, 'data', EXAM, 'hasil.csv');
        const csv = readFileSync(data, 'utf8');
        writeFileSync(data, csv.replace(/sha256 ([0-9a-f])/, (_m, h: string) => `sha256 ${h === 'a' ? 'b' : 'a'}`));
        expect(readFileSync(data, 'utf8')).not.toBe(csv);
      },
    });
    expect(changed).not.toBe('');
    const next = venue.hub.siteInput(T4);
    const w = await writeSite(out, next, opts);
    expect(treeHashes(out)).toEqual(await full(next, `ending-${name.replace(/[^a-z]+/g, '-')}`));
    expect(w.checked).toBeGreaterThan(0);
  }, 180_000);
});

/**
 * The same for files a write keeps in the folder it brings up to date, of a group some of whose files it had to read
 * (a page only touched since): each is recorded as its check found it (its record, or its stat as it was read), not
 * looked up at the end. A page of that group changed while the write ends, read or not by its check, is then read
 * by the next write, which serves it as made. In both modes of the attacks above: the formations checked on this
 * thread, or on another one while the exam's data files are made.
 */
describe.each(attackModes)('a kept page changed while a write ends, after its check ($name)', ({ aside }) => {
  it.each([
    { changed: 0, how: 'read by its check' },
    { changed: 1, how: 'taken on its record by its check' },
  ])('a page $how is not vouched for by the records of that write', async ({ changed }) => {
    const input = venue.hub.siteInput(T3);
    const tag = `kept-ending-${changed}${aside ? '-aside' : ''}`;
    const out = join(dir, tag);
    const opts = { audit: false, checkThreadAfter: aside ? 0 : Infinity };
    for (let i = 0; i < 3; i++) await two(out, input, opts);
    const { idle } = folders(out);
    // Two pages of the last formation (not the one the changed result is in): one touched, so that its group is read
    // in part; the other left as it was, so that its check is its record.
    const formations = join(idle, 'ujian', EXAM, 'formasi');
    const formation = readdirSync(formations).filter((n) => n !== 'index.html').sort().at(-1)!;
    const nomors = [...readFileSync(join(formations, formation), 'utf8').matchAll(/peserta\/(\d+)\.html/g)].map((m) => m[1]!);
    expect(nomors.length).toBeGreaterThanOrEqual(2);
    const pages = nomors.slice(0, 2).map((n) => join('ujian', EXAM, 'peserta', `${n}.html`));
    const now = new Date();
    utimesSync(join(idle, pages[0]!), now, now);
    tick();

    const next = aside ? await withOneChange(venue.hub.siteInput(T4), tag) : venue.hub.siteInput(T4);
    const changedResult = (await loadedExams(next)).exams[0]!.results[3]!;
    expect(nomors).not.toContain(changedResult.nomor_peserta);
    const w = await two(out, next, {
      ...opts,
      beforeRecords: (served) => {
        expect(served).toBe(idle);
        tick();
        // One page only: a group with any page found changed is made again whole.
        const rel = pages[changed]!;
        const text = readFileSync(join(served, rel), 'utf8');
        writeFileSync(join(served, rel), forged(text));
        expect(readFileSync(join(served, rel), 'utf8')).not.toBe(text);
      },
    });
    expect(w.stayed).toBeGreaterThan(100);
    expect(w.checked).toBeGreaterThanOrEqual(1);
    if (aside) expect(w.checkedAside).toBeGreaterThan(100);
    await two(out, next, opts);
    expect(treeHashes(out)).toEqual(await full(next, tag));
  }, 180_000);
});

describe('a file placed without being made here, changed while a write ends (two folders)', () => {
  it('a page linked from the folder served, then replaced by another file: the write that next brings its folder up to date reads it', async () => {
    const input = venue.hub.siteInput(T3);
    const out = join(dir, 'linked-ending');
    const opts = { audit: false };
    await two(out, input, opts);
    let replaced = '';
    // Into the other folder, empty: the pages are linked from the one served.
    const w = await two(out, input, {
      ...opts,
      beforeRecords: (served) => {
        const pages = join(served, 'ujian', EXAM, 'peserta');
        const page = join(pages, readdirSync(pages).filter((n) => n !== 'index.html')[7]!);
        tick();
        // Replaced rather than written through: the other folder's copy (the same file) stays as it was.
        writeFileSync(`${page}.tmp`, forged(readFileSync(page, 'utf8')));
        renameSync(`${page}.tmp`, page);
        replaced = relative(served, page);
      },
    });
    expect(w.linked).toBeGreaterThan(100);
    expect(replaced).not.toBe('');
    await two(out, input, opts);
    const back = await two(out, input, opts);
    expect(back.stayed).toBeGreaterThan(100);
    expect(treeHashes(out)).toEqual(await full(input, 'linked-ending'));
  }, 180_000);

  it.each([
    { writes: 0, how: 'copied into the site' },
    { writes: 3, how: 'left in place, its record vouching for it' },
  ])('a bundle $how, changed in place while the write ends: the next write hashes it and copies it again', async ({ writes }) => {
    const out = join(dir, `bundle-ending-${writes}`);
    const opts = { audit: false };
    let changed = '';
    for (let i = 0; i < writes; i++) await two(out, venue.hub.siteInput(T3), opts);
    await two(out, venue.hub.siteInput(T3), {
      ...opts,
      beforeRecords: (served) => {
        const bundles = join(served, 'bundel');
        const name = readdirSync(bundles).find((n) => n.endsWith('.lentera'))!;
        const file = join(bundles, name);
        tick();
        // One byte in its middle, in place: its size and inode kept.
        const fd = openSync(file, 'r+');
        const at = Math.floor(statSync(file).size / 2);
        const byte = Buffer.alloc(1);
        readSync(fd, byte, 0, 1, at);
        byte[0] = byte[0]! ^ 0xff;
        writeSync(fd, byte, 0, 1, at);
        closeSync(fd);
        changed = name;
      },
    });
    expect(changed).not.toBe('');
    const next = venue.hub.siteInput(T4);
    const w = await two(out, next, opts);
    expect(w.checked).toBeGreaterThanOrEqual(1);
    expect(treeHashes(out)).toEqual(await full(next, `bundle-ending-${writes}`));
  }, 180_000);

  it("a page its write read and left in place (its formation made again for another candidate's result): the next write reads it", async () => {
    const input = venue.hub.siteInput(T3);
    const out = join(dir, 'here-ending');
    const opts = { audit: false };
    for (let i = 0; i < 3; i++) await two(out, input, opts);
    const next = await withOneChange(venue.hub.siteInput(T4), 'here-ending');
    const results = (await loadedExams(next)).exams[0]!.results;
    const sibling = results.find((r) => r.kode_formasi === results[3]!.kode_formasi && r.nomor_peserta !== results[3]!.nomor_peserta)!;
    const rel = join('ujian', EXAM, 'peserta', `${sibling.nomor_peserta}.html`);
    const w = await two(out, next, {
      ...opts,
      beforeRecords: (served) => {
        tick();
        const text = readFileSync(join(served, rel), 'utf8');
        writeFileSync(join(served, rel), forged(text));
        expect(readFileSync(join(served, rel), 'utf8')).not.toBe(text);
      },
    });
    expect(w.stayed).toBeGreaterThan(100);
    await two(out, next, opts);
    expect(treeHashes(out)).toEqual(await full(next, 'here-ending'));
  }, 180_000);
});

describe('any sequence of writes, stopped writes and changes behind the hub (property)', () => {
  it('after every write, what is served equals a full write of the same input; a stopped write serves what was served', async () => {
    const loaded = await loadedExams(venue.hub.siteInput(T4));
    const exam = loaded.exams[0]!;
    /** Candidates whose results a bundle may change: one bit each of a variant's mask. */
    const touched = [1, 9, 40, 77].map((i) => exam.results[i]!.nomor_peserta);
    // Dated by the exam's data time alone (no hub times): a variant's full write is the same whenever it is made.
    const variant = (mask: number): SiteInput => ({
      ...loaded,
      formationTimes: undefined,
      exams: [{ ...exam, digests: undefined, source: undefined, results: exam.results.map((r) => (touched.some((n, b) => mask & (1 << b) && n === r.nomor_peserta) ? { ...r, reason: `${r.reason} (v${mask})` } : r)) }],
    });
    const fulls = new Map<number, Record<string, string>>();
    const fullOf = async (mask: number) => {
      if (!fulls.has(mask)) fulls.set(mask, await full(variant(mask), `prop-${mask}`));
      return fulls.get(mask)!;
    };
    const stopped = (mask: number): SiteInput => {
      const v = variant(mask);
      const e = v.exams[0] as typeof exam;
      return { ...v, exams: [{ ...e, candidates: e.candidates.map((c, i) => (i === e.candidates.length - 1 ? { ...c, nama: 'Budi 3374010101900001' } : c)) }] };
    };
    const mask = fc.integer({ min: 0, max: 15 });
    const op = fc.oneof(
      // `aside`: the pages of an exam made again checked on another thread while its data files are made.
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('write' as const), mask, aside: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('stop' as const), mask }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('edit' as const, 'add' as const, 'remove' as const, 'link' as const, 'folder' as const, 'move' as const), pick: fc.nat() }) },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 6 }), fc.integer({ min: 0, max: 15 }), async (ops, last) => {
        const out = join(dir, `prop-run-${run++}`);
        // Both folders written once, so that each later write brings one up to date in place; and a write at the end,
        // so that what was done to the folder not served is always met.
        await two(out, variant(0));
        await two(out, variant(0));
        expect(treeHashes(out)).toEqual(await fullOf(0));
        for (const o of [...ops, { kind: 'write' as const, mask: last, aside: true }, { kind: 'write' as const, mask: last, aside: false }]) {
          if (o.kind === 'write') {
            await two(out, variant(o.mask), { checkThreadAfter: o.aside ? 0 : Infinity });
            expect(treeHashes(out)).toEqual(await fullOf(o.mask));
            expect(oddities(out)).toEqual([]);
          } else if (o.kind === 'stop') {
            const before = treeHashes(out);
            await expect(two(out, stopped(o.mask))).rejects.toMatchObject({ code: 'PUBLISH_PERSONAL_DATA' });
            expect(treeHashes(out)).toEqual(before);
          } else {
            // Behind the hub, in the folder not served (once there is one).
            const idle = folders(out).idle;
            if (!existsSync(idle)) continue;
            const files = realFiles(idle);
            const file = join(idle, files[o.pick % files.length]!);
            if (o.kind === 'edit') writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from(' ')]));
            if (o.kind === 'add') writeFileSync(`${file}.palsu.html`, '<p>palsu</p>');
            if (o.kind === 'remove') unlinkSync(file);
            if (o.kind === 'link') {
              const copy = join(dir, `salinan-${run}-${o.pick}`);
              writeFileSync(copy, readFileSync(file));
              unlinkSync(file);
              symlinkSync(copy, file);
            }
            if (o.kind === 'folder') mkdirSync(join(file, '..', `tambahan-${o.pick % 3}`), { recursive: true });
            if (o.kind === 'move' && resolve(file, '..') !== idle) {
              // Its folder moved out of the site, its files as they were, and linked back.
              const away = join(dir, `dipindah-${run}-${o.pick}`);
              renameSync(join(file, '..'), away);
              symlinkSync(away, join(file, '..'), 'dir');
            }
          }
        }
      }),
      { numRuns: 10 },
    );
  }, 600_000);
});
