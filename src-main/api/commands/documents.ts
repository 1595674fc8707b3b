import { basename, join } from 'node:path';
import { z } from 'zod';
import { loadTrustAnchors } from '../../core/keys/trust';
import { versionsOf } from '../../core/sheets/batch';
import { readSignedPdf, sheetKeys } from '../../core/sheets/sheet-files';
import { openMaybeSealed } from '../../core/custody/sealed-file';
import { examSheetsDir } from '../../core/exams/purge';
import { documentReport, type DocumentReport, type RecordsCheck } from '../../core/sheets/document-report';
import { verifyPdf, type PdfReport } from '../../core/sheets/verify';
import { LenteraError } from '../../core/util/errors';
import { sha256Hex } from '../../core/util/hash';
import { fileRef, localFile, resolveFile } from '../files';
import { defineCommand, type CommandContext } from '../registry';

/** The check of a signed PDF (core/sheets/document-report.ts) against this workstation, for the Dokumen page. */
export interface WorkstationReport extends Omit<DocumentReport, 'records'> {
  /** always compared: the command runs on a workstation */
  records: RecordsCheck;
  /** this very file (byte for byte) is one the workstation wrote: which version, and the newest of that document */
  onFile: { name: string; version: number; latest: string; latestVersion: number } | null;
}

/** Which signed file of this workstation these bytes are, if they are one exactly (a sealed one: its plaintext). */
function onFile(dataDir: string, records: RecordsCheck, sha256: string, dataKey: Uint8Array | undefined): WorkstationReport['onFile'] {
  if (records.kind !== 'sheet' && records.kind !== 'minutes') return null;
  const base = records.kind === 'sheet' ? `hasil-${records.nomor}` : `berita-acara-${records.session}`;
  // Names read from the document itself: only plain ones make a folder and a file name.
  if (!/^[A-Za-z0-9_-]+$/.test(records.exam) || !/^[A-Za-z0-9_.-]+$/.test(base)) return null;
  const dir = examSheetsDir(dataDir, records.exam);
  const keys = sheetKeys(dataDir, dir, dataKey);
  const versions = versionsOf(dir, base);
  const latest = versions.at(-1);
  for (const v of versions) {
    try {
      if (sha256Hex(readSignedPdf(v.file, keys, v.name).plain) === sha256) return { name: v.name, version: v.version, latest: latest!.name, latestVersion: latest!.version };
    } catch {
      // a file removed meanwhile, or a sealed one that does not open (changed on disk), is simply not this one
    }
  }
  return null;
}

/** The report of one PDF, as `lentera verify FILE --data DATA` decides it. */
export async function checkSignedPdf(ctx: CommandContext, name: string, pdf: Buffer): Promise<{ name: string; pdf: Buffer; report: PdfReport; trustRoots: number }> {
  if (!pdf.subarray(0, 1024).includes('%PDF-')) throw new LenteraError('NOT_A_PDF', `${name} is not a PDF file.`, { name });
  const anchors = loadTrustAnchors(join(ctx.dataDir, 'trust'));
  return { name, pdf, report: await verifyPdf(pdf, { anchors }), trustRoots: anchors.length };
}

/** The report `lentera verify FILE --data DATA` prints, with which of this workstation's files it is. */
export function workstationReport(ctx: CommandContext, checked: { name: string; pdf: Buffer; report: PdfReport; trustRoots: number }): WorkstationReport {
  const out = documentReport(checked.pdf, checked.report, { name: checked.name, trustRoots: checked.trustRoots, db: ctx.db });
  const records = out.records!;
  return { ...out, records, onFile: onFile(ctx.dataDir, records, out.sha256, ctx.dataKey) };
}

export const documentCommands = [
  defineCommand({
    name: 'documents.verify',
    summary: 'Check a signed PDF: every signature, what changed after each, who is certified, and whether it says what this workstation records (as lentera verify --data)',
    input: z.object({ file: fileRef }),
    localInput: localFile,
    access: ['coordinator', 'chair', 'examiner', 'observer'],
    mutates: false,
    prepare: async (ctx, input) => {
      const file = resolveFile(ctx, input.file);
      // The command line may name one of the workstation's own PDFs, sealed on an encrypted one: its plaintext is checked.
      return checkSignedPdf(ctx, file.name, openMaybeSealed(file.read(), ctx.dataKey, basename(file.name)));
    },
    handler: (ctx, _input, checked) => workstationReport(ctx, checked),
  }),
];
