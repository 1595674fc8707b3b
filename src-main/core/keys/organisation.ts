import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { getSetting } from '../workstation/settings';

/** The setting that names the agency this workstation works for, when its exams do not say it alone. */
export const WORKSTATION_AGENCY = 'workstation.agency';
/** What a certificate says when nothing on the workstation names an agency. */
export const DEFAULT_AGENCY = 'Panitia Seleksi ASN';

/**
 * The organisation (O=) of a locally made signing certificate.
 *
 * A certificate's organisation is a claim an auditor reads on every document the key signs: "this person signed
 * for this agency". So it must be the agency of the exam the key signs for, never whichever exam happened to be
 * imported last. A key belongs to a person, not to an exam; the person is tied to an exam by sitting on one of
 * its interview panels (matched by NIP, as panels are matched to accounts everywhere else):
 *
 *  1. every exam whose panel this person sits on has one agency → that agency;
 *  2. otherwise the key is not tied to one agency's exam (a coordinator, a clerk, a panelist of two agencies'
 *     exams): the agency configured for the workstation (setting `workstation.agency`), as the venue's operator;
 *  3. nothing configured: the one agency of every exam on the workstation, if they all share it;
 *  4. none or several: the neutral committee name, rather than a guess that names the wrong agency.
 */
export function certificateOrganisation(db: Db, accountId: string): string {
  const own = panelAgencies(db, accountId);
  if (own.length === 1) return own[0]!;
  const configured = getSetting(db, WORKSTATION_AGENCY)?.trim();
  if (configured) return configured;
  const all = sql(db, 'SELECT DISTINCT agency FROM exams').pluck().all() as string[];
  return all.length === 1 ? all[0]! : DEFAULT_AGENCY;
}

/** The agencies of the exams on whose session panels this account sits. */
export function panelAgencies(db: Db, accountId: string): string[] {
  return sql(
    db,
    `SELECT DISTINCT e.agency FROM accounts a
       JOIN session_panel p ON p.nip = a.nip
       JOIN sessions s ON s.id = p.session_id
       JOIN exams e ON e.id = s.exam_id
      WHERE a.id = ? AND a.active = 1
      ORDER BY e.agency`,
  )
    .pluck()
    .all(accountId) as string[];
}
