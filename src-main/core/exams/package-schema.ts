import { z } from 'zod';
import { caseFolds } from '../publish/paths';
import { KATEGORI } from '../roster/fields';

/**
 * The exam package, as the selection committee prepares it (format lentera.exam/1). Keys are English
 * snake_case; roster fields keep the Indonesian column names of the roster file.
 */
const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'a code: 1–40 letters, digits, dot, dash or underscore');
const text = z.string().trim().min(1).max(300);
const score = z.number().finite();

export const componentSchema = z
  .object({
    code,
    name: text,
    min: score,
    max: score,
    step: score.positive(),
  })
  .strict();

export const levelSchema = z
  .object({ score, label: text, description: z.string().max(2000).optional() })
  .strict();

export const criterionSchema = z
  .object({
    code,
    label: text,
    description: z.string().max(4000).optional(),
    levels: z.array(levelSchema).default([]),
    min: score,
    max: score,
    step: score.positive(),
    weight: z.number().positive(),
  })
  .strict();

export const rubricSchema = z
  .object({
    criteria: z.array(criterionSchema).min(1),
    aggregate: z.enum(['mean', 'median', 'trimmed_mean']),
    divergence: z.number().nonnegative(),
  })
  .strict();

export const stageScoreSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('sum') }).strict(),
  z.object({ method: z.literal('weighted'), weights: z.record(z.string(), z.number().positive()) }).strict(),
]);

export const stageSchema = z
  .object({
    code,
    name: text,
    kind: z.enum(['cat', 'written', 'practical', 'interview']),
    weight: z.number().min(0).max(100).optional(),
    components: z.array(componentSchema).default([]),
    score: stageScoreSchema.default({ method: 'sum' }),
    rubric: rubricSchema.optional(),
  })
  .strict();

export const formationSchema = z
  .object({ code, position: text, unit: text, education: text, quota: z.number().int().min(1, 'quota must be at least 1') })
  .strict();

export const venueSchema = z.object({ code, name: text, address: z.string().trim().max(500).default('') }).strict();

export const panelMemberSchema = z
  .object({
    name: text,
    nip: z.string().regex(/^\d{18}$/, 'NIP must be 18 digits'),
    role: z.enum(['chair', 'examiner']),
  })
  .strict();

export const sessionSchema = z
  .object({
    code,
    stage: code,
    venue: code,
    room: z.string().trim().max(100).default(''),
    starts_at: z.iso.datetime({ offset: true, message: 'a date-time with its offset, e.g. 2026-11-30T08:00:00+07:00' }),
    panel: z.array(panelMemberSchema).default([]),
    candidates: z.array(z.string().trim().min(1)).default([]),
  })
  .strict();

export const packageRosterRowSchema = z
  .object({
    nomor_peserta: z.string(),
    nik: z.string(),
    nama: z.string(),
    tanggal_lahir: z.string(),
    jenis_kelamin: z.string(),
    pendidikan: z.string(),
    ipk: z.union([z.number(), z.string()]),
    kode_formasi: z.string(),
    kategori: z.enum(KATEGORI),
  })
  .strict();

export const examPackageSchema = z
  .object({
    format: z.literal('lentera.exam/1', { message: 'unknown format: this Lentera reads "lentera.exam/1"' }),
    exam: z
      .object({
        code,
        name: text,
        agency: text,
        year: z.number().int().min(2000).max(2100),
        ruleset: z.string().regex(/^[a-z0-9-]+$/, 'a ruleset id such as cpns-2024'),
      })
      .strict(),
    formations: z.array(formationSchema).min(1),
    stages: z.array(stageSchema).min(1),
    venues: z.array(venueSchema).default([]),
    sessions: z.array(sessionSchema).default([]),
    roster: z.array(packageRosterRowSchema).default([]),
  })
  .strict()
  .superRefine((pkg, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const unique = (list: { code: string }[], key: string) => {
      const seen = new Set<string>();
      list.forEach((x, i) => {
        if (seen.has(x.code)) issue([key, i, 'code'], `duplicate code "${x.code}"`);
        seen.add(x.code);
      });
      return seen;
    };
    unique(pkg.formations, 'formations');
    // Each formation has a page of the published site named by its code.
    const clashOf = caseFolds();
    pkg.formations.forEach((f, i) => {
      const other = clashOf(f.code);
      if (other !== undefined) issue(['formations', i, 'code'], `formation code "${f.code}" differs from "${other}" only in letter case: published, the two would share one page`);
    });
    const stages = unique(pkg.stages, 'stages');
    const venues = unique(pkg.venues, 'venues');
    unique(pkg.sessions, 'sessions');

    const checkRange = (path: (string | number)[], r: { min: number; max: number; step: number }) => {
      if (r.max <= r.min) issue([...path, 'max'], `max (${r.max}) must be above min (${r.min})`);
      const steps = (r.max - r.min) / r.step;
      if (Math.abs(steps - Math.round(steps)) > 1e-9) issue([...path, 'step'], `step ${r.step} does not divide ${r.min}–${r.max}`);
    };
    pkg.stages.forEach((s, i) => {
      const comps = unique(s.components, `stages.${i}.components`);
      s.components.forEach((c, j) => checkRange(['stages', i, 'components', j], c));
      if (s.kind === 'interview' && !s.rubric) issue(['stages', i, 'rubric'], 'an interview stage needs a rubric');
      if (s.kind !== 'interview' && s.components.length === 0) issue(['stages', i, 'components'], `a ${s.kind} stage needs at least one component`);
      if (s.score.method === 'weighted') {
        for (const c of Object.keys(s.score.weights)) {
          if (!comps.has(c)) issue(['stages', i, 'score', 'weights', c], `unknown component "${c}" in stage ${s.code}`);
        }
      }
      s.rubric?.criteria.forEach((c, j) => {
        checkRange(['stages', i, 'rubric', 'criteria', j], c);
        c.levels.forEach((l, k) => {
          if (l.score < c.min || l.score > c.max) issue(['stages', i, 'rubric', 'criteria', j, 'levels', k, 'score'], `level score ${l.score} is outside ${c.min}–${c.max}`);
        });
      });
      if (s.rubric) unique(s.rubric.criteria, `stages.${i}.rubric.criteria`);
    });
    const roster = new Set(pkg.roster.map((r) => r.nomor_peserta.trim()));
    pkg.sessions.forEach((s, i) => {
      if (!stages.has(s.stage)) issue(['sessions', i, 'stage'], `unknown stage "${s.stage}"`);
      if (!venues.has(s.venue)) issue(['sessions', i, 'venue'], `unknown venue "${s.venue}"`);
      const nips = new Set<string>();
      s.panel.forEach((p, j) => {
        if (nips.has(p.nip)) issue(['sessions', i, 'panel', j, 'nip'], `NIP ${p.nip} is twice on this panel`);
        nips.add(p.nip);
      });
      const stage = pkg.stages.find((x) => x.code === s.stage);
      if (stage?.kind === 'interview' && !s.panel.some((p) => p.role === 'chair')) issue(['sessions', i, 'panel'], 'an interview session needs a chair');
      // Candidates may also come from a roster imported earlier; those are checked against the database on import.
      void roster;
    });
  });

export type ExamPackage = z.output<typeof examPackageSchema>;
