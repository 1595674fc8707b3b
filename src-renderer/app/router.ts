import { useSyncExternalStore } from 'react';

export const ROUTES = [
  'home',
  'exams',
  'attendance',
  'scoring',
  'results',
  'documents',
  'bundles',
  'sanggah',
  'audit',
  'users',
  'pin',
] as const;
export type RouteId = (typeof ROUTES)[number];

function current(): RouteId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(id) ? (id as RouteId) : 'home';
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

/** Hash routes (#/users): they survive a reload over HTTP and work the same in the desktop window. */
export function useRoute(): RouteId {
  return useSyncExternalStore(subscribe, current);
}

export function hrefOf(id: RouteId): string {
  return `#/${id}`;
}

export function navigate(id: RouteId): void {
  window.location.hash = hrefOf(id);
}
