"""Tracker lists in and out as CSV or XLSX, with stable column names (docs/tracker.md).

An import is all or nothing: every row is checked, every bad row and field is named
("row 7, field amount_yuan: '三千万' is not a number"), and if there is any error nothing is
stored: the whole import is one transaction. Rows are numbered as a spreadsheet shows them (the
header is row 1). A row with an ``id`` updates that item (or creates it with that id); a row
without one updates the item with the same name + region, else creates a new item. Only the
columns present are applied; an empty cell clears the field (``kind`` and ``name`` cannot be
cleared). Values an import changes become user-curated: sync from facts will not overwrite them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from chainatlas.analyse.tracker import (
    FieldErrors,
    TrackerError,
    clean_values,
    create_item,
    default_actor,
    edit_item,
    item_key,
    tracker,
)
from chainatlas.store.repository import Store
from chainatlas.store.tracker import USER, TrackerItem, as_text

COLUMNS = ("id", "kind", "list", "name", "region", "park", "organization", "segment", "amount_yuan", "status",
           "owner", "next_step", "due", "notes", "source_fact_id", "updated_at")
FIELD_OF = {"list": "list_name", "amount_yuan": "amount"}
COLUMN_OF = {v: k for k, v in FIELD_OF.items()}
IGNORED_ON_IMPORT = ("updated_at",)  # written by the atlas; an imported value is not used
FORMATS = (".csv", ".xlsx")


class ImportFailed(TrackerError):
    """The import stored nothing; ``errors`` names every bad row and field."""

    def __init__(self, path: str | Path, errors: Sequence[str]) -> None:
        self.path = str(path)
        self.errors = list(errors)
        super().__init__(f"{path}: {len(self.errors)} error(s), nothing imported")


@dataclass(slots=True)
class ImportReport:
    rows: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise TrackerError(f"{path}: unsupported file type {suffix or '(none)'!r}; use .csv or .xlsx")
    return suffix


# --------------------------------------------------------------------------- export


def _cells(item: TrackerItem) -> dict[str, Any]:
    """One item as native values by column (a non-yuan amount is left out of amount_yuan)."""
    yuan = item.amount if item.currency in (None, "CNY") else None
    return {
        "id": item.id, "kind": item.kind, "list": item.list_name, "name": item.name, "region": item.region,
        "park": item.park, "organization": item.organization, "segment": item.segment, "amount_yuan": yuan,
        "status": item.status, "owner": item.owner, "next_step": item.next_step, "due": item.due,
        "notes": item.notes, "source_fact_id": item.source_fact_id,
        "updated_at": item.updated_at.replace(microsecond=0).isoformat() if item.updated_at else None,
    }


def export_items(store: Store, path: str | Path, items: Iterable[TrackerItem] | None = None) -> int:
    """Write items (all by default) to a .csv (UTF-8 with BOM, for Excel) or .xlsx file; returns the count."""
    path = Path(path)
    kind = _format(path)
    rows = [_cells(i) for i in (tracker(store).items() if items is None else items)]
    if kind == ".csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if row[c] is None else as_text(row[c]) for c in COLUMNS])
        path.write_text(buf.getvalue(), encoding="utf-8-sig")
    else:
        _write_xlsx(path, rows)
    return len(rows)


def _write_xlsx(path: Path, rows: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "tracker"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row[c] for c in COLUMNS])
    due_col = COLUMNS.index("due") + 1
    amount_col = COLUMNS.index("amount_yuan") + 1
    for r in range(2, len(rows) + 2):
        ws.cell(r, due_col).number_format = "yyyy-mm-dd"
        ws.cell(r, amount_col).number_format = "#,##0.##"
    widths = {"name": 36, "list": 22, "organization": 30, "park": 24, "next_step": 30, "notes": 30,
              "amount_yuan": 16, "updated_at": 26}
    for i, col in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(col, 12)
    ws.freeze_panes = "A2"
    wb.save(path)


# --------------------------------------------------------------------------- reading files


def read_table(path: str | Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """(header, [(spreadsheet row number, cells)]) from a .csv or .xlsx file; blank rows left out."""
    path = Path(path)
    kind = _format(path)
    if not path.is_file():
        raise TrackerError(f"{path}: no such file")
    rows = _read_csv(path) if kind == ".csv" else _read_xlsx(path)
    if not rows:
        raise TrackerError(f"{path}: empty file (expected a header row: {', '.join(COLUMNS)})")
    header = [("" if c is None else str(c)).strip().lstrip("\ufeff").lower() for c in rows[0]]
    body = [(n, cells) for n, cells in enumerate(rows[1:], 2)
            if any(c is not None and str(c).strip() for c in cells)]
    return header, body


def _read_csv(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030/GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TrackerError(f"{path}: not UTF-8 or GB18030 text")
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise TrackerError(f"{path}: not a readable .xlsx workbook: {exc}") from exc
    try:
        ws = wb["tracker"] if "tracker" in wb.sheetnames else wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


# --------------------------------------------------------------------------- import


def _cell(value: Any) -> Any:
    """Spreadsheet cells as the cleaners expect them: text stripped, dates kept as dates."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def import_items(store: Store, path: str | Path, *, actor: str | None = None, force: bool = False) -> ImportReport:
    """Import a .csv / .xlsx tracker list in one transaction; raises ``ImportFailed`` naming every bad
    row and field, in which case nothing was stored. ``force`` skips the status transition rules."""
    header, body = read_table(path)
    report = ImportReport(rows=len(body))
    errors: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name and name in seen:
            errors.append(f"row 1: column {name!r} appears twice (columns {seen[name] + 1} and {i + 1})")
        seen.setdefault(name, i)
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        report.warnings.append(f"row 1: column(s) {', '.join(unknown)} not known, ignored "
                               f"(known: {', '.join(COLUMNS)})")
    if "name" not in seen and "id" not in seen:
        errors.append(f"row 1: no 'name' column (columns: {', '.join(COLUMNS)})")
    if errors:
        raise ImportFailed(path, errors)
    columns = [(i, h) for i, h in enumerate(header) if h in COLUMNS and h not in IGNORED_ON_IMPORT]

    keys_in_file: dict[str, int] = {}
    ids_in_file: dict[int, int] = {}
    with tracker(store).write(actor or default_actor()) as w:
        for rownum, cells in body:
            raw: dict[str, Any] = {}
            item_id: int | None = None
            row_errors: list[str] = []
            for i, col in columns:
                value = _cell(cells[i]) if i < len(cells) else None
                if col == "id":
                    try:
                        item_id = _id(value)
                    except ValueError as exc:
                        row_errors.append(f"row {rownum}, field id: {exc}")
                    continue
                raw[FIELD_OF.get(col, col)] = None if value == "" else value
            try:
                values = clean_values(raw)
            except FieldErrors as exc:
                row_errors += [f"row {rownum}, field {COLUMN_OF.get(f, f)}: {m}" for f, m in exc.errors]
                values = {}
            if row_errors:
                errors += row_errors
                continue
            fact_id = values.pop("source_fact_id", None)
            if fact_id is not None and not w.fact_exists(fact_id):
                report.warnings.append(f"row {rownum}, field source_fact_id: no fact {fact_id} in this atlas; "
                                       f"link not kept")
                fact_id = None
            if fact_id is not None:
                values["source_fact_id"] = fact_id
            try:
                _import_row(w, rownum, item_id, values, keys_in_file, ids_in_file, force, report)
            except _RowError as exc:
                errors.append(str(exc))
        if errors:
            raise ImportFailed(path, errors)  # leaving the block by an exception rolls everything back
    return report


