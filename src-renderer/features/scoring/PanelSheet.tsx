import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, type Account } from '../../api';
import { useLiveEvent } from '../../app/live';
import { formatDateTimeWib, formatDecimal, formatTimeWib } from '../../i18n/format';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField, TextAreaField } from '../../ui/fields';
import { AttendanceBadge } from '../exams/CandidatesTable';
import { FinalizationChip } from './chips';
import { FinalizeRefusal, useFinalizeRefusal } from './FinalizeRefusal';
import { scoringError } from './errors';
import { isFullResult, type PanelMember, type PanelOverview, type PanelSheet as Sheet, type ResultFull, type SheetCriterion } from './types';
import { useAutosave, type FieldState } from './useAutosave';
import { formatNumber, parseTyped, rangeProblem } from './values';
import { interviewLabelOf } from './interview-score';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

interface Props {
  exam: string;
  session: string;
  nomor: string;
  overview: PanelOverview;
  account: Account;
  onBack: () => void;
  onChanged: () => void;
}

/** One candidate's interview sheet: the rubric, my values, and the panel's result once I have submitted. */
export function PanelSheetView({ exam, session, nomor, overview, account, onBack, onChanged }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [sheet, setSheet] = useState<Sheet | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [finalizing, setFinalizing] = useState(false);
  // A refused finalization is said beside its button, not at the top of a long page.
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const result = await api.invoke('panel.sheet', { exam, session, nomorPeserta: nomor });
    if (!result.ok) {
      setError(scoringError(t, lang, result.error));
      return;
    }
    setSheet(result.value);
  }, [exam, session, nomor, t, lang]);

  useEffect(() => {
    void load();
  }, [load]);

  useLiveEvent(['panel.changed', 'attendance.changed'], (data) => {
    const d = data as { exam?: string; session?: string; nomorPeserta?: string } | null;
    if (!d || (d.exam === exam && (!d.session || d.session === session) && (!d.nomorPeserta || d.nomorPeserta === nomor))) void load();
  });

  const canScore = Boolean(sheet && sheet.role && !sheet.conflicted && sheet.attendance === 'present' && sheet.finalization === 'open');
  const isChair = sheet?.role === 'chair';

  // Without a field to type in, the focus goes to the candidate's name.
  useEffect(() => {
    if (sheet && !canScore) headingRef.current?.focus();
  }, [sheet === null, canScore]);

  const blocker = sheet && isChair ? finalizeBlocker(t, sheet) : null;
  const refusal = useFinalizeRefusal(blocker);

  if (!sheet) {
    return (
      <section className="panel">
        <ErrorAlert>{error}</ErrorAlert>
        {error ? null : <Spinner label={t('common.loading')} />}
        <button type="button" className="btn btn-secondary" onClick={onBack}>
          {t('scoring.sheet.back')}
        </button>
      </section>
    );
  }

  const full = isFullResult(sheet.result) ? sheet.result : null;
  const members = panelMembers(overview, sheet);
  const divergentLabels = full ? full.criteria.filter((c) => c.divergent).map((c) => c.label) : [];
  // The panel's weighted mean, named with the rubric's scale as the venue screen and the result sheet name it.
  const scoreLabel = interviewLabelOf(t, i18n.language, sheet.criteria);

  return (
    <section className="panel sheet" aria-labelledby="sheet-title" data-testid="panel-sheet">
      <div className="page-head">
        <h2 id="sheet-title" ref={headingRef} tabIndex={-1}>
          {t('scoring.sheet.title', { nama: sheet.candidate?.nama ?? nomor, nomor })}
        </h2>
        <button type="button" className="btn btn-secondary" onClick={onBack}>
          {t('scoring.sheet.back')}
        </button>
      </div>
      <dl className="facts session-facts">
        <dt>{t('scoring.col.nomor')}</dt>
        <dd>
          <code>{nomor}</code>
        </dd>
        <dt>{t('scoring.col.formasi')}</dt>
        <dd>{sheet.candidate?.kodeFormasi ?? '—'}</dd>
        <dt>{t('scoring.col.attendance')}</dt>
        <dd>
          <AttendanceBadge state={sheet.attendance} />
        </dd>
        <dt>{t('scoring.col.finalization')}</dt>
        <dd data-testid="sheet-finalization">
          <FinalizationChip state={sheet.finalization} />
        </dd>
        {sheet.role ? (
          <>
            <dt>{t('scoring.sheet.mine')}</dt>
            <dd data-testid="sheet-my-state">
              {sheet.submittedAt
                ? sheet.changedSinceSubmit
                  ? t('scoring.sheet.changedSinceSubmit', { time: formatTimeWib(sheet.submittedAt, lang) })
                  : t('scoring.sheet.submittedAt', { time: formatTimeWib(sheet.submittedAt, lang) })
                : t('scoring.sheet.notSubmitted')}
            </dd>
          </>
        ) : null}
      </dl>

      <PanelistsProgress sheet={sheet} members={members} account={account} />

      <ErrorAlert>{error}</ErrorAlert>
      <Notice tone="success">{notice}</Notice>
      {sheet.conflicted ? <Notice>{t('scoring.sheet.conflicted')}</Notice> : null}
      {sheet.role && !sheet.conflicted && sheet.attendance !== 'present' ? <Notice>{t(`scoring.sheet.notPresent.${sheet.attendance}`)}</Notice> : null}
      {sheet.finalization === 'finalized' ? <Notice>{t('scoring.sheet.finalizedReadOnly')}</Notice> : null}
      {sheet.finalization === 'awaiting_signoff' ? <Notice>{t('scoring.sheet.awaitingSignoff')}</Notice> : null}
      {!sheet.role ? <p className="field-hint">{t('scoring.sheet.notPanelist')}</p> : null}

      {sheet.role && !sheet.conflicted ? (
        <RubricForm
          key={`${session} ${nomor}`}
          exam={exam}
          session={session}
          sheet={sheet}
          editable={canScore}
          onSaved={() => {
            if (sheet.submittedAt) void load();
          }}
          onSubmitted={() => {
            setNotice(t('scoring.sheet.submitted'));
            void load();
            onChanged();
          }}
        />
      ) : null}

      {sheet.result.needsDiscussion && !sheet.result.discussed ? (
        <div className="alert alert-warn" role="status" data-testid="discussion-banner">
          {divergentLabels.length
            ? t('scoring.sheet.discussionNeeded', { criteria: divergentLabels.join(t('scoring.listSeparator')) })
            : t('scoring.sheet.discussionNeededShort')}
        </div>
      ) : null}
      {sheet.result.needsDiscussion && sheet.result.discussed ? <Notice>{t('scoring.sheet.discussed')}</Notice> : null}

      {full ? (
        <ResultTable result={full} members={members} totalLabel={scoreLabel} />
      ) : sheet.role && !sheet.conflicted ? (
        <p className="blind-note" data-testid="blind-note">
          {t('scoring.sheet.blind')}
        </p>
      ) : !sheet.result.complete ? (
        <p className="field-hint">{t('scoring.sheet.resultLater')}</p>
      ) : null}

      {sheet.notes.length ? <NotesList sheet={sheet} /> : null}
      {/* The chair records the discussion; an examiner too once all have submitted: a note never unlocks its own
          author's change, so the chair's change after that needs an examiner's record (core/scoring/panel.ts). */}
      {(isChair || (sheet.role && !sheet.conflicted)) && sheet.finalization === 'open' && sheet.result.complete ? (
        <NoteForm
          exam={exam}
          session={session}
          nomor={nomor}
          criteria={full ? full.criteria.map((c) => ({ code: c.code, label: c.label, divergent: c.divergent })) : sheet.criteria.map((c) => ({ code: c.code, label: c.label, divergent: false }))}
          onNoted={() => {
            setError(null);
            setNotice(t('scoring.note.done'));
            void load();
          }}
        />
      ) : null}
      {isChair && sheet.finalization === 'open' && sheet.attendance === 'present' ? (
        <div className="finalize-block" data-testid="finalize">
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={Boolean(blocker)}
              aria-describedby={blocker ? 'finalize-reason' : undefined}
              onClick={() => {
                setError(null);
                setNotice(null);
                refusal.setError(null);
                setFinalizing(true);
              }}
            >
              {t('scoring.finalize.one')}
            </button>
            {blocker ? (
              <p className="field-hint finalize-reason" id="finalize-reason" data-testid="finalize-reason">
                {blocker}
              </p>
            ) : null}
          </div>
          <FinalizeRefusal refusal={refusal} />
        </div>
      ) : null}

      {finalizing ? (
        <FinalizeDialog
          exam={exam}
          session={session}
          nomor={nomor}
          nama={sheet.candidate?.nama ?? nomor}
          total={full?.total ?? null}
          totalLabel={scoreLabel}
          panelists={sheet.panelists.map((p) => p.name)}
          criteria={sheet.criteria.map((c) => c.label)}
          onCancel={() => setFinalizing(false)}
          onError={(message) => {
            setFinalizing(false);
            refusal.setError(message);
            // The refusal means this page was behind: it catches up, so the button says why too.
            void load();
          }}
          onDone={() => {
            setFinalizing(false);
            setNotice(t('scoring.finalize.doneOne', { nama: sheet.candidate?.nama ?? nomor }));
            void load();
            onChanged();
          }}
        />
      ) : null}
    </section>
  );
}

