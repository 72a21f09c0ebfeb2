"""Industrial parks, development zones, medicine cities and bases named in an article.

A park name ends in a head word (产业园, 高新区, 医药城, Industrial Park …, data file
``park_heads.tsv``). We find heads with one regex (English: a cheap pass over the heads' last
words first), then read the name leftwards token by
token: region names (admin-division table), industry and rank words, nested zones
(天衢新区…, 高新区…), and at most one unknown proper-name chunk per zone, stopping at
verbs, prepositions, numerals and punctuation (``park_stops_*``). What we read decides
whether the phrase names one park (a region, a proper name or an anchor such as 中国) or is
generic (生物医药产业园区载体, 该园区), and generic phrases survive only as aliases of a named
park in the same document (医药高新区 → 泰州医药高新区).

English names are read the same way over capitalised words; "X Industrial Park in Y
District" is named in full with "X Industrial Park" as alias.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from chainatlas.extract.gazetteer import en_key, gazetteer
from chainatlas.extract.orgnames import _common_words, accept, read_name
from chainatlas.extract.orgnames import lexicon as org_lexicon
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Entity

DATA = Path(__file__).parent / "data"
_CPCA_RESOURCES = "cpca.resources"  # admin-division table used until chainatlas.extract.gazetteer exists

MAX_NAME_ZH = 24  # characters read leftwards from a head at most
MAX_CHUNK_ZH = 6  # longest unknown proper-name chunk (光谷, 天府, 伯桢生物产业化北方 is too long)
MAX_TOKENS_EN = 6  # capitalised words read leftwards at most
_EN_HEAD_WINDOW = 64  # longest English head, in characters, with room for extra spaces

_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_TOKEN = re.compile(r"(?:[A-Za-z0-9][\w’'\-]*|&)$")
_EN_IN = re.compile(r" in ")
_EN_PAREN_PLACE = re.compile(r"\([A-Z][a-z]+\)$")
_EN_CAP_WORD = re.compile(r"[A-Z][\w\-]*")
_EN_LOCATION_WORDS = frozenset(
    {"District", "County", "City", "Zone", "Park", "Area", "Town", "Township", "Prefecture", "Port"}
)
_BASE_BAD_NEXT = ("项目", "建设", "工程")
_CITY_BAD_NEXT = "市镇乡"
_DIRECTIONS = "东南西北"
_ADMIN_SUFFIXES = "省市县区旗镇乡"
_MACRO_REGIONS = frozenset({"华东", "华北", "华南", "华中", "西北", "西南", "东北", "中国", "亚太"})  # (西北)
_NATIONAL_ANCHORS = frozenset({"中国", "中华"})
_PHASE = re.compile(r"[一二三四五六七八九]期")
_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,3}[0-9]{1,4}$")  # G60, G42: a corridor or road code
_NUM_MEASURE = re.compile(r"[一二三四五六七八九十百千万两几多数余][个大家座类批项条处所]$")
# A head followed, within one run of Chinese characters, by a company suffix is part of an org name.
_ORG_TAIL = re.compile(r"[^\W\d_的和与及在是为、]{0,10}?(?:有限公司|有限责任公司|股份公司|集团)")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class _Head:
    text: str
    cls: str  # strong | weak | base | self | zone
    norm: str
    lang: str


@dataclass(frozen=True)
class _Lexicon:
    heads_zh: dict[str, _Head]
    heads_en: dict[str, _Head]
    head_re_zh: re.Pattern[str]
    head_re_en: re.Pattern[str]  # a head ending at the end of the searched string
    anchor_re_en: re.Pattern[str]  # the last word of any English head: a cheap first pass
    industry_heads: frozenset[str]  # zh heads that carry an industry word (医药高新区, 生物城)
    zones: frozenset[str]  # nested zone tokens (all zh heads of class strong/zone)
    mods_zh: dict[str, str]  # token → industry | generic | level | anchor
    stops_zh: frozenset[str]
    mods_en: frozenset[str]
    stops_en: frozenset[str]
    regions: dict[str, str]  # printed region form → short form
    max_tok: int  # longest zh token, for the leftward longest-match


def _lines(name: str) -> Iterable[list[str]]:
    path = DATA / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuntimeError(f"parks: cannot read data file {path}: {exc}") from exc
    for raw in text.splitlines():
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield [c.strip() for c in line.split("\t")]


@functools.cache
def _region_prefixes() -> dict[str, str]:
    """Region names (full and short) that may open a park name, mapped to the short form.

    A stand-in over cpca's admin-division table until ``chainatlas.extract.gazetteer`` exists;
    everything else in this module only calls this function.
    """
    suffixes: list[str] = []
    block: set[str] = set()
    extra: list[str] = []
    for row in _lines("park_region_affixes.tsv"):
        if len(row) < 2:
            raise ValueError(f"parks: bad row in park_region_affixes.tsv: {row!r}")
        if row[0] == "suffix":
            suffixes.append(row[1])
        elif row[0] == "block":
            block.add(row[1])
        elif row[0] == "extra":
            extra.append(row[1])
        else:
            raise ValueError(f"parks: unknown kind {row[0]!r} in park_region_affixes.tsv")
    suffixes.sort(key=len, reverse=True)
    res = resources.files(_CPCA_RESOURCES)
    with (res / "56_nations.csv").open(encoding="utf-8") as fh:
        nations = sorted({ln.strip() for ln in fh if ln.strip()}, key=len, reverse=True)
    nation_bare = sorted({n[:-1] for n in nations if n.endswith("族") and len(n) > 2}, key=len, reverse=True)
    out: dict[str, str] = {}
    with (res / "adcodes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = (row.get("name") or "").strip()
            if not name or "辖" in name:
                continue
            short = name
            for suf in suffixes:
                if short.endswith(suf) and len(short) > len(suf):
                    short = short[: -len(suf)]
                    break
            if "自治" in name:
                changed = True
                while changed:
                    changed = False
                    for n in (*nations, *nation_bare):
                        if short.endswith(n) and len(short) - len(n) >= 2:
                            short = short[: -len(n)]
                            changed = True
                            break
            if len(name) >= 2 and name not in block:
                out.setdefault(name, short if len(short) >= 2 else name)
            if len(short) >= 2 and short not in block:
                out.setdefault(short, short)
    for name in extra:
        out.setdefault(name, name)
    return out


@functools.cache
def _lexicon() -> _Lexicon:
    heads_zh: dict[str, _Head] = {}
    heads_en: dict[str, _Head] = {}
    for row in _lines("park_heads.tsv"):
        if (
            len(row) != 4
            or row[0] not in ("zh", "en")
            or row[2] not in ("strong", "weak", "base", "self", "zone", "place")
        ):
            raise ValueError(f"parks: bad row in park_heads.tsv: {row!r}")
        head = _Head(text=row[1], cls=row[2], norm=row[3], lang=row[0])
        (heads_zh if head.lang == "zh" else heads_en)[head.text] = head
    mods_zh: dict[str, str] = {}
    for row in _lines("park_modifiers_zh.tsv"):
        if len(row) != 2 or row[1] not in ("industry", "generic", "level", "anchor"):
            raise ValueError(f"parks: bad row in park_modifiers_zh.tsv: {row!r}")
        mods_zh[row[0]] = row[1]
    stops_zh = frozenset(r[0] for r in _lines("park_stops_zh.txt"))
    mods_en = frozenset(r[0] for r in _lines("park_modifiers_en.txt"))
    stops_en = frozenset(r[0] for r in _lines("park_stops_en.txt"))

    zh_found = [h for h in heads_zh.values() if h.cls != "zone"]
    head_re_zh = re.compile("|".join(re.escape(h.text) for h in sorted(zh_found, key=lambda h: -len(h.text))))
    en_alts = []
    for h in sorted(heads_en.values(), key=lambda h: -len(h.text)):
        alt = re.escape(h.text).replace(r"\ ", r"\s+")
        en_alts.append(alt)
    head_re_en = re.compile(r"(?:" + "|".join(en_alts) + r")\Z", re.IGNORECASE)
    # Case-sensitive on purpose (four times faster): a head's last word is capitalised (Bio-Town, Biolake).
    last = {h.split()[-1] for h in heads_en}
    last |= {
        v
        for w in last
        for v in ("-".join(p[:1].upper() + p[1:] for p in w.split("-")), w.capitalize(), w.upper())
    }
    anchor_re_en = re.compile(
        r"(?<![A-Za-z0-9\-])(?:"
        + "|".join(re.escape(w) for w in sorted(last, key=len, reverse=True))
        + r")(?![A-Za-z0-9\-])"
    )
    industry_heads = frozenset(
        h
        for h in heads_zh
        if any(h.startswith(m) and len(h) > len(m) for m, k in mods_zh.items() if k == "industry")
    )
    zones = frozenset(h.text for h in heads_zh.values() if h.cls in ("strong", "zone"))
    regions = _region_prefixes()
    max_tok = max(len(t) for t in (*mods_zh, *stops_zh, *zones, *regions))
    return _Lexicon(
        heads_zh=heads_zh,
        heads_en=heads_en,
        head_re_zh=head_re_zh,
        head_re_en=head_re_en,
        anchor_re_en=anchor_re_en,
        industry_heads=industry_heads,
        zones=zones,
        mods_zh=mods_zh,
        stops_zh=stops_zh,
        mods_en=mods_en,
        stops_en=stops_en,
        regions=regions,
        max_tok=max_tok,
    )


# --------------------------------------------------------------------------- candidates


@dataclass
class _Cand:
    """One head occurrence read into a phrase, with what the reading found."""

    start: int
    end: int
    text: str
    head: str
    head_norm: str
    cls: str
    lang: str
    region: str | None = None  # printed region prefix (泰州, 江苏省泰州市)
    region_short: str | None = None
    core: str = ""  # name without region/level words, head normalised: the linking key
    modifiers: int = 0  # tokens read left of the head
    specific: bool = False  # names one park by itself
    alias_start: int | None = None  # English "X in Y": where X's span ends (X is an alias)
    alias_end: int | None = None
    extended: bool = False
    located_in: str | None = None
    parts: list[tuple[str, str]] = field(default_factory=list)  # (kind, token) read, left→right


_ENDING_INDEX: dict[int, tuple[object, frozenset[str], tuple[int, ...]]] = {}


def _ending_index(vocab: dict[str, str] | frozenset[str]) -> tuple[object, frozenset[str], tuple[int, ...]]:
    """Final characters and word lengths ≥ 2 (longest first) of a vocabulary, computed once."""
    hit = _ENDING_INDEX.get(id(vocab))
    if hit is None or hit[0] is not vocab:
        finals = frozenset(w[-1] for w in vocab if w)
        lengths = tuple(sorted({len(w) for w in vocab if len(w) >= 2}, reverse=True))
        hit = (vocab, finals, lengths)
        _ENDING_INDEX[id(vocab)] = hit
    return hit


def _longest_ending_scan(text: str, pos: int, vocab: dict[str, str] | frozenset[str], max_len: int) -> str | None:
    lo = max(0, pos - max_len)
    for i in range(lo, pos - 1):  # longest first; single characters only from stop lists
        s = text[i:pos]
        if s in vocab:
            return s
    s = text[pos - 1 : pos] if pos else ""
    return s if s and s in vocab else None


def _longest_ending(text: str, pos: int, vocab: dict[str, str] | frozenset[str], max_len: int) -> str | None:
    if pos <= 0 or pos > len(text):
        return _longest_ending_scan(text, pos, vocab, max_len)  # out-of-range positions: slice semantics
    hit = _ENDING_INDEX.get(id(vocab))
    if hit is None or hit[0] is not vocab:
        hit = _ending_index(vocab)
    if text[pos - 1] not in hit[1]:  # every word ending here ends with this character
        return None
    room = pos if pos < max_len else max_len
    for k in hit[2]:  # longest first; single characters only from stop lists
        if k <= room:
            s = text[pos - k : pos]
            if s in vocab:
                return s
    s = text[pos - 1]
    return s if s in vocab else None


_VERB_POS = frozenset({"v", "vn", "a", "ad", "d", "p", "c"})


@functools.cache
def _verbs() -> frozenset[str]:
    """Common two-character verbs, adjectives and adverbs of the general dictionary (拉长, 促进)."""
    return frozenset(w for w, pos in _common_words()[0].items() if len(w) == 2 and pos in _VERB_POS)


def _has_verb(chunk: str) -> bool:
    verbs = _verbs()
    return any(chunk[i : i + 2] in verbs for i in range(len(chunk) - 1))


_COMPANY_CLASS = re.compile(r"等[^，。；、,;\n]{0,8}?(?:企业|公司|药企|厂商|厂家)")


def _in_company_list(text: str, start: int, end: int) -> bool:
    """The name at ``start:end`` is a member of "A、B、C等…企业": it is one of the companies."""
    pos = end
    if text[pos : pos + 1] != "、" and not (start > 0 and text[start - 1] == "、"):
        return False
    for _ in range(12):
        if text[pos : pos + 1] != "、":
            break
        j = pos + 1
        while j < len(text) and j - pos <= 16 and text[j] not in "、，。；,;：:\n" and text[j] != "等":
            j += 1
        pos = j
    m = _COMPANY_CLASS.match(text, pos)
    return bool(m) and not text.startswith(("集聚", "聚集", "园", "基地", "区"), m.end())


def _item_start(text: str, pos: int) -> int:
    """Start of the list item that holds ``pos`` (after the last 、 or punctuation, 12 characters at most)."""
    j = pos
    while j > 0 and pos - j < 12 and _is_cjk(text[j - 1]):
        j -= 1
    return j


_LATIN_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2,5}$")  # 迈克生物|IVD|天府产业园


def _company_before(text: str, pos: int) -> str | None:
    """A company name printed right before a park name (修正药业临沂产业园, 迈克生物IVD天府产业园)."""
    olex = org_lexicon()
    end = pos
    code = _LATIN_CODE.search(text, max(0, pos - 6), pos)
    if code:
        end = code.start()
    if end < 2 or not _is_cjk(text[end - 1]):
        return None
    for k in range(min(olex.max_token, end), 1, -1):
        w = text[end - k : end]
        if w in olex.known and olex.known[w][0] == "enterprise":
            return text[end - k : pos]
        h = olex.heads.get(w)
        if h is not None and h.kind == "enterprise" and (h.short or h.cls == "legal"):
            n = read_name(text, end, h, olex)
            if n is None or n.legal.endswith("公司"):
                continue
            # 国药集团|中国生物: a subsidiary printed after its known parent
            parent = any(n.text[:j] in olex.known for j in range(3, len(n.text) - 1))
            if accept(n, olex) or parent:
                return text[n.start : pos]
    return None


def _is_cjk(ch: str) -> bool:
    c = ch[:1]  # what _CJK.match(ch) looks at, without the regex call
    return "\u3400" <= c <= "\u9fff"


def _region_ending(text: str, pos: int, lex: _Lexicon) -> str | None:
    """A region name ending at ``pos``; a short form plus an admin suffix counts (章丘区, an old 章丘市)."""
    full = _longest_ending(text, pos, lex.regions, lex.max_tok)
    if pos > 2 and text[pos - 1] in _ADMIN_SUFFIXES:
        short = _longest_ending(text, pos - 1, lex.regions, lex.max_tok)
        if short and (full is None or len(short) + 1 > len(full)):
            return short + text[pos - 1]
    return full


def _stop_ending(text: str, pos: int, lex: _Lexicon) -> bool:
    """A stop word, or a numeral with a measure word (十大, 三个, 两批), ends at ``pos``."""
    return bool(
        _longest_ending(text, pos, lex.stops_zh, lex.max_tok)
        or _NUM_MEASURE.search(text, max(0, pos - 3), pos)
    )


def _boundary_at(text: str, j: int, lex: _Lexicon) -> str | None:
    """What lets a name start at ``j``: "edge" (text start, punctuation), "stop" (a stop word of two
    or more characters, a numeral), "stop1" (a one-character stop word), "region" or "zone"; else None."""
    if j <= 0 or not _is_cjk(text[j - 1]):
        return "edge"
    stop = _longest_ending(text, j, lex.stops_zh, lex.max_tok)
    if (stop and len(stop) > 1) or _NUM_MEASURE.search(text, max(0, j - 3), j):
        return "stop"
    if _region_ending(text, j, lex):
        return "region"
    if _longest_ending(text, j, lex.zones, lex.max_tok):
        return "zone"
    return "stop1" if stop else None


def _paren_region(text: str, pos: int, lex: _Lexicon) -> str | None:
    """A parenthesised region just left of ``pos``: 中国(上海)自由贸易试验区."""
    if pos < 4 or text[pos - 1] not in ")）":
        return None
    open_at = max(text.rfind("(", max(0, pos - 12), pos), text.rfind("（", max(0, pos - 12), pos))
    if open_at < 0:
        return None
    inner = text[open_at + 1 : pos - 1]
    return text[open_at:pos] if inner in lex.regions or inner in _MACRO_REGIONS else None


def _read_zh(text: str, hm: re.Match[str], lex: _Lexicon) -> _Cand | None:
    head = lex.heads_zh[hm.group()]
    hs, he = hm.span()
    nxt = text[he : he + 2]
    if head.text.endswith(("城", "都")) and nxt[:1] and nxt[0] in _CITY_BAD_NEXT:
        return None
    if head.cls == "base" and nxt.startswith(_BASE_BAD_NEXT):
        return None
    if _ORG_TAIL.match(text, he):
        return None  # 苏州工业园区生物产业发展有限公司 is a company, not a mention of the park
    if _in_company_list(text, _item_start(text, hs), he):
        return None  # 领创医谷、国信医药等头部企业: a member of a list of companies
    parts: list[tuple[str, str]] = []
    pos = hs
    anchored = False  # a region, anchor or proper chunk read since the last zone
    while pos > 0 and hs - pos < MAX_NAME_ZH:
        paren = _paren_region(text, pos, lex)
        if paren:
            parts.append(("region", paren))
            pos -= len(paren)
            anchored = True
            continue
        code = _CODE.search(text, max(0, pos - 6), pos)
        if code and code.start() > 0 and _region_ending(text, code.start(), lex):
            parts.append(("proper", code.group()))  # 长三角|G60|科创走廊: a corridor's code after its region
            pos = code.start()
            continue
        tok = _region_ending(text, pos, lex)
        mod = _longest_ending(text, pos, lex.mods_zh, lex.max_tok)
        zone = _longest_ending(text, pos, lex.zones, lex.max_tok)
        # The longest reading wins (生物医药 over a region 医药; 医药城 zone over 药城 …).
        best = max((t for t in (tok, mod, zone) if t), key=len, default=None)
        if best and best == tok and (not mod or len(tok) >= len(mod)) and (not zone or len(tok) >= len(zone)):
            pos -= len(tok)
            if pos and text[pos - 1] in _DIRECTIONS and _boundary_at(text, pos - 1, lex):
                pos -= 1  # 北上海生物医药产业园区
                tok = text[pos] + tok
            parts.append(("region", tok))
            anchored = True
            continue
        if best and best == zone and (not mod or len(zone) >= len(mod)):
            if any(k == "region" for k, _ in parts) and text[pos - len(zone) - 1 : pos - len(zone)] != "(":
                break  # 广州开发区|中新广州知识城: a park named with its own place is not nested in the zone
            parts.append(("zone", zone))
            pos -= len(zone)
            anchored = False
            continue
        if best and best == mod:
            kind = lex.mods_zh[mod]
            if anchored and kind not in ("level", "anchor"):
                break
            parts.append((kind, mod))
            pos -= len(mod)
            anchored = anchored or kind == "anchor"
            continue
        if text[pos - 1] in "及与和" and not anchored and (not parts or parts[-1][0] == "industry"):
            left = _longest_ending(text, pos - 1, lex.mods_zh, lex.max_tok)
            if left and lex.mods_zh[left] == "industry":
                parts.append(("conj", text[pos - 1]))  # 中试|及|产业化基地: two activities of one base
                pos -= 1
                continue
        if not _is_cjk(text[pos - 1]) or _stop_ending(text, pos, lex) or anchored:
            break
        # An unknown proper-name chunk: the shortest run that ends at a boundary on its left.
        # One character is a chunk only between a region and the rest (玉林|中|医药健康产业园);
        # after a longer stop word it belongs to the sentence (位于|市|经济开发区).
        chunk_start = None
        for j in range(pos - 1, max(-1, pos - MAX_CHUNK_ZH - 1), -1):
            if not _is_cjk(text[j]):
                break
            kind = _boundary_at(text, j, lex)
            if j == pos - 1 and kind in ("edge", "stop"):
                break
            if kind and (j < pos - 1 or kind in ("region", "zone")):
                chunk_start = j
                break
        if chunk_start is None or (chunk_start and text[chunk_start - 1].isdigit() and not _CODE.search(
                text, max(0, chunk_start - 6), chunk_start)):
            break  # no boundary in reach, or a number's tail (2000亿元级产业园)
        if _has_verb(text[chunk_start:pos]):
            break  # 拉长|开发区, 极大助推|经开区: the sentence's verb, not a name
        parts.append(("proper", text[chunk_start:pos]))
        pos = chunk_start
        anchored = True
    if pos > 1 and text[pos - 1] in "·•" and text[he : he + 1] in "”\"":
        q = max(text.rfind("“", max(0, pos - 12), pos), text.rfind('"', max(0, pos - 12), pos))
        if q >= 0 and all(_is_cjk(ch) for ch in text[q + 1 : pos - 1]) and pos - 1 - (q + 1) >= 2:
            parts.append(("proper", text[q + 1 : pos]))  # “陇粤大湾区·中医药创新发展示范区”: a quoted title
            pos = q + 1
    company = _company_before(text, pos) if head.cls in ("strong", "weak") else None
    if company:
        parts.append(("company", company))  # 修正药业|临沂产业园: a company's own park
        pos -= len(company)
    parts.reverse()
    cand = _Cand(
        start=pos,
        end=he,
        text=text[pos:he],
        head=head.text,
        head_norm=head.norm,
        cls=head.cls,
        lang="zh",
        parts=parts,
        modifiers=len(parts),
    )
    kinds = [k for k, _ in parts]
    if "region" in kinds:  # the first run of region words: 江苏省泰州市, (上海)
        first = kinds.index("region")
        n = next((i for i, k in enumerate(kinds[first:]) if k != "region"), len(kinds) - first)
        run = [t.strip("()（）") for _, t in parts[first : first + n]]
        cand.region = "".join(run)
        last = run[-1].lstrip(_DIRECTIONS)
        cand.region_short = lex.regions.get(last) or lex.regions.get(last[:-1], last)
    lead = 0  # region and rank words on the left edge are left out of the linking key
    for k, _ in parts:
        if k in ("region", "level"):
            lead += 1
            continue
        break
    cand.core = "".join(t for _, t in parts[lead:]) + head.norm
    has_region = "region" in kinds
    has_anchor = "anchor" in kinds
    has_proper = "proper" in kinds
    has_industry = "industry" in kinds
    has_zone = "zone" in kinds
    has_proper = has_proper or "company" in kinds
    # 中国 makes 中国医药城 a name but 中国产业园区 stays generic: an anchor needs an industry word.
    # The country alone with an industry word and a plain head is the class of such parks
    # (中国生物医药产业园区竞争力, 中国生物医药特色园区); a bilateral anchor names one (中德…产业园).
    national_only = all(t in _NATIONAL_ANCHORS for k, t in parts if k == "anchor")
    has_anchor = has_anchor and (
        head.text in lex.industry_heads or has_industry and not (national_only and _plain_head(head.text, lex))
    )
    if head.cls == "strong":
        cand.specific = has_region or has_anchor or has_proper or has_zone
    elif head.cls == "weak":
        cand.specific = has_region or has_anchor or (has_proper and (has_industry or has_zone))
    elif head.cls == "base":
        cand.specific = has_region or has_anchor
    if not cand.specific and has_industry and head.cls in ("strong", "weak") and _PHASE.match(text, he):
        cand.specific = True  # 生物医药产业园一期、二期: a park built in phases is one park
    return cand


@functools.cache
def _plain_heads() -> frozenset[str]:
    return frozenset(r[0] for r in _lines("park_plain_heads.txt") if r and r[0])


def _plain_head(head: str, lex: _Lexicon) -> bool:
    """产业园, 园区, 产业基地 (``park_plain_heads.txt``): after the country alone, a class of parks."""
    return head in _plain_heads() and head not in lex.industry_heads


def _read_en(text: str, hs: int, he: int, lex: _Lexicon) -> _Cand | None:
    matched = re.sub(r"\s+", " ", text[hs:he])
    if not matched[0].isupper():
        return None
    head = lex.heads_en.get(matched) or next(
        (h for k, h in lex.heads_en.items() if k.lower() == matched.lower()), None
    )
    if head is None:
        return None
    words = [w for w in matched.split() if w.lower() not in ("and", "of")]
    if not all(w[0].isupper() for w in words):
        return None
    # Read capitalised words leftwards; "&"/"and" joins two industry words (Biotech & Pharmaceutical).
    pos = hs
    toks: list[str] = []
    pending: tuple[str, int] | None = None  # a connector waiting for a word on its left
    while len(toks) < MAX_TOKENS_EN:
        m = re.search(r"[ \t]+$", text[max(0, pos - 3) : pos])
        if not m:
            break
        sp = pos - len(m.group())
        tm = _EN_TOKEN.search(text[max(0, sp - 40) : sp]) or _EN_PAREN_PLACE.search(text[max(0, sp - 40) : sp])
        if not tm:
            break
        tok = tm.group()
        if tok[0] == "(" and not _en_region(tok[1:-1]):
            break  # "Tianhe (Xingning) Industrial Transfer Park": only a place stands in brackets
        ts = sp - len(tok)
        if ts > 0 and not (text[ts - 1].isspace() or text[ts - 1] in "(“‘\"'"):
            break
        if tok in ("&", "and"):
            right = toks[-1] if toks else matched.split()[0]
            if pending or right not in lex.mods_en:
                break
            pending = (tok, pos)
            pos = ts
            continue
        if tok[0] != "(" and (
            tok in lex.stops_en
            or tok.endswith(("'s", "’s", "'", "’"))
            or not tok[0].isupper()
            and not tok[0].isdigit()
        ):
            break
        if pending:
            toks.append(pending[0])
            pending = None
        toks.append(tok)
        pos = ts
    if pending:
        pos = pending[1]
    toks.reverse()
    cand = _Cand(
        start=pos,
        end=he,
        text=text[pos:he],
        head=matched,
        head_norm=head.norm,
        cls=head.cls,
        lang="en",
        modifiers=len(toks),
    )
    proper = [t for t in toks if t not in lex.mods_en and t not in ("&", "and") and not t.isdigit()]
    cand.core = " ".join([*toks, head.norm]).lower()
    loc_end = _en_location_tail(text, he, lex)
    if loc_end is not None:
        cand.alias_start, cand.alias_end = cand.start, cand.end
        cand.end = loc_end[1]
        cand.text = text[cand.start : cand.end]
        cand.extended = True
        cand.located_in = text[loc_end[0] : loc_end[1]]
        cand.core = cand.text.lower()
    if head.cls == "self":
        cand.specific = True
    elif head.cls == "place":  # "Zhongguancun Miyun Park": a bare Park names a park in a Chinese place
        cand.specific = any(_en_region(t) for t in proper) or cand.extended
    elif head.cls == "base":
        cand.specific = bool(proper)
    else:
        cand.specific = bool(proper) or cand.extended
    return cand


def _en_region(word: str) -> bool:
    """A Chinese place name in pinyin (Miyun, Haidian) whose English form is not a common word."""
    recs = gazetteer().en_forms().get(en_key(word), [])
    return any("e" not in r.flags for r in recs)


def _en_location_tail(text: str, at: int, lex: _Lexicon) -> tuple[int, int] | None:
    """Span of Y in "X Park in Y District|County|Zone…" right after ``at``, else None."""
    m = _EN_IN.match(text, at)
    if not m:
        return None
    best = None
    prev_end = m.end()
    for n, tm in enumerate(_EN_CAP_WORD.finditer(text, m.end())):
        if n == 0 and tm.start() != m.end():
            return None
        if n >= MAX_TOKENS_EN or (n and text[prev_end : tm.start()] != " "):
            break
        word = tm.group()
        if n == 0 and word in lex.stops_en:
            return None
        if word in _EN_LOCATION_WORDS and n:
            best = (m.end(), tm.end())
        prev_end = tm.end()
    return best


_SIBLING_JOIN = frozenset("、与和及")


def _list_siblings(text: str, cands: list[_Cand]) -> None:
    """松山湖生物技术产业基地、东部智能制造产业基地与东莞新材料产业基地: a member of a list of named
    parks of the same kind, with an industry word of its own, names one as well."""
    named = [c for c in cands if c.lang == "zh" and c.specific]
    by_end = {(c.end, c.cls) for c in named}
    by_start = {(c.start, c.cls) for c in named}
    for c in cands:
        if c.lang != "zh" or c.specific or not any(k == "industry" for k, _ in c.parts):
            continue
        left = c.start > 0 and text[c.start - 1] in _SIBLING_JOIN and (c.start - 1, c.cls) in by_end
        right = text[c.end : c.end + 1] in _SIBLING_JOIN and (c.end + 1, c.cls) in by_start
        if left or right:
            c.specific = True


def _candidates(text: str, lex: _Lexicon) -> list[_Cand]:
    out: list[_Cand] = []
    if _CJK.search(text):
        matches = list(lex.head_re_zh.finditer(text))
        for i, hm in enumerate(matches):
            if i + 1 < len(matches) and matches[i + 1].start() == hm.end() and not hm.group().endswith("区"):
                continue  # 药谷工业园: the first head modifies the second (a zone, 高新区药谷, does not)
            c = _read_zh(text, hm, lex)
            if c is not None:
                out.append(c)
    if re.search(r"[A-Z]", text):
        for am in lex.anchor_re_en.finditer(text):
            lo = max(0, am.end() - _EN_HEAD_WINDOW)
            hm = lex.head_re_en.search(text[lo : am.end()])
            if hm is None:
                continue
            hs = lo + hm.start()
            if hs and (text[hs - 1].isascii() and (text[hs - 1].isalnum() or text[hs - 1] == "-")):
                continue
            c = _read_en(text, hs, am.end(), lex)
            if c is not None:
                out.append(c)
    return out


# --------------------------------------------------------------------------- grouping


@dataclass
class _Group:
    cands: list[_Cand] = field(default_factory=list)
    keys: set[tuple[str | None, str]] = field(default_factory=set)
    cores: set[str] = field(default_factory=set)
    forms: dict[str, int] = field(default_factory=dict)  # printed form → first offset
    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, c: _Cand) -> None:
        self.cands.append(c)
        self.keys.add((c.region_short, c.core))
        self.cores.add(c.core)
        self.forms.setdefault(c.text, c.start)
        if (c.start, c.end) not in self.spans:
            self.spans.append((c.start, c.end))


def _is_bare(c: _Cand, lex: _Lexicon) -> bool:
    """A head alone (园区, 高新区) refers to nothing; 医药高新区 carries its own industry word."""
    return not c.modifiers and c.head not in lex.industry_heads


def _rank_only(c: _Cand) -> bool:
    """国家级高新区, 省级园区: a rank and a head name a class of parks, never one of them."""
    return c.lang == "zh" and bool(c.parts) and all(k in ("level", "anchor") for k, _ in c.parts)


def _group(cands: list[_Cand], lex: _Lexicon) -> list[_Group]:
    groups: list[_Group] = []
    specific = sorted((c for c in cands if c.specific), key=lambda c: (-len(c.text), c.start))
    for c in specific:
        target = next((g for g in groups if (c.region_short, c.core) in g.keys), None)
        if target is None and c.region_short is None and not c.extended:
            # An unprefixed form of a longer specific name: 北方…示范区 ⊂ 天衢新区北方…示范区,
            # 东湖高新区 ~ 武汉东湖高新区.
            hits = [g for g in groups if any(k.endswith(c.core) for k in g.cores)]
            if len(hits) == 1 and not any(x.extended for x in hits[0].cands if x.core.endswith(c.core)):
                target = hits[0]
        if target is None:
            target = _Group()
            groups.append(target)
        target.add(c)
    # English "X in Y": X is an alias of the full name.
    for g in groups:
        for c in list(g.cands):
            if c.extended and c.alias_end is not None and c.modifiers:
                short = _Cand(**{**c.__dict__, "end": c.alias_end, "text": c.text[: c.alias_end - c.start]})
                short.core = short.text.lower()
                short.extended = False
                g.cores.add(short.core)
                g.forms.setdefault(short.text, c.start)
    # Generic phrases become aliases when exactly one named park ends with them.
    for c in cands:
        if c.specific or _is_bare(c, lex) or _rank_only(c):
            continue
        if c.lang == "en":
            hits = [g for g in groups if c.core in g.cores or c.text in g.forms]
        else:
            hits = [g for g in groups if any(k.endswith(c.core) for k in g.cores)]
        if len(hits) == 1:
            hits[0].add(c)
    return groups


def _entity(doc: Document, g: _Group) -> Entity:
    forms = sorted(g.forms, key=lambda f: (-len(f), g.forms[f]))
    name = forms[0]
    best = next(c for c in g.cands if c.text == name) if any(c.text == name for c in g.cands) else g.cands[0]
    spans = sorted(set(g.spans))
    # Mentions of different forms may nest (X in Y contains X); keep the outermost per place.
    kept: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda se: (se[0], -(se[1] - se[0]))):
        if kept and s < kept[-1][1]:
            continue
        kept.append((s, e))
    attrs: dict[str, object] = {"head": best.head, "region_prefix": best.region}
    located = next((c.located_in for c in g.cands if c.located_in), None)
    if located:
        attrs["located_in"] = located
    return Entity(
        type="park",
        name=name,
        aliases=[f for f in forms[1:] if f != name],
        mentions=[doc.span(s, e) for s, e in kept],
        attrs=attrs,
    )


def find_parks(text: str) -> list[tuple[str, list[str], list[tuple[int, int]], dict[str, object]]]:
    """Parks in ``text`` as (name, aliases, spans, attrs); the plain-text core of the component."""
    doc = Document(source="", text=text)
    extract_parks(doc)
    return [(e.name, e.aliases, [(m.start, m.end) for m in e.mentions], e.attrs) for e in doc.entities]


@registry.component("parks")
def extract_parks(doc: Document) -> Document:
    """Add one ``park`` entity per park named in ``doc.text`` (mentions of every printed form)."""
    if not isinstance(doc.text, str):
        raise TypeError(f"parks: Document.text of {doc.source!r} must be str, not {type(doc.text).__name__}")
    if not doc.text:
        return doc
    lex = _lexicon()
    cands = _candidates(doc.text, lex)
    _list_siblings(doc.text, cands)
    groups = _group(cands, lex)
    ents = [_entity(doc, g) for g in groups if g.spans]
    ents.sort(key=lambda e: e.mentions[0].start if e.mentions else 0)
    doc.entities.extend(ents)
    return doc


__all__ = ["extract_parks", "find_parks"]
