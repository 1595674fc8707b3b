import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asn1js, nameToString, OID, parseCertificate, pkijs } from './pki';

/**
 * Certification path validation (RFC 5280, the parts a document signature needs): from the signer's certificate
 * up to a trust root the coordinator placed in DATA/trust/ (or `--trust DIR`), every certificate's signature
 * checked with its issuer's key (OpenSSL through node:crypto), every certificate valid at the time given (the
 * signing time), every issuer a CA (basicConstraints CA:true, keyCertSign when key usage is present, path length
 * respected), no unknown critical extension, and the signer's key usage allowing signatures. Synchronous, so the
 * identity list can say "certified" without a round trip; no revocation data is available offline.
 */

export interface TrustAnchor {
  cert: X509Certificate;
  der: Buffer;
  /** the file it came from */
  file: string;
  subject: string;
}

export interface PathVerdict {
  certified: boolean;
  /** the trust root's subject, when certified */
  root: string | null;
  /** the file in the trust folder holding that root */
  rootFile: string | null;
  /** subjects from the signer up to the root, when certified */
  chain: string[];
  /** why not, when not certified: self-signed, unknown issuer, expired at signing time, … */
  reason: string | null;
  selfSigned: boolean;
}

const KNOWN_CRITICAL = new Set([
  OID.keyUsage,
  OID.basicConstraints,
  '2.5.29.37', // extended key usage
  '2.5.29.32', // certificate policies
  '2.5.29.17', // subject alternative name
  '2.5.29.14', // subject key identifier
  '2.5.29.35', // authority key identifier
  '2.5.29.31', // CRL distribution points
]);

