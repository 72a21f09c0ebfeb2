"""Numbers and dates the way a reader of each language expects them (亿元 / CNY bn)."""

from __future__ import annotations

from typing import Any

_SYMBOL = {"CNY": "¥", "USD": "US$", "EUR": "€", "HKD": "HK$", "JPY": "JP¥", "GBP": "£"}


def _trim(x: float, digits: int = 4) -> str:
    return f"{x:,.{digits}g}" if abs(x) < 1e15 else f"{x:.3e}"


def money(value: float | None, currency: str | None, lang: str) -> str:
    """10516000000 CNY → 105.2亿元 (zh) or CNY 10.52 bn (en)."""
    if value is None:
        return ""
    cur = currency or "CNY"
    if lang == "zh":
        unit = "元" if cur == "CNY" else f" {cur}"
        if abs(value) >= 1e8:
            return f"{_trim(value / 1e8)}亿{unit}"
        if abs(value) >= 1e4:
            return f"{_trim(value / 1e4)}万{unit}"
        return f"{_trim(value, 6)}{unit}"
    if abs(value) >= 1e9:
        return f"{cur} {_trim(value / 1e9)} bn"
    if abs(value) >= 1e6:
        return f"{cur} {_trim(value / 1e6)} m"
    return f"{cur} {_trim(value, 6)}"


def quantity(kind: str, value: float, currency: str | None, unit: str | None, lang: str) -> str:
    if kind == "money":
        return money(value, currency, lang)
    if kind == "percent":
        return f"{_trim(value)}%"
    return f"{_trim(value, 8)} {unit or ''}".strip()


def number(value: int | float | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else _trim(value)


def date(value: str | None, lang: str) -> str:
    if not value:
        return "—"
    parts = value[:10].split("-")
    if lang == "zh" and len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return value[:10]


# Fact arguments that are bookkeeping for machines (evidence spans, the matched trigger), or that
# another field already shows (currency with the amount, unit with the value).
_HIDDEN_ARGS = {"subject_type", "trigger", "pattern", "date_precision", "currency", "unit", "mentions"}
_MONEY_ARGS = {"amount", "investment", "total"}


def fact_fields(args: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The fields of a fact worth showing a reader, formatted: (key, text) in the args' order."""
    out: list[tuple[str, str]] = []
    for key, value in args.items():
        if value is None or value == "" or isinstance(value, dict) or key in _HIDDEN_ARGS:
            continue
        if key.endswith(("_span", "_quantity", "_mention")):
            continue
        if key.endswith("_text") and args.get(key[: -len("_text")]) not in (None, ""):
            continue
        if isinstance(value, bool):
            text = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        elif isinstance(value, int | float) and (key in _MONEY_ARGS or (key == "value" and args.get("currency"))):
            text = money(float(value), args.get("currency"), lang)
        elif isinstance(value, int | float):
            text = f"{_trim(float(value), 10)} {args.get('unit') or ''}".strip() if key == "value" else number(value)
        elif isinstance(value, list):
            text = "、".join(str(v) for v in value if not isinstance(v, dict))
            if not text:
                continue
        else:
            text = str(value)
        out.append((key, text))
    return out
