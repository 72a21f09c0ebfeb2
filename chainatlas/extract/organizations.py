"""Organisations named in an article: enterprises, institutions, government bodies, media.

Evidence, strongest first:

1. Grammar (``orgnames``): a head word (有限公司, 药业, 研究院, 卫健委, 日报 …) read
   leftwards into region prefix + core + industry chain; English capitalised runs ending
   in Center, University, Pharma, Co., Ltd. … (``orgnames_en``).
2. A lexicon of widely known companies and research bodies whose short names carry no
   head word (阿斯利康, 科大讯飞, 北大; ``data/org_known.tsv``).
3. Context: members of an enumeration closed by 等 + a class noun (…、济川药业、阿斯利康等
   1400多家…药企), by a count (A、B两家企业; 等11个…项目), by 为代表 or 在内的, are
   organisations of that class; in "A疫苗、B动物药等20个项目" the product words are stripped
   and the owner kept; in a list of institutions every member with an institution head is one.
4. Parents: an institution printed right before a descriptive unit owns it (北京大学|长三角
   未来技术生命健康研究院), and both are institutions.

Candidates nested in a longer one of the same kind are dropped (they come back as alias
mentions), except institutions nested in institutions (北大医学部 in 北大医学部(泰州)…创新中心)
and enterprises named inside an institution (科大讯飞 in 科大讯飞医疗人工智能研究院).
``aliases.link`` then groups the short forms with the full name; ``name`` is the longest
printed form and every printed form gets its mentions. Spans already claimed by parks or
regions are left to them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from chainatlas.extract import aliases
from chainatlas.extract.orgcontext import Cand, coordinated, enumerations, from_zh, maybe_short
from chainatlas.extract.orgnames import (
    Head,
    Lexicon,
    ZhName,
    accept,
    blocked_right,
    chain_continues,
    in_stopword,
    is_cjk,
    lexicon,
    only_proper,
    proper_chunks,
    read_name,
    short_region,
    strong_region,
    verb_inside,
)
from chainatlas.extract.orgnames_en import find_english
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Entity, Span

SCORED_KINDS = ("enterprise", "institution")
_ASSOC_WORDS = ("协会", "学会", "商会", "研究会", "促进会", "联合会", "联盟")
_COMMITTEE_REACH = 24  # characters left of 委员会 searched for the association it belongs to
_COUNTED = re.compile(r"\s?(?:\d+|[一二三四五六七八九十两]{1,3})\s?[个家所座项]")
_ACRONYM_AFTER = re.compile(r"\s?[(（]([A-Z][A-Za-z0-9&\-]{1,11})[)）]")
# "(简称“港科大”)", "（以下简称长澳科技）": the short name a company is called by from then on
_SHORT_AFTER = re.compile(
    r"\s?[(（]\s*(?:以下)?(?:简称|下称)\s*[：:]?\s*[“\"「『]?([^”\"」』()（）,，、。；]{2,12}?)[”\"」』]?\s*[)）]"
)


# --------------------------------------------------------------------------- candidates


def _grammar_zh(text: str, lex: Lexicon, maybe: list[Cand] | None = None) -> list[Cand]:
    """Names read from head words; short names whose core is a common word go to ``maybe``."""
    ends: dict[int, str] = {}
    for idx, w in lex.head_automaton.iter(text):
        e = idx + 1
        if len(w) > len(ends.get(e, "")):
            ends[e] = w
    out = []
    units: list[ZhName] = []  # institution readings that were refused: a parent's unit?
    for e in sorted(ends):
        head = lex.heads[ends[e]]
        if head.cls == "industry" and not head.short:
            # a name never ends in 发展, 投资, 药物 (accept would refuse it): skip the reading,
            # unless it stands in a list beside a company (碳云智能 after 睿昂基因、)
            if maybe is not None and _listed(text, e, head, lex):
                n = read_name(text, e, head, lex)
                if n is not None and not n.prefix and only_proper(n.core, lex) and n.chain == [head.word]:
                    maybe.append(from_zh(n))
            continue
        if head.kind == "enterprise" and chain_continues(text, e, lex, legal_only=head.cls == "legal", head=head.word):
            continue
        if blocked_right(text, e, head, lex) or in_stopword(text, e, head, lex):
            continue
        n = read_name(text, e, head, lex)
        if n is None:
            continue
        if head.kind == "institution" and _COUNTED.match(text, e) and not (
                strong_region(n.prefix, lex) or proper_chunks(n.core, lex)):
            continue  # 国家临床医学研究中心50个: a type of body, counted (河南省肿瘤医院三家医院: a list's last)
        if head.kind == "government" and head.word.endswith("委员会"):
            n = _committee(text, n, lex) or n
        # "国际遗传工程和生物技术中心(ICGEB)": a printed acronym makes a descriptive name proper
        if accept(n, lex) or head.kind == "institution" and (n.core or n.prefix) and _ACRONYM_AFTER.match(text, e):
            out.append(from_zh(n))
        elif maybe is not None and maybe_short(n, lex):
            maybe.append(from_zh(n))
        elif head.kind == "institution":
            units.append(n)
    out += _parent_units(text, units, out, lex)
    return out


_UNIT_GAP = 8  # characters between a parent institution and the reading of its unit (长三角未来)


def _parent_units(text: str, units: list[ZhName], found: list[Cand], lex: Lexicon) -> list[Cand]:
    """An institution named right before a descriptive unit name owns it: 北京大学|长三角未来|
    技术生命健康研究院 is one institute. The reading stopped at a stop word (未来) and, alone,
    describes; a parent printed just left of it, with only name material between (regions,
    nouns, no verb or function character), makes the whole a name."""
    parents = {c.end: c for c in found if c.kind == "institution" and c.source in ("inst", "known")}
    out = []
    for n in units:
        head_start = n.end - len(n.head.word)
        # the parent ends left of the reading (北京大学|长三角未来…) or inside it (中国医学科学院|药物研究所)
        for p in range(head_start - 1, max(-1, n.start - _UNIT_GAP - 1), -1):
            c = parents.get(p)
            if c is None or p > n.start and c.start < n.start:
                continue
            gap = text[p:head_start]
            if all(is_cjk(ch) and ch not in lex.stopchars for ch in gap) and not verb_inside(gap, lex):
                out.append(Cand(c.start, n.end, text[c.start : n.end], "institution", "inst", core=n.core))
            break
    return out


_LIST_JOIN = "、和与及"


def _listed(text: str, e: int, head: Head, lex: Lexicon) -> bool:
    """The word ending at ``e`` is next to a list joint (、, 和 …) within a short name's reach, and
    is a trade (电子, 智能), not a verb (发展, 投资) that no company name ends in."""
    if lex.common.get(head.word) in ("v", "vn"):
        return False
    hs = e - len(head.word)
    return text[e : e + 1] in _LIST_JOIN or any(ch in _LIST_JOIN for ch in text[max(0, hs - 5) : hs - 1])


def _committee(text: str, n: ZhName, lex: Lexicon) -> ZhName | None:
    """A committee of an association is part of it, not a government body: 中国外商投资企业协会|
    生物科技创新委员会 is read again with an association head (descriptors such as 企业 and
    行业 may then stand inside the name)."""
    hs = n.end - len(n.head.word)
    left = text[max(0, hs - _COMMITTEE_REACH) : hs]
    cut = max(left.rfind(ch) for ch in "，。、；：,;:()（）“”\n")
    if not any(w in left[cut + 1 :] for w in _ASSOC_WORDS):
        return None
    assoc = Head(n.head.word, "inst", "institution", False, False, True)
    m = read_name(text, n.end, assoc, lex)
    return m if m is not None and m.start < n.start and any(w in m.text for w in _ASSOC_WORDS) else None


def _known(text: str, lex: Lexicon) -> list[Cand]:
    out = []
    for idx, w in lex.known_automaton.iter(text):
        e = idx + 1
        s = e - len(w)
        kind, canonical = lex.known[w]
        if is_cjk(w[0]):
            if not _glued_ok(text, s, e, lex) or _word_across_end(text, s, e, lex):
                continue
            h = next((lex.heads[w[-k:]] for k in range(min(6, len(w)), 1, -1) if w[-k:] in lex.heads), None)
            if h is not None and blocked_right(text, e, h, lex):
                continue
        elif not _latin_edges_ok(text, s, e):
            continue
        out.append(Cand(s, e, w, kind, "known", core=w, canonical=canonical))
    # a known name inside a longer known name is the same mention (恒瑞 in 恒瑞医药)
    out.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cand] = []
    for c in out:
        if not any(k.start <= c.start and c.end <= k.end for k in kept):
            kept.append(c)
    return kept


def _word_across_end(text: str, s: int, e: int, lex: Lexicon) -> bool:
    """An industry word runs from inside the name across its end: 长春生物|制品所 reads 生物制品."""
    for k in range(1, min(4, e - s) + 1):
        for n in range(k + 1, k + 4):
            if e - k + n <= len(text) and text[e - k : e - k + n] in lex.industry:
                return True
    return False


def _glued_ok(text: str, s: int, e: int, lex: Lexicon) -> bool:
    """False when the name's edge characters form a common word with their neighbours (增强生物)."""
    if s > 0 and text[s - 1 : s + 1] in lex.common:
        return False
    return not (e < len(text) and text[e - 1 : e + 1] in lex.common)


