// A bundle made again with changes, as a venue with its own signing key (or a tool of its own) could make it: files
// edited, the manifest's list recomputed, signed and sealed again. For the attacks a registered venue can play.
import { webcrypto } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { applySeal, sealPlaceholder } from '../../src-main/core/bundles/seal';
import type { UnlockedIdentity } from '../../src-main/core/keys/identities';
import { RSA_SHA256 } from '../../src-main/core/keys/pki';
import { sha256Hex } from '../../src-main/core/util/hash';
import { readZip } from './zip';

export async function rebundle(src: string, out: string, signer: UnlockedIdentity, edit: (files: Map<string, Buffer>, manifest: Record<string, unknown>) => void): Promise<string> {
  const entries = new Map(await readZip(src));
  const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as Record<string, unknown>;
  const files = new Map([...entries].filter(([k]) => k !== 'manifest.json' && k !== 'manifest.sig'));
  edit(files, manifest);
  manifest.files = [...files].map(([path, data]) => ({ path, size: data.length, sha256: sha256Hex(data) }));
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
  const sig = Buffer.from(await webcrypto.subtle.sign(RSA_SHA256, signer.privateKey, bytes));
  const zip = new yazl.ZipFile();
  const mtime = new Date(manifest.createdAt as string);
  zip.addBuffer(bytes, 'manifest.json', { mtime });
  zip.addBuffer(sig, 'manifest.sig', { mtime });
  for (const [name, data] of files) zip.addBuffer(data, name, { mtime });
  zip.end({ comment: sealPlaceholder(3072), forceZip64Format: false });
  await pipeline(zip.outputStream, createWriteStream(out));
  await applySeal(out, signer.privateKey, 3072);
  return out;
}
