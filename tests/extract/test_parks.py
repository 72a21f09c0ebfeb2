"""Tests for the parks component (chainatlas/extract/parks.py).

Two check sets: the five sample articles scored the way ../shared/eval/score.py scores parks, and
sentences about parks in other cities (names the lexicons never list), each with the parks a reader
would annotate.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainatlas.extract import parks
from chainatlas.extract.parks import _region_prefixes, extract_parks, find_parks
from chainatlas.model import Document
from chainatlas.present import scoring

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"
JUNK_MARKERS = ("特别声明", "相关内容", "激活民间投资")


# --------------------------------------------------------------------------- scorer rules


# The scorer's own matching rules (vendored copy of ../shared/eval/score.py).
_norm = scoring.norm
_names_match = scoring.names_match
_dedup = scoring.dedup_groups


def _hit(p: set[str], g: set[str]) -> bool:
    return any(_names_match(x, y) for x in p for y in g)


def _score(pred: list[set[str]], gold: list[set[str]], ignore: set[str]) -> tuple[int, int, int, int]:
    """(gold matched, predictions matched, predictions counted, gold): score.py's match_entities."""
    pred = _dedup(pred)
    matched_gold = sum(1 for g in gold if any(_hit(p, g) for p in pred))
    counted = [p for p in pred if not any(_hit(p, {i}) for i in ignore)]
    matched_pred = sum(1 for p in counted if any(_hit(p, g) for g in gold))
    return matched_gold, matched_pred, len(counted), len(gold)


def _f1(tot: list[int]) -> tuple[float, float, float]:
    p = tot[1] / tot[2] if tot[2] else 1.0
    r = tot[0] / tot[3] if tot[3] else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _groups(text: str) -> list[set[str]]:
    return [{_norm(n)} | {_norm(a) for a in al} for n, al, _, _ in find_parks(text)]


# --------------------------------------------------------------------------- check sets


def _sample_body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.name.startswith("004"):
        text = "\n".join(text.split("\n")[4:])
    if path.name[:3] in ("001", "003", "004"):
        for marker in JUNK_MARKERS:
            cut = text.find(marker)
            if cut >= 0:
                text = text[:cut]
    return text