def _english(text: str) -> list[Cand]:
    return [Cand(n.start, n.end, n.text, n.kind, "english", core=n.core, legal=n.legal) for n in find_english(text)]


# --------------------------------------------------------------------------- resolution


def _resolve(cands: list[Cand]) -> list[Cand]:
    """Drop duplicates, nested names of the same kind and the weaker of two crossing names."""
    best: dict[tuple[int, int], Cand] = {}
    for c in cands:
        o = best.get(c.span)
        if o is None or c.rank > o.rank:
            best[c.span] = c
    # crossing names: the stronger evidence wins (rank, then length)
    first: list[Cand] = []
    kept: list[tuple[int, int]] = []  # spans of ``first``; _crossing inlined (this is quadratic)
    for b in sorted(best.values(), key=lambda c: (-c.rank, -(c.end - c.start), c.start)):
        bs, be = b.start, b.end
        if not any(a0 < be and bs < a1 and not (a0 <= bs and be <= a1) and not (bs <= a0 and a1 <= be)
                   for a0, a1 in kept):
            first.append(b)
            kept.append((bs, be))
    # nested names: longest first, only names already kept push others out
    keep: list[Cand] = []
    for b in sorted(first, key=lambda c: (-(c.end - c.start), -c.rank, c.start)):
        if not any(a.start <= b.start and b.end <= a.end and _nested_drop(a, b) for a in keep):
            keep.append(b)
    keep.sort(key=lambda c: (c.start, c.end))
    return keep


