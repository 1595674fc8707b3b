/**
 * The verification page of the publication site (browser code; bundled by verify-bundle.ts into
 * assets/verify.js). Everything happens offline, in the page: a dropped receipt (JSON) or result sheet (PDF) is
 * checked against the site's own log key, the published checkpoints and the published result digests, which
 * the site embeds as window.LENTERA_LOG and window.LENTERA_DIGESTS. Only the site's key counts: the key a receipt
 * carries is a label, and a receipt whose checkpoint another log signed is "not verified: signed by another log".
 */
import { verifyCheckpoint, type SignedCheckpoint } from '../ledger/checkpoint';
import { fromB64url, fromHex, verifyConsistency } from '../ledger/merkle';
import { receiptFromQr, verifyReceipt, type Receipt } from '../ledger/receipt';
import { followReceipt } from '../ledger/receipt-tiles';
import { embeddedPayloadFromBytes, type SheetPayload } from '../sheets/payload';
import { sitePaths } from './paths';

interface LogData {
  logKey: string;
  logId: string;
  checkpoints: SignedCheckpoint[];
  consistency?: { from: number; to: number; proof: string[] }[];
}

interface Check {
  label: string;
  ok: boolean;
  detail: string;
}

interface Outcome {
  kind: 'ok' | 'bad' | 'info';
  verdict: string;
  checks: Check[];
  notes: string[];
  candidate?: { exam: string; nomor: string };
  /** the receipt that held, to be followed to the log as it is now (`followOnSite`) */
  receipt?: Receipt;
  /** the verdict the receipt earns once the log as it is now confirms its checkpoint, newer than this copy of the site */
  confirmed?: string;
}

/** What the site embeds (assets/log-data.js, assets/digests.js); read when used, so the module loads anywhere. */
const site = () => globalThis as unknown as { LENTERA_LOG?: LogData; LENTERA_DIGESTS?: Record<string, Record<string, string>> };

/** Files larger than this are not receipts or result sheets: refused before they are read. */
const MAX_BYTES = 50 * 1024 * 1024;

const LABELS: Record<string, string> = {
  shape: 'Format tanda terima',
  'log id': 'Log yang menandatangani',
  'trusted log key': 'Kunci log situs ini',
  'checkpoint signature': 'Tanda tangan checkpoint',
  'expected digest': 'Ringkasan hasil',
  'inclusion proof': 'Bukti inklusi di log',
  internal: 'Pemeriksaan',
};

const PDF_NOTE =
  'Tanda tangan elektronik PDF itu sendiri tidak diperiksa di halaman ini: periksa dengan pembaca PDF (panel tanda tangan) atau dengan perintah "lentera verify lembar.pdf".';

function logData(): LogData {
  const log = site().LENTERA_LOG;
  if (!log || typeof log.logKey !== 'string' || !Array.isArray(log.checkpoints)) throw new Error('data log situs ini (assets/log-data.js) tidak termuat');
  return log;
}

function publishedDigest(exam: string, nomor: string): string | undefined {
  const byExam = site().LENTERA_DIGESTS?.[exam];
  return byExam && Object.prototype.hasOwnProperty.call(byExam, nomor) ? byExam[nomor] : undefined;
}

/** The digest compared with what this site published for the candidate. */
function digestCheck(exam: string, nomor: string, digest: string): Check {
  const published = publishedDigest(exam, nomor);
  if (published === undefined) {
    return { label: 'Hasil yang diterbitkan', ok: false, detail: `Peserta ${nomor} pada ujian ${exam} tidak ada dalam hasil yang diterbitkan di situs ini` };
  }
  if (published === digest.toLowerCase()) {
    return { label: 'Hasil yang diterbitkan', ok: true, detail: `Ringkasan hasil sama dengan hasil yang diterbitkan untuk peserta ${nomor}` };
  }
  return {
    label: 'Hasil yang diterbitkan',
    ok: false,
    detail: `Ringkasan hasil berbeda dari hasil terbaru yang diterbitkan untuk peserta ${nomor} (bila hasil telah dikoreksi, lihat halaman peserta)`,
  };
}

