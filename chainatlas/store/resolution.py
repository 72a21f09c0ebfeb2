"""Canonical entities on write: resolution, look-up rows, users' merges and splits.

The resolver (``chainatlas.resolve``) decides; this module fetches its candidates and writes its
answers. Candidates are found with indexed look-ups only: the store's key (``entities.key``) and
*look-up rows* in ``aliases`` (``source = 'index'``; ``=`` + normalised form, ``~`` + core name or
stem, see ``resolve.names.index_keys``). Look-up rows are derived from an entity's printed forms
and rewritten whenever those change; the views never show them.

Why each form joined its entity is kept in ``entities.attrs["merges"]``: a list of
``{"alias", "rule", "reason", "document_id", "decision"}``, one per printed form (the first time it
joined). No migration is needed for either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select, union_all, update

from chainatlas.model import Entity
from chainatlas.resolve import names, places
from chainatlas.resolve.decisions import Decisions
from chainatlas.resolve.keys import normalize_name
from chainatlas.resolve.resolver import Assignment, KeyFunction, Known, Resolver, surface_forms
from chainatlas.store import schema as s

INDEX = "index"  # aliases.source of look-up rows
MAX_MERGES = 200  # reasons kept per entity (one per printed form; a guard against runaway lists)


@dataclass
class Row:
    """A canonical entity loaded for writing."""

    id: int
    type: str
    name: str
    key: str
    kind: str | None
    code: str | None
    attrs: dict[str, Any]
    printed: dict[str, str] = field(default_factory=dict)  # normalised form → printed alias
    sources: dict[str, str] = field(default_factory=dict)  # printed alias → extracted | user
    index: set[str] = field(default_factory=set)
    new_aliases: list[tuple[str, str]] = field(default_factory=list)  # (printed, source)
    dirty: bool = False

    def forms(self) -> tuple[str, ...]:
        return tuple(self.printed.values())

    def wanted_index(self) -> set[str]:
        out: set[str] = set()
        for f in (self.name, *self.printed.values()):
            out.update(names.index_keys(self.type, f))
        return out


def load_decisions(conn: Connection) -> Decisions:
    """Users' merges and splits, compiled (a small indexed query per document)."""
    ud = s.user_decisions
    rows = conn.execute(select(ud.c.id, ud.c.kind, ud.c.payload).where(ud.c.kind.in_(("merge", "split")))
                        .order_by(ud.c.id)).all()
    return Decisions.from_records((r.id, r.kind, r.payload or {}) for r in rows)


def load_rows(conn: Connection, ids: Iterable[int], with_index: bool = True,
              entities: Iterable[Any] | None = None) -> dict[int, Row]:
    """Entities with their printed forms (and look-up rows, unless ``with_index`` is False: then
    the rows an entity's forms give are taken to exist, as :func:`refresh_index` keeps them).
    ``entities``: their ``entities`` rows when the caller has them already."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    e, a = s.entities, s.aliases
    if entities is None:
        entities = conn.execute(select(e.c.id, e.c.type, e.c.name, e.c.key, e.c.kind, e.c.code, e.c.attrs)
                                .where(e.c.id.in_(ids)))
    rows = {r.id: Row(r.id, r.type, r.name, r.key, r.kind, r.code, dict(r.attrs or {})) for r in entities}
    query = select(a.c.entity_id, a.c.alias, a.c.source).where(a.c.entity_id.in_(ids)).order_by(a.c.id)
    if not with_index:
        query = query.where(a.c.source != INDEX)
    for eid, alias, source in conn.execute(query):
        row = rows.get(eid)
        if row is None:
            continue
        if source == INDEX:
            row.index.add(alias)
        else:
            row.sources[alias] = source
            row.printed.setdefault(normalize_name(alias), alias)
    for row in rows.values():
        if row.name and normalize_name(row.name) and normalize_name(row.name) not in row.printed:
            row.printed[normalize_name(row.name)] = row.name
        if not with_index:
            row.index = row.wanted_index()
    return rows


def _free_key(conn: Connection, etype: str, key: str, taken: set[tuple[str, str]]) -> str:
    """``key``, or ``key#2``, ``key#3`` … when a user split keeps two entities of one key apart."""
    e = s.entities
    candidate, n = key, 1
    while (etype, candidate) in taken or conn.scalar(
            select(e.c.id).where(e.c.type == etype, e.c.key == candidate)) is not None:
        n += 1
        candidate = f"{key}#{n}"
    taken.add((etype, candidate))
    return candidate


