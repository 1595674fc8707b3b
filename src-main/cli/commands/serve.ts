import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../io';
import { dataOption } from '../options';
import { CliExit, openOwnerApp } from '../workstation';
import { EXIT } from '../io';

export const DEFAULT_PORT = 5170;

/**
 * The built renderer, out/renderer of the checkout: found by walking up to package.json, since this code runs
 * from src-main/cli/commands/ (tests) and from a chunk of out/main/ (the built CLI) alike.
 */
export function defaultRendererDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'out', 'renderer');
}

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('serve the workstation UI and API over HTTP (127.0.0.1 unless --host says otherwise)')
    .addOption(dataOption())
    .option('--host <host>', 'address to bind; 0.0.0.0 opens it to the venue LAN', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', String(DEFAULT_PORT))
    .option('--allow-init', 'let the first-run screen create the workstation when --data is empty')
    .action(async (o: { data: string; host: string; port: string; allowInit?: boolean }) => {
      // `serve` owns the workstation while it runs: a second serve or desktop on the same folder is refused.
      const [{ BUSY_TIMEOUT_MS }, { BUSY_ATTEMPTS }, { createHttpServer, listen }, { keepServing }, { isLoopback }] = await Promise.all([
        import('../../core/db/open'),
        import('../../core/db/transaction'),
        import('../../server/http'),
        import('../../server/last-resort'),
        import('../../server/hosts'),
      ]);
      const app = await openOwnerApp(io, o.data, Boolean(o.allowInit), { door: 'serve' });
      // Locked, it waits for a browser on this machine (the HTTP door lets only loopback clients unlock): a server
      // bound to a LAN address alone could never be unlocked.
      const wildcard = o.host === '0.0.0.0' || o.host === '::';
      if (app.locked && !wildcard && !isLoopback(o.host)) {
        app.close();
        io.err(`lentera: the workstation in ${o.data} is encrypted: give its passphrase with --passphrase-file FILE. Bound to ${o.host} alone, it could not be unlocked from a browser, which must be on this machine (127.0.0.1).`);
        throw new CliExit(EXIT.FAILED);
      }
      const server = createHttpServer({ app, host: o.host, port: Number(o.port), rendererDir: defaultRendererDir() });
      // A write that waits for another process (a CLI import) holds this thread for as long as it waits. Node's
      // 5 s keep-alive timer would then close, on waking, connections whose next request already arrived: the
      // client sees a reset and the command is lost. Kept-alive connections outlast the longest such wait.
      server.keepAliveTimeout = BUSY_TIMEOUT_MS * BUSY_ATTEMPTS + 10_000;
      const addr = await listen(server, o.host, Number(o.port)).catch((e: NodeJS.ErrnoException) => {
        app.close();
        if (e.code === 'EADDRINUSE') io.err(`lentera: port ${o.port} is already in use on ${o.host} (another Lentera or program?). Choose another with --port, or stop the other one.`);
        else if (e.code === 'EACCES') io.err(`lentera: this user may not open port ${o.port}; choose one above 1024 with --port.`);
        else if (e.code === 'EADDRNOTAVAIL') io.err(`lentera: ${o.host} is not an address of this machine; check --host.`);
        else throw e;
        throw new CliExit(EXIT.FAILED);
      });
      keepServing();
      // Exported bundles go to the hub on their own while the workstation runs (LENTERA_OUTBOX_MS for tests).
      app.outbox.start(Number(process.env.LENTERA_OUTBOX_MS) || 5000);
      // Backups into the chosen folder every few minutes and after every finalization (api/backups.ts).
      app.backups.start(Number(process.env.LENTERA_BACKUP_TICK_MS) || 30_000);
      // The results ranked ahead on their own thread, now and after each burst of changes (api/ranker.ts).
      app.ranker?.start();
      const shown = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
      app.ownerLock?.announce({ url: `http://${shown}:${addr.port}` });
      io.out(`Lentera is serving http://${shown}:${addr.port}`);
      // Started without its passphrase (no --passphrase-file, no terminal): it waits for the coordinator's browser.
      if (app.locked) {
        const local = shown.includes(':') ? `[${shown}]` : shown;
        io.out(`The workstation is encrypted and locked: unlock it in the browser on this machine, http://${local}:${addr.port} (or start serve with --passphrase-file FILE).`);
      }
      if (o.host === '0.0.0.0') {
        for (const list of Object.values(networkInterfaces())) {
          for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) io.out(`  on the venue LAN: http://${a.address}:${addr.port}`);
        }
      }
      const stop = () => {
        server.close();
        server.closeAllConnections();
        app.close();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
