/** The candidate page's "Kekuatan dan kelemahan Anda": the same summary as the result sheet's second page. */
import type { CandidateStrengths } from '../ranking/strengths';
import { plainSentence } from '../ranking/strengths';
import { levelWords, STRENGTHS_HEAD, strengthsCells, strengthsExplanation } from '../sheets/strengths-page';
import { esc, table } from './html';

export function strengthsSection(s: CandidateStrengths | undefined): string {
  if (!s) return '';
  const head = '<h2 id="kekuatan-kelemahan">Kekuatan dan kelemahan Anda</h2>';
  if (!s.components.length) return `<section aria-labelledby="kekuatan-kelemahan">\n${head}\n<p>Belum ada nilai komponen yang dapat diringkas.</p>\n</section>`;
  const rows = s.components.map((c) => strengthsCells(c).map((cell, i) => (i === 0 && (c.group === 'skd' || c.group === 'stage') ? `<strong>${esc(cell)}</strong>` : esc(cell))));
  const levels = s.components.map(levelWords).filter((x): x is string => x !== null);
  return `<section class="strengths" aria-labelledby="kekuatan-kelemahan">
${head}
<p>Setiap komponen nilai Anda dibandingkan dengan nilai ambang batas (bila aturan menetapkannya) dan dengan peserta lain di formasi ${esc(s.formation)}, tanpa menyebut siapa pun.</p>
${table('Kekuatan dan kelemahan per komponen', STRENGTHS_HEAD, rows, { numeric: [1, 2, 3, 4, 5, 6] })}
<ul class="plain">${s.components.map((c) => `<li>${esc(plainSentence(c))}</li>`).join('')}</ul>
${levels.length ? `<h3>Wawancara: nilai panel per kriteria</h3>\n<ul>${levels.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}
${strengthsExplanation(s).map((p) => `<p><small>${esc(p)}</small></p>`).join('\n')}
</section>`;
}
