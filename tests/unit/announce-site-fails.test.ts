/**
 * An announcement the hub has kept and logged is answered with its acknowledgement even when the site cannot be
 * rewritten after it: the door answered 500 "nothing was published. Try again.", which was false, as the bundle
 * door's answer would be (hub.ts: a merged bundle is acknowledged whatever the site write does). Found by review.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { currentCertificate } from '../../src-main/core/keys/identities';
import { DEMO_PASS, demoSigningWorkstation } from './helpers';
import { startHub } from '../../src-main/server/hub';

const root = mkdtempSync(join(tmpdir(), 'lentera-announce-site-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('answers a logged announcement with its acknowledgement even when the site cannot be rewritten', async () => {
  const { app, coord, exam } = await demoSigningWorkstation(join(root, 'ws'), { candidates: 10 });
  const cert = currentCertificate(app.workstation!.db, coord)!;
  const out = await app.invokeAsync('announcement.publish', { exam, objectionFrom: '2026-12-14', objectionUntil: '2026-12-16', passphrase: DEMO_PASS, account: 'koordinator' }, { local: 't' });
  if (!out.ok) throw new Error(out.error.message);
  const files = (out.value as { files: { json: string; pdf: string } }).files;
  const body = JSON.stringify({ announcement: JSON.parse(readFileSync(files.json, 'utf8')), pdf: readFileSync(files.pdf).toString('base64') });
  const lines: string[] = [];
  const hub = await startHub({ dir: join(root, 'hub'), port: 0, log: (l) => void lines.push(l) });
  try {
    addTrustedSigner(hub.publisher.db, cert.certDer, { exam, announces: true, at: new Date().toISOString(), by: 'test' });
    hub.publisher.writeSite = () => Promise.reject(new Error('disk full'));
    const signer = cert.fingerprint.replace(/:/g, '').toLowerCase();
    const r = await fetch(`${hub.url}/api/pengumuman`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Lentera-Signer': signer }, body });
    const answer = (await r.json()) as unknown;
    const kept = hub.publisher.db.prepare('SELECT COUNT(*) FROM announcements').pluck().get();
    const leaves = hub.publisher.db.prepare('SELECT COUNT(*) FROM ledger_leaves').pluck().get();
    expect(kept).toBe(1);
    expect(leaves).toBe(1);
    // Published and logged, so the sender is told so, not "nothing was published"; the hub's log says what failed.
    expect(r.status).toBe(201);
    expect(answer).toMatchObject({ ok: true, ack: { seq: 1, exam } });
    expect(lines.some((l) => /announcement 1 of .* is logged, but the site could not be rewritten: disk full/.test(l))).toBe(true);
  } finally {
    await hub.close();
    app.close();
  }
}, 180_000);
