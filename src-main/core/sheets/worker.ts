// Generates signed sheets and minutes off the main thread: the workstation keeps answering while a batch of
// thousands of PDFs is signed. Talks to its parent only by messages.
import { parentPort, workerData } from 'node:worker_threads';
import { openWorkstation } from '../workstation/workstation';
import { unlockIdentity } from '../keys/identities';
import { finalizedSessions, generateMinutes, generateSheets } from './batch';
import { isLenteraError } from '../util/errors';

interface Job {
  dataDir: string;
  nativeBinding?: string;
  examId: string;
  session?: string;
  accountId: string;
  passphrase: string;
  outDir: string;
}

const job = workerData as Job;
const controller = new AbortController();
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') controller.abort();
});

async function main(): Promise<void> {
  const ws = openWorkstation(job.dataDir, { nativeBinding: job.nativeBinding });
  try {
    const signer = await unlockIdentity(ws.db, ws.dir, job.accountId, job.passphrase, new Date());
    const out = await generateSheets(ws.db, {
      examId: job.examId,
      outDir: job.outDir,
      session: job.session,
      signer,
      signal: controller.signal,
      onProgress: (done, total) => parentPort!.postMessage({ type: 'progress', done, total }),
    });
    const minutes: string[] = [];
    if (!out.cancelled) {
      for (const s of finalizedSessions(ws.db, job.examId).filter((x) => !job.session || x === job.session)) {
        minutes.push(await generateMinutes(ws.db, job.examId, s, signer, job.outDir));
      }
    }
    parentPort!.postMessage({ type: 'done', written: out.written.length, minutes: minutes.length, cancelled: out.cancelled });
  } catch (e) {
    parentPort!.postMessage({ type: 'failed', code: isLenteraError(e) ? e.code : 'INTERNAL', message: (e as Error).message });
  } finally {
    ws.close();
  }
}

void main();
