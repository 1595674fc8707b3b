import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { openDatabase } from '../../src-main/core/db/open';
import { printFigures, timed } from './report';

const N = 5_000;

/** Audited command throughput vs bare better-sqlite3 inserts, both one transaction each, synchronous=FULL. */
export function benchRegistry(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-'));
  try {
    const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
    app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });

    const bare = openDatabase(join(dir, 'bare.db'), { create: true }); // same pragmas, same schema
    const insert = bare.prepare('INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)');
    const one = bare.transaction((i: number) => insert.run(`k${i}`, String(i), new Date().toISOString(), 'bench'));
    // Interleaved rounds, so a busy neighbour on the machine slows both sides alike.
    let baselineMs = 0;
    let auditedMs = 0;
    const rounds = 10;
    const per = N / rounds;
    for (let r = 0; r < rounds; r++) {
      baselineMs += timed(() => {
        for (let i = r * per; i < (r + 1) * per; i++) one(i);
      }).ms;
      auditedMs += timed(() => {
        for (let i = r * per; i < (r + 1) * per; i++) {
          const res = app.invoke('settings.set', { key: `k${i}`, value: String(i) }, { local: 'bench' });
          if (!res.ok) throw new Error(res.error.message);
        }
      }).ms;
    }
    const baseline = { ms: baselineMs };
    const audited = { ms: auditedMs };
    bare.close();
    app.close();

    printFigures('Audited command throughput (5,000 small mutating commands, one transaction each, synchronous=FULL)', [
      {
        name: 'registry + audit chain (settings.set)',
        value: (N / audited.ms) * 1000,
        unit: 'ops/s',
        baselineName: 'bare better-sqlite3 insert',
        baseline: (N / baseline.ms) * 1000,
        better: 'higher',
        target: '<= 2x',
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
