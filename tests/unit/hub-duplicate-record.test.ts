import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { generateIdentity, unlockIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { Publisher } from '../../src-main/core/publish/publisher';
import { havePostgres, startPgCluster, type PgCluster } from './pg-cluster';
import { repackSigned } from './repack-bundle';

/**
 * A venue's bundle whose candidates.json lists one record twice (the same key, byte for byte), signed by the venue:
 * merge.ts takes it ("two records with one key still leave the later one stored"), and SQLite stored it so. On
 * PostgreSQL the many-row upsert of merged_items held the key twice in one statement, which PostgreSQL refuses
 * (21000): the bundle could never merge, and the venue's chain of bundles stopped there. Found by review.
 * 150 candidates: more than one statement's rows (`ROWS_PER_INSERT`), so the two records share a statement.
 */
const root = mkdtempSync(join(tmpdir(), 'lentera-dup-record-'));
const PASS = 'rahasia-koordinator';
let cluster: PgCluster | undefined;
let file: string;
let pem: string;
let exam: string;

beforeAll(async () => {
  const dir = join(root, 'ws');
  const app = new LenteraApp({ dataDir: dir, allowInit: true });
  const call = async <T>(name: string, input: unknown): Promise<T> => {
    const r = await app.invokeAsync(name, input, { local: 't' });
    if (!r.ok) throw new Error(r.error.message);
    return r.value as T;
  };
  await call('workstation.demo', { candidates: 150 });
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, dir, { id: coord, displayName: 'Koordinator', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  const signer = await unlockIdentity(db, dir, coord, PASS, new Date());
  pem = (await call<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem;
  exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  const { file: exported } = await call<{ file: string }>('bundle.export', { exam, passphrase: PASS, account: 'koordinator' });
  app.close();
  file = await repackSigned(exported, join(root, 'dup.lentera'), signer, (files) => {
    const people = JSON.parse(files.get('data/candidates.json')!.toString()) as unknown[];
    people.splice(1, 0, people[0]); // the first record listed twice, byte for byte
    files.set('data/candidates.json', Buffer.from(JSON.stringify(people)));
  });
  if (havePostgres) cluster = startPgCluster();
}, 300_000);

afterAll(() => {
  cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

for (const store of ['SQLite', 'PostgreSQL'] as const) {
  it.skipIf(store === 'PostgreSQL' && !havePostgres)(`merges a bundle that lists one record twice, the later stored (${store})`, async () => {
    const p = Publisher.open(join(root, `hub-${store}`), store === 'PostgreSQL' ? { db: cluster!.createDatabase('dup') } : {});
    try {
      addTrustedSigner(p.db, readCertificate(Buffer.from(pem)), { exam, at: new Date().toISOString(), by: 'test' });
      let outcome: string;
      try {
        const ack = await p.ingest(file, new Date().toISOString(), 'test');
        outcome = `merged: ${ack.records} records, ${ack.leaves} leaves`;
      } catch (e) {
        outcome = `refused: ${(e as { code?: string }).code} ${(e as Error).message}`;
      }
      expect(outcome).toMatch(/^merged: \d+ records, 150 leaves$/);
      // One row per candidate, the one listed twice too.
      expect(p.db.prepare("SELECT COUNT(*) FROM merged_items WHERE kind = 'candidate'").pluck().get()).toBe(150);
    } finally {
      p.close();
    }
  }, 120_000);
}
