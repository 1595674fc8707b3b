import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RosterFile } from '../../core/bundles/age-order';
import type { FactsJson } from '../../core/bundles/facts';
import type { ExamPackage } from '../../core/exams/package-schema';
import type { Publisher } from '../../core/publish/publisher';
import type { FormationFacts, RankedCandidate } from '../../core/ranking/engine';
import { isLenteraError } from '../../core/util/errors';
import { EXIT, type CliIo } from '../io';
import { dataOption, HUB_UPLOAD_MIB, hubDataOption, hubDbOption, hubStore, readJsonFile } from '../options';
import { CliExit, invoke, withApp } from '../workstation';
import { printRosterProblems } from '../roster-problems';

/**
 * Roster files for `hub package --roster`, read (CSV or XLSX) and checked against the package in core
 * (`packageRosterFiles`); a bad row is answered as `lentera roster import` answers it (file, line, column, reason).
 */
async function readRosterFiles(io: CliIo, files: readonly string[], pkg: ExamPackage): Promise<RosterFile[]> {
  if (!files.length) return [];
  const [{ readTableFile }, { packageRosterFiles }] = await Promise.all([import('../../core/roster/table-file'), import('../../core/bundles/age-order')]);
  const tables = [];
  for (const file of files) tables.push(await readTableFile(resolve(file), file));
  try {
    return packageRosterFiles(pkg, tables);
  } catch (e) {
    if (isLenteraError(e) && printRosterProblems(io, String(e.details.file), e, 'nothing was registered')) throw new CliExit(EXIT.FAILED);
    throw e;
  }
}

function refuse(io: CliIo, e: unknown): never {
  if (isLenteraError(e)) {
    io.err(`lentera: ${e.message}`);
    throw new CliExit(EXIT.FAILED);
  }
  throw e;
}

const LOG_KEY = /^[A-Za-z0-9_-]{43}$/;

/** A 32-byte Ed25519 key in base64url, or null. */
async function logKeyText(text: string): Promise<string | null> {
  if (!LOG_KEY.test(text)) return null;
  const { fromB64url } = await import('../../core/ledger/merkle');
  try {
    return fromB64url(text).length === 32 ? text : null;
  } catch {
    return null;
  }
}

/**
 * The log key the verifier pinned: --log-key, or --log-key-file (the site's log/kunci-log.txt: the key on one line;
 * or a JSON object with "logKey": the site's log/log.json, the hub's GET /api/log). Null when neither is given;
 * a usage error when one is malformed or the two disagree.
 */
async function pinnedLogKey(io: CliIo, o: { logKey?: string; logKeyFile?: string }): Promise<string | null> {
  let fromFile: string | null = null;
  if (o.logKeyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(o.logKeyFile), 'utf8').replace(/^\uFEFF/, '').trim();
    } catch {
      io.err(`lentera: ${o.logKeyFile} cannot be read.`);
      throw new CliExit(EXIT.USAGE);
    }
    let candidate = text.split(/\r?\n/)[0]!.trim();
    if (text.startsWith('{')) {
      try {
        const value = JSON.parse(text) as { logKey?: unknown };
        candidate = typeof value.logKey === 'string' ? value.logKey : '';
      } catch {
        candidate = '';
      }
    }
    fromFile = await logKeyText(candidate);
    if (!fromFile) {
      io.err(`lentera: ${o.logKeyFile} holds no log key (expected the 43-character base64url key, as in the site's log/kunci-log.txt).`);
      throw new CliExit(EXIT.USAGE);
    }
  }
  if (o.logKey !== undefined && !(await logKeyText(o.logKey))) {
    io.err('lentera: --log-key must be the log\'s Ed25519 public key in base64url (43 characters), as in the site\'s log/kunci-log.txt.');
    throw new CliExit(EXIT.USAGE);
  }
  if (o.logKey !== undefined && fromFile !== null && o.logKey !== fromFile) {
    io.err(`lentera: --log-key and --log-key-file name two different keys; pin one.`);
    throw new CliExit(EXIT.USAGE);
  }
  return o.logKey ?? fromFile;
}

