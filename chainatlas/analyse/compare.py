"""Benchmarks: several regions' headline figures and chain coverage side by side.

A cell holds one region's latest actual figure for a metric (a target only when no actual figure
exists, and then marked), normalised so regions compare (money in yuan, shown in 亿元), with the
sentence it comes from. A figure counts for a region only when the region itself is its subject:
a county's or a park's output is not the city's (the profile lists those). No figure gives a
missing cell ("—", NaN in a DataFrame), never a zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chainatlas.analyse.profiles import (
    MISSING,
    AtlasIndex,
    Citation,
    MetricSeries,
    coverage,
    metric_series,
    pandas,
    period_key,
    segment_table,
    to_jsonable,
)
from chainatlas.analyse.regions import Region


@dataclass(slots=True)
class Cell:
    """One region's value of one metric; ``value`` is None (shown "—") when the atlas has none."""

    region: str
    value: float | None
    display: str
    unit: str | None
    currency: str | None
    period: str | None
    target: bool
    conflict: bool
    alternatives: list[str]  # other values stated for the same period
    sources: int
    citation: Citation | None

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(slots=True)
class MetricRow:
    metric: str
    cells: list[Cell]


@dataclass(slots=True)
class SegmentCell:
    region: str
    evidence: int  # distinct sentences (with sub-segments)
    enterprises: list[str]
    parks: list[str]
    projects: list[str]
    citation: Citation | None

    @property
    def display(self) -> str:
        if not self.evidence:
            return MISSING
        parts = [f"{self.evidence} ev."]
        if self.enterprises:
            parts.append(f"{len(self.enterprises)} org.")
        if self.projects:
            parts.append(f"{len(self.projects)} proj.")
        return ", ".join(parts)


@dataclass(slots=True)
class SegmentRow:
    id: str
    zh: str
    en: str
    stage: str
    depth: int
    cells: list[SegmentCell]


@dataclass(slots=True)
class RegionColumn:
    region: Region
    documents: int


@dataclass(slots=True)
class Comparison:
    regions: list[RegionColumn]
    metrics: list[MetricRow]
    segments: list[SegmentRow]
    note: str

    def to_dict(self) -> dict[str, Any]:
        out = to_jsonable(self)
        for row, r in zip(out["metrics"], self.metrics, strict=True):
            for cell, c in zip(row["cells"], r.cells, strict=True):
                cell["missing"] = c.missing
        for row, r in zip(out["segments"], self.segments, strict=True):
            for cell, c in zip(row["cells"], r.cells, strict=True):
                cell["display"] = c.display
        return out

    def to_frame(self, what: str = "metrics") -> Any:
        """``metrics``: numbers (yuan, counts, percent; NaN where missing), metrics × regions;
        ``display``: the printed cells; ``segments``: evidence counts, segments × regions;
        ``citations``: one row per cell with its source."""
        pd = pandas()
        names = [c.region.name for c in self.regions]
        if what in ("metrics", "display"):
            data = {}
            for row in self.metrics:
                if what == "metrics":
                    data[row.metric] = [float("nan") if c.value is None else c.value for c in row.cells]
                else:
                    data[row.metric] = [c.display for c in row.cells]
            frame = pd.DataFrame.from_dict(data, orient="index", columns=names)
            frame.index.name = "metric"
            return frame
        if what == "segments":
            data = {row.id: [c.evidence for c in row.cells] for row in self.segments}
            frame = pd.DataFrame.from_dict(data, orient="index", columns=names)
            frame.index.name = "segment"
            return frame
        if what == "citations":
            rows = []
            for row in self.metrics:
                for c in row.cells:
                    cit = c.citation
                    rows.append({"metric": row.metric, "region": c.region, "value": c.value, "display": c.display,
                                 "period": c.period, "target": c.target, "conflict": c.conflict,
                                 "document_id": cit.document_id if cit else None, "title": cit.title if cit else None,
                                 "published": cit.published if cit else None, "source": cit.source if cit else None,
                                 "sentence": cit.sentence if cit else None})
            return pd.DataFrame(rows)
        raise ValueError(f"to_frame: unknown table {what!r} (metrics, display, segments, citations)")


def best_cell(region: str, series: Sequence[MetricSeries]) -> Cell:
    """The latest actual value among the region's own series (a target only if nothing else)."""
    points = [p for s in series for p in s.points]
    if not points:
        return Cell(region, None, MISSING, None, None, None, False, False, [], 0, None)
    actual = [p for p in points if not p.values[0].target]
    pool = actual or points
    pool.sort(key=lambda p: period_key(p.period), reverse=True)
    p = pool[0]
    v = p.values[0]
    return Cell(region, v.value, v.display, v.unit, v.currency, p.period, v.target, p.conflict,
                [x.display for x in p.values[1:]], sum(len(x.citations) for x in p.values), v.citations[0])


def compare(index: AtlasIndex, regions: Iterable[Region | str], *, metrics: Sequence[str] | None = None) -> Comparison:
    """Side-by-side figures and chain coverage of ``regions`` (names are resolved; unknown raise)."""
    resolved: list[Region] = []
    for r in regions:
        reg = index.resolve(r)
        if all(x.key != reg.key for x in resolved):
            resolved.append(reg)
    if not resolved:
        raise ValueError("compare needs at least one region")
    cols = [RegionColumn(r, len(index.documents_about(r))) for r in resolved]
    own: list[dict[str, list[MetricSeries]]] = []
    tables = []
    for r in resolved:
        facts = index.facts_in(r)
        by_metric: dict[str, list[MetricSeries]] = {}
        for s in metric_series(index, facts, r):
            if s.subject_type == "region":
                by_metric.setdefault(s.metric, []).append(s)
        own.append(by_metric)
        tables.append(segment_table(index, coverage(index, r, facts), citations=1))
    order = {m: i for i, m in enumerate(index.cfg["headline_metrics"])}
    names = list(metrics) if metrics else sorted({m for o in own for m in o}, key=lambda m: (order.get(m, len(order)), m))
    rows = [MetricRow(m, [best_cell(r.name, o.get(m, [])) for r, o in zip(resolved, own, strict=True)]) for m in names]
    seg_rows = []
    for i, seg in enumerate(tables[0]):
        cells = [SegmentCell(r.name, t[i].total, t[i].enterprises, t[i].parks, t[i].projects,
                             t[i].citations[0] if t[i].citations else None) for r, t in zip(resolved, tables, strict=True)]
        seg_rows.append(SegmentRow(seg.id, seg.zh, seg.en, seg.stage, seg.depth, cells))
    note = (f"money in {index.cfg['display_money_unit']} (JSON values in yuan); each cell is the region's own latest "
            f"actual figure, a target only when no actual one exists; {MISSING} = no figure in the atlas")
    return Comparison(cols, rows, seg_rows, note)
