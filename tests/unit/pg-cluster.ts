import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for one test file: `initdb` in a temporary folder, `pg_ctl start` listening on a
 * Unix socket in it only (no TCP port, nothing shared with a running service), stopped and removed by `stop`.
 * Debian keeps the server's programs in /usr/lib/postgresql/<version>/bin, off the PATH.
 */
export interface PgCluster {
  /** a connection string for database `name` (made by `createDatabase`) */
  url(name?: string): string;
  createDatabase(name: string): string;
  /** the server shut down, as a maintenance restart or a crash does: connections end, new ones are refused */
  down(): void;
  /** the server started again after `down` */
  up(): void;
  stop(): void;
}

function serverBin(): string | null {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  // A link on the PATH (/usr/local/bin/initdb) leads to the folder with pg_ctl and createdb beside it.
  if (onPath) return realpathSync(onPath).slice(0, -'/initdb'.length);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

/** Whether this machine can start a cluster (`.ci/run` installs Debian's postgresql). */
export const havePostgres = serverBin() !== null;

/** `locale`: the cluster's collation (the hub's clusters are C; a test may ask for another, as an operator might). */
export function startPgCluster(locale = 'C'): PgCluster {
  const bin = serverBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql).');
  const dir = mkdtempSync(join(tmpdir(), 'lentera-pg-'));
  const data = join(dir, 'data');
  // initdb refuses to run as root; the tests may run as root in CI, so the cluster belongs to nobody's user then.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    if (!asRoot) return execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
    return execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
  };
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  // C collation: text orders by its bytes, as SQLite's does, so both stores list in the same order.
  run('initdb', ['-D', data, '-U', 'lentera', '--auth=trust', '--encoding=UTF8', `--locale=${locale}`, '--no-sync']);
  const options = `-c listen_addresses='' -c unix_socket_directories='${dir}' -c fsync=off -c full_page_writes=off -c max_connections=40`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  start();
  const url = (name = 'postgres') => `postgresql://lentera@/${name}?host=${encodeURIComponent(dir)}`;
  return {
    url,
    createDatabase(name) {
      run('createdb', ['-h', dir, '-U', 'lentera', name]);
      return url(name);
    },
    down: () => void run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    up: () => void start(),
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // already down (`down`): nothing left to stop
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
