import { useEffect, useMemo, useRef } from 'react';
import { api } from '../api';
import { Pacer } from './pacer';

/**
 * `useLiveEvent` for a page that reloads its data on an event: the reloads paced by their cost (`Pacer`). `accept`
 * says whether an event concerns the page (its exam, its session). The latest `load` and `accept` are used.
 */
export function useLiveReload(events: readonly string[], accept: (data: unknown) => boolean, load: () => Promise<unknown>): void {
  const ref = useRef({ load, accept });
  useEffect(() => {
    ref.current = { load, accept };
  });
  const pacer = useMemo(() => new Pacer(() => ref.current.load()), []);
  const key = events.join(' ');
  useEffect(() => {
    pacer.start();
    // After the event stream reconnects, events may have been missed: reload as on an event.
    const offs = [...key.split(' '), 'transport.open'].map((e) => api.subscribe(e, (data) => (e === 'transport.open' || ref.current.accept(data) ? pacer.ask() : undefined)));
    return () => {
      for (const off of offs) off();
      pacer.stop();
    };
  }, [key, pacer]);
}
