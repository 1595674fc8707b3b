/**
 * A file in the exam's sheets folder whose name the export took as a signed PDF but the manifest refuses as a bundle
 * path (each segment starts with a letter, digit or "_"; at most 240 characters): a macOS "._" file (AppleDouble,
 * left by a copy through a FAT or exFAT stick), a name starting with "-", a very long name. The export recorded and
 * queued the bundle, every verifier refused it for good, and the next bundle linked to it (found by review). Such
 * files stay out of the bundle now.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { DEMO_PASS, demoSigningWorkstation } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'lentera-pdf-name-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('a bundle the export makes, records and queues is one its verifier accepts, stray files in the sheets folder or not', async () => {
  const dataDir = join(root, 'ws');
  const { app, exam } = await demoSigningWorkstation(dataDir, { candidates: 30 });
  const sheets = join(dataDir, 'sheets', exam);
  mkdirSync(sheets, { recursive: true });
  // A sheet as Lentera names them, beside the strays.
  writeFileSync(join(sheets, 'hasil-0001.pdf'), Buffer.from('%PDF-1.7\n'));
  for (const stray of ['._hasil-0001.pdf', '-hasil.pdf', `${'a'.repeat(240)}.pdf`]) writeFileSync(join(sheets, stray), Buffer.from('\x00\x05\x16\x07AppleDouble'));
  const r = await app.invokeAsync('bundle.export', { exam, passphrase: DEMO_PASS, account: 'koordinator' }, { local: 't' });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  const file = (r.value as { file: string }).file;
  let verdict = 'ok';
  let pdfs: string[] = [];
  try {
    pdfs = (await verifyBundle(file)).manifest.files.map((f) => f.path).filter((p) => p.startsWith('pdf/'));
  } catch (e) {
    verdict = `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  expect(verdict).toBe('ok');
  // The sheets Lentera wrote are all in it; the stray files are not.
  const sheetsWritten = readdirSync(sheets).filter((f) => /^[A-Za-z0-9][A-Za-z0-9._-]*\.pdf$/.test(f) && f.length < 200);
  expect(sheetsWritten.length).toBeGreaterThan(0);
  expect(pdfs.sort()).toEqual(sheetsWritten.map((f) => `pdf/${f}`).sort());
  app.close();
}, 120_000);
