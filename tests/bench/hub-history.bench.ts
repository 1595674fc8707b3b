import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Publisher } from '../../src-main/core/publish/publisher';
import { printFigures, type Figure } from './report';

/** Results the log holds before the measured steps, in one exam. */
const HELD = 100_000;
/** The hub's history: as many checkpoints, one after each venue's bundle of HELD / CHECKPOINTS results. */
const CHECKPOINTS = 1_000;
/** One venue's bundle: results appended at a time in the measured steps. */
const VENUE = 100;
const ROUNDS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** `count` results of `exam` from candidate `from` on, each digest its own. */
function results(exam: string, from: number, count: number): { exam: string; nomor: string; digest: string }[] {
  return Array.from({ length: count }, (_, k) => ({ exam, nomor: `S${from + k}`, digest: createHash('sha256').update(`${exam} ${from + k}`).digest('hex') }));
}

function append(p: Publisher, entries: { exam: string; nomor: string; digest: string }[], checkpoint: boolean): number {
  const t = now();
  p.db.transaction(() => p.log.append(entries, new Date().toISOString()))();
  const ms = now() - t;
  if (checkpoint) p.log.checkpoint(new Date().toISOString());
  return ms;
}

/**
 * Issue 18's "grows with the change, not the total", along two kinds of history the growth section's log (one
 * bundle's checkpoint, a new exam) does not have: a hub that has accepted a thousand venues' bundles, each with its
 * checkpoint, and one more venue's bundle of an exam the log already holds 100,000 results of. Each beside the same
 * step on a log of the same leaves without that history.
 */
export async function benchHubHistory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-history-'));
  try {
    // Two hubs of the same 100,000 results: one took them in a thousand bundles, a checkpoint after each; the other
    // in one bundle with one checkpoint.
    const many = Publisher.open(join(dir, 'banyak'), {});
    const one = Publisher.open(join(dir, 'satu'), {});
    const t0 = now();
    for (let c = 0; c < CHECKPOINTS; c++) append(many, results('UJIAN-BESAR', c * (HELD / CHECKPOINTS), HELD / CHECKPOINTS), true);
    const filled = now() - t0;
    append(one, results('UJIAN-BESAR', 0, HELD), true);
    // Each hub's site written once, as a running hub has (untimed: the first write of a process checks everything).
    await many.writeSite(join(dir, 'situs-banyak'), new Date().toISOString());
    await one.writeSite(join(dir, 'situs-satu'), new Date().toISOString());

    // Rounds: one more venue's bundle into each (a new exam's, then the large exam's, alternated), its checkpoint, the
    // site written after it.
    const site: { many: number[]; one: number[] } = { many: [], one: [] };
    const appended: { large: number[]; fresh: number[] } = { large: [], fresh: [] };
    for (let r = 0; r < ROUNDS; r++) {
      appended.fresh.push(append(one, results(`UJIAN-BARU-${r}`, 0, VENUE), false));
      appended.large.push(append(one, results('UJIAN-BESAR', HELD + r * VENUE, VENUE), true));
      append(many, results(`UJIAN-BARU-${r}`, 0, VENUE), false);
      append(many, results('UJIAN-BESAR', HELD + r * VENUE, VENUE), true);
      for (const [p, into, name] of [[many, site.many, 'banyak'], [one, site.one, 'satu']] as const) {
        const t = now();
        await p.writeSite(join(dir, `situs-${name}`), new Date().toISOString());
        into.push(now() - t);
      }
    }
    const checkpoints = { many: many.log.checkpoints().length, one: one.log.checkpoints().length };
    many.close();
    one.close();
    console.log(`(the thousand bundles' history made in ${(filled / 1000).toFixed(1)} s)`);
    const figures: Figure[] = [
      {
        name: `site update after one more venue's bundle, ${HELD.toLocaleString('en-US')} results under ${checkpoints.many.toLocaleString('en-US')} checkpoints (median of ${ROUNDS})`,
        value: median(site.many),
        unit: 'ms',
        baselineName: `the same under ${checkpoints.one} checkpoints`,
        baseline: median(site.one),
        better: 'lower',
        target: 'flat (≈ 1×): each checkpoint signature is verified once a process, not at every write',
      },
      {
        name: `one venue's bundle of ${VENUE} results appended to the log, into an exam of ${HELD.toLocaleString('en-US')} results (median of ${ROUNDS})`,
        value: median(appended.large),
        unit: 'ms',
        baselineName: 'the same into a new exam',
        baseline: median(appended.fresh),
        better: 'lower',
        target: "flat (≈ 1×): only the bundle's candidates' leaves and salts are read",
      },
    ];
    printFigures(`hub history: ${CHECKPOINTS.toLocaleString('en-US')} bundles' checkpoints, and an exam already ${HELD.toLocaleString('en-US')} results large`, figures);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
