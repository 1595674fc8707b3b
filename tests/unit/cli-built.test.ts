import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers';
import { demoWorkstationPassphrase, readDemoOutput } from './demo-output';

// The built command line as a user runs it: `node bin/lentera.mjs …` loading out/main/cli.js (npm run build).
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'lentera.mjs');
const BUILT = join(ROOT, 'out', 'main', 'cli.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function lentera(args: string[], opts: { bin?: string; nodeArgs?: string[] } = {}) {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), opts.bin ?? BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Packages whose load would show the lazy loading broke: each takes about as long as Node's own start or more. */
const HEAVY = ['exceljs', 'pdfkit', 'fontkit', 'pkijs', 'node-forge', 'better-sqlite3', 'zod'];

/**
 * A module hook that names every package the process resolves, ESM (import) and CommonJS (require) alike, on
 * stderr: what `--help` loads is then a fact of the run, not of reading the code. zod is bundled into a chunk of its
 * own (out/main/zod-*.js, see electron.vite.config.ts), which counts as loading zod.
 */
function packageTracer(dir: string): string {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `export async function resolve(s, c, next) { const r = await next(s, c); const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(r.url) ?? /\\/out\\/main\\/(zod)-[^/]+\\.js$/.exec(r.url); if (m) process.stderr.write('LOADED ' + m[1] + '\\n'); return r; }\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    [
      "import { register, createRequire } from 'node:module';",
      `register(${JSON.stringify(new URL(`file://${hooks}`).href)});`,
      "const Module = createRequire(import.meta.url)('node:module');",
      'const load = Module._load;',
      "Module._load = function (request, ...rest) { const m = /^((?:@[^/]+\\/)?[^/.][^/]*)/.exec(request); if (m && !request.startsWith('node:')) process.stderr.write('LOADED ' + m[1] + '\\n'); return load.call(this, request, ...rest); };",
    ].join('\n'),
  );
  return register;
}

const loaded = (stderr: string) => new Set([...stderr.matchAll(/^LOADED (.+)$/gm)].map((m) => m[1]!));

/**
 * What `status` must not load: it runs one command of the system module, so the other modules' libraries (PDF,
 * spreadsheet, certificates and signatures, QR codes, zip, CSV) stay unloaded. Each costs a share of the ≤ 3× start.
 */
const NOT_FOR_STATUS = ['exceljs', 'pdfkit', 'fontkit', 'pkijs', 'asn1js', 'node-forge', '@noble/curves', '@noble/hashes', 'qrcode', 'pngjs', 'yazl', 'yauzl', 'uuid', 'papaparse'];

describe('the built lentera command', () => {
  it('is built: bin/lentera.mjs runs out/main/cli.js, with no TypeScript loader', () => {
    expect(existsSync(BUILT)).toBe(true);
    const bin = readFileSync(BIN, 'utf8');
    expect(bin).not.toMatch(/tsx|\.ts['"]/);
  });

  it('--help lists every command and exits 0; --version prints the package version', () => {
    const help = lentera(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['init', 'serve', 'status', 'audit', 'accounts', 'exam', 'roster', 'demo', 'scores', 'rank', 'keys', 'sheets', 'minutes', 'verify', 'bundle', 'hub', 'publish', 'receipt', 'recompute']) {
      expect(help.out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    const version = lentera(['--version']);
    expect(version.code).toBe(0);
    expect(version.out.trim()).toBe(VERSION);
  });

  it('--help loads none of the heavy libraries (the app, SQLite, zod, PDF, spreadsheet and certificate libraries)', () => {
    const dir = tempDir();
    const tracer = packageTracer(dir);
    const help = lentera(['--help'], { nodeArgs: ['--import', tracer] });
    expect(help.code).toBe(0);
    const packages = loaded(help.err);
    // The tracer itself must work, or an empty list would prove nothing: commander is always loaded.
    expect(packages.has('commander')).toBe(true);
    expect(HEAVY.filter((p) => packages.has(p))).toEqual([]);
    // `hub --help` names the hub's upload limits without loading the hub.
    const hub = lentera(['hub', '--help'], { nodeArgs: ['--import', tracer] });
    expect(hub.out).toMatch(/at most\s+4096\)/);
    expect(HEAVY.filter((p) => loaded(hub.err).has(p))).toEqual([]);
  });

  it('a demo said --plain is not encrypted, says so, and opens without a passphrase (benches and training only)', () => {
    const data = join(tempDir(), 'ws');
    const demo = lentera(['demo', '--data', data, '--candidates', '10', '--plain']);
    expect(demo.code).toBe(0);
    expect(demo.out).toContain('Its data is NOT encrypted at rest (--plain): for benches and training only.');
    expect(demo.out).not.toMatch(/Workstation passphrase|RECOVERY KEY/);
    expect(readFileSync(join(data, 'lentera.db')).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    expect(lentera(['status', '--data', data]).code).toBe(0);
  });

  it('status on a fresh demo workstation prints its id, version and chain head; it loads only what its command needs', () => {
    const dir = tempDir();
    const data = join(dir, 'ws');
    const demo = lentera(['demo', '--data', data, '--candidates', '10']);
    expect(demo.code).toBe(0);
    const id = readDemoOutput(demo.out).workstationId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // Its data is encrypted: every later command is given the workstation passphrase the demo printed.
    const pass = join(dir, 'pass');
    writeFileSync(pass, demoWorkstationPassphrase(demo.out));
    const status = lentera(['status', '--data', data, '--json', '--passphrase-file', pass], { nodeArgs: ['--import', packageTracer(dir)] });
    expect(status.code).toBe(0);
    const s = JSON.parse(status.out) as { workstationId: string; version: string; chainHead: { seq: number; hash: string } };
    expect(s.workstationId).toBe(id);
    expect(s.version).toBe(VERSION);
    expect(s.chainHead.seq).toBeGreaterThan(1);
    expect(s.chainHead.hash).toMatch(/^[0-9a-f]{64}$/);
    const packages = loaded(status.err);
    expect(packages.has('better-sqlite3')).toBe(true);
    expect(NOT_FOR_STATUS.filter((p) => packages.has(p))).toEqual([]);
    // Commands of other modules load theirs when they run, from the built chunks: the accounts and the keys.
    const accounts = lentera(['accounts', 'list', '--data', data, '--json', '--passphrase-file', pass]);
    expect(accounts.code).toBe(0);
    expect((JSON.parse(accounts.out) as { name: string }[]).map((a) => a.name)).toContain('koordinator');
    const keys = lentera(['keys', 'list', '--data', data, '--workstation-passphrase-file', pass], { nodeArgs: ['--import', packageTracer(dir)] });
    expect(keys.code).toBe(0);
    expect(keys.out).toMatch(/koordinator/);
    expect(loaded(keys.err).has('pkijs')).toBe(true);
  });

  it('an unknown command exits 2 naming it; a directory that is no workstation exits 1 with a sentence', () => {
    const unknown = lentera(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command 'frobnicate'/);
    const nowhere = lentera(['status', '--data', join(tempDir(), 'nowhere')]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toMatch(/is not a Lentera workstation/);
  });

  it('without a build it says in one sentence to run npm run build, and exits 1', () => {
    // The same launcher in a folder with no out/ beside it: what a checkout looks like before `npm run build`.
    const dir = tempDir();
    mkdirSync(join(dir, 'bin'));
    copyFileSync(BIN, join(dir, 'bin', 'lentera.mjs'));
    const r = lentera(['--help'], { bin: join(dir, 'bin', 'lentera.mjs') });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^lentera: the command line is not built \(.*out\/main\/cli\.js is missing\): run "npm run build"/);
  });
});
