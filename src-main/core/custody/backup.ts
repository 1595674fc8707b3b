/**
 * Backups of a workstation while the venue works, and their restore (docs/security.md, "Data custody").
 *
 * A backup is a whole copy of the database taken online with `VACUUM INTO`: one read transaction, so the copy is one
 * committed state while writers go on (WAL). SQLite3 Multiple Ciphers writes it encrypted with the database's own
 * cipher and key (its backup API refuses an encrypted source with a plain target, which is why it is not used), so
 * a backup is exactly as protected as the database and opens with the same passphrase or recovery key. Beside it,
 * `<file>.custody.json` (a copy of the custody file: the key wrapped under the passphrase, useless without it) lets a
 * new laptop restore with the passphrase; the recovery key needs nothing but the backup.
 *
 * Each copy is written under a temporary name, checked (it opens, `quick_check`, its audit head read back), flushed
 * and only then renamed into place: a crash, a kill -9 or a USB stick pulled out leaves every earlier backup whole and
 * at most a temporary file, which the next backup removes.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { chainHead, verifyChain, type ChainHead } from '../audit/chain';
import { APPLICATION_ID, keyConnection, makePrivate, type Db } from '../db/open';
import { LATEST_SCHEMA } from '../db/migrations';
import { flushFile, syncFolder } from '../util/durable-file';
import { LenteraError } from '../util/errors';
import { custodyPath } from './custody';

/** Backup files in a target folder: `lentera-<workstation>-<UTC time>-<audit seq>.lbk`. */
const NAME = /^lentera-([0-9a-f-]{36})-(\d{8}T\d{6}Z)-(\d+)\.lbk$/;
const TMP_PREFIX = '.lentera-backup-';
export const CUSTODY_SUFFIX = '.custody.json';

export interface BackupInfo {
  file: string;
  workstationId: string;
  at: string;
  head: ChainHead;
  bytes: number;
  encrypted: boolean;
}

/** Opens a backup file read-only, keyed when a key is given; what it is, or a refusal saying why not. */
function openBackup(file: string, key: Buffer | undefined): Database.Database {
  if (!existsSync(file)) throw new LenteraError('FILE_NOT_FOUND', `${file} does not exist.`, { file });
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (key) keyConnection(db, key);
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) throw new LenteraError('BACKUP_INVALID', `${file} is not a Lentera backup.`, { file });
    return db;
  } catch (e) {
    db.close();
    if (e instanceof LenteraError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_CORRUPT') throw new LenteraError('BACKUP_INVALID', `${file} is damaged: it was truncated or changed. Restore another backup.`, { file });
    if (code === 'SQLITE_NOTADB') {
      throw new LenteraError(
        'BACKUP_INVALID',
        key ? `${file} does not open with this workstation's key: it is another workstation's backup, or it was damaged or changed.` : `${file} is encrypted, or not a Lentera backup: give the passphrase or the recovery key.`,
        { file },
      );
    }
    throw new LenteraError('BACKUP_INVALID', `${file} cannot be read: ${(e as Error).message}.`, { file });
  }
}

/**
 * Everything about a backup, checked: it opens with the key, every page is whole (`integrity_check`, which with
 * encryption also checks each page's HMAC), its schema is one this Lentera reads and its audit chain verifies.
 * A truncated, tampered or foreign file is refused here, before anything is replaced.
 */
export function checkBackup(file: string, key: Buffer | undefined): BackupInfo {
  const db = openBackup(file, key);
  try {
    let ok: unknown;
    try {
      ok = db.pragma('integrity_check(1)', { simple: true });
    } catch (e) {
      throw new LenteraError('BACKUP_INVALID', `${file} is damaged: ${(e as Error).message}. It was truncated or changed.`, { file });
    }
    if (ok !== 'ok') throw new LenteraError('BACKUP_INVALID', `${file} is damaged (${String(ok)}): it was truncated or changed.`, { file });
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_SCHEMA) throw new LenteraError('SCHEMA_TOO_NEW', `${file} comes from a newer Lentera (schema ${version}); this one reads up to ${LATEST_SCHEMA}.`, { file });
    const id = (db.prepare("SELECT value FROM meta WHERE key = 'workstation_id'").pluck().get() as string | undefined) ?? '';
    if (!id) throw new LenteraError('BACKUP_INVALID', `${file} holds no workstation.`, { file });
    const chain = verifyChain(db);
    if (!chain.ok) throw new LenteraError('BACKUP_INVALID', `${file}'s audit chain does not verify (${chain.reason}): it was changed.`, { file });
    return { file, workstationId: id, at: '', head: chainHead(db), bytes: statSync(file).size, encrypted: key !== undefined };
  } finally {
    db.close();
  }
}

