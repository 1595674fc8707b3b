import type { Command } from 'commander';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, type CliIo } from '../io';
import { CliExit } from '../workstation';

const KEY_FILE = 'witness-ed25519.pem';
const NAME_FILE = 'witness.json';
const STATE_FILE = 'state.json';
const LOCK_FILE = 'state.lock';

type Heads = Record<string, { origin: string; size: number; root: string }>;

/** The state written whole or not at all: a temporary file of this process, flushed, renamed, the folder flushed. */
function writeState(dir: string, state: Heads): void {
  const tmp = join(dir, `${STATE_FILE}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, STATE_FILE));
  const d = openSync(dir, 'r');
  try {
    fsyncSync(d);
  } finally {
    closeSync(d);
  }
}
const LOG_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * `lentera witness`: what an independent witness of the hub's log runs (the Ombudsman, an inspectorate), on its own
 * machine with its own key: `init` once, then `cosign` on a schedule. It keeps the last head it cosigned per log
 * and refuses a checkpoint that is smaller or does not extend it.
 */
export function registerWitnessCommands(program: Command, io: CliIo): void {
  const witness = program.command('witness').description("an independent witness of a hub's log: checks each new checkpoint extends the last one it saw, and cosigns it (c2sp.org/tlog-cosignature)");

  witness
    .command('init')
    .description("make the witness's Ed25519 key in a folder of its own, and print the verifier key to register at the hub")
    .requiredOption('--dir <dir>', "the witness's folder (its key and the heads it cosigned)")
    .requiredOption('--name <name>', 'its name in signature lines, a schema-less URL such as ombudsman.go.id/saksi-cpns')
    .action(async (o: { dir: string; name: string }) => {
      const [{ generateKeyPairSync }, { createSecretFile }, { isKeyName }, { witnessKey }] = await Promise.all([
        import('node:crypto'),
        import('../../core/util/secret-file'),
        import('../../core/ledger/signed-note'),
        import('../../core/ledger/cosignature'),
      ]);
      if (!isKeyName(o.name)) {
        io.err(`lentera witness init: --name "${o.name}" cannot name a witness: no spaces, no "+", at most 256 characters`);
        throw new CliExit(EXIT.USAGE);
      }
      const dir = resolve(o.dir);
      if (existsSync(join(dir, KEY_FILE))) {
        io.err(`lentera witness init: ${dir} already holds a witness key; it is never replaced (a new key is a new witness)`);
        throw new CliExit(EXIT.FAILED);
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      createSecretFile(join(dir, KEY_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      createSecretFile(join(dir, NAME_FILE), `${JSON.stringify({ name: o.name })}\n`);
      // No head seen yet: from now on a missing state file is a lost memory, never a fresh start.
      writeState(dir, {});
      const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
      io.out(witnessKey({ name: o.name, publicKeyRaw: new Uint8Array(raw) }));
      io.out("register it at the hub: lentera hub witness add --data HUB '<the line above>'");
    });

  witness
    .command('cosign')
    .description("read the log's latest checkpoint and tiles, check it extends the last head cosigned, cosign it and send the cosignature to the hub")
    .requiredOption('--dir <dir>', "the witness's folder")
    .requiredOption('--log-url <url>', "the hub's address (its log is read as tiles there, and the cosignature posted back)")
    .requiredOption('--log-key <key>', "the log's key as pinned (base64url, 43 characters: the site's log/kunci-log.txt)")
    .option('--first', 'this witness has never cosigned this log: take its current checkpoint as the first head (said once, on purpose)')
    .action(async (o: { dir: string; logUrl: string; logKey: string; first?: boolean }) => {
      if (!/^https?:\/\/\S+$/.test(o.logUrl) || !LOG_KEY.test(o.logKey)) {
        io.err('lentera witness cosign: --log-url must be an http(s) address and --log-key the 43-character base64url key of the log');
        throw new CliExit(EXIT.USAGE);
      }
      const [{ createPrivateKey, createPublicKey, sign }, { witnessRound }, { httpTileFetch }] = await Promise.all([import('node:crypto'), import('../../core/ledger/witness'), import('../log-fetch')]);
      const dir = resolve(o.dir);
      let name: string;
      let privateKey: ReturnType<typeof createPrivateKey>;
      try {
        name = (JSON.parse(readFileSync(join(dir, NAME_FILE), 'utf8')) as { name: string }).name;
        privateKey = createPrivateKey(readFileSync(join(dir, KEY_FILE), 'utf8'));
      } catch {
        io.err(`lentera witness cosign: ${dir} holds no witness (lentera witness init --dir ${o.dir} --name NAME)`);
        throw new CliExit(EXIT.FAILED);
      }
      const publicKeyRaw = new Uint8Array(Buffer.from(String(createPublicKey(privateKey).export({ format: 'jwk' }).x), 'base64url'));
      // One round at a time per witness: two overlapping runs would each write back what they read before the other.
      const lock = join(dir, LOCK_FILE);
      let lockFd: number;
      try {
        lockFd = openSync(lock, 'wx', 0o600);
      } catch {
        io.err(`lentera witness cosign: another round of this witness is running (${lock}); if none is, remove that file`);
        throw new CliExit(EXIT.FAILED);
      }
      const base = o.logUrl.replace(/\/+$/, '');
      let round: Awaited<ReturnType<typeof witnessRound>>;
      try {
        const stateFile = join(dir, STATE_FILE);
        if (!existsSync(stateFile)) {
          io.err(`lentera witness cosign: ${stateFile} is missing: the heads this witness cosigned are lost, so it cannot tell a fork from a fresh start. Restore it from a backup.`);
          throw new CliExit(EXIT.FAILED);
        }
        const state = JSON.parse(readFileSync(stateFile, 'utf8')) as Heads;
        const last = state[o.logKey] ?? null;
        if (!last && !o.first) {
          io.err('lentera witness cosign: this witness has never cosigned this log. Check the log key with its operator, then run once with --first to take its current checkpoint as the first head.');
          throw new CliExit(EXIT.FAILED);
        }
        round = await witnessRound({
          witness: { name, publicKeyRaw },
          sign: (m) => sign(null, m, privateKey),
          logKey: new Uint8Array(Buffer.from(o.logKey, 'base64url')),
          fetch: httpTileFetch(base),
          last,
          now: Math.floor(Date.now() / 1000),
        });
        if (!round.ok) {
          io.err(`NOT cosigned: ${round.reason}${round.code === 'FORK' || round.code === 'ROLLBACK' ? '. Keep this output: it is evidence against the log.' : ''}`);
          throw new CliExit(EXIT.FAILED);
        }
        // Kept before it is sent: the witness has seen this head whatever the hub answers.
        writeState(dir, { ...state, [o.logKey]: round.head });
      } finally {
        closeSync(lockFd);
        rmSync(lock, { force: true });
      }
      io.out(`cosigned ${round.head.origin} at size ${round.head.size}, root ${round.head.root}`);
      const body = `${round.text}\n${round.line}\n`;
      const res = await fetch(`${base}/api/log/cosignature`, { method: 'POST', redirect: 'error', headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body, signal: AbortSignal.timeout(30_000) }).catch((e: unknown) => e as Error);
      if (res instanceof Error || !res.ok) {
        const said = res instanceof Error ? res.message : `HTTP ${res.status}: ${((await res.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? ''}`;
        io.err(`the hub did not take the cosignature (${said}); this is the line to give it:\n${round.line}`);
        throw new CliExit(EXIT.FAILED);
      }
      io.out('the hub keeps it and serves it with the checkpoint');
    });
}
