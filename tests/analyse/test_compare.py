"""Benchmarks side by side: normalised units, citations, conflicts, targets, and missing shown as missing."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from chainatlas.analyse.compare import compare
from chainatlas.analyse.profiles import AtlasIndex
from chainatlas.analyse.regions import RegionNotFound
from chainatlas.present.cli import app
from chainatlas.store import Store
from tests.analyse._atlas import demo_atlas, hand_atlas

runner = CliRunner()
CITIES = ["德州", "泰州市", "锦州市"]


@pytest.fixture(scope="module")
def hand() -> AtlasIndex:
    store = Store(hand_atlas())
    yield AtlasIndex(store)
    store.close()


@pytest.fixture(scope="module")
def comparison(hand):
    return compare(hand, CITIES)


def _row(comp, metric):
    return {c.region: c for c in next(r for r in comp.metrics if r.metric == metric).cells}


def test_columns_are_the_resolved_regions_with_document_counts(comparison):
    assert [(c.region.name, c.documents) for c in comparison.regions] == [("德州市", 2), ("泰州市", 1), ("锦州市", 1)]


def test_units_are_normalised_and_cited(comparison):
    row = _row(comparison, "产业规模")
    tz = row["泰州市"]
    assert (tz.value, tz.display, tz.period) == (285_000_000_000, "2,850亿元", "2023")  # given in 亿元
    assert tz.citation.sentence == "泰州市医药产业规模达2850亿元。" and tz.citation.title == "泰州疫苗产业"
    dz = row["德州市"]
    assert (dz.value, dz.display) == (50_000_000_000, "500亿元")  # given in 元


def test_conflict_is_flagged_with_the_other_value(comparison):
    dz = _row(comparison, "产业规模")["德州市"]
    assert dz.conflict and dz.alternatives == ["480亿元"] and dz.sources == 2


def test_target_only_is_shown_as_target(comparison):
    jz = _row(comparison, "产业规模")["锦州市"]
    assert jz.target and jz.display == "300亿元" and jz.period == "2025"


def test_missing_is_missing_never_zero(comparison):
    row = _row(comparison, "规上企业数")
    assert row["德州市"].value == 83  # the corrected value
    for city in ("泰州市", "锦州市"):
        assert row[city].missing and row[city].value is None and row[city].display == "—"
        assert row[city].citation is None
    assert "营业收入" not in [r.metric for r in comparison.metrics]  # its only fact was rejected


def test_asked_for_metric_without_any_value_is_a_row_of_dashes(hand):
    comp = compare(hand, CITIES, metrics=["床位数"])
    assert [c.display for c in comp.metrics[0].cells] == ["—", "—", "—"]


def test_segments_side_by_side(comparison):
    row = next(r for r in comparison.segments if r.id == "vaccines")
    cells = {c.region: c for c in row.cells}
    assert cells["德州市"].evidence == 0 and cells["德州市"].display == "—"
    assert cells["泰州市"].evidence == 4 and "江苏瑞科疫苗生物技术有限公司" in cells["泰州市"].enterprises
    assert cells["泰州市"].projects == ["瑞科疫苗产业化项目"]
    assert cells["锦州市"].evidence == 1


def test_frames_use_nan_for_missing(comparison):
    frame = comparison.to_frame()
    assert list(frame.columns) == ["德州市", "泰州市", "锦州市"]
    assert frame.loc["产业规模", "泰州市"] == 285_000_000_000
    assert math.isnan(frame.loc["规上企业数", "泰州市"])
    assert comparison.to_frame("display").loc["规上企业数", "锦州市"] == "—"
    cites = comparison.to_frame("citations")
    hit = cites[(cites.metric == "产业规模") & (cites.region == "泰州市")].iloc[0]
    assert hit.sentence == "泰州市医药产业规模达2850亿元。"
    assert comparison.to_frame("segments").loc["vaccines", "泰州市"] == 4


def test_unknown_region_in_a_comparison_raises(hand):
    with pytest.raises(RegionNotFound):
        compare(hand, ["德州市", "德洲市"])


def test_demo_compare_dezhou_taizhou():
    store = Store(demo_atlas())
    try:
        comp = compare(AtlasIndex(store), ["德州市", "泰州市"])
    finally:
        store.close()
    assert all(c.documents > 0 for c in comp.regions)
    for row in comp.metrics:
        for cell in row.cells:
            assert cell.missing == (cell.citation is None)
            if not cell.missing:
                assert cell.citation.sentence and cell.display != "—"


def test_cli_compare_json_and_table():
    result = runner.invoke(app, ["--db", hand_atlas(), "compare", *CITIES, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    cells = {c["region"]: c for c in next(r for r in data["metrics"] if r["metric"] == "规上企业数")["cells"]}
    assert cells["泰州市"]["missing"] is True and cells["泰州市"]["value"] is None
    assert cells["德州市"]["citation"]["sentence"] == "德州市规上企业38家。"
    table = runner.invoke(app, ["--db", hand_atlas(), "compare", *CITIES])
    assert table.exit_code == 0
    assert "2,850亿元" in table.stdout and "泰州市医药产业规模达2850亿元" in table.stdout


def test_cli_compare_unknown_region_exits_1():
    result = runner.invoke(app, ["--db", hand_atlas(), "compare", "德州市", "泰洲"])
    assert result.exit_code == 1 and "泰州市" in result.output
