"""A briefing as one self-contained HTML file: inline CSS, charts as inline PNG, prints on A4.

Citations are ``<sup class="cite"><a href="#src-n">[n]</a></sup>`` links to the Sources list
(``<section id="sources">``, one ``<li id="src-n">`` per source with the sentence in
``<q class="sentence">``), which is what ``lint.lint_html`` reads back. Nothing is fetched from
the network: fonts come from the reader's system (Noto Sans CJK, PingFang, Microsoft YaHei).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

from chainatlas.present.report.document import Bullet, Chart, Report, Run

CSS = """
:root { --ink:#1d2733; --muted:#5b6776; --rule:#d9dee5; --navy:#163a5f; --accent:#b8862b;
        --tint:#f3f6f9; --cite:#2f6ea5; }
* { box-sizing: border-box; }
html { background:#e9edf1; }
body { margin:0; color:var(--ink); font: 10.5pt/1.62 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC",
       "Microsoft YaHei","Helvetica Neue",Arial,sans-serif; -webkit-font-smoothing:antialiased; }
.page { max-width: 210mm; margin: 24px auto; background:#fff; box-shadow:0 2px 14px rgba(20,40,70,.12); }
.masthead { background:var(--navy); color:#fff; padding:26px 40px 22px; border-bottom:4px solid var(--accent); }
.brand { font-size:8.5pt; letter-spacing:.18em; text-transform:uppercase; color:#c9d6e4; margin:0 0 8px; }
h1 { font-size:20pt; line-height:1.3; margin:0; font-weight:700; }
.subtitle { margin:6px 0 0; color:#d5e0ec; font-size:10pt; }
.content { padding: 22px 40px 30px; }
.lead { font-size:12.5pt; font-weight:600; color:var(--navy); margin:4px 0 16px; line-height:1.55; }
.kpis { display:flex; flex-wrap:wrap; gap:10px; margin:0 0 18px; }
.kpi { flex:1 1 120px; border:1px solid var(--rule); border-top:3px solid var(--accent); padding:8px 12px 9px;
       background:#fff; }
.kpi .k { display:block; color:var(--muted); font-size:8.5pt; line-height:1.35; }
.kpi .v { display:inline; font-size:15pt; font-weight:700; color:var(--navy); line-height:1.4; }
h2 { font-size:12.5pt; color:var(--navy); margin:22px 0 8px; padding-bottom:4px;
     border-bottom:1.5px solid var(--rule); break-after:avoid; page-break-after:avoid; }
h3 { font-size:10.5pt; color:var(--ink); margin:12px 0 4px; break-after:avoid; page-break-after:avoid; }
ul { margin:0; padding-left:1.2em; }
li { margin:3px 0; break-inside:avoid; page-break-inside:avoid; }
li::marker { color:var(--accent); }
.insights { background:var(--tint); border-left:4px solid var(--navy); padding:4px 18px 12px; margin:8px 0 6px; }
.insights h2 { border-bottom:none; margin-top:10px; }
sup.cite { font-size:7.5pt; line-height:0; margin-left:1px; }
sup.cite a { color:var(--cite); text-decoration:none; }
table.compare { border-collapse:collapse; width:100%; font-size:9.5pt; margin:4px 0 6px; }
table.compare th { background:var(--navy); color:#fff; font-weight:600; padding:6px 8px; text-align:center; }
table.compare th:first-child, table.compare td:first-child { text-align:left; }
table.compare td { border-bottom:1px solid var(--rule); padding:5px 8px; text-align:center; }
table.compare tr:nth-child(even) td { background:#f8fafc; }
.charts figure { margin:10px 0 16px; break-inside:avoid; page-break-inside:avoid; text-align:center; }
.charts img { max-width:100%; height:auto; }
figcaption { font-size:9pt; color:var(--muted); margin-top:4px; }
.charts p.note { font-size:8.5pt; color:var(--muted); margin:2px 0 0; }
.gaps li { color:var(--muted); }
.gaps li::marker { color:#b0b8c2; }
#sources { margin-top:24px; font-size:8.5pt; color:var(--muted); }
#sources h2 { font-size:11pt; }
#sources ol { list-style:none; padding-left:0; margin:0; }
#sources li { margin:4px 0; padding-left:2.9em; text-indent:-2.9em; }
#sources .n { display:inline-block; width:2.6em; text-indent:0; color:var(--cite); font-weight:600; }
#sources .title { color:var(--ink); }
#sources q.sentence { font-style:italic; color:#3d4855; }
#sources .correction { display:block; color:#8a5a00; }
#sources li:target { background:#fff6dc; }
footer { margin-top:14px; padding-top:8px; border-top:1px solid var(--rule); font-size:8pt; color:#8a94a0; }
@page { size:A4; margin:14mm 12mm 16mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size:8pt; color:#8a94a0; } }
@media print {
  html, body { background:#fff; }
  .page { margin:0; max-width:none; box-shadow:none; }
  .masthead, table.compare th, .insights, .kpi { -webkit-print-color-adjust:exact; }
  a { color:inherit; }
}
"""

ChartImage = Callable[[Chart], bytes | None]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _cites(refs: tuple[int, ...]) -> str:
    if not refs:
        return ""
    links = "".join(f'<a href="#src-{n}">[{n}]</a>' for n in refs)
    return f'<sup class="cite">{links}</sup>'


def runs_html(runs: list[Run]) -> str:
    return "".join(_e(r.text) + _cites(r.refs) for r in runs)


def bullet_html(b: Bullet) -> str:
    return runs_html(b.runs)


def _ul(bullets: list[Bullet]) -> str:
    return "<ul>" + "".join(f"<li>{bullet_html(b)}</li>" for b in bullets) + "</ul>"


def render_html(report: Report, chart_image: ChartImage | None = None, *, title_suffix: str = "") -> str:
    """The briefing as a standalone HTML page; ``chart_image`` draws a chart as PNG bytes (None to
    leave charts out)."""
    lang = "zh-CN" if report.lang == "zh" else "en"
    from chainatlas.present.report import templates as t

    brand = t.label(report.lang, "brand")
    parts: list[str] = [
        "<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="ChainAtlas">',
        f"<title>{_e(report.title + title_suffix)}</title>", f"<style>{CSS}</style>", "</head>",
        '<body><main class="page">', '<header class="masthead">', f'<div class="brand">{_e(brand)}</div>',
        f"<h1>{_e(report.title)}{_cites(report.title_refs)}</h1>",
    ]
    if report.subtitle:
        parts.append(f'<div class="subtitle">{_e(report.subtitle)}</div>')
    parts += ["</header>", '<div class="content">']
    if report.headline is not None:
        parts.append(f'<p class="lead">{bullet_html(report.headline)}</p>')
    elif report.headline_text:
        parts.append(f'<p class="lead">{_e(report.headline_text)}</p>')
    if report.kpis:
        tiles = "".join(f'<div class="kpi"><span class="k">{_e(k.label)}</span> '
                        f'<span class="v">{_e(k.value.text)}</span>{_cites(k.value.refs)}</div>'
                        for k in report.kpis)
        parts.append(f'<div class="kpis">{tiles}</div>')
    if report.insights:
        parts.append(f'<section class="insights"><h2>{_e(report.insights_title)}</h2>{_ul(report.insights)}</section>')
    if report.table is not None:
        tb = report.table
        head = "".join(f"<th>{_e(h)}</th>" for h in tb.header)
        rows = "".join("<tr>" + "".join(f"<td>{runs_html(c)}</td>" for c in row) + "</tr>" for row in tb.rows)
        parts.append(f'<section class="table"><h2>{_e(report.table_title)}</h2>'
                     f'<table class="compare"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>')
    for sec in report.sections:
        body = _ul(sec.bullets) if sec.bullets else ""
        for name, bullets in sec.groups:
            body += f"<h3>{_e(name)}</h3>{_ul(bullets)}"
        parts.append(f'<section class="sec" id="sec-{_e(sec.id)}"><h2>{_e(sec.title)}</h2>{body}</section>')
    if report.charts and chart_image is not None:
        figs = []
        for chart in report.charts:
            png = chart_image(chart)
            if not png:
                continue
            data = base64.b64encode(png).decode("ascii")
            note = f'<p class="note">{_e(chart.note)}</p>' if chart.note else ""
            figs.append(f'<figure><img alt="{_e(_no_digits(chart.title))}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{_e(chart.title)}{_cites(chart.refs)}</figcaption>{note}</figure>")
        if figs:
            parts.append(f'<section class="charts"><h2>{_e(report.charts_title)}</h2>{"".join(figs)}</section>')
    if report.gaps:
        items = "".join(f"<li>{_e(g)}</li>" for g in report.gaps)
        parts.append(f'<section class="gaps"><h2>{_e(report.gaps_title)}</h2><ul>{items}</ul></section>')
    parts.append(sources_html(report))
    parts += ["</div>", "</main></body></html>"]
    return "\n".join(parts) + "\n"


def _no_digits(text: str) -> str:
    return "".join(ch for ch in text if not ch.isdigit())


def sources_html(report: Report) -> str:
    items = []
    for s in report.sources:
        title, source, date, sentence = s.parts(report.lang)
        corr = s.correction_line(report.lang)
        corr_html = f'<span class="correction">{_e(corr)}</span>' if corr else ""
        items.append(f'<li id="src-{s.n}" value="{s.n}"><span class="n">[{s.n}]</span>'
                     f'<span class="title">{_e(title)}</span> — '
                     f'<span class="site">{_e(source)}</span>, <span class="date">{_e(date)}</span>: '
                     f'<q class="sentence">{_e(sentence)}</q>{corr_html}</li>')
    body = f"<ol>{''.join(items)}</ol>" if items else "<p>—</p>"
    footer = "".join(f"<div>{_e(line)}</div>" for line in report.footer)
    return (f'<section id="sources"><h2>{_e(report.sources_title)}</h2>{body}'
            f"<footer>{footer}</footer></section>")
