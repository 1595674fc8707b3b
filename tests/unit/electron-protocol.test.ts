import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src-main/api/csp';
import {
  APP_SCHEME_PRIVILEGES,
  appRequestHandler,
  isAppUrl,
  registerAppProtocol,
  resolveAppUrl,
} from '../../src-main/electron/protocol';

let base: string;
let renderer: string;
let index: string;
let asset: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'lentera-protocol-'));
  renderer = join(base, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  index = join(renderer, 'index.html');
  asset = join(renderer, 'assets', 'index-abc123.js');
  writeFileSync(index, '<!doctype html><title>Lentera</title>');
  writeFileSync(asset, 'console.log("hi")');
  writeFileSync(join(renderer, 'assets', 'logo.svg'), '<svg/>');
  // Beside the renderer folder, where a traversal would land.
  writeFileSync(join(base, 'secret.txt'), 'secret');
  writeFileSync(join(base, 'renderer-evil.txt'), 'secret');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveAppUrl', () => {
  it('serves files inside the renderer folder', () => {
    expect(resolveAppUrl(renderer, 'app://lentera/assets/index-abc123.js')).toBe(asset);
    expect(resolveAppUrl(renderer, 'app://lentera/index.html')).toBe(index);
    expect(resolveAppUrl(renderer, 'app://lentera/')).toBe(index);
    expect(resolveAppUrl(renderer, 'app://lentera')).toBe(index);
    expect(resolveAppUrl(renderer, 'app://lentera/assets/index-abc123.js?v=1#x')).toBe(asset);
  });

  it('falls back to index.html for unknown paths and folders (the UI routes)', () => {
    expect(resolveAppUrl(renderer, 'app://lentera/audit')).toBe(index);
    expect(resolveAppUrl(renderer, 'app://lentera/users/42/edit')).toBe(index);
    expect(resolveAppUrl(renderer, 'app://lentera/assets')).toBe(index);
    expect(resolveAppUrl(renderer, 'app://lentera/assets/')).toBe(index);
  });

  it('never names a file outside the folder, however the traversal is spelled', () => {
    const attempts = [
      'app://lentera/../../etc/passwd',
      'app://lentera/../secret.txt',
      'app://lentera/%2e%2e/secret.txt',
      'app://lentera/%2E%2E/%2e%2e/etc/passwd',
      'app://lentera/..%2fsecret.txt',
      'app://lentera/assets/..%2F..%2Fsecret.txt',
      'app://lentera/%2e%2e%2fsecret.txt',
      'app://lentera/..%5csecret.txt',
      'app://lentera/assets%2f..%2f..%2fsecret.txt',
      'app://lentera//etc/passwd',
      'app://lentera/%2fetc%2fpasswd',
      'app://lentera/index.html%00.js',
      'app://lentera/%E0%A4%A',
      'app://lentera/../renderer-evil.txt',
      'app://lentera/..%2frenderer-evil.txt',
    ];
    for (const url of attempts) expect(resolveAppUrl(renderer, url), url).toBe(index);
  });

  it('answers only its own host and scheme', () => {
    expect(resolveAppUrl(renderer, 'app://other/assets/index-abc123.js')).toBe(index);
    expect(resolveAppUrl(renderer, 'file:///etc/passwd')).toBe(index);
    expect(resolveAppUrl(renderer, 'not a url')).toBe(index);
  });
});

describe('isAppUrl', () => {
  it('is exactly app://lentera', () => {
    expect(isAppUrl('app://lentera/index.html')).toBe(true);
    expect(isAppUrl('app://lentera')).toBe(true);
    for (const url of ['app://lentera.evil/', 'app://lentera:8080/', 'app://user@lentera/', 'app://other/', 'https://lentera/', 'file:///lentera', '', 'lentera']) {
      expect(isAppUrl(url), url).toBe(false);
    }
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl(null)).toBe(false);
  });
});

describe('the app:// handler', () => {
  it('is registered as a standard, secure scheme and handled as "app"', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true } });
    const handled: string[] = [];
    registerAppProtocol({ handle: (scheme: string) => void handled.push(scheme) }, renderer);
    expect(handled).toEqual(['app']);
  });

  it('puts the strict CSP on every response', async () => {
    const handle = appRequestHandler(renderer);
    const responses = await Promise.all([
      handle({ url: 'app://lentera/index.html', method: 'GET' }),
      handle({ url: 'app://lentera/assets/index-abc123.js', method: 'GET' }),
      handle({ url: 'app://lentera/../../etc/passwd', method: 'GET' }),
      handle({ url: 'app://other/index.html', method: 'GET' }),
      handle({ url: 'app://lentera/index.html', method: 'POST' }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 405]);
    for (const r of responses) {
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves the bytes with their type, index.html for a traversal', async () => {
    const handle = appRequestHandler(renderer);
    const js = await handle({ url: 'app://lentera/assets/index-abc123.js', method: 'GET' });
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect(await js.text()).toBe('console.log("hi")');
    const svg = await handle({ url: 'app://lentera/assets/logo.svg', method: 'GET' });
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    const trav = await handle({ url: 'app://lentera/%2e%2e/secret.txt', method: 'GET' });
    expect(trav.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await trav.text()).toContain('<title>Lentera</title>');
    const head = await handle({ url: 'app://lentera/index.html', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('says the UI is not built when index.html is missing', async () => {
    const empty = join(base, 'empty');
    mkdirSync(empty, { recursive: true });
    const r = await appRequestHandler(empty)({ url: 'app://lentera/', method: 'GET' });
    expect(r.status).toBe(503);
    expect(await r.text()).toMatch(/npm run build/);
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});
