import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toErrorBody, withUpload, type CommandInput, type ErrorBody, type ExamListItem } from '../../api';
import { actorName } from '../../i18n/errors';
import { formatDateTimeWib } from '../../i18n/format';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { FileField, SelectField, TextField } from '../../ui/fields';
import { bundlesError } from './errors';
import { useCommandList, type TrustedSigner } from './model';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

/** The common name in a distinguished name, or the whole name. */
function commonName(dn: string): string {
  const m = /(?:^|[,\n]\s*)CN=(.*?)(?:(?:,\s*|\n)[A-Za-z]+=|$)/.exec(dn);
  return m?.[1] ?? dn;
}

/** A workstation id as `bundle.trust` takes it (Lentera makes UUIDv7s; the status bar shows it). */
const WORKSTATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * "Sertifikat terdaftar": the workstation certificates whose bundles may be merged here (coordinator and
 * observer read; the coordinator registers one from its PEM text or file, for one exam or for all, and for one
 * workstation: given here, or bound by the first bundle accepted from it).
 */
export function TrustSection({ canManage, exams }: { canManage: boolean; exams: ExamListItem[] | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { value: signers, error, refresh } = useCommandList('bundle.trusted', {}, ['bundles.changed']);
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <section className="panel" aria-labelledby="trust-title" data-testid="bundle-trust">
      <h2 id="trust-title">{t('bundles.trust.title')}</h2>
      <p className="field-hint">{t('bundles.trust.intro')}</p>
      <ErrorAlert>{error ? bundlesError(t, lang, error) : null}</ErrorAlert>
      <Notice tone="success">{notice}</Notice>
      {signers === null ? (
        error ? null : <Spinner label={t('common.loading')} />
      ) : signers.length === 0 ? (
        <p data-testid="trust-empty">{t(canManage ? 'bundles.trust.empty' : 'bundles.trust.emptyObserver')}</p>
      ) : (
        <TableWrap>
          <table className="table">
            <TableCaption>{t('bundles.trust.caption', { count: signers.length })}</TableCaption>
            <thead>
              <tr>
                <th scope="col">{t('bundles.trust.col.name')}</th>
                <th scope="col">{t('bundles.trust.col.exam')}</th>
                <th scope="col">{t('bundles.trust.col.workstation')}</th>
                <th scope="col">{t('bundles.trust.col.added')}</th>
                <th scope="col">{t('bundles.trust.col.fingerprint')}</th>
              </tr>
            </thead>
            <tbody>
              {signers.map((s) => (
                <tr key={s.fingerprint}>
                  <td>
                    {s.label ? <strong>{s.label}</strong> : null}
                    <span className={s.label ? 'bundle-state-detail' : undefined}>{commonName(s.subject)}</span>
                  </td>
                  <td>{s.exam ? <code>{s.exam}</code> : t('bundles.trust.allExams')}</td>
                  <td>{s.workstation ? <code className="hash">{s.workstation}</code> : <span className="bundle-state-detail">{t('bundles.trust.unbound')}</span>}</td>
                  <td>
                    <span className="nowrap">{formatDateTimeWib(s.addedAt, lang)}</span>
                    <span className="bundle-state-detail">{actorName(s.addedBy)}</span>
                  </td>
                  <td>
                    <code className="doc-fingerprint-value">{s.fingerprint}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canManage ? (
        open ? (
          <TrustForm
            exams={exams ?? []}
            onDone={(s) => {
              setOpen(false);
              setNotice(t('bundles.trust.added', { name: s.label || commonName(s.subject), fingerprint: s.fingerprint }));
              refresh();
            }}
            onCancel={() => setOpen(false)}
          />
        ) : (
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setNotice(null);
                setOpen(true);
              }}
            >
              {t('bundles.trust.open')}
            </button>
          </div>
        )
      ) : null}
    </section>
  );
}

function TrustForm({ exams, onDone, onCancel }: { exams: ExamListItem[]; onDone: (s: TrustedSigner) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const pemId = useId();
  const [pem, setPem] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [exam, setExam] = useState('');
  const [label, setLabel] = useState('');
  const [workstation, setWorkstation] = useState('');
  const [workstationProblem, setWorkstationProblem] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const text = pem.trim();
    const ws = workstation.trim();
    const certMissing = !file && !text;
    const wsBad = ws !== '' && !WORKSTATION_ID.test(ws);
    setProblem(certMissing ? t('bundles.trust.certMissing') : null);
    setWorkstationProblem(wsBad ? t('bundles.trust.workstationInvalid') : null);
    if (certMissing || wsBad) return;
    setBusy(true);
    try {
      const trust = (certificate: CommandInput<'bundle.trust'>['certificate']) =>
        api.call('bundle.trust', {
          certificate,
          ...(exam ? { exam } : {}),
          ...(ws ? { workstation: ws } : {}),
          ...(label.trim() ? { label: label.trim() } : {}),
        });
      // A file is sent afresh for each try: the workstation deletes an upload once a command has used it.
      const signer = file ? await withUpload(file, trust) : await trust({ pem: text });
      onDone(signer);
    } catch (err) {
      setError(toErrorBody(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="doc-subform" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="trust-form-title" aria-busy={busy || undefined}>
      <h3 id="trust-form-title">{t('bundles.trust.formTitle')}</h3>
      <FileField
        label={t('bundles.trust.file')}
        hint={file ? t('bundles.trust.fileChosen', { name: file.name }) : t('bundles.trust.fileHint')}
        accept=".pem,.crt,.cer,.der,application/x-pem-file,application/x-x509-ca-cert"
        disabled={busy}
        onFile={setFile}
      />
      <p className="bundle-trust-or">{t('bundles.trust.or')}</p>
      <div className="field">
        <label htmlFor={pemId}>{t('bundles.trust.pem')}</label>
        <textarea
          id={pemId}
          className="bundle-pem"
          value={pem}
          onChange={(e) => setPem(e.target.value)}
          placeholder="-----BEGIN CERTIFICATE-----"
          disabled={busy || file !== null}
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
        />
      </div>
      {problem ? <p className="field-error">{problem}</p> : null}
      <div className="form-grid">
        <SelectField
          label={t('bundles.trust.exam')}
          value={exam}
          disabled={busy}
          onChange={(e) => setExam(e.target.value)}
          options={[{ value: '', label: t('bundles.trust.allExams') }, ...exams.map((x) => ({ value: x.code, label: `${x.code} — ${x.name}` }))]}
        />
        <TextField label={t('bundles.trust.label')} hint={t('bundles.trust.labelHint')} value={label} onChange={(e) => setLabel(e.target.value)} disabled={busy} maxLength={200} />
      </div>
      <TextField
        className="narrow-form"
        label={t('bundles.trust.workstation')}
        hint={t('bundles.trust.workstationHint')}
        value={workstation}
        onChange={(e) => setWorkstation(e.target.value)}
        error={workstationProblem}
        disabled={busy}
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
      />
      <ErrorAlert>{error ? bundlesError(t, i18n.language, error) : null}</ErrorAlert>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('bundles.trust.submit')}
        </button>
        {file ? (
          <button type="button" className="btn btn-secondary" onClick={() => setFile(null)} disabled={busy}>
            {t('bundles.trust.clearFile')}
          </button>
        ) : null}
        <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
