import { describe, expect, it } from 'vitest';
import { allCommands } from '../../src-main/api/commands/index';
import en from '../../src-renderer/i18n/en.json';
import id from '../../src-renderer/i18n/id.json';
import { makeApp } from './helpers';

const labels = { id: id.audit.command as Record<string, string>, en: en.audit.command as Record<string, string> };

describe('audit page labels', () => {
  // Read off the registry itself: a command added later fails here until the audit page can say it in words.
  it.each(allCommands.map((c) => c.name))('%s has an Indonesian and an English label', (name) => {
    expect(labels.id[name], `id.json audit.command["${name}"]`).toMatch(/\S/);
    expect(labels.en[name], `en.json audit.command["${name}"]`).toMatch(/\S/);
    expect(labels.id[name]).not.toBe(name);
  });

  it('labels no command that does not exist in both languages', () => {
    expect(Object.keys(labels.id).sort()).toEqual(Object.keys(labels.en).sort());
  });
});

describe('audit.list filters', () => {
  function app() {
    const a = makeApp();
    for (const [key, value] of [['venue.label', 'A'], ['venue.label', 'B']]) {
      const r = a.invoke('settings.set', { key: key!, value: value! }, { local: 'budi' });
      if (!r.ok) throw new Error(r.error.message);
    }
    // A refusal: the key is not one a setting may have.
    a.invoke('settings.set', { key: 'Bad Key', value: 'x' }, { local: 'sari' });
    return a;
  }
  const list = (a: ReturnType<typeof makeApp>, input: Record<string, unknown>) => {
    const r = a.invoke('audit.list', { limit: 500, ...input }, { local: 'auditor' });
    if (!r.ok) throw new Error(r.error.message);
    return r.value as { seq: number; actor: string; command: string; outcome: string; at: string }[];
  };

  it('narrows by command, person (with or without the door), outcome and time, newest first', () => {
    const a = app();
    const all = list(a, {});
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((x, y) => y - x));
    const sets = list(a, { command: 'settings.set', outcome: 'ok' });
    expect(sets).toHaveLength(2);
    expect(sets.every((e) => e.command === 'settings.set' && e.outcome === 'ok')).toBe(true);
    expect(list(a, { actor: 'BUDI' }).map((e) => e.actor)).toEqual(['cli:budi', 'cli:budi']);
    expect(list(a, { actor: 'cli:budi' })).toHaveLength(2);
    expect(list(a, { actor: 'bud' })).toHaveLength(0);
    const refused = list(a, { outcome: 'refused' });
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.outcome === 'refused')).toBe(true);
    const newest = all[0]!.at;
    expect(list(a, { from: '2000-01-01T00:00:00.000Z', to: '2000-01-02T00:00:00.000Z' })).toHaveLength(0);
    expect(list(a, { from: newest }).map((e) => e.at).every((at) => at >= newest)).toBe(true);
    expect(list(a, { before: all[0]!.seq, limit: 1 }).map((e) => e.seq)).toEqual([all[1]!.seq]);
  });

  it('refuses a time that is not an ISO instant', () => {
    const r = makeApp().invoke('audit.list', { from: 'kemarin' }, { local: 'auditor' });
    expect(r.ok).toBe(false);
  });
});
