"""Tests of the admin-division gazetteer and the region extractor."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from chainatlas.extract.gazetteer import Gazetteer, gazetteer
from chainatlas.extract.pipeline import registry
from chainatlas.extract.regions import extract_regions, find_regions
from chainatlas.model import Document, Entity, Span

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"


def regions(text: str, entities: list[Entity] | None = None) -> dict[str, Entity]:
    doc = Document(source="t", text=text, entities=list(entities or []))
    return {e.name: e for e in find_regions(doc)}


def ent(text: str, name: str, type_: str = "organization", kind: str | None = "enterprise") -> Entity:
    """An organisation or park entity with every occurrence of ``name`` as a mention."""
    spans = [Span(m.start(), m.end(), name) for m in re.finditer(re.escape(name), text)]
    assert spans, name
    return Entity(type=type_, name=name, kind=kind, mentions=spans)


# --------------------------------------------------------------------------- gazetteer


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return gazetteer()


def test_loads_fast_and_once():
    gazetteer.cache_clear()
    t0 = time.perf_counter()
    first = gazetteer()
    assert time.perf_counter() - t0 < 0.3
    assert gazetteer() is first
    assert len(first.records) > 3000


def test_codes_levels_parents(g: Gazetteer):
    heze = g.by_code("371700")
    assert (heze.name, heze.short, heze.level, heze.parent) == ("菏泽市", "菏泽", "prefecture", "370000")
    qihe = g.by_code("371425")
    assert (qihe.name, qihe.level, g.parent("371425").name) == ("齐河县", "county", "德州市")
    assert [a.name for a in g.ancestors("371425")] == ["德州市", "山东省"]
    assert g.by_code("110105").parent == "110000"  # a municipality's district hangs off the municipality
    assert g.province_name("371703") == "山东省"
    assert g.by_code("999999") is None and g.parent("370000") is None


@pytest.mark.parametrize(
    ("name", "short"),
    [("内蒙古自治区", "内蒙古"), ("黔东南苗族侗族自治州", "黔东南"), ("鄂温克族自治旗", "鄂温克"), ("广西壮族自治区", "广西"),
     ("香港特别行政区", "香港"), ("伊犁哈萨克自治州", "伊犁"), ("东乡族自治县", "东乡"), ("神农架林区", "神农架")],
)
def test_short_names(g: Gazetteer, name: str, short: str):
    assert any(r.short == short for r in g.lookup(name))


def test_current_divisions(g: Gazetteer):
    """cpca's table is from about 2016; the 2017-2023 changes are applied."""
    assert g.lookup("定陶区")[0].code == "371703"
    assert g.lookup("定陶县")[0].name == "定陶区"  # historical name kept as alias
    assert g.lookup("莱芜市")[0].name == "莱芜区"  # 2019: merged into 济南
    assert g.lookup("章丘")[0].code == "370114"
    assert g.by_code("371200") is None


@pytest.mark.parametrize(
    ("code", "en"),
    [("371700", "Heze"), ("371703", "Dingtao"), ("371726", "Juancheng"), ("610000", "Shaanxi"), ("140000", "Shanxi"),
     ("500000", "Chongqing"), ("430100", "Changsha"), ("350200", "Xiamen"), ("340300", "Bengbu"), ("341500", "Lu'an"),
     ("331100", "Lishui"), ("150000", "Inner Mongolia"), ("540000", "Tibet"), ("810000", "Hong Kong"),
     ("820000", "Macao"), ("140400", "Changzhi"), ("211300", "Chaoyang"), ("411100", "Luohe"), ("371400", "Dezhou")],
)
def test_english_names(g: Gazetteer, code: str, en: str):
    assert g.english_name(code) == en


def test_english_lookup(g: Gazetteer):
    assert g.english_name("371700", full=True) == "Heze City"
    assert [r.name for r in g.lookup("Heze City")] == ["菏泽市"]
    assert [r.name for r in g.lookup("Yuncheng County")] == ["郓城县"]
    assert {r.name for r in g.lookup("Taizhou")} >= {"泰州市", "台州市"}
    assert g.lookup("Xizang")[0].name == "西藏自治区"
    assert g.lookup("Luan")[0].name == "六安市"


