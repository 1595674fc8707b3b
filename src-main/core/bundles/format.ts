import { z } from 'zod';

/** The one bundle format this Lentera reads and writes; anything else is refused before it is read further. */
export const BUNDLE_FORMAT = 'lentera.bundle/1';

/**
 * Limits checked from the zip's central directory before a byte is inflated. They are generous for a real
 * exam (100,000 candidates, 10,000 PDFs fit several times over) and small against a crafted file.
 */
export const LIMITS = {
  bundleBytes: 4 * 1024 ** 3,
  entries: 100_000,
  manifestBytes: 64 * 1024 ** 2,
  entryBytes: 1024 ** 3,
  totalBytes: 8 * 1024 ** 3,
  /** above this many bytes an entry may not inflate more than `ratio` times its compressed size */
  ratioFloor: 1024 * 1024,
  ratio: 200,
} as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

/** A path inside the bundle: relative, forward slashes, no "..", no empty or dot segments. */
export const bundlePath = z
  .string()
  .min(1)
  .max(240)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/, 'a relative path of letters, digits, ".", "_" and "-"');

export const manifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    exam: z.object({ code: z.string().min(1).max(64), name: z.string().max(300), agency: z.string().max(300), year: z.number().int() }).strict(),
    workstation: z.object({ id: z.string().min(1).max(64), name: z.string().max(200) }).strict(),
    signer: z.object({ certificate: z.string().min(1).max(20_000), fingerprint: z.string().max(200), subject: z.string().max(1000) }).strict(),
    sequence: z.number().int().min(1),
    previous: sha256.nullable(),
    auditHead: z.object({ seq: z.number().int().min(0), hash: z.string().max(128) }).strict(),
    createdAt: z.string().max(40),
    ruleset: z.object({ id: z.string().max(100), version: z.string().max(100), sha256, path: bundlePath }).strict(),
    counts: z.record(z.string(), z.number().int().min(0)),
    /**
     * sha256 of the token the exporting workstation keeps to fetch this bundle's receipts from the hub
     * (publish/receipt-access.ts): whoever sends the bundle, and whatever becomes of the hub's answer, only that
     * workstation can fetch them. Absent in bundles made before it (the hub's acknowledgement then carries a token).
     */
    receiptKey: sha256.optional(),
    files: z.array(z.object({ path: bundlePath, size: z.number().int().min(0), sha256 }).strict()).max(LIMITS.entries),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';

/** Every kind of record a bundle carries, and the file it travels in. */
export const DATA_FILES = {
  candidate: 'data/candidates.json',
  formation: 'data/formations.json',
  session: 'data/sessions.json',
  attendance: 'data/attendance.json',
  score_entry: 'data/score-entries.json',
  panel_submission: 'data/panel-submissions.json',
  finalization: 'data/finalizations.json',
  amendment: 'data/amendments.json',
  facts: 'data/facts.json',
  result: 'results/results.json',
} as const;

/** The paths of the data files, whatever their kind: what a merge parses (with the ruleset). */
export const DATA_PATHS: ReadonlySet<string> = new Set(Object.values(DATA_FILES));

export type ItemKind = keyof typeof DATA_FILES | 'pdf';

/** One record as it travels: its key within its kind, and the record itself. */
export interface BundleItem {
  key: string;
  body: unknown;
}