/** Every certificate in the files of a folder (PEM, several a file allowed, or DER); other files are ignored. */
export function loadTrustAnchors(dir: string | null | undefined): TrustAnchor[] {
  if (!dir || !existsSync(dir)) return [];
  const out: TrustAnchor[] = [];
  for (const f of readdirSync(dir).sort()) {
    const path = join(dir, f);
    try {
      if (!statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      const pems = [...bytes.toString('latin1').matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
      for (const der of pems.length ? pems : [bytes]) {
        try {
          const cert = new X509Certificate(der);
          out.push({ cert, der: Buffer.from(cert.raw), file: path, subject: nameToString(parseCertificate(cert.raw).subject) });
        } catch {
          // not a certificate
        }
      }
    } catch {
      // unreadable: ignore
    }
  }
  return out;
}

interface Cert {
  x509: X509Certificate;
  pk: pkijs.Certificate;
  der: Buffer;
  subject: string;
}

function load(der: Uint8Array): Cert {
  const x509 = new X509Certificate(Buffer.from(der));
  const pk = parseCertificate(der);
  return { x509, pk, der: Buffer.from(x509.raw), subject: nameToString(pk.subject) };
}

function keyUsageBits(c: Cert): number | null {
  const ext = c.pk.extensions?.find((e) => e.extnID === OID.keyUsage);
  if (!ext) return null;
  const bits = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result as asn1js.BitString;
  const view = new Uint8Array(bits.valueBlock.valueHexView);
  return ((view[0] ?? 0) << 8) | (view[1] ?? 0);
}

function basicConstraints(c: Cert): { ca: boolean; pathLen: number | null } {
  const ext = c.pk.extensions?.find((e) => e.extnID === OID.basicConstraints);
  if (!ext) return { ca: false, pathLen: null };
  const bc = ext.parsedValue instanceof pkijs.BasicConstraints ? ext.parsedValue : new pkijs.BasicConstraints({ schema: asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result });
  const len = bc.pathLenConstraint;
  return { ca: bc.cA === true, pathLen: typeof len === 'number' ? len : len instanceof asn1js.Integer ? len.valueBlock.valueDec : null };
}

function unknownCritical(c: Cert): string | null {
  const ext = c.pk.extensions?.find((e) => e.critical && !KNOWN_CRITICAL.has(e.extnID));
  return ext ? ext.extnID : null;
}

function validAt(c: Cert, at: Date): string | null {
  if (c.pk.notBefore.value > at) return `not yet valid at signing time (valid from ${c.pk.notBefore.value.toISOString()})`;
  if (c.pk.notAfter.value < at) return `expired at signing time (valid until ${c.pk.notAfter.value.toISOString()})`;
  return null;
}

function issuedBy(child: Cert, issuer: Cert): boolean {
  try {
    return child.x509.checkIssued(issuer.x509) && child.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

const DIGITAL_SIGNATURE = 0x8000;
const NON_REPUDIATION = 0x4000;
const KEY_CERT_SIGN = 0x0400;

/**
 * Whether the certificate `leafDer` chains to one of `anchors`, valid at `at`. `intermediates` are other
 * certificates the signature carried (never trusted by themselves).
 */
export function validatePath(leafDer: Uint8Array, opts: { anchors: readonly TrustAnchor[]; intermediates?: readonly Uint8Array[]; at: Date }): PathVerdict {
  const leaf = load(leafDer);
  // Not checkIssued: OpenSSL also wants keyCertSign there, which a self-signed signing certificate lacks.
  let selfSigned = false;
  try {
    selfSigned = leaf.pk.issuer.isEqual(leaf.pk.subject) && leaf.x509.verify(leaf.x509.publicKey);
  } catch {
    selfSigned = false;
  }
  const notCertified = (reason: string): PathVerdict => ({ certified: false, root: null, rootFile: null, chain: [], reason, selfSigned });
  const anchors = opts.anchors.map((a) => ({ ...load(a.der), file: a.file }));
  const isAnchor = (c: Cert) => anchors.find((a) => a.der.equals(c.der));
  if (isAnchor(leaf)) return notCertified('the signer certificate is itself a trust root; only certificates a root issued are certified');
  const pool: (Cert & { file?: string })[] = [...anchors];
  for (const der of opts.intermediates ?? []) {
    try {
      const c = load(der);
      if (!c.der.equals(leaf.der) && !pool.some((p) => p.der.equals(c.der))) pool.push(c);
    } catch {
      // an unreadable extra certificate cannot help a path
    }
  }

  // The signer's own certificate.
  const leafProblems: string[] = [];
  const when = validAt(leaf, opts.at);
  if (when) leafProblems.push(`the signer certificate was ${when}`);
  const ku = keyUsageBits(leaf);
  if (ku !== null && !(ku & (DIGITAL_SIGNATURE | NON_REPUDIATION))) leafProblems.push('the signer certificate may not sign (key usage has neither digitalSignature nor nonRepudiation)');
  const crit = unknownCritical(leaf);
  if (crit) leafProblems.push(`the signer certificate has an unknown critical extension ${crit}`);

  // Depth-first over the issuers that really signed each certificate.
  let firstFailure: string | null = null;
  let anyIssuer = false;
  const note = (why: string) => {
    firstFailure ??= why;
  };
  const extend = (path: Cert[], intermediatesBelow: number): { path: Cert[]; anchor: Cert & { file?: string } } | null => {
    const child = path[path.length - 1]!;
    if (path.length > 8) return null;
    for (const cand of pool) {
      if (path.some((p) => p.der.equals(cand.der)) || !issuedBy(child, cand)) continue;
      anyIssuer = true;
      const bc = basicConstraints(cand);
      const cku = keyUsageBits(cand);
      const problem = !bc.ca
        ? `${cand.subject} is not a certification authority (basicConstraints without CA:true)`
        : cku !== null && !(cku & KEY_CERT_SIGN)
          ? `${cand.subject} may not issue certificates (key usage without keyCertSign)`
          : bc.pathLen !== null && intermediatesBelow > bc.pathLen
            ? `${cand.subject} allows ${bc.pathLen} intermediate certificate(s) below it (path length)`
            : unknownCritical(cand)
              ? `${cand.subject} has an unknown critical extension ${unknownCritical(cand)}`
              : validAt(cand, opts.at)
                ? `the issuing certificate ${cand.subject} was ${validAt(cand, opts.at)}`
                : null;
      if (problem) {
        note(problem);
        continue;
      }
      const anchor = anchors.find((a) => a.der.equals(cand.der));
      if (anchor) return { path: [...path, cand], anchor };
      const selfIssued = cand.subject === child.subject;
      const up = extend([...path, cand], intermediatesBelow + (selfIssued ? 0 : 1));
      if (up) return up;
    }
    return null;
  };
  const found = extend([leaf], 0);
  if (found && !leafProblems.length) {
    return { certified: true, root: found.anchor.subject, rootFile: found.anchor.file ?? null, chain: found.path.map((c) => c.subject), reason: null, selfSigned };
  }
  if (leafProblems.length && (found || !selfSigned)) return notCertified(leafProblems.join('; '));
  if (selfSigned) return notCertified('self-signed');
  if (!anyIssuer) {
    const issuer = nameToString(leaf.pk.issuer);
    const namesake = pool.some((p) => p.subject === issuer);
    return notCertified(`unknown issuer ${issuer}${namesake ? ' (a certificate of that name is known, but it did not sign this one)' : ''}`);
  }
  return notCertified(firstFailure ?? 'no path to a trust root');
}

/** The NIP a certificate carries (its subject's serialNumber), if any. */
export function nipOf(der: Uint8Array): string | null {
  const cert = parseCertificate(der);
  const tv = cert.subject.typesAndValues.find((x) => x.type === OID.serialNumber);
  return tv ? String((tv.value as { valueBlock: { value: string } }).valueBlock.value) : null;
}
