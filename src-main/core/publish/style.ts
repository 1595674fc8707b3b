/** The site's one stylesheet: plain, readable, printable; tables scroll sideways on a phone. */
export const SITE_CSS = `:root {
  --ink: #1b1f23;
  --muted: #4a5560;
  --line: #c9d1d9;
  --bg: #ffffff;
  --band: #f3f6f9;
  --accent: #0b4f8a;
  --ok: #0f6b2f;
  --ok-bg: #e6f4ea;
  --bad: #a01c1c;
  --bad-bg: #fbe9e9;
  --warn-bg: #fff4d6;
  --warn-line: #c99a06;
}
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  color: var(--ink);
  background: var(--bg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
  line-height: 1.5;
}
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, .table-wrap:focus-visible, .drop:focus-within {
  outline: 3px solid #f0a500;
  outline-offset: 2px;
}
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem; }
.skip:focus { left: .5rem; z-index: 10; }
header.site, main, footer.site, nav.crumbs { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header.site { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .5rem 2rem; border-bottom: 3px solid var(--accent); padding-top: .75rem; padding-bottom: .5rem; }
.brand { margin: 0; font-weight: 700; font-size: 1.15rem; }
.brand a { color: var(--ink); text-decoration: none; }
.brand span { font-weight: 400; font-size: .85rem; color: var(--muted); }
header.site ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
header.site a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--ink); }
nav.crumbs ol { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem; padding: 0; margin: .75rem 0 0; font-size: .9rem; color: var(--muted); }
nav.crumbs li + li::before { content: "›"; margin-right: .25rem; }
main { padding-bottom: 2rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1rem 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
p.lead { color: var(--muted); margin-top: 0; }
code, .hash, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
.hash { word-break: break-all; overflow-wrap: anywhere; }
pre { background: var(--band); border: 1px solid var(--line); padding: .75rem; overflow: auto; max-height: 40rem; white-space: pre; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; border: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 700; padding: .5rem .6rem; background: var(--band); border-bottom: 1px solid var(--line); }
th, td { padding: .4rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--band); white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { font-weight: 700; white-space: nowrap; }
.status-pass { color: var(--ok); }
.status-fail { color: var(--bad); }
.status-open { color: #7a5a00; }
dl.facts { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: 0; margin: .5rem 0 1rem; border-top: 1px solid var(--line); }
dl.facts > div { display: contents; }
dl.facts dt, dl.facts dd { margin: 0; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
dl.facts dt { color: var(--muted); }
.notice { border-left: 5px solid var(--warn-line); background: var(--warn-bg); padding: .6rem .9rem; margin: 1rem 0; }
.conflicts h2 { border-color: var(--warn-line); }
.ok { color: var(--ok); }
.bad { color: var(--bad); }
ul.checks { list-style: none; padding: 0; margin: .5rem 0; }
ul.checks li { padding: .35rem .5rem; border-bottom: 1px solid var(--line); display: flex; gap: .5rem; }
ul.checks li .mark { font-weight: 700; width: 1.25rem; flex: none; }
ul.checks li.ok .mark { color: var(--ok); }
ul.checks li.bad .mark { color: var(--bad); }
ul.checks li .what { font-weight: 600; color: var(--ink); }
ul.checks li .detail { color: var(--ink); }
.verdict { font-size: 1.2rem; font-weight: 700; padding: .75rem 1rem; margin: 1rem 0 .5rem; border: 2px solid; }
.verdict.ok { color: var(--ok); background: var(--ok-bg); border-color: var(--ok); }
.verdict.bad { color: var(--bad); background: var(--bad-bg); border-color: var(--bad); }
.verdict.info { color: var(--ink); background: var(--warn-bg); border-color: var(--warn-line); }
.drop { display: block; border: 2px dashed var(--accent); background: var(--band); padding: 1.5rem 1rem; text-align: center; margin: 1rem 0; }
.drop.over { background: #dcecfa; }
.drop strong { display: block; margin-bottom: .5rem; }
textarea { width: 100%; min-height: 6rem; font-family: ui-monospace, monospace; font-size: .85rem; }
button { font: inherit; padding: .4rem 1rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer.site { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding-top: .5rem; padding-bottom: 2rem; }
@media (max-width: 40rem) {
  h1 { font-size: 1.3rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dt { border-bottom: 0; padding-bottom: 0; font-size: .85rem; }
  th, td { padding: .35rem .4rem; }
}
@media print {
  header.site nav, nav.crumbs, .skip, .no-print, .drop, footer.site nav { display: none !important; }
  header.site { border-bottom: 1px solid #000; }
  body { font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; border: 0; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, .verdict, dl.facts > div { break-inside: avoid; }
  pre { max-height: none; white-space: pre-wrap; }
  h2 { break-after: avoid; }
}
`;
