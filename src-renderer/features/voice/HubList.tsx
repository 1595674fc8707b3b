import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody, Result } from '../../api';
import { useLiveEvent } from '../../app/live';
import { errorMessage } from '../../i18n/errors';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import type { LogEntry } from './model';
import { LogNote } from './LogNote';
import { useLatestOnly } from '../../app/latest';

/** What every list the hub keeps for the committee (objections, reports) has in common. */
type Filed = { status: string; filedAt: string };

/** One of the hub's lists for an exam, as the sections show it. */
export type HubList<T extends Filed> = { rows: T[] | null; error: ErrorBody | null; loading: boolean; load: () => Promise<void> };

/**
 * The rows of one of the hub's lists for an exam, newest first, fetched again on demand and whenever the hub's voice
 * changes. `fetchList` should be a stable function (declared at module level), or every render fetches again.
 */
export function useHubList<T extends Filed>(fetchList: (exam: string) => Promise<Result<readonly T[]>>, exam: string): HubList<T> {
  const [rows, setRows] = useState<T[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [loading, setLoading] = useState(false);

  const latest = useLatestOnly();
  const load = useCallback(async () => {
    setLoading(true);
    const current = latest.ask();
    const r = await fetchList(exam);
    if (!current()) return; // another exam was picked, or the list read again, meanwhile
    setLoading(false);
    if (!r.ok) {
      setError(r.error);
      setRows([]);
      return;
    }
    setError(null);
    setRows([...r.value].sort((a, b) => b.filedAt.localeCompare(a.filedAt)));
  }, [fetchList, exam, latest]);
  useEffect(() => {
    setRows(null);
    void load();
  }, [load]);
  useLiveEvent(['voice.changed'], () => void load());
  return { rows, error, loading, load };
}

/**
 * A section listing one of the hub's lists: the title and intro, a filter by status and a reload button, the error,
 * loading and empty states, and the table (its columns named under `voice.col`, an actions column for the coordinator).
 * `kind` names the translations (`voice.<kind>.*`) and the test ids; `children` go after the table (the dialogs).
 */
export function HubListSection<T extends Filed>({
  kind,
  statusKey,
  statuses,
  canAnswer,
  list,
  columns,
  row,
  children,
}: {
  kind: 'objections' | 'reports';
  statusKey: 'objectionStatus' | 'reportStatus';
  statuses: readonly T['status'][];
  canAnswer: boolean;
  list: HubList<T>;
  columns: readonly string[];
  row: (r: T) => ReactNode;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<T['status'] | ''>('');
  const { rows, error, loading, load } = list;
  const shown = (rows ?? []).filter((r) => !status || r.status === status);
  const statusLabel = (s: string) => t(`voice.${statusKey}.${s}`);

  return (
    <section className="panel" aria-labelledby={`voice-${kind}-title`} data-testid={`voice-${kind}`}>
      <h2 id={`voice-${kind}-title`}>{t(`voice.${kind}.title`)}</h2>
      <p className="field-hint">{t(canAnswer ? `voice.${kind}.introCoordinator` : `voice.${kind}.introObserver`)}</p>
      <div className="voice-tools">
        <SelectField
          label={t(`voice.${kind}.filter`)}
          value={status}
          onChange={(e) => setStatus(statuses.find((s) => s === e.target.value) ?? '')}
          options={[{ value: '', label: t('voice.allStatuses') }, ...statuses.map((s) => ({ value: s, label: statusLabel(s) }))]}
        />
        <button type="button" className="btn btn-secondary" onClick={() => void load()} disabled={loading}>
          {t('voice.reload')}
        </button>
      </div>
      <ErrorAlert>{error ? errorMessage(t, i18n.language, error) : null}</ErrorAlert>
      {rows === null ? <Spinner label={t('common.loading')} /> : null}
      {rows && rows.length === 0 && !error ? <p className="voice-empty">{t(`voice.${kind}.none`)}</p> : null}
      {rows && rows.length > 0 && shown.length === 0 ? <p className="voice-empty">{t('voice.noMatch')}</p> : null}
      {shown.length > 0 ? (
        <TableWrap>
          <table className="table voice-table" data-testid={`${kind}-table`}>
            <TableCaption>{t(`voice.${kind}.caption`, { count: shown.length })}</TableCaption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {t(`voice.col.${c}`)}
                  </th>
                ))}
                {canAnswer ? <th scope="col">{t('voice.col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>{shown.map(row)}</tbody>
          </table>
        </TableWrap>
      ) : null}
      {children}
    </section>
  );
}

/**
 * The dialog in which the coordinator answers one entry of a list: what was filed (`facts`), then the form (`children`
 * hold its fields, before the error and the send button) until the answer is logged, then what the hub logged.
 */
export function AnswerDialog({
  title,
  onClose,
  extraActions,
  facts,
  done,
  formId,
  onSubmit,
  busy,
  error,
  sendLabel,
  children,
}: {
  title: string;
  onClose: () => void;
  extraActions?: ReactNode;
  facts: ReactNode;
  done: { notice: string; entry: LogEntry } | null;
  formId?: string;
  onSubmit: (e: FormEvent) => Promise<void>;
  busy: boolean;
  error: string | null;
  sendLabel: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <>
          {extraActions}
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            {t('common.close')}
          </button>
        </>
      }
    >
      <dl className="facts">{facts}</dl>
      {done ? (
        <>
          <Notice tone="success">{done.notice}</Notice>
          <LogNote entry={done.entry} />
        </>
      ) : (
        <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate aria-busy={busy || undefined}>
          {children}
          <ErrorAlert>{error}</ErrorAlert>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? t('voice.sending') : sendLabel}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
