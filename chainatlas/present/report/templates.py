"""Briefing text as data: the per-language template files and how numbers are printed.

Templates (``templates/zh.yaml``, ``templates/en.yaml``) are lists of fragments; a fragment is
printed only when each of its ``{placeholders}`` has a value, so optional parts of a fact drop
out without code. Numbers are printed from the stored value (yuan, counts, percent points) in the
reader's units (180.26亿元 / 18.026 billion yuan) without rounding, so the citation checker can
match them to the source sentence by value.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from chainatlas.extract.gazetteer import Gazetteer, RegionRecord, gazetteer

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGS = ("zh", "en")
_FIELD = re.compile(r"\{(\w+)\}")
_CJK = re.compile(r"[\u3400-\u9fff]")


class TemplateError(ValueError):
    """A template file that cannot be used (one line naming the file and field)."""


@functools.cache
def load(name: str) -> dict[str, Any]:
    """A template file as a dict (``zh``, ``en`` or ``sections``)."""
    path = TEMPLATES / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected a mapping at the top level")
    return data


def texts(lang: str) -> dict[str, Any]:
    if lang not in LANGS:
        raise TemplateError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return load(lang)


def label(lang: str, key: str, **values: Any) -> str:
    raw = texts(lang)["labels"][key]
    return raw.format(**values) if values else raw


def lookup(lang: str, *path: str, default: Any = None) -> Any:
    node: Any = texts(lang)
    for p in path:
        if not isinstance(node, dict) or p not in node:
            return default
        node = node[p]
    return node


def fields(fragment: str) -> list[str]:
    return _FIELD.findall(fragment)


def fill(fragment: str, values: dict[str, Any]) -> str | None:
    """The fragment with its placeholders filled, or None when one of them has no value."""
    names = fields(fragment)
    if any(values.get(n) in (None, "", [], ()) for n in names):
        return None
    return string.Formatter().vformat(fragment, (), {n: values[n] for n in names})


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


# ---------------------------------------------------------------------------- numbers


def plain(value: float | int | Decimal, grouping: bool = False) -> str:
    """A number without float noise or exponent: 105.16, 18.026, 17000 (17,000 with grouping)."""
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    d = d.quantize(Decimal("1.000000")).normalize() if d != d.to_integral_value() else d.to_integral_value()
    if d == d.to_integral_value():
        n = int(d)
        return f"{n:,}" if grouping and abs(n) >= 1000 else str(n)
    s = format(d, "f")
    if grouping:
        whole, _, frac = s.partition(".")
        whole = f"{int(whole):,}" if abs(int(whole)) >= 1000 else whole
        s = f"{whole}.{frac}"
    return s


def _scaled(value: float, steps: list[list[Any]]) -> tuple[str, str]:
    v = Decimal(repr(float(value)))
    for factor, word in steps:
        f = Decimal(repr(float(factor)))
        if abs(v) >= f:
            return plain(v / f), word
    factor, word = steps[-1]
    return plain(v / Decimal(repr(float(factor)))), word


@dataclass(frozen=True, slots=True)
class Amount:
    """How a fact's number is printed: the number with its unit, ready for a phrase."""

    text: str
    kind: str  # money | count | percent


def qualifier_words(lang: str, qualifier: str | None) -> tuple[str, str]:
    """(word, position) for a hedge printed with a number: 约 → ('约', 'before'), 多 → ('多', 'infix')
    in Chinese; 多 → ('more than', 'before') in English."""
    if not qualifier:
        return "", "before"
    q = qualifier.strip()
    table = lookup(lang, "qualifiers", default={}) or {}
    entry = table.get(q, table.get(q.lower()))
    if lang == "zh":
        if isinstance(entry, dict):
            return entry.get("zh", ""), entry.get("pos", "before")
        if isinstance(entry, str):
            return q, entry
        return (q, "before") if is_cjk(q) else ("", "before")
    if isinstance(entry, str):
        return entry, "before"
    return ("", "before") if is_cjk(q) else (q, "before")


def money_text(value: float, currency: str | None, lang: str, qualifier: str | None = None) -> str:
    units = lookup(lang, "units", default={})
    cur = (currency or "CNY").upper()
    if cur == "CNY":
        number, word = _scaled(value, units["money"])
    elif cur == "USD":
        number, word = _scaled(value, units["money_usd"])
    else:
        number, word = units["money_other"].format(number=plain(value, lang == "en"), currency=cur), ""
    sep = " " if lang == "en" and word else ""
    return _hedged(f"{number}{sep}{word}", lang, qualifier)


def count_text(value: float, unit: str | None, lang: str, qualifier: str | None = None) -> str:
    number = plain(value, grouping=lang == "en")
    q, pos = qualifier_words(lang, qualifier)
    if lang == "en":
        return f"{q} {number}" if q else number
    mw = ""
    if unit and is_cjk(unit):
        mw = unit
    elif unit:
        mw = (lookup("zh", "units", "count", default={}) or {}).get(unit.lower(), "")
    if pos == "infix":
        return f"{number}{q}{mw}"
    if pos == "after":
        return f"{number}{mw}{q}"
    return f"{q}{number}{mw}"


