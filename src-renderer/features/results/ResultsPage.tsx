import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  api,
  type Account,
  
  type Formation,
  type RankedResult,
  type RankingRuleset,
  type RankingValue,
  
} from '../../api';
import { useExamChoice } from '../../app/exams';
import { useLiveEvent } from '../../app/live';
import { hrefOf } from '../../app/router';
import { filler } from '../../i18n/filler';
import { formatCount, shortHash } from '../../i18n/format';
import { saveExportedFile } from '../../ui/download';
import { EmptyState, ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { compareDecimal, displayOrder, matchesSearch, resultsError, statusFamily, statusLabel, type StatusFamily } from './model';
import { OptimalisasiTable, ResultsTable, StatusChip } from './ResultsTable';
import { ScoreHistogram } from './ScoreHistogram';
import { PrintRankingButton } from '../print/PrintButton';
import { useLatestOnly } from '../../app/latest';

const CHOICE_KEY = 'lentera.results';
/** Live changes come in bursts (a panel signs, a CAT file imports): rank again once the burst is over. */
const RELOAD_DELAY_MS = 250;
/** The order of the counts per status: the passed first, the failed last. */
const FAMILY_ORDER: readonly StatusFamily[] = ['pass', 'neutral', 'absent', 'pending', 'fail', 'other'];

function storedChoice(): { exam?: string; formation?: string } {
  try {
    return JSON.parse(sessionStorage.getItem(CHOICE_KEY) ?? '{}') as { exam?: string; formation?: string };
  } catch {
    return {};
  }
}

function storeChoice(exam: string, formation: string): void {
  try {
    sessionStorage.setItem(CHOICE_KEY, JSON.stringify({ exam, formation }));
  } catch {
    // storage disabled: the person picks the formation again after a reload
  }
}

/** Hasil & Peringkat: the ranking of each formation, from the raw scores and the ruleset named with its hash. */
export function ResultsPage({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const choice = useExamChoice(storedChoice().exam);
  const { exams, exam, setExam } = choice;
  const formations: Formation[] | null = choice.detail?.formations ?? null;
  const [pickedFormation, setFormation] = useState(() => storedChoice().formation ?? '');
  const [data, setData] = useState<RankingValue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [liveTick, setLiveTick] = useState(0);
  const latest = useLatestOnly();

  // The formation picked when the exam has it, else the first: worked out in the render (as the exam is), so that the
  // ranking is asked in the render the formations arrive in.
  const formation = formations && !formations.some((f) => f.code === pickedFormation) ? (formations[0]?.code ?? '') : pickedFormation;

  const loadRanking = useCallback(async () => {
    if (!exam || !formation) return;
    const current = latest.ask();
    const result = await api.invoke('ranking.compute', { exam, formation });
    if (!current()) return; // another exam or formation was picked meanwhile
    if (!result.ok) {
      setError(resultsError(t, lang, result.error));
      setData(null);
      return;
    }
    setError(null);
    setData(result.value);
  }, [exam, formation, t, lang, latest]);

  // Asked in the commit that knows the formation, not after the paint of its 500 options that follows.
  useLayoutEffect(() => {
    void loadRanking();
  }, [loadRanking, liveTick]);
  useEffect(() => {
    if (exam && formation) storeChoice(exam, formation);
  }, [exam, formation]);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useLiveEvent(['scores.changed', 'panel.changed', 'roster.changed', 'exams.changed'], (payload) => {
    const d = payload as { exam?: string } | null;
    if (d?.exam && d.exam !== exam) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      choice.reload();
      setLiveTick((n) => n + 1);
    }, RELOAD_DELAY_MS);
  });

  // An exam may have hundreds of formations: their labels are made once per list and language, not at every render
  // of the page (it renders again for each answer it waits for).
  const formationOptions = useMemo(() => {
    const label = filler(t, 'results.formationOption');
    return (formations ?? []).map((f) => ({ value: f.code, label: label({ code: f.code, position: f.position, unit: f.unit, quota: f.quota }) }));
  }, [formations, t]);

  const shownError = error ?? (choice.error ? resultsError(t, lang, choice.error) : null);
  const current = formations?.find((f) => f.code === formation);
  // The answer on screen belongs to the exam and formation picked (a slow answer for the previous pick is dropped).
  const shown = data && data.exam.code === exam && data.formations[0]?.code === formation ? data : null;

  return (
    <div className="page-section results-page">
      <h1>{t('results.title')}</h1>
      <p className="lead">{t('results.intro')}</p>

      {exams === null ? (
        <Spinner label={t('common.loading')} />
      ) : exams.length === 0 ? (
        <>
          <ErrorAlert>{shownError}</ErrorAlert>
          <EmptyState title={t('results.noExam')}>
            <p>{t(account.role === 'coordinator' ? 'results.noExamCoordinator' : 'results.noExamOthers')}</p>
          </EmptyState>
        </>
      ) : (
        <>
          <div className="pickers">
            <SelectField
              label={t('results.exam')}
              value={exam}
              onChange={(e) => {
                setExam(e.target.value);
                setFormation('');
                setError(null);
              }}
              options={exams.map((e) => ({ value: e.code, label: `${e.code} — ${e.name}` }))}
            />
            <SelectField
              label={t('results.formation')}
              value={formation}
              onChange={(e) => setFormation(e.target.value)}
              disabled={!formations?.length}
              options={formationOptions}
            />
          </div>
          <ErrorAlert>{shownError}</ErrorAlert>
          {formations && formations.length === 0 ? (
            <EmptyState title={t('results.noFormation')}>
              <p>{t('results.noFormationBody')}</p>
            </EmptyState>
          ) : null}
          {/* The ranking first, what the people at the venue came for; exports and the ruleset after it. */}
          {shown ? (
            <FormationResults key={`${exam} ${formation}`} exam={exam} value={shown} formation={current} />
          ) : current && !error ? (
            <Spinner label={t('results.computing')} />
          ) : null}
          {exam && current ? <PrintRankingButton exam={exam} formation={current.code} /> : null}
          {exam && current ? <ExportBar exam={exam} formation={current.code} formations={formations?.length ?? 0} /> : null}
          {shown ? <RulesetHeader ruleset={shown.ruleset} /> : null}
        </>
      )}
    </div>
  );
}

