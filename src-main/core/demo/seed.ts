import { randomInt } from 'node:crypto';
import { createAccount } from '../accounts/accounts';
import { pinSchema } from '../accounts/pin';
import { appendEvent } from '../audit/chain';
import { applyPackageImport, planPackageImport } from '../exams/exams';
import type { Workstation } from '../workstation/workstation';
import { LenteraError } from '../util/errors';
import { DEMO_PEOPLE, demoPackage } from './generate';
import { seedDemoScores } from './scores';
import { writeTransaction } from '../db/transaction';

export interface DemoAccount {
  name: string;
  displayName: string;
  role: string;
  pin: string;
}

export function randomPin(): string {
  for (;;) {
    const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (pinSchema.safeParse(pin).success) return pin;
  }
}

/**
 * The day (WIB) the demo's interviews took place: the day the demo is made when its afternoon sessions (13.00,
 * one of them still being scored) have begun, else the day before. Its scores are recorded now, after them.
 */
export function demoInterviewDay(at: string): string {
  const wib = new Date(Date.parse(at) + 7 * 3_600_000);
  const minutes = wib.getUTCHours() * 60 + wib.getUTCMinutes();
  return new Date(wib.getTime() - (minutes >= 13 * 60 + 30 ? 0 : 86_400_000)).toISOString().slice(0, 10);
}

/**
 * Fills a fresh workstation with the demo venue: the people (with PINs shown once), the exam package, its
 * roster, attendance and scores in every state. One transaction, audited, so the demo's log verifies like any other.
 */
export function seedDemo(ws: Workstation, at: string, actor: string, coordinatorPin: string, candidates = 300): { exam: string; accounts: DemoAccount[] } {
  const db = ws.db;
  const pkg = demoPackage(candidates, undefined, demoInterviewDay(at));
  const accounts: DemoAccount[] = [];
  writeTransaction(db, () => {
    for (const p of DEMO_PEOPLE) {
      if (p.role === 'coordinator') {
        accounts.push({ name: p.name, displayName: p.displayName, role: p.role, pin: coordinatorPin });
        continue;
      }
      const pin = randomPin();
      const account = createAccount(db, { now: () => new Date(at) }, ws.id, { name: p.name, displayName: p.displayName, role: p.role, nip: p.nip, pin });
      appendEvent(db, { at, actor, command: 'accounts.create', outcome: 'ok', payload: { id: account.id, name: p.name, role: p.role, nip: p.nip ?? null, demo: true } });
      accounts.push({ name: p.name, displayName: p.displayName, role: p.role, pin });
    }
    const plan = planPackageImport(db, pkg);
    if (plan.problems.length) throw new LenteraError('INTERNAL', `demo package invalid: ${plan.problems[0]!.path}: ${plan.problems[0]!.message}`, {});
    const { examId } = applyPackageImport(db, plan, at, actor, ws.id);
    appendEvent(db, { at, actor, command: 'exams.import', outcome: 'ok', payload: { exam: pkg.exam.code, status: 'new', sha256: plan.sha256, counts: plan.counts, demo: true } });
    const ids = new Map((db.prepare('SELECT name, id FROM accounts').all() as { name: string; id: string }[]).map((a) => [a.name, a.id]));
    seedDemoScores(db, examId, pkg, at, actor, ws.id, ids);
  });
  return { exam: pkg.exam.code, accounts };
}
