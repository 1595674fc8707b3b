// A venue's workstation holding exams, and a hub that trusts its coordinator's key: the path from CAT scores to the
// published site that the site tests drive (one venue and hub shared by a file's tests, unlike helpers' makeApp).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { demoSkdResults } from '../../src-main/core/demo/generate';
import type { ExamPackage } from '../../src-main/core/exams/package-schema';
import { generateIdentity } from '../../src-main/core/keys/identities';
import { readCertificate } from '../../src-main/core/keys/pki';
import { Publisher } from '../../src-main/core/publish/publisher';
import { ADMIN } from './helpers';

/** The coordinator's signing key passphrase on the venue's workstation. */
export const VENUE_PASS = 'rahasia-koordinator';

export class HubVenue {
  private constructor(
    readonly dir: string,
    readonly app: LenteraApp,
    public hub: Publisher,
  ) {}

  /**
   * A workstation in `dir`/ws with `exams` imported and the coordinator's signing key made, and a hub in `dir`/hub
   * (its store as the test run chooses) trusting that key from `at`.
   */
  static async open(dir: string, exams: ExamPackage[], at: string): Promise<HubVenue> {
    const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
    const venue = new HubVenue(dir, app, null as unknown as Publisher);
    await venue.ok('workstation.init', { adminName: ADMIN.name, adminDisplayName: 'Sri Wahyuni', pin: ADMIN.pin });
    for (const pkg of exams) {
      const file = join(dir, `${pkg.exam.code.replace(/[^A-Za-z0-9-]/g, '_')}.json`);
      writeFileSync(file, JSON.stringify(pkg));
      await venue.ok('exams.import', { file: { path: file } });
    }
    const db = app.workstation!.db;
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni, S.Sos.', nip: null }, 'Pemerintah Kota Semarang', VENUE_PASS, new Date().toISOString());
    venue.hub = Publisher.open(join(dir, 'hub'));
    addTrustedSigner(venue.hub.db, readCertificate(await venue.certificate()), { at, by: 'test' });
    return venue;
  }

  /** A command on the workstation, as the command line runs it; its refusal thrown. */
  async ok<T = any>(name: string, input: unknown): Promise<T> {
    const r = (await this.app.invokeAsync(name, input, { local: 'test' })) as any;
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  }

  /** One SKD session's CAT scores imported (an absent candidate scored low), the exam's bundle exported and merged at the hub. */
  async publishSession(pkg: ExamPackage, session: string, at: string) {
    return this.hub.ingest(await this.exportSession(pkg, session), at, 'test');
  }

  /** One SKD session's CAT scores imported (an absent candidate scored low) and the exam's bundle exported: its file. */
  async exportSession(pkg: ExamPackage, session: string): Promise<string> {
    const skd = demoSkdResults(pkg.roster);
    const rows = pkg.sessions.find((s) => s.code === session)!.candidates.map((n) => {
      const v = skd.get(n)!;
      const s = v === 'absent' ? { twk: 15, tiu: 20, tkp: 170 } : v;
      return `${n};${s.twk * 5};${s.tiu * 5};${s.tkp}`;
    });
    const file = join(this.dir, `${pkg.exam.code.replace(/[^A-Za-z0-9-]/g, '_')}-${session}.csv`);
    writeFileSync(file, `nomor_peserta;twk;tiu;tkp\n${rows.join('\n')}\n`);
    await this.ok('scores.import', { exam: pkg.exam.code, stage: 'SKD', file: { path: file } });
    const b = await this.ok<{ file: string }>('bundle.export', { exam: pkg.exam.code, passphrase: VENUE_PASS, account: 'koordinator' });
    return b.file;
  }

  /** The coordinator's certificate, for another hub to register. */
  async certificate(): Promise<Buffer> {
    return Buffer.from((await this.ok<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem);
  }

  close(): void {
    this.hub.close();
    this.app.close();
  }
}

/** Every file under `root`, by relative path, with its sha256. */
export function treeHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}
