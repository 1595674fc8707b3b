import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src-main/core/db/statements';
import { demoPackage } from '../../src-main/core/demo/generate';
import { unlockIdentity, type UnlockedIdentity } from '../../src-main/core/keys/identities';
import { sitePaths } from '../../src-main/core/publish/paths';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { HubVenue, VENUE_PASS } from '../unit/hub-venue';
import { repackSigned } from '../unit/repack-bundle';

/**
 * The attack (found by review, 2026-12-07): a registered venue sends a bundle, signed with its own key, that gives
 * a candidate the registration number "index", or two candidates (or formations) codes that differ only in letter
 * case, or a number too long for a file name. The site names each candidate's and formation's page by its code: the
 * first is the candidates' list's own file, the second one file on a case-insensitive disk or web host, the third no
 * file at all. The hub merged and logged such a bundle, and from then on every site write failed, for every exam of
 * the hub and for good (merged items are never taken back): no later result of any venue was published. The hub now
 * refuses such a bundle at its door, nothing merged, and the site goes on being written.
 */

const T1 = '2026-11-30T06:00:00.000Z';
const T2 = '2026-11-30T07:00:00.000Z';
const A = demoPackage(120);
const dir = mkdtempSync(join(tmpdir(), 'lentera-site-names-'));
let venue: HubVenue;
let server: RunningHub;
let signer: UnlockedIdentity;
let site: string;

beforeAll(async () => {
  venue = await HubVenue.open(join(dir, 'one'), [A], T1);
  await venue.publishSession(A, 'SKD-1', T1);
  venue.hub.close();
  server = await startHub({ dir: join(dir, 'one', 'hub'), port: 0, log: () => {} });
  venue.hub = server.publisher;
  site = join(dir, 'one', 'hub', 'site');
  const db = venue.app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  signer = await unlockIdentity(db, venue.app.workstation!.dir, coord, VENUE_PASS, new Date());
}, 180_000);

