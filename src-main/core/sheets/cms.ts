/**
 * The CMS SignedData (adbe.pkcs7.detached) of a PDF signature: one signer, the signer's certificate, and three
 * signed attributes (content type, signing time, message digest).
 *
 * pkijs builds it (`cmsReference`), but rebuilding and re-encoding the whole structure with pkijs and asn1js for
 * every sheet cost more than the RSA signature itself, and WebCrypto's sign hops to the thread pool and back for
 * each one. For an RSASSA-PKCS1-v1_5 key everything but three fields has the same bytes in every signature, and
 * those three have fixed lengths: the signing time (UTCTime, always 13 characters), the digest (32 bytes) and the
 * signature (the modulus's length; PKCS #1 v1.5 is deterministic). So pkijs builds each identity's CMS once, as a
 * template, and each signature fills in its three fields and signs the signed attributes with node:crypto (the
 * same OpenSSL RSA, synchronously). The bytes are exactly pkijs's (tests/unit/cms.test.ts checks that on random
 * inputs); any other key kind, or a time UTCTime cannot hold, takes the pkijs path as before.
 */
import { KeyObject, randomBytes, sign } from 'node:crypto';
import { asn1js, OID, parseCertificate, pkijs } from '../keys/pki';
import type { UnlockedIdentity } from '../keys/identities';

export type Signing = Pick<UnlockedIdentity, 'privateKey' | 'certDer'>;

const certificates = new WeakMap<Uint8Array, pkijs.Certificate>();

function certificateOf(certDer: Uint8Array): pkijs.Certificate {
  let cert = certificates.get(certDer);
  if (!cert) {
    cert = parseCertificate(certDer);
    certificates.set(certDer, cert);
  }
  return cert;
}

function signedAttributes(digest: Uint8Array, signingTime: Date): pkijs.SignedAndUnsignedAttributes {
  return new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: OID.contentTypeAttr, values: [new asn1js.ObjectIdentifier({ value: pkijs.id_ContentType_Data })] }),
      new pkijs.Attribute({ type: OID.signingTimeAttr, values: [new asn1js.UTCTime({ valueDate: signingTime })] }),
      new pkijs.Attribute({ type: OID.messageDigestAttr, values: [new asn1js.OctetString({ valueHex: digest })] }),
    ],
  });
}

