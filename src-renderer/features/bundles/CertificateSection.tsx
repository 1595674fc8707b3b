import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account, type ErrorBody } from '../../api';
import { hrefOf } from '../../app/router';
import { saveExportedFile } from '../../ui/download';
import { ErrorAlert, Spinner } from '../../ui/feedback';
import { bundlesError } from './errors';
import { textFile, type Certificate } from './model';

/**
 * "Sertifikat stasiun kerja" (coordinator): the certificate bundles are signed with, to be registered at the hub
 * (and at any coordinator who merges this workstation's bundles). The fingerprint to compare by phone; the PEM to
 * download or copy.
 */
export function CertificateSection({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const pemId = useId();
  const [cert, setCert] = useState<Certificate | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [copy, setCopy] = useState<'done' | 'failed' | null>(null);
  const [showPem, setShowPem] = useState(false);
  const pemRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    let live = true;
    void api.invoke('keys.certificate').then((result) => {
      if (!live) return;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      setCert(result.value);
    });
    return () => {
      live = false;
    };
  }, []);

  async function copyPem() {
    if (!cert) return;
    try {
      await navigator.clipboard.writeText(cert.pem);
      setCopy('done');
    } catch {
      // The desktop window may refuse the clipboard: the text is shown and selected instead, for Ctrl+C.
      setCopy('failed');
      setShowPem(true);
    }
  }

  useEffect(() => {
    if (copy !== 'failed' || !showPem) return;
    pemRef.current?.focus();
    pemRef.current?.select();
  }, [copy, showPem]);

  const noIdentity = error?.code === 'NO_IDENTITY';

  return (
    <section className="panel" aria-labelledby="bundle-cert-title" data-testid="bundle-certificate">
      <h2 id="bundle-cert-title">{t('bundles.cert.title')}</h2>
      <p className="field-hint">{t('bundles.cert.intro')}</p>
      {noIdentity ? (
        <p data-testid="bundle-cert-none">
          {t('bundles.cert.none')} <a href={hrefOf('documents')}>{t('bundles.cert.toDocuments')}</a>
        </p>
      ) : (
        <ErrorAlert>{error ? bundlesError(t, lang, error) : null}</ErrorAlert>
      )}
      {cert === null ? (
        error ? null : <Spinner label={t('common.loading')} />
      ) : (
        <>
          <dl className="facts">
            <dt>{t('bundles.cert.fingerprint')}</dt>
            <dd>
              <code className="doc-fingerprint-value" data-testid="bundle-cert-fingerprint">
                {cert.fingerprint}
              </code>
            </dd>
          </dl>
          <p>
            <strong>{t('bundles.cert.register')}</strong> {t('bundles.cert.registerHow')}
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => saveExportedFile(textFile(`sertifikat-${account.name}.pem`, 'application/x-pem-file', cert.pem))}
            >
              {t('bundles.cert.download')}
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => void copyPem()}>
              {t('bundles.cert.copy')}
            </button>
            <span role="status" className="copy-status">
              {copy ? t(copy === 'done' ? 'bundles.cert.copied' : 'bundles.cert.copyFailed') : null}
            </span>
          </div>
          <details className="hash-details" open={showPem} onToggle={(e) => setShowPem(e.currentTarget.open)}>
            <summary>{t('bundles.cert.showPem')}</summary>
            <label htmlFor={pemId} className="visually-hidden">
              {t('bundles.cert.pemLabel')}
            </label>
            <textarea id={pemId} ref={pemRef} className="bundle-pem" readOnly value={cert.pem} spellCheck={false} />
          </details>
        </>
      )}
    </section>
  );
}
