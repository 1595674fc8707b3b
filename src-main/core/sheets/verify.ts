import { createHash } from 'node:crypto';
import { fingerprintOf } from '../keys/identities';
import { asn1js, commonName, nameToString, OID, pkijs, toArrayBuffer } from '../keys/pki';
import { nipOf, validatePath, type PathVerdict, type TrustAnchor } from '../keys/trust';
import { analyseRevision, certification, signatureFields } from './pdf-diff';
import { nameOf, PdfFile, PdfString, textOf } from './pdf-structure';

export interface SignatureCheck {
  index: number;
  /** the signer certificate's common name */
  signer: string;
  subject: string;
  /** the NIP in the signer certificate (its subject's serialNumber) */
  nip: string | null;
  /** SHA-256 fingerprint of the signer certificate, "AB:CD:…" */
  fingerprint: string | null;
  signingTime: string | null;
  /**
   * The verdict: the CMS signature verifies over the signed byte ranges, its message digest matches them, the
   * signature is well-formed (its /Contents is exactly the gap of its byte ranges, holding the DER signature and
   * zero padding only, and it signs a whole revision), and nothing after it changed more than signing does.
   */
  valid: boolean;
  /** the cryptographic part alone: signature, digest, and the /Contents holding nothing unsigned */
  cryptoValid: boolean;
  /** this signature's byte ranges cover the whole file */
  coversWholeFile: boolean;
  /** the revision it signs (1-based; revision 1 is the document as first written) */
  revision: number | null;
  /** the DocMDP permission when this is a certification signature (1, 2 or 3) */
  certification: number | null;
  /** whether the signer certificate chains to a trust root, valid at signing time */
  trust: PathVerdict | null;
  /** changes made after this signature that signing does not explain */
  modifiedAfter: string[];
  problem: string | null;
  /** the signature field's name (/T) and the signature's /Reason: part of the revision the signature signs */
  field?: string;
  reason?: string | null;
}

export interface Modification {
  /** the last signature before the change (1-based) */
  afterSignature: number;
  /** the revision that made the change (1-based) */
  revision: number;
  changes: string[];
}

export interface PdfReport {
  signatures: SignatureCheck[];
  revisions: number;
  modifications: Modification[];
  /** problems of the file as a whole (its structure, bytes outside every revision) */
  problems: string[];
  /** every signature valid, nothing modified after any of them, no problem of the file */
  intact: boolean;
}

export interface VerifyOptions {
  /** trust roots (DATA/trust/ or `--trust DIR`); none: every signer is "not certified" */
  anchors?: readonly TrustAnchor[];
}

const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SUBFILTERS = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached']);

/** The length of the DER value at the start of `bytes` (tag, length, content), from its header. */
export function derLength(bytes: Uint8Array): number {
  if (bytes[0] !== 0x30) throw new Error('the signature is not a DER SEQUENCE');
  const l = bytes[1];
  if (l === undefined) throw new Error('the signature is empty');
  if (l < 0x80) return 2 + l;
  if (l === 0x80) throw new Error('the signature uses an indefinite length (BER, not DER)');
  const n = l & 0x7f;
  if (n > 4 || bytes.length < 2 + n) throw new Error('the signature has an impossible length');
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i]!;
  if (len < 0x80 || bytes[2] === 0) throw new Error('the signature length is not in DER (minimal) form');
  return 2 + n + len;
}

function blank(index: number, coversWholeFile: boolean): SignatureCheck {
  return { index, signer: '', subject: '', nip: null, fingerprint: null, signingTime: null, valid: false, cryptoValid: false, coversWholeFile, revision: null, certification: null, trust: null, modifiedAfter: [], problem: null };
}

/**
 * The cryptographic check of one signature, given its byte range: the gap is exactly `<hex>` holding one DER
 * CMS SignedData (its length from its own header) and zero padding only; the CMS is detached, has one signer
 * whose certificate it carries (found by its issuer and serial number, not by position), signed attributes with
 * the message digest of the signed bytes, and a signature that verifies.
 */
