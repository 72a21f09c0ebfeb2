"""Chinese organisation-name grammar: lexicons, left boundaries and name parts.

A Chinese organisation name is read right to left from its head word (有限公司, 药业,
研究院, 卫健委 … in ``data/org_heads.tsv``)::

    [modifier/region prefix]* + core + [industry word]* + [legal suffix | head]

Industry words next to the head form the *chain* (生物科技 in 中慧元通生物科技股份有限公司);
the *core* is what remains after the chain and the leading region/modifier tokens.
The left edge is where the reading meets punctuation, a stop word (落户, 龙头企业 …) or a
function character (的, 由, 在 …). Whether the read phrase is a name or a description
(医疗机构, 三甲医院, 复合型医疗中心) is decided on the core: it must hold a proper-name
chunk, i.e. characters the general dictionary does not know as a common word.

All word lists are data files under ``data/`` (``org_*.txt|tsv``); the common-word
dictionary is jieba's ``dict.txt`` (frequency and part of speech), read once.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

DATA = Path(__file__).parent / "data"

COMMON_MIN_FREQ = 80  # jieba frequency from which a dictionary word counts as common
PROPER_POS = frozenset({"nr", "ns", "nz", "nt", "nrt", "nrfg"})
PROPER_MAX_FREQ = 500  # proper-noun words rarer than this are name material (扬子江, 越洋)
FUNC_POS = frozenset({"v", "p", "c", "d", "r", "u", "m", "q", "t", "f", "ad", "vd"})
_NOUN_POS = frozenset({"n", "vn", "nz", "j", "l"})

MAX_PRE_ENTERPRISE = 14  # characters before the chain: region + core of a company name
MAX_PRE_INSTITUTION = 30  # institutions nest (中科院大化所中国医药城生物医药创新研究院)
MAX_SHORT_CORE = 4  # core of a name without legal suffix (奥鸿, 中慧元通)

PUNCT = frozenset(
    "，。、；：？！,.;:?!\"'“”‘’《》〈〉「」『』【】[]{}—–-_·•…~～/\\|@#$%^&*+=<>　 \t\r\n"
)
OPEN = "(（"
_CLOSE = ")）"
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&\-]*")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&\-]{1,11}")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Head:
    word: str
    cls: str  # legal | industry | inst | gov | media
    kind: str  # enterprise | institution | government | media
    short: bool  # industry word that may end a name without legal suffix
    weak: bool  # head that generic phrases also end in (中心, 所)
    assoc: bool = False  # association head (协会, 学会): 企业/行业 may sit inside the name
    local: bool = False  # may follow a bare 市/省/县/区: 市人民医院 is the city's own hospital
    national: bool = False  # the country alone before it names one body: 中国药科大学


@dataclass(frozen=True)
class Lexicon:
    heads: dict[str, Head]
    head_automaton: ahocorasick.Automaton
    known: dict[str, tuple[str, str]]  # printed name → (kind, canonical or "")
    known_automaton: ahocorasick.Automaton
    stopwords: frozenset[str]
    descriptors: frozenset[str]
    stopchars: frozenset[str]
    generic: frozenset[str]
    regions: dict[str, str]  # token → strong | weak | extra
    right_blocks: dict[str, frozenset[str]]  # head word or class → following strings
    list_classes: dict[str, str]
    product_words: frozenset[str]
    disciplines: frozenset[str]
    common: dict[str, str]  # common dictionary word → part of speech
    proper_words: frozenset[str]  # rare proper-noun dictionary words (扬子江, 复旦)
    glued_proper: frozenset[str]  # proper nouns holding a function character (协和, 华为, 信达)
    max_token: int
    industry: frozenset[str] = field(default_factory=frozenset)


def data_lines(name: str) -> list[list[str]]:
    """Rows of a data file: tab-separated, ``#`` comments and blank lines skipped."""
    path = DATA / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuntimeError(f"organizations: cannot read data file {path}: {exc}") from exc
    rows = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        rows.append([c.strip() for c in raw.split("\t")])
    return rows


def _words(name: str) -> frozenset[str]:
    return frozenset(r[0] for r in data_lines(name) if r and r[0])


@functools.cache
def _region_prefixes() -> dict[str, str]:
    """Region tokens that may open an organisation name: printed form → strength.

    strong: full admin names at every level (德州市, 齐河县) and short forms of provinces and
    prefecture cities (山东, 德州); weak: short forms of counties (齐河), which are also common
    company cores (新华); extra: the country, macro-regions and foreign countries
    (``org_regions_extra.txt``). Read from cpca's adcodes table until the shared gazetteer
    offers ``Gazetteer().region_prefixes()``.
    """
    try:
        table = _gazetteer_region_prefixes()
    except (ImportError, AttributeError, ValueError, OSError, RuntimeError):
        table = _cpca_region_prefixes()
    for w in _words("org_regions_extra.txt"):
        table.setdefault(w, "extra")
    return table


