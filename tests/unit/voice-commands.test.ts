import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxPusher } from '../../src-main/api/outbox';
import type { Result } from '../../src-main/api/result';
import { sentRecordProblem, type SentRecord } from '../../src-main/api/voice-wire';
import { recordProofProblem } from '../../src-main/core/ledger/record-proof';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { currentCertificate } from '../../src-main/core/keys/identities';
import { addCommitteeMember, revokeCommitteeMember } from '../../src-main/core/publish/committee';
import { publishedStages } from '../../src-main/core/publish/objections';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { addUser, login } from './helpers';
import { voiceVenue, wibDay, type VoiceVenue } from './voice-fixture';

/**
 * The workstation's committee commands against a real hub (`startHub` on port 0): a clerk files an objection for a
 * candidate at the venue with the receipt the workstation holds, the coordinator answers it and the public reports,
 * an observer reads them; every refusal of the hub comes back with the hub's code and words, and the committee
 * token never reaches the audit log or a screen.
 */

const root = mkdtempSync(join(tmpdir(), 'lentera-voice-ws-'));
const PIN = '739104';
let venue: VoiceVenue;
let hub: RunningHub;
let stage: string;
let nomors: string[];
const tokens: Record<string, string> = {};
const people: Record<string, string> = {};

const call = async <T>(who: string, name: string, input: unknown): Promise<T> => {
  const r = await venue.app.invokeAsync(name, input, who === 'cli' ? { local: 't' } : { token: people[who]!, client: who });
  if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.value as T;
};
const attempt = (who: string, name: string, input: unknown): Promise<Result> => venue.app.invokeAsync(name, input, { token: people[who]!, client: who });
const refused = async (who: string, name: string, input: unknown) => {
  const r = await attempt(who, name, input);
  if (r.ok) throw new Error(`${name} was not refused`);
  return r.error;
};
const wsDb = () => venue.app.workstation!.db;
const auditText = () => (wsDb().prepare('SELECT payload FROM audit_events').pluck().all() as string[]).join('\n');
const hubObjections = () => hub.publisher.db.prepare('SELECT COUNT(*) FROM objections').pluck().get() as number;
const TEXT = 'Nilai TIU saya di lembar hasil berbeda dengan yang tampil di layar ujian.';

beforeAll(async () => {
  venue = await voiceVenue(root);
  const app = venue.app;
  for (const [name, role] of [
    ['petugasA', 'clerk'],
    ['pengamatA', 'observer'],
    ['koordinatorB', 'coordinator'],
  ] as const) {
    addUser(app, name, role, PIN);
    people[name] = login(app, name, PIN);
  }
  hub = await startHub({ dir: join(root, 'hub'), port: 0 });
  // The venue's bundle reaches the hub through the outbox, as in the field: the receipts come back with the ack.
  const coord = wsDb().prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  addTrustedSigner(hub.publisher.db, currentCertificate(wsDb(), coord)!.certDer, { exam: venue.exam, announces: true, at: new Date().toISOString(), by: 'test' });
  await call('cli', 'hub.configure', { url: hub.url });
  const pushed = await new OutboxPusher({ db: () => wsDb(), fetchTimeoutMs: 10_000 }).pushDue();
  expect(pushed[0]).toMatchObject({ state: 'confirmed' });
  const now = new Date();
  await venue.announce(hub.publisher, wibDay(now, -1), wibDay(now, 7), now.toISOString());
  stage = publishedStages(hub.publisher, venue.exam)[0]!;
  nomors = wsDb().prepare('SELECT nomor_peserta FROM receipts ORDER BY nomor_peserta').pluck().all() as string[];
  const at = now.toISOString();
  tokens.panitia = addCommitteeMember(hub.publisher.db, { name: 'Panitia Seleksi Kota', role: 'panitia' }, at, 'test').token;
  tokens.pengamat = addCommitteeMember(hub.publisher.db, { name: 'Ombudsman Jateng', role: 'pengamat' }, at, 'test').token;
  tokens.tempat = addCommitteeMember(hub.publisher.db, { name: 'SMKN 7 Semarang', role: 'tempat' }, at, 'test').token;
  tokens.revoked = addCommitteeMember(hub.publisher.db, { name: 'Panitia Lama', role: 'panitia' }, at, 'test').token;
  revokeCommitteeMember(hub.publisher.db, { name: 'Panitia Lama' }, at, 'test');
}, 180_000);

