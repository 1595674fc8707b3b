import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../src-main/api/commands';
import { keptFacts, rankingAnswer, rankingRuns } from '../../src-main/core/ranking/answer';
import { gatherFacts } from '../../src-main/core/ranking/inputs';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import { CRITERIA, EXAM, local, PIN, venue } from '../unit/venue';
import { SAMPLE_INPUTS, type WalkFixture } from './registry-walk';

/**
 * The kept ranking (core/ranking/answer.ts) against every command of the registry: after each command that changes
 * anything, run by each kind of person with its sample inputs, the ranking kept on a connection of its own (as on the
 * ranking thread) must equal a fresh one. A command that came to write a table a ranking reads, in a way migration 15's
 * triggers do not note, would leave the kept ranking behind, and fail here. Before the walk, an interview is held to
 * its end (scores, submissions, a finalization, every panelist's sign-off) and a conflict declared, so those tables
 * hold rows too.
 */
describe('the kept ranking, after every command of the registry', () => {
  it('equals a fresh ranking after each command, whoever runs it', async () => {
    const { app, tokens, f01, present } = await venue();
    const dir = app.workstation!.dir;
    const reader = new Database(join(dir, 'lentera.db'), { readonly: true });
    const check = (after: string) => {
      const fresh = new Database(join(dir, 'lentera.db'), { readonly: true });
      try {
        expect({ after, answer: rankingAnswer(reader, EXAM) }).toEqual({ after, answer: rankingAnswer(fresh, EXAM) });
        // and what it was made from, read again where it changed, is what a fresh read gives (also where the
        // results do not show it: an interview value of a candidate whose other stages are still missing)
        const examId = fresh.prepare('SELECT id FROM exams WHERE code = ?').pluck().get(EXAM) as string;
        const ruleset = loadRuleset(fresh.prepare('SELECT ruleset FROM exams WHERE id = ?').pluck().get(examId) as string).ruleset;
        expect({ after, facts: keptFacts(reader) }).toEqual({ after, facts: gatherFacts(fresh, examId, ruleset).candidates });
      } finally {
        fresh.close();
      }
    };
    try {
      const before = { ...rankingRuns };
      rankingAnswer(reader, EXAM);
      const [n, m] = [f01[0]!, f01[1]!];
      present(n);
      present(m);
      check('check-ins');
      const by = (who: string) => ({ token: tokens[who]!, client: who });
      for (const p of ['penguji1', 'penguji2', 'penguji3', 'ketua1']) {
        for (const [i, c] of CRITERIA.entries()) app.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: c, value: 3 + (i % 2) }, by(p));
        app.invoke('panel.submit', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, by(p));
      }
      check('scores and submissions');
      expect(app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, by('ketua1')).ok).toBe(true);
      check('finalization');
      for (const p of ['penguji1', 'penguji2', 'penguji3', 'ketua1']) app.invoke('panel.signoff', { exam: EXAM, session: 'WWC-F01', pin: PIN }, by(p));
      check('sign-offs');
      expect(app.invoke('conflicts.declare', { exam: EXAM, nomorPeserta: m, reason: 'kerabat dekat' }, by('penguji2')).ok).toBe(true);
      check('a conflict');

      const f: WalkFixture = { exam: EXAM, session: 'WWC-F01', nomor: m, paperStage: 'TULIS', uploadId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b' };
      const auths: [string, unknown][] = [['local', local], ...['koordinator', 'ketua1', 'penguji1', 'petugas1'].map((w): [string, unknown] => [w, by(w)])];
      let ran = 0;
      for (const c of allCommands.filter((x) => x.mutates && !['exams.purge', 'workstation.purge'].includes(x.name))) {
        for (const input of SAMPLE_INPUTS[c.name]!(f)) {
          for (const [who, auth] of auths) {
            const r = await app.invokeAsync(c.name, input, auth as never);
            if (r.ok) ran++;
            check(`${c.name} by ${who}`);
          }
        }
      }
      expect(ran).toBeGreaterThan(10);
      // A purge last (it rewrites every candidate): the whole exam ranked again, and equal.
      await app.invokeAsync('exams.purge', { exam: EXAM }, local);
      check('exams.purge');
      // Both ways were taken: formations ranked again, and the whole exam.
      expect(rankingRuns.partial - before.partial).toBeGreaterThan(3);
    } finally {
      reader.close();
      app.close();
    }
  }, 300_000);
});
