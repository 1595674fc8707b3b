import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergedCandidates } from '../../src-main/core/bundles/merged-records';

/** A candidate's body as a workstation sends it, with the birth year given (or not) as `year`. */
const body = (nomor: string, year: unknown, nama = 'A') =>
  JSON.stringify({ nomor_peserta: nomor, nama, nik: '3374**********01', kode_formasi: 'F1', kategori: 'UMUM', ...(year === undefined ? {} : { tahun_lahir: year }) });

describe('mergedCandidates: the birth years the birth order is checked against', () => {
  // What the check asked of the versions themselves before it kept only their years: every version gives `year`.
  const bornInByVersions = (versions: { body: string }[], year: string) => versions.every((v) => (JSON.parse(v.body) as { tahun_lahir?: unknown }).tahun_lahir === year);

  it('says a candidate was born in a year exactly when every version sent gives that year', () => {
    const year = fc.constantFrom<unknown>('1990', '1991', undefined, 1990, null, {}, ['1990']);
    const versions = fc.array(fc.record({ year, nama: fc.constantFrom('A', 'B') }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(versions, { minLength: 1, maxLength: 6 }), (people) => {
        const byKey = new Map(people.map((vs, i) => [`N${i}`, vs.map((v, w) => ({ ws: `ws${w}`, body: body(`N${i}`, v.year, v.nama) }))]));
        const { birthYears } = mergedCandidates(byKey);
        for (const [nomor, vs] of byKey) {
          for (const y of ['1990', '1991']) expect([nomor, y, birthYears.get(nomor) === y]).toEqual([nomor, y, bornInByVersions(vs, y)]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('two workstations giving two years: neither year', () => {
    const { birthYears } = mergedCandidates(new Map([['N1', [{ ws: 'a', body: body('N1', '1990') }, { ws: 'b', body: body('N1', '1994') }]]]));
    expect(birthYears.has('N1')).toBe(true);
    expect(birthYears.get('N1') === '1990' || birthYears.get('N1') === '1994').toBe(false);
  });
});
