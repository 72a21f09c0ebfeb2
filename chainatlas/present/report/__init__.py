"""Cited briefings: region reports, comparisons and one-article digests, as Markdown, HTML or PDF.

``build_report(AtlasData(store), ["德州市"])`` plans a briefing from the stored facts; the renderers
(``render_md``, ``render_html``, ``render_pdf``) lay it out; ``lint`` checks that every number in it
is cited by a source sentence holding that number. Names are imported on first use, so
``python -m chainatlas.present.report.lint`` runs without loading the builder.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "AtlasData": "chainatlas.present.report.atlas",
    "Citation": "chainatlas.present.report.atlas",
    "CitedFact": "chainatlas.present.report.atlas",
    "Report": "chainatlas.present.report.document",
    "ReportOptions": "chainatlas.present.report.builder",
    "build_report": "chainatlas.present.report.builder",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'chainatlas.present.report' has no attribute {name!r}")
