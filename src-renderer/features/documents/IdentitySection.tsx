import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toErrorBody, withUpload, type Account, type ErrorBody, type SigningIdentity } from '../../api';
import { formatDateTimeWib } from '../../i18n/format';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { FileField, TextField } from '../../ui/fields';
import { documentsError } from './errors';
import { passphraseProblems } from './model';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

/** The common name in a distinguished name ("C=ID, O=…, CN=Sri Wahyuni, S.Sos."), or the whole name. */
function commonName(dn: string): string {
  const m = /(?:^|,\s*)CN=(.*?)(?:,\s*[A-Za-z]+=|$)/.exec(dn);
  return m?.[1] ?? dn;
}

function expired(identity: SigningIdentity): boolean {
  return new Date(identity.notAfter).getTime() < Date.now();
}

/** "Tersertifikasi (BSrE/PSrE)" or "Tidak tersertifikasi (sertifikat lokal)": never left to be guessed. */
export function CertifiedChip({ certified, testId }: { certified: boolean; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`doc-chip ${certified ? 'doc-chip-certified' : 'doc-chip-local'}`} data-testid={testId}>
      {t(certified ? 'documents.identity.certified' : 'documents.identity.uncertified')}
    </span>
  );
}

/** The SHA-256 fingerprint in full, with a copy button (the desktop window may refuse the clipboard: then it is selected). */
function Fingerprint({ value }: { value: string }) {
  const { t } = useTranslation();
  const [copy, setCopy] = useState<'done' | 'failed' | null>(null);
  const ref = useRef<HTMLElement>(null);

  async function copyIt() {
    try {
      await navigator.clipboard.writeText(value);
      setCopy('done');
    } catch {
      setCopy('failed');
      const el = ref.current;
      const selection = window.getSelection();
      if (el && selection) selection.selectAllChildren(el);
    }
  }

  return (
    <div className="doc-fingerprint">
      <code ref={ref} className="doc-fingerprint-value" data-testid="identity-fingerprint">
        {value}
      </code>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        aria-label={t('documents.identity.copyLabel')}
        onClick={() => void copyIt()}
      >
        {t('documents.identity.copy')}
      </button>
      <span role="status" className="copy-status">
        {copy ? t(copy === 'done' ? 'documents.identity.copied' : 'documents.identity.copyFailed') : null}
      </span>
    </div>
  );
}

