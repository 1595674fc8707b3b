import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type CommandInput } from '../../api';
import { useSession } from '../../app/store';
import { ErrorAlert } from '../../ui/feedback';
import { PassphraseField, TextAreaField } from '../../ui/fields';
import { newPassphraseProblems } from '../../ui/validate';
import { unlockError } from './errors';

/**
 * The workstation is encrypted and waits for its passphrase (once per start of the desktop or of `lentera serve`).
 * A forgotten passphrase: the recovery key's 24 words open it and set a new one.
 */
export function UnlockPage() {
  const { t, i18n } = useTranslation();
  const unlocked = useSession((s) => s.unlocked);
  const [mode, setMode] = useState<'passphrase' | 'recovery'>('passphrase');
  const [passphrase, setPassphrase] = useState('');
  const [words, setWords] = useState('');
  const [next, setNext] = useState('');
  const [next2, setNext2] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passphraseRef = useRef<HTMLInputElement>(null);

  function switchTo(m: 'passphrase' | 'recovery') {
    setMode(m);
    setError(null);
    setProblems({});
    setPassphrase('');
  }

  async function send(input: CommandInput<'workstation.unlock'>, newPassphrase: boolean) {
    setBusy(true);
    setError(null);
    const result = await api.invoke('workstation.unlock', input);
    setBusy(false);
    // Unlocked meanwhile in another window or tab: the workstation is open all the same.
    if (result.ok || result.error.code === 'ALREADY_UNLOCKED') {
      setWords('');
      await unlocked(newPassphrase && result.ok);
      return;
    }
    setError(unlockError(t, i18n.language, result.error));
    if (mode === 'passphrase') {
      setPassphrase('');
      passphraseRef.current?.focus();
    }
  }

  async function submitPassphrase(e: FormEvent) {
    e.preventDefault();
    if (!passphrase) {
      setProblems({ passphrase: t('validation.required') });
      return;
    }
    setProblems({});
    await send({ passphrase }, false);
  }

  async function submitRecovery(e: FormEvent) {
    e.preventDefault();
    const p: Record<string, string> = {};
    const count = words.trim().split(/[\s,.-]+/).filter(Boolean).length;
    if (count !== 24) p.words = t('unlock.errors.RECOVERY_KEY_INVALID_count', { count });
    for (const [field, key] of Object.entries(newPassphraseProblems(next, next2))) p[field] = t(key);
    setProblems(p);
    setError(null);
    if (Object.keys(p).length > 0) return;
    await send({ recoveryKey: words, newPassphrase: next }, true);
  }

  return (
    <section className="card card-wide" aria-labelledby="unlock-title">
      <h1 id="unlock-title">{t('unlock.title')}</h1>
      {mode === 'passphrase' ? (
        <>
          <p className="lead">{t('unlock.intro')}</p>
          <form onSubmit={(e) => void submitPassphrase(e)} noValidate>
            <PassphraseField
              label={t('unlock.passphrase')}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              autoFocus
              ref={passphraseRef}
              error={problems.passphrase}
              required
            />
            <ErrorAlert>{error}</ErrorAlert>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy}>
                {busy ? t('unlock.busy') : t('unlock.submit')}
              </button>
            </div>
          </form>
          <p className="unlock-switch">
            <button type="button" className="btn-text" onClick={() => switchTo('recovery')}>
              {t('unlock.forgot')}
            </button>
          </p>
        </>
      ) : (
        <>
          <p className="lead">{t('unlock.recoveryIntro')}</p>
          <form onSubmit={(e) => void submitRecovery(e)} noValidate>
            <TextAreaField label={t('unlock.recoveryKey')} hint={t('unlock.recoveryKeyHint')} value={words} onChange={setWords} error={problems.words} rows={4} maxLength={1000} />
            <PassphraseField
              label={t('unlock.newPassphrase')}
              hint={t('validation.passphraseRules')}
              value={next}
              onChange={(e) => setNext(e.target.value)}
              error={problems.passphrase}
              required
            />
            <PassphraseField
              label={t('unlock.newPassphraseRepeat')}
              value={next2}
              onChange={(e) => setNext2(e.target.value)}
              error={problems.passphrase2}
              required
            />
            <ErrorAlert>{error}</ErrorAlert>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy}>
                {busy ? t('unlock.busy') : t('unlock.recoverySubmit')}
              </button>
            </div>
          </form>
          <p className="unlock-switch">
            <button type="button" className="btn-text" onClick={() => switchTo('passphrase')}>
              {t('unlock.back')}
            </button>
          </p>
        </>
      )}
    </section>
  );
}

/** Locked, and this device may not unlock it: a browser on the venue LAN. The coordinator unlocks on the workstation itself. */
export function LockedElsewherePage() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="locked-title">
      <h1 id="locked-title">{t('unlock.elsewhereTitle')}</h1>
      <p>{t('unlock.elsewhereBody')}</p>
    </section>
  );
}
