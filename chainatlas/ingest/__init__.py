"""Ingest: files on disk → clean :class:`~chainatlas.model.Document` objects.

read (find files, size limit) → decode (UTF-8, GB18030, Big5, UTF-16; Traditional →
Simplified for Big5) → clean (HTML via trafilatura, plain text and Markdown via the
structural cleaner) → language → passages. Every failure is an :class:`IngestError`
whose ``str`` is one line, ``path: reason``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from chainatlas.ingest.clean import Cleaned, clean_text
from chainatlas.ingest.decode import decode_document, html_charset
from chainatlas.ingest.dedup import content_hash
from chainatlas.ingest.html import extract_html, looks_like_html
from chainatlas.ingest.lang import detect_lang
from chainatlas.ingest.passages import build_passages
from chainatlas.ingest.read import DEFAULT_MAX_BYTES, IngestError, iter_files, read_bytes
from chainatlas.model import Document

_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_MD_SUFFIXES = frozenset({".md", ".markdown"})


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _MD_SUFFIXES:
        return "markdown"
    return "text"


def load_document(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
                  simplify: str = "big5") -> Document:
    """Read, decode and clean one file; raises IngestError for anything unusable.

    ``source`` is the path as given. ``meta`` records ``format`` (text | markdown |
    html), ``converted_from_traditional`` and the number of ``dropped_chars``.
    ``simplify`` is passed to :func:`~chainatlas.ingest.decode.decode_document`.
    """
    p = Path(path)
    data = read_bytes(path, max_bytes)
    fmt = _format(p)
    decoded = decode_document(data, path=path, hint=html_charset(data) if fmt != "markdown" else None,
                              simplify=simplify)
    if fmt == "text" and looks_like_html(decoded.text):
        fmt = "html"
    try:
        if fmt == "html":
            cleaned: Cleaned = extract_html(decoded.text)
        else:
            cleaned = clean_text(decoded.text, markdown=fmt == "markdown")
    except RecursionError:  # pathological nesting in a page
        raise IngestError(path, "cannot parse: document too deeply nested") from None
    text, passages = build_passages(cleaned.body)
    if not text:
        raise IngestError(path, "no article text found (only navigation, headlines or boilerplate)")
    return Document(
        source=str(path),
        text=text,
        title=cleaned.title,
        published=cleaned.published,
        lang=detect_lang(text),
        site=cleaned.site,
        encoding=decoded.encoding,
        content_hash=content_hash(text),
        passages=passages,
        dropped=cleaned.dropped,
        meta={
            "format": fmt,
            "converted_from_traditional": decoded.converted_from_traditional,
            "dropped_chars": sum(len(d.text) for d in cleaned.dropped),
        },
    )


def iter_documents(paths: Iterable[str | os.PathLike[str]], *, max_bytes: int = DEFAULT_MAX_BYTES,
                   simplify: str = "big5") -> Iterator[Document | IngestError]:
    """A Document or an IngestError for every supported file under ``paths``, in order."""
    for item in iter_files(paths, max_bytes=max_bytes):
        if isinstance(item, IngestError):
            yield item
            continue
        try:
            yield load_document(item, max_bytes=max_bytes, simplify=simplify)
        except IngestError as err:
            yield err
        except Exception as err:  # a cleaner bug must not end the batch
            yield IngestError(item, f"cannot ingest: {type(err).__name__}: {err}")


__all__ = ["DEFAULT_MAX_BYTES", "IngestError", "iter_documents", "iter_files", "load_document"]
