"""Dates in an article, resolved against its publication date.

News about projects and events rarely prints full dates: "10月21日", "今年以来", "日前",
"on Oct 21", "last year". An analyst needs a calendar date or year, so each expression is
resolved against ``Document.published``: a month-day takes the publication year unless
that puts it more than a month after publication (then the year before); "今年" is the
publication year, "去年" the one before; "日前/近日/recently" is the publication date with
precision "approximate". Without a publication date the printed text is kept and the date
is null. Comparison bases (比上年, 去年同期, compared with 2020) are marked, not used as
the time of a fact.

The ``dates`` component stores the list in ``doc.meta["dates"]`` (plain dicts); the other
fact components read it through :func:`date_mentions`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, fields
from typing import Any

from chainatlas.extract.facts.common import alternation, load_yaml, words
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(slots=True)
class DateMention:
    """One time expression: where it is printed and what it resolves to."""

    start: int
    end: int
    text: str
    kind: str  # absolute | partial | year | relative | part | plan
    date: str | None  # YYYY-MM-DD, YYYY-MM, YYYY or "YYYY/YYYY" for a span
    precision: str | None  # day | month | year | approximate | span
    year: int | None  # the year a figure printed with it belongs to
    base: bool = False  # a comparison base or a starting point, not the time of a fact

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _FIELDS}


_FIELDS = tuple(f.name for f in fields(DateMention))


@dataclass(frozen=True)
class _Rules:
    zh_rel_re: re.Pattern[str]
    zh_rel: dict[str, str | None]
    en_rel_re: re.Pattern[str]
    en_rel: dict[str, str | None]
    months: dict[str, int]
    zh_part_re: re.Pattern[str]
    en_part_re: re.Pattern[str]
    parts: dict[str, int]
    plan_re: re.Pattern[str]
    plans: dict[str, tuple[int, int]]
    plan_end: tuple[str, ...]
    zh_base_before: tuple[str, ...]
    en_base_before: tuple[str, ...]
    zh_base_after: tuple[str, ...]
    not_after: dict[str, str]


@functools.cache
def _rules() -> _Rules:
    d = load_yaml("facts_dates.yaml")
    zh_rel = {str(k): v for k, v in (d.get("relative_zh") or {}).items()}
    en_rel = {str(k).lower(): v for k, v in (d.get("relative_en") or {}).items()}
    months = {str(k).lower(): int(v) for k, v in (d.get("months_en") or {}).items()}
    parts_zh = {str(k): int(v) for k, v in ((d.get("part_of_year") or {}).get("zh") or {}).items()}
    parts_en = {str(k).lower(): int(v) for k, v in ((d.get("part_of_year") or {}).get("en") or {}).items()}
    plans = {str(k).lower(): (int(v[0]), int(v[1])) for k, v in (d.get("five_year_plans") or {}).items()}
    plan_end = (d.get("plan_end_words") or {})
    base_before = d.get("year_comparison_before") or {}
    return _Rules(
        zh_rel_re=re.compile(alternation(zh_rel)),
        zh_rel=zh_rel,
        en_rel_re=re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in words(en_rel))})\b"),
        en_rel=en_rel,
        months=months,
        zh_part_re=re.compile(alternation(parts_zh)),
        en_part_re=re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in words(parts_en))})\b"),
        parts={**parts_zh, **parts_en},
        plan_re=re.compile(alternation(plans, en=True), re.I),
        plans=plans,
        plan_end=words([*(plan_end.get("zh") or []), *(plan_end.get("en") or [])]),
        zh_base_before=words(base_before.get("zh")),
        en_base_before=words(base_before.get("en")),
        zh_base_after=words((d.get("year_not_period_after") or {}).get("zh")),
        not_after={str(k): "".join(str(x) for x in (v or [])) for k, v in (d.get("relative_not_after") or {}).items()},
    )


_ZH_FULL = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ZH_YM = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?![\d至到\-－~])")
_ZH_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年(?!代)")
_ISO = re.compile(r"(?<![\d])((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
_ZH_MD = re.compile(r"(?<![\d年.])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ZH_MD_CN = re.compile(r"(?<![年一二三四五六七八九十])([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})[日号]")
# The scans below start with what they look for, not with a look-behind or \b (the regex
# engine can then skip ahead); what must not precede a match is checked by hand.
_ZH_ANCHOR = re.compile(r"\d{1,4}(?=\s*[年月日号\-/.－—~～至到])")  # not after a digit or '.'
_EN_MONTH = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\b\.?")  # not after a letter
_EN_AFTER_MONTH = re.compile(r"\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d])(?:,?\s+((?:19|20)\d{2})(?!\d))?")
_EN_BEFORE_MONTH = re.compile(r"(?<![\d])(\d{1,2})(?:st|nd|rd|th)?\s+$")
_EN_YEAR_AFTER = re.compile(r",?\s+((?:19|20)\d{2})(?!\d)")
_EN_YEAR = re.compile(r"((?:19|20)\d{2})(?!\d|,\d{3}|\.\d)")  # not after a digit , . $
# "1-11月", "1至5月": months so far of a year (the publication year unless not yet over).
_ZH_MONTHS = re.compile(r"(?<![\d年.])(\d{1,2})\s*[-－—~～至到]\s*(\d{1,2})\s*月(?:份)?")


def _cn_small(s: str) -> int | None:
    """一..三十一 written in Chinese numerals."""
    if not s:
        return None
    if "十" in s:
        a, _, b = s.partition("十")
        tens = _CN_NUM.get(a, 0) if a else 1
        ones = _CN_NUM.get(b, 0) if b else 0
        if (a and a not in _CN_NUM) or (b and b not in _CN_NUM):
            return None
        return tens * 10 + ones
    return _CN_NUM.get(s) if len(s) == 1 else None


def parse_published(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def resolve_month_day(month: int, day: int, published: dt.date | None, year: int | None = None) -> str | None:
    """A month-day in the publication year, or the year before when that is > 1 month ahead."""
    if year is not None:
        d = _valid(year, month, day)
        return d.isoformat() if d else None
    if published is None:
        return None
    d = _valid(published.year, month, day)
    if d is None:
        return None
    if (d - published).days > 31:
        d = _valid(published.year - 1, month, day)
    return d.isoformat() if d else None


def resolve_relative(rule: str | None, published: dt.date | None) -> tuple[str | None, str | None, int | None]:
    """(date, precision, year) for a relative word's rule (year-1, day+0, approx …)."""
    if rule is None or published is None:
        return None, None, None
    m = re.fullmatch(r"(year|month|day)([+-]\d+)", rule)
    if rule == "approx":
        return published.isoformat(), "approximate", published.year
    if not m:
        return None, None, None
    unit, n = m.group(1), int(m.group(2))
    if unit == "year":
        y = published.year + n
        return str(y), "year", y
    if unit == "day":
        d = published + dt.timedelta(days=n)
        return d.isoformat(), "day", d.year
    y, mo = divmod(published.year * 12 + published.month - 1 + n, 12)
    return f"{y:04d}-{mo + 1:02d}", "month", y


