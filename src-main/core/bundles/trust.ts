import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { fingerprintOf } from '../keys/identities';
import { nameToString, parseCertificate } from '../keys/pki';

export interface TrustedSigner {
  fingerprint: string;
  subject: string;
  exam: string | null;
  label: string | null;
  addedAt: string;
  addedBy: string;
}

/** Registers a workstation's certificate: only bundles it signed are accepted (for one exam, or any). */
export function addTrustedSigner(db: Db, certDer: Uint8Array, opts: { exam?: string | null; label?: string | null; at: string; by: string }): TrustedSigner {
  const fingerprint = fingerprintOf(certDer);
  const subject = nameToString(parseCertificate(certDer).subject);
  sql(
    db,
    `INSERT INTO trusted_signers (fingerprint, cert_der, subject, exam_code, label, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET exam_code = excluded.exam_code, label = excluded.label`,
  ).run(fingerprint, Buffer.from(certDer), subject, opts.exam ?? null, opts.label ?? null, opts.at, opts.by);
  return listTrustedSigners(db).find((t) => t.fingerprint === fingerprint)!;
}

export function listTrustedSigners(db: Db): TrustedSigner[] {
  return sql(db, 'SELECT fingerprint, subject, exam_code AS exam, label, added_at AS addedAt, added_by AS addedBy FROM trusted_signers ORDER BY added_at').all() as TrustedSigner[];
}

export function trustLookup(db: Db): (fingerprint: string) => { exam: string | null } | undefined {
  return (fp) => sql(db, 'SELECT exam_code AS exam FROM trusted_signers WHERE fingerprint = ?').get(fp) as { exam: string | null } | undefined;
}

/**
 * A sha256 certificate fingerprint as a client may write it (64 hex digits, with or without colons, any case)
 * in the form stored here (`AB:CD:…`, as `fingerprintOf` gives it), or null when it is not one.
 */
export function normalizeFingerprint(text: string): string | null {
  const hex = text.trim().replace(/:/g, '');
  return /^[0-9A-Fa-f]{64}$/.test(hex) ? hex.toUpperCase().match(/../g)!.join(':') : null;
}