export function registerPublishCommands(program: Command, io: CliIo): void {
  /** `fn` on the hub's state that --data (and --db) name; a refusal printed as every command prints one; closed after. */
  const onHub = async (o: { data: string; db?: string }, fn: (p: Publisher) => unknown): Promise<void> => {
    const { Publisher } = await import('../../core/publish/publisher');
    const p = Publisher.open(resolve(o.data), hubStore(io, o));
    try {
      await fn(p);
    } catch (e) {
      refuse(io, e);
    } finally {
      p.close();
    }
  };
  /** The hub's own site, written again after a change made from the command line. */
  const rewriteSite = async (p: Publisher, o: { data: string }, at: string) => {
    const written = await p.writeSite(resolve(o.data, 'site'), at);
    io.out(`site rewritten: ${resolve(o.data, 'site')} (${written.files} files)`);
  };
  const hub = program
    .command('hub')
    .description('the publication hub: accepts bundles from registered workstations, logs and publishes them')
    // "hub trust --data …": the subcommand's own --data, not the server's.
    .enablePositionalOptions()
    // Not mandatory for commander: a mandatory option here would also be demanded of "hub trust" before its own.
    .option('--data <dir>', 'the hub data directory (log key, staged bundles, site; and its state unless --db is given)')
    .addOption(hubDbOption())
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '5180')
    .option('--max-bundle-mb <n>', `the largest bundle accepted, in MiB (at most ${HUB_UPLOAD_MIB.max})`, String(HUB_UPLOAD_MIB.default))
    .option('--origin <name>', "the log's name in its C2SP checkpoints: its public URL without the scheme (e.g. hasil.example.go.id/log); never change it once published")
    .action(async (o: { data?: string; db?: string; host: string; port: string; maxBundleMb: string; origin?: string }) => {
      if (!o.data) {
        io.err("lentera hub: required option '--data <dir>' not specified");
        throw new CliExit(EXIT.USAGE);
      }
      const maxMb = Number(o.maxBundleMb);
      if (!/^\d+$/.test(o.maxBundleMb) || maxMb < 1 || maxMb > HUB_UPLOAD_MIB.max) {
        io.err(`lentera hub: --max-bundle-mb must be a whole number of MiB from 1 to ${HUB_UPLOAD_MIB.max}`);
        throw new CliExit(EXIT.USAGE);
      }
      const [{ HUB_DEFAULTS, startHub }, { keepServing }, { keepHubHeapNearLive }] = await Promise.all([import('../../server/hub'), import('../../server/last-resort'), import('../../server/hub-heap')]);
      keepHubHeapNearLive();
      const MiB = 1024 * 1024;
      // Uploads must name their signer: the outbox of every workstation does.
      const store = hubStore(io, o);
      const running = await startHub({ dir: resolve(o.data), ...store, host: o.host, port: Number(o.port), maxBundleBytes: maxMb * MiB, requireSigner: true, log: (l) => io.out(l), ...(o.origin ? { origin: o.origin } : {}) }).catch((e: unknown) => refuse(io, e));
      keepServing((l) => io.err(`lentera hub: ${l}`));
      io.out(`Lentera hub is serving ${running.url}`);
      io.out(`uploads: at most ${maxMb} MiB, ${HUB_DEFAULTS.maxUploads} at once (${HUB_DEFAULTS.maxUploadsPerClient} per address), signer named in X-Lentera-Signer`);
      io.out(`log key ${running.publisher.log.publicKey()} (give it to the workstations to pin)`);
      io.out(`log as C2SP tiles: ${running.url}/checkpoint and ${running.url}/tile/…, verifier key ${running.publisher.log.noteKey()}`);
      const stop = () => void running.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  hub
    .command('trust <certificate>')
    .description("register a workstation's certificate (PEM or DER) at the hub: it signs for that one workstation only")
    .addOption(hubDataOption())
    .addOption(hubDbOption())
    .option('--workstation <id>', 'the workstation it signs for (`lentera status` there shows the id); else the first bundle accepted from it binds it')
    .option('--exam <code>', 'accept its bundles for this exam only')
    .option('--label <text>', 'a note (venue, room)')
    .option('--announce', "may also sign the exam's announcements (the selection committee's coordinator, not a venue)")
    .action(async (cert: string, o: { data: string; db?: string; workstation?: string; exam?: string; label?: string; announce?: boolean }) => {
      const [{ addTrustedSigner }, { readCertificate }] = await Promise.all([import('../../core/bundles/trust'), import('../../core/keys/pki')]);
      await onHub(o, (p) => {
        const t = addTrustedSigner(p.db, readCertificate(readFileSync(resolve(cert))), { exam: o.exam ?? null, workstation: o.workstation ?? null, label: o.label ?? null, announces: o.announce === true, at: new Date().toISOString(), by: `cli:${io.osUser}` });
        io.out(`registered ${t.subject}${t.exam ? ` for ${t.exam}` : ''}${t.announces ? ', may sign announcements' : ''}\n  ${t.fingerprint}`);
        io.out(t.workstation ? `  signs for workstation ${t.workstation} only` : '  not bound yet: the first bundle accepted from it binds it to its workstation (give --workstation ID to bind it now)');
      });
    });

  const witness = hub.command('witness').description("the witnesses (the Ombudsman, an inspectorate) whose cosignatures of the log's checkpoints the hub keeps and serves");
  witness
    .command('add <vkey>')
    .description('register a witness by the verifier key `lentera witness init` printed for it (name+id+key)')
    .addOption(hubDataOption())
    .addOption(hubDbOption())
    .action(async (vkey: string, o: { data: string; db?: string }) => {
      const [{ appendEvent }, { writeTransaction }] = await Promise.all([import('../../core/audit/chain'), import('../../core/db/transaction')]);
      await onHub(o, (p) => {
        const at = new Date().toISOString();
        const w = writeTransaction(p.db, () => {
          const added = p.log.addWitness(vkey.trim(), at, `cli:${io.osUser}`);
          appendEvent(p.db, { at, actor: `cli:${io.osUser}`, command: 'hub.witness.add', outcome: 'ok', payload: { name: added.name, vkey: vkey.trim() } });
          return added;
        });
        io.out(`witness ${w.name} registered: its cosignatures of this log's checkpoints are kept and served from now on`);
      });
    });
  witness
    .command('list')
    .description('the registered witnesses, and the latest checkpoint each cosigned')
    .addOption(hubDataOption())
    .addOption(hubDbOption())
    .action(async (o: { data: string; db?: string }) => {
      const { Publisher } = await import('../../core/publish/publisher');
      const p = Publisher.open(resolve(o.data), hubStore(io, o));
      try {
        const list = p.log.witnesses();
        if (list.length === 0) io.out('no witness registered (lentera hub witness add VKEY)');
        for (const w of list) io.out(`${w.vkey}\n  registered ${w.addedAt}; ${w.lastCosigned === null ? 'has cosigned nothing yet' : `latest checkpoint cosigned: size ${w.lastCosigned}`}`);
      } finally {
        p.close();
      }
    });

  hub
    .command('package <file>')
    .description(
      "give the hub an exam's package (lentera.exam/1, with its roster, and any roster file sent apart from it): the hub keeps each candidate's place in its order of birth dates, which breaks the last ties, and publishes none of it; then the site is rewritten",
    )
    .addOption(hubDataOption())
    .addOption(hubDbOption())
    .option('--roster <file>', 'a roster file (CSV or XLSX, as `lentera roster import` takes it) sent apart from the package; repeat for several, in the order the venues imported them', (f: string, all: string[]) => [...all, f], [] as string[])
    .action(async (file: string, o: { data: string; db?: string; roster: string[] }) => {
      const { readPackage } = await import('../../core/exams/exams');
      let text: string;
      try {
        text = readFileSync(resolve(file), 'utf8');
      } catch (e) {
        io.err(`lentera: ${file}: ${(e as Error).message}`);
        throw new CliExit(EXIT.FAILED);
      }
      await onHub(o, async (p) => {
        const at = new Date().toISOString();
        const pkg = readPackage(text);
        const rosters = await readRosterFiles(io, o.roster, pkg);
        const r = p.registerPackage(pkg, at, `cli:${io.osUser}`, rosters);
        if (r.unchanged) return io.out(`package of ${r.exam} (sha256 ${r.sha256}) already registered${r.rosters.length ? ' with the same roster files' : ''}: nothing changed`);
        io.out(`package of ${r.exam} registered: ${r.candidates} candidates' order of birth dates kept (not their dates), sha256 ${r.sha256}${r.replaced ? `; it replaces ${r.replaced}` : ''}`);
        for (const f of r.rosters) io.out(`  with roster file ${f.file}: ${f.candidates} candidates, sha256 ${f.sha256}`);
        io.out(`${r.leaves} result(s) changed and logged; log size ${r.size}`);
        await rewriteSite(p, o, at);
      });
    });

  hub
    .command('announce <file> [pdf]')
    .description("publish a coordinator's signed announcement (pengumuman-EXAM-N.json, and its PDF) at the hub: logged, then the site is rewritten")
    .addOption(hubDataOption())
    .addOption(hubDbOption())
    .action(async (file: string, pdf: string | undefined, o: { data: string; db?: string }) => {
      await onHub(o, async (p) => {
        const at = new Date().toISOString();
        const ack = await p.announce(readJsonFile(io, file), pdf ? readFileSync(resolve(pdf)) : null, at, `cli:${io.osUser}`);
        io.out(`announcement ${ack.seq} of ${ack.exam} (sha256 ${ack.sha256}): ${ack.unchanged ? 'already published' : 'published'}, log entry ${ack.proof.index}; log size ${ack.proof.checkpoint.size}`);
        if (!ack.unchanged) await rewriteSite(p, o, at);
      });
    });

  program
    .command('publish <bundles...>')
    .description('merge bundles into the log and write the static publication site (works from a USB stick or any web host)')
    .addOption(hubDataOption())
    .addOption(hubDbOption())
    .requiredOption('--out <dir>', 'the site folder')
    .option('--receipts <dir>', "also write every candidate's receipt (JSON) here, to hand out: <dir>/<exam>/tanda-terima-<nomor>.json")
    .action(async (bundles: string[], o: { data: string; db?: string; out: string; receipts?: string }) => {
      const [{ Publisher }, { writeReceipts }, { keepHubHeapNearLive }] = await Promise.all([import('../../core/publish/publisher'), import('../../core/publish/receipts'), import('../../server/hub-heap')]);
      keepHubHeapNearLive();
      const p = Publisher.open(resolve(o.data), hubStore(io, o));
      try {
        for (const b of bundles) {
          const ack = await p.ingest(resolve(b), new Date().toISOString(), `cli:${io.osUser}`);
          io.out(`${b}: bundle ${ack.sequence} of ${ack.exam}: ${ack.unchanged ? 'already published' : `merged, ${ack.leaves} result(s) logged`}; log size ${ack.checkpoint.size}${ack.conflicts ? `; ${ack.conflicts} conflict(s) shown, not resolved` : ''}`);
        }
        // A folder of its own, to copy to a USB stick or a web host as it is (not the hub's link to two folders).
        const written = await p.writeSite(resolve(o.out), new Date().toISOString(), { oneFolder: true });
        io.out(`site written to ${resolve(o.out)}: ${written.files} files, ${written.bytes} bytes`);
        if (o.receipts) {
          const n = writeReceipts(p, resolve(o.receipts));
          io.out(`${n} receipts written to ${resolve(o.receipts)}`);
        }
      } catch (e) {
        refuse(io, e);
      } finally {
        p.close();
      }
    });

  const receipt = program.command('receipt').description("a candidate's receipt: the leaf, salt, inclusion proof and signed checkpoint of their result");
  receipt
    .command('verify <file>')
    .description('verify a receipt (JSON) or a result sheet (PDF) offline against the pinned log key; exit 0 only when it holds')
    .option('--log-key <key>', "the publication log's key (base64url, 43 characters): the site's log/kunci-log.txt")
    .option('--log-key-file <file>', "a file holding that key: the site's log/kunci-log.txt or log/log.json")
    .option('--digest <sha256>', 'also require this result digest')
    .option('--log-url <url>', "also follow it to the log as it is now, read as C2SP tiles from this prefix (the hub's URL, or the site's …/log): the latest checkpoint must extend the receipt's and still hold its result")
    .option('--witness <vkey>', "with --log-url: also require this witness's cosignature on the latest checkpoint (its verifier key; repeatable)", (v: string, all: string[] = []) => [...all, v])
    .action(async (file: string, o: { logKey?: string; logKeyFile?: string; digest?: string; logUrl?: string; witness?: string[] }) => {
      if (o.logUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(o.logUrl)) {
        io.err(`lentera receipt verify: --log-url must be an http:// or https:// address (the hub's, or the site's …/log), not "${o.logUrl}"`);
        throw new CliExit(EXIT.USAGE);
      }
      const { parseWitnessKey } = await import('../../core/ledger/cosignature');
      const witnesses = (o.witness ?? []).map((v) => parseWitnessKey(v.trim()));
      if (witnesses.length > 0 && (!o.logUrl || witnesses.some((w) => w === null))) {
        io.err('lentera receipt verify: --witness takes a witness verifier key (name+id+base64, as `lentera witness init` prints it), and needs --log-url');
        throw new CliExit(EXIT.USAGE);
      }
      const pinned = await pinnedLogKey(io, o);
      const [{ logIdOf }, { fromB64url }, { receiptFromQr, verifyReceipt }, { embeddedPayload }] = await Promise.all([
        import('../../core/ledger/checkpoint'),
        import('../../core/ledger/merkle'),
        import('../../core/ledger/receipt'),
        import('../../core/sheets/result-sheet'),
      ]);
      if (!existsSync(resolve(file))) {
        io.err(`lentera: ${file} cannot be read.`);
        throw new CliExit(EXIT.FAILED);
      }
      const bytes = readFileSync(resolve(file));
      // A sheet an encrypted workstation keeps (DATA/sheets/) is sealed: its plaintext is the workstation's to give.
      if ((await import('../../core/custody/sealed-file')).isSealed(bytes)) {
        io.err(`lentera: ${file} is encrypted: it is a file an encrypted workstation keeps in its data folder. Download the sheet from the workstation (the Dokumen page) and verify that copy.`);
        throw new CliExit(EXIT.FAILED);
      }
      let input: unknown;
      let claims: string;
      if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
        const payload = embeddedPayload(bytes);
        if (!payload) {
          io.err('FAILED  the PDF carries no Lentera result payload');
          throw new CliExit(EXIT.FAILED);
        }
        if (!(payload as { p?: unknown }).p) {
          io.err(`FAILED  the sheet of ${payload.n} carries no inclusion proof yet (printed before the hub logged it); its result digest is ${payload.d}`);
          throw new CliExit(EXIT.FAILED);
        }
        claims = 'a result sheet names no log: its proof holds only for the key it is checked with';
        input = pinned ? receiptFromQr(payload as never, pinned) : null;
        if (pinned && !input) {
          io.err('FAILED  the inclusion proof on the sheet cannot be read');
          throw new CliExit(EXIT.FAILED);
        }
      } else {
        input = readJsonFile(io, file);
        const log = (input as { checkpoint?: { log?: unknown } } | null)?.checkpoint?.log;
        claims = typeof log === 'string' ? `this receipt says its checkpoint was signed by log ${log}` : 'this receipt names no log';
      }
      if (!pinned) {
        io.err(
          [
            'lentera: not verified: no log key is pinned. Anyone can sign a receipt with a key of their own, so a receipt is checked only',
            "against the publication log's key, never the key it carries. Pin it with --log-key KEY, or --log-key-file FILE with the file",
            "log/kunci-log.txt of the official publication site (the key is also on its checkpoint.html page, answered by the hub's",
            'GET /api/log, and printed when `lentera hub` starts).',
            `(${claims}.)`,
          ].join('\n'),
        );
        throw new CliExit(EXIT.FAILED);
      }
      const v = verifyReceipt(input, { trustedLogKey: pinned, ...(o.digest ? { expectedDigest: o.digest } : {}) });
      for (const c of v.checks) (c.ok ? io.out : io.err)(`${c.ok ? 'ok    ' : 'FAILED'}  ${c.name}: ${c.detail}`);
      const pinnedId = logIdOf(fromB64url(pinned));
      if (!v.ok) {
        const first = v.checks.find((c) => !c.ok)!.name;
        const r = input as { checkpoint?: { log?: string } };
        if (first === 'log id') io.err(`not verified: signed by another log (${r.checkpoint?.log ?? '?'}), not by the pinned log ${pinnedId}`);
        else if (first === 'checkpoint signature') io.err(`not verified: the checkpoint is not signed by the pinned log key (log ${pinnedId})`);
        else io.err(`not verified: ${first} failed`);
        throw new CliExit(EXIT.FAILED);
      }
      io.out(`receipt verified against the pinned log key ${pinned} (log ${pinnedId})`);
      if (o.logUrl) {
        const [{ followReceipt }, { httpTileFetch }] = await Promise.all([import('../../core/ledger/receipt-tiles'), import('../log-fetch')]);
        const base = o.logUrl.replace(/\/+$/, '');
        const followed = await followReceipt(input as never, pinned, httpTileFetch(base), { witnesses: witnesses as NonNullable<(typeof witnesses)[number]>[] });
        for (const c of followed.checks) (c.ok ? io.out : io.err)(`${c.ok ? 'ok    ' : 'FAILED'}  ${c.name}: ${c.detail}`);
        if (!followed.ok) {
          io.err(`not verified: the log at ${base} does not hold this receipt as it is now`);
          throw new CliExit(EXIT.FAILED);
        }
        io.out(`still in the log at ${base}: size ${followed.latest!.size}, root ${followed.latest!.root}`);
      }
    });
  receipt
    .command('export')
    .description("write a candidate's receipt, as the hub returned it, to a JSON file")
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .requiredOption('--nomor <nomor>', 'candidate number')
    .requiredOption('--out <file>', 'the JSON file')
    .action((o: { data: string; exam: string; nomor: string; out: string }) =>
      withApp(io, o.data, async (app) => {
        const r = await invoke<unknown>(io, app, 'receipt.get', { exam: o.exam, nomor: o.nomor });
        writeFileSync(resolve(o.out), `${JSON.stringify(r, null, 2)}\n`);
        io.out(`receipt written to ${resolve(o.out)}`);
      }),
    );

  program
    .command('recompute')
    .description('recompute a published ranking from its ruleset and facts, and compare it with the published results')
    .requiredOption('--ruleset <file>', 'the ruleset (aturan.json)')
    .requiredOption('--facts <file>', 'the ranking facts (facts.json)')
    .option('--results <file>', 'the published results to compare (hasil.json)')
    .option('--json', 'print the recomputed results as JSON')
    .action(async (o: { ruleset: string; facts: string; results?: string; json?: boolean }) => {
      const [{ loadRulesetFile }, { factsFromJson }, { rank }, { canonicalJson }] = await Promise.all([
        import('../../core/ranking/rulesets'),
        import('../../core/bundles/facts'),
        import('../../core/ranking/engine'),
        import('../../core/audit/chain'),
      ]);
      let loaded;
      try {
        loaded = loadRulesetFile(resolve(o.ruleset));
      } catch (e) {
        refuse(io, e);
      }
      const facts = readJsonFile(io, o.facts) as { formations?: FormationFacts[]; candidates?: FactsJson[] };
      if (!Array.isArray(facts.formations) || !Array.isArray(facts.candidates)) {
        io.err(`lentera: ${o.facts}: expected {"formations": [...], "candidates": [...]}`);
        throw new CliExit(EXIT.FAILED);
      }
      const results = rank(loaded.ruleset, facts.formations, facts.candidates.map((j) => factsFromJson(j)));
      if (o.json) io.out(JSON.stringify(results, null, 2));
      if (!o.results) return io.out(`${results.length} candidates ranked with ${loaded.ruleset.id} ${loaded.ruleset.version} (sha256 ${loaded.sha256})`);
      const raw = readJsonFile(io, o.results) as RankedCandidate[] | { results: RankedCandidate[] };
      const published = new Map((Array.isArray(raw) ? raw : raw.results).map((r) => [r.nomor_peserta, r]));
      const differ: string[] = [];
      for (const r of results) {
        const p = published.get(r.nomor_peserta);
        // A conflict note replaces the reason of a held-back candidate on the site; the decision fields must match.
        const key = (x: RankedCandidate) => canonicalJson({ ...x, reason: x.status === 'BL' ? '' : x.reason });
        if (!p || key(p) !== key(r)) differ.push(r.nomor_peserta);
      }
      for (const n of published.keys()) if (!results.some((r) => r.nomor_peserta === n)) differ.push(n);
      if (differ.length) {
        io.err(`FAILED  ${differ.length} result(s) differ from the recomputation: ${differ.slice(0, 20).join(', ')}${differ.length > 20 ? ', …' : ''}`);
        throw new CliExit(EXIT.FAILED);
      }
      io.out(`all ${results.length} published results match the recomputation (ruleset sha256 ${loaded.sha256})`);
    });
}