def test_candidates(g: Gazetteer):
    assert g.candidates("德州")[0].name == "德州市"
    assert g.candidates("德州市")[0].code == "371400"
    chaoyang = [r.code for r in g.candidates("朝阳区")]
    assert chaoyang[:2] == ["110105", "220104"]  # both homonyms, Beijing's first
    assert {"211300", "211321"} <= set(chaoyang)  # 朝阳市, 朝阳县 as other readings
    assert g.candidates("德洲市")[0].name == "德州市"  # one-character typo
    assert g.candidates("Dezou")[0].name == "德州市"
    assert g.candidates("Heze City")[0].name == "菏泽市"
    assert g.candidates("") == []


def test_region_prefixes(g: Gazetteer):
    pre = g.region_prefixes()
    assert {"锦州", "锦州市", "江苏", "江苏省", "齐河", "黔东南州"} <= pre
    assert "合作" not in pre and "城区" not in pre  # common words only in the loose set
    assert "合作" in g.region_prefixes(strict=False)
    assert g.prefix_of("锦州奥鸿药业") == "锦州"
    assert g.prefix_of("山东沃森农业科技有限公司") == "山东"
    assert g.prefix_of("奥鸿药业") is None


def test_data_file_integrity(g: Gazetteer):
    keys = [r.key for r in g.records]
    assert len(keys) == len(set(keys))
    for r in g.records:
        assert r.level in ("province", "prefecture", "county", "zone")
        assert g.by_code(r.province) is not None and g.by_code(r.province).level == "province"
        if r.level != "province":
            assert g.by_code(r.parent) is not None, r
        assert r.short == "" or len(r.short) >= 2
        assert r.en and r.en[0].isupper(), r
    assert sum(r.level == "province" for r in g.records) == 34


def test_build_script_reproduces_data(tmp_path: Path):
    pytest.importorskip("pypinyin")  # build-time only
    out = tmp_path / "regions.tsv"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_regions.py"), "--out", str(out)],
                   check=True, capture_output=True)
    committed = ROOT / "chainatlas" / "extract" / "data" / "regions.tsv"
    assert out.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- Chinese mentions


def test_full_and_short_names():
    text = "山东省德州市始终把医药产业作为主导产业。在德州市齐河县，德州生物医药产业基地建设加快。德州市天衢新区重点打造园区。"
    got = regions(text)
    assert set(got) == {"山东省", "德州市", "齐河县", "天衢新区"}
    dz = got["德州市"]
    assert dz.code == "371400" and dz.attrs["level"] == "prefecture" and dz.attrs["province"] == "山东省"
    assert dz.aliases == ["德州"] and len(dz.mentions) == 4
    assert all(text[m.start : m.end] == m.text for e in got.values() for m in e.mentions)
    assert got["天衢新区"].code is None and got["天衢新区"].attrs["parent"] == "371400"
    assert got["齐河县"].attrs["parent"] == "371400"


def test_longest_match_and_word_inside():
    got = regions("德州扒鸡远销全国，泰州市场监管局发布通知。")
    assert set(got) == {"德州市", "泰州市"}
    assert got["泰州市"].mentions[0].text == "泰州"  # 泰州市场 is 泰州 + 市场


@pytest.mark.parametrize(
    "text",
    ["朝阳产业发展迅速，要坚持合作共赢。", "加强与日本北海道的合作，推动乡村振兴。", "平原地区开辟绿色通道，整合优质资源。",
     "公安机关与市场监管部门联合执法。", "江北地区最大的铁皮石斛基地。", "长治久安，大同小异。", "市中心医院和城区医院扩建。",
     "孙中山先生的故居。", "中科院大化所与企业合作。", "各位来宾，大家好。", "药品开封后应冷藏保存。"],
)
def test_common_words_are_not_regions(text: str):
    assert regions(text) == {}


def test_two_character_county_needs_context():
    assert regions("平原医药产业园发展迅速。") == {}
    got = regions("德州市构建医药产业园区载体，平原医药产业园承接企业。")
    assert set(got) == {"德州市", "平原县"}
    assert "平原县" not in regions("山东省华北平原地区。")  # a province is not enough for a common word
    assert "齐河县" in regions("山东齐河经济开发区")  # an ordinary county name: the province will do
    assert "齐河县" in regions("齐河县推进产业发展。")  # printed with its suffix
    assert "高港区" in regions("泰州医药高新区(高港区)的企业。")


def test_province_alone_backs_a_county_only_when_printed_together():
    assert "昆山市" in regions("江苏昆山生物医药产业园")
    assert set(regions("山西推出新政。太阳城示范园区开园。")) == {"山西省"}  # 阳城 is a county of 山西
    assert set(regions("湖北省推动仙桃、潜江等地发展。")) >= {"湖北省", "潜江市"}  # the province is their parent


