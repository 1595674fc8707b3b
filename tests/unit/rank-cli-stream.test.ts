// `lentera rank --json` streams its answer (cli/json-stream.ts): the bytes must stay exactly
// `JSON.stringify(answer, null, 2)` plus a newline, whatever the answer holds.
import fc from 'fast-check';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { CliIo } from '../../src-main/cli/io';
import { prettyJsonPieces, writePrettyJson } from '../../src-main/cli/json-stream';
import { run } from '../../src-main/cli/main';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'lentera-rank-stream-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** An io that streams (has `write`) and one that does not (everything through `out`, as before). */
function ios() {
  const streamed: string[] = [];
  const whole: string[] = [];
  const errors: string[] = [];
  const base = { err: (t: string) => void errors.push(t), askSecret: async () => '', osUser: 't' };
  const streaming: CliIo = { ...base, out: (t) => void streamed.push(t.endsWith('\n') ? t : `${t}\n`), write: (t) => void streamed.push(t) };
  const plain: CliIo = { ...base, out: (t) => void whole.push(t) };
  return { streaming, plain, streamed, whole, errors };
}

/** Values JSON.stringify takes: text with line breaks, "≥", lone surrogates; undefined and functions (dropped or null). */
const anyJsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.constantFrom('≥ 65', 'a\nb', '\u2028', '\ud800', '"', '\\'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant(() => 1),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('0', '10', '2', '__proto__x', 'b')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('prettyJsonPieces', () => {
  it('joined, the pieces are JSON.stringify(value, null, 2) exactly, on random values', () => {
    fc.assert(
      fc.property(anyJsonish, (v) => {
        expect([...prettyJsonPieces(v)].join('')).toBe(JSON.stringify(v, null, 2) ?? '');
      }),
      { numRuns: 2000 },
    );
  });

  it('lays out the big lists in batches the same way: across batch edges, empty and dropped members, odd keys', () => {
    const reasons: Record<string, unknown> = {};
    for (let i = 0; i < 700; i++) reasons[`2633740${String(i).padStart(5, '0')}`] = i >= 256 && i < 512 ? undefined : { status: [{ code: 'x', op: '≥' }], provisional: [] };
    Object.assign(reasons, { '7': 1, '__proto__x': null, f: () => 1 });
    Object.defineProperty(reasons, '__proto__', { value: { a: 1 }, enumerable: true });
    const answer = {
      ruleset: { id: 'x' },
      results: Array.from({ length: 1000 }, (_, i) => (i % 97 === 0 ? undefined : i % 89 === 0 ? () => 1 : { n: i, why: 'SKD ≥ 311', d: new Date(0), p: i % 3 === 0 || undefined })),
      reasons,
      dropped: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, undefined])),
      none: [],
      gone: undefined,
    };
    const pieces = [...prettyJsonPieces(answer)];
    expect(pieces.join('')).toBe(JSON.stringify(answer, null, 2));
    expect(pieces.length).toBeGreaterThan(8); // in pieces, not one string
    expect(pieces.join('')).toContain('"dropped": {}');
  });

  it('equal JSON.stringify on random big lists (several batches)', () => {
    fc.assert(
      fc.property(fc.array(anyJsonish, { maxLength: 700 }), fc.dictionary(fc.string(), anyJsonish, { maxKeys: 600 }), (list, dict) => {
        const v = { list, dict, nested: [list] };
        expect([...prettyJsonPieces(v)].join('')).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 40 },
    );
  });

  it('a value JSON.stringify refuses is refused the same way (a BigInt deep in a result)', () => {
    expect(() => JSON.stringify({ results: [{ n: 1n }] })).toThrow(TypeError);
    expect(() => [...prettyJsonPieces({ results: [{ n: 1n }] })]).toThrow(TypeError);
  });
});

