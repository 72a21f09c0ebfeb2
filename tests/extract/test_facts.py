"""Tests for the fact components (chainatlas.extract.facts).

Documents are built by hand (entities and quantities with correct offsets), so the fact
rules are tested on their own; the last test runs the whole pipeline on the development
set and checks precision / recall floors measured with the facts scorer.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from chainatlas.extract.facts import dates as fdates
from chainatlas.extract.facts.events import event_facts
from chainatlas.extract.facts.metrics import metric_facts
from chainatlas.extract.facts.products import product_facts
from chainatlas.extract.facts.projects import project_facts
from chainatlas.extract.facts.roles import role_facts
from chainatlas.extract.facts.score import score_facts
from chainatlas.model import Document, Entity, Quantity, Span

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- helpers


def _spans(text: str, form: str) -> list[Span]:
    out, i = [], text.find(form)
    while i >= 0:
        out.append(Span(i, i + len(form), form))
        i = text.find(form, i + len(form))
    return out


def make_doc(text: str, *, published: str | None = "2024-06-30", lang: str = "zh",
             regions: dict[str, list[str]] | None = None, parks: dict[str, list[str]] | None = None,
             orgs: dict[str, list[str]] | None = None,
             quantities: list[tuple[str, str, float, str | None]] | None = None) -> Document:
    """A document with hand-made entities (name → printed forms) and quantities
    (printed text, kind, value, unit or currency; placed at their first free occurrence)."""
    doc = Document(source="test.txt", text=text, published=published, lang=lang)
    taken: set[tuple[int, int]] = set()

    def mentions(forms: list[str]) -> list[Span]:
        ms = []
        for f in sorted(forms, key=len, reverse=True):
            for sp in _spans(text, f):
                if not any(a <= sp.start < b or a < sp.end <= b for a, b in taken):
                    ms.append(sp)
                    taken.add((sp.start, sp.end))
        return sorted(ms, key=lambda s: s.start)

    for type_, table in (("organization", orgs), ("park", parks), ("region", regions)):
        for name, forms in (table or {}).items():
            kind = "enterprise" if type_ == "organization" else None
            attrs = {"level": "prefecture"} if type_ == "region" else {}
            doc.entities.append(Entity(type_, name, kind=kind, mentions=mentions(forms or [name]), attrs=attrs))
    placed: list[tuple[int, int]] = []
    for printed, kind, value, unit in quantities or []:
        # the first occurrence not inside a quantity placed before ("6家" is not the end of "156家")
        sp = next(s for s in _spans(text, printed) if not any(a <= s.start < b or a < s.end <= b for a, b in placed)
                  and not (s.start > 0 and text[s.start - 1].isdigit()))
        placed.append((sp.start, sp.end))
        q = Quantity(kind, value, printed, sp.start, sp.end)
        if kind == "money":
            q.currency = unit or "CNY"
        elif kind == "count":
            q.unit = unit
        doc.quantities.append(q)
    return doc


def metrics_of(doc: Document) -> dict[tuple[str, float], dict[str, Any]]:
    return {(f.args["metric"], f.args["value"]): f.args for f in metric_facts(doc)}


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("expr, published, lang, date, precision", [
    ("10月21日", "2024-11-05", "zh", "2024-10-21", "day"),
    ("12月21日", "2024-09-24", "zh", "2023-12-21", "day"),  # > 1 month after publication: year before
    ("今年以来", "2025-12-19", "zh", "2025", "year"),
    ("去年", "2018-03-06", "zh", "2017", "year"),
    ("日前", "2023-03-31", "zh", "2023-03-31", "approximate"),
    ("不久前", "2023-03-31", "zh", "2023-03-31", "approximate"),
    ("2023年3月29日", None, "zh", "2023-03-29", "day"),
    ("三月二十九日", "2024-05-01", "zh", "2024-03-29", "day"),
    ("1-11月", "2025-12-19", "zh", "2025", "year"),
    ("on October 21", "2023-11-01", "en", "2023-10-21", "day"),
    ("Nov. 18, 2021", None, "en", "2021-11-18", "day"),
    ("last year", "2023-11-01", "en", "2022", "year"),
    ("recently", "2020-10-27", "en", "2020-10-27", "approximate"),
])
def test_resolve_dates(expr: str, published: str | None, lang: str, date: str, precision: str) -> None:
    r = fdates.resolve_date(expr, published, lang)
    assert r is not None and r["date"] == date and r["precision"] == precision


def test_relative_date_without_publication_keeps_text() -> None:
    r = fdates.resolve_date("10月21日", None)
    assert r == {"text": "10月21日", "date": None, "precision": None, "year": None, "kind": "partial"}


def test_date_words_inside_other_words_are_not_dates() -> None:
    ms = fdates.find_dates("目前年产值达10亿元,三年内建成,比上年增长", "2024-01-01")
    assert [m.text for m in ms if not m.base] == []


def test_same_day_takes_previous_date() -> None:
    ms = fdates.find_dates("2月19日,大会在兰州举行。当日,6个项目集中开工。", "2022-02-24")
    same = next(m for m in ms if m.text == "当日")
    assert same.date == "2022-02-19"


def test_dates_component_stores_meta() -> None:
    doc = make_doc("3月29日,论坛在锦州市举行。", published="2023-03-31")
    fdates.extract_dates(doc)
    assert doc.meta["dates"][0]["date"] == "2023-03-29"


# --------------------------------------------------------------------------- metrics


def test_output_value_growth_and_year() -> None:
    doc = make_doc("2023年,无锡市生物医药产业实现营业收入1560亿元,同比增长9.2%。",
                   regions={"无锡市": ["无锡市"]},
                   quantities=[("1560亿元", "money", 156e9, None), ("9.2%", "percent", 9.2, None)])
    m = metrics_of(doc)
    rev = m[("营业收入", 156000000000)]
    assert rev["subject"] == "无锡市" and rev["period"] == "2023" and rev["unit"] == "元"
    assert rev["quantity"]["text"] == "1560亿元"
    assert m[("增长率", 9.2)]["period"] == "2023"


def test_now_words_give_publication_year_and_specific_enterprise_counts() -> None:
    doc = make_doc("截至目前,成都高新区拥有规上企业156家,其中链主企业6家、关键企业21家。",
                   published="2024-05-01", parks={"成都高新区": ["成都高新区"]},
                   quantities=[("156家", "count", 156, "家"), ("6家", "count", 6, "家"), ("21家", "count", 21, "家")])
    m = metrics_of(doc)
    assert m[("规上企业数", 156)]["subject"] == "成都高新区"
    assert m[("规上企业数", 156)]["period"] == "2024"
    assert ("链主企业数", 6) in m and ("关键企业数", 21) in m


def test_hospital_bed_counts() -> None:
    doc = make_doc("全市拥有二级以上医疗机构48家、三甲医院7家,床位2.3万张。",
                   regions={"绵阳市": ["绵阳市"]}, published=None,
                   quantities=[("48家", "count", 48, "家"), ("7家", "count", 7, "家"), ("2.3万张", "count", 23000, "张")])
    m = metrics_of(doc)
    assert {k[0] for k in m} == {"二级以上医疗机构数", "三甲医院数", "床位数"}
    assert m[("床位数", 23000)]["period"] is None


def test_enterprise_count_noun_first_and_main_region_subject() -> None:
    doc = make_doc("烟台市近年来发展迅速。全市集聚生物医药企业超过300家。",
                   regions={"烟台市": ["烟台市"]}, quantities=[("超过300家", "count", 300, "家")])
    m = metrics_of(doc)
    assert m[("企业数量", 300)]["subject"] == "烟台市"


@pytest.mark.parametrize("text, quantities", [
    # a subset of a total
    ("全市医药企业300余家,其中制造企业33家、流通企业20家。",
     [("33家", "count", 33, "家"), ("20家", "count", 20, "家")]),
    # size classes, not figures
    ("年产值1亿元以上企业54个。", [("1亿元以上", "money", 1e8, None), ("54个", "count", 54, "个")]),
    ("营业收入超过10亿元的4家。", [("超过10亿元", "money", 1e9, None), ("4家", "count", 4, "家")]),
    # intensities
    ("对赌指标平均每亩投资500万元、产值1000万元。", [("500万元", "money", 5e6, None), ("1000万元", "money", 1e7, None)]),
    # participants, increments, levels
    ("10家生物医药重点企业参加签约。", [("10家", "count", 10, "家")]),
    ("新增规上企业4家。", [("4家", "count", 4, "家")]),
    ("良品率提升至99.8%。", [("99.8%", "percent", 99.8, None)]),
    # another industry
    ("在新能源汽车产业方面,累计落地企业20家。", [("20家", "count", 20, "家")]),
    # no wording for the figure at all
    ("其中401亿元来自光谷。", [("401亿元", "money", 4.01e10, None)]),
])
def test_metric_negatives(text: str, quantities: list[tuple[str, str, float, str | None]]) -> None:
    doc = make_doc(text, regions={"合肥市": ["合肥市"]}, quantities=quantities)
    assert metric_facts(doc) == []


def test_tax_is_not_revenue() -> None:
    doc = make_doc("园区企业税收收入5亿元。", quantities=[("5亿元", "money", 5e8, None)])
    assert [f.args["metric"] for f in metric_facts(doc)] == ["税收"]


def test_market_share_after_and_before() -> None:
    doc = make_doc("锦州九泰药业研发的产品占国内市场同类产品70%左右的份额。目前企业麻醉药品占国内市场份额59%。",
                   orgs={"锦州九泰药业": ["锦州九泰药业"]},
                   quantities=[("70%左右", "percent", 70, None), ("59%", "percent", 59, None)])
    m = metrics_of(doc)
    assert m[("市场占有率", 70)]["subject"] == "锦州九泰药业"
    assert ("市场占有率", 59) in m


def test_signed_projects_and_investment_metrics() -> None:
    doc = make_doc("本次对接会共有34个项目签约,投资额达105.16亿元。", regions={"锦州市": ["锦州市"]},
                   quantities=[("34个", "count", 34, "个"), ("105.16亿元", "money", 10516000000, None)])
    m = metrics_of(doc)
    assert ("签约项目数", 34) in m and ("投资额", 10516000000) in m


def test_target_year_and_park_anaphor() -> None:
    doc = make_doc("龙口东海生命科学产业园加快建设。力争到2028年,园区产值突破300亿元。", published="2024-03-31",
                   parks={"龙口东海生命科学产业园": ["龙口东海生命科学产业园"]},
                   quantities=[("300亿元", "money", 3e10, None)])
    f = metrics_of(doc)[("产值", 30000000000)]
    assert f["target"] is True and f["period"] == "2028" and f["subject"] == "龙口东海生命科学产业园"


def test_scale_after_amount() -> None:
    doc = make_doc("2025年广州生物医药产业有望实现万亿元规模。", regions={"广州市": ["广州"]},
                   quantities=[("万亿元", "money", 1e12, None)])
    f = metrics_of(doc)[("产业规模", 1000000000000)]
    assert f["period"] == "2025" and f["target"] is True and f["subject"] == "广州市"


def test_english_metrics_take_document_region_and_year() -> None:
    text = ("Dezhou aims to develop a significant industrial hub. By 2024, the industry chain has gathered "
            "108 enterprises and institutions, generating revenue of 18.026 billion yuan. It provides 17,000 beds.")
    doc = make_doc(text, lang="en", published="2025-10-09", regions={"德州市": ["Dezhou"]},
                   quantities=[("108 enterprises", "count", 108, "enterprises"),
                               ("18.026 billion yuan", "money", 18026000000, None),
                               ("17,000 beds", "count", 17000, "beds")])
    m = metrics_of(doc)
    assert m[("企业数量", 108)]["period"] == "2024" and m[("企业数量", 108)]["subject"] == "德州市"
    assert m[("营业收入", 18026000000)]["period"] == "2024"
    assert ("床位数", 17000) in m


def test_english_growth_subsets_and_tax() -> None:
    text = ("In 2015, the annual output value reached 24.1 billion yuan, up 18 percent from the previous year. "
            "The zone generated tax revenues of about 315 million yuan. "
            "There are currently 59 companies settling here, including 15 high-tech firms.")
    doc = make_doc(text, lang="en", regions={"哈尔滨市": ["Harbin"]},
                   quantities=[("24.1 billion yuan", "money", 24.1e9, None), ("18 percent", "percent", 18, None),
                               ("about 315 million yuan", "money", 315e6, None),
                               ("59 companies", "count", 59, "companies"),
                               ("15 high-tech firms", "count", 15, "firms")])
    m = metrics_of(doc)
    assert m[("产值", 24100000000)]["period"] == "2015"
    assert m[("增长率", 18)]["period"] == "2015"
    assert ("税收", 315000000) in m and ("营业收入", 315000000) not in m
    assert ("企业数量", 59) in m and ("高新技术企业数", 15) in m


@pytest.mark.parametrize("text, q", [
    ("After completion, they can attract more than 300 enterprises to settle in.",
     ("more than 300 enterprises", "count", 300, "enterprises")),
    ("Enterprises with individual annual sales of 20 million yuan ($3.1 million) or more grew.",
     ("20 million yuan", "money", 2e7, None)),
])
def test_english_metric_negatives(text: str, q: tuple[str, str, float, str | None]) -> None:
    assert metric_facts(make_doc(text, lang="en", quantities=[q])) == []


# --------------------------------------------------------------------------- projects


def _projects(doc: Document) -> dict[str, dict[str, Any]]:
    return {f.args["name"]: f.args for f in project_facts(doc) if f.type == "project"}


def test_project_in_park_goes_into_production() -> None:
    doc = make_doc("作为天衢新区重点平台,园区内的伯桢生物产业化北方基地项目现已顺利投产。",
                   orgs={"伯桢生物": ["伯桢生物"]}, regions={"天衢新区": ["天衢新区"]})
    p = _projects(doc)["伯桢生物产业化北方基地项目"]
    assert p["status"] == "投产" and p["investor"] == "伯桢生物" and p["region"] == "天衢新区"


def test_project_groundbreaking_with_anaphoric_amount_and_date() -> None:
    doc = make_doc("3月21日,百济神州生物药项目在广州市黄埔区破土动工,该项目总投资22亿元。", published="2019-03-25",
                   regions={"黄埔区": ["广州市黄埔区"]}, quantities=[("22亿元", "money", 2.2e9, None)])
    p = _projects(doc)["百济神州生物药项目"]
    assert p["status"] == "开工" and p["amount"] == 2200000000 and p["date"] == "2019-03-21"


def test_project_list_and_aggregate_signing() -> None:
    text = "10月21日,江苏研诺医药科技高端制剂、华诺泰带状疱疹疫苗、润方生物动物药等20个项目签约落户中国医药城。"
    doc = make_doc(text, published="2023-11-20", parks={"中国医药城": ["中国医药城"]},
                   orgs={"江苏研诺医药科技": ["江苏研诺医药科技"], "华诺泰": ["华诺泰"], "润方生物": ["润方生物"]},
                   quantities=[("20个", "count", 20, "个")])
    facts = project_facts(doc)
    names = {f.args["name"]: f.args for f in facts if f.type == "project"}
    assert set(names) == {"江苏研诺医药科技高端制剂", "华诺泰带状疱疹疫苗", "润方生物动物药"}
    assert all(a["status"] == "签约" and a["park"] == "中国医药城" for a in names.values())
    agg = [f.args for f in facts if f.type == "investment"]
    assert agg and agg[0]["count"] == 20 and agg[0]["status"] == "签约" and agg[0]["date"] == "2023-10-21"


def test_planned_project_with_amount_before_name() -> None:
    doc = make_doc("下步,全力推动总投资10亿元的石四药项目5月底前开工建设。",
                   quantities=[("10亿元", "money", 1e9, None)])
    p = _projects(doc)["石四药项目"]
    assert p["amount"] == 1000000000 and p["status"] == "开工" and p["planned"] is True


def test_aggregate_groundbreaking_with_total() -> None:
    doc = make_doc("此次集中开工23个项目,总投资约168亿元。", regions={"成都市": ["成都市"]},
                   quantities=[("23个", "count", 23, "个"), ("约168亿元", "money", 1.68e10, None)])
    agg = [f.args for f in project_facts(doc) if f.type == "investment"]
    assert agg == [agg[0]] and agg[0]["count"] == 23 and agg[0]["amount"] == 16800000000 and agg[0]["status"] == "开工"


def test_represented_list_is_planned() -> None:
    doc = make_doc("预计到2019年,以参天科瑞、博唯生物为代表的医药重点项目将陆续投产投用。")
    p = _projects(doc)
    assert set(p) == {"参天科瑞", "博唯生物"} and all(a["planned"] for a in p.values())


@pytest.mark.parametrize("text", [
    "重点生物医药项目加快推进,产业化项目陆续签约。",
    "让更多优质项目找到最适合创业的好空间,项目陆续投产。",
    "固定资产投资增速为10%(不含跨境项目)。",
    "2020年天府国际生物城项目招引攻坚行动正式启动。",
    "这11个重大项目全部竣工达产后预计年产值将超过400亿元。",
])
def test_project_negatives(text: str) -> None:
    doc = make_doc(text, quantities=[("11个", "count", 11, "个")] if "11个" in text else [])
    assert project_facts(doc) == []


def test_english_projects_of_list() -> None:
    text = ("Recently, the main body of the R&D building for the two major projects of the National Comprehensive "
            "New Drug R&D Platform and the National Innovative Drug Incubation Base has been capped.")
    doc = make_doc(text, lang="en", published="2020-10-27")
    p = _projects(doc)
    assert set(p) == {"National Comprehensive New Drug R&D Platform", "National Innovative Drug Incubation Base"}
    assert all(a["status"] == "在建" for a in p.values())


# --------------------------------------------------------------------------- roles


def _roles(doc: Document) -> set[tuple[str, str]]:
    return {(f.args["entity"], f.args["role"]) for f in role_facts(doc)}


def test_leading_enterprise_and_top100_with_scope() -> None:
    doc = make_doc("龙头企业锦州奥鸿药业跻身中国生物制药行业百强,获得授权专利37项。",
                   orgs={"锦州奥鸿药业": ["锦州奥鸿药业"]})
    facts = role_facts(doc)
    assert {(f.args["entity"], f.args["role"]) for f in facts} == {("锦州奥鸿药业", "龙头企业"), ("锦州奥鸿药业", "百强")}
    assert next(f for f in facts if f.args["role"] == "百强").args["scope"] == "中国生物制药行业"


def test_chain_leader_forms() -> None:
    doc = make_doc("该项目由医药及康养产业链链主企业——德州市医养健康有限公司开发建设。作为链主企业的山东沃森农业科技有限公司,主要种植铁皮石斛。",
                   orgs={"德州市医养健康有限公司": ["德州市医养健康有限公司"], "山东沃森农业科技有限公司": ["山东沃森农业科技有限公司"]})
    facts = role_facts(doc)
    assert _roles(doc) == {("德州市医养健康有限公司", "链主企业"), ("山东沃森农业科技有限公司", "链主企业")}
    assert facts[0].args["scope"] == "医药及康养产业链"


def test_role_list_before_and_little_giant() -> None:
    doc = make_doc("累计落地企业20家,包括裕同、大胜达等行业龙头企业。苏州泽璟成为国家级专精特新“小巨人”企业。",
                   orgs={"裕同": ["裕同"], "大胜达": ["大胜达"], "苏州泽璟": ["苏州泽璟"]})
    assert _roles(doc) == {("裕同", "龙头企业"), ("大胜达", "龙头企业"), ("苏州泽璟", "专精特新"), ("苏州泽璟", "小巨人")}


def test_role_negatives() -> None:
    doc = make_doc("龙头企业带动作用明显,百强县名单发布。泰州已落户扬子江药业、济川药业等1400多家中国百强与国际知名药企。",
                   orgs={"扬子江药业": ["扬子江药业"], "济川药业": ["济川药业"]})
    assert role_facts(doc) == []


def test_english_roles() -> None:
    doc = make_doc("The leading enterprises include Yunnan Baiyao and Kunming Pharmaceutical Co. "
                   "Shinva Medical, a leading medical device company, is based in Zibo.", lang="en",
                   orgs={"Yunnan Baiyao": [], "Kunming Pharmaceutical Co.": [], "Shinva Medical": []})
    assert _roles(doc) == {("Yunnan Baiyao", "龙头企业"), ("Kunming Pharmaceutical Co.", "龙头企业"), ("Shinva Medical", "龙头企业")}


# --------------------------------------------------------------------------- products


def test_named_vaccine_takes_claims_of_previous_sentence() -> None:
    text = ("不久前,“国内首款四价流感病毒亚单位疫苗正式上市”的消息刷屏网络。这款名为慧尔康欣的疫苗,"
            "由江苏中慧元通生物科技股份有限公司研发和生产,填补了我国四价亚单位流感疫苗领域的空白。")
    doc = make_doc(text, orgs={"江苏中慧元通生物科技股份有限公司": ["江苏中慧元通生物科技股份有限公司"]})
    facts = {f.args["product"]: f.args for f in product_facts(doc)}
    p = facts["慧尔康欣"]
    assert p["maker"] == "江苏中慧元通生物科技股份有限公司" and p["approval"] == "上市"
    assert set(p["claims"]) == {"国内首款", "填补空白"}
    assert "国内首款四价流感病毒亚单位疫苗" not in facts


def test_product_with_maker_and_approval() -> None:
    doc = make_doc("9月15日,越洋医药自主研发的左乙拉西坦缓释片获得国家药品监督管理局上市批准。",
                   orgs={"越洋医药": ["越洋医药"]})
    p = product_facts(doc)[0].args
    assert (p["product"], p["maker"], p["approval"]) == ("左乙拉西坦缓释片", "越洋医药", "上市批准")


def test_product_market_share_claim() -> None:
    doc = make_doc("锦州九泰药业研发的洗必泰系列原料药产品占国内市场同类产品70%左右的份额。",
                   orgs={"锦州九泰药业": ["锦州九泰药业"]}, quantities=[("70%左右", "percent", 70, None)])
    p = product_facts(doc)[0].args
    assert p["maker"] == "锦州九泰药业" and p["claim"] == "国内市场70%份额"


def test_product_negatives() -> None:
    doc = make_doc("长沙片区生物医药产业总产值30亿元,园区芯片企业集聚,一片繁荣。", quantities=[("30亿元", "money", 3e9, None)])
    assert product_facts(doc) == []


def test_english_products_with_claim() -> None:
    doc = make_doc("Notable products include fish oil and cefminox sodium, which hold the top global market share.", lang="en")
    got = {f.args["product"]: f.args["claim"] for f in product_facts(doc)}
    assert got == {"fish oil": "全球市场占有率第一", "cefminox sodium": "全球市场占有率第一"}


# --------------------------------------------------------------------------- events


def test_forum_with_date_and_region() -> None:
    doc = make_doc("3月29日,“2023辽宁·锦州医药健康产业协同创新发展论坛暨招商对接会”在锦州市举行。", published="2023-03-31",
                   regions={"锦州市": ["锦州市"]})
    e = event_facts(doc)[0].args
    assert (e["event"], e["date"], e["region"]) == ("论坛", "2023-03-29", "锦州市")
    assert e["name"] == "2023辽宁·锦州医药健康产业协同创新发展论坛暨招商对接会"


def test_opening_and_expo() -> None:
    text = "时隔一周多,北大医学部(泰州)医药健康产业创新中心正式启用。在10月22日落幕的第十四届泰州医博会上,中心启动创建。"
    doc = make_doc(text, published="2023-11-20", regions={"泰州市": ["泰州"]})
    got = {f.args["event"]: f.args for f in event_facts(doc)}
    assert got["启用"]["name"] == "北大医学部(泰州)医药健康产业创新中心"
    assert got["博览会"]["name"] == "第十四届泰州医博会" and got["博览会"]["date"] == "2023-10-22"


@pytest.mark.parametrize("text", [
    "落实全市生物医药创新发展大会精神,推动产业发展。",
    "未来将有更多高标准载体不断投入使用。",
    "大会现场,负责人作了交流推介报告。",
])
def test_event_negatives(text: str) -> None:
    assert event_facts(make_doc(text)) == []


def test_english_conference() -> None:
    doc = make_doc("The 2023 Shenzhen Global Investment Promotion Conference was held in Pingshan on Dec 6.",
                   lang="en", published="2023-12-08", regions={"坪山区": ["Pingshan"]})
    e = event_facts(doc)[0].args
    assert e["event"] == "大会" and e["date"] == "2023-12-06" and e["region"] == "坪山区"


# --------------------------------------------------------------------------- facts carry evidence


def test_every_fact_has_sentence_evidence_and_json_args() -> None:
    doc = make_doc("2023年,无锡市生物医药产业实现营业收入1560亿元。龙头企业药明康德跻身中国医药工业百强。",
                   regions={"无锡市": ["无锡市"]}, orgs={"药明康德": ["药明康德"]},
                   quantities=[("1560亿元", "money", 156e9, None)])
    facts = metric_facts(doc) + role_facts(doc)
    assert len(facts) == 3
    for f in facts:
        assert 0 <= f.start < f.end <= len(doc.text) and 0.0 <= f.confidence <= 1.0
        json.dumps(f.args, ensure_ascii=False)


# --------------------------------------------------------------------------- scorer and development set


def test_scorer_matches_value_name_and_project_names(tmp_path: Path) -> None:
    gold = {"doc": "a.txt", "metrics": [
        {"metric": "产值", "value": 47326000000, "unit": "元"},
        {"metric": "其他", "value": 5, "unit": "家"},
    ], "projects": [{"name": "景杰生物项目", "text": "景杰生物项目签约"}]}
    (tmp_path / "a.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    pred = {"source": "x/a.txt", "text": "“景杰生物项目”签约", "facts": [
        {"type": "metric", "metric": "产值", "value": 47300000000, "unit": "元", "currency": "CNY"},
        {"type": "metric", "metric": "企业数量", "value": 5, "unit": "家"},
        {"type": "metric", "metric": "增长率", "value": 8.7, "unit": "%"},
        {"type": "project", "name": "景杰生物项目", "start": 0, "end": 10},
    ]}
    res = score_facts([pred], tmp_path)
    assert res["metrics_strict"]["tp"] == 1 and res["metrics_lenient"]["tp"] == 2
    assert res["metrics_lenient"]["precision"] == round(2 / 3, 3)
    assert res["projects"]["precision"] == 1.0 and res["projects"]["recall"] == 1.0


def _pipeline_ready() -> bool:
    names = ("chainatlas.ingest", "chainatlas.extract.quantities", "chainatlas.extract.parks",
             "chainatlas.extract.organizations", "chainatlas.extract.regions")
    return all(importlib.util.find_spec(n) is not None for n in names)


needs_pipeline = pytest.mark.skipif(not _pipeline_ready(), reason="earlier extraction components not available")
DEV = ROOT / "examples" / "dev"


@pytest.fixture(scope="module")
def dev_docs() -> dict[str, Document]:
    """The development set and the sample articles through the whole pipeline, once."""
    from chainatlas.extract.pipeline import Pipeline
    from chainatlas.ingest import load_document

    pipe = Pipeline.default()
    paths = sorted((DEV / "docs").iterdir()) + sorted((ROOT / "examples" / "corpus" / "docs").iterdir())
    return {p.name: pipe(load_document(p)) for p in paths}


def _score_batch(dev_docs: dict[str, Document], prefixes: tuple[str, ...], tmp: Path) -> dict[str, Any]:
    """Scores on the gold files whose names start with one of prefixes."""
    golds = [g for g in sorted((DEV / "gold").glob("*.json")) if g.name.startswith(prefixes)]
    for g in golds:
        (tmp / g.name).write_text(g.read_text(encoding="utf-8"), encoding="utf-8")
    names = {json.loads(g.read_text(encoding="utf-8"))["doc"] for g in golds}
    res = score_facts([d for n, d in dev_docs.items() if n in names], tmp)
    print(json.dumps(res, ensure_ascii=False))
    return res


@needs_pipeline
def test_development_set_precision_recall(dev_docs: dict[str, Document], tmp_path: Path) -> None:
    """Floors on the first thirty development articles (files 1xx and 2xx).

    First round: metrics lenient P 0.77 / R 0.85 (strict P 0.64), projects P 0.82 / R 0.91.
    Second round: metrics lenient P 0.80 / R 0.86 (strict P 0.65), projects P 0.84 / R 0.91.
    The floors leave room for changes in the components the facts are built on (entities
    and quantities)."""
    res = _score_batch(dev_docs, ("1", "2"), tmp_path)
    assert res["metrics_lenient"]["precision"] >= 0.72
    assert res["metrics_lenient"]["recall"] >= 0.78
    assert res["metrics_strict"]["precision"] >= 0.58
    assert res["projects"]["precision"] >= 0.75
    assert res["projects"]["recall"] >= 0.82


@needs_pipeline
def test_unseen_batch_precision_recall(dev_docs: dict[str, Document], tmp_path: Path) -> None:
    """Floors on the fifteen articles added later (files 4xx), an honest record.

    Measured BEFORE any rule was tuned on them (the extractor of the first round):
    metrics lenient P 0.76 / R 0.56 (strict P 0.66 / R 0.49), projects P 0.50 / R 0.19.
    The floors below are those figures less a margin, so they hold for an extractor that
    never saw these articles. After the second round, which did look at them (English
    parity, lists of projects, talent and class-size rules): metrics lenient P 0.92 / R 0.84
    (strict P 0.69), projects P 0.94 / R 0.65."""
    res = _score_batch(dev_docs, ("4",), tmp_path)
    assert res["metrics_lenient"]["precision"] >= 0.70
    assert res["metrics_lenient"]["recall"] >= 0.50
    assert res["projects"]["precision"] >= 0.45
    assert res["projects"]["recall"] >= 0.15


_ANCHORS = ("quantity", "amount_quantity", "count_quantity", "name_span", "entity_mention", "role_span",
            "subject_mention", "maker_mention", "investor_mention")


@needs_pipeline
def test_evidence_covers_the_sentences_of_values_and_entities(dev_docs: dict[str, Document]) -> None:
    """Every fact's start/end covers the whole sentence of each number and name it was read
    from (what a user is shown as its evidence), over the development set and the samples."""
    from chainatlas.extract.facts.common import Context

    n = 0
    for name, doc in dev_docs.items():
        ctx = Context(doc)
        for f in doc.facts:
            assert 0 <= f.start < f.end <= len(doc.text), (name, f.type)
            for key in _ANCHORS:
                sp = f.args.get(key)
                if not sp:
                    continue
                a = ctx.sentence(sp["start"])
                b = ctx.sentence(max(sp["start"], sp["end"] - 1))
                assert f.start <= min(a[0], b[0]) and max(a[1], b[1]) <= f.end, (name, f.type, key, f.args)
                n += 1
    assert n > 300


@needs_pipeline
def test_english_samples_yield_facts(dev_docs: dict[str, Document]) -> None:
    """English articles get the same kinds of facts as Chinese ones (Heze, the summary)."""
    heze = dev_docs["002_226b122ceda63592.txt"].facts
    got = {(f.type, f.args.get("metric") or f.args.get("event") or f.args.get("status")) for f in heze}
    assert {("metric", "获批产品数"), ("project", "在建"), ("event", "启用")} <= got
    summary = {(f.args.get("metric"), f.args.get("value")) for f in dev_docs["000_92044ddbfa7a7d96.txt"].facts}
    assert {("企业数量", 108), ("营业收入", 18026000000), ("床位数", 17000)} <= summary


def test_data_files_hold_only_words() -> None:
    """YAML reads a bare no/on/yes as a boolean: every word in the fact data files is text."""
    from chainatlas.extract.facts.common import DATA

    def walk(v: Any, where: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                assert isinstance(k, str), f"{where}: key {k!r}"
                walk(x, f"{where}.{k}")
        elif isinstance(v, list):
            for x in v:
                assert not isinstance(x, bool) and x is not None, f"{where}: {x!r}"
                walk(x, where)

    import yaml

    for path in sorted(DATA.glob("facts_*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def test_components_survive_empty_and_odd_documents() -> None:
    from chainatlas.extract.facts import events, metrics, products, projects, roles

    for doc in (Document(source="e.txt", text=""),
                Document(source="x.txt", text="项目。。,,“”()", published="not a date"),
                Document(source="y.txt", text="Project project. - [1] The park.", lang="en", published="2020-02-30")):
        for step in (fdates.extract_dates, metrics.extract_metrics, projects.extract_projects,
                     roles.extract_roles, products.extract_products, events.extract_events):
            doc = step(doc)
        assert doc.facts == []


def test_project_amount_from_next_sentence_widens_evidence() -> None:
    text = "修正药业临沂产业园项目开工发布会在临沂经济技术开发区举行。该项目总投资30亿元,计划分三期开发。"
    doc = make_doc(text, published=None, orgs={"修正药业": ["修正药业"]},
                   parks={"临沂经济技术开发区": ["临沂经济技术开发区"]}, quantities=[("30亿元", "money", 3e9, None)])
    f = next(f for f in project_facts(doc) if f.type == "project")
    assert f.args["name"] == "修正药业临沂产业园项目" and f.args["status"] == "开工"
    assert f.args["amount"] == 3000000000 and f.args["investor"] == "修正药业"
    assert f.args["park"] == "临沂经济技术开发区" and (f.start, f.end) == (0, len(text))


# --------------------------------------------------------------------------- English parity
# (sentences written for cities outside the development set)


def test_english_approved_products_with_maker_and_claims() -> None:
    text = ("Hengrui Medicine's PD-1 inhibitor camrelizumab was approved for marketing by the National Medical "
            "Products Administration on May 31. Livzon obtained a drug registration certificate for its recombinant "
            "fusion protein vaccine, the first of its kind in China. 3SBio's recombinant human thrombopoietin "
            "injection is the largest product of its kind in Asia.")
    doc = make_doc(text, lang="en", orgs={"Hengrui Medicine": [], "Livzon": [], "3SBio": []})
    got = {f.args["product"]: f.args for f in product_facts(doc)}
    assert set(got) == {"PD-1 inhibitor camrelizumab", "recombinant fusion protein vaccine",
                        "recombinant human thrombopoietin injection"}
    assert (got["PD-1 inhibitor camrelizumab"]["maker"], got["PD-1 inhibitor camrelizumab"]["approval"]) == (
        "Hengrui Medicine", "获批上市")
    vaccine = got["recombinant fusion protein vaccine"]
    assert (vaccine["maker"], vaccine["approval"], vaccine["claim"]) == ("Livzon", "上市批准", "国内首款")
    assert got["recombinant human thrombopoietin injection"]["claim"] == "亚洲最大"


def test_english_maker_of_the_company_products_is_named_before() -> None:
    doc = make_doc("Zhejiang Huahai Pharmaceutical is based in Linhai. The company's sartan tablets hold a "
                   "second-to-none global market share.", lang="en", orgs={"Zhejiang Huahai Pharmaceutical": []})
    f = product_facts(doc)[0]
    assert (f.args["product"], f.args["maker"], f.args["claim"]) == (
        "sartan tablets", "Zhejiang Huahai Pharmaceutical", "全球市场占有率第一")
    assert f.start == 0  # the evidence holds the sentence that names the maker


@pytest.mark.parametrize("text", [
    "The park was approved as a provincial-level medicine science and technology park in 2012.",
    "Drug makers and medical device companies have settled in Luoyang.",
    "Eight new drugs were approved last year.",
])
def test_english_product_negatives(text: str) -> None:
    assert product_facts(make_doc(text, lang="en")) == []


def test_english_registered_products_are_a_count() -> None:
    text = ("Six new TCM health care products jointly developed by the Changde Biomedical Research Institute have "
            "been registered. Twelve medical devices were approved for marketing.")
    doc = make_doc(text, lang="en", regions={"常德市": ["Changde"]},
                   quantities=[("Six new TCM health care products", "count", 6, "products"),
                               ("Twelve medical devices", "count", 12, "devices")])
    m = metrics_of(doc)
    assert ("获批产品数", 6) in m and ("医疗器械注册证数", 12) in m


def test_english_projects_with_investment_status_and_investor() -> None:
    text = ("Zhejiang Medicine's vaccine project with a total investment of 3 billion yuan started construction in "
            "Shaoxing. A project with a total investment of 1.2 billion yuan, invested by Hisun Pharmaceutical, "
            "went into operation in Jiaxing. The Provincial Biomedical Demonstration Project for the Yangtze River "
            "Delta has been implemented at a faster pace.")
    doc = make_doc(text, lang="en", orgs={"Zhejiang Medicine": [], "Hisun Pharmaceutical": []},
                   regions={"绍兴市": ["Shaoxing"], "嘉兴市": ["Jiaxing"]},
                   quantities=[("3 billion yuan", "money", 3e9, None), ("1.2 billion yuan", "money", 1.2e9, None)])
    got = _projects(doc)
    a = got["Zhejiang Medicine vaccine project"]
    assert (a["investor"], a["amount"], a["status"], a["region"]) == ("Zhejiang Medicine", 3000000000, "开工", "绍兴市")
    b = got["Hisun Pharmaceutical project"]
    assert (b["amount"], b["status"], b["region"]) == (1200000000, "投产", "嘉兴市")
    assert got["Provincial Biomedical Demonstration Project for the Yangtze River Delta"]["status"] == "在建"
    # the amounts belong to the projects, not to the cities
    assert not [f for f in metric_facts(doc) if f.args["metric"] == "投资额"]


def test_english_roles_lists_listing_and_little_giants() -> None:
    text = ("Chain-leader enterprises such as Hengrui Medicine and Haosen Pharmaceutical anchor the cluster. "
            "Kanion, Chia Tai Tianqing and other leading enterprises have research centers here. "
            "Livzon was listed on the Shenzhen Stock Exchange in 1993. Boya Bio plans to be listed on the STAR Market. "
            "Jiangxi Jemincare is a specialized and sophisticated 'little giant' enterprise. "
            "Hansoh was recognized as a national high-tech enterprise.")
    names = ["Hengrui Medicine", "Haosen Pharmaceutical", "Kanion", "Chia Tai Tianqing", "Livzon", "Boya Bio",
             "Jiangxi Jemincare", "Hansoh"]
    doc = make_doc(text, lang="en", orgs={n: [] for n in names})
    assert _roles(doc) == {
        ("Hengrui Medicine", "链主企业"), ("Haosen Pharmaceutical", "链主企业"), ("Kanion", "龙头企业"),
        ("Chia Tai Tianqing", "龙头企业"), ("Livzon", "上市公司"), ("Jiangxi Jemincare", "专精特新"),
        ("Jiangxi Jemincare", "小巨人"), ("Hansoh", "高新技术企业")}


def test_english_events_openings_unveilings_and_signings() -> None:
    text = ("The Changde Biomedical Innovation Center was officially unveiled on March 3. "
            "The flexible intelligent manufacturing sharing platform completed and put into use in the city. "
            "Xinxiang Health Town in Henan, which opened to the public on Aug 1, is a hub. "
            "Luoyang High-tech Zone and Zhongyuan Pharma signed a strategic cooperation agreement on June 5.")
    doc = make_doc(text, lang="en", published="2024-09-10", parks={"Luoyang High-tech Zone": []},
                   orgs={"Zhongyuan Pharma": []})
    got = {f.args["event"]: f.args for f in event_facts(doc)}
    assert got["揭牌"]["name"] == "Changde Biomedical Innovation Center" and got["揭牌"]["date"] == "2024-03-03"
    assert got["启用"]["name"] == "flexible intelligent manufacturing sharing platform"
    assert got["开园"]["name"] == "Xinxiang Health Town" and got["开园"]["date"] == "2024-08-01"
    assert got["签约"]["name"] == "strategic cooperation agreement"
    assert got["签约"]["parties"] == ["Luoyang High-tech Zone", "Zhongyuan Pharma"]


def test_english_conference_named_by_its_purpose() -> None:
    doc = make_doc("A conference to promote the Hengyang Medical Device Industrial Park took place in Changsha on "
                   "Nov 23. The conference to promote the Hengyang Medical Device Industrial Park is held in Changsha.",
                   lang="en", published="2023-11-25", regions={"长沙市": ["Changsha"]})
    facts = event_facts(doc)
    assert len(facts) == 1
    assert facts[0].args["name"] == "conference to promote the Hengyang Medical Device Industrial Park"
    assert facts[0].args["date"] == "2023-11-23" and facts[0].args["region"] == "长沙市"


def test_english_metrics_respectively_profits_funds_and_signings() -> None:
    text = ("In 2023, the industry achieved an output value of 6.1 billion yuan, revenue of 5.2 billion yuan, and "
            "profits of 0.9 billion yuan, reflecting growth rates of 21.5 percent, 18.2 percent, and 40 percent, "
            "respectively. Jining has established a $50 million fund. Twelve enterprises, including Jinan Kanghe and "
            "Shandong Lukang, signed investment contracts with a total value reaching 4.3 billion yuan. The county "
            "signed agreements with Qufu Normal University and launched nine major projects.")
    doc = make_doc(text, lang="en", published="2024-03-01", regions={"济宁市": ["Jining"]},
                   orgs={"Qufu Normal University": [], "Jinan Kanghe": [], "Shandong Lukang": []},
                   quantities=[("6.1 billion yuan", "money", 6.1e9, None), ("5.2 billion yuan", "money", 5.2e9, None),
                               ("0.9 billion yuan", "money", 0.9e9, None), ("21.5 percent", "percent", 21.5, None),
                               ("18.2 percent", "percent", 18.2, None), ("40 percent", "percent", 40, None),
                               ("$50 million", "money", 5e7, "USD"), ("Twelve enterprises", "count", 12, "enterprises"),
                               ("4.3 billion yuan", "money", 4.3e9, None), ("nine major projects", "count", 9, "projects")])
    m = metrics_of(doc)
    assert m[("利润", 900000000)]["period"] == "2023"
    assert [m[("增长率", v)]["of"] for v in (21.5, 18.2, 40)] == ["产值", "营业收入", "利润"]
    assert m[("基金规模", 50000000)]["currency"] == "USD"
    assert ("签约项目数", 12) in m and ("企业数量", 12) not in m and ("投资额", 4300000000) in m
    assert not [k for k in m if k[1] == 9]  # launched, not signed
    assert m[("增长率", 21.5)]["subject"] == "济宁市"


def test_english_subject_is_not_an_object_after_with() -> None:
    doc = make_doc("Huaian has signed agreements with Nanjing University and built 40 pharmaceutical enterprises.",
                   lang="en", regions={"淮安市": ["Huaian"]}, orgs={"Nanjing University": []},
                   quantities=[("40 pharmaceutical enterprises", "count", 40, "enterprises")])
    assert metrics_of(doc)[("企业数量", 40)]["subject"] == "淮安市"


# --------------------------------------------------------------------------- precision, second round


@pytest.mark.parametrize("text, quantities", [
    # the status word counts the number after it: 35 new projects, 8 of them started
    ("一季度末,35个新建项目开工建设8个。", [("35个", "count", 35, "个"), ("8个", "count", 8, "个")]),
    # size classes of enterprises
    ("力争培育两家销售额超100亿元以及五家销售额超50亿元的龙头企业。",
     [("两家", "count", 2, "家"), ("超100亿元", "money", 1e10, None), ("五家", "count", 5, "家"),
      ("超50亿元", "money", 5e9, None)]),
    # enterprises invested by the top 100, not the top 100
    ("全球制药百强投资企业6家。", [("6家", "count", 6, "家")]),
    # a research team's members are not talent brought in
    ("目前30人的研发团队中包含15名博士。", [("30人", "count", 30, "人"), ("15名", "count", 15, "名")]),
    # a growth rate that does not say what grew
    ("全市生物医药产业继续保持增长,增长15%。", [("15%", "percent", 15, None)]),
    # a project's amount belongs to the project fact
    ("阿斯利康吸入气雾剂项目开工,该项目总投资22亿元。", [("22亿元", "money", 2.2e9, None)]),
])
def test_metric_negatives_second_round(text: str, quantities: list[tuple[str, str, float, str | None]]) -> None:
    doc = make_doc(text, regions={"无锡市": ["无锡市"]}, quantities=quantities)
    assert metric_facts(doc) == []


def test_growth_rates_say_what_grew() -> None:
    doc = make_doc("今年1至6月,连云港市医药产业实现产值、利润同比增长12.5%、20.3%。", published="2024-07-20",
                   regions={"连云港市": ["连云港市"]},
                   quantities=[("12.5%", "percent", 12.5, None), ("20.3%", "percent", 20.3, None)])
    m = metrics_of(doc)
    assert (m[("增长率", 12.5)]["of"], m[("增长率", 20.3)]["of"]) == ("产值", "利润")
    assert m[("增长率", 12.5)]["period"] == "2024"


def test_counts_second_round() -> None:
    text = ("珠海市集聚了以丽珠集团、联邦制药为代表的近百家生物医药企业。18家企业集中签约。"
            "2023年末全区累计获批注册二类医疗器械312个。园区引进博士15名。")
    doc = make_doc(text, regions={"珠海市": ["珠海市"]}, orgs={"丽珠集团": [], "联邦制药": []},
                   quantities=[("近百家", "count", 100, "家"), ("18家", "count", 18, "家"), ("312个", "count", 312, "个"),
                               ("15名", "count", 15, "名")])
    m = metrics_of(doc)
    assert ("企业数量", 100) in m and ("签约项目数", 18) in m and ("人才引进", 15) in m
    assert m[("医疗器械注册证数", 312)]["period"] == "2023"


def test_figure_restated_later_is_one_fact() -> None:
    text = "当日,保定高新区6个生物医药项目集中开工。集中开工的项目是甲项目、乙项目等6个生物医药项目。"
    doc = make_doc(text, parks={"保定高新区": ["保定高新区"]}, regions={"保定市": ["保定"]},
                   quantities=[("6个", "count", 6, "个"), ("6个", "count", 6, "个")])
    assert [f.args["subject"] for f in metric_facts(doc)] == ["保定高新区"]


def test_enterprise_anaphor_after_a_time_word() -> None:
    doc = make_doc("人福医药深耕麻醉领域。目前企业麻醉药品占国内市场份额59%。", orgs={"人福医药": ["人福医药"]},
                   regions={"宜昌市": ["宜昌市"]}, quantities=[("59%", "percent", 59, None)])
    f = metric_facts(doc)[0]
    assert f.args["subject"] == "人福医药" and f.start == 0  # evidence: the sentence naming it too


def test_project_status_from_next_clause_and_reached_before_planned() -> None:
    text = ("目前,园区提供配套工程的创客孵化区项目,已抓紧进行内部装修,将于10月底前交付使用;"
            "衡阳中健肝素钠提取项目,已完成加工车间主体工程建设。")
    doc = make_doc(text, orgs={"衡阳中健": ["衡阳中健"]})
    got = _projects(doc)
    assert got["创客孵化区项目"]["status"] == "在建" and not got["创客孵化区项目"].get("planned")
    assert got["衡阳中健肝素钠提取项目"]["status"] == "在建"


def test_project_list_without_count_has_no_shared_amount() -> None:
    text = "目前,先后签约落户恒瑞医药、豪森药业、康缘药业等项目总投资超过150亿元。"
    doc = make_doc(text, orgs={"恒瑞医药": [], "豪森药业": [], "康缘药业": []},
                   quantities=[("150亿元", "money", 1.5e10, None)])
    got = _projects(doc)
    assert set(got) == {"恒瑞医药", "豪森药业", "康缘药业"}
    assert all(a["status"] == "签约" and a["amount"] is None for a in got.values())


@pytest.mark.parametrize("text", [
    "今年以来,嘉兴生物医药产业领域项目签约落户消息不断。",
    "市委书记见证签约并宣布项目开工。",
    "按照九字方针加快生活配套项目落地实施。",
])
def test_project_negatives_second_round(text: str) -> None:
    doc = make_doc(text, regions={"嘉兴市": ["嘉兴"]})
    assert [f for f in project_facts(doc) if f.type == "project"] == []


def test_listed_companies_and_signing_events_in_chinese() -> None:
    text = ("2021年,康希诺生物在上交所科创板成功上市。百克生物拟在创业板上市。"
            "6月5日,位于泰州医药城的江苏瑞科生物与洛阳高新区管委会签署战略合作协议。")
    doc = make_doc(text, published="2024-06-10",
                   orgs={"康希诺生物": [], "百克生物": [], "江苏瑞科生物": [], "洛阳高新区管委会": []},
                   parks={"泰州医药城": []})
    assert _roles(doc) == {("康希诺生物", "上市公司")}
    ev = event_facts(doc)[0].args
    assert (ev["event"], ev["name"], ev["date"]) == ("签约", "战略合作协议", "2024-06-05")
    assert ev["parties"] == ["江苏瑞科生物", "洛阳高新区管委会"]


def test_counts_for_a_designation_take_its_metric() -> None:
    zh = make_doc("全市共有7家企业入选全国医药工业百强,另有5家企业入选国家级名单。", regions={"洛阳市": ["洛阳"]},
                  quantities=[("7家", "count", 7, "家"), ("5家", "count", 5, "家")])
    assert set(metrics_of(zh)) == {("百强企业数", 7)}
    en = make_doc("Seven medicine companies in Luoyang have been listed as national top 100 pharmaceutical companies.",
                  lang="en", regions={"洛阳市": ["Luoyang"]},
                  quantities=[("Seven medicine companies", "count", 7, "companies")])
    assert set(metrics_of(en)) == {("百强企业数", 7)}
