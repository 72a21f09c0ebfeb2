"""The command line end to end on the sample corpus: ingest, re-ingest, overview, search, show, extract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.present import cli
from chainatlas.present.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DOCS = ROOT / "examples" / "corpus" / "docs"
CITIES = ("德州市", "菏泽市", "锦州市", "泰州市")

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Tables as a person sees them in a wide terminal (the test runner has no terminal)."""
    monkeypatch.setattr(cli.out, "width", 200)


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def atlas(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("atlas") / "atlas.db"
    result = run("--db", str(db), "ingest", str(SAMPLE_DOCS))
    assert result.exit_code == 0, result.output
    return db


def test_ingest_summary_counts_new(atlas):
    # the module fixture ingested once; a second run changes nothing
    result = run("--db", str(atlas), "ingest", str(SAMPLE_DOCS))
    assert result.exit_code == 0, result.output
    assert "0 new" in result.output and "5 unchanged" in result.output


def test_regions_overview_names_the_four_cities(atlas):
    result = run("--db", str(atlas), "regions")
    assert result.exit_code == 0
    for city in CITIES:
        assert city in result.output
    assert "奥鸿药业" in result.output or "锦州奥鸿药业" in result.output


@pytest.mark.parametrize("word", ["德州", "疫苗", "中慧元通", "Heze"])
def test_search_finds_short_words_and_subwords(atlas, word):
    result = run("--db", str(atlas), "search", word)
    assert result.exit_code == 0
    assert "no passage matches" not in result.output
    assert word in result.output


def test_search_region_filter(atlas):
    hit = run("--db", str(atlas), "search", "疫苗", "--region", "泰州市")
    miss = run("--db", str(atlas), "search", "疫苗", "--region", "锦州市")
    assert "no passage matches" not in hit.output
    assert "no passage matches" in miss.output


def test_show_entity_with_sentences(atlas):
    result = run("--db", str(atlas), "show", "江苏中慧元通生物科技股份有限公司")
    assert result.exit_code == 0, result.output
    assert "慧尔康欣" in result.output  # the sentence the mention comes from


def test_show_unknown_entity_exits_1(atlas):
    result = run("--db", str(atlas), "show", "不存在的公司名称")
    assert result.exit_code == 1


def test_extract_prints_the_contract(tmp_path):
    result = runner.invoke(app, ["extract", "--format", "jsonl", str(SAMPLE_DOCS)])
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert len(lines) == 5
    for rec in lines:
        assert {"source", "title", "published", "lang", "text", "entities", "quantities", "facts"} <= rec.keys()
        for q in rec["quantities"]:
            assert rec["text"][q["start"]:q["end"]] == q["text"]
        for e in rec["entities"]:
            for m in e["mentions"]:
                assert 0 <= m["start"] < m["end"] <= len(rec["text"])
        regions = [e for e in rec["entities"] if e["type"] == "region"]
        assert all(e.get("code") for e in regions if e["name"].endswith(("市", "省", "县")))


def test_bad_input_one_line_each_and_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_DOCS / "003_f4725f14a15ba77d.txt", folder / "good.txt")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "truncated.txt").write_bytes("锦州市生物医药产业".encode()[:-1] + b"\xff\xfe\x00")
    db = tmp_path / "a.db"
    first = run("--db", str(db), "ingest", str(SAMPLE_DOCS / "004_8809694e300b3524.txt"))
    assert first.exit_code == 0
    result = run("--db", str(db), "ingest", str(folder))
    assert result.exit_code == 1
    for name in ("binary.txt", "empty.txt"):
        lines = [ln for ln in result.output.splitlines() if name in ln]
        assert lines, result.output
    assert "1 new" in result.output
    # what was stored before is still there, and the good file of the bad batch too
    overview = run("--db", str(db), "regions").output
    assert "泰州市" in overview and "锦州市" in overview


def test_eval_prints_the_scorer_table():
    result = run("eval", "--gold", str(ROOT / "examples/corpus/gold"), "--docs", str(SAMPLE_DOCS))
    assert result.exit_code == 0
    assert "organizations" in result.output and "macro F1" in result.output
