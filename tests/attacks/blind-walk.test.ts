import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { allCommands } from '../../src-main/api/commands';
import type { Result } from '../../src-main/api/result';
import { generateIdentity } from '../../src-main/core/keys/identities';
import { addPerson, login, ManualClock, tempDir } from '../unit/helpers';
import { CRITERIA, EXAM, PIN, venue } from '../unit/venue';
import { SAMPLE_INPUTS, type WalkFixture } from './registry-walk';
import { firstDifference, normaliseAnswer, workbookRows } from './answers';
import { PdfFile } from '../../src-main/core/sheets/pdf-structure';
import { pageTexts } from '../../src-main/core/sheets/pdf-text';
import { readZip } from '../unit/zip';

/**
 * Blind scoring as non-interference: two workstations identical but for the values one panelist (and one
 * clerk) typed. Every read command of the registry, asked by a panelist who has not submitted (and by the
 * other clerk, the coordinator, the observer), must answer the same in both — up to ids, hashes and salts. An
 * answer that differs depends on the hidden value, i.e. leaks it. Events published meanwhile, the audit log and
 * the exported bundle are held to the same rule. A command added later is walked by itself (its sample input is
 * required by registry-rules.test.ts).
 */

const SECRET = {
  a: { panel: [1, 2, 1, 2, 1], refused: 7, paper: { esai: 12.5, kasus: 7 } },
  b: { panel: [5, 4, 5, 4, 5], refused: 9, paper: { esai: 87, kasus: 41 } },
};

/** A file answer (CSV, XLSX, PDF) compared by what it says, not by its bytes. */
async function readable(r: Result): Promise<unknown> {
  if (!r.ok) return normaliseAnswer(r);
  const v = r.value as { dataBase64?: string; mime?: string };
  if (typeof v?.dataBase64 !== 'string') return normaliseAnswer(r);
  const bytes = Buffer.from(v.dataBase64, 'base64');
  if (v.mime?.includes('spreadsheetml')) return normaliseAnswer(await workbookRows(bytes));
  // A printed PDF compresses what it says, hashes included: compared by its pages' text, as the XLSX by its rows.
  if (v.mime === 'application/pdf') return normaliseAnswer(pageTexts(new PdfFile(bytes)));
  return normaliseAnswer(bytes.toString('latin1'));
}

interface World {
  app: LenteraApp;
  events: unknown[];
}

async function worlds() {
  const clock = new ManualClock();
  const { app, tokens, f01, present } = await venue({ clock });
  const n = f01[0]!;
  const m = f01[1]!;
  present(n);
  present(m, 'TULIS-1');
  addPerson(app, { name: 'pengawas', displayName: 'Pengawas Ombudsman', role: 'observer', pin: PIN });
  tokens.pengawas = login(app, 'pengawas', PIN);
  const coordId = app.workstation!.db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(app.workstation!.db, app.workstation!.dir, { id: coordId, displayName: 'Koordinator', nip: null }, 'Pemerintah Kota Semarang', 'sandi-koordinator', clock.now().toISOString());
  const dir = app.workstation!.dir;
  app.close(); // checkpoints the WAL: the copies start from the same bytes
  const make = (which: 'a' | 'b'): World => {
    const copy = join(tempDir(), which);
    cpSync(dir, copy, { recursive: true });
    const w = new LenteraApp({ dataDir: copy, clock });
    const events: unknown[] = [];
    w.events.subscribe((e) => events.push(e));
    return { app: w, events };
  };
  const worlds = { a: make('a'), b: make('b') };
  // The secrets: penguji1 scores and submits, tries a value off the scale; petugas1 types the first paper entry.
  for (const which of ['a', 'b'] as const) {
    const { app: w } = worlds[which];
    const s = SECRET[which];
    const by = (who: string) => ({ token: tokens[who]!, client: who });
    CRITERIA.forEach((c, i) => expect(w.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: c, value: s.panel[i] }, by('penguji1')).ok).toBe(true));
    expect(w.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: 'teknis', value: s.refused }, by('penguji1')).ok).toBe(false);
    expect(w.invoke('panel.submit', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, by('penguji1')).ok).toBe(true);
    expect(w.invoke('paper.enter', { exam: EXAM, stage: 'TULIS', nomorPeserta: m, values: s.paper }, by('petugas1')).ok).toBe(true);
  }
  return { worlds, tokens, n, m };
}