afterAll(async () => {
  await hub?.close();
  venue?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the committee token', () => {
  it('is refused by every command until it is set, with where to set it', async () => {
    expect(nomors.length).toBeGreaterThan(5);
    const e = await refused('petugasA', 'sanggah.file', { exam: venue.exam, nomor: nomors[0], stage, text: TEXT });
    expect(e.code).toBe('HUB_TOKEN_MISSING');
    expect(e.message).toMatch(/lentera hub komite add/);
    expect((await refused('pengamatA', 'laporan.list', { exam: venue.exam })).code).toBe('HUB_TOKEN_MISSING');
    expect(hubObjections()).toBe(0);
  });

  it('is set by the coordinator, told back only as set with its last four characters, and never written into the audit log', async () => {
    const out = await call<{ set: boolean; last4: string }>('koordinatorB', 'hub.committee', { token: tokens.tempat });
    expect(out).toEqual({ set: true, last4: tokens.tempat!.slice(-4) });
    const settings = await call<{ committeeToken: unknown; url: string }>('pengamatA', 'hub.settings', {});
    expect(settings.committeeToken).toEqual({ set: true, last4: tokens.tempat!.slice(-4) });
    // Every logged-in person may list settings: the token shows there as its last four characters only.
    const listed = await call<Record<string, string>>('petugasA', 'settings.list', {});
    expect(listed['hub.committee_token']).toBe(`…${tokens.tempat!.slice(-4)}`);
    expect(JSON.stringify(listed)).not.toContain(tokens.tempat);
    const event = wsDb().prepare("SELECT payload FROM audit_events WHERE command = 'hub.committee' ORDER BY seq DESC").pluck().get() as string;
    expect(JSON.parse(event)).toEqual({ committee: 'set', endsWith: tokens.tempat!.slice(-4) });
    expect(auditText()).not.toContain(tokens.tempat);
  });

  it('cannot be set or read through the general settings command, and a refusal does not log it either', async () => {
    const e = await refused('koordinatorB', 'settings.set', { key: 'hub.committee_token', value: tokens.panitia });
    expect(e.code).toBe('SETTING_SECRET');
    const bad = await refused('koordinatorB', 'hub.committee', { token: `${tokens.panitia} dengan spasi` });
    expect(bad.code).toBe('INVALID_INPUT');
    // Neither refusal changed the token, and neither logged the token that was sent.
    expect((await call<{ committeeToken: { last4: string } }>('koordinatorB', 'hub.settings', {})).committeeToken.last4).toBe(tokens.tempat!.slice(-4));
    expect(auditText()).not.toContain(tokens.panitia);
    const refusals = wsDb().prepare("SELECT payload FROM audit_events WHERE outcome = 'refused' AND command IN ('settings.set', 'hub.committee')").pluck().all() as string[];
    expect(refusals).toHaveLength(2);
    for (const r of refusals) expect(r).toContain('[redacted]');
  });

  it('only the coordinator sets it', async () => {
    for (const who of ['petugasA', 'pengamatA']) expect((await refused(who, 'hub.committee', { token: tokens.panitia })).code).toBe('FORBIDDEN');
  });
});