async function checkCms(pdf: Buffer, br: number[], check: SignatureCheck, anchors: readonly TrustAnchor[]): Promise<void> {
  const [a, b, c, d] = br as [number, number, number, number];
  if (a !== 0 || b <= 0 || c <= b || d < 0 || c + d > pdf.length) throw new Error('byte range outside the file');
  if (pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) throw new Error('the byte range does not leave out exactly a hex string');
  const hex = pdf.toString('latin1', b + 1, c - 1);
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2) throw new Error('the signature (/Contents) is not a plain hex string');
  const bytes = Buffer.from(hex, 'hex');
  const total = derLength(bytes);
  if (total > bytes.length) throw new Error('the signature is cut short');
  const extra = bytes.subarray(total);
  const nonZero = extra.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0);
  if (nonZero) throw new Error(`/Contents holds ${nonZero} byte(s) after the signature that are not zero padding (unsigned data)`);
  const der = bytes.subarray(0, total);
  const signedBytes = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);

  const asn = asn1js.fromBER(toArrayBuffer(der));
  if (asn.offset !== total || asn.result.error) throw new Error('the signature is not one well-formed DER value');
  const info = new pkijs.ContentInfo({ schema: asn.result });
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('the signature is not a CMS SignedData');
  const signed = new pkijs.SignedData({ schema: info.content });
  if (signed.signerInfos.length !== 1) throw new Error(`the signature has ${signed.signerInfos.length} signers instead of one`);
  if (signed.encapContentInfo.eContent) throw new Error('the signature is not detached (it carries content)');
  const si = signed.signerInfos[0]!;
  const certs = (signed.certificates ?? []).filter((x): x is pkijs.Certificate => x instanceof pkijs.Certificate);
  const sid = si.sid as unknown;
  const cert = certs.find((x) =>
    sid instanceof pkijs.IssuerAndSerialNumber
      ? x.issuer.isEqual(sid.issuer) && x.serialNumber.isEqual(sid.serialNumber)
      : x.extensions?.some((e) => e.extnID === '2.5.29.14' && e.parsedValue instanceof asn1js.OctetString && sid instanceof asn1js.Primitive && Buffer.from(e.parsedValue.valueBlock.valueHexView).equals(Buffer.from(sid.valueBlock.valueHexView))),
  );
  if (!cert) throw new Error("the signer's certificate is not in the signature");
  const certDer = new Uint8Array(cert.toSchema(true).toBER(false));
  check.signer = commonName(cert.subject);
  check.subject = nameToString(cert.subject);
  check.nip = nipOf(certDer);
  check.fingerprint = fingerprintOf(certDer);
  const attrs = si.signedAttrs?.attributes ?? [];
  const time = attrs.find((x) => x.type === OID.signingTimeAttr)?.values[0] as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
  check.signingTime = time ? time.toDate().toISOString() : null;
  const at = time ? time.toDate() : new Date();
  const others = certs.filter((x) => x !== cert).map((x) => new Uint8Array(x.toSchema(true).toBER(false)));
  check.trust = validatePath(certDer, { anchors, intermediates: others, at });

  if (!si.signedAttrs) throw new Error('the signature has no signed attributes');
  const algorithm = DIGESTS[si.digestAlgorithm.algorithmId];
  if (!algorithm) throw new Error(`digest algorithm ${si.digestAlgorithm.algorithmId} is not accepted`);
  const digestAttr = attrs.find((x) => x.type === OID.messageDigestAttr)?.values[0] as asn1js.OctetString | undefined;
  const digest = createHash(algorithm).update(signedBytes).digest();
  if (!digestAttr || !Buffer.from(digestAttr.valueBlock.valueHexView).equals(digest)) throw new Error('digest mismatch: the signed bytes were changed');
  let ok = false;
  try {
    const res = await signed.verify({ signer: 0, data: toArrayBuffer(signedBytes), checkChain: false, extendedMode: true });
    const by = res.signerCertificate ? Buffer.from(res.signerCertificate.toSchema(true).toBER(false)) : null;
    ok = res.signatureVerified === true && !!by && by.equals(Buffer.from(certDer));
  } catch {
    ok = false;
  }
  if (!ok) throw new Error('the signature does not verify');
  check.cryptoValid = true;
}

