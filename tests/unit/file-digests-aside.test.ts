import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { fileDigestsAside } from '../../src-main/core/bundles/file-digests-aside';
import { SEALED_MAGIC } from '../../src-main/core/custody/sealed-file';

const dir = mkdtempSync(join(tmpdir(), 'lentera-file-digests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an export's PDFs hashed on another thread", () => {
  it('gives each file the sha256, CRC and size its bytes have, in the order given, across block boundaries', async () => {
    const sizes = [0, 1, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 17, 56_000];
    const files = sizes.map((n, i) => {
      const f = join(dir, `f${i}.pdf`);
      writeFileSync(f, randomBytes(n));
      return f;
    });
    const aside = fileDigestsAside(files, 2);
    const got = await aside.digests;
    expect(aside.done()).toBe(files.length);
    expect(got).toEqual(
      sizes.map((n, i) => {
        const bytes = readFileSync(files[i]!);
        return { sha256: createHash('sha256').update(bytes).digest('hex'), crc32: crc32(bytes), size: n };
      }),
    );
  });

  it('leaves a sealed file and one it cannot read to the caller, and hashes the rest', async () => {
    const plain = join(dir, 'plain.pdf');
    writeFileSync(plain, 'a plain %PDF');
    const sealed = join(dir, 'sealed.pdf');
    writeFileSync(sealed, Buffer.concat([SEALED_MAGIC, randomBytes(100)]));
    const got = await fileDigestsAside([sealed, join(dir, 'missing.pdf'), plain, dir]).digests;
    expect(got.slice(0, 2)).toEqual([null, null]);
    expect(got[2]).toEqual({ sha256: createHash('sha256').update('a plain %PDF').digest('hex'), crc32: crc32(Buffer.from('a plain %PDF')), size: 12 });
    // A folder is no file: left to the caller, which says so.
    expect(got[3]).toBeNull();
  });

  it('answers at once for no files, and can be stopped before it answers', async () => {
    expect(await fileDigestsAside([]).digests).toEqual([]);
    const many = Array.from({ length: 2000 }, () => join(dir, 'f5.pdf'));
    const aside = fileDigestsAside(many);
    await aside.cancel();
    await expect(aside.digests).rejects.toThrow(/stopped/);
  });
});
