"""Name analysis: what a printed organisation or park name is made of, and when two agree.

A Chinese company name reads ``[region]* core [industry]* [legal]``::

    锦州 | 奥鸿 | 药业 | 有限责任公司        → region 锦州, core 奥鸿, industry 药业, legal 有限责任公司
    扬子江 | 药业 | 集团                      → core 扬子江, industry 药业, a group
    扬子江药业集团 | 江苏 | 龙凤堂 | 中药 | 有限公司
                                              → a subsidiary: its core is 扬子江 + 龙凤堂 (also 龙凤堂)

Institutions (复旦大学, 德州市东部医疗中心) and parks (泰州医药高新区) are compared as a whole
once the region prefix is off (``stem``), parks with their head word normalised (产业园区 ~ 产业园).
English names are read the same way over words (Jiangsu | Hengrui | Pharmaceuticals | Co., Ltd.).

Word lists are data files: ``data/*.txt`` here, plus the extractor's ``org_heads.tsv``,
``park_heads.tsv``, ``park_modifiers_zh.tsv`` and ``org_en.tsv`` when present. Everything is
cached per process; :func:`analyse` is cached per name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from chainatlas.resolve import places
from chainatlas.resolve.keys import normalize_name

DATA = Path(__file__).parent / "data"
EXTRACT_DATA = Path(__file__).resolve().parents[1] / "extract" / "data"

MIN_CORE = 2  # a core shorter than this never identifies anything
_PAREN = re.compile(r"\(([^()]{1,16})\)")
_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_WORD = re.compile(r"[a-z0-9][a-z0-9&'\-]*")
_EN_PLACE_WORDS = frozenset({"province", "city", "county", "district", "municipality", "prefecture", "region"})


# --------------------------------------------------------------------------- word lists


def _lines(path: Path) -> list[list[str]]:
    """Rows of a data file (tab-separated; ``#`` comments and blank lines skipped); [] if absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise RuntimeError(f"resolve: cannot read data file {path}: {exc}") from exc
    rows = []
    for raw in text.splitlines():
        if raw.strip() and not raw.lstrip().startswith("#"):
            rows.append([c.strip() for c in raw.split("\t")])
    return rows


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


@dataclass(frozen=True)
class Lexicon:
    legal_zh: dict[str, str]  # suffix → flag: "" | group | branch
    legal_en: dict[str, str]  # single normalised word → flag
    industry_zh: frozenset[str]
    industry_en: frozenset[str]
    institution_zh: frozenset[str]
    institution_en: frozenset[str]
    park_heads_zh: dict[str, str]  # head → normalised head
    park_heads_en: dict[str, str]  # lower-case head (words joined by one space) → normalised
    park_words_zh: dict[str, str]  # modifier → industry | generic | level | anchor
    en_generic: frozenset[str]
    anchors: frozenset[str]  # 中国, 中华, china: nation-wide, specific
    max_zh: int


@functools.cache
def lexicon() -> Lexicon:
    legal_zh: dict[str, str] = {}
    legal_en: dict[str, str] = {}
    for row in _lines(DATA / "legal_suffixes.txt"):
        word, flag = _fold(row[0]), (row[1] if len(row) > 1 else "")
        if _CJK.search(word) or word.startswith("("):
            legal_zh[word] = flag
        else:
            for w in _EN_WORD.findall(word.replace(".", "")):
                legal_en.setdefault(w, flag)
    industry = {_fold(r[0]) for r in _lines(DATA / "industry_words.txt")}
    institution = {_fold(r[0]) for r in _lines(DATA / "institution_heads.txt")}
    for row in _lines(EXTRACT_DATA / "org_heads.tsv"):  # the extractor's grammar, when present
        if len(row) < 2:
            continue
        word, cls = _fold(row[0]), row[1]
        if cls == "industry":
            industry.add(word)
        elif cls in ("inst", "gov", "media"):
            institution.add(word)
        elif cls == "legal" and word not in legal_zh:
            legal_zh[word] = "group" if "集团" in word else "branch" if word.startswith("分") else ""
    park_zh: dict[str, str] = {}
    park_en: dict[str, str] = {}
    for row in _lines(EXTRACT_DATA / "park_heads.tsv"):
        if len(row) >= 4 and row[0] in ("zh", "en") and row[2] != "zone":
            if row[0] == "zh":
                park_zh[_fold(row[1])] = _fold(row[3])
            else:
                park_en[" ".join(_EN_WORD.findall(_fold(row[1])))] = _fold(row[3])
    park_zh.setdefault("新区", "新区")
    park_words = {_fold(r[0]): r[1] for r in _lines(EXTRACT_DATA / "park_modifiers_zh.tsv") if len(r) > 1}
    anchors = {_fold(r[0]) for r in _lines(DATA / "national_anchors.txt")}
    en_generic = {_fold(r[0]) for r in _lines(EXTRACT_DATA / "org_en.tsv")
                  if len(r) > 1 and r[1] in ("generic", "head", "notorg", "drop")}
    en_generic |= {_fold(r[0]) for r in _lines(EXTRACT_DATA / "park_modifiers_en.txt")}
    zh = {w for w in (*industry, *institution, *legal_zh, *park_zh, *park_words) if _CJK.search(w)}
    return Lexicon(
        legal_zh=legal_zh,
        legal_en=legal_en,
        industry_zh=frozenset(w for w in industry if _CJK.search(w)),
        industry_en=frozenset(w for w in industry if not _CJK.search(w)),
        institution_zh=frozenset(w for w in institution if _CJK.search(w)),
        institution_en=frozenset(w for w in institution if not _CJK.search(w)),
        park_heads_zh=park_zh,
        park_heads_en=park_en,
        park_words_zh=park_words,
        en_generic=frozenset(en_generic),
        anchors=frozenset(anchors),
        max_zh=max((len(w) for w in zh), default=1),
    )


@functools.cache
def _org_lexicon():  # type: ignore[no-untyped-def]
    """The organisation extractor's lexicon (common-word dictionary), if that module loads."""
    try:
        from chainatlas.extract import orgnames

        return orgnames, orgnames.lexicon()
    except Exception:  # noqa: BLE001 - resolution works without it, a little more cautiously
        return None


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True, slots=True)
class NameParts:
    """One printed name taken apart. ``core`` is the part that identifies (see the module doc)."""

    text: str
    norm: str
    type: str
    lang: str  # zh | en
    style: str  # enterprise | short | institution | park | other
    regions: tuple[str, ...] = ()  # printed region tokens, outermost first: ("江苏", "泰州")
    places: tuple[frozenset[str], ...] = ()  # the codes each token may stand for
    core: str = ""
    alt_cores: tuple[str, ...] = ()  # a subsidiary's own core (龙凤堂 of 扬子江…龙凤堂…)
    industry: tuple[str, ...] = ()  # atomic industry words, left to right
    legal: str = ""
    is_group: bool = False
    parent: str = ""  # the group a subsidiary is printed under
    branch: str = ""  # a branch office's place (…沈阳分公司 → 沈阳)
    national: bool = False  # 中国…/中华…: a nation-wide name
    generic: bool = False  # no proper name, no place: 生物医药产业园, 东部医疗中心

    @property
    def core_keys(self) -> tuple[str, ...]:
        return tuple(k for k in (self.core, *self.alt_cores) if k)

    @property
    def has_place(self) -> bool:
        return bool(self.regions) or self.national

    @property
    def codes(self) -> frozenset[str]:
        """The most specific printed place (last region token), or nation-wide."""
        if self.places:
            return self.places[-1]
        return frozenset({places.NATIONAL}) if self.national else frozenset()

    @property
    def region_label(self) -> str:
        return "".join(self.regions) or ("中国" if self.national else "")


