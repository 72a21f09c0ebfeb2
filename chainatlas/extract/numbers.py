"""Number parsing and data-file loading for the quantities component.

Kept apart from the matching rules so other components (facts, metrics) can reuse the
number parser: Arabic numbers with thousands separators, Chinese numerals through cn2an,
English number words, and magnitude words (万, 亿, million …) from data files.
Values are ``Decimal`` until the last step so 105.16亿 is exactly 10516000000.
"""

from __future__ import annotations

import csv
import functools
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import cn2an
import yaml

DATA = Path(__file__).parent / "data"

# One-to-one character map (offsets stay valid): full-width digits and signs to ASCII.
FULLWIDTH = str.maketrans("０１２３４５６７８９％．＋～", "0123456789%.+~")

CN_DIGITS = "零〇一二两三四五六七八九"
CN_UNITS = "十百千万亿"


# --------------------------------------------------------------------------- data files


def read_rows(name: str, min_cols: int = 1) -> list[list[str]]:
    """Tab-separated rows of a data file, without comments and blank lines."""
    path = DATA / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuntimeError(f"quantities: cannot read data file {path}: {exc}") from exc
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(row) < min_cols or not row[0]:
            raise ValueError(f"quantities: {path}:{lineno}: expected {min_cols} tab-separated columns")
        rows.append(row)
    return rows


def read_yaml(name: str) -> dict[str, Any]:
    path = DATA / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuntimeError(f"quantities: cannot read data file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"quantities: {path}: expected a mapping at the top level")
    return data


@functools.cache
def magnitudes() -> dict[str, dict[str, int]]:
    """script → {surface: factor}; scripts are zh, en and en_abbr."""
    out: dict[str, dict[str, int]] = {"zh": {}, "en": {}, "en_abbr": {}}
    for row in read_rows("quantities_magnitudes.tsv", 3):
        surface, factor, script = row[0], row[1], row[2]
        if script not in out:
            raise ValueError(f"quantities: quantities_magnitudes.tsv: unknown script {script!r} for {surface!r}")
        out[script][surface] = int(factor)
    return out


@functools.cache
def en_number_words() -> dict[str, tuple[int, str]]:
    """English number word → (value, role)."""
    return {r[0].lower(): (int(r[1]), r[2]) for r in read_rows("quantities_en_numbers.tsv", 3)}


# --------------------------------------------------------------------------- parsing


def arabic_value(s: str) -> Decimal | None:
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None


@functools.lru_cache(maxsize=4096)
def cn_value(s: str) -> Decimal | None:
    """A Chinese numeral (三, 十二, 一百二十, 三点五, 两千, 十二亿) or None when malformed.

    cn2an's strict mode rejects digit strings such as 十三五 or 一一 (so 十四五 and 唯一一家
    are not numbers); 两 is read as 二 first because strict mode does not know it. A bare
    magnitude (百亿, 千万) is looked up in the magnitude table.
    """
    if not s:
        return None
    if all(ch in CN_UNITS for ch in s) and s != "十":
        factor = magnitudes()["zh"].get(s)
        return Decimal(factor) if factor else None
    try:
        v = cn2an.cn2an(s.replace("两", "二"), "strict")
    except (ValueError, KeyError, IndexError):
        return None
    return Decimal(str(v))


def en_word_value(s: str) -> Decimal | None:
    """twenty-five, eight, Twelve → Decimal."""
    words = en_number_words()
    total = 0
    for part in s.lower().split("-"):
        hit = words.get(part)
        if hit is None:
            return None
        total += hit[0]
    return Decimal(total)


def json_number(d: Decimal) -> int | float:
    """int when whole (JSON prints 10516000000, not 1.0516e10), else float."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)
