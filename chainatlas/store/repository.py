"""``Store``: the atlas database behind one small API, on SQLite or PostgreSQL.

Every public method runs in one transaction: a failure rolls back everything it did and nothing
stored before is touched. Writes go through SQLAlchemy Core with executemany batches (one
statement per table per document), which keeps ingest far above 50 documents a second.

This module and ``migrations/`` are the only places with dialect-specific SQL: FTS5 on SQLite,
a ``LIKE`` over the same pre-tokenised column elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Select,
    and_,
    cast,
    column,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from chainatlas.model import Document, Dropped, Entity, Fact, Passage, Quantity, Span
from chainatlas.resolve import conflicts as conflict_rules
from chainatlas.resolve.keys import normalize_name as _norm
from chainatlas.resolve.resolver import surface_forms
from chainatlas.store import resolution, textindex
from chainatlas.store import schema as s
from chainatlas.store.db import WRITE, migrate, open_engine, to_url
from chainatlas.store.db import like_escape as _like_escape
from chainatlas.store.db import utc as _utc
from chainatlas.store.keys import entity_key, normalize_name
from chainatlas.store.views import (
    AliasView,
    Decision,
    DocRef,
    DocumentEntity,
    DocumentSummary,
    DocumentView,
    EntitySummary,
    EntityView,
    FactView,
    Figure,
    MentionView,
    NamedCount,
    PassageView,
    QuantityView,
    RegionRow,
    SearchHit,
    SourceView,
    Stats,
    distinct_figures,
)

KeyFunction = Callable[[Entity], str]
Claim = conflict_rules.Claim
Conflict = conflict_rules.Conflict
SOURCE_STATUSES = ("original", "duplicate", "near-duplicate")
FACT_STATUSES = ("extracted", "confirmed", "rejected", "corrected")
DECISION_KINDS = ("merge", "split", "fact")
_CODE = re.compile(r"\d{6}")
_FTS = table("passages_fts", column("rowid"))  # SQLite only; created by migration 0001


def content_hash(text: str) -> str:
    """Fallback identity for a document that ingest did not hash: SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sentence(text: str, start: int, end: int) -> str:
    return Document(source="", text=text).sentence_at(start, end).text


def _default_passages(text: str) -> list[Passage]:
    """One passage per non-blank line, for documents that arrive without paragraph spans."""
    out: list[Passage] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            out.append(Passage(len(out), start, start + len(stripped)))
        pos += len(line) + 1
    return out


class _PassageMap:
    """Offset → passage id by binary search (documents can hold hundreds of spans)."""

    def __init__(self, rows: Iterable[tuple[int, int, int]]) -> None:
        ordered = sorted(rows)  # (start, end, id)
        self._starts = [r[0] for r in ordered]
        self._rows = ordered

    def at(self, offset: int) -> int | None:
        i = bisect_right(self._starts, offset) - 1
        if i >= 0:
            start, end, pid = self._rows[i]
            if start <= offset < end:
                return pid
        return None


