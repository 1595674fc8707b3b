import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RecoveryWords } from '../../ui/fields';
import { useSession, type RecoveryShown } from '../../app/store';

/**
 * The recovery key of the workstation just created, shown this once: 24 numbered words to write on paper for the
 * committee's safe. Nothing keeps them: the store forgets them when the person goes on (`recoveryDone`).
 */
export function RecoveryKeyPage({ recovery }: { recovery: RecoveryShown }) {
  const { t } = useTranslation();
  const recoveryDone = useSession((s) => s.recoveryDone);
  const [written, setWritten] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!written) {
      setProblem(t('recovery.confirmRequired'));
      return;
    }
    void recoveryDone();
  }

  return (
    <section className="card card-wide" aria-labelledby="recovery-title">
      <h1 id="recovery-title" ref={headingRef} tabIndex={-1}>
        {t('recovery.title')}
      </h1>
      <p className="lead">{t('recovery.intro')}</p>
      <div role="alert" className="alert alert-warn">
        <strong>{t('recovery.warnTitle')}</strong> {t('recovery.warnBody')}
      </div>
      <RecoveryWords words={recovery.words} label={t('recovery.listLabel')} testId="recovery-words" />
      <p className="field-hint">{t('recovery.howUsed')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label className="check-label">
            <input
              type="checkbox"
              checked={written}
              onChange={(e) => {
                setWritten(e.target.checked);
                if (e.target.checked) setProblem(null);
              }}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? 'recovery-confirm-error' : undefined}
              required
            />{' '}
            {t('recovery.confirm')}
          </label>
          {problem ? (
            <p className="field-error" id="recovery-confirm-error">
              {problem}
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            {t('recovery.continue')}
          </button>
        </div>
      </form>
    </section>
  );
}
