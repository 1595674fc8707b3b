import { useEffect, useRef } from 'react';
import { api } from '../api';

/**
 * Runs `cb` on a live event (and after the event stream reconnects, when events may have been missed).
 * The latest `cb` is used without subscribing again.
 */
export function useLiveEvent(events: readonly string[], cb: (data: unknown) => void): void {
  const ref = useRef(cb);
  useEffect(() => {
    ref.current = cb;
  });
  const key = events.join(' ');
  useEffect(() => {
    const offs = [...key.split(' '), 'transport.open'].map((e) => api.subscribe(e, (data) => ref.current(data)));
    return () => {
      for (const off of offs) off();
    };
  }, [key]);
}