/** The ruleset the results come from, with its full sha256 (to recompute anywhere), and what its codes mean. */
function RulesetHeader({ ruleset }: { ruleset: RankingRuleset }) {
  const { t } = useTranslation();
  const [copy, setCopy] = useState<'done' | 'failed' | null>(null);
  const [open, setOpen] = useState(false);
  const fullRef = useRef<HTMLElement>(null);

  async function copyHash() {
    try {
      await navigator.clipboard.writeText(ruleset.sha256);
      setCopy('done');
    } catch {
      // The desktop window grants no clipboard permission: select the full hash so that Ctrl+C copies it.
      setOpen(true);
      setCopy('failed');
      requestAnimationFrame(() => {
        const el = fullRef.current;
        const selection = window.getSelection();
        if (el && selection) selection.selectAllChildren(el);
      });
    }
  }

  const legend = Object.entries(ruleset.statuses);
  return (
    <section className="panel ruleset-panel" aria-labelledby="ruleset-title" data-testid="ruleset">
      <h2 id="ruleset-title">{t('results.ruleset.title')}</h2>
      <dl className="facts">
        <dt>{t('results.ruleset.id')}</dt>
        <dd>
          <code data-testid="ruleset-id">{ruleset.id}</code> {t('results.ruleset.version', { version: ruleset.version })}
        </dd>
        <dt>{t('results.ruleset.name')}</dt>
        <dd>{ruleset.title}</dd>
        <dt>{t('results.ruleset.sha256')}</dt>
        <dd className="ruleset-hash">
          <code title={t('results.ruleset.shaTitle', { sha: ruleset.sha256 })} data-testid="ruleset-sha256-short">
            {shortHash(ruleset.sha256)}…
          </code>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void copyHash()}>
            {t('results.ruleset.copy')}
          </button>
          <details className="hash-details" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
            <summary>{t('results.ruleset.full')}</summary>
            <code className="hash" ref={fullRef} data-testid="ruleset-sha256">
              {ruleset.sha256}
            </code>
          </details>
          <span role="status" className="copy-status">
            {copy ? t(copy === 'done' ? 'results.ruleset.copied' : 'results.ruleset.copyFailed') : null}
          </span>
        </dd>
      </dl>
      <p className="field-hint">{t('results.ruleset.note')}</p>
      {/* A screen of definitions: closed until asked for, so that it never pushes anything down. */}
      <details className="legend-details" data-testid="legend-details">
        <summary>
          <h3 id="legend-title" className="legend-summary-title">
            {t('results.legend.title')}
          </h3>
        </summary>
        <dl className="status-legend" aria-labelledby="legend-title" data-testid="status-legend">
          {legend.map(([code, description]) => (
            <div key={code} className="status-legend-item">
              <dt>
                <StatusChip code={code} />
              </dt>
              <dd>{description}</dd>
            </div>
          ))}
          <div className="status-legend-item" data-testid="legend-provisional">
            <dt>
              <span className="chip chip-other chip-provisional">
                <span className="chip-badge">{t('results.provisional.badge')}</span>
              </span>
            </dt>
            <dd>
              {t('results.legend.provisional')} <span className="field-hint">({t('results.legend.lentera')})</span>
            </dd>
          </div>
          {ruleset.statuses.BL === undefined ? (
            <div className="status-legend-item">
              <dt>
                <StatusChip code="BL" />
              </dt>
              <dd>
                {t('results.legend.BL')} <span className="field-hint">({t('results.legend.lentera')})</span>
              </dd>
            </div>
          ) : null}
        </dl>
      </details>
    </section>
  );
}

