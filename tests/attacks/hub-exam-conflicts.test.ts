import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { sql } from '../../src-main/core/db/statements';
import { demoPackage } from '../../src-main/core/demo/generate';
import type { ExamPackage } from '../../src-main/core/exams/package-schema';
import { readCertificate } from '../../src-main/core/keys/pki';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { HubVenue } from '../unit/hub-venue';

/**
 * The attack: a registered venue (or a typo in its exam package) sends a bundle for exam `cpns-smg-2026` to a hub
 * that publishes `CPNS-SMG-2026`. The site names an exam's folders by its code, and on a case-insensitive disk or
 * web host the two are one folder: the site write refuses two files of one name, so once merged, the bundle would
 * stop the hub from publishing anything again. The hub refuses it at the door instead; as it refuses an exam ranked
 * by another ruleset than its merged bundles use.
 */

const T1 = '2026-11-30T06:00:00.000Z';
const T2 = '2026-11-30T07:00:00.000Z';
const A = demoPackage(120);
const lower: ExamPackage = { ...A, exam: { ...A.exam, code: A.exam.code.toLowerCase() } };
const dir = mkdtempSync(join(tmpdir(), 'lentera-exam-codes-'));
let venue: HubVenue;
let other: HubVenue;
/** The first venue's hub, serving its upload door: the other venue's bundle comes through it, as an outbox sends it. */
let server: RunningHub;
let otherSigner: string;

beforeAll(async () => {
  venue = await HubVenue.open(join(dir, 'one'), [A], T1);
  other = await HubVenue.open(join(dir, 'two'), [lower], T1);
  otherSigner = addTrustedSigner(venue.hub.db, readCertificate(await other.certificate()), { at: T1, by: 'test' }).fingerprint;
  await venue.publishSession(A, 'SKD-1', T1);
  venue.hub.close();
  server = await startHub({ dir: join(dir, 'one', 'hub'), port: 0 });
  venue.hub = server.publisher;
}, 180_000);

afterAll(async () => {
  await server.close();
  venue.app.close();
  other.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an exam code that differs from a merged exam only in letter case', () => {
  it('is refused at the hub\'s door (409 BUNDLE_EXAM_CONFLICT, final for an outbox), nothing is merged, and the site is still written', async () => {
    const site = join(dir, 'site');
    await venue.hub.writeSite(site, T1);
    const file = await other.exportSession(lower, 'SKD-1');
    const leaves = venue.hub.log.size;
    const r = await fetch(`${server.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': otherSigner }, body: new Uint8Array(readFileSync(file)) });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'BUNDLE_EXAM_CONFLICT', message: expect.stringContaining(`the code ${A.exam.code}`) });
    expect(venue.hub.log.size).toBe(leaves);
    expect(venue.hub.siteInput(T2).exams.map((e) => e.code)).toEqual([A.exam.code]);
    await venue.hub.writeSite(site, T2);
    expect(readFileSync(join(site, 'index.html'), 'utf8')).not.toContain(lower.exam.code);
    // A lower-case code is no fault of itself: the venue's own hub, which publishes no other exam, merges the bundle.
    expect((await other.hub.ingest(file, T2, 'test')).exam).toBe(lower.exam.code);
  }, 180_000);
});

describe('an exam ranked with another ruleset than the one its merged bundles use', () => {
  it('is refused (BUNDLE_RULESET_CONFLICT), nothing is merged', async () => {
    // As if the bundles merged so far had ranked the exam with another ruleset (a venue with an edited copy).
    sql(venue.hub.db, 'UPDATE merged_exams SET ruleset_sha256 = ? WHERE exam_code = ?').run('ab'.repeat(32), A.exam.code);
    const file = await venue.exportSession(A, 'SKD-2');
    const leaves = venue.hub.log.size;
    await expect(venue.hub.ingest(file, T2, 'test')).rejects.toMatchObject({ code: 'BUNDLE_RULESET_CONFLICT', message: expect.stringContaining('must be the same everywhere') });
    expect(venue.hub.log.size).toBe(leaves);
  }, 180_000);
});
