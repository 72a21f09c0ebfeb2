"""The Python API of the atlas, for notebooks and scripts.

    import chainatlas
    atlas = chainatlas.open("atlas.db")
    profile = atlas.region("德州市")          # RegionProfile: figures, parks, leaders, projects, chain coverage
    table = atlas.compare(["德州市", "泰州市"])  # Comparison; .to_frame() gives a pandas DataFrame
    report = atlas.gaps("德州市")             # GapReport: weak links and enterprises to approach
    atlas.facts(region="泰州市")              # FactItem list with sentences
    atlas.search("疫苗", region="泰州市")      # SearchHit list
    atlas.entity("奥鸿药业")                  # EntityView or None

Every value comes with its citation (document, title, date, source, sentence). A region name
that is unknown or ambiguous raises :class:`RegionNotFound` / :class:`AmbiguousRegion` with the
candidates. Results are plain dataclasses; ``to_frame()`` needs pandas (optional).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from chainatlas.analyse.compare import Comparison, compare
from chainatlas.analyse.gaps import GapReport, gaps
from chainatlas.analyse.profiles import AtlasIndex, FactItem, RegionProfile, build_profile, fact_items
from chainatlas.analyse.regions import AmbiguousRegion, Candidate, Region, RegionNotFound
from chainatlas.store import Store
from chainatlas.store.views import EntityView, SearchHit

__all__ = ["AmbiguousRegion", "Atlas", "RegionNotFound", "open"]


class Atlas:
    """An opened atlas. Analyses read a snapshot of the store taken on first use; call
    :meth:`refresh` after ingesting more documents or deciding facts."""

    def __init__(self, store: Store | str | Path, *, taxonomy: Any = None) -> None:
        self._owns = not isinstance(store, Store)
        self.store = Store(store) if not isinstance(store, Store) else store
        self._taxonomy = taxonomy
        self._index: AtlasIndex | None = None

    # ------------------------------------------------------------------ plumbing

    @property
    def index(self) -> AtlasIndex:
        if self._index is None:
            self._index = AtlasIndex(self.store, taxonomy=self._taxonomy)
        return self._index

    def refresh(self) -> None:
        """Forget the snapshot: the next call reads the store again."""
        self._index = None

    def close(self) -> None:
        if self._owns:
            self.store.close()

    def __enter__(self) -> Atlas:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Atlas({self.store!r})"

    # ------------------------------------------------------------------ regions

    def resolve(self, name: str) -> Region:
        """The region a user string means (德州 → 德州市); raises with candidates otherwise."""
        return self.index.resolve(name)

    def candidates(self, name: str) -> list[Candidate]:
        return self.index.candidates(name)

    def regions(self, level: str = "prefecture") -> list[tuple[Region, int]]:
        """Regions at ``level`` the atlas has documents about, with how many, most first."""
        units = self.index.units(level)
        return [(self.index.region_of_key(k), n) for k, n in sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))]

    # ------------------------------------------------------------------ analyses

    def region(self, name: str | Region, *, documents: int = 10) -> RegionProfile:
        return build_profile(self.index, name, documents=documents)

    def compare(self, names: Iterable[str | Region], *, metrics: Sequence[str] | None = None) -> Comparison:
        return compare(self.index, names, metrics=metrics)

    def gaps(self, name: str | Region, *, peers: Iterable[str | Region] | None = None,
             candidates: int | None = None) -> GapReport:
        return gaps(self.index, name, peers=peers, candidates=candidates)

    def facts(self, *, region: str | Region | None = None, type: str | Sequence[str] | None = None,
              status: str | Sequence[str] | None = None, limit: int | None = None) -> list[FactItem]:
        """Facts with their sentences; rejected ones only when ``status`` asks for them."""
        types = [type] if isinstance(type, str) else type
        statuses = [status] if isinstance(status, str) else status
        return fact_items(self.index, region=region, types=types, statuses=statuses, limit=limit)

    # ------------------------------------------------------------------ the store's own look-ups

    def search(self, query: str, *, region: str | Region | None = None, limit: int = 20) -> list[SearchHit]:
        """Full-text search; ``region`` is resolved first (an unknown name raises, never 'no hits')."""
        where = None
        if region is not None:
            reg = self.resolve(region) if isinstance(region, str) else region
            where = reg.code or reg.name
        return self.store.search(query, region=where, limit=limit)

    def entity(self, name: str, *, limit: int = 50) -> EntityView | None:
        return self.store.entity(name, limit=limit)


def open(url: str | Path, *, taxonomy: Any = None) -> Atlas:  # noqa: A001 - chainatlas.open reads well
    """Open the atlas at ``url`` (a SQLite path or a SQLAlchemy URL)."""
    return Atlas(url, taxonomy=taxonomy)