def _clean(name: str) -> str:
    """NFKC, case-folded, quotes and spaces dropped (Chinese) — the analysed form."""
    text = normalize_name(name)
    if _CJK.search(text):
        text = re.sub(r"\s+", "", text)
    return text


@functools.lru_cache(maxsize=200_000)
def analyse(name: str, type: str = "organization") -> NameParts:
    """Take a printed name apart (cached). ``type`` is the entity type: organization | park | …"""
    text = _clean(name)
    if not text:
        return NameParts(name, "", type, "zh", "other")
    lang = "zh" if _CJK.search(text) else "en"
    if type == "organization":
        return _org_zh(name, text) if lang == "zh" else _org_en(name, text)
    if type == "park":
        return _park_zh(name, text) if lang == "zh" else _park_en(name, text)
    return NameParts(name, text, type, lang, "other", core=text)


def _longest_suffix(text: str, vocab: dict[str, str] | frozenset[str], max_len: int, keep: int) -> str | None:
    """The longest word of ``vocab`` that ``text`` ends in, leaving at least ``keep`` characters."""
    for n in range(min(max_len, len(text) - keep), 0, -1):
        if text[-n:] in vocab:
            return text[-n:]
    return None


def _take_regions(text: str, regions: list[str], keep: int = MIN_CORE) -> str:
    """Strip leading region tokens (江苏省泰州市…) into ``regions``; return what is left."""
    for _ in range(3):
        p = places.prefix_of(text, keep)
        if p is None:
            break
        regions.append(p)
        text = text[len(p):]
    return text


