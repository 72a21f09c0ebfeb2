"""Resolution stays cheap: a bounded number of statements per document, each an index search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from chainatlas.store import Store

from .conftest import document
from .test_store_resolution import docs


def _capture(store: Store) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    return seen


def test_statements_per_document_do_not_grow_and_never_scan(store: Store) -> None:
    seen = _capture(store)
    counts = []
    for i in range(12):
        for d in docs():
            d.content_hash = f"{d.content_hash}-{i}"
            before = len(seen)
            store.add_document(d)
            counts.append(len(seen) - before)
    assert max(counts[8:]) <= max(counts[:4])  # the same work for the 48th document as for the 4th
    extra = document("doc-x", "锦州奥鸿药业扩产，泰州奥鸿药业也扩产。", [
        ("organization", "锦州奥鸿药业"), ("organization", "泰州奥鸿药业"), ("organization", "奥鸿")])
    start = len(seen)
    store.add_document(extra)
    selects = [(sql, params) for sql, params in seen[start:] if sql.lstrip().upper().startswith("SELECT")]
    assert selects
    with store.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for sql, params in selects:
            plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)]
            scans = [p for p in plan if p.startswith("SCAN") and any(t in p for t in ("entities", "aliases", "mentions"))]
            walks = [p for p in plan if "entities USING" in p and p.endswith("(type=?)")]  # every entity of a type
            assert scans == [] and walks == [], (sql, plan)
