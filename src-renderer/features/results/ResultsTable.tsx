import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RankedResult, RankingFormation, RankingValue } from '../../api';
import { formatCount, formatDecimal } from '../../i18n/format';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { decidedByText, reasonText, statusFamily, statusLabel } from './model';
import { threePlaces } from '../../../src-main/shared/score-labels';

/** The engine's reasons as data, by registration number (ranking.compute). */
export type Reasons = RankingValue['reasons'];
import './results.css';

/** Unranked rows (failed SKD, absent, incomplete) shown at a time; the ranked ones are always all there. */
const UNRANKED_PAGE = 200;
/**
 * Rows in the table's first frame: a screen of them, at the least height a row has (one line, 32 px). The rest follow in
 * the next frame, so a formation of hundreds shows its top at once instead of after laying out every row (the page's
 * first paint at 100,000 candidates). At 1366×768 that is 24 rows (it was 40: some 15 ms more of rendering and layout
 * before the first frame, for rows below the screen).
 */
const firstFrameRows = () => Math.max(10, Math.ceil(window.innerHeight / 32));

const upper = (k: string) => k.toUpperCase();

/** The meaning of a status in the ruleset's words ("P/L-2" is described under "P/L-n"). */
export function statusDescription(statuses: Record<string, string>, code: string): string | undefined {
  return statuses[code] ?? statuses[code.replace(/-\d+$/, '-n')];
}

/**
 * A status code with its label. A provisional one (missing results could still change it) carries a SEMENTARA /
 * PROVISIONAL badge and a label that never reads as a final pass.
 */
export function StatusChip({ code, description, provisional = false }: { code: string; description?: string | undefined; provisional?: boolean }) {
  const { t } = useTranslation();
  if (provisional) {
    return (
      <span className={`chip chip-${statusFamily(code)} chip-provisional`} title={t('results.provisional.title')} data-testid="status-chip">
        <span className="chip-code">{code}</span>{' '}
        <span className="chip-badge" data-testid="provisional-badge">
          {t('results.provisional.badge')}
        </span>{' '}
        <span className="chip-label">{statusLabel(t, code, true)}</span>
      </span>
    );
  }
  return (
    <span className={`chip chip-${statusFamily(code)}`} title={description} data-testid="status-chip">
      <span className="chip-code">{code}</span> <span className="chip-label">{statusLabel(t, code)}</span>
    </span>
  );
}

function unionKeys(rows: readonly RankedResult[], pick: (r: RankedResult) => Record<string, string>): string[] {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(pick(r))) if (!keys.includes(k)) keys.push(k);
  return keys;
}

interface Columns {
  components: string[];
  stages: string[];
  /** the stages among `stages` scored by an interview panel: "Nilai wawancara (skala 0–100)", as on the result sheet */
  interviews: string[];
  skd: boolean;
  skb: boolean;
}

/**
 * The score columns this formation needs: SKD components (integration) or stages (weighted stages). Integration
 * shows, of the SKB stages, the interview ones, so the interview score is read here with the same name and number
 * as on the venue screen and the result sheet; the others stay in the SKB cell's title.
 */
export function columnsOf(rows: readonly RankedResult[], interviewStages: readonly string[] = []): Columns {
  const components = unionKeys(rows, (r) => r.components);
  const integration = components.length > 0 || rows.some((r) => r.skd_total !== null);
  const all = unionKeys(rows, (r) => r.stages);
  const stages = integration ? all.filter((k) => interviewStages.includes(k)) : all;
  return {
    components,
    stages,
    interviews: stages.filter((k) => interviewStages.includes(k)),
    skd: integration,
    skb: integration,
  };
}

/**
 * A stage column's name: an interview stage's is the interview score's, the others' their code. Its scale
 * ("(skala 0–100)") is kept on one line: a narrow column would otherwise break it after the dash.
 */
function stageHead(t: ReturnType<typeof useTranslation>['t'], cols: Columns, k: string) {
  if (!cols.interviews.includes(k)) return k;
  const label = cols.interviews.length > 1 ? `${t('interviewScore.hundred')} ${k}` : t('interviewScore.hundred');
  const at = label.indexOf('(');
  if (at <= 0) return label;
  return (
    <>
      {label.slice(0, at)}
      <span className="nowrap">{label.slice(at)}</span>
    </>
  );
}

