import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sealBundlesFolder } from '../bundles/recover';
import { sealSheetsFolder } from '../sheets/sheet-files';

/**
 * Left in the data folder while the files a workstation made before it was encrypted (signed PDFs, bundles) are
 * still to be sealed: `lentera encrypt` puts it there before it starts, and removes it when all are sealed. A
 * failure (a full disk) or a crash in between is finished by the next open with the key (openWorkstation).
 */
const PENDING = 'sealing.pending';

/** Marks the data folder's plain files as to be sealed (before the first is touched). */
export function markSealingPending(dir: string): void {
  writeFileSync(join(dir, PENDING), '', { mode: 0o600 });
}

/** Seals what the marker says is left; answers how many files it sealed. Throws what stopped it, marker kept. */
export function sealPendingFiles(dir: string, key: Uint8Array): number {
  if (!existsSync(join(dir, PENDING))) return 0;
  const sealed = sealSheetsFolder(dir, key) + sealBundlesFolder(dir, key);
  rmSync(join(dir, PENDING), { force: true });
  return sealed;
}
