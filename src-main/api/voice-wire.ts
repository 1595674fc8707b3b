import { z } from 'zod';

/**
 * The hub's answers about objections (sanggah) and public reports (laporan), as the workstation reads them
 * (docs/publication.md; the hub's side is server/hub.ts). Every answer is checked against these before a screen
 * sees it, so a row has the type the renderer relies on and nothing else of what the hub sent.
 */

const text = z.string().max(20_000);
const instant = z.string().max(40);
const leaf = z.number().int().nonnegative().nullish().transform((v) => v ?? null);
const maybe = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => v ?? null);

export const OBJECTION_STATUSES = ['diajukan', 'diterima', 'ditolak'] as const;
export const REPORT_STATUSES = ['diterima', 'ditelaah', 'ditindaklanjuti', 'ditolak'] as const;
/** What the committee may set a report to (it arrives as `diterima`, received). */
export const REPORT_ANSWER_STATUSES = ['ditelaah', 'ditindaklanjuti', 'ditolak'] as const;

const publicObjection = z.object({
  id: z.string().min(1).max(64),
  exam: z.string().max(64),
  stage: z.string().max(64),
  status: z.enum(OBJECTION_STATUSES),
  filedAt: instant,
  answeredAt: maybe(instant),
  answer: maybe(text),
  channel: z.enum(['situs', 'tempat']),
  filedLeaf: leaf,
  answerLeaf: leaf,
});

const committeeObjection = publicObjection.extend({
  nomor: z.string().max(64),
  text,
  filedBy: maybe(z.string().max(200)),
  answeredBy: maybe(z.string().max(200)),
});

const reportAnswer = z.object({
  status: z.enum(REPORT_ANSWER_STATUSES),
  answer: text,
  answeredAt: instant,
  leaf: z.number().int().nonnegative(),
});

const publicReport = z.object({
  id: z.string().min(1).max(64),
  exam: z.string().max(64),
  category: z.string().max(64),
  /** as published: emails, phone numbers and 16-digit runs masked */
  text,
  status: z.enum(REPORT_STATUSES),
  filedAt: instant,
  filedLeaf: leaf,
  /** every answer, oldest first: a report may be answered again as it is followed up */
  answers: z.array(reportAnswer).max(1000),
});

const committeeReport = publicReport.extend({
  /** the text as the reporter sent it (the committee's own view) */
  body: text,
  /** the reporter's contact, when they gave one: for the committee only, never published */
  contact: maybe(z.string().max(500)),
  answeredBy: maybe(z.string().max(200)),
});

/**
 * The log entry the hub made: the public record's exact text and its inclusion proof, checked here against the
 * hub key this workstation pinned (core/ledger/record-proof.ts).
 */
const logged = {
  record: z.string().max(100_000),
  proof: z.object({ index: z.number().int().nonnegative(), leaf: z.string().max(10_000), proof: z.array(z.string().max(64)).max(64), checkpoint: z.looseObject({}) }),
};

export const objectionFiled = z.object({ ok: z.literal(true), sanggah: publicObjection, ...logged });
export const objectionAnswered = objectionFiled;
export const objectionList = z.object({ ok: z.literal(true), sanggah: z.array(committeeObjection).max(100_000) });
export const reportAnswered = z.object({ ok: z.literal(true), laporan: publicReport, ...logged });
export const reportList = z.object({ ok: z.literal(true), laporan: z.array(committeeReport).max(100_000) });

export type CommitteeObjection = z.output<typeof committeeObjection>;
export type CommitteeReport = z.output<typeof committeeReport>;

/**
 * What the workstation sent, as the hub's public record of it must say it: `k` the record's kind and every other
 * field its value (core/publish/objections.ts, reports.ts).
 */
export interface SentRecord {
  k: 'sanggah' | 'sanggah-jawaban' | 'laporan-jawaban';
  [field: string]: string;
}

/**
 * Null when the record the hub logged is the one sent; otherwise why not. A proof that holds shows only that
 * *some* record is in the log: a hub that logs another objection, another id or a changed answer would pass it.
 */
export function sentRecordProblem(record: string, sent: SentRecord): string | null {
  let got: unknown;
  try {
    got = JSON.parse(record);
  } catch {
    return 'hub mencatat catatan lain: catatan yang dikembalikan bukan JSON';
  }
  if (typeof got !== 'object' || got === null || Array.isArray(got)) return 'hub mencatat catatan lain: catatan yang dikembalikan bukan objek';
  const fields = got as Record<string, unknown>;
  const differ = Object.keys(sent).filter((f) => fields[f] !== sent[f]);
  if (!differ.length) return null;
  const named = differ.map((f) => (f === 'k' ? 'jenis' : f));
  return `hub mencatat catatan lain: ${named.join(', ')} tidak sama dengan yang dikirim`;
}
