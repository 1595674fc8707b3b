/**
 * Issue 18, item 2 (optional part): witnesses cosign the log's checkpoints (c2sp.org/tlog-cosignature). A witness
 * (`lentera witness`) checks each new head extends the last it cosigned, from the log's tiles, and refuses a fork or
 * a rollback; the hub keeps only registered witnesses' cosignatures and serves them with the checkpoint, where an
 * independent client (Python, from the spec) verifies them.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-run';
import { cosign, cosignedMessage, cosignerKeyId, parseWitnessKey, verifyCosignature, witnessKey, type Witness } from '../../src-main/core/ledger/cosignature';
import { noteKeyId, openNote, parseVerifierKey } from '../../src-main/core/ledger/signed-note';
import { startHub, type RunningHub } from '../../src-main/server/hub';


function newWitness(name: string): Witness & { sign: (m: Uint8Array) => Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, publicKeyRaw: new Uint8Array(Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url')), sign: (m) => sign(null, m, privateKey) };
}

const TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

describe('cosignatures (c2sp.org/tlog-cosignature, Ed25519 v1)', () => {
  it('signs the message the spec shows: "cosignature/v1", the time, then the checkpoint text', () => {
    expect(new TextDecoder().decode(cosignedMessage(TEXT, 1679315147))).toBe(`cosignature/v1\ntime 1679315147\n${TEXT}`);
    expect(() => cosignedMessage(TEXT, -1)).toThrow(/whole seconds/);
  });

  it('reads the time out of the spec example line (key id, big-endian u64 timestamp, signature)', () => {
    const line = '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
    const body = Buffer.from(line.split(' ')[2]!, 'base64');
    expect(body.length).toBe(4 + 8 + 64);
    expect(Number(body.readBigUInt64BE(4))).toBe(1679315147);
  });

  it('verifies its own lines, by the key id of type 0x04, and nothing else', () => {
    const w = newWitness('ombudsman.example.go.id/saksi');
    const vkey = witnessKey(w);
    expect(parseWitnessKey(vkey)).toEqual({ name: w.name, publicKeyRaw: w.publicKeyRaw });
    expect(parseWitnessKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toBeNull();
    // Not the log's key type: a 0x01 verifier key is not a witness key, and the ids differ.
    expect(Buffer.from(cosignerKeyId(w.name, w.publicKeyRaw)).equals(Buffer.from(noteKeyId(w.name, w.publicKeyRaw)))).toBe(false);
    const line = cosign(TEXT, w, 1700000000, w.sign);
    expect(verifyCosignature(line, TEXT, w)).toEqual({ timestamp: 1700000000 });
    expect(verifyCosignature(line, TEXT.replace('20852163', '20852164'), w)).toBeNull();
    const other = newWitness(w.name);
    expect(verifyCosignature(line, TEXT, other)).toBeNull();
    // The time is signed: a line whose timestamp was moved does not verify.
    const body = Buffer.from(line.split(' ')[2]!, 'base64');
    body.writeBigUInt64BE(1700000001n, 4);
    expect(verifyCosignature(`\u2014 ${w.name} ${body.toString('base64')}`, TEXT, w)).toBeNull();
  });
});

describe('a witness of the hub, end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-witness-'));
  const hubDir = join(dir, 'hub');
  const saksi = join(dir, 'saksi');
  let hub: RunningHub;
  let vkey: string;
  const digest = (i: number) => createHash('sha256').update(`hasil ${i}`).digest('hex');
  const grow = (h: RunningHub, from: number, to: number, at: string, salt = '') => {
    h.publisher.db.transaction(() => h.publisher.log.append(Array.from({ length: to - from }, (_, k) => ({ exam: 'CPNS-2026', nomor: `N${from + k}`, digest: digest(from + k + salt.length * 1e6) })), at))();
    return h.publisher.log.checkpoint(at);
  };
  const cosignRound = (url: string, ...more: string[]) => cli(['witness', 'cosign', '--dir', saksi, '--log-url', url, '--log-key', hub.publisher.log.publicKey(), ...more]);

  beforeAll(async () => {
    hub = await startHub({ dir: hubDir, port: 0 });
    grow(hub, 0, 700, '2026-12-01T02:00:00.000Z');
  });
  afterAll(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is made once, registered at the hub, and then cosigns each new head, which the hub serves', async () => {
    const made = await cli(['witness', 'init', '--dir', saksi, '--name', 'ombudsman.example.go.id/saksi-cpns']);
    expect(made.code).toBe(0);
    vkey = made.out.split('\n')[0]!;
    expect(parseWitnessKey(vkey)?.name).toBe('ombudsman.example.go.id/saksi-cpns');
    expect((await cli(['witness', 'init', '--dir', saksi, '--name', 'lain'])).code).toBe(1); // never replaced
    // A log it never cosigned is taken on only when said so (--first): a lost memory must not look like a fresh start.
    const unsaid = await cosignRound(hub.url);
    expect(unsaid.code).toBe(1);
    expect(unsaid.err).toMatch(/never cosigned this log.*--first/s);
    // Not registered yet: the hub refuses it, and the witness prints the line to hand over.
    const early = await cosignRound(hub.url, '--first');
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/HTTP 403: The note carries no cosignature by a witness registered/);
    expect((await cli(['hub', 'witness', 'add', '--data', hubDir, vkey])).code).toBe(0);
    // The same key under another name is refused: a v1 cosignature does not sign the name.
    const relabelled = `lain.example.go.id+${Buffer.from(cosignerKeyId('lain.example.go.id', parseWitnessKey(vkey)!.publicKeyRaw)).toString('hex')}+${vkey.split('+').slice(2).join('+')}`;
    expect(parseWitnessKey(relabelled)).not.toBeNull();
    const twice = await cli(['hub', 'witness', 'add', '--data', hubDir, relabelled]);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/registered already, as the witness ombudsman\.example\.go\.id\/saksi-cpns/);
    expect((await cli(['hub', 'witness', 'add', '--data', hubDir, vkey.replace(/\+[^+]*$/, `+${Buffer.concat([Buffer.from([4]), Buffer.alloc(32, 7)]).toString('base64')}`)])).code).toBe(1); // bad id
    const ok = await cosignRound(hub.url);
    expect(ok.err).toBe('');
    expect(ok.out).toContain('cosigned lentera-log/');
    expect(ok.out).toContain('the hub keeps it and serves it with the checkpoint');
    const note = await (await fetch(`${hub.url}/checkpoint`)).text();
    const lines = note.split('\n\n')[1]!.trim().split('\n');
    expect(lines).toHaveLength(2);
    const w = parseWitnessKey(vkey)!;
    expect(verifyCosignature(lines[1]!, note.split('\n\n')[0]! + '\n', w)).not.toBeNull();
    // Clients that know only the log's key still open the note: the witness's line is a key they ignore.
    expect(openNote(note, [parseVerifierKey(hub.publisher.log.noteKey())!]).ok).toBe(true);
    // An independent client requires the witness's cosignature and verifies it, beside the log's signature.
    const { stdout } = await promisify(execFile)('python3', [join(__dirname, '..', 'tools', 'tlog_client.py'), hub.url, hub.publisher.log.noteKey(), vkey], { encoding: 'utf8' });
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, size: 700, witnessed: ['ombudsman.example.go.id/saksi-cpns'] });
    // The hub's audit chain records it.
    const okEvents = () => hub.publisher.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.cosignature' AND outcome = 'ok'").pluck().get();
    expect(okEvents()).toBe(1);
    // Replayed by anyone (the line is public): kept already, so nothing is audited, kept or rewritten again.
    const replay = await fetch(`${hub.url}/api/log/cosignature`, { method: 'POST', body: note });
    expect(await replay.json()).toEqual({ ok: true, size: 700, accepted: [], unchanged: true });
    expect(okEvents()).toBe(1);
    // And the site's copy of the checkpoint carries it too.
    await expect.poll(() => readFileSync(join(hubDir, 'site', 'log', 'checkpoint'), 'utf8')).toBe(note);
    // The log grows: the next round proves the new head extends the last one from the tiles, and cosigns it.
    grow(hub, 700, 1000, '2026-12-01T03:00:00.000Z');
    const next = await cosignRound(hub.url);
    expect(next.code).toBe(0);
    expect(next.out).toContain('at size 1000');
    expect(JSON.parse(readFileSync(join(saksi, 'state.json'), 'utf8'))[hub.publisher.log.publicKey()]).toMatchObject({ size: 1000 });
    // A citizen's receipt, followed to the latest head, witnessed: with the witness's key it holds; with a witness
    // that never saw this log it is refused (the log could be showing this reader a view of its own).
    const receiptFile = join(dir, 'tanda-terima.json');
    writeFileSync(receiptFile, JSON.stringify(hub.publisher.log.receipt('CPNS-2026', 'N7')));
    const follow = (...more: string[]) => cli(['receipt', 'verify', receiptFile, '--log-key', hub.publisher.log.publicKey(), '--log-url', hub.url, ...more]);
    const witnessed = await follow('--witness', vkey);
    expect(witnessed.code).toBe(0);
    expect(witnessed.out).toMatch(/ok {6}witness ombudsman\.example\.go\.id\/saksi-cpns: Checkpoint terbaru disaksikan ombudsman\.example\.go\.id\/saksi-cpns \(20\d\d-/);
    const stranger = witnessKey(newWitness('inspektorat.example.go.id/saksi'));
    const unseen = await follow('--witness', vkey, '--witness', stranger);
    expect(unseen.code).toBe(1);
    expect(unseen.err).toContain('FAILED  witness inspektorat.example.go.id/saksi: Checkpoint terbaru belum disaksikan inspektorat.example.go.id/saksi');
    expect((await follow('--witness', 'bukan-kunci')).code).toBe(2);
    const listed = await cli(['hub', 'witness', 'list', '--data', hubDir]);
    expect(listed.out).toBe(`${vkey}\n  registered ${hub.publisher.log.witnesses()[0]!.addedAt}; latest checkpoint cosigned: size 1000\n`);
  });

  it('keeps no memory it has lost for a fresh start, and runs one round at a time', async () => {
    const state = readFileSync(join(saksi, 'state.json'), 'utf8');
    rmSync(join(saksi, 'state.json'));
    const lost = await cosignRound(hub.url, '--first');
    expect(lost.code).toBe(1);
    expect(lost.err).toMatch(/state\.json is missing: the heads this witness cosigned are lost/);
    writeFileSync(join(saksi, 'state.json'), state);
    writeFileSync(join(saksi, 'state.lock'), '');
    const busy = await cosignRound(hub.url);
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/another round of this witness is running/);
    rmSync(join(saksi, 'state.lock'));
    expect(readFileSync(join(saksi, 'state.json'), 'utf8')).toBe(state);
  });

  it('refuses to cosign a log forked or rolled back under the same key, and keeps what it saw (the attack: a split view)', async () => {
    // A second hub holding the very same log key, with other leaves: its checkpoints verify by the key.
    const forkDir = join(dir, 'cabang');
    mkdirSync(join(forkDir, 'keys'), { recursive: true, mode: 0o700 });
    copyFileSync(join(hubDir, 'keys', 'log-ed25519.pem'), join(forkDir, 'keys', 'log-ed25519.pem'));
    const fork = await startHub({ dir: forkDir, port: 0 });
    try {
      const before = readFileSync(join(saksi, 'state.json'), 'utf8');
      grow(fork, 0, 600, '2026-12-01T04:00:00.000Z', 'lain');
      const rollback = await cosignRound(fork.url);
      expect(rollback.code).toBe(1);
      expect(rollback.err).toMatch(/NOT cosigned: the log's checkpoint \(size 600\) is smaller than the one this witness cosigned \(size 1000\): it was rolled back/);
      grow(fork, 600, 1500, '2026-12-01T04:10:00.000Z', 'lain');
      const forked = await cosignRound(fork.url);
      expect(forked.code).toBe(1);
      expect(forked.err).toMatch(/NOT cosigned: the log's checkpoint \(size 1500\) does not extend the one this witness cosigned \(size 1000, root [0-9a-f]{64}\): the log forked\. Keep this output/);
      expect(readFileSync(join(saksi, 'state.json'), 'utf8')).toBe(before);
    } finally {
      await fork.close();
    }
  });

  it('the hub keeps only what verifies: another key under a registered name, a changed head, a head it never signed', async () => {
    const post = (body: string) => fetch(`${hub.url}/api/log/cosignature`, { method: 'POST', body }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }));
    const note = await (await fetch(`${hub.url}/checkpoint`)).text();
    const text = note.split('\n\n')[0]! + '\n';
    const impostor = newWitness('ombudsman.example.go.id/saksi-cpns');
    // Another key under the registered name: its key id is not the registered one's, so it is no registered witness's.
    expect(await post(`${text}\n${cosign(text, impostor, 1764550000, impostor.sign)}\n`)).toMatchObject({ status: 403, body: { error: { code: 'WITNESS_UNKNOWN' } } });
    // The registered witness's line, moved to another time: it does not verify, and the note is refused.
    const line = note.split('\n\n')[1]!.trim().split('\n')[1]!;
    const body = Buffer.from(line.split(' ')[2]!, 'base64');
    body.writeBigUInt64BE(body.readBigUInt64BE(4) + 1n, 4);
    expect(await post(`${text}\n\u2014 ombudsman.example.go.id/saksi-cpns ${body.toString('base64')}\n`)).toMatchObject({ status: 422, body: { error: { code: 'COSIGNATURE_INVALID' } } });
    // A head this log never signed.
    expect(await post(`${text.replace(/\n\d+\n/, '\n999\n')}\n${line}\n`)).toMatchObject({ status: 409, body: { error: { code: 'COSIGNATURE_UNKNOWN_HEAD' } } });
    expect((await fetch(`${hub.url}/api/log/cosignature`, { method: 'POST', body: 'x'.repeat(17_000) })).status).toBe(413);
    // Without a declared length (chunked): 411, and the connection is closed rather than the body read.
    const chunked = await new Promise<{ status: number; connection: string | undefined }>((ok, fail) => {
      const r = request(`${hub.url}/api/log/cosignature`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        ok({ status: res.statusCode!, connection: res.headers.connection });
      });
      r.on('error', fail);
      r.write(`${text}\n${line}\n`);
    });
    expect(chunked).toEqual({ status: 411, connection: 'close' });
    // One at a time per address: a client that holds a request open (its body not all sent) is refused a second.
    const held = request(`${hub.url}/api/log/cosignature`, { method: 'POST', headers: { 'Content-Length': '1000' } });
    held.on('error', () => undefined);
    held.write('x');
    await new Promise((ok) => setTimeout(ok, 100));
    const second = await fetch(`${hub.url}/api/log/cosignature`, { method: 'POST', body: `${text}\n${line}\n` });
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('HUB_BUSY');
    held.destroy();
    await new Promise((ok) => setTimeout(ok, 100));
    expect((await fetch(`${hub.url}/api/log/cosignature`, { method: 'POST', body: `${text}\n${line}\n` })).status).toBe(200);
    // Refusals from one address are audited at most once a minute (the door is open to anyone); the note is unchanged.
    const refused = hub.publisher.db.prepare("SELECT COUNT(*) FROM audit_events WHERE command = 'hub.cosignature' AND outcome = 'refused'").pluck().get() as number;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(2);
    expect(await (await fetch(`${hub.url}/checkpoint`)).text()).toBe(note);
  });
});
