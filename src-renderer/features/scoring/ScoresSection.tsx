import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account, type ExamDetail } from '../../api';
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
import type { AmendmentRow, ScoreRow, ScoreState, StageItem } from './types';
import { formatNumber, fromUnits, stageItems } from './values';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { SpacerRow } from '../../ui/SpacerRow';

const ROW_HEIGHT = 41;
const SETTLED = new Set(['confirmed', 'finalized', 'amended']);
/** The states as the registry names them (core/scoring/scores.ts), in the order a score goes through them. */
const STATES: readonly ScoreState[] = ['draft', 'submitted', 'confirmed', 'finalized', 'amended'];

/** A panelist's own value before the panel is final stays hidden here too: the sheet is where it is seen. */
function masked(row: ScoreRow): boolean {
  return row.panelist !== null && row.state !== 'finalized';
}

function rowKey(r: ScoreRow): string {
  return `${r.stage}|${r.nomorPeserta}|${r.item}|${r.panelist ?? ''}`;
}

/**
 * Every score of a stage (or of every stage) with its state, its history, and the amendments asked for and decided.
 * All entries are in the page's memory, searched and filtered there; only the rows on screen are drawn.
 */
export function ScoresSection({ exam, stage, detail, account }: { exam: string; stage: string; detail: ExamDetail; account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<ScoreRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [stageFilter, setStageFilter] = useState(stage);
  const [stateFilter, setStateFilter] = useState<ScoreState | ''>('');
  const [history, setHistory] = useState<string | null>(null);
  const [amendTick, setAmendTick] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const itemsOf = useCallback((code: string) => stageItems(detail.stages.find((s) => s.code === code)), [detail]);
  const itemName = (stageCode: string, code: string) => itemsOf(stageCode).find((i) => i.code === code)?.name ?? code;

  const load = useCallback(async () => {
    const r = await api.invoke('scores.list', { exam, ...(stageFilter ? { stage: stageFilter } : {}) });
    if (!r.ok) {
      setError(scoringError(t, lang, r.error));
      return;
    }
    setError(null);
    setRows(r.value);
  }, [exam, stageFilter, t, lang]);

  useEffect(() => {
    setRows(null);
    void load();
  }, [load]);

  // Every score of a stage is seconds of the server's time at 100,000 candidates: reloads paced by their cost.
  const reload = useCallback(async () => {
    await load();
    setAmendTick((n) => n + 1);
  }, [load]);
  useLiveReload(['scores.changed', 'panel.changed'], (d) => {
    const x = d as { exam?: string } | null;
    return !x || !x.exam || x.exam === exam;
  }, reload);

  const query = search.trim().toLocaleLowerCase(lang);
  const filtered = useMemo(
    () =>
      (rows ?? []).filter(
        (r) =>
          (!stateFilter || r.state === stateFilter) &&
          (!query || r.nomorPeserta.includes(query) || r.nama.toLocaleLowerCase(lang).includes(query)),
      ),
    [rows, stateFilter, query, lang],
  );
  const open = history ? (rows ?? []).find((r) => rowKey(r) === history) : undefined;
  const hasPanel = (rows ?? []).some((r) => r.panelist !== null);
  const columns = 6 + (hasPanel ? 1 : 0) + (stageFilter ? 0 : 1);

  const virtualizer = useVirtualizer({
    count: filtered.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  // Another search or filter: back to the top, where its first match is.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [query, stateFilter, stageFilter]);
  const visible = virtualizer.getVirtualItems();
  const padTop = visible[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (visible.at(-1)?.end ?? 0));

  return (
    <section aria-labelledby="scores-title">
      <h2 id="scores-title">{stageFilter ? t('scoring.scores.title', { stage: stageFilter }) : t('scoring.scores.titleAll')}</h2>
      <p className="field-hint">{t('scoring.scores.intro')}</p>
      <ErrorAlert>{error}</ErrorAlert>
      <div className="filters filters-scores" role="search" aria-label={t('scoring.scores.filters')}>
        <TextField label={t('scoring.scores.search')} value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" spellCheck={false} type="search" />
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
      {rows === null && !error ? <Spinner label={t('common.loading')} /> : null}
      {rows && rows.length === 0 ? <p className="field-hint">{t('scoring.scores.none')}</p> : null}
      {rows && rows.length > 0 ? (
        <>
          <p className="table-total" aria-live="polite" data-testid="scores-count">
            {t('scoring.scores.count', { count: rows.length, n: formatCount(filtered.length, lang), total: formatCount(rows.length, lang) })}
          </p>
          <TableWrap bare className="vtable-scroll vtable-scores" ref={scrollRef} landmark label={t('scoring.scores.region')}>
            <table className="table vtable" data-testid="scores-table" aria-rowcount={filtered.length + 1}>
              <colgroup>
                <col className="col-nomor" />
                <col />
                {stageFilter ? null : <col className="col-stage" />}
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
                  {stageFilter ? null : <th scope="col">{t('scoring.stage')}</th>}
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
                  const r = filtered[v.index]!;
                  return (
                    <tr
                      key={rowKey(r)}
                      data-index={v.index}
                      ref={virtualizer.measureElement}
                      aria-rowindex={v.index + 2}
                      data-testid={`score-${r.nomorPeserta}-${r.item}${r.panelist ? `-${r.panelist}` : ''}`}
                    >
                      <td>
                        <code>{r.nomorPeserta}</code>
                      </td>
                      <td className="cell-name">{r.nama || '—'}</td>
                      {stageFilter ? null : <td>{r.stage}</td>}
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
                          onClick={() => setHistory(rowKey(r))}
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
            {filtered.length === 0 ? (
              <p className="vtable-empty" data-testid="scores-empty">
                {t('scoring.scores.noMatch')}
              </p>
            ) : null}
          </TableWrap>
        </>
      ) : null}

      <AmendmentsSection exam={exam} detail={detail} account={account} tick={amendTick} onDecided={() => void load()} />

      {open ? (
        <HistoryDialog
          exam={exam}
          row={open}
          item={itemsOf(open.stage).find((i) => i.code === open.item)}
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
  row,
  item,
  account,
  onClose,
  onRequested,
}: {
  exam: string;
  row: ScoreRow;
  item: StageItem | undefined;
  account: Account;
  onClose: () => void;
  onRequested: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = item?.name ?? row.item;
  const hide = masked(row);
  const canAmend = (account.role === 'chair' || account.role === 'coordinator') && SETTLED.has(row.state);

  return (
    <Dialog
      title={t('scoring.history.title', { item: label, nomor: row.nomorPeserta })}
      onClose={onClose}
      actions={
        <button type="button" className="btn btn-secondary" onClick={onClose} data-autofocus="true">
          {t('common.close')}
        </button>
      }
    >
      <div className="dialog-wide-content">
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
        {canAmend ? <AmendForm exam={exam} target={row} item={item} onRequested={onRequested} /> : null}
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