def _parens(text: str, regions: list[str]) -> tuple[str, bool]:
    """Drop (集团) (a group) and (泰州) (a place: into ``regions``); other brackets stay."""
    group = False

    def sub(m: re.Match[str]) -> str:
        nonlocal group
        inner = m.group(1)
        if inner == "集团":
            group = True
            return ""
        if places.is_region_form(inner):
            regions.append(inner)
            return ""
        return m.group(0)

    return _PAREN.sub(sub, text), group


@functools.cache
def _atoms(word: str) -> tuple[str, ...]:
    """An industry word as its smallest listed parts: 生物科技 → (生物, 科技); 药业 → (药业,)."""
    vocab = lexicon().industry_zh
    best: tuple[str, ...] = (word,)
    for i in range(2, len(word) - 1):
        head, tail = word[:i], word[i:]
        if head in vocab and tail in vocab:
            split = (*_atoms(head), *_atoms(tail))
            if len(split) > len(best):
                best = split
    return best


def _anchor(text: str) -> bool:
    return any(text.startswith(a) and len(text) > len(a) for a in lexicon().anchors)


def _places_of(regions: list[str]) -> tuple[frozenset[str], ...]:
    return tuple(places.codes_of(r) for r in regions)


def _region_inside(text: str) -> bool:
    """Whether a region name is printed anywhere in ``text`` (国家级泰州队列研究中心)."""
    return any(places.prefix_of(text[i:], 0) for i in range(len(text) - 1))


def _proper(core: str) -> bool:
    """Whether ``core`` holds proper-name material rather than only common and domain words."""
    if not core:
        return False
    org = _org_lexicon()
    if org is not None:
        module, lex = org
        try:
            return bool(module.proper_chunks(core, lex))
        except Exception:  # noqa: BLE001 - a changed extractor API: fall back to our word lists
            pass
    lex2 = lexicon()
    rest = core
    for vocab in (lex2.industry_zh, lex2.institution_zh, frozenset(lex2.park_words_zh)):
        for w in sorted(vocab, key=len, reverse=True):
            rest = rest.replace(w, "")
    return len(rest) >= MIN_CORE


