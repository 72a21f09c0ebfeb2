"""Region resolution and city profiles: exact answers on the hand-made atlas, sanity on the demo corpus."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from chainatlas.analyse.profiles import AtlasIndex, build_profile, normalize_amount
from chainatlas.analyse.regions import AmbiguousRegion, RegionNotFound, RegionResolver
from chainatlas.present.cli import app
from chainatlas.store import Store
from tests.analyse._atlas import demo_atlas, hand_atlas

runner = CliRunner()


@pytest.fixture(scope="module")
def hand() -> AtlasIndex:
    store = Store(hand_atlas())
    yield AtlasIndex(store)
    store.close()


@pytest.fixture(scope="module")
def demo() -> AtlasIndex:
    store = Store(demo_atlas())
    yield AtlasIndex(store)
    store.close()


# ---------------------------------------------------------------------- resolution


@pytest.mark.parametrize("query", ["德州", "德州市", "Dezhou", "371400", " 德州市 "])
def test_short_english_and_code_forms_resolve(query):
    assert RegionResolver().resolve(query).name == "德州市"


def test_qualified_names_pick_one_homonym():
    r = RegionResolver()
    assert r.resolve("北京市朝阳区").code == "110105"
    assert r.resolve("吉林省吉林市").code == "220200"
    assert r.resolve("朝阳区 (吉林省, 220104)").code == "220104"  # as printed in our candidate lists


def test_ambiguous_name_raises_with_every_reading(hand):
    with pytest.raises(AmbiguousRegion) as exc:
        hand.resolve("朝阳区")
    assert {c.region.code for c in exc.value.candidates} == {"110105", "220104"}
    assert "did you mean" in str(exc.value)


def test_typo_raises_with_the_atlas_city_first(hand):
    with pytest.raises(RegionNotFound) as exc:
        hand.resolve("德洲市")
    assert not isinstance(exc.value, AmbiguousRegion)
    first = exc.value.candidates[0]
    assert first.region.name == "德州市" and first.documents == 2


def test_two_character_typo_still_gets_candidates(hand):
    with pytest.raises(RegionNotFound) as exc:
        hand.resolve("泰洲")
    assert "泰州市" in [c.region.name for c in exc.value.candidates]


def test_nonsense_raises_not_an_empty_profile(hand):
    with pytest.raises(RegionNotFound):
        build_profile(hand, "不存在的地方")


# ---------------------------------------------------------------------- profile on the hand atlas


def test_conflicting_values_of_one_period_are_both_shown(hand):
    p = build_profile(hand, "德州")
    series = next(s for s in p.metrics if s.metric == "产业规模")
    assert series.subject == "德州市" and series.subject_type == "region"
    point = series.points[0]
    assert point.period == "2023" and point.conflict
    assert [v.display for v in point.values] == ["500亿元", "480亿元"]  # the more confident first
    assert [v.value for v in point.values] == [50_000_000_000, 48_000_000_000]


def test_every_value_is_cited_with_document_and_sentence(hand):
    p = build_profile(hand, "德州市")
    v = next(s for s in p.metrics if s.metric == "产业规模").points[0].values[0]
    c = v.citations[0]
    assert c.sentence == "德州市医药产业规模达500亿元。"
    assert (c.title, c.published, c.source) == ("德州医药产业观察", "2024-03-10", "hand/dezhou-a.txt")
    assert c.fact_id is not None


def test_rejected_fact_is_gone_and_corrected_fact_shows_the_correction(hand):
    p = build_profile(hand, "德州市")
    metrics = {s.metric: s for s in p.metrics}
    assert "营业收入" not in metrics  # rejected by a person
    v = metrics["规上企业数"].points[0].values[0]
    assert (v.value, v.display, v.status) == (83, "83家", "corrected")


def test_money_in_yi_yuan_is_normalised_to_yuan(hand):
    p = build_profile(hand, "泰州市")
    v = next(s for s in p.metrics if s.metric == "产业规模").points[0].values[0]
    assert v.value == 285_000_000_000 and v.display == "2,850亿元" and v.currency == "CNY"


@pytest.mark.parametrize(("value", "unit", "currency", "expected"), [
    (3, "亿元", None, (300_000_000, "3亿元")),
    (5000, "万元", None, (50_000_000, "0.5亿元")),
    (18_026_000_000, "元", "CNY", (18_026_000_000, "180.26亿元")),
    (2, "亿美元", None, (200_000_000, "2亿美元")),
    (45, "家", None, (45, "45家")),
    (23.1, "%", None, (23.1, "23.1%")),
])
def test_normalize_amount(value, unit, currency, expected):
    a = normalize_amount(value, unit, currency)
    assert (a.value, a.display) == expected


def test_target_is_marked_and_not_taken_for_an_actual_figure(hand):
    p = build_profile(hand, "锦州市")
    v = next(s for s in p.metrics if s.metric == "产业规模").points[0].values[0]
    assert v.target and v.display == "300亿元"


def test_leaders_projects_and_statuses(hand):
    p = build_profile(hand, "德州市")
    assert [(x.entity, x.roles) for x in p.leaders] == [("德州康宁医疗器械有限公司", ["链主企业"])]
    assert [(x.name, x.amount, x.status) for x in p.projects] == [("德州康宁医疗器械产业园项目", 2_000_000_000, "开工")]
    assert [(s.status, s.projects, s.amount_display) for s in p.projects_by_status] == [("开工", 1, "20亿元")]
    assert "medical_devices" in p.projects[0].segments


def test_counties_roll_up_into_the_city(hand):
    p = build_profile(hand, "德州市")
    assert {e.name for e in p.enterprises} == {"德州康宁医疗器械有限公司", "齐河华康药业有限公司"}
    assert [(s.name, s.documents) for s in p.subregions] == [("齐河县", 1)]
    county = build_profile(hand, "齐河县")
    assert [e.name for e in county.enterprises] == ["齐河华康药业有限公司"]


def test_every_segment_is_listed_and_absent_ones_say_so(hand):
    from chainatlas.analyse.taxonomy import load_taxonomy

    p = build_profile(hand, "德州市")
    assert [s.id for s in p.segments] == [s.id for segs in load_taxonomy().by_stage().values() for s in segs]
    seg = {s.id: s for s in p.segments}
    assert seg["medical_devices"].present and "德州康宁医疗器械有限公司" in seg["medical_devices"].enterprises
    assert seg["medical_devices"].projects == ["德州康宁医疗器械产业园项目"]
    assert seg["medical_devices"].citations[0].sentence
    assert not seg["vaccines"].present and seg["vaccines"].total == 0 and seg["vaccines"].citations == []
    # a parent counts what its sub-segments have
    assert seg["pharmaceuticals"].total >= seg["chemical_drugs"].total == 1


def test_other_cities_facts_stay_out(hand):
    p = build_profile(hand, "德州市")
    subjects = {s.subject for s in p.metrics}
    assert subjects == {"德州市"}
    assert all("泰州" not in d.title for d in p.documents)
    assert [d.published for d in p.documents] == ["2024-06-01", "2024-03-10"]  # newest first


def test_known_region_without_documents_is_flagged_not_silent(hand):
    p = build_profile(hand, "海淀区")
    assert not p.in_atlas and p.documents_count == 0 and p.metrics == []


# ---------------------------------------------------------------------- demo corpus


def test_demo_profile_of_taizhou(demo):
    p = build_profile(demo, "泰州市")
    assert p.in_atlas and p.documents
    seg = {s.id: s for s in p.segments}
    assert seg["vaccines"].present
    assert any("中慧元通" in e for e in seg["vaccines"].enterprises)
    assert any(not s.present for s in p.segments)
    assert any(pk.name == "中国医药城" for pk in p.parks)


def test_demo_profile_keeps_other_cities_out(demo):
    p = build_profile(demo, "德州市")
    names = {e.name for e in p.enterprises}
    assert not any(n.startswith(("锦州", "泰州")) for n in names)


# ---------------------------------------------------------------------- command line


def test_cli_region_json_cites_every_value():
    result = runner.invoke(app, ["--db", hand_atlas(), "region", "德州", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["region"]["name"] == "德州市" and data["in_atlas"]
    for series in data["metrics"]:
        for point in series["points"]:
            for value in point["values"]:
                for c in value["citations"]:
                    assert {"document_id", "title", "published", "source", "sentence"} <= set(c)
                    assert c["sentence"]
    seg = {s["id"]: s for s in data["segments"]}
    assert seg["vaccines"]["present"] is False


def test_cli_region_table_shows_sentences():
    result = runner.invoke(app, ["--db", hand_atlas(), "region", "德州市"])
    assert result.exit_code == 0, result.output
    assert "德州市医药产业规模达500亿元" in result.stdout
    assert "conflict" in result.stdout and "absent" in result.stdout


@pytest.mark.parametrize(("query", "expected"), [("朝阳区", "110105"), ("德洲市", "德州市")])
def test_cli_unknown_or_ambiguous_region_prints_candidates_and_exits_1(query, expected):
    result = runner.invoke(app, ["--db", hand_atlas(), "region", query])
    assert result.exit_code == 1
    assert "did you mean" in result.output and expected in result.output


def test_cli_region_json_error_lists_candidates():
    result = runner.invoke(app, ["--db", hand_atlas(), "region", "朝阳区", "-f", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ambiguous"] and {c["code"] for c in data["candidates"]} == {"110105", "220104"}


def test_cli_region_without_documents_exits_1():
    result = runner.invoke(app, ["--db", hand_atlas(), "region", "海淀区"])
    assert result.exit_code == 1 and "no document" in result.output
