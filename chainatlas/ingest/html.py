"""HTML pages → article body, title, date and site, offline.

trafilatura finds the main content and the metadata (title, site name); htmldate
reads the publication date from the markup (``<meta>``, ``<time>``, JSON-LD) without
its extensive search, which would wander into dates of linked articles. The text
trafilatura returns still starts with the headline and the date line and may end
with an editor line, so it goes through the plain-text cleaner in ``trusted`` mode.
When trafilatura finds nothing, the page is flattened to lines and cleaned like any
scraped text. Nothing is fetched: the page is parsed as given.
"""

from __future__ import annotations

import logging
import re

from chainatlas.ingest.clean import Cleaned, clean_text

_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "nav", "aside", "blockquote", "pre", "dd", "dt", "dl", "figure",
    "figcaption", "main", "form", "hr", "td", "th",
)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "head")
_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)

# trafilatura and htmldate log at WARNING/ERROR for pages they cannot use; the
# fallback handles those, so their messages would only be noise in a batch.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def looks_like_html(text: str) -> bool:
    """A page saved with a .txt suffix still starts like HTML."""
    return bool(_HTML_START.match(text[:2048]))


def _html_date(html: str) -> str | None:
    from htmldate import find_date

    try:
        return find_date(html, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate on malformed markup: no date rather than no document
        return None


def html_to_lines(html: str) -> str:
    """The page's visible text with one line per block element (the fallback path)."""
    import lxml.html
    from lxml import etree

    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for el in tree.iter(*_DROP_TAGS):
        el.drop_tree()
    for el in tree.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
        if el.tag == "br":
            continue
        el.text = "\n" + (el.text or "")
    return tree.text_content()


def extract_html(html: str) -> Cleaned:
    """Body, title, date and site of an HTML page (see the module docstring)."""
    import trafilatura

    try:
        meta = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            output_format="python",
        )
    except Exception:  # a page trafilatura chokes on still gets the fallback
        meta = None
    text = (getattr(meta, "text", None) or "").strip() if meta is not None else ""
    title = getattr(meta, "title", None) if meta is not None else None
    if text:
        cleaned = clean_text(text, trusted=True, title_hint=title)
    else:
        cleaned = clean_text(html_to_lines(html))
        if title:
            cleaned.title = title
    date = _html_date(html) or (getattr(meta, "date", None) if meta is not None else None)
    if date:
        cleaned.published = date[:10]
    site = getattr(meta, "sitename", None) if meta is not None else None
    if site:
        cleaned.site = site
    return cleaned


__all__ = ["extract_html", "html_to_lines", "looks_like_html"]