/** Is the receipt's checkpoint one this site published, or at least one its log key signed? */
/**
 * Is the receipt's checkpoint one this site published? The site lists every checkpoint its log signed, so one signed by
 * its key but not listed, no larger than the largest listed, is from a second history the log kept apart (found by
 * review: a receipt for a fork was "sah" offline). One larger than every listed one is newer than this copy of the
 * site: signed, but confirmed only by the log as it is now (`followOnSite`), so it is `unconfirmed` until then.
 */
function checkpointCheck(log: LogData, cp: SignedCheckpoint): Check & { unconfirmed?: true } {
  const label = 'Checkpoint situs ini';
  const same = log.checkpoints.find((c) => c.size === cp.size);
  if (same && same.root === cp.root) return { label, ok: true, detail: `Checkpoint ini diterbitkan di situs ini (ukuran ${cp.size})` };
  if (same) {
    return { label, ok: false, detail: `Akar checkpoint berukuran ${cp.size} berbeda dari checkpoint yang diterbitkan di situs ini` };
  }
  let key: Uint8Array | null = null;
  try {
    key = fromB64url(log.logKey);
  } catch {
    key = null;
  }
  if (!key || !verifyCheckpoint(cp, key)) return { label, ok: false, detail: 'Checkpoint tidak diterbitkan di situs ini dan tidak ditandatangani kunci log situs ini' };
  const largest = log.checkpoints.reduce((m, c) => Math.max(m, c.size), 0);
  if (cp.size <= largest) {
    return {
      label,
      ok: false,
      detail: `Checkpoint ukuran ${cp.size} ditandatangani kunci log situs ini, tetapi tidak pernah diterbitkan di situs ini, yang mencantumkan setiap checkpoint log sampai ukuran ${largest}: log ini menandatangani dua riwayat (bercabang)`,
    };
  }
  return { label, ok: true, detail: `Checkpoint ukuran ${cp.size} ditandatangani kunci log situs ini dan lebih baru dari salinan situs ini (checkpoint terakhirnya berukuran ${largest})`, unconfirmed: true };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function fromChecks(checks: Check[], okVerdict: string, badVerdict: string, notes: string[], candidate?: Outcome['candidate']): Outcome {
  const failed = checks.find((c) => !c.ok);
  return failed ? { kind: 'bad', verdict: `${badVerdict}: ${failed.detail}`, checks, notes, candidate } : { kind: 'ok', verdict: okVerdict, checks, notes, candidate };
}

/**
 * The verdict when the receipt could not be tied to this site's log: it may be sound for some other log, but
 * it is not verified here, and the page says which way it failed rather than calling the receipt forged.
 */
const NOT_OURS: Record<string, string> = {
  'trusted log key': 'Tanda terima TIDAK terverifikasi: kunci log situs ini tidak dapat dibaca',
  'log id': 'Tanda terima TIDAK terverifikasi: ditandatangani log lain, bukan log situs ini',
  'checkpoint signature': 'Tanda terima TIDAK terverifikasi: checkpoint tidak ditandatangani kunci log situs ini',
};

export function checkReceipt(input: unknown, notes: string[] = []): Outcome {
  const log = logData();
  // The site's own key, never the receipt's: `verifyReceipt` checks the checkpoint with this key only.
  const result = verifyReceipt(input, { trustedLogKey: log.logKey });
  const checks: Check[] = result.checks.map((c) => ({ label: LABELS[c.name] ?? c.name, ok: c.ok, detail: c.detail }));
  let candidate: Outcome['candidate'];
  let unconfirmed = false;
  if (result.checks[0]?.name === 'shape' && result.checks[0].ok) {
    const r = input as Receipt;
    const { unconfirmed: newer, ...cpCheck } = checkpointCheck(log, r.checkpoint);
    unconfirmed = Boolean(newer);
    checks.push(cpCheck);
    checks.push(digestCheck(r.exam, r.nomor, r.digest));
    if (publishedDigest(r.exam, r.nomor) !== undefined) candidate = { exam: r.exam, nomor: r.nomor };
  }
  const outcome = fromChecks(checks, 'Tanda terima sah', 'Tanda terima TIDAK sah', notes, candidate);
  if (outcome.kind === 'ok') outcome.receipt = input as Receipt;
  if (outcome.kind === 'ok' && unconfirmed) {
    // Sah only once the log as it is now extends its checkpoint and still holds the result (followOnSite).
    outcome.kind = 'info';
    outcome.confirmed = outcome.verdict;
    outcome.verdict = 'Tanda terima BELUM dapat dipastikan: checkpoint-nya lebih baru dari salinan situs ini; log terbaru harus dibaca untuk memastikannya';
  }
  const firstFailed = result.checks.find((c) => !c.ok)?.name;
  const notOurs = firstFailed === undefined ? undefined : NOT_OURS[firstFailed];
  if (notOurs) outcome.verdict = notOurs;
  return outcome;
}

/** A result sheet's payload (from the PDF or its QR code): with "p" a full receipt, without it only the digest. */
export function checkSheetPayload(payload: SheetPayload, fromPdf: boolean): Outcome {
  const log = logData();
  const notes = fromPdf ? [PDF_NOTE] : [];
  if (payload.p !== undefined) {
    const receipt = receiptFromQr(payload, log.logKey);
    if (!receipt) {
      return { kind: 'bad', verdict: 'Tanda terima TIDAK sah: bukti inklusi pada lembar hasil tidak dapat dibaca', checks: [{ label: 'Bukti inklusi', ok: false, detail: 'Data bukti inklusi (p) rusak atau tidak lengkap' }], notes };
    }
    return checkReceipt(receipt, [fromPdf ? 'Tanda terima dibaca dari data yang tertanam di lembar hasil (PDF).' : 'Tanda terima dibaca dari isi kode QR lembar hasil.', ...notes]);
  }
  const checks: Check[] = [
    { label: 'Data lembar hasil', ok: true, detail: `Lembar hasil peserta ${payload.n}, ujian ${payload.e}` },
    digestCheck(payload.e, payload.n, payload.d),
  ];
  const candidate = publishedDigest(payload.e, payload.n) !== undefined ? { exam: payload.e, nomor: payload.n } : undefined;
  const out = fromChecks(checks, 'Ringkasan hasil pada lembar sama dengan hasil yang diterbitkan', 'Lembar hasil TIDAK cocok', notes, candidate);
  out.notes.unshift('Lembar ini belum memuat bukti inklusi log (dibuat sebelum hasil dicatat di log), sehingga yang dapat diperiksa hanya kesamaan ringkasan hasilnya dengan yang diterbitkan.');
  if (out.kind === 'ok') out.kind = 'info';
  return out;
}

function sheetPayloadShape(x: Record<string, unknown>): x is Record<string, unknown> & SheetPayload {
  return typeof x.v === 'number' && typeof x.e === 'string' && typeof x.n === 'string' && typeof x.d === 'string' && !('exam' in x);
}

/** A receipt, or a result sheet's QR text, as JSON text. */
export function checkJsonText(text: string): Outcome {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { kind: 'bad', verdict: 'Tanda terima TIDAK sah: berkas bukan JSON yang dapat dibaca', checks: [{ label: 'Format tanda terima', ok: false, detail: 'Isi berkas bukan JSON' }], notes: [] };
  }
  if (isObject(value) && sheetPayloadShape(value)) return checkSheetPayload(value, false);
  return checkReceipt(value);
}

