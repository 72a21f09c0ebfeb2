"""Plain dataclasses shared by every stage.

Every stage (ingest → extract → resolve → store → analyse → present) speaks in these
types and nothing else, so a stage can run on a worker process or a Dask cluster:
a ``Document`` is picklable and carries everything extraction needs.

Offsets are Python string indices (code points) into ``Document.text``, end exclusive,
as the extraction contract (``docs/contract.md``) requires.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Span:
    """A stretch of ``Document.text``: the evidence for anything extracted."""

    start: int
    end: int
    text: str = ""


@dataclass(slots=True)
class Passage:
    """A paragraph of the cleaned body: the unit a citation points to."""

    index: int
    start: int
    end: int


@dataclass(slots=True)
class Dropped:
    """A block the cleaner removed from the raw text, kept so a user can see why."""

    text: str
    reason: str


@dataclass(slots=True)
class Entity:
    """A named thing within one document, with every place it is mentioned.

    ``type`` is one of region | organization | park | product | person.
    ``kind`` refines organisations: enterprise | institution | government | media.
    ``code`` is the 6-digit administrative code for regions.
    """

    type: str
    name: str
    kind: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    code: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    def surface_forms(self) -> list[str]:
        return [self.name, *[a for a in self.aliases if a != self.name]]


@dataclass(slots=True)
class Quantity:
    """A normalised number with its evidence span.

    kind: money (``value`` in units of ``currency``), count (``unit`` is the measure
    word or noun), percent (``value`` in percent points, 70 for 70%).
    ``qualifier`` keeps the hedge printed with the number (约, 多, 超, 以上, over…).
    """

    kind: str
    value: float
    text: str
    start: int
    end: int
    currency: str | None = None
    unit: str | None = None
    qualifier: str | None = None


@dataclass(slots=True)
class Fact:
    """A relation between entities and quantities, tied to its evidence span.

    ``args`` holds the type-specific fields (subject, metric, value, status…);
    values are plain JSON types so facts serialise without help.
    """

    type: str
    args: dict[str, Any]
    start: int
    end: int
    confidence: float = 0.5


@dataclass(slots=True)
class Document:
    """One article after ingest, and the annotations extraction adds to it."""

    source: str
    text: str
    title: str | None = None
    published: str | None = None
    lang: str = "zh"
    site: str | None = None
    encoding: str | None = None
    content_hash: str | None = None
    passages: list[Passage] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    def passage_at(self, offset: int) -> Passage | None:
        """The passage holding ``offset`` (citations point to paragraphs)."""
        for p in self.passages:
            if p.start <= offset < p.end:
                return p
        return None

    def sentence_at(self, start: int, end: int | None = None) -> Span:
        """The sentence around ``start..end``: what a user is shown as evidence."""
        end = start if end is None else end
        text = self.text

        def stop(i: int) -> bool:
            ch = text[i]
            if ch in "。！？!?；;\n":
                return True
            # An English full stop ends a sentence only before a space ("18.026" does not).
            return ch == "." and (i + 1 == len(text) or text[i + 1].isspace())

        left = start
        while left > 0 and not stop(left - 1):
            left -= 1
        right = end
        while right < len(text) and not stop(right):
            right += 1
        if right < len(text) and text[right] != "\n":
            right += 1
        while left < right and text[left].isspace():
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        return Span(left, right, text[left:right])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
