import fc from 'fast-check';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateSerial, makeLocalCertificate } from '../../src-main/core/keys/identities';

// One random serial in 256 began 0x00 followed by a byte below 0x80: not minimal DER, and OpenSSL refuses to read the
// certificate at all ("PEM routines::no start line"); every signature made with that key then failed to verify. It
// showed as rare failures of unrelated signing tests in CI.

/** The certificate with its 16 serial bytes replaced (the signature no longer matches; parsing does not check it). */
function withSerial(der: Uint8Array, serial: Uint8Array): Buffer {
  const out = Buffer.from(der);
  const cert = new X509Certificate(out);
  const at = out.indexOf(Buffer.concat([Buffer.from([0x02, 0x10]), Buffer.from(cert.serialNumber.padStart(32, '0'), 'hex')]));
  expect(at).toBeGreaterThan(0);
  Buffer.from(serial).copy(out, at + 2);
  return out;
}

describe('certificate serials', () => {
  it('a serial beginning 0x00 0x01 makes a certificate OpenSSL cannot read; the serial we make from the same bytes reads', async () => {
    const { certDer } = await makeLocalCertificate({ displayName: 'Uji Serial', nip: null }, 'Pemerintah Kota Semarang', new Date().toISOString());
    const unlucky = new Uint8Array(16).fill(0x5a);
    unlucky[0] = 0x00;
    unlucky[1] = 0x01;
    expect(() => new X509Certificate(withSerial(certDer, unlucky))).toThrow();
    const made = certificateSerial(unlucky);
    expect(new X509Certificate(withSerial(certDer, made)).serialNumber.toLowerCase()).toBe(Buffer.from(made).toString('hex'));
  }, 60_000);

  it('is always a positive, minimal 16-byte DER integer that keeps 126 of the random bits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (random) => {
        const s = certificateSerial(random);
        expect(s).toHaveLength(16);
        expect(s[0]! >= 0x40 && s[0]! <= 0x7f).toBe(true);
        expect(s[0]! & 0x3f).toBe(random[0]! & 0x3f);
        expect([...s.slice(1)]).toEqual([...random.slice(1)]);
      }),
    );
    expect(() => certificateSerial(new Uint8Array(8))).toThrow(RangeError);
  });
});
