/**
 * The attack: a client that trickles its request headers, a line at a time, to hold one of the hub's connections.
 * `headersTimeout` cuts it, but Node looks for such clients only every `connectionsCheckingInterval` (30 s by
 * default): the hub did not set it, so a trickle lasted some 30 s whatever its headersTimeout said. Found by review.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startHub } from '../../src-main/server/hub';

it('cuts a client trickling its headers soon after the headers timeout, not at Node\'s 30 s check', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-slow-headers-'));
  const hub = await startHub({ dir, port: 0, headersTimeoutMs: 1000, log: () => {} });
  try {
    const t0 = Date.now();
    const { answer, after } = await new Promise<{ answer: string; after: number }>((done) => {
      const c = connect(Number(new URL(hub.url).port), '127.0.0.1');
      let answer = '';
      c.on('error', () => undefined);
      c.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const trickle = setInterval(() => c.writable && c.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
      const giveUp = setTimeout(() => c.destroy(), 20_000);
      c.on('data', (d) => (answer += d.toString()));
      c.on('close', () => {
        clearInterval(trickle);
        clearTimeout(giveUp);
        done({ answer, after: Date.now() - t0 });
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(after).toBeLessThan(5_000);
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
