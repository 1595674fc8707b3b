import { appendFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MAX_IMPORT_BYTES, readTableFile, type SourceTable } from '../core/roster/table-file';
import { basename } from 'node:path';
import { LenteraError } from '../core/util/errors';
import { newId } from '../core/util/ids';
import type { CommandContext } from './registry';

/**
 * Where an import reads its file from. The CLI, acting as the local user, names a path; a browser or the
 * desktop window uploads it first (files.upload) and names the upload: a remote caller never picks a path.
 */
export const fileRef = z.union([
  z.object({ path: z.string().min(1) }).strict(),
  z.object({ uploadId: z.uuid(), name: z.string().min(1).max(255) }).strict(),
]);
export type FileRef = z.infer<typeof fileRef>;

function uploadsDir(ctx: CommandContext): string {
  return join(ctx.dataDir, 'uploads');
}

export function resolveFile(ctx: CommandContext, ref: FileRef): { path: string; name: string } {
  if ('path' in ref) {
    if (ctx.principal.kind !== 'local') {
      throw new LenteraError('FORBIDDEN', 'Only the command line may name a file path; upload the file instead.', {});
    }
    return { path: ref.path, name: ref.path };
  }
  const path = join(uploadsDir(ctx), ref.uploadId);
  if (!existsSync(path)) throw new LenteraError('NOT_FOUND', `Upload ${ref.uploadId} not found; send the file again.`, { uploadId: ref.uploadId });
  return { path, name: ref.name };
}

export const uploadInput = z.object({
  uploadId: z.uuid().optional(),
  offset: z.number().int().min(0),
  dataBase64: z.string().max(8 * 1024 * 1024),
});

/** Appends one chunk (up to 6 MB) of an upload; the first call gets a fresh id. */
export function appendUpload(ctx: CommandContext, input: z.infer<typeof uploadInput>): { uploadId: string; size: number } {
  const dir = uploadsDir(ctx);
  mkdirSync(dir, { recursive: true });
  const uploadId = input.uploadId ?? newId();
  const path = join(dir, uploadId);
  const size = existsSync(path) ? statSync(path).size : 0;
  if (input.uploadId && !existsSync(path)) throw new LenteraError('NOT_FOUND', `Upload ${uploadId} not found.`, { uploadId });
  if (input.offset !== size) {
    throw new LenteraError('UPLOAD_OFFSET', `Upload ${uploadId} has ${size} bytes; a chunk at ${input.offset} does not follow on.`, { uploadId, size });
  }
  const chunk = Buffer.from(input.dataBase64, 'base64');
  if (size + chunk.length > MAX_IMPORT_BYTES) {
    throw new LenteraError('FILE_TOO_LARGE', 'The file is larger than 200 MB, the import limit.', { limit: MAX_IMPORT_BYTES });
  }
  appendFileSync(path, chunk);
  return { uploadId, size: size + chunk.length };
}

/** A CSV or XLSX import's table and the file's name and sha256, read before the command's transaction. */
export async function loadTable(ctx: CommandContext, ref: FileRef): Promise<{ table: SourceTable; file: { name: string; sha256: string } }> {
  const file = resolveFile(ctx, ref);
  const table = await readTableFile(file.path, file.name);
  return { table, file: { name: basename(file.name), sha256: table.sha256! } };
}
