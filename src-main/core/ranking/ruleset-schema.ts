import { z } from 'zod';
import { KATEGORI } from '../roster/fields';

/**
 * A ruleset is data, never code: versioned JSON in resources/rulesets/, chosen by the exam package, shown with
 * its sha256 wherever results are. Two models cover the selections Lentera serves:
 * - integration (CPNS): SKD passing grades per kategori, a cap of N × quota on SKB, final = weighted SKD and SKB;
 * - weighted_stages (open selections, interview panels): stages weighted into a final, a minimum per stage.
 */
const code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/);
const percent = z.number().min(0).max(100);

const threshold = z.union([
  z.object({ component: z.string().min(1), min: z.number() }).strict(),
  z.object({ total: z.literal(true), min: z.number() }).strict(),
]);

export const TIE_BREAKS = ['final', 'skd_total', 'twk', 'tiu', 'tkp', 'ipk', 'older'] as const;

const common = {
  format: z.literal('lentera.ruleset/1', { message: 'unknown format: this Lentera reads "lentera.ruleset/1"' }),
  id: z.string().regex(/^[a-z0-9-]+$/),
  version: z.string().min(1),
  title: z.string().min(1),
  legal_basis: z.array(z.object({ rule: z.string().min(1), source: z.string().min(1) }).strict()).min(1),
  statuses: z.record(z.string(), z.string()),
};

const integration = z
  .object({
    ...common,
    model: z.literal('integration'),
    skd: z.object({ stage: code, components: z.array(z.string().min(1)).min(1), max: z.number().positive() }).strict(),
    skb: z.object({ weights: z.record(z.string(), percent) }).strict(),
    passing_grade: z.record(z.enum(KATEGORI), z.array(threshold).min(1)),
    skb_cap: z.number().int().min(1),
    integration: z.object({ skd: percent, skb: percent }).strict(),
    tie_break: z.array(z.enum(TIE_BREAKS)).min(1),
    optimalisasi: z.object({ match: z.array(z.enum(['position', 'education'])).min(1) }).strict().optional(),
  })
  .strict();

const weightedStages = z
  .object({
    ...common,
    model: z.literal('weighted_stages'),
    stages: z.record(z.string(), z.object({ weight: percent, min: z.number().min(0).max(100) }).strict()),
    tie_break: z.array(z.union([z.enum(TIE_BREAKS), z.string().regex(/^stage:/)])).min(1),
  })
  .strict();

export const rulesetSchema = z.discriminatedUnion('model', [integration, weightedStages]).superRefine((r, ctx) => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  // Weights are percentages of whole numbers or simple decimals; compare in hundredths to stay exact.
  const hundredths = (xs: number[]) => sum(xs.map((x) => Math.round(x * 100)));
  if (r.model === 'integration') {
    if (hundredths([r.integration.skd, r.integration.skb]) !== 10000) {
      ctx.addIssue({ code: 'custom', path: ['integration'], message: `SKD and SKB weights sum to ${r.integration.skd + r.integration.skb} %, not 100 %` });
    }
    if (hundredths(Object.values(r.skb.weights)) !== 10000) {
      ctx.addIssue({ code: 'custom', path: ['skb', 'weights'], message: `SKB stage weights sum to ${sum(Object.values(r.skb.weights))} %, not 100 %` });
    }
    for (const [kat, list] of Object.entries(r.passing_grade)) {
      list.forEach((t, i) => {
        if ('component' in t && !r.skd.components.includes(t.component)) {
          ctx.addIssue({ code: 'custom', path: ['passing_grade', kat, i, 'component'], message: `unknown SKD component "${t.component}"` });
        }
      });
    }
  } else {
    const weights = Object.values(r.stages).map((s) => s.weight);
    if (hundredths(weights) !== 10000) ctx.addIssue({ code: 'custom', path: ['stages'], message: `stage weights sum to ${sum(weights)} %, not 100 %` });
    r.tie_break.forEach((t, i) => {
      if (t.startsWith('stage:') && !(t.slice(6) in r.stages)) ctx.addIssue({ code: 'custom', path: ['tie_break', i], message: `unknown stage "${t.slice(6)}"` });
    });
  }
});

export type Ruleset = z.output<typeof rulesetSchema>;
export type IntegrationRuleset = Extract<Ruleset, { model: 'integration' }>;
export type WeightedStagesRuleset = Extract<Ruleset, { model: 'weighted_stages' }>;
