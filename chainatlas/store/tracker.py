"""Tracker persistence: the project / lead / cluster lists, their history and their evidence.

``Tracker(store)`` reads; ``Tracker.write(actor)`` opens one transaction and hands out a
``TrackerWriter`` whose every field change is written to ``tracker_history`` (who, when, old,
new, why) in the same transaction, so no write path can skip the history. Business rules
(statuses, transitions, dedup keys, what sync may overwrite) live in ``chainatlas.analyse.tracker``.

Each item keeps a per-field provenance, ``"extracted"`` or ``"user"``: sync from facts only ever
changes fields whose provenance is not ``"user"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, text, update

from chainatlas.model import Document
from chainatlas.resolve.keys import normalize_name
from chainatlas.store import schema as s
from chainatlas.store.db import WRITE, like_escape
from chainatlas.store.repository import Store
from chainatlas.store.tracker_schema import tracker_evidence, tracker_history, tracker_items

# The user-visible fields of an item, in display order.
FIELDS = ("kind", "list_name", "name", "region", "park", "organization", "segment", "amount", "currency",
          "status", "owner", "next_step", "due", "notes", "source_fact_id")
# Fields that are links kept up to date by sync rather than content: changed without history.
LINK_FIELDS = frozenset({"source_fact_id"})
EXTRACTED, USER = "extracted", "user"

KeyFunction = Callable[[str, str | None], str]


def default_key(name: str, region: str | None) -> str:
    """Normalised name + region; ``chainatlas.analyse.tracker.item_key`` refines this."""
    return f"{normalize_name(name)}|{normalize_name(region or '')}"


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def as_text(value: Any) -> str | None:
    """How a value is written into history: 300000000 not 3e8, dates as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


@dataclass(slots=True)
class TrackerItem:
    """A project, lead or cluster on one of a city's lists."""

    id: int
    kind: str
    list_name: str | None
    name: str
    region: str | None
    park: str | None
    organization: str | None
    segment: str | None
    amount: float | None
    currency: str | None
    status: str | None
    owner: str | None
    next_step: str | None
    due: date | None
    notes: str | None
    source_fact_id: int | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    provenance: dict[str, str] = field(default_factory=dict)
    sync_key: str | None = None  # the dedup key it was first extracted under (None: made by hand)

    def get(self, name: str) -> Any:
        return getattr(self, name)

    def source_of(self, name: str) -> str | None:
        """``"user"`` when a person set this field, ``"extracted"`` when sync did, None if unset."""
        return self.provenance.get(name)


@dataclass(slots=True)
class HistoryEntry:
    id: int
    item_id: int
    field: str
    old: str | None
    new: str | None
    actor: str | None
    at: datetime
    note: str | None


@dataclass(slots=True)
class EvidenceView:
    """A fact supporting an item, named by its stable key; ``fact_id`` is None once the fact is gone."""

    fact_id: int | None
    content_hash: str
    fact_type: str
    start: int
    end: int
    sentence: str | None
    document_id: int | None
    title: str | None
    published: str | None


@dataclass(slots=True)
class FactRecord:
    """A stored fact with what a tracker needs: its document's identity, date and sentence."""

    id: int
    document_id: int
    content_hash: str
    type: str
    args: dict[str, Any]
    start: int
    end: int
    confidence: float
    status: str
    title: str | None
    published: str | None
    sentence: str

    @property
    def stable_key(self) -> tuple[str, str, int, int]:
        return (self.content_hash, self.type, self.start, self.end)


@dataclass(slots=True)
class Change:
    field: str
    old: Any
    new: Any


def _item(row: Any) -> TrackerItem:
    due = row.due
    if isinstance(due, str):  # some drivers hand back the stored text
        due = date.fromisoformat(due)
    return TrackerItem(
        row.id, row.kind, row.list_name, row.name, row.region, row.park, row.organization, row.segment,
        row.amount, row.currency, row.status, row.owner, row.next_step, due, row.notes, row.source_fact_id,
        row.created_by, _utc(row.created_at), _utc(row.updated_at), dict(row.provenance or {}), row.sync_key,
    )