class _RowError(Exception):
    pass


def _id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    text = str(value).strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise ValueError(f"'{text}' is not an item id (a whole number)")


def _import_row(w: Any, rownum: int, item_id: int | None, values: dict[str, Any], keys_in_file: dict[str, int],
                ids_in_file: dict[int, int], force: bool, report: ImportReport) -> None:
    existing = None
    if item_id is not None:
        if item_id in ids_in_file:
            raise _RowError(f"row {rownum}, field id: item {item_id} is already on row {ids_in_file[item_id]}")
        ids_in_file[item_id] = rownum
        existing = w.get(item_id)
    else:
        if not values.get("name"):
            raise _RowError(f"row {rownum}, field name: is required")
        key = item_key(values["name"], values.get("region"))
        if key in keys_in_file:
            raise _RowError(f"row {rownum}, field name: same name and region as row {keys_in_file[key]} "
                            f"(give each an id, or merge the rows)")
        keys_in_file[key] = rownum
        matches = w.find(key)
        if len(matches) > 1:
            raise _RowError(f"row {rownum}, field name: matches items {', '.join(map(str, matches))}; "
                            f"give the id of the one to update")
        existing = w.get(matches[0]) if matches else None
    if existing is None:
        created = {k: v for k, v in values.items() if v is not None}
        try:
            new_id = create_item(w, created, source=USER, note=f"imported (row {rownum})", item_id=item_id)
        except FieldErrors as exc:
            raise _RowError("; ".join(f"row {rownum}, field {COLUMN_OF.get(f, f)}: {m}" for f, m in exc.errors)
                            + (" (and no list name it could be told from)" if any(f == "kind" for f, _ in exc.errors)
                               else "")) from None
        report.created.append(new_id)
        return
    for required in ("kind", "name"):  # an empty cell cannot clear these; it means "keep"
        if required in values and values[required] is None:
            del values[required]
    try:
        done = edit_item(w, existing.id, values, source=USER, note=f"imported (row {rownum})", force=force,
                         keep_unchanged=False)
    except TrackerError as exc:
        raise _RowError(f"row {rownum}, field status: {exc} (import with force to override)") from None
    (report.updated if done else report.unchanged).append(existing.id)

