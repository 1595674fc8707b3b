import type { Page } from '@playwright/test';
import axeCore, { type AxeResults } from 'axe-core';
import { expect } from './fixtures';

/** The rules every page is held to: WCAG 2.1 A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * WCAG 2.1 A/AA violations on the page as it is now, one readable line per element.
 *
 * axe-core is put into the page once and run there. @axe-core/playwright injected it again on every call and then
 * finished each run in a new blank page: about 1.2 s a call on these machines, against 0.1–1 s for the run itself, and
 * the e2e suite makes over a hundred calls. The app is one page without frames, so nothing of that was needed.
 * Playwright evaluates through the DevTools protocol, which the strict CSP does not govern: the policy stays as it is
 * (a11y.spec.ts shows a violation is still found under it).
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  // A hash route keeps the document, and the axe put in it; a reload or a new URL drops both.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeCore.source);
  const result = await page.evaluate(
    (tags) => (window as unknown as { axe: typeof axeCore }).axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    WCAG_TAGS,
  ) as AxeResults;
  // A checker that ran no rule at all (injection refused, say) would pass every page: make sure it looked.
  expect(result.passes.length, `axe checked nothing on ${where}`).toBeGreaterThan(0);
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${where}: ${v.id} [${v.impact ?? 'n/a'}] ${n.target.join(' ')} — ${v.help} (${n.failureSummary?.replace(/\s+/g, ' ') ?? ''})`),
  );
}
