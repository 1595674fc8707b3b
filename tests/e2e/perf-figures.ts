import { appendFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

/**
 * A figure of the UI benchmark (`npm run bench ui`), written where LENTERA_PERF_OUT says as one JSON line, beside
 * the baseline measured in the same run. Only the perf specs write them; they run on demand (LENTERA_PERF=1).
 */
export interface UiFigure {
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baseline: number;
  goal: { kind: 'absolute'; max: number } | { kind: 'cost'; max: number };
}

export function recordFigure(f: UiFigure): void {
  const out = process.env.LENTERA_PERF_OUT;
  if (out) appendFileSync(out, `${JSON.stringify(f)}\n`);
}

/** The time (ms, median of `runs`) of one registry call from the page, with the page's own session: the bare API call. */
export async function bareCall(page: Page, command: string, input: unknown, runs = 5): Promise<number> {
  const times = await page.evaluate(
    async ({ command, input, runs }) => {
      const token = sessionStorage.getItem('lentera.session') ?? '';
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = await fetch(`/api/${command}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-lentera-session': token }, body: JSON.stringify(input), cache: 'no-store' });
        await r.json();
        out.push(performance.now() - t0);
      }
      return out;
    },
    { command, input, runs },
  );
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}
