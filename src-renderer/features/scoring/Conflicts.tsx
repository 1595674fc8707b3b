import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account, type Conflict } from '../../api';
import { useExamList } from '../../app/exams';
import { errorMessage } from '../../i18n/errors';
import { formatDateTimeWib } from '../../i18n/format';
import { ErrorAlert, Notice } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

/** Conflicts of interest, declared before any score: an examiner who knows a candidate is recused from them. */
export function ConflictsSection({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const canDeclare = account.role === 'examiner' || account.role === 'chair';
  const canList = account.role === 'coordinator' || account.role === 'chair' || account.role === 'observer';
  const { exams, error: examsError } = useExamList();
  const [exam, setExam] = useState('');
  const [conflicts, setConflicts] = useState<Conflict[] | null>(null);
  // An examiner may not read the list: what they declared here is all they see.
  const [mine, setMine] = useState<Record<string, Conflict[]>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (exams) setExam((cur) => cur || (exams[0]?.code ?? ''));
  }, [exams]);

  const loadList = useCallback(async () => {
    if (!canList || !exam) return;
    const result = await api.invoke('conflicts.list', { exam });
    if (!result.ok) {
      setError(errorMessage(t, lang, result.error));
      return;
    }
    setConflicts(result.value);
  }, [canList, exam, t, lang]);

  useEffect(() => {
    void loadList();
  }, [loadList]);

  if (!canDeclare && !canList) return null;
  const shown = canList ? conflicts : (mine[exam] ?? []);

  return (
    <section className="panel" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">{t('conflicts.title')}</h2>
      <p className="field-hint">{t(canDeclare ? 'conflicts.introDeclare' : 'conflicts.introList')}</p>
      <ErrorAlert>{error ?? (examsError ? errorMessage(t, lang, examsError) : null)}</ErrorAlert>
      {exams && exams.length === 0 ? <p>{t('conflicts.noExam')}</p> : null}
      {exams && exams.length > 1 ? (
        <div className="narrow-form">
          <SelectField
            label={t('conflicts.exam')}
            value={exam}
            onChange={(e) => setExam(e.target.value)}
            options={exams.map((e) => ({ value: e.code, label: `${e.code} — ${e.name}` }))}
          />
        </div>
      ) : null}
      {exam && canDeclare ? (
        <DeclareConflictForm
          key={exam}
          exam={exam}
          account={account}
          onDeclared={(c) => {
            setMine((m) => ({ ...m, [exam]: [...(m[exam] ?? []).filter((x) => x.nomorPeserta !== c.nomorPeserta), c] }));
            void loadList();
          }}
        />
      ) : null}
      {exam && shown ? (
        shown.length === 0 ? (
          <p className="field-hint">{t('conflicts.none')}</p>
        ) : (
          <TableWrap>
            <table className="table" data-testid="conflicts-table">
              <TableCaption>{t(canList ? 'conflicts.captionAll' : 'conflicts.captionMine', { count: shown.length })}</TableCaption>
              <thead>
                <tr>
                  <th scope="col">{t('conflicts.col.nomor')}</th>
                  <th scope="col">{t('conflicts.col.examiner')}</th>
                  <th scope="col">{t('conflicts.col.reason')}</th>
                  <th scope="col">{t('conflicts.col.at')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((c) => (
                  <tr key={`${c.examiner} ${c.nomorPeserta}`}>
                    <td>
                      <code>{c.nomorPeserta}</code>
                    </td>
                    <td>
                      {c.examinerName} (<code>{c.examiner}</code>)
                    </td>
                    <td>{c.reason}</td>
                    <td className="nowrap">{c.declaredAt ? formatDateTimeWib(c.declaredAt, lang) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )
      ) : null}
    </section>
  );
}

function DeclareConflictForm({ exam, account, onDeclared }: { exam: string; account: Account; onDeclared: (c: Conflict) => void }) {
  const { t, i18n } = useTranslation();
  const [nomor, setNomor] = useState('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: Record<string, string> = {};
    if (!nomor.trim()) p.nomor = t('validation.required');
    if (reason.trim().length < 3) p.reason = t('conflicts.reasonShort');
    setProblems(p);
    setError(null);
    setNotice(null);
    if (Object.keys(p).length) return;
    setBusy(true);
    const result = await api.invoke('conflicts.declare', { exam, nomorPeserta: nomor.trim(), reason: reason.trim() });
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, i18n.language, result.error));
      return;
    }
    const value = result.value as { nomorPeserta: string; declared: boolean };
    setNotice(t(value.declared ? 'conflicts.declared' : 'conflicts.already', { nomor: value.nomorPeserta }));
    onDeclared({
      nomorPeserta: value.nomorPeserta,
      reason: reason.trim(),
      declaredAt: value.declared ? new Date().toISOString() : '',
      examiner: account.name,
      examinerName: account.displayName,
    });
    setNomor('');
    setReason('');
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="declare-title">
      <h3 id="declare-title">{t('conflicts.declareTitle')}</h3>
      <div className="form-grid">
        <TextField
          label={t('conflicts.nomor')}
          value={nomor}
          onChange={(e) => setNomor(e.target.value)}
          inputMode="numeric"
          autoComplete="off"
          error={problems.nomor}
          required
        />
        <TextField
          label={t('conflicts.reason')}
          hint={t('conflicts.reasonHint')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          error={problems.reason}
          required
        />
      </div>
      <ErrorAlert>{error}</ErrorAlert>
      <Notice tone="success">{notice}</Notice>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('conflicts.submit')}
        </button>
      </div>
    </form>
  );
}
