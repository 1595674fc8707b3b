import type { Rejected } from '../core/roster/roster';
import type { CliIo } from './io';

/**
 * A roster's rows refused (ROSTER_INVALID with its problems): each printed with its line, column and reason, at most
 * 50, then how many and what became of the file. False for any other refusal (NIKs rounded, dates in two orders,
 * an unreadable file), which the caller answers with its sentence.
 */
export function printRosterProblems(io: CliIo, file: string, error: { code: string; details: Record<string, unknown> }, outcome: string): boolean {
  const problems = error.code === 'ROSTER_INVALID' ? (error.details.problems as Rejected[] | undefined) : undefined;
  if (!problems) return false;
  for (const r of problems.slice(0, 50)) io.err(`${file}, line ${r.line}, column ${r.column}: ${r.reason}`);
  const count = Number(error.details.count ?? problems.length);
  if (count > 50) io.err(`... and ${count - 50} more`);
  io.err(`lentera: ${count} invalid row(s) in ${file}; ${outcome}.`);
  return true;
}
