"""Small builders for hand-made test documents, shared by the store and web tests."""

from __future__ import annotations

from chainatlas.model import Passage, Span


def spans(text: str, needle: str) -> list[Span]:
    """Every (non-overlapping) occurrence of ``needle`` in ``text`` as a mention span."""
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(Span(i, i + len(needle), needle))
        i = text.find(needle, i + len(needle))
    return out


def lines(text: str) -> list[Passage]:
    """One passage per non-blank line."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Passage(len(out), pos, pos + len(line)))
        pos += len(line) + 1
    return out
