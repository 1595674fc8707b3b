import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { generateIdentity, unlockIdentity, type UnlockedIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { recordProofProblem } from '../../src-main/core/ledger/record-proof';
import { latestAnnouncement, signAnnouncement, verifyAnnouncement, type AnnouncementDocument, type SignedAnnouncement } from '../../src-main/core/publish/announcement';
import { announcementChanges, announcementNotice } from '../../src-main/core/publish/announcement-pages';
import { Publisher } from '../../src-main/core/publish/publisher';
import type { SiteInput } from '../../src-main/core/publish/site';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import { sha256Hex } from '../../src-main/core/util/hash';
import { startHub, type RunningHub } from '../../src-main/server/hub';

const PASS = 'rahasia-koordinator';
const root = mkdtempSync(join(tmpdir(), 'lentera-pengumuman-'));
let app: LenteraApp;
let hub: RunningHub;
let exam: string;
let pem: string;
let id: UnlockedIdentity;
let stranger: UnlockedIdentity;

const call = async <T>(name: string, input: unknown): Promise<T> => {
  const r = await app.invokeAsync(name, input, { local: 't' });
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
};
const refusal = async (name: string, input: unknown) => {
  const r = await app.invokeAsync(name, input, { local: 't' });
  if (r.ok) throw new Error(`${name} was expected to be refused`);
  return r.error;
};
const wsDb = () => app.workstation!.db;
const hubCount = (table: string) => hub.publisher.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
const signedFile = (seq: number) => JSON.parse(readFileSync(join(app.workstation!.dir, 'pengumuman', `pengumuman-${exam}-${seq}.json`), 'utf8')) as SignedAnnouncement;
const pdfFile = (seq: number) => join(app.workstation!.dir, 'pengumuman', `pengumuman-${exam}-${seq}.pdf`);
const docOf = (s: SignedAnnouncement) => JSON.parse(s.document) as AnnouncementDocument;

/** POST /api/pengumuman as a workstation (or an attacker) would. */
async function post(body: unknown, signer = id.fingerprint): Promise<{ status: number; body: { ok: boolean; ack?: { seq: number; unchanged: boolean; proof: { index: number } }; error?: { code: string; message: string } } }> {
  const text = JSON.stringify(body);
  const res = await fetch(`${hub.url}/api/pengumuman`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Lentera-Signer': signer }, body: text });
  return { status: res.status, body: (await res.json()) as never };
}

beforeAll(async () => {
  app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates: 30 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = wsDb();
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  id = await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date());
  exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  pem = (await call<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem;
  // Another workstation's coordinator, registered nowhere.
  const other = new LenteraApp({ dataDir: join(root, 'other'), allowInit: true });
  const r = other.invoke('workstation.init', { adminName: 'koordinator', adminDisplayName: 'Orang Lain', pin: '482913' }, { local: 't' });
  if (!r.ok) throw new Error(r.error.message);
  const oc = other.workstation!.db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(other.workstation!.db, other.workstation!.dir, { id: oc, displayName: 'Orang Lain', nip: null }, 'Bukan Panitia', PASS, new Date().toISOString());
  stranger = await unlockIdentity(other.workstation!.db, other.workstation!.dir, oc, PASS, new Date());
  other.close();
  hub = await startHub({ dir: join(root, 'hub'), port: 0 });
}, 180_000);

afterAll(async () => {
  await hub.close();
  app.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the announcement on the workstation', () => {
  let out: { seq: number; sha256: string; files: { json: string; pdf: string }; hub: string | null };

  it('refuses an objection period that ends before it begins, and a date that is no date; nothing is kept', async () => {
    const e = await refusal('announcement.publish', { exam, objectionFrom: '2026-12-16', objectionUntil: '2026-12-14', passphrase: PASS, account: 'koordinator' });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/objectionUntil: the objection period must end on or after its first day/);
    const bad = await refusal('announcement.publish', { exam, objectionFrom: '2026-02-30', objectionUntil: '2026-03-02', passphrase: PASS, account: 'koordinator' });
    expect(bad.message).toMatch(/objectionFrom: not a calendar date/);
    const wrong = await refusal('announcement.publish', { exam, objectionFrom: '2026-12-14', objectionUntil: '2026-12-16', passphrase: 'salah-sandi-nya', account: 'koordinator' });
    expect(wrong.code).toBe('PASSPHRASE_WRONG');
    expect(wsDb().prepare('SELECT COUNT(*) FROM announcements').pluck().get()).toBe(0);
    expect(existsSync(join(app.workstation!.dir, 'pengumuman'))).toBe(false);
  });

  it('publishes announcement 1 from the exam package and its ruleset, signed; nothing personal in it', async () => {
    out = await call('announcement.publish', { exam, objectionFrom: '2026-12-14', objectionUntil: '2026-12-16', passphrase: PASS, account: 'koordinator' });
    expect(out).toMatchObject({ seq: 1, hub: null });
    const signed = signedFile(1);
    const d = docOf(signed);
    expect(sha256Hex(signed.document)).toBe(out.sha256);
    expect(d.previous).toBeNull();
    expect(d.formations.find((f) => f.code === 'F01')).toEqual({ code: 'F01', position: 'Pranata Komputer Ahli Pertama', unit: 'Dinas Komunikasi, Informatika, Statistik dan Persandian', education: 'S1 Teknik Informatika', quota: 3 });
    expect(Object.fromEntries(d.stages.map((s) => [s.code, s.weight]))).toMatchObject({ SKD: 40, 'SKB-CAT': 36, 'SKB-WWC': 24 });
    expect(d.ruleset.sha256).toBe(loadRuleset('cpns-2024').sha256);
    expect(d.passingGrades).toMatchObject({ model: 'integration', skbCap: 3, byCategory: { umum: [{ component: 'twk', min: 65 }, { component: 'tiu', min: 80 }, { component: 'tkp', min: 166 }] } });
    expect(d.rubrics.map((r) => r.stage)).toEqual(['SKB-WWC']);
    expect(d.rubrics[0]!.criteria.map((c) => c.code)).toEqual(['integritas', 'komunikasi', 'kerjasama', 'pelayanan', 'teknis']);
    expect(d.schedule.find((s) => s.session === 'WWC-F01')).toMatchObject({ stage: 'SKB-WWC', time: expect.stringMatching(/^\d\d\.\d\d$/), venue: { name: expect.any(String) } });
    // Whole days in WIB: 14 December 00:00 WIB to 16 December 23:59:59.999 WIB.
    expect(d.objectionPeriod).toEqual({ from: '2026-12-13T17:00:00.000Z', until: '2026-12-16T16:59:59.999Z' });
    const people = wsDb().prepare('SELECT nomor_peserta, nama, nik FROM candidates').all() as { nomor_peserta: string; nama: string; nik: string }[];
    expect(people.length).toBeGreaterThan(0);
    for (const p of people) for (const v of [p.nomor_peserta, p.nama, p.nik]) expect(signed.document).not.toContain(v);
    expect(latestAnnouncement(wsDb(), exam)).toMatchObject({ seq: 1, sha256: out.sha256, objectionFrom: d.objectionPeriod.from, objectionUntil: d.objectionPeriod.until, leafIdx: null });
    const audit = wsDb().prepare("SELECT payload FROM audit_events WHERE command = 'announcement.publish' AND outcome = 'ok'").pluck().all() as string[];
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!)).toMatchObject({ seq: 1, sha256: out.sha256 });
    expect(audit[0]).not.toContain(PASS);
  });

  it('openssl verifies the signature over exactly the document bytes, and refuses one changed byte', () => {
    const signed = signedFile(1);
    const dir = mkdtempSync(join(root, 'ossl-'));
    writeFileSync(join(dir, 'cert.der'), Buffer.from(signed.certificate, 'base64'));
    execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'cert.der'), '-pubkey', '-noout', '-out', join(dir, 'pub.pem')]);
    writeFileSync(join(dir, 'doc.json'), signed.document);
    writeFileSync(join(dir, 'sig.bin'), Buffer.from(signed.signature, 'base64'));
    const ok = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.bin'), join(dir, 'doc.json')], { encoding: 'utf8' });
    expect(ok.stdout.trim()).toBe('Verified OK');
    expect(execFileSync('sha256sum', [join(dir, 'doc.json')], { encoding: 'utf8' }).slice(0, 64)).toBe(out.sha256);
    const tampered = signed.document.replace('"quota":3', '"quota":9');
    expect(tampered).not.toBe(signed.document);
    writeFileSync(join(dir, 'doc.json'), tampered);
    const bad = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.bin'), join(dir, 'doc.json')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/Verification failure/);
    expect(() => verifyAnnouncement({ ...signed, document: tampered })).toThrow(expect.objectContaining({ code: 'ANNOUNCEMENT_SIGNATURE_INVALID' }));
    expect(verifyAnnouncement(signed)).toMatchObject({ sha256: out.sha256, fingerprint: id.fingerprint, commonName: 'Sri Wahyuni' });
  });

  it('writes a PDF that pdfsig finds validly signed over the whole file, saying the same in Indonesian with the sha256', () => {
    const sig = execFileSync('pdfsig', [pdfFile(1)], { encoding: 'utf8' });
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    expect(sig).toContain('Total document signed');
    expect(sig).toContain('Signer Certificate Common Name: Sri Wahyuni');
    const text = execFileSync('pdftotext', ['-layout', pdfFile(1), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('PENGUMUMAN KE-1');
    expect(text).toContain('Kebutuhan: 3 orang');
    expect(text).toContain('Masa sanggah');
    expect(text).toContain('TWK ≥ 65');
    expect(text.replace(/ /g, '')).toContain(out.sha256);
  });
});

