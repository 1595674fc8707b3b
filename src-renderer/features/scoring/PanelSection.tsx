import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, type Account } from '../../api';
import { useLiveReload } from '../../app/pace';
import { displayHref } from '../display/route';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { PinField } from '../../ui/fields';
import { AttendanceBadge } from '../exams/CandidatesTable';
import { FinalizationChip } from './chips';
import { FinalizeRefusal, useFinalizeRefusal } from './FinalizeRefusal';
import { scoringError } from './errors';
import { PanelSheetView } from './PanelSheet';
import type { OverviewCandidate, PanelOverview } from './types';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { useLatestOnly } from '../../app/latest';

/** An interview session: its panel, its candidates with their progress, and one candidate's sheet when opened. */
export function PanelSection({ exam, session, account }: { exam: string; session: string; account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [overview, setOverview] = useState<PanelOverview | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [finalizingAll, setFinalizingAll] = useState(false);
  const [signing, setSigning] = useState(false);
  const lastOpened = useRef<string | null>(null);
  const rowButtons = useRef(new Map<string, HTMLButtonElement>());

  const latest = useLatestOnly();
  const load = useCallback(async () => {
    const current = latest.ask();
    const r = await api.invoke('panel.overview', { exam, session });
    if (!current()) return; // another session was picked meanwhile: its candidates, not these, are on screen
    if (!r.ok) {
      setError(scoringError(t, lang, r.error));
      setOverview(null);
      return;
    }
    setError(null);
    setOverview(r.value);
  }, [exam, session, t, lang, latest]);

  useEffect(() => {
    void load();
  }, [load]);

  useLiveReload(['panel.changed', 'attendance.changed'], (data) => {
    const d = data as { exam?: string; session?: string } | null;
    return !d || (d.exam === exam && (!d.session || d.session === session));
  }, load);

  // Back from a sheet: the focus returns to the button that opened it.
  useEffect(() => {
    if (!open && lastOpened.current) rowButtons.current.get(lastOpened.current)?.focus();
  }, [open]);

  const blocker = overview ? sessionBlocker(t, overview) : null;
  const refusal = useFinalizeRefusal(blocker);

  if (!overview) {
    return (
      <>
        <ErrorAlert>{error}</ErrorAlert>
        {error ? null : <Spinner label={t('common.loading')} />}
      </>
    );
  }

  const me = overview.panel.find((p) => (account.nip && p.nip === account.nip) || p.account === account.name) ?? null;
  const awaiting = overview.candidates.filter((c) => c.finalization === 'awaiting_signoff');
  const openCount = overview.candidates.filter((c) => c.attendance === 'present' && c.finalization === 'open').length;

  if (open) {
    return (
      <PanelSheetView
        key={open}
        exam={exam}
        session={session}
        nomor={open}
        overview={overview}
        account={account}
        onBack={() => setOpen(null)}
        onChanged={() => void load()}
      />
    );
  }

  return (
    <section aria-labelledby="panel-title" data-testid="panel-overview">
      <div className="page-head">
        <h2 id="panel-title">{t('scoring.panel.title', { session })}</h2>
        <div className="form-actions">
          <a className="btn btn-secondary" href={displayHref(exam, session)} data-testid="display-link">
            {t('scoring.panel.displayLink')}
          </a>
          {me && awaiting.length ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                setNotice(null);
                setSigning(true);
              }}
            >
              {t('scoring.signoff.open')}
            </button>
          ) : null}
          {me?.role === 'chair' && openCount ? (
            <button
              type="button"
              className="btn btn-secondary"
              disabled={Boolean(blocker)}
              aria-describedby={blocker ? 'finalize-session-reason' : undefined}
              onClick={() => {
                setNotice(null);
                setError(null);
                refusal.setError(null);
                setFinalizingAll(true);
              }}
            >
              {t('scoring.finalize.session')}
            </button>
          ) : null}
        </div>
      </div>
      {me?.role === 'chair' && openCount ? (
        <div className="finalize-block" data-testid="finalize-session">
          {blocker ? (
            <p className="field-hint finalize-reason" id="finalize-session-reason" data-testid="finalize-session-reason">
              {blocker}
            </p>
          ) : null}
          <FinalizeRefusal refusal={refusal} />
        </div>
      ) : null}
      <p className="field-hint">
        {me ? t('scoring.panel.youAre', { role: t(`scoring.panelRole.${me.role}`) }) : t('scoring.panel.notOnPanel')}
      </p>
      <ul className="panel-members" aria-label={t('scoring.panel.membersLabel')}>
        {overview.panel.map((p) => (
          <li key={p.nip}>
            <span className="panelist-name">
              {p.name}
              {p === me ? ` ${t('scoring.sheet.you')}` : ''}
            </span>{' '}
            <span className="field-hint">{t(`scoring.panelRole.${p.role}`)}</span>{' '}
            {p.account ? <code>{p.account}</code> : <span className="badge badge-warn">{t('scoring.panel.noAccount')}</span>}
          </li>
        ))}
      </ul>
      <ErrorAlert>{error}</ErrorAlert>
      <Notice tone="success">{notice}</Notice>
      <CandidatesList
        overview={overview}
        onOpen={(c) => {
          lastOpened.current = c.nomorPeserta;
          setNotice(null);
          setOpen(c.nomorPeserta);
        }}
        buttonRef={(nomor, el) => {
          if (el) rowButtons.current.set(nomor, el);
          else rowButtons.current.delete(nomor);
        }}
        canScore={Boolean(me)}
      />

      {finalizingAll ? (
        <FinalizeSessionDialog
          exam={exam}
          session={session}
          candidates={overview.candidates.filter((c) => c.attendance === 'present' && c.finalization === 'open')}
          onCancel={() => setFinalizingAll(false)}
          onError={(m) => {
            setFinalizingAll(false);
            refusal.setError(m);
            // The refusal means this list was behind: it catches up, so the button says why too.
            void load();
          }}
          onDone={(n) => {
            setFinalizingAll(false);
            setNotice(t('scoring.finalize.doneSession', { count: n }));
            void load();
          }}
        />
      ) : null}
      {signing ? (
        <SignoffDialog
          exam={exam}
          session={session}
          candidates={awaiting}
          onCancel={() => setSigning(false)}
          onDone={(n) => {
            setSigning(false);
            setNotice(t('scoring.signoff.done', { count: n }));
            void load();
          }}
        />
      ) : null}
    </section>
  );
}

