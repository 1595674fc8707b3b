import { memo, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { api, type AttendanceState, type CandidateRow, type ErrorBody, type Formation } from '../../api';
import { useLiveReload } from '../../app/pace';
import { errorMessage } from '../../i18n/errors';
import { formatCount, formatDecimal, formatIsoDate } from '../../i18n/format';
import { ErrorAlert } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { TableWrap } from '../../ui/TableWrap';
import { BlockLayout } from './blockLayout';
import { PagedList } from './pagedList';
import './candidates.css';
import { SpacerRow } from '../../ui/SpacerRow';

/** Rows asked for at once, as the person scrolls. */
const PAGE_SIZE = 500;
/** Pages kept either side of those on screen; farther ones are forgotten (and read again if scrolled back to). */
const KEEP_PAGES = 1;
/** Rows rendered, measured and dropped together: the table re-renders when the view crosses a block, not every frame. */
const BLOCK_ROWS = 10;
/** Blocks rendered beyond the view on either side. */
const OVERSCAN_BLOCKS = 1;
/** One row of one line, until a block of this table's rows has been measured. */
const ROW_ESTIMATE = 35;
const ATTENDANCE_STATES: readonly AttendanceState[] = ['present', 'absent', 'pending'];
const COLUMNS = ['nomor', 'nama', 'nik', 'tanggalLahir', 'jk', 'pendidikan', 'ipk', 'formasi', 'kategori', 'attendance'] as const;

function attendanceTone(state: AttendanceState): string {
  return state === 'present' ? 'badge-ok' : state === 'absent' ? 'badge-warn' : 'badge-muted';
}

export function AttendanceBadge({ state }: { state: AttendanceState }) {
  const { t } = useTranslation();
  return <span className={`badge ${attendanceTone(state)}`}>{t(`attendance.state.${state}`)}</span>;
}

interface Query {
  exam: string;
  search?: string;
  formation?: string;
  attendance?: AttendanceState;
}

/** The words of a row, translated once per language rather than once per row. */
interface RowLabels {
  loading: string;
  state: Record<AttendanceState, string>;
}

interface RowProps {
  index: number;
  row: CandidateRow | undefined;
  lang: string;
  labels: RowLabels;
  /** A placeholder's height (px), so the block keeps its height while its rows are read; 0 for a loaded row. */
  height: number;
}

/** One candidate; rendered again only when its row, the language or (for a placeholder) its height changes. */
const CandidateRowView = memo(function CandidateRowView({ index, row, lang, labels, height }: RowProps) {
  if (!row) {
    return (
      <tr data-index={index} aria-rowindex={index + 2} style={{ height }}>
        <td colSpan={COLUMNS.length} className="cell-loading">
          {labels.loading}
        </td>
      </tr>
    );
  }
  return (
    <tr data-index={index} aria-rowindex={index + 2}>
      <td>
        <code>{row.nomorPeserta}</code>
      </td>
      <td className="cell-name" title={row.nama}>
        {row.nama}
      </td>
      <td>
        <code>{row.nik}</code>
      </td>
      <td>{formatIsoDate(row.tanggalLahir, lang)}</td>
      <td>{row.jenisKelamin}</td>
      <td className="cell-name" title={row.pendidikan}>
        {row.pendidikan}
      </td>
      <td className="num">{formatDecimal(row.ipk, lang)}</td>
      <td>{row.kodeFormasi}</td>
      <td>{row.kategori}</td>
      <td>
        <span className={`badge ${attendanceTone(row.attendance)}`}>{labels.state[row.attendance]}</span>
      </td>
    </tr>
  );
});

interface BlockProps {
  block: number;
  rows: number;
  /** The page the block's rows are in, if it is held: its identity changes only when it is read (again). */
  page: CandidateRow[] | undefined;
  lang: string;
  labels: RowLabels;
  placeholderHeight: number;
}

/** BLOCK_ROWS consecutive rows: rendered again only when their page arrives or is forgotten. */
const Block = memo(function Block({ block, rows, page, lang, labels, placeholderHeight }: BlockProps) {
  const first = block * BLOCK_ROWS;
  const offset = first % PAGE_SIZE;
  const out = [];
  for (let k = 0; k < rows; k++) {
    const row = page?.[offset + k];
    out.push(<CandidateRowView key={first + k} index={first + k} row={row} lang={lang} labels={labels} height={row ? 0 : placeholderHeight} />);
  }
  return <>{out}</>;
});

/** The block's rows are all read (not placeholders). */
function blockLoaded(page: CandidateRow[] | undefined, block: number, rows: number): boolean {
  return page !== undefined && page.length >= ((block * BLOCK_ROWS) % PAGE_SIZE) + rows;
}

/** Where the person reads: the row drawn just under the table's sticky header, and how far below the header it starts. */
interface Anchor {
  index: number;
  offset: number;
}

/** The bottom of the table's header in viewport pixels: of a cell, which is what sticks to the top of the view. */
function headerBottom(body: HTMLTableSectionElement): number {
  const cell = (body.parentElement as HTMLTableElement | null)?.tHead?.rows[0]?.cells[0];
  return cell ? cell.getBoundingClientRect().bottom : body.getBoundingClientRect().top;
}

/** The drawn row under the header (a binary search of the rows in the page: a few layout reads), or null. */
function rowUnderHeader(body: HTMLTableSectionElement): Anchor | null {
  const line = headerBottom(body);
  const rows = body.rows;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.getBoundingClientRect().bottom > line) hi = mid;
    else lo = mid + 1;
  }
  const tr = rows[lo];
  const index = tr?.dataset.index;
  if (!tr || index === undefined) return null;
  const top = tr.getBoundingClientRect().top;
  return top <= line + 1 ? { index: Number(index), offset: top - line } : null;
}