def resolve_document(conn: Connection, doc_id: int, entities: Sequence[Entity], key: KeyFunction,
                     exact_only: bool = False) -> list[tuple[Entity, int]]:
    """Resolve a document's entities and write the outcome; (piece, canonical id) per piece."""
    if not entities:
        return []
    e, a = s.entities, s.aliases
    resolver = Resolver(load_decisions(conn), key=key, exact_only=exact_only)
    pieces = resolver.pieces(entities)
    keys, index = resolver.wanted(pieces)
    types = sorted({p.type for p in pieces})
    cols = (e.c.id, e.c.type, e.c.name, e.c.key, e.c.kind, e.c.code, e.c.attrs)
    # (type, key) is the unique index: both columns in the condition, so it is used
    query = select(*cols).where(e.c.type.in_(types), e.c.key.in_(sorted({k for _, k in keys})))
    if index:  # UNION ALL: JSON columns cannot be compared (PostgreSQL); duplicates are dropped below
        hits = select(a.c.entity_id).where(a.c.alias.in_(sorted(index)), a.c.source == INDEX)
        # no type condition here: the planner would then walk the type index instead of the ids
        query = union_all(query, select(*cols).where(e.c.id.in_(hits)))  # type: ignore[assignment]
    found = {r.id: r for r in conn.execute(query) if r.type in types}
    taken = {(r.type, r.key) for r in found.values()}
    rows = load_rows(conn, found, entities=found.values())
    known = [Known(r.id, r.type, r.name, r.key, r.kind, r.code, r.forms(), tuple(r.attrs.get("context") or ()),
                   tuple(x["alias"] for x in r.attrs.get("merges") or () if x.get("rule") == "user"))
             for r in rows.values()]
    result = resolver.resolve(pieces, known, places.document_context(entities))
    refs: dict[int, int] = {}
    for ref in sorted(result.new, reverse=True):  # -1, -2, … in creation order
        ne = result.new[ref]
        attrs = dict(ne.attrs)
        if ne.context:
            attrs["context"] = list(ne.context)
        k = _free_key(conn, ne.type, ne.key, taken)
        eid = conn.execute(insert(e).returning(e.c.id), {"type": ne.type, "key": k, "name": ne.name,
                                                         "kind": ne.kind, "code": ne.code, "attrs": attrs}).scalar_one()
        refs[ref] = eid
        rows[eid] = Row(eid, ne.type, ne.name, k, ne.kind, ne.code, attrs, dirty=False)
    out: list[tuple[Entity, int]] = []
    for asg in result.assignments:
        eid = refs.get(asg.target, asg.target)
        _attach(rows[eid], asg, doc_id, refs)
        out.append((asg.entity, eid))
    _write(conn, rows.values())
    return out


def _merge_entry(alias: str, rule: str, reason: str, document_id: int | None,
                 decision: int | None = None) -> dict[str, Any]:
    return {"alias": alias, "rule": rule, "reason": reason, "document_id": document_id, "decision": decision}


def _attach(row: Row, asg: Assignment, doc_id: int, refs: dict[int, int]) -> None:
    """Add what an assignment brings to its entity: new forms with their reasons, kind, code, name."""
    piece = asg.entity
    pname = normalize_name(piece.name)
    merges = row.attrs.setdefault("merges", [])
    for f in surface_forms(piece):
        n = normalize_name(f)
        if not n or n in row.printed:
            continue
        row.printed[n] = f
        row.new_aliases.append((f, "extracted"))
        if n == pname or asg.rule == "user":
            entry = _merge_entry(f, asg.rule, asg.reason, doc_id, asg.decision)
        else:
            entry = _merge_entry(f, "apposition",
                                 f"alias printed in the same document (apposition) as {piece.name}", doc_id)
        if len(merges) < MAX_MERGES:
            merges.append(entry)
        row.dirty = True
    if asg.candidates:
        have = set(row.attrs.get("candidates") or ())
        more = {refs.get(c, c) for c in asg.candidates} - have - {row.id}
        if more:
            row.attrs["candidates"] = sorted(have | more)
            row.dirty = True
    if row.kind is None and piece.kind:
        row.kind, row.dirty = piece.kind, True
    if row.code is None and piece.code:
        row.code, row.dirty = piece.code, True
    if row.type in ("organization", "park") and piece.name.strip() and \
            names.fullness(row.type, piece.name) > names.fullness(row.type, row.name):
        row.name, row.dirty = piece.name, True
    if not merges:
        row.attrs.pop("merges", None)