/** The CMS as pkijs builds it and WebCrypto signs it: the reference the template must equal. */
export async function cmsReference(id: Signing, digest: Uint8Array, signingTime: Date): Promise<Buffer> {
  const cert = certificateOf(id.certDer);
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: pkijs.id_ContentType_Data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: signedAttributes(digest, signingTime),
      }),
    ],
    certificates: [cert],
  });
  await signed.sign(id.privateKey, 0, 'SHA-256');
  const info = new pkijs.ContentInfo({ contentType: pkijs.id_ContentType_SignedData, content: signed.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}

/** One identity's CMS with a hole for each field that changes, at fixed offsets. */
interface Template {
  der: Buffer;
  /** the certificate it carries (a key could be certified again: another certificate is built in full) */
  certDer: Buffer;
  timeAt: number;
  digestAt: number;
  /** the signed attributes, [0] IMPLICIT in the CMS; signed as a SET (tag 0x31) */
  attrsAt: number;
  attrsLength: number;
  /** the signature is the last field of the last SignerInfo: the CMS's last bytes */
  signatureLength: number;
  key: KeyObject;
}

/** UTCTime's text of a date (asn1js's own spelling), or null outside the years UTCTime holds. */
export function utcTimeText(d: Date): string | null {
  const y = d.getUTCFullYear();
  if (!(y >= 1950 && y <= 2049)) return null;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(y % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
}

/** Where `part` sits in `a` such that `otherPart` sits at the same place in `b`: the field that differs between two builds. */
function holeOf(a: Buffer, b: Buffer, part: Buffer, otherPart: Buffer): number {
  for (let at = a.indexOf(part); at >= 0; at = a.indexOf(part, at + 1)) if (b.subarray(at, at + otherPart.length).equals(otherPart)) return at;
  return -1;
}

/**
 * Builds the template from two pkijs signatures that differ in every byte of the time's digits and of the digest,
 * and checks that the two agree everywhere else: if pkijs ever laid the CMS out otherwise, there is no template.
 */
async function makeTemplate(id: Signing, key: KeyObject): Promise<Template | null> {
  const times = [new Date(Date.UTC(2001, 0, 1, 0, 0, 0)), new Date(Date.UTC(2022, 11, 22, 22, 22, 22))] as const;
  const d1 = randomBytes(32);
  const d2 = Buffer.from(d1.map((x) => x ^ 0xff));
  const [a, b] = await Promise.all([cmsReference(id, d1, times[0]), cmsReference(id, d2, times[1])]);
  if (a.length !== b.length) return null;
  const t = times.map((x) => Buffer.from(`\x17\x0d${utcTimeText(x)}`, 'latin1')) as [Buffer, Buffer];
  const timeAt = holeOf(a, b, t[0], t[1]) + 2;
  const digestAt = holeOf(a, b, Buffer.concat([Buffer.from([0x04, 0x20]), d1]), Buffer.concat([Buffer.from([0x04, 0x20]), d2])) + 2;
  const signatureLength = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  if (timeAt < 2 || digestAt < 2 || !signatureLength) return null;
  // The signed attributes, [0] IMPLICIT: found by their own encoding (it holds the random digest, so once only).
  const attrs = Buffer.from(signedAttributes(d1, times[0]).toSchema().toBER(false));
  const attrsAt = a.indexOf(attrs);
  if (attrsAt < 0 || a.indexOf(attrs, attrsAt + 1) >= 0 || attrsAt > timeAt || attrsAt + attrs.length < digestAt + 32) return null;
  // Every byte outside the three fields is the same in both builds.
  const varying = [
    [timeAt, 12],
    [digestAt, 32],
    [a.length - signatureLength, signatureLength],
  ] as const;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !varying.some(([at, n]) => i >= at && i < at + n)) return null;
  return { der: a, certDer: Buffer.from(id.certDer), timeAt, digestAt, attrsAt, attrsLength: attrs.length, signatureLength, key };
}

const templates = new WeakMap<object, Promise<Template | null>>();

/** The identity's template (null: its signatures are built by pkijs in full). Exported for the tests. */
export function templateFor(id: Signing): Promise<Template | null> {
  let t = templates.get(id.privateKey);
  if (!t) {
    t = (async () => {
      const algorithm = id.privateKey.algorithm as RsaHashedKeyAlgorithm;
      if (algorithm.name !== 'RSASSA-PKCS1-v1_5' || algorithm.hash?.name !== 'SHA-256') return null;
      let key: KeyObject;
      try {
        key = KeyObject.from(id.privateKey);
      } catch {
        return null;
      }
      // A template that cannot be made is no reason to refuse a signature: pkijs then builds each one in full.
      return makeTemplate(id, key).catch(() => null);
    })();
    templates.set(id.privateKey, t);
  }
  return t;
}

/** The CMS for a document digest: the identity's template filled in and signed, or pkijs's own build. */
export async function cmsSignature(id: Signing, digest: Uint8Array, signingTime: Date): Promise<Buffer> {
  const template = await templateFor(id);
  const time = utcTimeText(signingTime);
  if (!template || time === null || digest.length !== 32 || !template.certDer.equals(id.certDer)) return cmsReference(id, digest, signingTime);
  const out = Buffer.from(template.der);
  out.write(time, template.timeAt, 'latin1');
  out.set(digest, template.digestAt);
  const attrs = Buffer.from(out.subarray(template.attrsAt, template.attrsAt + template.attrsLength));
  attrs[0] = 0x31;
  const signature = sign('sha256', attrs, template.key);
  if (signature.length !== template.signatureLength) return cmsReference(id, digest, signingTime);
  out.set(signature, out.length - template.signatureLength);
  return out;
}