def resolve_date(expr: str, published: str | None, lang: str = "zh") -> dict[str, Any] | None:
    """Resolve one printed expression ("10月21日", "去年", "on October 21") — for callers and tests."""
    ms = find_dates(expr, published, lang)
    if not ms:
        return None
    m = max(ms, key=lambda x: x.end - x.start)
    return {"text": m.text, "date": m.date, "precision": m.precision, "year": m.year, "kind": m.kind}


def _is_base(text: str, start: int, end: int, en: bool) -> bool:
    R = _rules()
    if en:
        before = text[max(0, start - 16):start].lower().rstrip()
        return any(before.endswith(w) for w in R.en_base_before)
    before = text[max(0, start - 3):start]
    after = text[end:end + 2]
    return any(before.endswith(w) for w in R.zh_base_before) or any(after.startswith(w) for w in R.zh_base_after)


def find_dates(text: str, published: str | None, lang: str = "zh",
               skip: list[tuple[int, int]] | None = None) -> list[DateMention]:
    """Every time expression in text, leftmost-longest, resolved against published.

    ``skip`` spans (quantities) hold numbers that are amounts, never years.
    """
    R = _rules()
    pub = parse_published(published)
    found: list[DateMention] = []

    def add(s: int, e: int, kind: str, date: str | None, prec: str | None, year: int | None) -> None:
        found.append(DateMention(s, e, text[s:e], kind, date, prec, year, _is_base(text, s, e, lang == "en")))

    # One scan for numbers that may start a date, then the specific patterns anchored there.
    for a in _ZH_ANCHOR.finditer(text):
        p = a.start()
        if p and (text[p - 1].isdecimal() or text[p - 1] == "."):
            continue
        m = _ZH_FULL.match(text, p)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            iso = resolve_month_day(mo, d, None, y)
            add(m.start(), m.end(), "absolute", iso, "day" if iso else None, y)
        m = _ISO.match(text, p)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            iso = resolve_month_day(mo, d, None, y)
            if iso:
                add(m.start(), m.end(), "absolute", iso, "day", y)
        m = _ZH_YM.match(text, p)
        if m and 1 <= int(m.group(2)) <= 12:
            y, mo = int(m.group(1)), int(m.group(2))
            add(m.start(), m.end(), "absolute", f"{y:04d}-{mo:02d}", "month", y)
        m = _ZH_YEAR.match(text, p)
        if m:
            y = int(m.group(1))
            add(m.start(), m.end(), "year", str(y), "year", y)
        m = _ZH_MD.match(text, p)
        if m:
            mo, d = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                iso = resolve_month_day(mo, d, pub)
                add(m.start(), m.end(), "partial", iso, "day" if iso else None, int(iso[:4]) if iso else None)
        m = _ZH_MONTHS.match(text, p)
        if m:
            a0, b0 = int(m.group(1)), int(m.group(2))
            if 1 <= a0 < b0 <= 12:
                year = None if pub is None else (pub.year if b0 <= pub.month else pub.year - 1)
                add(m.start(), m.end(), "part", str(year) if year else None, "year" if year else None, year)
    if "月" in text:
        for m in _ZH_MD_CN.finditer(text):
            mo, d = _cn_small(m.group(1)), _cn_small(m.group(2))
            if not mo or not d or not (1 <= mo <= 12 and 1 <= d <= 31):
                continue
            iso = resolve_month_day(mo, d, pub)
            add(m.start(), m.end(), "partial", iso, "day" if iso else None, int(iso[:4]) if iso else None)
    for m in R.zh_rel_re.finditer(text):
        rule = R.zh_rel.get(m.group())
        bad = R.not_after.get(m.group(), "")
        if m.start() > 0 and bad and text[m.start() - 1] in bad:
            continue
        date, prec, year = resolve_relative(rule, pub)
        dm = DateMention(m.start(), m.end(), m.group(), "relative", date, prec, year, rule is None)
        found.append(dm)
    for m in R.zh_part_re.finditer(text):
        year = _part_year(R.parts[m.group()], pub)
        add(m.start(), m.end(), "part", str(year) if year else None, "year" if year else None, year)
    for m in (R.plan_re.finditer(text) if ("五" in text or "ive-" in text or "ive " in text) else ()):
        a, b = R.plans[m.group().lower()]
        tail = text[m.end():m.end() + 4].lstrip("”\"' ")
        head = text[max(0, m.start() - 20):m.start()].lower()
        end_word = any(tail.startswith(w) for w in R.plan_end) or "end of" in head
        if end_word:
            add(m.start(), m.end(), "plan", str(b), "year", b)
        else:
            add(m.start(), m.end(), "plan", f"{a}/{b}", "span", None)
    if lang == "en":
        _find_en(text, pub, found, skip or [])
    out = _leftmost_longest(found)
    _resolve_prev(out, text)
    return out