function IdentityCard({ identity, inUse }: { identity: SigningIdentity; inUse: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const selfSigned = identity.subject === identity.issuer;
  return (
    <li className="doc-identity" data-testid="identity">
      <div className="doc-identity-head">
        <h3 className="doc-identity-name">{commonName(identity.subject)}</h3>
        <CertifiedChip certified={identity.certified} testId="identity-certified" />
        {inUse ? <span className="badge badge-ok">{t('documents.identity.inUse')}</span> : null}
        {expired(identity) ? <span className="badge badge-warn">{t('documents.identity.expired')}</span> : null}
      </div>
      <dl className="facts">
        <dt>{t('documents.identity.subject')}</dt>
        <dd>{identity.subject}</dd>
        <dt>{t('documents.identity.issuer')}</dt>
        <dd>{selfSigned ? t('documents.identity.selfSigned') : identity.issuer}</dd>
        <dt>{t('documents.identity.validUntil')}</dt>
        <dd data-testid="identity-valid-until">{formatDateTimeWib(identity.notAfter, lang)}</dd>
        <dt>{t('documents.identity.source')}</dt>
        <dd>{t(`documents.identity.sourceOf.${identity.source}`)}</dd>
        <dt>{t('documents.identity.fingerprint')}</dt>
        <dd>
          <Fingerprint value={identity.fingerprint} />
        </dd>
      </dl>
      <p className="field-hint">{t('documents.identity.register')}</p>
      {identity.certified ? null : <p className="field-hint">{t('documents.identity.uncertifiedNote')}</p>}
    </li>
  );
}

/** The roles that may send a file (files.upload). */
const UPLOADERS: ReadonlySet<string> = new Set(['coordinator', 'chair', 'examiner']);

/** "Identitas tanda tangan": my certificates and keys, making a new one, and importing a .p12 (BSrE). */
export function IdentitySection({ account, onChanged }: { account: Account; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [mine, setMine] = useState<SigningIdentity[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [form, setForm] = useState<'generate' | 'import' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // files.upload is for whoever imports something: the coordinator, and a chair or examiner their own .p12.
  const canImport = UPLOADERS.has(account.role);

  const load = useCallback(async () => {
    const result = await api.invoke('keys.mine');
    if (!result.ok) {
      setError(result.error);
      setMine([]);
      return;
    }
    setError(null);
    setMine(result.value);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  function made(identity: SigningIdentity, how: 'generated' | 'imported') {
    setForm(null);
    setNotice(t(`documents.identity.${how}`, { fingerprint: identity.fingerprint }));
    void load();
    onChanged();
  }

  const none = mine !== null && mine.length === 0;
  const showGenerate = form === 'generate' || (none && form === null);

  return (
    <section className="panel" aria-labelledby="identity-title" data-testid="identity-section">
      <h2 id="identity-title">{t('documents.identity.title')}</h2>
      <p className="field-hint">{t('documents.identity.intro')}</p>
      <ErrorAlert>{error ? documentsError(t, lang, error, 'identity') : null}</ErrorAlert>
      <Notice tone="success">{notice}</Notice>
      {mine === null ? (
        <Spinner label={t('common.loading')} />
      ) : none ? (
        <p data-testid="identity-none">{t('documents.identity.none')}</p>
      ) : (
        <ul className="doc-identities">
          {mine.map((identity, i) => (
            <IdentityCard key={identity.fingerprint} identity={identity} inUse={i === 0} />
          ))}
        </ul>
      )}
      {mine && mine.length > 1 ? <p className="field-hint">{t('documents.identity.newestUsed')}</p> : null}

      {showGenerate ? (
        <GenerateForm onMade={(i) => made(i, 'generated')} onCancel={none ? null : () => setForm(null)} />
      ) : form === 'import' ? (
        <ImportForm onMade={(i) => made(i, 'imported')} onCancel={() => setForm(null)} />
      ) : null}
      {form === null && mine !== null ? (
        <div className="form-actions">
          {none ? null : (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setNotice(null);
                setForm('generate');
              }}
            >
              {t('documents.identity.generateAnother')}
            </button>
          )}
          {canImport ? (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setNotice(null);
                setForm('import');
              }}
            >
              {t('documents.identity.importOpen')}
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

interface NewPassphraseProps {
  /** The translation keys of the two fields' labels: the passphrase, then its repeat. */
  labels: [string, string];
  passphrase: string;
  setPassphrase: (v: string) => void;
  repeat: string;
  setRepeat: (v: string) => void;
  problems: { passphrase?: string; repeat?: string };
  busy: boolean;
}

/** The passphrase that will protect a signing key, typed twice (it cannot be recovered). */
function NewPassphraseFields({ labels, passphrase, setPassphrase, repeat, setRepeat, problems, busy }: NewPassphraseProps) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        type="password"
        autoComplete="new-password"
        label={t(labels[0])}
        hint={t('documents.identity.passphraseRules')}
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
        error={problems.passphrase ? t(problems.passphrase) : null}
        disabled={busy}
        required
      />
      <TextField
        type="password"
        autoComplete="new-password"
        label={t(labels[1])}
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
        error={problems.repeat ? t(problems.repeat) : null}
        disabled={busy}
        required
      />
    </>
  );
}

/** The end of a form that makes or imports a key: the no-recovery warning, its progress, its error, its buttons. */
function KeyFormFooter({ busy, working, submit, error, onCancel }: { busy: boolean; working: string; submit: string; error: string | null; onCancel: (() => void) | null }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="alert alert-warn doc-warning">{t('documents.identity.noRecovery')}</div>
      {busy ? <Spinner label={t(working)} /> : null}
      <ErrorAlert>{error}</ErrorAlert>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t(submit)}
        </button>
        {onCancel ? (
          <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={busy}>
            {t('common.cancel')}
          </button>
        ) : null}
      </div>
    </>
  );
}

function GenerateForm({ onMade, onCancel }: { onMade: (i: SigningIdentity) => void; onCancel: (() => void) | null }) {
  const { t, i18n } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problems, setProblems] = useState<{ passphrase?: string; repeat?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p = passphraseProblems(passphrase, repeat);
    setProblems(p);
    setError(null);
    if (p.passphrase || p.repeat) return;
    setBusy(true);
    const result = await api.invoke('keys.generate', { passphrase });
    setBusy(false);
    if (!result.ok) {
      setError(documentsError(t, i18n.language, result.error, 'identity'));
      return;
    }
    setPassphrase('');
    setRepeat('');
    onMade(result.value);
  }

  return (
    <form className="doc-subform" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="generate-title" aria-busy={busy || undefined}>
      <h3 id="generate-title">{t('documents.identity.generateTitle')}</h3>
      <p className="field-hint">{t('documents.identity.generateIntro')}</p>
      <div className="form-grid">
        <NewPassphraseFields labels={['documents.identity.newPassphrase', 'documents.identity.repeatPassphrase']} {...{ passphrase, setPassphrase, repeat, setRepeat, problems, busy }} />
      </div>
      <KeyFormFooter busy={busy} working="documents.identity.generating" submit="documents.identity.generate" error={error} onCancel={onCancel} />
    </form>
  );
}

function ImportForm({ onMade, onCancel }: { onMade: (i: SigningIdentity) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [p12Password, setP12Password] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problems, setProblems] = useState<{ file?: string; passphrase?: string; repeat?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: { file?: string; passphrase?: string; repeat?: string } = passphraseProblems(passphrase, repeat);
    if (!file) p.file = 'documents.identity.p12Missing';
    setProblems(p);
    setError(null);
    if (!file || p.passphrase || p.repeat) return;
    setBusy(true);
    try {
      // Sent afresh for each try (a wrong .p12 password, say): the workstation deletes an upload once used.
      const identity = await withUpload(file, (ref) => api.call('keys.import', { file: ref, p12Password, passphrase }));
      setP12Password('');
      setPassphrase('');
      setRepeat('');
      onMade(identity);
    } catch (err) {
      setError(documentsError(t, i18n.language, toErrorBody(err), 'identity'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="doc-subform" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="import-title" aria-busy={busy || undefined}>
      <h3 id="import-title">{t('documents.identity.importTitle')}</h3>
      <p className="field-hint">{t('documents.identity.importIntro')}</p>
      <FileField
        label={t('documents.identity.p12File')}
        hint={file ? t('documents.identity.p12Chosen', { name: file.name }) : t('documents.identity.p12Hint')}
        accept=".p12,.pfx,application/x-pkcs12"
        disabled={busy}
        onFile={setFile}
      />
      {problems.file ? <p className="field-error">{t(problems.file)}</p> : null}
      <div className="form-grid">
        <TextField
          type="password"
          autoComplete="off"
          label={t('documents.identity.p12Password')}
          hint={t('documents.identity.p12PasswordHint')}
          value={p12Password}
          onChange={(e) => setP12Password(e.target.value)}
          disabled={busy}
        />
        <NewPassphraseFields labels={['documents.identity.importPassphrase', 'documents.identity.importRepeat']} {...{ passphrase, setPassphrase, repeat, setRepeat, problems, busy }} />
      </div>
      <KeyFormFooter busy={busy} working="documents.identity.importing" submit="documents.identity.import" error={error} onCancel={onCancel} />
    </form>
  );
}

/** Every signer of this workstation (coordinator, observer): the fingerprints to register at the publication hub. */
export function AllIdentities({ reload }: { reload: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [all, setAll] = useState<SigningIdentity[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);

  useEffect(() => {
    let live = true;
    void api.invoke('keys.list').then((result) => {
      if (!live) return;
      if (!result.ok) {
        setError(result.error);
        setAll([]);
        return;
      }
      setError(null);
      setAll(result.value);
    });
    return () => {
      live = false;
    };
  }, [reload]);

  return (
    <section className="panel" aria-labelledby="all-identities-title" data-testid="all-identities">
      <h2 id="all-identities-title">{t('documents.all.title')}</h2>
      <p className="field-hint">{t('documents.all.intro')}</p>
      <ErrorAlert>{error ? documentsError(t, lang, error, 'identity') : null}</ErrorAlert>
      {all === null ? (
        <Spinner label={t('common.loading')} />
      ) : all.length === 0 ? (
        <p>{t('documents.all.none')}</p>
      ) : (
        <TableWrap>
          <table className="table">
            <TableCaption>{t('documents.all.caption', { count: all.length })}</TableCaption>
            <thead>
              <tr>
                <th scope="col">{t('documents.all.col.account')}</th>
                <th scope="col">{t('documents.all.col.name')}</th>
                <th scope="col">{t('documents.all.col.status')}</th>
                <th scope="col">{t('documents.all.col.validUntil')}</th>
                <th scope="col">{t('documents.all.col.fingerprint')}</th>
              </tr>
            </thead>
            <tbody>
              {all.map((identity) => (
                <tr key={identity.fingerprint}>
                  <td>{identity.account ?? '—'}</td>
                  <td>{commonName(identity.subject)}</td>
                  <td>
                    <CertifiedChip certified={identity.certified} />
                  </td>
                  <td className="nowrap">{formatDateTimeWib(identity.notAfter, lang)}</td>
                  <td>
                    <code className="doc-fingerprint-value">{identity.fingerprint}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