describe('a clerk files an objection for a candidate at the venue', () => {
  it('refuses a candidate whose result is not at the hub yet, in words the clerk can tell the candidate, and sends nothing', async () => {
    const e = await refused('petugasA', 'sanggah.file', { exam: venue.exam, nomor: '999999999999', stage, text: TEXT });
    expect(e).toMatchObject({ code: 'SANGGAH_NO_RECEIPT', message: 'Hasil peserta ini belum tercatat di hub; sanggah dapat diajukan setelah hasilnya diumumkan.' });
    expect(hubObjections()).toBe(0);
    expect((await refused('petugasA', 'sanggah.file', { exam: 'UJIAN-LAIN', nomor: nomors[0], stage, text: TEXT })).code).toBe('NOT_FOUND');
  });

  it('files it with the salt of the receipt held here: a tracking code, the venue channel, a log entry that verifies against the pinned key', async () => {
    const out = await call<{ id: string; status: string; channel: string; stage: string; logIndex: number; logVerified: boolean | null }>('petugasA', 'sanggah.file', { exam: venue.exam, nomor: nomors[0], stage, text: TEXT });
    expect(out.id).toMatch(/^SGH(-[2-9A-HJ-NP-Z]{4}){4}$/);
    expect(out).toMatchObject({ status: 'diajukan', channel: 'tempat', stage, logVerified: true });
    const row = hub.publisher.db.prepare('SELECT nomor_peserta, body, channel, filed_by, filed_leaf FROM objections WHERE id = ?').get(out.id);
    expect(row).toEqual({ nomor_peserta: nomors[0], body: TEXT, channel: 'tempat', filed_by: 'SMKN 7 Semarang', filed_leaf: out.logIndex });
    // The workstation's audit says who filed what, never the salt that proves the candidate.
    const salt = (JSON.parse(wsDb().prepare('SELECT receipt FROM receipts WHERE nomor_peserta = ?').pluck().get(nomors[0]) as string) as { salt: string }).salt;
    const event = JSON.parse(wsDb().prepare("SELECT payload FROM audit_events WHERE command = 'sanggah.file' AND outcome = 'ok'").pluck().get() as string);
    expect(event).toEqual({ exam: venue.exam, nomor: nomors[0], stage, text: TEXT, id: out.id, logIndex: out.logIndex, logVerified: true });
    expect(auditText()).not.toContain(salt);
  });

  it("passes on the hub's refusals with the hub's code and Indonesian words, audited here as refused", async () => {
    const dup = await refused('petugasA', 'sanggah.file', { exam: venue.exam, nomor: nomors[0], stage, text: 'Sekali lagi tentang nilai saya yang berbeda.' });
    expect(dup.code).toBe('SANGGAH_DUPLICATE');
    expect(dup.message).toMatch(/sudah diajukan dengan kode lacak SGH-/);
    expect(dup.details).toMatchObject({ status: 409, hub: true });
    const stageWrong = await refused('petugasA', 'sanggah.file', { exam: venue.exam, nomor: nomors[1], stage: 'SKB-PRAKTIK', text: TEXT });
    expect(stageWrong.code).toBe('SANGGAH_INVALID');
    expect(stageWrong.message).toMatch(/^Tahap: "SKB-PRAKTIK"/);
    const last = wsDb().prepare("SELECT outcome, payload FROM audit_events WHERE command = 'sanggah.file' ORDER BY seq DESC").get() as { outcome: string; payload: string };
    expect(last.outcome).toBe('refused');
    expect(JSON.parse(last.payload)).toMatchObject({ code: 'SANGGAH_INVALID', input: { nomor: nomors[1], stage: 'SKB-PRAKTIK' } });
    expect(hubObjections()).toBe(1);
  });

  it('a venue token may file but not read the list: the hub says so', async () => {
    const e = await refused('pengamatA', 'sanggah.list', { exam: venue.exam });
    expect(e.code).toBe('KOMITE_FORBIDDEN');
    expect(e.message).toMatch(/^Peran tempat tidak boleh/);
  });
});

