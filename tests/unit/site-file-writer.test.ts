import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SiteFileWriter } from '../../src-main/core/publish/file-writer';
import { statOf } from '../../src-main/core/util/file-stat';

const dir = mkdtempSync(join(tmpdir(), 'lentera-site-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A page-like text of about `size` characters, non-ASCII included, different for each `i`. */
const text = (i: number, size: number) => `<p>Halaman ${i} — nilai ≥ 65 · kuartil 1–3 ✓ 😀</p>\n`.repeat(Math.ceil(size / 50)).slice(0, size) + `#${i}`;

describe('SiteFileWriter', () => {
  it('writes on the other thread exactly the bytes Buffer.from gives, across many batches, and skips what is not written; each file with its stat as written', async () => {
    const huge = text(-1, 3_000_000);
    const out = join(dir, 'banyak');
    mkdirSync(out);
    const w = new SiteFileWriter(0);
    const sizes = [10, 70_000, 1, 0, 300_000, 5_000];
    const written: [string, string, number][] = [];
    for (let i = 0; i < 300; i++) {
      const content = text(i, sizes[i % sizes.length]!);
      const data = w.encode(content);
      expect(Buffer.compare(data, Buffer.from(content, 'utf8'))).toBe(0);
      // every third text is kept from elsewhere (linked): encoded, checked, and not written
      if (i % 3 === 2) continue;
      const file = join(out, `${i}.html`);
      written.push([file, content, w.write(file, data)]);
      // larger than a batch, between two batched files: written on this thread, still whole
      if (i === 150) written.push([join(out, 'besar.json'), huge, w.write(join(out, 'besar.json'), w.encode(huge))]);
    }
    w.finish();
    await w.close();
    // Each file's inode and change time, as the writer took them while it wrote it, are the file's now.
    expect(new Set(written.map((f) => f[2])).size).toBe(written.length);
    for (const [file, content, n] of written) {
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(w.statOf(n)).toEqual(statOf(file));
    }
    expect(w.statOf(10_000)).toBeNull();
    expect(existsSync(join(out, '2.html'))).toBe(false);
  });

  it('writes the first files on this thread, the rest on the other', async () => {
    const out = join(dir, 'campur');
    mkdirSync(out);
    const w = new SiteFileWriter(5);
    for (let i = 0; i < 20; i++) w.write(join(out, `${i}.txt`), w.encode(`isi ${i} —`));
    w.finish();
    await w.close();
    for (let i = 0; i < 20; i++) {
      expect(readFileSync(join(out, `${i}.txt`), 'utf8')).toBe(`isi ${i} —`);
      expect(w.statOf(i)).toEqual(statOf(join(out, `${i}.txt`)));
    }
  });

  it('hands over to the thread at once when told that more files are coming than it would write here', async () => {
    const out = join(dir, 'diharapkan');
    mkdirSync(out);
    const w = new SiteFileWriter(2000);
    for (let i = 0; i < 3; i++) w.write(join(out, `${i}.txt`), w.encode(`isi ${i} —`));
    // a few more are written here, as before
    w.expect(10);
    expect(w.threaded).toBe(false);
    // an exam's pages: the thread takes over from the next file, not from the 2000th
    w.expect(5000);
    expect(w.threaded).toBe(true);
    for (let i = 3; i < 40; i++) w.write(join(out, `${i}.txt`), w.encode(`isi ${i} —`));
    w.finish();
    await w.close();
    for (let i = 0; i < 40; i++) expect(readFileSync(join(out, `${i}.txt`), 'utf8')).toBe(`isi ${i} —`);
    // never told to use it, a writer never starts one
    const never = new SiteFileWriter(Infinity);
    never.expect(1e9);
    expect(never.threaded).toBe(false);
  });

  it('reports a file the thread could not write as writeFileSync would, and stops when aborted', async () => {
    const w = new SiteFileWriter(0);
    w.write(join(dir, 'tidak-ada', 'a.html'), w.encode('<p>a</p>'));
    expect(() => w.finish()).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'open' }));
    await w.abort();
    await w.abort();
  });
});
