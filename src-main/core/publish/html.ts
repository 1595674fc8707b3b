/** Small helpers for the static pages: escaping, relative links, the page frame. */
import { longDate, wibTime } from '../sheets/format';

/** Text safe in HTML content and in double-quoted attributes. */
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/;

export function esc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : String(value);
  // Most of a site's hundred thousand pages' texts have nothing to escape: tested once, returned as they are.
  return SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ENTITY[c]!) : s;
}

/** A link from one site-relative page to another, relative, so the site works from any folder or host. */
export function rel(from: string, to: string): string {
  let up = '';
  for (let i = from.indexOf('/'); i !== -1; i = from.indexOf('/', i + 1)) up += '../';
  return up + to;
}

/** "Senin, 30 November 2026, pukul 08.15 WIB"; the text itself when it is not a time. */
export function whenWib(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${longDate(d)}, pukul ${wibTime(d)}`;
}

/** `<time>` with the ISO value for machines and the Indonesian words for people. */
export function timeTag(iso: string): string {
  if (lastTime?.iso === iso) return lastTime.html;
  const html = `<time datetime="${esc(iso)}">${esc(whenWib(iso))}</time>`;
  // Every page of an exam shows the same time: worked out once.
  lastTime = { iso, html };
  return html;
}
let lastTime: { iso: string; html: string } | null = null;

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
  /**
   * For the pages of one exam: when that exam's published data last changed at the hub (its merged bundles, its
   * announcements and stage publications). Shown instead of the write's own time, so that a page whose data did
   * not change keeps its bytes, and the hub's next write can keep the file (site.ts).
   */
  dataAt?: string | undefined;
  /**
   * Whose data `dataAt` dates: the exam's (its own page, its lists, its rules) or the formation's (a formation's page
   * and its candidates': made again only when that formation's data changes, site.ts)
   */
  dataOf?: 'ujian' | 'formasi';
}

const NAV: [string, string][] = [
  ['Beranda', 'index.html'],
  ['Checkpoint log', 'checkpoint.html'],
  ['Bundel', 'bundel.html'],
  ['Verifikasi', 'verifikasi.html'],
  ['Sanggah', 'sanggah-daftar.html'],
  ['Laporan', 'laporan-daftar.html'],
];

/** The menu of a page at `path`: the same for every page as deep that is not in it (a hundred thousand pages). */
function navOf(path: string): string {
  const up = rel(path, '');
  const key = NAV.some(([, to]) => to === path) ? `${up}\u0000${path}` : up;
  let nav = navs.get(key);
  if (nav === undefined) {
    nav = NAV.map(([label, to]) => `<li><a href="${esc(up + to)}"${to === path ? ' aria-current="page"' : ''}>${esc(label)}</a></li>`).join('');
    navs.set(key, nav);
  }
  return nav;
}
const navs = new Map<string, string>();

export function page(p: PageSpec): string {
  return pageHead(p) + p.body + pageFoot(p);
}

/**
 * A page a few lines at a time, its body given so (a list of 100,000 candidates: 29 MB of HTML): written as it is
 * made, never held whole. The same bytes as `page` with the body joined.
 */
export function* pageLines(p: Omit<PageSpec, 'body'>, body: Iterable<string>): Generator<string> {
  yield pageHead(p);
  yield* body;
  yield pageFoot(p);
}

/** A page up to its body, ending with a newline. */
function pageHead(p: Omit<PageSpec, 'body'>): string {
  const r = (to: string) => esc(rel(p.path, to));
  const nav = navOf(p.path);
  const crumbs = p.crumbs.length
    ? `<nav class="crumbs" aria-label="Lokasi halaman"><ol>${p.crumbs
        .map(([label, to]) => (to ? `<li><a href="${r(to)}">${esc(label)}</a></li>` : `<li aria-current="page">${esc(label)}</li>`))
        .join('')}</ol></nav>`
    : '';
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
`;
}

/** A page after its body. */
function pageFoot(p: Omit<PageSpec, 'body'>): string {
  const r = (to: string) => esc(rel(p.path, to));
  const scripts = (p.scripts ?? []).map((s) => `<script src="${r(s)}"></script>`).join('\n');
  return `
</main>
<footer class="site">
<p>${p.dataAt === undefined ? `Diterbitkan ${timeTag(p.generatedAt)}` : `Data ${p.dataOf ?? 'ujian'} ini per ${timeTag(p.dataAt)}`}. Situs ini statis: semua halaman dan data ada di dalamnya, dapat dibuka tanpa internet, dan diperiksa tanpa server.</p>
</footer>
${scripts}
</body>
</html>
`;
}

/** A table that scrolls sideways on a narrow screen instead of breaking the page; keyboard-scrollable. */
export function table(caption: string, head: string[], rows: string[][], opts: { numeric?: number[]; className?: string } = {}): string {
  const numeric = opts.numeric ?? [];
  const th = headRow(head, numeric);
  // Plain loops: a page's tables are small, and the callbacks and arrays of map/join cost more than the cells.
  let body = '';
  for (let n = 0; n < rows.length; n++) body += n === 0 ? tableRow(rows[n]!, numeric) : `\n${tableRow(rows[n]!, numeric)}`;
  return `${tableTop(caption, th, opts.className)}${body}\n${TABLE_END}`;
}

/** `table` a row at a time, each row a line: for a page written as it is made (`pageLines`). The same bytes. */
export function* tableLines(caption: string, head: string[], rows: Iterable<string[]>, opts: { numeric?: number[]; className?: string } = {}): Generator<string> {
  const numeric = opts.numeric ?? [];
  yield tableTop(caption, headRow(head, numeric), opts.className);
  let none = true;
  for (const r of rows) {
    none = false;
    yield `${tableRow(r, numeric)}\n`;
  }
  if (none) yield '\n';
  yield TABLE_END;
}

/** A table up to its first row, ending with a newline. */
function tableTop(caption: string, th: string, className?: string): string {
  return `<div class="table-wrap" role="region" aria-label="${esc(caption)}" tabindex="0">
<table${className ? ` class="${esc(className)}"` : ''}>
<caption>${esc(caption)}</caption>
<thead><tr>${th}</tr></thead>
<tbody>
`;
}

const TABLE_END = `</tbody>
</table>
</div>`;

function tableRow(r: string[], numeric: number[]): string {
  let row = '<tr>';
  for (let i = 0; i < r.length; i++) row += numeric.includes(i) ? `<td class="num">${r[i]}</td>` : `<td>${r[i]}</td>`;
  return `${row}</tr>`;
}

/** A table's header cells: the same few headers on a hundred thousand pages, made once each. */
function headRow(head: string[], numeric: number[]): string {
  const key = JSON.stringify([head, numeric]);
  let th = heads.get(key);
  if (th === undefined) {
    th = head.map((h, i) => `<th scope="col"${numeric.includes(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
    if (heads.size < 1000) heads.set(key, th);
  }
  return th;
}
const heads = new Map<string, string>();

/** A definition list of label → HTML value. */
export function facts(rows: [string, string][]): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}