export function checkBytes(name: string, bytes: Uint8Array): Outcome {
  const isPdf = /\.pdf$/i.test(name) || (bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46);
  if (isPdf) {
    const payload = embeddedPayloadFromBytes(bytes);
    if (!payload) {
      return {
        kind: 'bad',
        verdict: 'Lembar hasil TIDAK dapat diperiksa: PDF ini tidak memuat data hasil Lentera',
        checks: [{ label: 'Data lembar hasil', ok: false, detail: 'Tidak ada data /LenteraResult di metadata PDF' }],
        notes: [PDF_NOTE],
      };
    }
    return checkSheetPayload(payload, true);
  }
  return checkJsonText(new TextDecoder('utf-8').decode(bytes));
}

/** A file of the site, relative to the page; a page opened from a folder (file://) asks nothing of the network. */
function siteFetch(path: string): Promise<Response> {
  if (typeof location !== 'undefined' && location.protocol === 'file:') return Promise.reject(new Error('halaman dibuka dari berkas, tanpa server'));
  return fetch(path, { cache: 'no-cache' });
}

const FOLLOW_LABELS: Record<string, string> = {
  'latest checkpoint': 'Checkpoint terbaru log',
  consistency: 'Konsistensi dengan log sekarang',
  'still in the log': 'Masih tercatat di log',
  tiles: 'Tile log',
};

