"""What the analysis layer reads from the atlas, and the value types it hands out.

:class:`AtlasIndex` loads, once per analysis session, what profiles, comparisons, gaps and fact
lists need from the store (through the read-only queries of ``chainatlas.store.analytics``) and
answers the questions they all ask: which documents is a region about, which region is an
enterprise or park in, which region is a fact about, which chain segments does an enterprise's
evidence place it in. The rules (documented in docs/analysis.md):

* a document is *about* a region when the region's mentions (its counties and zones rolled up) are
  at least ``about_share`` of those of the most mentioned region at the same level;
* an enterprise or park is *in* a region by the place its name carries (德州市医养健康有限公司,
  乐陵医药产业园), else by the regions its documents are about (majority vote);
* a fact is in a region by its own place argument (a metric's subject, a project's region or park,
  a role's enterprise, a product's maker), else by the regions its document is about.

Rejected facts never count; a corrected fact counts with its corrected arguments. Numbers are
normalised here too (亿元 and 万元 to yuan) so every module shows money the same way.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import yaml

from chainatlas.analyse.regions import (
    Candidate,
    Region,
    RegionResolver,
    contains,
    to_region,
    unit_at,
)
from chainatlas.extract.gazetteer import Gazetteer, RegionRecord, gazetteer
from chainatlas.resolve.keys import normalize_name
from chainatlas.store.analytics import Analytics, DocMeta, EntityRecord, FactRecord

DATA = Path(__file__).parent / "data" / "analysis.yaml"
MISSING = "—"
_CJK = re.compile(r"[\u3400-\u9fff]")
_YEAR = re.compile(r"(19|20)\d{2}")


@functools.cache
def settings() -> dict[str, Any]:
    """The analysis settings (data/analysis.yaml), read once."""
    try:
        data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuntimeError(f"analysis: cannot read settings {DATA}: {exc}") from None
    if not isinstance(data, dict):
        raise RuntimeError(f"analysis: {DATA}: expected a mapping at the top level")
    return data


# ---------------------------------------------------------------------- shared value types


@dataclass(slots=True)
class Citation:
    """Where a value comes from: the document and the sentence that states it."""

    document_id: int
    title: str | None
    published: str | None
    source: str | None
    sentence: str
    fact_id: int | None = None


@dataclass(slots=True)
class DocRef:
    id: int
    title: str | None
    published: str | None
    source: str | None


@dataclass(slots=True)
class Amount:
    """A normalised number: money in units of ``currency`` (yuan for CNY), percent points, counts."""

    value: float
    kind: str  # money | percent | count
    unit: str | None
    currency: str | None
    display: str


def to_jsonable(obj: Any) -> Any:
    """Dataclasses (with slots), tuples and sets as plain JSON types."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in fields(obj) if not f.name.startswith("_")}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    return obj