/**
 * The rows of the table: only the blocks of BLOCK_ROWS rows in view (and one either side) are in the page, with a
 * spacer above and below for the rest. Re-rendered when the view needs a block not rendered yet, or when a page
 * arrives; never on a scroll frame that stays within the rendered blocks (the browser scrolls the rows already there),
 * and only the rows of a block that changed render again (rows and blocks are memoised on stable props).
 *
 * Heights: names are shown in full and wrap, so rows are not all one height (at 1366 px, with the fonts of Debian's
 * Chromium, most take two lines; with narrower fonts, one). Each block is measured as it is rendered with its rows
 * (two layout reads, once the commit is laid out), never row by row; blocks not yet seen are estimated at the height
 * of the first block measured (measured once per width). What the person reads stays where it is whatever turns
 * out taller or shorter than estimated (a block above the view, placeholders becoming rows, another width): the row
 * under the header is read before each render and put back after it, before the frame is painted.
 */
function CandidateRows({ list, total, listId, scroller, lang, labels }: {
  list: PagedList<Query, CandidateRow, ErrorBody>;
  total: number;
  listId: number;
  scroller: HTMLDivElement | null;
  lang: string;
  labels: RowLabels;
}) {
  useSyncExternalStore(list.subscribe, list.getVersion);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [layout] = useState(() => new BlockLayout(BLOCK_ROWS, ROW_ESTIMATE));
  // The view, as of the last scroll or resize event (read there, not during render), moved with the estimates above it.
  const view = useRef({ top: 0, height: 0, width: 0 });
  const estimated = useRef(false);
  const shown = useRef({ first: 0, last: -1 });
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  layout.setRows(total);
  // Estimates changed above the view move where its rows will be drawn: the view (as the next render reads it)
  // moves with them, so that render draws the rows the person reads; the scroll position follows once they are drawn.
  const [keepView] = useState(() => (change: () => void) => {
    const b = layout.blockAt(view.current.top);
    const before = layout.start(b);
    change();
    view.current.top += layout.start(b) - before;
  });

  // Another query's rows: they start at the top, their heights measured afresh (the row estimate stays: same width,
  // same font). Done before the range is computed, so the first render of the new rows is already at the top.
  const lastList = useRef(listId);
  const newList = lastList.current !== listId;
  if (newList) {
    layout.clear();
    view.current.top = 0;
  }
  // The row the person reads, taken before this render changes the page (as a class's getSnapshotBeforeUpdate
  // would), and put back after it.
  const anchor = useRef<Anchor | null>(null);
  anchor.current = !newList && bodyRef.current ? rowUnderHeader(bodyRef.current) : null;
  // At the end of the list (End pressed, the bar dragged down), the person reads the last rows: the end stays in view.
  const atEnd = useRef(false);
  atEnd.current = !newList && scroller !== null && scroller.scrollTop > 0 && scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;
  useLayoutEffect(() => {
    if (!newList) return;
    lastList.current = listId;
    if (scroller) scroller.scrollTop = 0;
  });

  const range = layout.range(view.current.top, view.current.height || 600, OVERSCAN_BLOCKS);
  const firstBlock = range?.first ?? 0;
  const lastBlock = range?.last ?? -1;
  shown.current = { first: firstBlock, last: lastBlock };

  // Scrolling: a new render only when the view reaches another block. Another width wraps names otherwise: every
  // height is measured again. The browser has laid the rows out anew before this hears of it; from there the rows read
  // stay in view (the view moved with the estimates made again, the row under the header kept by the next render).
  useEffect(() => {
    if (!scroller) return;
    const update = () => {
      view.current.top = scroller.scrollTop;
      view.current.height = scroller.clientHeight;
    };
    const onScroll = () => {
      update();
      // While the blocks wanted are all rendered (one more behind the view is fine), nothing to do: one render per
      // block scrolled, not one as the block above leaves and another as the block below comes.
      const wanted = layout.range(view.current.top, view.current.height, OVERSCAN_BLOCKS);
      if (!wanted || (wanted.first >= shown.current.first && wanted.last <= shown.current.last)) return;
      // The view still in rendered rows (the block beyond it is already there): render after this frame. A jump past
      // them (the scroll bar dragged, End): render now, so no frame shows the view empty.
      const inView = layout.range(view.current.top, view.current.height, 0)!;
      if (inView.first < shown.current.first || inView.last > shown.current.last) flushSync(rerender);
      else rerender();
    };
    const sizes = new ResizeObserver(() => {
      update();
      const width = scroller.clientWidth;
      if (width !== view.current.width) {
        view.current.width = width;
        keepView(() => layout.clear());
        estimated.current = false;
      }
      rerender();
    });
    update();
    view.current.width = scroller.clientWidth;
    scroller.addEventListener('scroll', onScroll, { passive: true });
    sizes.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', onScroll);
      sizes.disconnect();
    };
  }, [scroller, layout, keepView]);

  // Measure the blocks on screen, before paint; keep what the person looks at in place.
  useLayoutEffect(() => {
    const body = bodyRef.current;
    if (!body || !scroller || lastBlock < firstBlock) return;
    const rowsByIndex = new Map<number, HTMLTableRowElement>();
    for (const tr of body.rows) {
      const i = tr.dataset.index;
      if (i !== undefined) rowsByIndex.set(Number(i), tr);
    }
    let estimate: number | null = null;
    for (let b = firstBlock; b <= lastBlock; b++) {
      const n = layout.rowsIn(b);
      const top = rowsByIndex.get(b * BLOCK_ROWS);
      const bottom = rowsByIndex.get(b * BLOCK_ROWS + n - 1);
      if (!top || !bottom) continue;
      const size = bottom.getBoundingClientRect().bottom - top.getBoundingClientRect().top;
      const loaded = blockLoaded(list.page(Math.floor((b * BLOCK_ROWS) / PAGE_SIZE)), b, n);
      if (loaded && !estimated.current) {
        // The first block with its rows: what a row takes at this width, for every block not measured yet.
        estimated.current = true;
        if (Math.abs(size / n - layout.estimate) >= 0.5) estimate = size / n;
      }
      layout.setSize(b, size, loaded);
    }
    // What the person reads goes back to where it was (one more layout read): the rows rendered above it at other
    // heights than estimated, or rows of other heights where its block showed placeholders, moved it.
    const was = anchor.current;
    const tr = was ? rowsByIndex.get(was.index) : undefined;
    if (atEnd.current) {
      scroller.scrollTop = scroller.scrollHeight;
    } else if (was && tr) {
      const drift = tr.getBoundingClientRect().top - headerBottom(body) - was.offset;
      if (Math.abs(drift) >= 0.5) scroller.scrollTop += drift;
    } else if (Math.abs(scroller.scrollTop - view.current.top) >= 0.5) {
      // No row to keep (a jump: the view was over the spacer): the view goes where the rows were drawn for it.
      scroller.scrollTop = view.current.top;
    }
    view.current.top = scroller.scrollTop;
    // A block measured otherwise changes only where the blocks below it start: the spacer below is put right at the
    // next render (the view reaching another block), not now, which would lay the table out a second time. A new row
    // estimate moves the blocks above: rendered now (the spacer above), the row read kept in place by that render.
    if (estimate !== null) {
      keepView(() => layout.setRowEstimate(estimate));
      rerender();
    }
  });

  const rowFirst = firstBlock * BLOCK_ROWS;
  const rowLast = Math.min(total, (lastBlock + 1) * BLOCK_ROWS) - 1;
  useEffect(() => {
    if (total > 0 && rowLast >= rowFirst) list.setWindow(rowFirst, rowLast);
  }, [list, rowFirst, rowLast, total, listId]);

  const blocks = [];
  for (let b = firstBlock; b <= lastBlock; b++) {
    const rows = layout.rowsIn(b);
    const known = layout.loadedSize(b);
    blocks.push(
      <Block
        key={b}
        block={b}
        rows={rows}
        page={list.page(Math.floor((b * BLOCK_ROWS) / PAGE_SIZE))}
        lang={lang}
        labels={labels}
        placeholderHeight={known !== null ? known / rows : layout.estimate}
      />,
    );
  }
  const padTop = lastBlock >= firstBlock ? layout.start(firstBlock) : 0;
  const padBottom = lastBlock >= firstBlock ? layout.total() - layout.start(lastBlock + 1) : 0;

  return (
    <tbody ref={bodyRef}>
      <SpacerRow height={padTop} columns={COLUMNS.length} />
      {blocks}
      <SpacerRow height={padBottom} columns={COLUMNS.length} />
    </tbody>
  );
}