def test_homonyms_decided_by_context():
    got = regions("北京市朝阳区与辽宁省朝阳市签约。")
    assert got["朝阳区"].code == "110105" and got["朝阳市"].code == "211300"
    assert regions("长春市朝阳区医药企业")["朝阳区"].code == "220104"
    assert regions("辽宁朝阳推进中药材种植。")["朝阳市"].code == "211300"
    assert regions("吉林省长春市")["吉林省"].code == "220000"
    assert regions("吉林市船营区")["吉林市"].code == "220200"
    jiangbei = [e for e in find_regions(Document(source="t", text="浙江省宁波市江北区和重庆江北区。")) if e.name == "江北区"]
    assert [e.code for e in jiangbei] == ["330205", "500105"]  # the nearest parent decides
    binhai = [e for e in find_regions(Document(source="t", text="天津市滨海新区与绍兴滨海新区。")) if e.name == "滨海新区"]
    assert [e.attrs["parent"] for e in binhai] == ["120000", "330600"]
    # still ambiguous: the likelier reading, with the others noted
    chaoyang = regions("朝阳区卫健委发布通知")["朝阳区"]
    assert chaoyang.code == "110105" and "朝阳区 (220104)" in chaoyang.attrs["ambiguous"]


# --------------------------------------------------------------------------- English mentions


def test_english_names_resolve_to_chinese():
    text = ("Heze City has built parks in Dingtao District, Juancheng County and Yuncheng County; "
            "Dezhou and Shandong Province also grow.")
    got = regions(text)
    assert set(got) == {"菏泽市", "定陶区", "鄄城县", "郓城县", "德州市", "山东省"}
    assert got["菏泽市"].aliases == ["Heze City"] and got["菏泽市"].code == "371700"
    assert got["郓城县"].code == "371725"  # not 运城市: "County" and Shandong decide
    assert got["山东省"].mentions[0].text == "Shandong Province"


def test_english_homonyms():
    assert "泰州市" in regions("Taizhou in Jiangsu Province hosts the China Medical City.")
    assert "台州市" in regions("Taizhou, Zhejiang, is home to many drug makers.")
    suzhou = regions("centres in Beijing, Shanghai, Suzhou and other places")["苏州市"]
    assert "宿州市 (341300)" in suzhou.attrs["ambiguous"]
    assert "抚州市" in regions("Fuzhou in Jiangxi Province")
    assert "福州市" in regions("Fuzhou is the capital of Fujian.")


def test_english_false_friends():
    assert regions("Guide the enterprises a Mile further; Ali said so.") == {}
    assert "金华市" not in regions("Wang Jinhua, director of the bureau, spoke.")
    got = regions("Xi'an, Lu'an, Inner Mongolia Autonomous Region, Hong Kong SAR and Chongqing's Liangjiang New Area")
    assert set(got) == {"西安市", "六安市", "内蒙古自治区", "香港特别行政区", "重庆市", "两江新区"}


# --------------------------------------------------------------------------- mentions inside names


def test_region_inside_organisation_makes_no_entity():
    text = "江苏中慧元通生物科技股份有限公司研发疫苗，泰州医药企业遍地开花。"
    org = ent(text, "江苏中慧元通生物科技股份有限公司")
    got = regions(text, [org])
    assert set(got) == {"泰州市"}
    assert org.attrs["regions"] == ["江苏省"]  # noted on the organisation instead


def test_region_prefix_of_park_and_standalone():
    text = "锦州市发展生物医药。锦州高新区生物医药产业园以奥鸿药业为依托，乐陵医药产业园承接项目。"
    parks = [ent(text, "锦州高新区生物医药产业园", "park", None), ent(text, "乐陵医药产业园", "park", None)]
    got = regions(text, parks)
    assert set(got) == {"锦州市"}
    assert got["锦州市"].attrs["embedded"] == [[text.index("锦州高新区"), text.index("锦州高新区") + 2]]
    assert len(got["锦州市"].mentions) == 1


def test_government_body_counts_and_english_locative():
    text = "德州市卫健委主任表示"
    gov = ent(text, "德州市卫健委", kind="government")
    assert "德州市" in regions(text, [gov])
    text = "the BPC Industrial Park in Dingtao District and the Heze Modern Medicine Port"
    parks = [ent(text, "BPC Industrial Park in Dingtao District", "park", None),
             ent(text, "Heze Modern Medicine Port", "park", None)]
    got = regions(text, parks)
    assert set(got) == {"定陶区"}  # "in Dingtao District" names the district; Heze only inside a name


