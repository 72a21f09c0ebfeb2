"""Gaps and targets (补链/强链): chain segments where a region lags its peers, and whom to approach.

The gap rule (docs/analysis.md has the full text; the numbers live in data/analysis.yaml):

* A region's *strength* in a segment is its evidence count: distinct sentences that place one of
  its enterprises, institutions, parks, projects or products in the segment or a sub-segment.
* *Peers* are the other regions at the same level (cities with cities) that the atlas has
  documents about, or the ones the user names. The *peer median* of a segment is the median
  strength over the peers active in it (strength > 0): over all peers it would be 0 in any atlas
  where most cities are covered by a handful of articles.
* A peer is *strong* in a segment at strength ≥ max(``min_strong``, peer median).
* The region is *absent* at strength 0, *weak* below ``weak_share`` × peer median, else present.
* A *gap* is an absent or weak segment with at least one strong peer. Only the most specific gaps
  are reported: a segment with a sub-segment that is a gap gives way to it (疫苗 rather than
  生物药), since 精准招商 targets a link, not a branch. Gaps are ranked absent before weak, then
  by the number of strong peers, then by the peer median.

Candidates for a gap are enterprises placed in another region with evidence in the segment, ranked
by a score whose every term is shown: segment evidence + recency + project amount + role.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ahocorasick

from chainatlas.analyse.evidence import (
    MISSING,
    AtlasIndex,
    Citation,
    format_money,
    pandas,
    project_amount,
    to_jsonable,
)
from chainatlas.analyse.regions import Region, unit_at
from chainatlas.resolve.keys import normalize_name
from chainatlas.store.analytics import FactRecord

PROJECT_TYPES = ("project", "investment")


@dataclass(slots=True)
class ScoreTerm:
    name: str  # evidence | recency | projects | role
    points: float
    max_points: float
    reason: str


@dataclass(slots=True)
class CandidateProject:
    name: str | None
    amount: float | None
    amount_display: str
    status: str | None
    date: str | None
    region: str | None
    citation: Citation


@dataclass(slots=True)
class TargetCandidate:
    """An enterprise from another region active in the gap segment."""

    rank: int
    entity_id: int
    name: str
    kind: str | None
    regions: list[str]
    segments: list[str]
    score: float
    terms: list[ScoreTerm]
    roles: list[str]
    evidence: list[Citation]
    projects: list[CandidateProject]

    @property
    def reason(self) -> str:
        return "; ".join(f"{t.name} {t.points:g}/{t.max_points:g}: {t.reason}" for t in self.terms)


@dataclass(slots=True)
class PeerStrength:
    region: str
    key: str
    evidence: int


@dataclass(slots=True)
class SegmentStanding:
    id: str
    zh: str
    en: str
    stage: str
    parent: str | None
    evidence: int
    peer_median: float | None
    active_peers: int
    strong_peers: list[PeerStrength]
    status: str  # absent | weak | present | strong


@dataclass(slots=True)
class Gap:
    segment: SegmentStanding
    reason: str
    candidates: list[TargetCandidate]


@dataclass(slots=True)
class PeerRegion:
    name: str
    key: str
    documents: int


@dataclass(slots=True)
class GapReport:
    region: Region
    documents: int
    peers: list[PeerRegion]
    rule: str
    standings: list[SegmentStanding]
    gaps: list[Gap]

    def to_dict(self) -> dict[str, Any]:
        out = to_jsonable(self)
        for g, gap in zip(out["gaps"], self.gaps, strict=True):
            for c, cand in zip(g["candidates"], gap.candidates, strict=True):
                c["reason"] = cand.reason
        return out

    def to_frame(self, what: str = "candidates") -> Any:
        """``candidates``: one row per (gap, candidate) with every score term; ``standings``: the
        region against its peers in every segment."""
        pd = pandas()
        if what == "candidates":
            rows = []
            for g in self.gaps:
                for c in g.candidates:
                    row: dict[str, Any] = {"segment": g.segment.id, "segment_zh": g.segment.zh,
                                           "gap": g.segment.status, "rank": c.rank, "enterprise": c.name,
                                           "regions": "、".join(c.regions), "score": c.score}
                    for t in c.terms:
                        row[t.name] = t.points
                    row["reason"] = c.reason
                    rows.append(row)
            return pd.DataFrame(rows)
        if what == "standings":
            return pd.DataFrame([{"segment": s.id, "zh": s.zh, "stage": s.stage, "evidence": s.evidence,
                                  "peer_median": s.peer_median, "active_peers": s.active_peers,
                                  "strong_peers": len(s.strong_peers), "status": s.status} for s in self.standings])
        raise ValueError(f"to_frame: unknown table {what!r} (candidates, standings)")


# ---------------------------------------------------------------------- evidence per unit


@dataclass
class UnitEvidence:
    """Per unit (city) and segment: evidence sentences; per entity and segment: its sentences."""

    sentences: dict[str, dict[str, set[tuple[int, int]]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    entity: dict[int, dict[str, dict[tuple[int, int], str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(dict)))


def unit_evidence(index: AtlasIndex, level: str) -> UnitEvidence:
    """Evidence of every unit at ``level`` in one pass over entities and facts."""
    out = UnitEvidence()
    ids = [eid for eid, e in index.entities.items()
           if index.entity_docs.get(eid) and (e.type == "park" or index.is_enterprise(e))]
    evidence = index.entity_evidence(ids)
    for eid in ids:
        units = index.entity_units(eid, level)
        for seg, items in evidence[eid].segments.items():
            for doc, start, sentence in items:
                out.entity[eid][seg][(doc, start)] = sentence
                for u in units:
                    out.sentences[u][seg].add((doc, start))
    about = index.about(level)
    for f in index.facts:
        if f.type not in (*PROJECT_TYPES, "product"):
            continue
        segs = index.fact_segments(f)
        if not segs:
            continue
        recs, ents, _ = index.fact_places(f)
        if recs:
            units = {u.key for r in recs if (u := unit_at(index.gz, r, level)) is not None}
        elif ents:
            units = {u for e in ents for u in index.entity_units(e, level)}
        else:
            units = set(about.get(f.document_id, ()))
        for u in units:
            for seg in segs:
                out.sentences[u][seg].add((f.document_id, f.start))
    return out


def _rolled(ev: UnitEvidence, unit: str, family: Sequence[str]) -> int:
    got: set[tuple[int, int]] = set()
    for seg in family:
        got |= ev.sentences.get(unit, {}).get(seg, set())
    return len(got)


# ---------------------------------------------------------------------- candidates


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return (date.fromisoformat(str(b)[:10]) - date.fromisoformat(str(a)[:10])).days
    except (TypeError, ValueError):
        return None


class _Projects:
    """Projects and roles of each enterprise: by investor, role entity, or its name in the project name."""

    def __init__(self, index: AtlasIndex) -> None:
        self.by_entity: dict[int, list[FactRecord]] = defaultdict(list)
        self.roles: dict[int, list[FactRecord]] = defaultdict(list)
        auto = ahocorasick.Automaton()
        for eid, e in index.entities.items():
            if e.type == "organization":
                for form in {normalize_name(f) for f in (e.name, *e.aliases)}:
                    if len(form) >= 3:
                        auto.add_word(form, (len(form), eid))
        usable = len(auto) > 0
        if usable:
            auto.make_automaton()
        for f in index.facts:
            if f.type == "role":
                eid = index.entity_by_name(str(f.args.get("entity") or ""), "organization", f.document_id)
                if eid:
                    self.roles[eid].append(f)
                continue
            if f.type not in PROJECT_TYPES:
                continue
            found: set[int] = set()
            inv = index.entity_by_name(str(f.args.get("investor") or ""), "organization", f.document_id)
            if inv:
                found.add(inv)
            name = normalize_name(str(f.args.get("name") or ""))
            if name and usable:
                found.update(eid for _, (_, eid) in auto.iter(name))
            for eid in found:
                self.by_entity[eid].append(f)


def _score(index: AtlasIndex, eid: int, items: dict[tuple[int, int], str], projects: list[FactRecord],
           roles: list[FactRecord], as_of: str | None, seg_label: str) -> tuple[list[ScoreTerm], list[str]]:
    cfg = index.cfg["score"]
    role_points: dict[str, float] = {str(k): float(v) for k, v in index.cfg["roles"].items()}
    n = len(items)
    ndocs = len({d for d, _ in items})
    pe, cap = float(cfg["evidence"]["points"]), int(cfg["evidence"]["cap"])
    terms = [ScoreTerm("evidence", round(pe * min(n, cap) / cap, 1), pe,
                       f"{n} sentence{'s' * (n != 1)} in {ndocs} document{'s' * (ndocs != 1)} place it in {seg_label}")]
    pr, horizon = float(cfg["recency"]["points"]), float(cfg["recency"]["horizon_days"])
    dates = [index.docs[d].published for d, _ in items if d in index.docs and index.docs[d].published]
    newest = max(dates) if dates else None
    age = _days(newest, as_of) if newest else None
    if age is None:
        terms.append(ScoreTerm("recency", 0.0, pr, "no dated evidence"))
    else:
        pts = round(pr * max(0.0, 1.0 - max(age, 0) / horizon), 1)
        terms.append(ScoreTerm("recency", pts, pr, f"newest evidence {newest[:10]}, {max(age, 0)} days before the "
                                                   f"atlas's newest document ({str(as_of)[:10]})"))
    pp, cap_yuan = float(cfg["projects"]["points"]), float(cfg["projects"]["cap_yuan"])
    amounts = [a.value for f in projects if (a := project_amount(f.args)) is not None and a.currency in (None, "CNY")]
    total = sum(amounts)
    if total > 0:
        pts = round(pp * min(1.0, math.log10(1 + total / 1e8) / math.log10(1 + cap_yuan / 1e8)), 1)
        terms.append(ScoreTerm("projects", pts, pp, f"{len(projects)} project{'s' * (len(projects) != 1)}, "
                                                   f"{format_money(total)} in all"))
    else:
        terms.append(ScoreTerm("projects", 0.0, pp, f"{len(projects)} project{'s' * (len(projects) != 1)}, no amount"
                               if projects else "no project in the atlas"))
    names = list(dict.fromkeys(str(f.args.get("role")) for f in roles if f.args.get("role")))
    names.sort(key=lambda r: -role_points.get(r, 0.0))
    best = max((role_points.get(r, 0.0) for r in names), default=0.0)
    terms.append(ScoreTerm("role", best, max(role_points.values(), default=0.0),
                           "、".join(names) if names else "no role stated (链主/龙头…)"))
    return terms, names


def candidates_for(index: AtlasIndex, ev: UnitEvidence, region: Region, family: Sequence[str],
                   projects: _Projects, unit_names: dict[str, str], limit: int) -> list[TargetCandidate]:
    as_of = index.q.newest_published()
    seg_label = index.taxonomy.segment(family[0]).zh
    n_evidence = int(index.cfg["gaps"]["evidence"])
    out = []
    for eid, segs in ev.entity.items():
        e = index.entities[eid]
        if not index.is_enterprise(e) or e.kind not in (None, "enterprise"):
            continue
        units = index.entity_units(eid, region.unit_level)
        if not units or region.key in units or index.entity_in(eid, region):
            continue
        items: dict[tuple[int, int], str] = {}
        matched = []
        for seg in family:
            if segs.get(seg):
                items.update(segs[seg])
                matched.append(seg)
        if not items:
            continue
        projs = projects.by_entity.get(eid, [])
        terms, roles = _score(index, eid, items, projs, projects.roles.get(eid, []), as_of, seg_label)
        newest = sorted(items.items(), key=lambda kv: index.date_key(kv[0][0]), reverse=True)
        cprojects = []
        ranked = sorted(projs, key=lambda f: index.date_key(f.document_id), reverse=True)
        ranked.sort(key=lambda f: -(a.value if (a := project_amount(f.args)) is not None else -1.0))
        for f in ranked[:5]:  # the largest first, then the newest
            amt = project_amount(f.args)
            cprojects.append(CandidateProject(
                f.args.get("name"), amt.value if amt else None, amt.display if amt else MISSING, f.args.get("status"),
                f.args.get("date"), f.args.get("region"), index.cite(f.document_id, f.sentence, f.id)))
        out.append(TargetCandidate(
            0, eid, e.name, e.kind, sorted(unit_names.get(u, u) for u in units), matched,
            round(sum(t.points for t in terms), 1), terms, roles,
            [index.cite(d, s) for (d, _), s in newest[:n_evidence]], cprojects))
    out.sort(key=lambda c: (-c.score, c.name))
    for i, c in enumerate(out[:limit], 1):
        c.rank = i
    return out[:limit]


# ---------------------------------------------------------------------- the report


RULE = ("strength = distinct evidence sentences (enterprises, parks, projects, products) in the segment and its "
        "sub-segments; peer median = median strength over peers active in the segment; strong peer: strength ≥ "
        "max({min_strong}, median); the region is absent at 0, weak below {weak_share} × median; a gap is an absent "
        "or weak segment with a strong peer (the most specific such segment is reported). Candidate score = "
        "evidence (≤{pe:g}) + recency (≤{pr:g}) + project amount (≤{pp:g}) + role (≤{pl:g}).")


def gaps(index: AtlasIndex, region: Region | str, *, peers: Iterable[Region | str] | None = None,
         candidates: int | None = None) -> GapReport:
    """Segments where ``region`` is absent or weak while peers are strong, with enterprises to approach."""
    region = index.resolve(region)
    level = region.unit_level
    cfg = index.cfg["gaps"]
    weak_share, min_strong = float(cfg["weak_share"]), float(cfg["min_strong"])
    limit = int(candidates if candidates is not None else cfg["candidates"])
    units = index.units(level)
    if peers is None:
        peer_keys = [k for k, _ in sorted(units.items(), key=lambda kv: (-kv[1], kv[0])) if k != region.key]
    else:
        peer_keys = []
        for p in peers:
            reg = index.resolve(p)
            if reg.unit_level != level:
                raise ValueError(f"peer {reg.name} is a {reg.unit_level}, {region.name} a {level}: "
                                 f"compare regions of one level")
            if reg.key != region.key and reg.key not in peer_keys:
                peer_keys.append(reg.key)
    unit_names = {k: index.region_of_key(k).name for k in {*units, *peer_keys, region.key}}
    ev = unit_evidence(index, level)
    tax = index.taxonomy
    standings: list[SegmentStanding] = []
    family_of: dict[str, list[str]] = {}
    for segs in tax.by_stage().values():
        for s in segs:
            family = [s.id, *[d.id for d in tax.descendants(s.id)]]
            family_of[s.id] = family
            own = _rolled(ev, region.key, family)
            strengths = [(k, _rolled(ev, k, family)) for k in peer_keys]
            active = [n for _, n in strengths if n > 0]
            median = float(statistics.median(active)) if active else None
            bar = max(min_strong, median or 0.0)
            strong = sorted((PeerStrength(unit_names[k], k, n) for k, n in strengths if active and n >= bar),
                            key=lambda p: (-p.evidence, p.region))
            if own == 0:
                status = "absent"
            elif median is not None and own < weak_share * median:
                status = "weak"
            elif median is not None and own >= bar:
                status = "strong"
            else:
                status = "present"
            standings.append(SegmentStanding(s.id, s.zh, s.en, s.stage, s.parent, own, median, len(active), strong, status))

    def is_gap(s: SegmentStanding) -> bool:
        return s.status in ("absent", "weak") and bool(s.strong_peers)

    projects = _Projects(index)
    gap_ids = {s.id for s in standings if is_gap(s)}
    found = []
    for s in standings:
        # the most specific gap is reported: a segment gives way to a sub-segment that is a gap too
        if s.id not in gap_ids or any(d in gap_ids for d in family_of[s.id][1:]):
            continue
        med = f"{s.peer_median:g}" if s.peer_median is not None else MISSING
        top = "、".join(f"{p.region} {p.evidence}" for p in s.strong_peers[:5])
        reason = (f"{region.name} has {s.evidence} evidence sentence{'s' * (s.evidence != 1)} ({s.status}); "
                  f"peer median {med} over {s.active_peers} active peer{'s' * (s.active_peers != 1)}; strong: {top}")
        found.append(Gap(s, reason, candidates_for(index, ev, region, family_of[s.id], projects, unit_names, limit)))
    found.sort(key=lambda g: (g.segment.status != "absent", -len(g.segment.strong_peers), -(g.segment.peer_median or 0)))
    sc = index.cfg["score"]
    rule = RULE.format(min_strong=cfg["min_strong"], weak_share=cfg["weak_share"], pe=float(sc["evidence"]["points"]),
                       pr=float(sc["recency"]["points"]), pp=float(sc["projects"]["points"]),
                       pl=max((float(v) for v in index.cfg["roles"].values()), default=0.0))
    peer_rows = [PeerRegion(unit_names[k], k, units.get(k, 0)) for k in peer_keys]
    return GapReport(region, units.get(region.key, 0), peer_rows, rule, standings, found)


__all__ = ["Gap", "GapReport", "SegmentStanding", "TargetCandidate", "gaps", "unit_evidence"]
