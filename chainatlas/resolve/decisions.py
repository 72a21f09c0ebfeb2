"""Users' merge and split decisions as constraints the resolver obeys on every later ingest.

Decisions name entities by printed forms, never by row ids (ids change when documents are
stored again):

- ``merge`` ``{"type", "into", "from", "names": [into, from], "forms": [...]}``: the two names
  are one entity. Any entity printed with one of ``names`` joins the entity holding another.
- ``split`` ``{"type", "entity", "alias", "alias_forms": [...], "entity_forms": [...]}``: ``alias``
  is not the entity named ``entity``. The forms that left with the alias and those that stayed
  are kept apart for good: an entity printed with forms of one side never joins an entity holding
  forms of the other, and an extracted entity printing the alias beside forms of the other side is
  cut in two (the alias takes its mentions). A form that is part of the other side's name (奥鸿 in
  奥鸿药业) stays neutral: short forms may go either way.

Later decisions win: a merge undoes earlier splits between its two sides, a split undoes earlier
merges of its alias.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chainatlas.resolve.keys import normalize_name


@dataclass(frozen=True, slots=True)
class MergeRule:
    id: int
    type: str
    names: frozenset[str]  # normalised names tied together
    forms: frozenset[str]  # every normalised form of both sides when the user decided


@dataclass(frozen=True, slots=True)
class SplitRule:
    id: int
    type: str
    alias: str  # normalised
    anchor: str  # normalised name of the entity the alias was taken from
    printed: str  # the alias as the user gave it
    alias_forms: frozenset[str] = frozenset()  # normalised forms that left with the alias
    anchor_forms: frozenset[str] = frozenset()  # normalised forms that stayed

    def sides(self) -> tuple[frozenset[str], frozenset[str]]:
        return self.alias_forms or frozenset({self.alias}), self.anchor_forms or frozenset({self.anchor})


@dataclass
class Decisions:
    """Compiled merge/split decisions; build with :meth:`from_records`."""

    merges: list[MergeRule] = field(default_factory=list)
    splits: list[SplitRule] = field(default_factory=list)

    def __post_init__(self) -> None:
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def find(x: tuple[str, str]) -> tuple[str, str]:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for m in self.merges:  # union of names across merges (A~B, B~C → A~B~C)
            names = sorted(m.names)
            for n in names[1:]:
                parent[find((m.type, n))] = find((m.type, names[0]))
        members: dict[tuple[str, str], set[str]] = {}
        ids: dict[tuple[str, str], set[int]] = {}
        for m in self.merges:
            root = find((m.type, next(iter(m.names))))
            members.setdefault(root, set()).update(m.names)
            ids.setdefault(root, set()).add(m.id)
        self._classes: dict[tuple[str, str], tuple[frozenset[str], tuple[int, ...]]] = {}
        for root, names in members.items():
            entry = (frozenset(names), tuple(sorted(ids[root])))
            for n in names:
                self._classes[(root[0], n)] = entry
        self._split_by_form: dict[tuple[str, str], list[SplitRule]] = {}
        for s in self.splits:
            mine, theirs = s.sides()
            for f in mine | theirs:
                self._split_by_form.setdefault((s.type, f), []).append(s)

    @classmethod
    def from_records(cls, records: Iterable[tuple[int, str, dict[str, Any]]]) -> Decisions:
        """From (id, kind, payload) rows in the order they were made; other kinds are ignored."""
        merges: list[MergeRule] = []
        splits: list[SplitRule] = []
        for did, kind, payload in sorted(records, key=lambda r: r[0]):
            etype = str(payload.get("type") or "")
            if kind == "merge":
                given = payload.get("names") or payload.get("keys") or (payload.get("into"), payload.get("from"))
                names = frozenset(n for n in (normalize_name(str(x or "")) for x in given) if n)
                forms = names | {n for n in (normalize_name(str(x)) for x in payload.get("forms") or ()) if n}
                if len(names) < 2:
                    continue
                splits = [s for s in splits if not (s.type == etype and s.alias in forms and s.anchor in forms)]
                merges.append(MergeRule(did, etype, names, forms))
            elif kind == "split":
                alias = normalize_name(str(payload.get("alias") or ""))
                anchor = normalize_name(str(payload.get("entity") or ""))
                if not alias or not anchor or alias == anchor:
                    continue
                merges = [m for m in merges if not (m.type == etype and alias in m.names)]
                mine = {normalize_name(str(x)) for x in payload.get("alias_forms") or ()} | {alias}
                theirs = {normalize_name(str(x)) for x in payload.get("entity_forms") or ()} | {anchor}
                # a form inside the other side's name (奥鸿 in 奥鸿药业) is too short to take a side
                mine = {f for f in mine if f and (f == alias or f not in anchor)}
                theirs = {f for f in theirs - mine if f and (f == anchor or f not in alias)}
                splits.append(SplitRule(did, etype, alias, anchor, str(payload.get("alias")),
                                        frozenset(mine), frozenset(theirs)))
        return cls(merges, splits)

    def __bool__(self) -> bool:
        return bool(self.merges or self.splits)

    def merge_class(self, etype: str, forms: Iterable[str]) -> tuple[frozenset[str], tuple[int, ...]]:
        """Names tied by user merges to any of ``forms`` (normalised), and the decision ids."""
        members: set[str] = set()
        ids: set[int] = set()
        for f in forms:
            hit = self._classes.get((etype, f))
            if hit is not None:
                members |= hit[0]
                ids |= set(hit[1])
        return frozenset(members), tuple(sorted(ids))

    def forbidding(self, etype: str, forms_a: Iterable[str], forms_b: Iterable[str]) -> SplitRule | None:
        """The split that keeps entities with these forms apart, if any."""
        a, b = set(forms_a), set(forms_b)
        for f in sorted(a):
            for s in self._split_by_form.get((etype, f), ()):
                mine, theirs = s.sides()
                if (a & mine and b & theirs) or (a & theirs and b & mine):
                    return s
        return None

    def cuts(self, etype: str, forms: Iterable[str]) -> list[SplitRule]:
        """Splits whose alias is printed beside forms of the other side in one extracted entity
        (which is then cut in two)."""
        fs = set(forms)
        out = []
        for f in sorted(fs):
            for s in self._split_by_form.get((etype, f), ()):
                if s.alias == f and fs & s.sides()[1] and s not in out:
                    out.append(s)
        return out
