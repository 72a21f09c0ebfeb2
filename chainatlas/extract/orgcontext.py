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
    strong_region,
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


_QUOTED_LEFT = re.compile(r"(?:项目)?[”\"]\s*[、，,]?\s*[“\"]")
_QUOTED_RIGHT = re.compile(r"(?:项目)?[”\"]\s*[、，,]?\s*[“\"]")


def coordinated(text: str, maybe: list[Cand], found: list[Cand]) -> list[Cand]:
    """Short names joined by 、/和/与/及 to a company already found (亚盛医药和基石药业), or
    quoted project titles in a row (“景杰生物项目”“远大生物项目”)."""
    ends = {c.end for c in found if c.kind == "enterprise"}
    starts = {c.start for c in found if c.kind == "enterprise"}
    out = []
    for m in maybe:
        left = m.start > 0 and text[m.start - 1] in "、和与及" and (m.start - 1) in ends
        right = m.end < len(text) and text[m.end] in "、和与及" and (m.end + 1) in starts
        # quoted project titles in a row: “景杰生物项目”“远大生物项目”
        ql = _QUOTED_LEFT.search(text, max(0, m.start - 8), m.start)
        qr = _QUOTED_RIGHT.match(text, m.end)
        left = left or bool(ql and ql.end() == m.start and ql.start() in ends)
        right = right or bool(qr and qr.end() in starts)
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


# "…等<class>", "以A、B为代表的<class>": a closer after the last member, the class noun after it
_CLOSER = re.compile("等|为代表")
# "代表企业有A、B、C": the class noun before the first member
_OPENER = re.compile(
    r"(?:代表性?企业|龙头企业|重点企业|骨干企业|知名企业|领军企业|企业|药企)(?:主要)?(?:有|为|是|包括|包含|涵盖|如)[：:]?"
)
_GAP_STOP = frozenset("的了在是和与及将已为被把对从向")
_CLASS_GAP = 12  # qualifiers between 等 and a class noun that vouches for its members (等一批行业龙头企业)


def enumerations(text: str, lex: Lexicon, found: list[Cand]) -> list[Cand]:
    """Members of enumerations that say what their members are.

    * "A、B、C等…<class noun>" and "以A、B为代表的…<class noun>" (等1400多家…药企, 等N个项目);
    * "代表企业有A、B、C": the class noun opens the list;
    * "A、B、C" lists without a class noun in which two members are companies found already.

    A member is judged on its own (``_bare``); beside members that are names, or under a class
    noun close by, a core that is an everyday word still names one (海思科, 大胜达).
    """
    out: list[Cand] = []
    nouns = sorted(lex.list_classes, key=len, reverse=True)
    for m in _CLOSER.finditer(text):
        p = m.start()
        gap = text[m.end() : m.end() + _LIST_GAP]
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
        near = best[0] <= _CLASS_GAP and not any(ch in _GAP_STOP for ch in gap[: best[0]])
        out += _members(text, items, cls_kind, lex, found, by_class=near and cls_kind == "enterprise")
    for m in _OPENER.finditer(text):
        items = _items_after(text, m.end())
        if len(items) >= 2:
            out += _members(text, items, "enterprise", lex, found, by_class=True)
    for items in _plain_lists(text, lex, found):
        out += _members(text, items, "enterprise", lex, found, by_class=False)
    return out


def _members(text: str, items: list[tuple[int, int]], cls_kind: str, lex: Lexicon, found: list[Cand],
             by_class: bool) -> list[Cand]:
    """Candidates for the members of one enumeration not found already."""
    spans = []
    for s, e in items:
        if cls_kind == "project":
            e = _strip_product(text, s, e, lex)
        spans.append((s, e))
    anchored = by_class or any(_touches(sp, found) for sp in spans)
    todo: list[tuple[int, int, bool]] = []  # (start, end, holds a known name inside)
    for s, e in spans:
        hits = [c for c in found if aliases.overlaps((s, e), c.span)]
        if not hits:
            todo.append((s, e, False))
        elif anchored and _known_inside(text, s, e, hits, lex):
            todo.append((s, e, True))  # 美|诺华, 津药|达仁堂: the member is longer than the known name in it
    kind = "enterprise" if cls_kind == "project" else cls_kind
    out: list[Cand] = []
    rejected = []
    for s, e, inner in todo:
        c = _bare(text, s, e, kind, lex, anchored)
        if c is not None:
            c.source = "project" if cls_kind == "project" else "list"
            out.append(c)
        elif not anchored and not inner:
            rejected.append((s, e))
    if out and rejected:  # members named on their own vouch for the others (巴迪泰 for 诺博)
        for s, e in rejected:
            c = _bare(text, s, e, kind, lex, True)
            if c is not None:
                c.source = "project" if cls_kind == "project" else "list"
                out.append(c)
    return out