describe('the announcement at the hub', () => {
  it('is refused while the coordinator is not registered there: nothing is logged, the workstation keeps it', async () => {
    await call('hub.configure', { url: hub.url });
    const e = await refusal('announcement.push', { exam });
    expect(e.code).toBe('ANNOUNCEMENT_SIGNER_UNKNOWN');
    expect(e.message).toMatch(/not registered here/);
    expect(hubCount('announcements')).toBe(0);
    expect(hubCount('ledger_leaves')).toBe(0);
    expect(hub.publisher.db.prepare("SELECT command FROM audit_events WHERE outcome = 'refused'").pluck().all()).toEqual(['hub.announce']);
    expect(latestAnnouncement(wsDb(), exam)!.leafIdx).toBeNull();
  });

  it("is refused from a certificate registered to sign bundles only (a venue's key may not set the rules): nothing is logged", async () => {
    addTrustedSigner(hub.publisher.db, readCertificate(Buffer.from(pem)), { exam, at: new Date().toISOString(), by: 'test' });
    const e = await refusal('announcement.push', { exam });
    expect(e.code).toBe('ANNOUNCEMENT_SIGNER_NOT_ANNOUNCER');
    expect(e.message).toMatch(/hub trust --announce/);
    expect(hubCount('announcements')).toBe(0);
    expect(hubCount('ledger_leaves')).toBe(0);
    expect(latestAnnouncement(wsDb(), exam)!.leafIdx).toBeNull();
  });

  it('is logged once registered: the acknowledgement proves its leaf against the pinned key; the site shows it', async () => {
    addTrustedSigner(hub.publisher.db, readCertificate(Buffer.from(pem)), { exam, announces: true, at: new Date().toISOString(), by: 'test' });
    const r = await call<{ logged: { seq: number; leaf: number; unchanged: boolean }[]; failed: unknown }>('announcement.push', { exam });
    expect(r).toEqual({ exam, logged: [{ seq: 1, leaf: 0, unchanged: false, checkpoint: expect.objectContaining({ size: 1 }) }], failed: null });
    expect(latestAnnouncement(wsDb(), exam)!.leafIdx).toBe(0);
    const signed = signedFile(1);
    const proof = hub.publisher.log.leafProof(0)!;
    expect(recordProofProblem(signed.document, proof, hub.publisher.log.publicKey())).toBeNull();
    expect(recordProofProblem(signed.document.replace('"quota":3', '"quota":9'), proof, hub.publisher.log.publicKey())).toBe('isi catatan tidak sama dengan yang dicatat di log');
    const page = await (await fetch(`${hub.url}/ujian/${exam}/pengumuman.html`)).text();
    expect(page).toContain('Pengumuman ke-1');
    expect(page).toContain('Pengumuman ini yang berlaku.');
    expect(page).toContain(sha256Hex(signed.document));
    expect(page).toContain('log/catatan/00000000.json');
    expect(await (await fetch(`${hub.url}/log/catatan/00000000.json`)).text()).toBe(signed.document);
    expect(Buffer.from(await (await fetch(`${hub.url}/ujian/${exam}/pengumuman-1.pdf`)).arrayBuffer()).equals(readFileSync(pdfFile(1)))).toBe(true);
    expect(await (await fetch(`${hub.url}/index.html`)).text()).toContain(`ujian/${exam}/pengumuman.html`);
    // Sent again, it changes nothing.
    expect((await post({ announcement: signed })).body).toMatchObject({ ok: true, ack: { seq: 1, unchanged: true, proof: { index: 0 } } });
    expect(hubCount('ledger_leaves')).toBe(1);
  });

  it('a changed quota is announcement 2, chained to 1; both leaves stay and the site says what changed', async () => {
    wsDb().prepare("UPDATE formations SET quota = 4 WHERE code = 'F01'").run(); // as an updated exam package would
    const two = await call<{ seq: number; sha256: string; previous: string }>('announcement.publish', { exam, objectionFrom: '2026-12-14', objectionUntil: '2026-12-17', passphrase: PASS, account: 'koordinator' });
    expect(two).toMatchObject({ seq: 2, previous: sha256Hex(signedFile(1).document) });
    const r = await call<{ logged: { seq: number; leaf: number }[] }>('announcement.push', { exam });
    expect(r.logged).toEqual([expect.objectContaining({ seq: 2, leaf: 1 })]);
    const kinds = hub.publisher.log.records().map((x) => [x.index, x.kind, x.key]);
    expect(kinds).toEqual([
      [0, 'pengumuman', `pengumuman:${exam}:1`],
      [1, 'pengumuman', `pengumuman:${exam}:2`],
    ]);
    for (const seq of [1, 2]) expect(recordProofProblem(signedFile(seq).document, hub.publisher.log.leafProof(seq - 1)!, hub.publisher.log.publicKey())).toBeNull();
    const old = await (await fetch(`${hub.url}/ujian/${exam}/pengumuman-1.html`)).text();
    expect(old).toContain('Pengumuman ini telah diganti oleh');
    expect(old).toContain('diganti oleh pengumuman ke-2');
    expect(old).toContain('Kebutuhan formasi F01 berubah: 3 menjadi 4.');
    expect(old).toContain('Masa sanggah berubah.');
    const now = await (await fetch(`${hub.url}/ujian/${exam}/pengumuman.html`)).text();
    expect(now).toContain('Pengumuman ke-2');
    expect(latestAnnouncement(hub.publisher.db, exam)).toMatchObject({ seq: 2, leafIdx: 1, objectionUntil: '2026-12-17T16:59:59.999Z' });
  });

  it('refuses a tampered document, a replayed number, a broken chain, a gap, a stranger and a PDF of another document; nothing is stored', async () => {
    const before = { a: hubCount('announcements'), l: hubCount('ledger_leaves'), c: hubCount('ledger_checkpoints') };
    const one = signedFile(1);
    const two = signedFile(2);
    const d2 = docOf(two);
    const resign = async (d: AnnouncementDocument, by = id) => signAnnouncement(d, by);
    const cases: [string, unknown, number, string, string?][] = [
      ['tampered', { announcement: { ...two, document: two.document.replace('"quota":4', '"quota":40') } }, 422, 'ANNOUNCEMENT_SIGNATURE_INVALID'],
      ['replayed number', { announcement: await resign({ ...d2, formations: d2.formations.map((f) => ({ ...f, quota: 9 })) }) }, 409, 'ANNOUNCEMENT_REPLAYED'],
      ['broken chain', { announcement: await resign({ ...d2, seq: 3, previous: sha256Hex(one.document) }) }, 409, 'ANNOUNCEMENT_CHAIN_BROKEN'],
      ['gap', { announcement: await resign({ ...d2, seq: 5, previous: sha256Hex(two.document) }) }, 409, 'ANNOUNCEMENT_GAP'],
      ['pdf of another document', { announcement: one, pdf: readFileSync(pdfFile(2)).toString('base64') }, 422, 'ANNOUNCEMENT_PDF_INVALID'],
      ['signer header of another key', { announcement: await resign({ ...d2, seq: 3, previous: sha256Hex(two.document) }, stranger) }, 403, 'ANNOUNCEMENT_SIGNER_MISMATCH'],
      ['not json', 'x', 422, 'ANNOUNCEMENT_INVALID'],
    ];
    for (const [what, body, status, code] of cases) {
      const r = typeof body === 'string' ? await fetch(`${hub.url}/api/pengumuman`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Lentera-Signer': id.fingerprint }, body }).then(async (x) => ({ status: x.status, body: (await x.json()) as { error: { code: string } } })) : await post(body);
      expect({ what, status: r.status, code: r.body.error?.code }).toEqual({ what, status, code });
    }
    // A stranger naming itself is refused before its body is read.
    const s = await post({ announcement: await resign({ ...d2, seq: 3, previous: sha256Hex(two.document) }, stranger) }, stranger.fingerprint);
    expect(s).toMatchObject({ status: 403, body: { error: { code: 'ANNOUNCEMENT_SIGNER_UNKNOWN' } } });
    // Without the header's early check (the command line at the hub), its signature decides the same.
    await expect(hub.publisher.announce(await resign({ ...d2, seq: 3, previous: sha256Hex(two.document) }, stranger), null, new Date().toISOString(), 'test')).rejects.toMatchObject({ code: 'ANNOUNCEMENT_SIGNER_UNKNOWN' });
    const big = await fetch(`${hub.url}/api/pengumuman`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Lentera-Signer': id.fingerprint }, body: 'x'.repeat(2 * 1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    expect({ a: hubCount('announcements'), l: hubCount('ledger_leaves'), c: hubCount('ledger_checkpoints') }).toEqual(before);
    const refused = hub.publisher.db.prepare("SELECT payload FROM audit_events WHERE command = 'hub.announce' AND outcome = 'refused'").pluck().all() as string[];
    expect(refused.length).toBeGreaterThanOrEqual(cases.length);
  });

  it('the exam page links to the announcement whose rules the results used', async () => {
    await call('bundle.export', { exam, passphrase: PASS, account: 'koordinator' });
    const r = await call<{ state: string; message: string }[]>('outbox.push', {});
    expect(r[0]).toMatchObject({ state: 'confirmed' });
    const page = await (await fetch(`${hub.url}/ujian/${exam}/index.html`)).text();
    expect(page).toContain('Hasil ini dihitung dengan aturan yang diumumkan dalam');
    expect(page).toContain('pengumuman-2.html">pengumuman ke-2</a>');
    expect(page).not.toContain('tidak ada di pengumuman mana pun');
  });
});

describe('results against the announcements', () => {
  const doc = (seq: number, ruleset: string) => ({ exam: 'X', seq, document: { ruleset: { sha256: ruleset } } }) as never;
  const input = (announcements: unknown[]) => ({ announcements }) as unknown as SiteInput;
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);

  it('warns plainly when no announcement has the rules the results used', () => {
    const html = announcementNotice(input([doc(1, a)]), 'X', b, 'ujian/X/index.html');
    expect(html).toContain('Hasil ini dihitung dengan aturan yang tidak ada di pengumuman mana pun');
    expect(html).toContain(b);
    expect(announcementNotice(input([]), 'X', b, 'ujian/X/index.html')).toContain('belum ada pengumuman untuk ujian ini');
  });

  it('names an older announcement whose rules were used, and the one in force', () => {
    const html = announcementNotice(input([doc(1, a), doc(2, b)]), 'X', a, 'ujian/X/index.html');
    expect(html).toContain('pengumuman-1.html">pengumuman ke-1</a>');
    expect(html).toContain('berlaku sekarang adalah <a href="../../ujian/X/pengumuman.html">pengumuman ke-2</a>');
  });

  it('says a changed ruleset in words', () => {
    const base = { ruleset: { id: 'cpns-2024', version: '1', sha256: a }, formations: [], stages: [], passingGrades: {}, tieBreak: [], schedule: [], rubrics: [], objectionPeriod: { from: 'x', until: 'y' } } as unknown as AnnouncementDocument;
    expect(announcementChanges(base, { ...base, ruleset: { ...base.ruleset, version: '2', sha256: b } })).toEqual([`Aturan penilaian berubah: cpns-2024 versi 1 (sha256 ${a}) menjadi cpns-2024 versi 2 (sha256 ${b}).`]);
  });
});

describe('the command line', () => {
  const io = () => {
    const lines: string[] = [];
    return { lines, io: { out: (t: string) => void lines.push(t), err: (t: string) => void lines.push(t), askSecret: async () => PASS, osUser: 't' } };
  };

  it('"lentera hub announce" publishes the files at another hub (a USB stick), once', async () => {
    const dir = join(root, 'hub-usb');
    const p = Publisher.open(dir);
    addTrustedSigner(p.db, readCertificate(Buffer.from(pem)), { exam, announces: true, at: new Date().toISOString(), by: 'test' });
    p.close();
    const file = (seq: number) => join(app.workstation!.dir, 'pengumuman', `pengumuman-${exam}-${seq}.json`);
    const gap = io();
    expect(await run(['hub', 'announce', '--data', dir, file(2)], gap.io)).toBe(1);
    expect(gap.lines.join('\n')).toMatch(/Announcement 2 of .* cannot come yet: the next one here is 1/);
    const first = io();
    expect(await run(['hub', 'announce', '--data', dir, file(1), pdfFile(1)], first.io)).toBe(0);
    expect(first.lines.join('\n')).toMatch(/announcement 1 of .*: published, log entry 0/);
    expect(existsSync(join(dir, 'site', 'ujian', exam, 'pengumuman-1.pdf'))).toBe(true);
    const again = io();
    expect(await run(['hub', 'announce', '--data', dir, file(1)], again.io)).toBe(0);
    expect(again.lines.join('\n')).toMatch(/already published, log entry 0/);
  });

  it('"lentera announce" refuses a reversed period with exit 1, and lists the announcements', async () => {
    const dataDir = app.workstation!.dir;
    const pass = join(root, 'pass.txt');
    writeFileSync(pass, `${PASS}\n`);
    const rev = io();
    expect(await run(['announce', '--data', dataDir, '--exam', exam, '--sanggah-mulai', '2026-12-20', '--sanggah-selesai', '2026-12-18', '--passphrase-file', pass], rev.io)).toBe(1);
    expect(rev.lines.join('\n')).toMatch(/objection period must end on or after its first day/);
    const none = io();
    expect(await run(['announce', '--data', dataDir, '--exam', exam, '--passphrase-file', pass], none.io)).toBe(2);
    const list = io();
    expect(await run(['announce', '--data', dataDir, '--exam', exam, '--list'], list.io)).toBe(0);
    expect(list.lines.filter((l) => l.startsWith('#'))).toHaveLength(2);
    expect(list.lines[1]).toMatch(/log entry 1$/);
  });
});
