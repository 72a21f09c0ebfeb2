"""Tracker import / export (CSV and XLSX) and the `chainatlas tracker` / `chainatlas facts` commands."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from chainatlas.analyse import tracker as t
from chainatlas.present.cli import app
from chainatlas.present.tracker_io import COLUMNS, ImportFailed, export_items, import_items
from chainatlas.store import Store
from chainatlas.store.tracker import list_facts
from tests.analyse.test_tracker import dezhou, dezhou_later, qihe

runner = CliRunner()


def fill(store: Store) -> Store:
    for doc in (dezhou(), qihe(), dezhou_later()):
        store.add_document(doc)
    t.sync_from_facts(store, actor="sync-bot")
    t.add_item(store, kind="cluster", name="生物医药产业集群", region="泰州市", segment="疫苗", owner="王五",
               next_step="编制集群规划", due="2025-12-31", notes='含"逗号, 引号"与\n换行', actor="alice")
    t.add_item(store, kind="lead", name="某抗体药物产业化项目", region="菏泽市", amount="2.5亿元", status="洽谈",
               actor="alice")
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = Store(tmp_path / "atlas.db")
    yield st
    st.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    """Another atlas with the same articles (so fact ids match) and an empty tracker."""
    st = Store(tmp_path / "fresh.db")
    for doc in (dezhou(), qihe(), dezhou_later()):
        st.add_document(doc)
    yield st
    st.close()


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def without(rows: list[dict], *columns: str) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in columns} for r in rows]


def history_size(store: Store) -> int:
    tr = t.tracker(store)
    return sum(len(tr.history(i.id)) for i in tr.items())


# --------------------------------------------------------------------------- round trips


def test_csv_round_trip_into_a_fresh_atlas(store: Store, fresh: Store, tmp_path: Path) -> None:
    fill(store)
    first = tmp_path / "a.csv"
    assert export_items(store, first) == 4
    assert first.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese text right
    report = import_items(fresh, first, actor="bob")
    assert len(report.created) == 4 and report.warnings == []
    second = tmp_path / "b.csv"
    export_items(fresh, second)
    rows = csv_rows(first)
    assert list(rows[0]) == list(COLUMNS)
    assert without(csv_rows(second), "updated_at") == without(rows, "updated_at")
    cluster = next(r for r in rows if r["kind"] == "cluster")
    assert cluster["notes"] == '含"逗号, 引号"与\n换行' and cluster["due"] == "2025-12-31"
    assert next(r for r in rows if r["kind"] == "lead" and r["status"])["amount_yuan"] == "250000000"


def test_xlsx_round_trip_into_a_fresh_atlas(store: Store, fresh: Store, tmp_path: Path) -> None:
    fill(store)
    first = tmp_path / "a.xlsx"
    export_items(store, first)
    ws = load_workbook(first).active
    header = [c.value for c in ws[1]]
    assert header == list(COLUMNS)
    due = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("due")]][0]
    assert isinstance(due[header.index("due")], dt.datetime)  # a real date cell
    assert isinstance(ws.cell(2, header.index("amount_yuan") + 1).value, float | int)
    import_items(fresh, first, actor="bob")
    second = tmp_path / "b.xlsx"
    export_items(fresh, second)

    def values(path: Path) -> list[tuple]:
        rows = list(load_workbook(path).active.iter_rows(values_only=True))
        return [r[: header.index("updated_at")] for r in rows]

    assert values(second) == values(first)
    assert [(i.name, i.due, i.amount, i.provenance.get("name")) for i in t.tracker(fresh).items()] == [
        (i.name, i.due, i.amount, "user") for i in t.tracker(store).items()]


def test_reimporting_an_unchanged_export_changes_nothing(store: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "a.csv"
    export_items(store, path)
    before = (t.tracker(store).items(), history_size(store))
    report = import_items(store, path, actor="bob")
    assert len(report.unchanged) == 4 and report.created == report.updated == []
    assert (t.tracker(store).items(), history_size(store)) == before  # extracted fields stay "extracted"


def test_imported_edit_is_user_curated_and_survives_sync(store: Store, tmp_path: Path) -> None:
    fill(store)
    vaccine = next(i for i in t.tracker(store).items() if i.name == "疫苗生产基地")
    path = tmp_path / "edit.csv"
    path.write_text(f"id,status,owner,amount_yuan\n{vaccine.id},在建,张三,\"15亿元\"\n", encoding="utf-8")
    report = import_items(store, path, actor="bob")
    assert report.updated == [vaccine.id]
    t.sync_from_facts(store)
    item = t.tracker(store).item(vaccine.id)
    assert (item.status, item.owner, item.amount) == ("在建", "张三", 1.5e9)
    assert item.name == vaccine.name and item.park == vaccine.park  # columns not in the file untouched
    last = t.tracker(store).history(vaccine.id)[-1]
    assert (last.actor, last.note) == ("bob", "imported (row 2)")


def test_rows_without_id_match_by_name_and_region(store: Store, tmp_path: Path) -> None:
    fill(store)
    n = t.tracker(store).count()
    path = tmp_path / "list.csv"
    path.write_text("list,name,region,status\n"
                    "重点项目建设清单,疫苗生产基地项目,德州市,在建\n"
                    "重点招商线索推进清单,某医疗器械项目,锦州市,线索\n", encoding="gb18030")  # Excel's Chinese CSV
    report = import_items(store, path)
    assert len(report.updated) == 1 and len(report.created) == 1
    assert t.tracker(store).count() == n + 1
    new = t.tracker(store).item(report.created[0])
    assert (new.kind, new.status) == ("lead", "线索")  # kind told from the list name


# --------------------------------------------------------------------------- bad imports


BAD_CSV = ("id,kind,list,name,region,amount_yuan,status,due\n"
           ",project,,好项目甲,德州市,3亿元,签约,2025-01-01\n"
           ",project,,坏项目一,德州市,三千万,签约,2025-01-01\n"
           ",widget,,坏项目二,德州市,100,开工,\n"
           ",project,,好项目乙,德州市,\"3,000万元\",在建,2025/3/1\n"
           ",project,,,德州市,5,干活,2025-13-01\n")


def test_import_with_three_bad_rows_names_each_and_imports_nothing(store: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    before = (t.tracker(store).count(), history_size(store))
    with pytest.raises(ImportFailed) as info:
        import_items(store, path)
    assert info.value.errors == [
        "row 3, field amount_yuan: '三千万' is not a number",
        "row 4, field kind: 'widget' is not a kind (project, lead, cluster)",
        "row 6, field name: is required",
        "row 6, field status: '干活' is not a status (线索、洽谈、签约、获批、开工、在建、竣工、投产、搁置、放弃)",
        "row 6, field due: '2025-13-01' is not a date (YYYY-MM-DD)",
    ]
    assert "nothing imported" in str(info.value)
    assert (t.tracker(store).count(), history_size(store)) == before  # the good rows were not stored either


def test_bad_xlsx_rows_are_named_too(store: Store, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["kind", "name", "amount_yuan", "due", "status"])
    ws.append(["project", "甲项目", 300000000, dt.datetime(2025, 6, 30), "签约"])
    ws.append(["project", "乙项目", -5, "明年", "开工"])
    ws.append([None, None, None, None, None])  # a blank row is skipped but still counted
    ws.append(["lead", "丙项目", "abc", None, None])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(ImportFailed) as info:
        import_items(store, path)
    assert info.value.errors == [
        "row 3, field amount_yuan: '-5' is negative",
        "row 3, field due: '明年' is not a date (YYYY-MM-DD)",
        "row 5, field amount_yuan: 'abc' is not a number",
    ]
    assert t.tracker(store).count() == 0


def test_forbidden_status_move_in_an_import_fails_unless_forced(store: Store, tmp_path: Path) -> None:
    item_id = t.add_item(store, kind="project", name="某项目", status="投产")
    other = t.add_item(store, kind="project", name="另一项目", status="签约")
    path = tmp_path / "moves.csv"
    path.write_text(f"id,status\n{other},开工\n{item_id},线索\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        import_items(store, path)
    assert info.value.errors == [
        "row 3, field status: 投产 → 线索 is not allowed (from 投产: nothing) (import with force to override)"]
    assert t.tracker(store).item(other).status == "签约"  # row 2 was fine, but nothing is stored
    import_items(store, path, force=True)
    assert t.tracker(store).item(item_id).status == "线索"


def test_duplicate_rows_unknown_columns_and_missing_facts(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("name,region,colour\n甲项目,德州市,red\n甲项目,德州,blue\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        import_items(store, path)
    assert info.value.errors == [
        "row 2, field kind: is required (and no list name it could be told from)",
        "row 3, field name: same name and region as row 2 (give each an id, or merge the rows)"]
    path.write_text("kind,name,source_fact_id,colour\nproject,甲项目,999,red\n", encoding="utf-8")
    report = import_items(store, path)
    assert report.warnings == [
        "row 1: column(s) colour not known, ignored (known: " + ", ".join(COLUMNS) + ")",
        "row 2, field source_fact_id: no fact 999 in this atlas; link not kept"]
    assert t.tracker(store).items()[0].source_fact_id is None


def test_unsupported_or_missing_files(store: Store, tmp_path: Path) -> None:
    with pytest.raises(t.TrackerError, match="use .csv or .xlsx"):
        import_items(store, tmp_path / "list.xls")
    with pytest.raises(t.TrackerError, match="no such file"):
        import_items(store, tmp_path / "none.csv")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(t.TrackerError, match="empty file"):
        import_items(store, tmp_path / "empty.csv")


# --------------------------------------------------------------------------- command line


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)


def test_tracker_commands_end_to_end(store: Store, tmp_path: Path) -> None:
    for doc in (dezhou(), qihe()):
        store.add_document(doc)
    db = tmp_path / "atlas.db"
    result = cli(db, "tracker", "sync", "--actor", "bot")
    assert result.exit_code == 0 and "2 items created" in result.output
    result = cli(db, "tracker", "add", "--kind", "lead", "--name", "某诊断试剂项目", "--region", "菏泽市",
                 "--amount", "3,000万元", "--actor", "alice")
    assert result.exit_code == 0 and "added item 3" in result.output
    result = cli(db, "tracker", "update", "1", "--status", "开工", "--owner", "张三", "--next-step", "协调用地",
                 "--note", "现场核实", "--actor", "alice")
    assert result.exit_code == 0 and "status 签约 → 开工" in result.output
    bad = cli(db, "tracker", "update", "1", "--status", "线索")
    assert bad.exit_code == 2 and "开工 → 线索 is not allowed" in bad.output and "--force" in bad.output
    listed = cli(db, "tracker", "list", "--region", "德州", "--kind", "project")
    assert listed.exit_code == 0 and "疫苗生产" in listed.output and "某诊断" not in listed.output
    assert "12亿元" in listed.output and "开工 ✎" in listed.output
    history = cli(db, "tracker", "history", "1")
    assert "alice" in history.output and "现场核实" in history.output and "bot" in history.output
    shown = cli(db, "tracker", "show", "1")
    assert "江苏中慧元通生物科技股份有限公司与德州市签约" in shown.output and "user" in shown.output
    out = tmp_path / "list.xlsx"
    assert "3 items" in cli(db, "tracker", "export", str(out)).output
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text(BAD_CSV, encoding="utf-8")
    failed = cli(db, "tracker", "import", str(bad_csv))
    assert failed.exit_code == 1
    assert "row 3, field amount_yuan: '三千万' is not a number" in failed.output
    assert "nothing imported" in failed.output
    assert t.tracker(store).count() == 3
    assert cli(db, "tracker", "statuses").exit_code == 0
    assert cli(db, "tracker", "history", "99").exit_code == 1


def test_fact_curation_commands_survive_reextraction(store: Store, tmp_path: Path) -> None:
    doc_id = store.add_document(dezhou())
    store.add_document(qihe())
    db = tmp_path / "atlas.db"
    project, investment = (list_facts(store, types=[k])[0] for k in ("project", "investment"))
    listed = cli(db, "facts", "list", "--type", "project")
    assert listed.exit_code == 0 and "疫苗生产基地项目" in listed.output
    assert "confirmed by alice" in cli(db, "facts", "confirm", str(project.id), "--actor", "alice").output
    result = cli(db, "facts", "correct", str(investment.id), "--set", "amount=5亿元", "--set", "status=开工",
                 "--actor", "bob")
    assert result.exit_code == 0, result.output
    store.replace_extraction(doc_id, dezhou())
    store.replace_extraction(store.document_id("h-qihe"), qihe())
    again = {f.type: f for f in list_facts(store, types=["project", "investment"])}
    assert again["project"].status == "confirmed"
    assert again["investment"].status == "corrected"
    assert again["investment"].args["amount"] == 5e8 and again["investment"].args["status"] == "开工"
    assert again["investment"].args["investor"] == "锦州奥鸿药业有限责任公司"  # other fields kept
    assert cli(db, "facts", "reject", "999").exit_code == 1
    assert cli(db, "facts", "correct", str(again["project"].id), "--set", "novalue").exit_code == 2
    cli(db, "tracker", "sync")
    item = next(i for i in t.tracker(store).items() if i.organization == "锦州奥鸿药业有限责任公司")
    assert (item.kind, item.status, item.amount) == ("project", "开工", 5e8)  # the correction made it a project
