import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { custodyForKey, custodyPath, parseRecoveryKey, recoveryWords, unlockCustody } from '../../src-main/core/custody/custody';
import { initWorkstation, openWorkstation } from '../../src-main/core/workstation/workstation';
import { seedDemo } from '../../src-main/core/demo/seed';
import { verifyChain } from '../../src-main/core/audit/chain';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';
import { atRealScryptCost, filesUnder, tempDir } from './helpers';
import { isSealedFile } from '../../src-main/core/custody/sealed-file';
import { useCheapScryptForTests } from '../../src-main/core/util/kdf-cost';
import fc from 'fast-check';
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';

const PASS = 'kuda lumping semarang 2026';
const clockAt = (iso: string) => ({ now: () => new Date(iso) });
const T0 = '2026-12-01T01:00:00.000Z';

function makeEncrypted(candidates = 0) {
  const dir = join(tempDir(), 'ws');
  const ws = initWorkstation(dir, { adminName: 'koordinator', pin: '482913', actor: 'test', passphrase: PASS }, { clock: clockAt(T0) });
  if (candidates) seedDemo(ws, T0, 'test', '482913', candidates);
  const recoveryKey = ws.recoveryKey!;
  const roster = candidates ? (ws.db.prepare('SELECT nik, nama FROM candidates').all() as { nik: string; nama: string }[]) : [];
  ws.close();
  return { dir, recoveryKey, roster };
}


