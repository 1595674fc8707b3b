import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PACE, Pacer } from '../../src-renderer/app/pacer';

/** A page's reload that costs the server `cost` ms, on fake timers; each load's start and end are noted. */
function page(cost: number | (() => number), fail = false) {
  const loads: { start: number; end: number }[] = [];
  const t0 = Date.now(); // times below from the page's opening
  const load = () =>
    new Promise<void>((resolve, reject) => {
      const start = Date.now() - t0;
      setTimeout(() => {
        loads.push({ start, end: Date.now() - t0 });
        if (fail) reject(new Error('the server said no'));
        else resolve();
      }, typeof cost === 'number' ? cost : cost());
    });
  const pacer = new Pacer(load, { now: () => Date.now(), setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) });
  return { loads, pacer };
}

describe('live reloads paced by their cost', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reloads at once on a first event, and once more, not once per event, for those that come meanwhile', async () => {
    const { loads, pacer } = page(1000);
    pacer.ask();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(50);
      pacer.ask();
    }
    await vi.advanceTimersByTimeAsync(60_000);
    // The first at 0; the ten events during it make one more, PACE times its cost after it ended.
    expect(loads).toEqual([
      { start: 0, end: 1000 },
      { start: (PACE + 1) * 1000, end: (PACE + 2) * 1000 },
    ]);
  });

  it('a page of 5 s asked every second for a minute takes at most 1/(PACE+1) of the server, and answers every event within (PACE+1) costs', async () => {
    // Costs that vary from load to load, as a busy server's do.
    const costs = [5000, 3000, 7000, 5000, 6000, 4000];
    let k = 0;
    const { loads, pacer } = page(() => costs[k++ % costs.length]!);
    const asked: number[] = [];
    for (let t = 0; t < 60_000; t += 1000) {
      pacer.ask();
      asked.push(t);
      await vi.advanceTimersByTimeAsync(1000);
    }
    await vi.advanceTimersByTimeAsync(120_000);
    // Each load begins (PACE + 1) times the last one's cost after the last began, or later: the server's share.
    for (let i = 1; i < loads.length; i++) {
      expect(loads[i]!.start - loads[i - 1]!.start).toBeGreaterThanOrEqual((PACE + 1) * (loads[i - 1]!.end - loads[i - 1]!.start));
    }
    // Every event is answered by a load that began after it, no later than (PACE + 1) of the longest cost after it.
    for (const at of asked) expect(loads.some((l) => l.start >= at && l.start <= at + (PACE + 1) * 7000)).toBe(true);
    // Against one load per event: 60 loads, the server busy all the time.
    expect(loads.length).toBeLessThanOrEqual(Math.ceil(60_000 / ((PACE + 1) * 3000)) + 1);
  });

  it('a cheap page stays live: 5 ms reloads follow events within 25 ms', async () => {
    const { loads, pacer } = page(5);
    for (let i = 0; i < 5; i++) {
      pacer.ask();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(loads.map((l) => l.start)).toEqual([0, 100, 200, 300, 400]);
  });

  it('a refused reload keeps the pace, and a page gone asks nothing until shown again', async () => {
    const { loads, pacer } = page(200, true);
    pacer.ask();
    await vi.advanceTimersByTimeAsync(0);
    pacer.ask();
    await vi.advanceTimersByTimeAsync(10_000).catch(() => undefined);
    expect(loads.map((l) => l.start)).toEqual([0, (PACE + 1) * 200]);
    pacer.stop();
    pacer.ask();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(loads).toHaveLength(2);
    pacer.start();
    pacer.ask();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(loads).toHaveLength(3);
  });
});
