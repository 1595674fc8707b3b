import { useEffect, useRef, useState, type DragEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, toErrorBody, withUpload, type ErrorBody } from '../../api';
import { formatCount, formatDecimal, formatLongDateTimeWib } from '../../i18n/format';
import { ErrorAlert, ProgressBar } from '../../ui/feedback';
import { FileField } from '../../ui/fields';
import { documentsError } from './errors';
import type { DocumentReport, SignatureReport, Verdict } from './model';

type Phase =
  | { step: 'idle' }
  | { step: 'upload'; name: string; sent: number; total: number }
  | { step: 'check'; name: string }
  | { step: 'done'; report: DocumentReport };

/** How a verdict looks: intact and vouched for, intact but not vouched for (or not comparable), or not to be trusted. */
function tone(v: Verdict): 'success' | 'warn' | 'error' {
  if (v === 'certified' || v === 'workstation') return 'success';
  if (v === 'uncertified' || v === 'unchecked') return 'warn';
  return 'error';
}

/** The verdict's headline: "SAH dan tersertifikasi", "TIDAK SAH: diubah setelah tanda tangan 1", … */
export function verdictHeadline(t: TFunction, r: Pick<DocumentReport, 'verdict' | 'signatureNumber'>): string {
  if (r.verdict === 'modified') return r.signatureNumber ? t('documents.verify.verdict.modified', { n: r.signatureNumber }) : t('documents.verify.verdict.modifiedPlain');
  if (r.verdict === 'invalid') return r.signatureNumber ? t('documents.verify.verdict.invalid', { n: r.signatureNumber }) : t('documents.verify.verdict.invalidFile');
  return t(`documents.verify.verdict.${r.verdict}`);
}

/** The sentence under the headline, saying what the verdict means and what to do. */
function verdictExplanation(t: TFunction, r: DocumentReport): string {
  switch (r.verdict) {
    case 'modified':
      return t('documents.verify.explain.modified', { revision: r.modifications[0]?.revision ?? '?' });
    case 'invalid':
      return t(r.signatureNumber ? 'documents.verify.explain.invalid' : 'documents.verify.explain.invalidFile');
    case 'uncertified':
      return t('documents.verify.explain.uncertified', { list: r.unvouched.join(', '), count: r.unvouched.length });
    default:
      return t(`documents.verify.explain.${r.verdict}`);
  }
}

/**
 * "Periksa dokumen bertanda tangan": a PDF dropped here or picked is checked as `lentera verify --data` checks it
 * (documents.verify), and the report is shown in words: an overall verdict, then each signature, what changed
 * after it, and whether the document says what this workstation's records say. The file is not kept.
 */
