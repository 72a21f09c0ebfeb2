"""Chart data for the pages: plain JSON that ``static/app.js`` hands to ECharts.

Pages embed it in ``<script type="application/json">`` blocks (Jinja's ``tojson`` escapes ``<``, and
the CSP never runs such a block); app.js reads it with ``JSON.parse`` and draws with the SVG renderer.
Every text a chart shows (names, tooltips) is built here in the interface language, so the script
knows no words; tooltips use ECharts' rich-text mode, so scraped names are drawn as text, never HTML.
"""

from __future__ import annotations

from typing import Any

from chainatlas.analyse.evidence import period_key
from chainatlas.present.web.analysis import SegmentView, SeriesView
from chainatlas.present.web.i18n import Translator

STAGES = ("upstream", "midstream", "downstream")
MONEY_SCALE = 1e8  # charts draw money in 亿元 (the unit the figures are printed in)


def _names(items: list[str], total: int, sep: str, n: int = 6) -> str:
    shown = sep.join(items[:n])
    return shown + (f" … (+{total - n})" if total > n else "")


def segment_label(seg: Any, lang: str) -> str:
    return seg.zh if lang == "zh" else seg.en


def _segment_tip(seg: SegmentView, t: Translator, lang: str) -> list[str]:
    sep = "、" if lang == "zh" else ", "
    lines = [segment_label(seg, lang), f"{t.label('coverage', seg.status)} · {t('chain.evidence', n=seg.total)}"]
    if seg.peer_median is not None:
        lines.append(t("chain.peer_median", m=f"{seg.peer_median:g}"))
    if seg.enterprises:
        lines.append(t("chain.tip_enterprises", names=_names(seg.enterprises, seg.enterprise_count, sep)))
    if seg.parks:
        lines.append(t("chain.tip_parks", names=_names(seg.parks, len(seg.parks), sep, 4)))
    if seg.projects:
        lines.append(t("chain.tip_projects", names=_names(seg.projects, len(seg.projects), sep, 3)))
    if seg.status in ("absent", "weak") and seg.strong_peers:
        lines.append(t("chain.tip_peers", names=_names(seg.strong_peers, len(seg.strong_peers), sep, 4)))
    return [line if len(line) <= 90 else line[:89] + "…" for line in lines]


def chain_tree(page: Any, t: Translator, lang: str) -> dict[str, Any]:
    """The chain map: the city → upstream / midstream / downstream → segments → sub-segments, each
    segment with its coverage status (absent | weak | present | strong), evidence count and a tooltip."""
    segments: list[SegmentView] = page.profile.chain
    nodes: dict[str, dict[str, Any]] = {}
    stages: dict[str, list[dict[str, Any]]] = {s: [] for s in STAGES}
    for seg in segments:
        label = segment_label(seg, lang)
        node = {"name": f"{label} · {seg.total}" if seg.total else label, "id": seg.id, "status": seg.status,
                "value": seg.total, "tip": _segment_tip(seg, t, lang), "children": []}
        nodes[seg.id] = node
        if seg.parent and seg.parent in nodes:
            nodes[seg.parent]["children"].append(node)
        else:
            stages.setdefault(seg.stage, []).append(node)
    children = []
    for stage, kids in stages.items():
        covered = sum(1 for s in segments if s.stage == stage and s.total > 0)
        total = sum(1 for s in segments if s.stage == stage)
        children.append({"name": t.label("stage", stage), "status": "stage", "children": kids,
                         "tip": [t.label("stage", stage), t("chain.stage_tip", n=covered, total=total)]})
    return {"root": {"name": page.region.name, "status": "root", "children": children,
                     "tip": [page.region.name, t("chain.root_tip", n=sum(1 for s in segments if s.total > 0),
                                                 total=len(segments))]},
            "leaves": sum(1 for s in segments if not any(x.parent == s.id for x in segments))}


def metric_chart(series: SeriesView, t: Translator, lang: str) -> dict[str, Any]:
    """One metric over time: actual values only (targets and the other side of a conflict stay in
    the table), oldest period first; money in 亿元. Each point links to its source paragraph."""
    points = [p for p in series.points if p.period and not p.values[0].target]
    points.sort(key=lambda p: period_key(p.period))
    kind = points[0].values[0].kind if points else "count"
    values, labels, hrefs = [], [], []
    for p in points:
        v = p.values[0]
        values.append(round(v.value / MONEY_SCALE, 4) if kind == "money" else v.value)
        labels.append(v.display)
        hrefs.append(v.citations[0].href if v.citations else "")
    if kind == "money":
        unit = t("unit.yi")
    elif kind == "percent":
        unit = "%"
    else:
        unit = points[0].values[0].unit or "" if points else ""
    title = t.label("metric", series.metric)
    if series.subject_type != "region" and series.subject:
        title = f"{title} · {series.subject}"
    return {"title": title, "names": [p.period for p in points], "values": values, "labels": labels,
            "hrefs": hrefs, "unit": unit, "kind": "line" if len(points) > 2 else "bar"}


def coverage_heatmap(result: Any, t: Translator, lang: str) -> dict[str, Any]:
    """Chain coverage of the compared regions: segments (chain order, top to bottom) × regions, each
    cell the number of evidence sentences, with a tooltip naming the enterprises behind it."""
    cols = [i for i, c in enumerate(result.columns) if c.region is not None]
    regions = [result.columns[i].region.name for i in cols]
    sep = "、" if lang == "zh" else ", "
    # rows top to bottom: a header row per stage, then its segments (sub-segments indented)
    rows: list[tuple[str, Any]] = []
    for stage in STAGES:
        segs = [r for r in result.segments if r.stage == stage]
        if segs:
            rows.append((t.label("stage", stage), None))
            rows.extend((("· " * r.depth) + segment_label(r, lang), r) for r in segs)
    n = len(rows)
    data = []
    for y, (_label, row) in enumerate(rows):
        if row is None:
            continue
        for x, i in enumerate(cols):
            cell = row.cells[i]
            tip = [f"{regions[x]} · {segment_label(row, lang)}", t("chain.evidence", n=cell.evidence)]
            if cell.enterprises:
                tip.append(t("chain.tip_enterprises", names=_names(cell.enterprises, cell.enterprise_count, sep)))
            if cell.projects:
                tip.append(t("chain.tip_projects", names=_names(cell.projects, len(cell.projects), sep, 3)))
            data.append({"value": [x, n - 1 - y, cell.evidence], "tip": tip})
    labels = [label for label, _ in rows]
    headers = [n - 1 - y for y, (_, row) in enumerate(rows) if row is None]
    return {"regions": regions, "segments": list(reversed(labels)), "headers": headers, "data": data,
            "max": max((d["value"][2] for d in data), default=0)}
