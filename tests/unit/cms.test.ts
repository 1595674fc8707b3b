import { execFileSync } from 'node:child_process';
import { createHash, verify, webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLocalCertificate } from '../../src-main/core/keys/identities';
import { pkijs, RSA_SHA256, toArrayBuffer } from '../../src-main/core/keys/pki';
import { cmsReference, cmsSignature, templateFor, utcTimeText, type Signing } from '../../src-main/core/sheets/cms';
import { renderResultSheet } from '../../src-main/core/sheets/result-sheet';
import { signPdf } from '../../src-main/core/sheets/sign';

/**
 * The CMS of a PDF signature is filled into a template made once per identity (issue 16). It must be byte for
 * byte the CMS pkijs builds and WebCrypto signs (RSASSA-PKCS1-v1_5 is deterministic), for any digest and time.
 */
let id: Signing;
let other: Signing;
let dir: string;

beforeAll(async () => {
  const made = await makeLocalCertificate({ displayName: 'Sri Wahyuni, S.Sos.', nip: '197805122005012003' }, 'Pemerintah Kota Semarang', '2026-12-01T00:00:00Z');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', made.key.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']);
  id = { privateKey, certDer: made.certDer };
  // The same key under another certificate (a key certified again): the template of the first must not be used.
  const again = await makeLocalCertificate({ displayName: 'Budi Santoso', nip: null }, 'Pemerintah Kota Semarang', '2026-12-01T00:00:00Z');
  other = { privateKey, certDer: again.certDer };
  dir = mkdtempSync(join(tmpdir(), 'lentera-cms-'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dates = fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2049-12-31T23:59:59.999Z'), noInvalidDate: true });

describe('the CMS template', () => {
  it('equals pkijs + WebCrypto byte for byte on random digests and signing times', async () => {
    // The fast path is taken (an RSA-3072 PKCS #1 v1.5 identity has a template), so this compares two ways.
    expect(await templateFor(id)).not.toBeNull();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), dates, async (digest, at) => {
        const fast = await cmsSignature(id, digest, at);
        expect(fast.equals(await cmsReference(id, digest, at))).toBe(true);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('spells UTCTime as asn1js does, and has no spelling outside 1950–2049', () => {
    expect(utcTimeText(new Date('2026-12-03T02:04:05.999Z'))).toBe('261203020405Z');
    expect(utcTimeText(new Date('1950-01-01T00:00:00Z'))).toBe('500101000000Z');
    expect(utcTimeText(new Date('2050-01-01T00:00:00Z'))).toBeNull();
    expect(utcTimeText(new Date('1949-12-31T23:59:59Z'))).toBeNull();
  });

  it('verifies with pkijs against the certificate and the digest it was given', async () => {
    const digest = createHash('sha256').update('a document').digest();
    const cms = await cmsSignature(id, digest, new Date('2026-12-03T02:00:00Z'));
    const info = pkijs.ContentInfo.fromBER(toArrayBuffer(cms));
    const signed = new pkijs.SignedData({ schema: info.content });
    const signer = signed.signerInfos[0]!;
    // Detached: the signature is over the signed attributes, as a SET (what pkijs keeps as their encoded value).
    const attrs = Buffer.from(signer.signedAttrs!.encodedValue);
    expect(attrs[0]).toBe(0x31);
    const publicKey = new X509Certificate(Buffer.from(id.certDer)).publicKey;
    expect(verify('sha256', attrs, publicKey, Buffer.from(signer.signature.valueBlock.valueHexView))).toBe(true);
    attrs[attrs.length - 1]! ^= 1;
    expect(verify('sha256', attrs, publicKey, Buffer.from(signer.signature.valueBlock.valueHexView))).toBe(false);
    const md = signer.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.4')!;
    expect(Buffer.from(md.values[0].valueBlock.valueHexView).equals(digest)).toBe(true);
  });

  it('with another certificate for the same key, carries that certificate (the template is not reused)', async () => {
    const digest = new Uint8Array(32).fill(7);
    const at = new Date('2026-12-03T02:00:00Z');
    await cmsSignature(id, digest, at);
    const cms = await cmsSignature(other, digest, at);
    expect(cms.equals(await cmsReference(other, digest, at))).toBe(true);
    expect(cms.includes(Buffer.from(other.certDer))).toBe(true);
    expect(cms.includes(Buffer.from(id.certDer))).toBe(false);
  });

  it('refuses a signing time UTCTime cannot hold, as pkijs does', async () => {
    const at = new Date('2051-01-01T00:00:00Z');
    await expect(cmsSignature(id, new Uint8Array(32), at)).rejects.toThrow(/UTCTime year/);
  });

  it('a sheet signed through the template is valid for pdfsig', async () => {
    const pdf = await renderResultSheet({
      agency: 'Pemerintah Kota Semarang',
      exam: { code: 'CPNS-SMG-2026', name: 'Seleksi CPNS 2026', year: 2026 },
      formation: { code: 'F01', position: 'Pranata Komputer', unit: 'Diskominfo', quota: 1 },
      candidate: { nomorPeserta: '263374000001', nama: 'Sri Rina', nikMasked: '337404********61', kategori: 'umum' },
      result: { nomor_peserta: '263374000001', kode_formasi: 'F01', kategori: 'umum', components: { twk: '100' }, stages: {}, skd_total: '100', thresholds: [], skb: null, final: '50', final_exact: '50', rank: 1, status: 'P/L', reason: 'peringkat 1', decided_by: null },
      stageNames: {},
      ruleset: { id: 'cpns-2024', version: '2024.1', sha256: 'a'.repeat(64) },
      chainHead: { seq: 1, hash: 'b'.repeat(64) },
      generatedAt: new Date('2026-12-03T09:00:00+07:00'),
      signer: { name: 'Sri Wahyuni', certified: false },
    });
    const file = join(dir, 'sheet.pdf');
    writeFileSync(file, await signPdf(pdf, id, { reason: 'Lembar Hasil Seleksi', name: 'Sri Wahyuni', location: 'Semarang' }));
    const said = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    expect(said).toContain('Signature is Valid.');
    expect(said).toContain('Total document signed');
    expect(execFileSync('qpdf', ['--check', file], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors');
  });
});
