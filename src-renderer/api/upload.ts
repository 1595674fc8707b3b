import { api, ApiError, type ApiClient } from './client';
import type { UploadRef } from './types';

/** The registry takes a file in pieces of at most this many bytes (base64 makes them a third larger on the wire). */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  // String.fromCharCode on a whole 4 MB array would overflow the call stack: go in slices.
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

/**
 * One piece of the file. The browser refuses to read a file that was changed or removed on disk after it was
 * chosen (NotReadableError, NotFoundError): that is said as FILE_UNREADABLE, a refusal the person can act on
 * (choose the file again), not a raw exception.
 */
async function readPiece(file: Blob & { name: string }, offset: number): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer());
  } catch (e) {
    throw new ApiError({
      code: 'FILE_UNREADABLE',
      message: `${file.name} could not be read: ${e instanceof Error ? e.message : String(e)}`,
      details: { name: file.name },
    });
  }
}

/**
 * Sends a file with `files.upload`, chunk by chunk, and returns the reference an import names it by.
 * `onProgress` gets the bytes sent so far and the file size. A refusal is thrown as an ApiError.
 *
 * An upload is single-use: the workstation deletes it when the first command that names it ends, whatever its
 * outcome. Use `withUpload` for each command that needs the file.
 */
export async function uploadFile(
  client: ApiClient,
  file: Blob & { name: string },
  onProgress?: (sent: number, total: number) => void,
): Promise<UploadRef> {
  let uploadId: string | undefined;
  let offset = 0;
  onProgress?.(0, file.size);
  do {
    const piece = await readPiece(file, offset);
    const answer = await client.call('files.upload', {
      ...(uploadId ? { uploadId } : {}),
      offset,
      dataBase64: toBase64(piece),
    });
    uploadId = answer.uploadId;
    offset = answer.size;
    onProgress?.(offset, file.size);
  } while (offset < file.size);
  return { uploadId, name: file.name };
}

/**
 * Uploads `file` afresh and runs one command with it: `use` gets the reference and names it in exactly one
 * command (the workstation deletes the upload when that command ends). A flow that calls two commands with the
 * same file (preview, then import) keeps the browser `File` and calls this once for each.
 */
export async function withUpload<T>(
  file: Blob & { name: string },
  use: (ref: UploadRef) => Promise<T>,
  opts: { onProgress?: (sent: number, total: number) => void; client?: ApiClient } = {},
): Promise<T> {
  const ref = await uploadFile(opts.client ?? api, file, opts.onProgress);
  return use(ref);
}
