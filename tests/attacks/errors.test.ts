import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';
import { tempDir } from '../unit/helpers';

/** What a coordinator reads when something goes wrong at the command line: a sentence, never a stack trace. */

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), askSecret: async () => '', osUser: 'tester' };
  const code = await run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |node:fs|\.ts:\d+/);

describe('errors say what to do', () => {
  it('init and demo on a path that is a file, or under one, answer a sentence and exit 1', async () => {
    const file = join(tempDir(), 'bukan-folder');
    writeFileSync(file, 'x');
    for (const args of [['init', '--plain', '--data', file, '--admin', 'koordinator', '--pin', '482913'], ['demo', '--data', join(file, 'venue')]]) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${file} is a file, not a folder`);
      noStack(r.err);
    }
  });

  it('signed sheets on a full disk say how far they got, and that running again finishes', async () => {
    const dir = join(tempDir(), 'ws');
    const app = new LenteraApp({ dataDir: dir, allowInit: true });
    const demo = await app.invokeAsync('workstation.demo', { candidates: 20 }, { local: 't' });
    app.close();
    const passphrase = (demo as { value: { signingKey: { passphrase: string } } }).value.signingKey.passphrase;
    const pass = join(tempDir(), 'pass');
    writeFileSync(pass, passphrase);
    const out = join(tempDir(), 'lembar');
    mkdirSync(out);
    // /dev/full answers every write with ENOSPC: the first sheet's temporary file points there.
    const first = await cli(['sheets', '--data', dir, '--exam', 'CPNS-SMG-2026', '--out', join(tempDir(), 'probe'), '--signer', 'koordinator', '--passphrase-file', pass]);
    expect(first.code).toBe(0);
    const name = /(\d+) signed sheet/.exec(first.out);
    expect(Number(name?.[1])).toBeGreaterThan(1);
    const sheets = readdirSync(join(first.out.split(' in ')[1]!.split(' (')[0]!)).filter((f) => f.startsWith('hasil-')).sort();
    symlinkSync('/dev/full', join(out, `${sheets[sheets.length - 1]}.part`));
    const r = await cli(['sheets', '--data', dir, '--exam', 'CPNS-SMG-2026', '--out', out, '--signer', 'koordinator', '--passphrase-file', pass]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\d+ of \d+ sheet\(s\) were written to .*the disk is full.*Run again to finish/);
    noStack(r.err);
    expect(readdirSync(out).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(existsSync(join(out, sheets[sheets.length - 1]!))).toBe(false);
  }, 60_000);

  it('serve on a port already taken says so and which option to use', async () => {
    const dir = join(tempDir(), 'ws');
    const setup = new LenteraApp({ dataDir: dir, allowInit: true });
    setup.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 't' });
    setup.close();
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as { port: number }).port;
    const r = await cli(['serve', '--data', dir, '--port', String(port)]);
    blocker.close();
    expect(r.code).toBe(1);
    expect(r.err).toContain(`port ${port} is already in use`);
    expect(r.err).toContain('--port');
    noStack(r.err);
  });
});
