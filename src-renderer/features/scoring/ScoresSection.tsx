import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account, type CommandOutput, type ErrorBody, type ExamDetail } from '../../api';
import { PagedList } from '../exams/pagedList';
import { useLiveReload } from '../../app/pace';
import { actorName } from '../../i18n/errors';
import { formatCount, formatDateTimeWib } from '../../i18n/format';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { AmendForm } from './AmendForm';
import { ScoreStateChip } from './chips';
import { scoringError } from './errors';
import { TextAreaField } from '../../ui/fields';
import type { AmendmentRow, ScoreHistory, ScoreKey, ScorePageRow, ScoreState, StageItem } from './types';
import { formatNumber, fromUnits, stageItems } from './values';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { SpacerRow } from '../../ui/SpacerRow';

const ROW_HEIGHT = 41;
/** Rows asked for at once, as the person scrolls. */
const PAGE_SIZE = 500;
/** Pages kept either side of those on screen; farther ones are forgotten (and read again if scrolled back to). */
const KEEP_PAGES = 1;
const SETTLED = new Set(['confirmed', 'finalized', 'amended']);
/** The states as the registry names them (core/scoring/scores.ts), in the order a score goes through them. */
const STATES: readonly ScoreState[] = ['draft', 'submitted', 'confirmed', 'finalized', 'amended'];

/** A panelist's own value before the panel is final stays hidden here too: the sheet is where it is seen. */
function masked(row: { panelist: string | null; state: ScoreState }): boolean {
  return row.panelist !== null && row.state !== 'finalized';
}

interface Query {
  exam: string;
  stage?: string;
  state?: ScoreState;
  search?: string;
}

type ScoresAnswer = CommandOutput<'scores.page'>;

/**
 * Every score of a stage (or of every stage) with its state, and the amendments asked for and decided. At 100,000
 * candidates a stage has 300,000 scores: they are read a page at a time as the person scrolls, searched and filtered
 * by the registry (scores.page), and a score's history when it is opened (scores.history).
 */
