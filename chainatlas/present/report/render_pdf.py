"""A briefing as PDF: the HTML briefing laid out on A4 by WeasyPrint.

WeasyPrint is a Python package (``pip install weasyprint``) over system libraries: on Debian and
Ubuntu ``apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
fonts-noto-cjk`` (the last one for Chinese text). Without them this module raises
:class:`PdfUnavailable` with the reason, and the CLI says so in one line.
"""

from __future__ import annotations

from pathlib import Path


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing."""


def weasyprint_html():  # pragma: no cover - exercised where WeasyPrint is installed
    try:
        from weasyprint import HTML
    except ImportError as exc:
        raise PdfUnavailable("PDF needs WeasyPrint: pip install weasyprint") from exc
    except OSError as exc:  # the Python package is there, Pango/HarfBuzz are not
        raise PdfUnavailable(f"PDF needs Pango and HarfBuzz (apt-get install libpango-1.0-0 "
                             f"libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-noto-cjk): {exc}") from exc
    return HTML


def html_to_pdf(html: str, path: str | Path | None = None) -> bytes:
    """Lay out ``html`` (self-contained: inline CSS and images) as PDF; write it to ``path`` if given."""
    HTML = weasyprint_html()
    data = HTML(string=html, base_url=str(Path.cwd())).write_pdf()
    if path is not None:
        Path(path).write_bytes(data)
    return data