describe('the committee reads and answers', () => {
  it('an unknown or revoked token is refused by the hub, and that refusal never reads as this workstation ending the session', async () => {
    await call('koordinatorB', 'hub.committee', { token: tokens.revoked });
    const e = await refused('koordinatorB', 'sanggah.list', { exam: venue.exam });
    expect(e.code).toBe('KOMITE_UNAUTHORIZED');
    // Still logged in here.
    expect((await attempt('koordinatorB', 'accounts.me', {})).ok).toBe(true);
  });

  it('an observer reads every objection with the candidate number, the text and the channel; a clerk may not', async () => {
    await call('koordinatorB', 'hub.committee', { token: tokens.panitia });
    const list = await call<{ id: string; nomor: string; text: string; channel: string; filedBy: string; status: string }[]>('pengamatA', 'sanggah.list', { exam: venue.exam });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ nomor: nomors[0], text: TEXT, channel: 'tempat', filedBy: 'SMKN 7 Semarang', status: 'diajukan' });
    expect(await call('pengamatA', 'sanggah.list', { exam: venue.exam, status: 'ditolak' })).toEqual([]);
    expect((await refused('petugasA', 'sanggah.list', { exam: venue.exam })).code).toBe('FORBIDDEN');
  });

  it('the coordinator accepts it with a reasoned answer (logged, verified); a second answer is refused by the hub; a short one never leaves', async () => {
    const [o] = await call<{ id: string }[]>('koordinatorB', 'sanggah.list', { exam: venue.exam });
    const short = await refused('koordinatorB', 'sanggah.answer', { id: o!.id, decision: 'diterima', answer: 'ok' });
    expect(short.code).toBe('INVALID_INPUT');
    expect((await refused('pengamatA', 'sanggah.answer', { id: o!.id, decision: 'diterima', answer: 'Nilai dikoreksi setelah diperiksa.' })).code).toBe('FORBIDDEN');
    expect(hub.publisher.db.prepare("SELECT status FROM objections WHERE id = ?").pluck().get(o!.id)).toBe('diajukan');
    const answer = 'Lembar jawaban diperiksa ulang; nilai TIU dikoreksi melalui amandemen.';
    const out = await call<{ status: string; answer: string; logVerified: boolean; logIndex: number }>('koordinatorB', 'sanggah.answer', { id: o!.id, decision: 'diterima', answer });
    expect(out).toMatchObject({ status: 'diterima', answer, logVerified: true });
    expect(hub.publisher.db.prepare('SELECT status, answered_by, answer_leaf FROM objections WHERE id = ?').get(o!.id)).toEqual({ status: 'diterima', answered_by: 'Panitia Seleksi Kota', answer_leaf: out.logIndex });
    expect(JSON.parse(wsDb().prepare("SELECT payload FROM audit_events WHERE command = 'sanggah.answer' AND outcome = 'ok'").pluck().get() as string)).toMatchObject({ id: o!.id, decision: 'diterima', answer });
    const again = await refused('koordinatorB', 'sanggah.answer', { id: o!.id, decision: 'ditolak', answer: 'Jawaban kedua yang seharusnya ditolak.' });
    expect(again.code).toBe('SANGGAH_ANSWERED');
    const missing = await refused('koordinatorB', 'sanggah.answer', { id: 'SGH-2222-2222-2222-2222', decision: 'ditolak', answer: 'Tidak ada sanggah seperti ini.' });
    expect(missing.code).toBe('SANGGAH_NOT_FOUND');
    // An id that would change the URL's path is not sent at all.
    expect((await refused('koordinatorB', 'sanggah.answer', { id: '../../api/bundles', decision: 'ditolak', answer: 'Percobaan jalur lain.' })).code).toBe('INVALID_INPUT');
  });

  it('a public report with a script in it comes back as text (masked as published, and as sent), is answered and followed up, and a closed one is refused', async () => {
    const payload = '<img src=x onerror="alert(1)"> Ada joki di ruang 2, hubungi saya di saksi@contoh.id atau 081234567890.';
    const filed = await fetch(`${hub.url}/api/laporan`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ exam: venue.exam, category: 'joki', text: payload, contact: 'saksi@contoh.id', website: '' }) });
    expect(filed.status).toBe(201);
    const list = await call<{ id: string; text: string; body: string; contact: string | null; status: string; answers: unknown[] }[]>('pengamatA', 'laporan.list', { exam: venue.exam });
    expect(list).toHaveLength(1);
    const r = list[0]!;
    expect(r.body).toBe(payload);
    expect(r.text).toContain('<img src=x onerror="alert(1)">');
    expect(r.text).not.toContain('saksi@contoh.id');
    expect(r.text).not.toContain('081234567890');
    expect(r).toMatchObject({ contact: 'saksi@contoh.id', status: 'diterima', answers: [] });
    const reviewed = await call<{ status: string; logVerified: boolean; answers: { status: string }[] }>('koordinatorB', 'laporan.answer', { id: r.id, status: 'ditelaah', answer: 'Laporan diterima dan sedang ditelaah panitia.' });
    expect(reviewed).toMatchObject({ status: 'ditelaah', logVerified: true });
    await call('koordinatorB', 'laporan.answer', { id: r.id, status: 'ditindaklanjuti', answer: 'Pengawas ruang 2 diperiksa; hasilnya dilaporkan ke BKN.' });
    const closed = await refused('koordinatorB', 'laporan.answer', { id: r.id, status: 'ditelaah', answer: 'Kembali ditelaah, seharusnya ditolak.' });
    expect(closed.code).toBe('LAPORAN_CLOSED');
    const after = await call<{ status: string; answers: { status: string }[] }[]>('pengamatA', 'laporan.list', { exam: venue.exam, status: 'ditindaklanjuti' });
    expect(after[0]!.answers.map((a) => a.status)).toEqual(['ditelaah', 'ditindaklanjuti']);
    expect((await refused('pengamatA', 'laporan.answer', { id: r.id, status: 'ditolak', answer: 'Pengamat tidak boleh menjawab.' })).code).toBe('FORBIDDEN');
  });

  it('a proof that does not hold against the pinned key is reported, not hidden', async () => {
    const key = wsDb().prepare("SELECT value FROM settings WHERE key = 'hub.log_key'").pluck().get() as string;
    wsDb().prepare("UPDATE settings SET value = ? WHERE key = 'hub.log_key'").run(Buffer.alloc(32, 7).toString('base64url'));
    try {
      const [r] = await call<{ id: string }[]>('koordinatorB', 'laporan.list', { exam: venue.exam });
      const out = await call<{ logVerified: boolean; logProblem: string }>('koordinatorB', 'laporan.answer', { id: r!.id, status: 'ditindaklanjuti', answer: 'Kabar tindak lanjut berikutnya dari panitia.' });
      expect(out).toMatchObject({ logVerified: false, logProblem: 'checkpoint ditandatangani log lain' });
    } finally {
      wsDb().prepare("UPDATE settings SET value = ? WHERE key = 'hub.log_key'").run(key);
    }
  });

  it('says plainly when the hub cannot be reached, and that the objection was not sent', async () => {
    // A port nothing listens on (port 9 itself is one fetch refuses to try).
    const probe = createServer();
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((ok) => probe.close(ok));
    await call('cli', 'hub.configure', { url: `http://127.0.0.1:${port}` });
    try {
      const e = await refused('petugasA', 'sanggah.file', { exam: venue.exam, nomor: nomors[2], stage, text: TEXT });
      expect(e).toMatchObject({ code: 'HUB_UNREACHABLE', message: 'Hub tidak dapat dihubungi: ECONNREFUSED; sanggah belum terkirim.' });
      expect((await refused('koordinatorB', 'laporan.list', { exam: venue.exam })).message).toBe('Hub tidak dapat dihubungi: ECONNREFUSED; daftar laporan belum dapat dibaca.');
    } finally {
      await call('cli', 'hub.configure', { url: hub.url });
    }
    expect(hubObjections()).toBe(1);
  });
});