/**
 * A receipt that held, followed to the log as the site serves it now (log/checkpoint and log/tile/…, c2sp.org/
 * tlog-tiles): its checkpoint must be extended by the latest one, which must still hold its result. A site opened
 * without a server (file://, a copy on a stick), or one written before it served tiles, cannot be asked: the page
 * says so and keeps its verdict. A log that answers and contradicts the receipt makes it TIDAK sah.
 */
export async function followOnSite(o: Outcome, fetchSite: (path: string) => Promise<Response> = siteFetch): Promise<Outcome> {
  if ((o.kind !== 'ok' && o.confirmed === undefined) || !o.receipt) return o;
  const followed = await followReceipt(o.receipt, logData().logKey, async (path) => {
    const res = await fetchSite(`log/${path}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`log/${path}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  });
  // A log that cannot be read says nothing against the receipt: only a contradiction makes it TIDAK sah.
  if (followed.unreadable) {
    const why = followed.checks.find((c) => !c.ok)?.detail;
    const unread = `Log terbaru (log/checkpoint dan tile-nya) tidak dapat dibaca dari halaman ini${why ? ` (${why})` : ''}`;
    if (o.confirmed !== undefined) return { ...o, notes: [...o.notes, `${unread}: checkpoint tanda terima ini tidak tercantum di salinan situs ini, sehingga belum dapat dipastikan ada di log.`] };
    return { ...o, notes: [...o.notes, `${unread}: tanda terima diperiksa terhadap checkpoint yang diterbitkan di situs ini saja.`] };
  }
  const checks = [...o.checks, ...followed.checks.map((c) => ({ label: FOLLOW_LABELS[c.name] ?? c.name, ok: c.ok, detail: c.detail }))];
  const { confirmed, ...rest } = o;
  return fromChecks(checks, confirmed ?? rest.verdict, 'Tanda terima TIDAK sah', rest.notes, rest.candidate);
}

// ------------------------------------------------------------------------------------------------ the page

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function checkList(checks: Check[]): HTMLUListElement {
  return el(
    'ul',
    { class: 'checks' },
    ...checks.map((c) =>
      el(
        'li',
        { class: c.ok ? 'ok' : 'bad' },
        el('span', { class: 'mark', 'aria-hidden': 'true' }, c.ok ? '✓' : '✗'),
        el('span', {}, el('span', { class: 'visually-hidden' }, c.ok ? 'Berhasil: ' : 'Gagal: '), el('span', { class: 'what' }, c.label), ': ', el('span', { class: 'detail' }, c.detail)),
      ),
    ),
  );
}

function show(source: string, o: Outcome): void {
  const box = document.getElementById('hasil');
  if (!box) return;
  for (const child of [...box.children]) if (child.id !== 'judul-hasil') child.remove();
  box.append(el('p', { class: `verdict ${o.kind}`, 'data-verdict': o.kind }, o.verdict));
  box.append(el('p', {}, `Berkas: ${source}`));
  box.append(checkList(o.checks));
  for (const n of o.notes) box.append(el('p', { class: 'note' }, n));
  if (o.candidate) {
    box.append(el('p', {}, el('a', { href: sitePaths.candidate(o.candidate.exam, o.candidate.nomor) }, `Lihat hasil peserta ${o.candidate.nomor} yang diterbitkan`)));
  }
}

function failure(message: string): Outcome {
  return { kind: 'bad', verdict: `Tanda terima TIDAK sah: ${message}`, checks: [{ label: 'Pemeriksaan', ok: false, detail: message }], notes: [] };
}

let latest = 0;

async function handleFile(file: File | undefined | null): Promise<void> {
  if (!file) return;
  const turn = ++latest;
  let outcome: Outcome;
  try {
    if (file.size > MAX_BYTES) outcome = failure(`berkas terlalu besar (${file.size} byte) untuk tanda terima atau lembar hasil`);
    else outcome = await followOnSite(checkBytes(file.name, new Uint8Array(await file.arrayBuffer())));
  } catch (e) {
    outcome = failure(`berkas tidak dapat diperiksa (${(e as Error)?.message ?? String(e)})`);
  }
  if (turn === latest) show(file.name, outcome);
}

/** On load: every published checkpoint's signature, and every consistency proof between them. */
/** What the page says of the log data the site embeds: every checkpoint signed, each step from one to the next proven. */
export function publishedLogChecks(log: LogData): Check[] {
  const checks: Check[] = [];
  const key = fromB64url(log.logKey);
  const unsigned = log.checkpoints.filter((c) => !verifyCheckpoint(c, key));
  checks.push(
    unsigned.length
      ? { label: 'Tanda tangan checkpoint', ok: false, detail: `Checkpoint ukuran ${unsigned.map((c) => c.size).join(', ')} tidak ditandatangani kunci log situs ini` }
      : { label: 'Tanda tangan checkpoint', ok: true, detail: `${log.checkpoints.length} checkpoint, semua ditandatangani kunci log situs ini` },
  );
  const proofs = log.consistency ?? [];
  // Each step from one listed checkpoint to the next, by position: two checkpoints of one size with two roots (the
  // log signed two histories) were both found as the first of that size, and the step between them passed.
  const steps = log.checkpoints.slice(1).map((b, i) => ({ a: log.checkpoints[i]!, b }));
  const shrinking = steps.filter(({ a, b }) => b.size <= a.size);
  const broken = steps.filter(({ a, b }) => {
    if (b.size <= a.size) return false;
    const p = proofs.find((x) => x.from === a.size && x.to === b.size);
    try {
      return p !== undefined && !verifyConsistency(a.size, b.size, fromHex(a.root), fromHex(b.root), p.proof.map(fromHex));
    } catch {
      return true;
    }
  });
  const gaps = steps.filter(({ a, b }) => b.size > a.size && !proofs.some((p) => p.from === a.size && p.to === b.size));
  checks.push(
    shrinking.length || broken.length || gaps.length
      ? {
          label: 'Bukti konsistensi',
          ok: false,
          detail: `Tidak terbukti hanya menambah entri: ${[
            ...shrinking.map(({ a, b }) => (a.size !== b.size ? `ukuran ${a.size} lalu ${b.size}` : a.root === b.root ? `checkpoint ukuran ${a.size} tercantum dua kali` : `dua checkpoint ukuran ${a.size} dengan akar berbeda (log bercabang)`)),
            ...broken.map(({ a, b }) => `${a.size} → ${b.size}`),
            ...gaps.map(({ b }) => `sampai ukuran ${b.size} tanpa bukti`),
          ].join(', ')}`,
        }
      : { label: 'Bukti konsistensi', ok: true, detail: proofs.length ? `${proofs.length} bukti sah: setiap checkpoint hanya menambah entri pada checkpoint sebelumnya` : 'Tidak ada bukti yang perlu diperiksa (kurang dari dua checkpoint)' },
  );
  return checks;
}

function checkPublishedLog(): void {
  const target = document.getElementById('status-log');
  if (!target) return;
  let checks: Check[] = [];
  try {
    const log = logData();
    checks = publishedLogChecks(log);
    const last = log.checkpoints[log.checkpoints.length - 1];
    target.replaceChildren(last ? `Checkpoint terakhir: ukuran ${last.size}, akar ${last.root}.` : 'Belum ada checkpoint.');
  } catch (e) {
    checks.push({ label: 'Data log', ok: false, detail: (e as Error)?.message ?? String(e) });
  }
  target.after(checkList(checks));
}

function start(): void {
  const input = document.getElementById('berkas') as HTMLInputElement | null;
  const drop = document.getElementById('drop');
  input?.addEventListener('change', () => {
    const file = input.files?.[0];
    void handleFile(file).finally(() => {
      input.value = '';
    });
  });
  // A file dropped beside the zone must not make the browser leave the page to show it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  drop?.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop?.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop?.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void handleFile(e.dataTransfer?.files[0]);
  });
  const text = document.getElementById('teks-qr') as HTMLTextAreaElement | null;
  document.getElementById('periksa-teks')?.addEventListener('click', () => {
    if (!text?.value.trim()) return;
    const turn = ++latest;
    void (async () => {
      let outcome: Outcome;
      try {
        outcome = await followOnSite(checkJsonText(text.value.trim()));
      } catch (e) {
        outcome = failure(`teks tidak dapat diperiksa (${(e as Error)?.message ?? String(e)})`);
      }
      if (turn === latest) show('teks kode QR', outcome);
    })();
  });
  checkPublishedLog();
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