/** Every /ByteRange written out in the file: how signatures were found before the structure could be read. */
function byteRangesByScan(pdf: Buffer): number[][] {
  const text = pdf.toString('latin1');
  const re = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  const out: number[][] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]);
  return out;
}

const isWs = (x: number | undefined) => x === 0x0a || x === 0x0d || x === 0x20 || x === 0x09 || x === 0x0c || x === 0x00;

/**
 * Checks every signature of a PDF independently of how it was made: reads the file's revisions and signature
 * fields, verifies each CMS over its byte ranges, validates each signer's certificate path against `anchors`,
 * and analyses what every revision after a signature changed (pdf-diff.ts): only what signing adds is accepted.
 */
export async function verifyPdf(pdf: Buffer, opts: VerifyOptions = {}): Promise<PdfReport> {
  const anchors = opts.anchors ?? [];
  const problems: string[] = [];
  const modifications: Modification[] = [];
  const coversWhole = (br: number[]) => {
    const end = br[2]! + br[3]!;
    if (end > pdf.length) return false;
    for (let i = end; i < pdf.length; i++) if (!isWs(pdf[i])) return false;
    return true;
  };

  let file: PdfFile | null = null;
  try {
    file = new PdfFile(pdf);
  } catch (e) {
    problems.push(`the PDF's structure could not be read: ${(e as Error).message}`);
  }

  if (!file) {
    // Still say what each signature is, but none can be called valid: what the document shows is unknown.
    const ranges = byteRangesByScan(pdf);
    const signatures = ranges.map((br, i) => blank(i + 1, coversWhole(br)));
    for (const [i, check] of signatures.entries()) {
      try {
        await checkCms(pdf, ranges[i]!, check, anchors);
        check.problem = 'the PDF structure could not be read, so what this signature covers is unknown';
      } catch (e) {
        check.problem = (e as Error).message;
      }
    }
    return { signatures, revisions: 0, modifications, problems, intact: false };
  }

  const last = file.revisions - 1;
  if (file.trailingBytes) problems.push(`${file.trailingBytes} byte(s) after the end of the last revision: not part of the document, and signed by nobody`);
  let fields: ReturnType<typeof signatureFields> = [];
  let cert: ReturnType<typeof certification> = null;
  try {
    // Every signature any revision shows, so that one removed later is still checked (and its removal reported).
    const seen = new Map<number, (typeof fields)[number]>();
    for (let rev = 0; rev <= last; rev++) for (const f of signatureFields(file, rev)) if (!seen.has(f.sigNum)) seen.set(f.sigNum, f);
    fields = [...seen.values()];
    cert = certification(file, last);
  } catch (e) {
    problems.push(`the signature fields could not be read: ${(e as Error).message}`);
  }

  // One check per signature dictionary, in the order of the revisions they sign.
  const entries = fields.map((f) => {
    const br = f.sig.get('ByteRange');
    const range = Array.isArray(br) && br.length === 4 && br.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0) ? (br as number[]) : null;
    return { f, range, end: range ? range[2]! + range[3]! : Number.MAX_SAFE_INTEGER };
  });
  entries.sort((x, y) => x.end - y.end);
  const signatures: SignatureCheck[] = [];
  const sigRevision = new Map<number, number>();
  for (const [i, { f, range }] of entries.entries()) {
    const check = blank(i + 1, range ? coversWhole(range) : false);
    check.field = f.name;
    check.reason = textOf(f.sig.get('Reason'));
    signatures.push(check);
    const structural: string[] = [];
    try {
      if (!range) throw new Error('the signature has no valid /ByteRange');
      const contents = f.sig.get('Contents');
      if (!(contents instanceof PdfString) || contents.start !== range[1] || contents.end !== range[2]) structural.push("the byte ranges do not leave out exactly this signature's /Contents");
      const sub = nameOf(f.sig.get('SubFilter'));
      if (!sub || !SUBFILTERS.has(sub)) structural.push(`signature format /SubFilter /${sub ?? '?'} is not accepted (adbe.pkcs7.detached or ETSI.CAdES.detached)`);
      const end = range[2]! + range[3]!;
      const rev = file.sections.findIndex((s) => {
        if (end < s.end) return false;
        for (let k = s.end; k < end; k++) if (!isWs(pdf[k])) return false;
        return true;
      });
      if (rev < 0) structural.push('the signature does not end where a revision ends: it covers part of an update');
      else {
        check.revision = rev + 1;
        const e = file.entry(rev, f.sigNum);
        if (!e || e.kind !== 'at' || e.offset < file.sections[rev]!.start) structural.push('the signature dictionary is not part of the revision it signs');
        if ([...sigRevision.values()].includes(rev)) structural.push('two signatures sign the same revision');
        sigRevision.set(f.sigNum, rev);
      }
      if (cert && cert.sigNum === f.sigNum) {
        check.certification = cert.p;
        if (i !== 0) structural.push('a certification signature (DocMDP) that is not the first signature');
      }
      await checkCms(pdf, range, check, anchors);
    } catch (e) {
      structural.unshift((e as Error).message);
    }
    if (structural.length) check.problem = structural.join('; ');
  }
  if (cert && !signatures.some((s) => s.certification !== null)) problems.push('the catalog names a certification signature (/Perms /DocMDP) that is not among the signatures');

  // What each revision after the first signature changed.
  const signedRevs = [...sigRevision.values()];
  if (signedRevs.length) {
    const first = Math.min(...signedRevs);
    const certRev = cert ? sigRevision.get(cert.sigNum) : undefined;
    for (let rev = first + 1; rev <= last; rev++) {
      let changes: string[];
      try {
        const analysis = analyseRevision(file, rev, certRev !== undefined && certRev < rev ? cert!.p : null);
        changes = [...analysis.problems];
        const here = [...sigRevision].filter(([, r]) => r === rev).map(([n]) => n);
        const added = analysis.newlySigned;
        if (here.length && !(added.length === 1 && added[0] === here[0])) changes.push(`revision ${rev + 1} is signed, but not as a signature field filled in that revision`);
        if (!here.length && added.length) changes.push(`revision ${rev + 1} fills a signature field with a value nobody signed`);
      } catch (e) {
        changes = [`revision ${rev + 1} could not be read: ${(e as Error).message}`];
      }
      if (!changes.length) continue;
      const before = signatures.filter((s) => s.revision !== null && s.revision - 1 < rev);
      const afterSignature = before.length ? before[before.length - 1]!.index : 0;
      modifications.push({ afterSignature, revision: rev + 1, changes });
      for (const s of before) s.modifiedAfter.push(...changes.map((c) => `revision ${rev + 1}: ${c}`));
    }
  }
  for (const s of signatures) s.valid = s.cryptoValid && !s.problem && !s.modifiedAfter.length;
  const intact = signatures.length > 0 && signatures.every((s) => s.valid) && !problems.length && !modifications.length;
  return { signatures, revisions: file.revisions, modifications, problems, intact };
}

/** verifyPdf's signatures alone. */
export async function verifyPdfSignatures(pdf: Buffer, opts: VerifyOptions = {}): Promise<SignatureCheck[]> {
  return (await verifyPdf(pdf, opts)).signatures;
}

/** The document information of a revision, as text values (pdf-structure.ts). */
export { documentInfo } from './pdf-structure';
