// Issue 17, point 5: the workstation passphrase, the recovery key and the data key never reach an output, a log line,
// an audit payload, a file of the data folder or of a backup, a bundle, or an error said after a failure.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';
import { unlockCustody } from '../../src-main/core/custody/custody';
import { filesUnder, tempDir } from '../unit/helpers';
import { demoWorkstationPassphrase, readDemoOutput } from '../unit/demo-output';


async function cli(args: string[]) {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(t), askSecret: async () => '', osUser: 'ujang' };
  const code = await run(args, io);
  return { code, text: out.join('\n') };
}

describe('the workstation secrets stay secret', () => {
  it('passphrases, recovery words and the data key appear in no output, log line, audit payload, file, backup or bundle', async () => {
    const root = tempDir();
    const ws = join(root, 'ws');
    const logged: string[] = [];
    const spies = (['log', 'error', 'warn', 'info'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' '))));
    try {
      // The demo shows its passphrase and words once, by design: that output is the only place they may be.
      const demo = await cli(['demo', '--data', ws, '--candidates', '30']);
      expect(demo.code, demo.text).toBe(0);
      const passphrase = demoWorkstationPassphrase(demo.text);
      const words = readDemoOutput(demo.text).recoveryWords.join(' ');
      expect(words.split(' ')).toHaveLength(24);
      const newPassphrase = 'gedung lawang sewu baru';
      const dataKey = unlockCustody(ws, { passphrase }, { now: () => new Date() });
      const secrets = [passphrase, newPassphrase, words, dataKey.toString('hex'), dataKey.toString('base64'), dataKey.toString('base64url')];
      const said: string[] = [];
      writeFileSync(join(root, 'pp'), passphrase);
      writeFileSync(join(root, 'bad'), 'bukan frasa sandi ini');
      writeFileSync(join(root, 'words'), words);
      writeFileSync(join(root, 'new'), newPassphrase);
      // Everything a coordinator does with them: a wrong passphrase, the right one, a change with the words, a
      // backup and a restore, the app's unlock door with a wrong one and with the words.
      said.push((await cli(['status', '--data', ws, '--passphrase-file', join(root, 'bad')])).text);
      said.push((await cli(['audit', 'verify', '--data', ws, '--passphrase-file', join(root, 'pp')])).text);
      said.push((await cli(['passphrase', '--data', ws, '--recovery-key-file', join(root, 'words'), '--new-passphrase-file', join(root, 'new')])).text);
      writeFileSync(join(root, 'pp'), newPassphrase);
      said.push((await cli(['backup', '--data', ws, '--out', join(root, 'b.lbk'), '--passphrase-file', join(root, 'pp')])).text);
      said.push((await cli(['restore', '--data', join(root, 'ws2'), '--from', join(root, 'b.lbk'), '--passphrase-file', join(root, 'pp')])).text);
      const app = new LenteraApp({ dataDir: ws });
      said.push(JSON.stringify(app.invoke('workstation.unlock', { passphrase: 'salah lagi ya' }, { client: 'c' })));
      said.push(JSON.stringify(app.invoke('workstation.unlock', { recoveryKey: words }, { client: 'c' })));
      said.push(JSON.stringify(await app.invokeAsync('audit.list', { limit: 500 }, { local: 't' })));
      const signing = readDemoOutput(demo.text).signingPassphrase;
      const exported = await app.invokeAsync('bundle.export', { exam: 'CPNS-SMG-2026', passphrase: signing, account: 'koordinator' }, { local: 't' });
      expect(exported.ok, JSON.stringify(exported)).toBe(true);
      said.push(JSON.stringify(exported));
      app.close();
      // A failure after unlocking: a damaged database, said with and without the debug details.
      truncateSync(join(root, 'ws2', 'lentera.db'), 5000);
      said.push((await cli(['status', '--data', join(root, 'ws2'), '--passphrase-file', join(root, 'pp')])).text);
      process.env.LENTERA_DEBUG = '1';
      try {
        said.push((await cli(['audit', 'verify', '--data', join(root, 'ws2'), '--passphrase-file', join(root, 'pp')])).text);
      } finally {
        delete process.env.LENTERA_DEBUG;
      }
      expect(said.join('\n')).toMatch(/not the workstation passphrase/);
      // The places searched hold what they should: a bundle among the files, the restore's audit event.
      expect(filesUnder(ws).some((f) => f.endsWith('.lentera'))).toBe(true);
      expect(said.join('\n')).toMatch(/workstation\.passphrase/);
      const places: [string, string][] = [
        ...said.map((s, i): [string, string] => [`output ${i}`, s]),
        ...logged.map((s, i): [string, string] => [`console ${i}`, s]),
        ...[...filesUnder(ws), ...filesUnder(join(root, 'ws2')), join(root, 'b.lbk'), join(root, 'b.lbk.custody.json')].map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
      ];
      for (const [where, text] of places) for (const s of secrets) expect(text.includes(s), `${where} holds a secret`).toBe(false);
      // Nor part of the words: any three in a row (one alone is common English), as text or as a list.
      const list = words.split(' ');
      for (let i = 0; i + 3 <= list.length; i++) {
        const run = list.slice(i, i + 3);
        for (const [where, text] of places) expect(text.includes(run.join(' ')) || text.includes(JSON.stringify(run).slice(1, -1)), `${where} holds words ${i + 1}-${i + 3}`).toBe(false);
      }
    } finally {
      for (const s of spies) s.mockRestore();
    }
  }, 120_000);
});
