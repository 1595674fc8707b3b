/**
 * A venue's exported bundle and its coordinator's certificate, for the objection and report tests: a demo
 * workstation (30 candidates), one signed bundle, and a signed announcement with an objection period, built and
 * signed as the workstation does (core/publish/announcement.ts).
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { currentCertificate, generateIdentity, unlockIdentity } from '../../src-main/core/keys/identities';
import { buildAnnouncement, signAnnouncement } from '../../src-main/core/publish/announcement';
import type { Publisher } from '../../src-main/core/publish/publisher';
import { isLenteraError } from '../../src-main/core/util/errors';

const PASS = 'rahasia-koordinator';

export interface VoiceVenue {
  app: LenteraApp;
  exam: string;
  bundle: string;
  /** merges the bundle into a hub's publisher (its signer registered first); returns each logged candidate's salt */
  merge(p: Publisher, at: string): Promise<Map<string, string>>;
  /** publishes a signed announcement whose objection period runs over these WIB days (YYYY-MM-DD) */
  announce(p: Publisher, from: string, until: string, at: string): Promise<void>;
  close(): void;
}

/** Runs `fn`, which must be refused with a LenteraError and leave `state()` as it was: a refusal stores nothing. */
export function refusalLeaving(state: () => unknown) {
  return (fn: () => unknown): { code: string; message: string; details: Record<string, unknown> } => {
    const before = state();
    try {
      fn();
    } catch (e) {
      if (!isLenteraError(e)) throw e;
      expect(state(), 'a refusal stores nothing').toEqual(before);
      return { code: e.code, message: e.message, details: e.details };
    }
    throw new Error('expected a refusal');
  };
}

/** YYYY-MM-DD in WIB, `days` from the instant `at`. */
export function wibDay(at: Date, days = 0): string {
  return new Date(at.getTime() + days * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
}

export async function voiceVenue(root: string): Promise<VoiceVenue> {
  const app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates: 30 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  const exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  const r = await app.invokeAsync('bundle.export', { exam, passphrase: PASS, account: 'koordinator' }, { local: 't' });
  if (!r.ok) throw new Error(r.error.message);
  const bundle = db.prepare('SELECT file FROM outbox').pluck().get() as string;
  const cert = currentCertificate(db, coord)!;
  return {
    app,
    exam,
    bundle,
    async merge(p, at) {
      addTrustedSigner(p.db, cert.certDer, { exam, announces: true, at, by: 'test' });
      const ack = await p.ingest(bundle, at, 'test');
      return new Map(p.receiptsOfBundle(ack.bundle).map((x) => [x.nomor, x.salt]));
    },
    async announce(p, from, until, at) {
      const doc = buildAnnouncement(db, exam, { objectionFrom: from, objectionUntil: until, at });
      const signer = await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date());
      await p.announce(await signAnnouncement(doc, signer), null, at, 'test');
    },
    close: () => app.close(),
  };
}