function CandidatesList({
  overview,
  onOpen,
  buttonRef,
  canScore,
}: {
  overview: PanelOverview;
  onOpen: (c: OverviewCandidate) => void;
  buttonRef: (nomor: string, el: HTMLButtonElement | null) => void;
  canScore: boolean;
}) {
  const { t } = useTranslation();
  return (
    <TableWrap>
      <table className="table" data-testid="panel-candidates">
        <TableCaption>{t('scoring.panel.caption', { session: overview.session.code, room: overview.session.room, count: overview.candidates.length })}</TableCaption>
        <thead>
          <tr>
            <th scope="col">{t('scoring.col.no')}</th>
            <th scope="col">{t('scoring.col.nomor')}</th>
            <th scope="col">{t('scoring.col.nama')}</th>
            <th scope="col">{t('scoring.col.formasi')}</th>
            <th scope="col">{t('scoring.col.attendance')}</th>
            <th scope="col">{t('scoring.col.progress')}</th>
            <th scope="col">{t('scoring.col.finalization')}</th>
            <th scope="col">{t('scoring.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {overview.candidates.map((c, i) => (
            <tr key={c.nomorPeserta} data-testid={`panel-row-${c.nomorPeserta}`}>
              <td className="num">{i + 1}</td>
              <td>
                <code>{c.nomorPeserta}</code>
              </td>
              <td>{c.nama}</td>
              <td>{c.kodeFormasi}</td>
              <td>
                <AttendanceBadge state={c.attendance} />
              </td>
              <td>
                <span className={`badge ${c.submitted === c.panelists ? 'badge-ok' : c.submitted ? 'badge-info' : 'badge-muted'}`} data-testid="progress">
                  {t('scoring.panel.progress', { done: c.submitted, total: c.panelists })}
                </span>
                {c.needsDiscussion && !c.discussed ? <span className="badge badge-warn">{t('scoring.panel.needsDiscussion')}</span> : null}
                {c.needsDiscussion && c.discussed ? <span className="badge badge-info">{t('scoring.panel.discussed')}</span> : null}
              </td>
              <td>
                <FinalizationChip state={c.finalization} />
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="btn btn-small btn-secondary"
                  ref={(el) => buttonRef(c.nomorPeserta, el)}
                  aria-label={t(canScore && c.attendance === 'present' && c.finalization === 'open' ? 'scoring.panel.scoreOf' : 'scoring.panel.viewOf', {
                    nomor: c.nomorPeserta,
                    nama: c.nama,
                  })}
                  onClick={() => onOpen(c)}
                >
                  {t(canScore && c.attendance === 'present' && c.finalization === 'open' ? 'scoring.panel.score' : 'scoring.panel.view')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * Why the chair cannot finalize the session yet (the registry finalizes all attending candidates or none):
 * who is still waiting for scores, who still needs the discussion recorded. Null when every one is ready.
 */
function sessionBlocker(t: TFunction, overview: PanelOverview): string | null {
  const open = overview.candidates.filter((c) => c.attendance === 'present' && c.finalization === 'open');
  const sep = t('scoring.listSeparator');
  const waiting = open.filter((c) => c.panelists === 0 || c.submitted < c.panelists).map((c) => c.nama);
  const discussion = open.filter((c) => c.submitted >= c.panelists && c.needsDiscussion && !c.discussed).map((c) => c.nama);
  if (!waiting.length && !discussion.length) return null;
  // A long session names its first few; the list below shows every candidate's state anyway.
  const names = (all: string[]) => (all.length > 5 ? `${all.slice(0, 5).join(sep)}${sep}${t('scoring.finalize.andMore', { count: all.length - 5 })}` : all.join(sep));
  const parts = [
    waiting.length ? t('scoring.finalize.blockedSessionWaiting', { count: waiting.length, names: names(waiting) }) : null,
    discussion.length ? t('scoring.finalize.blockedSessionDiscussion', { count: discussion.length, names: names(discussion) }) : null,
  ].filter(Boolean);
  return t('scoring.finalize.blockedSession', { reasons: parts.join(t('scoring.finalize.reasonSeparator')) });
}

function FinalizeSessionDialog({
  exam,
  session,
  candidates,
  onCancel,
  onError,
  onDone,
}: {
  exam: string;
  session: string;
  candidates: OverviewCandidate[];
  onCancel: () => void;
  onError: (m: string) => void;
  onDone: (n: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    const r = await api.invoke('panel.finalize', { exam, session });
    setBusy(false);
    if (!r.ok) {
      onError(scoringError(t, i18n.language, r.error));
      return;
    }
    onDone((r.value as { finalized: unknown[] }).finalized.length);
  }

  return (
    <Dialog
      title={t('scoring.finalize.titleSession', { session })}
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="btn btn-primary" onClick={() => void confirm()} disabled={busy}>
            {t('scoring.finalize.confirmSession')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onCancel} data-autofocus="true">
            {t('common.cancel')}
          </button>
        </>
      }
    >
      <p>{t('scoring.finalize.locksSession', { count: candidates.length })}</p>
      <ul className="finalize-locks" data-testid="finalize-locks">
        {candidates.map((c) => (
          <li key={c.nomorPeserta}>
            {c.nama} (<code>{c.nomorPeserta}</code>)
          </li>
        ))}
      </ul>
      <p>{t('scoring.finalize.after')}</p>
    </Dialog>
  );
}

/** Every panelist confirms the finalized results of the session with their own PIN. */
function SignoffDialog({
  exam,
  session,
  candidates,
  onCancel,
  onDone,
}: {
  exam: string;
  session: string;
  candidates: OverviewCandidate[];
  onCancel: () => void;
  onDone: (n: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const [pin, setPin] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!pin) {
      setProblem(t('validation.required'));
      return;
    }
    setProblem(null);
    setBusy(true);
    const r = await api.invoke('panel.signoff', { exam, session, pin });
    setBusy(false);
    setPin('');
    if (!r.ok) {
      setError(scoringError(t, i18n.language, r.error, 'signoff'));
      return;
    }
    onDone((r.value as { signed: string[] }).signed.length);
  }

  return (
    <Dialog
      title={t('scoring.signoff.title', { session })}
      onClose={onCancel}
      actions={
        <>
          <button type="submit" form="signoff-form" className="btn btn-primary" disabled={busy}>
            {t('scoring.signoff.confirm')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </>
      }
    >
      <p>{t('scoring.signoff.body')}</p>
      <ul className="signoff-list">
        {candidates.map((c) => (
          <li key={c.nomorPeserta}>
            {c.nama} (<code>{c.nomorPeserta}</code>)
          </li>
        ))}
      </ul>
      <form id="signoff-form" onSubmit={(e) => void submit(e)} noValidate>
        <PinField label={t('scoring.signoff.pin')} value={pin} onChange={(e) => setPin(e.target.value)} error={problem} data-autofocus="true" required />
      </form>
      <ErrorAlert>{error}</ErrorAlert>
    </Dialog>
  );
}
