"""Cross-document entity resolution: which canonical entity each extracted entity is.

The resolver is pure (no database): the store hands it a document's entities and the canonical
entities that share a look-up key with them (:func:`lookup_keys`), and it answers, for every
extracted entity, an existing entity or a new one, with the rule and a reason a person can read.

Rules, strongest first (precision first: a wrong merge is worse than a missed one):

1. ``user``       a user merged these names (``user merge #12``).
2. ``code``/``name`` the store's canonical key is equal: same admin code (regions) or the same
   normalised name. (Key collisions a user split forbids are the only exception.)
3. ``name``/``apposition`` a printed form is shared: the name itself, or an alias the article
   printed beside it (``alias printed in the same document (apposition)``).
4. ``core``/``group``/``stem`` the names agree by :func:`names.compare`: same core name + industry
   word with a compatible region (锦州 ⊂ 辽宁), a group suffix (集团), or an institution or park
   name the same once its region prefix is off.

Vetoes before any rule but ``user``: a user split; printed regions that clash (泰州 vs 锦州);
admin codes that differ; organisation kinds that differ. A generic name (no proper name, no
place: 医药高新区) only matches within the same city (the documents' regions). When rules 3–4
point at more than one entity, nothing is merged: the entity is new and the candidates are
recorded. A group suffix merge also requires that no other entity shares that core.

Entities are visited in a fixed order (fuller names first, then by text), so the outcome does not
depend on the order the extractor listed them in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chainatlas.model import Entity, Span
from chainatlas.resolve import names, places
from chainatlas.resolve.decisions import Decisions, SplitRule
from chainatlas.resolve.keys import entity_key, normalize_name

KeyFunction = Callable[[Entity], str]
MAX_CONTEXT = 8  # areas remembered for an entity first seen without a printed place


@dataclass(frozen=True, slots=True)
class Known:
    """A canonical entity as the resolver sees it: its printed forms and where it is."""

    id: int
    type: str
    name: str
    key: str
    kind: str | None = None
    code: str | None = None
    forms: tuple[str, ...] = ()
    context: tuple[str, ...] = ()  # areas (admin codes) of the documents it was first seen in
    forced: tuple[str, ...] = ()  # forms a user merged in: they never veto a rule-based match


@dataclass(slots=True)
class Assignment:
    """Where one extracted entity goes. ``target`` > 0: an existing id; < 0: ``Resolution.new``."""

    entity: Entity
    target: int
    rule: str  # user | code | name | apposition | core | group | stem | new | ambiguous
    reason: str
    candidates: tuple[int, ...] = ()
    decision: int | None = None  # the user decision that applied, if any


@dataclass(slots=True)
class NewEntity:
    ref: int
    type: str
    name: str
    key: str
    kind: str | None
    code: str | None
    attrs: dict[str, Any]
    context: tuple[str, ...]


@dataclass(slots=True)
class Resolution:
    assignments: list[Assignment]
    new: dict[int, NewEntity] = field(default_factory=dict)


@dataclass
class _Cand:
    id: int
    type: str
    name: str
    key: str
    kind: str | None
    code: str | None
    printed: dict[str, str]  # normalised form → printed form
    context: frozenset[str]
    forced: set[str] = field(default_factory=set)  # normalised forms joined by a user merge

    _parts: tuple[int, list[names.NameParts]] = (-1, [])

    @property
    def forms(self) -> set[str]:
        return set(self.printed)

    def parts(self) -> list[names.NameParts]:
        """Its printed forms analysed, fullest first (cached until a form is added)."""
        if self._parts[0] != len(self.printed):
            parts = sorted((names.analyse(p, self.type) for p in self.printed.values()),
                           key=lambda x: (names.fullness(self.type, x.text), x.norm), reverse=True)
            self._parts = (len(self.printed), parts)
        return self._parts[1]

    def areas(self) -> frozenset[str]:
        codes = set(self.context)
        if self.code:
            codes.add(self.code)
        for p in self.parts():
            codes |= p.codes
        return places.areas(codes)


def surface_forms(ent: Entity) -> list[str]:
    """Every printed form of an extracted entity: name, aliases, mention texts (first seen first)."""
    seen: dict[str, None] = {}
    for f in (ent.name, *ent.aliases, *(m.text for m in ent.mentions)):
        if f and f.strip():
            seen.setdefault(f, None)
    return list(seen)


def lookup_keys(ent: Entity) -> set[str]:
    """Index keys (see :func:`names.index_keys`) under which candidates for ``ent`` are stored."""
    out: set[str] = set()
    for f in surface_forms(ent):
        out.update(names.index_keys(ent.type, f))
    return out


class Resolver:
    """Assigns a document's extracted entities to canonical entities; see the module doc."""

    def __init__(self, decisions: Decisions | None = None, key: KeyFunction = entity_key,
                 exact_only: bool = False) -> None:
        self.decisions = decisions or Decisions()
        self.key = key
        self.exact_only = exact_only  # only user decisions and the store's key (rules 1–2)

    # ------------------------------------------------------------------ before the look-up

    def pieces(self, entities: Sequence[Entity]) -> list[Entity]:
        """The entities to resolve: each extracted entity, cut in two where a user split applies."""
        out: list[Entity] = []
        for ent in entities:
            out.extend(self._cut(ent))
        return out

    def _cut(self, ent: Entity) -> list[Entity]:
        if not self.decisions.splits:
            return [ent]
        forms = {normalize_name(f): f for f in surface_forms(ent)}
        cuts = self.decisions.cuts(ent.type, forms)
        if not cuts:
            return [ent]
        rest = ent
        out: list[Entity] = []
        for s in cuts:
            piece, rest = _take(rest, s)
            if piece is not None:
                out.append(piece)
            if rest is None:
                break
        if rest is not None:
            out.insert(0, rest)
        return out

    def wanted(self, pieces: Sequence[Entity]) -> tuple[set[tuple[str, str]], set[str]]:
        """What to fetch for these :meth:`pieces`: (type, key) pairs and index keys (user merges too)."""
        keys: set[tuple[str, str]] = set()
        index: set[str] = set()
        for ent in pieces:
            keys.add((ent.type, self.key(ent)))
            if not self.exact_only:
                index |= lookup_keys(ent)
            tied, _ = self.decisions.merge_class(ent.type, {normalize_name(f) for f in surface_forms(ent)})
            index.update(f"={n}" for n in tied)
        return keys, index

    # ------------------------------------------------------------------ resolution

    def resolve(self, pieces: Sequence[Entity], known: Iterable[Known],
                context: Sequence[str] = ()) -> Resolution:
        """Assign every one of ``pieces`` (see :meth:`pieces`); assignments come back in that order.

        ``known`` are the canonical entities fetched for :meth:`wanted`; ``context`` the admin codes
        of the regions the document is about (:func:`places.document_context`).
        """
        ctx = places.areas(context)
        pool: dict[int, _Cand] = {}
        by_key: dict[tuple[str, str], int] = {}
        by_index: dict[str, set[int]] = {}
        for k in sorted(known, key=lambda k: k.id):
            c = _Cand(k.id, k.type, k.name, k.key, k.kind, k.code,
                      {normalize_name(f): f for f in (k.name, *k.forms) if f and normalize_name(f)},
                      frozenset(k.context), {normalize_name(f) for f in k.forced})
            self._add(c, pool, by_key, by_index)
        res = Resolution([Assignment(p, 0, "new", "") for p in pieces])
        order = sorted(range(len(pieces)), key=lambda i: _visit_key(pieces[i]))
        for i in order:
            piece = pieces[i]
            a = self._assign(piece, pool, by_key, by_index, ctx)
            if a.target == 0:  # a new entity, visible to the rest of this document
                ref = -(len(res.new) + 1)
                key = self.key(piece)
                printed = {normalize_name(f): f for f in surface_forms(piece) if normalize_name(f)}
                where = () if self._placed(printed, piece.type) else tuple(sorted(ctx))[:MAX_CONTEXT]
                res.new[ref] = NewEntity(ref, piece.type, piece.name, key, piece.kind, piece.code,
                                         dict(piece.attrs), where)
                a.target = ref
                self._add(_Cand(ref, piece.type, piece.name, key, piece.kind, piece.code, printed,
                                frozenset(where)), pool, by_key, by_index)
            else:
                c = pool[a.target]
                grown = {normalize_name(f): f for f in surface_forms(piece) if normalize_name(f)}
                for n, f in grown.items():
                    if n not in c.printed:
                        c.printed[n] = f
                        if a.rule == "user":
                            c.forced.add(n)
                        for k in names.index_keys(c.type, f):
                            by_index.setdefault(k, set()).add(c.id)
                c.kind = c.kind or piece.kind
                c.code = c.code or piece.code
            res.assignments[i] = a
        return res

    @staticmethod
    def _placed(printed: dict[str, str], etype: str) -> bool:
        return any(names.analyse(f, etype).has_place for f in printed.values())

    @staticmethod
    def _add(c: _Cand, pool: dict[int, _Cand], by_key: dict[tuple[str, str], int],
             by_index: dict[str, set[int]]) -> None:
        pool[c.id] = c
        by_key.setdefault((c.type, c.key), c.id)
        for f in c.printed.values():
            for k in names.index_keys(c.type, f):
                by_index.setdefault(k, set()).add(c.id)

    def _assign(self, piece: Entity, pool: dict[int, _Cand], by_key: dict[tuple[str, str], int],
                by_index: dict[str, set[int]], ctx: frozenset[str]) -> Assignment:
        printed = {normalize_name(f): f for f in surface_forms(piece) if normalize_name(f)}
        forms = set(printed)
        etype = piece.type
        # 1. user merges
        tied, ids = self.decisions.merge_class(etype, forms)
        if tied:
            targets = sorted((c for c in pool.values() if c.type == etype and c.forms & tied),
                             key=lambda c: (c.id < 0, abs(c.id)))
            if targets:
                refs = ", ".join(f"#{d}" for d in ids)
                return Assignment(piece, targets[0].id, "user", f"user merge {refs}", decision=ids[-1])
        # 2. the store's key
        key = self.key(piece)
        exact = by_key.get((etype, key))
        rejected: set[int] = set()
        if exact is not None:
            c = pool[exact]
            split = self.decisions.forbidding(etype, forms, c.forms)
            if split is not None:
                rejected.add(c.id)
            elif not self._context_clash(piece, printed, c, ctx):
                code = etype == "region" and piece.code and c.code == piece.code
                return Assignment(piece, c.id, "code" if code else "name",
                                  f"same admin code {c.code}" if code else "same normalised name")
            else:
                rejected.add(c.id)
        if self.exact_only:
            return Assignment(piece, 0, "new", "first seen")
        # 3–4. shared forms, then name analysis
        cand_ids: set[int] = set()
        for f in printed.values():
            for k in names.index_keys(etype, f):
                cand_ids |= by_index.get(k, set())
        matches: dict[int, tuple[str, str]] = {}
        for cid in sorted(cand_ids, key=lambda x: (x < 0, abs(x))):
            c = pool[cid]
            if c.type != etype or cid in rejected:
                continue
            if self.decisions.forbidding(etype, forms, c.forms) is not None or self._vetoed(piece, printed, c):
                continue
            found = self._match(piece, printed, c, ctx, pool)
            if found is not None:
                matches[cid] = found
        if len(matches) == 1:
            (cid, (rule, reason)), = matches.items()
            if rule != "ambiguous":
                return Assignment(piece, cid, rule, reason)
        if matches:
            shown = ", ".join(f"#{cid} {pool[cid].name}" for cid in matches)
            return Assignment(piece, 0, "ambiguous", f"ambiguous: could be {shown}; kept apart",
                              candidates=tuple(matches))
        return Assignment(piece, 0, "new", "first seen")

    # ------------------------------------------------------------------ the rules

    def _vetoed(self, piece: Entity, printed: dict[str, str], c: _Cand) -> bool:
        """Clashing admin codes, regions or organisation kinds keep two entities apart."""
        if piece.code and c.code and piece.code.strip() != c.code.strip():
            return True
        if piece.type == "organization" and piece.kind and c.kind and piece.kind != c.kind:
            return True
        if piece.type not in ("organization", "park"):
            return False
        mine = [p for p in (names.analyse(f, piece.type) for f in printed.values()) if p.has_place]
        theirs = [q for q in c.parts() if q.has_place and q.norm not in c.forced]
        return any(names.region_relation(p, q) is None for p in mine for q in theirs)

    def _context_clash(self, piece: Entity, printed: dict[str, str], c: _Cand, ctx: frozenset[str]) -> bool:
        """An equal but generic name (医药高新区) names different things in different cities."""
        if piece.type == "region":
            return False
        p = names.analyse(piece.name, piece.type)
        if not p.generic or p.has_place:
            return False
        theirs = c.areas()
        return bool(ctx) and bool(theirs) and not places.overlap(ctx, theirs)

    def _match(self, piece: Entity, printed: dict[str, str], c: _Cand, ctx: frozenset[str],
               pool: dict[int, _Cand]) -> tuple[str, str] | None:
        etype = piece.type
        name = normalize_name(piece.name)
        theirs = c.areas()
        for n in sorted(set(printed) & c.forms, key=lambda n: (n != name, -len(n), n)):
            p = names.analyse(printed[n], etype)
            if len(n) < names.MIN_CORE or (etype == "organization" and places.is_region_form(n)):
                continue
            if p.generic and not p.has_place and ctx and theirs and not places.overlap(ctx, theirs):
                continue
            if n == name and n == normalize_name(c.name):
                return "name", "same normalised name"
            return "apposition", f"alias printed in the same document (apposition): {printed[n]}"
        if etype not in ("organization", "park"):
            return None
        mine = sorted((names.analyse(f, etype) for f in printed.values()),
                      key=lambda x: (names.fullness(etype, x.text), x.norm), reverse=True)
        for p in mine:
            for q in c.parts():
                m = names.compare(p, q)
                if m is None:
                    continue
                if m.context:
                    if not (ctx and theirs and places.overlap(ctx, theirs)):
                        continue
                    reason = f"{m.reason}, documents about the same city ({places.label(ctx & theirs or ctx)})"
                else:
                    reason = m.reason
                if m.rule == "group" and self._core_shared(p, q, c, pool):
                    return "ambiguous", reason
                return m.rule, f"{reason}: {p.text} ~ {q.text}"
        return None

    @staticmethod
    def _core_shared(p: names.NameParts, q: names.NameParts, c: _Cand, pool: dict[int, _Cand]) -> bool:
        """Whether another entity than ``c`` has the core this group-suffix merge relies on."""
        cores = set(p.core_keys) | set(q.core_keys)
        for other in pool.values():
            if other.id == c.id or other.type != c.type:
                continue
            if any(cores & set(x.core_keys) for x in other.parts()):
                return True
        return False


