"""The parts of a briefing, as the builder lays them out and the renderers print them.

A briefing is text with citations: every piece of text that states something is a :class:`Run`
followed by the citations of the sentences it was read from. Citation numbers are given when the
report is finished (:meth:`Report.finalize`), in reading order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chainatlas.present.report.atlas import Citation
from chainatlas.present.report.citations import Citations, Source


@dataclass(slots=True)
class Run:
    """Text followed by its citation markers (none for plain text)."""

    text: str
    cites: list[Citation] = field(default_factory=list)
    refs: tuple[int, ...] = ()

    def marked(self) -> str:
        return self.text + "".join(f"[{n}]" for n in self.refs)


@dataclass(slots=True)
class Bullet:
    runs: list[Run]
    facts: list[int] = field(default_factory=list)
    region: str | None = None

    def text(self) -> str:
        return "".join(r.marked() for r in self.runs)

    def plain(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[list[list[Run]]]  # cell = runs; the first cell is the row label


@dataclass(slots=True)
class Chart:
    kind: str  # trend | coverage | projects
    title: str
    data: dict[str, Any]
    cites: list[Citation] = field(default_factory=list)
    refs: tuple[int, ...] = ()
    note: str = ""
    lang: str = "zh"


@dataclass(slots=True)
class Kpi:
    """A key figure tile (HTML): the number with its citation, and what it measures."""

    value: Run
    label: str


@dataclass(slots=True)
class Section:
    id: str
    title: str
    bullets: list[Bullet] = field(default_factory=list)
    groups: list[tuple[str, list[Bullet]]] = field(default_factory=list)  # comparisons: per region

    def all_bullets(self) -> list[Bullet]:
        return self.bullets + [b for _, bs in self.groups for b in bs]

    @property
    def empty(self) -> bool:
        return not self.all_bullets()


@dataclass(slots=True)
class Report:
    lang: str
    kind: str  # region | compare | digest
    title: str
    title_refs: tuple[int, ...] = ()  # a digest's title quotes its article: cited when it holds a number
    subtitle: str = ""
    headline: Bullet | None = None
    headline_text: str = ""  # a number-free lead when there is no figure to cite
    kpis: list[Kpi] = field(default_factory=list)  # repeat figures of the headline and insights
    insights_title: str = ""
    insights: list[Bullet] = field(default_factory=list)
    table: Table | None = None
    table_title: str = ""
    sections: list[Section] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    charts_title: str = ""
    gaps_title: str = ""
    gaps: list[str] = field(default_factory=list)
    sources_title: str = ""
    sources: list[Source] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    fact_count: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def runs(self) -> Iterable[Run]:
        """Every cited run in reading order (the order citations are numbered in)."""
        if self.headline:
            yield from self.headline.runs
        for b in self.insights:
            yield from b.runs
        if self.table:
            for row in self.table.rows:
                for cell in row:
                    yield from cell
        for sec in self.sections:
            for b in sec.all_bullets():
                yield from b.runs

    def finalize(self, start: int = 1) -> Report:
        """Number the citations in reading order and build the Sources list."""
        reg = Citations(start)
        for run in self.runs():
            run.refs = reg.numbers(run.cites) if run.cites else ()
        for chart in self.charts:
            chart.refs = reg.numbers(chart.cites) if chart.cites else ()
        # key figures only repeat cited facts: a tile whose source is not in the text is dropped
        self.kpis = [k for k in self.kpis if all(reg.peek(c) is not None for c in k.value.cites)]
        for k in self.kpis:
            k.value.refs = reg.numbers(k.value.cites)
        self.sources = reg.sources
        return self