describe('the record the hub logged is the one sent, not just some record', () => {
  /** A hub in between: passes every request on, and lets `rewrite` change the hub's JSON answer. */
  async function between(rewrite: (path: string, body: Record<string, unknown>) => Record<string, unknown>): Promise<{ url: string; close: () => Promise<unknown> }> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const h of ['authorization', 'content-type', 'accept']) if (req.headers[h]) headers[h] = String(req.headers[h]);
        void fetch(`${hub.url}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined }).then(async (r) => {
          const body = (await r.json()) as Record<string, unknown>;
          res.writeHead(r.status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(r.ok ? rewrite(req.url ?? '', body) : body));
        });
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((ok) => (server.closeAllConnections(), server.close(ok))) };
  }
  /** A genuine record of the hub's log and its proof: it verifies, but it is not the one just sent. */
  const genuine = (kind: string, key: string) => {
    const r = hub.publisher.log.records().find((x) => x.kind === kind && x.key === key)!;
    return { record: Buffer.from(r.record).toString('utf8'), proof: hub.publisher.log.leafProof(r.index)! };
  };
  const through = async <T>(proxy: { url: string }, run: () => Promise<T>): Promise<T> => {
    await call('cli', 'hub.configure', { url: proxy.url, logKey: hub.publisher.log.publicKey() });
    try {
      return await run();
    } finally {
      await call('cli', 'hub.configure', { url: hub.url, logKey: hub.publisher.log.publicKey() });
    }
  };

  it('an objection filed here, answered with the record and proof of another objection, is reported: hub mencatat catatan lain', async () => {
    const first = hub.publisher.db.prepare('SELECT id FROM objections WHERE nomor_peserta = ?').pluck().get(nomors[0]) as string;
    const other = genuine('sanggah', `sanggah:${first}`);
    const proxy = await between((path, body) => (path === '/api/sanggah' ? { ...body, ...other } : body));
    await call('koordinatorB', 'hub.committee', { token: tokens.tempat });
    try {
      const out = await through(proxy, () => call<{ id: string; logVerified: boolean | null; logProblem: string | null }>('petugasA', 'sanggah.file', { exam: venue.exam, nomor: nomors[2], stage, text: TEXT }));
      expect(out.id).not.toBe(first);
      expect(out).toMatchObject({ logVerified: false, logProblem: 'hub mencatat catatan lain: id, textSha256 tidak sama dengan yang dikirim' });
      // The same record and proof verify against the log key: only the comparison with what was sent catches it.
      expect(recordProofProblem(other.record, other.proof, hub.publisher.log.publicKey())).toBeNull();
    } finally {
      await proxy.close();
      await call('koordinatorB', 'hub.committee', { token: tokens.panitia });
    }
  });

  it('an answer logged with other words than those sent (an earlier answer replayed) is reported, and an honest one still verifies', async () => {
    const [r] = await call<{ id: string }[]>('koordinatorB', 'laporan.list', { exam: venue.exam });
    let replay: { record: string; proof: unknown } | null = null;
    const proxy = await between((path, body) => (replay && path.endsWith('/jawab') ? { ...body, ...replay } : body));
    try {
      const honest = await through(proxy, () => call<{ logVerified: boolean | null }>('koordinatorB', 'laporan.answer', { id: r!.id, status: 'ditindaklanjuti', answer: 'Kabar tindak lanjut: pengawas diganti.' }));
      expect(honest.logVerified).toBe(true);
      const last = hub.publisher.log.records().filter((x) => x.kind === 'laporan-jawaban').pop()!;
      replay = { record: Buffer.from(last.record).toString('utf8'), proof: hub.publisher.log.leafProof(last.index)! };
      const out = await through(proxy, () => call<{ logVerified: boolean | null; logProblem: string | null }>('koordinatorB', 'laporan.answer', { id: r!.id.toLowerCase(), status: 'ditindaklanjuti', answer: 'Kabar berikutnya: sanksi dijatuhkan.' }));
      expect(out).toMatchObject({ logVerified: false, logProblem: 'hub mencatat catatan lain: answer tidak sama dengan yang dikirim' });
      expect(JSON.parse(wsDb().prepare("SELECT payload FROM audit_events WHERE command = 'laporan.answer' AND outcome = 'ok' ORDER BY seq DESC").pluck().get() as string)).toMatchObject({ logVerified: false });
    } finally {
      await proxy.close();
    }
  });

  it('compares kind, id, exam, decision or status and the answer text field by field', () => {
    const record = JSON.stringify({ v: 1, k: 'sanggah-jawaban', id: 'SGH-AAAA-BBBB-CCCC-DDDD', exam: 'X', decision: 'ditolak', answer: 'Alasan penolakan yang cukup.', answeredAt: 't' });
    const sent: SentRecord = { k: 'sanggah-jawaban', id: 'SGH-AAAA-BBBB-CCCC-DDDD', exam: 'X', decision: 'ditolak', answer: 'Alasan penolakan yang cukup.' };
    expect(sentRecordProblem(record, sent)).toBeNull();
    expect(sentRecordProblem(record, { ...sent, id: 'SGH-2222-2222-2222-2222' })).toBe('hub mencatat catatan lain: id tidak sama dengan yang dikirim');
    expect(sentRecordProblem(record, { ...sent, k: 'laporan-jawaban' })).toBe('hub mencatat catatan lain: jenis tidak sama dengan yang dikirim');
    expect(sentRecordProblem(record, { ...sent, exam: 'Y', decision: 'diterima' })).toBe('hub mencatat catatan lain: exam, decision tidak sama dengan yang dikirim');
    expect(sentRecordProblem('bukan json', sent)).toBe('hub mencatat catatan lain: catatan yang dikembalikan bukan JSON');
    expect(sentRecordProblem('[1]', sent)).toBe('hub mencatat catatan lain: catatan yang dikembalikan bukan objek');
  });
});