/**
 * Writes one backup of the open database `db` to `out` (a file name), as described above. The custody file of
 * `dataDir`, when there is one, is copied beside it. Returns what was written.
 */
export function backupTo(db: Db, dataDir: string, out: string, opts: { key?: Buffer; at: string }): BackupInfo {
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LenteraError('BACKUP_TARGET_MISSING', `The backup folder ${dir} is not there: is the USB stick or disk plugged in?`, { dir });
  const tmp = join(dir, `${TMP_PREFIX}${process.pid}-${Date.now()}.tmp`);
  try {
    // `VACUUM INTO` takes a file name inside SQL: given as a bound parameter, never spliced into the text.
    db.prepare('VACUUM INTO ?').run(tmp);
    makePrivate(tmp);
    const check = new Database(tmp, { readonly: true, fileMustExist: true });
    let head: ChainHead;
    let id: string;
    try {
      if (opts.key) keyConnection(check, opts.key);
      const quick = check.pragma('quick_check', { simple: true });
      if (quick !== 'ok') throw new Error(`the copy fails its check: ${String(quick)}`);
      head = chainHead(check);
      id = check.prepare("SELECT value FROM meta WHERE key = 'workstation_id'").pluck().get() as string;
    } finally {
      check.close();
    }
    flushFile(tmp);
    if (existsSync(custodyPath(dataDir))) {
      const side = `${tmp}${CUSTODY_SUFFIX}`;
      copyFileSync(custodyPath(dataDir), side);
      makePrivate(side);
      flushFile(side);
      renameSync(side, `${out}${CUSTODY_SUFFIX}`);
    }
    renameSync(tmp, out);
    syncFolder(dir);
    return { file: out, workstationId: id, at: opts.at, head, bytes: statSync(out).size, encrypted: opts.key !== undefined };
  } catch (e) {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}${CUSTODY_SUFFIX}`, { force: true });
    if (e instanceof LenteraError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (!existsSync(dir)) throw new LenteraError('BACKUP_TARGET_MISSING', `The backup folder ${dir} went away while the backup was written (a USB stick pulled out?): the earlier backups there are untouched.`, { dir });
    throw new LenteraError('BACKUP_FAILED', `The backup to ${dir} failed${code ? ` (${code})` : ''}: ${(e as Error).message}. The earlier backups there are untouched.`, { dir });
  }
}

/** The backup name for a workstation at a time and audit head. */
export function backupName(workstationId: string, at: string, seq: number): string {
  return `lentera-${workstationId}-${at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${seq}.lbk`;
}

/** This workstation's backups in `dir`, newest first (by name: time, then audit head). */
export function listBackups(dir: string, workstationId: string): { file: string; at: string; seq: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => ({ n, m: NAME.exec(n) }))
    .filter((x) => x.m && x.m[1] === workstationId)
    .map(({ n, m }) => ({ file: join(dir, n), at: m![2]!, seq: Number(m![3]) }))
    .sort((a, b) => (a.at === b.at ? b.seq - a.seq : a.at < b.at ? 1 : -1));
}

/**
 * One scheduled backup into the target folder, named by time and audit head, and the rotation: the newest `keep`
 * of this workstation's backups stay, older ones go, and temporary files left by an interrupted run are removed.
 */
export function backupInto(db: Db, dataDir: string, target: string, opts: { key?: Buffer; at: string; workstationId: string; keep: number }): BackupInfo {
  if (!existsSync(target) || !statSync(target).isDirectory()) throw new LenteraError('BACKUP_TARGET_MISSING', `The backup folder ${target} is not there: is the USB stick or disk plugged in?`, { dir: target });
  for (const n of readdirSync(target)) if (n.startsWith(TMP_PREFIX)) rmSync(join(target, n), { force: true });
  const written = backupTo(db, dataDir, join(target, `${TMP_PREFIX}named-${process.pid}.lbk`), opts);
  // Named after what the copy holds (its own audit head), once it is whole.
  const file = join(target, backupName(opts.workstationId, opts.at, written.head.seq));
  for (const s of [CUSTODY_SUFFIX, '']) if (existsSync(`${written.file}${s}`)) renameSync(`${written.file}${s}`, `${file}${s}`);
  syncFolder(target);
  const info = { ...written, file };
  // The newest by audit head (then time) stay; the one just written always does, whatever the clock says.
  const all = listBackups(target, opts.workstationId).sort((a, b) => b.seq - a.seq || (a.at < b.at ? 1 : -1));
  for (const old of all.filter((b) => b.file !== file).slice(Math.max(0, opts.keep - 1))) {
    rmSync(old.file, { force: true });
    rmSync(`${old.file}${CUSTODY_SUFFIX}`, { force: true });
  }
  return info;
}

/**
 * Refuses a backup place inside the workstation's own folder (the same disk, and a file there could take the
 * database's name), links resolved as far as they exist.
 */
export function assertOutsideData(place: string, dataDir: string): void {
  const real = (p: string): string => {
    for (let d = resolve(p), rest = ''; ; ) {
      if (existsSync(d)) return join(realpathSync(d), rest);
      if (dirname(d) === d) return resolve(p);
      rest = join(basename(d), rest);
      d = dirname(d);
    }
  };
  const rel = relative(real(dataDir), real(place));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new LenteraError('INVALID_INPUT', `${place} is inside the workstation folder ${dataDir}: backups go on another disk or a USB stick.`, { place });
  }
}

/** Makes a folder for backups when it does not exist (its parent must: a USB stick's mount point is not made). */
export function ensureBackupFolder(dir: string): void {
  if (existsSync(dir)) return;
  if (!existsSync(dirname(dir))) throw new LenteraError('BACKUP_TARGET_MISSING', `${dirname(dir)} is not there: is the USB stick or disk plugged in?`, { dir });
  mkdirSync(dir, { mode: 0o700 });
}

export interface RestoreOutcome {
  restored: BackupInfo;
  /** where the workstation's database that the backup replaced was put aside, if there was one */
  replacedAside: string | null;
  /** how the replaced workstation's chain and the backup's stood, when there was one to compare */
  relation: ChainRelation | null;
}

/**
 * How a workstation's audit chain and a backup's stand: the same head, the backup further on along the same chain
 * (`newer`), behind it (`older`), or each gone on its own way from `common`, the last event both hold alike (0 for
 * none): a fork, as when one backup was restored on two laptops and each went on.
 */
export interface ChainRelation {
  kind: 'same' | 'newer' | 'older' | 'forked';
  common: number;
}

/** Compares the chains by their events' hashes; each hash chains all before it, so one equal pair holds for all below. */
function relateChains(current: Db, backup: Db, curSeq: number, backupSeq: number): ChainRelation {
  const hashAt = (db: Db) => db.prepare('SELECT hash FROM audit_events WHERE seq = ?').pluck();
  const [mine, theirs] = [hashAt(current), hashAt(backup)];
  const alike = (seq: number) => {
    if (seq === 0) return true;
    const h = mine.get(seq) as string | undefined;
    return h !== undefined && h === theirs.get(seq);
  };
  const low = Math.min(curSeq, backupSeq);
  if (alike(low)) return { kind: curSeq === backupSeq ? 'same' : curSeq < backupSeq ? 'newer' : 'older', common: low };
  let [ok, bad] = [0, low];
  while (bad - ok > 1) {
    const mid = Math.floor((ok + bad) / 2);
    if (alike(mid)) ok = mid;
    else bad = mid;
  }
  return { kind: 'forked', common: ok };
}

/** The relation of the workstation database `file` (its chain) to the backup copied in at `copy`. */
function relationTo(file: string, copy: string, key: Buffer | undefined, curSeq: number, backupSeq: number): ChainRelation {
  const open = (f: string) => {
    const db = new Database(f, { readonly: true, fileMustExist: true });
    if (key) keyConnection(db, key);
    return db;
  };
  const current = open(file);
  try {
    const backup = open(copy);
    try {
      return relateChains(current, backup, curSeq, backupSeq);
    } finally {
      backup.close();
    }
  } finally {
    current.close();
  }
}

/**
 * Restores a backup into `dataDir`: checked whole first (checkBackup), then copied in under a temporary name,
 * flushed and renamed into place. A workstation already there must be the same one (its id); one whose audit chain
 * is further on than the backup's is newer, and is replaced only with `force`; whatever is replaced is kept aside,
 * never deleted. The caller holds the owner lock (nobody has the database open) and records the restore in it.
 */
export function restoreBackup(dataDir: string, from: string, opts: { key?: Buffer; force?: boolean; at: string; current?: { id: string; head: ChainHead } | null }): RestoreOutcome {
  // A WAL beside the backup would be read by the check and left behind by the copy: such a file is not a backup.
  if (existsSync(`${from}-wal`) && statSync(`${from}-wal`).size > 0) throw new LenteraError('BACKUP_INVALID', `${from} has a write-ahead log beside it (${from}-wal): it is a live database, not a backup. Nothing was changed.`, { file: from });
  checkBackup(from, opts.key);
  const db = join(dataDir, 'lentera.db');
  const cur = opts.current ?? null;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The bytes installed are the bytes checked: copied in, flushed, checked again there, then renamed.
  const tmp = join(dataDir, `${TMP_PREFIX}restore-${process.pid}.tmp`);
  copyFileSync(from, tmp);
  makePrivate(tmp);
  flushFile(tmp);
  let info: BackupInfo;
  let relation: ChainRelation | null = null;
  try {
    info = checkBackup(tmp, opts.key);
    if (cur) {
      if (cur.id !== info.workstationId) {
        throw new LenteraError('BACKUP_OTHER_WORKSTATION', `${from} is a backup of workstation ${info.workstationId}, not of ${cur.id} in ${dataDir}: restore it into an empty folder instead. Nothing was changed.`, { from });
      }
      // A head further on is not enough: a fork of the chain (the same backup restored elsewhere and taken on there)
      // would replace every event recorded here since (found by review). Compared by the events' hashes.
      relation = relationTo(db, tmp, opts.key, cur.head.seq, info.head.seq);
      if (relation.kind === 'older' && !opts.force) {
        throw new LenteraError('WORKSTATION_NEWER', `The workstation in ${dataDir} is further on (audit event ${cur.head.seq}) than the backup (event ${info.head.seq}): restoring would lose ${cur.head.seq - info.head.seq} events. Give --force to restore anyway (the current database is kept aside). Nothing was changed.`, { current: cur.head.seq, backup: info.head.seq });
      }
      if (relation.kind === 'forked' && !opts.force) {
        throw new LenteraError(
          'WORKSTATION_FORKED',
          `The backup is not a continuation of the workstation in ${dataDir}: the two went their own ways after audit event ${relation.common} (the workstation is at event ${cur.head.seq}, the backup at ${info.head.seq}). Restoring would lose the ${cur.head.seq - relation.common} event(s) recorded here since. Give --force to restore anyway (the current database is kept aside). Nothing was changed.`,
          { current: cur.head.seq, backup: info.head.seq, common: relation.common },
        );
      }
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  let replacedAside: string | null = null;
  const stamp = opts.at.replace(/[:.]/g, '-');
  if (existsSync(db)) {
    // Its WAL folded in first, where it can be read: the copy kept aside then stands on its own.
    try {
      const live = new Database(db, { fileMustExist: true });
      try {
        if (opts.key) keyConnection(live, opts.key);
        live.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        live.close();
      }
    } catch {
      // unreadable (damaged, or another key): kept aside as it is, with its WAL beside it
    }
    replacedAside = `${db}.replaced-${stamp}.bak`;
    renameSync(db, replacedAside);
  }
  // No WAL or shared memory of another database may meet the restored one: SQLite would replay its frames.
  for (const s of ['-wal', '-shm']) if (existsSync(db + s)) renameSync(db + s, `${replacedAside ?? `${db}.orphan-${stamp}`}${s}`);
  renameSync(tmp, db);
  syncFolder(dataDir);
  return { restored: info, replacedAside, relation };
}

/** The id and audit head of the workstation database `file`, read only (nothing migrated or written), or null. */
export function readIdentity(file: string, key: Buffer | undefined): { id: string; head: ChainHead } | null {
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (key) keyConnection(db, key);
    return { id: db.prepare("SELECT value FROM meta WHERE key = 'workstation_id'").pluck().get() as string, head: chainHead(db) };
  } finally {
    db.close();
  }
}
