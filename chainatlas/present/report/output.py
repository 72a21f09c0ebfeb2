"""Write a briefing to a file (the format from its extension) and check it before it leaves.

``.md`` (charts as PNG files in ``NAME.charts/`` next to it), ``.html`` (self-contained) or
``.pdf`` (the HTML through WeasyPrint); no path prints Markdown. Every Markdown and HTML text is
run through the citation check (``lint.py``); a PDF is checked through the HTML it is made from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chainatlas.present.report import lint
from chainatlas.present.report.document import Chart, Report

FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


@dataclass
class Written:
    """What was produced: the text (Markdown or HTML; None for PDF bytes), and the check's result."""

    fmt: str
    text: str | None
    data: bytes | None
    check: lint.LintResult
    files: list[Path]


def format_of(path: str | Path | None) -> str:
    if path is None:
        return "md"
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: unknown report format {suffix or '(none)'!r}; use .md, .html or .pdf")
    return FORMATS[suffix]


def _chart_png(chart: Chart) -> bytes | None:
    from chainatlas.present.report.charts import render_png

    return render_png(chart)


def render(report: Report, fmt: str, path: Path | None = None, *, charts: bool = True) -> Written:
    """Render ``report`` as ``fmt`` (md | html | pdf); ``path`` is where it will be saved (for
    Markdown charts, which are written next to it)."""
    files: list[Path] = []
    if fmt == "md":
        from chainatlas.present.report.render_md import render_markdown

        writer = None
        if charts and path is not None and report.charts:
            folder = path.with_name(path.stem + ".charts")

            def writer(chart: Chart, i: int) -> str | None:
                png = _chart_png(chart)
                if not png:
                    return None
                folder.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^a-z]+", "-", chart.kind.lower()) + ".png"
                target = folder / name
                target.write_bytes(png)
                files.append(target)
                return f"{folder.name}/{name}"

        text = render_markdown(report, writer)
        return Written("md", text, None, lint.lint_markdown(text), files)
    from chainatlas.present.report.render_html import render_html

    html = render_html(report, _chart_png if charts else None)
    check = lint.lint_html(html)
    if fmt == "html":
        return Written("html", html, None, check, files)
    if fmt == "pdf":
        from chainatlas.present.report.render_pdf import html_to_pdf

        return Written("pdf", None, html_to_pdf(html), check, files)
    raise ValueError(f"unknown report format {fmt!r} (md, html or pdf)")


def write(report: Report, path: str | Path | None, *, charts: bool = True) -> Written:
    """Render and save (``path`` None: nothing saved, the caller prints ``text``)."""
    p = Path(path) if path is not None else None
    fmt = format_of(p)
    out = render(report, fmt, p, charts=charts)
    if p is not None:
        p.parent.mkdir(parents=True, exist_ok=True)
        if out.data is not None:
            p.write_bytes(out.data)
        else:
            p.write_text(out.text or "", encoding="utf-8")
        out.files.insert(0, p)
    return out
