import type { TileFetch } from '../core/ledger/tiles';

/** A checkpoint note is a few lines; a hash tile is 8 KiB; an entry bundle 256 leaves of at most 64 KiB. */
const MAX_BYTES = { checkpoint: 64 * 1024, tile: 8192, entries: 256 * (2 + 65_535) };

/**
 * A log's resources under `base` (a C2SP tlog-tiles prefix) for the CLI: 404 is "not there" (null), any other
 * failure throws; no redirect is followed and no answer is read past what such a resource can be, so a hostile
 * server can neither send the reader elsewhere nor fill its memory.
 */
export function httpTileFetch(base: string, timeoutMs = 30_000): TileFetch {
  const prefix = base.replace(/\/+$/, '');
  return async (path) => {
    const url = `${prefix}/${path}`;
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const max = path === 'checkpoint' ? MAX_BYTES.checkpoint : path.startsWith('tile/entries/') ? MAX_BYTES.entries : MAX_BYTES.tile;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += c.length;
      if (size > max) throw new Error(`${url}: more than the ${max} bytes such a resource has`);
      chunks.push(c);
    }
    return new Uint8Array(Buffer.concat(chunks));
  };
}
