import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { accountNameSchema, newAccountSchema } from '../../src-main/core/accounts/accounts';
import { pinSchema } from '../../src-main/core/accounts/pin';
import { ROLES as CORE_ROLES } from '../../src-main/core/accounts/roles';
import { MIN_PASSPHRASE as CORE_MIN_PASSPHRASE } from '../../src-main/core/keys/identities';
import { ROSTER_COLUMNS as CORE_COLUMNS } from '../../src-main/core/roster/row';
import { rejectedReportCsv as sharedReport } from '../../src-main/shared/rejected-report';
import { MIN_PASSPHRASE, ROLES, ROSTER_COLUMNS, statusFamily } from '../../src-main/shared/rules';
import { rejectedReportCsv } from '../../src-renderer/features/exams/rejectedReport';
import { accountNameProblem, nipProblem, pinProblem } from '../../src-renderer/ui/validate';

// The renderer's checks before sending and the registry's schemas must agree on every input: a screen that
// accepts what the registry refuses sends a doomed request, one that refuses what it accepts locks a person out.

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** Strings near the rule's edges (digit runs of every length, repeated digits, straight runs) and anything at all. */
const pinLike = fc.oneof(
  digits(0, 14),
  fc.constantFrom('012345', '123456', '543210', '000000', '111111111111', '1234567', '0123456789'),
  fc.tuple(fc.constantFrom(...'0123456789'), fc.integer({ min: 1, max: 13 })).map(([d, n]) => d.repeat(n)),
  fc.string({ maxLength: 14 }),
  fc.string({ unit: 'grapheme', maxLength: 14 }),
);

const nameChars = 'abcXYZ09._- \t';
const nameLike = fc.oneof(fc.string({ unit: fc.constantFrom(...nameChars), maxLength: 36 }), fc.string({ maxLength: 36 }), fc.string({ unit: 'grapheme', maxLength: 36 }));
const nipLike = fc.oneof(digits(0, 20), fc.string({ maxLength: 20 }), digits(17, 17).map((d) => `${d}x`));

const runs = { numRuns: 2000 };

describe('one rule on both sides', () => {
  it('PIN: the screen finds no problem exactly when the registry accepts', () => {
    fc.assert(
      fc.property(pinLike, (pin) => {
        expect(pinProblem(pin) === null).toBe(pinSchema.safeParse(pin).success);
      }),
      runs,
    );
  });

  it('PIN: each broken rule gets its own words', () => {
    expect(pinProblem('12345')).toBe('validation.pinFormat');
    expect(pinProblem('12345a')).toBe('validation.pinFormat');
    expect(pinProblem('777777')).toBe('validation.pinRepeated');
    expect(pinProblem('654321')).toBe('validation.pinRun');
    expect(pinProblem('482913')).toBeNull();
    expect(pinSchema.safeParse('654321').error?.issues.map((i) => i.message)).toEqual(['PIN must not be a straight run of digits']);
  });

  it('account names: the screen and the registry agree, after the same trimming and lower-casing', () => {
    fc.assert(
      fc.property(nameLike, (name) => {
        expect(accountNameProblem(name) === null).toBe(accountNameSchema.safeParse(name).success);
      }),
      runs,
    );
    expect(accountNameProblem('  Sri.Wahyuni ')).toBeNull();
    expect(accountNameSchema.parse('  Sri.Wahyuni ')).toBe('sri.wahyuni');
    expect(accountNameProblem('-lead')).toBe('validation.name');
  });

  it('NIP: a non-empty NIP passes the screen exactly when the registry accepts it; empty means none', () => {
    const base = { name: 'penguji', displayName: 'Penguji', role: 'examiner', pin: '482913' };
    fc.assert(
      fc.property(nipLike, (nip) => {
        // The form leaves an empty NIP out of the input: that is what "no NIP" is on the wire.
        const sent = nip === '' ? base : { ...base, nip };
        expect(nipProblem(nip) === null).toBe(newAccountSchema.safeParse(sent).success);
      }),
      runs,
    );
    expect(nipProblem('19800101200501100')).toBe('validation.nip');
  });

  it('roles, the passphrase minimum and the roster columns are the same values on both sides', async () => {
    // documents/model imports the page's API client, which looks at `window` when loaded.
    vi.stubGlobal('window', {});
    const { passphraseProblems } = await import('../../src-renderer/features/documents/model');
    vi.unstubAllGlobals();
    expect(CORE_ROLES).toBe(ROLES);
    expect(CORE_MIN_PASSPHRASE).toBe(MIN_PASSPHRASE);
    expect(CORE_COLUMNS).toBe(ROSTER_COLUMNS);
    expect(passphraseProblems('x'.repeat(MIN_PASSPHRASE - 1), 'x'.repeat(MIN_PASSPHRASE - 1))).toEqual({ passphrase: 'documents.identity.passphraseShort' });
    expect(passphraseProblems('x'.repeat(MIN_PASSPHRASE), 'x'.repeat(MIN_PASSPHRASE))).toEqual({});
  });

  it("the renderer's rejected-rows report is the CLI's (one module), in the input's dialect", () => {
    const rejected: { line: number; column: string; reason: string; values: Record<string, string> }[] = [
      { line: 3, column: 'nik', reason: 'NIK harus 16 digit', values: { nomor_peserta: '001', nik: '12', nama: '=HYPERLINK("x")' } },
      { line: 7, column: 'ipk', reason: 'IPK di luar 0–4', values: { nomor_peserta: '002', ipk: '5,2', kategori: 'umum' } },
    ];
    expect(rejectedReportCsv).toBe(sharedReport);
    const fromRenderer = rejectedReportCsv(rejected);
    expect(fromRenderer.split('\r\n')[0]).toBe(`\uFEFFbaris;kolom;alasan;${ROSTER_COLUMNS.join(';')}`);
    expect(fromRenderer.split('\r\n')[2]).toBe(`7;ipk;IPK di luar 0–4;002;;;;;;5,2;;umum`);
    // a comma file's report is a comma file: its values as they were, a decimal comma quoted
    const comma = rejectedReportCsv([{ line: 7, column: 'ipk', reason: 'IPK 5.2, di luar 0–4', values: { nomor_peserta: '002', ipk: '5.2' } }], ',');
    expect(comma.split('\r\n')[1]).toBe(`7,ipk,"IPK 5.2, di luar 0–4",002,,,,,,5.2,,`);
  });

  it('status families: every status code the engine writes has its family', () => {
    expect(['P/L', 'P/L-3', 'P/L-n'].map(statusFamily)).toEqual(['pass', 'pass', 'pass']);
    expect(['P/TL', 'P/TH', 'TH', 'TL', 'TMS', 'TMS-2', 'APS', 'BL'].map(statusFamily)).toEqual(['neutral', 'absent', 'absent', 'fail', 'fail', 'fail', 'fail', 'pending']);
    expect(statusFamily('P/L-')).toBe('other');
    expect(statusFamily('XYZ')).toBe('other');
  });
});