def _hedged(body: str, lang: str, qualifier: str | None) -> str:
    q, pos = qualifier_words(lang, qualifier)
    if not q:
        return body
    if lang == "en":
        return f"{q} {body}"
    return f"{body}{q}" if pos == "after" else f"{q}{body}"


def percent_text(value: float, lang: str, qualifier: str | None = None) -> str:
    body = lookup(lang, "units", "percent", default="{number}%").format(number=plain(value))
    return _hedged(body, lang, qualifier)


def kind_of(args: dict[str, Any]) -> str:
    if args.get("currency") or args.get("unit") in ("元", "yuan"):
        return "money"
    if args.get("unit") in ("%", "percent"):
        return "percent"
    return "count"


def metric_amount(args: dict[str, Any], lang: str) -> Amount | None:
    """The metric fact's value as printed (None when it has no numeric value)."""
    value = args.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    kind = kind_of(args)
    q = args.get("qualifier")
    if kind == "money":
        return Amount(money_text(value, args.get("currency"), lang, q), kind)
    if kind == "percent":
        return Amount(percent_text(value, lang, q), kind)
    return Amount(count_text(value, args.get("unit"), lang, q), kind)


def metric_name(metric: str, lang: str) -> str:
    if lang == "zh":
        return metric
    return (lookup("en", "metric_names", default={}) or {}).get(metric, metric)


def metric_phrase(metric: str, amount: str, lang: str) -> str:
    phrases = lookup(lang, "metric", "phrases", default={}) or {}
    tpl = phrases.get(metric) or lookup(lang, "metric", "phrase_default")
    return tpl.format(metric=metric_name(metric, lang), value=amount)


def status_text(status: str | None, lang: str) -> str:
    if not status:
        return ""
    table = lookup(lang, "statuses", default={}) or {}
    return table.get(status, status)


def translated(lang: str, table: str, value: object) -> str:
    """A stored Chinese word (a product claim, an approval) in the report language, else as stored."""
    if not value or not isinstance(value, str):
        return ""
    return (lookup(lang, table, default={}) or {}).get(value, value)


def role_text(role: str | None, lang: str) -> str:
    if not role:
        return ""
    table = lookup(lang, "roles", default={}) or {}
    return table.get(role, role)


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def date_variants(date: str | None, lang: str, printed: str | None = None) -> list[str]:
    """Ways to print a date, fullest first; the builder keeps the first its source supports
    (a year resolved from the publication date is not printed when the sentence lacks it)."""
    out: list[str] = []
    if lang == "zh" and printed and is_cjk(printed):
        out.append(printed)
    m = _DATE.match(date or "")
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if lang == "zh":
            if mo and d:
                out += [f"{y}年{int(mo)}月{int(d)}日", f"{int(mo)}月{int(d)}日"]
            elif mo:
                out += [f"{y}年{int(mo)}月", f"{int(mo)}月"]
            else:
                out.append(f"{y}年")
        else:
            months = lookup("en", "months", default=[])
            if mo and d:
                out += [f"on {int(d)} {months[int(mo) - 1]} {y}", f"on {int(d)} {months[int(mo) - 1]}"]
            elif mo:
                out += [f"in {months[int(mo) - 1]} {y}", f"in {months[int(mo) - 1]}"]
            else:
                out.append(f"in {y}")
    return list(dict.fromkeys(out))


def period_text(period: str | None, lang: str) -> str:
    if not period:
        return ""
    m = re.fullmatch(r"(\d{4})", str(period))
    tpl = lookup(lang, "metric", "period", default="{year}")
    return tpl.format(year=m.group(1)) if m else str(period)


# ---------------------------------------------------------------------------- places


@functools.cache
def gz() -> Gazetteer:
    return gazetteer()


def region_record(name: str | None) -> RegionRecord | None:
    """The likeliest gazetteer record for a stored region name (德州市, Dezhou, 371400)."""
    if not name:
        return None
    g = gz()
    r = g.by_code(name)
    if r is not None:
        return r
    hits = g.lookup(name)
    return hits[0] if hits else None


def region_display(record: RegionRecord | None, name: str, lang: str) -> str:
    """德州市 in Chinese; standard pinyin (Dezhou) in English."""
    if lang == "zh" or record is None:
        if lang == "en" and record is None and is_cjk(name):
            r = region_record(name)
            if r is not None and r.en:
                return r.en
        return record.name if record is not None and lang == "zh" else name
    return record.en or record.en_full or name


def place_display(name: str | None, lang: str, subject_type: str | None = None) -> str:
    """A stored place or subject name for the reader: regions in pinyin for English."""
    if not name:
        return ""
    if subject_type in (None, "region") and lang == "en" and is_cjk(name):
        r = region_record(name)
        if r is not None and r.en:
            return r.en
    return name
