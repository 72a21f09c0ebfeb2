"""Gaps and targets on an atlas where the answer is known: 德州 has no vaccine maker, 泰州 has
three sentences of 江苏瑞科 (a 龙头企业 with a 30亿元 project) and one of 泰州华兰, 锦州 one older one."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from chainatlas.analyse.gaps import gaps
from chainatlas.analyse.profiles import AtlasIndex
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
def report(hand):
    return gaps(hand, "德州")


def test_peers_are_the_other_cities(report):
    assert report.region.name == "德州市" and report.documents == 2
    assert sorted(p.name for p in report.peers) == ["泰州市", "锦州市"]


def test_vaccines_is_the_gap_and_the_most_specific_one_is_reported(report):
    ids = [g.segment.id for g in report.gaps]
    assert ids == ["vaccines"]  # not its parents biologics / pharmaceuticals
    s = report.gaps[0].segment
    assert (s.status, s.evidence, s.peer_median, s.active_peers) == ("absent", 0, 2.5, 2)
    assert [(p.region, p.evidence) for p in s.strong_peers] == [("泰州市", 4)]
    assert "peer median 2.5" in report.gaps[0].reason


def test_standings_cover_every_segment(report, hand):
    st = {s.id: s for s in report.standings}
    assert len(st) == len(hand.taxonomy.segments)
    assert st["medical_devices"].status != "absent" and st["medical_devices"].evidence == 2
    # a peer with one sentence is active but not strong (min_strong = 2)
    assert st["chemical_drugs"].strong_peers == []


def test_candidates_ranked_with_every_term_shown(report):
    cands = report.gaps[0].candidates
    assert [c.name for c in cands] == ["江苏瑞科疫苗生物技术有限公司", "泰州华兰疫苗有限公司", "锦州生物疫苗有限公司"]
    assert [c.rank for c in cands] == [1, 2, 3]
    top = cands[0]
    terms = {t.name: t for t in top.terms}
    assert list(terms) == ["evidence", "recency", "projects", "role"]
    assert terms["evidence"].points == 24.0 and "3 sentences" in terms["evidence"].reason
    assert terms["recency"].points == 20.0  # its newest sentence is the atlas's newest document
    assert terms["projects"].points == 18.6 and "30亿元" in terms["projects"].reason
    assert terms["role"].points == 15.0 and terms["role"].reason == "龙头企业"
    assert top.score == pytest.approx(sum(t.points for t in top.terms))
    assert top.regions == ["泰州市"] and top.roles == ["龙头企业"]
    assert [p.name for p in top.projects] == ["瑞科疫苗产业化项目"] and top.projects[0].amount_display == "30亿元"
    assert top.evidence and all("江苏瑞科" in c.sentence for c in top.evidence)
    assert "evidence 24/40" in top.reason
    # older evidence scores less recency: 锦州 (2023-03-31) after 泰州华兰 (2024-09-24)
    assert {t.name: t.points for t in cands[2].terms}["recency"] < {t.name: t.points for t in cands[1].terms}["recency"]


def test_own_enterprises_are_never_candidates(report):
    names = {c.name for g in report.gaps for c in g.candidates}
    assert not names & {"德州康宁医疗器械有限公司", "齐河华康药业有限公司"}


def test_named_peers_only(hand):
    # 锦州 alone has one vaccine sentence: not strong (min_strong 2), so no gap
    assert [g.segment.id for g in gaps(hand, "德州市", peers=["锦州市"]).gaps] == []
    assert [g.segment.id for g in gaps(hand, "德州市", peers=["泰州"]).gaps] == ["vaccines"]


def test_peers_must_be_of_the_same_level(hand):
    with pytest.raises(ValueError, match="one level"):
        gaps(hand, "德州市", peers=["齐河县"])


def test_a_weak_segment_is_a_gap(hand):
    # 锦州 against 泰州 in vaccines: 1 sentence < 0.5 × the peer median 4 → weak, 泰州 strong
    report = gaps(hand, "锦州市", peers=["泰州市"])
    gap = next(g for g in report.gaps if g.segment.id == "vaccines")
    assert gap.segment.status == "weak" and gap.segment.evidence == 1
    assert [c.name for c in gap.candidates][:2] == ["江苏瑞科疫苗生物技术有限公司", "泰州华兰疫苗有限公司"]


def test_candidates_frame(report):
    frame = report.to_frame()
    assert list(frame["enterprise"])[:1] == ["江苏瑞科疫苗生物技术有限公司"]
    assert {"evidence", "recency", "projects", "role", "score", "reason"} <= set(frame.columns)
    assert set(report.to_frame("standings")["status"]) <= {"absent", "weak", "present", "strong"}


def test_demo_gaps_of_dezhou():
    store = Store(demo_atlas())
    try:
        report = gaps(AtlasIndex(store), "德州市")
    finally:
        store.close()
    assert report.peers and report.gaps
    for g in report.gaps:
        assert g.segment.status in ("absent", "weak") and g.segment.strong_peers
        for c in g.candidates:
            assert "德州市" not in c.regions
            assert c.evidence and c.terms
        assert [c.score for c in g.candidates] == sorted((c.score for c in g.candidates), reverse=True)


def test_cli_gaps_json_and_table():
    result = runner.invoke(app, ["--db", hand_atlas(), "gaps", "德州", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    cand = data["gaps"][0]["candidates"][0]
    assert cand["name"] == "江苏瑞科疫苗生物技术有限公司" and "role 15/15" in cand["reason"]
    assert cand["evidence"][0]["sentence"] and "document_id" in cand["evidence"][0]
    table = runner.invoke(app, ["--db", hand_atlas(), "gaps", "德州"])
    assert table.exit_code == 0
    assert "疫苗" in table.stdout and "江苏瑞科疫苗生物技术有限公司" in table.stdout and "score" in table.stdout