afterAll(async () => {
  await server.close();
  venue.app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A record line of `kind` as the exam's first merged one, with `change` applied. */
function mergedRecord(kind: string, change: Record<string, unknown>): string {
  const body = sql(venue.hub.db, 'SELECT body FROM merged_items WHERE kind = ? ORDER BY key LIMIT 1').pluck().get(kind) as string;
  return JSON.stringify({ ...(JSON.parse(body) as Record<string, unknown>), ...change });
}

/** `made` signed again by the venue with `records` added to its data file `file` (kind `kind`). */
let forgeries = 0;
async function withRecords(made: string, file: string, kind: string, records: string[], previous?: string): Promise<string> {
  return repackSigned(made, join(dir, `forged-${++forgeries}.lentera`), signer, (files, manifest) => {
    if (previous) manifest.previous = previous;
    const had = files.get(file)?.toString('utf8').trim().slice(1, -1).trim();
    const lines = [...(had ? had.split(',\n') : []), ...records];
    files.set(file, Buffer.from(`[\n${lines.join(',\n')}\n]\n`));
    (manifest.counts as Record<string, number>)[kind] = lines.length;
  });
}

async function send(file: string): Promise<{ status: number; body: { ok: boolean; error?: { code: string; message: string } } }> {
  const r = await fetch(`${server.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': signer.fingerprint.replace(/:/g, '').toLowerCase() }, body: new Uint8Array(readFileSync(file)) });
  return { status: r.status, body: (await r.json()) as never };
}

/** The venue's next bundle: a change of no weight (a session's room), exported. */
let rooms = 0;
async function nextBundle(): Promise<string> {
  venue.app.workstation!.db.prepare("UPDATE sessions SET room = ? WHERE code = 'SKD-1'").run(`Ruang ${++rooms}`);
  return (await venue.ok<{ file: string }>('bundle.export', { exam: A.exam.code, passphrase: VENUE_PASS, account: 'koordinator' })).file;
}

const state = () => ({ leaves: venue.hub.log.size, items: sql(venue.hub.db, 'SELECT count(*) FROM merged_items').pluck().get(), bundles: sql(venue.hub.db, 'SELECT count(*) FROM merged_bundles').pluck().get() });

describe('a bundle whose codes the site could not name pages by', () => {
  it('is refused at the door with what is wrong, nothing is merged, and the next honest bundle is published', async () => {
    const made = await venue.exportSession(A, 'SKD-2');
    const first = sql(venue.hub.db, "SELECT key FROM merged_items WHERE kind = 'formation' ORDER BY key LIMIT 1").pluck().get() as string;
    const attacks = [
      { name: 'the candidates\' list\'s name', file: 'data/candidates.json', kind: 'candidate', records: [mergedRecord('candidate', { nomor_peserta: 'index' })], status: 422, code: 'BUNDLE_DATA_INVALID', says: '"index"' },
      { name: 'the same in capitals', file: 'data/candidates.json', kind: 'candidate', records: [mergedRecord('candidate', { nomor_peserta: 'INDEX' })], status: 422, code: 'BUNDLE_DATA_INVALID', says: '"INDEX"' },
      { name: 'too long for a file name', file: 'data/candidates.json', kind: 'candidate', records: [mergedRecord('candidate', { nomor_peserta: '€'.repeat(60) })], status: 422, code: 'BUNDLE_DATA_INVALID', says: 'registration number' },
      { name: 'a result of such a number', file: 'data/facts.json', kind: 'facts', records: [mergedRecord('facts', { nomorPeserta: 'index' })], status: 422, code: 'BUNDLE_DATA_INVALID', says: 'data/facts.json: record' },
      { name: 'two candidates of one fold', file: 'data/candidates.json', kind: 'candidate', records: [mergedRecord('candidate', { nomor_peserta: 'abcd0001' }), mergedRecord('candidate', { nomor_peserta: 'ABCD0001' })], status: 409, code: 'BUNDLE_CODE_CONFLICT', says: 'ABCD0001 and abcd0001' },
      { name: 'a formation of a merged one\'s fold', file: 'data/formations.json', kind: 'formation', records: [mergedRecord('formation', { code: first.toLowerCase() })], status: 409, code: 'BUNDLE_CODE_CONFLICT', says: `${first} and ${first.toLowerCase()}` },
    ];
    for (const a of attacks) {
      const before = state();
      const r = await send(await withRecords(made, a.file, a.kind, a.records));
      expect({ attack: a.name, status: r.status, code: r.body.error?.code }).toEqual({ attack: a.name, status: a.status, code: a.code });
      expect(r.body.error!.message, a.name).toContain(a.says);
      expect(state(), a.name).toEqual(before);
    }
    // The bundle as the venue made it merges, and the site is written with it.
    const honest = await send(made);
    expect(honest.status).toBe(200);
    await venue.hub.writeSite(site, T2);
    const someone = A.sessions.find((s) => s.code === 'SKD-2')!.candidates[0]!;
    expect(existsSync(join(site, sitePaths.candidate(A.exam.code, someone)))).toBe(true);
    expect(existsSync(join(site, sitePaths.candidate(A.exam.code, 'index')))).toBe(true); // the list, still the list
    expect(readFileSync(join(site, sitePaths.candidates(A.exam.code)), 'utf8')).toContain(someone);
  }, 180_000);

  it('is refused when it gives a candidate the fold of a number merged before, from its own earlier bundle', async () => {
    // A number with letters is a number: merged, and published.
    const made = await nextBundle();
    expect((await send(await withRecords(made, 'data/candidates.json', 'candidate', [mergedRecord('candidate', { nomor_peserta: 'abcd0002' })]))).status).toBe(200);
    await venue.hub.writeSite(site, T2);
    expect(existsSync(join(site, sitePaths.candidate(A.exam.code, 'abcd0002')))).toBe(true);
    // The venue's next bundle, after that one, gives another candidate the same number in capitals.
    const last = sql(venue.hub.db, 'SELECT sha256 FROM merged_bundles ORDER BY sequence DESC LIMIT 1').pluck().get() as string;
    const before = state();
    const r = await send(await withRecords(await nextBundle(), 'data/candidates.json', 'candidate', [mergedRecord('candidate', { nomor_peserta: 'ABCD0002' })], last));
    expect({ status: r.status, code: r.body.error?.code }).toEqual({ status: 409, code: 'BUNDLE_CODE_CONFLICT' });
    expect(r.body.error!.message).toContain('ABCD0002 and abcd0002');
    expect(state()).toEqual(before);
    await venue.hub.writeSite(site, T2);
    expect(existsSync(join(site, sitePaths.candidate(A.exam.code, 'abcd0002')))).toBe(true);
  }, 180_000);

  it('merged before the hub refused it: the site write fails, and the hub\'s health says so until it succeeds', async () => {
    // As a hub that merged such a bundle before 2026-12-07 holds it.
    const b = sql(venue.hub.db, 'SELECT sha256, workstation_id FROM merged_bundles ORDER BY sequence DESC LIMIT 1').get() as { sha256: string; workstation_id: string };
    sql(venue.hub.db, 'INSERT INTO merged_items (exam_code, workstation_id, kind, key, digest, body, bundle_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)').run(A.exam.code, b.workstation_id, 'candidate', 'index', '0'.repeat(64), mergedRecord('candidate', { nomor_peserta: 'index' }), b.sha256);
    // The exam's view is kept while its bundles stay as they were (mergedStateKey): a change to them, as a merge makes.
    const touch = (at: string) => sql(venue.hub.db, 'UPDATE merged_bundles SET imported_at = ? WHERE sha256 = ?').run(at, b.sha256);
    touch('2099-01-01T00:00:00.000Z');
    const health = async () => (await (await fetch(`${server.url}/api/health`)).json()) as { ok: boolean; siteFailing?: { since: string; message: string } };
    expect(await health()).toEqual({ ok: true });
    await expect(venue.hub.writeSite(site, T2)).rejects.toThrow(/index\.html/);
    await expect(venue.hub.writeSite(site, '2026-11-30T08:00:00.000Z')).rejects.toThrow(/index\.html/);
    expect(await health()).toEqual({ ok: true, siteFailing: { since: T2, message: expect.stringContaining(sitePaths.candidates(A.exam.code)) } });
    sql(venue.hub.db, "DELETE FROM merged_items WHERE key = 'index'").run();
    touch('2099-01-02T00:00:00.000Z');
    await venue.hub.writeSite(site, T2);
    expect(await health()).toEqual({ ok: true });
  }, 180_000);
});
