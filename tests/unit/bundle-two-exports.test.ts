/**
 * Two exports of one exam at once (two clicks, or a CLI export beside `serve`) both prepared the next sequence into
 * the same NAME.lentera.part and NAME.lentera.parts/: the file recorded under the bundle's name held the other's
 * bundle, its acknowledgement never matched, and the chain after it broke (found by review). Now the second is
 * refused at once (CONFLICT) and the first makes its bundle whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { DEMO_PASS, demoSigningWorkstation } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'lentera-two-exports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('two exports of one exam at once: the second is refused, and the bundle recorded is the file under its name', async () => {
  const { app, exam } = await demoSigningWorkstation(join(root, 'ws'), { candidates: 30 });
  const db = app.workstation!.db;
  const input = { exam, passphrase: DEMO_PASS, account: 'koordinator' };
  const a = app.invokeAsync('bundle.export', input, { local: 't' });
  await new Promise((r) => setTimeout(r, 5));
  const b = app.invokeAsync('bundle.export', input, { local: 't' });
  const [ra, rb] = await Promise.all([a, b]);
  expect(ra).toMatchObject({ ok: true, value: { sequence: 1 } });
  expect(rb).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/Another export of this exam is in progress/) } });
  const rows = db.prepare('SELECT sequence, sha256, file FROM bundle_exports ORDER BY sequence').all() as { sequence: number; sha256: string; file: string }[];
  expect(rows).toHaveLength(1);
  for (const r of rows) {
    let got: string;
    try {
      got = (await verifyBundle(r.file)).sha256;
    } catch (e) {
      got = `refused: ${(e as { code?: string }).code} ${(e as Error).message}`;
    }
    expect(got).toBe(r.sha256);
  }
  // Once it is done, the lock is let go: the next export gets as far as finding nothing changed.
  const next = await app.invokeAsync('bundle.export', input, { local: 't' });
  expect(next).toMatchObject({ ok: false, error: { code: 'NOTHING_TO_EXPORT' } });
  app.close();
}, 120_000);