class TrackerWriter:
    """Tracker writes inside one open transaction; nothing is kept unless the block succeeds."""

    def __init__(self, conn: Connection, actor: str | None, key: KeyFunction) -> None:
        self.conn = conn
        self.actor = actor
        self.key = key
        self.now = s.utcnow()
        self._explicit_ids = False

    # ---------------------------------------------------------------- reading inside the transaction

    def get(self, item_id: int) -> TrackerItem | None:
        row = self.conn.execute(select(tracker_items).where(tracker_items.c.id == item_id)).first()
        return _item(row) if row is not None else None

    def find(self, key: str, *, synced: bool | None = None) -> list[int]:
        """Items whose dedup key is ``key``: by first-extracted key (``synced=True``), current name
        key (``synced=False``) or either (None); oldest first."""
        t = tracker_items.c
        cond = {True: t.sync_key == key, False: t.name_key == key, None: or_(t.sync_key == key, t.name_key == key)}
        return list(self.conn.scalars(select(t.id).where(cond[synced]).order_by(t.id)))

    def fact_exists(self, fact_id: int) -> bool:
        return self.conn.scalar(select(s.facts.c.id).where(s.facts.c.id == fact_id)) is not None

    def evidence_index(self) -> dict[tuple[str, str, int, int], tuple[int, int | None, str | None]]:
        """Stable fact key → (item id, fact id, sentence) for every evidence link."""
        return {(r.content_hash, r.fact_type, r.start, r.end): (r.item_id, r.fact_id, r.sentence)
                for r in self.conn.execute(select(tracker_evidence))}

    # ---------------------------------------------------------------- writing

    def _history(self, item_id: int, name: str, old: Any, new: Any, note: str | None) -> None:
        self.conn.execute(insert(tracker_history), {
            "item_id": item_id, "field": name, "old": as_text(old), "new": as_text(new),
            "actor": self.actor, "at": self.now, "note": note,
        })

    def create(self, values: Mapping[str, Any], *, source: str, note: str | None = None,
               sync_key: str | None = None, item_id: int | None = None) -> int:
        """A new item; every field given is recorded in history (old empty) with provenance ``source``."""
        row = {f: values.get(f) for f in FIELDS}
        if not row["name"] or not row["kind"]:
            raise ValueError("a tracker item needs a kind and a name")
        provenance = {f: source for f in FIELDS if row[f] is not None and f not in LINK_FIELDS}
        row.update(name_key=self.key(row["name"], row["region"]), sync_key=sync_key, provenance=provenance,
                   created_by=self.actor, created_at=self.now, updated_at=self.now)
        if item_id is not None:
            row["id"] = item_id
            self._explicit_ids = True
        new_id = self.conn.execute(insert(tracker_items).returning(tracker_items.c.id), row).scalar_one()
        for f in FIELDS:
            if row[f] is not None and f not in LINK_FIELDS:
                self._history(new_id, f, None, row[f], note)
        return new_id

    def update(self, item_id: int, changes: Mapping[str, Any], *, source: str, note: str | None = None,
               keep_unchanged: bool = False, notes: Mapping[str, str] | None = None) -> list[Change]:
        """Set fields; changed ones get provenance ``source`` and a history row.

        With ``keep_unchanged`` a field given its current value is marked ``source`` too (a person
        re-stating a value takes it over from extraction); that is recorded with old == new.
        ``notes`` gives a field its own history note (sync names the fact each value came from).
        """
        notes = notes or {}
        item = self.get(item_id)
        if item is None:
            raise KeyError(f"no tracker item with id {item_id}")
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown tracker field(s): {', '.join(sorted(unknown))}")
        provenance = dict(item.provenance)
        values: dict[str, Any] = {}
        done: list[Change] = []
        for name, new in changes.items():
            old = item.get(name)
            if as_text(old) == as_text(new):
                if keep_unchanged and name not in LINK_FIELDS and provenance.get(name) != source:
                    provenance[name] = source
                    self._history(item_id, name, old, new, note or f"kept as {source}")
                continue
            values[name] = new
            if name in LINK_FIELDS:
                continue
            provenance[name] = source
            self._history(item_id, name, old, new, notes.get(name, note))
            done.append(Change(name, old, new))
        if "name" in values or "region" in values:
            values["name_key"] = self.key(values.get("name", item.name), values.get("region", item.region))
        curated = bool(done) or provenance != item.provenance
        if curated:  # a link-only change (source_fact_id after re-extraction) is not an edit
            values.update(provenance=provenance, updated_at=self.now)
        if values:
            self.conn.execute(update(tracker_items).where(tracker_items.c.id == item_id).values(**values))
        return done

    def release(self, item_id: int, fields: Iterable[str], note: str | None = None) -> list[str]:
        """Hand fields back to extraction: the next sync may overwrite them again."""
        item = self.get(item_id)
        if item is None:
            raise KeyError(f"no tracker item with id {item_id}")
        provenance = dict(item.provenance)
        released = []
        for name in fields:
            if name not in FIELDS:
                raise ValueError(f"unknown tracker field {name!r}")
            if provenance.get(name) == USER:
                provenance[name] = EXTRACTED
                released.append(name)
                self._history(item_id, name, item.get(name), item.get(name), note or "released to extraction")
        if released:
            self.conn.execute(update(tracker_items).where(tracker_items.c.id == item_id)
                              .values(provenance=provenance, updated_at=self.now))
        return released

    def find_name(self, name_part: str) -> list[int]:
        """Items whose dedup key starts with ``name_part`` + "|" (same name, any region)."""
        t = tracker_items.c
        prefix = like_escape(name_part) + "|%"
        return list(self.conn.scalars(select(t.id).where(
            or_(t.name_key.like(prefix, escape="\\"), t.sync_key.like(prefix, escape="\\"))).order_by(t.id)))

    def delete(self, item_id: int) -> None:
        """Remove an item with its history and evidence (sync does this only for untouched items)."""
        self.conn.execute(delete(tracker_items).where(tracker_items.c.id == item_id))

    def set_sync_key(self, item_id: int, key: str) -> None:
        self.conn.execute(update(tracker_items).where(tracker_items.c.id == item_id).values(sync_key=key))

    def link(self, item_id: int, fact: FactRecord) -> bool:
        """Record that ``fact`` supports the item; True if anything changed."""
        e = tracker_evidence.c
        key = fact.stable_key
        row = self.conn.execute(select(tracker_evidence).where(
            e.content_hash == key[0], e.fact_type == key[1], e.start == key[2], e.end == key[3])).first()
        if row is None:
            self.conn.execute(insert(tracker_evidence), {
                "item_id": item_id, "fact_id": fact.id, "content_hash": key[0], "fact_type": key[1],
                "start": key[2], "end": key[3], "sentence": fact.sentence, "linked_at": self.now})
            return True
        if (row.item_id, row.fact_id, row.sentence) == (item_id, fact.id, fact.sentence):
            return False
        self.conn.execute(update(tracker_evidence).where(e.id == row.id).values(
            item_id=item_id, fact_id=fact.id, sentence=fact.sentence, linked_at=self.now))
        return True

    def unlink_except(self, keep: set[tuple[str, str, int, int]]) -> int:
        """Drop evidence links to facts that are gone or rejected; returns how many."""
        e = tracker_evidence.c
        gone = [r.id for r in self.conn.execute(select(e.id, e.content_hash, e.fact_type, e.start, e.end))
                if (r.content_hash, r.fact_type, r.start, r.end) not in keep]
        for i in range(0, len(gone), 500):
            self.conn.execute(delete(tracker_evidence).where(e.id.in_(gone[i:i + 500])))
        return len(gone)

    def unsupported(self) -> list[int]:
        """Items that came from facts (a sync key) but have no evidence left."""
        t, e = tracker_items.c, tracker_evidence.c
        return list(self.conn.scalars(
            select(t.id).where(t.sync_key.is_not(None), ~t.id.in_(select(e.item_id).distinct())).order_by(t.id)))

    def finish(self) -> None:
        """PostgreSQL does not advance a serial sequence past ids inserted explicitly (imports)."""
        if self._explicit_ids and self.conn.dialect.name == "postgresql":
            self.conn.execute(text(
                "SELECT setval(pg_get_serial_sequence('tracker_items', 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM tracker_items))"))