def _visit_key(ent: Entity) -> tuple[Any, ...]:
    """Fuller names first (a legal name creates the entity, short forms then join it)."""
    full = names.fullness(ent.type, ent.name) if ent.name else (0, 0, 0, 0)
    return (ent.type, tuple(-x for x in full), ent.name)


def _take(ent: Entity, split: SplitRule) -> tuple[Entity | None, Entity | None]:
    """Cut the alias of ``split`` (and its mentions) out of ``ent``: (alias piece, the rest)."""
    alias = split.alias
    mine = [m for m in ent.mentions if normalize_name(m.text) == alias]
    others = [m for m in ent.mentions if normalize_name(m.text) != alias]
    printed = next((f for f in surface_forms(ent) if normalize_name(f) == alias), split.printed)
    piece = Entity(ent.type, printed, kind=ent.kind, aliases=[], mentions=[Span(m.start, m.end, m.text) for m in mine],
                   code=ent.code, attrs={**ent.attrs, "split": split.id})
    rest_forms = [f for f in surface_forms(ent) if normalize_name(f) != alias]
    if not rest_forms:
        return piece, None
    name = ent.name if normalize_name(ent.name) != alias else max(
        rest_forms, key=lambda f: names.fullness(ent.type, f))
    rest = replace(ent, name=name, aliases=[a for a in ent.aliases if normalize_name(a) != alias and a != name],
                   mentions=others, attrs=dict(ent.attrs))
    return piece, rest
