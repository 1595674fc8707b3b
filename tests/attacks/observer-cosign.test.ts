import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { generateIdentity, unlockIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { observedSection, observedSessions, observersInMinutes } from '../../src-main/core/publish/observers';
import { Publisher } from '../../src-main/core/publish/publisher';
import { sitePaths } from '../../src-main/core/publish/paths';
import { generateMinutes } from '../../src-main/core/sheets/batch';
import { minutesData, observerReason, renderMinutes } from '../../src-main/core/sheets/minutes';
import { signPdf } from '../../src-main/core/sheets/sign';
import { verifyPdf } from '../../src-main/core/sheets/verify';

/**
 * Issue 15, item 6: an observer present at a session cosigns its minutes with their own key, after the coordinator,
 * as "Pengamat"; the hub's site lists the observed sessions from the signatures in the published minutes.
 */

const EXAM = 'CPNS-SMG-2026';
const SESSION = 'WWC-F01';
const PASS = 'rahasia-koordinator';
const OBSERVER = 'Kartika Sari (Ombudsman RI Jateng)';
const root = mkdtempSync(join(tmpdir(), 'lentera-observer-'));
let app: LenteraApp;
let pins: Record<string, string>;
let minutes: string;
const token: Record<string, string> = {};

/** pdfsig exits 0 even for a bad signature: the verdict is in its text. Unsigned lines are not signatures. */
function pdfsig(file: string): { field: string; signer: string; valid: boolean }[] {
  return execFileSync('pdfsig', [file], { encoding: 'utf8' })
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .filter((s) => !/The signature form field is not signed\./.test(s))
    .map((s) => ({
      field: /Signature Field Name: (.*)/.exec(s)?.[1] ?? '',
      signer: /Signer Certificate Common Name: (.*)/.exec(s)?.[1] ?? '',
      valid: /Signature Validation: Signature is Valid\./.test(s),
    }));
}

const sign = (who: string, passphrase = `rahasia-${who}`) => app.invokeAsync('minutes.sign', { exam: EXAM, session: SESSION, passphrase }, { token: token[who]!, client: who }) as Promise<any>;

beforeAll(async () => {
  app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
  const demo = (await app.invokeAsync('workstation.demo', { candidates: 60 }, { local: 't' })) as any;
  if (!demo.ok) throw new Error(demo.error.message);
  pins = Object.fromEntries(demo.value.accounts.map((a: any) => [a.name, a.pin]));
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni, S.Sos.', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  const examId = db.prepare('SELECT id FROM exams').pluck().get() as string;
  // The coordinator signs the minutes first, into the folder minutes.sign and the bundle read.
  const made = await generateMinutes(db, examId, SESSION, await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date()), join(app.workstation!.dir, 'sheets', EXAM));
  minutes = made.file;
  for (const name of ['pengawas', 'ketua1', 'petugas1']) {
    const r = app.invoke('accounts.login', { name, pin: pins[name] }, { client: name }) as any;
    if (!r.ok) throw new Error(r.error.message);
    token[name] = r.value.token;
  }
}, 120_000);

afterAll(() => {
  app.close();
  rmSync(root, { recursive: true, force: true });
});

describe('an observer cosigns the minutes (workstation)', () => {
  it('is refused without a signing key, and a clerk is refused outright; the minutes stay as they were', async () => {
    const before = readFileSync(minutes);
    expect(await sign('pengawas')).toMatchObject({ ok: false, error: { code: 'NO_IDENTITY' } });
    expect(await sign('petugas1')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(readFileSync(minutes).equals(before)).toBe(true);
    expect(pdfsig(minutes)).toHaveLength(1);
  });

  it('makes a key of their own, then signs after the coordinator as Pengamat, on a field of their own: pdfsig shows the extra valid signature', async () => {
    const key = (await app.invokeAsync('keys.generate', { passphrase: 'rahasia-pengawas' }, { token: token.pengawas!, client: 'pengawas' })) as any;
    expect(key, JSON.stringify(key)).toMatchObject({ ok: true });
    const r = await sign('pengawas');
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, value: { signer: OBSERVER, account: 'pengawas', signatures: 2 } });
    const sigs = pdfsig(minutes);
    expect(sigs).toEqual([
      { field: 'ttd-koordinator', signer: 'Sri Wahyuni, S.Sos.', valid: true },
      { field: 'ttd-pengamat-pengawas', signer: OBSERVER, valid: true },
    ]);
    const report = await verifyPdf(readFileSync(minutes));
    expect(report.intact).toBe(true);
    expect(report.signatures[1]).toMatchObject({ field: 'ttd-pengamat-pengawas', reason: observerReason(EXAM, SESSION), signer: OBSERVER, valid: true });
    // Audited like every signature: who, with which key, on which document.
    const event = app.workstation!.db.prepare("SELECT actor, payload FROM audit_events WHERE command = 'minutes.sign' AND outcome = 'ok' ORDER BY seq DESC LIMIT 1").get() as { actor: string; payload: string };
    expect(event.actor).toBe('user:pengawas');
    expect(JSON.parse(event.payload)).toMatchObject({ session: SESSION, signer: { account: 'pengawas', name: OBSERVER } });
  });

  it('cannot sign twice, and the panel still signs its own lines after the observer', async () => {
    expect(await sign('pengawas')).toMatchObject({ ok: false, error: { code: 'ALREADY_SIGNED' } });
    const db = app.workstation!.db;
    const chair = db.prepare("SELECT id, display_name, nip FROM accounts WHERE name = 'ketua1'").get() as { id: string; display_name: string; nip: string };
    await generateIdentity(db, app.workstation!.dir, { id: chair.id, displayName: chair.display_name, nip: chair.nip }, 'Pemerintah Kota Semarang', 'rahasia-ketua1', new Date().toISOString());
    expect(await sign('ketua1')).toMatchObject({ ok: true, value: { signatures: 3 } });
    const sigs = pdfsig(minutes);
    // pdfsig lists the form's fields in the form's order: the drawn lines, then the observer's own.
    expect(sigs.map((s) => [s.field, s.valid]).sort()).toEqual([
      [`ttd-${chair.nip}`, true],
      ['ttd-koordinator', true],
      ['ttd-pengamat-pengawas', true],
    ]);
  });

  it('signs only minutes the coordinator signed first', async () => {
    const db = app.workstation!.db;
    const examId = db.prepare('SELECT id FROM exams').pluck().get() as string;
    const unsigned = join(root, 'belum-ditandatangani.pdf');
    writeFileSync(unsigned, await renderMinutes(minutesData(db, examId, SESSION), { name: 'Sri Wahyuni, S.Sos.', certified: false }));
    const r = (await app.invokeAsync('minutes.sign', { exam: EXAM, session: SESSION, account: 'pengawas', file: unsigned, passphrase: 'rahasia-pengawas' }, { local: 't' })) as any;
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED' } });
  });
});

