"""`chainatlas merge / split / decisions / show / conflicts` end to end, and decisions surviving
re-extraction and re-ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.present.cli import app
from chainatlas.store import Store

from .conftest import document, metric
from .test_store_resolution import docs

runner = CliRunner()


def cli(db: Path, *args: str) -> str:
    result = runner.invoke(app, ["--db", str(db), *args], env={"USER": "ana", "CHAINATLAS_ACTOR": ""})
    assert result.exit_code == 0, result.output
    return result.output


def snapshot(st: Store) -> set[tuple[str, tuple[tuple[str, int, int], ...]]]:
    """Organisations as (name, their mentions by document hash and offsets): ids play no part."""
    out = set()
    with st.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.name, d.content_hash, m.start, m.\"end\" FROM mentions m JOIN entities e ON e.id = m.entity_id "
            "JOIN documents d ON d.id = m.document_id WHERE e.type = 'organization'").all()
    by: dict[str, list[tuple[str, int, int]]] = {}
    for name, digest, start, end in rows:
        by.setdefault(name, []).append((digest, start, end))
    for name, ms in by.items():
        out.add((name, tuple(sorted(ms))))
    return out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "atlas.db"
    with Store(path) as st:
        for d in docs():
            st.add_document(d)
    return path


def test_merge_split_round_trip_survives_reextraction_and_reingest(db: Path) -> None:
    out = cli(db, "split", "锦州奥鸿药业有限责任公司", "奥鸿药业")
    assert "split 奥鸿药业 off 锦州奥鸿药业有限责任公司 (decision #1 by ana)" in out
    out = cli(db, "merge", "锦州奥鸿药业有限责任公司", "泰州奥鸿药业")
    assert "merged 泰州奥鸿药业 into 锦州奥鸿药业有限责任公司 (decision #2 by ana)" in out
    with Store(db) as st:
        before = snapshot(st)
        main = st.entity("锦州奥鸿药业有限责任公司")
        assert main is not None and {a.alias for a in main.aliases} >= {"泰州奥鸿药业", "锦州奥鸿药业", "奥鸿"}
        assert [a.source for a in main.aliases if a.alias == "泰州奥鸿药业"] == ["user"]
        alone = st.entity("奥鸿药业")
        assert alone is not None and alone.id != main.id and alone.mention_count == 1
    decisions = cli(db, "decisions")
    assert "奥鸿药业 ✂ 锦州奥鸿药业有限责任公司" in decisions and "泰州奥鸿药业 → 锦州奥鸿药业有限责任公司" in decisions
    assert "ana" in decisions
    shown = cli(db, "show", "泰州奥鸿药业")
    assert "锦州奥鸿药业有限责任公司" in shown and "why: user merge #2" in shown and "[4] 标题D" in shown

    with Store(db) as st:  # re-extraction: every document's output stored again
        for d in docs():
            st.replace_extraction(st.document_id(d.content_hash), d)  # type: ignore[arg-type]
        assert snapshot(st) == before
        for d in docs():  # re-ingest: documents removed and stored again, in another order too
            st.delete_document(st.document_id(d.content_hash))  # type: ignore[arg-type]
        assert st.stats().entities == {}
        for d in docs():
            st.add_document(d)
        assert snapshot(st) == before
        for d in docs():
            st.delete_document(st.document_id(d.content_hash))  # type: ignore[arg-type]
        for d in reversed(docs()):
            st.add_document(d)
        after = snapshot(st)
        assert ("奥鸿药业", (("doc-a", 0, 4),)) in after
        merged = next(ms for name, ms in after if ("doc-d", 0, 6) in ms)
        assert ("doc-c", 0, 12) in merged  # 泰州 still merged with the 锦州 company


def test_split_then_merge_back(db: Path) -> None:
    cli(db, "split", "锦州奥鸿药业有限责任公司", "奥鸿药业")
    cli(db, "merge", "锦州奥鸿药业有限责任公司", "奥鸿药业")
    with Store(db) as st:
        view = st.entity("奥鸿药业")
        assert view is not None and view.name == "锦州奥鸿药业有限责任公司"
        for d in docs():
            st.replace_extraction(st.document_id(d.content_hash), d)  # type: ignore[arg-type]
        assert st.entity("奥鸿药业").id == st.entity("锦州奥鸿药业").id  # type: ignore[union-attr]


def test_cli_errors_are_one_line(db: Path) -> None:
    result = runner.invoke(app, ["--db", str(db), "merge", "锦州奥鸿药业", "不存在的公司"])
    assert result.exit_code == 1 and "no entity named '不存在的公司'" in result.output
    result = runner.invoke(app, ["--db", str(db), "split", "锦州奥鸿药业", "华润三九"])
    assert result.exit_code == 1 and "is not a name of" in result.output
    result = runner.invoke(app, ["--db", str(db), "merge", "锦州奥鸿药业", "泰州市"])
    assert result.exit_code == 1 and "cannot merge a region" in result.output


def test_conflicts_command(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    t1 = "德州市生物医药企业达到150家。2023年全市生物医药产业产值120亿元。"
    t2 = "截至2023年，德州生物医药企业180家，产值120.3亿元。"
    d1 = document("m1", t1, [("region", "德州市", {"code": "371400"})], title="德州医药一", published="2024-01-02",
                  facts=[metric(t1, "德州市", "生物医药企业数量", 150, "家", "2023年", "德州市生物医药企业达到150家。"),
                         metric(t1, "德州市", "生物医药产业产值", 1.2e10, "CNY", "2023", "2023年全市生物医药产业产值120亿元。")])
    d2 = document("m2", t2, [("region", "德州市", {"code": "371400"}, "德州")], title="德州医药二",
                  published="2024-03-04",
                  facts=[metric(t2, "德州", "生物医药企业数量", 180, "家", "2023", "截至2023年，德州生物医药企业180家，"),
                         metric(t2, "德州", "生物医药产业产值", 1.203e10, "CNY", "2023年", "产值120.3亿元。")])
    with Store(db) as st:
        st.add_document(d1)
        st.add_document(d2)
    out = cli(db, "conflicts")
    assert "德州市 · 生物医药企业数量 · 2023" in out and "1 conflict(s)" in out
    assert "150 家" in out and "180 家" in out and "德州医药一" in out and "德州医药二" in out
    assert "德州市生物医药企业达到150家。" in out  # the sentence itself
    assert "产值" not in out.split("1 conflict(s)")[0].split("生物医药企业数量")[0]  # 0.25 % apart: no conflict
    assert "1 conflict(s)" in cli(db, "conflicts", "--region", "371400")
    assert "no conflicting metrics in 泰州市" in cli(db, "conflicts", "--region", "泰州市")
