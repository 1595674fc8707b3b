import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import signpdfModule from '@signpdf/signpdf';
import { Signer } from '@signpdf/utils';
import { createHash } from 'node:crypto';
import { asn1js, OID, parseCertificate, pkijs } from '../keys/pki';
import type { UnlockedIdentity } from '../keys/identities';

const signpdf = ((signpdfModule as unknown as { default?: typeof signpdfModule }).default ?? signpdfModule) as { sign(pdf: Buffer, signer: Signer, signingTime?: Date): Promise<Buffer> };

/**
 * adbe.pkcs7.detached signatures whose CMS is built with pkijs and signed by WebCrypto (native RSA): the key is
 * imported once per identity and reused for a whole batch.
 */
class CmsSigner extends Signer {
  constructor(private readonly id: Pick<UnlockedIdentity, 'privateKey' | 'certDer'>) {
    super();
  }

  override async sign(pdf: Buffer, signingTime?: Date): Promise<Buffer> {
    const cert = parseCertificate(this.id.certDer);
    const digest = createHash('sha256').update(pdf).digest();
    const signed = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: pkijs.id_ContentType_Data }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({
            type: 0,
            attributes: [
              new pkijs.Attribute({ type: OID.contentTypeAttr, values: [new asn1js.ObjectIdentifier({ value: pkijs.id_ContentType_Data })] }),
              new pkijs.Attribute({ type: OID.signingTimeAttr, values: [new asn1js.UTCTime({ valueDate: signingTime ?? new Date() })] }),
              new pkijs.Attribute({ type: OID.messageDigestAttr, values: [new asn1js.OctetString({ valueHex: digest })] }),
            ],
          }),
        }),
      ],
      certificates: [cert],
    });
    await signed.sign(this.id.privateKey, 0, 'SHA-256');
    const info = new pkijs.ContentInfo({ contentType: pkijs.id_ContentType_SignedData, content: signed.toSchema(true) });
    return Buffer.from(info.toSchema().toBER(false));
  }
}

export interface SignatureMeta {
  reason: string;
  name: string;
  location: string;
  signingTime?: Date;
}

/**
 * Adds one signature as an incremental update, so signatures already in the file stay valid: the coordinator
 * signs first, then the chair and each panelist.
 */
export async function signPdf(pdf: Buffer, id: Pick<UnlockedIdentity, 'privateKey' | 'certDer'>, meta: SignatureMeta): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: meta.reason,
    contactInfo: '',
    name: meta.name,
    location: meta.location,
    signatureLength: 8192,
    ...(meta.signingTime ? { signingTime: meta.signingTime } : {}),
  });
  return signpdf.sign(withPlaceholder, new CmsSigner(id), meta.signingTime);
}
