"""City profiles: what the atlas knows about one region, every value with its source sentence.

The profile answers an investment-promotion analyst's first questions about a city: its headline
figures over time, its parks, chain leaders and key enterprises, its projects, and which links of
the biomedical and health chain it has enterprises, parks or projects in. Everything shown keeps a
:class:`Citation` (document, date, source, sentence); nothing is filled in. Where things are (which
documents, enterprises and facts belong to a region) is decided by
:class:`~chainatlas.analyse.evidence.AtlasIndex`; docs/analysis.md has the rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chainatlas.analyse.evidence import (
    MISSING,
    Amount,
    AtlasIndex,
    Citation,
    DocRef,
    format_money,
    metric_amount,
    normalize_amount,
    pandas,
    period_key,
    project_amount,
    settings,
    to_jsonable,
)
from chainatlas.analyse.regions import Region, contains
from chainatlas.store.analytics import FactRecord

__all__ = [
    "MISSING", "Amount", "AtlasIndex", "Citation", "DocRef", "FactItem", "RegionProfile", "build_profile",
    "fact_items", "format_money", "metric_amount", "normalize_amount", "pandas", "period_key", "project_amount",
    "settings", "to_jsonable",
]


# ---------------------------------------------------------------------- profile types


@dataclass(slots=True)
class MetricValue:
    """One value of a metric for one subject and period; the same value from several
    documents is one value with several citations."""

    value: float
    kind: str
    unit: str | None
    currency: str | None
    display: str
    target: bool
    status: str  # extracted | confirmed | corrected (the best of its facts)
    confidence: float
    citations: list[Citation]


@dataclass(slots=True)
class MetricPoint:
    period: str | None
    values: list[MetricValue]

    @property
    def conflict(self) -> bool:
        """Different values for the same subject, metric and period: both are shown."""
        return len(self.values) > 1


@dataclass(slots=True)
class MetricSeries:
    metric: str
    subject: str | None
    subject_type: str  # region | subregion | park | enterprise | document
    points: list[MetricPoint]  # latest period first


@dataclass(slots=True)
class NamedItem:
    """An enterprise or park of the region with the segments it is placed in."""

    id: int
    name: str
    kind: str | None
    documents: int
    segments: list[str]
    citation: Citation | None


@dataclass(slots=True)
class RoleItem:
    entity: str
    entity_id: int | None
    roles: list[str]
    scopes: list[str]
    citations: list[Citation]


@dataclass(slots=True)
class ProjectItem:
    name: str | None
    investor: str | None
    region: str | None
    park: str | None
    amount: float | None
    currency: str | None
    amount_display: str
    status: str
    date: str | None
    count: int | None
    type: str
    fact_id: int
    status_label: str  # extracted | confirmed | corrected
    segments: list[str]
    citation: Citation


@dataclass(slots=True)
class StatusSummary:
    status: str
    projects: int
    amount: float | None
    amount_display: str


@dataclass(slots=True)
class SegmentCoverage:
    """One chain segment in one region: what places the region in it, and how much evidence."""

    id: str
    zh: str
    en: str
    stage: str
    parent: str | None
    depth: int
    evidence: int  # distinct sentences for this segment itself
    total: int  # with its sub-segments
    enterprises: list[str]
    parks: list[str]
    projects: list[str]
    citations: list[Citation]

    @property
    def present(self) -> bool:
        return self.total > 0


@dataclass(slots=True)
class SubRegion:
    name: str
    key: str
    documents: int


@dataclass(slots=True)
class RegionProfile:
    region: Region
    documents_count: int
    subregions: list[SubRegion]
    metrics: list[MetricSeries]
    parks: list[NamedItem]
    leaders: list[RoleItem]
    enterprises: list[NamedItem]
    projects: list[ProjectItem]
    projects_by_status: list[StatusSummary]
    segments: list[SegmentCoverage]
    documents: list[DocRef]

    @property
    def in_atlas(self) -> bool:
        return self.documents_count > 0

    def to_dict(self) -> dict[str, Any]:
        out = to_jsonable(self)
        out["in_atlas"] = self.in_atlas
        for seg, s in zip(out["segments"], self.segments, strict=True):
            seg["present"] = s.present
        return out

    def to_frame(self, what: str = "metrics") -> Any:
        """A pandas DataFrame of ``metrics`` (one row per value), ``segments``, ``projects``,
        ``enterprises`` or ``parks``."""
        pd = pandas()
        rows: list[dict[str, Any]] = []
        if what == "metrics":
            for s in self.metrics:
                for p in s.points:
                    for v in p.values:
                        c = v.citations[0]
                        rows.append({"metric": s.metric, "subject": s.subject, "subject_type": s.subject_type,
                                     "period": p.period, "value": v.value, "unit": v.unit, "display": v.display,
                                     "target": v.target, "conflict": p.conflict, "status": v.status,
                                     "sources": len(v.citations), "document_id": c.document_id, "title": c.title,
                                     "published": c.published, "sentence": c.sentence})
        elif what == "segments":
            rows = [{"segment": s.id, "zh": s.zh, "stage": s.stage, "parent": s.parent, "evidence": s.evidence,
                     "total": s.total, "present": s.present, "enterprises": len(s.enterprises),
                     "parks": len(s.parks), "projects": len(s.projects)} for s in self.segments]
        elif what == "projects":
            rows = [{"name": p.name, "investor": p.investor, "status": p.status, "amount": p.amount,
                     "currency": p.currency, "date": p.date, "park": p.park, "document_id": p.citation.document_id,
                     "sentence": p.citation.sentence} for p in self.projects]
        elif what in ("enterprises", "parks"):
            rows = [{"name": e.name, "kind": e.kind, "documents": e.documents, "segments": ",".join(e.segments)}
                    for e in (self.enterprises if what == "enterprises" else self.parks)]
        else:
            raise ValueError(f"to_frame: unknown table {what!r} (metrics, segments, projects, enterprises, parks)")
        return pd.DataFrame(rows)


# ---------------------------------------------------------------------- building a profile


def subject_type(index: AtlasIndex, f: FactRecord, region: Region) -> str:
    stype = f.args.get("subject_type")
    if stype == "region":
        recs = index._region_readings(str(f.args.get("subject")), f.document_id)
        return "region" if any(r.key == region.key for r in recs) else "subregion"
    if stype == "park":
        return "park"
    if stype == "organization":
        return "enterprise"
    return "region" if f.args.get("subject") is None else "document"


_STATUS_RANK = {"corrected": 0, "confirmed": 1, "extracted": 2}


def metric_series(index: AtlasIndex, facts: Sequence[FactRecord], region: Region) -> list[MetricSeries]:
    """Metric facts grouped by (metric, subject) and period; equal values merged, different ones kept."""
    tol = float(index.cfg["conflict_tolerance"])
    groups: dict[tuple[str, str | None, str], dict[str | None, list[tuple[FactRecord, Amount]]]] = \
        defaultdict(lambda: defaultdict(list))
    for f in facts:
        if f.type != "metric" or not f.args.get("metric"):
            continue
        amt = metric_amount(f.args)
        if amt is None:
            continue
        stype = subject_type(index, f, region)
        subject = f.args.get("subject") or (region.name if stype == "region" else None)
        groups[(str(f.args["metric"]), subject, stype)][f.args.get("period")].append((f, amt))
    order = {m: i for i, m in enumerate(index.cfg["headline_metrics"])}
    type_order = {"region": 0, "subregion": 1, "park": 2, "enterprise": 3, "document": 4}
    out = []
    for (metric, subject, stype), periods in groups.items():
        points = []
        for period, items in periods.items():
            values: list[MetricValue] = []
            # user-checked facts first, then the most confident, then the newest document
            items.sort(key=lambda fa: index.date_key(fa[0].document_id), reverse=True)
            items.sort(key=lambda fa: (_STATUS_RANK.get(fa[0].status, 3), -fa[0].confidence))
            for f, amt in items:
                target = bool(f.args.get("target"))
                cite = index.cite(f.document_id, f.sentence, f.id)
                for v in values:
                    same = (v.kind == amt.kind and v.currency == amt.currency and v.target == target
                            and abs(v.value - amt.value) <= tol * max(abs(v.value), abs(amt.value), 1e-9))
                    if same:
                        if all(c.document_id != f.document_id or c.sentence != f.sentence for c in v.citations):
                            v.citations.append(cite)
                        break
                else:
                    values.append(MetricValue(amt.value, amt.kind, amt.unit, amt.currency, amt.display, target,
                                              f.status, f.confidence, [cite]))
            # actual figures before targets; within each, the better-attested value first
            values.sort(key=lambda v: (v.target, -len(v.citations), _STATUS_RANK.get(v.status, 3)))
            actual = [v for v in values if not v.target]
            targets = [v for v in values if v.target]
            if actual:
                points.append(MetricPoint(period, actual))
            if targets:
                points.append(MetricPoint(period, targets))
        points.sort(key=lambda p: (period_key(p.period), not p.values[0].target), reverse=True)
        out.append(MetricSeries(metric, subject, stype, points))
    out.sort(key=lambda s: (type_order.get(s.subject_type, 9), order.get(s.metric, len(order)), s.metric,
                            s.subject or ""))
    return out


def project_item(index: AtlasIndex, f: FactRecord) -> ProjectItem:
    a = f.args
    amt = project_amount(a)
    count = a.get("count")
    return ProjectItem(
        name=a.get("name"), investor=a.get("investor"), region=a.get("region"), park=a.get("park"),
        amount=amt.value if amt else None, currency=amt.currency if amt else None,
        amount_display=amt.display if amt else MISSING, status=str(a.get("status") or "unknown"),
        date=a.get("date"), count=int(count) if isinstance(count, int | float) and not isinstance(count, bool) else None,
        type=f.type, fact_id=f.id, status_label=f.status, segments=index.fact_segments(f),
        citation=index.cite(f.document_id, f.sentence, f.id),
    )


def status_summaries(projects: Sequence[ProjectItem]) -> list[StatusSummary]:
    """Projects and money per status. A sentence that gives a total ("20个项目签约, 投资105亿元")
    and names some of those projects counts once: the total, not total + named."""
    by: dict[str, dict[tuple[int, str], list[ProjectItem]]] = defaultdict(lambda: defaultdict(list))
    for p in projects:
        by[p.status][(p.citation.document_id, p.citation.sentence)].append(p)
    out = []
    for status, sentences in by.items():
        n, total, any_amount = 0, 0.0, False
        for items in sentences.values():
            totals = [p for p in items if p.count]
            named = [p for p in items if not p.count]
            cny = [p for p in named if p.amount is not None and p.currency in (None, "CNY")]
            agg = [p for p in totals if p.amount is not None and p.currency in (None, "CNY")]
            n += max([len(named), *[p.count or 0 for p in totals]])
            if agg:
                total += max(p.amount or 0.0 for p in agg)
                any_amount = True
            elif cny:
                total += sum(p.amount or 0.0 for p in cny)
                any_amount = True
        out.append(StatusSummary(status, n, total if any_amount else None,
                                 format_money(total) if any_amount else MISSING))
    out.sort(key=lambda s: (-(s.amount or 0), -s.projects, s.status))
    return out


@dataclass(slots=True)
class Coverage:
    """Per segment: evidence sentences and the items behind them (internal to profiles/gaps)."""

    sentences: dict[str, dict[tuple[int, int], str]] = field(default_factory=lambda: defaultdict(dict))
    enterprises: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    parks: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    projects: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def count(self, seg: str) -> int:
        return len(self.sentences.get(seg, ()))


def region_entities(index: AtlasIndex, region: Region) -> tuple[list[int], list[int]]:
    """(enterprises, parks) in the region, as entity ids."""
    ents, parks = [], []
    for eid, e in index.entities.items():
        if not index.entity_docs.get(eid):
            continue
        if e.type == "park" and index.entity_in(eid, region):
            parks.append(eid)
        elif index.is_enterprise(e) and index.entity_in(eid, region):
            ents.append(eid)
    return ents, parks


def coverage(index: AtlasIndex, region: Region, facts: Sequence[FactRecord] | None = None) -> Coverage:
    """Which segments the region's enterprises, parks, projects and products give evidence for."""
    ents, parks = region_entities(index, region)
    cov = Coverage()
    evidence = index.entity_evidence([*ents, *parks])
    for eid in [*ents, *parks]:
        for seg, items in evidence[eid].segments.items():
            for doc, start, sentence in items:
                cov.sentences[seg][(doc, start)] = sentence
            (cov.parks if index.entities[eid].type == "park" else cov.enterprises)[seg].add(eid)
    if facts is None:
        facts = index.facts_in(region, ("project", "investment", "product"))
    for f in facts:
        if f.type not in ("project", "investment", "product"):
            continue
        a = f.args
        label = str(a.get("name") or a.get("product") or (f"{a['count']}个项目" if a.get("count") else "项目")
                    + (f"({a['status']})" if a.get("status") and not a.get("name") else ""))
        for seg in index.fact_segments(f):
            cov.sentences[seg][(f.document_id, f.start)] = f.sentence
            if label not in cov.projects[seg]:
                cov.projects[seg].append(label)
    return cov


