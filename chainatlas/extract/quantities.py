"""Money, counts and percentages in an article, normalised, with their evidence spans.

Why rules: amounts in news are written in a small closed set of patterns (number, magnitude,
hedge, unit), and the hard part is what NOT to count (years, dates, ranks, slogans, the
article 一个), which is easier to state and test as rules than to learn from five documents.
Every word list lives in ``data/quantities_*`` files; this module only holds the grammar.

One left-to-right pass: a master regex finds each number (Arabic ``1,005``/``105.16``,
Chinese ``十二``/``三亿``, English ``eight``/``twenty-five``) and the words around it decide:

* money   number [magnitude] currency (105.16亿元, 18.026 billion yuan, US$30 million), or a
          bare 亿-scale amount in a money context (超百亿产业链, 2000亿级, 产值突破千亿);
* percent number %, 百分之七十, 40 percent; percentage points (7.7个百分点) are percent with
          ``unit="百分点"`` / ``"percentage points"``;
* count   number [magnitude] measure word (42家, 500万人次, 五大) or an English number, up to six
          modifier words, and a countable plural head noun (over 200 … manufacturing companies).

Conventions: a range (10-15亿元, 30%-40%, 5到10家) is one quantity whose value is the LOWER
bound, with ``qualifier="range:<upper value>"`` (plus any hedge); counts written with the
Chinese numeral 一 or the word "one" (一个, 一条, 一批, one of) are the article "a" and are
never counts, while an Arabic 1 (1家) is; values are positive (no signs are read).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

from chainatlas.extract import numbers as nb
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Quantity

_AR = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_SPACE = " \t\u00a0\u3000"
_RANGE_SEP = re.compile(r"[ \t]?(?:-|－|—|–|~|～|至|到)[ \t]?")
_RANGE_SEP_EN = re.compile(r"[ \t]+(?:to|-)[ \t]+|-")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_CITATION = re.compile(r"[\[【][0-9]{1,3}[\]】](?:[\[【][0-9]{1,3}[\]】])*")
_FULLWIDTH_CHARS = re.compile("[０-９％．＋～]")
_FORMULA = re.compile(r"(?<![A-Za-z0-9])[0-9一二三四五六七八九十NX]+(?:[ ]?\+[ ]?[0-9一二三四五六七八九十NXn]+)+")
_QUOTE = re.compile(r"“([^“”\n]{1,40})”|\"([^\"\n]{1,40})\"|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』")
_EN_WORD = re.compile(r"[ \t\u00a0]+([A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*)")
_ORDINAL_LIST = re.compile(r"第[0-9一二三四五六七八九十]+[、，,和及至到-]$")
_RATE = re.compile(r"每[0-9一二两三四五六七八九十百千万]+")
_ADD_WAN = re.compile(r"([0-9]+(?:\.[0-9]+)?)万")


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Lexicon:
    number_re: re.Pattern[str]
    zh_mag_re: re.Pattern[str]
    zh_mag: dict[str, int]
    zh_unit_re: re.Pattern[str]
    zh_units: dict[str, tuple[str, str | None]]  # surface → (pct|pp|cur|mw|meas, payload)
    mw_max: dict[str, int | None]
    mw_stop: dict[str, tuple[str, ...]]
    cur_stop: dict[str, tuple[str, ...]]
    cur_skip_after_char: dict[str, str]
    infix_re: re.Pattern[str]
    zh_after_re: re.Pattern[str]
    zh_before: tuple[str, ...]  # longest first
    zh_bare_before: tuple[str, ...]
    hedge_not_after: dict[str, str]
    zh_skip_before: tuple[str, ...]
    zh_rank_before_front: tuple[str, ...]
    zh_rank_front_units: frozenset[str]
    zh_rank_move_before: tuple[str, ...]
    zh_vague_before: tuple[str, ...]
    money_after: tuple[str, ...]
    money_before: tuple[str, ...]
    money_window: int
    cn_next: frozenset[str]
    en_mag_re: re.Pattern[str]
    en_mag: dict[str, int]
    en_abbr_re: re.Pattern[str]
    en_abbr: dict[str, int]
    en_unit_re: re.Pattern[str]
    en_units: dict[str, tuple[str, str | None]]
    prefix_cur_re: re.Pattern[str]
    prefix_cur: dict[str, str]
    en_before_re: re.Pattern[str]
    en_after_re: re.Pattern[str]
    en_skip_before_re: re.Pattern[str]
    en_plural: frozenset[str]
    en_singular: frozenset[str]
    en_stop: frozenset[str]
    en_max_mod: int
    slogan_max: int
    slogan_marks: tuple[str, ...]
    nickname_max: int


# "59 companies …, 39 of which have started production": a count of the things just counted
_OF_WHICH = re.compile(r"[ \t]+of[ \t]+(?:which|them|these|those)\b")
_EN_PLURAL_BEFORE = re.compile(r"\b\d[\d,]*[ \t]+(?:[A-Za-z\-]+[ \t]+){0,3}[A-Za-z\-]+s\b")
_MONEY_BEFORE = re.compile(r"[\d.]+[万亿]+元")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.cache
def _lexicon() -> _Lexicon:
    rules = nb.read_yaml("quantities_rules.yaml")
    mags = nb.magnitudes()

    zh_units: dict[str, tuple[str, str | None]] = {"%": ("pct", None), "个百分点": ("pp", "百分点"),
                                                   "百分点": ("pp", "百分点")}
    en_units: dict[str, tuple[str, str | None]] = {
        "%": ("pct", None), "percent": ("pct", None), "per cent": ("pct", None), "pct": ("pct", None),
        "percentage points": ("pp", "percentage points"), "percentage point": ("pp", "percentage points"),
    }
    prefix_cur: dict[str, str] = {}
    for surface, code, script, position in nb.read_rows("quantities_currencies.tsv", 4):
        if position not in ("suffix", "prefix", "both"):
            raise ValueError(f"quantities: quantities_currencies.tsv: bad position {position!r} for {surface!r}")
        if position in ("prefix", "both"):
            prefix_cur[surface] = code
        if position in ("suffix", "both"):
            (zh_units if script == "zh" else en_units).setdefault(
                surface if script == "zh" else surface.lower(), ("cur", code))
    mw_max: dict[str, int | None] = {}
    mw_stop: dict[str, tuple[str, ...]] = {}
    for row in nb.read_rows("quantities_measure_words.tsv", 1):
        mw = row[0]
        mw_max[mw] = int(row[1]) if len(row) > 1 and row[1].strip() else None
        mw_stop[mw] = tuple(x for x in (row[2].split(",") if len(row) > 2 else []) if x)
        zh_units.setdefault(mw, ("mw", mw))
    for unit, script in nb.read_rows("quantities_units.tsv", 2):
        if script == "zh":
            zh_units.setdefault(unit, ("meas", None))
        else:
            en_units.setdefault(unit.lower(), ("meas", None))

    hedges = nb.read_rows("quantities_hedges.tsv", 3)
    zh_before = [h for h, pos, sc in hedges if sc == "zh" and pos == "before"]
    zh_bare = [h for h, pos, sc in hedges if sc == "zh" and pos == "bare"]
    zh_infix = [h for h, pos, sc in hedges if sc == "zh" and pos == "infix"]
    zh_after = [h for h, pos, sc in hedges if sc == "zh" and pos == "after"]
    en_before = [h for h, pos, sc in hedges if sc == "en" and pos == "before"]
    en_after = [h for h, pos, sc in hedges if sc == "en" and pos == "after"]

    en_nums = nb.en_number_words()
    tens = [w for w, (_, r) in en_nums.items() if r == "tens"]
    units = [w for w, (_, r) in en_nums.items() if r == "unit"]
    teens = [w for w, (_, r) in en_nums.items() if r == "teen"]
    en_num = rf"\b(?i:(?:{_alt(tens)})(?:-(?:{_alt(units)}))?|{_alt(teens)}|{_alt(units)})\b"
    # A leading one-character lookahead lets the regex engine skip most positions quickly.
    first = "".join(sorted({w[0] for w in en_nums} | {w[0].upper() for w in en_nums}))
    number_re = re.compile(rf"(?=[0-9{nb.CN_DIGITS}{nb.CN_UNITS}{first}])"
                           rf"(?:(?P<ar>{_AR})|(?P<cn>{_CN})|(?P<en>{en_num}))")

    nouns = nb.read_rows("quantities_en_nouns.tsv", 2)
    en_skip = [w for w in rules["en_skip_before"]]
    zh_mag = mags["zh"]
    money_after = tuple(rules["money_context_after"])
    cn_next = {s[0] for s in zh_units} | {h[0] for h in zh_infix} | {m[0] for m in zh_mag}
    cn_next |= {w[0] for w in money_after} | set("-－—–~～至到")
    return _Lexicon(
        number_re=number_re,
        zh_mag_re=re.compile(_alt(list(zh_mag))),
        zh_mag=zh_mag,
        zh_unit_re=re.compile(rf"[ ]?({_alt(list(zh_units))})"),
        zh_units=zh_units,
        mw_max=mw_max,
        mw_stop=mw_stop,
        cur_stop={k: tuple(v) for k, v in (rules.get("currency_stop_after") or {}).items()},
        cur_skip_after_char={k: "".join(v) for k, v in (rules.get("currency_skip_after_char") or {}).items()},
        infix_re=re.compile(_alt(zh_infix)),
        zh_after_re=re.compile(_alt(zh_after)),
        zh_before=tuple(sorted(zh_before, key=len, reverse=True)),
        zh_bare_before=tuple(sorted(zh_before + zh_bare, key=len, reverse=True)),
        hedge_not_after={k: str(v) for k, v in (rules.get("hedge_not_after") or {}).items()},
        zh_skip_before=tuple(rules["zh_skip_before"]),
        zh_rank_before_front=tuple(rules["zh_rank_before_front"]),
        zh_rank_front_units=frozenset(rules["zh_rank_front_units"]),
        zh_rank_move_before=tuple(rules.get("zh_rank_move_before") or ()),
        zh_vague_before=tuple(rules["zh_vague_before"]),
        money_after=money_after,
        money_before=tuple(rules["money_context_before"]),
        money_window=int(rules.get("money_context_window", 8)),
        cn_next=frozenset(cn_next),
        en_mag_re=re.compile(rf"[ \t]*-?[ \t]*(?i:({_alt(list(mags['en']))}))\b"),
        en_mag={k.lower(): v for k, v in mags["en"].items()},
        en_abbr_re=re.compile(rf"[ ]?({_alt(list(mags['en_abbr']))})\b"),
        en_abbr=mags["en_abbr"],
        en_unit_re=re.compile(rf"[ \t]*-?[ \t]*(%|(?i:{_alt([u for u in en_units if u != '%'])})\b)"),
        en_units=en_units,
        prefix_cur_re=re.compile(rf"(?:(?<![A-Za-z])(?:{_alt([c for c in prefix_cur if c.isalpha()])})"
                                 rf"|{_alt([c for c in prefix_cur if not c.isalpha()])})[ \t]?$"),
        prefix_cur=prefix_cur,
        en_before_re=re.compile(rf"(?<![A-Za-z])(?i:({_alt(en_before)}))[ \t]+$"),
        en_after_re=re.compile(rf"[ \t]+(?i:({_alt(en_after)}))\b"),
        en_skip_before_re=re.compile(rf"(?:(?<![A-Za-z])(?i:{_alt([w for w in en_skip if w[0].isalpha()])})"
                                     rf"|{_alt([w for w in en_skip if not w[0].isalpha()])})[ \t]*$"),
        en_plural=frozenset(r[1].lower() for r in nouns),
        en_singular=frozenset(r[0].lower() for r in nouns),
        en_stop=frozenset(w.lower() for w in rules["en_break_words"]) | frozenset(
            u for u, (c, _) in en_units.items() if c == "meas") | frozenset(en_nums) | frozenset(
            w.lower() for w in mags["en"]),
        en_max_mod=int(rules.get("en_max_modifiers", 6)),
        slogan_max=int(rules.get("slogan_quote_max_len", 20)),
        slogan_marks=tuple(rules.get("slogan_marks", ["、", "+"])),
        nickname_max=int(rules.get("nickname_quote_max_len", 12)),
    )


# --------------------------------------------------------------------------- scanning


@dataclass(slots=True)
class _Num:
    value: Decimal
    script: str  # ar | cn | en
    bare: bool  # a Chinese magnitude alone: 百亿, 千
    scale: int = 1  # magnitude folded into value by the numeral itself (三亿 → 亿)


@dataclass(slots=True)
class _Hit:
    kind: str
    value: Decimal
    start: int
    end: int
    scale: int = 1
    currency: str | None = None
    unit: str | None = None
    hedges: list[str] = field(default_factory=list)


def _trailing_scale(run: str, zh_mag: dict[str, int]) -> int:
    """三亿 → 1e8, 五千万 → 1e7: the magnitude a range's lower bound borrows (三至五亿元)."""
    for n in (2, 1):
        tail = run[-n:]
        if len(run) > n and tail in zh_mag and run[-n - 1] not in nb.CN_UNITS:
            return zh_mag[tail]
    return 1