def _org_zh(name: str, text: str) -> NameParts:
    lex = lexicon()
    regions: list[str] = []
    text, group = _parens(text, regions)
    national = _anchor(text)
    lead: list[str] = []
    rest = _take_regions(text, lead)
    regions[:0] = lead
    legal, branch = "", ""
    for _ in range(3):  # 有限公司 | 沈阳 | 分公司 …
        suf = _longest_suffix(rest, lex.legal_zh, lex.max_zh, MIN_CORE)
        if suf is None:
            break
        flag = lex.legal_zh[suf]
        rest = rest[: -len(suf)]
        if flag == "group":
            group = True
        if flag == "branch" and not branch:
            trailing = _longest_suffix(rest, places.table().prefixes, 6, MIN_CORE)
            branch = (trailing or "") + suf
            if trailing:
                rest = rest[: -len(trailing)]
            continue
        legal = suf + legal
    if rest.endswith("集团") and len(rest) > 3:
        group = True
        rest = rest[:-2]
    style = "enterprise" if legal or group or branch else ""
    if not style and _longest_suffix(rest, lex.institution_zh, lex.max_zh, 1):
        stem = rest
        head = _longest_suffix(stem, lex.institution_zh, lex.max_zh, 0) or ""
        generic = not (national or regions or _region_inside(stem) or _proper(stem[: len(stem) - len(head)]))
        return NameParts(name, normalize_name(name), "organization", "zh", "institution",
                         tuple(regions), _places_of(regions), stem, national=national, generic=generic)
    words: list[str] = []
    while True:
        w = _longest_suffix(rest, lex.industry_zh, lex.max_zh, MIN_CORE)
        if w is None:
            break
        words.insert(0, w)
        rest = rest[: -len(w)]
    if words and not style:
        style = "enterprise"
    parent, alt = "", ()
    at = rest.find("集团")
    if at > 0 and len(rest) - at - 2 >= MIN_CORE:  # 扬子江药业集团 | 江苏龙凤堂
        parent = rest[: at + 2]
        sub_regions: list[str] = []
        sub = _take_regions(rest[at + 2:], sub_regions)
        regions.extend(sub_regions)
        top = analyse(parent, "organization")
        rest = (top.core or parent) + sub
        alt = (sub,)
    industry = tuple(a for w in words for a in _atoms(w))
    generic = not _proper(rest) and not national
    return NameParts(name, normalize_name(name), "organization", "zh", style or "short",
                     tuple(regions), _places_of(regions), rest, alt, industry, legal, group, parent,
                     branch, national, generic)


def _en_words(text: str) -> list[str]:
    return _EN_WORD.findall(text.replace(".", " ").replace(",", " "))


def _en_regions(words: list[str], regions: list[str]) -> list[str]:
    """Strip leading place names (Jiangsu, Heze City) using the gazetteer's English forms."""
    try:
        from chainatlas.extract.gazetteer import gazetteer

        gz = gazetteer()
    except Exception:  # noqa: BLE001 - no English place names without the gazetteer
        return words
    for _ in range(2):
        for n in (2, 1):
            if len(words) <= n:
                continue
            cand = " ".join(words[:n])
            recs = [r for r in gz.lookup(cand) if r.code and r.level != "zone"]
            if recs:
                regions.append(cand)
                words = words[n:]
                while len(words) > 1 and words[0] in _EN_PLACE_WORDS:
                    words = words[1:]
                break
        else:
            break
    return words


def _en_places(regions: list[str]) -> tuple[frozenset[str], ...]:
    try:
        from chainatlas.extract.gazetteer import gazetteer

        gz = gazetteer()
        return tuple(frozenset(r.code for r in gz.lookup(x) if r.code and r.level != "zone") for x in regions)
    except Exception:  # noqa: BLE001
        return tuple(frozenset() for _ in regions)