# --------------------------------------------------------------------------- other provinces


OTHER_PLACES = [
    ("江苏省苏州市昆山市生物医药产业园今年新增企业30家。", {"江苏省", "苏州市", "昆山市"}),
    ("浙江台州椒江区的制药企业是当地龙头。", {"浙江省", "台州市", "椒江区"}),
    ("成都市温江区医学城吸引了一批创新药企。", {"成都市", "温江区"}),
    ("广东省广州市黄埔区的生物岛获批建设。", {"广东省", "广州市", "黄埔区"}),
    ("安徽省亳州市谯城区现代中药产业规模突破千亿元。", {"安徽省", "亳州市", "谯城区"}),
    ("云南省昆明市呈贡区发展生物医药。", {"云南省", "昆明市", "呈贡区"}),
    ("河北省石家庄市正定县打造医药产业基地。", {"河北省", "石家庄市", "正定县"}),
    ("吉林省通化市是医药城，通化县、辉南县也在发力。", {"吉林省", "通化市", "通化县", "辉南县"}),
    ("四川天府新区和重庆两江新区合作共建。", {"四川省", "天府新区", "重庆市", "两江新区"}),
    ("雄安新区医疗资源持续扩容。", {"雄安新区"}),
    ("海南博鳌乐城国际医疗旅游先行区位于琼海市。", {"海南省", "琼海市"}),
    ("黑龙江哈尔滨市松北区加快发展生物医药。", {"黑龙江省", "哈尔滨市", "松北区"}),
    ("湖南长沙浏阳经开区集聚医药企业。", {"湖南省", "长沙市", "浏阳市"}),
    ("江西省南昌市、宜春市樟树市中药产业发展迅速。", {"江西省", "南昌市", "宜春市", "樟树市"}),
    ("陕西西安高新区引进项目。", {"陕西省", "西安市"}),
    ("内蒙古自治区呼和浩特市和林格尔新区。", {"内蒙古自治区", "呼和浩特市", "和林格尔新区"}),
    ("新疆维吾尔自治区乌鲁木齐市的医院。", {"新疆维吾尔自治区", "乌鲁木齐市"}),
    ("贵州省黔东南州凯里市。", {"贵州省", "黔东南苗族侗族自治州", "凯里市"}),
    ("南京江北新区生物医药谷。", {"南京市", "江北新区"}),
    ("上海临港新片区和浦东新区。", {"上海市", "临港新片区", "浦东新区"}),
    ("中山大学附属医院与中山市人民医院合作。", {"中山市"}),
    ("山西长治市和大同市医药产业发展。", {"山西省", "长治市", "大同市"}),
    ("兰州新区建设加快。", {"兰州新区", "兰州市"}),
    ("广西壮族自治区桂林市资源县、南宁市武鸣区。", {"广西壮族自治区", "桂林市", "资源县", "南宁市", "武鸣区"}),
    ("湖北省武汉市东湖高新区，宜昌、襄阳也在发力。", {"湖北省", "武汉市", "宜昌市", "襄阳市"}),
    ("西藏拉萨市、青海省西宁市和宁夏银川市。", {"西藏自治区", "拉萨市", "青海省", "西宁市", "宁夏回族自治区", "银川市"}),
    ("福建厦门海沧区生物医药港。", {"福建省", "厦门市", "海沧区"}),
    ("河南省郑州市航空港区和新乡市。", {"河南省", "郑州市", "新乡市"}),
]


@pytest.mark.parametrize(("text", "expected"), OTHER_PLACES)
def test_other_provinces(text: str, expected: set[str]):
    assert set(regions(text)) == expected


# --------------------------------------------------------------------------- the five samples


def _norm(s: str) -> str:  # as ../shared/eval/score.py
    s = unicodedata.normalize("NFKC", s or "").lower()
    return re.sub(r"[\s\"'“”‘’《》()（）·,，.。]", "", s)


def _norm_region(s: str) -> str:
    s = _norm(s)
    s = re.sub(r"(city|county|district|province)$", "", s)
    for suf in ("特别行政区", "自治区", "自治州", "省", "市", "县", "区"):
        if s.endswith(suf) and len(s) > len(suf) + 1:
            return s[: -len(suf)]
    return s


SAMPLES = {  # file stem → (first words of the body, last words of the body)
    "000_92044ddbfa7a7d96": ("Core Insights", "both sectors [5]"),
    "001_b4d0b549efe6cc97": ("山东省德州市始终", "对接好产业招商线索。"),
    "002_226b122ceda63592": ("To boost", "to offer to each other."),
    "003_f4725f14a15ba77d": ("“创新”激发活力", "(辽宁日报 记者 文继红)"),
    "004_8809694e300b3524": ("初冬时节", "“泰州样板”。"),
}