/**
 * The search box: what is typed is searched one frame later (keys typed within a frame, or a paste, make one query),
 * and only this box re-renders as the person types.
 */
function SearchBox({ onSearch }: { onSearch: (text: string) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  useEffect(() => {
    const frame = requestAnimationFrame(() => onSearch(value.trim()));
    return () => cancelAnimationFrame(frame);
  }, [value, onSearch]);
  return (
    <TextField
      label={t('exams.candidates.search')}
      hint={t('exams.candidates.searchHint')}
      type="search"
      value={value}
      onChange={(e) => setValue(e.target.value)}
      autoComplete="off"
      spellCheck={false}
    />
  );
}

/**
 * Every candidate of an exam, however many: only the rows on screen are in the page, and they are fetched from
 * the registry a page of PAGE_SIZE at a time, when the person scrolls to them; pages far from the view are let go.
 */
export function CandidatesTable({ exam, formations }: { exam: string; formations: Formation[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [searched, setSearched] = useState('');
  const [formation, setFormation] = useState('');
  const [attendance, setAttendance] = useState<AttendanceState | ''>('');
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);

  const [list] = useState(
    () =>
      new PagedList<Query, CandidateRow, ErrorBody>({
        pageSize: PAGE_SIZE,
        keep: KEEP_PAGES,
        load: (query, page) => api.invoke('roster.list', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
      }),
  );
  useEffect(() => {
    list.resume();
    return () => list.pause();
  }, [list]);
  const summary = useSyncExternalStore(list.subscribe, list.getSummary);

  const query = useMemo<Query>(
    () => ({
      exam,
      ...(searched ? { search: searched } : {}),
      ...(formation ? { formation } : {}),
      ...(attendance ? { attendance } : {}),
    }),
    [exam, searched, formation, attendance],
  );
  const queryKey = JSON.stringify(query);
  // Another query: read its first page; the rows on screen stay until it answers, then the list starts at the top.
  // Asked in the commit that has it, not after the paint that follows (a frame more between the last key and its rows).
  useLayoutEffect(() => {
    list.setQuery(query, queryKey);
  }, [list, query, queryKey]);

  // A check-in at any desk of the exam: several a second in the SKD's first hour, paced by what a refresh costs.
  useLiveReload(['roster.changed', 'attendance.changed'], (data) => {
    const d = data as { exam?: string } | null;
    return !d || d.exam === exam;
  }, () => list.refresh());

  const labels = useMemo<RowLabels>(
    () => ({
      loading: t('common.loading'),
      state: {
        present: t('attendance.state.present'),
        absent: t('attendance.state.absent'),
        pending: t('attendance.state.pending'),
      },
    }),
    // `t` reads the language: new words when it changes
    [t, lang],
  );

  const total = summary.total;
  const totalFiltered = summary.query !== null && Object.keys(summary.query).length > 1;
  const error = summary.error ? errorMessage(t, lang, summary.error) : null;

  return (
    <div className="candidates">
      <div className="filters" role="search">
        <SearchBox onSearch={setSearched} />
        <SelectField
          label={t('exams.candidates.formation')}
          value={formation}
          onChange={(e) => setFormation(e.target.value)}
          options={[
            { value: '', label: t('exams.candidates.all') },
            ...formations.map((f) => ({ value: f.code, label: `${f.code} — ${f.position} (${f.unit})` })),
          ]}
        />
        <SelectField
          label={t('exams.candidates.attendance')}
          value={attendance}
          onChange={(e) => setAttendance(ATTENDANCE_STATES.find((s) => s === e.target.value) ?? '')}
          options={[
            { value: '', label: t('exams.candidates.all') },
            ...ATTENDANCE_STATES.map((s) => ({ value: s, label: t(`attendance.state.${s}`) })),
          ]}
        />
      </div>
      <p className="table-total" aria-live="polite" data-testid="candidate-total">
        {total === null
          ? t('common.loading')
          : t(totalFiltered ? 'exams.candidates.totalFiltered' : 'exams.candidates.total', { count: total, n: formatCount(total, lang) })}
      </p>
      <ErrorAlert>{error}</ErrorAlert>
      <TableWrap bare className="vtable-scroll candidates-scroll" ref={setScroller} landmark label={t('exams.candidates.caption', { exam })}>
        <table className="table vtable" aria-rowcount={(total ?? 0) + 1}>
          <colgroup>
            {COLUMNS.map((c) => (
              <col key={c} className={`col-${c}`} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              {COLUMNS.map((c) => (
                <th key={c} scope="col" className={`col-${c}`}>
                  {t(`exams.candidates.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <CandidateRows list={list} total={total ?? 0} listId={summary.list} scroller={scroller} lang={lang} labels={labels} />
        </table>
        {total === 0 ? <p className="vtable-empty">{t(totalFiltered ? 'exams.candidates.noMatch' : 'exams.candidates.none')}</p> : null}
      </TableWrap>
    </div>
  );
}