def _resolve_prev(ms: list[DateMention], text: str) -> None:
    """当日 / 当天: the day of the date printed last before it (no date before: unknown)."""
    R = _rules()
    last = None
    for m in ms:
        rule = R.zh_rel.get(m.text) if m.kind == "relative" else None
        if rule == "prev":
            m.base = False
            if last is not None:
                m.date, m.precision, m.year = last.date, last.precision, last.year
            continue
        if m.kind in ("absolute", "partial") and m.precision == "day":
            last = m


def _part_year(first_month: int, pub: dt.date | None) -> int | None:
    if pub is None:
        return None
    return pub.year if first_month <= pub.month else pub.year - 1


def _find_en(text: str, pub: dt.date | None, found: list[DateMention], skip: list[tuple[int, int]]) -> None:
    R = _rules()

    def add(s: int, e: int, kind: str, date: str | None, prec: str | None, year: int | None, base: bool | None = None) -> None:
        b = _is_base(text, s, e, True) if base is None else base
        found.append(DateMention(s, e, text[s:e], kind, date, prec, year, b))

    for mm in _EN_MONTH.finditer(text):
        if mm.start() and text[mm.start() - 1].isalpha():
            continue
        mo = R.months.get(mm.group().lower().rstrip("."))
        if not mo:
            continue
        after = _EN_AFTER_MONTH.match(text, mm.end())
        if after and 1 <= int(after.group(1)) <= 31:
            d = int(after.group(1))
            y = int(after.group(2)) if after.group(2) else None
            iso = resolve_month_day(mo, d, pub, y)
            add(mm.start(), after.end(), "absolute" if y else "partial", iso, "day" if iso else None,
                int(iso[:4]) if iso else y)
            continue
        head = text[max(0, mm.start() - 6):mm.start()]
        before = _EN_BEFORE_MONTH.search(head)
        ym = _EN_YEAR_AFTER.match(text, mm.end())
        y = int(ym.group(1)) if ym else None
        if before and 1 <= int(before.group(1)) <= 31:
            d = int(before.group(1))
            iso = resolve_month_day(mo, d, pub, y)
            add(mm.start() - len(head) + before.start(), ym.end() if ym else mm.end(), "absolute" if y else "partial",
                iso, "day" if iso else None, int(iso[:4]) if iso else y)
        elif ym:
            add(mm.start(), ym.end(), "absolute", f"{y:04d}-{mo:02d}", "month", y)
    for m in _EN_YEAR.finditer(text):
        if m.start() and (text[m.start() - 1].isdecimal() or text[m.start() - 1] in ",.$"):
            continue
        s, e = m.span()
        if any(a <= s < b for a, b in skip):
            continue
        y = int(m.group(1))
        add(s, e, "year", str(y), "year", y)
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: keep offsets right
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    for m in R.en_rel_re.finditer(low):
        rule = R.en_rel.get(m.group())
        date, prec, year = resolve_relative(rule, pub)
        add(m.start(), m.end(), "relative", date, prec, year, True if rule is None else None)
    for m in R.en_part_re.finditer(low):
        year = _part_year(R.parts[m.group()], pub)
        add(m.start(), m.end(), "part", str(year) if year else None, "year" if year else None, year)


def _leftmost_longest(ms: list[DateMention]) -> list[DateMention]:
    ms.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[DateMention] = []
    reach = -1
    for m in ms:
        if m.start < reach:
            continue
        out.append(m)
        reach = m.end
    return out


def date_mentions(doc: Document) -> list[DateMention]:
    """The document's dates: from ``doc.meta["dates"]`` when the component ran, else computed."""
    stored = doc.meta.get("dates") if isinstance(doc.meta, dict) else None
    if isinstance(stored, list) and all(isinstance(x, dict) for x in stored):
        try:
            return [DateMention(**x) for x in stored]
        except TypeError:
            pass
    skip = [(q.start, q.end) for q in doc.quantities]
    return find_dates(doc.text, doc.published, doc.lang or "zh", skip)


@registry.component("dates")
def extract_dates(doc: Document) -> Document:
    """Store resolved dates in ``doc.meta["dates"]`` for the other fact components."""
    skip = [(q.start, q.end) for q in doc.quantities]
    doc.meta["dates"] = [m.as_dict() for m in find_dates(doc.text, doc.published, doc.lang or "zh", skip)]
    return doc
