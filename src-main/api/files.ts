import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { openSealed, SealWriter } from '../core/custody/sealed-file';
import { MAX_IMPORT_BYTES } from '../core/roster/import-limit';
import type { SourceTable, TableEncoding } from '../core/roster/table-file';
import { LenteraError } from '../core/util/errors';
import { sha256Hex } from '../core/util/hash';
import { newId } from '../core/util/ids';
import type { CommandContext } from './registry';

/**
 * Where an import reads its file from. A browser or the desktop window uploads it first (files.upload) and names
 * the upload; only the command line, acting as the local user, may name a path (`localFileRef`, accepted from
 * the CLI alone): a remote caller never picks a path on this machine.
 */
export const fileRef = z.object({ uploadId: z.uuid(), name: z.string().min(1).max(255) }).strict();
export const localFileRef = z.union([z.object({ path: z.string().min(1) }).strict(), fileRef]);
export type FileRef = z.infer<typeof localFileRef>;
/** The `localInput` of a command whose `file` the command line may give as a path. */
export const localFile = z.object({ file: localFileRef });

/** What one session may have uploaded and not yet used, at once. */
export const UPLOAD_LIMITS = { perSession: 4, bytesPerSession: 256 * 1024 * 1024, maxAgeMs: 60 * 60_000 } as const;

interface UploadEntry {
  owner: string;
  size: number;
  startedAt: number;
  /** the open file and its sealing, until the upload is first read */
  writing?: { fd: number; writer: SealWriter };
}

/**
 * Uploads of this process: each belongs to the session that sent it, is deleted when the command that used it
 * ends (whatever its outcome), and is swept when stale or when the workstation opens. A file that was only
 * ever meant to pass through (a key's .p12, a roster with NIKs) does not stay on disk.
 *
 * On disk an upload is sealed (core/custody/sealed-file.ts) with a key this process draws at random and never
 * writes anywhere: what a crash or a power cut leaves in the folder until the next sweep is unreadable, to anyone,
 * for good. Its reader gets the bytes opened in memory.
 */
export class Uploads {
  private readonly entries = new Map<string, UploadEntry>();
  private readonly key = randomBytes(32);

  constructor(private readonly dir: string) {}

  /** Removes every upload left by an earlier run (the owner does it when it opens the workstation). */
  sweep(): void {
    for (const id of [...this.entries.keys()]) this.remove(id);
    if (!existsSync(this.dir)) return;
    for (const f of readdirSync(this.dir)) rmSync(join(this.dir, f), { force: true, recursive: true });
  }

  private expire(now: number): void {
    for (const [id, e] of this.entries) {
      if (now - e.startedAt > UPLOAD_LIMITS.maxAgeMs) this.remove(id);
    }
  }

  append(owner: string, input: z.infer<typeof uploadInput>, now = Date.now()): { uploadId: string; size: number } {
    this.expire(now);
    const chunk = Buffer.from(input.dataBase64, 'base64');
    let entry = input.uploadId ? this.entries.get(input.uploadId) : undefined;
    if (input.uploadId && (!entry || entry.owner !== owner)) throw new LenteraError('NOT_FOUND', `Upload ${input.uploadId} not found; send the file again.`, { uploadId: input.uploadId });
    const id = input.uploadId ?? newId();
    if (!entry) {
      const mine = [...this.entries.values()].filter((e) => e.owner === owner);
      if (mine.length >= UPLOAD_LIMITS.perSession) {
        throw new LenteraError('UPLOAD_LIMIT', `At most ${UPLOAD_LIMITS.perSession} files may wait to be used at once; use or cancel one first.`, { limit: UPLOAD_LIMITS.perSession });
      }
      entry = { owner, size: 0, startedAt: now };
    }
    if (input.offset !== entry.size) {
      throw new LenteraError('UPLOAD_OFFSET', `Upload ${id} has ${entry.size} bytes; a chunk at ${input.offset} does not follow on.`, { uploadId: id, size: entry.size });
    }
    if (entry.size + chunk.length > MAX_IMPORT_BYTES) {
      throw new LenteraError('FILE_TOO_LARGE', 'The file is larger than 200 MB, the import limit.', { limit: MAX_IMPORT_BYTES });
    }
    const held = [...this.entries.values()].filter((e) => e.owner === owner).reduce((n, e) => n + e.size, 0);
    if (held + chunk.length > UPLOAD_LIMITS.bytesPerSession) {
      throw new LenteraError('UPLOAD_LIMIT', `Files waiting to be used may hold at most ${UPLOAD_LIMITS.bytesPerSession / 1048576} MB at once.`, { limit: UPLOAD_LIMITS.bytesPerSession });
    }
    if (!entry.writing) {
      if (entry.size > 0) throw new LenteraError('UPLOAD_OFFSET', `Upload ${id} was already used; send the file again.`, { uploadId: id });
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const fd = openSync(join(this.dir, id), 'wx', 0o600);
      entry.writing = { fd, writer: new SealWriter(fd, this.key) };
    }
    // Known before the first write can fail (a full disk), so that remove() closes its file.
    this.entries.set(id, entry);
    try {
      entry.writing.writer.write(chunk);
    } catch (e) {
      this.remove(id);
      throw e;
    }
    entry.size += chunk.length;
    return { uploadId: id, size: entry.size };
  }

