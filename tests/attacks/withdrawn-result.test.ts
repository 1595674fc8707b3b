import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergedView } from '../../src-main/core/bundles/merge';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { readCertificate } from '../../src-main/core/keys/pki';
import { sitePaths } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { checkReceipt, checkSheetPayload, followOnSite } from '../../src-main/core/publish/verify-page';
import { DEMO_PASS, demoSigningWorkstation } from '../unit/helpers';

/**
 * The failure (found by review, 2026-12-07): venue A's bundle makes candidate X "P/L — LULUS", final; the hub logs
 * it and X has a receipt and a signed sheet. Then another registered venue's bundle names X otherwise: a conflict,
 * and the hub holds X back (BL, no score shown). A held-back result with nothing to show was never logged, so X's
 * latest leaf stayed the P/L one, the site's digests (what the verification page compares with) kept it, and the
 * page called the superseded P/L receipt and sheet "the same as the published result", also followed to the live
 * log. Now a result that was logged is logged again when it is held back: the old receipt and sheet no longer match
 * what is published, and the log itself says the P/L was withdrawn.
 */

const T1 = '2026-11-30T06:00:00.000Z';
const T2 = '2026-11-30T07:00:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'lentera-withdrawn-'));

/** A demo venue with its coordinator's signing key, and the certificate a hub registers. */
async function venue(name: string) {
  const { app, call, exam } = await demoSigningWorkstation(join(dir, name), { candidates: 120, displayName: `Koordinator ${name}` });
  return { app, exam, call, cert: Buffer.from((await call<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem) };
}
type Venue = Awaited<ReturnType<typeof venue>>;

const exportBundle = async (v: Venue) => (await v.call<{ file: string }>('bundle.export', { exam: v.exam, passphrase: DEMO_PASS, account: 'koordinator' })).file;

/** The site's result digests of `exam`, as the verification page loads them (scripts setting globals), with its log's data. */
function siteDigests(site: string, exam: string): Record<string, string> {
  const g = globalThis as Record<string, unknown>;
  const log = readFileSync(join(site, 'assets/log-data.js'), 'utf8');
  g.LENTERA_LOG = JSON.parse(log.slice(log.indexOf('=') + 1).trim().replace(/;$/, ''));
  g.LENTERA_DIGESTS = undefined;
  new Function('window', readFileSync(join(site, sitePaths.digests(exam)), 'utf8'))(g);
  return (g.LENTERA_DIGESTS as Record<string, Record<string, string>>)[exam]!;
}

let A: Venue;
let B: Venue;
let hub: Publisher;
const site = join(dir, 'site');

beforeAll(async () => {
  A = await venue('a');
  B = await venue('b');
  hub = Publisher.open(join(dir, 'hub'));
  for (const v of [A, B]) addTrustedSigner(hub.db, readCertificate(v.cert), { at: T1, by: 'test' });
}, 180_000);

afterAll(() => {
  hub?.close();
  A?.app.close();
  B?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a final result the hub later holds back', () => {
  it('is logged again as held back: its old receipt and sheet no longer match what is published, on the site and in the live log', async () => {
    const ackA = await hub.ingest(await exportBundle(A), T1, 'test');
    await hub.writeSite(site, T1, { oneFolder: true });
    const before = mergedView(hub.db, A.exam);
    const x = before.results.find((r) => r.status === 'P/L' && !r.provisional)!;
    const nomor = x.nomor_peserta;
    const final = before.digests.get(nomor)!;
    const receipt = hub.receiptsOfBundle(ackA.bundle).find((r) => r.nomor === nomor)!;
    expect(siteDigests(site, A.exam)[nomor]).toBe(final);
    expect(checkReceipt(receipt).kind).toBe('ok');
    const leaves = hub.log.size;

    // Venue B names X otherwise: a conflict, X held back with nothing to show.
    B.app.workstation!.db.prepare('UPDATE candidates SET nama = ? WHERE nomor_peserta = ?').run('NAMA LAIN', nomor);
    await hub.ingest(await exportBundle(B), T2, 'test');
    await hub.writeSite(site, T2, { oneFolder: true });
    const after = mergedView(hub.db, A.exam);
    const held = after.results.find((r) => r.nomor_peserta === nomor)!;
    expect({ status: held.status, components: held.components, stages: held.stages }).toEqual({ status: 'BL', components: {}, stages: {} });
    const now = after.digests.get(nomor)!;
    expect(now).not.toBe(final);

    // The log says so: X's latest leaf is the held-back result, one leaf more (only X was changed by the conflict).
    expect(hub.log.leafIndexes(A.exam).get(nomor)!.digest).toBe(now);
    expect(hub.log.size).toBeGreaterThan(leaves);
    expect(siteDigests(site, A.exam)[nomor]).toBe(now);

    // The verification page: the old receipt is still a receipt the log signed, but not the published result.
    const o = checkReceipt(receipt);
    expect(o.kind).not.toBe('ok');
    expect(o.checks.find((c) => !c.ok)!.label).toMatch(/Hasil yang diterbitkan/);
    const fetchSite = async (path: string) => {
      try {
        return new Response(readFileSync(join(site, path)));
      } catch {
        return new Response(null, { status: 404 });
      }
    };
    expect((await followOnSite(o, fetchSite)).kind).not.toBe('ok');
    // The old sheet's payload, without a proof: not the published result either.
    expect(checkSheetPayload({ v: 1, e: A.exam, n: nomor, d: final }, true).kind).not.toBe('ok');

    // (A held-back result never logged before is not logged for being held back: tests/unit/log-batch.test.ts.)
  }, 180_000);
});
