"""The JSON Lines contract printed by ``chainatlas extract --format jsonl``.

The field names here are a public interface (``docs/contract.md``): scripts and the
project scorer read them, so new fields may be added but none renamed or removed.
"""

from __future__ import annotations

import json
from typing import Any

from chainatlas.model import Document, Entity, Fact, Quantity


def entity_record(e: Entity) -> dict[str, Any]:
    rec: dict[str, Any] = {"type": e.type}
    if e.kind:
        rec["kind"] = e.kind
    rec["name"] = e.name
    rec["aliases"] = [a for a in e.aliases if a != e.name]
    rec["mentions"] = [{"start": m.start, "end": m.end} for m in e.mentions]
    if e.code:
        rec["code"] = e.code
    extra = {k: v for k, v in e.attrs.items() if _jsonable(v)}
    if extra:
        rec["attrs"] = extra
    return rec


def quantity_record(q: Quantity) -> dict[str, Any]:
    rec: dict[str, Any] = {"kind": q.kind, "value": _number(q.value)}
    if q.kind == "money":
        rec["currency"] = q.currency or "CNY"
    if q.unit:
        rec["unit"] = q.unit
    if q.qualifier:
        rec["qualifier"] = q.qualifier
    rec.update(text=q.text, start=q.start, end=q.end)
    return rec


def fact_record(f: Fact) -> dict[str, Any]:
    rec: dict[str, Any] = {"type": f.type}
    rec.update({k: v for k, v in f.args.items() if k not in ("type", "start", "end")})
    rec.update(start=f.start, end=f.end, confidence=round(f.confidence, 3))
    return rec


def document_record(doc: Document) -> dict[str, Any]:
    return {
        "source": doc.source,
        "title": doc.title,
        "published": doc.published,
        "lang": doc.lang,
        "site": doc.site,
        "text": doc.text,
        "passages": [{"start": p.start, "end": p.end} for p in doc.passages],
        "entities": [entity_record(e) for e in doc.entities],
        "quantities": [quantity_record(q) for q in doc.quantities],
        "facts": [fact_record(f) for f in doc.facts],
    }


def to_jsonl(doc: Document) -> str:
    return json.dumps(document_record(doc), ensure_ascii=False)


def _number(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def _jsonable(v: Any) -> bool:
    try:
        json.dumps(v)
    except (TypeError, ValueError):
        return False
    return True
