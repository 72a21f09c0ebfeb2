"""Briefings from stored facts: a headline, Core Insights, sections, a numbered Sources list.

How a briefing is made:

1. the region's *cited facts* (``atlas.AtlasData.cited_facts``): stored facts, rejected ones left
   out, corrected ones with the corrected value, each with its evidence sentence;
2. facts read from one sentence about one subject become one *unit* (one bullet); every unit gets
   a section (``templates/sections.yaml``: by fact type and metric name first, then by the chain
   segment ``analyse.classify`` finds in the sentence, then by keyword) and a score (scale
   figures and the region's own figures first, then recent ones, then confident ones);
3. the best scale unit is the headline, the best unit of each kind (enterprise base, biggest
   project, target, chain leaders, growth) makes Core Insights, the rest fill the sections;
4. each unit is written by the language's templates (``templates/zh.yaml`` / ``en.yaml``), and a
   template fragment whose numbers its cited sentence does not hold is dropped, so the report
   passes the citation check (``lint.py``) by construction;
5. citations are numbered in reading order when the report is finished (``Report.finalize``).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from chainatlas.analyse.regions import Region, RegionNotFound
from chainatlas.present.report import templates as t
from chainatlas.present.report.atlas import AtlasData, CitedFact
from chainatlas.present.report.document import Bullet, Kpi, Report, Run, Section, Table
from chainatlas.present.report.units import (
    SectionRule,
    Unit,
    build_units,
    category,
    limit,
    section_rules,
    setting,
)
from chainatlas.present.report.writer import Writer

# ---------------------------------------------------------------------------- one region


@dataclass
class RegionBrief:
    """The parts of one region's briefing before they are laid out."""

    region: Region
    name: str  # as printed in the report language
    units: list[Unit]
    headline: Unit | None = None
    insights: list[Unit] = field(default_factory=list)
    documents: int = 0


def _region_name(region: Region, lang: str, atlas: AtlasData) -> str:
    rec = atlas.gz.by_code(region.key)
    return t.region_display(rec, region.name, lang)


def _own(region: Region, atlas: AtlasData) -> Callable[[CitedFact], bool]:
    def own(cf: CitedFact) -> bool:
        a = cf.args
        if cf.type == "metric":
            if a.get("subject_type") != "region" or not a.get("subject"):
                return False
            rec = atlas.gz.lookup(str(a["subject"]))
            return any(r.key == region.key for r in rec)
        return cf.explicit_place
    return own


def plan_region(atlas: AtlasData, region: Region, lang: str, since: str | None, insight_limit: int | None,
                writer: Writer) -> RegionBrief:
    """Pick the headline and the Core Insights of one region. Without ``insight_limit``, a third of
    the region's bullets (3 to the configured maximum) make Core Insights; the rest fill sections."""
    rules = section_rules()
    facts = atlas.cited_facts(region, since)
    units = build_units(facts, rules, _own(region, atlas))
    if insight_limit is None:
        insight_limit = min(limit("insights", 6), max(3, math.ceil((len(units) - 1) / 3)))
    brief = RegionBrief(region, _region_name(region, lang, atlas), units,
                        documents=len(atlas.documents_about(region, since) | {f.document_id for f in facts}))
    own = _own(region, atlas)
    scale = [u for u in units if u.category == "scale" and u.kind == "metric"]
    scale.sort(key=lambda u: (not own(u.first), -u.score))
    for u in scale:
        if writer.metric(u, "single") is not None:
            brief.headline = u
            break
    if brief.headline is None:
        for u in units:
            if u.kind == "metric" and u.category == "base" and writer.metric(u, "single") is not None:
                brief.headline = u
                break
    used = {id(brief.headline)} if brief.headline else set()
    order = ("scale", "base", "project", "target", "leaders", "growth")
    picked: list[Unit] = []
    for cat in order:
        if cat == "leaders":
            continue  # written from all role units together
        for u in units:
            if id(u) not in used and u.category == cat and writer.bullet(u) is not None:
                picked.append(u)
                used.add(id(u))
                break
    for u in units:
        if len(picked) >= insight_limit:
            break
        if id(u) not in used and u.category not in ("leaders", "event") and writer.bullet(u) is not None:
            picked.append(u)
            used.add(id(u))
    rank = {c: i for i, c in enumerate(order)}
    picked = picked[:insight_limit]
    picked.sort(key=lambda u: (rank.get(u.category, len(order)), -u.score))
    brief.insights = picked
    return brief


