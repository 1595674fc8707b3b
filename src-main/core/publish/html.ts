/** Small helpers for the static pages: escaping, relative links, the page frame. */
import { longDate, wibTime } from '../sheets/format';

/** Text safe in HTML content and in double-quoted attributes. */
export function esc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A link from one site-relative page to another, relative, so the site works from any folder or host. */
export function rel(from: string, to: string): string {
  const depth = from.split('/').length - 1;
  return '../'.repeat(depth) + to;
}

/** "Senin, 30 November 2026, pukul 08.15 WIB"; the text itself when it is not a time. */
export function whenWib(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${longDate(d)}, pukul ${wibTime(d)}`;
}

/** `<time>` with the ISO value for machines and the Indonesian words for people. */
export function timeTag(iso: string): string {
  return `<time datetime="${esc(iso)}">${esc(whenWib(iso))}</time>`;
}

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:";

export interface PageSpec {
  /** the page's own site-relative path */
  path: string;
  title: string;
  /** breadcrumbs from the site root: [label, site-relative path] (the current page last, without a path) */
  crumbs: [string, string | null][];
  body: string;
  /** site-relative scripts, in order */
  scripts?: string[];
  generatedAt: string;
}

const NAV: [string, string][] = [
  ['Beranda', 'index.html'],
  ['Checkpoint log', 'checkpoint.html'],
  ['Bundel', 'bundel.html'],
  ['Verifikasi', 'verifikasi.html'],
  ['Sanggah', 'sanggah-daftar.html'],
  ['Laporan', 'laporan-daftar.html'],
];

export function page(p: PageSpec): string {
  const r = (to: string) => esc(rel(p.path, to));
  const nav = NAV.map(([label, to]) => `<li><a href="${r(to)}"${to === p.path ? ' aria-current="page"' : ''}>${esc(label)}</a></li>`).join('');
  const crumbs = p.crumbs.length
    ? `<nav class="crumbs" aria-label="Lokasi halaman"><ol>${p.crumbs
        .map(([label, to]) => (to ? `<li><a href="${r(to)}">${esc(label)}</a></li>` : `<li aria-current="page">${esc(label)}</li>`))
        .join('')}</ol></nav>`
    : '';
  const scripts = (p.scripts ?? []).map((s) => `<script src="${r(s)}"></script>`).join('\n');
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="Lentera">
<title>${esc(p.title)} — Hasil Seleksi</title>
<link rel="stylesheet" href="${r('assets/situs.css')}">
</head>
<body>
<a class="skip" href="#isi">Langsung ke isi</a>
<header class="site">
<p class="brand"><a href="${r('index.html')}">Hasil Seleksi ASN</a> <span>diterbitkan dengan Lentera</span></p>
<nav aria-label="Menu utama"><ul>${nav}</ul></nav>
</header>
${crumbs}
<main id="isi">
${p.body}
</main>
<footer class="site">
<p>Diterbitkan ${timeTag(p.generatedAt)}. Situs ini statis: semua halaman dan data ada di dalamnya, dapat dibuka tanpa internet, dan diperiksa tanpa server.</p>
</footer>
${scripts}
</body>
</html>
`;
}

/** A table that scrolls sideways on a narrow screen instead of breaking the page; keyboard-scrollable. */
export function table(caption: string, head: string[], rows: string[][], opts: { numeric?: number[]; className?: string } = {}): string {
  const num = new Set(opts.numeric ?? []);
  const th = head.map((h, i) => `<th scope="col"${num.has(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${num.has(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap" role="region" aria-label="${esc(caption)}" tabindex="0">
<table${opts.className ? ` class="${esc(opts.className)}"` : ''}>
<caption>${esc(caption)}</caption>
<thead><tr>${th}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</div>`;
}

/** A definition list of label → HTML value. */
export function facts(rows: [string, string][]): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}