/** A number cell; the language comes from the row (a translation hook per cell is 1,400 of them in a formation of 200). */
function Num({ value, title, lang }: { value: string | null | undefined; title?: string | undefined; lang: string }) {
  return (
    <td className="num" title={title}>
      {value == null ? '—' : formatDecimal(value, lang)}
    </td>
  );
}

function ResultCells({ r, cols, statuses, reasons }: { r: RankedResult; cols: Columns; statuses: Record<string, string>; reasons: Reasons }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const stageBreakdown = Object.entries(r.stages)
    .map(([k, v]) => `${k} ${formatDecimal(v, lang)}`)
    .join('; ');
  return (
    <>
      {cols.components.map((k) => (
        <Num key={k} value={r.components[k]} lang={lang} />
      ))}
      {cols.skd ? <Num value={r.skd_total} lang={lang} /> : null}
      {cols.stages.map((k) => (
        <Num key={k} value={cols.interviews.includes(k) ? threePlaces(r.stages[k]) : r.stages[k]} lang={lang} />
      ))}
      {cols.skb ? <Num value={r.skb} title={stageBreakdown || undefined} lang={lang} /> : null}
      <td className="num cell-final" title={r.final_exact ? t('results.table.finalExact', { exact: r.final_exact }) : undefined}>
        {r.final === null ? '—' : <strong>{formatDecimal(r.final, lang)}</strong>}
      </td>
      <td className="cell-status">
        <StatusChip code={r.status} description={statusDescription(statuses, r.status)} provisional={r.provisional === true} />
      </td>
      <td className="cell-reason">
        <span data-testid="result-reason">{reasonText(t, lang, reasons[r.nomor_peserta]?.status, r.reason)}</span>
        {r.provisional ? (
          <span className="provisional-reason" data-testid="provisional-reason">
            {t('results.provisional.because', { reason: reasonText(t, lang, reasons[r.nomor_peserta]?.provisional, r.provisional_reason ?? '') })}
          </span>
        ) : null}
        {r.decided_by ? (
          <span className="decided-by" title={t('results.table.decidedByTitle')} data-testid="decided-by">
            {decidedByText(t, r.decided_by)}
          </span>
        ) : null}
      </td>
    </>
  );
}

function ScoreHeads({ cols }: { cols: Columns }) {
  const { t } = useTranslation();
  return (
    <>
      {cols.components.map((k) => (
        <th key={k} scope="col" className="num">
          {upper(k)}
        </th>
      ))}
      {cols.skd ? (
        <th scope="col" className="num">
          {t('results.col.skd')}
        </th>
      ) : null}
      {cols.stages.map((k) => (
        <th key={k} scope="col" className="num">
          {stageHead(t, cols, k)}
        </th>
      ))}
      {cols.skb ? (
        <th scope="col" className="num">
          {t('results.col.skb')}
        </th>
      ) : null}
      <th scope="col" className="num">
        {t('results.col.final')}
      </th>
      <th scope="col">{t('results.col.status')}</th>
      <th scope="col">{t('results.col.reason')}</th>
    </>
  );
}

interface TableProps {
  formation: RankingFormation;
  /** This formation's own candidates, in display order. */
  rows: readonly RankedResult[];
  names: ReadonlyMap<string, string>;
  namesLoaded: boolean;
  statuses: Record<string, string>;
  reasons: Reasons;
  /** the exam's interview stages (ranking.compute) */
  interviewStages?: readonly string[];
}

/**
 * The formation's candidates: the ranked first, by rank, with the pass line after the last P/L within the quota;
 * then the others with the reason in words.
 */