/** Why the chair cannot finalize yet, in the words beside the disabled button; null when ready. */
function finalizeBlocker(t: TFunction, sheet: Sheet): string | null {
  const sep = t('scoring.listSeparator');
  if (!sheet.result.complete) {
    return sheet.result.waitingFor.length
      ? t('scoring.finalize.blockedWaiting', { names: sheet.result.waitingFor.join(sep) })
      : t('scoring.finalize.blockedNoPanel');
  }
  if (sheet.result.needsDiscussion && !sheet.result.discussed) {
    const divergent = isFullResult(sheet.result) ? sheet.result.criteria.filter((c) => c.divergent).map((c) => c.label) : [];
    return divergent.length
      ? t('scoring.finalize.blockedDiscussion', { criteria: divergent.join(sep) })
      : t('scoring.finalize.blockedDiscussionShort');
  }
  return null;
}

interface Column {
  key: string;
  name: string;
  account: string | null;
  role: string;
  submitted: boolean;
}

/** The panelists of this candidate (conflicted ones left out), keyed as the result keys their values. */
function panelMembers(overview: PanelOverview, sheet: Sheet): Column[] {
  return sheet.panelists.map((p) => {
    const m: PanelMember | undefined = overview.panel.find((x) => x.name === p.name && x.role === p.role);
    return { key: m?.account ?? m?.nip ?? p.name, name: p.name, account: m?.account ?? null, role: p.role, submitted: p.submitted };
  });
}