describe('writePrettyJson', () => {
  it('waits for the sink before the next chunk, and ends with one newline', async () => {
    const big = { results: Array.from({ length: 20_000 }, (_, i) => ({ nomor: String(i), reason: `TWK ${i} ≥ 65` })) };
    const chunks: string[] = [];
    let waiting = false;
    await writePrettyJson(big, (c) => {
      expect(waiting).toBe(false); // never written to while it asked to wait
      chunks.push(c);
      waiting = true;
      return new Promise<void>((r) => setImmediate(() => ((waiting = false), r())));
    });
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.join('')).toBe(`${JSON.stringify(big, null, 2)}\n`);
  });

  it('a sink that fails stops the writing with its error', async () => {
    let calls = 0;
    const big = { results: Array.from({ length: 20_000 }, (_, i) => ({ i })) };
    await expect(
      writePrettyJson(big, () => {
        calls++;
        return Promise.reject(new Error('EPIPE'));
      }),
    ).rejects.toThrow('EPIPE');
    expect(calls).toBe(1);
  });

  it('through process.stdout into a pipe, the bytes are the same (a child process, read whole)', () => {
    const script = `
      import { processIo } from './src-main/cli/io.ts';
      import { outJson } from './src-main/cli/json-stream.ts';
      const big = { ruleset: { id: 'r' }, results: Array.from({ length: 30000 }, (_, i) => ({ n: i, why: 'SKD ≥ 311', p: i % 3 === 0 || undefined })) };
      await outJson(processIo, big);`;
    const got = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { maxBuffer: 1 << 26 });
    const big = { ruleset: { id: 'r' }, results: Array.from({ length: 30000 }, (_, i) => ({ n: i, why: 'SKD ≥ 311', p: i % 3 === 0 || undefined })) };
    expect(got.equals(Buffer.from(`${JSON.stringify(big, null, 2)}\n`, 'utf8'))).toBe(true);
  });

  it('into a pipe read slowly (its writes queued, their buffers held), the bytes are the same', async () => {
    const script = `
      import { processIo } from './src-main/cli/io.ts';
      import { outJson } from './src-main/cli/json-stream.ts';
      const big = { results: Array.from({ length: 200000 }, (_, i) => ({ n: i, why: 'SKD ≥ 311 ' + 'x'.repeat(i % 40) })) };
      let queued = 0;
      const write = processIo.writeBytes;
      await outJson({ ...processIo, writeBytes: (b) => { const r = write(b); if (process.stdout.writableLength > 0) queued++; return r; } }, big);
      process.stderr.write('queued ' + queued);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read a little, then nothing for a while, again and again: the child's writes wait in its queue.
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), chunks.length % 20 === 0 ? 30 : 0);
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    const big = { results: Array.from({ length: 200000 }, (_, i) => ({ n: i, why: `SKD ≥ 311 ${'x'.repeat(i % 40)}` })) };
    expect(Buffer.concat(chunks).equals(Buffer.from(`${JSON.stringify(big, null, 2)}\n`, 'utf8'))).toBe(true);
    // Not vacuous: writes were queued while the layout went on.
    expect(Number(/queued (\d+)/.exec(stderr)?.[1])).toBeGreaterThan(10);
  }, 60_000);

  it('processIo.bytesWritten: false while a pipe still holds a write (its buffer is not to be filled again), true once it drained', async () => {
    const script = `
      import { processIo } from './src-main/cli/io.ts';
      const wait = processIo.writeBytes(Buffer.alloc(1 << 20, 97));
      const held = processIo.bytesWritten();
      await wait;
      process.stderr.write('held ' + held + ' drained ' + processIo.bytesWritten());`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Nothing read for a while: the megabyte cannot all go into the pipe at once.
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 300);
    expect(await new Promise<number | null>((done) => child.on('close', done))).toBe(0);
    expect(stderr).toBe('held false drained true');
    // Into a file (or /dev/null) a write is done at once.
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    expect(r.stderr).toBe('held true drained true');
  }, 60_000);

  it('a reader that closes the pipe early (| head): the writer stops with an error, never exit 0 with half an answer', () => {
    const script = `
      import { processIo } from './src-main/cli/io.ts';
      import { outJson } from './src-main/cli/json-stream.ts';
      process.stdout.on('error', () => {});
      const big = { results: Array.from({ length: 300000 }, (_, i) => ({ n: i, why: 'SKD ≥ 311' })) };
      try { await outJson(processIo, big); process.exitCode = 0; console.error('finished'); }
      catch (e) { console.error('stopped: ' + e.message); process.exitCode = 1; }`;
    const r = spawnSync('sh', ['-c', `"${process.execPath}" --import tsx --input-type=module -e "$0" | head -c 1000 > /dev/null`, script], { encoding: 'utf8' });
    expect(r.stderr).toContain('stopped: standard output was closed before the whole answer was written');
    expect(r.stderr).not.toContain('finished');
  });
});

describe('lentera rank --json, streamed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    const app = new LenteraApp({ dataDir: join(dir, 'demo'), allowInit: true });
    const r = await app.invokeAsync('workstation.demo', { candidates: 120 }, { local: 't' });
    expect(r.ok).toBe(true);
    app.close();
  }, 60_000);

  it('--data: the same bytes as JSON.stringify(answer, null, 2) + "\\n", with "≥" and provisional results in it', async () => {
    const io = ios();
    const args = ['rank', '--data', join(dir, 'demo'), '--exam', 'CPNS-SMG-2026', '--json'];
    expect(await run(args, io.plain)).toBe(0);
    expect(await run(args, io.streaming)).toBe(0);
    expect(io.errors).toEqual([]);
    const text = io.streamed.join('');
    expect(text).toBe(`${io.whole.join('')}\n`);
    const answer = JSON.parse(text) as { results: { provisional?: boolean; provisional_reason?: string }[]; reasons: object };
    expect(text).toBe(`${JSON.stringify(answer, null, 2)}\n`);
    expect(text).toContain('≥');
    expect(answer.results.some((r) => r.provisional && r.provisional_reason)).toBe(true);
    expect(Object.keys(answer.reasons).length).toBe(answer.results.length);
  });

  it('--ruleset --input: the same bytes; a bad file still fails with its line and column, nothing on stdout', async () => {
    const csv = join(dir, 'hasil.csv');
    const header = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir';
    writeFileSync(csv, [header, '1;F1;1;umum;100;140;200;80,5;3,50;1990-01-01', '2;F1;1;umum;100;100;185;75;3,20;1991-02-03', '3;F1;1;umum;100;140;;;3,00;1992-03-04'].join('\n'));
    const io = ios();
    const args = ['rank', '--ruleset', 'resources/rulesets/cpns-2024.json', '--input', csv, '--json'];
    expect(await run(args, io.plain)).toBe(0);
    expect(await run(args, io.streaming)).toBe(0);
    expect(io.streamed.join('')).toBe(`${io.whole.join('')}\n`);
    expect(io.streamed.join('')).toContain('≥');

    writeFileSync(csv, [header, '1;F1;0;umum;100;x;200;80;3,50;1990-01-01'].join('\n'));
    const bad = ios();
    expect(await run(args, bad.streaming)).toBe(1);
    expect(bad.streamed).toEqual([]);
    expect(bad.errors.join('\n')).toMatch(/line 2, column tiu: "x" is not a number/);
  });
});
