/** What a page read answers: the rows of the page and how many rows the whole list has. */
export interface PageAnswer<Row> {
  total: number;
  rows: Row[];
}

export type PageResult<Row, E, A extends PageAnswer<Row> = PageAnswer<Row>> = { ok: true; value: A } | { ok: false; error: E };

/**
 * What an answer says of the whole list besides its rows: its total, and whatever else the list's command tells (not
 * the page's offset, which would make every page read a change of the summary).
 */
export type PageMeta<A> = Omit<A, 'rows' | 'offset'>;

export interface PagedListOptions<Q, Row, E, A extends PageAnswer<Row> = PageAnswer<Row>> {
  /** Rows a page read asks for. */
  pageSize: number;
  /** Pages kept on either side of the pages on screen; the others are forgotten, and read again when needed. */
  keep: number;
  /** Reads one page of a query. */
  load: (query: Q, page: number) => Promise<PageResult<Row, E, A>>;
}

/** What the summary line above the list shows: changes far less often than the rows do. */
export interface PagedSummary<Q, E, A = PageAnswer<unknown>> {
  /** The query whose rows are on screen (null before the first answer). */
  query: Q | null;
  total: number | null;
  /** The latest answer but its rows (null before the first, or after a refusal of a new query). */
  meta: PageMeta<A> | null;
  error: E | null;
  /** Changes when another query's rows replace the list: the view goes back to the top and measures again. */
  list: number;
}

/**
 * A long list read a page at a time, as the person scrolls, without holding all of it: only the pages near the
 * window on screen are kept (the window and `keep` pages either side), so memory stays bounded however far the person
 * scrolls; a page scrolled back to is read again.
 *
 * Answers never arrive out of turn on screen: every read carries the generation of the query it was made for, and an
 * answer for an older query (or for an older read of the same query, after a live change) is dropped. A new query
 * leaves the current rows on screen until its first page answers, then replaces them at once.
 */
export class PagedList<Q, Row, E = unknown, A extends PageAnswer<Row> = PageAnswer<Row>> {
  private readonly options: PagedListOptions<Q, Row, E, A>;
  private readonly listeners = new Set<() => void>();
  private generation = 0;
  private shownKey: string | null = null;
  private shownQuery: Q | null = null;
  private pending: { key: string; query: Q } | null = null;
  private pages = new Map<number, Row[]>();
  /** Pages of an earlier read of the same query, shown while a live change is read again. */
  private stale = new Map<number, Row[]>();
  private loading = new Set<number>();
  private window = { first: 0, last: 0 };
  private active = true;
  /** Bumped on every change of what the list shows (for useSyncExternalStore). */
  version = 0;
  summary: PagedSummary<Q, E, A> = { query: null, total: null, meta: null, error: null, list: 0 };