function PanelistsProgress({ sheet, members, account }: { sheet: Sheet; members: Column[]; account: Account }) {
  const { t } = useTranslation();
  const done = members.filter((m) => m.submitted).length;
  return (
    <div className="panelists">
      <h3>{t('scoring.sheet.panelistsTitle', { done, total: members.length })}</h3>
      <ul className="panelist-list">
        {members.map((m) => (
          <li key={m.key} data-testid={`panelist-${m.key}`}>
            <span className="panelist-name">
              {m.name}
              {m.account === account.name ? ` ${t('scoring.sheet.you')}` : ''}
            </span>{' '}
            <span className="field-hint">{t(`scoring.panelRole.${m.role}`)}</span>{' '}
            <span className={`badge ${m.submitted ? 'badge-ok' : 'badge-muted'}`}>
              {t(m.submitted ? 'scoring.sheet.hasSubmitted' : 'scoring.sheet.waiting')}
            </span>
          </li>
        ))}
      </ul>
      {sheet.result.complete ? null : (
        <p className="field-hint" data-testid="waiting-for">
          {t('scoring.sheet.waitingFor', { names: sheet.result.waitingFor.join(t('scoring.listSeparator')) })}
        </p>
      )}
    </div>
  );
}

function saveStatusText(t: TFunction, lang: string, f: FieldState | undefined): string {
  switch (f?.status.kind) {
    case 'pending':
      return t('scoring.save.pending');
    case 'saving':
      return t('scoring.save.saving');
    case 'saved':
      return f.status.at ? t('scoring.save.savedAt', { time: formatTimeWib(f.status.at, lang) }) : t('scoring.save.saved');
    case 'error':
      return f.status.message;
    default:
      return t('scoring.save.empty');
  }
}