def _leader_units(units: list[Unit]) -> list[Unit]:
    leader_roles = ("链主企业", "龙头企业", "领军企业", "关键企业", "百强", "上市公司", "专精特新")
    out = [u for u in units if u.kind == "role" and u.first.args.get("role") in leader_roles]
    out.sort(key=lambda u: (leader_roles.index(u.first.args.get("role")), -u.score))
    return out


# ---------------------------------------------------------------------------- building


@dataclass
class ReportOptions:
    lang: str = "zh"
    since: str | None = None
    charts: bool = True
    today: str | None = None


def build_report(atlas: AtlasData, regions: Sequence[str | Region], options: ReportOptions | None = None) -> Report:
    """A briefing for one region, or a comparison when several are given.

    Raises :class:`~chainatlas.analyse.regions.RegionNotFound` (with close matches) for a name
    that is no region."""
    opts = options or ReportOptions()
    lang = opts.lang
    t.texts(lang)  # fail early on an unknown language
    resolved: list[Region] = []
    for r in regions:
        reg = r if isinstance(r, Region) else atlas.resolve(r)
        if all(x.key != reg.key for x in resolved):
            resolved.append(reg)
    if not resolved:
        raise RegionNotFound("", message="no region given")
    writer = Writer(lang)
    compare = len(resolved) > 1
    briefs = [plan_region(atlas, reg, lang, opts.since, 3 if compare else None, writer) for reg in resolved]
    report = (_layout_compare if compare else _layout_single)(briefs, writer, atlas, opts)
    if opts.charts:
        from chainatlas.present.report.charts import chart_specs

        report.charts = chart_specs(atlas, briefs, lang, opts.since)
        report.charts_title = t.label(lang, "charts")
    report.finalize()
    _footer(report, briefs, opts)
    return report


def _subtitle(region: Region, lang: str, atlas: AtlasData) -> str:
    rec = atlas.gz.by_code(region.key)
    levels = t.label(lang, "level")
    level = levels.get(region.unit_level, region.level) if isinstance(levels, dict) else region.level
    prov = None
    if rec is not None and rec.province and rec.province != rec.key:
        prov_rec = atlas.gz.by_code(rec.province)
        if prov_rec is not None:
            prov = prov_rec.name if lang == "zh" else (prov_rec.en or prov_rec.name)
    return " · ".join(x for x in (prov, level) if x)


def _base(lang: str, title: str, kind: str) -> Report:
    return Report(lang=lang, kind=kind, title=title, insights_title=t.label(lang, "core_insights"),
                  gaps_title=t.label(lang, "data_gaps"), sources_title=t.label(lang, "sources"),
                  table_title=t.label(lang, "comparison"))


def _layout_single(briefs: list[RegionBrief], writer: Writer, atlas: AtlasData, opts: ReportOptions) -> Report:
    b = briefs[0]
    lang = opts.lang
    report = _base(lang, t.label(lang, "title", region=b.name), "region")
    report.subtitle = _subtitle(b.region, lang, atlas)
    report.regions = [b.name]
    if b.headline is not None:
        report.headline = writer.metric(b.headline, "single")
    if report.headline is None:
        report.headline_text = t.lookup(lang, "headline", "none").format(region=b.name) if b.units else ""
    used: set[int] = {id(b.headline)} if b.headline else set()
    for u in b.insights:
        bullet = writer.bullet(u)
        if bullet is not None:
            report.insights.append(bullet)
            used.add(id(u))
    leaders = _leader_units(b.units)
    if leaders:
        lb = writer.leaders(leaders, b.name)
        if lb is not None and len(report.insights) < limit("insights", 6):
            report.insights.append(lb)
            used.update(id(u) for u in leaders)
    per_section = limit("bullets", 6)
    rules = section_rules()
    has_section: set[str] = {u.section for u in b.units}
    for rule in rules:
        bullets = _section_bullets(b, rule.id, used, writer, per_section)
        if bullets:
            report.sections.append(Section(rule.id, rule.title(lang), bullets))
    report.gaps = _gaps(b, rules, has_section, lang)
    report.kpis = _kpis([b], writer, lang)
    report.fact_count = sum(len(u.facts) for u in b.units)
    report.meta["documents"] = b.documents
    return report


