"""Conflicts: sources that disagree on the same metric of the same subject and period.

A metric fact (``type == "metric"``) has ``args`` {subject, metric, value, unit, period, …}. Claims
are grouped by (canonical subject, metric, period); within a group, values that agree are pooled
and a group with two or more disagreeing values, printed in two or more documents, is a conflict.
Both values are kept: this module only lists them, with their documents and sentences.

Agreement: money within a relative tolerance of 0.5 % (rounding: 12亿 vs 12.03亿), counts and
percents exactly. A hedged value is a bound, not a figure: 超40家 / 40余家 / over 40 agree with
anything at least 40, 约/近/about 40 with anything within 10 %. Claims without a period are left
out (two undated figures may describe different years); claims in different currencies are not
compared, and a target (``args["target"]``: a goal for 2027) never contradicts an actual figure.
Count units are not compared (the metric says what is counted: 企业数量 in 家, enterprises, companies).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MONEY_TOLERANCE = 0.005
APPROX_TOLERANCE = 0.10
_LOWER = ("超过", "超", "逾", "余", "多", "以上", "不少于", "至少", "over", "more than", "above", "at least", "+")
_APPROX = ("约", "近", "大约", "左右", "将近", "about", "around", "nearly", "approximately", "roughly")
_CURRENCIES = {"cny": "CNY", "rmb": "CNY", "元": "CNY", "人民币": "CNY", "yuan": "CNY", "usd": "USD",
               "美元": "USD", "dollar": "USD", "dollars": "USD", "eur": "EUR", "欧元": "EUR", "hkd": "HKD",
               "港元": "HKD", "港币": "HKD", "jpy": "JPY", "日元": "JPY"}
_PERCENT = {"%", "percent", "百分比", "pct", "percentage points"}


@dataclass(slots=True)
class Claim:
    """One metric fact as evidence: what a document says, and where."""

    fact_id: int
    document_id: int
    title: str | None
    published: str | None
    subject_id: int | None  # canonical entity, when the subject could be resolved
    subject: str
    metric: str
    period: str | None
    value: float
    unit: str | None
    kind: str  # money | count | percent
    qualifier: str | None = None
    sentence: str = ""
    status: str = "extracted"
    target: bool = False  # a goal, not a figure reached


@dataclass(slots=True)
class ValueGroup:
    """Claims that agree with each other: one side of a conflict."""

    value: float
    claims: list[Claim] = field(default_factory=list)

    @property
    def documents(self) -> list[int]:
        return sorted({c.document_id for c in self.claims})


@dataclass(slots=True)
class Conflict:
    subject_id: int | None
    subject: str
    metric: str
    period: str
    unit: str | None
    kind: str
    values: list[ValueGroup]

    @property
    def claims(self) -> list[Claim]:
        return [c for g in self.values for c in g.claims]


def metric_kind(args: dict[str, Any]) -> tuple[str, str | None]:
    """(money | count | percent, the normalised unit or currency) of a metric fact's args."""
    kind = str(args.get("kind") or "").lower()
    unit = args.get("currency") or args.get("unit")
    folded = unicodedata.normalize("NFKC", str(unit or "")).strip().casefold()
    if kind == "money" or args.get("currency") or folded in _CURRENCIES or folded.endswith("元"):
        code = _CURRENCIES.get(folded) or ("CNY" if not folded or folded.endswith("元") else str(unit).upper())
        return "money", code
    if kind == "percent" or folded in _PERCENT:
        return "percent", "%"
    return "count", folded or None


def normalise_period(period: Any) -> str | None:
    """A comparable period: 2023年 → 2023, 2023年末/年底 → 2023末, 2023年上半年 → 2023上半年."""
    if period is None:
        return None
    text = unicodedata.normalize("NFKC", str(period)).strip().casefold()
    if not text:
        return None
    text = re.sub(r"\s+", "", text)
    text = text.replace("年底", "末").replace("年末", "末").replace("全年", "").replace("年度", "")
    text = re.sub(r"(\d{4})年(?=$|\d|上|下|[一二三四]季|末|前|h|q)", r"\1", text)
    text = re.sub(r"^(\d{4})年$", r"\1", text)
    return text or None


def normalise_metric(metric: Any) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(metric or "")).strip().casefold())


def _bound(q: str | None) -> str:
    text = unicodedata.normalize("NFKC", q or "").strip().casefold()
    if not text:
        return ""
    if any(w in text for w in _LOWER):
        return "lower"
    if any(w in text for w in _APPROX):
        return "approx"
    return ""


def agree(a: Claim, b: Claim) -> bool:
    """Whether two claims of one group state the same figure (see the module doc)."""
    for x, y in ((a, b), (b, a)):
        bound = _bound(x.qualifier)
        if bound == "lower" and y.value >= x.value * (1 - MONEY_TOLERANCE if x.kind == "money" else 1):
            return True
        if bound == "approx" and math.isclose(x.value, y.value, rel_tol=APPROX_TOLERANCE):
            return True
    if a.kind == "money":
        return math.isclose(a.value, b.value, rel_tol=MONEY_TOLERANCE)
    return math.isclose(a.value, b.value, rel_tol=0.0, abs_tol=1e-9)


def find_conflicts(claims: Iterable[Claim]) -> list[Conflict]:
    """Groups of claims on one (subject, metric, period, unit) that disagree across documents."""
    groups: dict[tuple[Any, ...], list[Claim]] = defaultdict(list)
    for c in claims:
        if c.period is None or c.status == "rejected" or not c.metric or math.isnan(c.value):
            continue
        subject = c.subject_id if c.subject_id is not None else normalise_metric(c.subject)
        unit = None if c.kind == "count" else c.unit
        groups[(subject, normalise_metric(c.metric), c.period, c.kind, unit, c.target)].append(c)
    out: list[Conflict] = []
    for (_, metric, period, kind, _, target), members in groups.items():
        if len({c.document_id for c in members}) < 2:
            continue
        values: list[ValueGroup] = []
        # Exact figures first, so a hedged "40余家" joins the figure it agrees with, not the reverse.
        for c in sorted(members, key=lambda c: (_bound(c.qualifier) != "", c.value, c.document_id, c.fact_id)):
            for g in values:
                if all(agree(c, other) for other in g.claims):
                    g.claims.append(c)
                    break
            else:
                values.append(ValueGroup(c.value, [c]))
        if len(values) < 2:
            continue
        docs = [set(g.documents) for g in values]
        if len(set().union(*docs)) < 2:
            continue  # one article stating two figures is not two sources disagreeing
        first = members[0]
        out.append(Conflict(first.subject_id, first.subject, metric, period + (" (target)" if target else ""),
                            first.unit, kind, values))
    out.sort(key=lambda c: (c.subject, c.metric, c.period))
    return out
