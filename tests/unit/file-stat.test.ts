import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStat, sameStat, StatTable, statOf, type FileStat } from '../../src-main/core/util/file-stat';

/** The record of a file's inode and change time (util/file-stat.ts), as the hub keeps it for each verified bundle. */
const dir = mkdtempSync(join(tmpdir(), 'lentera-file-stat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a file\'s recorded inode and ctime', () => {
  it('is the same record until the file is written, replaced or its times are put back', async () => {
    const file = join(dir, 'f');
    writeFileSync(file, 'abc');
    const rec = statOf(file)!;
    expect(rec).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/)]);
    expect(sameStat(statOf(file), parseStat(JSON.stringify(rec)))).toBe(true);
    // ctime has nanoseconds, but a coarse clock can give two writes the same: wait a tick of it.
    await new Promise((r) => setTimeout(r, 20));
    utimesSync(file, new Date(0), new Date(0));
    expect(sameStat(statOf(file), rec)).toBe(false);
    const again = statOf(file)!;
    writeFileSync(join(dir, 'g'), 'abc');
    renameSync(join(dir, 'g'), file);
    expect(sameStat(statOf(file), again)).toBe(false);
    expect(sameStat(statOf(join(dir, 'missing')), again)).toBe(false);
    expect(sameStat(statOf(dir), again)).toBe(false);
    expect(sameStat(statOf(file), null)).toBe(false);
  });

  it('read back from text: anything but two strings of digits is no record', () => {
    expect(parseStat('["12","34"]')).toEqual(['12', '34']);
    for (const bad of [null, undefined, '', 'null', '[12,34]', '["12"]', '["12","34","5"]', '["1a","34"]', '{"0":"1","1":"2"}', '["12","34"', `["${'9'.repeat(41)}","1"]`]) expect(parseStat(bad)).toBeNull();
  });
});

describe('StatTable', () => {
  it('gives back each stat held, by number, past its first 4,096; nothing where none was held', () => {
    const t = new StatTable();
    const held: [number, FileStat][] = [];
    for (let i = 0; i < 5000; i++) {
      const st: FileStat = [String(1000 + i), String(1_764_990_000_123_456_789n + BigInt(i) * 1_000_003n)];
      held.push([t.add(st), st]);
    }
    for (const [n, st] of held) expect(t.get(n)).toEqual(st);
    // The largest values both fields can take.
    t.set(9000, 2n ** 64n - 1n, 2n ** 63n - 1n);
    expect(t.get(9000)).toEqual([String(2n ** 64n - 1n), String(2n ** 63n - 1n)]);
    expect(t.get(8000)).toBeNull();
    expect(t.get(9001)).toBeNull();
    expect(t.add(['1', '2'])).toBe(9001);
  });
});