def _section_bullets(b: RegionBrief, section: str, used: set[int], writer: Writer, cap: int) -> list[Bullet]:
    """Up to ``cap`` bullets of one section from a region's units not already used above
    (projects largest first)."""
    units = [u for u in b.units if u.section == section and id(u) not in used]
    if section == "projects":
        units.sort(key=lambda u: (-u.amount, -u.score))
    bullets: list[Bullet] = []
    for u in units:
        bl = writer.bullet(u)
        if bl is not None:
            bullets.append(bl)
        if len(bullets) >= cap:
            break
    return bullets


def _gaps(b: RegionBrief, rules: Sequence[SectionRule], has_section: set[str], lang: str) -> list[str]:
    g = t.lookup(lang, "gaps")
    out: list[str] = []
    if not b.units:
        if b.documents == 0:
            return [g["none_at_all"].format(region=b.name)]
        out.append(g["little"].format(region=b.name))
    elif len(b.units) < limit("little_data", 3):
        out.append(g["little"].format(region=b.name))
    if not any(u.category == "scale" for u in b.units):
        out.append(g["no_scale"].format(region=b.name))
    missing = [r for r in rules if not r.optional and r.id not in has_section]
    if any(r.id == "projects" for r in missing):
        out.append(g["no_projects"].format(region=b.name))
    titles = [r.title(lang) for r in missing if r.id != "projects"]
    if len(titles) == 1:
        out.append(g["section"].format(region=b.name, section=titles[0]))
    elif titles:
        out.append(g["sections"].format(region=b.name, sections=t.lookup(lang, "joiners", "list").join(titles)))
    return out


