/**
 * What a registered venue signs is published and ranked as it is, so the hub holds it to the shapes Lentera writes,
 * and the pages escape it whatever gets through. Found by review: a formation's quota was cast, never checked, and
 * went into the exam, formation and candidate pages unescaped. A quota of "<meta http-equiv=refresh …><base href …>"
 * sent the official results page and its links to another site (the CSP stops script, not these).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { currentCertificate, unlockIdentity } from '../../src-main/core/keys/identities';
import { esc } from '../../src-main/core/publish/html';
import { sitePaths } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { loadedExams, writeSite } from '../../src-main/core/publish/site';
import { repackSigned } from '../unit/repack-bundle';
import { voiceVenue, type VoiceVenue } from '../unit/voice-fixture';

const root = mkdtempSync(join(tmpdir(), 'lentera-venue-data-'));
let venue: VoiceVenue;

beforeAll(async () => {
  venue = await voiceVenue(root);
}, 120_000);

afterAll(() => {
  venue?.close();
  rmSync(root, { recursive: true, force: true });
});

const MARKUP = '2 <meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">';

describe("a venue's formations", () => {
  it.each([
    ['a quota of markup', MARKUP, /record 1 is not a formation \(quota: /],
    ['a quota of 0', 0, /record 1 is not a formation \(quota: quota must be at least 1\)/],
    ['a quota of 2.5', 2.5, /record 1 is not a formation \(quota: /],
  ])('refuses a signed bundle with %s, merging nothing', async (_, quota, message) => {
    const db = venue.app.workstation!.db;
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    const signer = await unlockIdentity(db, venue.app.workstation!.dir, coord, 'rahasia-koordinator', new Date());
    const forged = await repackSigned(venue.bundle, join(root, `forged-${String(quota).length}.lentera`), signer, (files) => {
      const f = JSON.parse(files.get('data/formations.json')!.toString()) as { quota: unknown }[];
      for (const x of f) x.quota = quota;
      files.set('data/formations.json', Buffer.from(JSON.stringify(f)));
    });
    const p = Publisher.open(join(root, `hub-${String(quota).length}`));
    try {
      addTrustedSigner(p.db, currentCertificate(db, coord)!.certDer, { exam: venue.exam, at: new Date().toISOString(), by: 'test' });
      await expect(p.ingest(forged, new Date().toISOString(), 'test')).rejects.toMatchObject({ code: 'BUNDLE_DATA_INVALID', message: expect.stringMatching(message) });
      expect(p.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(0);
      expect(p.log.size).toBe(0);
    } finally {
      p.close();
    }
  }, 120_000);

  it('has the pages escape what they show of a quota (the second line, should one get through)', async () => {
    const p = Publisher.open(join(root, 'hub-pages'));
    try {
      await venue.merge(p, new Date().toISOString());
      const base = await loadedExams(p.siteInput(new Date().toISOString()));
      const input = { ...base, exams: base.exams.map((e) => ({ ...e, source: undefined, formations: e.formations.map((f) => ({ ...f, quota: MARKUP as unknown as number })) })) };
      const out = join(root, 'site-pages');
      await writeSite(out, input);
      const e = input.exams[0]!;
      const f = e.formations[0]!;
      const someone = e.results.find((r) => r.kode_formasi === f.code && r.rank !== null)!;
      for (const page of [sitePaths.exam(e.code), sitePaths.formation(e.code, f.code), sitePaths.candidate(e.code, someone.nomor_peserta)]) {
        const html = readFileSync(join(out, page), 'utf8');
        expect(html, page).not.toMatch(/<meta http-equiv="refresh"|<base /);
        expect(html, page).toContain(esc(MARKUP));
      }
    } finally {
      p.close();
    }
  }, 120_000);
});