describe('data custody: the passphrase and the recovery key', () => {
  it("stretches the passphrase at OWASP's floor for scrypt (N=2^17, r=8: 128 MiB a guess), and opens a record by the cost it names", () => {
    const made = atRealScryptCost(() => makeEncrypted());
    const record = JSON.parse(readFileSync(custodyPath(made.dir), 'utf8'));
    expect(record.passphrase).toMatchObject({ kdf: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    expect(unlockCustody(made.dir, { passphrase: PASS }, clockAt(T0))).toHaveLength(32);
    // The tests' own records are made at the lowest cost a custody file may name; one below it opens nothing.
    const cheap = makeEncrypted();
    const weak = JSON.parse(readFileSync(custodyPath(cheap.dir), 'utf8'));
    expect(weak.passphrase.N).toBe(2 ** 14);
    writeFileSync(custodyPath(cheap.dir), JSON.stringify({ ...weak, passphrase: { ...weak.passphrase, N: 2 ** 13 } }));
    expect(() => unlockCustody(cheap.dir, { passphrase: PASS }, clockAt(T0))).toThrow(expect.objectContaining({ code: expect.stringMatching(/^CUSTODY_/) }));
  });

  it('a workstation or hub process cannot lower the scrypt cost: only a process of the unit tests may', () => {
    // No code of Lentera asks for the small cost: only its definition names it.
    const src = join(__dirname, '..', '..', 'src-main');
    const callers = filesUnder(src).filter((f) => /\.tsx?$/.test(f) && readFileSync(f, 'utf8').includes('useCheapScryptForTests'));
    expect(callers.map((f) => f.slice(src.length + 1))).toEqual(['core/util/kdf-cost.ts']);
    const vitest = process.env.VITEST;
    delete process.env.VITEST;
    try {
      expect(() => useCheapScryptForTests(true)).toThrow(/only the unit tests/);
    } finally {
      process.env.VITEST = vitest;
    }
  });

  it('opens with the passphrase; counts wrong ones like PINs and locks after five, without touching the data', () => {
    const { dir } = makeEncrypted();
    expect(() => openWorkstation(dir)).toThrow(expect.objectContaining({ code: 'WORKSTATION_LOCKED' }));
    const key = unlockCustody(dir, { passphrase: PASS }, clockAt(T0));
    expect(key).toHaveLength(32);
    const db = readFileSync(join(dir, 'lentera.db'));
    for (let i = 1; i <= 4; i++) {
      expect(() => unlockCustody(dir, { passphrase: `salah ${i} passphrase` }, clockAt(T0))).toThrow(expect.objectContaining({ code: 'PASSPHRASE_WRONG', details: { attemptsLeft: 5 - i } }));
    }
    expect(() => unlockCustody(dir, { passphrase: 'salah 5 passphrase' }, clockAt(T0))).toThrow(expect.objectContaining({ code: 'ACCOUNT_LOCKED' }));
    // Locked: even the right passphrase is refused until the lock ends; the recovery key is not locked out.
    expect(() => unlockCustody(dir, { passphrase: PASS }, clockAt('2026-12-01T01:10:00.000Z'))).toThrow(expect.objectContaining({ code: 'ACCOUNT_LOCKED' }));
    expect(readFileSync(join(dir, 'lentera.db')).equals(db)).toBe(true);
    expect(unlockCustody(dir, { passphrase: PASS }, clockAt('2026-12-01T01:16:00.000Z')).equals(key)).toBe(true);
    expect(JSON.parse(readFileSync(custodyPath(dir), 'utf8')).attempts).toEqual({ failed: 0, lockedUntil: null });
  });

  it('the recovery key opens after the passphrase is forgotten, sets a new one, and the data is the same', () => {
    const { dir, recoveryKey } = makeEncrypted(20);
    const before = (() => {
      const ws = openWorkstation(dir, { key: unlockCustody(dir, { passphrase: PASS }, clockAt(T0)) });
      const rows = ws.db.prepare('SELECT nomor_peserta, nik FROM candidates ORDER BY 1').all();
      ws.close();
      return rows;
    })();
    // Typed as people type: upper case, extra spaces.
    const typed = `  ${recoveryKey.toUpperCase().split(' ').join('   ')} `;
    custodyForKey(dir, unlockCustody(dir, { recoveryKey: typed }, clockAt(T0)), 'gedung lawang sewu baru');
    expect(() => unlockCustody(dir, { passphrase: PASS }, clockAt(T0))).toThrow(expect.objectContaining({ code: 'PASSPHRASE_WRONG' }));
    const ws = openWorkstation(dir, { key: unlockCustody(dir, { passphrase: 'gedung lawang sewu baru' }, clockAt(T0)) });
    expect(ws.db.prepare('SELECT nomor_peserta, nik FROM candidates ORDER BY 1').all()).toEqual(before);
    expect(verifyChain(ws.db).ok).toBe(true);
    ws.close();
    // The custody file lost: the words alone still open the database (the data key is derived from them).
    rmSync(custodyPath(dir));
    const again = openWorkstation(dir, { key: unlockCustody(dir, { recoveryKey }, clockAt(T0)) });
    expect(again.db.prepare('SELECT COUNT(*) FROM candidates').pluck().get()).toBe(20);
    again.close();
  });

  it('refuses a recovery key that is mistyped, reordered or another workstation\'s, saying which', () => {
    const { dir, recoveryKey } = makeEncrypted();
    const words = recoveryKey.split(' ');
    expect(() => unlockCustody(dir, { recoveryKey: words.slice(0, 23).join(' ') }, clockAt(T0))).toThrow(/24 words; 23 were given/);
    expect(() => unlockCustody(dir, { recoveryKey: [...words.slice(0, 4), 'semarang', ...words.slice(5)].join(' ') }, clockAt(T0))).toThrow(/Word 5 .*"semarang"/);
    const swapped = [...words];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    if (swapped[0] !== swapped[1]) expect(() => unlockCustody(dir, { recoveryKey: swapped.join(' ') }, clockAt(T0))).toThrow(expect.objectContaining({ code: expect.stringMatching(/RECOVERY_KEY_(INVALID|WRONG)/) }));
    const other = recoveryWords(new Uint8Array(32).fill(7));
    expect(parseRecoveryKey(other)).toEqual(new Uint8Array(32).fill(7));
    expect(() => unlockCustody(dir, { recoveryKey: other }, clockAt(T0))).toThrow(expect.objectContaining({ code: 'RECOVERY_KEY_WRONG' }));
  });

  it('a tampered custody file opens nothing and says what to do', () => {
    const { dir } = makeEncrypted();
    const c = JSON.parse(readFileSync(custodyPath(dir), 'utf8'));
    const moved = { ...c, passphrase: { ...c.passphrase, data: Buffer.from(Buffer.from(c.passphrase.data, 'base64').map((b: number, i: number) => (i === 0 ? b ^ 1 : b))).toString('base64') } };
    writeFileSync(custodyPath(dir), JSON.stringify(moved));
    expect(() => unlockCustody(dir, { passphrase: PASS }, clockAt(T0))).toThrow(expect.objectContaining({ code: 'PASSPHRASE_WRONG' }));
    writeFileSync(custodyPath(dir), '{"format":"lentera.custody/1"');
    expect(() => unlockCustody(dir, { passphrase: PASS }, clockAt(T0))).toThrow(/cannot be read .*recovery key still opens/);
  });

  it('the recovery words are BIP-39 as @scure/bip39 makes and reads them (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        const words = recoveryWords(key);
        expect(words).toBe(entropyToMnemonic(key, wordlist));
        expect(parseRecoveryKey(words)).toEqual(mnemonicToEntropy(words, wordlist));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a short passphrase before anything is made', () => {
    const dir = join(tempDir(), 'ws');
    expect(() => initWorkstation(dir, { adminName: 'koordinator', pin: '482913', actor: 'test', passphrase: 'pendek' })).toThrow(expect.objectContaining({ code: 'PASSPHRASE_TOO_WEAK' }));
    expect(existsSync(join(dir, 'lentera.db')) || existsSync(custodyPath(dir))).toBe(false);
  });
});

describe('data custody: what lies on the disk', () => {
  it('no full NIK or name of the roster appears in any file under the data directory (the bytes grepped)', () => {
    const { dir, roster } = makeEncrypted(300);
    // Some work after the seed, so that the WAL holds pages too.
    const ws = openWorkstation(dir, { key: unlockCustody(dir, { passphrase: PASS }, clockAt(T0)) });
    ws.db.prepare("UPDATE candidates SET updated_at = 'x' WHERE rowid <= 50").run();
    const files = filesUnder(dir);
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    const bytes = files.map((f) => readFileSync(f).toString('latin1'));
    expect(roster).toHaveLength(300);
    for (const r of roster) {
      for (const b of bytes) {
        expect(b.includes(r.nik)).toBe(false);
        expect(b.includes(r.nama)).toBe(false);
      }
    }
    ws.close();
  });

  it('the database is standard SQLCipher 4: decrypted with openssl page by page, read by the sqlite3 tool', () => {
    const { dir, roster } = makeEncrypted(30);
    const key = unlockCustody(dir, { passphrase: PASS }, clockAt(T0));
    const file = readFileSync(join(dir, 'lentera.db'));
    const PAGE = 4096;
    const RESERVE = 80; // IV 16 + HMAC-SHA512 64
    expect(file.length % PAGE).toBe(0);
    expect(file.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    const plain = Buffer.alloc(file.length);
    const tmp = tempDir();
    for (let p = 0; p < file.length / PAGE; p++) {
      const page = file.subarray(p * PAGE, (p + 1) * PAGE);
      const start = p === 0 ? 16 : 0; // page 1 begins with the file's salt, in the clear
      const iv = page.subarray(PAGE - RESERVE, PAGE - RESERVE + 16);
      writeFileSync(join(tmp, 'in'), page.subarray(start, PAGE - RESERVE));
      const out = execFileSync('openssl', ['enc', '-d', '-aes-256-cbc', '-nopad', '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-in', join(tmp, 'in')]);
      if (p === 0) Buffer.from('SQLite format 3\0', 'latin1').copy(plain, 0);
      out.copy(plain, p * PAGE + start);
    }
    writeFileSync(join(tmp, 'plain.db'), plain);
    const q = (s: string) => execFileSync('sqlite3', [join(tmp, 'plain.db'), s], { encoding: 'utf8' }).trim();
    expect(q('PRAGMA integrity_check')).toBe('ok');
    expect(q('SELECT COUNT(*) FROM candidates')).toBe('30');
    expect(q(`SELECT nama FROM candidates WHERE nik = '${roster[0]!.nik}'`)).toBe(roster[0]!.nama);
  });
});

function cliIo(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (t) => out_.push(t), err: (t) => err_.push(t), askSecret: async () => '', osUser: 'ujang' };
}
async function cli(args: string[]) {
  const io = cliIo();
  const code = await run(args, io);
  return { code, out: io.out_.join('\n'), err: io.err_.join('\n') };
}

describe('data custody at the doors', () => {
  it('the command line: init encrypts with --passphrase-file; a script without it is told and nothing is counted', async () => {
    const root = tempDir();
    const data = join(root, 'ws');
    writeFileSync(join(root, 'pp'), `${PASS}\n`);
    writeFileSync(join(root, 'bad'), 'bukan passphrase ini\n');
    const made = await cli(['init', '--data', data, '--admin', 'koordinator', '--pin', '482913', '--passphrase-file', join(root, 'pp')]);
    expect(made.code).toBe(0);
    const words = [...made.out.matchAll(/\d+\. ([a-z]+)/g)].map((m) => m[1]);
    expect(words).toHaveLength(24);
    expect(() => parseRecoveryKey(words.join(' '))).not.toThrow();
    const bare = await cli(['status', '--data', data]);
    expect(bare.code).toBe(1);
    expect(bare.err).toMatch(/encrypted: give its passphrase with --passphrase-file/);
    expect(JSON.parse(readFileSync(custodyPath(data), 'utf8')).attempts.failed).toBe(0);
    const wrong = await cli(['status', '--data', data, '--passphrase-file', join(root, 'bad')]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/not the workstation passphrase/);
    expect(JSON.parse(readFileSync(custodyPath(data), 'utf8')).attempts.failed).toBe(1);
    const ok = await cli(['audit', 'verify', '--data', data, '--passphrase-file', join(root, 'pp')]);
    expect(ok.code).toBe(0);
    // Changing the passphrase with the recovery key: audited, the old one no longer opens.
    writeFileSync(join(root, 'words'), words.join(' '));
    writeFileSync(join(root, 'new'), 'gedung lawang sewu baru\n');
    const changed = await cli(['passphrase', '--data', data, '--recovery-key-file', join(root, 'words'), '--new-passphrase-file', join(root, 'new')]);
    expect(changed.code, changed.err).toBe(0);
    expect((await cli(['status', '--data', data, '--passphrase-file', join(root, 'pp')])).code).toBe(1);
    const log = await cli(['audit', 'log', '--data', data, '--json', '--passphrase-file', join(root, 'new')]);
    expect(JSON.parse(log.out).map((e: { command: string }) => e.command)).toContain('workstation.passphrase');
    expect(log.out).not.toContain('lawang');
  });

  it('lentera encrypt: a plain workstation encrypted whole, its chain kept, no plain copy left behind', async () => {
    const root = tempDir();
    const data = join(root, 'ws');
    const ws = initWorkstation(data, { adminName: 'koordinator', pin: '482913', actor: 'test' }, { clock: clockAt(T0) });
    seedDemo(ws, T0, 'test', '482913', 40);
    const nik = ws.db.prepare('SELECT nik FROM candidates LIMIT 1').pluck().get() as string;
    const head = (ws.db.prepare('SELECT MAX(seq) FROM audit_events').pluck().get() as number);
    ws.close();
    expect(readFileSync(join(data, 'lentera.db')).toString('latin1')).toContain(nik);
    // Sheets signed while it was plain are sealed with it.
    mkdirSync(join(data, 'sheets', 'CPNS-SMG-2026'), { recursive: true });
    for (const n of ['hasil-1.pdf', 'berita-acara-WWC-F01.pdf']) writeFileSync(join(data, 'sheets', 'CPNS-SMG-2026', n), `%PDF-1.7 NIK ${nik}`);
    mkdirSync(join(data, 'bundles', 'CPNS-SMG-2026'), { recursive: true });
    writeFileSync(join(data, 'bundles', 'CPNS-SMG-2026', 'CPNS-SMG-2026-000000000001-0001.lentera'), `PK nama ${nik}`);
    writeFileSync(join(root, 'pp'), `${PASS}\n`);
    const r = await cli(['encrypt', '--data', data, '--passphrase-file', join(root, 'pp')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/encrypted \(SQLCipher 4\)/);
    for (const f of filesUnder(data)) expect(readFileSync(f).toString('latin1').includes(nik), f).toBe(false);
    expect(readdirSync(data).filter((f) => f.includes('.plain') || f.includes('.encrypting'))).toEqual([]);
    const opened = openWorkstation(data, { key: unlockCustody(data, { passphrase: PASS }, clockAt(T0)) });
    expect(verifyChain(opened.db).ok).toBe(true);
    expect(opened.db.prepare('SELECT command FROM audit_events WHERE seq = ?').pluck().get(head + 1)).toBe('workstation.encrypt');
    expect(JSON.parse(opened.db.prepare('SELECT payload FROM audit_events WHERE seq = ?').pluck().get(head + 1) as string)).toMatchObject({ sealedFiles: 3 });
    expect(isSealedFile(join(data, 'bundles', 'CPNS-SMG-2026', 'CPNS-SMG-2026-000000000001-0001.lentera'))).toBe(true);
    for (const n of ['hasil-1.pdf', 'berita-acara-WWC-F01.pdf']) expect(isSealedFile(join(data, 'sheets', 'CPNS-SMG-2026', n))).toBe(true);
    expect(readdirSync(join(data, 'sheets', 'CPNS-SMG-2026')).sort()).toEqual(['berita-acara-WWC-F01.pdf', 'hasil-1.pdf']);
    expect(opened.db.prepare('SELECT COUNT(*) FROM candidates').pluck().get()).toBe(40);
    opened.close();
    expect((await cli(['encrypt', '--data', data, '--passphrase-file', join(root, 'pp')])).err).toMatch(/encrypted already/);
  });

  it('lentera encrypt: sealing the older files stopped half way still shows the words, and the next open finishes it; links are left alone', async () => {
    const root = tempDir();
    const data = join(root, 'ws');
    const ws = initWorkstation(data, { adminName: 'koordinator', pin: '482913', actor: 'test' }, { clock: clockAt(T0) });
    ws.close();
    const sheets = join(data, 'sheets', 'CPNS-SMG-2026');
    mkdirSync(sheets, { recursive: true });
    writeFileSync(join(sheets, 'hasil-1.pdf'), '%PDF-1.7 Nur Dian Hartono');
    // Something in the way of the sealing (as a full disk would be): the name it needs is taken by a folder.
    mkdirSync(join(sheets, 'hasil-1.pdf.plain'));
    // A link to a file outside the data folder: neither sealed nor overwritten through.
    writeFileSync(join(root, 'outside.pdf'), '%PDF-1.7 not the workstation\'s');
    symlinkSync(join(root, 'outside.pdf'), join(sheets, 'link.pdf'));
    writeFileSync(join(root, 'pp'), `${PASS}\n`);
    const r = await cli(['encrypt', '--data', data, '--passphrase-file', join(root, 'pp')]);
    expect(r.code, r.err).toBe(0);
    expect([...r.out.matchAll(/\d+\. ([a-z]+)/g)]).toHaveLength(24);
    expect(r.err).toMatch(/not all encrypted yet/);
    expect(isSealedFile(join(sheets, 'hasil-1.pdf'))).toBe(false);
    rmSync(join(sheets, 'hasil-1.pdf.plain'), { recursive: true });
    expect((await cli(['status', '--data', data, '--passphrase-file', join(root, 'pp')])).code).toBe(0);
    expect(isSealedFile(join(sheets, 'hasil-1.pdf'))).toBe(true);
    expect(existsSync(join(data, 'sealing.pending'))).toBe(false);
    expect(readFileSync(join(root, 'outside.pdf'), 'utf8')).toBe('%PDF-1.7 not the workstation\'s');
  });

  it('an app on an encrypted workstation stays locked until unlocked: only status and unlock answer', async () => {
    const { dir } = makeEncrypted();
    const app = new LenteraApp({ dataDir: dir });
    try {
      expect(app.invoke('system.status', {}, { local: 't' })).toMatchObject({ ok: true, value: { initialised: true, locked: true } });
      expect(app.invoke('accounts.list', {}, { local: 't' })).toMatchObject({ ok: false, error: { code: 'WORKSTATION_LOCKED' } });
      expect(app.invoke('workstation.unlock', { passphrase: 'bukan yang ini ya' }, { local: 't' })).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG', details: { attemptsLeft: 4 } } });
      expect(app.invoke('workstation.unlock', { passphrase: PASS }, { local: 't' })).toMatchObject({ ok: true });
      expect(app.invoke('system.status', {}, { local: 't' })).toMatchObject({ ok: true, value: { initialised: true, workstationId: expect.any(String) } });
    } finally {
      app.close();
    }
  });

  it('an encryption cut short is finished or undone on the next open, from what is on disk', async () => {
    const { finishInterruptedEncryption } = await import('../../src-main/core/custody/interrupted');
    // Cut before the swap: the database is still plain, the waiting custody file and the second name are dropped.
    const root = tempDir();
    const plain = join(root, 'plain');
    initWorkstation(plain, { adminName: 'koordinator', pin: '482913', actor: 'test' }, { clock: clockAt(T0) }).close();
    writeFileSync(join(plain, 'custody.json.pending'), '{}');
    const { linkSync } = await import('node:fs');
    linkSync(join(plain, 'lentera.db'), join(plain, 'lentera.db.plain'));
    const before = readFileSync(join(plain, 'lentera.db'));
    openWorkstation(plain).close();
    expect(readdirSync(plain).filter((n) => n.includes('pending') || n.endsWith('.plain'))).toEqual([]);
    expect(readFileSync(join(plain, 'lentera.db')).subarray(0, 16).equals(before.subarray(0, 16))).toBe(true);
    // Cut after the swap: the custody file takes its name, and the plain original's pages are overwritten.
    const { dir } = makeEncrypted();
    const { renameSync } = await import('node:fs');
    renameSync(custodyPath(dir), `${custodyPath(dir)}.pending`);
    writeFileSync(join(dir, 'lentera.db.plain'), 'SQLite format 3\0 3374010101010001');
    finishInterruptedEncryption(dir);
    expect(existsSync(custodyPath(dir))).toBe(true);
    expect(existsSync(join(dir, 'lentera.db.plain'))).toBe(false);
    expect(unlockCustody(dir, { passphrase: PASS }, clockAt(T0))).toHaveLength(32);
  });

  it('a lost custody file: the app sees the workstation is encrypted, and the recovery key opens it and sets a new passphrase', () => {
    const { dir, recoveryKey } = makeEncrypted();
    rmSync(custodyPath(dir));
    const app = new LenteraApp({ dataDir: dir });
    try {
      expect(app.invoke('system.status', {}, { local: 't' })).toMatchObject({ ok: true, value: { locked: true } });
      expect(app.invoke('workstation.unlock', { passphrase: PASS }, { local: 't' })).toMatchObject({ ok: false, error: { code: 'CUSTODY_UNREADABLE' } });
      expect(app.invoke('workstation.unlock', { recoveryKey, newPassphrase: 'gedung lawang sewu baru' }, { local: 't' })).toMatchObject({ ok: true });
    } finally {
      app.close();
    }
    expect(unlockCustody(dir, { passphrase: 'gedung lawang sewu baru' }, clockAt(T0))).toHaveLength(32);
  });
});