describe('nobody learns a blind value before it is settled, through any read command, event, log or bundle', () => {
  it('every read command answers the same whatever penguji1 and petugas1 typed, for every viewer who may not see it', async () => {
    const { worlds: w, tokens, n, m } = await worlds();
    // Who must not learn the values: the chair and the other examiner (not yet submitted), the other clerk and the
    // coordinator (each could type the second paper entry), and the observer.
    const viewers = ['ketua1', 'penguji2', 'petugas2', 'koordinator', 'pengawas'];
    const reads = allCommands.filter((c) => !c.mutates);
    let compared = 0;
    const differ: string[] = [];
    for (const viewer of viewers) {
      for (const c of reads) {
        for (const nomor of [n, m]) {
          const f: WalkFixture = { exam: EXAM, session: nomor === n ? 'WWC-F01' : 'TULIS-1', nomor, paperStage: 'TULIS', uploadId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b' };
          for (const input of SAMPLE_INPUTS[c.name]!(f)) {
            const auth = { token: tokens[viewer]!, client: `${viewer}-walk` };
            const [a, b] = [await readable(await w.a.app.invokeAsync(c.name, input, auth)), await readable(await w.b.app.invokeAsync(c.name, input, auth))];
            compared++;
            const where = firstDifference(a, b);
            if (where) differ.push(`${viewer} ${c.name} ${JSON.stringify(input)} at ${where}`);
          }
        }
      }
    }
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(300);
    // Live events (the public event stream) carry no value either.
    expect(normaliseAnswer(w.b.events)).toEqual(normaliseAnswer(w.a.events));
  }, 120_000);

  it('the authors still see their own values, and everyone sees them once settled', async () => {
    const { worlds: w, tokens, n } = await worlds();
    const own = w.b.app.invoke('scores.list', { exam: EXAM }, { token: tokens.koordinator! }) as { value: { panelist: string | null }[] };
    expect(own.value.some((s) => s.panelist === 'penguji1')).toBe(false);
    const log = (who: string) => (w.b.app.invoke('audit.list', { limit: 500 }, { token: tokens[who]! }) as { value: { command: string; actor: string; payload: { value?: unknown; blind?: boolean } }[] }).value;
    const hidden = log('ketua1').filter((e) => e.command === 'panel.score' && e.actor === 'user:penguji1');
    expect(hidden.length).toBe(6);
    expect(hidden.every((e) => e.payload.value === null || e.payload.value === undefined)).toBe(true);
    // The chair submits, everyone has, the chair finalizes: the values are settled and shown.
    const chair = { token: tokens.ketua1! };
    const p2 = { token: tokens.penguji2! };
    for (const [who, auth] of [['ketua1', chair], ['penguji2', p2]] as const) {
      void who;
      CRITERIA.forEach((c) => expect(w.b.app.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: c, value: 4 }, auth).ok).toBe(true));
      expect(w.b.app.invoke('panel.submit', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, auth).ok).toBe(true);
    }
    expect(w.b.app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, chair)).toMatchObject({ ok: true });
    const shown = log('pengawas').filter((e) => e.command === 'panel.score' && e.actor === 'user:penguji1' && !e.payload.blind);
    expect(shown.map((e) => e.payload.value)).toEqual(expect.arrayContaining(SECRET.b.panel));
    // Once every panelist signed, the scores list a page at a time, and a score's history, show them to the observer.
    for (const who of ['ketua1', 'penguji1', 'penguji2']) {
      expect(w.b.app.invoke('panel.signoff', { exam: EXAM, session: 'WWC-F01', pin: PIN }, { token: tokens[who]! })).toMatchObject({ ok: true });
    }
    const page = (await w.b.app.invokeAsync('scores.page', { exam: EXAM, stage: 'SKB-WWC', search: n }, { token: tokens.pengawas! })) as { value: { rows: { panelist: string | null; item: string; value: number; state: string }[] } };
    const theirs = page.value.rows.filter((r) => r.panelist === 'penguji1');
    expect(theirs.map((r) => [r.item, r.value, r.state])).toEqual(CRITERIA.map((c, i) => [c, SECRET.b.panel[i], 'finalized']).sort((x, y) => String(x[0]).localeCompare(String(y[0]))));
    const history = w.b.app.invoke('scores.history', { exam: EXAM, stage: 'SKB-WWC', nomorPeserta: n, item: CRITERIA[0], panelist: 'penguji1' }, { token: tokens.pengawas! });
    expect(history).toMatchObject({ ok: true, value: { value: SECRET.b.panel[0], history: [{ value: SECRET.b.panel[0], source: 'panel' }] } });
  });

  it('a bundle exported meanwhile carries no unsettled value (the hub would publish it)', async () => {
    const { worlds: w, tokens } = await worlds();
    const exported = [];
    for (const which of ['a', 'b'] as const) {
      const r = await w[which].app.invokeAsync('bundle.export', { exam: EXAM, passphrase: 'sandi-koordinator' }, { token: tokens.koordinator! });
      expect(r.ok).toBe(true);
      const file = (r as { value: { file: string } }).value.file;
      const files = new Map(await readZip(file));
      exported.push(normaliseAnswer(['data/score-entries.json', 'data/panel-submissions.json'].map((p) => JSON.parse(files.get(p)?.toString() ?? '[]'))));
    }
    expect(exported[1]).toEqual(exported[0]);
  });
});