@pytest.mark.skipif(not (CORPUS / "gold").is_dir(), reason="sample corpus not present")
def test_sample_articles_f1() -> None:
    tot = [0, 0, 0, 0]
    for gp in sorted((CORPUS / "gold").glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        text = _sample_body(CORPUS / "docs" / gold["doc"])
        gold_groups = [{_norm(o["name"])} | {_norm(a) for a in o.get("aliases", [])} for o in gold["parks"]]
        res = _score(_groups(text), gold_groups, {_norm(x) for x in gold.get("ignore", [])})
        tot = [a + b for a, b in zip(tot, res, strict=True)]
    p, r, f = _f1(tot)
    assert f >= 0.85, (p, r, f)


ZH_SENTENCES: list[tuple[str, list[str]]] = [
    ("苏州工业园区已集聚生物医药企业2000余家,成为全国生物医药产业高地之一。", ["苏州工业园区"]),
    ("武汉光谷生物城位于东湖高新区,已吸引3000多家生物企业落户。", ["武汉光谷生物城", "东湖高新区"]),
    ("成都天府国际生物城近日与多家企业签约,项目总投资超过100亿元。", ["成都天府国际生物城"]),
    ("北京经济技术开发区发布支持生物医药产业高质量发展若干措施。", ["北京经济技术开发区"]),
    ("上海张江药谷汇聚了众多创新药企,被誉为中国的“药谷”。", ["上海张江药谷"]),
    ("连云港经济技术开发区是全国重要的医药产业基地,恒瑞医药总部就位于此。", ["连云港经济技术开发区"]),
    ("石家庄高新区生物医药产业规模突破千亿元,石药集团在园区内建设新厂房。", ["石家庄高新区"]),
    ("本溪中国药都目前已入驻医药企业200余家。", ["本溪中国药都"]),
    ("通化医药高新区正加快建设国家级医药产业集聚区。", ["通化医药高新区"]),
    ("亳州现代中药产业园内,多家中药饮片企业正在满负荷生产。", ["亳州现代中药产业园"]),
    ("昆山生物医药产业园与BioBay签署合作协议,共建创新孵化平台。", ["昆山生物医药产业园", "BioBay"]),
    ("该项目落户南京江北新区生物医药谷,总投资15亿元。", ["南京江北新区生物医药谷"]),
    (
        "广州国际生物岛和中新广州知识城正在打造粤港澳大湾区生物医药创新高地。",
        ["广州国际生物岛", "中新广州知识城"],
    ),
    ("杭州医药港小镇已集聚生物医药企业1700多家。", ["杭州医药港小镇"]),
    ("长春新区生物医药产业园以疫苗和基因工程药物为主导。", ["长春新区生物医药产业园"]),
    ("中国(上海)自由贸易试验区临港新片区出台生物医药专项政策。", ["中国(上海)自由贸易试验区"]),
    ("公司计划在重庆两江新区建设生产基地,预计明年投产。", []),
    ("近年来,园区不断完善配套设施,吸引了大批企业入驻。", []),
    ("全市将打造一批特色产业园区,推动生物医药产业集聚发展。", []),
    (
        "哈尔滨新区生物医药产业园和大庆高新区分别获批省级特色产业园区。",
        ["哈尔滨新区生物医药产业园", "大庆高新区"],
    ),
    (
        "天津滨海高新区与天津经济技术开发区联合举办生物医药招商推介会。",
        ["天津滨海高新区", "天津经济技术开发区"],
    ),
    ("济南国际医学科学中心已签约落户项目60余个,总投资超过800亿元。", []),
    ("郑州航空港经济综合实验区的生物医药产业园,正在建设中。", ["郑州航空港经济综合实验区"]),
    ("珠海国际健康港是横琴粤澳深度合作区重点发展的大健康产业载体。", ["珠海国际健康港"]),
    ("泰州医药高新区与中国医药城管委会联合发布人才新政。", ["泰州医药高新区", "中国医药城"]),
    ("西安高新区生物医药产业园已入驻企业120家。", ["西安高新区生物医药产业园", "西安高新区"]),
    ("安徽亳州高新技术产业开发区获批国家级高新区。", ["安徽亳州高新技术产业开发区"]),
    ("修正药业在长春建设了大型生产基地。", []),
    (
        "沈阳浑南科技城与中德(沈阳)高端装备制造产业园联合招商。",
        ["沈阳浑南科技城", "中德(沈阳)高端装备制造产业园"],
    ),
    ("青岛蓝谷和烟台生物医药产业集聚区正在打造海洋药物研发高地。", ["烟台生物医药产业集聚区"]),
    ("禹州中医药产业园、鹿邑康养小镇分别签约3个项目。", ["禹州中医药产业园", "鹿邑康养小镇"]),
    ("企业负责人表示,将依托产业园区载体,加快推进项目建设。", []),
    ("6月18日,江西樟树医药产业园举行项目集中开工仪式,总投资32亿元。", ["江西樟树医药产业园"]),
    ("记者走进重庆国际生物城,看到一栋栋标准厂房拔地而起。", ["重庆国际生物城"]),
    ("据悉,该园区规划面积5平方公里,重点发展化学制药和医疗器械。", []),
    ("近年来,海口国家高新区药谷工业园吸引了一批知名药企。", ["海口国家高新区药谷工业园", "海口国家高新区"]),
    ("湖南浏阳经济技术开发区以生物医药为主导产业,2022年实现产值超千亿元。", ["湖南浏阳经济技术开发区"]),
    ("截至目前,中关村生命科学园聚集了生命科学企业500余家。", ["中关村生命科学园"]),
    ("吉林省梅河口市医药高新区今年新引进项目15个。", ["吉林省梅河口市医药高新区"]),
    ("江苏泰兴经济开发区与南京大学签署产学研合作协议。", ["江苏泰兴经济开发区"]),
    ("各地积极建设医药产业园,但部分园区存在同质化竞争问题。", []),
    (
        "项目选址于临沂经济技术开发区医疗器械产业园,占地120亩。",
        ["临沂经济技术开发区医疗器械产业园", "临沂经济技术开发区"],
    ),
    ("深圳坪山国家生物产业基地已形成完整的生物医药产业链。", ["深圳坪山国家生物产业基地"]),
    ("据介绍,呼和浩特金山高新区正积极培育乳业和生物医药产业。", ["呼和浩特金山高新区"]),
    ("公司在菏泽高新区投资建设了年产500吨原料药生产基地。", ["菏泽高新区"]),
    ("广西玉林中医药健康产业园将建设中药材交易市场和仓储物流中心。", ["广西玉林中医药健康产业园"]),
    ("会议强调,要加快推动医药产业园提质增效,打造千亿级产业集群。", []),
    ("天士力在天津北辰经济技术开发区建有现代中药生产基地。", ["天津北辰经济技术开发区"]),
    ("哈药集团位于哈尔滨利民经济技术开发区的新厂区即将投产。", ["哈尔滨利民经济技术开发区"]),
    ("石家庄循环化工园区已承接20余家原料药企业转移。", ["石家庄循环化工园区"]),
    ("该孵化器已累计孵化生物医药企业80余家。", []),
    ("位于苏州工业园区的信达生物科技有限公司发布年报。", ["苏州工业园区"]),
    ("今年以来,宜昌高新区生物产业园新增规上企业8家。", ["宜昌高新区生物产业园", "宜昌高新区"]),
    ("人福医药在武汉东湖高新区投资建设新药研发中心。", ["武汉东湖高新区"]),
    ("园区内企业享受税收减免,新入驻企业可获得三年免租。", []),
    ("我市将规划建设生物医药专业园区,力争到2025年产值突破500亿元。", []),
    ("白云山制药总厂位于广州市白云区。", []),
    ("国家级经开区综合发展水平考核评价结果公布,苏州工业园区连续多年位居第一。", ["苏州工业园区"]),
    (
        "重庆市璧山高新区医疗器械产业园已引进企业60余家。",
        ["重庆市璧山高新区医疗器械产业园", "重庆市璧山高新区"],
    ),
    ("该企业是国家高新技术企业,主要生产医用敷料。", []),
    ("据悉,南宁·中关村科技园已签约项目30个。", ["中关村科技园"]),
    ("泰州市大健康产业集聚区建设推进会昨日召开。", ["泰州市大健康产业集聚区"]),
    ("会议指出,要把开发区建设成为高质量发展的主阵地。", []),
    ("山东省济南市章丘区明水经济技术开发区重点发展医药化工产业。", ["山东省济南市章丘区明水经济技术开发区"]),
    ("这家企业的生产基地设在安徽省亳州市。", []),
    ("江西南昌小蓝经济技术开发区的医疗器械产业集群规模超过百亿元。", ["江西南昌小蓝经济技术开发区"]),
    ("在北京大兴生物医药产业基地,一批创新药项目加速落地。", ["北京大兴生物医药产业基地"]),
    ("3月以来,珠海高新区已有12个生物医药项目开工建设。", ["珠海高新区"]),
    ("据统计,全县已建成标准化厂房30万平方米,入驻园区企业达156家。", []),
    ("投资5亿元的康泰生物疫苗产业化基地项目在北京经开区开工。", ["北京经开区"]),
    ("株洲市荷塘区中医药产业园引进中药配方颗粒项目。", ["株洲市荷塘区中医药产业园"]),
    ("重点打造以德阳高新区为核心、广汉经开区为补充的医药产业带。", ["德阳高新区", "广汉经开区"]),
    ("大力推进国家级医养结合示范区创建工作。", []),
    ("威海火炬高技术产业开发区医疗器械产业规模超300亿元。", ["威海火炬高技术产业开发区"]),
    ("通过招商引资,园区形成了以原料药和制剂为主的产业链条。", []),
    ("本次签约的项目将落户烟台经济技术开发区。", ["烟台经济技术开发区"]),
    ("公司在上海外高桥保税区设立了医疗器械分拨中心。", ["上海外高桥保税区"]),
    ("兰州新区生物医药产业园已有22家企业投产。", ["兰州新区生物医药产业园"]),
    ("宁夏银川经济技术开发区培育了一批原料药龙头企业。", ["宁夏银川经济技术开发区"]),
    (
        "河北沧州临港经济技术开发区生物医药产业园承接京津医药企业转移。",
        ["河北沧州临港经济技术开发区生物医药产业园", "河北沧州临港经济技术开发区"],
    ),
    ("这是该市第三个省级生物医药产业园。", []),
    ("南通市海门区的临江生物医药产业园区被评为省级特色创新示范园区。", ["临江生物医药产业园区"]),
]

EN_SENTENCES: list[tuple[str, list[str]]] = [
    (
        "BioBay in Suzhou Industrial Park now hosts more than 500 innovative companies.",
        ["BioBay in Suzhou Industrial Park", "Suzhou Industrial Park"],
    ),
    (
        "The Wuhan Optics Valley Biolake has attracted over 2,000 biotech firms.",
        ["Wuhan Optics Valley Biolake"],
    ),
    (
        "Chengdu Tianfu International Bio-Town signed 20 projects worth 15 billion yuan.",
        ["Chengdu Tianfu International Bio-Town"],
    ),
    (
        "The company will build a new plant in Beijing Economic-Technological Development Zone.",
        ["Beijing Economic-Technological Development Zone"],
    ),
    ("Zhangjiang Hi-tech Park in Shanghai is known as China's pharma valley.", ["Zhangjiang Hi-tech Park"]),
    (
        "China Medical City in Taizhou has gathered more than 1,400 pharmaceutical enterprises.",
        ["China Medical City"],
    ),
    (
        "Lianyungang Economic and Technological Development Zone is home to Hengrui Medicine.",
        ["Lianyungang Economic and Technological Development Zone"],
    ),
    ("The Shijiazhuang High-tech Zone hosts CSPC Pharmaceutical Group.", ["Shijiazhuang High-tech Zone"]),
    (
        "Tonghua Medicine High-tech Industrial Development Zone launched a new incubator.",
        ["Tonghua Medicine High-tech Industrial Development Zone"],
    ),
    ("Several industrial parks in the province have set up biomedical incubators.", []),
    (
        "The Modern Chinese Medicine Industrial Park in Bozhou City covers 10 square kilometers.",
        ["Modern Chinese Medicine Industrial Park in Bozhou City"],
    ),
    (
        "Guangzhou International Bio-Island is a key platform of the Greater Bay Area.",
        ["Guangzhou International Bio-Island"],
    ),
    (
        "Sino Biopharm has moved its headquarters to the Nanjing Jiangbei New Area Biomedical Valley.",
        ["Nanjing Jiangbei New Area Biomedical Valley"],
    ),
    ("The park hosts more than 300 medical device companies.", []),
    (
        "Xiamen Torch High-tech Industrial Development Zone has become a hub for in vitro diagnostics.",
        ["Xiamen Torch High-tech Industrial Development Zone"],
    ),
    ("Investment in the Jinan International Medical Science Center exceeded 80 billion yuan.", []),
    (
        "The Tianjin Economic-Technological Development Area (TEDA) hosts Novo Nordisk's production base.",
        ["Tianjin Economic-Technological Development Area"],
    ),
    (
        "Several new incubators were opened in Hangzhou Medical Port Town this year.",
        ["Hangzhou Medical Port"],
    ),
    (
        "Founded in 2005, the company is headquartered in Shanghai Zhangjiang Hi-tech Park.",
        ["Shanghai Zhangjiang Hi-tech Park"],
    ),
    ("Local officials said the industrial park would add 3,000 jobs.", []),
    ("Yangtze River Pharmaceutical Group is based in Taizhou, Jiangsu Province.", []),
    (
        "Jinan High-tech Zone signed agreements with 12 biomedical companies on Monday.",
        ["Jinan High-tech Zone"],
    ),
    (
        "The Changchun New Area Biomedical Industrial Park focuses on vaccines.",
        ["Changchun New Area Biomedical Industrial Park"],
    ),
    (
        "A new incubator opened at Hangzhou Medical Port in Qiantang District.",
        ["Hangzhou Medical Port in Qiantang District"],
    ),
    (
        "Suzhou Industrial Park (SIP) was jointly developed by China and Singapore.",
        ["Suzhou Industrial Park"],
    ),
    ("He said the zone would attract more pharmaceutical companies this year.", []),
    ("Daxing Biomedicine Industrial Base in Beijing hosts Sinovac.", ["Daxing Biomedicine Industrial Base"]),
    ("The Qingdao Blue Valley is a marine science hub.", []),
    ("Jiangbei New Area's biomedical valley has attracted 800 firms.", []),
]


@pytest.mark.parametrize("sentences", [ZH_SENTENCES, EN_SENTENCES], ids=["zh", "en"])
def test_other_cities_precision_recall(sentences: list[tuple[str, list[str]]]) -> None:
    tot = [0, 0, 0, 0]
    misses = []
    for text, expected in sentences:
        res = _score(_groups(text), [{_norm(e)} for e in expected], set())
        if res[0] < res[3] or res[1] < res[2]:
            misses.append((text, [n for n, *_ in find_parks(text)]))
        tot = [a + b for a, b in zip(tot, res, strict=True)]
    p, r, _ = _f1(tot)
    assert p >= 0.85 and r >= 0.85, (p, r, misses)


# --------------------------------------------------------------------------- behaviour


def _names(text: str) -> list[str]:
    return [n for n, *_ in find_parks(text)]


def test_list_with_shared_heads_gives_one_park_each() -> None:
    text = "构建医药产业园区载体,乐陵医药产业园、临邑医药产业园、平原医药产业园和禹城医药产业园承接项目。"
    assert _names(text) == ["乐陵医药产业园", "临邑医药产业园", "平原医药产业园", "禹城医药产业园"]


@pytest.mark.parametrize(
    "text",
    [
        "近年来,该园区不断完善配套。",
        "构建“4+1+1”医药产业园区载体。",
        "为锦州市打造生物医药生产基地集智添能。",
        "力争打造京津首选高端康养基地。",
        "公司已成为江北地区蕞大的铁皮石斛产业基地。",
        "创新要素汇聚,打造大健康产业集聚发展示范区。",
        "全力建设成为“三医融合”的标杆示范区。",
        "园区内的伯桢生物产业化北方基地项目现已顺利投产。",
        "Many of these industrial parks are located within dedicated zones.",
    ],
)
def test_generic_mentions_are_not_parks(text: str) -> None:
    assert _names(text) == []


def test_unprefixed_form_is_alias_with_its_own_mentions() -> None:
    text = "走进泰州医药高新区的企业。泰州市副市长,医药高新区党工委书记表示……"
    ((name, aliases, spans, attrs),) = find_parks(text)
    assert name == "泰州医药高新区"
    assert aliases == ["医药高新区"]
    assert [text[s:e] for s, e in spans] == ["泰州医药高新区", "医药高新区"]
    assert attrs == {"head": "医药高新区", "region_prefix": "泰州"}


def test_zone_prefixed_name_and_suffix_alias() -> None:
    text = "日前,走进北方应急医疗综合产业示范区。德州市天衢新区北方应急医疗综合产业示范区和乐陵医药产业园承接项目。"
    found = {n: al for n, al, _, _ in find_parks(text)}
    assert found["德州市天衢新区北方应急医疗综合产业示范区"] == ["北方应急医疗综合产业示范区"]
    assert "天衢新区" not in found  # a new area is a region, not a park


def test_nested_parks_and_variant_heads_link() -> None:
    text = "目前,高新区生物医药产业园区以奥鸿药业为依托。未来将打造国家高新区生物医药产业园。"
    ((name, aliases, spans, _),) = find_parks(text)
    assert {name, *aliases} == {"高新区生物医药产业园区", "国家高新区生物医药产业园"}
    assert len(spans) == 2
    found = _names("位于泰州医药高新区的中国医药城。9月15日,中国医药城国家新药创制基地传来好消息。")
    assert found == ["泰州医药高新区", "中国医药城", "中国医药城国家新药创制基地"]


def test_english_park_in_district_gets_full_name_and_short_alias() -> None:
    text = (
        "It consists of the Heze Modern Medicine Port, the Biomedical Industrial Park in Heze High-tech "
        "Industrial Development Zone, the BPC Industrial Park in Dingtao District."
    )
    found = {n: (al, at) for n, al, _, at in find_parks(text)}
    assert set(found) == {
        "Heze Modern Medicine Port",
        "Biomedical Industrial Park in Heze High-tech Industrial Development Zone",
        "Heze High-tech Industrial Development Zone",
        "BPC Industrial Park in Dingtao District",
    }
    aliases, attrs = found["BPC Industrial Park in Dingtao District"]
    assert aliases == ["BPC Industrial Park"]
    assert attrs["head"] == "Industrial Park" and attrs["located_in"] == "Dingtao District"


def test_component_adds_entities_with_offsets_into_text() -> None:
    doc = Document(
        source="t.txt", text="石药集团在石家庄高新区建设新厂。The Suzhou Industrial Park hosts BioBay."
    )
    out = extract_parks(doc)
    assert out is doc
    ents = [e for e in doc.entities if e.type == "park"]
    assert [e.name for e in ents] == ["石家庄高新区", "Suzhou Industrial Park", "BioBay"]
    for e in ents:
        assert e.mentions and all(m.text == doc.text[m.start : m.end] for m in e.mentions)
        assert all(m.text in e.surface_forms() for m in e.mentions)


def test_company_names_and_healthy_city_are_not_parks() -> None:
    assert _names("苏州工业园区生物产业发展有限公司发布公告。") == []
    assert _names("推进健康城市建设。") == []


def test_registered_in_pipeline() -> None:
    from chainatlas.extract.pipeline import registry

    assert registry.components["parks"] is extract_parks


def test_region_prefixes_have_full_and_short_forms() -> None:
    regions = _region_prefixes()
    assert regions["德州市"] == "德州" and regions["德州"] == "德州"
    assert regions["恩施土家族苗族自治州"] == "恩施"
    assert "市辖区" not in regions


def test_missing_data_file_error_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(parks, "DATA", tmp_path)
    with pytest.raises(RuntimeError, match="park_heads.tsv"):
        list(parks._lines("park_heads.tsv"))


# --------------------------------------------------------------------------- extraction-quality round
# Sentences from cities outside the development set.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a park named with its own place is not nested in the zone printed before it
        ("青岛高新区青岛蓝色生物医药产业园已入驻企业120家。", ["青岛高新区", "青岛蓝色生物医药产业园"]),
        # heads: 经济区, 创业中心 (a torch-programme incubator), 健康谷
        ("落户南昌临空经济区的生物医药企业达到30家。", ["南昌临空经济区"]),
        ("武汉东湖新技术创业中心孵化企业300家。", ["武汉东湖新技术创业中心"]),
        ("规划建设3平方公里的湘江国际健康谷。", ["湘江国际健康谷"]),
        # two activities of one base joined by 及
        ("上海生物医药研发及产业化基地启用。", ["上海生物医药研发及产业化基地"]),
        # a park built in phases is one park even without a place name
        ("医疗器械产业园二期建成投用。", ["医疗器械产业园"]),
        # a company's own park
        ("恒瑞医药连云港产业园开工。", ["恒瑞医药连云港产业园"]),
        ("国药集团中国中药(华南)产业园在佛山开工。", ["国药集团中国中药(华南)产业园"]),
        # a corridor code after its region, a quoted title with a middle dot
        ("京津冀G4科创走廊生物医药产业园正式揭牌。", ["京津冀G4科创走廊生物医药产业园"]),
        ("“粤港澳·中医药科技示范区”建设项目签约。", ["粤港澳·中医药科技示范区"]),
        # English: a bare Park names a park after a Chinese place name, not after any word
        ("The Haidian Park of Zhongguancun hosts 300 firms, next to the Olympic Park.", ["Haidian Park"]),
    ],
)
def test_quality_round_parks(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "将进一步促进生物医药产业园区发展,全力助推高新区建设。",  # verbs are not names
        "对于拉长开发区医药产业链条意义重大。",
        "积极对接华熙生物、泰格医谷等头部企业。",  # a member of a list of companies
    ],
)
def test_quality_round_not_parks(text: str) -> None:
    assert _names(text) == []