def _write(conn: Connection, rows: Iterable[Row]) -> None:
    """Insert new aliases and look-up rows, update changed entities (a few statements in all)."""
    e, a = s.entities, s.aliases
    alias_rows: list[dict[str, Any]] = []
    for row in rows:
        for printed, source in row.new_aliases:
            if printed not in row.sources:
                row.sources[printed] = source
                alias_rows.append({"entity_id": row.id, "alias": printed, "source": source})
        row.new_aliases.clear()
        if normalize_name(row.name) and row.name not in row.sources and \
                not any(normalize_name(x) == normalize_name(row.name) for x in row.sources):
            row.sources[row.name] = "extracted"
            alias_rows.append({"entity_id": row.id, "alias": row.name, "source": "extracted"})
        for k in sorted(row.wanted_index() - row.index):
            row.index.add(k)
            alias_rows.append({"entity_id": row.id, "alias": k, "source": INDEX})
        if row.dirty:
            conn.execute(update(e).where(e.c.id == row.id).values(
                name=row.name, kind=row.kind, code=row.code, attrs=dict(row.attrs)))
            row.dirty = False
    if alias_rows:
        conn.execute(insert(a), alias_rows)


def refresh_index(conn: Connection, rows: Iterable[Row]) -> None:
    """Make an entity's look-up rows exactly those its printed forms give (after forms were removed)."""
    a = s.aliases
    for row in rows:
        stale = row.index - row.wanted_index()
        if stale:
            conn.execute(delete(a).where(a.c.entity_id == row.id, a.c.source == INDEX, a.c.alias.in_(sorted(stale))))
            row.index -= stale
    _write(conn, rows)


def reindex_all(conn: Connection) -> None:
    """Rebuild every look-up row (a database written before look-up rows, or a new analyser)."""
    ids = list(conn.scalars(select(s.entities.c.id).order_by(s.entities.c.id)))
    for start in range(0, len(ids), 500):
        refresh_index(conn, load_rows(conn, ids[start: start + 500]).values())


def _mention_forms(conn: Connection, ids: Iterable[int]) -> dict[int, set[str]]:
    """Normalised forms each entity's mentions still carry (printed text and per-document name)."""
    m = s.mentions
    out: dict[int, set[str]] = defaultdict(set)
    for eid, text, name in conn.execute(
            select(m.c.entity_id, m.c.text, m.c.name).where(m.c.entity_id.in_(sorted(set(ids)))).distinct()):
        out[eid].add(normalize_name(text))
        out[eid].add(normalize_name(name))
    return out


def prune(conn: Connection, ids: Iterable[int], document_id: int,
          asserted: dict[int, set[str]] | None = None) -> None:
    """After a document's extraction was replaced or removed: drop extracted forms nothing supports.

    A form stays while a mention carries it, the document's new extraction asserts it, or the
    document that brought it (``attrs["merges"]``) is another one that still exists.
    """
    ids = sorted(set(ids))
    if not ids:
        return
    rows = load_rows(conn, ids)
    supported = _mention_forms(conn, ids)
    asserted = asserted or {}
    docs = {d for r in rows.values() for x in r.attrs.get("merges") or () if (d := x.get("document_id"))}
    alive = set(conn.scalars(select(s.documents.c.id).where(s.documents.c.id.in_(sorted(docs))))) if docs else set()
    a = s.aliases
    changed: list[Row] = []
    for row in rows.values():
        origin = {normalize_name(x["alias"]): x.get("document_id") for x in row.attrs.get("merges") or ()}
        keep = supported.get(row.id, set()) | asserted.get(row.id, set())
        gone = []
        for printed, source in row.sources.items():
            n = normalize_name(printed)
            if source != "extracted" or n in keep:
                continue
            doc = origin.get(n)
            if doc is not None and doc != document_id and doc in alive:
                continue
            gone.append(printed)
        if not gone:
            continue
        conn.execute(delete(a).where(a.c.entity_id == row.id, a.c.source != INDEX, a.c.alias.in_(gone)))
        for printed in gone:
            row.sources.pop(printed, None)
        row.printed = {}
        for printed in row.sources:
            row.printed.setdefault(normalize_name(printed), printed)
        lost = {normalize_name(g) for g in gone} - set(row.printed)
        if lost:
            row.attrs["merges"] = [x for x in row.attrs.get("merges") or ()
                                   if normalize_name(x["alias"]) not in lost]
        if normalize_name(row.name) not in row.printed and row.printed:
            row.name = max(row.printed.values(), key=lambda f: (names.fullness(row.type, f), f))
        row.dirty = True
        changed.append(row)
    refresh_index(conn, changed)


# ---------------------------------------------------------------------------- user decisions