def _org_en(name: str, text: str) -> NameParts:
    lex = lexicon()
    words = _en_words(text)
    if words and words[0] == "the":
        words = words[1:]
    national = bool(words) and words[0] in lex.anchors and len(words) > 1
    regions: list[str] = []
    words = _en_regions(words, regions)
    legal: list[str] = []
    group = False
    branch = ""
    while len(words) > 1 and words[-1] in lex.legal_en:
        flag = lex.legal_en[words[-1]]
        group = group or flag == "group"
        if flag == "branch":
            branch = words[-1]
        legal.insert(0, words.pop())
    if words and words[-1] in lex.institution_en and not legal:
        stem = " ".join(words)
        generic = not regions and not national and all(
            w in lex.en_generic or w in lex.institution_en or w in lex.industry_en for w in words)
        return NameParts(name, normalize_name(name), "organization", "en", "institution", tuple(regions),
                         _en_places(regions), stem, national=national, generic=generic)
    industry: list[str] = []
    while len(words) > 1 and words[-1] in lex.industry_en:
        industry.insert(0, words.pop())
    core = " ".join(words)
    generic = not national and all(w in lex.en_generic or w in lex.industry_en for w in words)
    style = "enterprise" if legal or industry or group else "short"
    return NameParts(name, normalize_name(name), "organization", "en", style, tuple(regions),
                     _en_places(regions), core, (), tuple(industry), " ".join(legal), group, "", branch,
                     national, generic)


def _park_zh(name: str, text: str) -> NameParts:
    lex = lexicon()
    regions: list[str] = []
    text, _ = _parens(text, regions)
    national = any(text.startswith(w) for w, k in lex.park_words_zh.items() if k == "anchor") or _anchor(text)
    lead: list[str] = []
    rest = _take_regions(text, lead, keep=2)
    regions[:0] = lead
    head = _longest_suffix(rest, lex.park_heads_zh, lex.max_zh, 0) or ""
    body = rest[: len(rest) - len(head)]
    stem = body + lex.park_heads_zh.get(head, head)
    generic = not regions and not national and _only_park_words(body)
    return NameParts(name, normalize_name(name), "park", "zh", "park", tuple(regions), _places_of(regions),
                     stem, national=national, generic=generic)


def _only_park_words(body: str) -> bool:
    """Whether a park name's body is only industry, rank and head words (生物医药, 国家高新区…)."""
    lex = lexicon()
    vocab = set(lex.park_words_zh) | set(lex.park_heads_zh) | {"高新", "经开", "新区"}
    i = 0
    while i < len(body):
        for n in range(min(lex.max_zh, len(body) - i), 0, -1):
            w = body[i: i + n]
            if w in vocab and lex.park_words_zh.get(w) != "anchor":
                i += n
                break
        else:
            if places.prefix_of(body[i:], 0):
                return False
            return False if _CJK.search(body[i]) else _only_park_words(body[i + 1:])
    return True


def _park_en(name: str, text: str) -> NameParts:
    lex = lexicon()
    words = _en_words(text)
    if words and words[0] == "the":
        words = words[1:]
    regions: list[str] = []
    where = ""
    if " in " in f" {' '.join(words)} ":  # "BPC Industrial Park in Dingtao District"
        joined = " ".join(words)
        words, where = joined.split(" in ", 1)[0].split(), joined.split(" in ", 1)[1]
        tail: list[str] = []
        _en_regions(where.split() + ["x"], tail)
        regions.extend(tail)
    national = bool(words) and words[0] in lex.anchors
    words = _en_regions(words, regions)
    head = ""
    for n in range(min(6, len(words)), 0, -1):
        cand = " ".join(words[-n:])
        if cand in lex.park_heads_en:
            head = cand
            words = words[:-n]
            break
    stem = " ".join([*words, lex.park_heads_en.get(head, head)] if head else words)
    if where and not regions:
        stem = f"{stem} in {where}"
    generic = not regions and not national and all(w in lex.en_generic for w in words)
    return NameParts(name, normalize_name(name), "park", "en", "park", tuple(regions), _en_places(regions),
                     stem, national=national, generic=generic)


# --------------------------------------------------------------------------- comparing two names


@dataclass(frozen=True, slots=True)
class Match:
    """Why two printed names may be one entity. ``context``: only if their documents share a city."""

    rule: str  # name | core | group | stem
    reason: str
    context: bool = False


