/**
 * One valid sample input (or a few) for every command of the registry, so a rule that must hold for every
 * command (roles, blindness, no paths from a remote door) is tested over the whole table, and a command added
 * later is covered as soon as it has its sample here — `registry-rules.test.ts` fails until it has one.
 */
export interface WalkFixture {
  exam: string;
  /** an interview session and one of its candidates */
  session: string;
  nomor: string;
  /** a paper (written) stage */
  paperStage: string;
  /** an upload id that exists for nobody */
  uploadId: string;
}

const sha = '0'.repeat(64);

export const SAMPLE_INPUTS: Record<string, (f: WalkFixture) => unknown[]> = {
  'system.status': () => [{}],
  'audit.head': () => [{}],
  'home.tasks': () => [{}],
  'audit.list': () => [{ limit: 500 }],
  'audit.verify': () => [{}],
  'settings.list': () => [{}],
  'settings.set': () => [{ key: 'venue.label', value: 'Gedung Juang 45' }],
  'backup.configure': () => [{ intervalMinutes: 10, keep: 12 }],
  'backup.status': () => [{}],
  'backup.now': () => [{}],
  'accounts.login': () => [{ name: 'koordinator', pin: '000000' }],
  'accounts.logout': () => [{}],
  'accounts.me': () => [{}],
  'accounts.list': () => [{}],
  'accounts.create': () => [{ name: 'baru1', displayName: 'Orang Baru', role: 'clerk', pin: '582931' }],
  'accounts.setActive': () => [{ id: 'tidak-ada', active: true }],
  'accounts.resetPin': () => [{ id: 'tidak-ada', pin: '582931' }],
  'accounts.changePin': () => [{ currentPin: '000000', newPin: '582931' }],
  'files.upload': () => [{ offset: 0, dataBase64: 'bm9tb3JfcGVzZXJ0YQo=' }],
  'exams.preview': (f) => [{ file: { uploadId: f.uploadId, name: 'paket.json' } }],
  'exams.import': (f) => [{ file: { uploadId: f.uploadId, name: 'paket.json' } }],
  'exams.list': () => [{}],
  'exams.get': (f) => [{ exam: f.exam }],
  'exams.purge': (f) => [{ exam: f.exam }],
  'roster.preview': (f) => [{ exam: f.exam, file: { uploadId: f.uploadId, name: 'peserta.csv' } }],
  'roster.import': (f) => [{ exam: f.exam, file: { uploadId: f.uploadId, name: 'peserta.csv' } }],
  'roster.list': (f) => [{ exam: f.exam, limit: 1000 }, { exam: f.exam, session: f.session, attendance: 'present' }],
  'attendance.checkIn': (f) => [{ exam: f.exam, session: f.session, nomorPeserta: f.nomor }],
  'attendance.undo': (f) => [{ exam: f.exam, session: f.session, nomorPeserta: f.nomor, reason: 'salah pindai kartu' }],
  'attendance.list': (f) => [{ exam: f.exam, session: f.session }],
  'sessions.close': (f) => [{ exam: f.exam, session: f.session }],
  'conflicts.declare': (f) => [{ exam: f.exam, nomorPeserta: f.nomor, reason: 'kerabat dekat' }],
  'conflicts.list': (f) => [{ exam: f.exam }],
  'scores.import': (f) => [{ exam: f.exam, stage: 'SKD', file: { uploadId: f.uploadId, name: 'skd.csv' } }],
  'scores.list': (f) => [{ exam: f.exam }, { exam: f.exam, stage: f.paperStage }],
  'scores.page': (f) => [{ exam: f.exam }, { exam: f.exam, stage: f.paperStage, search: f.nomor, limit: 50 }, { exam: f.exam, state: 'submitted', offset: 1, limit: 5 }],
  'scores.history': (f) => [
    { exam: f.exam, stage: f.paperStage, nomorPeserta: f.nomor, item: 'esai' },
    { exam: f.exam, stage: 'SKB-WWC', nomorPeserta: f.nomor, item: 'integritas', panelist: 'penguji1' },
  ],
  'panel.overview': (f) => [{ exam: f.exam, session: f.session }],
  'panel.sheet': (f) => [{ exam: f.exam, session: f.session, nomorPeserta: f.nomor }],
  'panel.score': (f) => [{ exam: f.exam, session: f.session, nomorPeserta: f.nomor, criterion: 'integritas', value: 3 }],
  'panel.submit': (f) => [{ exam: f.exam, session: f.session, nomorPeserta: f.nomor }],
  'panel.note': (f) => [{ exam: f.exam, session: f.session, nomorPeserta: f.nomor, note: 'sudah dibahas bersama' }],
  'panel.finalize': (f) => [{ exam: f.exam, session: f.session, nomorPeserta: f.nomor }],
  'panel.signoff': (f) => [{ exam: f.exam, session: f.session, pin: '000000' }],
  'display.board': (f) => [{ exam: f.exam, session: f.session }],
  'paper.enter': (f) => [{ exam: f.exam, stage: f.paperStage, nomorPeserta: f.nomor, values: { esai: 50, kasus: 20 } }],
  'paper.status': (f) => [{ exam: f.exam, stage: f.paperStage }],
  'paper.mismatches': (f) => [{ exam: f.exam, stage: f.paperStage }],
  'paper.resolve': (f) => [{ exam: f.exam, stage: f.paperStage, nomorPeserta: f.nomor, values: { esai: 50, kasus: 20 }, reason: 'dicek ulang bersama' }],
  'amendments.request': (f) => [{ exam: f.exam, stage: 'SKD', nomorPeserta: f.nomor, item: 'twk', value: 50, reason: 'salah ketik saat impor' }],
  'amendments.decide': () => [{ requestId: 'tidak-ada', approve: false }],
  'amendments.list': (f) => [{ exam: f.exam }],
  'ranking.compute': (f) => [{ exam: f.exam }],
  'ranking.export': (f) => [{ exam: f.exam, format: 'csv' }, { exam: f.exam, format: 'xlsx' }],
  'print.ranking': (f) => [{ exam: f.exam, formation: 'F01' }],
  'print.scoringForms': (f) => [{ exam: f.exam, session: f.session }],
  'keys.mine': () => [{}],
  'keys.list': () => [{}],
  'keys.generate': () => [{ passphrase: 'sandi-kunci-rahasia' }],
  'keys.import': (f) => [{ file: { uploadId: f.uploadId, name: 'bsre.p12' }, p12Password: 'x', passphrase: 'sandi-kunci-rahasia' }],
  'sheets.start': (f) => [{ exam: f.exam, passphrase: 'bukan-sandinya' }],
  'sheets.cancel': () => [{ jobId: 'tidak-ada' }],
  'sheets.jobs': () => [{}],
  'sheets.files': (f) => [{ exam: f.exam }],
  'sheets.file': (f) => [{ exam: f.exam, name: `lembar-${f.nomor}.pdf` }],
  'documents.verify': (f) => [{ file: { uploadId: f.uploadId, name: 'berita-acara.pdf' } }],
  'minutes.sign': (f) => [{ exam: f.exam, session: f.session, passphrase: 'bukan-sandinya' }],
  'bundle.export': (f) => [{ exam: f.exam, passphrase: 'bukan-sandinya' }],
  'bundle.list': () => [{}],
  'bundle.file': () => [{ sha256: sha }],
  'bundle.copy': (f) => [{ exam: f.exam }],
  'bundle.verify': (f) => [{ file: { uploadId: f.uploadId, name: 'bundel.lentera' } }],
  'bundle.import': (f) => [{ file: { uploadId: f.uploadId, name: 'bundel.lentera' } }],
  'bundle.merged': () => [{}],
  'bundle.trust': () => [{ certificate: { pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } }],
  'bundle.trusted': () => [{}],
  'keys.certificate': () => [{}],
  'hub.settings': () => [{}],
  'hub.configure': () => [{ url: 'http://127.0.0.1:9/' }],
  'outbox.list': () => [{}],
  'outbox.push': () => [{}],
  'receipt.get': (f) => [{ exam: f.exam, nomor: f.nomor }],
  'outbox.retry': () => [{ sha256: sha }],
  'hub.committee': () => [{ token: '' }, { token: 'komite-tempat-0123456789abcdef' }],
  'sanggah.file': (f) => [{ exam: f.exam, nomor: f.nomor, stage: 'SKD', text: 'Nilai TWK saya tidak sesuai dengan yang tampil di layar.' }],
  'sanggah.list': (f) => [{ exam: f.exam }, { exam: f.exam, status: 'diajukan' }],
  'sanggah.answer': () => [{ id: 'tidak-ada', decision: 'ditolak', answer: 'Nilai sudah diperiksa ulang dan sesuai.' }],
  'laporan.list': (f) => [{ exam: f.exam }],
  'laporan.answer': () => [{ id: 'tidak-ada', status: 'ditelaah', answer: 'Laporan sedang ditelaah oleh panitia.' }],
  'announcement.publish': (f) => [{ exam: f.exam, objectionFrom: '2026-12-14', objectionUntil: '2026-12-16', passphrase: 'bukan-sandinya' }],
  'announcement.push': (f) => [{ exam: f.exam }],
  'announcement.list': (f) => [{}, { exam: f.exam }],
};

/** Field names that would let a caller choose a place on this machine. */
export const PATH_LIKE = /^(path|paths|file|files|filename|filepath|dir|dirs|directory|folder|out|output|outdir|outfile|dest|destination|target|copyto|pdfdir|location)$|(path|dir|folder|directory)$/i;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
}

/** Every string-valued field of a JSON schema whose name says "path", with where it is. */
export function pathLikeFields(schema: JsonSchema, at = '(input)'): string[] {
  const out: string[] = [];
  const isString = (s: JsonSchema) => s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string')) || (s.anyOf ?? s.oneOf ?? []).some(isString);
  for (const [k, v] of Object.entries(schema.properties ?? {})) {
    if (PATH_LIKE.test(k) && isString(v)) out.push(`${at}.${k}`);
    out.push(...pathLikeFields(v, `${at}.${k}`));
  }
  for (const alt of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) out.push(...pathLikeFields(alt, at));
  const items = Array.isArray(schema.items) ? schema.items : schema.items ? [schema.items] : [];
  for (const i of items) out.push(...pathLikeFields(i, `${at}[]`));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.push(...pathLikeFields(schema.additionalProperties, `${at}.*`));
  return out;
}