@functools.cache
def _places() -> frozenset[str]:
    return _words("org_places.txt")


_ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "县", "区", "旗", "盟")
_ETHNIC = re.compile(
    r"(壮族|回族|维吾尔|蒙古族|藏族|朝鲜族|土家族|苗族|彝族|布依族|侗族|瑶族|白族|哈尼族|傣族|黎族|傈僳族|佤族|畲族|"
    r"拉祜族|水族|东乡族|纳西族|景颇族|柯尔克孜族|土族|达斡尔族|仫佬族|羌族|布朗族|撒拉族|毛南族|仡佬族|锡伯族|"
    r"阿昌族|普米族|塔吉克族|怒族|乌孜别克族|俄罗斯族|鄂温克族|德昂族|保安族|裕固族|京族|塔塔尔族|独龙族|"
    r"鄂伦春族|赫哲族|门巴族|珞巴族|基诺族|各族)+$"
)


def _gazetteer_region_prefixes() -> dict[str, str]:
    """Region forms from the shared gazetteer (flags c/g mark common-word short and generic full names)."""
    from chainatlas.extract.gazetteer import gazetteer

    table: dict[str, str] = {}
    for r in gazetteer().records:
        if "g" not in r.flags:
            for f in (r.name, *r.aliases):
                if len(f) >= 2:
                    table[f] = "strong"
        if r.short and len(r.short) >= 2 and "c" not in r.flags and table.get(r.short) != "strong":
            table[r.short] = "weak" if r.level in ("county", "zone") else "strong"
    if not table:
        raise RuntimeError("gazetteer holds no regions")
    return table


def _cpca_region_prefixes() -> dict[str, str]:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.origin:
        raise RuntimeError("organizations: package cpca not found (needed for region prefixes)")
    path = Path(spec.origin).parent / "resources" / "adcodes.csv"
    table: dict[str, str] = {}
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise RuntimeError(f"organizations: cannot read {path}: {exc}") from exc
    with fh:
        for row in csv.DictReader(fh):
            code, name = row.get("adcode", ""), row.get("name", "")
            if len(code) < 6 or not name or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            level = "province" if code[2:6] == "0000" else "city" if code[4:6] == "00" else "county"
            table[name] = "strong"
            short = short_region(name)
            if short and short != name and len(short) >= 2:
                strength = "weak" if level == "county" else "strong"
                if table.get(short) != "strong":
                    table[short] = strength
    return table


def short_region(name: str) -> str:
    for suf in _ADMIN_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 1:
            base = name[: -len(suf)]
            return _ETHNIC.sub("", base) or base
    return name


@functools.cache
def _common_words() -> tuple[dict[str, str], frozenset[str]]:
    """Common words (frequency ≥ COMMON_MIN_FREQ) and rare proper nouns from jieba's dictionary."""
    spec = importlib.util.find_spec("jieba")
    common: dict[str, str] = {}
    proper: set[str] = set()
    if spec is None or not spec.origin:
        return common, frozenset()
    path = Path(spec.origin).parent / "dict.txt"
    try:
        fh = path.open(encoding="utf-8")
    except OSError:
        return common, frozenset()
    with fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 3 or not 2 <= len(parts[0]) <= 4:
                continue
            word, freq, pos = parts[0], int(parts[1]), parts[2]
            if pos in PROPER_POS and freq < PROPER_MAX_FREQ:
                proper.add(word)
            elif freq >= COMMON_MIN_FREQ:
                common[word] = pos
    return common, frozenset(proper)