def _layout_compare(briefs: list[RegionBrief], writer: Writer, atlas: AtlasData, opts: ReportOptions) -> Report:
    lang = opts.lang
    names = [b.name for b in briefs]
    joiner = t.label(lang, "vs")
    report = _base(lang, t.label(lang, "title_compare", regions=joiner.join(names)), "compare")
    report.regions = names
    report.subtitle = "  |  ".join(f"{b.name}: {_subtitle(b.region, lang, atlas)}" for b in briefs)
    # headline: one clause per region
    clauses: list[Run] = []
    sep = t.lookup(lang, "headline", "compare_join", default="; ")
    for b in briefs:
        if b.headline is None:
            continue
        bl = writer.metric(b.headline, "compare_clause")
        if bl is None:
            continue
        if clauses:
            clauses.append(Run(sep))
        clauses.extend(bl.runs)
    if clauses:
        clauses.append(Run(t.lookup(lang, "joiners", "end", default=".")))
        merged = _merge_plain(clauses)
        report.headline = Bullet(merged) if writer.check(merged) else None
    if report.headline is None:
        report.headline_text = t.lookup(lang, "headline", "none").format(region=joiner.join(names))
    used: set[int] = set()
    prefix = t.lookup(lang, "joiners", "region_prefix", default="{region}: ")
    for b in briefs:
        for u in b.insights:
            bl = writer.bullet(u)
            if bl is None:
                continue
            if b.name not in bl.plain():
                bl.runs.insert(0, Run(prefix.format(region=b.name)))
                bl.runs = _merge_plain(bl.runs)
            report.insights.append(bl)
            used.add(id(u))
        if b.headline is not None:
            used.add(id(b.headline))
    report.table = _comparison_table(briefs, writer, lang)
    rules = section_rules()
    per_region = max(2, limit("bullets", 6) // 2)
    for rule in rules:
        sec = Section(rule.id, rule.title(lang))
        for b in briefs:
            bullets = _section_bullets(b, rule.id, used, writer, per_region)
            if bullets:
                sec.groups.append((b.name, bullets))
        if not sec.empty:
            report.sections.append(sec)
    for b in briefs:
        report.gaps.extend(_gaps(b, rules, {u.section for u in b.units}, lang))
    report.kpis = _kpis(briefs, writer, lang, per_region=2)
    report.fact_count = sum(len(u.facts) for b in briefs for u in b.units)
    report.meta["documents"] = sum(b.documents for b in briefs)
    return report


def _kpis(briefs: list[RegionBrief], writer: Writer, lang: str, per_region: int = 4) -> list[Kpi]:
    """Key figures: the headline's and Core Insights' metrics, scale first, one per metric."""
    out: list[Kpi] = []
    rank = {"scale": 0, "base": 1, "growth": 2, "other": 3, "target": 4}
    for b in briefs:
        units = [u for u in ([b.headline] if b.headline else []) + b.insights if u.kind == "metric"]
        facts = sorted((f for u in units for f in u.facts), key=lambda f: rank.get(category(f), 5))
        seen: set[str] = set()
        mine: list[Kpi] = []
        for f in facts:
            m = str(f.args.get("metric") or "")
            amount = t.metric_amount(f.args, lang)
            if not m or m in seen or amount is None or not writer.supported(amount.text, f.citations):
                continue
            seen.add(m)
            period = t.period_text(f.args.get("period"), lang)
            subject = writer.subject(f)
            label = t.metric_name(m, lang)
            if len(briefs) > 1 or (subject and subject != b.name):
                label = f"{subject} · {label}" if subject else label
            if period and writer.supported(period, f.citations):  # else, like the bullet, no period
                label = f"{label} · {period}"
            mine.append(Kpi(Run(amount.text, list(f.citations)), label))
            if len(mine) >= per_region:
                break
        out.extend(mine)
    return out[:4]


def _merge_plain(runs: list[Run]) -> list[Run]:
    """Join a plain run to the next run, so prefixes stay with the text they introduce."""
    out: list[Run] = []
    pending = ""
    for r in runs:
        if r.cites:
            out.append(Run(pending + r.text, r.cites))
            pending = ""
        else:
            pending += r.text
    if pending:
        out.append(Run(pending))
    return out


def _comparison_table(briefs: list[RegionBrief], writer: Writer, lang: str) -> Table | None:
    """Metrics the compared regions report about themselves, side by side (latest period)."""
    order = setting("scale_metrics") + setting("base_metrics") + setting("growth_metrics")
    best: dict[str, dict[str, list[CitedFact]]] = defaultdict(lambda: defaultdict(list))
    for b in briefs:
        for u in b.units:
            if u.kind != "metric":
                continue
            for f in u.facts:
                m = f.args.get("metric")
                if not m or f.args.get("subject_type") != "region" or not any(
                        r.key == b.region.key for r in t.gz().lookup(str(f.args.get("subject")))):
                    continue
                best[m][b.region.key].append(f)
    for per in best.values():
        for key, facts in per.items():
            # the latest stated period first, then the surest; other periods are not a disagreement
            facts.sort(key=lambda f: (_period_year(f), f.confidence), reverse=True)
            top = facts[0]
            per[key] = [top] + [f for f in facts[1:] if _period_year(f) == _period_year(top)
                                and f.args.get("value") != top.args.get("value")][:1]
    metrics = sorted(best, key=lambda m: (order.index(m) if m in order else len(order), m))
    rows: list[list[list[Run]]] = []
    for m in metrics[: limit("table_rows", 10)]:
        row: list[list[Run]] = [[Run(t.metric_name(m, lang))]]
        filled = 0
        for b in briefs:
            cell: list[Run] = []
            for f in best[m].get(b.region.key, [])[:2]:  # a second value: the sources disagree
                text = _cell_text(f, lang, writer)
                if text:
                    cell.append(Run((" / " if cell else "") + text, list(f.citations)))
            if cell:
                filled += 1
            row.append(cell or [Run("—")])
        if filled:
            rows.append(row)
    if not rows:
        return None
    return Table([t.label(lang, "metric"), *[b.name for b in briefs]], rows)


def _period_year(f: CitedFact) -> int:
    m = re.match(r"(\d{4})", str(f.args.get("period") or ""))
    return int(m.group(1)) if m else 0


def _cell_text(f: CitedFact, lang: str, writer: Writer) -> str:
    amount = t.metric_amount(f.args, lang)
    if amount is None:
        return ""
    period = t.period_text(f.args.get("period"), lang)
    text = amount.text + (f"（{period}）" if lang == "zh" and period else f" ({period})" if period else "")
    if not writer.supported(text, f.citations):
        text = amount.text
    return text if writer.supported(text, f.citations) else ""


def _footer(report: Report, briefs: list[RegionBrief], opts: ReportOptions) -> None:
    lang = opts.lang
    today = opts.today or date.today().isoformat()
    report.footer.append(t.label(lang, "generated", date=today, sources=len(report.sources),
                                 documents=report.meta.get("documents", 0)))
    if opts.since:
        report.footer.append(t.label(lang, "since", date=opts.since))
