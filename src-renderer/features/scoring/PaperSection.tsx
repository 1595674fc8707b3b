import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account, type ErrorBody } from '../../api';
import { useLiveReload } from '../../app/pace';
import { actorName } from '../../i18n/errors';
import { ErrorAlert, Notice } from '../../ui/feedback';
import { TextField } from '../../ui/fields';
import { scoringError } from './errors';
import { TextAreaField } from '../../ui/fields';
import type { PaperEntryResult, PaperMismatch, PaperStatusRow, StageItem } from './types';
import { formatNumber, parseTyped, rangeProblem } from './values';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { useLatestOnly } from '../../app/latest';

/** Paper tests: blind double entry by two clerks, and a third person resolving a mismatch. */
export function PaperSection({ exam, stage, items, account }: { exam: string; stage: string; items: StageItem[]; account: Account }) {
  const canEnter = account.role === 'clerk' || account.role === 'coordinator';
  const canResolve = account.role === 'chair' || account.role === 'coordinator';
  const [tick, setTick] = useState(0);
  return (
    <>
      {canEnter ? <PaperEntryForm key={`${exam} ${stage}`} exam={exam} stage={stage} items={items} onEntered={() => setTick((n) => n + 1)} /> : null}
      {canResolve ? <MismatchesSection exam={exam} stage={stage} items={items} tick={tick} onResolved={() => setTick((n) => n + 1)} /> : null}
      <PaperStatusTable exam={exam} stage={stage} items={items} tick={tick} />
    </>
  );
}

type Outcome = { ok: true; value: PaperEntryResult } | { ok: false; nomor: string; error: ErrorBody };

