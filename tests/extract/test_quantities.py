"""Tests for the quantities component: one case per rule, both ways, plus whole sentences
from other cities and the five sample articles scored the way the project scorer does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainatlas.extract import numbers as nb
from chainatlas.extract.pipeline import registry
from chainatlas.extract.quantities import extract_quantities, find_quantities
from chainatlas.model import Document, Quantity

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"


def kinds(text: str, kind: str) -> list[Quantity]:
    return [q for q in find_quantities(text) if q.kind == kind]


def one(text: str, kind: str) -> Quantity:
    found = kinds(text, kind)
    assert len(found) == 1, f"expected one {kind} in {text!r}, got {found}"
    return found[0]


# --------------------------------------------------------------------------- money

MONEY = [
    ("投资额达105.16亿元。", 10516000000, "CNY"),
    ("基地总投资3亿元，建筑面积1万平方米。", 300000000, "CNY"),
    ("重点在建项目21个、总投资170亿元。", 17000000000, "CNY"),
    ("该项目总投资三亿元。", 300000000, "CNY"),
    ("计划投资十二亿元建设新院区。", 1200000000, "CNY"),
    ("两千万元用于研发。", 20000000, "CNY"),
    ("全市经济总量达到1.5万亿元。", 1500000000000, "CNY"),
    ("项目投资5千万元。", 50000000, "CNY"),
    ("年销售收入3000万元人民币。", 30000000, "CNY"),
    ("人均可支配收入5.2万元。", 52000, "CNY"),
    ("人民币5000万的专项资金。", 50000000, "CNY"),
    ("获得2亿美元融资。", 200000000, "USD"),
    ("引进外资5000万欧元。", 50000000, "EUR"),
    ("在香港募资30亿港元。", 3000000000, "HKD"),
    ("实现营业收入1亿2000万元。", 120000000, "CNY"),
    ("培育生物医药超百亿产业链。", 10000000000, "CNY"),
    ("培育百亿级企业。", 10000000000, "CNY"),
    ("打造千亿级产业集群。", 100000000000, "CNY"),
    ("广西首个2000亿元级产业园。", 200000000000, "CNY"),
    ("力争产值突破3000亿。", 300000000000, "CNY"),
    ("近百亿元的投资。", 10000000000, "CNY"),
    ("generating revenue of 18.026 billion yuan [1]", 18026000000, "CNY"),
    ("with total investment of RMB 5 million", 5000000, "CNY"),
    ("a fund of RMB5 million", 5000000, "CNY"),
    ("about 500 million yuan was invested", 500000000, "CNY"),
    ("raised $1.2 billion last year", 1200000000, "USD"),
    ("a US$30 million Series B round", 30000000, "USD"),
    ("a grant of USD 2 million", 2000000, "USD"),
    ("a 1.5 trillion yuan health industry", 1500000000000, "CNY"),
    ("a 10-billion-yuan fund", 10000000000, "CNY"),
    ("HK$2 billion in new shares", 2000000000, "HKD"),
    ("a €5 million grant", 5000000, "EUR"),
    ("5 million euros from the EU", 5000000, "EUR"),
    ("300 million US dollars of exports", 300000000, "USD"),
    ("a $5m seed round", 5000000, "USD"),
]


@pytest.mark.parametrize(("text", "value", "currency"), MONEY)
def test_money(text: str, value: int, currency: str) -> None:
    q = one(text, "money")
    assert q.value == value
    assert isinstance(q.value, int)
    assert q.currency == currency
    assert q.unit is None


MONEY_NONE = [
    "城乡二元结构逐步改善。",  # 二元 is not two yuan
    "5月1日元旦假期。",  # 日元 after a date
    "万元GDP能耗下降。",  # 万元 as a unit of account
    "每万元产值能耗。",  # a rate
    "几百万元资金到位。",  # vague
    "数十亿元投资。",
    "百万量级标准数据。",  # not 亿-scale, not money
    "人口14亿。",  # bare 亿 without a money context
    "2 billion people worldwide",
]


@pytest.mark.parametrize("text", MONEY_NONE)
def test_not_money(text: str) -> None:
    assert kinds(text, "money") == []


def test_money_range_takes_lower_bound() -> None:
    q = one("该基金规模为10-15亿元。", "money")
    assert (q.value, q.text, q.qualifier) == (1000000000, "10-15亿元", "range:1500000000")
    q = one("研发投入约3000万—5000万元。", "money")
    assert (q.value, q.qualifier) == (30000000, "约 range:50000000")
    q = one("with 10 to 15 billion yuan expected", "money")
    assert (q.value, q.qualifier) == (10000000000, "range:15000000000")
    q = one("预计投资三至五亿元。", "money")
    assert (q.value, q.qualifier) == (300000000, "range:500000000")


# --------------------------------------------------------------------------- counts

COUNTS = [
    ("来自省内外127家医药健康知名企业的代表", 127, "家"),
    ("8家高校及科研院所的24位学术精英", 8, "家"),
    ("8家高校及科研院所的24位学术精英", 24, "位"),
    ("本次对接会共有34个项目签约", 34, "个"),
    ("获得授权专利37项。", 37, "项"),
    ("将建立专家工作室70个，", 70, "个"),
    ("拟引进医疗卫生人才约500名。", 500, "名"),
    ("国家基本药物批准文号113个，", 113, "个"),
    ("拥有三甲医院5家、", 5, "家"),
    ("二级以上医疗机构60家，", 60, "家"),
    ("规上企业83家，", 83, "家"),
    ("构建了五大优势板块。", 5, "大"),
    ("以两大产业主线为运营方向", 2, "大"),
    ("锦州市还拥有十余家规模药企", 10, "家"),
    ("已落户1400多家知名药企", 1400, "家"),
    ("年就医患者可达500万人次，", 5000000, "人次"),
    ("近30个重点项目", 30, "个"),
    ("建设4条产业链。", 4, "条"),
    ("全省共有公立医院300所。", 300, "所"),
    ("开放床位1.2万张。", 12000, "张"),
    ("新建标准厂房12座。", 12, "座"),
    ("购置大型设备80台。", 80, "台"),
    ("上市创新药8款。", 8, "款"),
    ("保存药用植物2000余种。", 2000, "种"),
    ("受理投诉举报120件。", 120, "件"),
    ("第二批共6批次抽检。", 6, "批次"),
    ("分3批次集中签约", 3, "批次"),
    ("共有两批企业入选。", 2, "批"),
    ("吸纳就业2000人。", 2000, "人"),
    ("完成手术3万余台，", 30000, "台"),
    ("累计完成试验1200例。", 1200, "例"),
    ("举办招商推介会3场，", 3, "场"),
    ("带动农户3万余户增收。", 30000, "户"),
    ("园区已入驻企业百余家。", 100, "家"),
    ("近千家药企", 1000, "家"),
    ("新增1家国家级企业技术中心。", 1, "家"),
    ("the industry chain has gathered 108 enterprises and institutions", 108, "enterprises"),
    ("Dezhou has over 200 pharmaceutical and medical device manufacturing companies", 200, "companies"),
    ("with 28 of them being large-scale enterprises", 28, "enterprises"),
    ("with two major industry clusters recognized", 2, "clusters"),
    ("providing 17,000 beds and home care", 17000, "beds"),
    ("through 1,005 medical institutions", 1005, "institutions"),
    ("eight new high-end TCM health care products", 8, "products"),
    ("focusing on four key areas: manufacturing", 4, "areas"),
    ("the city had 1.2 million residents", 1200000, "residents"),
    ("employs twenty-five researchers", 25, "researchers"),
    ("one new hospital and 1 hospital", 1, "hospital"),
]


@pytest.mark.parametrize(("text", "value", "unit"), COUNTS)
def test_count(text: str, value: int, unit: str) -> None:
    found = [q for q in kinds(text, "count") if q.value == value and q.unit == unit]
    assert len(found) == 1, (text, find_quantities(text))
    assert isinstance(found[0].value, int)


NOT_COUNTS = [
    "2023年，德州市医药产业链工作要点。",  # year
    "By 2024, the industry chain has grown.",
    "the plan runs from 2024 to 2027, emphasizing",
    "in 2024 alone",
    "10月21日，3月29日，项目签约。",  # dates
    "2024-04-28 10:26:04",  # date and time
    "在第十四届泰州医博会上",  # ordinal
    "加快建设中国第一、世界有名的医药名城",
    "Wuhan ranks No. 1 in the province",
    "one of the top 100 companies",
    "全国排名前10名，位居全省前三位。",  # ranks
    "跻身中国生物制药行业百强，世界500强企业。",
    "（1）加强组织领导；一是强化规划。",  # list numbers
    "可享受5年减免房租，实施三年行动计划。",  # durations
    "项目工期3个月，3个工作日内办结。",
    "主要用于12岁及以上的癫痫患者",  # age
    "建筑面积1万平方米，规划面积22平方公里，占地200亩，年产500吨，距离2公里。",  # measurements
    "总体规划布局“一个研究院、三个基地、四个中心”。",  # slogans in quotes
    "构建“4+1+1”医药产业园区载体，制定实施“1+3”工作计划。",
    "加快构建“4+N”发展体系。",
    "围绕“一个目标、四个定位”发展大健康产业。",
    "推动“三个代表”重要思想。",
    "the value of both sectors [4][5]",  # citation markers
    "招引一批延链补链强链项目，一件件成品走下生产线，一家家企业纷至沓来。",  # 一批 and reduplication
    "蹚出一条产业融合发展之路，打造一个平台，建成一座新城。",  # the article 一
    "电话：0531-88886666，热线400-0123-021，13391219793。",  # phone numbers
    "支持5G网络、H7N9疫苗、PM2.5监测和V2.0版本。",  # codes and versions
    "COVID-19 vaccines and ISO 9001 certification",
    "市场占有率达60%，增长15%。",  # percentages are not counts
    "全面贯彻党的二十大精神，学习十九大报告。",  # party congresses
    "坚持三位一体、五位一体推进。",
    "千家万户受益，百家争鸣。",  # idioms with bare 千/百
    "数十家企业和几百名专家参与。",  # vague
    "每万人拥有执业医师35人，每千人口床位数6.5张。",  # rates
    "市二人民医院和第三人民医院。",
    "The three-year action plan and five-star hotels, a one-stop service.",
    "the zone covers 22 square kilometers over 5 years",
    "一类新药，三甲医院，二级以上医疗机构，四价流感疫苗。",  # grades and classes
]


@pytest.mark.parametrize("text", NOT_COUNTS)
def test_not_count(text: str) -> None:
    assert kinds(text, "count") == [], find_quantities(text)


def test_count_range() -> None:
    q = one("每年新增5-10家企业", "count")
    assert (q.value, q.unit, q.qualifier) == (5, "家", "range:10")
    q = one("20-30 companies joined", "count")
    assert (q.value, q.unit, q.qualifier) == (20, "companies", "range:30")


# --------------------------------------------------------------------------- percents

PERCENTS = [
    ("占国内市场同类产品70%左右的份额", 70, None, "左右"),
    ("规上企业覆盖率达80.8%。", 80.8, None, None),
    ("市场占有率达60%。", 60, None, None),
    ("营业收入同比增长15%。", 15, None, None),
    ("同比增长百分之七十。", 70, None, None),
    ("增速为百分之三点五。", 3.5, None, None),
    ("研发投入占比超过3%。", 3, None, "超过"),
    ("同比提升7.7个百分点。", 7.7, "百分点", None),
    ("增长１５％。", 15, None, None),
    ("up 40 percent year on year", 40, None, None),
    ("revenue rose 15% in 2023", 15, None, None),
    ("the share rose 2 percentage points", 2, "percentage points", None),
    ("about 40 per cent of firms", 40, None, "about"),
]


@pytest.mark.parametrize(("text", "value", "unit", "qualifier"), PERCENTS)
def test_percent(text: str, value: float, unit: str | None, qualifier: str | None) -> None:
    q = one(text, "percent")
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)
    assert kinds(text, "count") == []


def test_percent_range() -> None:
    q = one("年均增长10%~15%。", "percent")
    assert (q.value, q.qualifier) == (10, "range:15")
    q = one("占比30-40%。", "percent")
    assert (q.value, q.qualifier) == (30, "range:40")


# --------------------------------------------------------------------------- qualifiers, offsets

QUALIFIERS = [
    ("拟引进医疗卫生人才约500名", "约"),
    ("近30个重点项目", "近"),
    ("超过400家企业", "超过"),
    ("总投资逾150亿元", "逾"),
    ("1400多家药企", "多"),
    ("十余家规模药企", "余"),
    ("200家以上企业", "以上"),
    ("70%左右", "左右"),
    ("over 150 collaborative projects", "over"),
    ("more than 500 biotech companies", "more than"),
    ("about 3 million patients", "about"),
    ("nearly 40 percent", "nearly"),
    ("签约20个项目", None),  # 约 ends 签约 here, it is no hedge
    ("最近3年新增企业300家", None),
]


@pytest.mark.parametrize(("text", "qualifier"), QUALIFIERS)
def test_qualifier(text: str, qualifier: str | None) -> None:
    qs = find_quantities(text)
    assert qs, text
    assert qs[-1].qualifier == qualifier


def test_offsets_point_into_text() -> None:
    text = "全市拥有规上企业83家，投资额达105.16亿元，增长１５％，with over 200 companies."
    qs = find_quantities(text)
    assert [q.text for q in qs] == ["83家", "105.16亿元", "１５％", "over 200 companies"]
    for q in qs:
        assert text[q.start:q.end] == q.text


# --------------------------------------------------------------------------- other cities, whole sentences

SENTENCES = [
    ("2023年，成都市生物医药产业规模突破千亿，达到1230亿元，同比增长12.5%。",
     {("money", 100000000000), ("money", 123000000000), ("percent", 12.5)}),
    ("武汉光谷聚集生物企业2000余家，其中上市企业42家，年营收超过百亿元的企业3家。",
     {("count", 2000), ("count", 42), ("money", 10000000000), ("count", 3)}),
    ("苏州工业园区集聚生物医药企业2300多家，从业人员超过6万人。", {("count", 2300), ("count", 60000)}),
    ("该项目总投资十二亿元，占地约200亩，建成后可年产原料药500吨。", {("money", 1200000000)}),
    ("重庆两江新区引进项目三十个，总投资逾150亿元。", {("count", 30), ("money", 15000000000)}),
    ("全市现有三级医院28家，编制床位1.2万张，每千人口床位数6.5张。", {("count", 28), ("count", 12000)}),
    ("长沙市计划到2025年培育百亿级企业10家、千亿级产业集群2个。",
     {("money", 10000000000), ("count", 10), ("money", 100000000000), ("count", 2)}),
    ("2024年1-9月，全市规上医药工业企业实现营业收入865.3亿元，同比增长8.6%，增速高于全省3.2个百分点。",
     {("money", 86530000000), ("percent", 8.6), ("percent", 3.2)}),
    ("杭州市已建成国家级孵化器15个，引进高层次人才1500余人。", {("count", 15), ("count", 1500)}),
    ("该公司获得5000万美元B轮融资，投资方包括3家国际知名机构。", {("money", 50000000), ("count", 3)}),
    ("合肥市共有医疗卫生机构4600余个，卫生技术人员7.8万人，年诊疗量超过5000万人次。",
     {("count", 4600), ("count", 78000), ("count", 50000000)}),
    ("2022年，全省医药工业营业收入同比增长百分之十五。", {("percent", 15)}),
    ("广州国际生物岛已累计引进企业超过400家，其中世界500强企业5家。", {("count", 400), ("count", 5)}),
    ("医院开放床位1500张，年门急诊量达200万人次，手术量3万余台。",
     {("count", 1500), ("count", 2000000), ("count", 30000)}),
    ("近3年来，全市新增生物医药企业近500家，增长30%左右。", {("count", 500), ("percent", 30)}),
    ("园区规划面积12.5平方公里，分三期建设，第一期投资30亿元。", {("money", 3000000000)}),
    ("济南市落实“1+1+N”工作体系，形成“一核两翼三区”格局。", set()),
    ("该企业连续5年入选中国医药工业百强，位列第18位。", set()),
    ("全县中药材种植面积达到15万亩，带动农户3万余户增收。", {("count", 30000)}),
    ("打造万亿级大健康产业，力争产值突破3000亿。", {("money", 1000000000000), ("money", 300000000000)}),
    ("西安高新区现有医疗器械注册证1000余张，发明专利授权量增长20%以上。", {("count", 1000), ("percent", 20)}),
    ("昆明市中药材种植企业二十余家，带动就业约1.5万人。", {("count", 20), ("count", 15000)}),
    ("南宁市举办招商推介会3场，签约项目18个，协议金额96.5亿元。",
     {("count", 3), ("count", 18), ("money", 9650000000)}),
    ("2023年哈尔滨市新认定高新技术企业600余家，技术合同成交额达到400亿元。",
     {("count", 600), ("money", 40000000000)}),
    ("截至2024年底，贵阳市共有执业医师2.3万名、注册护士3.1万名。", {("count", 23000), ("count", 31000)}),
    ("经济总量达到1.2万亿元，增长5.5%。", {("money", 1200000000000), ("percent", 5.5)}),
    ("该院现有职工2000余人，其中高级职称300余名，博士50人。", {("count", 2000), ("count", 300), ("count", 50)}),
    ("The Suzhou BioBAY hosts more than 500 biotech companies and 20,000 employees.",
     {("count", 500), ("count", 20000)}),
    ("In 2023, Chengdu's biomedical industry generated revenue of 125 billion yuan, up 15 percent year on year.",
     {("money", 125000000000), ("percent", 15)}),
    ("The company raised US$30 million in its Series B round and plans to hire 120 researchers.",
     {("money", 30000000), ("count", 120)}),
    ("The park has attracted over 300 enterprises, including 45 listed companies, "
     "with total investment of RMB 5 billion.",
     {("count", 300), ("count", 45), ("money", 5000000000)}),
    ("The three-year action plan aims to build five national-level platforms by 2025.", {("count", 5)}),
    ("The fund will invest $1.2 billion in 30 innovative drug projects.", {("money", 1200000000), ("count", 30)}),
    ("The hospital has 2,500 beds and treats about 3 million patients a year.",
     {("count", 2500), ("count", 3000000)}),
    ("One of the firms, founded in 2010, employs around 1,200 people.", {("count", 1200)}),
    ("The zone covers 22 square kilometers and employs 15,000 people in 2,000 firms.",
     {("count", 15000), ("count", 2000)}),
    # extraction-quality round: counts of "which", more countable nouns, ranks that move, money
    # whose currency is left out after the first amount of the sentence
    ("There are 120 companies in the park, 45 of which are listed.", {("count", 120), ("count", 45)}),
    ("The base holds 16 formulations, 3,000 recipes and more than 2,000 folk medicine resources.",
     {("count", 16), ("count", 3000), ("count", 2000)}),
    ("排名较上年上升2位,位列全国第5。", set()),
    ("全市医药产业总产值820亿元,其中360亿来自高新区。", {("money", 82000000000), ("money", 36000000000)}),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_sentences_from_other_cities(text: str, expected: set[tuple[str, float]]) -> None:
    assert {(q.kind, q.value) for q in find_quantities(text)} == expected


# --------------------------------------------------------------------------- sample articles


def _body(raw: str, gold: dict) -> str:
    """The article body, approximated as the stretch from the first to the last body sample."""
    spans = [(raw.find(s), raw.find(s) + len(s)) for s in gold["body_samples"] if s in raw]
    return raw[min(a for a, _ in spans):max(b for _, b in spans)]


def _matched(pred: list[float], gold: list[float], tol) -> int:
    gold, tp = list(gold), 0
    for p in pred:
        for i, g in enumerate(gold):
            if abs(p - g) <= tol(g):
                tp += 1
                gold.pop(i)
                break
    return tp


def _f1s() -> dict[str, float]:
    cats = (("money", "money", lambda g: max(abs(g) * 0.005, 1)), ("counts", "count", lambda g: 0),
            ("percents", "percent", lambda g: 0.01))
    tot = {c: [0, 0, 0] for c, _, _ in cats}
    for gp in sorted((CORPUS / "gold").glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        raw = (CORPUS / "docs" / gold["doc"]).read_text(encoding="utf-8")
        qs = find_quantities(_body(raw, gold))
        for cat, kind, tol in cats:
            pv = sorted({float(q.value) for q in qs if q.kind == kind})
            gv = sorted({float(x["value"]) for x in gold.get(cat, [])})
            tp = _matched(pv, gv, tol)
            tot[cat][0] += tp
            tot[cat][1] += len(pv)
            tot[cat][2] += len(gv)
    out = {}
    for cat, (tp, n_pred, n_gold) in tot.items():
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        out[cat] = 2 * p * r / (p + r) if p + r else 0.0
    return out


@pytest.mark.skipif(not (CORPUS / "gold").is_dir(), reason="sample corpus not present")
def test_sample_articles_f1() -> None:
    f1 = _f1s()
    assert f1["money"] >= 0.95, f1
    assert f1["percents"] >= 0.95, f1
    assert f1["counts"] >= 0.90, f1


# --------------------------------------------------------------------------- component, data, numbers


def test_component_registered_and_appends() -> None:
    # registry.components, not registry.get: get() imports every other component module too
    assert registry.components["quantities"] is extract_quantities
    doc = Document(source="x.txt", text="签约34个项目，投资额达105.16亿元。")
    out = extract_quantities(doc)
    assert out is doc
    assert [(q.kind, q.value) for q in doc.quantities] == [("count", 34), ("money", 10516000000)]


def test_empty_text() -> None:
    assert find_quantities("") == []


def test_bad_data_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "quantities_magnitudes.tsv").write_text("亿\n", encoding="utf-8")
    monkeypatch.setattr(nb, "DATA", tmp_path)
    with pytest.raises(ValueError, match="quantities_magnitudes.tsv:1"):
        nb.read_rows("quantities_magnitudes.tsv", 3)
    with pytest.raises(RuntimeError, match="quantities_missing.tsv"):
        nb.read_rows("quantities_missing.tsv")


@pytest.mark.parametrize(("text", "value"), [
    ("三", 3), ("十二", 12), ("两千", 2000), ("一百二十", 120), ("三点五", 3.5), ("三亿", 300000000),
    ("百亿", 10000000000), ("十四五", None), ("一一", None), ("万千", None),
])
def test_cn_value(text: str, value: float | None) -> None:
    got = nb.cn_value(text)
    assert (None if got is None else nb.json_number(got)) == value


def test_json_number() -> None:
    from decimal import Decimal

    assert nb.json_number(Decimal("105.16") * 100000000) == 10516000000
    assert isinstance(nb.json_number(Decimal("80.8")), float)


# --------------------------------------------------------------------------- second quality round


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("园区已建成8幢标准厂房,2栋研发楼。", 8, "幢"),  # 幢 counts buildings as 栋 does
        ("boasts three high-end biologics developed in Jiaxing", 3, "biologics"),
        ("two generic drugs and five new therapies", 5, "therapies"),
    ],
)
def test_count_second_round(text: str, value: int, unit: str) -> None:
    assert [q.value for q in kinds(text, "count") if q.unit == unit] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("泉州是全省第一座“工业2万亿”城市。", 2_000_000_000_000),  # 工业 before a bare amount: output
        ("全市经济总量突破1万亿。", 1_000_000_000_000),
    ],
)
def test_bare_amount_after_output_words_is_money(text: str, value: int) -> None:
    assert [q.value for q in kinds(text, "money")] == [value]


@pytest.mark.parametrize(
    "text, qualifier",
    [("no less than 10 billion yuan", "no less than"), ("not more than 20 projects", "not more than")],
)
def test_negated_english_hedges_keep_their_meaning(text, qualifier):
    (q,) = find_quantities(text)
    assert q.qualifier == qualifier and q.text == text
