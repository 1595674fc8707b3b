import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { fingerprintOf } from '../keys/identities';
import { nameToString, parseCertificate } from '../keys/pki';
import { LenteraError } from '../util/errors';
import { BundleRefused } from './refusal';

export interface TrustedSigner {
  fingerprint: string;
  subject: string;
  exam: string | null;
  /** the one workstation this certificate signs for; null until set at registration or by its first accepted bundle */
  workstation: string | null;
  label: string | null;
  /** may sign the exam's announcements (registered with --announce): the committee's coordinator, not a venue */
  announces: boolean;
  addedAt: string;
  addedBy: string;
}

/** What a place knows of a certificate that signed a bundle: for which exam (null: any) and which workstation. */
export interface Registration {
  exam: string | null;
  workstation: string | null;
  /** one of this workstation's own signing identities (current or past), registered for its own bundles only */
  own?: boolean;
}

/** A workstation id as Lentera makes them (UUIDv7), or any id a manifest may carry: 1–64 letters, digits, "-", "_". */
export function checkWorkstationId(text: string): string {
  const id = text.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new LenteraError('INVALID_INPUT', `"${text}" is not a workstation id (\`lentera status\` on the workstation shows it).`, { field: 'workstation' });
  return id;
}

/**
 * Registers a workstation's certificate: only bundles it signed are accepted (for one exam, or any), and only for
 * one workstation: `workstation` binds it now; without it, the first bundle accepted from it binds it. A bound
 * certificate cannot be registered again for another workstation.
 */
export function addTrustedSigner(db: Db, certDer: Uint8Array, opts: { exam?: string | null; workstation?: string | null; label?: string | null; announces?: boolean; at: string; by: string }): TrustedSigner {
  const fingerprint = fingerprintOf(certDer);
  const subject = nameToString(parseCertificate(certDer).subject);
  const workstation = opts.workstation ? checkWorkstationId(opts.workstation) : null;
  const bound = sql(db, 'SELECT workstation_id FROM trusted_signers WHERE fingerprint = ?').pluck().get(fingerprint) as string | null | undefined;
  if (bound && workstation && bound !== workstation) {
    throw new LenteraError('SIGNER_BOUND', `This certificate (${subject}) is already registered for workstation ${bound}; a certificate signs for one workstation only. A venue with a new workstation makes a new key there.`, { fingerprint, workstation: bound });
  }
  sql(
    db,
    `INSERT INTO trusted_signers (fingerprint, cert_der, subject, exam_code, workstation_id, label, announces, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET exam_code = excluded.exam_code, label = excluded.label, workstation_id = COALESCE(trusted_signers.workstation_id, excluded.workstation_id),
       announces = CASE WHEN excluded.announces > trusted_signers.announces THEN excluded.announces ELSE trusted_signers.announces END`,
  ).run(fingerprint, Buffer.from(certDer), subject, opts.exam ?? null, workstation, opts.label ?? null, opts.announces ? 1 : 0, opts.at, opts.by);
  return listTrustedSigners(db).find((t) => t.fingerprint === fingerprint)!;
}

export function listTrustedSigners(db: Db): TrustedSigner[] {
  const rows = sql(db, 'SELECT fingerprint, subject, exam_code AS exam, workstation_id AS workstation, label, announces, added_at AS addedAt, added_by AS addedBy FROM trusted_signers ORDER BY added_at').all() as (Omit<TrustedSigner, 'announces'> & { announces: number })[];
  return rows.map((r) => ({ ...r, announces: r.announces === 1 }));
}

/** Whether a registered certificate may sign announcements (registered with --announce). */
export function mayAnnounce(db: Db, fingerprint: string): boolean {
  return sql(db, 'SELECT announces FROM trusted_signers WHERE fingerprint = ?').pluck().get(fingerprint) === 1;
}

const isOwnIdentity = (db: Db, fingerprint: string) => sql(db, 'SELECT 1 FROM signing_identities WHERE fingerprint = ?').get(fingerprint) !== undefined;

