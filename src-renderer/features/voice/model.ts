import type { CommandOutput } from '../../api';

// Names for the answers of src-main/api/commands/voice.ts, read off the registry's table.

/** An objection as the committee sees it at the hub: with the candidate number and the text. */
export type Objection = CommandOutput<'sanggah.list'>[number];
export type ObjectionStatus = Objection['status'];
/** A public report as the committee and observers see it, with the contact a reporter left. */
export type Report = CommandOutput<'laporan.list'>[number];
export type ReportStatus = Report['status'];
/** Where the hub logged an objection or an answer, checked here against the pinned hub key. */
export type LogEntry = Pick<CommandOutput<'sanggah.answer'>, 'logIndex' | 'logVerified' | 'logProblem'>;

export const OBJECTION_STATUSES: readonly ObjectionStatus[] = ['diajukan', 'diterima', 'ditolak'];
export const REPORT_STATUSES: readonly ReportStatus[] = ['diterima', 'ditelaah', 'ditindaklanjuti', 'ditolak'];
/** What the committee may answer a report with (it arrives as `diterima`, received). */
export const REPORT_ANSWERS = ['ditelaah', 'ditindaklanjuti', 'ditolak'] as const;
export type ReportAnswer = (typeof REPORT_ANSWERS)[number];

/** The badge of a status: still open, accepted or acted on, refused. A report's `diterima` is "received", still open. */
export function statusTone(kind: 'sanggah' | 'laporan', status: string): string {
  const open = kind === 'sanggah' ? ['diajukan'] : ['diterima', 'ditelaah'];
  if (open.includes(status)) return 'badge badge-warn';
  if (status === 'ditolak') return 'badge badge-muted';
  return 'badge badge-ok';
}

/** The reason an amendment starts from when the committee accepted an objection (the amendment's reason holds 1000 characters). */
export function correctionReason(o: Pick<Objection, 'id' | 'answer'>): string {
  return `Sanggah ${o.id} diterima: ${o.answer ?? ''}`.trim().slice(0, 1000);
}
