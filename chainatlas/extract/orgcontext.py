"""Context evidence for organisation names: enumerations and coordination.

A name without a head word of its own (华诺泰, 海思科, 基石药业) is still an organisation
when the sentence says so:

* "A、B、C等…<class noun>" (等1400多家…药企, 等高端医疗机构): members are organisations
  of the class named in ``data/org_list_classes.tsv``;
* "A疫苗、B动物药等20个项目": product words (``data/org_product_words.txt``) are stripped
  from the right and the owner is kept;
* "A和B", "A、B" where A is a company already found and B reads as a short company name
  whose core happens to be an everyday word (基石药业 beside 亚盛医药).

``Cand`` is the candidate record shared with :mod:`chainatlas.extract.organizations`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chainatlas.extract import aliases
from chainatlas.extract.orgnames import (
    OPEN,
    PUNCT,
    Head,
    Lexicon,
    ZhName,
    accept,
    is_cjk,
    only_proper,
    read_name,
    token_before,
)

_RANK = {"legal": 6, "known": 5, "inst": 5, "gov": 5, "media": 5, "english": 5, "short": 4, "list": 3, "project": 3}
_LIST_GAP = 22  # characters between 等 and the class noun (等1400多家中国百强与国际知名药企)
_ITEM_MAX = 16


@dataclass(slots=True)
class Cand:
    """One printed organisation name before linking."""

    start: int
    end: int
    text: str
    kind: str
    source: str  # legal | short | inst | gov | media | known | english | list | project
    prefix: tuple[str, ...] = ()
    core: str = ""
    chain: tuple[str, ...] = ()
    legal: str = ""
    acronym: str = ""
    canonical: str = ""
    forms: list[str] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def rank(self) -> int:
        return _RANK.get(self.source, 3)


def from_zh(n: ZhName, source: str | None = None) -> Cand:
    """A candidate from a grammar reading; ``source`` defaults to the head class."""
    if source is None:
        cls = n.head.cls
        source = "legal" if n.legal else "short" if cls == "industry" else cls
    return Cand(n.start, n.end, n.text, n.kind, source, tuple(n.prefix), n.core, tuple(n.chain), n.legal)


def maybe_short(n: ZhName, lex: Lexicon) -> bool:
    """A short name (基石药业) whose core is an everyday word: a name only beside another name."""
    h = lex.heads.get(n.chain[-1]) if n.chain else None
    core = n.core
    return (
        n.head.cls == "industry"
        and h is not None
        and h.short
        and 2 <= len(core) <= 4
        and all(is_cjk(ch) and ch not in lex.stopchars for ch in core)
        and not all_generic(core, lex)
    )


def all_generic(core: str, lex: Lexicon) -> bool:
    i = 0
    while i < len(core):
        w = next((core[i : i + k] for k in range(min(4, len(core) - i), 1, -1)
                  if core[i : i + k] in lex.generic or core[i : i + k] in lex.regions), None)
        if w is None:
            return False
        i += len(w)
    return True


def coordinated(text: str, maybe: list[Cand], found: list[Cand]) -> list[Cand]:
    """Short names joined by 、/和/与/及 to a company already found (亚盛医药和基石药业)."""
    ends = {c.end for c in found if c.kind == "enterprise"}
    starts = {c.start for c in found if c.kind == "enterprise"}
    out = []
    for m in maybe:
        left = m.start > 0 and text[m.start - 1] in "、和与及" and (m.start - 1) in ends
        right = m.end < len(text) and text[m.end] in "、和与及" and (m.end + 1) in starts
        if left or right:
            m.source = "list"
            out.append(m)
    return out


def _left_edge(text: str, pos: int, lex: Lexicon, limit: int) -> int:
    """Start of a name-like stretch ending at ``pos`` (stop words, function characters, punctuation)."""
    probe = Head("", "inst", "enterprise", False, False)
    start = pos
    while start > 0 and pos - start < limit:
        ch = text[start - 1]
        if ch in PUNCT or ch in OPEN or ch.isdigit():
            break
        tok = token_before(text, start, lex, 0, probe)
        if tok is None:
            break
        start -= len(tok[0])
    return start


def enumerations(text: str, lex: Lexicon, found: list[Cand]) -> list[Cand]:
    """Members of "A、B、C等…<class noun>" enumerations (and "A疫苗、B药等N个项目")."""
    out: list[Cand] = []
    nouns = sorted(lex.list_classes, key=len, reverse=True)
    for m in re.finditer("等", text):
        p = m.start()
        gap = text[p + 1 : p + 1 + _LIST_GAP]
        cut = next((i for i, ch in enumerate(gap) if ch in PUNCT), len(gap))
        gap = gap[:cut]
        best = None
        for noun in nouns:
            i = gap.find(noun)
            if i != -1 and (best is None or i < best[0]):
                best = (i, noun)
        if best is None:
            continue
        cls_kind = lex.list_classes[best[1]]
        items = _items(text, p, lex)
        if not items:
            continue
        spans = []
        for s, e in items:
            if cls_kind == "project":
                e = _strip_product(text, s, e, lex)
            spans.append((s, e))
        anchored = any(_touches(sp, found) for sp in spans)
        for s, e in spans:
            if _touches((s, e), found):
                continue
            c = _bare(text, s, e, "enterprise" if cls_kind == "project" else cls_kind, lex, anchored)
            if c is not None:
                c.source = "project" if cls_kind == "project" else "list"
                out.append(c)
    return out


def _touches(span: tuple[int, int], found: list[Cand]) -> bool:
    return any(aliases.overlaps(span, c.span) for c in found)


def _items(text: str, p: int, lex: Lexicon) -> list[tuple[int, int]]:
    """The "、"-separated members before 等 at ``p``, left to right."""
    items: list[tuple[int, int]] = []
    q = p
    while True:
        j = q
        while j > 0 and q - j < _ITEM_MAX and text[j - 1] not in PUNCT and text[j - 1] not in "（）()":
            j -= 1
        if j > 0 and text[j - 1] == "、" and q - j >= 2:
            items.append((j, q))
            q = j - 1
            continue
        s = _left_edge(text, q, lex, _ITEM_MAX)
        if q - s >= 2:
            items.append((s, q))
        break
    items.reverse()
    out = []
    for s, e in items:  # "A和B" inside one member
        seg = text[s:e]
        k = max(seg.rfind("和"), seg.rfind("及"))
        if 2 <= k <= len(seg) - 3:
            out.extend([(s, s + k), (s + k + 1, e)])
        else:
            out.append((s, e))
    return out


def _strip_product(text: str, s: int, e: int, lex: Lexicon) -> int:
    """End of the owner in a project item: 华诺泰|带状疱疹疫苗, 润方生物|动物药."""
    while e - s > 2:
        for k in range(min(6, e - s - 2), 0, -1):
            if text[e - k : e] in lex.product_words:
                e -= k
                break
        else:
            break
    return e


def _bare(text: str, s: int, e: int, kind: str, lex: Lexicon, anchored: bool) -> Cand | None:
    """A list member without a head of its own: region prefix + a proper core."""
    seg = text[s:e]
    if not 2 <= len(seg) <= 10 or any(ch.isdigit() for ch in seg):
        return None
    # a member that ends in a head word is read by the grammar
    for k in range(min(lex.max_token, len(seg)), 1, -1):
        h = lex.heads.get(seg[-k:])
        if h is not None:
            n = read_name(text, e, h, lex, floor=s)
            if n is None or n.start != s:
                return None
            # beside other names, a descriptive core still names one (八一康复中心)
            if accept(n, lex) or anchored and n.core and not all_generic(n.core, lex):
                return from_zh(n)
            return None
    i = 0
    prefix = []
    while True:
        w = next((seg[i : i + k] for k in range(min(8, len(seg) - i), 1, -1) if seg[i : i + k] in lex.regions), None)
        if not w or len(seg) - i - len(w) < 2:
            break
        prefix.append(w)
        i += len(w)
    core = seg[i:]
    if only_proper(core, lex):
        if not anchored and len(core) < 3:
            return None
    elif not (anchored and 3 <= len(core) <= 6 and _no_generic_inside(core, lex)):
        return None  # beside other names, 海思科 is a name although 思科 is a dictionary word
    return Cand(s, e, seg, kind, "list", tuple(prefix), core)


def _no_generic_inside(core: str, lex: Lexicon) -> bool:
    if core in lex.common or not all(is_cjk(ch) and ch not in lex.stopchars for ch in core):
        return False
    return not any(core[i : i + k] in lex.generic or core[i : i + k] in lex.industry
                   for k in (2, 3, 4) for i in range(len(core) - k + 1))
