import { describe, expect, it } from 'vitest';
import { appendEvent, canonicalJson, eventHash, GENESIS_HASH, verifyChain } from '../../src-main/core/audit/chain';
import type { Db } from '../../src-main/core/db/open';
import { sha256Hex } from '../../src-main/core/util/hash';
import { makeApp } from './helpers';

function chainOf(n: number): Db {
  const app = makeApp();
  for (let i = 0; i < n; i++) {
    const r = app.invoke('settings.set', { key: `k${i}`, value: String(i) }, { local: 'test' });
    if (!r.ok) throw new Error(r.error.message);
  }
  return app.workstation!.db;
}

/** What someone with the sqlite3 shell can do: drop the triggers that protect the log. */
function dropTriggers(db: Db): void {
  db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
}

describe('audit chain', () => {
  it('hashes sha256(prev_hash ‖ canonical event), independently recomputable', () => {
    const db = chainOf(2);
    const row = db.prepare('SELECT * FROM audit_events WHERE seq = 2').get() as Record<string, string | number>;
    const canonical = `{"actor":"${row.actor}","at":"${row.at}","command":"settings.set","outcome":"ok","payload":{"key":"k0","value":"0"},"seq":2}`;
    expect(row.payload).toBe('{"key":"k0","value":"0"}');
    expect(row.hash).toBe(sha256Hex(String(row.prev_hash) + canonical));
    expect(canonicalJson({ b: 1, a: [1.5, 'x', null] })).toBe('{"a":[1.5,"x",null],"b":1}');
  });

  it('verifies an intact chain and reports its head', () => {
    const db = chainOf(5);
    const r = verifyChain(db);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.count).toBe(6);
    expect(r.head.seq).toBe(6);
    const last = db.prepare('SELECT hash FROM audit_events WHERE seq = 6').get() as { hash: string };
    expect(r.head.hash).toBe(last.hash);
  });

  it('triggers refuse UPDATE and DELETE', () => {
    const db = chainOf(1);
    expect(() => db.prepare("UPDATE audit_events SET actor = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('names the first edited event', () => {
    const db = chainOf(5);
    dropTriggers(db);
    db.prepare(`UPDATE audit_events SET payload = '{"key":"k2","value":"99"}' WHERE seq = 4`).run();
    expect(verifyChain(db)).toMatchObject({ ok: false, firstBadSeq: 4, reason: expect.stringMatching(/changed/) });
  });

  it('names a deleted event', () => {
    const db = chainOf(5);
    dropTriggers(db);
    db.prepare('DELETE FROM audit_events WHERE seq = 3').run();
    expect(verifyChain(db)).toMatchObject({ ok: false, firstBadSeq: 3, reason: expect.stringMatching(/missing/) });
  });

  it('names the first event after a deleted tail-free renumbering (deleted and renumbered)', () => {
    const db = chainOf(5);
    dropTriggers(db);
    db.prepare('DELETE FROM audit_events WHERE seq = 3').run();
    for (let s = 4; s <= 6; s++) db.prepare('UPDATE audit_events SET seq = ? WHERE seq = ?').run(s - 1, s);
    expect(verifyChain(db)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('names an inserted event, even one with a well-formed hash of its own', () => {
    const db = chainOf(5);
    dropTriggers(db);
    for (let s = 6; s >= 3; s--) db.prepare('UPDATE audit_events SET seq = ? WHERE seq = ?').run(s + 1, s);
    const prev = db.prepare('SELECT hash FROM audit_events WHERE seq = 2').get() as { hash: string };
    const e = { seq: 3, at: '2026-11-30T01:00:00.000Z', actor: 'user:mallory', command: 'settings.set', outcome: 'ok' as const, payload: { key: 'x', value: 'y' } };
    db.prepare('INSERT INTO audit_events (seq, at, actor, command, outcome, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      3, e.at, e.actor, e.command, e.outcome, canonicalJson(e.payload), prev.hash, eventHash(prev.hash, e),
    );
    expect(verifyChain(db)).toMatchObject({ ok: false, firstBadSeq: 4, reason: expect.stringMatching(/does not link/) });
  });

  it('names the first of two reordered events', () => {
    const db = chainOf(5);
    dropTriggers(db);
    db.prepare('UPDATE audit_events SET seq = 100 WHERE seq = 3').run();
    db.prepare('UPDATE audit_events SET seq = 3 WHERE seq = 4').run();
    db.prepare('UPDATE audit_events SET seq = 4 WHERE seq = 100').run();
    expect(verifyChain(db)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('starts from the genesis hash', () => {
    const db = chainOf(0);
    const first = db.prepare('SELECT prev_hash FROM audit_events WHERE seq = 1').get() as { prev_hash: string };
    expect(first.prev_hash).toBe(GENESIS_HASH);
    const e = appendEvent(db, { at: '2026-11-30T01:00:00.000Z', actor: 'cli:x', command: 'a.b', outcome: 'ok', payload: { n: 1 } });
    expect(e.seq).toBe(2);
  });
});
