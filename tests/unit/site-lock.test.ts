import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withSiteLock } from '../../src-main/core/publish/site-lock';

/**
 * The lock a two-folder site write takes (site-lock.ts): which locks left behind are taken over and which are waited
 * for. site-two-folders.test.ts plays two writes at once and a lock whose process was killed; these are the rest.
 */

const dir = mkdtempSync(join(tmpdir(), 'lentera-site-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A lock file left as another write would leave it, `ageMs` old. */
function leftLock(content: string, ageMs = 0): string {
  const file = join(dir, `situs-${n++}.state.json.lock`);
  writeFileSync(file, content);
  const at = new Date(Date.now() - ageMs);
  utimesSync(file, at, at);
  return file;
}

/** What `withSiteLock` does with the lock `file` within `waitMs`: ran the write (then the lock is gone), or refused. */
async function tryWrite(file: string, waitMs = 300): Promise<{ ran: boolean; error?: { code?: string; message: string } }> {
  let ran = false;
  try {
    await withSiteLock(
      file,
      async () => {
        ran = true;
        // Held while the write runs, naming this process.
        expect(JSON.parse(readLock(file))).toEqual({ pid: process.pid, host: hostname() });
      },
      waitMs,
    );
    return { ran };
  } catch (e) {
    return { ran, error: e as { code?: string; message: string } };
  }
}

const readLock = (file: string) => readFileSync(file, 'utf8');
const HOUR = 60 * 60_000;

describe('which locks left behind are taken over (site-lock.ts)', () => {
  it("a live process's lock on this machine is waited for, then refused naming it; the same lock 7 hours old is taken over (its number reused)", async () => {
    const live = JSON.stringify({ pid: process.pid, host: hostname() });
    const fresh = leftLock(live);
    const refused = await tryWrite(fresh);
    expect(refused.ran).toBe(false);
    expect(refused.error).toMatchObject({ code: 'PUBLISH_BUSY' });
    expect(refused.error!.message).toContain(`${process.pid} on ${hostname()}`);
    expect(readLock(fresh)).toBe(live);

    const old = leftLock(live, 7 * HOUR);
    expect(await tryWrite(old)).toEqual({ ran: true });
    expect(existsSync(old)).toBe(false);
  });

  it("another machine's lock is never judged by its process (a number there means nothing here), only by its age", async () => {
    const other = JSON.stringify({ pid: 2 ** 30, host: `${hostname()}-lain` });
    expect((await tryWrite(leftLock(other))).error).toMatchObject({ code: 'PUBLISH_BUSY' });
    expect(await tryWrite(leftLock(other, 7 * HOUR))).toEqual({ ran: true });
  });

  it('a lock that cannot be read (being written this moment, or garbled) is waited for 10 s, then taken over', async () => {
    const young = await tryWrite(leftLock('{"pid": 12'));
    expect(young.error).toMatchObject({ code: 'PUBLISH_BUSY' });
    // It names no one: the message says only that another process writes.
    expect(young.error!.message).toMatch(/^Another Lentera process is writing this site/);
    expect(await tryWrite(leftLock('', 11_000))).toEqual({ ran: true });
  });

  it('a write that fails lets the lock go; a lock that cannot be made at all is the error, not a wait', async () => {
    const file = join(dir, 'gagal.state.json.lock');
    await expect(withSiteLock(file, async () => Promise.reject(new Error('gagal')), 300)).rejects.toThrow('gagal');
    expect(existsSync(file)).toBe(false);
    const t = Date.now();
    await expect(withSiteLock(join(dir, 'tidak-ada', 'x.lock'), async () => 1, 5_000)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(Date.now() - t).toBeLessThan(5_000);
  });
});