function RubricForm({
  exam,
  session,
  sheet,
  editable,
  onSaved,
  onSubmitted,
}: {
  exam: string;
  session: string;
  sheet: Sheet;
  editable: boolean;
  onSaved: () => void;
  onSubmitted: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const nomor = sheet.candidate?.nomorPeserta ?? '';
  const criteria = sheet.criteria;
  const codes = useMemo(() => criteria.map((c) => c.code), [criteria]);
  const initial = useMemo(() => Object.fromEntries(criteria.map((c) => [c.code, c.mine])), []);
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const submitRef = useRef<HTMLButtonElement>(null);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const byCode = useMemo(() => new Map(criteria.map((c) => [c.code, c])), [criteria]);

  const { fields, change, flush, flushAll } = useAutosave({
    codes,
    initial,
    format: (v) => formatNumber(v, lang),
    check: (code, text) => {
      const c = byCode.get(code)!;
      const value = parseTyped(text);
      const p = rangeProblem(value, c);
      if (p) return { message: t(`scoring.range.${p.kind}`, { min: formatNumber(c.min, lang), max: formatNumber(c.max, lang), step: formatNumber(c.step, lang) }) };
      return { value: value! };
    },
    emptied: (_code, saved) => t('scoring.save.emptied', { value: formatNumber(saved, lang) }),
    save: async (code, value) => {
      const r = await api.invoke('panel.score', { exam, session, nomorPeserta: nomor, criterion: code, value });
      return r.ok ? { ok: true, at: r.value.savedAt } : { ok: false, message: scoringError(t, lang, r.error) };
    },
    onSaved,
  });

  // Opening a candidate puts the cursor in the first criterion: the examiner types at once.
  useEffect(() => {
    if (editable) inputs.current.get(codes[0] ?? '')?.focus();
  }, []);

  function onKey(e: KeyboardEvent<HTMLInputElement>, index: number) {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const code = codes[index]!;
    void flush(code);
    const next = codes[index + 1];
    if (next) inputs.current.get(next)?.focus();
    else submitRef.current?.focus();
  }

  async function askSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    await flushAll();
    setBusy(false);
    const missing = criteria.filter((c) => {
      const f = fields[c.code];
      const value = parseTyped(inputs.current.get(c.code)?.value ?? f?.text ?? '');
      return value === null || rangeProblem(value, c) !== null;
    });
    if (missing.length) {
      setProblem(t('scoring.sheet.fillAll', { criteria: missing.map((c) => c.label).join(t('scoring.listSeparator')) }));
      inputs.current.get(missing[0]!.code)?.focus();
      return;
    }
    setConfirming(true);
  }

  const resubmit = Boolean(sheet.submittedAt);
  const showSubmit = editable && (!sheet.submittedAt || sheet.changedSinceSubmit);

  return (
    <form className="rubric" onSubmit={(e) => void askSubmit(e)} noValidate aria-labelledby="rubric-title">
      <h3 id="rubric-title">{t(editable ? 'scoring.sheet.rubricTitle' : 'scoring.sheet.rubricReadOnly')}</h3>
      {editable ? <p className="field-hint">{t('scoring.sheet.keyboardHint')}</p> : null}
      {criteria.map((c, i) => (
        <CriterionField
          key={c.code}
          criterion={c}
          index={i}
          field={fields[c.code]}
          editable={editable}
          statusText={saveStatusText(t, lang, fields[c.code])}
          inputRef={(el) => {
            if (el) inputs.current.set(c.code, el);
            else inputs.current.delete(c.code);
          }}
          onChange={(text) => change(c.code, text)}
          onBlur={() => void flush(c.code)}
          onKeyDown={(e) => onKey(e, i)}
          onPick={(score) => {
            change(c.code, formatNumber(score, lang));
            void flush(c.code);
            inputs.current.get(c.code)?.focus();
          }}
        />
      ))}
      <ErrorAlert>{problem}</ErrorAlert>
      {showSubmit ? (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary btn-big" ref={submitRef} disabled={busy}>
            {t(resubmit ? 'scoring.sheet.resubmit' : 'scoring.sheet.submit')}
          </button>
        </div>
      ) : null}
      {confirming ? (
        <SubmitDialog
          exam={exam}
          session={session}
          sheet={sheet}
          values={criteria.map((c) => ({ label: c.label, text: fields[c.code]?.text ?? '' }))}
          onCancel={() => setConfirming(false)}
          onDone={() => {
            setConfirming(false);
            onSubmitted();
          }}
        />
      ) : null}
    </form>
  );
}