def _automaton(words: list[str]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for w in words:
        auto.add_word(w, w)
    if words:
        auto.make_automaton()
    return auto


@functools.cache
def lexicon() -> Lexicon:
    """All organisation word lists, loaded once per process."""
    heads: dict[str, Head] = {}
    for row in data_lines("org_heads.tsv"):
        if len(row) < 3:
            raise RuntimeError(f"organizations: bad row in org_heads.tsv: {row!r}")
        flags = set((row[3] if len(row) > 3 else "").split())
        heads[row[0]] = Head(row[0], row[1], row[2], "short" in flags, "weak" in flags, "assoc" in flags,
                             "local" in flags, "national" in flags)
    known: dict[str, tuple[str, str]] = {}
    for row in data_lines("org_known.tsv"):
        if len(row) < 2 or row[1] not in ("enterprise", "institution", "government", "media"):
            raise RuntimeError(f"organizations: bad row in org_known.tsv: {row!r}")
        known[row[0]] = (row[1], row[2] if len(row) > 2 else "")
    blocks: dict[str, frozenset[str]] = {}
    for row in data_lines("org_right_blocks.tsv"):
        blocks[row[0]] = frozenset(row[1].split()) if len(row) > 1 else frozenset()
    classes = {r[0]: r[1] for r in data_lines("org_list_classes.tsv") if len(r) > 1}
    common, proper = _common_words()
    # county short forms that are everyday words (合作, 新建, 平安) would swallow verbs
    regions = {
        k: v for k, v in _region_prefixes().items() if v != "weak" or k not in common or common[k] == "ns"
    }
    for w in _places():
        regions.setdefault(w, "place")
    for w in _words("org_regions_skip.txt"):
        regions.pop(w, None)
    stopwords = _words("org_stopwords.txt")
    descriptors = _words("org_stop_descriptors.txt")
    stopchars = _words("org_stopchars.txt")
    generic = _words("org_generic.txt")
    zh_known = [k for k in known if re.search(r"[\u3400-\u9fff]", k)]
    tokens = [*heads, *zh_known, *regions, *stopwords, *descriptors, *generic]
    return Lexicon(
        heads=heads,
        head_automaton=_automaton(list(heads)),
        known=known,
        known_automaton=_automaton(list(known)),
        stopwords=stopwords,
        descriptors=descriptors,
        stopchars=stopchars,
        generic=generic,
        regions=regions,
        right_blocks=blocks,
        list_classes=classes,
        product_words=_words("org_product_words.txt"),
        disciplines=_words("org_disciplines.txt"),
        common=common,
        proper_words=proper,
        glued_proper=frozenset(
            w for w in (*proper, *(k for k, p in common.items() if p in PROPER_POS)) if any(ch in stopchars for ch in w)
        ),
        max_token=max(len(t) for t in tokens),
        industry=frozenset(w for w, h in heads.items() if h.cls == "industry"),
    )


# --------------------------------------------------------------------------- reading a name


@dataclass(slots=True)
class ZhName:
    """A Chinese organisation name read leftwards from its head."""

    start: int
    end: int
    text: str
    head: Head
    legal: str  # legal suffix printed ("" for short names and institutions)
    chain: list[str]  # industry words between core and legal suffix, left to right
    prefix: list[str]  # leading region / modifier tokens, left to right
    core: str
    quoted: bool = False
    source: str = "grammar"
    bridged: bool = False  # a function character opens the core (仁和, 和元)

    @property
    def kind(self) -> str:
        return self.head.kind


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


_VOCAB_INDEX: dict[int, tuple[object, frozenset[str], tuple[int, ...]]] = {}


def _index(vocab: frozenset[str] | dict) -> tuple[frozenset[str], tuple[int, ...]]:
    """Final characters and word lengths (longest first) of a vocabulary, computed once."""
    hit = _VOCAB_INDEX.get(id(vocab))
    if hit is None or hit[0] is not vocab:
        finals = frozenset(w[-1] for w in vocab if w)
        lengths = tuple(sorted({len(w) for w in vocab if len(w) >= 2}, reverse=True))
        hit = (vocab, finals, lengths)
        _VOCAB_INDEX[id(vocab)] = hit
    return hit[1], hit[2]


def _ending(text: str, pos: int, vocab: frozenset[str] | dict, max_len: int, floor: int = 0) -> str | None:
    """Longest word of ``vocab`` ending at ``pos`` (exclusive), at least 2 characters."""
    if pos <= floor:
        return None
    hit = _VOCAB_INDEX.get(id(vocab))  # inlined _index: this runs for every character read
    if hit is None or hit[0] is not vocab:
        _index(vocab)
        hit = _VOCAB_INDEX[id(vocab)]
    if text[pos - 1] not in hit[1]:
        return None
    room = pos - floor
    if max_len < room:
        room = max_len
    for k in hit[2]:
        if k <= room:
            w = text[pos - k : pos]
            if w in vocab:
                return w
    return None


def _paren_group(text: str, pos: int, lex: Lexicon) -> int | None:
    """Start of a "(泰州)" / "(ICGEB)" / "(集团)" group ending at ``pos``, else None."""
    if pos == 0 or text[pos - 1] not in _CLOSE:
        return None
    lo = max(0, pos - 14)
    for i in range(pos - 2, lo - 1, -1):
        ch = text[i]
        if ch in OPEN:
            inner = text[i + 1 : pos - 1]
            if inner in lex.regions or inner in ("集团", "中国", "控股") or _ACRONYM.fullmatch(inner):
                return i
            return None
        if ch in _CLOSE or ch in "，。、；\n":
            return None
    return None


def blocked_right(text: str, end: int, head: Head, lex: Lexicon) -> bool:
    """The head is glued to what follows (生物|城, 大学|生, 所|以): not the end of a name."""
    nxt = text[end : end + 4]
    if not nxt or nxt.startswith(("产业化", "在内")):
        return False  # 包括…检测所在内: 在内 closes the enumeration, the head ends the name
    unblock = lex.right_blocks.get(head.word + "!")
    if unblock and any(nxt[:k] in unblock for k in range(1, len(nxt) + 1)):
        return False  # 北京大学|生命科学…研究院: 生命 is no 大学生
    for key in (head.word, head.cls):
        blocks = lex.right_blocks.get(key)
        if blocks and any(nxt[:k] in blocks for k in range(1, len(nxt) + 1)):
            return True
    return False


@functools.cache
def _heads_ending_stopwords() -> frozenset[str]:
    """Head words that end a longer stop word (公司 in 全资子公司): the only ones to check."""
    lex = lexicon()
    return frozenset(w[-k:] for w in lex.stopwords for k in range(1, len(w)) if w[-k:] in lex.heads)


def in_stopword(text: str, end: int, head: Head, lex: Lexicon) -> bool:
    """The head word is the end of a longer stop word (全资子|公司, 龙头|企业): no name ends here."""
    if head.word not in _heads_ending_stopwords():
        return False
    stop = _ending(text, end, lex.stopwords, lex.max_token)
    return bool(stop) and len(stop) > len(head.word)


def chain_continues(text: str, end: int, lex: Lexicon, legal_only: bool = False, head: str = "") -> bool:
    """True when another industry or legal word starts at ``end`` (医药|科技, 制药|(苏州)有限公司).

    ``head``: the word ending at ``end``; a compound of it and the next word (生物|技术) continues."""
    if text[end : end + 1] in OPEN:
        close = _close_after(text, end)
        if close > end and _paren_group(text, close, lex) is not None:
            return chain_continues(text, close, lex, legal_only)
        return False
    _, lengths = _index(lex.heads)
    room = len(text) - end
    for k in lengths:
        if k <= room:
            h = lex.heads.get(text[end : end + k])
            if h is None:
                continue
            if h.cls == "legal" or h.cls == "industry" and not legal_only and (h.short or head and head + h.word in lex.heads):
                return True
            # 奥鸿药业|投资建设新厂: a word no name ends in (投资, 发展) continues the chain only
            # when the chain goes on to a name's end (奥鸿药业投资有限公司)
            if h.cls == "industry" and not legal_only and chain_continues(text, end + k, lex, legal_only):
                return True
    return False


def _close_after(text: str, pos: int) -> int:
    found = [x for x in (text.find(")", pos, pos + 14), text.find("）", pos, pos + 14)) if x != -1]
    return min(found) + 1 if found else pos


_NATIONAL = ("中国", "中华", "全国")
_CONJ_CHARS = frozenset("和与及或并同跟")
_BARE_ADMIN = re.compile(r"[省市县区州](?:第[一二三四五六七八九十]{1,3})?")
_LEAD_MODIFIERS = ("国家级", "省级", "市级", "国家", "中国", "中华", "国际", "全国")


def read_name(text: str, end: int, head: Head, lex: Lexicon, floor: int = 0, _bridge: int = -1) -> ZhName | None:
    """Read an organisation name leftwards from a head word ending at ``end``.

    ``floor`` is the leftmost index the name may reach (a sentence or list-item start).
    Returns None when no clean left edge lies within reach. A reading that stops at a function
    character leaving a one-character core (上海和|元生物技术股份有限公司) is read again with that
    character inside the name (``_bridge``), see ``org_name_particles.txt``.
    """
    pos = end - len(head.word)
    legal = head.word if head.cls == "legal" else ""
    chain: list[str] = [head.word] if head.cls == "industry" else []
    if head.kind == "enterprise":  # industry words and "(苏州)" groups next to the head
        while pos > floor:
            g = _paren_group(text, pos, lex)
            if g is not None:
                chain.insert(0, text[g:pos])
                pos = g
                continue
            w = _ending(text, pos, lex.industry, lex.max_token, floor)
            if w is None:
                break
            chain.insert(0, w)
            pos -= len(w)
    if head.cls == "legal" and head.word.endswith("公司") and text[max(floor, pos - 2) : pos] == "企业":
        chain.insert(0, "企业")  # 杭州统一|企业|有限公司: the descriptor is part of the registered name
        pos -= 2
    chain_start = pos
    limit = MAX_PRE_ENTERPRISE if head.kind == "enterprise" else MAX_PRE_INSTITUTION
    toks: list[tuple[str, str]] = []  # right to left
    while True:
        if pos <= floor:
            break
        if chain_start - pos >= limit:
            # no clean edge within reach: start at the leftmost region token read, if any
            # (国药集团中国生物|北京生物制品研究所有限责任公司)
            cut = _last_region_start(toks, lex)
            if cut is None:
                return None
            toks = toks[: cut + 1]
            break
        g = _paren_group(text, pos, lex)
        if g is not None:
            toks.append((text[g:pos], "paren"))
            pos = g
            continue
        ch = text[pos - 1]
        if ch in PUNCT or ch in OPEN or ch in _CLOSE or ch.isdigit():
            break
        if pos - 1 == _bridge:
            toks.append((ch, "char"))
            pos -= 1
            continue
        tok = token_before(text, pos, lex, floor, head)
        if tok is None and toks and toks[-1][1] == "paren" and head.kind == "enterprise":
            # 离享未来|(德州)|等离子科技: right before a "(city)" group stands the brand, and a
            # noun-like stop word there (未来, 健康) is part of it; verbs (引进) still end the name
            w = _ending(text, pos, lex.stopwords, lex.max_token, floor)
            tok = (w, "word") if w and w in lex.generic else None
        if tok is None:
            break
        toks.append(tok)
        pos -= len(tok[0])
    toks.reverse()
    toks = _strip_leading(toks, lex)
    toks = _cut_before_region(toks, lex)
    start = chain_start - sum(len(t) for t, _ in toks)
    prefix, core = split_prefix(text[start:chain_start], lex)
    if _bridge < 0 and len(core) <= 1 and not prefix and _can_bridge(text, start, floor, lex):
        n = read_name(text, end, head, lex, floor, start - 1)
        if n is not None and len(n.core) >= 2:
            return n
    quoted = start > 0 and text[start - 1] in "“\"「『《" and end < len(text) and text[end] in "”\"」』》"
    return ZhName(start, end, text[start:end], head, legal, chain, prefix, core, quoted, bridged=_bridge >= 0)


def _can_bridge(text: str, start: int, floor: int, lex: Lexicon) -> bool:
    """The function character before ``start`` may open a brand: it forms no common word with the
    core character after it, and a name character (not a boundary) stands before it or the text starts."""
    if start - 1 < floor or text[start - 1] not in _opening_chars():
        return False
    if text[start - 1 : start + 1] in lex.common:
        return False  # 以来, 为了: the sentence's words
    if start - 2 < floor:
        return True
    left = text[start - 2]
    return left in PUNCT or (is_cjk(left) and text[start - 2 : start] not in lex.common)


def _cut_before_region(toks: list[tuple[str, str]], lex: Lexicon) -> list[tuple[str, str]]:
    """Start at an admin region that follows a verb: 徐建明深入|苏州市宏达集团有限公司."""
    for i in range(len(toks) - 1, 0, -1):
        t, kind = toks[i]
        if kind != "region" or lex.regions.get(t) != "strong":
            continue
        left = "".join(x for x, _ in toks[:i])
        if any(lex.common.get(left[j : j + k]) in FUNC_POS for k in (2, 3) for j in range(len(left) - k + 1)):
            return toks[i:]
    return toks


def _last_region_start(toks: list[tuple[str, str]], lex: Lexicon) -> int | None:
    """Index (in right-to-left ``toks``) of the leftmost admin-region token, or None."""
    idx = None
    for i, (t, kind) in enumerate(toks):
        if kind == "region" and lex.regions.get(t) == "strong":
            idx = i
    return idx


def split_prefix(seg: str, lex: Lexicon) -> tuple[list[str], str]:
    """Leading region / place / modifier tokens of ``seg`` (longest match from the left) and the rest.

    A core of one character takes back a short place token before it (大同|盟 → 大同盟).
    """
    prefix: list[str] = []
    i = 0
    n = len(seg)
    while i < n:
        if seg[i] in OPEN:
            j = max(seg.find(")", i), seg.find("）", i))
            if j != -1 and seg[i + 1 : j] in lex.regions:
                prefix.append(seg[i : j + 1])
                i = j + 1
                continue
            break
        w = next((seg[i : i + k] for k in range(min(lex.max_token, n - i), 1, -1)
                  if seg[i : i + k] in lex.regions or seg[i : i + k] in _LEAD_MODIFIERS), None)
        if w is None or any(seg[i : i + k] in lex.known for k in range(len(w) + 1, min(8, n - i) + 1)):
            break  # 华东医药 is a company, not 华东 + 医药
        prefix.append(w)
        i += len(w)
    # a short place name may be the start of the core (大同|盟); a full one (福建省|立医院) is not
    while prefix and n - i == 1 and prefix[-1][:1] not in OPEN and prefix[-1][-1] not in "省市县区州旗":
        i -= len(prefix.pop())
    return prefix, seg[i:]


_TOKEN_FINALS: dict[int, tuple[object, tuple[frozenset[str], ...]]] = {}


def _token_finals(lex: Lexicon) -> tuple[frozenset[str], ...]:
    """Final characters of the vocabularies token_before reads, per lexicon, computed once."""
    hit = _TOKEN_FINALS.get(id(lex))
    if hit is None or hit[0] is not lex:
        vocabs = (lex.known, lex.regions, lex.heads, lex.stopwords, lex.descriptors, lex.industry, lex.generic)
        hit = (lex, tuple(_index(v)[0] for v in vocabs))
        _TOKEN_FINALS[id(lex)] = hit
    return hit[1]


def token_before(text: str, pos: int, lex: Lexicon, floor: int, head: Head) -> tuple[str, str] | None:
    """The name token ending at ``pos``, or None at a left boundary."""
    ml = lex.max_token
    # _ending finds nothing unless the character before pos ends a word of the vocabulary:
    # test that here and skip the call (most positions end no known name, region or head)
    ch = text[pos - 1]
    f_known, f_regions, f_heads, f_stop, f_desc, f_ind, f_gen = _token_finals(lex)
    w = _ending(text, pos, lex.known, ml, floor) if ch in f_known else None
    if w:
        return w, "known"
    w = _ending(text, pos, lex.regions, ml, floor) if ch in f_regions else None
    if w:
        return w, "region"
    if head.cls == "industry" and _ending(text, pos, _park_heads(), ml, floor):
        return None  # 菏泽现代医药港|合泽药业: a short name never runs on into the park it sits in
    w = _ending(text, pos, lex.heads, ml, floor) if ch in f_heads else None
    if w and lex.heads[w].cls in ("inst", "legal") and w not in lex.stopwords:
        if w in _heads_ending_stopwords():
            stop = _ending(text, pos, lex.stopwords, ml, floor)
            if stop and len(stop) > len(w):
                return None  # 全资子|公司|北京天坛…: the head word ends a longer stop word
        return w, "head"
    if head.assoc and w and w in lex.industry:
        return w, "word"  # 中国外商投资企业协会: an association names its trade, verbs and all
    w = _ending(text, pos, lex.stopwords, ml, floor) if ch in f_stop else None
    if w and not _split_stopword(text, pos, w, lex):
        return None
    w = _ending(text, pos, lex.descriptors, ml, floor) if ch in f_desc else None
    if w:
        return (w, "word") if head.assoc else None
    if ch in "和与及" and head.kind == "institution" and _conj_inside(text, pos, lex, floor):
        return ch, "char"
    w = ((_ending(text, pos, lex.industry, ml, floor) if ch in f_ind else None)
         or (_ending(text, pos, lex.generic, ml, floor) if ch in f_gen else None))
    if w:
        return w, "word"
    if ch in lex.stopchars:
        w = _ending(text, pos, lex.glued_proper, 4, floor)
        if w:
            return w, "char"
        if ch in _name_particles() and _particle_inside(text, pos, lex, floor):
            return ch, "char"  # 健|之|源中药: a particle inside a brand
        if any(lex.common.get(text[pos - 1 : pos + k]) in _NOUN_POS for k in (1, 2)):
            return ch, "char"  # 明峰医疗|系|统, 离享未来(德州)|等|离子科技: the character opens a noun
            # inside the name (系统, 有机, 等离子)
        if pos >= 2 and text[pos - 2] == "、" and ch in _CONJ_CHARS:
            return ch, "char"  # 、和记黄埔医药: a list item cannot open with a conjunction (it may
            # open with a preposition: 、以安徽国星生物化学有限公司等为代表的)
        if (pos >= 3 and text[pos - 3] in "、，,；;：:\n" and is_cjk(text[pos - 2])
                and text[pos - 2] not in lex.stopchars):
            return ch, "char"  # 、康为世纪生物公司: one character after a comma opens no clause
        return None
    if ch.isascii() and ch.isalnum():
        # Latin words glued to a Chinese head: "Forty Seven公司", "GE医疗"
        m = re.search(r"(?:[A-Z][A-Za-z0-9&\-]* )*[A-Za-z0-9][A-Za-z0-9&\-]*$", text[max(floor, pos - 40) : pos])
        return (m.group(), "latin") if m and m.group()[0].isalpha() else None
    if not is_cjk(ch):
        return None
    return ch, "char"


@functools.cache
def _park_heads() -> frozenset[str]:
    """Park head words of two or more characters (产业园, 医药港), from the parks' own data file."""
    return frozenset(r[1] for r in data_lines("park_heads.tsv") if len(r) > 1 and r[0] == "zh" and len(r[1]) >= 2)


@functools.cache
def _particle_table() -> dict[str, str]:
    return {r[0]: (r[1] if len(r) > 1 else "inside") for r in data_lines("org_name_particles.txt") if r and r[0]}


@functools.cache
def _name_particles() -> frozenset[str]:
    return frozenset(c for c, where in _particle_table().items() if where == "inside")


@functools.cache
def _opening_chars() -> frozenset[str]:
    return frozenset(c for c, where in _particle_table().items() if where == "opening")


def _particle_inside(text: str, pos: int, lex: Lexicon, floor: int) -> bool:
    """The particle at ``pos-1`` sits between two name characters: no common word across it."""
    if pos - 2 < floor or pos >= len(text):
        return False
    left, right = text[pos - 2], text[pos]
    if not (is_cjk(left) and is_cjk(right)) or left in lex.stopchars or right in lex.stopchars:
        return False
    return text[pos - 2 : pos] not in lex.common and text[pos - 1 : pos + 1] not in lex.common


def _split_stopword(text: str, pos: int, w: str, lex: Lexicon) -> bool:
    """The stop word ending at ``pos`` is a misreading across two words: 中国|外商 is not 中|国外|商."""
    s = pos - len(w)
    return s > 0 and text[s - 1 : s + 1] in lex.regions and text[pos - 1 : pos + 1] in lex.common


def _conj_inside(text: str, pos: int, lex: Lexicon, floor: int) -> bool:
    """和/与/及 at ``pos-1`` joins two fields inside one institution name (遗传工程和生物技术)."""
    left = pos - 1
    w = _ending(text, left, lex.disciplines, 4, floor)
    if not w:
        return False
    # the left part must reach a hard boundary soon and not be an organisation itself
    j = left
    while j > floor and left - j < 12:
        ch = text[j - 1]
        if ch in PUNCT or ch.isdigit() or ch in lex.stopchars:
            return True
        if _ending(text, j, lex.stopwords, lex.max_token, floor):
            return True
        j -= 1
    return j == floor


def _strip_leading(toks: list[tuple[str, str]], lex: Lexicon) -> list[tuple[str, str]]:
    for _ in range(2):
        if not toks or toks[0][1] not in ("char", "word"):
            return toks
        s = "".join(t for t, _ in toks)
        cut = 0
        for k in (4, 3, 2):
            w = s[:k]
            if len(w) == k and lex.common.get(w) in FUNC_POS and w not in lex.regions:
                cut = k
                break
        if not cut or len(s) - cut < 2:
            return toks
        # drop tokens covering the first ``cut`` characters (stop inside a token: keep all)
        n = 0
        for idx, (t, _) in enumerate(toks):
            n += len(t)
            if n == cut:
                toks = toks[idx + 1 :]
                break
            if n > cut:
                return toks
    return toks


# --------------------------------------------------------------------------- judging a name


_CHUNK_TABLE: dict[int, tuple[object, dict[str, str]]] = {}


def _chunk_table(lex: Lexicon) -> dict[str, str]:
    """Word → "common" | "proper" for every word proper_chunks can match, precedence included
    (a region not known → common; known or proper → proper; other vocabularies → common)."""
    hit = _CHUNK_TABLE.get(id(lex))
    if hit is None or hit[0] is not lex:
        table: dict[str, str] = {}
        for vocab in (lex.common, lex.generic, lex.industry, lex.heads):
            for w in vocab:
                table[w] = "common"
        for vocab in (lex.known, lex.proper_words):
            for w in vocab:
                table[w] = "proper"
        for w in lex.regions:
            if w not in lex.known:
                table[w] = "common"
        hit = (lex, table)
        _CHUNK_TABLE[id(lex)] = hit
    return hit[1]


def proper_chunks(core: str, lex: Lexicon) -> list[str]:
    """Parts of ``core`` that look like proper names, by forward maximum matching.

    Common dictionary words, generic words, industry words and region tokens are not name
    material; runs of two or more other characters are (奥鸿, 中慧元通), and so are rare
    proper nouns of the dictionary (扬子江, 越洋) and known names (北大, 科大讯飞).
    """
    chunks: list[str] = []
    run = ""
    i = 0
    n = len(core)
    table = _chunk_table(lex)
    while i < n:
        hit = None
        for k in range(min(6, n - i), 1, -1):
            w = core[i : i + k]
            cls = table.get(w)
            if cls is not None:
                hit = (cls, w)
                break
        if hit is None:
            ch = core[i]
            if is_cjk(ch) or ch.isalpha():
                run += ch
            else:
                if len(run) >= 2:
                    chunks.append(run)
                run = ""
            i += 1
            continue
        if hit[0] == "proper" and len(run) == 1 and hit[1] in lex.known:
            chunks.append(run + hit[1])  # 美|诺华: one more character makes another brand
        else:
            if len(run) >= 2:
                chunks.append(run)
            if hit[0] == "proper":
                chunks.append(hit[1])
        run = ""
        i += len(hit[1])
    if len(run) >= 2:
        chunks.append(run)
    return chunks


def only_proper(core: str, lex: Lexicon) -> bool:
    """True when the whole core is name material (no common word inside): 奥鸿, 扬子江."""
    if not 2 <= len(core) <= MAX_SHORT_CORE:
        return False
    particles = _name_particles()
    if any(ch in lex.stopchars and not (ch in particles and 0 < i < len(core) - 1)
           or not (is_cjk(ch) or ch.isalpha()) for i, ch in enumerate(core)) and core not in lex.glued_proper:
        return False  # 仁和, 协和: a proper noun of the dictionary holds its function character
    return "".join(proper_chunks(core, lex)) == core


def _proper_word(core: str, lex: Lexicon) -> bool:
    """A core that is one frequent proper noun of the dictionary (江中, 太极): enough with a legal suffix."""
    return lex.common.get(core) in PROPER_POS


def strong_region(prefix: list[str], lex: Lexicon) -> bool:
    return any(lex.regions.get(p) == "strong" or (p[:1] in OPEN and p[1:-1] in lex.regions) for p in prefix)


def accept(n: ZhName, lex: Lexicon) -> bool:
    """Is this reading a name rather than a description?"""
    pre = n.text[: len(n.text) - len(n.head.word)]
    if not pre or n.end - n.start < 3 or n.text in lex.descriptors or n.text in lex.stopwords:
        return False  # 上市公司, 龙头企业 describe, they do not name
    kind = n.head.kind
    if kind in ("government", "media"):
        return len(pre) >= 1 and pre not in lex.stopwords
    chunks = proper_chunks(n.core, lex) if n.core else []
    region = strong_region(n.prefix, lex)
    if n.head.local and _BARE_ADMIN.fullmatch(pre):
        return True
    if kind == "institution":
        if n.quoted and len(n.text) >= 5:
            return True
        if n.head.national and not n.core and n.prefix and all(p in ("中国", "中华") for p in n.prefix):
            return True  # 中国药科大学, 中国科学院: one national university or academy per field
        if not chunks and n.core and not n.head.assoc and verb_inside(n.core, lex):
            return False  # 无锡|设立|研究中心: a clause, not a name
        if n.prefix[:1] == ["国家"] and len(n.core) >= 3 and n.core not in lex.common:
            return True  # 国家生物药技术创新中心: a national platform with its own field is one body
        if n.head.assoc and any(p in _NATIONAL for p in n.prefix):
            return True  # 中国医药企业管理协会, 中华医学会: one national body per field
        if chunks:
            return True
        return region and not n.head.weak or region and bool(n.core)
    # enterprises
    body = n.core + "".join(n.chain)
    if (n.core and (n.legal or n.chain and _short_chain_ok(n.chain, lex))
            and any(body[:k] in lex.known for k in range(len(n.core), len(body) + 1))):
        return True  # 绿叶制药|集团: a known company with a longer printed name (not 凯莱英|化学药物)
    if n.legal:
        if n.core + "".join(n.chain) + n.legal in lex.descriptors:
            return False  # 大桐药业(日本|上市公司): a descriptor after a place, not a name
        if chunks or n.quoted or _proper_word(n.core, lex):
            return True
        if len(n.core) >= 3 and not _segments(n.core, lex):
            return True  # 东阳光|药业股份有限公司: a place name glued into a brand is name material
        region = region or any(c[:1] in OPEN and lex.regions.get(c[1:-1]) == "strong" for c in n.chain)
        return region and bool(n.chain or n.core)
    if not n.chain or not _short_chain_ok(n.chain, lex):
        return False
    # a short name needs a core that is name material on its own: 奥鸿药业, not 泰州医药
    return only_proper(n.core, lex) or n.bridged and _bridged_proper(n.core, lex)


def _bridged_proper(core: str, lex: Lexicon) -> bool:
    """A core opened by a function character (和元, 名仁) is name material when the rest is."""
    openers = _opening_chars()
    return (2 <= len(core) <= MAX_SHORT_CORE
            and all(is_cjk(ch) and (ch not in lex.stopchars or ch in openers) for ch in core)
            and sum(ch in lex.stopchars for ch in core) == 1
            and "".join(proper_chunks(core, lex)) == core)


_CLAUSE_POS = frozenset({"v", "p", "c", "d", "u", "r", "vd", "ad"})


_LIST_CLAUSE_POS = frozenset({"p", "c", "d", "u", "r", "vd", "ad"})


def verb_inside(seg: str, lex: Lexicon, listed: bool = False) -> bool:
    """A verb, preposition or adverb of the general dictionary inside ``seg`` (设立, 正在), other
    than the industry and generic words names are made of (创新, 服务). ``listed``: the segment is
    a list member of its own, where a verb that is also a noun (组织工程) may name a field; only
    function words (prepositions, adverbs, conjunctions, pronouns) count."""
    pos_set = _LIST_CLAUSE_POS if listed else _CLAUSE_POS
    for k in (2, 3):
        for i in range(len(seg) - k + 1):
            w = seg[i : i + k]
            if w in lex.generic or w in lex.industry:
                continue
            if lex.common.get(w) in pos_set:
                return True
    return False


def _segments(core: str, lex: Lexicon) -> bool:
    """True when ``core`` splits wholly into common, generic and industry words (大型, 医药研发)."""
    n = len(core)
    ok = [True] + [False] * n
    for i in range(n):
        if not ok[i]:
            continue
        for k in range(2, min(6, n - i) + 1):
            w = core[i : i + k]
            if w in lex.common or w in lex.generic or w in lex.industry or w in lex.heads:
                ok[i + k] = True
    return ok[n]


def _short_chain_ok(chain: list[str], lex: Lexicon) -> bool:
    last = chain[-1]
    h = lex.heads.get(last)
    return bool(h and h.short)