  /** An upload of this owner's, or a refusal as if there were none. */
  entry(owner: string, id: string): UploadEntry {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner || !existsSync(join(this.dir, id))) throw new LenteraError('NOT_FOUND', `Upload ${id} not found; send the file again.`, { uploadId: id });
    return entry;
  }

  /** The bytes of an upload, for its owner only: the file is ended (no more chunks) and opened in memory. */
  read(owner: string, id: string): Buffer {
    const { path, key } = this.sealed(owner, id);
    return openSealed(key, readFileSync(path), `Upload ${id}`);
  }

  /**
   * An upload as it lies on disk, sealed, with its key: for a reader that seeks in a file rather than taking its
   * bytes (a bundle's zip, read by its directory), which opens it in place. The file is ended first.
   */
  sealed(owner: string, id: string): { path: string; key: Uint8Array } {
    const entry = this.entry(owner, id);
    if (entry.writing) {
      entry.writing.writer.end();
      closeSync(entry.writing.fd);
      entry.writing = undefined;
    }
    return { path: join(this.dir, id), key: this.key };
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry?.writing) closeSync(entry.writing.fd);
    this.entries.delete(id);
    rmSync(join(this.dir, id), { force: true });
  }

  /** Uploads of a session that ended (logout). */
  removeOwner(owner: string): void {
    for (const [id, e] of this.entries) if (e.owner === owner) this.remove(id);
  }

  count(): number {
    return this.entries.size;
  }
}

/** An upload belongs to the session that sent it: the hash of its token, never the token itself. */
export function uploadOwner(ctx: CommandContext): string {
  if (ctx.principal.kind !== 'user') throw new LenteraError('FORBIDDEN', 'Files are uploaded by a logged-in person; the command line names a path.', {});
  return sha256Hex(ctx.principal.token);
}

function uploads(ctx: CommandContext): Uploads {
  if (!ctx.uploads) throw new LenteraError('INTERNAL', 'Uploads are not available here.', {});
  return ctx.uploads;
}

/** A file a command was given: its bytes, or a path to them for a reader that seeks. */
export interface ResolvedFile {
  /** the name the person knows it by (an upload's own name, never where it is stored) */
  name: string;
  /** the path the command line named; an upload has none (it is sealed on disk) */
  localPath?: string;
  read(): Buffer;
  /** where its bytes lie, for a reader that seeks: the command line's file, or an upload sealed with `key` */
  source(): { path: string; key?: Uint8Array };
}

export function resolveFile(ctx: CommandContext, ref: FileRef): ResolvedFile {
  if ('path' in ref) {
    if (ctx.principal.kind !== 'local') {
      throw new LenteraError('FORBIDDEN', 'Only the command line may name a file path; upload the file instead.', {});
    }
    const path = ref.path;
    return { name: path, localPath: path, read: () => readFileSync(path), source: () => ({ path }) };
  }
  const store = uploads(ctx);
  const owner = uploadOwner(ctx);
  // Checked now: an upload that is not this session's is refused before the command does anything.
  store.entry(owner, ref.uploadId);
  // Used once: gone when this command ends, whether it succeeded or not.
  ctx.afterCommand(() => store.remove(ref.uploadId));
  return { name: ref.name, read: () => store.read(owner, ref.uploadId), source: () => store.sealed(owner, ref.uploadId) };
}

export const uploadInput = z.object({
  uploadId: z.uuid().optional(),
  offset: z.number().int().min(0),
  dataBase64: z.string().max(8 * 1024 * 1024),
});

/** Appends one chunk (up to 6 MB) of an upload; the first call gets a fresh id. */
export function appendUpload(ctx: CommandContext, input: z.infer<typeof uploadInput>): { uploadId: string; size: number } {
  return uploads(ctx).append(uploadOwner(ctx), input, ctx.clock.now().getTime());
}

/**
 * A CSV or XLSX import's table and the file's name, sha256 and encoding, read before the command's transaction.
 * The file record travels into the command's answer and its audit event, so "read as Windows-1252" is on record.
 */
export async function loadTable(ctx: CommandContext, ref: FileRef): Promise<{ table: SourceTable; file: { name: string; sha256: string; encoding: TableEncoding } }> {
  const file = resolveFile(ctx, ref);
  // Loaded here: every process holds the uploads, only an import reads a table (papaparse, exceljs).
  const { readTableBytes, readTableFile } = await import('../core/roster/table-file');
  // The command line's file is streamed (an XLSX of 100,000 rows); an upload is in memory already, opened.
  const table = file.localPath ? await readTableFile(file.localPath, file.name) : await readTableBytes(file.read(), file.name);
  return { table, file: { name: basename(file.name), sha256: table.sha256!, encoding: table.encoding } };
}