def apply_merge(conn: Connection, into: Row, other: Row, decision_id: int) -> None:
    """``other`` becomes part of ``into``: its mentions move, its name becomes a user alias."""
    m, e = s.mentions, s.entities
    conn.execute(update(m).where(m.c.entity_id == other.id).values(entity_id=into.id))
    merges = into.attrs.setdefault("merges", [])
    oname = normalize_name(other.name)
    for n, printed in sorted(other.printed.items()):
        if n in into.printed:
            continue
        into.printed[n] = printed
        into.new_aliases.append((printed, "user" if n == oname else other.sources.get(printed, "extracted")))
        why = f"user merge #{decision_id}" + ("" if n == oname else f" (printed for {other.name})")
        merges.append(_merge_entry(printed, "user", why, None, decision_id))
    into.kind = into.kind or other.kind
    into.code = into.code or other.code
    cands = [c for c in (into.attrs.get("candidates") or ()) if c != other.id]
    if cands:
        into.attrs["candidates"] = cands
    else:
        into.attrs.pop("candidates", None)
    into.dirty = True
    conn.execute(delete(e).where(e.c.id == other.id))
    _write(conn, [into])


@dataclass
class SplitPlan:
    """What a split moves: the alias, the forms leaving with it, the mentions printed as it."""

    alias: str  # printed, as stored
    going: set[str]  # normalised forms leaving with the alias
    staying: list[str]  # printed forms that stay
    mentions: list[int]
    anchor: str  # the name the entity keeps (its name, or its fullest remaining form)


def plan_split(conn: Connection, row: Row, alias: str) -> SplitPlan:
    """The alias, its mentions (printed as it, or in a document's entity named it) and the forms
    only those mentions carry; the rest stays. ``alias`` must be one of the row's forms."""
    m = s.mentions
    target = normalize_name(alias)
    moved, kept_forms, moved_forms = [], set(), set()
    for mid, text, name in conn.execute(select(m.c.id, m.c.text, m.c.name).where(m.c.entity_id == row.id)):
        forms = {normalize_name(text), normalize_name(name)}
        if target in forms:
            moved.append(mid)
            moved_forms |= forms
        else:
            kept_forms |= forms
    going = {target} | {f for f in moved_forms if f in row.printed and f not in kept_forms}
    if not set(row.printed) - going:
        going = {target}
    staying = [p for n, p in row.printed.items() if n not in going]
    anchor = row.name if normalize_name(row.name) not in going else \
        max(staying, key=lambda f: (names.fullness(row.type, f), f))
    return SplitPlan(row.printed[target], going, staying, moved, anchor)


def apply_split(conn: Connection, row: Row, plan: SplitPlan, decision_id: int, key: KeyFunction) -> int:
    """Move the alias of ``plan`` and its mentions out of ``row`` into a new entity; the new id.

    The new entity takes the key its name gives when the old entity held that key (it was first
    seen under the alias): keys follow names, so later exact look-ups land on the right side.
    """
    m, e, a = s.mentions, s.entities, s.aliases
    printed, going = plan.alias, plan.going
    probe = Entity(row.type, printed, kind=row.kind)
    wanted_key = key(probe)
    if wanted_key == row.key:
        row.key = _free_key(conn, row.type, key(Entity(row.type, plan.anchor, kind=row.kind, code=row.code)),
                            {(row.type, wanted_key)})
        conn.execute(update(e).where(e.c.id == row.id).values(key=row.key))
    new_key = _free_key(conn, row.type, wanted_key, set())
    entry = _merge_entry(printed, "user", f"user split #{decision_id} from {plan.anchor}", None, decision_id)
    carried = [x for x in row.attrs.get("merges") or () if normalize_name(x["alias"]) in going - {normalize_name(printed)}]
    attrs = {"merges": [entry, *carried], "split": decision_id}
    new_id = conn.execute(insert(e).returning(e.c.id), {"type": row.type, "key": new_key, "name": printed,
                                                        "kind": row.kind, "code": None, "attrs": attrs}).scalar_one()
    if plan.mentions:
        conn.execute(update(m).where(m.c.id.in_(plan.mentions)).values(entity_id=new_id))
    gone = [p for p in row.sources if normalize_name(p) in going]
    if gone:
        conn.execute(delete(a).where(a.c.entity_id == row.id, a.c.source != INDEX, a.c.alias.in_(gone)))
    new = Row(new_id, row.type, printed, new_key, row.kind, None, attrs)
    target = normalize_name(printed)
    new.printed[target] = printed
    new.new_aliases.append((printed, "user"))
    for p in gone:
        if normalize_name(p) != target:
            new.printed.setdefault(normalize_name(p), p)
            new.new_aliases.append((p, row.sources[p]))
        row.sources.pop(p)
    row.printed = {n: p for n, p in row.printed.items() if n not in going}
    row.attrs["merges"] = [x for x in row.attrs.get("merges") or () if normalize_name(x["alias"]) not in going]
    row.name = plan.anchor
    row.dirty = True
    refresh_index(conn, [row, new])
    return new_id
