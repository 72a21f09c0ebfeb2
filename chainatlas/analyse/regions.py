"""Which region a user means, and which stored places lie inside it.

An analyst types 德州, 德州市, Dezhou, 371400, 北京市朝阳区 or a typo (德洲市). A wrong guess would
show another city's figures, and an empty answer would read as "this city has no data", so a name
resolves only when exactly one region fits; otherwise :class:`RegionNotFound` or
:class:`AmbiguousRegion` is raised with the candidates (regions of the gazetteer and region
entities of the atlas), the ones the atlas has documents about first.

Containment is by the gazetteer's parent chain, which is the admin-code prefix rule (a county of
德州市 has a code starting 3714) extended to functional zones (天衢新区 → 德州市), which have no code.
Municipalities (北京市, 上海市, 天津市, 重庆市) are province-level units that analysts compare with
prefecture-level cities, so at city level they stand for themselves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from chainatlas.extract.gazetteer import MUNICIPALITIES, Gazetteer, RegionRecord, gazetteer

LEVELS = ("province", "prefecture", "county", "zone")
_CODE = re.compile(r"\d{6}")
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s*[(（](?P<within>[^()（）]+)[)）]\s*$")


@dataclass(frozen=True, slots=True)
class Region:
    """A region of the gazetteer. ``key`` is its code, or ``parent:name`` for a zone without one."""

    key: str
    name: str
    level: str  # province | prefecture | county | zone
    code: str | None = None
    parent: str | None = None
    province: str | None = None  # name of the province-level unit
    en: str | None = None
    parent_name: str | None = None

    @property
    def label(self) -> str:
        """Name with where it is: 朝阳区 (北京市, 110105), 齐河县 (山东省德州市, 371425)."""
        place = self.province if self.province != self.name else None
        if self.parent_name and self.parent_name not in (self.province, self.name):
            place = f"{place or ''}{self.parent_name}"
        where = [x for x in (place, self.code) if x]
        return f"{self.name} ({', '.join(where)})" if where else self.name

    @property
    def unit_level(self) -> str:
        """The level this region is compared at: a municipality counts as a city."""
        if self.level == "province" and self.code in MUNICIPALITIES:
            return "prefecture"
        return self.level


@dataclass(frozen=True, slots=True)
class Candidate:
    """A region the user may have meant, with how many atlas documents mention it."""

    region: Region
    documents: int = 0

    @property
    def label(self) -> str:
        return self.region.label + (f" — {self.documents} docs in the atlas" if self.documents else "")


class RegionNotFound(LookupError):
    """No region of that name; ``candidates`` are the likeliest meant (may be empty)."""

    def __init__(self, query: str, candidates: Iterable[Candidate] = (), message: str | None = None) -> None:
        self.query = query
        self.candidates: list[Candidate] = list(candidates)
        super().__init__(message or self._message())

    def _message(self) -> str:
        msg = f"no region named {self.query!r}"
        if self.candidates:
            msg += "; did you mean: " + ", ".join(c.region.label for c in self.candidates)
        return msg


class AmbiguousRegion(RegionNotFound):
    """Several regions have that name (朝阳区 in Beijing and in Changchun)."""

    def _message(self) -> str:
        return (f"{self.query!r} names {len(self.candidates)} regions; did you mean: "
                + ", ".join(c.region.label for c in self.candidates))


def to_region(r: RegionRecord, gz: Gazetteer | None = None) -> Region:
    gz = gz or gazetteer()
    parent = gz.by_code(r.parent) if r.parent else None
    return Region(key=r.key, name=r.name, level=r.level, code=r.code, parent=r.parent,
                  province=gz.province_name(r.province) if r.province else None, en=r.en or None,
                  parent_name=parent.name if parent else None)


@dataclass
class RegionResolver:
    """Resolves user strings against the gazetteer; ``atlas_counts`` (region key → number of
    documents) ranks candidates the atlas knows first and adds atlas-only names."""

    atlas_counts: Mapping[str, int] = field(default_factory=dict)
    atlas_names: Mapping[str, str] = field(default_factory=dict)  # printed name or alias → region key
    gz: Gazetteer = field(default_factory=gazetteer)

    def resolve(self, query: str, limit: int = 10) -> Region:
        q = unicodedata.normalize("NFKC", query or "").strip()
        if not q:
            raise RegionNotFound(query, message="no region given")
        records = self._exact(q)
        if len(records) == 1:
            return to_region(records[0], self.gz)
        if len(records) > 1:
            raise AmbiguousRegion(query, self._rank(records))
        raise RegionNotFound(query, self._rank(self._fuzzy(q))[:limit])

    def candidates(self, query: str, limit: int = 10) -> list[Candidate]:
        """Everything the user may mean (exact readings first, then near names)."""
        q = unicodedata.normalize("NFKC", query or "").strip()
        exact = self._exact(q)
        seen = {r.key for r in exact}
        more = [r for r in self._fuzzy(q) if r.key not in seen]
        return self._rank(exact)[:limit] + self._rank(more)[: max(0, limit - len(exact))]

    # ------------------------------------------------------------------ readings

    def _exact(self, q: str) -> list[RegionRecord]:
        gz = self.gz
        if _CODE.fullmatch(q):
            r = gz.by_code(q)
            return [r] if r else []
        hits = gz.lookup(q)
        if hits:
            return _dedupe(hits)
        key = self.atlas_names.get(q)
        if key and gz.by_code(key):
            return [gz.by_code(key)]  # type: ignore[list-item]
        m = _QUALIFIED.match(q)  # 朝阳区 (北京市, 110105) as printed in our own candidate lists
        if m:
            inner = [x.strip() for x in re.split(r"[,，]", m.group("within")) if x.strip()]
            code = next((x for x in inner if _CODE.fullmatch(x)), None)
            if code and gz.by_code(code):
                return [gz.by_code(code)]  # type: ignore[list-item]
            outer = [r for x in inner for r in self._exact(x)]
            return _within(gz, gz.lookup(m.group("name").strip()), outer)
        # 北京市朝阳区, 吉林省吉林市, 辽宁朝阳: an enclosing region written in front.
        for n in range(len(q) - 2, 1, -1):
            head, rest = q[:n], q[n:]
            outer = gz.lookup(head)
            if outer:
                inner = gz.lookup(rest)
                found = _within(gz, inner, outer)
                if found:
                    return found
        return []

    def _fuzzy(self, q: str) -> list[RegionRecord]:
        gz = self.gz
        out = list(gz.candidates(q))
        if not out and len(q) == 2 and not re.search(r"[A-Za-z]", q):
            # gazetteer typos need three characters (泰洲 → try 泰洲市, 泰洲县 …)
            for suf in ("市", "县", "区", "省"):
                out.extend(gz.candidates(q + suf))
        for form, key in self.atlas_names.items():
            if q in form or (len(form) >= 2 and form in q):
                r = gz.by_code(key)
                if r is not None:
                    out.append(r)
        return _dedupe(out)

    def _rank(self, records: Iterable[RegionRecord]) -> list[Candidate]:
        recs = _dedupe(records)
        order = {r.key: i for i, r in enumerate(recs)}
        # the atlas's regions first (most documents first), then the gazetteer's order
        recs.sort(key=lambda r: (0 if self.atlas_counts.get(r.key) else 1, -self.atlas_counts.get(r.key, 0),
                                 order[r.key]))
        return [Candidate(to_region(r, self.gz), self.atlas_counts.get(r.key, 0)) for r in recs]


def _dedupe(records: Iterable[RegionRecord]) -> list[RegionRecord]:
    seen: dict[str, RegionRecord] = {}
    for r in records:
        seen.setdefault(r.key, r)
    return list(seen.values())


def _within(gz: Gazetteer, inner: Iterable[RegionRecord], outer: Iterable[RegionRecord]) -> list[RegionRecord]:
    keys = {o.key for o in outer}
    return [r for r in _dedupe(inner) if keys & {a.key for a in chain(gz, r)[1:]}]


# ---------------------------------------------------------------------- containment and roll-up


def chain(gz: Gazetteer, record: RegionRecord) -> list[RegionRecord]:
    """The record, then its parent, grandparent … up to the province."""
    return [record, *gz.ancestors(record.key)]


def contains(gz: Gazetteer, outer: Region | RegionRecord, inner: RegionRecord) -> bool:
    """Whether ``inner`` is ``outer`` or lies inside it."""
    return any(r.key == outer.key for r in chain(gz, inner))


def unit_at(gz: Gazetteer, record: RegionRecord, level: str) -> RegionRecord | None:
    """The unit at ``level`` that holds ``record`` (a county → its city); None when ``record`` is
    above that level (山东省 has no city). At city level a municipality stands for itself."""
    for r in chain(gz, record):
        if r.level == level:
            return r
        if level == "prefecture" and r.level == "province" and r.code in MUNICIPALITIES:
            return r
    return None
