"""Charts of a briefing (matplotlib, Agg backend, PNG bytes), and the data behind them.

Three charts, each drawn only when the atlas has the data:

* ``trend``    a metric a region reports about itself for two or more years;
* ``projects`` project investment by status (signed, started, in production …), per region;
* ``coverage`` a heat map of chain segments covered per city: passages of the atlas's articles about
  each city that the taxonomy classifies, the briefing's cities first, then the best-covered peers.

Chinese labels need a CJK font: one is found through fontconfig (``fc-match``/``fc-list``,
Debian package ``fonts-noto-cjk``); without one, labels fall back to the default font and a
warning says so once.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainatlas.present.report import templates as t
from chainatlas.present.report.document import Chart

if TYPE_CHECKING:
    from chainatlas.analyse.regions import Region
    from chainatlas.present.report.atlas import AtlasData
    from chainatlas.present.report.builder import RegionBrief

PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6"]
MAX_COVERAGE_ROWS = 8
MAX_COVERAGE_DOCS = 60  # newest documents read per city for the heat map


# ---------------------------------------------------------------------------- fonts


@functools.cache
def cjk_font() -> str | None:
    """A font file with Chinese glyphs, found through fontconfig (None if there is none)."""
    if not shutil.which("fc-match"):
        return None
    for pattern in ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "sans-serif:lang=zh-cn"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}\n%{lang}", pattern], capture_output=True,
                                 text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        path, _, langs = out.partition("\n")
        if path and Path(path).exists() and re.search(r"(^|\|)zh-cn(\||$)", langs):
            return path
    try:
        out = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    return files[0] if files else None


@functools.cache
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    path = cjk_font()
    families = ["DejaVu Sans"]
    if path:
        try:
            font_manager.fontManager.addfont(path)
            families.insert(0, font_manager.FontProperties(fname=path).get_name())
        except Exception as exc:  # an unreadable font file: draw without it
            print(f"warning: charts: cannot load CJK font {path}: {exc}", file=sys.stderr)
    else:
        print("warning: charts: no CJK font found (install fonts-noto-cjk); Chinese labels may not show",
              file=sys.stderr)
    plt.rcParams.update({
        "font.family": "sans-serif", "font.sans-serif": families, "axes.unicode_minus": False,
        "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#888888",
        "axes.titlesize": 11, "axes.labelsize": 9, "xtick.labelsize": 8.5, "ytick.labelsize": 8.5,
        "legend.fontsize": 8.5, "legend.frameon": False, "figure.dpi": 150,
    })
    return plt


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", facecolor="white")
    _pyplot().close(fig)
    return buf.getvalue()


# ---------------------------------------------------------------------------- drawing


def render_png(chart: Chart) -> bytes:
    """The chart as PNG bytes."""
    if chart.kind == "trend":
        return _trend(chart.data)
    if chart.kind == "projects":
        return _projects(chart.data)
    if chart.kind == "coverage":
        return _coverage(chart.data)
    raise ValueError(f"unknown chart kind {chart.kind!r}")


def _trend(data: dict[str, Any]) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    ax.set_axisbelow(True)
    for i, (label, points) in enumerate(data["series"].items()):
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        color = PALETTE[i % len(PALETTE)]
        ax.plot(xs, ys, marker="o", color=color, label=label, linewidth=2)
        for x, y in points:
            ax.annotate(t.plain(y), (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                        fontsize=8, color=color)
    years = sorted({p[0] for pts in data["series"].values() for p in pts})
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years])
    ax.set_ylabel(data.get("unit", ""))
    ax.grid(axis="y", color="#e5e5e5")
    ax.margins(y=0.25)
    if all(p[1] >= 0 for pts in data["series"].values() for p in pts):
        ax.set_ylim(bottom=0)
    if len(data["series"]) > 1:
        ax.legend()
    return _png(fig)


def _projects(data: dict[str, Any]) -> bytes:
    plt = _pyplot()
    cats: list[str] = data["categories"]
    series: dict[str, list[float]] = data["series"]
    n = max(1, len(series))
    fig, ax = plt.subplots(figsize=(6.4, 0.9 + 0.42 * len(cats) * (1 + 0.35 * (n - 1))))
    ax.set_axisbelow(True)
    height = 0.62 / n
    for i, (label, values) in enumerate(series.items()):
        ys = [k + (i - (n - 1) / 2) * height for k in range(len(cats))]
        bars = ax.barh(ys, values, height=height * 0.92, color=PALETTE[i % len(PALETTE)], label=label)
        for bar, v in zip(bars, values, strict=True):
            if v > 0:
                ax.annotate(t.plain(round(v, 2)), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                            xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(cats)))
    ax.set_yticklabels(cats)
    ax.invert_yaxis()
    ax.set_xlabel(data.get("unit", ""))
    ax.grid(axis="x", color="#e5e5e5")
    ax.margins(x=0.15, y=0.25 if len(cats) == 1 else 0.08)
    if n > 1:
        ax.legend(loc="lower right")
    return _png(fig)


def _coverage(data: dict[str, Any]) -> bytes:
    plt = _pyplot()
    rows, cols, matrix = data["rows"], data["cols"], data["matrix"]
    fig, ax = plt.subplots(figsize=(max(5.0, 0.55 * len(cols) + 1.6), 0.42 * len(rows) + 1.9))
    peak = max((v for r in matrix for v in r), default=1) or 1
    ax.imshow(matrix, cmap="Blues", aspect="auto", vmin=0, vmax=peak)
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=40, ha="right")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    for label in ax.get_yticklabels()[: data.get("highlight", 0)]:
        label.set_fontweight("bold")
    for i, r in enumerate(matrix):
        for j, v in enumerate(r):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7.5,
                        color="white" if v > peak * 0.55 else "#1f1f1f")
    ax.set_xticks([x - 0.5 for x in range(1, len(cols))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return _png(fig)


# ---------------------------------------------------------------------------- data


def chart_specs(atlas: AtlasData, briefs: Sequence[RegionBrief], lang: str, since: str | None) -> list[Chart]:
    """The charts a briefing can show from what the atlas holds."""
    out: list[Chart] = []
    for chart in (_trend_spec(briefs, lang), _projects_spec(briefs, lang), _coverage_spec(atlas, briefs, lang, since)):
        if chart is not None:
            chart.lang = lang
            out.append(chart)
    return out


def _trend_spec(briefs: Sequence[RegionBrief], lang: str) -> Chart | None:
    from chainatlas.present.report.units import fact_year, setting

    order = setting("scale_metrics") + setting("base_metrics")
    by_metric: dict[str, dict[str, dict[int, Any]]] = defaultdict(lambda: defaultdict(dict))
    for b in briefs:
        for u in b.units:
            if u.kind != "metric":
                continue
            for f in u.facts:
                a = f.args
                year = fact_year(f) if a.get("period") else 0
                if not year or a.get("subject_type") != "region" or not f.explicit_place:
                    continue
                if not any(r.key == b.region.key for r in t.gz().lookup(str(a.get("subject")))):
                    continue
                slot = by_metric[a["metric"]][b.name]
                if year not in slot or f.confidence > slot[year].confidence:
                    slot[year] = f
    candidates = [(m, s) for m, s in by_metric.items() if any(len(pts) >= 2 for pts in s.values())]
    if not candidates:
        return None
    candidates.sort(key=lambda ms: (order.index(ms[0]) if ms[0] in order else len(order), ms[0]))
    metric, series = candidates[0]
    kinds = {t.kind_of(f.args) for pts in series.values() for f in pts.values()}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    divisor, unit = 1.0, ""
    if kind == "money":
        divisor = float(t.lookup(lang, "charts", "money_divisor", default=1e8))
        unit = "亿元" if lang == "zh" else "billion yuan"
    elif kind == "percent":
        unit = "%"
    data = {"series": {}, "unit": unit, "metric": metric}
    cites = []
    for name, pts in series.items():
        if len(pts) < 2:
            continue
        data["series"][name] = [(y, float(f.args["value"]) / divisor) for y, f in sorted(pts.items())]
        for f in pts.values():
            cites.extend(c for c in f.citations[:1] if c not in cites)
    subject = t.label(lang, "and").join(data["series"])
    title = t.lookup(lang, "charts", "trend").format(metric=t.metric_name(metric, lang), subject=subject)
    return Chart("trend", title, data, cites)


def _projects_spec(briefs: Sequence[RegionBrief], lang: str) -> Chart | None:
    divisor = float(t.lookup(lang, "charts", "money_divisor", default=1e8))
    sums: dict[str, dict[str, float]] = {}
    cites = []
    statuses: list[str] = []
    for b in briefs:
        per: dict[str, float] = defaultdict(float)
        projects = [u for u in b.units if u.kind == "project" and u.amount > 0]
        pool = projects or [u for u in b.units if u.kind == "aggregate" and u.amount > 0]
        for u in pool:
            f = u.first
            if (f.args.get("currency") or "CNY") != "CNY":
                continue
            status = t.status_text(f.args.get("status"), lang) or ("其他" if lang == "zh" else "other")
            per[status] += u.amount / divisor
            if status not in statuses:
                statuses.append(status)
            cites.extend(c for c in f.citations[:1] if c not in cites)
        if per:
            sums[b.name] = per
    if sum(1 for per in sums.values() for v in per.values() if v > 0) < 2:
        return None  # one bar says no more than the bullet it comes from
    data = {"categories": statuses, "series": {name: [per.get(s, 0.0) for s in statuses] for name, per in sums.items()},
            "unit": t.lookup(lang, "charts", "axis_amount", default="")}
    return Chart("projects", t.lookup(lang, "charts", "projects"), data, cites)


def _coverage_spec(atlas: AtlasData, briefs: Sequence[RegionBrief], lang: str, since: str | None) -> Chart | None:
    try:
        tax = atlas.index.taxonomy
    except Exception:  # no usable taxonomy: no heat map
        return None
    regions: list[tuple[str, Region]] = [(b.name, b.region) for b in briefs]
    level = briefs[0].region.unit_level if briefs else "prefecture"
    for reg, _n in atlas.atlas_regions(level):
        if len(regions) >= MAX_COVERAGE_ROWS + 4:  # peers without evidence are dropped below
            break
        if any(r.key == reg.key for _, r in regions):
            continue
        regions.append((t.region_display(atlas.gz.by_code(reg.key), reg.name, lang), reg))
    roots = {s.id: (tax.path(s.id)[0].id if tax.path(s.id) else s.id) for s in tax}
    counts: list[dict[str, int]] = []
    for _, reg in regions:
        docs = sorted(atlas.documents_about(reg, since), reverse=True)[:MAX_COVERAGE_DOCS]
        row: dict[str, int] = defaultdict(int)
        for doc_id in docs:
            for seg, n in atlas.passage_segments(doc_id).items():
                row[roots.get(seg, seg)] += n
        counts.append(row)
    keep = [s.id for s in tax if s.parent is None and any(c.get(s.id) for c in counts[:MAX_COVERAGE_ROWS])]
    if not keep or not any(counts[: len(briefs)]):
        return None
    rows = [(name, c) for (name, _), c in zip(regions, counts, strict=True)]
    # peers without any evidence say nothing: leave them out
    rows = (rows[: len(briefs)] + [r for r in rows[len(briefs):] if any(r[1].values())])[:MAX_COVERAGE_ROWS]
    seg_label = {s.id: (s.zh if lang == "zh" else s.en) for s in tax}
    data = {"rows": [n for n, _ in rows], "cols": [_short(seg_label[s], lang) for s in keep],
            "matrix": [[c.get(s, 0) for s in keep] for _, c in rows], "highlight": len(briefs)}
    return Chart("coverage", t.lookup(lang, "charts", "coverage"), data, [],
                 note=t.lookup(lang, "charts", "coverage_note", default=""))


def _short(label: str, lang: str) -> str:
    label = re.sub(r"[（(].*?[)）]", "", label).strip()
    if lang == "en" and len(label) > 26:
        label = label[:25].rstrip() + "…"
    return label
