import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { webcrypto, X509Certificate } from 'node:crypto';
import { LenteraError } from '../util/errors';

// One crypto engine for certificates and CMS: Node's WebCrypto, so RSA runs natively, not in JavaScript.
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

export { asn1js, pkijs };
export const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export const OID = {
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  organization: '2.5.4.10',
  country: '2.5.4.6',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  contentTypeAttr: '1.2.840.113549.1.9.3',
  signingTimeAttr: '1.2.840.113549.1.9.5',
  messageDigestAttr: '1.2.840.113549.1.9.4',
} as const;

export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(toArrayBuffer(der));
}

/** "CN=..., serialNumber=..." from a certificate name, for people and for logs. */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  const labels: Record<string, string> = { [OID.commonName]: 'CN', [OID.serialNumber]: 'serialNumber', [OID.organization]: 'O', [OID.country]: 'C' };
  return name.typesAndValues.map((tv) => `${labels[tv.type] ?? tv.type}=${String((tv.value as { valueBlock: { value: string } }).valueBlock.value)}`).join(', ');
}

export function commonName(name: pkijs.RelativeDistinguishedNames): string {
  const tv = name.typesAndValues.find((x) => x.type === OID.commonName);
  return tv ? String((tv.value as { valueBlock: { value: string } }).valueBlock.value) : '';
}

/** Which usages the key-usage extension allows (absent extension: any). */
export function keyUsage(cert: pkijs.Certificate): { digitalSignature: boolean; nonRepudiation: boolean } {
  const ext = cert.extensions?.find((e) => e.extnID === OID.keyUsage);
  if (!ext) return { digitalSignature: true, nonRepudiation: true };
  const bits = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result as asn1js.BitString;
  const first = new Uint8Array(bits.valueBlock.valueHexView)[0] ?? 0;
  return { digitalSignature: (first & 0x80) !== 0, nonRepudiation: (first & 0x40) !== 0 };
}

/** A certificate from PEM or DER text/bytes; anything else is refused with what was expected. */
export function readCertificate(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
  const der = pem ? Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64') : Buffer.from(bytes);
  try {
    new X509Certificate(der);
  } catch {
    throw new LenteraError('CERT_INVALID', 'That is not an X.509 certificate (PEM "BEGIN CERTIFICATE" or DER expected).', {});
  }
  return new Uint8Array(der);
}

export function certificatePem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}
