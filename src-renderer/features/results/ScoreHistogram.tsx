import { useTranslation } from 'react-i18next';
import { formatCount, formatDecimal } from '../../i18n/format';
import { formatEdge, histogram } from './model';

const W = 640;
const H = 260;
const LEFT = 44;
const RIGHT = 16;
const TOP = 44;
const BOTTOM = 44;
const PW = W - LEFT - RIGHT;
const PH = H - TOP - BOTTOM;

export type Metric = 'final' | 'skd';

interface Props {
  formation: string;
  /** The scores, with a decimal point ("76.367"), and whether each one passes (P/L, or a seat in SKB). */
  points: readonly { value: string; pass: boolean }[];
  metric: Metric;
  /** The lowest score that passes (final of the last P/L) or that reaches SKB; null when there is none yet. */
  passMark: string | null;
  /** the pass mark comes from a provisional P/L: missing results could still move it */
  provisional?: boolean;
}

/**
 * How the scores of a formation spread, drawn as SVG by hand (no chart library; attributes only, no inline
 * style, for the CSP). One image for assistive technology, summarised in its label.
 */
export function ScoreHistogram({ formation, points, metric, passMark, provisional = false }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const drawn = points.map((p) => ({ n: Number(p.value), pass: p.pass })).filter((p) => Number.isFinite(p.n));
  const numbers = drawn.map((p) => p.n);
  const { bins, width } = histogram(numbers);
  if (bins.length === 0) return null;
  // Per bin, how many of its scores pass: drawn green at the foot of the bar, the others grey above.
  const passing = bins.map(() => 0);
  for (const p of drawn) if (p.pass) passing[Math.min(bins.length - 1, Math.max(0, Math.floor(p.n / width) - Math.floor(bins[0]!.from / width)))]!++;

  const start = bins[0]!.from;
  const end = bins.at(-1)!.to;
  const maxCount = Math.max(...bins.map((b) => b.count));
  const step = Math.max(1, Math.ceil(maxCount / 4));
  const top = Math.ceil(maxCount / step) * step;
  const yTicks = Array.from({ length: top / step + 1 }, (_, i) => i * step);
  const slot = PW / bins.length;
  const gap = Math.min(4, slot * 0.1);
  const y = (count: number) => TOP + PH - (count / top) * PH;
  const x = (score: number) => LEFT + ((score - start) / (end - start)) * PW;
  const labelEvery = bins.length > 8 ? 2 : 1;

  const pass = passMark !== null && Number.isFinite(Number(passMark)) ? Number(passMark) : null;
  const passX = pass !== null && pass >= start && pass <= end ? x(pass) : null;
  const passText = passMark !== null ? formatDecimal(passMark, lang) : '';
  const passLabel = t(metric === 'final' ? (provisional ? 'results.chart.passFinalProvisional' : 'results.chart.passFinal') : 'results.chart.passSkb', { value: passText });

  const summary = bins
    .filter((b) => b.count > 0)
    .map((b) => t('results.chart.bin', { from: formatEdge(b.from, lang), to: formatEdge(b.to, lang), count: b.count }))
    .join('; ');
  const label = [
    t(metric === 'final' ? 'results.chart.labelFinal' : 'results.chart.labelSkd', {
      formation,
      count: numbers.length,
      n: formatCount(numbers.length, lang),
    }),
    summary,
    passMark !== null ? passLabel : '',
  ]
    .filter(Boolean)
    .join('. ');

  return (
    <figure className="histogram">
      <figcaption className="histogram-caption">
        {t(metric === 'final' ? 'results.chart.titleFinal' : 'results.chart.titleSkd', { formation })}
      </figcaption>
      <svg
        className="histogram-svg"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={label}
        data-testid="results-chart"
        preserveAspectRatio="xMidYMid meet"
      >
        {yTicks.map((v) => (
          <g key={`y${v}`}>
            <line className="hist-grid" x1={LEFT} x2={W - RIGHT} y1={y(v)} y2={y(v)} />
            <text className="hist-tick" x={LEFT - 6} y={y(v)} textAnchor="end" dominantBaseline="middle">
              {formatCount(v, lang)}
            </text>
          </g>
        ))}
        {bins.map((b, i) => {
          const bx = LEFT + i * slot + gap;
          const bw = slot - 2 * gap;
          const passed = passing[i]!;
          return (
            <g key={`b${b.from}`}>
              {b.count > 0 ? (
                <>
                  {passed > 0 ? <rect className="hist-bar hist-bar-pass" x={bx} y={y(passed)} width={bw} height={TOP + PH - y(passed)} /> : null}
                  {b.count > passed ? <rect className="hist-bar" x={bx} y={y(b.count)} width={bw} height={y(passed) - y(b.count)} /> : null}
                  <text className="hist-count" x={bx + bw / 2} y={y(b.count) - 4} textAnchor="middle">
                    {formatCount(b.count, lang)}
                  </text>
                </>
              ) : null}
              {i % labelEvery === 0 ? (
                <text className="hist-tick" x={LEFT + i * slot} y={TOP + PH + 16} textAnchor="middle">
                  {formatEdge(b.from, lang)}
                </text>
              ) : null}
            </g>
          );
        })}
        {bins.length % labelEvery === 0 ? (
          <text className="hist-tick" x={W - RIGHT} y={TOP + PH + 16} textAnchor="middle">
            {formatEdge(end, lang)}
          </text>
        ) : null}
        <line className="hist-axis" x1={LEFT} x2={W - RIGHT} y1={TOP + PH} y2={TOP + PH} />
        <text className="hist-axis-title" x={LEFT + PW / 2} y={H - 6} textAnchor="middle">
          {t(metric === 'final' ? 'results.chart.axisFinal' : 'results.chart.axisSkd')}
        </text>
        {passX !== null ? (
          <g data-testid="results-chart-pass">
            <line className="hist-pass" x1={passX} x2={passX} y1={TOP - 22} y2={TOP + PH} />
            <text
              className="hist-pass-label"
              x={passX}
              y={TOP - 28}
              textAnchor={passX > W - 120 ? 'end' : passX < LEFT + 80 ? 'start' : 'middle'}
            >
              {passLabel}
            </text>
          </g>
        ) : null}
      </svg>
      <ul className="histogram-key" aria-hidden="true">
        <li>
          <span className="swatch swatch-pass" />
          {t(metric === 'final' ? 'results.chart.keyPass' : 'results.chart.keySkb')}
        </li>
        <li>
          <span className="swatch swatch-other" />
          {t('results.chart.keyOther')}
        </li>
        {passX !== null ? (
          <li>
            <span className="swatch swatch-line" />
            {passLabel}
          </li>
        ) : null}
      </ul>
    </figure>
  );
}