def _known_inside(text: str, s: int, e: int, hits: list[Cand], lex: Lexicon) -> bool:
    """Every name found in the member is a known short name strictly inside it, and the rest of
    the member is not a place (德国|拜耳 is the known name with its country)."""
    if not all(c.source == "known" and s <= c.start and c.end <= e and (c.end - c.start) < e - s for c in hits):
        return False
    rest = text[s:e]
    for c in hits:
        rest = rest.replace(c.text, "")
    return bool(rest) and rest not in lex.regions and all(is_cjk(ch) for ch in rest)


def _touches(span: tuple[int, int], found: list[Cand]) -> bool:
    return any(aliases.overlaps(span, c.span) for c in found)


def _split_and(text: str, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in items:  # "A和B" inside one member
        seg = text[s:e]
        k = max(seg.rfind("和"), seg.rfind("及"))
        if 2 <= k <= len(seg) - 3:
            out.extend([(s, s + k), (s + k + 1, e)])
        else:
            out.append((s, e))
    return out


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
    return _split_and(text, items)


def _items_after(text: str, pos: int) -> list[tuple[int, int]]:
    """The "、"-separated members from ``pos`` on, up to the end of the clause or 等."""
    items: list[tuple[int, int]] = []
    s = pos
    while True:
        e = s
        while e < len(text) and e - s <= _ITEM_MAX and text[e] not in PUNCT and text[e] not in "（）()":
            e += 1
        if e - s > _ITEM_MAX:
            break
        end = e
        if text[s:e].endswith("等"):
            end = e - 1
        if end - s >= 2:
            items.append((s, end))
        if e < len(text) and text[e] == "、" and end == e:
            s = e + 1
            continue
        break
    return _split_and(text, items)


def _plain_lists(text: str, lex: Lexicon, found: list[Cand]) -> list[list[tuple[int, int]]]:
    """"A、B、C" lists (no class noun) in which at least two members are companies found already."""
    ents = [c for c in found if c.kind == "enterprise"]
    out = []
    seen: set[int] = set()
    for c in ents:
        if c.end >= len(text) or text[c.end] != "、" or c.end in seen:
            continue
        # walk left to the first member, then collect members rightwards
        q = c.start
        while True:
            j = q - 1
            if j <= 0 or text[j] != "、":
                break
            k = j
            while k > 0 and j - k < _ITEM_MAX and text[k - 1] not in PUNCT and text[k - 1] not in "（）()":
                k -= 1
            if k > 0 and text[k - 1] == "、":
                q = k
                continue
            q = _left_edge(text, j, lex, _ITEM_MAX)
            break
        items = _items_after(text, q)
        seen.update(e for _, e in items)
        if len(items) >= 3 and sum(1 for sp in items if _touches(sp, ents)) >= 2:
            out.append(items)
    return out


def _strip_product(text: str, s: int, e: int, lex: Lexicon) -> int:
    """End of the owner in a project item: 华诺泰|带状疱疹疫苗, 润方生物|动物药."""
    while e - s > 2:
        for k in range(min(6, e - s - 2), 0, -1):
            if text[e - k : e] in lex.product_words:
                if any(text[e - n : e] in lex.industry for n in range(k + 1, min(6, e - s) + 1)):
                    return e  # 川安医药: 药 ends the industry word 医药, the owner's name ends here
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
    elif not (anchored and 3 <= len(core) <= 6 and _no_generic_inside(core, lex)
              or anchored and _region_brand(prefix, core, lex)):
        return None  # beside other names, 海思科 is a name although 思科 is a dictionary word
    return Cand(s, e, seg, kind, "list", tuple(prefix), core)


def _region_brand(prefix: list[str], core: str, lex: Lexicon) -> bool:
    """佛山照明, 四川新绿色: among names, a province or city with an everyday word is a company."""
    return (strong_region(prefix, lex) and 2 <= len(core) <= 4
            and all(is_cjk(ch) and ch not in lex.stopchars for ch in core)
            and not all_generic(core, lex) and core not in lex.industry and core not in lex.heads)


def _no_generic_inside(core: str, lex: Lexicon) -> bool:
    if core in lex.common or not all(is_cjk(ch) and ch not in lex.stopchars for ch in core):
        return False
    return not any(core[i : i + k] in lex.generic or core[i : i + k] in lex.industry
                   for k in (2, 3, 4) for i in range(len(core) - k + 1))
