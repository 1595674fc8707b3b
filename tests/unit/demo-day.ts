import { join } from 'node:path';
import { seedDemo } from '../../src-main/core/demo/seed';
import { initWorkstation } from '../../src-main/core/workstation/workstation';
import { tempDir } from './helpers';

/** The time a demo day's workstation is made at (and its clock stands at). */
export const DAY_AT = '2026-12-02T07:00:00.000Z';

/** The demo venue in process (no registry): its workstation, an account's id by name, and the exam's id. */
export function demoDay() {
  const dir = join(tempDir(), 'ws');
  const ws = initWorkstation(dir, { adminName: 'koordinator', pin: '482913', actor: 'cli:test' }, { clock: { now: () => new Date(DAY_AT) } });
  seedDemo(ws, DAY_AT, 'cli:test', '482913');
  const id = (name: string) => ws.db.prepare('SELECT id FROM accounts WHERE name = ?').pluck().get(name) as string;
  const exam = ws.db.prepare('SELECT id FROM exams').pluck().get() as string;
  return { ws, id, exam };
}

/** A refusal (not present, finalized, conflicted…) is part of the day; only the state it leaves matters. */
export function attempt(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof Error) || !('code' in e)) throw e;
  }
}
