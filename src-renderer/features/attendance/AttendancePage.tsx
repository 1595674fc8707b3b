import { useCallback, useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import {
  api,
  type Account,
  type AttendanceLine,
  type AttendanceList,
  type CheckInValue,
  type CloseSessionValue,
  type ErrorBody,
  type ExamSession,
  type Result,
} from '../../api';
import { useExamChoice } from '../../app/exams';
import { errorMessage } from '../../i18n/errors';
import { formatDateTimeWib, formatLongDateTimeWib, formatTimeWib } from '../../i18n/format';
import { Dialog } from '../../ui/Dialog';
import { EmptyState, ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { AttendancePrint } from './AttendancePrint';
import { AttendanceTable } from './AttendanceTable';
import { useSessionList } from './useSessionList';
import { useCommand } from '../../ui/useCommand';

const CHOICE_KEY = 'lentera.attendance';

function storedChoice(): { exam?: string; session?: string } {
  try {
    return JSON.parse(sessionStorage.getItem(CHOICE_KEY) ?? '{}') as { exam?: string; session?: string };
  } catch {
    return {};
  }
}

function storeChoice(exam: string, session: string): void {
  try {
    sessionStorage.setItem(CHOICE_KEY, JSON.stringify({ exam, session }));
  } catch {
    // storage disabled: the clerk picks the session again after a reload
  }
}

type Outcome = { ok: true; value: CheckInValue } | { ok: false; nomor: string; error: ErrorBody };

/** Check-in at the door: pick the session, scan or type the number, see at once who it is. */
export function AttendancePage({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const canCheckIn = account.role === 'clerk' || account.role === 'coordinator';
  const canClose = account.role === 'coordinator';
  const choice = useExamChoice(storedChoice().exam);
  const { exams, exam, setExam, detail } = choice;
  const [session, setSession] = useState(() => storedChoice().session ?? '');
  const { list, error, reload, send } = useSessionList(exam, session, choice.reload);
  const [notice, setNotice] = useState<string | null>(null);
  const [printing, setPrinting] = useState(false);
  const [undoing, setUndoing] = useState<AttendanceLine | null>(null);
  const [closing, setClosing] = useState(false);
  // Bumped after a dialog closes: the scanner's input gets the focus back for the next card.
  const [deskFocus, setDeskFocus] = useState(0);
  const deskInput = useRef<HTMLInputElement>(null);
  // Arrow keys on a closed <select> change its value at once, so every session passed on the way is a change. While
  // the clerk is still browsing, the number field must not take the focus (the next arrow would land in it); the
  // choice is made with Enter, Tab, a click, or the first digit of a scanned card.
  const browsingSessions = useRef(false);
  const [deskAutoFocus, setDeskAutoFocus] = useState(true);

  // A session that is not in the chosen exam is no choice.
  useEffect(() => {
    if (detail) setSession((cur) => (detail.sessions.some((s) => s.code === cur) ? cur : ''));
  }, [detail]);

  useEffect(() => {
    if (exam && session) storeChoice(exam, session);
  }, [exam, session]);

  // A check-in changes its one line in place, from the answer; its live event is known as this desk's own.
  const checkIn = useCallback(
    (nomor: string) =>
      send(
        nomor,
        () => api.invoke('attendance.checkIn', { exam, session, nomorPeserta: nomor }),
        (v) => ({ nomorPeserta: v.nomorPeserta, state: 'present', at: v.at, by: v.by }),
      ),
    [send, exam, session],
  );
  const onUndo = useCallback((line: AttendanceLine) => {
    setNotice(null);
    setUndoing(line);
  }, []);

  const current: ExamSession | undefined = detail?.sessions.find((s) => s.code === session);
  const stageName = (code: string) => detail?.stages.find((s) => s.code === code)?.name ?? code;
  const closed = Boolean(current?.closedAt ?? list?.session.closedAt);
  const digitCodes = Boolean(detail?.sessions.some((s) => /^[0-9]/.test(s.code)));

  if (printing && list) {
    return <AttendancePrint list={list} onBack={() => setPrinting(false)} />;
  }

  return (
    <div className="page-section">
      <div className="page-head">
        <h1>{t('attendance.title')}</h1>
        {list ? (
          <div className="form-actions">
            <button type="button" className="btn btn-secondary" onClick={() => setPrinting(true)}>
              {t('attendance.print.open')}
            </button>
            {canClose && !closed ? (
              <button type="button" className="btn btn-primary" onClick={() => setClosing(true)}>
                {t('attendance.close.open')}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      <p className="lead">{t(canCheckIn ? 'attendance.intro' : 'attendance.introReadOnly')}</p>
      <ErrorAlert>{error ? errorMessage(t, lang, error) : choice.error ? errorMessage(t, lang, choice.error) : null}</ErrorAlert>
      <Notice tone="success">{notice}</Notice>

      {exams === null ? (
        <Spinner label={t('common.loading')} />
      ) : exams.length === 0 ? (
        <EmptyState title={t('attendance.noExam')}>
          <p>{t('attendance.noExamBody')}</p>
        </EmptyState>
      ) : (
        <>
          <div className="pickers">
            <SelectField
              label={t('attendance.exam')}
              value={exam}
              onChange={(e) => {
                setExam(e.target.value);
                setSession('');
                setNotice(null);
              }}
              options={exams.map((e) => ({ value: e.code, label: `${e.code} — ${e.name}` }))}
            />
            <SelectField
              label={t('attendance.session')}
              value={session}
              onChange={(e) => {
                setDeskAutoFocus(!browsingSessions.current);
                setSession(e.target.value);
                setNotice(null);
              }}
              onMouseDown={() => {
                browsingSessions.current = false;
              }}
              onKeyUp={() => {
                browsingSessions.current = false;
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  deskInput.current?.focus();
                } else if (/^[0-9]$/.test(e.key) && deskInput.current && !digitCodes) {
                  // A scanner types into whatever has the focus: its digits belong in the number field (unless some
                  // session code starts with a digit, when a digit is the dropdown's type-ahead). Moving the focus
                  // during keydown lets the browser put this very digit into the field.
                  deskInput.current.focus();
                } else if (e.key !== 'Tab' && !e.altKey) {
                  browsingSessions.current = true;
                }
              }}
              options={[
                { value: '', label: t('attendance.chooseSession') },
                ...(detail?.sessions ?? []).map((s) => ({
                  value: s.code,
                  label: t('attendance.sessionOption', {
                    code: s.code,
                    room: s.room,
                    time: formatLongDateTimeWib(s.startsAt, lang),
                    state: t(s.closedAt ? 'attendance.closed' : 'attendance.open'),
                  }),
                })),
              ]}
            />
          </div>
          {current ? (
            <dl className="facts session-facts" data-testid="session-facts">
              <dt>{t('attendance.fact.stage')}</dt>
              <dd>{stageName(current.stage)}</dd>
              <dt>{t('attendance.fact.room')}</dt>
              <dd>
                {current.room}
                {list?.session.venue ? `, ${list.session.venue.name}` : ''}
              </dd>
              <dt>{t('attendance.fact.startsAt')}</dt>
              <dd>{formatLongDateTimeWib(current.startsAt, lang)}</dd>
              <dt>{t('attendance.fact.state')}</dt>
              <dd>
                <span className={`badge ${current.closedAt ? 'badge-muted' : 'badge-ok'}`} data-testid="session-state">
                  {t(current.closedAt ? 'attendance.closed' : 'attendance.open')}
                </span>
                {current.closedAt ? t('attendance.closedAt', { time: formatDateTimeWib(current.closedAt, lang) }) : null}
              </dd>
            </dl>
          ) : (
            <p className="field-hint">{t('attendance.pickSession')}</p>
          )}

          {current && canCheckIn ? (
            closed ? (
              <Notice>{t('attendance.closedNoCheckIn')}</Notice>
            ) : (
              <CheckInDesk
                key={`${exam} ${current.code}`}
                inputRef={deskInput}
                autoFocus={deskAutoFocus}
                focusTick={deskFocus}
                checkIn={checkIn}
              />
            )
          ) : null}

          {list && current ? (
            <AttendanceTable list={list} canUndo={canCheckIn && !closed} onUndo={onUndo} />
          ) : current && !error ? (
            <Spinner label={t('common.loading')} />
          ) : null}
        </>
      )}

      {undoing && list ? (
        <UndoDialog
          line={undoing}
          undo={(reason) =>
            send(
              undoing.nomorPeserta,
              () => api.invoke('attendance.undo', { exam, session: list.session.code, nomorPeserta: undoing.nomorPeserta, reason }),
              (v) => ({ nomorPeserta: v.nomorPeserta, state: 'pending', at: null, by: null }),
            )
          }
          onCancel={() => {
            setUndoing(null);
            setDeskFocus((n) => n + 1);
          }}
          onDone={() => {
            setNotice(t('attendance.undo.done', { nama: undoing.nama, nomor: undoing.nomorPeserta }));
            setUndoing(null);
            setDeskFocus((n) => n + 1);
          }}
        />
      ) : null}
      {closing && list ? (
        <CloseDialog
          list={list}
          close={() => send(null, () => api.invoke('sessions.close', { exam, session: list.session.code }))}
          onCancel={() => setClosing(false)}
          onDone={(v) => {
            setClosing(false);
            setNotice(t('attendance.close.done', { session: v.session, present: v.present, absent: v.absent }));
            choice.reload();
            reload();
          }}
        />
      ) : null}
    </div>
  );
}

/** The big input a USB scanner types into (digits, then Enter), with the answer under it. */
function CheckInDesk({
  inputRef,
  autoFocus,
  focusTick,
  checkIn,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  autoFocus: boolean;
  focusTick: number;
  /** sends the check-in; the list's line is changed by the page, whatever this desk shows */
  checkIn: (nomor: string) => Promise<Result<CheckInValue>>;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [nomor, setNomor] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // Bumped when a refused number is put back: it is selected once rendered, so the next scan replaces it.
  const [selectTick, setSelectTick] = useState(0);
  const seq = useRef(0);

  useEffect(() => {
    if (focusTick) inputRef.current?.focus();
  }, [focusTick, inputRef]);

  useEffect(() => {
    if (selectTick) inputRef.current?.select();
  }, [selectTick, inputRef]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = nomor.trim();
    // Ready for the next card at once: the scanner may already be typing it.
    setNomor('');
    inputRef.current?.focus();
    if (!value) return;
    const mine = ++seq.current;
    const result = await checkIn(value);
    if (mine !== seq.current) return; // a later scan answers instead
    setOutcome(result.ok ? { ok: true, value: result.value } : { ok: false, nomor: value, error: result.error });
    if (result.ok) return;
    // A refused number goes back into the field, selected: a typo can be fixed in place, and the next scan replaces
    // it rather than being appended to it. Not if the next card is already being typed, and not if the clerk has
    // moved on to another control meanwhile.
    const input = inputRef.current;
    if (input && input.value === '' && (document.activeElement === input || document.activeElement === document.body)) {
      setNomor(value);
      input.focus();
      setSelectTick((n) => n + 1);
    }
  }

  return (
    <section className="checkin" aria-labelledby="checkin-title">
      <h2 id="checkin-title" className="visually-hidden">
        {t('attendance.checkIn.title')}
      </h2>
      <form onSubmit={(e) => void submit(e)} className="checkin-form" noValidate>
        <TextField
          ref={inputRef}
          className="field-big"
          label={t('attendance.checkIn.nomor')}
          hint={t('attendance.checkIn.hint')}
          value={nomor}
          onChange={(e) => setNomor(e.target.value)}
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
        />
        <button type="submit" className="btn btn-primary btn-big">
          {t('attendance.checkIn.submit')}
        </button>
      </form>
      <div aria-live="polite" className="checkin-outcome">
        {outcome?.ok ? (
          <div className="checkin-result checkin-ok" data-testid="checkin-result">
            <p className="checkin-verdict">{t('attendance.checkIn.present')}</p>
            <p className="checkin-name">{outcome.value.nama}</p>
            <dl className="facts">
              <dt>{t('attendance.col.nomor')}</dt>
              <dd>
                <code>{outcome.value.nomorPeserta}</code>
              </dd>
              <dt>{t('attendance.col.formasi')}</dt>
              <dd>
                {outcome.value.kodeFormasi} — {outcome.value.jabatan}
              </dd>
              <dt>{t('attendance.col.nik')}</dt>
              <dd>
                <code>{outcome.value.nikMasked}</code>
              </dd>
              <dt>{t('attendance.col.at')}</dt>
              <dd>{formatTimeWib(outcome.value.at, lang)}</dd>
            </dl>
            <p className="field-hint">{t('attendance.checkIn.identity')}</p>
          </div>
        ) : outcome ? (
          <div className="checkin-result checkin-error" role="alert" data-testid="checkin-result">
            <p className="checkin-verdict">{t('attendance.checkIn.refused', { nomor: outcome.nomor })}</p>
            <p className="checkin-message">{errorMessage(t, lang, outcome.error)}</p>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function UndoDialog({
  line,
  undo,
  onCancel,
  onDone,
}: {
  line: AttendanceLine;
  undo: (reason: string) => Promise<Result<unknown>>;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim().length < 5) {
      setProblem(t('attendance.undo.reasonShort'));
      return;
    }
    setProblem(null);
    setBusy(true);
    const result = await undo(reason.trim());
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, i18n.language, result.error));
      return;
    }
    onDone();
  }

  return (
    <Dialog
      title={t('attendance.undo.title', { nama: line.nama, nomor: line.nomorPeserta })}
      onClose={onCancel}
      actions={
        <>
          <button type="submit" form="undo-form" className="btn btn-primary" disabled={busy}>
            {t('attendance.undo.confirm')}
          </button>
          {/* The safe answer starts with the focus, not the reason field: a card scanned into that field (twelve
              digits and Enter) would be a valid reason and undo the check-in. */}
          <button type="button" className="btn btn-secondary" onClick={onCancel} data-autofocus="true">
            {t('attendance.undo.back')}
          </button>
        </>
      }
    >
      <p>{t('attendance.undo.body')}</p>
      <form id="undo-form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label={t('attendance.undo.reason')}
          hint={t('attendance.undo.reasonHint')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={problem}
          maxLength={500}
          required
        />
      </form>
      <ErrorAlert>{error}</ErrorAlert>
    </Dialog>
  );
}

function CloseDialog({
  list,
  close,
  onCancel,
  onDone,
}: {
  list: AttendanceList;
  close: () => Promise<Result<CloseSessionValue>>;
  onCancel: () => void;
  onDone: (v: CloseSessionValue) => void;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useCommand();
  const confirm = () => run(close, onDone);

  return (
    <Dialog
      title={t('attendance.close.title', { session: list.session.code })}
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="btn btn-primary" onClick={() => void confirm()} disabled={busy}>
            {t('attendance.close.confirm')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onCancel} data-autofocus="true">
            {t('common.cancel')}
          </button>
        </>
      }
    >
      <p>
        {t('attendance.close.body', {
          session: list.session.code,
          present: list.counts.present,
          pending: list.counts.pending,
          count: list.counts.pending,
        })}
      </p>
      <p>
        <strong>{t('attendance.close.final')}</strong>
      </p>
      <ErrorAlert>{error}</ErrorAlert>
    </Dialog>
  );
}
