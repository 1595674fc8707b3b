/**
 * The announcement's rules in plain Indonesian words: one wording for the signed PDF and the site's pages, so the
 * two never say different things.
 */
import type { AnnouncementDocument } from './announcement';
import { tieWords } from './pages';

const n = (x: number) => String(x).replace('.', ',');

const KIND: Record<string, string> = { cat: 'tes berbantuan komputer (CAT)', written: 'ujian tertulis', practical: 'ujian praktik', interview: 'wawancara' };

export function stageKindWords(kind: string): string {
  return KIND[kind] ?? kind;
}

const CATEGORY: Record<string, string> = {
  umum: 'umum',
  cumlaude: 'lulusan cumlaude',
  diaspora: 'diaspora',
  disabilitas: 'penyandang disabilitas',
  papua: 'putra/putri Papua',
  tertinggal: 'daerah tertinggal',
};

export function categoryWords(k: string): string {
  return CATEGORY[k] ?? k;
}

/** "Komponen: TWK 0–150, TIU 0–175 (jumlah)" */
export function componentWords(s: AnnouncementDocument['stages'][number]): string {
  const list = s.components.map((c) => `${c.name} (${c.code}) ${n(c.min)}–${n(c.max)}${s.score.weights?.[c.code] !== undefined ? `, bobot ${n(s.score.weights[c.code]!)}` : ''}`).join('; ');
  return `Komponen: ${list}; nilai tahap = ${s.score.method === 'weighted' ? 'jumlah berbobot komponen' : 'jumlah komponen'}.`;
}

/** The passing grades and how the final score is made, one sentence each. */
export function passingGradeLines(d: AnnouncementDocument): string[] {
  const p = d.passingGrades;
  if (p.model === 'weighted_stages') {
    return [
      ...Object.entries(p.minimumPerStage).map(([stage, min]) => `Tahap ${stage}: nilai minimal ${n(min)} (skala 0–100).`),
      'Nilai akhir = jumlah bobot × nilai setiap tahap (skala 0–100). Peserta di bawah nilai minimal suatu tahap tidak lulus (TL).',
    ];
  }
  return [
    ...Object.entries(p.byCategory).map(
      ([kat, list]) => `Kategori ${categoryWords(kat)}: ${list.map((t) => ('component' in t ? `${t.component.toUpperCase()} ≥ ${n(t.min)}` : `jumlah ${p.skdStage} ≥ ${n(t.min)}`)).join(', ')}.`,
    ),
    `Di setiap formasi paling banyak ${p.skbCap} × kebutuhan peserta yang memenuhi nilai ambang batas, menurut peringkat ${p.skdStage}, mengikuti SKB.`,
    `Nilai SKB = ${Object.entries(p.skbWeights).map(([s, w]) => `${n(w)} % × ${s}`).join(' + ')}. Nilai akhir = ${n(p.final.skd)} % × (${p.skdStage} ÷ ${n(p.skdMax)} × 100) + ${n(p.final.skb)} % × SKB.`,
  ];
}

export function tieBreakLine(tieBreak: string[]): string {
  return `Bila nilai akhir sama, peringkat ditentukan berturut-turut oleh ${tieBreak.map(tieWords).join(', ')}, lalu nomor peserta.`;
}