export function VerifySection() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const [error, setError] = useState<ErrorBody | null>(null);
  const [dragging, setDragging] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const verdictRef = useRef<HTMLHeadingElement>(null);
  const busy = phase.step === 'upload' || phase.step === 'check';

  // The verdict takes the focus when it appears: a keyboard or screen reader user lands on it.
  useEffect(() => {
    if (phase.step === 'done') verdictRef.current?.focus();
  }, [phase]);

  async function check(file: File, dropped = 1) {
    if (busy) return;
    setError(null);
    setNote(dropped > 1 ? t('documents.verify.dropMany', { name: file.name }) : null);
    setPhase({ step: 'upload', name: file.name, sent: 0, total: file.size });
    try {
      const report = await withUpload(
        file,
        (ref) => {
          setPhase({ step: 'check', name: file.name });
          return api.call('documents.verify', { file: ref });
        },
        { onProgress: (sent, total) => setPhase({ step: 'upload', name: file.name, sent, total }) },
      );
      setPhase({ step: 'done', report });
    } catch (e) {
      setError(toErrorBody(e));
      setPhase({ step: 'idle' });
    }
  }

  const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

  return (
    <section className="panel" aria-labelledby="verify-title" data-testid="verify-section">
      <h2 id="verify-title">{t('documents.verify.title')}</h2>
      <p className="field-hint">{t('documents.verify.intro')}</p>
      <div
        className={`doc-drop${dragging ? ' doc-drop-active' : ''}`}
        data-testid="verify-drop"
        onDragEnter={(e) => {
          if (!carriesFiles(e)) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          if (!carriesFiles(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = busy ? 'none' : 'copy';
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const files = e.dataTransfer?.files;
          if (files?.length) void check(files[0]!, files.length);
        }}
      >
        <FileField label={t('documents.verify.file')} hint={t('documents.verify.fileHint')} accept=".pdf,application/pdf" disabled={busy} onFile={(f) => void check(f)} />
        <p className="doc-drop-text" aria-hidden="true">
          {dragging ? t('documents.verify.dropNow') : t('documents.verify.dropHere')}
        </p>
      </div>
      {phase.step === 'upload' ? <ProgressBar label={t('documents.verify.uploading', { name: phase.name })} value={phase.sent} max={phase.total} /> : null}
      {phase.step === 'check' ? (
        <p className="loading" role="status">
          {t('documents.verify.checking', { name: phase.name })}
        </p>
      ) : null}
      <ErrorAlert>{error ? <span data-testid="verify-error">{documentsError(t, lang, error, 'verify')}</span> : null}</ErrorAlert>
      {note ? <p className="field-hint">{note}</p> : null}
      {phase.step === 'done' ? <Report report={phase.report} verdictRef={verdictRef} /> : null}
    </section>
  );
}

function Report({ report: r, verdictRef }: { report: DocumentReport; verdictRef: RefObject<HTMLHeadingElement | null> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <div className="doc-report" data-testid="verify-report">
      <div className={`alert alert-${tone(r.verdict)} doc-verdict`} data-testid="verify-verdict" data-verdict={r.verdict}>
        <h3 className="doc-verdict-title" ref={verdictRef} tabIndex={-1}>
          {verdictHeadline(t, r)}
        </h3>
        <p className="doc-verdict-text">{verdictExplanation(t, r)}</p>
      </div>

      <dl className="facts">
        <dt>{t('documents.verify.facts.name')}</dt>
        <dd>
          <code>{r.name}</code>
        </dd>
        <dt>{t('documents.verify.facts.size')}</dt>
        <dd>{t('documents.verify.facts.bytes', { n: formatCount(r.bytes, lang) })}</dd>
        <dt>{t('documents.verify.facts.revisions')}</dt>
        <dd>{formatCount(r.revisions, lang)}</dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="hash">{r.sha256}</code>
        </dd>
      </dl>

      <Records report={r} />

      {r.modifications.length ? (
        <section className="doc-report-part" aria-labelledby="verify-modified-title" data-testid="verify-modifications">
          <h4 id="verify-modified-title">{t('documents.verify.modifications.title')}</h4>
          <ul>
            {r.modifications.map((m) => (
              <li key={m.revision}>
                <strong>{t('documents.verify.modifications.item', { n: m.afterSignature, revision: m.revision })}</strong>
                <ul className="doc-technical">
                  {m.changes.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {r.problems.length ? (
        <section className="doc-report-part" aria-labelledby="verify-problems-title">
          <h4 id="verify-problems-title">{t('documents.verify.problems')}</h4>
          <ul className="doc-technical">
            {r.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </section>
      ) : null}

      {r.validationDataAfter ? <p className="field-hint">{t('documents.verify.validationData')}</p> : null}

      {r.signatures.length ? (
        <section className="doc-report-part" aria-labelledby="verify-signatures-title">
          <h4 id="verify-signatures-title">{t('documents.verify.signatures.title', { count: r.signatures.length })}</h4>
          <ol className="doc-signatures">
            {r.signatures.map((s) => (
              <SignatureItem key={s.index} s={s} />
            ))}
          </ol>
          {r.trustRoots === 0 ? <p className="field-hint">{t('documents.verify.noTrustRoots')}</p> : null}
        </section>
      ) : null}
    </div>
  );
}

function Records({ report: r }: { report: DocumentReport }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const rec = r.records;
  let line: string;
  let ok: boolean | null = null;
  if (rec.kind === 'sheet') {
    ok = rec.match;
    line = rec.match
      ? t('documents.verify.records.sheetMatch', { nomor: rec.nomor, exam: rec.exam })
      : t('documents.verify.records.sheetMismatch', { nomor: rec.nomor, exam: rec.exam, final: rec.final ? formatDecimal(rec.final, lang) : '–', status: rec.status ?? '–' });
  } else if (rec.kind === 'minutes') {
    ok = rec.match;
    line = t(rec.match ? 'documents.verify.records.minutesMatch' : 'documents.verify.records.minutesMismatch', { session: rec.session, exam: rec.exam });
  } else if (rec.kind === 'unknown') {
    line = t('documents.verify.records.unknown');
  } else if (rec.code === 'NO_FINAL_RESULT') {
    const who = Array.isArray(rec.details.nomorPeserta) ? rec.details.nomorPeserta.join(', ') : '';
    line = t('documents.verify.records.noFinal', { nomor: who });
  } else {
    line = t('documents.verify.records.error', { reason: documentsError(t, lang, { code: rec.code, message: rec.message, details: rec.details }, 'verify') });
  }
  return (
    <section className="doc-report-part" aria-labelledby="verify-records-title" data-testid="verify-records">
      <h4 id="verify-records-title">{t('documents.verify.records.title')}</h4>
      <p>
        {ok === null ? null : <span className={`badge ${ok ? 'badge-ok' : 'badge-warn'}`}>{t(ok ? 'documents.verify.records.same' : 'documents.verify.records.different')}</span>}
        {line}
      </p>
      {rec.kind === 'minutes' && rec.differences.length ? (
        <>
          <p className="field-hint">{t('documents.verify.records.differences')}</p>
          <ul className="doc-technical">
            {rec.differences.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </>
      ) : null}
      {r.onFile ? (
        <p data-testid="verify-on-file">
          {r.onFile.version < r.onFile.latestVersion
            ? t('documents.verify.records.onFileOld', { name: r.onFile.name, version: r.onFile.version, latest: r.onFile.latest })
            : t('documents.verify.records.onFile', { name: r.onFile.name, version: r.onFile.version })}
        </p>
      ) : null}
    </section>
  );
}

function SignatureItem({ s }: { s: SignatureReport }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const trust = s.trust;
  const certification = !trust
    ? t('documents.verify.sig.noTrust')
    : trust.kind === 'certified'
      ? t('documents.verify.sig.certifiedBy', { root: trust.root ?? '' })
      : trust.kind === 'selfSigned'
        ? t('documents.verify.sig.selfSigned')
        : trust.kind === 'unknownIssuer'
          ? t('documents.verify.sig.unknownIssuer', { issuer: trust.issuer ?? '' })
          : t('documents.verify.sig.failed', { reason: trust.reason ?? '' });
  return (
    <li className="doc-signature" data-testid={`verify-signature-${s.index}`} data-status={s.status}>
      <h5 className="doc-signature-title">
        {t('documents.verify.signatures.item', { index: s.index, signer: s.signer || t('documents.verify.signatures.unknownSigner') })}{' '}
        <span className={`doc-chip ${s.status === 'valid' ? 'doc-chip-certified' : 'doc-chip-bad'}`}>{t(`documents.verify.sig.${s.status}`)}</span>
      </h5>
      <dl className="facts">
        {s.nip ? (
          <>
            <dt>{t('documents.verify.sig.nip')}</dt>
            <dd>{s.nip}</dd>
          </>
        ) : null}
        <dt>{t('documents.verify.sig.time')}</dt>
        <dd>{s.signingTime ? formatLongDateTimeWib(s.signingTime, lang) : t('documents.verify.sig.timeUnknown')}</dd>
        <dt>{t('documents.verify.sig.certification')}</dt>
        <dd data-testid="verify-certification">
          <span className={`doc-chip ${trust?.certified ? 'doc-chip-certified' : 'doc-chip-local'}`}>{certification}</span>
        </dd>
        <dt>{t('documents.verify.sig.key')}</dt>
        <dd data-testid="verify-key">{s.workstationKey ? t('documents.verify.sig.keyOf', { account: s.workstationKey.account, role: t(`roles.${s.workstationKey.role}`) }) : t('documents.verify.sig.notKey')}</dd>
        <dt>{t('documents.verify.sig.fingerprint')}</dt>
        <dd>{s.fingerprint ? <code className="doc-fingerprint-value">{s.fingerprint}</code> : '–'}</dd>
        <dt>{t('documents.verify.sig.kind')}</dt>
        <dd>{s.certification ? t(`documents.verify.sig.certification${s.certification}`) : t('documents.verify.sig.approval')}</dd>
        <dt>{t('documents.verify.sig.covers')}</dt>
        <dd>{s.coversWholeFile ? t('documents.verify.sig.coversWhole') : t('documents.verify.sig.coversPart', { revision: s.revision ?? '?' })}</dd>
        {s.problem ? (
          <>
            <dt>{t('documents.verify.sig.problem')}</dt>
            <dd className="doc-technical">{s.problem}</dd>
          </>
        ) : null}
      </dl>
    </li>
  );
}
