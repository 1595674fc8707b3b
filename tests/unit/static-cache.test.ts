/**
 * The workstation's UI files: only the built assets (hashed names, under the root's assets/) are cached for good.
 * The test looked at the whole path, so a workstation installed under any folder named "assets" had index.html
 * cached for a year, and an upgrade went on showing the old UI. Found by review.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { serveStatic } from '../../src-main/server/static';

it.each([['an ordinary folder', 'lentera'], ['a folder named assets', join('assets', 'lentera')]])('caches the built assets for good and index.html never, installed under %s', async (_, under) => {
  const base = mkdtempSync(join(tmpdir(), 'lentera-static-'));
  const root = join(base, under, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), '');
  const server = createServer((req, res) => serveStatic(root, new URL(req.url!, 'http://x').pathname, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect((await fetch(`${url}/assets/app-1234.js`)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/ujian/CPNS/peserta']) expect((await fetch(`${url}${path}`)).headers.get('cache-control'), path).toBe('no-cache');
  } finally {
    server.close();
    rmSync(base, { recursive: true, force: true });
  }
});