type ExportFormat = 'xlsx' | 'csv-excel' | 'csv';
/** XLSX first (right in every locale), then the CSV for an Indonesian spreadsheet, then the exact one for programs. */
const EXPORT_FORMATS: readonly ExportFormat[] = ['xlsx', 'csv-excel', 'csv'];

/** The results of the current formation or the whole exam, as a file made by the registry (with the ruleset and its hash). */
function ExportBar({ exam, formation, formations }: { exam: string; formation: string; formations: number }) {
  const { t, i18n } = useTranslation();
  const [scope, setScope] = useState<'formation' | 'exam'>('formation');
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function download(format: ExportFormat) {
    setBusy(format);
    setDone(null);
    setError(null);
    const result = await api.invoke('ranking.export', { exam, format, ...(scope === 'formation' ? { formation } : {}) });
    setBusy(null);
    if (!result.ok) {
      setError(resultsError(t, i18n.language, result.error));
      return;
    }
    const file = result.value;
    saveExportedFile(file);
    setDone(t('results.export.done', { name: file.name }));
  }

  return (
    <section className="export-bar" aria-labelledby="export-title">
      <h2 id="export-title" className="export-title">
        {t('results.export.title')}
      </h2>
      <fieldset className="choice">
        <legend>{t('results.export.scope')}</legend>
        <label>
          <input type="radio" name="results-scope" value="formation" checked={scope === 'formation'} onChange={() => setScope('formation')} />
          {t('results.export.scopeFormation', { formation })}
        </label>
        <label>
          <input type="radio" name="results-scope" value="exam" checked={scope === 'exam'} onChange={() => setScope('exam')} />
          {t('results.export.scopeExam', { count: formations })}
        </label>
      </fieldset>
      <div className="form-actions">
        {EXPORT_FORMATS.map((format) => (
          <button key={format} type="button" className="btn btn-secondary" onClick={() => void download(format)} disabled={busy !== null}>
            {busy === format ? t('results.export.busy') : t(`results.export.${format}`)}
          </button>
        ))}
      </div>
      <p className="field-hint">{t('results.export.hint')}</p>
      <Notice tone="success">{done}</Notice>
      <ErrorAlert>{error}</ErrorAlert>
    </section>
  );
}

