// The scoring bench's floor of the score write (tests/bench/scoring.bench.ts): the write's own statements, captured
// from a real write and replayed bare. A floor that silently measured something else (fewer statements, a replay
// that wrote nothing) would make the bench's reason wrong, so what it runs is checked here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { interviewPackage, ownStatementsWriter, statementsOf, workstation } from '../bench/scoring.bench';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function station() {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-score-floor-'));
  dirs.push(dir);
  const { pkg, nips } = interviewPackage(20, 1, 8);
  return { ...(await workstation(dir, pkg, nips)), pkg };
}

describe('bench scoring: the write\'s own statements, run bare', () => {
  it('captures every statement of one audited score write, in order, with its arguments', async () => {
    const ws = await station();
    const nomor = ws.pkg.roster[3]!.nomor_peserta;
    const seen = statementsOf(ws.app.workstation!.db, () => {
      const r = ws.app.invoke('panel.score', { exam: ws.pkg.exam.code, session: 'WWC-BENCH', nomorPeserta: nomor, criterion: 'k2', value: 3 }, { token: ws.tokens[0]! });
      expect(r.ok).toBe(true);
    });
    const texts = seen.map((s) => s.source.trim());
    expect(texts.filter((t) => t === 'BEGIN IMMEDIATE')).toHaveLength(1);
    expect(texts.at(-1)).toBe('COMMIT');
    const inserts = texts.filter((t) => t.startsWith('INSERT'));
    expect(inserts.map((t) => /^INSERT INTO (\w+)/.exec(t)![1])).toEqual(['score_entries', 'audit_events']);
    // The reads that enforce the rules: the session with its person, the chain head, the seat, the candidate.
    expect(seen.filter((s) => s.how === 'get').length).toBeGreaterThanOrEqual(4);
    expect(seen.find((s) => s.source.includes('INSERT INTO score_entries'))!.args).toContain(nomor);
  });

  it('each replay writes one entry and one audit event chained to the head, and nothing else', async () => {
    const ws = await station();
    const db = ws.app.workstation!.db;
    const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    const replay = ownStatementsWriter(ws, ws.pkg);
    const before = { entries: count('score_entries'), events: count('audit_events'), submissions: count('panel_submissions') };
    replay(0);
    replay(1);
    expect(count('score_entries')).toBe(before.entries + 2);
    expect(count('audit_events')).toBe(before.events + 2);
    expect(count('panel_submissions')).toBe(before.submissions);
    const [last, prev] = db.prepare('SELECT seq, prev_hash, hash FROM audit_events ORDER BY seq DESC LIMIT 2').all() as { seq: number; prev_hash: string; hash: string }[];
    expect(last!.seq).toBe(prev!.seq + 1);
    expect(last!.prev_hash).toBe(prev!.hash);
    expect(db.prepare("SELECT COUNT(*) FROM score_entries WHERE id IN ('own-0', 'own-1')").pluck().get()).toBe(2);
  });

  it('puts the Statement class back even when the call it watches throws', async () => {
    const ws = await station();
    const db = ws.app.workstation!.db;
    const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, unknown>;
    const kept = { run: proto.run, get: proto.get, all: proto.all };
    expect(() =>
      statementsOf(db, () => {
        db.prepare('SELECT 1').get();
        throw new Error('the call failed');
      }),
    ).toThrow('the call failed');
    expect({ run: proto.run, get: proto.get, all: proto.all }).toEqual(kept);
  });
});
