"""The tracker over HTTP: lists of projects, leads and clusters, their edits, history and sync.

Every rule is ``chainatlas.analyse.tracker``'s (statuses, allowed moves, provenance: a field a person
set is never overwritten by sync); this module filters, pages and presents items, and calls
``update_item`` / ``sync_from_facts`` with the token's actor (``token:<id> (<name>)``) so the
history says who changed what. Tracker lists are read fresh on every request (they are small and
people edit them), not from the view cache.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from chainatlas.analyse import tracker as T
from chainatlas.store import schema as s
from chainatlas.store.tracker import FIELDS, HistoryEntry, TrackerItem
from chainatlas.store.tracker_schema import tracker_evidence

KINDS = ("project", "lead", "cluster")
__all__ = ["FIELDS", "EDITABLE", "SORTS", "items", "item", "history", "edit", "sync"]
EDITABLE = ("status", "owner", "next_step", "due", "notes")
SORTS = ("id", "amount", "updated")


class TrackerRefused(Exception):
    """An edit the tracker refuses: ``status`` 400 (a bad value) or 409 (a move the table forbids)."""

    def __init__(self, status: int, detail: str, errors: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.errors = [{"field": f, "message": m} for f, m in errors]


@dataclass(slots=True)
class EvidenceItem:
    """A fact supporting an item, with its sentence and review status (confirm / reject it)."""

    fact_id: int | None
    fact_type: str
    fact_status: str | None  # extracted | confirmed | corrected | rejected; None once the fact is gone
    document_id: int | None
    title: str | None
    published: str | None
    sentence: str | None
    passage: int | None


@dataclass(slots=True)
class ItemView:
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
    due: str | None
    notes: str | None
    source_fact_id: int | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    provenance: dict[str, str]  # field → extracted | user
    next_statuses: list[str]  # the moves allowed from ``status``
    evidence: list[EvidenceItem]


@dataclass(slots=True)
class ItemList:
    total: int
    limit: int
    offset: int
    items: list[ItemView]
    kinds: dict[str, int]  # items per kind (before the kind filter)
    statuses: list[str]  # every status, in order
    lists: list[str]  # list names in use
    tracker_total: int  # items in the whole tracker


@dataclass(slots=True)
class EditResult:
    item: ItemView
    changes: list[dict[str, Any]]  # field, old, new


@dataclass(slots=True)
class SyncResult:
    facts: int
    created: int
    updated: int
    linked: int
    unlinked: int
    removed: int
    unsupported: int
    skipped: int
    conflicts: list[dict[str, Any]]  # item, field, kept (the user's value), extracted


def _evidence(ctx: Any, item_ids: Sequence[int]) -> dict[int, list[EvidenceItem]]:
    if not item_ids:
        return {}
    e, d, f, p = tracker_evidence.c, s.documents.c, s.facts.c, s.passages.c
    out: dict[int, list[EvidenceItem]] = {}
    with ctx.store.engine.connect() as conn:
        for i in range(0, len(item_ids), 500):
            rows = conn.execute(
                select(e.item_id, e.fact_id, e.fact_type, e.sentence, d.id.label("document_id"), d.title, d.published,
                       f.status, p.idx)
                .outerjoin(s.documents, d.content_hash == e.content_hash)
                .outerjoin(s.facts, f.id == e.fact_id)
                .outerjoin(s.passages, p.id == f.passage_id)
                .where(e.item_id.in_(list(item_ids[i:i + 500])))
                .order_by(d.published, e.id)).all()
            for r in rows:
                out.setdefault(r.item_id, []).append(EvidenceItem(
                    r.fact_id, r.fact_type, r.status if r.fact_id is not None else None, r.document_id, r.title,
                    r.published, r.sentence, r.idx))
    return out


def _view(item: TrackerItem, evidence: list[EvidenceItem]) -> ItemView:
    return ItemView(
        item.id, item.kind, item.list_name, item.name, item.region, item.park, item.organization, item.segment,
        item.amount, item.currency, item.status, item.owner, item.next_step, item.due.isoformat() if item.due else None,
        item.notes, item.source_fact_id, item.created_by, item.created_at, item.updated_at, dict(item.provenance),
        list(T.allowed_next(item.status)), evidence)


def _region_filter(ctx: Any, region: str) -> Any:
    """A test of an item's region text: inside the region the filter names (德州市 keeps 齐河县), or
    the same name up to its administrative suffix when the filter is no region the gazetteer knows."""
    from chainatlas.analyse.regions import RegionNotFound, contains
    from chainatlas.present.web import analysis as A

    wanted = T.region_key(region)
    try:
        reg = A.resolver(ctx).resolve(region)
    except RegionNotFound:
        reg = None
    gz = ctx.index().gz

    def keep(text: str | None) -> bool:
        if not text:
            return False
        if T.region_key(text) == wanted:
            return True
        return reg is not None and any(contains(gz, reg, rec) for rec in gz.lookup(text))

    return keep


def items(ctx: Any, *, kind: str | None = None, status: str | None = None, region: str | None = None,
          list_name: str | None = None, owner: str | None = None, sort: str = "id", limit: int = 50,
          offset: int = 0) -> ItemList:
    """Tracker items, filtered (kind, status, region with its counties, list, owner) and paged."""
    from chainatlas.present.web.service import BadRequest

    vocab = T.vocabulary()
    if kind is not None and kind not in vocab.kinds:
        raise BadRequest(f"kind must be one of {', '.join(vocab.kinds)}, not {kind!r}")
    if status is not None and status not in vocab.statuses:
        raise BadRequest(f"status must be one of {'、'.join(vocab.statuses)}, not {status!r}")
    if sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    tracker = T.tracker(ctx.store)
    everything = tracker.items()
    rows = tracker.items(status=status, list_name=list_name, owner=owner)
    if region:
        keep = _region_filter(ctx, region)
        rows = [r for r in rows if keep(r.region)]
    kinds = Counter(r.kind for r in rows)
    if kind is not None:
        rows = [r for r in rows if r.kind == kind]
    if sort == "amount":
        rows.sort(key=lambda r: (-(r.amount or 0.0), r.id))
    elif sort == "updated":
        rows.sort(key=lambda r: (r.updated_at, r.id), reverse=True)
    page = rows[offset : offset + limit]
    evidence = _evidence(ctx, [r.id for r in page])
    lists = sorted({r.list_name for r in everything if r.list_name})
    return ItemList(len(rows), limit, offset, [_view(r, evidence.get(r.id, [])) for r in page],
                    {k: kinds.get(k, 0) for k in vocab.kinds}, list(vocab.statuses), lists, len(everything))


def item(ctx: Any, item_id: int) -> ItemView:
    from chainatlas.present.web.service import NotFound

    found = T.tracker(ctx.store).item(item_id)
    if found is None:
        raise NotFound("tracker item", str(item_id))
    return _view(found, _evidence(ctx, [item_id]).get(item_id, []))


def history(ctx: Any, item_id: int) -> list[HistoryEntry]:
    item(ctx, item_id)  # 404 for an unknown id, not an empty history
    return T.tracker(ctx.store).history(item_id)


def edit(ctx: Any, item_id: int, changes: dict[str, Any], *, actor: str, note: str | None = None,
         force: bool = False) -> EditResult:
    """Change editable fields (status, owner, next step, due date, notes) as a person: the fields
    become user-curated, every change goes to the history with ``actor``."""
    from chainatlas.present.web.service import NotFound

    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise TrackerRefused(400, f"only {', '.join(EDITABLE)} can be changed here, not {', '.join(unknown)}")
    if not changes:
        raise TrackerRefused(400, "nothing to change: give status, owner, next_step, due or notes")
    try:
        done = T.update_item(ctx.store, item_id, changes, actor=actor, note=note, force=force)
    except KeyError:
        raise NotFound("tracker item", str(item_id)) from None
    except T.FieldErrors as exc:
        raise TrackerRefused(400, str(exc), exc.errors) from None
    except T.TransitionError as exc:
        raise TrackerRefused(409, f"{exc} (send force: true to override)") from None
    return EditResult(item(ctx, item_id), [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
                                           for c in done])


def _plain(value: Any) -> Any:
    from chainatlas.store.tracker import as_text

    return value if value is None or isinstance(value, int | float | str) else as_text(value)


def sync(ctx: Any, *, actor: str) -> SyncResult:
    """Create and refresh items from the project and investment facts (``tracker sync``)."""
    report = T.sync_from_facts(ctx.store, actor=actor)
    return SyncResult(report.facts, len(report.created), len(report.updated), report.linked, report.unlinked,
                      len(report.removed), len(report.unsupported), len(report.skipped),
                      [{"item": i, "field": f, "kept": kept, "extracted": new} for i, f, kept, new in report.conflicts])
