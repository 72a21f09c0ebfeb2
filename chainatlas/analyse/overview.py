"""The atlas overview: each region the articles are about, with its organisations, parks and figures.

A region counts a document only when the document is *about* it (the analysis layer's rule:
its mentions are at least half those of the most-mentioned region at that level), so a city
named in passing ("Beijing, Shanghai and other places") does not collect another city's parks.
Organisations and parks are those the analysis places in the region; headline figures are the
region's own metric facts, largest money first, each with the sentence it comes from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from chainatlas.analyse.evidence import AtlasIndex, metric_amount
from chainatlas.analyse.regions import Region

LEVELS = ("province", "prefecture", "county")


@dataclass(slots=True)
class Headline:
    metric: str
    display: str
    value: float
    document_id: int
    sentence: str


@dataclass(slots=True)
class OverviewRow:
    region: Region
    documents: int
    organizations: list[str] = field(default_factory=list)
    organization_count: int = 0
    parks: list[str] = field(default_factory=list)
    park_count: int = 0
    headlines: list[Headline] = field(default_factory=list)


def overview(index: AtlasIndex, *, levels: tuple[str, ...] = ("prefecture",), top: int = 4) -> list[OverviewRow]:
    """Rows for the regions at ``levels`` the atlas has documents about, most documents first."""
    rows: list[OverviewRow] = []
    mentions = index.entity_docs
    for level in levels:
        for key, n_docs in sorted(index.units(level).items(), key=lambda kv: (-kv[1], kv[0])):
            region = index.region_of_key(key)
            orgs: Counter[str] = Counter()
            parks: Counter[str] = Counter()
            for eid, e in index.entities.items():
                if e.type not in ("organization", "park"):
                    continue
                if e.type == "organization" and e.kind in ("government", "media"):
                    continue
                if not index.entity_in(eid, region):
                    continue
                weight = sum(mentions.get(eid, Counter()).values())
                (orgs if e.type == "organization" else parks)[e.name] += weight
            heads: list[Headline] = []
            for f in index.facts_in(region, ["metric"]):
                if f.args.get("target"):
                    continue
                amt = metric_amount(f.args)
                if amt is None or amt.kind != "money":
                    continue
                heads.append(Headline(str(f.args.get("metric") or ""), amt.display, amt.value, f.document_id, f.sentence))
            heads.sort(key=lambda h: -h.value)
            rows.append(OverviewRow(
                region=region,
                documents=n_docs,
                organizations=[n for n, _ in orgs.most_common()],
                organization_count=len(orgs),
                parks=[n for n, _ in parks.most_common()],
                park_count=len(parks),
                headlines=heads[:top],
            ))
    return rows
