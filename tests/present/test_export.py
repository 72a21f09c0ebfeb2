"""Exports: every table in every format with the documented column names; curation verdicts honoured."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.present.cli import app
from chainatlas.present.export import COLUMNS, FORMATS, WHATS, ExportError, export, format_for, rows
from chainatlas.store import Store
from tests.present.report_atlas import ROOT, atlas_path, copy_atlas

runner = CliRunner()


@pytest.fixture(scope="module")
def store() -> Store:
    return Store(atlas_path())


def read_back(path: Path, fmt: str) -> tuple[list[str], list[dict]]:
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        return list(reader.fieldnames or []), list(reader)
    if fmt == "jsonl":
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return list(items[0]) if items else [], items
    if fmt == "xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(path, read_only=True).active
        values = list(ws.iter_rows(values_only=True))
        header = list(values[0])
        return header, [dict(zip(header, v, strict=True)) for v in values[1:]]
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return table.column_names, table.to_pylist()


@pytest.mark.parametrize("what", WHATS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_table_in_every_format_has_the_documented_columns(store, tmp_path, what, fmt):
    out = tmp_path / f"{what}.{fmt}"
    n = export(store, what, fmt, out)
    header, items = read_back(out, fmt)
    assert header == list(COLUMNS[what])
    assert len(items) == n > 0


def test_columns_are_documented():
    doc = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    for what, cols in COLUMNS.items():
        section = doc.split(f"## {what}", 1)[1].split("\n## ", 1)[0]
        for col in cols:
            assert re.search(rf"^\| `{col}` \|", section, re.M), f"{what}.{col} is not in docs/exports.md"


def test_parquet_types(store, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "facts.parquet"
    export(store, "facts", "parquet", out)
    schema = pq.read_schema(out)
    assert str(schema.field("fact_id").type) == "int64"
    assert str(schema.field("value").type) == "double"
    assert str(schema.field("target").type) == "bool"


def test_rejected_facts_are_marked_in_facts_and_left_out_of_projects(tmp_path):
    s = Store(copy_atlas(tmp_path))
    projects = list(rows(s, "projects"))
    victim = projects[0]["fact_id"]
    s.decide_fact(victim, "rejected", actor="test")
    facts = {r["fact_id"]: r for r in rows(s, "facts")}
    assert facts[victim]["status"] == "rejected"
    assert victim not in {r["fact_id"] for r in rows(s, "projects")}
    s.close()


def test_corrected_values_are_exported(tmp_path):
    s = Store(copy_atlas(tmp_path))
    fact = next(r for r in rows(s, "facts") if r["type"] == "metric" and r["value"])
    args = json.loads(fact["args_json"])
    s.decide_fact(fact["fact_id"], "corrected", args={**args, "value": 12345}, actor="test")
    again = next(r for r in rows(s, "facts") if r["fact_id"] == fact["fact_id"])
    assert again["value"] == 12345 and again["status"] == "corrected"
    s.close()


def test_format_from_extension_and_errors():
    assert format_for(None, "x.parquet") == "parquet"
    assert format_for(None, "x.XLSX") == "xlsx"
    assert format_for(None, None) == "csv"
    with pytest.raises(ExportError):
        format_for("xml", None)


def test_cli_export_csv_to_stdout_and_xlsx_to_file(tmp_path):
    db = str(atlas_path())
    result = runner.invoke(app, ["--db", db, "export", "--what", "entities"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(COLUMNS["entities"])
    assert "德州市" in result.stdout
    out = tmp_path / "projects.xlsx"
    result = runner.invoke(app, ["--db", db, "export", "--what", "projects", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"


def test_cli_export_bad_requests():
    db = str(atlas_path())
    assert runner.invoke(app, ["--db", db, "export", "--format", "parquet"]).exit_code == 2  # binary needs -o
    assert runner.invoke(app, ["--db", db, "export", "--what", "people"]).exit_code == 2
    assert runner.invoke(app, ["--db", db, "export", "--format", "xml"]).exit_code == 2
