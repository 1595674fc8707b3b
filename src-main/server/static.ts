import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../api/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.lentera': 'application/zip',
};

export function contentType(file: string): string {
  return TYPES[extname(file)] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `root` (a folder's index.html for a folder), or null when it is outside the
 * root or does not exist. Never follows ".." out of the root.
 */
export function staticFile(root: string, urlPath: string): string | null {
  const rootAbs = resolve(root);
  let file: string;
  try {
    file = resolve(rootAbs, '.' + normalize(decodeURIComponent(urlPath)));
  } catch {
    return null; // a malformed %-escape
  }
  if (file !== rootAbs && !(file + sep).startsWith(rootAbs + sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) ? file : null;
}

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** Serves the built renderer; unknown paths fall back to index.html so the UI's own routes reload. */
export function serveStatic(root: string, urlPath: string, res: ServerResponse): void {
  const rootAbs = resolve(root);
  const index = join(rootAbs, 'index.html');
  if (!existsSync(index)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('The user interface has not been built. Run "npm run build" (npm install does it too).\n');
    return;
  }
  const file = staticFile(rootAbs, urlPath) ?? index;
  const type = contentType(file);
  // The built assets (hashed names) under the root, not any path with an "assets" folder in it: an install under
  // …/assets/… made index.html immutable for a year, and an upgrade kept the old UI.
  const immutable = relative(rootAbs, file).startsWith(`assets${sep}`);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}