def segment_table(index: AtlasIndex, cov: Coverage, citations: int = 3) -> list[SegmentCoverage]:
    """Every taxonomy segment in chain order, with own and rolled-up evidence (absent ones too)."""
    tax = index.taxonomy
    out = []
    for stage, segs in tax.by_stage().items():
        del stage
        for s in segs:
            family = [s.id, *[d.id for d in tax.descendants(s.id)]]
            rolled: dict[tuple[int, int], str] = {}
            for sid in family:
                rolled.update(cov.sentences.get(sid, {}))
            ents = sorted({index.entities[e].name for sid in family for e in cov.enterprises.get(sid, ())})
            parks = sorted({index.entities[e].name for sid in family for e in cov.parks.get(sid, ())})
            projects = list(dict.fromkeys(p for sid in family for p in cov.projects.get(sid, ())))
            newest = sorted(rolled.items(), key=lambda kv: (index.date_key(kv[0][0]), kv[0][1]), reverse=True)
            out.append(SegmentCoverage(
                s.id, s.zh, s.en, s.stage, s.parent, len(tax.ancestors(s.id)), cov.count(s.id), len(rolled),
                ents, parks, projects, [index.cite(doc, sent) for (doc, _), sent in newest[:citations]],
            ))
    return out


def build_profile(index: AtlasIndex, region: Region | str, *, documents: int = 10) -> RegionProfile:
    """The profile of one region (a name is resolved first; unknown or ambiguous names raise)."""
    region = index.resolve(region)
    docs = index.documents_about(region)
    facts = index.facts_in(region)
    metrics = metric_series(index, facts, region)
    ents, parks = region_entities(index, region)
    evidence = index.entity_evidence([*ents, *parks])

    def named(eid: int) -> NamedItem:
        e, ev = index.entities[eid], evidence[eid]
        cite = index.cite(*ev.newest) if ev.newest else None
        return NamedItem(eid, e.name, e.kind, len(index.entity_docs.get(eid, ())), sorted(ev.segments), cite)

    park_items = sorted((named(p) for p in parks), key=lambda x: (-x.documents, x.name))
    ent_items = sorted((named(e) for e in ents), key=lambda x: (x.kind not in (None, "enterprise"), -x.documents, x.name))

    roles: dict[str, RoleItem] = {}
    rank = {r: i for i, r in enumerate(index.cfg["leader_roles"])}
    for f in facts:
        if f.type != "role" or not f.args.get("entity"):
            continue
        name = str(f.args["entity"])
        item = roles.setdefault(name, RoleItem(name, index.entity_by_name(name, "organization", f.document_id), [], [], []))
        role = str(f.args.get("role") or "")
        if role and role not in item.roles:
            item.roles.append(role)
        scope = f.args.get("scope")
        if scope and str(scope) not in item.scopes:
            item.scopes.append(str(scope))
        item.citations.append(index.cite(f.document_id, f.sentence, f.id))
    for item in roles.values():
        item.roles.sort(key=lambda r: rank.get(r, len(rank)))
    leaders = sorted(roles.values(), key=lambda r: (min((rank.get(x, len(rank)) for x in r.roles), default=99),
                                                     -len(r.citations), r.entity))

    projects = [project_item(index, f) for f in facts if f.type in ("project", "investment")]
    projects.sort(key=lambda p: (-(p.amount or 0), p.date or "", p.name or ""))
    cov = coverage(index, region, facts)

    subs: Counter[str] = Counter()
    rec = index.record(region)
    for units in index.about("county").values():
        for u in units:
            r = index.gz.by_code(u)
            if r is not None and r.key != rec.key and contains(index.gz, region, r):
                subs[u] += 1
    subregions = [SubRegion(index.gz.by_code(k).name, k, n) for k, n in subs.most_common()]  # type: ignore[union-attr]

    newest = sorted(docs, key=index.date_key, reverse=True)
    return RegionProfile(
        region=region, documents_count=len(docs), subregions=subregions, metrics=metrics, parks=park_items,
        leaders=leaders, enterprises=ent_items, projects=projects, projects_by_status=status_summaries(projects),
        segments=segment_table(index, cov), documents=[index.docref(d) for d in newest[:documents]],
    )


