import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type AttendanceState, type CandidateRow, type Formation } from '../../api';
import { useLiveEvent } from '../../app/live';
import { errorMessage } from '../../i18n/errors';
import { formatCount, formatDecimal, formatIsoDate } from '../../i18n/format';
import { ErrorAlert } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { TableWrap } from '../../ui/TableWrap';

/** Rows asked for at once, as the person scrolls. */
const PAGE_SIZE = 500;
const ROW_HEIGHT = 37;
const SEARCH_DELAY_MS = 300;
const ATTENDANCE_STATES: readonly AttendanceState[] = ['present', 'absent', 'pending'];
const COLUMNS = ['nomor', 'nama', 'nik', 'tanggalLahir', 'jk', 'pendidikan', 'ipk', 'formasi', 'kategori', 'attendance'] as const;

export function AttendanceBadge({ state }: { state: AttendanceState }) {
  const { t } = useTranslation();
  const tone = state === 'present' ? 'badge-ok' : state === 'absent' ? 'badge-warn' : 'badge-muted';
  return <span className={`badge ${tone}`}>{t(`attendance.state.${state}`)}</span>;
}

/**
 * Every candidate of an exam, however many: only the rows on screen are in the page, and they are fetched from
 * the registry a page of PAGE_SIZE at a time, when the person scrolls to them.
 */
export function CandidatesTable({ exam, formations }: { exam: string; formations: Formation[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [search, setSearch] = useState('');
  const [searched, setSearched] = useState('');
  const [formation, setFormation] = useState('');
  const [attendance, setAttendance] = useState<AttendanceState | ''>('');
  const [total, setTotal] = useState<number | null>(null);
  // Whether the total shown counts a search or filter: set with the total, from the query that answered.
  const [totalFiltered, setTotalFiltered] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [liveTick, setLiveTick] = useState(0);
  const [, setVersion] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Pages of the current query; `stale` keeps the previous answer on screen while a live change is re-read.
  const pages = useRef(new Map<number, CandidateRow[]>());
  const stale = useRef(new Map<number, CandidateRow[]>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);

  useEffect(() => {
    const timer = setTimeout(() => setSearched(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const query = useMemo(
    () => ({
      exam,
      ...(searched ? { search: searched } : {}),
      ...(formation ? { formation } : {}),
      ...(attendance ? { attendance } : {}),
    }),
    [exam, searched, formation, attendance],
  );

  const fetchPage = useCallback(
    async (page: number) => {
      if (pages.current.has(page) || loading.current.has(page)) return;
      const gen = generation.current;
      loading.current.add(page);
      const result = await api.invoke('roster.list', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (gen !== generation.current) return; // the query changed meanwhile: this answer is for another list
      loading.current.delete(page);
      if (!result.ok) {
        setError(errorMessage(t, lang, result.error));
        return;
      }
      const value = result.value;
      pages.current.set(page, value.rows);
      setTotal(value.total);
      setTotalFiltered(Object.keys(query).length > 1);
      setVersion((v) => v + 1);
    },
    [query, t, lang],
  );

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  // Another query: forget the rows, go back to the top, read the first page.
  const queryKey = JSON.stringify(query);
  const lastQuery = useRef(queryKey);
  useEffect(() => {
    generation.current++;
    const sameQuery = lastQuery.current === queryKey;
    lastQuery.current = queryKey;
    stale.current = sameQuery ? new Map([...stale.current, ...pages.current]) : new Map();
    pages.current = new Map();
    loading.current = new Set();
    setError(null);
    if (!sameQuery) scrollRef.current?.scrollTo({ top: 0 });
    void fetchPage(0);
  }, [queryKey, liveTick, fetchPage]);

  useLiveEvent(['roster.changed', 'attendance.changed'], (data) => {
    const d = data as { exam?: string } | null;
    if (!d || d.exam === exam) setLiveTick((n) => n + 1);
  });

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (!total) return;
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) void fetchPage(p);
  }, [first, last, total, fetchPage, liveTick]);

  function rowAt(index: number): CandidateRow | undefined {
    const page = Math.floor(index / PAGE_SIZE);
    return (pages.current.get(page) ?? stale.current.get(page))?.[index % PAGE_SIZE];
  }

  const padTop = items[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0));

  return (
    <div className="candidates">
      <div className="filters" role="search">
        <TextField
          label={t('exams.candidates.search')}
          hint={t('exams.candidates.searchHint')}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
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
      <TableWrap bare className="vtable-scroll" ref={scrollRef} landmark label={t('exams.candidates.caption', { exam })}>
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
          <tbody>
            {padTop > 0 ? (
              <tr className="vtable-spacer" aria-hidden="true" style={{ height: padTop }}>
                <td colSpan={COLUMNS.length} />
              </tr>
            ) : null}
            {items.map((item) => {
              const row = rowAt(item.index);
              return (
                <tr key={item.key} data-index={item.index} ref={virtualizer.measureElement} aria-rowindex={item.index + 2}>
                  {row ? (
                    <>
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
                        <AttendanceBadge state={row.attendance} />
                      </td>
                    </>
                  ) : (
                    <td colSpan={COLUMNS.length} className="cell-loading">
                      {t('common.loading')}
                    </td>
                  )}
                </tr>
              );
            })}
            {padBottom > 0 ? (
              <tr className="vtable-spacer" aria-hidden="true" style={{ height: padBottom }}>
                <td colSpan={COLUMNS.length} />
              </tr>
            ) : null}
          </tbody>
        </table>
        {total === 0 ? <p className="vtable-empty">{t(totalFiltered ? 'exams.candidates.noMatch' : 'exams.candidates.none')}</p> : null}
      </TableWrap>
    </div>
  );
}
