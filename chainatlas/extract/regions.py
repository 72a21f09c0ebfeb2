"""Regions an article talks about: provinces, cities, counties and districts, new areas.

Chinese names are found with one Aho-Corasick automaton over every printed form in the
gazetteer (德州市, 德州, 黔东南州, 天衢新区), keeping the longest non-overlapping matches
(国内江苏省 is 江苏省, not 内江) and dropping blocked strings (北海道, 孙中山); English
names ("Heze City", "Dingtao District", "Dezhou") by looking capitalised words up in the
pinyin table and reading an optional designation after them. Both resolve to the official
Chinese name and its 6-digit code.

Short names are not always places (平原 is a plain, 合作 cooperation, 朝阳产业 a sunrise
industry), so a match is *strong* (a full name with its suffix, a province or a prefecture
city) or *weak* (a bare county name, a short name that is also a common word). A weak match
counts only when the document supports it: its parent city or province is mentioned, or the
region itself is printed with its suffix elsewhere. Homonyms (朝阳区 in Beijing and Changchun;
Taizhou = 泰州 or 台州) are decided the same way, by the other regions of the document.

The component runs after parks and organisations: a region printed only inside one of their
names (江苏 in 江苏中慧元通生物科技股份有限公司, 乐陵 in 乐陵医药产业园) is noted on that entity
(``attrs["regions"]``) but makes no region entity; government bodies (德州市卫健委) count, and
so does the place that opens the name of a park printed two or more times (石家庄高新区 …
石家庄高新区: the article is about that place even when it never prints the place alone).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import ahocorasick

from chainatlas.extract.gazetteer import (
    DATA,
    MUNICIPALITIES,
    Gazetteer,
    RegionRecord,
    en_designations,
    en_key,
    fits_designation,
    gazetteer,
)
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Entity, Span

CONTAINER_TYPES = frozenset({"organization", "park", "person"})  # 王金华 is no 金华
STANDALONE_KINDS = frozenset({"government"})  # a region inside 德州市卫健委 is still the region
_EN_CAP = re.compile(r"\b[A-Z][A-Za-z]*(?:['’][A-Za-z]+)*")
_EN_NEXT = re.compile(r" ([A-Z][a-z]+)\b")  # second word of a two-word name
_EN_PREV = re.compile(r"\b([A-Z][a-z]+) $")  # the word just before a name
_APOS = re.compile(r"['’]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_MAX_ROUNDS = 4


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class _Lexicon:
    unsuffix: frozenset[str]  # 市场: 泰州市场 is 泰州 + 市场
    cues: tuple[str, ...]  # words after a bare county name that make it a place
    blocks: frozenset[str]  # 北海道, 孙中山
    features: frozenset[str]  # 湾: 杭州湾 is a bay (its new area lies in Ningbo), not Hangzhou
    locatives: frozenset[str]  # "Park in Dingtao District"
    surnames: frozenset[str]  # "Wang Jinhua" is a person
    designations: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (words, endings), longest first


@functools.cache
def _lexicon() -> _Lexicon:
    path = DATA / "regions_lexicon.tsv"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuntimeError(f"regions: cannot read data file {path}: {exc}") from exc
    lists: dict[str, list[str]] = {k: [] for k in ("unsuffix", "cue", "block", "feature", "en_locative", "en_surname")}
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2 or not cells[1]:
            raise ValueError(f"regions: {path.name} line {n}: expected kind<TAB>value")
        if cells[0] in lists:
            lists[cells[0]].append(cells[1])
        elif cells[0] != "en_suffix":
            raise ValueError(f"regions: {path.name} line {n}: unknown kind {cells[0]!r}")
    desig = sorted(((tuple(k.split()), v) for k, v in en_designations().items()), key=lambda kv: -len(kv[0]))
    return _Lexicon(
        unsuffix=frozenset(lists["unsuffix"]),
        cues=tuple(sorted(lists["cue"], key=len, reverse=True)),
        blocks=frozenset(lists["block"]),
        features=frozenset(lists["feature"]),
        locatives=frozenset(w.lower() for w in lists["en_locative"]),
        surnames=frozenset(lists["en_surname"]),
        designations=tuple(desig),
    )


def _bytes_str(text: str) -> str:
    """UTF-8 bytes of ``text`` as a str of code points < 256.

    pyahocorasick (str build) scans a few hundred MB/s over such strings but only ~5 MB/s over
    Chinese text, whose root node has thousands of children; UTF-8 keeps matches on character
    boundaries, and the byte offsets are mapped back with :func:`_char_offsets`.
    """
    return text.encode("utf-8").decode("latin-1")


def _char_offsets(raw: bytes, offsets: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    pos_b = pos_c = 0
    for b in sorted(set(offsets)):
        pos_c += len(raw[pos_b:b].decode("utf-8"))
        pos_b = b
        out[b] = pos_c
    return out


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    """Every Chinese printed form (and blocking string), as UTF-8 → (byte length, form, is_block)."""
    auto = ahocorasick.Automaton()
    for form in gazetteer().forms():
        key = _bytes_str(form)
        auto.add_word(key, (len(key), form, False))
    for b in _lexicon().blocks:
        if b not in gazetteer().forms():
            key = _bytes_str(b)
            auto.add_word(key, (len(key), b, True))
    auto.make_automaton()
    return auto


@functools.cache
def _en_multiword() -> frozenset[str]:
    """Normalised English names printed as several words (Inner Mongolia, Hong Kong)."""
    return frozenset(en_key(f) for r in gazetteer().records for f in r.en_forms if " " in f)


# --------------------------------------------------------------------------- matching


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    text: str
    cands: list[RegionRecord]
    lang: str  # zh | en
    kind: dict[str, str] = field(default_factory=dict)  # key → full | alias | short | en | en+
    cue: bool = False
    chosen: RegionRecord | None = None
    accepted: bool = False
    ambiguous: tuple[str, ...] = ()


def _zh_hits(text: str, g: Gazetteer, lex: _Lexicon) -> list[_Hit]:
    raw = text.encode("utf-8")
    found = [(end + 1 - n, end + 1, form, blk) for end, (n, form, blk) in _automaton().iter(raw.decode("latin-1"))]
    # Longest first, then leftmost (in byte offsets): 国内江苏省 is 江苏省, not 内江 + 苏省.
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    taken = bytearray(len(raw))
    chosen = []
    for start, end, form, blk in found:
        if taken.find(1, start, end) == -1:
            taken[start:end] = b"\x01" * (end - start)
            if not blk:
                chosen.append((start, form))
    if not chosen:
        return []
    chosen.sort()
    pos = _char_offsets(raw, [b for b, _ in chosen])
    forms = g.forms()
    hits: list[_Hit] = []
    for bstart, form in chosen:
        start = pos[bstart]
        end = start + len(form)
        if form[-1] in "市区县" and text[end - 1 : end + 1] in lex.unsuffix:  # 泰州市场: 泰州 + 市场
            form, end = form[:-1], end - 1
            if form not in forms:
                continue
        cands = forms[form]
        if text[end : end + 1] in lex.features and all(form not in (r.name, *r.aliases) for r in cands):
            continue  # a bare short name before 湾 names the bay (杭州湾, 胶州湾)
        h = _Hit(start, end, form, list(cands), "zh")
        for r in cands:
            h.kind[r.key] = "full" if form == r.name else "alias" if form in r.aliases else "short"
        if any(r.level == "county" for r in cands) and len(form) == 2:
            h.cue = any(text.startswith(c, end) for c in lex.cues)
        hits.append(h)
        if any(r.level == "zone" for r in cands):  # 兰州新区 also names 兰州
            pre = g.prefix_of(form)
            zone_up = {r.parent for r in cands} | {r.province for r in cands}
            if pre and pre != form and any(r.key in zone_up for r in forms[pre]):
                p = _Hit(start, start + len(pre), pre, list(forms[pre]), "zh")
                p.kind = {r.key: "full" if pre == r.name else "alias" if pre in r.aliases else "short" for r in p.cands}
                hits.append(p)
    return hits


@functools.cache
def _designation_re() -> re.Pattern[str]:
    alt = "|".join(r"\s+".join(map(re.escape, words)) for words, _ in _lexicon().designations)
    return re.compile(rf"\s+({alt})\b", re.I)


def _en_hits(text: str, g: Gazetteer, lex: _Lexicon) -> list[_Hit]:
    if not _ASCII_LETTER.search(text):
        return []
    by_en = g.en_forms()
    multi = _en_multiword()
    endings_of = dict(lex.designations)
    desig = _designation_re()
    hits: list[_Hit] = []
    last = 0
    for m in _EN_CAP.finditer(text):
        s, e = m.span()
        w = m.group()
        if s < last:
            continue
        if w[-2:] in ("'s", "’s"):
            w, e = w[:-2], e - 2
        if not (w.isupper() or _APOS.sub("", w[1:]).islower()):
            continue
        key = en_key(w)
        nxt = _EN_NEXT.match(text, e)
        if nxt and key + en_key(nxt.group(1)) in multi:  # Hong Kong, Inner Mongolia
            key, e = key + en_key(nxt.group(1)), nxt.end()
        cands = by_en.get(key)
        if not cands:
            continue
        prev = _EN_PREV.search(text, max(0, s - 16), s)
        if prev and prev.group(1) in lex.surnames and key not in multi:
            continue  # Wang Jinhua is a person
        endings = None
        d = desig.match(text, e)
        if d:
            fit = [r for r in cands if fits_designation(r, endings_of[tuple(d.group(1).lower().split())])]
            if fit:
                cands, endings, e = fit, True, d.end()
        last = e
        h = _Hit(s, e, text[s:e], list(cands), "en")
        h.kind = {r.key: "en+" if endings else "en" for r in cands}
        hits.append(h)
    return hits


# --------------------------------------------------------------------------- resolution


def _strong(h: _Hit, r: RegionRecord) -> bool:
    """A match that names a region on its own, whatever else the document says."""
    kind = h.kind[r.key]
    if kind in ("full", "alias"):
        return "g" not in r.flags
    if kind == "en+":
        return "g" not in r.flags
    if kind == "en":
        return r.level in ("province", "prefecture") and "e" not in r.flags
    # a Chinese short name
    if r.level == "province":
        return True
    if r.level == "prefecture":
        return "c" not in r.flags
    if r.level == "zone":
        return "s" in r.flags
    return len(r.short) >= 3 and "c" not in r.flags  # 石河子, 神农架; 2-character counties need support


Present = dict[str, list[tuple[int, int]]]  # region key → spans of the mentions that place it


def _context(r: RegionRecord, present: Present) -> tuple[bool, bool, bool]:
    """(the region itself or a place inside it is named, its parent is, its province is)."""
    return r.key in present, bool(r.parent) and r.parent in present, r.province in present and r.level != "province"


def _distance(h: _Hit, r: RegionRecord, g: Gazetteer, present: Present) -> int:
    """Characters from ``h`` to the nearest other mention of a region above ``r``
    (宁波市江北区 and 重庆江北区 are two different 江北区)."""
    best = 1 << 30
    for a in g.ancestors(r.key):
        for s, _ in present.get(a.key, ()):
            if s != h.start:
                best = min(best, abs(s - h.start))
    return best


def _choose(h: _Hit, g: Gazetteer, present: Present) -> tuple[RegionRecord, tuple[bool, bool, bool]]:
    if len(h.cands) == 1:
        r = h.cands[0]
        h.ambiguous = ()
        return r, _context(r, present)

    def score(r: RegionRecord) -> tuple:
        ctx = _context(r, present)
        return (tuple(not x for x in ctx), _distance(h, r, g, present) if any(ctx) else 0, not _strong(h, r), g.rank(r))

    scored = sorted((score(r), r) for r in h.cands)
    (best_s, best) = scored[0]
    rivals = [r for s, r in scored[1:] if s[:3] == best_s[:3] and r.level == best.level]
    h.ambiguous = tuple(r.key for r in rivals)
    return best, _context(best, present)


def _adjacent(h: _Hit, key: str, present: Present) -> bool:
    """A mention of ``key`` right before ``h``: 山东齐河, 江苏 昆山."""
    return any(0 <= h.start - e <= 1 for _, e in present.get(key, ()))


def _supported(h: _Hit, r: RegionRecord, ctx: tuple[bool, bool, bool], unique: bool, present: Present) -> bool:
    """Whether a weak match is backed by the document."""
    itself, parent, province = ctx
    if itself:
        return True
    if r.level == "prefecture":
        return province
    if r.level == "zone":
        return parent
    if r.level == "province":
        return False
    common = "c" in r.flags or "g" in r.flags
    if parent and (r.parent != r.province or r.province in MUNICIPALITIES or not common):
        return True  # 平原 in a document about 德州; 朝阳 in one about 北京; 仙桃 in one about 湖北
    if province and _adjacent(h, r.province, present):
        return True  # 山东齐河 (a whole province alone backs none of its hundred county names)
    return h.cue and unique and not common and h.lang == "zh"


def _resolve(hits: list[_Hit], g: Gazetteer) -> None:
    """Choose a reading for every hit and accept the supported ones, to a fixed point.

    Strong mentions place their region and every region above it (齐河县 places 德州市 and
    山东省); weak ones, once accepted, only themselves, so one guess does not back another.
    """
    anchored: dict[int, tuple[_Hit, str, bool]] = {}  # hit index → (hit, key, strong)

    def present() -> Present:
        out: Present = {}
        for h, k, strong in anchored.values():
            keys = (k, *(a.key for a in g.ancestors(k))) if strong else (k,)
            for key in keys:
                out.setdefault(key, []).append((h.start, h.end))
        return out

    for i, h in enumerate(hits):  # unambiguous strong names first
        if len(h.cands) == 1 and _strong(h, h.cands[0]):
            h.chosen, h.accepted = h.cands[0], True
            anchored[i] = (h, h.chosen.key, True)
    for _ in range(_MAX_ROUNDS):
        pres = present()
        before = dict(anchored)
        for i, h in enumerate(hits):
            if h.accepted and len(h.cands) == 1 and i in anchored and anchored[i][2]:
                continue
            r, ctx = _choose(h, g, pres)
            h.chosen = r
            unique = len({c.key for c in h.cands}) == 1
            strong = _strong(h, r)
            h.accepted = strong or _supported(h, r, ctx, unique, pres)
            if h.accepted and (unique or not h.ambiguous):  # a guess (Suzhou → 苏州) backs nothing
                anchored[i] = (h, r.key, strong)
            else:
                anchored.pop(i, None)
        if anchored == before:
            break


# --------------------------------------------------------------------------- entities


def _containers(doc: Document) -> list[tuple[int, int, Entity]]:
    out = []
    for e in doc.entities:
        if e.type in CONTAINER_TYPES and e.kind not in STANDALONE_KINDS:
            out.extend((m.start, m.end, e) for m in e.mentions)
    out.sort(key=lambda t: (t[0], -t[1]))
    return out


def _container_of(h: _Hit, text: str, boxes: list[tuple[int, int, Entity]], lex: _Lexicon) -> Entity | None:
    for s, e, ent in boxes:
        if s > h.start:
            break
        if e >= h.end and (s, e) != (h.start, h.end):
            before = text[s : h.start].rstrip().rsplit(None, 1)
            if h.lang == "en" and before and before[-1].lower() in lex.locatives and text[h.start - 1].isspace():
                continue  # "BPC Industrial Park in Dingtao District" names the district too
            return ent
    return None


def _opens_main_park(h: _Hit, box: Entity) -> bool:
    """The region opens the name of a park the article keeps returning to (石家庄|高新区 printed
    three times): the article is about that place, although it never prints the place alone."""
    return box.type == "park" and len(box.mentions) >= 2 and any(m.start == h.start for m in box.mentions)


def find_regions(doc: Document) -> list[Entity]:
    """Region entities of ``doc`` (without adding them); notes embedded regions on containers."""
    g = gazetteer()
    lex = _lexicon()
    text = doc.text or ""
    hits = sorted(_zh_hits(text, g, lex) + _en_hits(text, g, lex), key=lambda h: h.start)
    _resolve(hits, g)
    boxes = _containers(doc)
    groups: dict[str, list[tuple[_Hit, Entity | None]]] = {}
    for h in hits:
        if h.accepted and h.chosen is not None:
            groups.setdefault(h.chosen.key, []).append((h, _container_of(h, text, boxes, lex)))
    out: list[Entity] = []
    for key, items in groups.items():
        r = g.by_code(key)
        assert r is not None
        free = [h for h, box in items if box is None]
        if not free:
            free = [h for h, box in items if box is not None and _opens_main_park(h, box)]
        if not free:
            for _, box in items:
                if box is not None and r.name not in box.attrs.setdefault("regions", []):
                    box.attrs["regions"].append(r.name)
            continue
        attrs: dict[str, object] = {
            "level": r.level,
            "parent": r.parent,
            "province": g.province_name(key),
            "en": r.en_full,
        }
        if r.stat_code:
            attrs["stat_code"] = r.stat_code
        embedded = [[h.start, h.end] for h, box in items if box is not None]
        if embedded:
            attrs["embedded"] = embedded
        alts = {k for h in free for k in h.ambiguous}
        if alts:
            attrs["ambiguous"] = [f"{x.name} ({x.key})" for x in map(g.by_code, sorted(alts)) if x]
        aliases = list(dict.fromkeys(h.text for h in free if h.text != r.name))
        out.append(Entity(type="region", name=r.name, aliases=aliases, code=r.code,
                          mentions=[Span(h.start, h.end, h.text) for h in free], attrs=attrs))
    out.sort(key=lambda e: e.mentions[0].start)
    return out


@registry.component("regions")
def extract_regions(doc: Document) -> Document:
    """Add one ``region`` entity per region the article names outside org and park names."""
    found = find_regions(doc)
    existing = {(e.name, e.code): e for e in doc.entities if e.type == "region"}
    for ent in found:
        old = existing.get((ent.name, ent.code))
        if old is None:
            doc.entities.append(ent)
            continue
        seen = {(m.start, m.end) for m in old.mentions}
        old.mentions.extend(m for m in ent.mentions if (m.start, m.end) not in seen)
        old.aliases.extend(a for a in ent.aliases if a not in old.aliases and a != old.name)
    return doc
