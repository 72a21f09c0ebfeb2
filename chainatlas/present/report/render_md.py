"""A briefing as Markdown: what `chainatlas report` prints and what an analyst pastes into a memo.

Layout: ``# title``, the subtitle in italics, the headline in bold, ``## Core Insights`` bullets,
the comparison table, one ``##`` per section (``###`` per region in a comparison), charts (PNG
files written next to the Markdown file, when there is one), ``## Data Gaps``, then ``## Sources``
with one line per source: ``[n] title — source, date: "the exact sentence"``.
"""

from __future__ import annotations

from collections.abc import Callable

from chainatlas.present.report.document import Bullet, Chart, Report, Run

ChartWriter = Callable[[Chart, int], str | None]  # chart, index → relative image path (or None)


def _esc(text: str) -> str:
    """Keep Markdown from reading emphasis or headings into article text."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")


def runs_md(runs: list[Run]) -> str:
    return "".join(_esc(r.text) + "".join(f"[{n}]" for n in r.refs) for r in runs)


def bullet_md(b: Bullet) -> str:
    return runs_md(b.runs)


def _cell(runs: list[Run]) -> str:
    return runs_md(runs).replace("|", "\\|")


def render_markdown(report: Report, chart_writer: ChartWriter | None = None, *, body_only: bool = False) -> str:
    """The briefing as Markdown. ``chart_writer`` saves a chart and returns its path; without one
    charts are left out. ``body_only`` stops before charts, gaps and sources (what an LLM rewrites)."""
    out: list[str] = [f"# {_esc(report.title)}" + "".join(f"[{n}]" for n in report.title_refs), ""]
    if report.subtitle:
        out += [f"*{_esc(report.subtitle)}*", ""]
    if report.headline is not None:
        out += [f"**{bullet_md(report.headline)}**", ""]
    elif report.headline_text:
        out += [_esc(report.headline_text), ""]
    if report.insights:
        out += [f"## {report.insights_title}", ""]
        out += [f"- {bullet_md(b)}" for b in report.insights]
        out.append("")
    if report.table is not None and not body_only:
        out += [f"## {report.table_title}", ""]
        tb = report.table
        out.append("| " + " | ".join(_esc(h) for h in tb.header) + " |")
        out.append("|" + "|".join(["---"] + [":---:"] * (len(tb.header) - 1)) + "|")
        for row in tb.rows:
            out.append("| " + " | ".join(_cell(c) for c in row) + " |")
        out.append("")
    for sec in report.sections:
        out += [f"## {sec.title}", ""]
        if sec.bullets:
            out += [f"- {bullet_md(b)}" for b in sec.bullets]
            out.append("")
        for name, bullets in sec.groups:
            out += [f"### {_esc(name)}", ""]
            out += [f"- {bullet_md(b)}" for b in bullets]
            out.append("")
    if body_only:
        return "\n".join(out).rstrip() + "\n"
    if report.charts and chart_writer is not None:
        shown = []
        for i, chart in enumerate(report.charts):
            path = chart_writer(chart, i)
            if path:
                shown.append((chart, path))
        if shown:
            out += [f"## {report.charts_title}", ""]
            for chart, path in shown:
                cites = "".join(f"[{n}]" for n in chart.refs)
                out += [f"![{_alt(chart.title)}]({path})", "", f"*{_esc(chart.title)}*{cites}", ""]
                if chart.note:
                    out += [f"*{_esc(chart.note)}*", ""]
    if report.gaps:
        out += [f"## {report.gaps_title}", ""]
        out += [f"- {_esc(g)}" for g in report.gaps]
        out.append("")
    out += sources_md(report)
    return "\n".join(out).rstrip() + "\n"


def _alt(text: str) -> str:
    return "".join(ch for ch in text if not ch.isdigit()).replace("[", "(").replace("]", ")")


def sources_md(report: Report) -> list[str]:
    # The heading is always printed: everything under it (the footer's date and counts too) is
    # provenance, not a claim, and the citation check stops there.
    out: list[str] = [f"## {report.sources_title}", ""]
    for s in report.sources:
        out.append(s.line(report.lang) + "  ")
        corr = s.correction_line(report.lang)
        if corr:
            out.append(f"    {corr}  ")
    if not report.sources:
        out.append("—")
    out.append("")
    if report.footer:
        out += ["---", ""]
        out += [f"<sub>{line}</sub>  " for line in report.footer]
    return out
