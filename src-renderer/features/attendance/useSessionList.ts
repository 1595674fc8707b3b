import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type AttendanceLine, type AttendanceList, type ErrorBody, type Result } from '../../api';
import { useLiveEvent } from '../../app/live';

/** What a line is now, as an answer or a one-line read says it: its number, state, when and by whom (the rest kept). */
export type LineChange = Pick<AttendanceLine, 'nomorPeserta' | 'state' | 'at' | 'by'> & Partial<AttendanceLine>;

/** One session's list as read, and where each number's line is in it (a session's order never changes). */
interface Loaded {
  key: string;
  list: AttendanceList;
  index: Map<string, number>;
}

/** A change this screen sent (a check-in, an undo, closing the session) whose live event is its echo, not news. */
interface Own {
  key: string;
  /** the number of the line it changes; null for the whole session */
  nomor: string | null;
  /** its live event came before its answer */
  heard: boolean;
  /** when its (ok) answer came; an echo still unheard ECHO_WAIT_MS later is not waited for any longer */
  answeredAt: number | null;
}

/** Past this, an echo that never came (a dropped event stream) no longer hides another client's change of the line. */
const ECHO_WAIT_MS = 10_000;

function keyOf(exam: string, session: string): string {
  return exam && session ? `${exam}\u0000${session}` : '';
}

/** `loaded` with one line as it is now, and the counts moved with it; the very same object if nothing changed. */
function withChange(loaded: Loaded, change: LineChange): Loaded {
  const i = loaded.index.get(change.nomorPeserta);
  if (i === undefined) return loaded;
  const old = loaded.list.lines[i]!;
  const line = { ...old, ...change };
  if ((Object.keys(line) as (keyof AttendanceLine)[]).every((k) => line[k] === old[k])) return loaded;
  const lines = loaded.list.lines.slice();
  lines[i] = line;
  const counts = { ...loaded.list.counts };
  if (old.state !== line.state) {
    counts[old.state]--;
    counts[line.state]++;
  }
  return { ...loaded, list: { ...loaded.list, lines, counts } };
}

export interface SessionList {
  /** The chosen session's list; null while it is read (never another session's list). */
  list: AttendanceList | null;
  error: ErrorBody | null;
  /** Reads the whole list again (the session was closed, or the exam changed). */
  reload: () => void;
  /**
   * Sends a change of this screen's own: `nomor`'s line (or, with null, the whole session). Its live event is then
   * known for the echo it is and read nothing again; on an ok answer, `lineOf` says what the line is now, and that
   * one line is changed in place.
   */
  send: <T>(nomor: string | null, command: () => Promise<Result<T>>, lineOf?: (value: T) => LineChange) => Promise<Result<T>>;
}

/**
 * The attendance list of one session, kept up to date one line at a time: a check-in or an undo, this screen's or
 * another client's, changes its line and the counts, never the whole list (10,000 lines and more). The whole list is
 * read when the session is chosen, when it is closed, when the exam changes, and after the live events reconnect.
 * `onSessionsChanged` runs when a change of the exam's sessions themselves is heard (one was closed elsewhere).
 */