/**
 * The registration of a certificate here. On a workstation (`self`: its id), its own signing identities, current
 * and past, count as registered for its own bundles: it needs no `bundle trust` of itself.
 */
export function trustLookup(db: Db, self?: string): (fingerprint: string) => Registration | undefined {
  return (fp) => {
    if (self && isOwnIdentity(db, fp)) return { exam: null, workstation: self, own: true };
    return sql(db, 'SELECT exam_code AS exam, workstation_id AS workstation FROM trusted_signers WHERE fingerprint = ?').get(fp) as Registration | undefined;
  };
}

/** The certificates registered for a workstation, other than `except`; on the workstation itself, its own identities. */
function signersOf(db: Db, workstation: string, except: string, self?: string): string[] {
  const registered = sql(db, 'SELECT fingerprint FROM trusted_signers WHERE workstation_id = ? AND fingerprint <> ?').pluck().all(workstation, except) as string[];
  const own = self === workstation ? (sql(db, 'SELECT fingerprint FROM signing_identities WHERE fingerprint <> ?').pluck().all(except) as string[]) : [];
  return [...own, ...registered];
}

/**
 * The binding rule: a certificate signs bundles for one workstation only. A bundle is refused (403 at the hub)
 * when its signer is registered for another workstation, or is registered for none yet while the workstation the
 * bundle names already has its own registered signer(s). Otherwise it may be merged, and `bind` says that this
 * bundle, once accepted, binds its signer to that workstation (trust on first use). `self` is this workstation's
 * id, whose own identities sign for it alone.
 */
export function checkBinding(db: Db, fingerprint: string, workstation: { id: string; name: string }, self?: string): { bind: boolean } {
  const reg = trustLookup(db, self)(fingerprint);
  if (!reg) throw new BundleRefused('BUNDLE_SIGNER_UNKNOWN', `The bundle is signed by a certificate that is not registered here (${fingerprint}); register the workstation's certificate first.`, { fingerprint });
  const claimed = `workstation ${workstation.name && workstation.name !== workstation.id ? `${workstation.name} (${workstation.id})` : workstation.id}`;
  if (reg.workstation) {
    if (reg.workstation === workstation.id) return { bind: false };
    throw new BundleRefused(
      'BUNDLE_WORKSTATION_MISMATCH',
      `The bundle claims ${claimed}, but its signer ${fingerprint} is registered for workstation ${reg.workstation}: a certificate signs for its own workstation only. Nothing was merged.`,
      { fingerprint, workstation: workstation.id, registeredFor: reg.workstation },
    );
  }
  const others = signersOf(db, workstation.id, fingerprint, self);
  if (others.length) {
    throw new BundleRefused(
      'BUNDLE_WORKSTATION_MISMATCH',
      `The bundle claims ${claimed}, which signs with ${others.length === 1 ? 'another certificate' : `${others.length} other certificates`} registered for it (${others[0]}); its signer ${fingerprint} is not registered for that workstation. Nothing was merged. If that workstation really signs with a new key now, register it with --workstation ${workstation.id}.`,
      { fingerprint, workstation: workstation.id },
    );
  }
  return { bind: true };
}

/** Binds a certificate to the workstation of its first accepted bundle (in the merge's transaction). */
export function bindSigner(db: Db, fingerprint: string, workstation: string): void {
  sql(db, 'UPDATE trusted_signers SET workstation_id = ? WHERE fingerprint = ? AND workstation_id IS NULL').run(workstation, fingerprint);
}

/**
 * A sha256 certificate fingerprint as a client may write it (64 hex digits, with or without colons, any case)
 * in the form stored here (`AB:CD:…`, as `fingerprintOf` gives it), or null when it is not one.
 */
export function normalizeFingerprint(text: string): string | null {
  const hex = text.trim().replace(/:/g, '');
  return /^[0-9A-Fa-f]{64}$/.test(hex) ? hex.toUpperCase().match(/../g)!.join(':') : null;
}