function FormationResults({ exam, value, formation }: { exam: string; value: RankingValue; formation: Formation | undefined }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const info = value.formations[0]!;
  const own = useMemo(() => value.results.filter((r) => r.kode_formasi === info.code).sort(displayOrder), [value, info.code]);
  const incoming = useMemo(
    () => value.results.filter((r) => r.kode_formasi !== info.code && r.optimalisasi_ke === info.code).sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0)),
    [value, info.code],
  );
  // ranking.compute names every result it answers: no second read of the roster for them.
  const names = useMemo(() => new Map(value.results.map((r) => [r.nomor_peserta, r.nama])), [value]);
  const loaded = true;
  const [query, setQuery] = useState('');
  const searching = query.trim() !== '';
  const ownShown = useMemo(() => (searching ? own.filter((r) => matchesSearch(query, r.nomor_peserta, names.get(r.nomor_peserta))) : own), [own, names, query, searching]);
  const incomingShown = useMemo(
    () => (searching ? incoming.filter((r) => matchesSearch(query, r.nomor_peserta, names.get(r.nomor_peserta))) : incoming),
    [incoming, names, query, searching],
  );
  const matched = ownShown.length + incomingShown.length;

  const finals = own.filter((r) => r.final !== null);
  const withSkd = own.filter((r) => r.skd_total !== null);
  const passed = own.filter((r) => r.status === 'P/L');
  const filled = passed.length + incoming.length;
  const metric = finals.length > 0 ? 'final' : 'skd';
  const lowest = (xs: RankedResult[], pick: (r: RankedResult) => string | null) => {
    const v = xs.map(pick).filter((x): x is string => x !== null);
    return v.length ? v.reduce((a, b) => (compareDecimal(a, b) <= 0 ? a : b)) : null;
  };
  // Took a seat in SKB: met every passing grade and was not left outside the N × quota seats.
  const inSkb = (r: RankedResult) => r.skd_total !== null && r.thresholds.length > 0 && r.thresholds.every((x) => x.pass) && r.status !== 'TL';
  // The pass mark: the final of the last P/L; before any final, the SKD total of the last one within the SKB seats.
  const passMark = metric === 'final' ? lowest(passed, (r) => r.final) : lowest(own.filter(inSkb), (r) => r.skd_total);

  // Per status, the provisional ones counted apart from the final ones ("P/L" and "P/L SEMENTARA").
  const counts = new Map<string, { code: string; provisional: boolean; n: number }>();
  for (const r of own) {
    const provisional = r.provisional === true;
    const k = `${r.status}${provisional ? ' *' : ''}`;
    counts.set(k, { code: r.status, provisional, n: (counts.get(k)?.n ?? 0) + 1 });
  }
  const familyOrder = (code: string) => FAMILY_ORDER.indexOf(statusFamily(code));
  const countList = [...counts.entries()].sort((a, b) => familyOrder(a[1].code) - familyOrder(b[1].code) || (a[0] < b[0] ? -1 : 1));
  const provisionalCount = own.filter((r) => r.provisional).length + incoming.filter((r) => r.provisional).length;
  const hasBl = own.some((r) => r.status === 'BL');
  const optimises = Object.keys(value.ruleset.statuses).some((k) => k.startsWith('P/L-'));

  return (
    <section className="formation-results" aria-labelledby="formation-title" data-testid="formation-results">
      <h2 id="formation-title">{t('results.formationTitle', { code: info.code, position: info.position })}</h2>
      <dl className="facts formation-facts">
        <dt>{t('results.fact.quota')}</dt>
        <dd data-testid="formation-quota">{formatCount(info.quota, lang)}</dd>
        <dt>{t('results.fact.education')}</dt>
        <dd>{info.education}</dd>
        {formation ? (
          <>
            <dt>{t('results.fact.unit')}</dt>
            <dd>{formation.unit}</dd>
          </>
        ) : null}
        <dt>{t('results.fact.candidates')}</dt>
        <dd>{formatCount(own.length, lang)}</dd>
      </dl>

      {own.length === 0 && incoming.length === 0 ? (
        <EmptyState title={t('results.empty.noCandidates', { formation: info.code })}>
          <p>{t('results.empty.noCandidatesBody')}</p>
          <p>
            <a href={hrefOf('exams')}>{t('results.empty.toExams')}</a>
          </p>
        </EmptyState>
      ) : withSkd.length === 0 && incoming.length === 0 ? (
        <EmptyState title={t('results.empty.noScores', { formation: info.code })}>
          <p>{t('results.empty.noScoresBody')}</p>
          <ol className="steps">
            <li>{t('results.empty.stepSkd')}</li>
            <li>{t('results.empty.stepSkb')}</li>
            <li>{t('results.empty.stepInterview')}</li>
          </ol>
          <p>
            <a href={hrefOf('scoring')}>{t('results.empty.toScoring')}</a>
          </p>
        </EmptyState>
      ) : (
        <>
          <ul className="counts" aria-label={t('results.countsLabel')} data-testid="status-counts">
            {countList.map(([k, c]) => (
              <li key={k} data-provisional={c.provisional ? 'true' : undefined}>
                <span className="count-value">{formatCount(c.n, lang)}</span>
                <span className="count-label">
                  {c.provisional ? `${c.code} ${t('results.provisional.badge')}` : c.code} · {statusLabel(t, c.code, c.provisional)}
                </span>
              </li>
            ))}
          </ul>
          {provisionalCount > 0 ? (
            <p className="alert alert-info provisional-notice" data-testid="provisional-notice">
              {t('results.provisional.notice', { n: formatCount(provisionalCount, lang) })}
            </p>
          ) : null}
          {finals.length === 0 ? <Notice>{t('results.empty.noFinals')}</Notice> : null}
          {finals.length > 0 && filled < info.quota ? (
            <Notice>
              {t('results.unfilled', { filled, quota: info.quota, formation: info.code })}
              {hasBl && optimises ? ` ${t('results.provisional.unfilledWaiting')}` : ''}
            </Notice>
          ) : null}
          <div className="field results-search" role="search">
            <label htmlFor="results-search-input">{t('results.search.label')}</label>
            <div className="results-search-row">
              <input
                id="results-search-input"
                type="search"
                value={query}
                placeholder={t('results.search.placeholder')}
                aria-describedby="results-search-hint results-search-count"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setQuery(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape' && query) {
                    e.preventDefault();
                    setQuery('');
                  }
                }}
                data-testid="results-search"
              />
              {searching ? (
                <button type="button" className="btn btn-secondary btn-small" onClick={() => setQuery('')}>
                  {t('results.search.clear')}
                </button>
              ) : null}
            </div>
            <p id="results-search-hint" className="field-hint">
              {t('results.search.hint')}
            </p>
            {/* Always there, so that the count appearing shifts nothing below it. */}
            <p id="results-search-count" className="field-hint results-search-count" role="status" data-testid="results-search-count">
              {searching && matched > 0 ? t('results.search.count', { shown: formatCount(matched, lang), total: formatCount(own.length + incoming.length, lang), query: query.trim() }) : ''}
            </p>
          </div>
          {searching && matched === 0 ? (
            <div data-testid="results-search-empty">
              <EmptyState title={t('results.search.none', { query: query.trim() })}>
                <p>{t('results.search.noneBody')}</p>
              </EmptyState>
            </div>
          ) : null}
          {ownShown.length > 0 ? (
            <ResultsTable key={`${exam} ${info.code}`} formation={info} rows={ownShown} names={names} namesLoaded={loaded} statuses={value.ruleset.statuses} reasons={value.reasons} interviewStages={value.interviewStages} />
          ) : null}
          {incomingShown.length > 0 ? (
            <OptimalisasiTable formation={info} rows={incomingShown} names={names} namesLoaded={loaded} statuses={value.ruleset.statuses} reasons={value.reasons} interviewStages={value.interviewStages} />
          ) : null}
          <ScoreHistogram
            formation={info.code}
            points={
              metric === 'final'
                ? finals.map((r) => ({ value: r.final!, pass: r.status === 'P/L' }))
                : withSkd.map((r) => ({ value: r.skd_total!, pass: inSkb(r) }))
            }
            metric={metric}
            passMark={passMark}
            provisional={metric === 'final' && passed.some((r) => r.provisional)}
          />
        </>
      )}
    </section>
  );
}
