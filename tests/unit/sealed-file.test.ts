// Issue 17, point 1: files kept beside the database are sealed (segmented AES-256-GCM); a sealed file opens only
// whole, with its key, as it was written.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSealed, isSealedFile, openSealed, plainStream, readMaybeSealed, SealedFileReader, sealedPlainSize, SealWriter, SEALED_HEADER, sealBytes, SEGMENT, SegmentSealer, transcribe, writeMaybeSealed } from '../../src-main/core/custody/sealed-file';
import { tempDir } from './helpers';

const key = randomBytes(32);
const lengths = fc.oneof(fc.integer({ min: 0, max: 3 * SEGMENT + 17 }), fc.constantFrom(0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT));

describe('sealed files', () => {
  it('open to the bytes sealed, whatever their length, and hold none of them in the clear', () => {
    fc.assert(
      fc.property(lengths, (n) => {
        const plain = randomBytes(n);
        const sealed = sealBytes(key, plain);
        expect(isSealed(sealed)).toBe(true);
        expect(sealed.length).toBe(SEALED_HEADER + n + 16 * Math.max(1, Math.ceil(n / SEGMENT)));
        expect(openSealed(key, sealed).equals(plain)).toBe(true);
        if (n >= 32) expect(sealed.includes(plain.subarray(0, 32))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('written in pieces of any size, open to the same bytes', () => {
    const dir = tempDir();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: SEGMENT + 100 }), { maxLength: 6 }), (sizes) => {
        const pieces = sizes.map((s) => randomBytes(s));
        const file = join(dir, 'w');
        const fd = openSync(file, 'w');
        const w = new SealWriter(fd, key);
        for (const p of pieces) w.write(p);
        w.end();
        closeSync(fd);
        expect(w.size).toBe(pieces.reduce((n, p) => n + p.length, 0));
        expect(openSealed(key, readFileSync(file)).equals(Buffer.concat(pieces))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a file cut anywhere, changed in any byte, or opened with another key', () => {
    fc.assert(
      fc.property(lengths, fc.nat(), fc.integer({ min: 1, max: 255 }), (n, where, flip) => {
        const sealed = sealBytes(key, randomBytes(n));
        const cut = sealed.subarray(0, where % sealed.length);
        expect(() => openSealed(key, cut)).toThrow(/cannot be opened/);
        const changed = Buffer.from(sealed);
        changed[where % changed.length]! ^= flip;
        expect(() => openSealed(key, changed)).toThrow(/cannot be opened/);
        expect(() => openSealed(randomBytes(32), sealed)).toThrow(/cannot be opened/);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses segments reordered, or a file whose last segment was dropped at a segment boundary', () => {
    const plain = randomBytes(3 * SEGMENT);
    const sealed = sealBytes(key, plain);
    const seg = (i: number) => sealed.subarray(SEALED_HEADER + i * (SEGMENT + 16), SEALED_HEADER + (i + 1) * (SEGMENT + 16));
    const head = sealed.subarray(0, SEALED_HEADER);
    expect(() => openSealed(key, Buffer.concat([head, seg(1), seg(0), seg(2)]))).toThrow(/changed, cut short/);
    expect(() => openSealed(key, Buffer.concat([head, seg(0), seg(1)]))).toThrow(/changed, cut short/);
    // A segment of another file sealed with the same key: each file has its own key, so it does not open here.
    const other = sealBytes(key, plain);
    expect(() => openSealed(key, Buffer.concat([head, seg(0), other.subarray(SEALED_HEADER + SEGMENT + 16, SEALED_HEADER + 2 * (SEGMENT + 16)), seg(2)]))).toThrow();
  });

  it('a writer never ended leaves a file that is refused as cut short', () => {
    const file = join(tempDir(), 'unended');
    const fd = openSync(file, 'w');
    const w = new SealWriter(fd, key);
    w.write(randomBytes(2 * SEGMENT + 5));
    closeSync(fd);
    expect(() => openSealed(key, readFileSync(file))).toThrow(/cannot be opened/);
  });

  it('readMaybeSealed reads plain files as they are and refuses a sealed one without the key', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain.pdf'), '%PDF-1.7 plain');
    expect(readMaybeSealed(join(dir, 'plain.pdf'), key).toString()).toBe('%PDF-1.7 plain');
    writeMaybeSealed(join(dir, 'sealed.pdf'), Buffer.from('%PDF-1.7 Nur Dian Hartono'), key);
    expect(isSealedFile(join(dir, 'sealed.pdf'))).toBe(true);
    expect(readFileSync(join(dir, 'sealed.pdf')).includes('Hartono')).toBe(false);
    expect(readMaybeSealed(join(dir, 'sealed.pdf'), key).toString()).toBe('%PDF-1.7 Nur Dian Hartono');
    expect(() => readMaybeSealed(join(dir, 'sealed.pdf'), undefined)).toThrow(/opens only on the encrypted workstation/);
    writeMaybeSealed(join(dir, 'kept-plain.pdf'), Buffer.from('%PDF'), undefined);
    expect(isSealedFile(join(dir, 'kept-plain.pdf'))).toBe(false);
    expect(isSealedFile(join(dir, 'missing'))).toBe(false);
    expect(isSealedFile(dir)).toBe(false);
  });

  it('an auditor opens one with another AES-GCM implementation (Python cryptography), from the format as documented', () => {
    const dir = tempDir();
    const plain = randomBytes(2 * SEGMENT + 1234);
    writeFileSync(join(dir, 'f'), sealBytes(key, plain));
    writeFileSync(join(dir, 'k'), key.toString('hex'));
    const script = `
import sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes
d = open(sys.argv[1], 'rb').read(); k = bytes.fromhex(open(sys.argv[2]).read())
assert d[:8] == b'LNTSEAL1'
fk = HKDF(algorithm=hashes.SHA256(), length=32, salt=d[8:40], info=b'lentera sealed file v1').derive(k)
out, at, i = b'', 40, 0
while at < len(d):
    end = min(at + 65536 + 16, len(d)); last = end == len(d)
    out += AESGCM(fk).decrypt(i.to_bytes(4, 'big') + bytes([1 if last else 0]) + bytes(7), d[at:end], None)
    at, i = end, i + 1
sys.stdout.buffer.write(out)
`;
    const opened = execFileSync('python3', ['-c', script, join(dir, 'f'), join(dir, 'k')], { maxBuffer: 1 << 24 });
    expect(opened.equals(plain)).toBe(true);
  });
});

describe('sealed files as streams', () => {
  it('plainStream gives a plain file as it is and a sealed one opened, with its plaintext size; without the key it refuses', async () => {
    const collect = async (r: import('node:stream').Readable) => {
      const parts: Buffer[] = [];
      for await (const c of r) parts.push(c as Buffer);
      return Buffer.concat(parts);
    };
    const dir = tempDir();
    writeFileSync(join(dir, 'p'), 'plain bytes');
    const p = plainStream(join(dir, 'p'), undefined);
    expect(p.size).toBe(11);
    expect((await collect(p.stream)).toString()).toBe('plain bytes');
    const big = randomBytes(3 * SEGMENT + 77);
    writeMaybeSealed(join(dir, 's'), big, key);
    const s = plainStream(join(dir, 's'), key);
    expect(s.size).toBe(big.length);
    expect((await collect(s.stream)).equals(big)).toBe(true);
    expect(() => plainStream(join(dir, 's'), undefined)).toThrow(/opens only on the encrypted workstation/);
  });
});

describe('sealed files read at any offset (SealedFileReader), and sealed segment by segment (SegmentSealer)', () => {
  it('refuses, when opened, a file cut to what looks like an empty one or at a segment boundary', () => {
    const dir = tempDir();
    const sealed = sealBytes(key, randomBytes(2 * SEGMENT + 9));
    for (const cut of [SEALED_HEADER + 16, SEALED_HEADER + SEGMENT + 16, SEALED_HEADER + 2 * (SEGMENT + 16)]) {
      writeFileSync(join(dir, 'cut'), sealed.subarray(0, cut));
      expect(sealedPlainSize(cut)).not.toBeNull();
      expect(() => new SealedFileReader(join(dir, 'cut'), key, 'cut')).toThrow(/cannot be opened/);
    }
  });

  const collect = async (r: import('node:stream').Readable) => {
    const parts: Buffer[] = [];
    for await (const c of r) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };

  it('reads any range of the plaintext, and knows its length from the sealed length', () => {
    const dir = tempDir();
    fc.assert(
      fc.property(lengths, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 * SEGMENT + 40 })), { maxLength: 8 }), (n, ranges) => {
        const plain = randomBytes(n);
        const file = join(dir, 'r');
        writeMaybeSealed(file, plain, key);
        expect(sealedPlainSize(readFileSync(file).length)).toBe(n);
        const r = new SealedFileReader(file, key);
        try {
          expect(r.size).toBe(n);
          for (const [at0, len] of ranges) {
            const at = n ? at0 % (n + 1) : 0;
            const b = Buffer.alloc(len);
            const got = r.read(b, 0, len, at);
            expect(got).toBe(Math.max(0, Math.min(len, n - at)));
            expect(b.subarray(0, got).equals(plain.subarray(at, at + got))).toBe(true);
          }
        } finally {
          r.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses the segment read when it was changed, and a file cut at a segment boundary or extended as it is opened', () => {
    const dir = tempDir();
    const plain = randomBytes(3 * SEGMENT + 100);
    const sealed = sealBytes(key, plain);
    const open = (bytes: Buffer) => {
      writeFileSync(join(dir, 'x'), bytes);
      return new SealedFileReader(join(dir, 'x'), key, 'x');
    };
    const changed = Buffer.from(sealed);
    changed[SEALED_HEADER + SEGMENT + 16 + 3]! ^= 1; // in segment 1
    const c = open(changed);
    expect(c.read(Buffer.alloc(10), 0, 10, 5)).toBe(10); // segment 0 is whole
    expect(() => c.read(Buffer.alloc(10), 0, 10, SEGMENT + 5)).toThrow(expect.objectContaining({ code: 'SEALED_FILE_DAMAGED' }));
    c.close();
    // Cut at a segment boundary or extended: refused as it is opened (its last segment is checked then).
    expect(() => open(sealed.subarray(0, SEALED_HEADER + 2 * (SEGMENT + 16)))).toThrow(/cannot be opened/);
    expect(() => open(Buffer.concat([sealed, sealBytes(key, Buffer.alloc(0)).subarray(SEALED_HEADER)]))).toThrow(/cannot be opened/);
    expect(() => open(Buffer.from('PK\u0003\u0004 a zip, not sealed at all, long enough to be one'))).toThrow(/not a sealed file/);
    expect(() => open(sealed.subarray(0, SEALED_HEADER + 5))).toThrow(/cut short/);
    expect(() => new SealedFileReader(join(dir, 'x'), randomBytes(32)).read(Buffer.alloc(1), 0, 1, 0)).toThrow(/cannot be opened/);
  });

  it('streams a range, and plainStream gives a plain file as it is and a sealed one opened, with its length', async () => {
    const dir = tempDir();
    const plain = randomBytes(2 * SEGMENT + 999);
    writeMaybeSealed(join(dir, 's'), plain, key);
    const r = new SealedFileReader(join(dir, 's'), key);
    expect((await collect(r.stream(SEGMENT - 3, 2 * SEGMENT + 5))).equals(plain.subarray(SEGMENT - 3, 2 * SEGMENT + 5))).toBe(true);
    r.close();
    const s = plainStream(join(dir, 's'), key);
    expect(s.size).toBe(plain.length);
    expect((await collect(s.stream)).equals(plain)).toBe(true);
    writeFileSync(join(dir, 'p'), 'plain bytes');
    const p = plainStream(join(dir, 'p'), undefined);
    expect(p.size).toBe(11);
    expect((await collect(p.stream)).toString()).toBe('plain bytes');
    expect(() => plainStream(join(dir, 's'), undefined)).toThrow(/opens only on the encrypted workstation/);
  });

  it('a SegmentSealer writes what SealWriter writes: a file openSealed opens', () => {
    for (const n of [0, 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT]) {
      const plain = randomBytes(n);
      const s = new SegmentSealer(key);
      const parts = [s.header];
      let at = 0;
      while (n - at > SEGMENT) {
        parts.push(s.segment(plain.subarray(at, at + SEGMENT), false));
        at += SEGMENT;
      }
      parts.push(s.segment(plain.subarray(at), true));
      expect(openSealed(key, Buffer.concat(parts)).equals(plain)).toBe(true);
      expect(() => s.segment(Buffer.alloc(0), true)).toThrow(/already ended/);
    }
    expect(() => new SegmentSealer(key).segment(Buffer.alloc(5), false)).toThrow(/only the last/);
  });
});

describe('transcribe', () => {
  it('copies plain to sealed and sealed to plain, answering the plaintext sha256; a sealed source without its key leaves nothing', async () => {
    const { createHash } = await import('node:crypto');
    const { existsSync } = await import('node:fs');
    const dir = tempDir();
    const plain = randomBytes(5 * 1024 * 1024 + 3);
    writeFileSync(join(dir, 'p'), plain);
    const sha = createHash('sha256').update(plain).digest('hex');
    expect(transcribe(join(dir, 'p'), join(dir, 's'), { toKey: key })).toBe(sha);
    expect(isSealedFile(join(dir, 's'))).toBe(true);
    expect(transcribe(join(dir, 's'), join(dir, 'back'), { fromKey: key })).toBe(sha);
    expect(readFileSync(join(dir, 'back')).equals(plain)).toBe(true);
    expect(() => transcribe(join(dir, 's'), join(dir, 'nokey'))).toThrow(expect.objectContaining({ code: 'FILE_ENCRYPTED' }));
    expect(() => transcribe(join(dir, 's'), join(dir, 'wrong'), { fromKey: randomBytes(32) })).toThrow(/cannot be opened/);
    expect(existsSync(join(dir, 'nokey')) || existsSync(join(dir, 'wrong'))).toBe(false);
  });
});
