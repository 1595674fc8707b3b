import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { afterAll, describe, expect, it } from 'vitest';
import { openZip } from '../../src-main/core/bundles/zip-reader';

/**
 * bundles/zip-reader.ts serves yauzl's reads of the central directory from memory. yauzl must see exactly the
 * bytes it would read from the file: the same entries, the same contents, the same complaint about a damaged file.
 */
const dir = mkdtempSync(join(tmpdir(), 'lentera-zip-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function zipOf(files: { data: Uint8Array; compress: boolean }[], zip64: boolean, comment: string): Promise<string> {
  const zip = new yazl.ZipFile();
  files.forEach((f, i) => zip.addBuffer(Buffer.from(f.data), `e/${i}.bin`, { mtime: new Date('2026-11-30T08:00:00Z'), compress: f.compress }));
  zip.end({ comment, forceZip64Format: zip64 });
  const out = join(dir, `z-${n++}.zip`);
  await pipeline(zip.outputStream, createWriteStream(out));
  return out;
}

const OPTS = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true } as const;

/** Every entry's name and bytes, or the error opening or reading gives. */
async function contents(open: () => Promise<yauzl.ZipFile>): Promise<unknown> {
  let zip: yauzl.ZipFile;
  try {
    zip = await open();
  } catch (e) {
    return { error: (e as Error).message };
  }
  const out: [string, string][] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const stream = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      out.push([Buffer.from(entry.fileName as unknown as Buffer).toString('utf8'), Buffer.concat(chunks).toString('hex')]);
    }
  } catch (e) {
    out.push(['error', (e as Error).message]);
  } finally {
    zip.close();
  }
  return out;
}

const viaYauzl = (file: string) => contents(() => yauzl.openPromise(file, OPTS));
const viaWindow = (file: string) => contents(() => openZip(file, statSync(file).size, OPTS));

describe('yauzl with the directory read in one piece (zip-reader.ts)', () => {
  it('gives the entries and bytes yauzl gives, ZIP64 or not, with or without a comment', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ data: fc.uint8Array({ maxLength: 2000 }), compress: fc.boolean() }), { maxLength: 6 }), fc.boolean(), fc.constantFrom('', 'x', 'seal'.repeat(200)), async (files, zip64, comment) => {
        const file = await zipOf(files, zip64, comment);
        const got = await viaWindow(file);
        expect(got).toEqual(await viaYauzl(file));
        expect(got).toEqual(files.map((f, i) => [`e/${i}.bin`, Buffer.from(f.data).toString('hex')]));
      }),
      { numRuns: 40 },
    );
  });

  it('complains as yauzl does about any changed byte or cut of the file', async () => {
    const file = await zipOf([{ data: Buffer.from('a'.repeat(300)), compress: true }, { data: Buffer.from('b'.repeat(50)), compress: false }], false, 'c');
    const bytes = readFileSync(file);
    const bent = join(dir, 'bent.zip');
    for (let i = 0; i < bytes.length; i++) {
      const b = Buffer.from(bytes);
      b[i]! ^= 0x41;
      writeFileSync(bent, b);
      expect([i, await viaWindow(bent)]).toEqual([i, await viaYauzl(bent)]);
    }
    for (let cut = 0; cut < bytes.length; cut += 7) {
      writeFileSync(bent, bytes.subarray(0, cut));
      expect([cut, await viaWindow(bent)]).toEqual([cut, await viaYauzl(bent)]);
    }
  });
});
