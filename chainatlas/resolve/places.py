"""Where a name is: region prefixes, containment of administrative codes, a document's cities.

Names carry places (锦州奥鸿药业, 泰州医药高新区); two names can only be one entity when their
places agree. Places are compared by 6-digit administrative codes: 锦州 (210700) lies in 辽宁
(210000), 泰州 (321200) and 台州 (331000) are different cities whatever their sound. A prefix with
several readings (朝阳: a city in Liaoning, districts in Beijing and Changchun) keeps them all and
agrees with anything one of them agrees with.

The table is the shared gazetteer (``chainatlas.extract.gazetteer``); cpca's adcodes table is the
fallback when that module is not importable.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from chainatlas.model import Entity

NATIONAL = "CN"  # a name-wide anchor (中国医药城): compatible with every Chinese region
_CODE = re.compile(r"\d{6}")
_ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "新区", "省", "市", "县", "区", "旗", "盟")


class _Table:
    """Printed region form → codes, and form → short form, whatever the source."""

    def __init__(self, codes: dict[str, frozenset[str]], prefixes: dict[str, str]) -> None:
        self.codes = codes
        self.prefixes = prefixes
        self.max_len = max((len(k) for k in prefixes), default=0)


def _from_gazetteer() -> _Table:
    from chainatlas.extract.gazetteer import gazetteer

    gz = gazetteer()
    codes: dict[str, set[str]] = defaultdict(set)
    for form, records in gz.forms().items():
        for r in records:
            if r.code and r.level != "zone":
                codes[form].add(r.code)
    prefixes = {k: v for k, v in gz.region_prefix_map(True).items() if codes.get(k)}
    return _Table({k: frozenset(v) for k, v in codes.items()}, prefixes)


def _from_cpca() -> _Table:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.origin:
        raise RuntimeError("resolve: neither chainatlas.extract.gazetteer nor cpca is available for region names")
    path = Path(spec.origin).parent / "resources" / "adcodes.csv"
    codes: dict[str, set[str]] = defaultdict(set)
    prefixes: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code, name = (row.get("adcode") or "")[:6], row.get("name") or ""
            if not _CODE.fullmatch(code) or not name or name.endswith("辖区") or name == "县":
                continue
            codes[name].add(code)
            short = name
            for suf in _ADMIN_SUFFIXES:
                if name.endswith(suf) and len(name) - len(suf) >= 2:
                    short = name[: -len(suf)]
                    break
            prefixes.setdefault(name, short)
            if short != name and code.endswith("00"):  # county short forms are too often words
                codes[short].add(code)
                prefixes.setdefault(short, short)
    return _Table({k: frozenset(v) for k, v in codes.items()}, prefixes)


@functools.cache
def table() -> _Table:
    """The region table, loaded once per process."""
    try:
        return _from_gazetteer()
    except ImportError:
        return _from_cpca()


def prefix_of(text: str, min_rest: int = 2) -> str | None:
    """The longest region form ``text`` starts with, leaving at least ``min_rest`` characters."""
    t = table()
    for n in range(min(len(text) - min_rest, t.max_len), 1, -1):
        if text[:n] in t.prefixes:
            return text[:n]
    return None


def codes_of(form: str) -> frozenset[str]:
    """Administrative codes a printed region form may stand for (empty when unknown)."""
    return table().codes.get(form, frozenset())


def is_region_form(text: str) -> bool:
    return text in table().codes


def contains(a: str, b: str) -> bool:
    """Whether region ``a`` is or encloses region ``b`` (codes; ``CN`` encloses everything)."""
    if a in (b, NATIONAL):
        return True
    if b == NATIONAL or not (_CODE.fullmatch(a) and _CODE.fullmatch(b)):
        return False
    if a.endswith("0000"):
        return b[:2] == a[:2]
    if a.endswith("00"):
        return b[:4] == a[:4]
    return False


def compatible(a: Iterable[str], b: Iterable[str]) -> bool:
    """Two readings of places agree when one of ``a`` encloses one of ``b`` or the other way."""
    a, b = tuple(a), tuple(b)
    if not a or not b:
        return True
    return any(contains(x, y) or contains(y, x) for x in a for y in b)


def same_place(a: Iterable[str], b: Iterable[str]) -> bool:
    """Stricter than :func:`compatible`: some reading is the very same region."""
    return bool(set(a) & set(b))


def area(code: str) -> str:
    """The prefecture-level unit of a code (provinces stay provinces): the unit of 'same city'."""
    if code == NATIONAL or not _CODE.fullmatch(code) or code.endswith("0000"):
        return code
    return code[:4] + "00"


def is_province(code: str) -> bool:
    return bool(_CODE.fullmatch(code)) and code.endswith("0000")


def areas(codes: Iterable[str]) -> frozenset[str]:
    """Prefecture-level areas of ``codes``; provinces only where nothing finer is given."""
    fine = {area(c) for c in codes if c != NATIONAL and not is_province(c)}
    coarse = {c for c in codes if is_province(c) and not any(contains(c, f) for f in fine)}
    return frozenset(fine | coarse)


def overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    """Two sets of areas share a city (or a province stands for one of the other's cities)."""
    a, b = areas(a), areas(b)
    return any(x == y or (is_province(x) and contains(x, y)) or (is_province(y) and contains(y, x))
               for x in a for y in b)


def region_code(ent: Entity) -> str | None:
    """An extracted region's code: its own, else the one reading of its printed name."""
    if ent.code and _CODE.fullmatch(ent.code.strip()):
        return ent.code.strip()
    readings = codes_of(ent.name.strip())
    return next(iter(readings)) if len(readings) == 1 else None


def document_context(entities: Iterable[Entity]) -> tuple[str, ...]:
    """The areas a document is about: where its region entities lie (sorted, for determinism)."""
    codes = [c for e in entities if e.type == "region" and (c := region_code(e))]
    return tuple(sorted(areas(codes)))


def label(codes: Iterable[str]) -> str:
    """A short human form of a set of codes (for reasons): the first code's name."""
    names = []
    for c in sorted(codes):
        names.append(_name_of(c) or c)
    return "/".join(names)


@functools.cache
def _names_by_code() -> dict[str, str]:
    out: dict[str, str] = {}
    for form, codes in table().codes.items():
        for c in codes:
            if c not in out or len(form) > len(out[c]):
                out[c] = form
    return out


def _name_of(code: str) -> str | None:
    if code == NATIONAL:
        return "中国"
    return _names_by_code().get(code)
