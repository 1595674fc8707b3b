import { canonicalJson } from '../audit/chain';
import type { FormationFacts } from '../ranking/engine';

/**
 * What the workstations of an exam say of its formations and its candidates, taken together. Every workstation
 * sends the whole exam as its package has it, so these records should agree; where they do not, no workstation's
 * version is chosen (the first by id would be chosen by nobody, and a registered venue could choose it by sending
 * other quotas): the difference is listed as a conflict, and what rests on it is held back.
 */

export type Value = { ws: string; text: string };

/** One conflict: what two or more workstations say differently, candidate by candidate ('' for a whole formation). */
export interface Conflict {
  nomor: string;
  field: string;
  values: { workstation: string; value: string }[];
}

/** One value from many workstations: agreeing values (or values only one has) merge; disagreeing ones conflict. */
export function agree(values: Value[], skip: (text: string) => boolean): { text: string | null; conflict: Value[] | null } {
  const present = values.filter((v) => !skip(v.text));
  const distinct = new Set(present.map((v) => v.text));
  if (distinct.size > 1) return { text: null, conflict: present };
  return { text: present[0]?.text ?? null, conflict: null };
}

export const conflictOf = (nomor: string, field: string, values: Value[]): Conflict => ({ nomor, field, values: values.map((v) => ({ workstation: v.ws, value: v.text })) });

type Versions = Map<string, { ws: string; body: string }[]>;

/**
 * Whether a record's versions may say different things: not when their stored texts are the same (every venue of a
 * national exam sends every candidate, most of them word for word alike), which spares parsing them all.
 */
const differ = (v: { body: string }[]) => v.length > 1 && v.some((x) => x.body !== v[0]!.body);

export interface MergedFormation {
  code: string;
  position: string;
  unit: string;
  quota: number;
  education: string;
}

/**
 * The exam's formations, one per code. A formation described differently by two workstations (another quota,
 * position, unit or education) keeps the lowest workstation's description for its page, but is ranked as disputed:
 * it neither gives nor takes seats, its candidates are held back (`formationConflicts`), and every formation it might
 * share seats with waits for it (ranking/engine.ts).
 */
export function mergedFormations(versions: Versions): { formations: MergedFormation[]; facts: FormationFacts[]; disputed: Map<string, Value[]> } {
  const formations: MergedFormation[] = [];
  const facts: FormationFacts[] = [];
  const disputed = new Map<string, Value[]>();
  for (const [code, v] of versions) {
    const f = JSON.parse(v[0]!.body) as MergedFormation;
    formations.push(f);
    const fact: FormationFacts = { code: f.code, quota: f.quota, position: f.position, education: f.education };
    facts.push(fact);
    if (!differ(v)) continue;
    const all = v.map((x) => JSON.parse(x.body) as MergedFormation);
    const { conflict } = agree(all.map((x, i) => ({ ws: v[i]!.ws, text: canonicalJson(x) })), () => false);
    if (conflict) {
      disputed.set(code, conflict);
      fact.disputed = all.map((x) => ({ quota: x.quota, position: x.position, education: x.education }));
    }
  }
  return { formations, facts, disputed };
}

/** Each candidate of a disputed formation (by any workstation's facts), and the formation itself, as conflicts. */
export function formationConflicts(disputed: Map<string, Value[]>, formationsOf: Map<string, Set<string>>): Conflict[] {
  const out: Conflict[] = [];
  for (const [code, values] of disputed) out.push(conflictOf('', `formasi ${code}`, values));
  if (!disputed.size) return out;
  for (const [nomor, codes] of formationsOf) for (const code of codes) if (disputed.has(code)) out.push(conflictOf(nomor, `formasi ${code}`, disputed.get(code)!));
  return out;
}

export interface MergedCandidate {
  nomor: string;
  nama: string;
  nikMasked: string;
  kodeFormasi: string;
  kategori: string;
}

type CandidateBody = { nomor_peserta: string; nama: string; nik: string; tahun_lahir?: string; jenis_kelamin?: string; pendidikan?: string; kode_formasi: string; kategori: string };

/** Versions of one candidate that give different birth years: equal to no year. */
const NOT_ONE_YEAR = Symbol('not one birth year');

/**
 * Each candidate's birth year as every version the workstations sent gives it (`NOT_ONE_YEAR` where they differ): what
 * the birth order's check needs of their versions, without holding those (at 100,000 candidates 35 MB of text, held
 * through the ranking before).
 */
export type BirthYears = Map<string, unknown>;

/** Shown for a name or masked NIK the workstations give differently: none of theirs (each is in the conflict list). */
export const DISPUTED = '(bertentangan antar-workstation)';

/**
 * The exam's candidates as the site names them. Who a candidate is (name, masked NIK, birth year, sex, education)
 * must be the same at every workstation that sends them, or the name (or the masked NIK) shown is `DISPUTED`. Their
 * formation and category are compared with the ranking facts ('data peserta').
 */
export function mergedCandidates(versions: Versions): { candidates: MergedCandidate[]; conflicts: Conflict[]; birthYears: BirthYears } {
  const candidates: MergedCandidate[] = [];
  const conflicts: Conflict[] = [];
  const birthYears: BirthYears = new Map();
  for (const [nomor, v] of versions) {
    let c = JSON.parse(v[0]!.body) as CandidateBody;
    const all = differ(v) ? v.map((x) => JSON.parse(x.body) as CandidateBody) : null;
    birthYears.set(nomor, all?.some((x) => x.tahun_lahir !== c.tahun_lahir) ? NOT_ONE_YEAR : c.tahun_lahir);
    if (all) {
      const name = agree(all.map((x, i) => ({ ws: v[i]!.ws, text: JSON.stringify(x.nama) })), () => false);
      if (name.conflict) {
        conflicts.push(conflictOf(nomor, 'nama', name.conflict));
        c = { ...c, nama: DISPUTED };
      }
      const who = agree(all.map((x, i) => ({ ws: v[i]!.ws, text: canonicalJson({ nik: x.nik, tahun_lahir: x.tahun_lahir ?? null, jenis_kelamin: x.jenis_kelamin ?? null, pendidikan: x.pendidikan ?? null }) })), () => false);
      if (who.conflict) {
        conflicts.push(conflictOf(nomor, 'identitas peserta', who.conflict));
        c = { ...c, nik: DISPUTED };
      }
    }
    candidates.push({ nomor: c.nomor_peserta, nama: c.nama, nikMasked: c.nik, kodeFormasi: c.kode_formasi, kategori: c.kategori });
  }
  return { candidates, conflicts, birthYears };
}
