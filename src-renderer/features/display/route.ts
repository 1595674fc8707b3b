import { useSyncExternalStore } from 'react';

/** The venue display lives at #/layar?exam=…&session=…: public, outside the logged-in routes. */
const PATH = 'layar';

export interface DisplayTarget {
  exam: string;
  session: string;
}

export function displayHref(exam: string, session: string): string {
  return `#/${PATH}?${new URLSearchParams({ exam, session }).toString()}`;
}

/** The exam and session the hash names, or null when the hash is not the display route. */
export function parseDisplayHash(hash: string): DisplayTarget | null {
  const m = /^#\/?([^?]*)(?:\?(.*))?$/.exec(hash);
  if (!m || m[1] !== PATH) return null;
  const q = new URLSearchParams(m[2] ?? '');
  return { exam: q.get('exam')?.trim() ?? '', session: q.get('session')?.trim() ?? '' };
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

function snapshot(): string {
  return window.location.hash;
}

/** The display target while the hash is the display route; null otherwise. */
export function useDisplayRoute(): DisplayTarget | null {
  const hash = useSyncExternalStore(subscribe, snapshot);
  return parseDisplayHash(hash);
}