def _crossing(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return aliases.overlaps(a, b) and not (a[0] <= b[0] and b[1] <= a[1]) and not (b[0] <= a[0] and a[1] <= b[1])


def _nested_drop(outer: Cand, inner: Cand) -> bool:
    if outer.kind in ("government", "media"):
        # 中国医药集团有限公司党委, 复旦大学党委: the body belongs to the organisation inside
        return not (inner.kind in SCORED_KINDS and inner.source in ("legal", "inst", "known", "english"))
    if outer.kind == "enterprise":
        return True
    # outer is an institution
    if inner.kind == "enterprise":
        return not (inner.source == "known" or inner.legal)
    if inner.kind == "institution":
        # a parent named first in full is a body of its own (Peking University|Health Science
        # Center); a known abbreviation inside is part of the name (北大|医学部)
        if inner.source == "known":
            return inner.start != outer.start or len(inner.text) < 4
        return inner.end == outer.end
    return True


def _acronyms(text: str, cands: list[Cand]) -> None:
    """Printed short names right after a name: "(ICGEB)", "(简称“绿叶制药”)"."""
    for c in cands:
        m = _ACRONYM_AFTER.match(text, c.end)
        if m and sum(ch.isupper() for ch in m.group(1)) < 2:
            m = None  # "(Group)", "(Holdings)": part of the registered name, not a short form
        m = m or _SHORT_AFTER.match(text, c.end)
        if m and c.kind != "government":
            c.acronym = m.group(1)


# --------------------------------------------------------------------------- linking


def _split_industry(lex: Lexicon):
    def split(w: str) -> list[str]:
        for i in range(2, len(w) - 1):
            if w[:i] in lex.industry and w[i:] in lex.industry:
                return [w[:i], *split(w[i:])]
        return [w]

    return split


def _forms(c: Cand, lex: Lexicon) -> list[str]:
    forms = {c.text}
    if c.acronym:
        forms.add(c.acronym)
    if c.canonical:
        forms.add(c.canonical)
    if c.kind == "enterprise" and c.source in ("legal", "short", "list", "project") and (c.core or c.prefix):
        proper = bool(c.core) and bool(proper_chunks(c.core, lex))
        pre = "".join(c.prefix)
        bare_ok = only_proper(c.core, lex)
        shorts = {pre, *(short_region(p) for p in c.prefix[:1])} - {""}
        for f in aliases.short_forms(c.prefix, c.core, c.chain, c.legal, _split_industry(lex), short_region):
            has_prefix = any(f.startswith(p) for p in shorts)
            if f == c.core and (len(f) < 3 or not bare_ok):
                continue  # a bare two-character core (博奥) also opens other names (博奥颐和)
            if c.core and any(f == p + c.core for p in shorts) and not bare_ok:
                continue  # 天津|生态城 without its industry word is a place
            if (proper or has_prefix) and len(f) >= 2:
                forms.add(f)
    elif c.source == "english" and c.legal:
        bare = re.sub(r"[\s,]+$", "", c.text[: len(c.text) - len(c.legal)])
        if bare.count(" ") >= 1:
            forms.add(bare)  # "Jiangsu Hengrui Pharmaceuticals Co., Ltd." → "Jiangsu Hengrui Pharmaceuticals"
    elif c.kind == "institution" and c.prefix:
        rest = c.text[len("".join(c.prefix)) :]
        if len(rest) >= 4 and c.core and proper_chunks(c.core, lex):
            forms.add(rest)
    return sorted(forms, key=len, reverse=True)


def _link_forms(c: Cand) -> list[str]:
    """Forms that join a shorter candidate to ``c``: its printed forms, and for a company its bare
    core (汇宇 in a project list is 四川汇宇制药股份有限公司), which is not searched as a mention."""
    if c.kind == "enterprise" and c.core and c.source in ("legal", "short") and len(c.core) >= 2:
        return [*c.forms, c.core]
    return c.forms


def _compatible(a: Cand, b: Cand) -> bool:
    return a.kind == b.kind


def find_organizations(text: str, claimed: list[tuple[int, int]] | None = None) -> list[Entity]:
    """Organisation entities in ``text``; ``claimed`` spans belong to parks/regions already."""
    lex = lexicon()
    maybe: list[Cand] = []
    cands = _grammar_zh(text, lex, maybe) + _known(text, lex) + _english(text)
    cands += enumerations(text, lex, cands)
    cands += coordinated(text, maybe, cands)
    if claimed:
        cands = _unclaimed(cands, claimed)
    cands = _resolve(cands)
    _acronyms(text, cands)
    for c in cands:
        c.forms = _forms(c, lex)
    groups = aliases.link(cands, lambda c: c.text, _link_forms, _compatible)
    ents: list[Entity] = []
    spans_by_kind: dict[str, list[tuple[int, int]]] = {}
    for g in groups:
        spans_by_kind.setdefault(g[0].kind, []).extend(c.span for c in g)
    for g in groups:
        head = g[0]
        forms = {f for c in g for f in c.forms}
        if head.kind == "enterprise":  # the group's own spans, built once (not once per span)
            own = {c.span for c in g}
            blocked = [s for s in spans_by_kind.get(head.kind, []) if s not in own]
        else:
            blocked = []
        mentions = aliases.find_mentions(text, forms, blocked=blocked, accept=lambda s, e, g=g: _mention_ok(text, s, e, lex, g))
        for c in g:  # the printed candidates themselves always count
            if not any(aliases.overlaps(c.span, (m.start, m.end)) for m in mentions):
                mentions.append(Span(c.start, c.end, c.text))
        mentions.sort(key=lambda m: (m.start, m.end))
        printed = {m.text for m in mentions}
        name = max(printed, key=len)
        ents.append(
            Entity(
                type="organization",
                name=name,
                kind=head.kind,
                aliases=sorted(printed - {name}, key=lambda f: (-len(f), f)),
                mentions=mentions,
                attrs={
                    "core": head.core,
                    "region_prefix": "".join(head.prefix),
                    "legal_form": head.legal,
                    "source": sorted({c.source for c in g}),
                },
            )
        )
    ents.sort(key=lambda e: e.mentions[0].start if e.mentions else 0)
    return ents


def _mention_ok(text: str, s: int, e: int, lex: Lexicon, group: list[Cand]) -> bool:
    if any(c.start == s and c.end == e for c in group):
        return True
    w = text[s:e]
    if is_cjk(w[0]) and len(w) <= 4:
        return _glued_ok(text, s, e, lex)
    if w.isascii():
        return _latin_edges_ok(text, s, e)
    return True


def _latin_edges_ok(text: str, s: int, e: int) -> bool:
    """A Latin name must not continue a Latin word on either side (Merck in Mercks)."""
    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    return not ((s > 0 and latin(text[s - 1])) or (e < len(text) and latin(text[e])))


def _unclaimed(cands: list[Cand], claimed: list[tuple[int, int]]) -> list[Cand]:
    """The candidates that clash with no claimed span; only claimed spans starting within reach
    of a candidate (sorted starts, bisected) can be equal to or cross it."""
    spans = sorted(set(claimed))
    starts = [s for s, _ in spans]
    reach = max(0, max(e - s for s, e in spans))
    out = []
    for c in cands:
        span = c.span
        lo = bisect_left(starts, span[0] - reach)
        hi = bisect_right(starts, span[1])
        if not any(_clash(span, spans[k]) for k in range(lo, hi)):
            out.append(c)
    return out


def _clash(span: tuple[int, int], claimed: tuple[int, int]) -> bool:
    """Equal to, or crossing, a park/region mention (containing one is fine: 泰州医药高新区党工委)."""
    if span == claimed:
        return True
    if not aliases.overlaps(span, claimed):
        return False
    contains = span[0] <= claimed[0] and claimed[1] <= span[1]
    inside = claimed[0] <= span[0] and span[1] <= claimed[1]
    return not contains and not inside


@registry.component("organizations")
def extract_organizations(doc: Document) -> Document:
    """Add organisation entities (enterprise | institution | government | media) to ``doc``."""
    claimed = [(m.start, m.end) for e in doc.entities if e.type in ("park", "region") for m in e.mentions]
    doc.entities = [e for e in doc.entities if e.type != "organization"]
    doc.entities.extend(find_organizations(doc.text, claimed))
    return doc
