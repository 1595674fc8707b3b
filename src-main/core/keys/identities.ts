import forge from 'node-forge';
import { createHash, createPrivateKey, generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { asn1js, commonName, keyUsage, nameToString, OID, parseCertificate, pkijs, RSA_SHA256, toArrayBuffer } from './pki';
import { loadTrustAnchors, validatePath } from './trust';
import { MIN_PASSPHRASE } from '../../shared/rules';

export interface IdentityInfo {
  fingerprint: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  source: 'local' | 'p12';
  /** true only for a certificate from a recognised certification provider (BSrE or another PSrE) */
  certified: boolean;
  createdAt: string;
}

export interface UnlockedIdentity extends IdentityInfo {
  privateKey: CryptoKey;
  certDer: Uint8Array;
  commonName: string;
}

// The renderer checks the same minimum before sending (shared/rules.ts).
export { MIN_PASSPHRASE };

function keysDir(dataDir: string): string {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function fingerprintOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/**
 * Certified means issued by a provider the workstation trusts (a BSrE or PSrE root placed in DATA/trust/):
 * PP 71/2019 Pasal 60 lets only those be called certified. A locally generated certificate never is. The path is
 * validated (keys/trust.ts): every signature up to the root, validity now, CA constraints, key usage.
 */
function isCertified(dataDir: string, certDer: Uint8Array): boolean {
  const anchors = loadTrustAnchors(join(dataDir, 'trust'));
  if (!anchors.length) return false;
  return validatePath(certDer, { anchors, at: new Date() }).certified;
}

function info(dataDir: string, row: { fingerprint: string; cert_der: Uint8Array; subject: string; issuer: string; not_before: string; not_after: string; source: 'local' | 'p12'; created_at: string }): IdentityInfo {
  return {
    fingerprint: row.fingerprint,
    subject: row.subject,
    issuer: row.issuer,
    notBefore: row.not_before,
    notAfter: row.not_after,
    source: row.source,
    certified: isCertified(dataDir, row.cert_der),
    createdAt: row.created_at,
  };
}

export function storeIdentity(db: Db, dataDir: string, accountId: string, certDer: Uint8Array, key: KeyObject, passphrase: string, source: 'local' | 'p12', at: string): IdentityInfo {
  if (passphrase.length < MIN_PASSPHRASE) throw new LenteraError('INVALID_INPUT', `The passphrase needs at least ${MIN_PASSPHRASE} characters.`, { field: 'passphrase' });
  const cert = parseCertificate(certDer);
  const fingerprint = fingerprintOf(certDer);
  const file = `${fingerprint.replace(/:/g, '').slice(0, 32)}.key.pem`;
  const encrypted = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  const path = join(keysDir(dataDir), file);
  writeFileSync(`${path}.tmp`, encrypted, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  sql(
    db,
    `INSERT INTO signing_identities (fingerprint, account_id, cert_der, subject, issuer, not_before, not_after, source, key_file, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(fingerprint, accountId, Buffer.from(certDer), nameToString(cert.subject), nameToString(cert.issuer), cert.notBefore.value.toISOString(), cert.notAfter.value.toISOString(), source, file, at);
  return info(dataDir, sql(db, 'SELECT * FROM signing_identities WHERE fingerprint = ?').get(fingerprint) as never);
}

/** A self-signed RSA-3072 certificate for someone without one: keyUsage digitalSignature and nonRepudiation. */
export async function generateIdentity(
  db: Db,
  dataDir: string,
  account: { id: string; displayName: string; nip: string | null },
  organisation: string,
  passphrase: string,
  at: string,
  years = 2,
): Promise<IdentityInfo> {
  if (passphrase.length < MIN_PASSPHRASE) throw new LenteraError('INVALID_INPUT', `The passphrase needs at least ${MIN_PASSPHRASE} characters.`, { field: 'passphrase' });
  const made = await makeLocalCertificate(account, organisation, at, years);
  return storeIdentity(db, dataDir, account.id, made.certDer, made.key, passphrase, 'local', at);
}

/**
 * 16 random bytes as a certificate serial: a positive DER INTEGER whose first byte is never 0x00. A leading zero
 * before a byte below 0x80 is not minimal DER, and OpenSSL refuses to read such a certificate at all (one random
 * serial in 256 did, and every signature, bundle and sheet made with it then failed to verify). The top bit is
 * cleared (positive) and the next one set: 126 random bits remain, RFC 5280 asks for at least 64.
 */
export function certificateSerial(random: Uint8Array): Uint8Array {
  if (random.length !== 16) throw new RangeError('a serial is made of 16 random bytes');
  const out = new Uint8Array(random);
  out[0] = (out[0]! & 0x3f) | 0x40;
  return out;
}

/** The key pair and the self-signed certificate, made outside any transaction (it takes a moment). */
export async function makeLocalCertificate(
  account: { displayName: string; nip: string | null },
  organisation: string,
  at: string,
  years = 2,
): Promise<{ certDer: Uint8Array; key: KeyObject }> {
  // Asynchronous: an RSA-3072 key takes seconds, during which the server keeps answering everyone else.
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
  const subtle = webcrypto.subtle;
  const priv = await subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']);
  const pub = await subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), RSA_SHA256, true, ['verify']);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(certificateSerial(webcrypto.getRandomValues(new Uint8Array(16)))) });
  // One attribute per RDN (C, O, CN, serialNumber), each its own SET: pkijs would put them all in one SET, a
  // single multi-valued RDN ("C=ID+O=…+CN=…") whose members are not even in DER SET order.
  const attribute = (type: string, value: asn1js.BaseStringBlock) => new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value }).toSchema()] });
  const rdns = [
    attribute(OID.country, new asn1js.PrintableString({ value: 'ID' })),
    attribute(OID.organization, new asn1js.Utf8String({ value: organisation })),
    attribute(OID.commonName, new asn1js.Utf8String({ value: account.displayName })),
  ];
  if (account.nip) rdns.push(attribute(OID.serialNumber, new asn1js.PrintableString({ value: account.nip })));
  const nameDer = new asn1js.Sequence({ value: rdns }).toBER(false);
  cert.subject = pkijs.RelativeDistinguishedNames.fromBER(nameDer);
  cert.issuer = pkijs.RelativeDistinguishedNames.fromBER(nameDer);
  const now = new Date(at);
  cert.notBefore.value = new Date(now.getTime() - 60_000);
  cert.notAfter.value = new Date(now.getTime() + years * 365 * 86_400_000);
  const ku = new asn1js.BitString({ valueHex: new Uint8Array([0xc0]).buffer, unusedBits: 6 });
  cert.extensions = [
    new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: ku.toBER(false), parsedValue: ku }),
    new pkijs.Extension({ extnID: OID.basicConstraints, critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false) }),
  ];
  await cert.subjectPublicKeyInfo.importKey(pub);
  await cert.sign(priv, 'SHA-256');
  return { certDer: new Uint8Array(cert.toSchema(true).toBER(false)), key: privateKey };
}

/** A PKCS#12 file from a certification authority (for example BSrE): its key is re-encrypted under the passphrase. */
export function importP12(db: Db, dataDir: string, accountId: string, p12: Uint8Array, p12Password: string, passphrase: string, at: string): IdentityInfo {
  let keyPem: string;
  let certDer: Uint8Array;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    const parsed = forge.pkcs12.pkcs12FromAsn1(asn1, p12Password);
    const oids = forge.pki.oids as Record<string, string>;
    const bag = (type: string) => parsed.getBags({ bagType: type })[type]?.[0];
    const keyBag = bag(oids.pkcs8ShroudedKeyBag!) ?? bag(oids.keyBag!);
    const certBag = bag(oids.certBag!);
    if (!keyBag?.key || !certBag?.cert) throw new Error('no key or certificate inside');
    keyPem = forge.pki.privateKeyToPem(keyBag.key);
    certDer = new Uint8Array(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certBag.cert)).getBytes(), 'binary'));
  } catch (e) {
    const msg = (e as Error).message;
    if (/mac|password|invalid/i.test(msg)) throw new LenteraError('P12_PASSWORD_WRONG', 'The PKCS#12 file could not be opened: wrong password, or not a PKCS#12 file.', {});
    throw new LenteraError('P12_INVALID', `The PKCS#12 file could not be read: ${msg}.`, {});
  }
  checkUsable(parseCertificate(certDer), new Date(at));
  return storeIdentity(db, dataDir, accountId, certDer, createPrivateKey(keyPem), passphrase, 'p12', at);
}

/** Refuses an expired, not-yet-valid or non-signing certificate. */
export function checkUsable(cert: pkijs.Certificate, now: Date): void {
  if (cert.notAfter.value < now) throw new LenteraError('CERT_EXPIRED', `The certificate expired on ${cert.notAfter.value.toISOString().slice(0, 10)}.`, { notAfter: cert.notAfter.value.toISOString() });
  if (cert.notBefore.value > now) throw new LenteraError('CERT_NOT_YET_VALID', `The certificate is valid only from ${cert.notBefore.value.toISOString()}.`, {});
  const ku = keyUsage(cert);
  if (!ku.digitalSignature && !ku.nonRepudiation) throw new LenteraError('CERT_NOT_FOR_SIGNING', 'The certificate may not be used for signatures (key usage).', {});
}

export function listIdentities(db: Db, dataDir: string, accountId?: string): (IdentityInfo & { account: string })[] {
  const rows = sql(db, `SELECT s.*, a.name AS account FROM signing_identities s JOIN accounts a ON a.id = s.account_id WHERE (? IS NULL OR s.account_id = ?) ORDER BY s.created_at DESC`).all(accountId ?? null, accountId ?? null) as never[];
  return rows.map((r) => ({ ...info(dataDir, r), account: (r as { account: string }).account }));
}

type IdentityRow = { fingerprint: string; cert_der: Uint8Array; subject: string; issuer: string; not_before: string; not_after: string; source: 'local' | 'p12'; key_file: string; created_at: string };

/** An account's identity in use: its newest. */
function newestIdentity(db: Db, accountId: string): IdentityRow | undefined {
  return sql(db, 'SELECT * FROM signing_identities WHERE account_id = ? ORDER BY created_at DESC LIMIT 1').get(accountId) as IdentityRow | undefined;
}

/** The certificate an account signs with now (public: to register it with a hub or a coordinator). */
export function currentCertificate(db: Db, accountId: string): { fingerprint: string; certDer: Uint8Array } | null {
  const row = newestIdentity(db, accountId);
  return row ? { fingerprint: row.fingerprint, certDer: new Uint8Array(row.cert_der) } : null;
}

/** The newest identity of an account, unlocked with its passphrase, checked for validity and key usage. */
export async function unlockIdentity(db: Db, dataDir: string, accountId: string, passphrase: string, now: Date): Promise<UnlockedIdentity> {
  const row = newestIdentity(db, accountId);
  if (!row) throw new LenteraError('NO_IDENTITY', 'There is no signing identity for this account: generate one or import a PKCS#12 file.', {});
  const cert = parseCertificate(row.cert_der);
  checkUsable(cert, now);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: readFileSync(join(keysDir(dataDir), row.key_file), 'utf8'), format: 'pem', passphrase });
  } catch {
    throw new LenteraError('PASSPHRASE_WRONG', 'The passphrase is wrong; nothing was signed.', { field: 'passphrase' });
  }
  const privateKey = await webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']);
  return { ...info(dataDir, row), privateKey, certDer: new Uint8Array(row.cert_der), commonName: commonName(cert.subject) };
}
