import { DEMO_PEOPLE, demoPackage } from '../../src-main/core/demo/generate';
import { addPerson, addUser, appWithExam, login } from './helpers';
import type { Clock } from '../../src-main/core/util/clock';

/** A venue for panel and paper tests: the demo exam, the people with one PIN, everyone logged in. */
export const EXAM = 'CPNS-SMG-2026';
export const local = { local: 'test' };
export const PIN = '739104';
export const CRITERIA = ['integritas', 'komunikasi', 'kerjasama', 'pelayanan', 'teknis'];

/** The demo package, with every F01 candidate in the F01 interview and a written stage for paper entry. */
export function testPackage() {
  const pkg = demoPackage(200);
  const f01 = pkg.roster.filter((r) => r.kode_formasi === 'F01').map((r) => r.nomor_peserta);
  pkg.sessions.find((s) => s.code === 'WWC-F01')!.candidates = f01;
  pkg.stages.push({ code: 'TULIS', name: 'Ujian tertulis', kind: 'written', weight: 0, components: [{ code: 'esai', name: 'Esai', min: 0, max: 100, step: 0.5 }, { code: 'kasus', name: 'Studi kasus', min: 0, max: 50, step: 1 }], score: { method: 'sum' } });
  pkg.sessions.push({ code: 'TULIS-1', stage: 'TULIS', venue: 'SMKN7', room: 'Aula', starts_at: '2026-12-05T08:00:00+07:00', panel: [], candidates: f01 });
  return { pkg, f01 };
}

export async function venue(opts: { clock?: Clock } = {}) {
  const { pkg, f01 } = testPackage();
  const app = await appWithExam(pkg, opts);
  const tokens: Record<string, string> = {};
  for (const p of DEMO_PEOPLE.filter((x) => ['ketua1', 'penguji1', 'penguji2', 'penguji3', 'petugas1', 'petugas2'].includes(x.name))) {
    addPerson(app, { name: p.name, displayName: p.displayName, role: p.role, nip: p.nip, pin: PIN });
    tokens[p.name] = login(app, p.name, PIN);
  }
  tokens.koordinator = login(app);
  const present = (n: string, session = 'WWC-F01') => {
    const res = app.invoke('attendance.checkIn', { exam: EXAM, session, nomorPeserta: n }, local);
    if (!res.ok) throw new Error(res.error.message);
  };
  return { app, tokens, f01, present };
}

/** The demo exam of 120 with a clerk logged in, and the candidates of the sessions SKD-1 and SKD-2 (check-in tests). */
export async function checkInVenue() {
  const pkg = demoPackage(120);
  const app = await appWithExam(pkg);
  addUser(app, 'petugas1', 'clerk');
  const clerk = login(app, 'petugas1', '739104');
  const s1 = pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates;
  const s2 = pkg.sessions.find((s) => s.code === 'SKD-2')!.candidates;
  return { app, clerk, s1, s2, pkg };
}
