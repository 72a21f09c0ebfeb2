"""Tokens for full-text search over passages: CJK character bigrams plus whole Latin words.

Chinese has no spaces, and a user looks for two-character words (德州, 疫苗) as often as for a
piece of a long name (中慧元通 inside 江苏中慧元通生物科技股份有限公司). Indexing every pair of
adjacent CJK characters and querying a run as a *phrase* of its bigrams makes a query match
exactly where its characters appear contiguously in the text, whatever a word segmenter would
have cut (see docs/design-store.md for the measurements behind this choice).

The same tokens feed SQLite FTS5 (``unicode61`` just splits them on spaces) and the portable
``LIKE`` path used on other databases, where a phrase is a space-delimited substring of the
token string. Highlighting runs in Python on the original passage text with the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Scripts written without spaces: Han (incl. extensions and compatibility ideographs),
# kana, Hangul syllables. Their runs are indexed as bigrams.
_CJK_CLASS = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
    "\U00020000-\U0003134f"
)
_CJK = f"[{_CJK_CLASS}]"
# A letter or digit of any other script (underscore excluded, as FTS5's unicode61 does).
_WORD = rf"(?:(?!{_CJK})[^\W_])"
_TOKEN_RE = re.compile(rf"(?P<cjk>{_CJK}+)|(?P<word>{_WORD}+)")
_CJK_CHAR_RE = re.compile(_CJK)

# Latin words at least this long match as prefixes ("vaccine" finds "vaccines").
PREFIX_MIN = 3


def normalize(text: str) -> str:
    """NFKC + casefold: full-width letters, compatibility forms and case never block a match."""
    return unicodedata.normalize("NFKC", text).casefold()


def _normalize_mapped(text: str) -> tuple[str, list[int]]:
    """Normalise character by character, keeping where each output character came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        n = ch.lower() if ch.isascii() else unicodedata.normalize("NFKC", ch).casefold()
        out.append(n)
        origin.extend([i] * len(n))
    origin.append(len(text))
    return "".join(out), origin


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [a + b for a, b in zip(run, run[1:], strict=False)]


def index_tokens(text: str) -> str:
    """The space-separated token string stored for a passage (and matched by FTS5 / LIKE)."""
    tokens: list[str] = []
    for m in _TOKEN_RE.finditer(normalize(text)):
        if m.lastgroup == "cjk":
            tokens.extend(_bigrams(m.group()))
        else:
            tokens.append(m.group())
    return " ".join(tokens)


@dataclass(frozen=True, slots=True)
class Term:
    """One run of a query chunk: a CJK run (matched as a substring) or a Latin/digit word."""

    text: str
    cjk: bool

    @property
    def prefix(self) -> bool:
        return not self.cjk and len(self.text) >= PREFIX_MIN and not self.text.isdigit()


@dataclass(frozen=True, slots=True)
class Group:
    """A whitespace-free chunk of the query: its terms must appear next to each other."""

    terms: tuple[Term, ...]

    @property
    def single_char(self) -> bool:
        """A lone CJK character: no bigram holds it reliably, so it is matched by a text scan."""
        return len(self.terms) == 1 and self.terms[0].cjk and len(self.terms[0].text) == 1

    def tokens(self) -> list[str]:
        out: list[str] = []
        for t in self.terms:
            out.extend(_bigrams(t.text) if t.cjk else [t.text])
        return out


def parse_query(query: str) -> list[Group]:
    """Split a query on whitespace into groups; every group must match (AND)."""
    groups: list[Group] = []
    seen: set[Group] = set()
    for chunk in normalize(query).split():
        terms = tuple(
            Term(m.group(), m.lastgroup == "cjk") for m in _TOKEN_RE.finditer(chunk)
        )
        if terms:
            g = Group(terms)
            if g not in seen:
                seen.add(g)
                groups.append(g)
    return groups


def fts5_query(groups: list[Group]) -> str:
    """An FTS5 MATCH expression: each multi-token group a phrase, groups ANDed."""
    parts: list[str] = []
    for g in groups:
        if g.single_char:
            continue
        toks = g.tokens()
        phrase = '"' + " ".join(toks) + '"'
        if g.terms[-1].prefix:
            phrase += " *"
        parts.append(phrase)
    return " AND ".join(parts)


def like_patterns(groups: list[Group]) -> list[tuple[str, bool]]:
    """Per group a LIKE pattern and whether it applies to the token string (True) or the text.

    Token strings are stored with a leading and trailing space, so ``% a b %`` finds the phrase
    ``a b`` on token boundaries. Tokens hold only letters and digits: no LIKE escaping needed.
    """
    out: list[tuple[str, bool]] = []
    for g in groups:
        if g.single_char:
            out.append((f"%{g.terms[0].text}%", False))
            continue
        body = " ".join(g.tokens())
        tail = "%" if g.terms[-1].prefix else " %"
        out.append((f"% {body}{tail}", True))
    return out


def _group_regex(g: Group) -> str:
    parts: list[str] = []
    for i, t in enumerate(g.terms):
        if t.cjk:
            piece = re.escape(t.text)
        else:
            piece = rf"(?<!{_WORD}){re.escape(t.text)}"
            piece += rf"{_WORD}*" if (t.prefix and i == len(g.terms) - 1) else rf"(?!{_WORD})"
        parts.append(piece)
    # Separators between terms are invisible to the index (punctuation, spaces).
    return r"[\W_]*".join(parts)


def highlight_spans(text: str, groups: list[Group]) -> list[tuple[int, int]]:
    """Where the query's groups occur in ``text`` (original offsets, sorted, non-overlapping)."""
    if not groups:
        return []
    norm, origin = _normalize_mapped(text)
    pattern = re.compile("|".join(f"(?:{_group_regex(g)})" for g in groups))
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(norm):
        if m.end() > m.start():
            spans.append((origin[m.start()], origin[m.end() - 1] + 1))
    return spans


def snippet(
    text: str, spans: list[tuple[int, int]], width: int = 160
) -> tuple[str, list[tuple[int, int]]]:
    """A window of about ``width`` characters around the first hit, with hit offsets inside it."""
    text_len = len(text)
    if text_len <= width:
        start, end = 0, text_len
    else:
        anchor = spans[0][0] if spans else 0
        start = max(0, min(anchor - width // 3, text_len - width))
        end = min(text_len, start + width)
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    start += lead
    end = start + len(piece)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < text_len else ""
    shift = len(prefix)
    return prefix + piece + suffix, [(s + shift, e + shift) for s, e in inside]


def mark(text: str, spans: list[tuple[int, int]], open_: str = "[[", close: str = "]]") -> str:
    """``text`` with each span wrapped in markers (what a plain-text CLI prints)."""
    out: list[str] = []
    pos = 0
    for s, e in spans:
        out.append(text[pos:s])
        out.append(open_ + text[s:e] + close)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def has_cjk(text: str) -> bool:
    return _CJK_CHAR_RE.search(text) is not None
