/**
 * The signed PDFs a workstation keeps (DATA/sheets/EXAM/: result sheets, minutes and their versions), encrypted at
 * rest on an encrypted workstation (docs/security.md, "Data custody"): each is sealed with the data key
 * (custody/sealed-file.ts), so no file of the data folder holds a candidate's name in the clear. What is written
 * where the coordinator asked, outside the data folder (`lentera sheets --out DIR`, `lentera minutes sign FILE`),
 * is the coordinator's own copy: plain, as on a plain workstation.
 *
 * Digests are the plaintext's everywhere they are said (audit events, a version's `replaces`, documents.verify):
 * a copy downloaded from the workstation (`sheets.file`) has the digest its signature event recorded.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openMaybeSealed, sealBytes } from '../custody/sealed-file';
import { sealFolderInPlace } from '../custody/seal-folder';
import { sha256Hex } from '../util/hash';
import { isInsideFolder } from '../util/paths';

/** The keys of the PDFs of one folder. */
export interface SheetKeys {
  /** opens a sealed PDF: the workstation's data key, wherever the file is */
  open?: Uint8Array;
  /** seals what is written: the data key when the folder is in the data folder, none elsewhere or when plain */
  seal?: Uint8Array;
}

/**
 * The keys of the PDFs in `folder`: on an encrypted workstation (a data key), what is written there is sealed
 * when the folder is the data folder or inside it, links resolved (a link from the data folder to elsewhere leads
 * out of it, one from elsewhere into it leads in); anything sealed is opened wherever it is.
 */
export function sheetKeys(dataDir: string, folder: string, dataKey: Uint8Array | undefined): SheetKeys {
  if (!dataKey) return {};
  return { open: dataKey, ...(isInsideFolder(dataDir, folder) ? { seal: dataKey } : {}) };
}

/** A signed PDF's bytes as stored, and its plaintext (the same bytes when it is plain). */
export interface StoredPdf {
  plain: Buffer;
  stored: Buffer;
}

/**
 * A signed PDF the workstation keeps, opened if it is sealed. A sealed file changed on disk, cut short or sealed
 * with another key is refused (SEALED_FILE_DAMAGED), never taken for the document.
 */
export function readSignedPdf(file: string, keys: SheetKeys, name = basename(file)): StoredPdf {
  const stored = readFileSync(file);
  return { plain: openMaybeSealed(stored, keys.open, name), stored };
}

/**
 * Writes a signed PDF to `file`, sealed when `keys.seal` is there. `file` is a temporary name (the signing log and
 * a countersignature rename it into place once audited), so no half file ever has a document's name. Returns the
 * sha256 of the bytes as stored, which tells the one who renames it that it is still the file written.
 */
export function writeSignedPdf(file: string, plain: Buffer, keys: SheetKeys): string {
  const stored = keys.seal ? sealBytes(keys.seal, plain) : plain;
  writeFileSync(file, stored, { mode: 0o600 });
  return sha256Hex(stored);
}

/** Names of files a signing run or a countersignature writes aside before they get their name. */
const SCRATCH = /\.(part|seal)$/;

/**
 * Seals every plain file kept under DATA/sheets/ (an exam's PDFs, a purge's parked ones), for a workstation that
 * has just been encrypted: each is sealed aside and renamed over its plain self, whose bytes are then overwritten
 * (a second name held them meanwhile). Scratch files of an interrupted run are removed the same way; a file left
 * by an interrupted sealing (`.plain`) is overwritten. Returns how many files were sealed. The caller holds the
 * owner lock (`lentera encrypt`): no signing job is writing there meanwhile.
 */
export function sealSheetsFolder(dataDir: string, dataKey: Uint8Array): number {
  return sealFolderInPlace(join(dataDir, 'sheets'), dataKey, { scratch: SCRATCH });
}
