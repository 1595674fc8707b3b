import { z } from 'zod';
import { requireExam } from '../../core/exams/exams';
import { rank } from '../../core/ranking/engine';
import { gatherFacts } from '../../core/ranking/inputs';
import { loadRuleset } from '../../core/ranking/rulesets';
import { defineCommand } from '../registry';

export const rankingCommands = [
  defineCommand({
    name: 'ranking.compute',
    summary: 'Rank an exam from its raw scores and its ruleset (exact; rounding only for display)',
    input: z.object({ exam: z.string().trim().min(1), formation: z.string().optional() }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const loaded = loadRuleset(exam.ruleset);
      const facts = gatherFacts(ctx.db, exam.id, loaded.ruleset);
      const results = rank(loaded.ruleset, facts.formations, facts.candidates).filter((r) => !input.formation || r.kode_formasi === input.formation || r.optimalisasi_ke === input.formation);
      return {
        exam: { code: exam.code, name: exam.name, agency: exam.agency },
        ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version, title: loaded.ruleset.title, sha256: loaded.sha256, statuses: loaded.ruleset.statuses },
        formations: facts.formations.filter((f) => !input.formation || f.code === input.formation),
        results,
      };
    },
  }),
];
