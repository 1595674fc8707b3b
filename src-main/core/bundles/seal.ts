import { closeSync, createReadStream, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { constants, createSign, KeyObject, privateEncrypt, publicDecrypt, type X509Certificate } from 'node:crypto';
import { BundleRefused } from './refusal';

/**
 * The seal: an RSA-SHA256 signature over every byte of the bundle before it, kept in the zip's own comment (the
 * last bytes of the file). The manifest's signature vouches for the contents; the seal for the file itself, so
 * a change to any byte — a header, a padding bit of compressed data — is refused. Checkable with openssl:
 * `head -c N bundle | openssl dgst -sha256 -verify pub.pem -signature seal.bin`.
 */
export const SEAL_PREFIX = 'LENTERA-SEAL/1:';

export function sealLength(modulusBits: number): number {
  return SEAL_PREFIX.length + Math.ceil(modulusBits / 8 / 3) * 4;
}

export function sealPlaceholder(modulusBits: number): string {
  return SEAL_PREFIX + 'A'.repeat(sealLength(modulusBits) - SEAL_PREFIX.length);
}

async function signedStream(file: string, end: number, update: (chunk: Buffer) => void): Promise<void> {
  if (end <= 0) return;
  for await (const chunk of createReadStream(file, { start: 0, end: end - 1 })) update(chunk as Buffer);
}

/** Replaces the placeholder at the end of a written bundle with the seal. */
export async function applySeal(file: string, key: CryptoKey, modulusBits: number): Promise<void> {
  const len = sealLength(modulusBits);
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(len);
    readSync(fd, tail, 0, len, size - len);
    if (!tail.toString('latin1').startsWith(SEAL_PREFIX)) throw new Error('the bundle has no seal placeholder');
    const signer = createSign('sha256');
    await signedStream(file, size - len, (c) => signer.update(c));
    const sig = signer.sign(KeyObject.from(key)).toString('base64');
    const seal = Buffer.from(SEAL_PREFIX + sig, 'latin1');
    if (seal.length !== len) throw new Error('unexpected seal length');
    writeSync(fd, seal, 0, len, size - len);
  } finally {
    closeSync(fd);
  }
}

/** The seal's signature bytes, from the zip comment; refused unless written exactly as Lentera writes it. */
export function sealSignature(comment: Buffer): Buffer {
  const text = comment.toString('latin1');
  if (!text.startsWith(SEAL_PREFIX)) throw new BundleRefused('BUNDLE_SEAL_INVALID', 'The bundle has no seal: it was not written by Lentera or was rewritten since.');
  const encoded = text.slice(SEAL_PREFIX.length);
  const sig = Buffer.from(encoded, 'base64');
  // Node's decoder forgives: it reads base64url's '-' and '_' as '+' and '/', and skips what is no base64. Only the
  // one spelling Lentera writes is a seal, so that no byte of the file can change and still verify.
  if (sig.toString('base64') !== encoded) throw new BundleRefused('BUNDLE_SEAL_INVALID', 'The seal is not written as Lentera writes it: some byte of it was changed.');
  return sig;
}

/** DER of DigestInfo { sha256, NULL } up to the digest: what an RSA-SHA256 signature (PKCS #1 v1.5) signs. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * The seal's signature over bytes whose sha256 was taken as they were written (zip-writer.ts): RSASSA-PKCS1-v1_5
 * (RFC 8017 8.2.1) of that digest — the padded DigestInfo, opened with the private key. The same bytes as an
 * RSA-SHA256 signer fed the bytes themselves gives (the encoding is deterministic; hub-ingest-fast.test.ts compares them).
 */
export function signSealDigest(digest: Buffer, key: KeyObject): Buffer {
  if (digest.length !== 32) throw new Error('a seal signs a sha256 digest (32 bytes)');
  if (key.asymmetricKeyType !== 'rsa') throw new Error('Lentera seals bundles with RSA keys only');
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]));
}

/**
 * Checks the seal against the sha256 of the file's bytes before the comment, taken elsewhere (digests-aside.ts):
 * RSASSA-PKCS1-v1_5 verification as RFC 8017 8.2.2 describes it, by encoding comparison — the signature opened with
 * the public key must be exactly the padded DigestInfo of that digest (OpenSSL checks the padding). The same
 * verdict as a verifier fed the bytes themselves, for the RSA keys Lentera signs with; any other key is refused.
 */
export function checkSealDigest(digest: Buffer | null, comment: Buffer, cert: X509Certificate): void {
  const sig = sealSignature(comment);
  const refused = () => new BundleRefused('BUNDLE_SEAL_INVALID', 'The seal over the bundle file does not verify: some byte of the file was changed.');
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw new BundleRefused('BUNDLE_SEAL_INVALID', `The signer's key is ${cert.publicKey.asymmetricKeyType ?? 'of an unknown type'}; Lentera seals bundles with RSA keys only.`);
  }
  if (!digest || digest.length !== 32) throw refused();
  const bits = cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (sig.length !== Math.ceil(bits / 8)) throw refused();
  let opened: Buffer;
  try {
    opened = publicDecrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig);
  } catch {
    throw refused();
  }
  if (!opened.equals(Buffer.concat([SHA256_DIGEST_INFO, digest]))) throw refused();
}
