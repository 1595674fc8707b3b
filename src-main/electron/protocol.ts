import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../api/csp';

/** The renderer is served from app://lentera/ instead of file://, so it has a real origin that CSP and IPC can check. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lentera';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Registered before `ready`: standard (relative URLs, a real origin) and secure (like https). */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** True for a URL on our own origin, exactly app://lentera (no other host, port or user info). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string') return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every app:// response, whatever it is. */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function decodedSegments(pathname: string): string[] | null {
  const out: string[] = [];
  for (const raw of pathname.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null; // malformed escape
    }
    // After decoding, a segment must be a plain file name: no separators, no dot segments, no NUL.
    if (seg.includes('/') || seg.includes('\\') || seg.includes('\0') || seg === '..' || seg === '.') return null;
    if (seg !== '') out.push(seg);
  }
  return out;
}

/**
 * The file under `rendererDir` that an app:// URL names. Anything else — another host, a path that tries to leave
 * the folder (`..`, `%2e%2e`, an encoded slash or backslash), a directory, a file that does not exist — gets
 * index.html, so the UI's own routes survive a reload and nothing outside the folder is ever named.
 */
export function resolveAppUrl(rendererDir: string, url: string): string {
  const root = resolve(rendererDir);
  const index = join(root, 'index.html');
  if (!isAppUrl(url)) return index;
  const segments = decodedSegments(new URL(url).pathname);
  if (!segments || segments.length === 0) return index;
  const file = resolve(root, ...segments);
  if (!file.startsWith(root + sep)) return index;
  try {
    if (!existsSync(file) || !statSync(file).isFile()) return index;
  } catch {
    return index;
  }
  return file;
}

function textResponse(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra },
  });
}

/** The protocol handler itself, kept apart from Electron so it can be called with a plain Request in tests. */
export function appRequestHandler(rendererDir: string): (request: { url: string; method: string }) => Promise<Response> {
  const root = resolve(rendererDir);
  return async (request) => {
    if (!isAppUrl(request.url)) return textResponse(404, 'Not found.\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return textResponse(405, 'Only GET is served here.\n', { Allow: 'GET, HEAD' });
    }
    const file = resolveAppUrl(root, request.url);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return textResponse(503, 'The user interface has not been built. Run "npm run build".\n');
    }
    const immutable = file.startsWith(join(root, 'assets') + sep);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        ...APP_RESPONSE_HEADERS,
        'Content-Type': contentTypeOf(file),
        'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
    });
  };
}

/** Serves `rendererDir` at app://lentera/. Call after `ready`, with the scheme registered as privileged before it. */
export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, appRequestHandler(rendererDir));
}