def pandas() -> Any:
    """pandas, imported on demand: the rest of the package works without it."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("to_frame() needs pandas: pip install pandas (the rest of ChainAtlas works without it)") from None
    return pd


# ---------------------------------------------------------------------- numbers


def _number(text: str) -> str:
    """473.26, 1,005, 0.5: no trailing zeros, thousands separators."""
    if abs(text_value := float(text)) >= 1e15:
        return f"{text_value:.3g}"
    s = f"{text_value:,.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def format_money(value: float, currency: str | None = "CNY") -> str:
    cfg = settings()
    label = cfg["currency_labels"].get(currency or "CNY", f" {currency}")
    divisor = float(cfg["display_money_divisor"])
    unit = str(cfg["display_money_unit"])
    if label:  # 1.5亿美元
        return f"{_number(str(value / divisor))}{unit.removesuffix('元')}{label}"
    return f"{_number(str(value / divisor))}{unit}"


def normalize_amount(value: Any, unit: str | None = None, currency: str | None = None,
                     qualifier: str | None = None) -> Amount | None:
    """A fact's number in base units: 50 亿元 → 5e9 yuan shown as 50亿元; 45 家 stays a count."""
    cfg = settings()
    if isinstance(value, dict):
        return normalize_amount(value.get("value"), value.get("unit") or unit,
                                value.get("currency") or currency, value.get("qualifier") or qualifier)
    if isinstance(value, str):
        return _parse_amount_text(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    v = float(value)
    units = cfg["money_units"]
    u = (unit or "").strip()
    if u in units or (u.lower() in units):
        mult = float(units.get(u, units.get(u.lower(), 1)))
        cur = currency or cfg["unit_currency"].get(u, "CNY")
        v *= mult
        return Amount(v, "money", "元" if cur == "CNY" else cur, cur, _qualified(format_money(v, cur), qualifier))
    if currency:
        return Amount(v, "money", "元" if currency == "CNY" else currency, currency,
                      _qualified(format_money(v, currency), qualifier))
    if u in ("%", "％", "percent", "百分点"):
        return Amount(v, "percent", "%", None, _qualified(f"{_number(str(v))}%", qualifier))
    sep = "" if not u or _CJK.match(u[0]) else " "
    return Amount(v, "count", u or None, None, _qualified(f"{_number(str(v))}{sep}{u}", qualifier))


def _qualified(display: str, qualifier: str | None) -> str:
    if not qualifier:
        return display
    if qualifier in ("多", "余", "以上", "左右", "+", "余家"):
        return f"{display}({qualifier})"
    return f"{qualifier} {display}" if qualifier.isascii() else f"{qualifier}{display}"


def _parse_amount_text(text: str) -> Amount | None:
    from chainatlas.extract.quantities import find_quantities

    for q in find_quantities(text):
        if q.kind == "money":
            return normalize_amount(q.value, None, q.currency or "CNY", q.qualifier)
        if q.kind == "percent":
            return normalize_amount(q.value, "%", None, q.qualifier)
        if q.kind == "count":
            return normalize_amount(q.value, q.unit, None, q.qualifier)
    return None


def period_key(period: str | None) -> tuple[int, str]:
    """Sort key: later periods first when sorted descending; unknown periods sort last."""
    if not period:
        return (0, "")
    years = [int(m.group()) for m in _YEAR.finditer(str(period))]
    return (max(years) if years else 1, str(period))


# ---------------------------------------------------------------------- the atlas index


@dataclass(slots=True)
class ItemEvidence:
    """Sentences placing one enterprise or park in chain segments, and its newest sentence."""

    segments: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # seg → (doc, start, sentence)
    newest: tuple[int, str] | None = None  # (document, sentence) from its latest document


class AtlasIndex:
    """What the analysis needs from the store, loaded once and looked up many times.

    Built lazily: a profile of one city reads the sentences of that city's enterprises only; a
    gap analysis reads every enterprise's.
    """

    def __init__(self, store: Any, *, taxonomy: Any = None, gz: Gazetteer | None = None) -> None:
        self.store = store
        self.q = Analytics(store)
        self.gz = gz or gazetteer()
        self._taxonomy = taxonomy
        self.cfg = settings()
        self._build_regions()
        self._docs: dict[int, DocMeta] | None = None
        self._entities: dict[int, EntityRecord] | None = None
        self._entity_docs: dict[int, Counter[int]] | None = None
        self._names: dict[str, list[int]] | None = None
        self._about_cache: dict[str, dict[int, frozenset[str]]] = {}
        self._units_cache: dict[tuple[int, str], frozenset[str]] = {}
        self._facts: list[FactRecord] | None = None
        self._item_evidence: dict[int, ItemEvidence] = {}
        self._fact_places: dict[int, tuple[list[RegionRecord], list[int], str]] = {}
        self._fact_segments: dict[int, list[str]] = {}

    def for_new_facts(self) -> AtlasIndex:
        """A new index over the same store that reads the facts again and keeps everything else.

        For a change to facts alone (a fact confirmed, rejected or corrected; no document, mention
        or entity changed): it answers exactly as a fresh ``AtlasIndex(store)`` would, without
        reading the mentions and classifying every sentence naming an enterprise again, which is
        most of the cost of a first gap analysis. The web atlas uses it after a fact verdict.
        """
        new = object.__new__(AtlasIndex)
        new.__dict__.update({k: v for k, v in self.__dict__.items() if not k.startswith("_web_")})
        new._facts = None
        new._fact_places = {}
        new._fact_segments = {}
        return new

    # ------------------------------------------------------------------ taxonomy

    @property
    def taxonomy(self) -> Any:
        if self._taxonomy is None:
            from chainatlas.analyse.taxonomy import load_taxonomy

            self._taxonomy = load_taxonomy()
        return self._taxonomy

    def classify(self, text: str, name: str | None = None) -> list[Any]:
        from chainatlas.analyse.classify import classify

        return classify(text or "", name=name or None, taxonomy=self.taxonomy)

    # ------------------------------------------------------------------ regions

    def _build_regions(self) -> None:
        gz = self.gz
        self.region_entities = {r.id: r for r in self.q.region_entities()}
        self.region_record: dict[int, RegionRecord | None] = {}
        self.region_names: dict[str, set[int]] = defaultdict(set)
        for rid, r in self.region_entities.items():
            rec = gz.by_code(r.code) if r.code else None
            if rec is None:
                readings = gz.lookup(r.name)
                zones = [x for x in readings if x.level == "zone"]
                pick = zones or readings
                rec = pick[0] if len(pick) == 1 else None
            self.region_record[rid] = rec
            for form in (r.name, *r.aliases):
                self.region_names[form].add(rid)
        self.doc_regions: dict[int, Counter[int]] = defaultdict(Counter)
        for mc in self.q.mention_counts(("region",)):
            self.doc_regions[mc.document_id][mc.entity_id] += mc.count

    def resolver(self) -> RegionResolver:
        counts: Counter[str] = Counter()
        for _doc, regions in self.doc_regions.items():
            for rid in regions:
                rec = self.region_record.get(rid)
                if rec is not None:
                    counts[rec.key] += 1
        names = {}
        for form, ids in self.region_names.items():
            keys = {self.region_record[i].key for i in ids if self.region_record.get(i) is not None}
            if len(keys) == 1:
                names[form] = keys.pop()
        return RegionResolver(atlas_counts=counts, atlas_names=names, gz=self.gz)

    def resolve(self, name: str | Region) -> Region:
        return name if isinstance(name, Region) else self.resolver().resolve(name)

    def candidates(self, name: str) -> list[Candidate]:
        return self.resolver().candidates(name)

    def record(self, region: Region) -> RegionRecord:
        rec = self.gz.by_code(region.key)
        if rec is None:
            raise KeyError(f"region {region.key!r} is not in the gazetteer")
        return rec

    def about(self, level: str) -> dict[int, frozenset[str]]:
        """Document → the units at ``level`` it is about (see module docstring)."""
        if level in self._about_cache:
            return self._about_cache[level]
        share = float(self.cfg["about_share"])
        out: dict[int, frozenset[str]] = {}
        for doc, regions in self.doc_regions.items():
            counts: Counter[str] = Counter()
            for rid, n in regions.items():
                rec = self.region_record.get(rid)
                unit = unit_at(self.gz, rec, level) if rec is not None else None
                if unit is not None:
                    counts[unit.key] += n
            if counts:
                top = max(counts.values())
                out[doc] = frozenset(k for k, n in counts.items() if n >= share * top)
        self._about_cache[level] = out
        return out

    def documents_about(self, region: Region) -> set[int]:
        level = region.unit_level
        return {d for d, units in self.about(level).items() if region.key in units}

    def units(self, level: str) -> Counter[str]:
        """Units at ``level`` the atlas has documents about, with how many."""
        counts: Counter[str] = Counter()
        for units in self.about(level).values():
            counts.update(units)
        return counts

    def region_of_key(self, key: str) -> Region:
        rec = self.gz.by_code(key)
        if rec is None:
            raise KeyError(key)
        return to_region(rec, self.gz)

    # ------------------------------------------------------------------ documents and entities

    @property
    def docs(self) -> dict[int, DocMeta]:
        if self._docs is None:
            self._docs = self.q.documents()
        return self._docs

    def cite(self, doc_id: int, sentence: str, fact_id: int | None = None) -> Citation:
        d = self.docs.get(doc_id)
        return Citation(doc_id, d.title if d else None, d.published if d else None, d.source if d else None,
                        sentence, fact_id)

    def date_key(self, doc_id: int) -> tuple[str, int]:
        """Sort key of a document by publication date (undated first), then id."""
        d = self.docs.get(doc_id)
        return (d.published or "" if d else "", doc_id)

    def docref(self, doc_id: int) -> DocRef:
        d = self.docs.get(doc_id)
        return DocRef(doc_id, d.title if d else None, d.published if d else None, d.source if d else None)

    @property
    def entities(self) -> dict[int, EntityRecord]:
        if self._entities is None:
            self._entities = {e.id: e for e in self.q.entities(("organization", "park"))}
        return self._entities

    @property
    def entity_docs(self) -> dict[int, Counter[int]]:
        if self._entity_docs is None:
            out: dict[int, Counter[int]] = defaultdict(Counter)
            for mc in self.q.mention_counts(("organization", "park")):
                out[mc.entity_id][mc.document_id] += mc.count
            self._entity_docs = out
        return self._entity_docs

    def entity_by_name(self, name: str | None, type_: str | None = None, doc_id: int | None = None) -> int | None:
        """An organisation or park named ``name`` (canonical name or alias); one named in ``doc_id`` first."""
        if not name:
            return None
        if self._names is None:
            names: dict[str, list[int]] = defaultdict(list)
            for e in self.entities.values():
                for form in dict.fromkeys((e.name, *e.aliases)):
                    names[normalize_name(form)].append(e.id)
            self._names = names
        ids = [i for i in self._names.get(normalize_name(str(name)), ()) if type_ is None or self.entities[i].type == type_]
        if not ids:
            return None
        if doc_id is not None:
            here = [i for i in ids if doc_id in self.entity_docs.get(i, ())]
            if here:
                ids = here
        return max(ids, key=lambda i: (sum(self.entity_docs.get(i, Counter()).values()), -i))

    def is_enterprise(self, e: EntityRecord) -> bool:
        return e.type == "organization" and (e.kind or "") not in self.cfg["non_enterprise_kinds"]

    def _name_places(self, e: EntityRecord) -> list[RegionRecord]:
        """Places an entity's name or attributes carry: 乐陵医药产业园 → 乐陵市; 山东沃森 → 山东省."""
        gz = self.gz
        out: list[RegionRecord] = []
        for n in e.attrs.get("regions") or ():
            out.extend(gz.lookup(str(n)))
        if not out:
            prefix = gz.prefix_of(e.name)
            if prefix:
                out.extend(r for r in gz.lookup(prefix) if r.level != "zone")
        return out

    def entity_units(self, entity_id: int, level: str) -> frozenset[str]:
        """The units at ``level`` an enterprise or park is in (module docstring has the rule)."""
        key = (entity_id, level)
        if key in self._units_cache:
            return self._units_cache[key]
        e = self.entities.get(entity_id)
        result: frozenset[str] = frozenset()
        if e is not None:
            gz = self.gz
            places = self._name_places(e)
            named = {u.key for p in places if (u := unit_at(gz, p, level)) is not None}
            above = [p for p in places if unit_at(gz, p, level) is None]  # 山东沃森: only a province

            def allowed(unit: str) -> bool:
                if not places:
                    return True
                rec = gz.by_code(unit)
                return unit in named or (rec is not None and any(contains(gz, p, rec) for p in above))

            votes: Counter[str] = Counter()
            about = self.about(level)
            for doc in self.entity_docs.get(entity_id, ()):
                votes.update(u for u in about.get(doc, ()) if allowed(u))
            if len(named) == 1:
                result = frozenset(named)
            elif votes:
                top = max(votes.values())
                result = frozenset(k for k, n in votes.items() if n == top)
            else:
                result = frozenset(named)
        self._units_cache[key] = result
        return result

    def entity_in(self, entity_id: int, region: Region) -> bool:
        units = self.entity_units(entity_id, region.unit_level)
        if region.key in units:
            return True
        # a county asked for: an entity placed by name in that county (or its zones)
        if region.unit_level in ("county", "zone"):
            e = self.entities.get(entity_id)
            return e is not None and any(contains(self.gz, region, r) for r in self._name_places(e))
        return False

    # ------------------------------------------------------------------ facts

    @property
    def facts(self) -> list[FactRecord]:
        """Every fact except rejected ones (corrected facts carry their corrected args)."""
        if self._facts is None:
            self._facts = self.q.facts(exclude_statuses=("rejected",))
        return self._facts

    def _region_readings(self, name: str, doc_id: int) -> list[RegionRecord]:
        ids = self.region_names.get(name) or set()
        here = [i for i in ids if i in self.doc_regions.get(doc_id, ())]
        recs = [self.region_record[i] for i in (here or ids) if self.region_record.get(i) is not None]
        if not recs:
            recs = list(self.gz.lookup(name))
            if len(recs) > 1:  # keep the readings the document is about
                about = self.about("prefecture").get(doc_id, frozenset())
                inside = [r for r in recs if (u := unit_at(self.gz, r, "prefecture")) and u.key in about]
                recs = inside or recs[:1]
        return [r for r in recs if r is not None]

    def fact_places(self, f: FactRecord) -> tuple[list[RegionRecord], list[int], str]:
        """(regions, entity ids, how) a fact is about; both empty → its document's regions."""
        if f.id not in self._fact_places:
            self._fact_places[f.id] = self._places_of(f)
        return self._fact_places[f.id]

    def _places_of(self, f: FactRecord) -> tuple[list[RegionRecord], list[int], str]:
        a = f.args
        if f.type == "metric":
            subj, stype = a.get("subject"), a.get("subject_type")
            if subj and stype == "region":
                return self._region_readings(str(subj), f.document_id), [], "subject"
            if subj and stype in ("park", "organization"):
                eid = self.entity_by_name(str(subj), stype, f.document_id)
                return [], [eid] if eid else [], "subject"
            return [], [], "document"
        if f.type in ("project", "investment", "event"):
            if a.get("region"):
                recs = self._region_readings(str(a["region"]), f.document_id)
                if recs:
                    return recs, [], "region"
            if a.get("park"):
                eid = self.entity_by_name(str(a["park"]), "park", f.document_id)
                if eid:
                    return [], [eid], "park"
            return [], [], "document"
        if f.type == "role":
            eid = self.entity_by_name(str(a.get("entity") or ""), "organization", f.document_id)
            return [], [eid] if eid else [], "entity"
        if f.type == "product":
            eid = self.entity_by_name(str(a.get("maker") or ""), "organization", f.document_id)
            return [], [eid] if eid else [], "maker"
        return [], [], "document"

    def fact_in(self, f: FactRecord, region: Region) -> bool:
        recs, ents, _ = self.fact_places(f)
        if recs:
            return any(contains(self.gz, region, r) for r in recs)
        if ents:
            return any(self.entity_in(e, region) for e in ents)
        return f.document_id in self.documents_about(region)

    def facts_in(self, region: Region, types: Iterable[str] | None = None) -> list[FactRecord]:
        wanted = set(types) if types is not None else None
        about = self.documents_about(region)
        out = []
        for f in self.facts:
            if wanted is not None and f.type not in wanted:
                continue
            recs, ents, _ = self.fact_places(f)
            if recs:
                ok = any(contains(self.gz, region, r) for r in recs)
            elif ents:
                ok = any(self.entity_in(e, region) for e in ents)
            else:
                ok = f.document_id in about
            if ok:
                out.append(f)
        return out

    # ------------------------------------------------------------------ chain segments

    def entity_evidence(self, entity_ids: Iterable[int]) -> dict[int, ItemEvidence]:
        """Segments of enterprises and parks, from their name and each sentence naming them."""
        todo = sorted({i for i in entity_ids if i not in self._item_evidence})
        if todo:
            per: dict[int, ItemEvidence] = {i: ItemEvidence() for i in todo}
            seen: set[tuple[int, int, int]] = set()
            for m in self.q.mention_sentences(("organization", "park"), entity_ids=todo):
                k = (m.entity_id, m.document_id, m.sentence_start)
                if k in seen:
                    continue
                seen.add(k)
                e = self.entities.get(m.entity_id)
                if e is None:
                    continue
                item = per[m.entity_id]
                if item.newest is None or self.date_key(m.document_id) > self.date_key(item.newest[0]):
                    item.newest = (m.document_id, m.sentence)
                for c in self.classify(m.sentence, name=e.name):
                    per[m.entity_id].segments.setdefault(c.segment_id, []).append(
                        (m.document_id, m.sentence_start, m.sentence))
            self._item_evidence.update(per)
        return {i: self._item_evidence.get(i, ItemEvidence()) for i in entity_ids}

    def fact_segments(self, f: FactRecord) -> list[str]:
        """Segments a project or product fact is evidence for (its name and sentence)."""
        if f.id not in self._fact_segments:
            a = f.args
            name = a.get("name") or a.get("product") or a.get("event")
            self._fact_segments[f.id] = [c.segment_id for c in self.classify(f.sentence, name=str(name) if name else None)]
        return self._fact_segments[f.id]


# ---------------------------------------------------------------------- fact amounts


def metric_amount(args: dict[str, Any]) -> Amount | None:
    return normalize_amount(args.get("value"), args.get("unit"), args.get("currency"), args.get("qualifier"))


def project_amount(args: dict[str, Any]) -> Amount | None:
    raw = args.get("amount")
    if raw is None and args.get("value") is not None:
        raw = {"value": args.get("value"), "unit": args.get("unit"), "currency": args.get("currency")}
    if raw is None:
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return normalize_amount(raw, args.get("unit"), args.get("currency") or "CNY")
    amt = normalize_amount(raw)
    if amt is not None and amt.kind == "count" and amt.unit is None:  # a bare number: yuan
        return normalize_amount(amt.value, None, "CNY")
    return amt if amt is not None and amt.kind == "money" else None