def test_list_of_parks_closed_by_a_place_word_stays_parks() -> None:
    assert _names("入驻苏州生物医药产业园、无锡药谷等企业集聚区。") == ["苏州生物医药产业园", "无锡药谷"]


# --------------------------------------------------------------------------- second quality round


def test_a_rank_and_a_head_are_a_class_not_an_alias() -> None:
    # 国家级高新区 is the class that 绍兴高新区 belongs to, never another name of it
    text = "对112家国家级高新区进行了排名,绍兴高新区跻身第20名。绍兴高新区生物医药产业规模扩大。"
    parks_found = find_parks(text)
    assert [n for n, *_ in parks_found] == ["绍兴高新区"]
    assert parks_found[0][1] == []


@pytest.mark.parametrize(
    "text",
    [
        "发布《2024中国生物医药产业园区竞争力评价及分析报告》。",  # the country's parks in general
        "2012年成功入围“2012中国生物医药特色园区”。",
    ],
)
def test_the_country_with_an_industry_and_a_plain_head_is_a_class(text: str) -> None:
    assert _names(text) == []


def test_bilateral_anchor_still_names_a_park() -> None:
    assert _names("中德生物医药产业园在太仓开工。") == ["中德生物医药产业园"]


def test_member_of_a_list_of_named_parks_is_a_park() -> None:
    text = "嘉兴科技城生物医药产业基地、南部智能制造产业基地与嘉善新材料产业基地集中揭牌。"
    assert {"嘉兴科技城生物医药产业基地", "南部智能制造产业基地", "嘉善新材料产业基地"} <= set(_names(text))
    assert _names("南部智能制造产业基地揭牌。") == []  # alone, a direction and an industry name nothing


def test_english_park_with_its_place_in_brackets() -> None:
    text = "The park is located in the Shenzhen Shantou (Chaonan) Industrial Transfer Park. It has"
    assert "Shenzhen Shantou (Chaonan) Industrial Transfer Park" in _names(text)
