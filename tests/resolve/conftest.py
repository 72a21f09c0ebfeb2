"""Resolve fixtures: documents built by hand (name → every place it is printed) and a fresh SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chainatlas.model import Document, Entity, Fact, Span
from chainatlas.store import Store


def spans(text: str, forms: list[str]) -> list[Span]:
    """Every place one of ``forms`` is printed, longest form first, without overlaps."""
    out: list[Span] = []
    for form in sorted(set(forms), key=len, reverse=True):
        i = text.find(form)
        while i >= 0:
            if not any(s.start < i + len(form) and i < s.end for s in out):
                out.append(Span(i, i + len(form), form))
            i = text.find(form, i + len(form))
    return sorted(out, key=lambda s: s.start)


def entity(text: str, etype: str, name: str, *aliases: str, kind: str | None = None,
           code: str | None = None) -> Entity:
    return Entity(etype, name, kind=kind, aliases=list(aliases), code=code, mentions=spans(text, [name, *aliases]))


def document(digest: str, text: str, entities: list[tuple[Any, ...]], title: str | None = None,
             published: str | None = None, facts: list[Fact] | None = None) -> Document:
    """``entities``: (type, name, *aliases) or (type, name, {"kind": …, "code": …}, *aliases)."""
    ents = []
    for spec in entities:
        etype, name, *rest = spec
        opts = rest.pop(0) if rest and isinstance(rest[0], dict) else {}
        ents.append(entity(text, etype, name, *rest, **opts))
    return Document(source=f"news/{digest}.txt", text=text, title=title or digest, published=published,
                    content_hash=digest, entities=ents, facts=list(facts or ()))


def metric(text: str, subject: str, name: str, value: float, unit: str, period: str | None,
           evidence: str, **extra: Any) -> Fact:
    at = text.index(evidence)
    args = {"subject": subject, "metric": name, "value": value, "unit": unit, "period": period, **extra}
    return Fact("metric", args, at, at + len(evidence), 0.8)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = Store(tmp_path / "atlas.db")
    yield st
    st.close()