export function ResultsTable({ formation, rows, names, namesLoaded, statuses, reasons, interviewStages }: TableProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [unrankedShown, setUnrankedShown] = useState(UNRANKED_PAGE);
  const cols = columnsOf(rows, interviewStages);
  const ranked = rows.filter((r) => r.rank !== null);
  const unranked = rows.filter((r) => r.rank === null);
  const shown = [...ranked, ...unranked.slice(0, unrankedShown)];
  const [painted, setPainted] = useState(firstFrameRows);
  useEffect(() => {
    if (painted >= shown.length) return;
    const frame = requestAnimationFrame(() => setPainted(Number.POSITIVE_INFINITY));
    return () => cancelAnimationFrame(frame);
  }, [painted, shown.length]);
  let passAfter = -1;
  shown.forEach((r, i) => {
    if (r.status === 'P/L' && r.rank !== null && r.rank <= formation.quota) passAfter = i;
  });
  // The line is provisional while any pass above it is.
  const provisionalLine = shown.some((r, i) => i <= passAfter && r.status === 'P/L' && r.provisional);
  const width = 4 + cols.components.length + cols.stages.length + (cols.skd ? 1 : 0) + (cols.skb ? 1 : 0) + 3;
  const more = unranked.length - Math.min(unranked.length, unrankedShown);
  const nameOf = (n: string) => names.get(n) ?? (namesLoaded ? '—' : t('common.loading'));

  return (
    <>
      {/* Wider than the screen with many score columns: while it is, the frame is a keyboard stop (TableWrap). */}
      <TableWrap>
        <table className="table results-table" data-testid="results-table">
          <TableCaption>{t('results.table.caption', { formation: formation.code, count: rows.length, n: formatCount(rows.length, lang) })}</TableCaption>
          <thead>
            <tr>
              <th scope="col" className="num">
                {t('results.col.rank')}
              </th>
              <th scope="col">{t('results.col.nomor')}</th>
              <th scope="col">{t('results.col.nama')}</th>
              <th scope="col">{t('results.col.kategori')}</th>
              <ScoreHeads cols={cols} />
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, painted).map((r, i) => (
              <Fragment key={r.nomor_peserta}>
                <tr data-testid={`result-${r.nomor_peserta}`} className={`result-row result-${statusFamily(r.status)}${r.provisional ? ' result-provisional' : ''}`}>
                  <td className="num" data-testid="result-rank">
                    {r.rank ?? '—'}
                  </td>
                  <th scope="row" className="nowrap">
                    <code>{r.nomor_peserta}</code>
                  </th>
                  <td className="cell-name">{nameOf(r.nomor_peserta)}</td>
                  <td>{r.kategori}</td>
                  <ResultCells r={r} cols={cols} statuses={statuses} reasons={reasons} />
                </tr>
                {i === passAfter ? (
                  <tr className={provisionalLine ? 'pass-line pass-line-provisional' : 'pass-line'} data-testid="pass-line">
                    <td colSpan={width}>
                      <span className="pass-line-label">{t(provisionalLine ? 'results.provisional.passLine' : 'results.table.passLine', { quota: formation.quota })}</span>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {more > 0 ? (
        <div className="table-more">
          <p className="field-hint" aria-live="polite">
            {t('results.table.shown', { shown: formatCount(shown.length, lang), total: formatCount(rows.length, lang) })}
          </p>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setUnrankedShown((n) => n + UNRANKED_PAGE)}>
            {t('results.table.showMore', { n: formatCount(Math.min(more, UNRANKED_PAGE), lang) })}
          </button>
        </div>
      ) : null}
    </>
  );
}

/** Candidates of other formations who fill this one's unfilled seats (optimalisasi). */
export function OptimalisasiTable({ formation, rows, names, namesLoaded, statuses, reasons, interviewStages }: TableProps) {
  const { t } = useTranslation();
  const cols = columnsOf(rows, interviewStages);
  const nameOf = (n: string) => names.get(n) ?? (namesLoaded ? '—' : t('common.loading'));
  return (
    <section className="optimalisasi" aria-labelledby="optimalisasi-title" data-testid="optimalisasi">
      <h3 id="optimalisasi-title">{t('results.optimalisasi.title', { formation: formation.code })}</h3>
      <p className="field-hint">{t('results.optimalisasi.intro', { position: formation.position, education: formation.education })}</p>
      <TableWrap>
        <table className="table results-table table-compact">
          <TableCaption>{t('results.optimalisasi.caption', { formation: formation.code, count: rows.length })}</TableCaption>
          <thead>
            <tr>
              <th scope="col">{t('results.col.nomor')}</th>
              <th scope="col">{t('results.col.nama')}</th>
              <th scope="col">{t('results.col.origin')}</th>
              <th scope="col" className="num">
                {t('results.col.originRank')}
              </th>
              <ScoreHeads cols={cols} />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.nomor_peserta} data-testid={`result-${r.nomor_peserta}`} className={`result-row result-${statusFamily(r.status)}${r.provisional ? ' result-provisional' : ''}`}>
                <th scope="row" className="nowrap">
                  <code>{r.nomor_peserta}</code>
                </th>
                <td className="cell-name">{nameOf(r.nomor_peserta)}</td>
                <td>{r.kode_formasi}</td>
                <td className="num">{r.rank ?? '—'}</td>
                <ResultCells r={r} cols={cols} statuses={statuses} reasons={reasons} />
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}
