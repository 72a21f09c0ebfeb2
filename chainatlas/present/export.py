"""Export the atlas as tables: entities, facts, projects, documents; CSV, XLSX, Parquet or JSON Lines.

Column names and types are a stable contract (docs/exports.md): new columns may be added at the
end, none is renamed or removed. Every table is built from the store's read-only queries
(``store/analytics.py`` and ``Store.documents``); rejected facts are exported with their status in
``facts`` (so a curator can audit them) and left out of ``projects``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from chainatlas.store.analytics import Analytics

WHATS = ("entities", "facts", "projects", "documents")
FORMATS = ("csv", "xlsx", "parquet", "jsonl")
BINARY = ("xlsx", "parquet")
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}

# Column name → type (int | float | str | bool). Order is the column order.
COLUMNS: dict[str, dict[str, str]] = {
    "entities": {
        "entity_id": "int", "type": "str", "kind": "str", "name": "str", "code": "str", "aliases": "str",
        "mentions": "int", "documents": "int",
    },
    "facts": {
        "fact_id": "int", "document_id": "int", "type": "str", "status": "str", "confidence": "float",
        "subject": "str", "subject_type": "str", "metric": "str", "value": "float", "unit": "str",
        "currency": "str", "period": "str", "target": "bool", "name": "str", "investor": "str",
        "region": "str", "park": "str", "amount": "float", "project_status": "str", "date": "str",
        "count": "float", "entity": "str", "role": "str", "scope": "str", "product": "str", "maker": "str",
        "claim": "str", "approval": "str", "event": "str", "evidence_start": "int", "evidence_end": "int",
        "passage": "int", "sentence": "str", "title": "str", "published": "str", "source": "str",
        "args_json": "str",
    },
    "projects": {
        "fact_id": "int", "document_id": "int", "kind": "str", "name": "str", "investor": "str",
        "region": "str", "park": "str", "amount": "float", "currency": "str", "status": "str", "date": "str",
        "count": "float", "confidence": "float", "fact_status": "str", "sentence": "str", "title": "str",
        "published": "str", "source": "str",
    },
    "documents": {
        "document_id": "int", "title": "str", "published": "str", "lang": "str", "site": "str",
        "source": "str", "passages": "int", "ingested_at": "str",
    },
}
ENTITY_TYPES = ("region", "organization", "park", "product", "person")
_FACT_ARGS = ("subject", "subject_type", "metric", "value", "unit", "currency", "period", "target", "name",
              "investor", "region", "park", "amount", "date", "count", "entity", "role", "scope", "product",
              "maker", "claim", "approval", "event")


class ExportError(ValueError):
    """A bad request (format, table, output); the message is one line."""


def format_for(fmt: str | None, output: str | Path | None) -> str:
    """The format asked for, else the one the output's extension names (CSV without either)."""
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        return fmt
    if output is not None:
        ext = Path(output).suffix.lower()
        if ext in EXTENSIONS:
            return EXTENSIONS[ext]
    return "csv"


# ---------------------------------------------------------------------------- rows


def _scalar(v: Any) -> Any:
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


def _typed(value: Any, typ: str) -> Any:
    if value is None or value == "":
        return None
    try:
        if typ == "int":
            return int(value)
        if typ == "float":
            return float(value) if not isinstance(value, bool) else None
        if typ == "bool":
            return bool(value)
    except (TypeError, ValueError):
        return None
    return str(_scalar(value))


def _shape(what: str, row: dict[str, Any]) -> dict[str, Any]:
    return {col: _typed(row.get(col), typ) for col, typ in COLUMNS[what].items()}


def rows(store: Any, what: str) -> Iterator[dict[str, Any]]:
    """The rows of one table, typed and in column order."""
    if what not in WHATS:
        raise ExportError(f"--what must be one of {', '.join(WHATS)}, not {what!r}")
    a = Analytics(store)
    if what == "entities":
        yield from (_shape(what, r) for r in _entities(a))
    elif what == "documents":
        yield from (_shape(what, r) for r in _documents(store))
    else:
        docs = a.documents()
        facts = a.facts(types=("project", "investment") if what == "projects" else None,
                        exclude_statuses=("rejected",) if what == "projects" else ())
        for f in facts:
            meta = docs.get(f.document_id)
            base = {"fact_id": f.id, "document_id": f.document_id, "confidence": f.confidence,
                    "sentence": " ".join(f.sentence.split()), "title": meta.title if meta else None,
                    "published": meta.published if meta else None, "source": meta.source if meta else None}
            args = f.args
            if what == "facts":
                row = {**base, "type": f.type, "status": f.status, "evidence_start": f.start,
                       "evidence_end": f.end, "passage": f.passage,
                       "args_json": json.dumps(args, ensure_ascii=False, sort_keys=True)}
                for k in _FACT_ARGS:
                    row[k] = args.get(k)
                row["project_status"] = args.get("status")
                row["name"] = args.get("name")
            else:
                row = {**base, "kind": "project" if f.type == "project" else "aggregate",
                       "fact_status": f.status, "status": args.get("status"),
                       **{k: args.get(k) for k in ("name", "investor", "region", "park", "amount", "currency",
                                                   "date", "count")}}
                if f.type == "investment" and not row["name"]:
                    row["name"] = args.get("what")
            yield _shape(what, row)


