import { describe, expect, it } from 'vitest';
import { eventHash } from '../../src-main/core/audit/chain';
import type { JsonValue } from '../../src-main/core/util/json-text';
import { EXAM, venue } from '../unit/venue';

/**
 * The attack: a chair who has not submitted tries every value a criterion could take against the hash of another
 * panelist's refused panel.score. audit.list hides the refusal's message (it quotes the value), but the refusal
 * carried no salt, so the hidden value was found (found by review). Refusals of blind commands carry a salt now,
 * hidden with the value.
 */
describe('a blind refusal against its hash', () => {
  it('does not give the chair (not submitted) the value another panelist typed', async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[0]!;
    present(n);
    const secret = 3.5; // off the step-1 grid: refused, the message quotes it
    const r = app.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: 'teknis', value: secret }, { token: tokens.penguji1! });
    expect(r).toMatchObject({ ok: false, error: { code: 'SCORE_OUT_OF_RANGE' } });
    // What the chair sees.
    const list = app.invoke('audit.list', { command: 'panel.score', outcome: 'refused' }, { token: tokens.ketua1! }) as {
      ok: true;
      value: { seq: number; at: string; actor: string; command: string; outcome: 'refused'; prevHash: string; hash: string; payload: { code: string; message: unknown; input: Record<string, unknown>; blind?: boolean } }[];
    };
    const e = list.value.find((x) => x.actor === 'user:penguji1')!;
    expect(e.payload.blind).toBe(true);
    expect(e.payload.message).toBeNull();
    const sheet = app.invoke('panel.sheet', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, { token: tokens.ketua1! }) as { ok: true; value: { criteria: { code: string; label: string; min: number; max: number; step: number }[] } };
    const c = sheet.value.criteria.find((x) => x.code === 'teknis')!;
    const { value: _v, blind: _b, ...input } = e.payload.input;
    const fmt = (v: number) => String(v);
    const messageFor = (v: number) =>
      v < c.min || v > c.max ? `${c.label}: ${fmt(v)} is outside ${fmt(c.min)}–${fmt(c.max)}.` : `${c.label}: ${fmt(v)} is not a multiple of the step ${fmt(c.step)} (from ${fmt(c.min)}).`;
    let found: number | undefined;
    for (let i = -100; i <= 1000 && found === undefined; i++) {
      const v = i / 10;
      const h = eventHash(e.prevHash, { seq: e.seq, at: e.at, actor: e.actor, command: e.command, outcome: e.outcome, payload: { code: e.payload.code, message: messageFor(v), input: input as JsonValue } });
      if (h === e.hash) found = v;
    }
    expect(found).toBeUndefined();
    // Hidden with the value; in the chain, a salt of its own.
    expect((e.payload as { salt?: unknown }).salt).toBeNull();
    const stored = JSON.parse(app.workstation!.db.prepare('SELECT payload FROM audit_events WHERE seq = ?').pluck().get(e.seq) as string) as { salt?: unknown; message: unknown };
    expect(stored.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(stored.message).toMatch(/3\.5/);
  });
});
