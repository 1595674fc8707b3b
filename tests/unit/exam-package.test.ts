import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { demoPackage } from '../../src-main/core/demo/generate';
import { exampleFiles } from '../../src-main/core/demo/examples';
import type { ExamPackage } from '../../src-main/core/exams/package-schema';
import { readFileSync } from 'node:fs';
import { addUser, countRows, makeApp, tempDir } from './helpers';

const local = { local: 'test' };

function write(pkg: unknown, name = 'exam.json'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, typeof pkg === 'string' ? pkg : JSON.stringify(pkg));
  return path;
}

function small(): ExamPackage {
  return demoPackage(30);
}

async function importPkg(app: LenteraApp, pkg: unknown) {
  return app.invokeAsync('exams.import', { file: { path: write(pkg) } }, local);
}

function problems(r: { ok: boolean; error?: { details: Record<string, unknown> } } | any): { path: string; message: string }[] {
  return r.ok ? r.value.problems : (r.error.details.problems as { path: string; message: string }[]);
}

describe('exam package import', () => {
  it('imports the demo package with everything in it', async () => {
    const app = makeApp();
    const r = await importPkg(app, small());
    expect(r).toMatchObject({ ok: true, value: { status: 'new', exam: { code: 'CPNS-SMG-2026' }, counts: { formations: 6, stages: 4, venues: 2, roster: 30 } } });
    expect(countRows(app, 'candidates')).toBe(30);
    expect(countRows(app, 'session_panel')).toBe(18);
    const got = app.invoke('exams.get', { exam: 'CPNS-SMG-2026' }, local);
    expect(got.ok && (got.value as any).stages.map((s: any) => s.code)).toEqual(['SKD', 'SKB-CAT', 'SKB-WWC', 'SKB-PRAKTIK']);
  });

  it('importing the same package again changes nothing', async () => {
    const app = makeApp();
    await importPkg(app, small());
    const before = app.workstation!.db.prepare('SELECT * FROM candidates ORDER BY nomor_peserta').all();
    const r = await importPkg(app, small());
    expect(r).toMatchObject({ ok: true, value: { status: 'unchanged', changes: [] } });
    expect(app.workstation!.db.prepare('SELECT * FROM candidates ORDER BY nomor_peserta').all()).toEqual(before);
  });

  it.each([
    ['unknown format', (p: any) => (p.format = 'lentera.exam/9'), 'format', /unknown format/],
    ['a session naming an unknown stage', (p: any) => (p.sessions[0].stage = 'TKB'), 'sessions[0].stage', /unknown stage "TKB"/],
    ['a session naming an unknown venue', (p: any) => (p.sessions[1].venue = 'GOR'), 'sessions[1].venue', /unknown venue "GOR"/],
    ['a quota below 1', (p: any) => (p.formations[2].quota = 0), 'formations[2].quota', /at least 1/],
    ['a stage referring to an unknown component', (p: any) => (p.stages[0].score = { method: 'weighted', weights: { twk: 1, tbi: 1 } }), 'stages[0].score.weights.tbi', /unknown component "tbi"/],
    ['a component whose step does not divide its range', (p: any) => (p.stages[0].components[0].step = 7), 'stages[0].components[0].step', /does not divide/],
    ['an interview without a rubric', (p: any) => delete p.stages[2].rubric, 'stages[2].rubric', /needs a rubric/],
    ['a duplicate formation code', (p: any) => (p.formations[1].code = 'F01'), 'formations[1].code', /duplicate code/],
    // Published, each formation's page is named by its code: on a disk that ignores case the two would be one file.
    ['a formation code that differs from another only in letter case', (p: any) => (p.formations[1].code = 'f01'), 'formations[1].code', /"f01" differs from "F01" only in letter case/],
    ['a registration number that differs from another only in letter case', (p: any) => ((p.roster[0].nomor_peserta = 'abcd0001'), (p.roster[2].nomor_peserta = 'ABCD0001')), 'roster[2].nomor_peserta', /nomor_peserta ABCD0001 differs from abcd0001 only in letter case/],
    ['the registration number "index" (the site\'s list of candidates)', (p: any) => (p.roster[1].nomor_peserta = 'Index'), 'roster[1].nomor_peserta', /"Index" cannot be a registration number/],
    ['a bad NIP on a panel', (p: any) => (p.sessions.at(-1).panel[0].nip = '1234'), `sessions[${small().sessions.length - 1}].panel[0].nip`, /18 digits/],
  ])('refuses %s, naming the JSON path, and imports nothing', async (_what, mutate, path, message) => {
    const app = makeApp();
    const pkg = structuredClone(small()) as any;
    mutate(pkg);
    const r = await importPkg(app, pkg);
    expect(r.ok).toBe(false);
    const found = problems(r).find((p) => p.path === path);
    expect(found, JSON.stringify(problems(r))).toBeDefined();
    expect(found!.message).toMatch(message);
    expect(countRows(app, 'exams')).toBe(0);
  });

  it('refuses a session naming an unknown candidate', async () => {
    const app = makeApp();
    const pkg = small();
    pkg.sessions[0]!.candidates.push('999999999999');
    const r = await importPkg(app, pkg);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_PACKAGE' } });
    expect(problems(r)).toContainEqual({ path: `sessions[0].candidates[${pkg.sessions[0]!.candidates.length - 1}]`, message: expect.stringMatching(/unknown candidate "999999999999"/) });
    expect(countRows(app, 'exams')).toBe(0);
  });

  it('refuses invalid roster rows inside the package with their path', async () => {
    const app = makeApp();
    const pkg = small();
    pkg.roster[3]!.nik = '123';
    const r = await importPkg(app, pkg);
    expect(problems(r)).toContainEqual({ path: 'roster[3].nik', message: expect.stringMatching(/16 digits/) });
  });

  it('reports malformed JSON with line and column', async () => {
    const app = makeApp();
    const r = await importPkg(app, '{\n  "format": "lentera.exam/1",\n  "exam": {,\n}');
    expect(r).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON', details: { line: 3, column: 12 } } });
    expect(!r.ok && r.error.message).toMatch(/exam\.json: The exam package is not valid JSON at line 3, column 12/);
  });

  it('refuses a file that is not JSON, and one over 200 MB, before reading it', async () => {
    const app = makeApp();
    const csv = write('a;b\n1;2\n', 'exam.csv');
    expect(await app.invokeAsync('exams.import', { file: { path: csv } }, local)).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FILE' } });
    const big = join(tempDir(), 'huge.json');
    execFileSync('truncate', ['-s', '201M', big]); // sparse: no 200 MB written
    const r = await app.invokeAsync('exams.import', { file: { path: big } }, local);
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_TOO_LARGE', details: { limit: 200 * 1024 * 1024 } } });
  });

  it('refuses a registration number that differs only in letter case from one already on this workstation', async () => {
    const app = makeApp();
    const renumbered = (nomor: string) => {
      const pkg = small();
      const was = pkg.roster[0]!.nomor_peserta;
      pkg.roster[0]!.nomor_peserta = nomor;
      for (const s of pkg.sessions) s.candidates = s.candidates.map((c) => (c === was ? nomor : c));
      return pkg;
    };
    expect((await importPkg(app, renumbered('abcd0001'))).ok).toBe(true);
    const r = await importPkg(app, renumbered('ABCD0001'));
    expect(r.ok).toBe(false);
    expect(problems(r)).toContainEqual({ path: 'roster[0].nomor_peserta', message: 'nomor_peserta ABCD0001 differs from abcd0001 only in letter case: on the published site the two would share one page (on this workstation)' });
  });

  it('accepts any change while nothing is recorded, then only additions once check-ins exist', async () => {
    const app = makeApp();
    const v1 = small();
    await importPkg(app, v1);
    const renamed = structuredClone(v1);
    renamed.formations[0]!.unit = 'Diskominfo';
    expect(await importPkg(app, renamed)).toMatchObject({ ok: true, value: { status: 'update', changes: [{ path: 'formations.F01', kind: 'changed' }] } });

    const first = renamed.sessions[0]!.candidates[0]!;
    expect(app.invoke('attendance.checkIn', { exam: 'CPNS-SMG-2026', session: 'SKD-1', nomorPeserta: first }, local).ok).toBe(true);

    const changed = structuredClone(renamed);
    changed.formations[1]!.quota = 9;
    changed.venues.pop();
    changed.sessions = changed.sessions.filter((s) => s.venue !== 'SMKN7');
    const refused = await importPkg(app, changed);
    expect(refused.ok).toBe(false);
    expect(problems(refused).map((p) => p.path)).toContain('formations.F02');
    expect(problems(refused).map((p) => p.path)).toContain('venues.SMKN7');
    expect(app.workstation!.db.prepare("SELECT quota FROM formations WHERE code = 'F02'").pluck().get()).toBe(renamed.formations[1]!.quota);

    const added = structuredClone(renamed);
    added.formations.push({ code: 'F07', position: 'Arsiparis Ahli Pertama', unit: 'Dinas Arsip dan Perpustakaan', education: 'S1 Kearsipan', quota: 1 });
    expect(await importPkg(app, added)).toMatchObject({ ok: true, value: { status: 'update', changes: [{ path: 'formations.F07', kind: 'added' }] } });
  });

  it('only a coordinator imports, and only the CLI may name a path', async () => {
    const app = makeApp();
    addUser(app, 'petugas1', 'clerk');
    const clerk = (app.invoke('accounts.login', { name: 'petugas1', pin: '739104' }, {}) as any).value.token;
    const coord = (app.invoke('accounts.login', { name: 'koordinator', pin: '482913' }, {}) as any).value.token;
    const path = write(small());
    expect(await app.invokeAsync('exams.import', { file: { path } }, { token: clerk })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // A remote door's schema has no path at all: the reference must be an upload.
    expect(await app.invokeAsync('exams.import', { file: { path } }, { token: coord })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: /path/ } });
    const text = readFileSync(path);
    const up = app.invoke('files.upload', { offset: 0, dataBase64: text.subarray(0, 1000).toString('base64') }, { token: coord }) as any;
    const id = up.value.uploadId;
    expect(app.invoke('files.upload', { uploadId: id, offset: 5, dataBase64: 'AAAA' }, { token: coord })).toMatchObject({ ok: false, error: { code: 'UPLOAD_OFFSET' } });
    app.invoke('files.upload', { uploadId: id, offset: 1000, dataBase64: text.subarray(1000).toString('base64') }, { token: coord });
    expect(await app.invokeAsync('exams.import', { file: { uploadId: id, name: 'paket.json' } }, { token: coord })).toMatchObject({ ok: true, value: { status: 'new', file: { name: 'paket.json' } } });
  });

  it('the shipped examples are what the generator makes', () => {
    for (const [name, text] of Object.entries(exampleFiles())) {
      expect(readFileSync(join('resources', 'examples', name), 'utf8'), name).toBe(text);
    }
  });
});

describe('exam package documentation', () => {
  it('docs/exam-package.schema.json is generated from the zod schema and is current', async () => {
    const { examPackageJsonSchema } = await import('../../src-main/core/exams/json-schema');
    expect(readFileSync('docs/exam-package.schema.json', 'utf8')).toBe(examPackageJsonSchema());
    const schema = JSON.parse(examPackageJsonSchema());
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'exam', 'formations', 'stages']));
    expect(schema.properties.stages.items.properties.kind.enum).toEqual(['cat', 'written', 'practical', 'interview']);
  });
});