class Store:
    """The atlas database. ``url`` is a SQLAlchemy URL or a plain path (a SQLite file).

    ``key`` maps an extracted entity to its canonical key (``keys.entity_key`` by default): equal
    keys are always one entity. With ``resolve`` (the default) the resolver of
    ``chainatlas.resolve`` also joins entities whose names agree (short names, region prefixes,
    apposition) and obeys users' merges and splits; without it only keys and user decisions count.
    The schema is upgraded to the latest migration on open unless ``migrate_on_open`` is False.
    """

    def __init__(self, url: str | Path, *, key: KeyFunction = entity_key, resolve: bool = True,
                 migrate_on_open: bool = True, **engine_kwargs: Any) -> None:
        self.url = to_url(url)
        self.engine = open_engine(self.url, **engine_kwargs)
        self.key = key
        self.resolve = resolve
        if migrate_on_open:
            migrate(self.engine)
        self.dialect = self.engine.dialect.name
        self.fts = self.dialect == "sqlite" and self._has_fts()
        if migrate_on_open:
            self._ensure_lookup_rows()

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def _ensure_lookup_rows(self) -> None:
        """A database written before entity resolution gets its look-up rows once."""
        with self._read() as conn:
            entities = conn.scalar(select(s.entities.c.id).limit(1)) is not None
            indexed = conn.scalar(select(s.aliases.c.id).where(s.aliases.c.source == resolution.INDEX).limit(1))
        if entities and indexed is None:
            self.reindex()

    def reindex(self) -> None:
        """Rebuild the entity look-up rows (after an upgrade of the name analysis)."""
        with self._write() as conn:
            resolution.reindex_all(conn)

    def _has_fts(self) -> bool:
        with self._read() as conn:
            return conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='passages_fts'"
            ).first() is not None

    # ------------------------------------------------------------------ ingest support

    def known_hashes(self) -> set[str]:
        """Content hashes already stored: exact duplicates the deduper can skip."""
        with self._read() as conn:
            return set(conn.scalars(select(s.documents.c.content_hash)))

    def minhash_index(self) -> Iterator[tuple[int, str, bytes]]:
        """(document id, content hash, MinHash signature) for every document stored with one."""
        with self._read() as conn:
            rows = conn.execute(
                select(s.documents.c.id, s.documents.c.content_hash, s.documents.c.signature)
                .where(s.documents.c.signature.is_not(None))
                .order_by(s.documents.c.id)
            ).all()
        for doc_id, digest, signature in rows:
            yield doc_id, digest, bytes(signature)

    def document_id(self, content_hash: str) -> int | None:
        """The id of the document with this content hash, if stored."""
        with self._read() as conn:
            return conn.scalar(select(s.documents.c.id).where(s.documents.c.content_hash == content_hash))

    def source_exists(self, path: str | Path) -> bool:
        with self._read() as conn:
            return conn.scalar(select(s.sources.c.id).where(s.sources.c.path == str(path))) is not None

    def add_source(self, document_id: int, path: str | Path, status: str = "original",
                   similarity: float | None = None) -> int:
        """Record where a document was read from; an already known path changes nothing."""
        if status not in SOURCE_STATUSES:
            raise ValueError(f"source status must be one of {', '.join(SOURCE_STATUSES)}, not {status!r}")
        with self._write() as conn:
            return self._add_source(conn, document_id, str(path), status, similarity)

    def _add_source(self, conn: Connection, document_id: int, path: str, status: str,
                    similarity: float | None) -> int:
        existing = conn.scalar(select(s.sources.c.id).where(s.sources.c.path == path))
        if existing is not None:
            return existing
        row = {"document_id": document_id, "path": path, "status": status, "similarity": similarity,
               "added_at": s.utcnow()}
        return conn.execute(insert(s.sources).returning(s.sources.c.id), row).scalar_one()

    def add_document(self, doc: Document, signature: bytes | None = None) -> int:
        """Store a document with its passages and extraction output; returns its id.

        A document whose content hash is already stored is not stored again (re-ingesting a file
        changes nothing); its ``source`` is recorded as a duplicate if the path is new.
        """
        digest = doc.content_hash or content_hash(doc.text)
        # SQLite serialises writers (BEGIN IMMEDIATE); elsewhere two writers can race to create the
        # same canonical entity, and the loser simply tries again and finds it.
        attempts = 1 if self.dialect == "sqlite" else 3
        for attempt in range(attempts):
            try:
                return self._add_document(doc, digest, signature)
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _add_document(self, doc: Document, digest: str, signature: bytes | None) -> int:
        with self._write() as conn:
            existing = conn.scalar(select(s.documents.c.id).where(s.documents.c.content_hash == digest))
            if existing is not None:
                if doc.source:
                    self._add_source(conn, existing, doc.source, "duplicate", 1.0)
                return existing
            doc_id = conn.execute(
                insert(s.documents).returning(s.documents.c.id),
                {**self._document_values(doc), "content_hash": digest, "signature": signature,
                 "ingested_at": s.utcnow()},
            ).scalar_one()
            pmap = self._insert_passages(conn, doc_id, doc)
            self._insert_extraction(conn, doc_id, doc, pmap)
            self._apply_fact_decisions(conn, doc_id, digest)
            if doc.source:
                self._add_source(conn, doc_id, doc.source, "original", None)
            return doc_id

    def replace_extraction(self, document_id: int, doc: Document) -> None:
        """Swap a document's mentions, quantities and facts for ``doc``'s (re-extraction).

        Passages and text follow ``doc`` if they changed. User decisions are untouched and fact
        verdicts are applied again to the new facts; canonical entities left without any mention
        (and without user-given aliases) are removed.
        """
        with self._write() as conn:
            row = conn.execute(
                select(s.documents.c.content_hash, s.documents.c.text)
                .where(s.documents.c.id == document_id)
            ).first()
            if row is None:
                raise KeyError(f"no document with id {document_id}")
            digest, old_text = row
            before = set(conn.scalars(
                select(s.mentions.c.entity_id).where(s.mentions.c.document_id == document_id).distinct()
            ))
            for table in (s.mentions, s.quantities, s.facts):
                conn.execute(delete(table).where(table.c.document_id == document_id))
            stored = conn.execute(
                select(s.passages.c.idx, s.passages.c.start, s.passages.c.end)
                .where(s.passages.c.document_id == document_id).order_by(s.passages.c.idx)
            ).all()
            wanted = doc.passages or _default_passages(doc.text)
            if doc.text != old_text or [tuple(r) for r in stored] != [(p.index, p.start, p.end) for p in wanted]:
                conn.execute(update(s.documents).where(s.documents.c.id == document_id)
                             .values(**self._document_values(doc)))
                conn.execute(delete(s.passages).where(s.passages.c.document_id == document_id))
                pmap = self._insert_passages(conn, document_id, doc)
            else:
                pmap = _PassageMap(tuple(r) for r in conn.execute(
                    select(s.passages.c.start, s.passages.c.end, s.passages.c.id)
                    .where(s.passages.c.document_id == document_id)))
            placed = self._insert_extraction(conn, document_id, doc, pmap)
            asserted: dict[int, set[str]] = defaultdict(set)
            for piece, eid in placed:
                asserted[eid].update(_norm(f) for f in surface_forms(piece))
            resolution.prune(conn, before, document_id, asserted)
            self._drop_orphans(conn, before)
            self._apply_fact_decisions(conn, document_id, digest)

    def delete_document(self, document_id: int) -> bool:
        """Remove a document with its sources, passages and extraction output; False if unknown.

        Canonical entities left without mentions are removed unless a user gave them an alias;
        user decisions stay, and apply again when the document is ingested again.
        """
        with self._write() as conn:
            before = set(conn.scalars(
                select(s.mentions.c.entity_id).where(s.mentions.c.document_id == document_id).distinct()))
            gone = conn.execute(delete(s.documents).where(s.documents.c.id == document_id)).rowcount
            if not gone:
                return False
            resolution.prune(conn, before, document_id)
            self._drop_orphans(conn, before, keep_user=False)
            return True

    @staticmethod
    def _document_values(doc: Document) -> dict[str, Any]:
        return {
            "title": doc.title, "published": doc.published, "lang": doc.lang or "zh", "site": doc.site,
            "text": doc.text, "encoding": doc.encoding, "meta": dict(doc.meta),
            "dropped": [{"text": d.text, "reason": d.reason} for d in doc.dropped],
        }

    def _insert_passages(self, conn: Connection, doc_id: int, doc: Document) -> _PassageMap:
        passages = doc.passages or _default_passages(doc.text)
        rows = []
        for p in passages:
            body = doc.text[p.start : p.end]
            rows.append({"document_id": doc_id, "idx": p.index, "start": p.start, "end": p.end,
                         "text": body, "tokens": f" {textindex.index_tokens(body)} "})
        if not rows:
            return _PassageMap([])
        result = conn.execute(
            insert(s.passages).returning(s.passages.c.start, s.passages.c.end, s.passages.c.id),
            rows,
        )
        return _PassageMap(tuple(r) for r in result)

    def _insert_extraction(self, conn: Connection, doc_id: int, doc: Document,
                           pmap: _PassageMap) -> list[tuple[Entity, int]]:
        placed = resolution.resolve_document(conn, doc_id, doc.entities, self.key, exact_only=not self.resolve)
        mention_rows = []
        for ent, eid in placed:
            for span in ent.mentions:
                mention_rows.append({
                    "entity_id": eid, "document_id": doc_id, "passage_id": pmap.at(span.start),
                    "start": span.start, "end": span.end,
                    "text": span.text or doc.text[span.start : span.end], "name": ent.name,
                })
        if mention_rows:
            conn.execute(insert(s.mentions), mention_rows)
        if doc.quantities:
            conn.execute(insert(s.quantities), [
                {"document_id": doc_id, "passage_id": pmap.at(q.start), "kind": q.kind, "value": float(q.value),
                 "currency": q.currency, "unit": q.unit, "qualifier": q.qualifier,
                 "text": q.text or doc.text[q.start : q.end], "start": q.start, "end": q.end}
                for q in doc.quantities
            ])
        if doc.facts:
            conn.execute(insert(s.facts), [
                {"document_id": doc_id, "passage_id": pmap.at(f.start), "type": f.type, "args": f.args,
                 "start": f.start, "end": f.end, "confidence": float(f.confidence), "status": "extracted"}
                for f in doc.facts
            ])
        return placed

    def _drop_orphans(self, conn: Connection, entity_ids: set[int], keep_user: bool = True) -> None:
        """Remove entities left without mentions; with ``keep_user``, not those a user named.

        Removing a document drops them all: user decisions live in ``user_decisions`` and rebuild
        the same entities when documents are stored again.
        """
        if not entity_ids:
            return
        still = set(conn.scalars(
            select(s.mentions.c.entity_id).where(s.mentions.c.entity_id.in_(entity_ids)).distinct()
        ))
        user = set(conn.scalars(
            select(s.aliases.c.entity_id)
            .where(s.aliases.c.entity_id.in_(entity_ids), s.aliases.c.source == "user").distinct()
        )) if keep_user else set()
        gone = entity_ids - still - user
        if gone:
            conn.execute(delete(s.entities).where(s.entities.c.id.in_(gone)))

    # ------------------------------------------------------------------ user decisions

    def record_decision(self, kind: str, payload: dict[str, Any], actor: str | None = None,
                        target: str | None = None) -> int:
        """Keep a user's merge / split / fact decision; extraction never deletes these.

        A ``fact`` payload names its fact by ``content_hash``, ``type``, ``start``, ``end`` and gives
        ``status`` (confirmed | rejected | corrected) and, when corrected, the new ``args``; it is
        applied now and again whenever the document is re-extracted.
        """
        if kind not in DECISION_KINDS:
            raise ValueError(f"decision kind must be one of {', '.join(DECISION_KINDS)}, not {kind!r}")
        if kind == "fact":
            missing = [f for f in ("content_hash", "type", "start", "end", "status") if f not in payload]
            if missing:
                raise ValueError(f"fact decision payload lacks {', '.join(missing)}")
            if payload["status"] not in FACT_STATUSES[1:]:
                raise ValueError(f"fact decision status must be confirmed, rejected or corrected, "
                                 f"not {payload['status']!r}")
            target = payload["content_hash"]
        with self._write() as conn:
            did = conn.execute(
                insert(s.user_decisions).returning(s.user_decisions.c.id),
                {"kind": kind, "target": target, "payload": payload, "actor": actor, "created_at": s.utcnow()},
            ).scalar_one()
            if kind == "fact":
                doc_id = conn.scalar(select(s.documents.c.id).where(s.documents.c.content_hash == target))
                if doc_id is not None:
                    self._apply_fact_decisions(conn, doc_id, target)
            return did

    def decide_fact(self, fact_id: int, status: str, args: dict[str, Any] | None = None,
                    actor: str | None = None) -> int:
        """Confirm, reject or correct a stored fact; the verdict survives re-extraction."""
        with self._read() as conn:
            row = conn.execute(
                select(s.facts.c.type, s.facts.c.start, s.facts.c.end, s.documents.c.content_hash)
                .join(s.documents, s.documents.c.id == s.facts.c.document_id)
                .where(s.facts.c.id == fact_id)
            ).first()
        if row is None:
            raise KeyError(f"no fact with id {fact_id}")
        payload: dict[str, Any] = {"content_hash": row.content_hash, "type": row.type, "start": row.start,
                                   "end": row.end, "status": status}
        if args is not None:
            payload["args"] = args
        return self.record_decision("fact", payload, actor=actor)

    def decisions(self, kind: str | None = None) -> list[Decision]:
        query = select(s.user_decisions).order_by(s.user_decisions.c.id)
        if kind is not None:
            query = query.where(s.user_decisions.c.kind == kind)
        with self._read() as conn:
            return [Decision(r.id, r.kind, r.target, r.payload, r.actor, _utc(r.created_at)) for r in conn.execute(query)]

    def merge(self, into: str, other: str, actor: str | None = None) -> Decision:
        """Make entity ``other`` part of ``into`` (names, aliases or codes): its mentions move over,
        its name becomes a user alias. Recorded, and obeyed on every later ingest and re-extraction."""
        with self._write() as conn:
            a_id, b_id = self._lookup_entity(conn, into), self._lookup_entity(conn, other)
            for name, eid in ((into, a_id), (other, b_id)):
                if eid is None:
                    raise KeyError(f"no entity named {name!r}")
            if a_id == b_id:
                raise ValueError(f"{into!r} and {other!r} are already one entity")
            rows = resolution.load_rows(conn, [a_id, b_id])  # type: ignore[list-item]
            a, b = rows[a_id], rows[b_id]  # type: ignore[index]
            if a.type != b.type:
                raise ValueError(f"cannot merge a {b.type} ({b.name}) into a {a.type} ({a.name})")
            payload = {"type": a.type, "into": a.name, "from": b.name, "names": [a.name, b.name],
                       "forms": sorted(set(a.forms()) | set(b.forms())), "into_key": a.key, "from_key": b.key}
            decision = self._insert_decision(conn, "merge", payload, actor, f"{a.type}:{a.key}")
            resolution.apply_merge(conn, a, b, decision.id)
            return decision

    def split(self, entity: str, alias: str, actor: str | None = None) -> Decision:
        """Take ``alias`` (and the mentions printed as it) out of ``entity`` into an entity of its own.
        Recorded: the two are never merged again, whatever later documents say."""
        with self._write() as conn:
            eid = self._lookup_entity(conn, entity)
            if eid is None:
                raise KeyError(f"no entity named {entity!r}")
            row = resolution.load_rows(conn, [eid])[eid]
            n = _norm(alias)
            if n not in row.printed:
                known = "、".join(sorted(row.printed.values()))
                raise ValueError(f"{alias!r} is not a name of {row.name} (its names: {known})")
            if len(row.printed) < 2:
                raise ValueError(f"{alias!r} is the only name of {row.name}: nothing to split off")
            plan = resolution.plan_split(conn, row, alias)
            payload = {"type": row.type, "entity": plan.anchor, "alias": plan.alias,
                       "alias_forms": sorted(row.printed[f] for f in plan.going),
                       "entity_forms": sorted(plan.staying), "key": row.key}
            decision = self._insert_decision(conn, "split", payload, actor, f"{row.type}:{row.key}")
            resolution.apply_split(conn, row, plan, decision.id, self.key)
            self._drop_orphans(conn, {eid})
            return decision

    def _insert_decision(self, conn: Connection, kind: str, payload: dict[str, Any], actor: str | None,
                         target: str | None) -> Decision:
        at = s.utcnow()
        did = conn.execute(
            insert(s.user_decisions).returning(s.user_decisions.c.id),
            {"kind": kind, "target": target, "payload": payload, "actor": actor, "created_at": at},
        ).scalar_one()
        return Decision(did, kind, target, payload, actor, at)

    def _apply_fact_decisions(self, conn: Connection, doc_id: int, digest: str) -> None:
        rows = conn.execute(
            select(s.user_decisions.c.payload)
            .where(s.user_decisions.c.kind == "fact", s.user_decisions.c.target == digest)
            .order_by(s.user_decisions.c.id)
        ).scalars()
        for payload in rows:  # later decisions override earlier ones
            values: dict[str, Any] = {"status": payload["status"]}
            if payload.get("args") is not None:
                values["args"] = payload["args"]
            conn.execute(
                update(s.facts).where(
                    s.facts.c.document_id == doc_id, s.facts.c.type == payload["type"],
                    s.facts.c.start == payload["start"], s.facts.c.end == payload["end"],
                ).values(**values)
            )

    # ------------------------------------------------------------------ search

    def search(self, query: str, region: str | None = None, limit: int = 20, offset: int = 0,
               subregions: bool = True) -> list[SearchHit]:
        """Passages matching every word of ``query``, best first, with the hits highlighted.

        ``region`` keeps documents that mention that region (name, alias or 6-digit code); with
        ``subregions`` a city also keeps documents about its counties (by code prefix).
        """
        groups = textindex.parse_query(query)
        if not groups or limit <= 0:
            return []
        p = s.passages
        conditions: list[ColumnElement[bool]] = []
        if region is not None:
            docs = self._region_documents(region, subregions)
            if docs is None:
                return []
            conditions.append(p.c.document_id.in_(docs))
        match = textindex.fts5_query(groups) if self.fts else ""
        if match:
            rank = func.bm25(literal_column("passages_fts"))
            stmt = (
                select(p.c.id, p.c.document_id, p.c.idx, p.c.text, (-rank).label("score"))
                .select_from(_FTS)
                .join(p, p.c.id == _FTS.c.rowid)
                .where(text("passages_fts MATCH :match").bindparams(match=match))
            )
            for pattern, on_tokens in textindex.like_patterns(groups):
                if not on_tokens:
                    stmt = stmt.where(p.c.text.like(pattern))
            stmt = stmt.order_by(rank, p.c.id)
        else:
            score: ColumnElement[Any] = literal(0.0)
            for pattern, on_tokens in textindex.like_patterns(groups):
                column = p.c.tokens if on_tokens else p.c.text
                conditions.append(column.like(pattern))
                needle = pattern.strip("%")
                # Occurrences per 100 characters of tokens: a portable stand-in for bm25.
                removed = cast(func.length(column) - func.length(func.replace(column, needle, "")), Float)
                score = score + removed / func.length(needle) * 100.0 / (func.length(column) + 50)
            stmt = select(p.c.id, p.c.document_id, p.c.idx, p.c.text, score.label("score")).order_by(
                score.desc(), p.c.id)
        stmt = stmt.where(*conditions).limit(limit).offset(offset)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
            doc_ids = sorted({r.document_id for r in rows})
            meta = {r.id: r for r in conn.execute(
                select(s.documents.c.id, s.documents.c.title, s.documents.c.published)
                .where(s.documents.c.id.in_(doc_ids)))}
            paths = self._first_sources(conn, doc_ids)
        hits = []
        for r in rows:
            spans = textindex.highlight_spans(r.text, groups)
            snippet, marks = textindex.snippet(r.text, spans)
            d = meta[r.document_id]
            hits.append(SearchHit(r.document_id, d.title, d.published, paths.get(r.document_id), r.idx,
                                  snippet, marks, float(r.score)))
        return hits

    def _first_sources(self, conn: Connection, doc_ids: Sequence[int]) -> dict[int, str]:
        """Each document's original source path (else the first one recorded)."""
        if not doc_ids:
            return {}
        rows = conn.execute(
            select(s.sources.c.document_id, s.sources.c.path, s.sources.c.status)
            .where(s.sources.c.document_id.in_(doc_ids)).order_by(s.sources.c.id)
        ).all()
        best: dict[int, tuple[tuple[int, int], str]] = {}
        for i, (doc_id, path, status) in enumerate(rows):
            rank = (0 if status == "original" else 1, i)
            if doc_id not in best or rank < best[doc_id][0]:
                best[doc_id] = (rank, path)
        return {doc_id: path for doc_id, (_, path) in best.items()}

    def _region_entity_ids(self, conn: Connection, region: str) -> list[int]:
        e = s.entities
        name = region.strip()
        alias_ids = select(s.aliases.c.entity_id).where(s.aliases.c.alias == name,
                                                        s.aliases.c.source != resolution.INDEX)
        return list(conn.scalars(
            select(e.c.id).where(
                e.c.type == "region",
                or_(e.c.name == name, e.c.code == name, e.c.key == normalize_name(name), e.c.id.in_(alias_ids)),
            )
        ))

    def _region_documents(self, region: str, subregions: bool) -> Select[Any] | None:
        """A subquery of the documents mentioning the region (and its subregions); None if unknown.

        A 6-digit administrative code works even when that region itself is never named
        (370000 keeps every document about a place in Shandong).
        """
        e, m = s.entities, s.mentions
        name = region.strip()
        codes: list[str] = []
        with self._read() as conn:
            ids = self._region_entity_ids(conn, name)
            if subregions:
                codes = list(conn.scalars(select(e.c.code).where(e.c.id.in_(ids), e.c.code.is_not(None))))
        if _CODE.fullmatch(name):
            codes.append(name)
        if not ids and not codes:
            return None
        wanted: list[ColumnElement[bool]] = [e.c.id.in_(ids)] if ids else []
        for code in sorted(set(codes)) if subregions or not ids else ():
            if _CODE.fullmatch(code):
                prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
                wanted.append(and_(e.c.type == "region", e.c.code.like(prefix + "%")))
        return select(m.c.document_id).join(e, e.c.id == m.c.entity_id).where(or_(*wanted)).distinct()

    # ------------------------------------------------------------------ atlas views

    def regions_overview(self, top: int = 10) -> list[RegionRow]:
        """Every region with its documents, co-mentioned organisations and parks, and headline money."""
        e, m = s.entities, s.mentions
        with self._read() as conn:
            doc_entities = select(m.c.entity_id, m.c.document_id).distinct().subquery("de")
            region_docs = conn.execute(
                select(e.c.id, e.c.name, e.c.code, doc_entities.c.document_id)
                .join(doc_entities, doc_entities.c.entity_id == e.c.id)
                .where(e.c.type == "region")
            ).all()
            if not region_docs:
                return []
            regions: dict[int, tuple[str, str | None]] = {}
            docs_of: dict[int, set[int]] = defaultdict(set)
            for rid, name, code, doc_id in region_docs:
                regions[rid] = (name, code)
                docs_of[rid].add(doc_id)
            # Co-mentions counted in SQL: (region, entity, number of shared documents).
            rd = doc_entities.alias("rd")
            od = doc_entities.alias("od")
            re_, oe = e.alias("re"), e.alias("oe")
            co = conn.execute(
                select(rd.c.entity_id, oe.c.id, oe.c.type, oe.c.name, func.count().label("n"))
                .select_from(rd)
                .join(re_, and_(re_.c.id == rd.c.entity_id, re_.c.type == "region"))
                .join(od, od.c.document_id == rd.c.document_id)
                .join(oe, and_(oe.c.id == od.c.entity_id, oe.c.type.in_(("organization", "park"))))
                .group_by(rd.c.entity_id, oe.c.id, oe.c.type, oe.c.name)
            ).all()
            all_docs = sorted({d for ds in docs_of.values() for d in ds})
            doc_meta = {r.id: r for r in conn.execute(
                select(s.documents.c.id, s.documents.c.title, s.documents.c.published)
                .where(s.documents.c.id.in_(all_docs)))}
            money = conn.execute(
                select(s.quantities.c.document_id, s.quantities.c.kind, s.quantities.c.value,
                       s.quantities.c.currency, s.quantities.c.unit, s.quantities.c.text,
                       s.quantities.c.start, s.quantities.c.end)
                .where(s.quantities.c.kind == "money", s.quantities.c.document_id.in_(all_docs))
            ).all()
            money_of: dict[int, list[Any]] = defaultdict(list)
            for q in money:
                money_of[q.document_id].append(q)
            picked: dict[int, list[Any]] = {}
            for rid, ds in docs_of.items():
                qs = sorted((q for d in ds for q in money_of.get(d, ())), key=lambda q: (-q.value, q.document_id, q.start))
                picked[rid] = distinct_figures(qs, top)
            need_text = sorted({q.document_id for qs in picked.values() for q in qs})
            texts = dict(conn.execute(
                select(s.documents.c.id, s.documents.c.text).where(s.documents.c.id.in_(need_text))
            ).all())
        orgs: dict[int, list[NamedCount]] = defaultdict(list)
        parks: dict[int, list[NamedCount]] = defaultdict(list)
        for rid, oid, otype, oname, n in co:
            (orgs if otype == "organization" else parks)[rid].append(NamedCount(oid, oname, n))
        out = []
        for rid, (name, code) in regions.items():
            ds = docs_of[rid]
            refs = sorted((DocRef(d, doc_meta[d].title, doc_meta[d].published) for d in ds),
                          key=lambda r: (r.published or "", r.id), reverse=True)
            o = sorted(orgs[rid], key=lambda c: (-c.count, c.name))
            pk = sorted(parks[rid], key=lambda c: (-c.count, c.name))
            figures = [
                Figure(q.kind, q.value, q.currency, q.unit, q.text, q.document_id, doc_meta[q.document_id].title,
                       _sentence(texts[q.document_id], q.start, q.end))
                for q in picked[rid]
            ]
            out.append(RegionRow(rid, name, code, len(ds), refs[:top], o[:top], len(o), pk[:top], len(pk), figures))
        out.sort(key=lambda r: (-r.document_count, r.code or "", r.name))
        return out

    def _lookup_entity(self, conn: Connection, name_or_alias: str) -> int | None:
        """Exact name, then alias, then normalised key or code, then any case; ties go to the most mentioned."""
        e, a, m = s.entities, s.aliases, s.mentions
        name = name_or_alias.strip()
        folded = name.lower()
        printed = a.c.source != resolution.INDEX
        for cond in (e.c.name == name, e.c.id.in_(select(a.c.entity_id).where(a.c.alias == name, printed)),
                     or_(e.c.key == normalize_name(name), e.c.code == name),
                     e.c.id.in_(select(a.c.entity_id).where(
                         a.c.alias == "=" + normalize_name(name), a.c.source == resolution.INDEX)),
                     or_(func.lower(e.c.name) == folded,
                         e.c.id.in_(select(a.c.entity_id).where(func.lower(a.c.alias) == folded, printed)))):
            mentions = select(func.count()).where(m.c.entity_id == e.c.id).scalar_subquery()
            eid = conn.scalar(select(e.c.id).where(cond).order_by(mentions.desc(), e.c.id).limit(1))
            if eid is not None:
                return eid
        return None

    def entity(self, name_or_alias: str, limit: int = 50) -> EntityView | None:
        """An entity by name, alias or code, with up to ``limit`` mentions and their sentences."""
        e, a, m, d = s.entities, s.aliases, s.mentions, s.documents
        with self._read() as conn:
            eid = self._lookup_entity(conn, name_or_alias)
            if eid is None:
                return None
            row = conn.execute(select(e).where(e.c.id == eid)).one()
            docs_of: dict[str, dict[int, DocRef]] = defaultdict(dict)
            for text_, name_, doc_id, title, published in conn.execute(
                    select(m.c.text, m.c.name, m.c.document_id, d.c.title, d.c.published)
                    .join(d, d.c.id == m.c.document_id).where(m.c.entity_id == eid).distinct()):
                for form in {_norm(text_), _norm(name_)}:
                    docs_of[form][doc_id] = DocRef(doc_id, title, published)
            why: dict[str, tuple[str | None, str | None]] = {}
            for entry in (row.attrs or {}).get("merges") or ():
                why.setdefault(_norm(str(entry.get("alias", ""))), (entry.get("reason"), entry.get("rule")))

            def refs(form: str) -> list[DocRef]:
                return sorted(docs_of.get(_norm(form), {}).values(), key=lambda r: r.id)

            aliases = [AliasView(al, src, refs(al), *why.get(_norm(al), (None, None))) for al, src in conn.execute(
                select(a.c.alias, a.c.source).where(a.c.entity_id == eid, a.c.alias != row.name,
                                                    a.c.source != resolution.INDEX).order_by(a.c.id))]
            name_documents = refs(row.name)
            total, ndocs = conn.execute(
                select(func.count(), func.count(m.c.document_id.distinct())).where(m.c.entity_id == eid)).one()
            mrows = conn.execute(
                select(m.c.document_id, m.c.start, m.c.end, m.c.text, s.passages.c.idx,
                       d.c.title, d.c.published)
                .join(d, d.c.id == m.c.document_id)
                .outerjoin(s.passages, s.passages.c.id == m.c.passage_id)
                .where(m.c.entity_id == eid)
                .order_by(d.c.published.desc(), m.c.document_id.desc(), m.c.start)
                .limit(limit)
            ).all()
            texts = dict(conn.execute(
                select(d.c.id, d.c.text).where(d.c.id.in_(sorted({r.document_id for r in mrows})))).all())
        mentions = [MentionView(r.document_id, r.title, r.published, r.idx, r.start, r.end, r.text,
                                _sentence(texts[r.document_id], r.start, r.end)) for r in mrows]
        return EntityView(row.id, row.type, row.kind, row.name, row.key, row.code, dict(row.attrs or {}),
                          aliases, total, ndocs, mentions, name_documents)

    # ------------------------------------------------------------------ conflicts

    def metric_claims(self, region: str | None = None) -> list[Claim]:
        """Every metric fact (not rejected) as a claim with its canonical subject, document and sentence.

        The subject is the entity of the fact's own document printed as ``args["subject"]``, else the
        one entity anywhere with that name; ``region`` keeps documents mentioning that region.
        """
        f, d, m = s.facts, s.documents, s.mentions
        stmt = (select(f.c.id, f.c.document_id, f.c.args, f.c.start, f.c.end, f.c.status, d.c.title,
                       d.c.published)
                .join(d, d.c.id == f.c.document_id)
                .where(f.c.type == "metric", f.c.status != "rejected").order_by(f.c.id))
        if region is not None:
            docs = self._region_documents(region, True)
            if docs is None:
                return []
            stmt = stmt.where(f.c.document_id.in_(docs))
        with self._read() as conn:
            rows = [r for r in conn.execute(stmt).all() if isinstance(r.args, dict) and r.args.get("subject")]
            if not rows:
                return []
            doc_ids = sorted({r.document_id for r in rows})
            subjects = sorted({str(r.args["subject"]) for r in rows})
            local: dict[tuple[int, str], int] = {}
            for doc_id, eid, name, text_ in conn.execute(
                    select(m.c.document_id, m.c.entity_id, m.c.name, m.c.text)
                    .where(m.c.document_id.in_(doc_ids), or_(m.c.name.in_(subjects), m.c.text.in_(subjects)))
                    .order_by(m.c.id)):
                for form in (name, text_):
                    local.setdefault((doc_id, _norm(form)), eid)
            anywhere: dict[str, set[int]] = defaultdict(set)
            for eid, alias in conn.execute(
                    select(s.aliases.c.entity_id, s.aliases.c.alias)
                    .where(s.aliases.c.alias.in_(["=" + _norm(x) for x in subjects]),
                           s.aliases.c.source == resolution.INDEX)):
                anywhere[alias[1:]].add(eid)
            ids = set(local.values()) | {next(iter(v)) for v in anywhere.values() if len(v) == 1}
            names_of = dict(conn.execute(select(s.entities.c.id, s.entities.c.name)
                                         .where(s.entities.c.id.in_(sorted(ids)))).all()) if ids else {}
            texts = dict(conn.execute(select(d.c.id, d.c.text).where(d.c.id.in_(doc_ids))).all())
        claims = []
        for r in rows:
            args = r.args
            try:
                value = float(args.get("value"))
            except (TypeError, ValueError):
                continue
            subject = str(args["subject"])
            eid = local.get((r.document_id, _norm(subject)))
            if eid is None and len(anywhere.get(_norm(subject), ())) == 1:
                eid = next(iter(anywhere[_norm(subject)]))
            kind, unit = conflict_rules.metric_kind(args)
            claims.append(conflict_rules.Claim(
                r.id, r.document_id, r.title, r.published, eid, names_of.get(eid, subject) if eid else subject,
                str(args.get("metric") or ""), conflict_rules.normalise_period(args.get("period")), value, unit,
                kind, args.get("qualifier"), _sentence(texts[r.document_id], r.start, r.end), r.status,
                bool(args.get("target"))))
        return claims

    def conflicts(self, region: str | None = None) -> list[Conflict]:
        """Metrics on which documents disagree (same subject, metric and period; see resolve.conflicts)."""
        return conflict_rules.find_conflicts(self.metric_claims(region))

    def find_entities(self, query: str, type: str | None = None, limit: int = 20) -> list[EntitySummary]:
        """Entities whose name or an alias contains ``query`` (case-insensitive for Latin letters)."""
        e, a, m = s.entities, s.aliases, s.mentions
        q = query.strip()
        if not q:
            return []
        pattern = f"%{_like_escape(q.lower())}%"
        matching = or_(
            func.lower(e.c.name).like(pattern, escape="\\"),
            e.c.id.in_(select(a.c.entity_id).where(func.lower(a.c.alias).like(pattern, escape="\\"),
                                                   a.c.source != resolution.INDEX)),
        )
        counts = (select(m.c.entity_id, func.count().label("n"), func.count(m.c.document_id.distinct()).label("nd"))
                  .group_by(m.c.entity_id).subquery())
        stmt = (
            select(e.c.id, e.c.type, e.c.kind, e.c.name, e.c.code,
                   func.coalesce(counts.c.n, 0).label("n"), func.coalesce(counts.c.nd, 0).label("nd"))
            .outerjoin(counts, counts.c.entity_id == e.c.id)
            .where(matching)
            .order_by(func.coalesce(counts.c.n, 0).desc(), e.c.name)
            .limit(limit)
        )
        if type is not None:
            stmt = stmt.where(e.c.type == type)
        with self._read() as conn:
            return [EntitySummary(r.id, r.type, r.kind, r.name, r.code, r.n, r.nd) for r in conn.execute(stmt)]

    # ------------------------------------------------------------------ documents and counts

    def stats(self) -> Stats:
        with self._read() as conn:
            def count(table: Any, *where: ColumnElement[bool]) -> int:
                return conn.scalar(select(func.count()).select_from(table).where(*where)) or 0

            by_type = dict(conn.execute(
                select(s.entities.c.type, func.count()).group_by(s.entities.c.type)).all())
            return Stats(
                documents=count(s.documents), sources=count(s.sources),
                duplicates=count(s.sources, s.sources.c.status != "original"),
                passages=count(s.passages), entities=by_type, mentions=count(s.mentions),
                quantities=count(s.quantities), facts=count(s.facts), decisions=count(s.user_decisions),
            )

    def documents(self, limit: int = 50, offset: int = 0) -> list[DocumentSummary]:
        d, p = s.documents, s.passages
        npass = select(func.count()).where(p.c.document_id == d.c.id).scalar_subquery()
        with self._read() as conn:
            rows = conn.execute(
                select(d.c.id, d.c.title, d.c.published, d.c.lang, d.c.site, d.c.ingested_at, npass.label("n"))
                .order_by(d.c.id).limit(limit).offset(offset)
            ).all()
            paths = self._first_sources(conn, [r.id for r in rows])
        return [DocumentSummary(r.id, r.title, r.published, r.lang, r.site, paths.get(r.id), r.n, _utc(r.ingested_at))
                for r in rows]

    def document(self, document_id: int) -> DocumentView | None:
        """Everything stored about one document."""
        d, p, m, e, q, f = s.documents, s.passages, s.mentions, s.entities, s.quantities, s.facts
        with self._read() as conn:
            row = conn.execute(select(d).where(d.c.id == document_id)).first()
            if row is None:
                return None
            sources = [SourceView(r.path, r.status, r.similarity, _utc(r.added_at)) for r in conn.execute(
                select(s.sources).where(s.sources.c.document_id == document_id).order_by(s.sources.c.id))]
            passages = conn.execute(
                select(p.c.id, p.c.idx, p.c.start, p.c.end, p.c.text)
                .where(p.c.document_id == document_id).order_by(p.c.idx)).all()
            idx_of = {r.id: r.idx for r in passages}
            ents = [DocumentEntity(r.id, r.type, r.kind, r.name, r.n) for r in conn.execute(
                select(e.c.id, e.c.type, e.c.kind, e.c.name, func.count().label("n"))
                .join(m, m.c.entity_id == e.c.id).where(m.c.document_id == document_id)
                .group_by(e.c.id, e.c.type, e.c.kind, e.c.name).order_by(e.c.type, func.min(m.c.start)))]
            quants = [QuantityView(r.kind, r.value, r.currency, r.unit, r.qualifier, r.text, r.start, r.end,
                                   idx_of.get(r.passage_id)) for r in conn.execute(
                select(q).where(q.c.document_id == document_id).order_by(q.c.start, q.c.id))]
            facts = [FactView(r.id, r.type, r.args, r.start, r.end, r.confidence, r.status,
                              idx_of.get(r.passage_id)) for r in conn.execute(
                select(f).where(f.c.document_id == document_id).order_by(f.c.start, f.c.id))]
        return DocumentView(
            row.id, row.content_hash, row.title, row.published, row.lang, row.site, row.encoding, row.text,
            dict(row.meta or {}), _utc(row.ingested_at), sources,
            [PassageView(r.idx, r.start, r.end, r.text) for r in passages], ents, quants, facts,
        )

    def load_document(self, document_id: int) -> Document | None:
        """The stored document as a ``model.Document`` again (for re-extraction or analysis)."""
        view = self.document(document_id)
        if view is None:
            return None
        m = s.mentions
        with self._read() as conn:
            rows = conn.execute(
                select(m.c.entity_id, m.c.name, m.c.start, m.c.end, m.c.text,
                       s.entities.c.type, s.entities.c.kind, s.entities.c.code)
                .join(s.entities, s.entities.c.id == m.c.entity_id)
                .where(m.c.document_id == document_id).order_by(m.c.id)
            ).all()
            dropped = conn.scalar(select(s.documents.c.dropped).where(s.documents.c.id == document_id)) or []
        ents: dict[tuple[int, str], Entity] = {}
        for r in rows:
            ent = ents.setdefault((r.entity_id, r.name), Entity(r.type, r.name, kind=r.kind, code=r.code))
            ent.mentions.append(Span(r.start, r.end, r.text))
            if r.text != r.name and r.text not in ent.aliases:
                ent.aliases.append(r.text)
        return Document(
            source=view.sources[0].path if view.sources else "", text=view.text, title=view.title,
            published=view.published, lang=view.lang, site=view.site, encoding=view.encoding,
            content_hash=view.content_hash,
            passages=[Passage(p.idx, p.start, p.end) for p in view.passages],
            dropped=[Dropped(x["text"], x["reason"]) for x in dropped],
            entities=list(ents.values()),
            quantities=[Quantity(q.kind, q.value, q.text, q.start, q.end, q.currency, q.unit, q.qualifier)
                        for q in view.quantities],
            facts=[Fact(f.type, f.args, f.start, f.end, f.confidence) for f in view.facts],
            meta=view.meta,
        )

