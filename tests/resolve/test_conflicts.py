from __future__ import annotations

import pytest

from chainatlas.resolve.conflicts import Claim, agree, find_conflicts, metric_kind, normalise_period
from chainatlas.store import Store

from .conftest import document, metric


def claim(doc: int, value: float, kind: str = "count", unit: str | None = "家", period: str | None = "2023",
          qualifier: str | None = None, subject: str = "德州市", metric_name: str = "企业数量") -> Claim:
    return Claim(doc * 10, doc, f"doc {doc}", None, 1, subject, metric_name, period, value, unit, kind,
                 qualifier, f"sentence {doc}")


def test_money_tolerance_counts_exact_and_hedges() -> None:
    assert agree(claim(1, 1.2e9, "money", "CNY"), claim(2, 1.203e9, "money", "CNY"))  # 0.25 %
    assert not agree(claim(1, 1.2e9, "money", "CNY"), claim(2, 1.21e9, "money", "CNY"))  # 0.8 %
    assert not agree(claim(1, 40), claim(2, 41))
    assert agree(claim(1, 40, qualifier="余"), claim(2, 45))  # 40余家: at least 40
    assert not agree(claim(1, 40, qualifier="超"), claim(2, 38))
    assert agree(claim(1, 100, qualifier="约"), claim(2, 95))
    assert metric_kind({"unit": "元"}) == ("money", "CNY") == metric_kind({"currency": "CNY"})
    assert metric_kind({"unit": "%"}) == ("percent", "%") and metric_kind({"unit": "家"}) == ("count", "家")
    assert normalise_period("2023年") == "2023" == normalise_period(" 2023 ")
    assert normalise_period("2023年底") == normalise_period("2023年末") == "2023末"
    assert normalise_period(None) is None


def test_find_conflicts_keeps_both_values() -> None:
    found = find_conflicts([claim(1, 150), claim(2, 180, unit="enterprises"), claim(3, 150)])
    assert len(found) == 1
    c = found[0]
    assert [(g.value, g.documents) for g in c.values] == [(150, [1, 3]), (180, [2])]
    assert [x.sentence for x in c.claims] == ["sentence 1", "sentence 3", "sentence 2"]


@pytest.mark.parametrize("claims", [
    [claim(1, 150), claim(2, 150)],  # agree
    [claim(1, 150, period=None), claim(2, 180, period=None)],  # undated: may be different years
    [claim(1, 150, period="2022"), claim(2, 180, period="2023")],  # different periods
    [claim(1, 150), claim(1, 180)],  # one article, two figures: not two sources
    [claim(1, 1e8, "money", "CNY"), claim(2, 2e8, "money", "USD")],  # currencies not compared
    [claim(1, 150), Claim(20, 2, "d", None, 1, "德州市", "企业数量", "2023", 300, "家", "count", target=True)],
    [claim(1, 150), Claim(20, 2, "d", None, 2, "泰州市", "企业数量", "2023", 180, "家", "count")],  # other subject
])
def test_no_conflict(claims: list[Claim]) -> None:
    assert find_conflicts(claims) == []


def test_store_conflicts_by_canonical_subject(store: Store) -> None:
    t1 = "2023年德州市生物医药产业产值120亿元，企业150家。"
    t2 = "德州（Dezhou）去年生物医药产值达130亿元。"
    t3 = "德州市2023年生物医药产业产值约120亿元。"
    facts1 = [metric(t1, "德州市", "生物医药产业产值", 1.2e10, "CNY", "2023年", "2023年德州市生物医药产业产值120亿元")]
    d1 = document("f1", t1, [("region", "德州市", {"code": "371400"})], title="一", published="2024-01-01",
                  facts=facts1)
    d2 = document("f2", t2, [("region", "德州市", {"code": "371400"}, "德州", "Dezhou")], title="二",
                  published="2024-02-01",
                  facts=[metric(t2, "Dezhou", "生物医药产业产值", 1.3e10, "CNY", "2023", "德州（Dezhou）去年生物医药产值达130亿元")])
    d3 = document("f3", t3, [("region", "德州市", {"code": "371400"})], title="三", published="2024-03-01",
                  facts=[metric(t3, "德州市", "生物医药产业产值", 1.2e10, "CNY", "2023", t3, qualifier="约")])
    for d in (d1, d2, d3):
        store.add_document(d)
    found = store.conflicts()
    assert len(found) == 1
    c = found[0]
    assert c.subject == "德州市" and c.period == "2023" and c.kind == "money"
    assert [(g.value, [x.title for x in g.claims]) for g in c.values] == [(1.2e10, ["一", "三"]), (1.3e10, ["二"])]
    assert c.values[1].claims[0].sentence == "德州（Dezhou）去年生物医药产值达130亿元。"
    assert store.conflicts(region="德州市") and store.conflicts(region="菏泽市") == []
    fact_id = next(x.fact_id for x in c.claims if x.title == "二")
    store.decide_fact(fact_id, "rejected", actor="ana")
    assert store.conflicts() == []  # a rejected figure no longer disagrees
