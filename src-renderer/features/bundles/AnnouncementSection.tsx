import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody, type ExamListItem } from '../../api';
import { useLiveEvent } from '../../app/live';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { bundlesError } from './errors';
import { useLatestOnly } from '../../app/latest';

interface Row {
  seq: number;
  sha256: string;
  at: string;
  rulesetSha256: string;
  objectionFrom: string;
  objectionUntil: string;
  leafIdx: number | null;
}

/** "2026-12-14" in WIB, as the coordinator typed it. */
const wibDay = (iso: string) => new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

/**
 * "Pengumuman" (docs/publication.md): the coordinator signs the exam's announcement (formations, stages and
 * weights, passing grades, ruleset, schedule, rubrics, objection period) before anything is scored, and sends it to
 * the hub when one is set; the list shows every announcement and whether the hub has logged it. Observers read it.
 */
export function AnnouncementSection({ exams, canManage, hubUrl }: { exams: ExamListItem[] | null; canManage: boolean; hubUrl: string | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [exam, setExam] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<{ field: 'from' | 'until' | 'passphrase'; text: string } | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ seq: number; sha256: string; pushed: string | null } | null>(null);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [listError, setListError] = useState<ErrorBody | null>(null);
  const refs = { from: useRef<HTMLInputElement>(null), until: useRef<HTMLInputElement>(null), passphrase: useRef<HTMLInputElement>(null) };

  useEffect(() => {
    if (exams) setExam((cur) => (exams.some((e) => e.code === cur) ? cur : (exams[0]?.code ?? '')));
  }, [exams]);

  const latest = useLatestOnly();
  const load = useCallback(async () => {
    if (!exam) return;
    const current = latest.ask();
    const r = await api.invoke('announcement.list', { exam });
    if (!current()) return; // another exam was picked meanwhile
    if (r.ok) {
      setRows(r.value.announcements);
      setListError(null);
    } else setListError(r.error);
  }, [exam, latest]);
  useEffect(() => void load(), [load]);
  useLiveEvent(['announcements.changed'], () => void load());

  /** Sends what the hub has not logged yet; a sentence for the notice. */
  async function push(): Promise<string> {
    const r = await api.invoke('announcement.push', { exam });
    if (!r.ok) return t('bundles.announce.pushFailed', { message: bundlesError(t, lang, r.error) });
    const last = r.value.logged[r.value.logged.length - 1];
    if (r.value.failed) return t('bundles.announce.pushFailed', { message: r.value.failed.message });
    return last ? t('bundles.announce.pushed', { leaf: last.leaf }) : t('bundles.announce.nothingToPush');
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const miss = !from ? { field: 'from' as const, text: t('bundles.announce.dateMissing') } : !until ? { field: 'until' as const, text: t('bundles.announce.dateMissing') } : until < from ? { field: 'until' as const, text: t('bundles.announce.periodReversed') } : !passphrase ? { field: 'passphrase' as const, text: t('bundles.export.passphraseMissing') } : null;
    setProblem(miss);
    if (miss) {
      refs[miss.field].current?.focus();
      return;
    }
    setBusy(true);
    const r = await api.invoke('announcement.publish', { exam, objectionFrom: from, objectionUntil: until, passphrase });
    setPassphrase('');
    if (!r.ok) {
      setBusy(false);
      setError(r.error);
      if (r.error.code === 'PASSPHRASE_WRONG') refs.passphrase.current?.focus();
      return;
    }
    const pushed = r.value.hub ? await push() : null;
    setBusy(false);
    setDone({ seq: r.value.seq, sha256: r.value.sha256, pushed });
    void load();
  }

  const pending = rows?.some((x) => x.leafIdx === null) ?? false;
  return (
    <section className="panel" aria-labelledby="announce-title" data-testid="announcement">
      <h2 id="announce-title">{t('bundles.announce.title')}</h2>
      <p className="field-hint">{t('bundles.announce.intro')}</p>
      {exams === null ? <Spinner label={t('common.loading')} /> : null}
      {exams && exams.length ? (
        <SelectField label={t('bundles.exam')} value={exam} disabled={busy} onChange={(e) => setExam(e.target.value)} options={exams.map((x) => ({ value: x.code, label: `${x.code} — ${x.name}` }))} />
      ) : null}
      {canManage && exams && exams.length ? (
        <form onSubmit={(e) => void submit(e)} noValidate aria-busy={busy || undefined}>
          <div className="pickers">
            <TextField ref={refs.from} type="date" label={t('bundles.announce.from')} hint={t('bundles.announce.fromHint')} value={from} onChange={(e) => setFrom(e.target.value)} error={problem?.field === 'from' ? problem.text : null} disabled={busy} required />
            <TextField ref={refs.until} type="date" label={t('bundles.announce.until')} value={until} onChange={(e) => setUntil(e.target.value)} error={problem?.field === 'until' ? problem.text : null} disabled={busy} required />
            <TextField
              ref={refs.passphrase}
              type="password"
              autoComplete="off"
              label={t('bundles.export.passphrase')}
              hint={t('bundles.export.passphraseHint')}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              error={problem?.field === 'passphrase' ? problem.text : null}
              disabled={busy}
              required
            />
          </div>
          <ErrorAlert>{error ? bundlesError(t, lang, error) : null}</ErrorAlert>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !exam}>
              {busy ? t('bundles.announce.publishing') : t('bundles.announce.submit')}
            </button>
            {hubUrl && pending ? (
              <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void push().then((text) => setDone((d) => (d ? { ...d, pushed: text } : { seq: 0, sha256: '', pushed: text })))}>
                {t('bundles.announce.push')}
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
      {done ? (
        <Notice tone="success">
          <span data-testid="announcement-done">
            {done.seq ? t('bundles.announce.done', { seq: done.seq, exam }) : null} {done.pushed ?? (done.seq ? t('bundles.announce.noHub') : null)}
          </span>
          {done.sha256 ? (
            <span className="bundle-state-detail">
              sha256 <code className="hash">{done.sha256}</code>
            </span>
          ) : null}
        </Notice>
      ) : null}
      <ErrorAlert>{listError ? bundlesError(t, lang, listError) : null}</ErrorAlert>
      {rows && rows.length ? (
        <div className="table-wrap" role="region" aria-label={t('bundles.announce.listLabel')} tabIndex={0}>
          <table data-testid="announcement-list">
            <caption>{t('bundles.announce.listLabel')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('bundles.announce.col.seq')}</th>
                <th scope="col">{t('bundles.announce.col.period')}</th>
                <th scope="col">{t('bundles.announce.col.sha256')}</th>
                <th scope="col">{t('bundles.announce.col.ruleset')}</th>
                <th scope="col">{t('bundles.announce.col.log')}</th>
              </tr>
            </thead>
            <tbody>
              {[...rows].reverse().map((x) => (
                <tr key={x.seq}>
                  <td>{x.seq}</td>
                  <td>{t('bundles.announce.period', { from: wibDay(x.objectionFrom), until: wibDay(x.objectionUntil) })}</td>
                  <td>
                    <code className="hash">{x.sha256}</code>
                  </td>
                  <td>
                    <code className="hash">{x.rulesetSha256.slice(0, 16)}…</code>
                  </td>
                  <td>{x.leafIdx === null ? t('bundles.announce.notLogged') : t('bundles.announce.logged', { leaf: x.leafIdx })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : rows ? (
        <p>{t('bundles.announce.none')}</p>
      ) : null}
    </section>
  );
}