  constructor(options: PagedListOptions<Q, Row, E, A>) {
    this.options = options;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;
  getSummary = (): PagedSummary<Q, E, A> => this.summary;

  /** The rows of page `page`, fresh or (while they are read again) the previous read's, if kept. */
  page(page: number): Row[] | undefined {
    return this.pages.get(page) ?? this.stale.get(page);
  }

  /** Pages held now, fresh and stale: what the bound on memory is about. */
  heldPages(): number[] {
    return [...new Set([...this.pages.keys(), ...this.stale.keys()])].sort((a, b) => a - b);
  }

  /** The pages being read now (for tests). */
  loadingPages(): number[] {
    return [...this.loading].sort((a, b) => a - b);
  }

  /** Another query (a search, a filter): read its first page; the rows on screen stay until it answers. */
  setQuery(query: Q, key: string): void {
    if (key === (this.pending?.key ?? this.shownKey)) return;
    this.generation++;
    this.loading = new Set();
    if (key === this.shownKey) {
      // Back to what is on screen before the other query answered: nothing to replace, only the missing pages.
      this.pending = null;
      this.setSummary({ error: null });
      this.readWindow();
      return;
    }
    this.pending = { key, query };
    this.setSummary({ error: null });
    void this.read(0);
  }

  /**
   * The rows changed on the server: read again what is on screen, showing the previous rows meanwhile. Settles when
   * those reads are answered (what a paced reload measures).
   */
  async refresh(): Promise<void> {
    this.generation++;
    this.loading = new Set();
    this.setSummary({ error: null });
    if (this.pending) return this.read(0);
    this.stale = new Map([...this.stale, ...this.pages]);
    this.pages = new Map();
    this.prune();
    await Promise.all(this.readWindow());
  }

  /** The rows on screen (indexes, inclusive): keeps their pages and those near, forgets the rest, reads what is missing. */
  setWindow(firstRow: number, lastRow: number): void {
    const size = this.options.pageSize;
    const first = Math.floor(Math.max(0, firstRow) / size);
    const last = Math.max(first, Math.floor(Math.max(0, lastRow) / size));
    if (first === this.window.first && last === this.window.last) {
      this.readWindow();
      return;
    }
    this.window = { first, last };
    if (this.prune()) this.changed();
    this.readWindow();
  }

  /** The view is gone (for now): answers on their way are dropped, nothing is read until `resume`. */
  pause(): void {
    this.active = false;
    this.generation++;
    this.loading = new Set();
  }

  /** The view is back: reads again what a pause dropped. */
  resume(): void {
    if (this.active) return;
    this.active = true;
    if (this.pending) void this.read(0);
    else this.readWindow();
  }

  private kept(page: number): boolean {
    return page >= this.window.first - this.options.keep && page <= this.window.last + this.options.keep;
  }

  /** Forgets the pages far from the window; whether any was forgotten. */
  private prune(): boolean {
    let dropped = false;
    for (const map of [this.pages, this.stale]) {
      for (const page of map.keys()) {
        if (!this.kept(page)) {
          map.delete(page);
          dropped = true;
        }
      }
    }
    return dropped;
  }

  /** Reads the window's missing pages; the reads started. */
  private readWindow(): Promise<void>[] {
    if (this.pending || this.shownKey === null || !this.active) return [];
    const total = this.summary.total;
    const reads: Promise<void>[] = [];
    for (let p = this.window.first; p <= this.window.last; p++) {
      if (total !== null && p > 0 && p * this.options.pageSize >= total) break;
      if (!this.pages.has(p) && !this.loading.has(p)) reads.push(this.read(p));
    }
    return reads;
  }

  private async read(page: number): Promise<void> {
    const gen = this.generation;
    const switching = this.pending;
    const query = switching ? switching.query : this.shownQuery;
    if (query === null) return;
    this.loading.add(page);
    const result = await this.options.load(query, page);
    if (gen !== this.generation || !this.active) return; // another query, or a newer read: not this list's answer
    this.loading.delete(page);
    if (switching) {
      // The first answer of the new query replaces the list, even a refusal (the error is then what it shows).
      this.pending = null;
      this.shownKey = switching.key;
      this.shownQuery = switching.query;
      this.pages = new Map();
      this.stale = new Map();
      this.window = { first: 0, last: 0 };
      if (result.ok) this.pages.set(page, result.value.rows);
      this.setSummary({
        query: switching.query,
        total: result.ok ? result.value.total : null,
        meta: result.ok ? metaOf(result.value) : null,
        error: result.ok ? null : result.error,
        list: this.summary.list + 1,
      });
      return;
    }
    if (!result.ok) {
      this.setSummary({ error: result.error });
      return;
    }
    if (this.kept(page)) {
      this.pages.set(page, result.value.rows);
      this.stale.delete(page);
    }
    // A page scrolled away from meanwhile is not kept, but its total (and the rest it says of the list) is the latest.
    const meta = metaOf(result.value);
    if (result.value.total !== this.summary.total || !sameMeta(meta, this.summary.meta)) this.setSummary({ total: result.value.total, meta });
    else this.changed();
    this.readWindow();
  }

  private setSummary(change: Partial<PagedSummary<Q, E, A>>): void {
    const next = { ...this.summary, ...change };
    if ((Object.keys(change) as (keyof PagedSummary<Q, E, A>)[]).every((k) => Object.is(next[k], this.summary[k]))) {
      this.changed();
      return;
    }
    this.summary = next;
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

function metaOf<A extends PageAnswer<unknown>>(answer: A): PageMeta<A> {
  const { rows: _rows, offset: _offset, ...meta } = answer as A & { offset?: unknown };
  return meta;
}

/** The same values, field by field (an answer's meta is flat: numbers, text, flags). */
function sameMeta<M extends object>(a: M, b: M | null): boolean {
  if (!b) return false;
  const keys = Object.keys(a) as (keyof M)[];
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}