class Tracker:
    """The tracker tables of one atlas ``Store``. ``key`` is the dedup key of (name, region)."""

    def __init__(self, store: Store, key: KeyFunction = default_key) -> None:
        self.store = store
        self.engine = store.engine
        self.key = key

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self, actor: str | None) -> Iterator[TrackerWriter]:
        """One transaction (``BEGIN IMMEDIATE`` on SQLite): all of the block, or none of it."""
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            writer = TrackerWriter(conn, actor, self.key)
            yield writer
            writer.finish()

    # ---------------------------------------------------------------- reading

    def items(self, kind: str | None = None, status: str | None = None, list_name: str | None = None,
              region_key: Callable[[str | None], str] | None = None, region: str | None = None,
              owner: str | None = None) -> list[TrackerItem]:
        """Items in id order, filtered; ``region`` compares through ``region_key`` when given."""
        t = tracker_items.c
        stmt = select(tracker_items).order_by(t.id)
        if kind is not None:
            stmt = stmt.where(t.kind == kind)
        if status is not None:
            stmt = stmt.where(t.status == status)
        if list_name is not None:
            stmt = stmt.where(t.list_name == list_name)
        if owner is not None:
            stmt = stmt.where(t.owner == owner)
        with self._read() as conn:
            rows = [_item(r) for r in conn.execute(stmt)]
        if region is not None:
            norm = region_key or (lambda r: normalize_name(r or ""))
            wanted = norm(region)
            rows = [r for r in rows if r.region is not None and (r.region == region or norm(r.region) == wanted)]
        return rows

    def item(self, item_id: int) -> TrackerItem | None:
        with self._read() as conn:
            row = conn.execute(select(tracker_items).where(tracker_items.c.id == item_id)).first()
        return _item(row) if row is not None else None

    def count(self) -> int:
        with self._read() as conn:
            return conn.scalar(select(func.count()).select_from(tracker_items)) or 0

    def history(self, item_id: int) -> list[HistoryEntry]:
        h = tracker_history.c
        with self._read() as conn:
            return [HistoryEntry(r.id, r.item_id, r.field, r.old, r.new, r.actor, _utc(r.at), r.note)
                    for r in conn.execute(select(tracker_history).where(h.item_id == item_id).order_by(h.id))]

    def evidence(self, item_id: int) -> list[EvidenceView]:
        e, d = tracker_evidence.c, s.documents.c
        with self._read() as conn:
            rows = conn.execute(
                select(tracker_evidence, d.id.label("document_id"), d.title, d.published)
                .outerjoin(s.documents, d.content_hash == e.content_hash)
                .where(e.item_id == item_id).order_by(d.published, e.id)).all()
        return [EvidenceView(r.fact_id, r.content_hash, r.fact_type, r.start, r.end, r.sentence, r.document_id,
                             r.title, r.published) for r in rows]


def list_facts(store: Store, types: Sequence[str] | None = None, status: str | None = None,
               document_id: int | None = None, fact_ids: Sequence[int] | None = None,
               limit: int | None = None) -> list[FactRecord]:
    """Stored facts with their document's hash, title, date and evidence sentence, in id order."""
    f, d = s.facts.c, s.documents.c
    stmt = (select(s.facts, d.content_hash, d.title, d.published)
            .join(s.documents, d.id == f.document_id).order_by(f.id))
    if types:
        stmt = stmt.where(f.type.in_(list(types)))
    if status is not None:
        stmt = stmt.where(f.status == status)
    if document_id is not None:
        stmt = stmt.where(f.document_id == document_id)
    if fact_ids is not None:
        stmt = stmt.where(f.id.in_(list(fact_ids)))
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
        texts = dict(conn.execute(select(d.id, d.text).where(d.id.in_(sorted({r.document_id for r in rows})))).all())
    out = []
    for r in rows:
        sentence = Document(source="", text=texts[r.document_id]).sentence_at(r.start, r.end).text
        out.append(FactRecord(r.id, r.document_id, r.content_hash, r.type, dict(r.args or {}), r.start, r.end,
                              r.confidence, r.status, r.title, r.published, sentence))
    return out
