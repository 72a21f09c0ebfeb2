"""The Python API (`chainatlas.open`) and the `chainatlas facts` listing."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

import chainatlas
from chainatlas.analyse.compare import Comparison
from chainatlas.analyse.gaps import GapReport
from chainatlas.analyse.profiles import FactItem, RegionProfile
from chainatlas.api import AmbiguousRegion, Atlas, RegionNotFound
from chainatlas.present.cli import app
from chainatlas.store import Store
from tests.analyse._atlas import ROOT, demo_atlas, hand_atlas

runner = CliRunner()


@pytest.fixture(scope="module")
def atlas():
    with chainatlas.open(hand_atlas()) as a:
        yield a


def test_open_gives_an_atlas(atlas):
    assert isinstance(atlas, Atlas) and chainatlas.Atlas is Atlas
    assert atlas.resolve("德州").code == "371400"
    assert [(r.name, n) for r, n in atlas.regions()] == [("德州市", 2), ("锦州市", 1), ("泰州市", 1)]  # ties by code


def test_import_chainatlas_stays_light():
    code = "import sys, chainatlas; assert 'chainatlas.store' not in sys.modules; print(chainatlas.open.__module__)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "chainatlas.api"


def test_results_are_dataclasses_and_frames(atlas):
    profile = atlas.region("德州市")
    assert isinstance(profile, RegionProfile) and dataclasses.is_dataclass(profile)
    assert isinstance(profile.to_frame(), pd.DataFrame) and len(profile.to_frame("segments")) == len(profile.segments)
    comp = atlas.compare(["德州市", "泰州市"])
    assert isinstance(comp, Comparison)
    frame = comp.to_frame()
    assert isinstance(frame, pd.DataFrame) and frame.loc["产业规模", "泰州市"] == 285_000_000_000
    report = atlas.gaps("德州市")
    assert isinstance(report, GapReport) and isinstance(report.to_frame(), pd.DataFrame)
    json.dumps(profile.to_dict(), ensure_ascii=False)
    json.dumps(comp.to_dict(), ensure_ascii=False)
    json.dumps(report.to_dict(), ensure_ascii=False)


def test_to_frame_without_pandas_says_what_to_install(atlas, monkeypatch):
    comp = atlas.compare(["德州市", "泰州市"])
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        comp.to_frame()


def test_errors_carry_candidates(atlas):
    with pytest.raises(AmbiguousRegion) as exc:
        atlas.region("朝阳区")
    assert len(exc.value.candidates) == 2
    with pytest.raises(RegionNotFound):
        atlas.search("疫苗", region="德洲市")  # never an empty list that reads as 'no hits'


def test_facts_with_sentences_rejected_only_on_request(atlas):
    items = atlas.facts(region="德州市")
    assert items and all(isinstance(f, FactItem) and f.citation.sentence for f in items)
    summaries = [f.summary for f in items]
    assert "产业规模 500亿元 (2023) — 德州市" in summaries
    assert not any(f.args.get("metric") == "营业收入" for f in items)
    rejected = atlas.facts(region="德州市", status="rejected")
    assert [f.args["metric"] for f in rejected] == ["营业收入"] and rejected[0].status == "rejected"
    only_roles = atlas.facts(type="role")
    assert {f.args["entity"] for f in only_roles} == {"德州康宁医疗器械有限公司", "江苏瑞科疫苗生物技术有限公司"}
    assert all("泰州" not in f.citation.sentence for f in items)


def test_search_and_entity(atlas):
    hits = atlas.search("疫苗", region="泰州")
    assert hits and all(h.title == "泰州疫苗产业" for h in hits)
    assert atlas.search("疫苗", region="德州市") == []
    view = atlas.entity("江苏瑞科疫苗生物技术有限公司")
    assert view is not None and view.mention_count == 3


def test_refresh_sees_new_documents(tmp_path):
    from tests.analyse._atlas import make_doc

    db = tmp_path / "a.db"
    with Store(db) as store, Atlas(store) as a:
        assert a.regions() == []
        store.add_document(make_doc("菏泽市生物医药产业园开园。", title="t", published="2024-01-01", source="x",
                                    regions=[("菏泽市", "371700")]))
        assert a.regions() == []  # the snapshot
        a.refresh()
        assert [r.name for r, _ in a.regions()] == ["菏泽市"]


def test_cli_facts_for_a_region_give_their_sentences():
    """The issue's done-criterion: `chainatlas facts --region 泰州市` lists facts with their sentences."""
    db = demo_atlas()
    result = runner.invoke(app, ["--db", db, "facts", "--region", "泰州市", "--format", "json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert items, "the demo atlas has facts about 泰州市"
    store = Store(db)
    try:
        for item in items:
            c = item["citation"]
            text = store.document(c["document_id"]).text
            assert c["sentence"] and c["sentence"] in text
    finally:
        store.close()
    table = runner.invoke(app, ["--db", db, "facts", "--region", "泰州市"])
    assert table.exit_code == 0 and items[0]["citation"]["sentence"][:10] in table.stdout


def test_cli_facts_filters_and_errors():
    result = runner.invoke(app, ["--db", hand_atlas(), "facts", "--type", "project", "-f", "json"])
    assert result.exit_code == 0
    assert {f["args"]["name"] for f in json.loads(result.stdout)} == {"德州康宁医疗器械产业园项目", "瑞科疫苗产业化项目"}
    result = runner.invoke(app, ["--db", hand_atlas(), "facts", "--region", "朝阳区"])
    assert result.exit_code == 1 and "did you mean" in result.output
