"""Citation numbers and the Sources list.

Sources are numbered in the order a reader meets them. One entry per distinct sentence of a
document (two facts read from one sentence share their [n]); a corrected fact gets its own entry,
since the correction is printed under it. Each entry is printed as
``[n] title — source, date: "the exact sentence"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chainatlas.present.report import templates as t
from chainatlas.present.report.atlas import Citation


@dataclass(frozen=True, slots=True)
class Source:
    """A numbered entry of the Sources list."""

    n: int
    citation: Citation

    def parts(self, lang: str) -> tuple[str, str, str, str]:
        """(title, source, date, sentence) as printed; double quotes in the title and source become
        typographic ones so the entry's quoted sentence stays unambiguous."""
        c = self.citation
        title = _safe(c.title or t.label(lang, "untitled"))
        source = _safe(c.source or t.label(lang, "unknown_source"))
        date = c.published or t.label(lang, "undated")
        sentence = " ".join(c.sentence.split())
        return title, source, date, sentence

    def line(self, lang: str) -> str:
        title, source, date, sentence = self.parts(lang)
        return f'[{self.n}] {title} — {source}, {date}: "{sentence}"'

    def correction_line(self, lang: str) -> str | None:
        c = self.citation
        if not c.correction:
            return None
        return f"{t.label(lang, 'corrected')}: {c.correction}"


def _safe(text: str) -> str:
    out, open_ = [], True
    for ch in " ".join(text.split()):
        if ch == '"':
            out.append("“" if open_ else "”")
            open_ = not open_
        else:
            out.append(ch)
    return "".join(out).replace(': "', ": “")


class Citations:
    """Hands out [n] in reading order; the same sentence gets the same number."""

    def __init__(self, start: int = 1) -> None:
        self._by_key: dict[tuple[int, str, str | None], Source] = {}
        self._next = start

    def number(self, citation: Citation) -> int:
        src = self._by_key.get(citation.key)
        if src is None:
            src = Source(self._next, citation)
            self._by_key[citation.key] = src
            self._next += 1
        return src.n

    def numbers(self, citations: list[Citation]) -> tuple[int, ...]:
        return tuple(dict.fromkeys(self.number(c) for c in citations))

    def peek(self, citation: Citation) -> int | None:
        src = self._by_key.get(citation.key)
        return src.n if src else None

    @property
    def sources(self) -> list[Source]:
        return sorted(self._by_key.values(), key=lambda s: s.n)

    def sentence(self, n: int) -> str:
        for s in self._by_key.values():
            if s.n == n:
                c = s.citation
                return c.sentence + (" " + c.correction if c.correction else "")
        raise KeyError(n)

    def __len__(self) -> int:
        return len(self._by_key)