describe('the hub shows which sessions were observed, from the signatures', () => {
  it('lists the observed session, the observer and when, read from the minutes in the merged bundle', async () => {
    const pem = (app.invoke('keys.certificate', { account: 'koordinator' }, { local: 't' }) as any).value.pem as string;
    const exported = (await app.invokeAsync('bundle.export', { exam: EXAM, passphrase: PASS, account: 'koordinator' }, { local: 't' })) as any;
    expect(exported, JSON.stringify(exported)).toMatchObject({ ok: true });
    const hub = Publisher.open(join(root, 'hub'));
    try {
      addTrustedSigner(hub.db, readCertificate(Buffer.from(pem)), { at: new Date().toISOString(), by: 'test' });
      await hub.ingest(exported.value.file, new Date().toISOString(), 'test');
      const observed = await observedSessions(hub.db, EXAM);
      expect(observed).toEqual([{ session: SESSION, observer: OBSERVER, fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/), signedAt: expect.any(String), file: 'berita-acara-WWC-F01.pdf' }]);
      // The chair's signature is on the same minutes, and is no observer's.
      expect(observed.map((o) => o.observer)).not.toContain(app.workstation!.db.prepare("SELECT display_name FROM accounts WHERE name = 'ketua1'").pluck().get());
      const site = join(root, 'situs');
      await hub.writeSite(site, new Date().toISOString());
      const html = readFileSync(join(site, sitePaths.exam(EXAM)), 'utf8');
      expect(html).toContain('<h2 id="pengamat">Sesi yang diamati</h2>');
      const section = html.slice(html.indexOf('id="pengamat"'));
      expect(section).toContain(`<td>${SESSION}</td><td>${OBSERVER}</td><td><time datetime="${observed[0]!.signedAt}">`);
      expect(section).toMatch(/pukul \d{2}\.\d{2} WIB/);
    } finally {
      hub.close();
    }
  }, 120_000);

  it('does not take a changed signature, a look-alike reason on another field, or minutes of another exam for an observation', async () => {
    const pdf = readFileSync(minutes);
    expect((await observersInMinutes(pdf, EXAM, 'x.pdf')).map((o) => o.observer)).toEqual([OBSERVER]);
    expect(await observersInMinutes(pdf, 'UJIAN-LAIN', 'x.pdf')).toEqual([]);
    // One byte of the observer's signed revision changed (its reason): that signature no longer verifies.
    const at = pdf.indexOf(Buffer.from(observerReason(EXAM, SESSION)));
    expect(at).toBeGreaterThan(0);
    const forged = Buffer.from(pdf);
    forged[at] = 'b'.charCodeAt(0); // "Berita" → "berita"
    expect(await observersInMinutes(forged, EXAM, 'x.pdf')).toEqual([]);
    // The chair's key signing with the observer's reason, but on an unnamed field: not an observer's signature.
    const db = app.workstation!.db;
    const chairId = db.prepare("SELECT id FROM accounts WHERE name = 'ketua1'").pluck().get() as string;
    const chair = await unlockIdentity(db, app.workstation!.dir, chairId, 'rahasia-ketua1', new Date());
    const lookalike = await signPdf(pdf, chair, { reason: observerReason(EXAM, SESSION), name: chair.commonName, location: 'Semarang' });
    expect((await observersInMinutes(lookalike, EXAM, 'x.pdf')).map((o) => o.observer)).toEqual([OBSERVER]);
    expect(observedSection([])).toContain('Belum ada berita acara yang ditandatangani pengamat.');
  });
});
