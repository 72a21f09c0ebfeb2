"""Extraction quality on the sample gold, the development set and the hold-out set, with floors.

The printed table is the project scorer's own. A held-out set from other cities is scored the same
way by the project's stewards, so the development set (real articles from 45 other places) and
our own hold-out set (15 more, never tuned on) are the figures that matter most.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.quality.scoring import DEV, HOLDOUT, SAMPLE, score

# The foundation issue's bars.
SAMPLE_FLOORS = {"organizations": 0.80, "parks": 0.75, "regions": 0.85, "money": 0.95, "percents": 0.95, "counts": 0.90}
# The knowledge issue's bars for the stewards' held-out set, met on the development set.
DEV_FLOORS = {"organizations": 0.85, "parks": 0.80, "regions": 0.90, "money": 0.95, "percents": 0.95, "counts": 0.90}
# examples/holdout is never tuned on: a regression guard set just under what was measured when it
# was added (organisations 0.80, parks 0.86, regions 0.93, money 0.98, counts 0.94, percents 1.0),
# so a change that generalises worse fails here.
HOLDOUT_FLOORS = {"organizations": 0.75, "parks": 0.80, "regions": 0.90, "money": 0.95, "percents": 0.95, "counts": 0.90}


@dataclass(frozen=True)
class GoldSet:
    corpus: Path
    floors: dict[str, float]
    min_body: float
    max_junk: float
    min_dates: float
    min_docs: int


SETS = {
    "sample": GoldSet(SAMPLE, SAMPLE_FLOORS, min_body=1.0, max_junk=0.10, min_dates=0.90, min_docs=5),
    "dev": GoldSet(DEV, DEV_FLOORS, min_body=0.95, max_junk=0.05, min_dates=0.90, min_docs=30),
    "holdout": GoldSet(HOLDOUT, HOLDOUT_FLOORS, min_body=0.95, max_junk=0.05, min_dates=0.90, min_docs=15),
}


@pytest.fixture(scope="module")
def scores():
    cache: dict[str, tuple[dict, str]] = {}

    def get(name: str) -> tuple[dict, str]:
        if name not in cache:
            cache[name] = score(SETS[name].corpus)
        return cache[name]

    return get


@pytest.mark.parametrize(
    "name, category", [(name, cat) for name, s in SETS.items() for cat in sorted(s.floors)]
)
def test_category_floor(scores, name, category):
    summary, printed = scores(name)
    print(printed)
    assert summary[category]["f1"] >= SETS[name].floors[category], printed


@pytest.mark.parametrize("name", sorted(SETS))
def test_body_junk_dates(scores, name):
    summary, printed = scores(name)
    s = SETS[name]
    assert summary["docs"] >= s.min_docs
    assert summary["missing_docs"] == 0, printed
    assert summary["body_recall"] >= s.min_body, printed
    assert summary["junk_leak"] <= s.max_junk, printed
    assert summary["date_acc"] >= s.min_dates, printed
