/**
 * "Sesi yang diamati" (issue 15, item 6): the sessions whose minutes an observer cosigned, read from the signed
 * minutes in the merged bundles themselves, never from unsigned metadata. An observer's signature is one that
 * verifies, with nothing changed after it, on a field of its own (`ttd-pengamat-…`) and stating the reason
 * "Berita Acara <exam> <session>: pengamat" for the very minutes it is on: field, reason and the minutes' title
 * are all inside the bytes that signature signs. Who: the signer certificate's common name; when: its signing time.
 */
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LIMITS } from '../bundles/format';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { readDirectory, readEntryAt, type Source } from '../bundles/container';
import { isSealedFile, SealedFileReader } from '../custody/sealed-file';
import { BundleRefused } from '../bundles/refusal';
import { isLenteraError } from '../util/errors';
import { minutesOf } from '../sheets/minutes-check';
import { OBSERVER_FIELD_PREFIX, observerReason } from '../sheets/minutes';
import { verifyPdf } from '../sheets/verify';
import { esc, table, timeTag } from './html';

export interface ObservedSession {
  session: string;
  /** the observer's certificate's common name */
  observer: string;
  fingerprint: string;
  /** ISO, the signature's signing time; null when it states none */
  signedAt: string | null;
  /** the minutes file (its name in the bundle) that carries the signature */
  file: string;
}

const MINUTES_ENTRY = /^pdf\/berita-acara-[A-Za-z0-9._-]+\.pdf$/;

/** The observer signatures on one minutes PDF of `exam` (`file`: its name, as shown). */
export async function observersInMinutes(pdf: Buffer, exam: string, file: string): Promise<ObservedSession[]> {
  const ref = minutesOf(pdf);
  if (!ref || ref.exam !== exam) return [];
  let report: Awaited<ReturnType<typeof verifyPdf>>;
  try {
    report = await verifyPdf(pdf);
  } catch {
    return []; // a file that cannot be read is no evidence of anyone's presence
  }
  return report.signatures
    .filter((s) => s.valid && s.fingerprint && s.field?.startsWith(OBSERVER_FIELD_PREFIX) && s.reason === observerReason(ref.exam, ref.session))
    .map((s) => ({ session: ref.session, observer: s.signer, fingerprint: s.fingerprint!, signedAt: s.signingTime, file }));
}

/**
 * The observer signatures on the minutes one merged bundle carries (for one exam). The bundle was verified when it
 * was merged: its central directory is read in one piece and only the minutes are read out, not a round trip for
 * each of its tens of thousands of entries (seconds at every first write of a site). With `key`, a bundle kept
 * sealed with it (an encrypted workstation's merged copy) is read through its opening.
 */
export async function observersInBundle(file: string, exam: string, key?: Uint8Array): Promise<ObservedSession[]> {
  let fd: Source;
  let size: number;
  try {
    if (key && isSealedFile(file)) {
      const sealed = new SealedFileReader(file, key);
      fd = sealed;
      size = sealed.size;
    } else {
      fd = openSync(file, 'r');
      size = fstatSync(fd).size;
    }
  } catch (e) {
    // A sealed copy that does not open says why.
    if (isLenteraError(e)) throw e;
    throw new BundleRefused('FILE_NOT_FOUND', `${file} cannot be read.`, { file });
  }
  const out: ObservedSession[] = [];
  try {
    const dir = readDirectory(fd, size);
    if (dir.failure) throw dir.failure.error;
    // One PDF at a time: read, judged, let go.
    for (const e of dir.entries.filter((x) => MINUTES_ENTRY.test(x.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      let pdf: Buffer;
      try {
        pdf = readEntryAt(fd, e, LIMITS.entryBytes);
      } catch (err) {
        // A sealed copy changed since it was kept is refused, not read around.
        if (isLenteraError(err) && err.code === 'SEALED_FILE_DAMAGED') throw err;
        continue; // an entry that cannot be read is no evidence of anyone's presence
      }
      out.push(...(await observersInMinutes(pdf, exam, e.name.slice('pdf/'.length))));
    }
  } finally {
    if (typeof fd === 'number') closeSync(fd);
    else (fd as SealedFileReader).close();
  }
  return out;
}

/**
 * Every observed session of an exam across its merged bundles: one row per session and observer (the earliest
 * signature, when later versions of the minutes carry it again). `cache` holds each bundle's findings by its
 * sha256: a merged bundle never changes, so a rebuilt site reads only the bundles merged since.
 */
export async function observedSessions(db: Db, exam: string, cache: Map<string, ObservedSession[]> = new Map(), key?: Uint8Array): Promise<ObservedSession[]> {
  const bundles = sql(db, 'SELECT sha256, file FROM merged_bundles WHERE exam_code = ? ORDER BY workstation_id, sequence').all(exam) as { sha256: string; file: string }[];
  const found = new Map<string, ObservedSession>();
  for (const bundle of bundles) {
    let list = cache.get(bundle.sha256);
    if (!list) {
      list = await observersInBundle(bundle.file, exam, key);
      cache.set(bundle.sha256, list);
    }
    for (const o of list) {
      const key = `${o.session}\u0000${o.fingerprint}`;
      const had = found.get(key);
      if (!had || (o.signedAt !== null && (had.signedAt === null || o.signedAt < had.signedAt))) found.set(key, o);
    }
  }
  return [...found.values()].sort((a, b) => (a.session === b.session ? (a.observer < b.observer ? -1 : 1) : a.session < b.session ? -1 : 1));
}

/** The section of the exam page. */
export function observedSection(observed: ObservedSession[] | undefined): string {
  if (observed === undefined) return '';
  const rows = observed.map((o) => [esc(o.session), esc(o.observer), o.signedAt ? timeTag(o.signedAt) : '–', `<code class="hash">${esc(o.fingerprint)}</code>`, esc(o.file)]);
  return `<h2 id="pengamat">Sesi yang diamati</h2>
<p>Pengamat (misalnya Ombudsman atau inspektorat) yang hadir pada sesi wawancara ikut menandatangani berita acaranya dengan kunci mereka sendiri, setelah koordinator. Daftar ini dibaca dari tanda tangan elektronik pada berita acara di dalam bundel, bukan dari catatan lain. Nama pengamat berasal dari sertifikat yang dibuat di stasiun kerja: percayai namanya setelah sidik jari sertifikatnya cocok dengan yang diumumkan sendiri oleh lembaga pengamat itu.</p>
${rows.length ? table('Sesi yang diamati dan pengamatnya', ['Sesi', 'Pengamat (nama pada sertifikat)', 'Waktu tanda tangan', 'Sidik jari sertifikat (SHA-256)', 'Berita acara'], rows) : '<p>Belum ada berita acara yang ditandatangani pengamat.</p>'}`;
}