class _Scanner:
    def __init__(self, text: str, lex: _Lexicon) -> None:
        self.t = text.translate(nb.FULLWIDTH) if _FULLWIDTH_CHARS.search(text) else text
        self.lex = lex
        self.mask_all, self.mask_count = self._masks()

    # -- masks: citation markers, 4+N formulas, slogans in short quotes
    def _masks(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        lex, t = self.lex, self.t
        every: list[tuple[int, int]] = [m.span() for m in _CITATION.finditer(t)]
        every += [m.span() for m in _FORMULA.finditer(t)]
        counts: list[tuple[int, int]] = []
        for m in _QUOTE.finditer(t):
            inner = next(g for g in m.groups() if g is not None)
            if len(inner) <= lex.slogan_max and any(mk in inner for mk in lex.slogan_marks):
                every.append(m.span())
            elif len(inner) <= lex.nickname_max and (inner[0].isdigit() or inner[0] in nb.CN_DIGITS + "十"):
                counts.append(m.span())
        return _merge(every), _merge(counts)

    def run(self) -> list[_Hit]:
        hits: list[_Hit] = []
        floor = 0
        for m in self.lex.number_re.finditer(self.t):
            if m.start() < floor:
                continue
            hit = self._at(m)
            if hit is not None:
                hits.append(hit)
                floor = hit.end
        return hits

    # -- one number
    def _num(self, m: re.Match[str]) -> _Num | None:
        g, s = m.lastgroup, m.group()
        if g == "ar":
            v = nb.arabic_value(s)
            return None if v is None else _Num(v, "ar", False)
        if g == "cn":
            v = nb.cn_value(s)
            if v is None:
                return None
            bare = s != "十" and all(ch in nb.CN_UNITS for ch in s)
            return _Num(v, "cn", bare, _trailing_scale(s, self.lex.zh_mag))
        v = nb.en_word_value(s)
        return None if v is None else _Num(v, "en", False)

    def _at(self, m: re.Match[str], upper: bool = False) -> _Hit | None:
        t, lex = self.t, self.lex
        s, e = m.span()
        g = m.lastgroup
        if g == "cn" and t[e:e + 1] not in lex.cn_next and "亿" not in m.group() and t[s - 3:s] != "百分之":
            return None  # cheap exit: most Chinese numeral characters sit inside ordinary words
        if _inside(self.mask_all, s):
            return None
        num = self._num(m)
        if num is None:
            return None
        if num.script == "ar" and not upper:
            prev = t[s - 1:s]
            if prev and prev.isascii() and (prev.isalpha() or prev in "_/.") and not self._prefix_cur(s):
                return None  # model and code numbers: H9, TCR-T2, v2.0
            if prev == "-" and s >= 2 and t[s - 2].isascii() and t[s - 2].isalnum():
                return None  # COVID-19, 2024-10-09
        if s >= 3 and t[s - 3:s] == "百分之":
            return self._finish(_Hit("percent", num.value, s - 3, e), num, s - 3)
        if num.script != "en":
            hit = self._zh(m, num, upper)
            if hit is not None or num.script == "cn":
                return hit
            if t[e:e + 1] not in _SPACE + "-%" and (upper or self._prefix_cur(s) is None):
                return None  # glued to a CJK or other character: only $5m-style amounts read on
        return self._en(m, num, upper)

    # -- Chinese units
    def _zh(self, m: re.Match[str], num: _Num, upper: bool) -> _Hit | None:
        t, lex = self.t, self.lex
        s, e = m.span()
        value, scale, infix = num.value, num.scale, []
        p = e
        im = lex.infix_re.match(t, p)
        if im and t.startswith("来自", im.start()):
            im = None  # 401亿来自光谷: "comes from", not the hedge 来
        if im:
            infix.append(im.group())
            p = im.end()
        mm = lex.zh_mag_re.match(t, p)
        if mm:
            scale = lex.zh_mag[mm.group()]
            value *= scale
            p = mm.end()
            if mm.group() == "亿" and num.script == "ar":
                am = _ADD_WAN.match(t, p)  # 1亿2000万元
                if am:
                    value += Decimal(am.group(1)) * 10000
                    p = am.end()
            if not infix:
                im = lex.infix_re.match(t, p)
                if im and not t.startswith("来自", im.start()):
                    infix.append(im.group())
                    p = im.end()
        um = lex.zh_unit_re.match(t, p)
        if um:
            surface = um.group(1)
            cat, payload = lex.zh_units[surface]
            end = um.end()
            if cat == "meas" and not (surface == "级" and (scale >= 100_000_000 or "亿" in m.group())):
                return None  # 5年, 200亩, 12岁, 3个月; but 百亿级 is a bare amount (below)
            if cat in ("pct", "pp"):
                if mm:
                    return None
                if cat == "pct" and not upper:
                    hit = self._range(m, num, value, um.start(1), 1)
                    if hit is not None:
                        return hit
                return self._finish(_Hit("percent", value, s, end, unit=payload, hedges=infix), num, s)
            if cat == "cur":
                return self._zh_money(num, value, scale, s, end, surface, payload, infix)
            if cat == "mw":
                return self._zh_count(num, value, scale, s, end, surface, infix)
        # no unit: a range (10-15亿元, 30%-40%), a bare 亿-scale amount, or 人民币 before the number
        if not upper:
            hit = self._range(m, num, value, p, scale if mm else 1)
            if hit is not None:
                return hit
        if num.script == "cn" and self._vague(s):
            return None
        pc = self._prefix_cur(s)
        if pc is not None and pc[1] == "人民币":
            return self._finish(_Hit("money", value, pc[0], p, scale, currency="CNY", hedges=infix), num, pc[0])
        if scale >= 100_000_000 or "亿" in m.group():
            ctx_end = self._money_context(s, p)
            if ctx_end is not None:
                return self._finish(_Hit("money", value, s, ctx_end, scale, currency="CNY", hedges=infix), num, s)
        return None

    def _zh_money(self, num: _Num, value: Decimal, scale: int, s: int, end: int, surface: str,
                  code: str | None, infix: list[str]) -> _Hit | None:
        t, lex = self.t, self.lex
        if any(t.startswith(x, end) for x in lex.cur_stop.get(surface, ())):
            return None
        if t[s - 1:s] and t[s - 1] in lex.cur_skip_after_char.get(surface, ""):
            return None
        if num.script == "cn" and not num.bare and value < 10:
            return None  # 一元, 二元结构: small amounts written in characters are not money in news
        if num.script == "cn" and self._vague(s):
            return None
        if any(t.endswith(x, 0, s) for x in lex.zh_skip_before):
            return None  # 每万元GDP, 每100元: rates
        if num.bare and value < 1_000_000 and not any(t.endswith(h, 0, s) for h in lex.zh_bare_before):
            return None  # 万元户, 万元GDP能耗: 万元 alone is a unit of account, not an amount
        if t[end:end + 1] == "级":
            end += 1
        return self._finish(_Hit("money", value, s, end, max(scale, num.scale), currency=code, hedges=infix), num, s)

    def _zh_count(self, num: _Num, value: Decimal, scale: int, s: int, end: int, mw: str,
                  infix: list[str]) -> _Hit | None:
        t, lex = self.t, self.lex
        if _inside(self.mask_count, s):
            return None
        if any(t.startswith(x, end) for x in lex.mw_stop.get(mw, ())):
            return None
        if t.startswith(mw, end):
            return None  # 一家家, 一批批: reduplication means "one after another"
        if num.script == "cn" and value == 1:
            return None  # 一个, 一条, 一批: the article "a"
        if value <= 0 or value != value.to_integral_value():
            return None  # 6.5张 per capita ratios, 0家
        cap = lex.mw_max.get(mw)
        if cap is not None and (value > cap or num.bare):
            return None
        prev = t[s - 1:s]
        if any(t.endswith(x, 0, s) for x in lex.zh_skip_before) or _ORDINAL_LIST.search(t, max(0, s - 8), s):
            return None  # 第十四届, 每100家, 第一、二批
        if mw in lex.zh_rank_front_units and any(t.endswith(x, 0, s) for x in lex.zh_rank_move_before):
            return None  # 排名上升1位: a move in a ranking, not a count
        if prev == "前" and (mw in lex.zh_rank_front_units
                            or any(t.endswith(x, 0, s - 1) for x in lex.zh_rank_before_front)):
            return None
        if num.script == "cn" and self._vague(s):
            return None
        hit = _Hit("count", value, s, end, max(scale, num.scale), unit=mw, hedges=infix)
        hit = self._finish(hit, num, s)
        if num.bare and not (infix[:1] in (["余"], ["多"]) or any(h in lex.zh_bare_before for h in hit.hedges[:1])):
            return None  # 千家万户, 百家争鸣; but 近千家, 上百家, 百余家 are counts
        if self._rate_clause(s):
            return None  # 每万人拥有执业医师35人, 每千人口床位数6.5张: rates, not counts
        return hit

    def _rate_clause(self, s: int) -> bool:
        left = self.t[max(0, s - 24):s]
        cut = max(left.rfind(c) for c in "，。；;,！？\n")
        return _RATE.search(left, cut + 1) is not None

    def _vague(self, s: int) -> bool:
        return any(self.t.endswith(x, 0, s) for x in self.lex.zh_vague_before)

    def _money_context(self, s: int, p: int) -> int | None:
        """End of the bare amount when money words surround it (超百亿产业链, 产值达2850亿), else None."""
        t, lex = self.t, self.lex
        for w in lex.money_after:
            if t.startswith(w, p):
                return p + len(w) if w in ("级", "量级") else p
        left = t[max(0, s - lex.money_window):s]
        if any(w in left for w in lex.money_before):
            return p
        clause = t[max(0, s - 2 * lex.money_window):s]
        cut = max(clause.rfind(c) for c in "。；;！？\n")
        if _MONEY_BEFORE.search(clause, cut + 1):
            return p  # 总收入750亿元，其中401亿来自光谷: the currency is left out after the first amount
        return None

    def _range(self, m: re.Match[str], num: _Num, low: Decimal, p: int, low_scale: int,
               en: bool = False) -> _Hit | None:
        t, lex = self.t, self.lex
        pct = t[p:p + 1] == "%"
        q = p + 1 if pct else p
        sm = (_RANGE_SEP_EN if en else _RANGE_SEP).match(t, q)
        if not sm:
            return None
        um = lex.number_re.match(t, sm.end())
        if not um or um.lastgroup != m.lastgroup and "en" in (um.lastgroup, m.lastgroup):
            return None
        hi = self._at(um, upper=True)
        if hi is None or (pct and hi.kind != "percent"):
            return None
        if hi.kind == "percent" and low_scale != 1:
            return None
        if low_scale == 1 and hi.kind != "percent":
            low = low * hi.scale
        if low >= hi.value or (hi.kind == "count" and (num.script == "cn" and low == 1)):
            return None
        upper = nb.json_number(hi.value)
        hit = _Hit(hi.kind, low, m.start(), hi.end, hi.scale, currency=hi.currency, unit=hi.unit)
        hit = self._finish(hit, num, m.start(), after=False)
        hit.hedges.append(f"range:{upper}")
        return hit

    def _prefix_cur(self, s: int) -> tuple[int, str] | None:
        pm = self.lex.prefix_cur_re.search(self.t, max(0, s - 8), s)
        if pm is None:
            return None
        return pm.start(), pm.group().strip(" \t")

    # -- English units and counted nouns
    def _en(self, m: re.Match[str], num: _Num, upper: bool) -> _Hit | None:
        t, lex = self.t, self.lex
        s, e = m.span()
        value, scale, q = num.value, 1, e
        em = lex.en_mag_re.match(t, q)
        if em:
            scale = lex.en_mag[em.group(1).lower()]
            q = em.end()
        pc = None if upper else self._prefix_cur(s)
        if pc is not None and pc[1] != "人民币":
            if not em:
                am = lex.en_abbr_re.match(t, q)
                if am:
                    scale = lex.en_abbr[am.group(1)]
                    q = am.end()
            um = lex.en_unit_re.match(t, q)
            if um and lex.en_units.get(um.group(1).lower(), ("", None))[0] == "cur":
                q = um.end()
            code = lex.prefix_cur[pc[1]]
            return self._finish(_Hit("money", value * scale, pc[0], q, scale, currency=code), num, pc[0])
        um = lex.en_unit_re.match(t, q)
        if um:
            cat, payload = lex.en_units[um.group(1).lower()]
            if cat == "meas":
                return None
            if cat in ("pct", "pp"):
                if em:
                    return None
                return self._finish(_Hit("percent", value, s, um.end(), unit=payload), num, s)
            return self._finish(_Hit("money", value * scale, s, um.end(), scale, currency=payload), num, s)
        if not upper and num.script == "ar" and not em:
            hit = self._range(m, num, value, e, 1, en=True)
            if hit is not None:
                return hit
        return self._en_count(m, num, value * scale, scale, q, em is not None)

    def _en_count(self, m: re.Match[str], num: _Num, value: Decimal, scale: int, q: int,
                  has_mag: bool) -> _Hit | None:
        t, lex = self.t, self.lex
        s, e = m.span()
        if t[e:e + 1] == "-" and not has_mag:
            return None  # five-year plan, three-tier hospitals: an adjective, not a count
        if num.script == "ar" and not has_mag and _YEAR.fullmatch(m.group()):
            return None  # in 2024, By 2024
        if num.script == "en" and value == 1:
            return None  # "one of", "one-stop": the article
        if value <= 0 or value != value.to_integral_value():
            return None
        if lex.en_skip_before_re.search(t, max(0, s - 12), s):
            return None  # No. 1, top 100, Phase 3
        om = _OF_WHICH.match(t, q)
        if om and _EN_PLURAL_BEFORE.search(t, max(0, s - 80), s):
            return self._finish(_Hit("count", value, s, om.end(), scale, unit="of which"), num, s)
        mods = 0
        while True:
            wm = _EN_WORD.match(t, q)
            if wm is None:
                return None
            w = wm.group(1).lower().rstrip("'’")
            if (value != 1 and w in lex.en_plural) or (value == 1 and w in lex.en_singular):
                hit = _Hit("count", value, s, wm.end(), scale, unit=w)
                return self._finish(hit, num, s)
            if w in lex.en_stop or mods >= lex.en_max_mod:
                return None
            mods += 1
            q = wm.end()

    # -- hedges around the number
    def _finish(self, hit: _Hit, num: _Num, start: int, after: bool = True) -> _Hit:
        t, lex = self.t, self.lex
        before = None
        hedges = lex.zh_bare_before if num.bare else lex.zh_before
        for h in hedges:
            if t.endswith(h, 0, start):
                prev = t[start - len(h) - 1:start - len(h)]
                if not prev or prev not in lex.hedge_not_after.get(h, ""):
                    before = h
                    hit.start = start - len(h)
                break
        if before is None and num.script != "cn":
            bm = lex.en_before_re.search(t, max(0, start - 16), start)
            if bm:
                before = bm.group(1)
                hit.start = bm.start()
        if after:
            am = lex.zh_after_re.match(t, hit.end) if num.script != "en" else None
            if am is None and num.script != "cn":
                am = lex.en_after_re.match(t, hit.end)
            if am:
                hit.hedges.append(am.group(am.lastindex or 0).strip())
                hit.end = am.end()
        if before:
            hit.hedges.insert(0, before)
        return hit


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    if not spans:
        return False
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


# --------------------------------------------------------------------------- API


def find_quantities(text: str) -> list[Quantity]:
    """Every money amount, count and percentage in ``text``, in order, offsets into ``text``."""
    out = []
    for h in _Scanner(text, _lexicon()).run():
        out.append(Quantity(
            kind=h.kind,
            value=nb.json_number(h.value),
            text=text[h.start:h.end],
            start=h.start,
            end=h.end,
            currency=h.currency if h.kind == "money" else None,
            unit=h.unit,
            qualifier=" ".join(h.hedges) or None,
        ))
    return out


@registry.component("quantities")
def extract_quantities(doc: Document) -> Document:
    """Pipeline component: append the quantities of ``doc.text`` to ``doc.quantities``."""
    doc.quantities.extend(find_quantities(doc.text))
    return doc
