import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account, type ErrorBody, type ExamSession, type MinutesSignValue } from '../../api';
import { formatLongDateTimeWib } from '../../i18n/format';
import { saveExportedFile } from '../../ui/download';
import { EmptyState, ErrorAlert, Spinner } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { documentsError } from './errors';
import { useExamChoice } from '../../app/exams';
import { latestMinutesFile, useSignedFiles } from './model';
import { SignedFiles } from './SignedFiles';

/** Whether this person sits on the session's panel (the package names panelists by NIP and name, not by login). */
function onPanel(session: ExamSession, account: Account): boolean {
  return session.panel.some((p) => (account.nip && p.nip === account.nip) || p.name === account.displayName);
}

/**
 * "Tanda tangan berita acara" (chair, examiner, observer): add my signature to a session's minutes, after the
 * coordinator's. An observer sits on no panel: every interview session is offered, and they sign as Pengamat.
 */
export function MinutesSection({ account, identityTick }: { account: Account; identityTick: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { exams, exam, setExam, detail, error: examError } = useExamChoice();
  const [chosen, setChosen] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  const [signed, setSigned] = useState<(MinutesSignValue & { session: string }) | null>(null);
  const [reload, setReload] = useState(0);
  const passRef = useRef<HTMLInputElement>(null);
  const { files, error: filesError } = useSignedFiles(exam, identityTick + reload);

  // Interview sessions (they have a panel); the ones this person sits on, when the package says so.
  const withPanel = (detail?.sessions ?? []).filter((s) => s.panel.length > 0);
  const mine = withPanel.filter((s) => onPanel(s, account));
  const sessions = mine.length ? mine : withPanel;
  // A changed session's minutes are a new version beside the old (berita-acara-S.v2.pdf): the newest is the one
  // to read and to sign (minutes.sign takes it too).
  const ready = (code: string) => latestMinutesFile(files ?? [], code) !== null;
  // Until a choice is made: the first session whose minutes are ready, else the first.
  const session = sessions.some((s) => s.code === chosen) ? chosen : (sessions.find((s) => ready(s.code))?.code ?? sessions[0]?.code ?? '');
  const target = session && files ? latestMinutesFile(files, session) : null;
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<ErrorBody | null>(null);

  async function downloadTarget(name: string) {
    setDownloading(true);
    setDownloadError(null);
    const result = await api.invoke('sheets.file', { exam, name });
    setDownloading(false);
    if (!result.ok) {
      setDownloadError(result.error);
      return;
    }
    saveExportedFile(result.value);
  }

  async function sign(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSigned(null);
    if (!passphrase) {
      setProblem(t('documents.minutes.passphraseMissing'));
      passRef.current?.focus();
      return;
    }
    setProblem(null);
    setBusy(true);
    const result = await api.invoke('minutes.sign', { exam, session, passphrase });
    setBusy(false);
    setPassphrase('');
    if (!result.ok) {
      setError(result.error);
      passRef.current?.focus();
      return;
    }
    setSigned({ ...result.value, session });
    setReload((n) => n + 1);
  }

  return (
    <section className="panel" aria-labelledby="minutes-title" data-testid="minutes-section">
      <h2 id="minutes-title">{t('documents.minutes.title')}</h2>
      <p className="field-hint">{t(account.role === 'observer' ? 'documents.minutes.introObserver' : 'documents.minutes.intro')}</p>
      <ErrorAlert>{examError ? documentsError(t, lang, examError, 'minutes') : null}</ErrorAlert>
      {exams === null ? (
        <Spinner label={t('common.loading')} />
      ) : exams.length === 0 ? (
        <EmptyState title={t('documents.noExam')}>
          <p>{t('documents.noExamOthers')}</p>
        </EmptyState>
      ) : (
        <>
          <form onSubmit={(e) => void sign(e)} noValidate aria-busy={busy || undefined}>
            <div className="pickers">
              <SelectField
                label={t('documents.exam')}
                value={exam}
                onChange={(e) => {
                  setExam(e.target.value);
                  setChosen('');
                  setSigned(null);
                }}
                options={exams.map((x) => ({ value: x.code, label: `${x.code} — ${x.name}` }))}
              />
              <SelectField
                label={t('documents.minutes.session')}
                value={session}
                disabled={sessions.length === 0}
                onChange={(e) => {
                  setChosen(e.target.value);
                  setSigned(null);
                  setError(null);
                }}
                options={
                  sessions.length
                    ? sessions.map((s) => ({
                        value: s.code,
                        label: t('documents.minutes.sessionOption', {
                          code: s.code,
                          room: s.room,
                          time: formatLongDateTimeWib(s.startsAt, lang),
                          state: t(ready(s.code) ? 'documents.minutes.ready' : 'documents.minutes.notReady'),
                        }),
                      }))
                    : [{ value: '', label: t('documents.minutes.noSession') }]
                }
              />
            </div>
            {session && files && !ready(session) ? <p className="field-hint">{t('documents.minutes.waitCoordinator')}</p> : null}
            {target ? (
              <div className="doc-target" data-testid="minutes-target">
                <p className="field-hint">
                  {t('documents.minutes.target', { name: target })}
                </p>
                <button type="button" className="btn btn-small btn-secondary" disabled={downloading} onClick={() => void downloadTarget(target)}>
                  {t('documents.minutes.downloadTarget', { name: target })}
                </button>
              </div>
            ) : null}
            <ErrorAlert>{downloadError ? documentsError(t, lang, downloadError, 'download') : null}</ErrorAlert>
            <TextField
              ref={passRef}
              className="narrow-form"
              type="password"
              autoComplete="off"
              label={t('documents.signPassphrase')}
              hint={t('documents.minutes.passphraseHint')}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              error={problem}
              required
            />
            <ErrorAlert>{error ? documentsError(t, lang, error, 'minutes') : null}</ErrorAlert>
            {busy ? <Spinner label={t('documents.minutes.signing')} /> : null}
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || !session}>
                {t('documents.minutes.sign')}
              </button>
            </div>
          </form>
          <div role="status" className={signed ? 'alert alert-success' : 'doc-job-quiet'}>
            {signed ? (
              <>
                {t(signed.file ? 'documents.minutes.signedFile' : 'documents.minutes.signed', { session: signed.session, signer: signed.signer, file: signed.file })}{' '}
                <strong data-testid="minutes-signatures">{t('documents.minutes.signatures', { count: signed.signatures })}</strong>
              </>
            ) : null}
          </div>
          {exam ? <SignedFiles exam={exam} files={files} error={filesError} minutesOnly /> : null}
        </>
      )}
    </section>
  );
}
