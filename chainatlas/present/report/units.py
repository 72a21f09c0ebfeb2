"""From cited facts to bullets-to-be: sections, grouping, duplicates, scores.

Facts read from one sentence about one subject become one *unit* (one bullet). A unit's section
comes from ``templates/sections.yaml`` (fact type and metric name first, then the chain segment
``analyse.classify`` finds in the sentence, then keywords); its score puts scale figures and the
region's own figures first, then recent and confident ones.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chainatlas.present.report import templates as t
from chainatlas.present.report.atlas import CitedFact

MAX_CITES = 3  # citations kept for one fact printed by several articles


# ---------------------------------------------------------------------------- sections


@dataclass(frozen=True, slots=True)
class SectionRule:
    id: str
    zh: str
    en: str
    fact_types: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    optional: bool = False

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def section_rules() -> list[SectionRule]:
    data = t.load("sections")
    out = []
    for i, s in enumerate(data.get("sections") or ()):
        if not isinstance(s, dict) or not s.get("id"):
            raise t.TemplateError(f"{t.TEMPLATES / 'sections.yaml'}: sections[{i}] needs an id")
        out.append(SectionRule(
            s["id"], s.get("zh", s["id"]), s.get("en", s["id"]),
            tuple(s.get("fact_types") or ()), tuple(s.get("metrics") or ()), tuple(s.get("segments") or ()),
            tuple(str(k) for k in s.get("keywords") or ()), bool(s.get("optional", False)),
        ))
    return out


def setting(key: str) -> list[str]:
    return [str(x) for x in t.load("sections").get(key) or ()]


def limit(key: str, default: int) -> int:
    return int((t.load("sections").get("limits") or {}).get(key, default))


_segment_ancestry: dict[str, set[str]] = {}


def _ancestry(segment_id: str) -> set[str]:
    if segment_id not in _segment_ancestry:
        from chainatlas.analyse.taxonomy import load_taxonomy

        tax = load_taxonomy()
        ids = {segment_id}
        if segment_id in tax:
            ids |= {s.id for s in tax.ancestors(segment_id)}
        _segment_ancestry[segment_id] = ids
    return _segment_ancestry[segment_id]


def _fact_name(cf: CitedFact) -> str | None:
    a = cf.args
    for key in ("name", "product", "entity", "subject"):
        v = a.get(key)
        if isinstance(v, str) and v:
            return v
    return None


def section_of(cf: CitedFact, rules: Sequence[SectionRule]) -> str:
    """The briefing section of a fact: type and metric rules, then chain segments, then keywords."""
    metric = cf.args.get("metric") if cf.type == "metric" else None
    for r in rules:
        if cf.type in r.fact_types or (metric and metric in r.metrics):
            return r.id
    sentence = cf.citation.sentence
    try:
        from chainatlas.analyse.classify import classify

        found = classify(sentence, name=_fact_name(cf))
    except Exception:  # the taxonomy is optional for a briefing: fall back to keywords
        found = []
    for c in found:
        ids = _ancestry(c.segment_id)
        for r in rules:
            if ids & set(r.segments):
                return r.id
    low = sentence.lower()
    for r in rules:
        if any(k.lower() in low for k in r.keywords):
            return r.id
    return "overview"


# ---------------------------------------------------------------------------- units


@dataclass(slots=True)
class Unit:
    """Facts that make one bullet."""

    kind: str  # metric | target | project | aggregate | role | product | event
    facts: list[CitedFact]
    section: str
    category: str  # scale | base | growth | project | target | leaders | other
    score: float
    region_key: str | None = None
    names: list[str] = field(default_factory=list)  # projects named in an aggregate's sentence

    @property
    def first(self) -> CitedFact:
        return self.facts[0]

    @property
    def amount(self) -> float:
        a = self.first.args
        v = a.get("amount") if self.kind in ("project", "aggregate") else a.get("value")
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else 0.0


def norm(s: Any) -> str:
    return re.sub(r"\s+", "", str(s or "")).lower()


def fact_year(cf: CitedFact) -> int:
    for v in (cf.args.get("period"), cf.args.get("date"), cf.published):
        m = re.match(r"(\d{4})", str(v or ""))
        if m:
            return int(m.group(1))
    return 0


def dedupe(facts: Iterable[CitedFact]) -> list[CitedFact]:
    """One fact printed by several articles (copies, follow-ups) becomes one fact with up to
    ``MAX_CITES`` citations."""
    out: dict[tuple[Any, ...], CitedFact] = {}
    for cf in facts:
        a = cf.args
        if cf.type == "metric":
            key: tuple[Any, ...] = ("metric", norm(a.get("subject")), a.get("metric"), a.get("value"),
                                    a.get("period"), bool(a.get("target")))
        elif cf.type == "project":
            key = ("project", norm(a.get("name")), a.get("amount"), a.get("status"))
        elif cf.type == "investment":
            key = ("investment", a.get("count"), a.get("amount"), a.get("status"), norm(a.get("park")))
        else:
            key = (cf.type, tuple(sorted((k, norm(v)) for k, v in a.items() if isinstance(v, str | int | float))))
        if key in out:
            kept = out[key]
            if len(kept.citations) < MAX_CITES and all(c.document_id != cf.document_id for c in kept.citations):
                kept.citations.append(cf.citation)
        else:
            out[key] = cf
    return list(out.values())


def category(cf: CitedFact) -> str:
    if cf.type in ("project", "investment"):
        return "project"
    if cf.type == "role":
        return "leaders"
    if cf.type == "event":
        return "event"
    if cf.type != "metric":
        return "other"
    if cf.args.get("target"):
        return "target"
    m = cf.args.get("metric")
    if m in setting("scale_metrics"):
        return "scale"
    if m in setting("base_metrics"):
        return "base"
    if m in setting("growth_metrics"):
        return "growth"
    return "other"


_BASE_SCORE = {"scale": 10.0, "base": 7.0, "project": 6.0, "target": 5.5, "leaders": 6.5, "growth": 5.0,
               "other": 4.0, "event": 2.5}


def _score(cf: CitedFact, category: str, own: bool) -> float:
    s = _BASE_SCORE[category] + cf.confidence
    if own:
        s += 3.0  # the region's own figure, not one of a park or enterprise in it
    y = fact_year(cf)
    if y:
        s += 0.2 * min(max(y - 2010, 0), 20)
    if cf.type in ("project", "investment"):
        amount = cf.args.get("amount")
        if isinstance(amount, int | float) and amount > 0:
            s += max(0.0, math.log10(amount / 1e7))
    return s


def build_units(facts: list[CitedFact], rules: Sequence[SectionRule], own: Callable[[CitedFact], bool]) -> list[Unit]:
    """Group facts into bullets: metrics of one subject, period and section in one sentence; an
    aggregate of projects with the projects its sentence names; everything else one by one."""
    facts = dedupe(facts)
    # a metric read from the same numbers as a project aggregate of its sentence says it twice
    told: dict[tuple[int, str], set[float]] = defaultdict(set)
    for cf in facts:
        if cf.type == "investment":
            for k in ("count", "amount"):
                if isinstance(cf.args.get(k), int | float):
                    told[(cf.document_id, cf.citation.sentence)].add(float(cf.args[k]))
    facts = [cf for cf in facts if not (cf.type == "metric" and isinstance(cf.args.get("value"), int | float)
                                        and float(cf.args["value"]) in told.get((cf.document_id, cf.citation.sentence), ()))]
    units: list[Unit] = []
    metric_groups: dict[tuple[Any, ...], Unit] = {}
    by_sentence: dict[tuple[int, str], list[CitedFact]] = defaultdict(list)
    for cf in facts:
        sec = section_of(cf, rules)
        cat = category(cf)
        score = _score(cf, cat, own(cf))
        if cf.type == "metric":
            target = bool(cf.args.get("target"))
            key = (cf.citation.key, norm(cf.args.get("subject")), cf.args.get("period"), target, sec)
            unit = metric_groups.get(key)
            if unit is None:
                unit = Unit("target" if target else "metric", [cf], sec, cat, score, cf.region_key)
                metric_groups[key] = unit
                units.append(unit)
            else:
                unit.facts.append(cf)
                if score > unit.score:
                    unit.score, unit.category = score, cat
        elif cf.type in ("project", "investment"):
            by_sentence[(cf.document_id, cf.citation.sentence)].append(cf)
        elif cf.type == "role":
            key = ("role", cf.citation.key, norm(cf.args.get("entity")))
            unit = metric_groups.get(key)
            if unit is None:
                metric_groups[key] = unit = Unit("role", [cf], sec, cat, score, cf.region_key)
                units.append(unit)
            else:
                unit.facts.append(cf)
        else:
            units.append(Unit(cf.type, [cf], sec, cat, score, cf.region_key))
    for group in by_sentence.values():
        aggregates = [f for f in group if f.type == "investment"]
        projects = [f for f in group if f.type == "project"]
        if aggregates:
            names = [str(p.args["name"]) for p in projects if p.args.get("name")]
            for i, agg in enumerate(aggregates):
                u = Unit("aggregate", [agg], section_of(agg, rules), "project",
                         _score(agg, "project", own(agg)), agg.region_key)
                u.names = names if i == 0 else []
                units.append(u)
            projects = [p for p in projects if p.args.get("amount")]  # keep those with their own amount
            projects = [p for p in projects if not any(p.args.get("amount") == a.args.get("amount")
                                                       for a in aggregates)]
        for p in projects:
            units.append(Unit("project", [p], section_of(p, rules), "project",
                              _score(p, "project", own(p)), p.region_key))
    # a metric unit's facts in reading order of the sentence
    for u in units:
        if u.kind in ("metric", "target"):
            u.facts.sort(key=lambda f: _quantity_start(f))
    units.sort(key=lambda u: -u.score)
    return units


def _quantity_start(cf: CitedFact) -> int:
    q = cf.args.get("quantity")
    return int(q["start"]) if isinstance(q, dict) and isinstance(q.get("start"), int) else 0
