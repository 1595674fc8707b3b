import { describe, expect, it } from 'vitest';
import { BlockLayout } from '../../src-renderer/features/exams/blockLayout';
import { PagedList, type PageResult } from '../../src-renderer/features/exams/pagedList';

interface Query {
  search: string;
}
type Row = string;

/** A server the test answers by hand: every read waits until the test resolves it, in any order. */
function server(total: (q: Query) => number, pageSize: number) {
  const reads: { query: Query; page: number; answer: () => Promise<void>; fail: () => Promise<void> }[] = [];
  const load = (query: Query, page: number) =>
    new Promise<PageResult<Row, string>>((resolve) => {
      const n = total(query);
      const rows = Array.from({ length: Math.max(0, Math.min(pageSize, n - page * pageSize)) }, (_, i) => `${query.search}:${page * pageSize + i}`);
      reads.push({
        query,
        page,
        answer: async () => {
          resolve({ ok: true, value: { total: n, rows } });
          await flush();
        },
        fail: async () => {
          resolve({ ok: false, error: 'refused' });
          await flush();
        },
      });
    });
  /** The read of `page` for `search` not answered yet (the latest such). */
  const read = (search: string, page: number) => {
    const r = reads.findLast((x) => x.query.search === search && x.page === page);
    if (!r) throw new Error(`no read of page ${page} for "${search}"; reads: ${reads.map((x) => `${x.query.search}#${x.page}`).join(', ')}`);
    reads.splice(reads.indexOf(r), 1);
    return r;
  };
  const count = (search: string, page: number) => reads.filter((x) => x.query.search === search && x.page === page).length;
  return { load, read, count, reads };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function list(srv: ReturnType<typeof server>, keep = 1) {
  return new PagedList<Query, Row, string>({ pageSize: 500, keep, load: srv.load });
}

describe('the candidates list: pages read as the person scrolls, never out of turn', () => {
  it('an answer for an older search never replaces a newer one, whatever order they arrive in', async () => {
    const srv = server((q) => (q.search === '' ? 100_300 : q.search.length), 500);
    const l = list(srv);
    l.setQuery({ search: '' }, '');
    await srv.read('', 0).answer();
    expect(l.summary).toMatchObject({ query: { search: '' }, total: 100_300, list: 1 });

    // Three keys typed: three searches in flight.
    l.setQuery({ search: 'a' }, 'a');
    l.setQuery({ search: 'ab' }, 'ab');
    l.setQuery({ search: 'abc' }, 'abc');
    // Until the newest answers, the rows on screen stay those of the list shown.
    expect(l.page(0)?.[0]).toBe(':0');
    const a = srv.read('a', 0);
    const ab = srv.read('ab', 0);
    await srv.read('abc', 0).answer();
    expect(l.summary).toMatchObject({ query: { search: 'abc' }, total: 3, list: 2 });
    expect(l.page(0)).toEqual(['abc:0', 'abc:1', 'abc:2']);
    // The older answers arrive late: dropped.
    await ab.answer();
    await a.answer();
    expect(l.summary).toMatchObject({ query: { search: 'abc' }, total: 3, list: 2 });
    expect(l.page(0)).toEqual(['abc:0', 'abc:1', 'abc:2']);

    // An older search answering first does not show either: only the newest query's answer is shown.
    l.setQuery({ search: 'x' }, 'x');
    l.setQuery({ search: 'xy' }, 'xy');
    await srv.read('x', 0).answer();
    expect(l.summary.query).toEqual({ search: 'abc' });
    await srv.read('xy', 0).answer();
    expect(l.summary).toMatchObject({ query: { search: 'xy' }, total: 2, list: 3 });
  });

  it('a search taken back before it answers leaves the list as it was', async () => {
    const srv = server((q) => (q.search === '' ? 2_000 : 1), 500);
    const l = list(srv);
    l.setQuery({ search: '' }, '');
    await srv.read('', 0).answer();
    l.setQuery({ search: 'z' }, 'z');
    l.setQuery({ search: '' }, '');
    await srv.read('z', 0).answer();
    expect(l.summary).toMatchObject({ query: { search: '' }, total: 2_000, list: 1 });
    expect(l.page(0)?.[0]).toBe(':0');
  });

  it('keeps only the pages near the view, however far the person scrolls, and reads a page again when scrolled back', async () => {
    const srv = server(() => 100_300, 500);
    const l = list(srv);
    l.setQuery({ search: '' }, '');
    await srv.read('', 0).answer();
    l.setWindow(0, 60);
    expect(srv.reads).toHaveLength(0);

    let most = 0;
    for (let row = 0; row < 100_300; row += 137) {
      l.setWindow(row, Math.min(100_299, row + 60));
      for (const r of [...srv.reads]) {
        srv.reads.splice(srv.reads.indexOf(r), 1);
        await r.answer();
      }
      most = Math.max(most, l.heldPages().length);
    }
    // The view spans at most two pages; one more kept on either side.
    expect(most).toBeLessThanOrEqual(4);
    expect(l.heldPages()).toEqual([199, 200]);
    expect(l.page(0)).toBeUndefined();

    // Back to the top: page 0 is read again, and shown when it answers.
    l.setWindow(0, 60);
    expect(l.heldPages()).toEqual([]);
    expect(srv.count('', 0)).toBe(1);
    await srv.read('', 0).answer();
    expect(l.page(0)?.[0]).toBe(':0');
    expect(l.summary.total).toBe(100_300);
  });

  it('a page the view has left before it answers is not kept', async () => {
    const srv = server(() => 100_300, 500);
    const l = list(srv);
    l.setQuery({ search: '' }, '');
    await srv.read('', 0).answer();
    l.setWindow(50_000, 50_060);
    const far = srv.read('', 100);
    l.setWindow(0, 60);
    await far.answer();
    expect(l.heldPages()).toEqual([]);
    expect(l.loadingPages()).toEqual([0]);
    await srv.read('', 0).answer();
    expect(l.heldPages()).toEqual([0]);
  });

  it('a live change re-reads the pages on screen and shows the old rows meanwhile; an answer of the older read is dropped', async () => {
    let total = 1_000;
    const srv = server(() => total, 500);
    const l = list(srv);
    l.setQuery({ search: '' }, '');
    await srv.read('', 0).answer();
    l.setWindow(400, 600);
    const before = srv.read('', 1);
    total = 1_001;
    let settled = false;
    const refreshed = l.refresh().then(() => (settled = true));
    await before.answer(); // read before the change: not this list's answer any more
    expect(l.page(1)).toBeUndefined();
    expect(l.page(0)?.[0]).toBe(':0'); // the previous read, shown while page 0 is read again
    expect(srv.count('', 0)).toBe(1);
    await srv.read('', 0).answer();
    expect(settled).toBe(false); // a paced reload measures the refresh until its last page is in
    await srv.read('', 1).answer();
    await refreshed;
    expect(l.summary.total).toBe(1_001);
    expect(l.page(1)).toHaveLength(500);
    expect(l.summary.list).toBe(1); // the same list: the view does not go back to the top
  });

  it('a refused read says so; a search refused shows its error, not the previous rows as if they matched', async () => {
    const srv = server(() => 10, 500);
    const l = list(srv);
    l.setQuery({ search: '' }, '');
    await srv.read('', 0).answer();
    l.setQuery({ search: 'q' }, 'q');
    await srv.read('q', 0).fail();
    expect(l.summary).toMatchObject({ query: { search: 'q' }, total: null, error: 'refused', list: 2 });
    expect(l.page(0)).toBeUndefined();
    l.setQuery({ search: 'qr' }, 'qr');
    expect(l.summary.error).toBeNull();
  });

  it('while the view is away, answers change nothing; when it is back, what they were for is read again', async () => {
    const srv = server(() => 10, 500);
    const l = list(srv);
    let calls = 0;
    l.subscribe(() => calls++);
    l.setQuery({ search: '' }, '');
    const pending = srv.read('', 0);
    l.pause();
    calls = 0;
    await pending.answer();
    expect(l.summary.total).toBeNull();
    expect(calls).toBe(0);
    l.resume();
    await srv.read('', 0).answer();
    expect(l.summary).toMatchObject({ query: { search: '' }, total: 10, list: 1 });
  });
});

describe("a paged list's summary: the rest of an answer beside its total (the scores page's count line)", () => {
  interface Answer {
    total: number;
    rows: Row[];
    offset: number;
    all: number;
    panel: boolean;
  }
  it('keeps what an answer says of the whole list, not its offset; changes only when that does; a refusal clears it', async () => {
    let all = 300;
    let refuse = false;
    const load = async (q: Query, page: number): Promise<PageResult<Row, string, Answer>> =>
      refuse && q.search === 'x' ? { ok: false, error: 'refused' } : { ok: true, value: { total: 1_200, rows: [`${q.search}:${page}`], offset: page * 500, all, panel: q.search === '' } };
    const l = new PagedList<Query, Row, string, Answer>({ pageSize: 500, keep: 1, load });
    l.setQuery({ search: '' }, '');
    await flush();
    expect(l.summary.meta).toEqual({ total: 1_200, all: 300, panel: true });
    const first = l.summary;

    // Scrolling reads pages at other offsets: the summary is the same object, so the count line does not re-render.
    l.setWindow(500, 1_100);
    await flush();
    expect(l.page(2)).toEqual([':2']);
    expect(l.summary).toBe(first);

    // The list's own count changed on the server (a live change): the next answer says so.
    all = 301;
    await l.refresh();
    expect(l.summary.meta).toEqual({ total: 1_200, all: 301, panel: true });
    expect(l.summary).not.toBe(first);

    // Another query's answer replaces it whole; a refused query leaves none, rather than the previous query's.
    l.setQuery({ search: 'a' }, 'a');
    await flush();
    expect(l.summary.meta).toEqual({ total: 1_200, all: 301, panel: false });
    refuse = true;
    l.setQuery({ search: 'x' }, 'x');
    await flush();
    expect(l.summary).toMatchObject({ meta: null, total: null, error: 'refused' });
  });
});

describe('the candidates table layout: blocks of rows, measured once each', () => {
  it('estimates what is not measured, and moves what follows a block measured otherwise', () => {
    const layout = new BlockLayout(20, 35);
    layout.setRows(100_300);
    expect(layout.count).toBe(5_015);
    expect(layout.total()).toBe(100_300 * 35);
    expect(layout.start(10)).toBe(10 * 20 * 35);
    // The first block measured: rows wrap to two lines at this width.
    expect(layout.setSize(0, 20 * 57, true)).toBe(20 * 22);
    expect(layout.start(1)).toBe(20 * 57);
    expect(layout.start(10)).toBe(20 * 57 + 9 * 20 * 35);
    // The same height again: nothing moves.
    expect(layout.setSize(0, 20 * 57, true)).toBe(0);
    layout.setRowEstimate(57);
    expect(layout.total()).toBe(100_300 * 57);
    expect(layout.loadedSize(0)).toBe(20 * 57);
    expect(layout.loadedSize(1)).toBeNull();
    // The last block has the rows that are left.
    expect(layout.rowsIn(5_014)).toBe(100_300 - 5_014 * 20);
    expect(layout.size(5_014)).toBe(layout.rowsIn(5_014) * 57);
  });

  it('finds the blocks in view, with one more on either side', () => {
    const layout = new BlockLayout(20, 50);
    layout.setRows(1_000); // 50 blocks of 1,000 px
    expect(layout.range(0, 460, 1)).toEqual({ first: 0, last: 1 });
    expect(layout.range(10_500, 460, 1)).toEqual({ first: 9, last: 11 });
    expect(layout.range(10_800, 460, 1)).toEqual({ first: 9, last: 12 });
    expect(layout.range(49_999, 460, 1)).toEqual({ first: 48, last: 49 });
    expect(layout.range(1e9, 460, 1)).toEqual({ first: 48, last: 49 });
    layout.setSize(10, 3_000, true);
    expect(layout.range(12_500, 460, 0)).toEqual({ first: 10, last: 10 });
    expect(layout.blockAt(13_000)).toBe(11);
    expect(new BlockLayout(20, 50).range(0, 460, 1)).toBeNull();
  });

  it('keeps the measured heights of the blocks whose rows did not change when the number of rows does', () => {
    const layout = new BlockLayout(20, 35);
    layout.setRows(45); // blocks of 20, 20, 5
    layout.setSize(0, 1_000, true);
    layout.setSize(1, 1_100, true);
    layout.setSize(2, 300, true);
    layout.setRows(50); // the last block has 10 rows now: measured again when shown
    expect(layout.size(0)).toBe(1_000);
    expect(layout.size(1)).toBe(1_100);
    expect(layout.size(2)).toBe(10 * 35);
    expect(layout.total()).toBe(2_100 + 350);
    layout.setRows(30); // block 1 has 10 rows now
    expect(layout.size(0)).toBe(1_000);
    expect(layout.size(1)).toBe(10 * 35);
    expect(layout.total()).toBe(1_350);
    layout.clear();
    expect(layout.total()).toBe(30 * 35);
    layout.setRows(0);
    expect(layout.total()).toBe(0);
    expect(layout.range(0, 100, 1)).toBeNull();
  });
});
