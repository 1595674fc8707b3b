import { useEffect, useMemo, useRef } from 'react';
import { useLiveEvent } from './live';
import { Pacer } from './pacer';

/**
 * `useLiveEvent` for a page that reloads its data on an event: the reloads paced by their cost (`Pacer`). `accept`
 * says whether an event concerns the page (its exam, its session); the reconnection's event, which carries no data
 * (events may have been missed), always reloads. The latest `load` and `accept` are used.
 */
export function useLiveReload(events: readonly string[], accept: (data: unknown) => boolean, load: () => Promise<unknown>): void {
  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  });
  const pacer = useMemo(() => new Pacer(() => latestLoad.current()), []);
  useEffect(() => {
    pacer.start();
    return () => pacer.stop();
  }, [pacer]);
  useLiveEvent(events, (data) => {
    if (data === null || accept(data)) pacer.ask();
  });
}
