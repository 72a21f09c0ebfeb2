"""Context evidence for organisation names: enumerations and coordination.

A name without a head word of its own (华诺泰, 海思科, 基石药业) is still an organisation
when the sentence says so:

* "A、B、C等…<class noun>" (等1400多家…药企, 等高端医疗机构): members are organisations
  of the class named in ``data/org_list_classes.tsv``;
* "A疫苗、B动物药等20个项目": product words (``data/org_product_words.txt``) are stripped
  from the right and the owner is kept;
* "A和B", "A、B" where A is a company already found and B reads as a short company name
  whose core happens to be an everyday word (基石药业 beside 亚盛医药) or that ends in a trade
  word no name ends in alone (碳云智能 beside 睿昂基因);
* "A、B、C" lists in which two members are institutions found already: the others with an
  institution head are institutions however descriptive (特殊食品与营养健康研究院).

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
    verb_inside,
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
        elif _INVESTS.match(text, m.end) and (m.start == 0 or text[m.start - 1] in _CLAUSE_OPEN):
            m.source = "list"  # "，南方制药投资3.5亿元生产…": the clause's investor is a company
            out.append(m)
    return out


# an amount invested right after a short name that opens its clause
_INVESTS = re.compile(r"(?:拟|计划|将|已|再|追加)?(?:投资|出资|投入)\s*(?:\d|[一二三四五六七八九十两]+[亿万千百])")
_CLAUSE_OPEN = frozenset("，。；：！？,;:!?\n")


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
# "A、B两家企业": a count right after the members closes the list as 等 does; "包括A、B在内的…企业"
_CLOSER = re.compile("等|为代表|在内的?|(?<=[\u4e00-\u9fff])(?=[两二三四五六七八九十]{1,2}[家所个])")
# "代表企业有A、B、C": the class noun before the first member
_OPENER = re.compile(
    r"(?:代表性?企业|龙头企业|重点企业|骨干企业|知名企业|领军企业|企业|药企)(?:主要)?(?:有|为|是|包括|包含|涵盖|如)[：:]?"
)
_GAP_STOP = frozenset("的了在是和与及将已为被把对从向")
_COUNTED_GAP = 40  # "等11个入驻云东海医药健康产业园和…产业园项目": a counted class may come late
_COUNT_AFTER = re.compile(r"(?:\d+|[一二三四五六七八九十两几数]+)(?:多|余)?[个家项所批]")
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
        if not m.group() and not _joined_before(text, p):
            continue  # "引进了三家企业": a count alone, no list before it
        counted = m.group() in ("等", "") and _COUNT_AFTER.match(text, m.end()) is not None
        gap = text[m.end() : m.end() + (_COUNTED_GAP if counted else _LIST_GAP)]
        cut = next((i for i, ch in enumerate(gap) if ch in PUNCT), len(gap))
        gap = gap[:cut]
        best = None
        for noun in nouns:
            i = gap.find(noun)
            if i != -1 and (best is None or i < best[0]):
                best = (i, noun)
        if best is None:
            if m.group() == "为代表":
                # "以安徽正方生物科技为代表的…": an exemplar that ends in a company word is a company
                items = [(s + 1 if text[s] == "以" else s, e) for s, e in _items(text, p, lex)[-1:]]
                out += _members(text, items, "enterprise", lex, found, by_class=True, heads_only=True)
            elif any(c.kind == "enterprise" and c.end == p for c in found):
                # "纽迪希亚、恒益健康等4款产品": beside a company, a member that is all name is one too
                out += _members(text, _items(text, p, lex), "enterprise", lex, found, by_class=False, strict=True)
            continue
        cls_kind = lex.list_classes[best[1]]
        items = _items(text, p, lex)
        if not items:
            continue
        near = best[0] <= _CLASS_GAP and not any(ch in _GAP_STOP for ch in gap[: best[0]])
        # "宏怡电子等24个关联项目", "A、B等11个入驻…项目": counted members of a class are owners
        by_class = near and cls_kind == "enterprise" or counted and cls_kind in ("enterprise", "project")
        out += _members(text, items, cls_kind, lex, found, by_class=by_class)
    for m in _OPENER.finditer(text):
        items = _items_after(text, m.end())
        if len(items) >= 2:
            out += _members(text, items, "enterprise", lex, found, by_class=True)
    for items in _plain_lists(text, lex, found):
        out += _members(text, items, "enterprise", lex, found, by_class=False)
    out += _institution_lists(text, lex, found)
    return out


_CLAUSE = re.compile(r"[^，。；：！？,;:!?\n]+")
_INST_ITEM_MAX = 30  # institution names nest (北京大学长三角未来技术生命健康研究院)
_INNER_CONJ = "与和及"


def _institution_lists(text: str, lex: Lexicon, found: list[Cand]) -> list[Cand]:
    """Members of "A、B、C" lists of institutions in which two members are institutions found
    already: a member that ends in an institution head is one too, however descriptive its
    name (特殊食品与营养健康研究院, 瑞金长三角健康研究院 beside 北京大学…研究院)."""
    insts = [c for c in found if c.kind == "institution"]
    if len(insts) < 2:
        return []
    out: list[Cand] = []
    for m in _CLAUSE.finditer(text):
        if m.group().count("、") < 2 or not any(m.start() <= c.start < m.end() for c in insts):
            continue
        items = []
        pos = m.start()
        for part in m.group().split("、"):
            s, e = pos, pos + len(part)
            pos = e + 1
            k = text.find("等", s, e)
            if k != -1:
                e = k
            items.append((s, e))
        first_s, first_e = items[0]
        items[0] = (_left_edge(text, first_e, lex, _INST_ITEM_MAX), first_e) if first_e > first_s else items[0]
        starts = {c.start for c in insts}
        if sum(1 for s, _ in items if s in starts) < 2:
            continue
        for s, e in items:
            if s in starts or not 4 <= e - s <= _INST_ITEM_MAX or any(_inside(c, s, e) for c in found):
                continue
            c = _listed_institution(text, s, e, lex)
            if c is not None:
                out.append(c)
    return out


def _inside(c: Cand, s: int, e: int) -> bool:
    return s <= c.start and c.end <= e and (c.end - c.start) * 2 > e - s


def _listed_institution(text: str, s: int, e: int, lex: Lexicon) -> Cand | None:
    seg = text[s:e]
    head = next((lex.heads[seg[-k:]] for k in range(min(lex.max_token, len(seg) - 2), 1, -1)
                 if seg[-k:] in lex.heads), None)
    if head is None or head.kind != "institution":
        return None
    body = seg[: len(seg) - len(head.word)]
    if any(not is_cjk(ch) or ch in lex.stopchars and ch not in _INNER_CONJ for ch in body):
        return None
    if verb_inside(body, lex, listed=True):
        return None
    if all_generic(body, lex) and not any(body[:k] in lex.regions for k in range(2, min(8, len(body)) + 1)):
        return None  # 省级研究院: a class; 瑞金长三角健康研究院 opens with its place
    return Cand(s, e, seg, "institution", "list", core=body)


def _joined_before(text: str, p: int) -> bool:
    """Two members joined by 、/和 end at ``p`` (A、B两家企业)."""
    seg = text[max(0, p - 2 * _ITEM_MAX) : p]
    cut = max(seg.rfind(ch) for ch in "，。；：,;:!?！？\n")
    seg = seg[cut + 1 :]
    return "、" in seg or "和" in seg[2:-2]


def _members(text: str, items: list[tuple[int, int]], cls_kind: str, lex: Lexicon, found: list[Cand],
             by_class: bool, heads_only: bool = False, strict: bool = False) -> list[Cand]:
    """Candidates for the members of one enumeration not found already.

    ``heads_only``: only members that end in a company head word count; ``strict``: members are
    judged on their own (a core that is all name), whatever stands beside them."""
    spans = []
    for s, e in items:
        if cls_kind == "project":
            e = _strip_product(text, s, e, lex)
        spans.append((s, e))
    anchored = (by_class or any(_touches(sp, found) for sp in spans)) and not strict
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
        if heads_only and not _ends_in_company_head(text[s:e], lex):
            continue
        c = _bare(text, s, e, kind, lex, anchored, owners=cls_kind == "project")
        if c is not None:
            c.source = "project" if cls_kind == "project" else "list"
            out.append(c)
        elif not anchored and not inner:
            rejected.append((s, e))
    if out and rejected and not strict:  # members named on their own vouch for the others (巴迪泰 for 诺博)
        for s, e in rejected:
            c = _bare(text, s, e, kind, lex, True)
            if c is not None:
                c.source = "project" if cls_kind == "project" else "list"
                out.append(c)
    return out


def _ends_in_company_head(seg: str, lex: Lexicon) -> bool:
    h = next((lex.heads[seg[-k:]] for k in range(min(lex.max_token, len(seg) - 1), 1, -1) if seg[-k:] in lex.heads), None)
    return h is not None and h.kind == "enterprise"


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
                h = lex.heads.get(text[e - k : e])
                if h is not None and h.short and e - k - s >= 2:
                    return e  # 迪恩|骨科, 华大|基因: a company word that ends short names is the owner's
                if any(text[e - n : e] in lex.industry for n in range(k + 1, min(6, e - s) + 1)):
                    return e  # 川安医药: 药 ends the industry word 医药, the owner's name ends here
                e -= k
                break
        else:
            break
    return e


def _bare(text: str, s: int, e: int, kind: str, lex: Lexicon, anchored: bool, owners: bool = False) -> Cand | None:
    """A list member without a head of its own: region prefix + a proper core.

    ``owners``: members of a project list stand for the companies that own the projects; a
    descriptive institution there (康养中心等11个项目) is a facility, not an owner."""
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
            if accept(n, lex):
                return from_zh(n)
            if not anchored or owners and h.kind != "enterprise":
                return None
            # beside other names, a descriptive core still names one (八一康复中心), and a county's
            # short name with an industry word is a company (兴和制药 beside 千红制药)
            if n.core and not all_generic(n.core, lex) or (
                    h.kind == "enterprise" and not n.core and len(n.prefix) == 1 and lex.regions.get(n.prefix[0]) == "weak"):
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


_MEASURES = frozenset("个家名位项批次种座")
_NUMERALS = frozenset("0123456789一二三四五六七八九十百千万两几数多")


def _no_generic_inside(core: str, lex: Lexicon) -> bool:
    # a measure word counts only after a numeral: 北大未|名 is a name, 三|名 a count
    if core in lex.common or not all(
        is_cjk(ch) and (ch not in lex.stopchars or ch in _MEASURES and i > 0 and core[i - 1] not in _NUMERALS)
        for i, ch in enumerate(core)
    ):
        return False
    return not any(core[i : i + k] in lex.generic or core[i : i + k] in lex.industry or core[i : i + k] in lex.heads
                   for k in (2, 3, 4) for i in range(len(core) - k + 1))  # 中医院门诊楼: a body's building