function PaperEntryForm({ exam, stage, items, onEntered }: { exam: string; stage: string; items: StageItem[]; onEntered: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [nomor, setNomor] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const order = ['nomor', ...items.map((i) => i.code)];
  const refs = useRef(new Map<string, HTMLInputElement>());
  const submitRef = useRef<HTMLButtonElement>(null);
  const name = (code: string) => items.find((i) => i.code === code)?.name ?? code;

  function onKey(e: KeyboardEvent<HTMLInputElement>, key: string) {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const next = order[order.indexOf(key) + 1];
    if (next) refs.current.get(next)?.focus();
    else submitRef.current?.click();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: Record<string, string> = {};
    if (!nomor.trim()) p.nomor = t('validation.required');
    const parsed: Record<string, number> = {};
    for (const item of items) {
      const v = parseTyped(values[item.code] ?? '');
      const problem = rangeProblem(v, item);
      if (!(values[item.code] ?? '').trim()) p[item.code] = t('validation.required');
      else if (problem) p[item.code] = t(`scoring.range.${problem.kind}`, { min: formatNumber(item.min, lang), max: formatNumber(item.max, lang), step: formatNumber(item.step, lang) });
      else parsed[item.code] = v!;
    }
    setProblems(p);
    const first = order.find((k) => p[k]);
    if (first) {
      refs.current.get(first)?.focus();
      return;
    }
    setBusy(true);
    const value = nomor.trim();
    const r = await api.invoke('paper.enter', { exam, stage, nomorPeserta: value, values: parsed });
    setBusy(false);
    setOutcome(r.ok ? { ok: true, value: r.value } : { ok: false, nomor: value, error: r.error });
    if (r.ok) {
      // The sheet is typed: the form is ready for the next one.
      setNomor('');
      setValues({});
      onEntered();
    }
    refs.current.get('nomor')?.focus();
  }

  let verdict: { tone: 'ok' | 'error' | 'info'; text: string } | null = null;
  if (outcome?.ok) {
    const v = outcome.value;
    if (v.state === 'confirmed') verdict = { tone: 'ok', text: t('scoring.paper.confirmed', { nomor: v.nomorPeserta }) };
    else if (v.state === 'mismatch')
      verdict = { tone: 'error', text: t('scoring.paper.mismatch', { nomor: v.nomorPeserta, items: v.mismatched.map(name).join(t('scoring.listSeparator')) }) };
    else verdict = { tone: 'info', text: t('scoring.paper.first', { nomor: v.nomorPeserta }) };
  } else if (outcome) {
    verdict = { tone: 'error', text: `${t('scoring.paper.refused', { nomor: outcome.nomor })} ${scoringError(t, lang, outcome.error)}` };
  }

  return (
    <section className="panel" aria-labelledby="paper-entry-title">
      <h2 id="paper-entry-title">{t('scoring.paper.title')}</h2>
      <p className="field-hint">{t('scoring.paper.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-grid">
          <TextField
            ref={(el) => {
              if (el) refs.current.set('nomor', el);
            }}
            label={t('scoring.paper.nomor')}
            value={nomor}
            onChange={(e) => setNomor(e.target.value)}
            onKeyDown={(e) => onKey(e, 'nomor')}
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            error={problems.nomor}
            autoFocus
            required
          />
          {items.map((item) => (
            <TextField
              key={item.code}
              ref={(el) => {
                if (el) refs.current.set(item.code, el);
              }}
              label={t('scoring.paper.component', { name: item.name })}
              hint={t('scoring.sheet.range', { min: formatNumber(item.min, lang), max: formatNumber(item.max, lang) })}
              value={values[item.code] ?? ''}
              onChange={(e) => setValues((v) => ({ ...v, [item.code]: e.target.value }))}
              onKeyDown={(e) => onKey(e, item.code)}
              inputMode="decimal"
              autoComplete="off"
              spellCheck={false}
              error={problems[item.code]}
              required
            />
          ))}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" ref={submitRef} disabled={busy}>
            {t('scoring.paper.submit')}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {verdict ? (
          <p className={`paper-verdict paper-${verdict.tone}`} data-testid="paper-result">
            {verdict.text}
          </p>
        ) : null}
      </div>
    </section>
  );
}

function PaperStatusTable({ exam, stage, items, tick }: { exam: string; stage: string; items: StageItem[]; tick: number }) {
  const { t, i18n } = useTranslation();
  const [rows, setRows] = useState<PaperStatusRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const name = (code: string) => items.find((i) => i.code === code)?.name ?? code;

  const latest = useLatestOnly();
  const load = useCallback(async () => {
    const current = latest.ask();
    const r = await api.invoke('paper.status', { exam, stage });
    if (!current()) return; // another stage was picked meanwhile
    if (!r.ok) {
      setError(scoringError(t, i18n.language, r.error));
      return;
    }
    setError(null);
    setRows(r.value);
  }, [exam, stage, t, i18n.language, latest]);

  useEffect(() => {
    void load();
  }, [load, tick]);
  useLiveReload(['scores.changed'], (d) => {
    const x = d as { exam?: string } | null;
    return !x || !x.exam || x.exam === exam;
  }, load);

  if (error) return <ErrorAlert>{error}</ErrorAlert>;
  if (!rows) return null;
  return (
    <section aria-labelledby="paper-status-title">
      <h2 id="paper-status-title">{t('scoring.paper.statusTitle')}</h2>
      {rows.length === 0 ? (
        <p className="field-hint">{t('scoring.paper.none')}</p>
      ) : (
        <TableWrap>
          <table className="table" data-testid="paper-status">
            <TableCaption>{t('scoring.paper.statusCaption', { count: rows.length })}</TableCaption>
            <thead>
              <tr>
                <th scope="col">{t('scoring.col.nomor')}</th>
                <th scope="col">{t('scoring.col.state')}</th>
                <th scope="col">{t('scoring.paper.firstBy')}</th>
                <th scope="col">{t('scoring.paper.secondBy')}</th>
                <th scope="col">{t('scoring.paper.differs')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.nomorPeserta}>
                  <td>
                    <code>{r.nomorPeserta}</code>
                  </td>
                  <td>
                    <span className={`badge ${r.state === 'mismatch' ? 'badge-warn' : r.state === 'first' || r.state === 'empty' ? 'badge-muted' : 'badge-ok'}`}>
                      {t(`scoring.paper.state.${r.state}`)}
                    </span>
                  </td>
                  <td>{r.firstBy ? actorName(r.firstBy) : '—'}</td>
                  <td>{r.secondBy ? actorName(r.secondBy) : '—'}</td>
                  <td>{r.mismatched.length ? r.mismatched.map(name).join(t('scoring.listSeparator')) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function MismatchesSection({ exam, stage, items, tick, onResolved }: { exam: string; stage: string; items: StageItem[]; tick: number; onResolved: () => void }) {
  const { t, i18n } = useTranslation();
  const [list, setList] = useState<PaperMismatch[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await api.invoke('paper.mismatches', { exam, stage });
    if (!r.ok) {
      setError(scoringError(t, i18n.language, r.error));
      return;
    }
    setError(null);
    setList(r.value);
  }, [exam, stage, t, i18n.language]);

  useEffect(() => {
    void load();
  }, [load, tick]);
  useLiveReload(['scores.changed'], (d) => {
    const x = d as { exam?: string } | null;
    return !x || !x.exam || x.exam === exam;
  }, load);

  return (
    <section className="panel" aria-labelledby="mismatch-title">
      <h2 id="mismatch-title">{t('scoring.mismatch.title')}</h2>
      <p className="field-hint">{t('scoring.mismatch.intro')}</p>
      <ErrorAlert>{error}</ErrorAlert>
      <Notice tone="success">{notice}</Notice>
      {list && list.length === 0 ? <p className="field-hint">{t('scoring.mismatch.none')}</p> : null}
      {list?.map((m) => (
        <ResolveForm
          key={m.nomorPeserta}
          exam={exam}
          stage={stage}
          items={items}
          mismatch={m}
          onResolved={() => {
            setNotice(t('scoring.mismatch.done', { nomor: m.nomorPeserta }));
            void load();
            onResolved();
          }}
        />
      ))}
    </section>
  );
}

function ResolveForm({ exam, stage, items, mismatch, onResolved }: { exam: string; stage: string; items: StageItem[]; mismatch: PaperMismatch; onResolved: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(mismatch.fields.map((f) => [f.item, f.differs ? '' : formatNumber(f.first, lang)])),
  );
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const itemOf = (code: string) => items.find((i) => i.code === code);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const p: Record<string, string> = {};
    const parsed: Record<string, number> = {};
    for (const f of mismatch.fields) {
      const item = itemOf(f.item);
      const v = parseTyped(values[f.item] ?? '');
      const problem = item ? rangeProblem(v, item) : v === null ? { kind: 'format' as const } : null;
      if (!(values[f.item] ?? '').trim()) p[f.item] = t('validation.required');
      else if (problem)
        p[f.item] = t(`scoring.range.${problem.kind}`, { min: formatNumber(item?.min ?? 0, lang), max: formatNumber(item?.max ?? 0, lang), step: formatNumber(item?.step ?? 1, lang) });
      else parsed[f.item] = v!;
    }
    if (reason.trim().length < 5) p.reason = t('scoring.reasonShort');
    setProblems(p);
    if (Object.keys(p).length) return;
    setBusy(true);
    const r = await api.invoke('paper.resolve', { exam, stage, nomorPeserta: mismatch.nomorPeserta, values: parsed, reason: reason.trim() });
    setBusy(false);
    if (!r.ok) {
      setError(scoringError(t, lang, r.error, 'resolve'));
      return;
    }
    onResolved();
  }

  return (
    <form className="resolve" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`} data-testid={`resolve-${mismatch.nomorPeserta}`}>
      <h3 id={`${id}-title`}>{t('scoring.mismatch.sheet', { nomor: mismatch.nomorPeserta })}</h3>
      <TableWrap>
        <table className="table">
          <TableCaption>
            {t('scoring.mismatch.caption', {
              first: mismatch.firstBy ? actorName(mismatch.firstBy) : '—',
              second: mismatch.secondBy ? actorName(mismatch.secondBy) : '—',
            })}
          </TableCaption>
          <thead>
            <tr>
              <th scope="col">{t('scoring.mismatch.item')}</th>
              <th scope="col" className="num">
                {t('scoring.mismatch.first')}
              </th>
              <th scope="col" className="num">
                {t('scoring.mismatch.second')}
              </th>
              <th scope="col">{t('scoring.mismatch.chosen')}</th>
            </tr>
          </thead>
          <tbody>
            {mismatch.fields.map((f) => {
              const label = itemOf(f.item)?.name ?? f.item;
              return (
                <tr key={f.item} className={f.differs ? 'row-divergent' : undefined}>
                  <th scope="row">
                    {label}
                    {f.differs ? <span className="badge badge-warn badge-after">{t('scoring.mismatch.differs')}</span> : null}
                  </th>
                  <td className="num">{formatNumber(f.first, lang)}</td>
                  <td className="num">{formatNumber(f.second, lang)}</td>
                  <td>
                    <div className="resolve-choice">
                      {f.differs ? (
                        <>
                          <button
                            type="button"
                            className="btn btn-small btn-secondary"
                            onClick={() => setValues((v) => ({ ...v, [f.item]: formatNumber(f.first, lang) }))}
                          >
                            {t('scoring.mismatch.useFirst', { value: formatNumber(f.first, lang) })}
                          </button>
                          <button
                            type="button"
                            className="btn btn-small btn-secondary"
                            onClick={() => setValues((v) => ({ ...v, [f.item]: formatNumber(f.second, lang) }))}
                          >
                            {t('scoring.mismatch.useSecond', { value: formatNumber(f.second, lang) })}
                          </button>
                        </>
                      ) : null}
                      <TextField
                        className="field-inline"
                        label={t('scoring.mismatch.valueOf', { label })}
                        value={values[f.item] ?? ''}
                        onChange={(e) => setValues((v) => ({ ...v, [f.item]: e.target.value }))}
                        inputMode="decimal"
                        autoComplete="off"
                        error={problems[f.item]}
                      />
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      <TextAreaField label={t('scoring.mismatch.reason')} hint={t('scoring.reasonHint')} value={reason} onChange={setReason} error={problems.reason} />
      <ErrorAlert>{error}</ErrorAlert>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('scoring.mismatch.submit')}
        </button>
      </div>
    </form>
  );
}
