import { createHash } from 'node:crypto';
import { asn1js, commonName, nameToString, OID, pkijs, toArrayBuffer } from '../keys/pki';

export interface SignatureCheck {
  index: number;
  signer: string;
  subject: string;
  signingTime: string | null;
  /** the CMS signature verifies over the signed byte ranges, and its message digest matches them */
  valid: boolean;
  /** this signature's byte ranges cover the whole file */
  coversWholeFile: boolean;
  problem: string | null;
}

/**
 * Checks every signature of a PDF independently of how it was made: finds each /ByteRange and /Contents,
 * recomputes the digest of the signed bytes and verifies the CMS with pkijs.
 */
export async function verifyPdfSignatures(pdf: Buffer): Promise<SignatureCheck[]> {
  const text = pdf.toString('latin1');
  const re = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  const out: SignatureCheck[] = [];
  let m: RegExpExecArray | null;
  let index = 0;
  while ((m = re.exec(text))) {
    index++;
    const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    const check: SignatureCheck = { index, signer: '', subject: '', signingTime: null, valid: false, coversWholeFile: c + d === pdf.length, problem: null };
    out.push(check);
    try {
      if (a !== 0 || b > c || c + d > pdf.length) throw new Error('byte range outside the file');
      const hex = text.slice(b + 1, c - 1).replace(/0+$/, '');
      const der = Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex');
      const signedBytes = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
      const info = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
      const signed = new pkijs.SignedData({ schema: info.content });
      const cert = signed.certificates?.[0] as pkijs.Certificate | undefined;
      if (!cert) throw new Error('no certificate in the signature');
      check.signer = commonName(cert.subject);
      check.subject = nameToString(cert.subject);
      const attrs = signed.signerInfos[0]?.signedAttrs?.attributes ?? [];
      const time = attrs.find((x) => x.type === OID.signingTimeAttr)?.values[0] as asn1js.UTCTime | undefined;
      check.signingTime = time ? time.toDate().toISOString() : null;
      const digestAttr = attrs.find((x) => x.type === OID.messageDigestAttr)?.values[0] as asn1js.OctetString | undefined;
      const digest = createHash('sha256').update(signedBytes).digest();
      if (!digestAttr || !Buffer.from(digestAttr.valueBlock.valueHexView).equals(digest)) throw new Error('digest mismatch: the signed bytes were changed');
      const ok = await signed.verify({ signer: 0, data: toArrayBuffer(signedBytes), checkChain: false, extendedMode: false });
      if (!ok) throw new Error('the signature does not verify');
      check.valid = true;
    } catch (e) {
      check.problem = (e as Error).message;
    }
  }
  return out;
}