def _entities(a: Analytics) -> Iterator[dict[str, Any]]:
    mentions: dict[int, int] = defaultdict(int)
    documents: dict[int, set[int]] = defaultdict(set)
    for mc in a.mention_counts(ENTITY_TYPES):
        mentions[mc.entity_id] += mc.count
        documents[mc.entity_id].add(mc.document_id)
    for e in sorted(a.entities(ENTITY_TYPES), key=lambda e: e.id):
        aliases = [x for x in e.aliases if x and not x.startswith("=")]
        yield {"entity_id": e.id, "type": e.type, "kind": e.kind, "name": e.name, "code": e.code,
               "aliases": "|".join(dict.fromkeys(aliases)), "mentions": mentions.get(e.id, 0),
               "documents": len(documents.get(e.id, ()))}


def _documents(store: Any) -> Iterator[dict[str, Any]]:
    offset, page = 0, 500
    while True:
        batch = store.documents(limit=page, offset=offset)
        for d in batch:
            yield {"document_id": d.id, "title": d.title, "published": d.published, "lang": d.lang,
                   "site": d.site, "source": d.source, "passages": d.passages,
                   "ingested_at": d.ingested_at.isoformat() if d.ingested_at else None}
        if len(batch) < page:
            return
        offset += page


# ---------------------------------------------------------------------------- writers


def write_csv(what: str, data: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    cols = list(COLUMNS[what])
    w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    n = 0
    for row in data:
        w.writerow({k: ("" if v is None else v) for k, v in row.items()})
        n += 1
    return n


def write_jsonl(what: str, data: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    n = 0
    for row in data:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_xlsx(what: str, data: Iterable[dict[str, Any]], path: Path) -> int:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError as exc:
        raise ExportError("xlsx export needs openpyxl: pip install openpyxl") from exc
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(what)
    ws.freeze_panes = "A2"
    cols = list(COLUMNS[what])
    from openpyxl.cell import WriteOnlyCell

    header = []
    for c in cols:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    n = 0
    for row in data:
        ws.append([_xlsx_safe(row[c]) for c in cols])
        n += 1
    wb.save(path)
    return n


def _xlsx_safe(v: Any) -> Any:
    """Strings are written as text (a cell starting with = would otherwise be a formula)."""
    if isinstance(v, str):
        v = "".join(ch for ch in v if ch in "\t\n\r" or ord(ch) >= 32)
        if v.startswith(("=", "+", "-", "@")):
            return "'" + v
    return v


def write_parquet(what: str, data: Iterable[dict[str, Any]], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError("parquet export needs pyarrow: pip install pyarrow") from exc
    types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_()}
    schema = pa.schema([(c, types[t]) for c, t in COLUMNS[what].items()])
    items = list(data)
    table = pa.Table.from_pylist(items, schema=schema)
    pq.write_table(table, path)
    return len(items)


def export(store: Any, what: str, fmt: str, output: str | Path | None, stdout: IO[str] | None = None) -> int:
    """Write table ``what`` as ``fmt`` to ``output`` (a path) or ``stdout`` (text formats only);
    returns the number of rows."""
    if what not in WHATS:
        raise ExportError(f"--what must be one of {', '.join(WHATS)}, not {what!r}")
    if fmt not in FORMATS:
        raise ExportError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    data = rows(store, what)
    if fmt in BINARY:
        if output is None:
            raise ExportError(f"{fmt} is a binary format: give a file with -o FILE.{fmt}")
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        return (write_xlsx if fmt == "xlsx" else write_parquet)(what, data, path)
    writer = write_csv if fmt == "csv" else write_jsonl
    if output is None:
        import sys

        return writer(what, data, stdout or sys.stdout)
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    n = writer(what, data, buf)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return n
