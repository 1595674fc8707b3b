import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { DEMO_PEOPLE, demoPackage } from '../../src-main/core/demo/generate';
import type { ExamPackage } from '../../src-main/core/exams/package-schema';
import { certificateOrganisation, DEFAULT_AGENCY, panelAgencies, WORKSTATION_AGENCY } from '../../src-main/core/keys/organisation';
import { appWithExam, ManualClock, tempDir } from './helpers';

const local = { local: 'test' };
const SEMARANG = 'Pemerintah Kota Semarang';
const JATENG = 'Pemerintah Provinsi Jawa Tengah';
const PIN = '739104';

/** A second exam of another agency, imported after the demo exam; only the second demo panel sits on it. */
function provincialExam(): ExamPackage {
  const pkg = demoPackage(10);
  pkg.exam = { ...pkg.exam, code: 'PPPK-JTG-2026', name: 'Seleksi PPPK Provinsi Jawa Tengah 2026', agency: JATENG };
  const panelB = pkg.sessions.find((s) => s.panel.some((p) => p.nip === person('penguji3').nip))!.panel;
  for (const s of pkg.sessions) if (s.panel.length) s.panel = panelB;
  return pkg;
}

function person(name: string) {
  return DEMO_PEOPLE.find((p) => p.name === name)!;
}

async function twoAgencies() {
  const clock = new ManualClock();
  const app = await appWithExam(demoPackage(10), { clock });
  for (const name of ['penguji1', 'penguji3']) {
    const p = person(name);
    const r = app.invoke('accounts.create', { name, displayName: p.displayName, role: p.role, nip: p.nip, pin: PIN }, local);
    if (!r.ok) throw new Error(r.error.message);
  }
  const single = certificateOrganisation(app.workstation!.db, accountId(app, 'koordinator'));
  // Later, so "the newest exam" is unambiguously the provincial one.
  clock.advance(60_000);
  const file = join(tempDir(), 'pppk.json');
  writeFileSync(file, JSON.stringify(provincialExam()));
  const r = await app.invokeAsync('exams.import', { file: { path: file } }, local);
  if (!r.ok) throw new Error(r.error.message);
  return { app, single };
}

function accountId(app: LenteraApp, name: string): string {
  const r = app.invoke('accounts.list', {}, local);
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { id: string; name: string }[]).find((a) => a.name === name)!.id;
}

describe('the agency a locally made signing certificate names', () => {
  it('is the agency of the exam the signer sits on a panel of, not the exam imported last', async () => {
    const { app } = await twoAgencies();
    const made = await app.invokeAsync('keys.generate', { account: 'penguji1', passphrase: 'sandi-kunci-rahasia' }, local);
    expect(made.ok).toBe(true);
    const subject = (made as { value: { subject: string } }).value.subject;
    expect(subject).toContain(`O=${SEMARANG}`);
    expect(subject).not.toContain(JATENG);
  }, 60_000);

  it('a key not tied to one agency takes the workstation’s configured agency, or the neutral committee name', async () => {
    const { app, single } = await twoAgencies();
    const db = app.workstation!.db;
    // One exam on the workstation: its agency, as before.
    expect(single).toBe(SEMARANG);
    const coordinator = accountId(app, 'koordinator');
    const both = accountId(app, 'penguji3');
    expect(panelAgencies(db, both)).toEqual([SEMARANG, JATENG]);
    expect(panelAgencies(db, coordinator)).toEqual([]);
    // Two agencies, nothing configured: no guess.
    expect(certificateOrganisation(db, coordinator)).toBe(DEFAULT_AGENCY);
    expect(certificateOrganisation(db, both)).toBe(DEFAULT_AGENCY);
    // A blank setting configures nothing.
    expect(app.invoke('settings.set', { key: WORKSTATION_AGENCY, value: '   ' }, local).ok).toBe(true);
    expect(certificateOrganisation(db, coordinator)).toBe(DEFAULT_AGENCY);
    expect(app.invoke('settings.set', { key: WORKSTATION_AGENCY, value: 'Badan Kepegawaian Negara Kantor Regional I' }, local).ok).toBe(true);
    expect(certificateOrganisation(db, coordinator)).toBe('Badan Kepegawaian Negara Kantor Regional I');
    expect(certificateOrganisation(db, both)).toBe('Badan Kepegawaian Negara Kantor Regional I');
    // The setting never overrides a signer tied to one agency's exams.
    const penguji1 = accountId(app, 'penguji1');
    expect(certificateOrganisation(db, penguji1)).toBe(SEMARANG);
    // A deactivated account sits on no panel (as everywhere panels meet accounts).
    expect(app.invoke('accounts.setActive', { id: penguji1, active: false }, local).ok).toBe(true);
    expect(panelAgencies(db, penguji1)).toEqual([]);
  }, 60_000);
});