export function useSessionList(exam: string, session: string, onSessionsChanged: () => void): SessionList {
  const key = keyOf(exam, session);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const generation = useRef(0);
  // The one-line changes made since the latest whole read was sent: its answer may predate them, so they are made
  // again on it (each is idempotent, and they are made in the order they came).
  const since = useRef<{ key: string; changes: LineChange[] } | null>(null);
  const owns = useRef<Own[]>([]);
  // Lines changed elsewhere, still to read (one at a time, in the order heard), by session key and number.
  const toRead = useRef(new Map<string, { exam: string; session: string; nomor: string }>());
  const reading = useRef(false);
  const sessionsChanged = useRef(onSessionsChanged);
  useEffect(() => {
    sessionsChanged.current = onSessionsChanged;
  });

  const change = useCallback((forKey: string, c: LineChange) => {
    if (since.current?.key === forKey) since.current.changes.push(c);
    setLoaded((prev) => (prev && prev.key === forKey ? withChange(prev, c) : prev));
  }, []);

  const load = useCallback(async () => {
    const gen = ++generation.current;
    if (!key) {
      since.current = null;
      setLoaded(null);
      return;
    }
    since.current = { key, changes: [] };
    const result = await api.invoke('attendance.list', { exam, session });
    if (gen !== generation.current) return; // another read was sent since: its answer counts
    const changes = since.current?.key === key ? since.current.changes : [];
    since.current = null;
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    const list = result.value;
    let next: Loaded = { key, list, index: new Map(list.lines.map((l, i) => [l.nomorPeserta, i])) };
    for (const c of changes) next = withChange(next, c);
    setLoaded(next);
  }, [exam, session, key]);

  useEffect(() => {
    void load();
  }, [load]);

  const readChanged = useCallback(async () => {
    if (reading.current) return;
    reading.current = true;
    try {
      for (let next = toRead.current.entries().next(); !next.done; next = toRead.current.entries().next()) {
        const [id, { exam: e, session: s, nomor }] = next.value;
        toRead.current.delete(id);
        const result = await api.invoke('attendance.list', { exam: e, session: s, nomorPeserta: nomor });
        if (!result.ok) {
          setError(result.error);
          continue;
        }
        const line = result.value.lines[0];
        if (line) change(keyOf(e, s), line);
      }
    } finally {
      reading.current = false;
    }
  }, [change]);

  /** Another client changed this line (or, with null, the whole session): read it again. */
  const changedElsewhere = useCallback(
    (forKey: string, nomor: string | null) => {
      if (forKey !== key) return;
      if (nomor === null) {
        void load();
        return;
      }
      toRead.current.set(`${forKey}\u0000${nomor}`, { exam, session, nomor });
      void readChanged();
    },
    [key, exam, session, load, readChanged],
  );

  const send = useCallback(
    async <T>(nomor: string | null, command: () => Promise<Result<T>>, lineOf?: (value: T) => LineChange): Promise<Result<T>> => {
      const mine: Own = { key, nomor, heard: false, answeredAt: null };
      owns.current.push(mine);
      const result = await command();
      if (result.ok && !mine.heard) mine.answeredAt = Date.now();
      else owns.current = owns.current.filter((o) => o !== mine);
      // Refused, so it has no echo: the event taken for one was another client's change of the same line.
      if (!result.ok && mine.heard) changedElsewhere(mine.key, nomor);
      if (result.ok && lineOf) change(mine.key, lineOf(result.value));
      return result;
    },
    [key, change, changedElsewhere],
  );

  useLiveEvent(['attendance.changed'], (data) => {
    const d = data as { exam?: string; session?: string; nomorPeserta?: string } | null;
    if (!d) {
      // The event stream reconnected: whatever was missed meanwhile is read whole.
      owns.current = [];
      sessionsChanged.current();
      void load();
      return;
    }
    if (d.exam !== exam) return;
    const nomor = d.nomorPeserta ?? null;
    const forKey = d.session ? keyOf(exam, d.session) : key;
    const now = Date.now();
    owns.current = owns.current.filter((o) => o.answeredAt === null || now - o.answeredAt < ECHO_WAIT_MS);
    const mine = owns.current.find((o) => o.key === forKey && o.nomor === nomor && !o.heard);
    if (mine) {
      if (mine.answeredAt === null) mine.heard = true;
      else owns.current = owns.current.filter((o) => o !== mine);
      return;
    }
    // A check-in or an undo changes one line; anything else (a session closed) may change the sessions too.
    if (nomor === null) sessionsChanged.current();
    if (!d.session || d.session === session) changedElsewhere(key, nomor);
  });

  useLiveEvent(['exams.changed'], (data) => {
    const d = data as { exam?: string } | null;
    // Null is the event stream reconnecting, read whole above already.
    if (d && d.exam === exam) void load();
  });

  return { list: loaded && loaded.key === key ? loaded.list : null, error, reload: () => void load(), send };
}
