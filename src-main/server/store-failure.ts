import { isPgStoreFailure } from '../core/db/pg/sync-connection';

/**
 * The store's answers when it cannot take a write at all: read-only, full, gone or failing underneath. Every door
 * that reads or writes the hub's store answers these with 503 and a Retry-After (the sender tries again later),
 * never with a 500 or a connection dropped without an answer.
 */
export function isStoreFailure(e: unknown): boolean {
  if (isPgStoreFailure(e)) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|CORRUPT|NOTADB|BUSY)/.test(code);
}

/** The store failure's code, for the answer: what the operator looks up. */
export const storeFailureCode = (e: unknown): string => String((e as { code?: unknown } | null)?.code ?? 'unknown');
