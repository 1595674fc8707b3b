// Generates signed sheets and minutes off the main thread: the workstation keeps answering while a batch of
// thousands of PDFs is signed. Talks to its parent only by messages. Its signatures are audited here, through its
// own connection (the same write transactions and busy timeout as every other writer): the parent records nothing
// of them, so each signature's event lands exactly once.
import { parentPort, workerData } from 'node:worker_threads';
import { openWorkstation } from '../workstation/workstation';
import { unlockIdentity } from '../keys/identities';
import { finalizedSessions, generateMinutes, generateSheets, SignatureLog } from './batch';
import { isLenteraError } from '../util/errors';
import { sheetKeys } from './sheet-files';

interface Job {
  dataDir: string;
  nativeBinding?: string;
  /** the data key of an encrypted workstation (a copy: messages between threads are copied) */
  dataKey?: Uint8Array;
  examId: string;
  session?: string;
  /** only these candidates' sheets, and then no minutes (the command line's --candidate) */
  only?: string[];
  accountId: string;
  passphrase: string;
  /** who started the job (`user:<account>`), recorded in the signatures' audit events */
  actor: string;
  outDir: string;
}

const job = workerData as Job;
const controller = new AbortController();
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') controller.abort();
});

async function main(): Promise<void> {
  const ws = openWorkstation(job.dataDir, { nativeBinding: job.nativeBinding, ...(job.dataKey ? { key: Buffer.from(job.dataKey) } : {}) });
  try {
    const signer = await unlockIdentity(ws.db, ws.dir, job.accountId, job.passphrase, new Date());
    const exam = ws.db.prepare('SELECT code FROM exams WHERE id = ?').pluck().get(job.examId) as string;
    const log = new SignatureLog(ws.db, { exam, actor: job.actor, signer });
    // On an encrypted workstation the PDFs it keeps are sealed; a folder the command line named elsewhere gets plain ones.
    const keys = sheetKeys(job.dataDir, job.outDir, job.dataKey);
    const out = await generateSheets(ws.db, {
      examId: job.examId,
      outDir: job.outDir,
      session: job.session,
      only: job.only,
      signer,
      log,
      signal: controller.signal,
      keys,
      onProgress: (done, total) => parentPort!.postMessage({ type: 'progress', done, total }),
    });
    let minutes = 0;
    let minutesUnchanged = 0;
    if (!out.cancelled && !job.only) {
      try {
        for (const s of finalizedSessions(ws.db, job.examId).filter((x) => !job.session || x === job.session)) {
          const m = await generateMinutes(ws.db, job.examId, s, signer, job.outDir, { log, keys });
          if (m.status === 'signed') minutes++;
          else minutesUnchanged++;
        }
        log.flush();
      } catch (e) {
        log.discard();
        throw e;
      }
    }
    parentPort!.postMessage({ type: 'done', written: out.written.length, unchanged: out.unchanged.length, versions: out.documents.filter((d) => d.version > 1).length, minutes, minutesUnchanged, cancelled: out.cancelled });
  } catch (e) {
    parentPort!.postMessage({ type: 'failed', code: isLenteraError(e) ? e.code : 'INTERNAL', message: (e as Error).message });
  } finally {
    ws.close();
  }
}

void main();
