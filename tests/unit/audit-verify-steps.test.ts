import { describe, expect, it } from 'vitest';
import { verifyChain, verifyChainInSteps } from '../../src-main/core/audit/chain';
import type { Db } from '../../src-main/core/db/open';
import { makeApp } from './helpers';

function appWithChain(n: number) {
  const app = makeApp();
  for (let i = 0; i < n; i++) {
    const r = app.invoke('settings.set', { key: `k${i}`, value: String(i) }, { local: 'test' });
    if (!r.ok) throw new Error(r.error.message);
  }
  return app;
}

function dropTriggers(db: Db): void {
  db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
}

describe('audit chain verified in steps', () => {
  it('reports checked of total after each batch and ends as the one-pass walk does', async () => {
    const db = appWithChain(6).workstation!.db; // 7 events with the init
    const seen: [number, number][] = [];
    const r = await verifyChainInSteps(db, (checked, total) => seen.push([checked, total]), 3);
    expect(seen).toEqual([[0, 7], [3, 7], [6, 7], [7, 7]]);
    expect(r).toEqual(verifyChain(db));
    expect(r).toMatchObject({ ok: true, count: 7 });
  });

  it('finds the same first bad event as the one-pass walk: an edit, a deletion, a reordering', async () => {
    const tamper: ((db: Db) => void)[] = [
      (db) => db.prepare(`UPDATE audit_events SET payload = '{"key":"k2","value":"99"}' WHERE seq = 4`).run(),
      (db) => db.prepare('DELETE FROM audit_events WHERE seq = 5').run(),
      (db) => {
        db.prepare('UPDATE audit_events SET seq = 100 WHERE seq = 3').run();
        db.prepare('UPDATE audit_events SET seq = 3 WHERE seq = 4').run();
        db.prepare('UPDATE audit_events SET seq = 4 WHERE seq = 100').run();
      },
    ];
    for (const t of tamper) {
      const db = appWithChain(6).workstation!.db;
      dropTriggers(db);
      t(db);
      const expected = verifyChain(db);
      expect(expected.ok).toBe(false);
      expect(await verifyChainInSteps(db, () => {}, 2)).toEqual(expected);
    }
  });

  it('audit.verify publishes its progress as a live event and answers the verdict', async () => {
    const app = appWithChain(3);
    const events: unknown[] = [];
    app.events.subscribe((e) => {
      if (e.type === 'audit.verifyProgress') events.push(e.data);
    });
    const r = await app.invokeAsync('audit.verify', {}, { local: 'test' });
    expect(r).toMatchObject({ ok: true, value: { ok: true, count: 4 } });
    expect(events.at(0)).toEqual({ checked: 0, total: 4 });
    expect(events.at(-1)).toEqual({ checked: 4, total: 4 });
  });
});
