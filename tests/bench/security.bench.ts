import { scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { createHttpServer, listen } from '../../src-main/server/http';
import { printFigures } from './report';

/** One keep-alive client sending `n` JSON POSTs one after another; requests per second. */
async function postRate(port: number, path: string, n: number): Promise<number> {
  const body = '{}';
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await new Promise<void>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': body.length, origin: `http://127.0.0.1:${port}` } }, (res) => {
        res.resume();
        res.on('end', done);
      });
      req.on('error', fail);
      req.end(body);
    });
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/**
 * What the defences of issue 11 cost: a read through the hardened HTTP door (Host, Origin, media type, the
 * registry and its role check) against a bare Node server answering the same JSON; a login (PIN guard, dummy
 * check for unknown names) against the scrypt it must do anyway.
 */
export async function benchSecurity(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-'));
  const servers: Server[] = [];
  try {
    const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
    app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });
    const door = createHttpServer({ app, host: '127.0.0.1', port: 0, rendererDir: dir, log: () => undefined });
    servers.push(door);
    const doorPort = (await listen(door, '127.0.0.1', 0)).port;
    const answer = JSON.stringify(app.invoke('system.status', {}, {}));
    const bare = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
        res.end(answer);
      });
    });
    servers.push(bare);
    const barePort = (await listen(bare, '127.0.0.1', 0)).port;
    const N = 3_000;
    let doorRate = 0;
    let bareRate = 0;
    for (let r = 0; r < 3; r++) {
      bareRate += await postRate(barePort, '/api/system.status', N / 3);
      doorRate += await postRate(doorPort, '/api/system.status', N / 3);
    }

    // Logins: right PIN, wrong PIN, unknown name, each against a bare scrypt of the same parameters.
    const salt = Buffer.alloc(16, 7);
    const scrypt = () => scryptSync('482913', salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const per = (fn: () => void, n: number) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      return n / (Number(process.hrtime.bigint() - t0) / 1e9);
    };
    let k = 0;
    // A fresh client each time: the per-client limit (20 a minute) would otherwise answer most of them unchecked.
    const login = () => app.invoke('accounts.login', { name: 'koordinator', pin: '482913' }, { client: `bench-r${k++}` });
    const stranger = () => app.invoke('accounts.login', { name: `tamu${k++}`, pin: '902184' }, { client: `bench-${k}` });
    for (const warm of [scrypt, login, stranger]) warm();
    // Interleaved rounds: a busy neighbour slows all three alike.
    const rates = { bare: 0, right: 0, unknown: 0 };
    const R = 4;
    for (let r = 0; r < R; r++) {
      rates.bare += per(scrypt, 8) / R;
      rates.right += per(login, 8) / R;
      rates.unknown += per(stranger, 8) / R;
    }
    const { bare: bareScrypt, right, unknown } = rates;
    app.close();
    printFigures('Security (issue 11): the hardened door and the PIN guard', [
      { name: 'HTTP read through the door (system.status)', value: doorRate / 3, unit: 'req/s', baselineName: 'bare node:http, same JSON', baseline: bareRate / 3, better: 'higher' },
      { name: 'login, right PIN (guard, session, device)', value: right, unit: '/s', baselineName: 'scryptSync, same parameters', baseline: bareScrypt, better: 'higher' },
      { name: 'login, unknown name (dummy check, counted)', value: unknown, unit: '/s', baselineName: 'scryptSync, same parameters', baseline: bareScrypt, better: 'higher' },
    ]);
  } finally {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
