import type { ApiClient } from './client';
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
 * Sends a file with `files.upload`, chunk by chunk, and returns the reference an import names it by.
 * `onProgress` gets the bytes sent so far and the file size. A refusal is thrown as an ApiError.
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
    const piece = new Uint8Array(await file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer());
    const answer = await client.call<{ uploadId: string; size: number }>('files.upload', {
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