# ---------------------------------------------------------------------- fact lists


@dataclass(slots=True)
class FactItem:
    """A stored fact for listing: what it says in one line, and the sentence it comes from."""

    id: int
    type: str
    status: str
    confidence: float
    summary: str
    args: dict[str, Any]
    citation: Citation


def fact_summary(f: FactRecord) -> str:
    """One line a person reads: 产业规模 2,850亿元 (2022) — 泰州市."""
    a = f.args
    if f.type == "metric":
        amt = metric_amount(a)
        s = f"{a.get('metric')} {amt.display if amt else a.get('value')}"
        if a.get("period"):
            s += f" ({a['period']})"
        if a.get("target"):
            s += " [target]"
        return s + (f" — {a['subject']}" if a.get("subject") else "")
    if f.type in ("project", "investment"):
        amt = project_amount(a)
        what = a.get("name") or (f"{a['count']}个项目" if a.get("count") else "项目")
        parts = [str(what), str(a.get("status") or "")]
        if amt:
            parts.append(amt.display)
        if a.get("investor"):
            parts.append(f"by {a['investor']}")
        if a.get("park") or a.get("region"):
            parts.append(f"in {a.get('park') or a.get('region')}")
        return " ".join(p for p in parts if p)
    if f.type == "role":
        return f"{a.get('entity')}: {a.get('role')}" + (f" ({a['scope']})" if a.get("scope") else "")
    if f.type == "product":
        s = str(a.get("product") or "")
        if a.get("maker"):
            s += f" by {a['maker']}"
        for k in ("claim", "approval"):
            if a.get(k):
                s += f"; {a[k]}"
        return s
    if f.type == "event":
        return " ".join(str(a[k]) for k in ("event", "name", "date", "region") if a.get(k))
    return ", ".join(f"{k}={v}" for k, v in a.items() if isinstance(v, str | int | float))


def fact_items(index: AtlasIndex, *, region: Region | str | None = None, types: Sequence[str] | None = None,
               statuses: Sequence[str] | None = None, limit: int | None = None) -> list[FactItem]:
    """Facts (of ``types``, with ``statuses``; rejected ones only when asked for) about ``region``,
    newest document first, each with its sentence."""
    reg = index.resolve(region) if region is not None else None
    if statuses is None:
        records = index.facts
        if types is not None:
            records = [f for f in records if f.type in set(types)]
    else:
        records = index.q.facts(types=types, statuses=statuses)
    if reg is not None:
        records = [f for f in records if index.fact_in(f, reg)]
    records = sorted(records, key=lambda f: (index.date_key(f.document_id), -f.start), reverse=True)
    if limit is not None:
        records = records[:limit]
    return [FactItem(f.id, f.type, f.status, f.confidence, fact_summary(f), f.args,
                     index.cite(f.document_id, f.sentence, f.id)) for f in records]