export function ScoresSection({ exam, stage, detail, account }: { exam: string; stage: string; detail: ExamDetail; account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [typed, setTyped] = useState('');
  const [searched, setSearched] = useState('');
  const [stageFilter, setStageFilter] = useState(stage);
  const [stateFilter, setStateFilter] = useState<ScoreState | ''>('');
  const [history, setHistory] = useState<ScoreKey | null>(null);
  const [amendTick, setAmendTick] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const itemsOf = useCallback((code: string) => stageItems(detail.stages.find((s) => s.code === code)), [detail]);
  const itemName = (stageCode: string, code: string) => itemsOf(stageCode).find((i) => i.code === code)?.name ?? code;

  const [list] = useState(
    () =>
      new PagedList<Query, ScorePageRow, ErrorBody, ScoresAnswer>({
        pageSize: PAGE_SIZE,
        keep: KEEP_PAGES,
        load: (query, page) => api.invoke('scores.page', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
      }),
  );
  useEffect(() => {
    list.resume();
    return () => list.pause();
  }, [list]);
  useSyncExternalStore(list.subscribe, list.getVersion);
  const summary = useSyncExternalStore(list.subscribe, list.getSummary);

  // What is typed is searched one frame later: keys typed within a frame, or a paste, make one query.
  useEffect(() => {
    const frame = requestAnimationFrame(() => setSearched(typed.trim()));
    return () => cancelAnimationFrame(frame);
  }, [typed]);
  const query = useMemo<Query>(
    () => ({ exam, ...(stageFilter ? { stage: stageFilter } : {}), ...(stateFilter ? { state: stateFilter } : {}), ...(searched ? { search: searched } : {}) }),
    [exam, stageFilter, stateFilter, searched],
  );
  const queryKey = JSON.stringify(query);
  useLayoutEffect(() => {
    list.setQuery(query, queryKey);
  }, [list, query, queryKey]);

  // A stage's scores change at every paper entry, submission or sign-off: reloads paced by their cost.
  const reload = useCallback(async () => {
    await list.refresh();
    setAmendTick((n) => n + 1);
  }, [list]);
  useLiveReload(['scores.changed', 'panel.changed'], (d) => {
    const x = d as { exam?: string } | null;
    return !x || !x.exam || x.exam === exam;
  }, reload);

  const total = summary.total ?? 0;
  const all = summary.meta?.all ?? 0;
  const hasPanel = summary.meta?.panel ?? false;
  // The columns of the rows on screen: those of the query they answer (another query's rows stay until it answers).
  const shownStage = summary.query?.stage;
  const columns = 6 + (hasPanel ? 1 : 0) + (shownStage ? 0 : 1);
  const error = summary.error ? scoringError(t, lang, summary.error) : null;

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  // Another list (a search, a filter, another stage): back to the top, where its first match is.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [summary.list]);
  const visible = virtualizer.getVirtualItems();
  const first = visible[0]?.index ?? 0;
  const last = visible.at(-1)?.index ?? -1;
  useEffect(() => {
    if (total > 0 && last >= first) list.setWindow(first, last);
  }, [list, first, last, total, summary.list]);
  const padTop = visible[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (visible.at(-1)?.end ?? 0));
  const rowAt = (i: number) => list.page(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];

  return (
    <section aria-labelledby="scores-title">
      <h2 id="scores-title">{stageFilter ? t('scoring.scores.title', { stage: stageFilter }) : t('scoring.scores.titleAll')}</h2>
      <p className="field-hint">{t('scoring.scores.intro')}</p>
      <ErrorAlert>{error}</ErrorAlert>
      <div className="filters filters-scores" role="search" aria-label={t('scoring.scores.filters')}>
        <TextField label={t('scoring.scores.search')} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} type="search" />
        <SelectField
          label={t('scoring.scores.stage')}
          value={stageFilter}
          onChange={(e) => setStageFilter(e.target.value)}
          options={[{ value: '', label: t('scoring.scores.allStages') }, ...detail.stages.map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` }))]}
        />
        <SelectField
          label={t('scoring.scores.state')}
          value={stateFilter}
          onChange={(e) => setStateFilter(STATES.find((x) => x === e.target.value) ?? '')}
          options={[{ value: '', label: t('scoring.scores.allStates') }, ...STATES.map((x) => ({ value: x, label: t(`scoring.state.${x}`) }))]}
        />
      </div>
      {summary.total === null && !error ? <Spinner label={t('common.loading')} /> : null}
      {summary.total !== null && all === 0 ? <p className="field-hint">{t('scoring.scores.none')}</p> : null}
      {summary.total !== null && all > 0 ? (
        <>
          <p className="table-total" aria-live="polite" data-testid="scores-count">
            {t('scoring.scores.count', { count: all, n: formatCount(total, lang), total: formatCount(all, lang) })}
          </p>
          <TableWrap bare className="vtable-scroll vtable-scores" ref={scrollRef} landmark label={t('scoring.scores.region')}>
            <table className="table vtable" data-testid="scores-table" aria-rowcount={total + 1}>
              <colgroup>
                <col className="col-nomor" />
                <col />
                {shownStage ? null : <col className="col-stage" />}
                <col />
                {hasPanel ? <col /> : null}
                <col className="col-value" />
                <col className="col-state" />
                <col className="col-actions" />
              </colgroup>
              <thead>
                <tr aria-rowindex={1}>
                  <th scope="col">{t('scoring.col.nomor')}</th>
                  <th scope="col">{t('scoring.scores.name')}</th>
                  {shownStage ? null : <th scope="col">{t('scoring.stage')}</th>}
                  <th scope="col">{t('scoring.scores.item')}</th>
                  {hasPanel ? <th scope="col">{t('scoring.scores.panelist')}</th> : null}
                  <th scope="col" className="num">
                    {t('scoring.scores.value')}
                  </th>
                  <th scope="col">{t('scoring.col.state')}</th>
                  <th scope="col">{t('scoring.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                <SpacerRow height={padTop} columns={columns} />
                {visible.map((v) => {
                  const r = rowAt(v.index);
                  if (!r) {
                    return (
                      <tr key={`loading-${v.index}`} data-index={v.index} ref={virtualizer.measureElement} aria-rowindex={v.index + 2}>
                        <td colSpan={columns} className="cell-loading">
                          {t('common.loading')}
                        </td>
                      </tr>
                    );
                  }
                  return (
                    <tr
                      key={`${r.stage}|${r.nomorPeserta}|${r.item}|${r.panelist ?? ''}`}
                      data-index={v.index}
                      ref={virtualizer.measureElement}
                      aria-rowindex={v.index + 2}
                      data-testid={`score-${r.nomorPeserta}-${r.item}${r.panelist ? `-${r.panelist}` : ''}`}
                    >
                      <td>
                        <code>{r.nomorPeserta}</code>
                      </td>
                      <td className="cell-name">{r.nama || '—'}</td>
                      {shownStage ? null : <td>{r.stage}</td>}
                      <td className="cell-name">{itemName(r.stage, r.item)}</td>
                      {hasPanel ? <td>{r.panelist ?? (r.state === 'amended' ? t('scoring.scores.panelValue') : '—')}</td> : null}
                      <td className="num" data-testid="score-value">
                        {masked(r) ? <span title={t('scoring.scores.hidden')}>{t('scoring.scores.hiddenShort')}</span> : formatNumber(r.value, lang)}
                      </td>
                      <td>
                        <ScoreStateChip state={r.state} />
                        {r.mismatch ? <span className="badge badge-warn">{t('scoring.scores.mismatch')}</span> : null}
                      </td>
                      <td className="actions">
                        <button
                          type="button"
                          className="btn btn-small btn-secondary"
                          aria-label={t('scoring.history.of', { item: itemName(r.stage, r.item), nomor: r.nomorPeserta })}
                          onClick={() => setHistory({ stage: r.stage, nomorPeserta: r.nomorPeserta, item: r.item, panelist: r.panelist })}
                        >
                          {t('scoring.history.button')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
                <SpacerRow height={padBottom} columns={columns} />
              </tbody>
            </table>
            {total === 0 ? (
              <p className="vtable-empty" data-testid="scores-empty">
                {t('scoring.scores.noMatch')}
              </p>
            ) : null}
          </TableWrap>
        </>
      ) : null}

      <AmendmentsSection exam={exam} detail={detail} account={account} tick={amendTick} onDecided={() => void list.refresh()} />

      {history ? (
        <HistoryDialog
          exam={exam}
          target={history}
          item={itemsOf(history.stage).find((i) => i.code === history.item)}
          account={account}
          onClose={() => setHistory(null)}
          onRequested={() => setAmendTick((n) => n + 1)}
        />
      ) : null}
    </section>
  );
}

function HistoryDialog({
  exam,
  target,
  item,
  account,
  onClose,
  onRequested,
}: {
  exam: string;
  target: ScoreKey;
  item: StageItem | undefined;
  account: Account;
  onClose: () => void;
  onRequested: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = item?.name ?? target.item;
  // The history of the score opened, read when it is opened (and again after an amendment is asked for).
  const [row, setRow] = useState<ScoreHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    void api.invoke('scores.history', { exam, ...target }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setRow(r.value);
        setError(null);
      } else setError(scoringError(t, lang, r.error));
    });
    return () => {
      live = false;
    };
  }, [exam, target, tick, t, lang]);
  const hide = row ? masked(row) : false;
  const canAmend = row !== null && (account.role === 'chair' || account.role === 'coordinator') && SETTLED.has(row.state);

  return (
    <Dialog
      title={t('scoring.history.title', { item: label, nomor: target.nomorPeserta })}
      onClose={onClose}
      actions={
        <button type="button" className="btn btn-secondary" onClick={onClose} data-autofocus="true">
          {t('common.close')}
        </button>
      }
    >
      <div className="dialog-wide-content">
        <ErrorAlert>{error}</ErrorAlert>
        {row === null && !error ? <Spinner label={t('common.loading')} /> : null}
        {row ? (
          <>
            <p>
              {t('scoring.history.current')}{' '}
              <strong data-testid="history-current">{hide ? t('scoring.scores.hiddenShort') : formatNumber(row.value, lang)}</strong>{' '}
              <ScoreStateChip state={row.state} />
            </p>
            {hide ? <p className="field-hint">{t('scoring.scores.hidden')}</p> : null}
            <TableWrap>
              <table className="table" data-testid="history-table">
                <TableCaption>{t('scoring.history.caption', { count: row.history.length })}</TableCaption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      {t('scoring.col.no')}
                    </th>
                    <th scope="col" className="num">
                      {t('scoring.scores.value')}
                    </th>
                    <th scope="col">{t('scoring.history.source')}</th>
                    <th scope="col">{t('scoring.history.by')}</th>
                    <th scope="col">{t('scoring.history.at')}</th>
                    <th scope="col">{t('scoring.history.reason')}</th>
                    <th scope="col">{t('scoring.history.file')}</th>
                  </tr>
                </thead>
                <tbody>
                  {row.history.map((h, i) => (
                    <tr key={h.id} data-testid="history-row">
                      <td className="num">{i + 1}</td>
                      <td className="num">{hide ? t('scoring.scores.hiddenShort') : formatNumber(h.value, lang)}</td>
                      <td>{t(`scoring.source.${h.source}`, { defaultValue: h.source }) + (h.slot ? ` (${t(`scoring.slot.${h.slot}`, { defaultValue: h.slot })})` : '')}</td>
                      <td>{actorName(h.actor)}</td>
                      <td className="nowrap">{formatDateTimeWib(h.at, lang)}</td>
                      <td>{h.reason ?? '—'}</td>
                      <td>{h.file ? <code>{h.file}</code> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        ) : null}
        {canAmend ? (
          <AmendForm
            exam={exam}
            target={row}
            item={item}
            onRequested={() => {
              setTick((n) => n + 1);
              onRequested();
            }}
          />
        ) : null}
      </div>
    </Dialog>
  );
}

function AmendmentsSection({ exam, detail, account, tick, onDecided }: { exam: string; detail: ExamDetail; account: Account; tick: number; onDecided: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [list, setList] = useState<AmendmentRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<{ row: AmendmentRow; approve: boolean } | null>(null);

  const load = useCallback(async () => {
    const r = await api.invoke('amendments.list', { exam });
    if (!r.ok) {
      setError(scoringError(t, lang, r.error));
      return;
    }
    setError(null);
    setList(r.value);
  }, [exam, t, lang]);

  useEffect(() => {
    void load();
  }, [load, tick]);

  const itemOf = (stage: string, code: string) => stageItems(detail.stages.find((s) => s.code === stage)).find((i) => i.code === code);
  const valueOf = (a: AmendmentRow, units: number | null) => {
    const item = itemOf(a.stage, a.item);
    return units === null || !item ? '—' : formatNumber(fromUnits(item, units), lang);
  };
  const me = `user:${account.name}`;
  const pending = (list ?? []).filter((a) => !a.decision);
  const sorted = [...pending, ...(list ?? []).filter((a) => a.decision)];

  return (
    <section className="panel" aria-labelledby="amendments-title">
      <h2 id="amendments-title">{t('scoring.amendments.title')}</h2>
      <p className="field-hint">{t(account.role === 'coordinator' ? 'scoring.amendments.introCoordinator' : 'scoring.amendments.intro')}</p>
      <ErrorAlert>{error}</ErrorAlert>
      <Notice tone="success">{notice}</Notice>
      {list && list.length === 0 ? <p className="field-hint">{t('scoring.amendments.none')}</p> : null}
      {list && list.length > 0 ? (
        <TableWrap>
          <table className="table" data-testid="amendments-table">
            <TableCaption>{t('scoring.amendments.caption', { count: list.length, pending: pending.length })}</TableCaption>
            <thead>
              <tr>
                <th scope="col">{t('scoring.col.nomor')}</th>
                <th scope="col">{t('scoring.amendments.stage')}</th>
                <th scope="col">{t('scoring.scores.item')}</th>
                <th scope="col" className="num">
                  {t('scoring.amendments.from')}
                </th>
                <th scope="col" className="num">
                  {t('scoring.amendments.to')}
                </th>
                <th scope="col">{t('scoring.history.reason')}</th>
                <th scope="col">{t('scoring.amendments.requestedBy')}</th>
                <th scope="col">{t('scoring.col.state')}</th>
                {account.role === 'coordinator' ? <th scope="col">{t('scoring.col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {sorted.map((a) => (
                <tr key={a.id} data-testid={`amendment-${a.nomorPeserta}-${a.item}`}>
                  <td>
                    <code>{a.nomorPeserta}</code>
                  </td>
                  <td>{a.stage}</td>
                  <td>{itemOf(a.stage, a.item)?.name ?? a.item}</td>
                  <td className="num">{valueOf(a, a.oldUnits)}</td>
                  <td className="num">{valueOf(a, a.newUnits)}</td>
                  <td>{a.reason}</td>
                  <td>
                    {actorName(a.requestedBy)}
                    <span className="col-sub">{formatDateTimeWib(a.requestedAt, lang)}</span>
                  </td>
                  <td>
                    <span className={`badge ${a.decision === 'approved' ? 'badge-ok' : a.decision === 'rejected' ? 'badge-muted' : 'badge-warn'}`}>
                      {t(`scoring.amendments.decision.${a.decision ?? 'pending'}`)}
                    </span>
                    {a.decidedBy ? (
                      <span className="col-sub">
                        {actorName(a.decidedBy)}
                        {a.decidedAt ? `, ${formatDateTimeWib(a.decidedAt, lang)}` : ''}
                        {a.note ? ` — ${a.note}` : ''}
                      </span>
                    ) : null}
                  </td>
                  {account.role === 'coordinator' ? (
                    <td className="actions">
                      {a.decision ? null : a.requestedBy === me ? (
                        <span className="field-hint">{t('scoring.amendments.own')}</span>
                      ) : (
                        <>
                          <button
                            type="button"
                            className="btn btn-small btn-primary"
                            aria-label={t('scoring.amendments.approveOf', { nomor: a.nomorPeserta, item: a.item })}
                            onClick={() => {
                              setNotice(null);
                              setDeciding({ row: a, approve: true });
                            }}
                          >
                            {t('scoring.amendments.approve')}
                          </button>
                          <button
                            type="button"
                            className="btn btn-small btn-secondary"
                            aria-label={t('scoring.amendments.rejectOf', { nomor: a.nomorPeserta, item: a.item })}
                            onClick={() => {
                              setNotice(null);
                              setDeciding({ row: a, approve: false });
                            }}
                          >
                            {t('scoring.amendments.reject')}
                          </button>
                        </>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {deciding ? (
        <DecideDialog
          row={deciding.row}
          approve={deciding.approve}
          from={valueOf(deciding.row, deciding.row.oldUnits)}
          to={valueOf(deciding.row, deciding.row.newUnits)}
          onCancel={() => setDeciding(null)}
          onDone={() => {
            setNotice(t(deciding.approve ? 'scoring.amendments.approved' : 'scoring.amendments.rejected', { nomor: deciding.row.nomorPeserta }));
            setDeciding(null);
            void load();
            onDecided();
          }}
        />
      ) : null}
    </section>
  );
}

function DecideDialog({
  row,
  approve,
  from,
  to,
  onCancel,
  onDone,
}: {
  row: AmendmentRow;
  approve: boolean;
  from: string;
  to: string;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api.invoke('amendments.decide', { requestId: row.id, approve, ...(note.trim() ? { note: note.trim() } : {}) });
    setBusy(false);
    if (!r.ok) {
      setError(scoringError(t, i18n.language, r.error));
      return;
    }
    onDone();
  }

  return (
    <Dialog
      title={t(approve ? 'scoring.amendments.approveTitle' : 'scoring.amendments.rejectTitle', { nomor: row.nomorPeserta, item: row.item })}
      onClose={onCancel}
      actions={
        <>
          <button type="submit" form="decide-form" className="btn btn-primary" disabled={busy}>
            {t(approve ? 'scoring.amendments.approveConfirm' : 'scoring.amendments.rejectConfirm')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </>
      }
    >
      <p>{t('scoring.amendments.change', { from, to })}</p>
      <p>
        {t('scoring.history.reason')}: {row.reason}
      </p>
      <form id="decide-form" onSubmit={(e) => void submit(e)} noValidate>
        <TextAreaField label={t('scoring.amendments.note')} value={note} onChange={setNote} autoFocus />
      </form>
      <ErrorAlert>{error}</ErrorAlert>
    </Dialog>
  );
}
