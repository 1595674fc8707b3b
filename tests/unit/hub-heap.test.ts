import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { demoVenueBundle } from './helpers';

const run = promisify(execFile);
const peakOf = async (mode: string) => (JSON.parse((await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hub-heap-churn.ts'), mode])).stdout) as { peakMb: number }).peakMb;

describe("the hub's heap policy (server/hub-heap.ts)", () => {
  // V8 ignores a flag it does not know without a word: only the heap's size tells whether the policy holds.
  it('keeps the heap near what is live: the same churn peaks well below where V8 left alone lets it grow', async () => {
    const left = await peakOf('default');
    const kept = await peakOf('policy');
    // Measured: about 300 MB left alone, 130 MB kept, for some 60 MB live.
    expect(kept).toBeLessThan(left * 0.7);
  }, 60_000);
});

describe("the hub's malloc (server/hub-malloc.ts, native/malloc)", () => {
  const ownMapping = async (mode: string) => (JSON.parse((await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hub-malloc-child.ts'), mode])).stdout) as { ownMapping: boolean }).ownMapping;

  // glibc only: its threshold is what the addon sets (elsewhere it answers false and changes nothing).
  it.runIf(process.platform === 'linux')('gives a large buffer its own mapping after larger ones were freed, where glibc left alone takes it from its heap', async () => {
    expect(await ownMapping('policy')).toBe(true);
    // Without the policy glibc has raised its threshold past 1 MiB: the buffer comes from the heap, and stays there.
    expect(await ownMapping('default')).toBe(false);
  }, 60_000);

  it.runIf(process.platform === 'linux')('the addon refuses a threshold out of glibc\'s range, one that would wrap to a small int among them', async () => {
    const { mallocAddon } = await import('../../src-main/server/hub-malloc');
    const m = mallocAddon();
    expect(m).not.toBeNull();
    expect(m!.mmapThreshold(-1)).toBe(false);
    expect(m!.mmapThreshold(64 * 1024 * 1024)).toBe(false);
    // 2^32 + 4 KiB is 4 KiB as a C int, which glibc would take: every block of a page or more mapped on its own.
    expect(m!.mmapThreshold(2 ** 32 + 4096)).toBe(false);
    expect(m!.mmapped()).toBeGreaterThanOrEqual(0);
  });

  it.runIf(process.platform === 'linux')('an install that cannot build it warns and goes on (the hub then runs as before)', () => {
    // No node-gyp on the PATH: what `npm install` meets without a compiler's tools. Nothing is built or removed.
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build-native.mjs')], { env: { PATH: '' }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/native\/malloc was not built \(.*ENOENT.*\); the hub runs without it/);
  });
});

describe("the hub's ingest collects where it lets go (core/util/heap.ts)", () => {
  const root = mkdtempSync(join(tmpdir(), 'lentera-hub-heap-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("collects in full three times in a hub's process when a bundle is merged (before the view is ranked ahead, once the bundle is verified, once its records are stored), never for a bundle sent again, and never in a process without the hub's policy", async () => {
    const { file: bundle, pem } = await demoVenueBundle(join(root, 'ws'), { candidates: 60 });
    const cert = join(root, 'signer.pem');
    writeFileSync(cert, pem);
    const counts = async (mode: string) =>
      JSON.parse((await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hub-heap-ingest.ts'), mode, join(root, `hub-${mode}`), bundle, cert])).stdout) as { unchanged: boolean; forced: number }[];
    expect(await counts('policy')).toEqual([
      { unchanged: false, forced: 3 },
      { unchanged: true, forced: 0 },
    ]);
    // A workstation's merge, a test, a bench without the policy: V8 alone decides.
    expect(await counts('default')).toEqual([
      { unchanged: false, forced: 0 },
      { unchanged: true, forced: 0 },
    ]);
  }, 120_000);
});
