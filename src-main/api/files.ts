import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
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
}

/**
 * Uploads of this process: each belongs to the session that sent it, is deleted when the command that used it
 * ends (whatever its outcome), and is swept when stale or when the workstation opens. A file that was only
 * ever meant to pass through (a key's .p12, a roster with NIKs) does not stay on disk.
 */
export class Uploads {
  private readonly entries = new Map<string, UploadEntry>();

  constructor(private readonly dir: string) {}

  /** Removes every upload left by an earlier run (the owner does it when it opens the workstation). */
  sweep(): void {
    this.entries.clear();
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
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    appendFileSync(join(this.dir, id), chunk, { mode: 0o600 });
    entry.size += chunk.length;
    this.entries.set(id, entry);
    return { uploadId: id, size: entry.size };
  }

  /** The file of an upload, for its owner only. */
  path(owner: string, id: string): string {
    const entry = this.entries.get(id);
    const path = join(this.dir, id);
    if (!entry || entry.owner !== owner || !existsSync(path)) throw new LenteraError('NOT_FOUND', `Upload ${id} not found; send the file again.`, { uploadId: id });
    return path;
  }

  remove(id: string): void {
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

export function resolveFile(ctx: CommandContext, ref: FileRef): { path: string; name: string } {
  if ('path' in ref) {
    if (ctx.principal.kind !== 'local') {
      throw new LenteraError('FORBIDDEN', 'Only the command line may name a file path; upload the file instead.', {});
    }
    return { path: ref.path, name: ref.path };
  }
  const store = uploads(ctx);
  const path = store.path(uploadOwner(ctx), ref.uploadId);
  // Used once: gone when this command ends, whether it succeeded or not.
  ctx.afterCommand(() => store.remove(ref.uploadId));
  return { path, name: ref.name };
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
  const { readTableFile } = await import('../core/roster/table-file');
  const table = await readTableFile(file.path, file.name);
  return { table, file: { name: basename(file.name), sha256: table.sha256!, encoding: table.encoding } };
}