def _sample(stem: str) -> tuple[Document, dict]:
    raw = (CORPUS / "docs" / f"{stem}.txt").read_text(encoding="utf-8")
    first, last = SAMPLES[stem]
    text = raw[raw.index(first) : raw.index(last) + len(last)]
    gold = json.loads((CORPUS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    ents: list[Entity] = []
    taken: list[tuple[int, int]] = []
    names = [(n, "organization", o.get("kind")) for o in gold["organizations"] for n in [o["name"], *o.get("aliases", [])]]
    names += [(n, "park", None) for p in gold["parks"] for n in [p["name"], *p.get("aliases", [])]]
    names += [("辽宁日报", "organization", "media")]
    for name, type_, kind in sorted(names, key=lambda x: -len(x[0])):  # longest names claim their spans first
        spans = [Span(m.start(), m.end(), name) for m in re.finditer(re.escape(name), text)
                 if not any(s <= m.start() < e for s, e in taken)]
        taken += [(s.start, s.end) for s in spans]
        if spans:
            ents.append(Entity(type=type_, name=name, kind=kind, mentions=spans))
    return Document(source=f"{stem}.txt", text=text, entities=ents), gold


def test_samples_region_f1():
    tp_gold = tp_pred = n_pred = n_gold = 0
    for stem in SAMPLES:
        doc, gold = _sample(stem)
        extract_regions(doc)
        pred = [{_norm_region(e.name)} | {_norm_region(a) for a in e.aliases} for e in doc.entities if e.type == "region"]
        golds = [{_norm_region(r)} for r in gold["regions"]]
        ignore = {_norm_region(x) for x in gold["ignore"]}
        counted = [p for p in pred if not p & ignore]
        tp_gold += sum(1 for gs in golds if any(p & gs for p in pred))
        tp_pred += sum(1 for p in counted if any(p & gs for gs in golds))
        n_pred += len(counted)
        n_gold += len(golds)
        missed = [gs for gs in golds if not any(p & gs for p in pred)]
        assert not missed, (stem, missed)
    precision, recall = tp_pred / n_pred, tp_gold / n_gold
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.9, (precision, recall)


# --------------------------------------------------------------------------- component


def test_component_registered_and_idempotent():
    assert registry.components["regions"] is extract_regions  # registered on import
    doc = Document(source="t", text="山东省德州市齐河县")
    extract_regions(doc)
    extract_regions(doc)
    names = [e.name for e in doc.entities if e.type == "region"]
    assert names == ["山东省", "德州市", "齐河县"]
    assert all(len(e.mentions) == 1 for e in doc.entities)


def test_empty_and_foreign_text():
    assert regions("") == {}
    assert regions("The drug was approved in the United States, Japan and Zimbabwe.") == {}
    assert regions("该产品已在美国获批上市，并与津巴布韦签署协议。") == {}


def test_speed_much_faster_than_jieba():
    text = "".join(_sample(stem)[0].text for stem in SAMPLES) * 20
    doc = Document(source="t", text=text)
    find_regions(doc)  # warm caches
    t0 = time.perf_counter()
    find_regions(doc)
    mb_s = len(text.encode("utf-8")) / 1e6 / (time.perf_counter() - t0)
    assert mb_s > 2.0  # jieba.lcut runs at about 1 MB/s here


def test_place_opening_a_park_the_article_returns_to_is_a_subject():
    # 宁波 is never printed alone, but the article keeps returning to 宁波高新区
    text = "宁波高新区今年引进生物医药项目12个。宁波高新区还将建设医疗器械产业园。"
    got = regions(text, [ent(text, "宁波高新区", "park", None)])
    assert set(got) == {"宁波市"}
    # a park printed once stays a container only (乐陵医药产业园)
    text = "乐陵医药产业园承接项目。"
    assert regions(text, [ent(text, "乐陵医药产业园", "park", None)]) == {}


def test_a_bay_named_after_a_city_is_not_the_city():
    # 杭州湾新区 lies in Ningbo; 胶州湾 is a bay of Qingdao
    assert set(regions("宁波杭州湾新区引进生物医药项目。")) == {"宁波市"}
    assert set(regions("青岛市胶州湾畔的产业园。")) == {"青岛市"}
    assert "杭州市" in regions("杭州市发展生物医药产业。")