function CriterionField({
  criterion: c,
  index,
  field,
  editable,
  statusText,
  inputRef,
  onChange,
  onBlur,
  onKeyDown,
  onPick,
}: {
  criterion: SheetCriterion;
  index: number;
  field: FieldState | undefined;
  editable: boolean;
  statusText: string;
  inputRef: (el: HTMLInputElement | null) => void;
  onChange: (text: string) => void;
  onBlur: () => void;
  onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => void;
  onPick: (score: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const id = useId();
  const current = parseTyped(field?.text ?? '');
  const kind = field?.status.kind ?? 'empty';
  return (
    <fieldset className="criterion" data-testid={`criterion-${c.code}`}>
      <legend>
        {index + 1}. {c.label} <span className="criterion-weight">{t('scoring.sheet.weight', { weight: formatNumber(c.weight, lang) })}</span>
      </legend>
      {c.description ? <p className="criterion-description">{c.description}</p> : null}
      <ul className="levels" aria-label={t('scoring.sheet.levels', { label: c.label })}>
        {c.levels.map((l) => (
          <li key={l.score}>
            <button
              type="button"
              tabIndex={-1}
              className="level"
              aria-pressed={current === l.score}
              disabled={!editable}
              onClick={() => onPick(l.score)}
            >
              <span className="level-score">{formatNumber(l.score, lang)}</span>
              <span className="level-label">{l.label}</span>
              {l.description ? <span className="level-description">{l.description}</span> : null}
            </button>
          </li>
        ))}
      </ul>
      <div className="criterion-input">
        <label htmlFor={id}>{t('scoring.sheet.valueLabel', { label: c.label })}</label>
        <input
          id={id}
          ref={inputRef}
          className="score-input"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          value={field?.text ?? ''}
          readOnly={!editable}
          aria-invalid={kind === 'error' ? true : undefined}
          aria-describedby={`${id}-range ${id}-status`}
          onChange={(e) => onChange(e.target.value)}
          onBlur={onBlur}
          onKeyDown={onKeyDown}
        />
        <span className="field-hint" id={`${id}-range`}>
          {t('scoring.sheet.range', { min: formatNumber(c.min, lang), max: formatNumber(c.max, lang) })}
        </span>
        {editable ? (
          <span id={`${id}-status`} className={`save-status save-${kind}`} data-testid={`save-${c.code}`}>
            {statusText}
          </span>
        ) : (
          <span id={`${id}-status`} />
        )}
      </div>
    </fieldset>
  );
}

function SubmitDialog({
  exam,
  session,
  sheet,
  values,
  onCancel,
  onDone,
}: {
  exam: string;
  session: string;
  sheet: Sheet;
  values: { label: string; text: string }[];
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nama = sheet.candidate?.nama ?? '';

  async function confirm() {
    setBusy(true);
    setError(null);
    const r = await api.invoke('panel.submit', { exam, session, nomorPeserta: sheet.candidate?.nomorPeserta ?? '' });
    setBusy(false);
    if (!r.ok) {
      setError(scoringError(t, i18n.language, r.error));
      return;
    }
    onDone();
  }

  return (
    <Dialog
      title={t('scoring.submitDialog.title', { nama })}
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="btn btn-primary" onClick={() => void confirm()} disabled={busy} data-autofocus="true">
            {t('scoring.submitDialog.confirm')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </>
      }
    >
      <p>{t('scoring.submitDialog.body')}</p>
      <dl className="facts">
        {values.map((v) => (
          <div key={v.label} className="facts-row">
            <dt>{v.label}</dt>
            <dd>{v.text}</dd>
          </div>
        ))}
      </dl>
      <p className="field-hint">{t('scoring.submitDialog.after')}</p>
      <ErrorAlert>{error}</ErrorAlert>
    </Dialog>
  );
}

function ResultTable({ result, members, totalLabel }: { result: ResultFull; members: Column[]; totalLabel: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <TableWrap>
      <table className="table result-table" data-testid="panel-result">
        <TableCaption>{t(result.complete ? 'scoring.result.caption' : 'scoring.result.captionPartial')}</TableCaption>
        <thead>
          <tr>
            <th scope="col">{t('scoring.result.criterion')}</th>
            <th scope="col" className="num">
              {t('scoring.result.weight')}
            </th>
            {members.map((m) => (
              <th scope="col" key={m.key} className="num" data-testid={`result-col-${m.key}`}>
                {m.name}
                {m.account ? <span className="col-sub">{m.account}</span> : null}
              </th>
            ))}
            <th scope="col" className="num">
              {t('scoring.result.aggregate')}
            </th>
            <th scope="col" className="num">
              {t('scoring.result.spread')}
            </th>
          </tr>
        </thead>
        <tbody>
          {result.criteria.map((c) => (
            <tr key={c.code} className={c.divergent ? 'row-divergent' : undefined} data-testid={`result-${c.code}`}>
              <th scope="row">
                {c.label}
                {c.divergent ? <span className="badge badge-warn badge-after">{t('scoring.result.divergent')}</span> : null}
              </th>
              <td className="num">{formatNumber(c.weight, lang)}</td>
              {members.map((m) => {
                const v = c.values[m.key];
                return (
                  <td key={m.key} className="num">
                    {v === undefined ? <span className="badge badge-muted">{t('scoring.sheet.waiting')}</span> : formatNumber(v, lang)}
                  </td>
                );
              })}
              <td className="num">{c.aggregate ? formatDecimal(c.aggregate, lang) : '—'}</td>
              <td className="num">{Object.keys(c.values).length ? formatNumber(c.spread, lang) : '—'}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2 + members.length}>
              {totalLabel}
            </th>
            <td className="num" data-testid="result-total">
              {result.total ? formatDecimal(result.total, lang) : t('scoring.result.totalLater')}
            </td>
            <td />
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}

function NotesList({ sheet }: { sheet: Sheet }) {
  const { t, i18n } = useTranslation();
  const label = (code: string | null) => (code ? (sheet.criteria.find((c) => c.code === code)?.label ?? code) : t('scoring.note.general'));
  return (
    <div className="notes">
      <h3>{t('scoring.note.listTitle')}</h3>
      <ul className="note-list" data-testid="notes">
        {sheet.notes.map((n, i) => (
          <li key={`${n.at} ${i}`}>
            <p className="note-meta">
              <strong>{label(n.criterion)}</strong> · {n.author} · {formatDateTimeWib(n.at, i18n.language)}
            </p>
            <p className="note-text">{n.note}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

function NoteForm({
  exam,
  session,
  nomor,
  criteria,
  onNoted,
}: {
  exam: string;
  session: string;
  nomor: string;
  criteria: { code: string; label: string; divergent: boolean }[];
  onNoted: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [criterion, setCriterion] = useState(() => criteria.find((c) => c.divergent)?.code ?? '');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (note.trim().length < 5) {
      setProblem(t('scoring.reasonShort'));
      return;
    }
    setProblem(null);
    setBusy(true);
    const r = await api.invoke('panel.note', { exam, session, nomorPeserta: nomor, ...(criterion ? { criterion } : {}), note: note.trim() });
    setBusy(false);
    if (!r.ok) {
      setError(scoringError(t, i18n.language, r.error));
      return;
    }
    setNote('');
    onNoted();
  }

  return (
    <form className="note-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('scoring.note.title')}</h3>
      <div className="narrow-form">
        <SelectField
          label={t('scoring.note.criterion')}
          value={criterion}
          onChange={(e) => setCriterion(e.target.value)}
          options={[
            { value: '', label: t('scoring.note.general') },
            ...criteria.map((c) => ({ value: c.code, label: c.divergent ? t('scoring.note.divergentOption', { label: c.label }) : c.label })),
          ]}
        />
      </div>
      <TextAreaField label={t('scoring.note.text')} hint={t('scoring.note.hint')} value={note} onChange={setNote} error={problem} />
      <ErrorAlert>{error}</ErrorAlert>
      <div className="form-actions">
        <button type="submit" className="btn btn-secondary" disabled={busy}>
          {t('scoring.note.submit')}
        </button>
      </div>
    </form>
  );
}

function FinalizeDialog({
  exam,
  session,
  nomor,
  nama,
  total,
  totalLabel,
  panelists,
  criteria,
  onCancel,
  onError,
  onDone,
}: {
  exam: string;
  session: string;
  nomor: string;
  nama: string;
  total: string | null;
  /** what `total` is: the interview score on the rubric's scale */
  totalLabel: string;
  panelists: string[];
  criteria: string[];
  onCancel: () => void;
  onError: (message: string) => void;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    const r = await api.invoke('panel.finalize', { exam, session, nomorPeserta: nomor });
    setBusy(false);
    if (!r.ok) {
      onError(scoringError(t, lang, r.error));
      return;
    }
    onDone();
  }

  return (
    <Dialog
      title={t('scoring.finalize.titleOne', { nama, nomor })}
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="btn btn-primary" onClick={() => void confirm()} disabled={busy}>
            {t('scoring.finalize.confirm')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onCancel} data-autofocus="true">
            {t('common.cancel')}
          </button>
        </>
      }
    >
      {total ? <p>{t('scoring.finalize.total', { label: totalLabel, total: formatDecimal(total, lang) })}</p> : null}
      <p>{t('scoring.finalize.locksOne', { nama })}</p>
      <ul className="finalize-locks" data-testid="finalize-locks">
        <li>{t('scoring.finalize.locksValues', { count: panelists.length, names: panelists.join(t('scoring.listSeparator')) })}</li>
        <li>{t('scoring.finalize.locksCriteria', { count: criteria.length, criteria: criteria.join(t('scoring.listSeparator')) })}</li>
        <li>{t('scoring.finalize.locksTotal')}</li>
      </ul>
      <p>{t('scoring.finalize.after')}</p>
    </Dialog>
  );
}