def region_relation(p: NameParts, q: NameParts) -> str | None:
    """How the places of two names relate, for reasons ("锦州 ⊂ 辽宁"); None when they clash."""
    if not p.has_place or not q.has_place:
        shown = p.region_label or q.region_label
        return f"{shown or '—'} vs —" if shown else "no region printed"
    for a in p.places or (frozenset({places.NATIONAL}),):
        for b in q.places or (frozenset({places.NATIONAL}),):
            if not places.compatible(a, b):
                return None
    a, b = p.codes, q.codes
    if places.same_place(a, b):
        return f"{p.region_label} = {q.region_label}"
    if any(places.contains(y, x) for x in a for y in b):
        return f"{p.region_label} ⊂ {q.region_label}"
    return f"{p.region_label} ⊃ {q.region_label}"


def _industry_ok(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One list of industry words starts the other (沃森农业 ~ 沃森农业科技; 医药 ≁ 医疗)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def compare(p: NameParts, q: NameParts) -> Match | None:
    """Whether two names (of one type) may name one entity, by name alone, and why.

    Region prefixes must agree (equal, one absent, or one inside the other). A generic name
    (no proper name, no place) only matches with ``context``: when both documents are about the
    same city. Group and subsidiary never match: a subsidiary's core carries its own name.
    """
    if p.type != q.type or not p.norm or not q.norm:
        return None
    where = region_relation(p, q)
    if where is None:
        return None
    if p.norm == q.norm:
        return Match("name", "same normalised name", context=p.generic and not p.has_place)
    if p.style in ("enterprise", "short") and q.style in ("enterprise", "short"):
        shared = [k for k in p.core_keys if k in q.core_keys and len(k) >= MIN_CORE]
        if not shared or p.branch != q.branch:
            return None
        if not _industry_ok(p.industry, q.industry):
            return None
        generic = p.generic or q.generic
        if generic and p.has_place and q.has_place and not places.same_place(p.codes, q.codes):
            return None  # 山东医养健康 vs 德州市医养健康: a generic core needs the very same place
        core = shared[0]
        words = "".join(p.industry if len(p.industry) >= len(q.industry) else q.industry)
        what = f"same core name {core}" + (f" + industry word {words}" if words else "")
        if p.is_group != q.is_group:
            if p.industry != q.industry:
                return None
            return Match("group", f"{what}, group suffix (集团), compatible region ({where})",
                         context=generic and not (p.has_place and q.has_place))
        return Match("core", f"{what}, compatible region ({where})",
                     context=generic and not (p.has_place and q.has_place))
    if p.style == q.style and p.style in ("institution", "park") and p.core and p.core == q.core:
        generic = p.generic or q.generic
        if generic and p.has_place and q.has_place and not places.same_place(p.codes, q.codes):
            return None
        return Match("stem", f"same name without region prefix ({p.core}), compatible region ({where})",
                     context=generic and not (p.has_place and q.has_place))
    return None


def same_name(a: str, b: str, type: str = "organization", same_city: bool = False) -> Match | None:
    """``compare`` on two printed names; a context-bound match counts only with ``same_city``."""
    m = compare(analyse(a, type), analyse(b, type))
    if m is None or (m.context and not same_city):
        return None
    return m


@functools.lru_cache(maxsize=200_000)
def index_keys(type: str, form: str) -> tuple[str, ...]:
    """Look-up keys a stored form is found by: its normalised text and its cores/stem.

    ``=`` + normalised form, ``~`` + core (or stem). A new name is looked up by the same keys, so
    candidates come from one indexed query, never from a scan.
    """
    norm = normalize_name(form)
    if not norm:
        return ()
    keys = [f"={norm}"]
    if type in ("organization", "park"):
        p = analyse(form, type)
        keys.extend(f"~{k}" for k in p.core_keys if len(k) >= MIN_CORE)
    return tuple(dict.fromkeys(keys))


def fullness(type: str, form: str) -> tuple[int, int, int, int]:
    """How complete a printed form is (a legal name with its region beats a short form)."""
    p = analyse(form, type)
    return (1 if p.legal else 0, 1 if p.regions else 0, len(p.norm), -len(form))
