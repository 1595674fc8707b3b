import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BAD, checkAside, READ, UNCHANGED, type FileToCheck } from '../../src-main/core/publish/file-checker';
import { statOf } from '../../src-main/core/util/file-stat';

const dir = mkdtempSync(join(tmpdir(), 'lentera-file-checker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A file holding `text`, as a site's state would record it once served. */
function served(name: string, text: string): FileToCheck {
  const file = join(dir, name);
  writeFileSync(file, text);
  return { file, size: Buffer.byteLength(text), sha256: sha(text), stat: statOf(file) };
}

describe('checking kept files on another thread (file-checker.ts)', () => {
  it('tells each file apart as keep() would: untouched, read and found right, or not to be kept', () => {
    const untouched = served('tetap.html', '<p>tetap</p>');
    const rewritten = served('ditulis-ulang.html', '<p>sama</p>');
    const edited = served('diubah.html', '<p>nilai 80</p>');
    const linked = served('ditautkan.html', '<p>benar</p>');
    const gone = served('hilang.html', '<p>hilang</p>');
    const audited = { ...served('diaudit.html', '<p>audit</p>'), stat: null };
    const grown = served('bertambah.html', '<p>pendek</p>');
    // Past the kernel's clock tick, so that what is done next moves the change times.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
    // Written again with the same bytes: its change time moved, so it is read, and kept.
    writeFileSync(rewritten.file, '<p>sama</p>');
    // Edited, its size and times put back: the change time still moves, it is read, and its bytes are wrong.
    writeFileSync(edited.file, '<p>nilai 90</p>');
    utimesSync(edited.file, new Date(2026, 0, 1), new Date(2026, 0, 1));
    // A link in its place to a file holding the right bytes: never read through.
    writeFileSync(join(dir, 'di-luar.html'), '<p>benar</p>');
    rmSync(linked.file);
    symlinkSync(join(dir, 'di-luar.html'), linked.file);
    rmSync(gone.file);
    // (No record for `audited`: its group's audit turn, read and hashed whatever its stat says.)
    writeFileSync(grown.file, '<p>pendek</p> tambahan');

    const check = checkAside([untouched, rewritten, edited, linked, gone, audited, grown]);
    const found = check.wait();
    expect(found && [...found]).toEqual([UNCHANGED, READ, BAD, BAD, BAD, READ, BAD]);
    // Each kept file as the check found it, for the site's records: its record, or its stat as it was read.
    expect(check.statOf(0)).toEqual(untouched.stat);
    expect(check.statOf(1)).toEqual(statOf(rewritten.file));
    expect(check.statOf(1)).not.toEqual(rewritten.stat);
    expect(check.statOf(5)).toEqual(statOf(audited.file));
    for (const i of [2, 3, 4, 6]) expect(check.statOf(i)).toBeNull();
  });

  it('a check that fails on its thread answers null, so that the caller checks the files itself', () => {
    const ok = served('baik.html', '<p>baik</p>');
    // Not a path: the thread's lstat throws, which nothing in its loop expects.
    const check = checkAside([ok, { ...ok, file: 42 as unknown as string }]);
    expect(check.wait()).toBeNull();
  });

  it('nothing to check: an empty answer', () => {
    expect([...(checkAside([]).wait() ?? [0])]).toEqual([]);
  });
});
