from __future__ import annotations

import pytest

from chainatlas.resolve import places
from chainatlas.resolve.names import analyse, compare, index_keys, region_relation, same_name

from .pairs import PAIRS, score


@pytest.mark.parametrize(("name", "regions", "core", "industry", "legal", "group"), [
    ("锦州奥鸿药业有限责任公司", ("锦州",), "奥鸿", ("药业",), "有限责任公司", False),
    ("奥鸿药业", (), "奥鸿", ("药业",), "", False),
    ("扬子江药业集团有限公司", (), "扬子江", ("药业",), "集团有限公司", True),
    ("扬子江药业集团", (), "扬子江", ("药业",), "集团", True),
    ("江苏中慧元通生物科技股份有限公司", ("江苏",), "中慧元通", ("生物", "科技"), "股份有限公司", False),
    ("上海复星医药(集团)股份有限公司", ("上海",), "复星", ("医药",), "股份有限公司", True),
    ("江苏省泰州市奥鸿药业有限公司", ("江苏省", "泰州市"), "奥鸿", ("药业",), "有限公司", False),
    ("Jiangsu Hengrui Pharmaceuticals Co., Ltd.", ("jiangsu",), "hengrui", ("pharmaceuticals",), "co ltd", False),
])
def test_company_names_are_taken_apart(name: str, regions: tuple[str, ...], core: str,
                                       industry: tuple[str, ...], legal: str, group: bool) -> None:
    p = analyse(name)
    assert (p.regions, p.core, p.industry, p.legal, p.is_group) == (regions, core, industry, legal, group)
    assert p.style == "enterprise"


def test_subsidiary_carries_its_own_core() -> None:
    sub = analyse("扬子江药业集团江苏龙凤堂中药有限公司")
    assert sub.parent == "扬子江药业集团" and sub.core == "扬子江龙凤堂" and sub.alt_cores == ("龙凤堂",)
    assert sub.regions == ("江苏",)
    assert compare(sub, analyse("扬子江药业集团")) is None
    assert compare(sub, analyse("扬子江龙凤堂")) is not None


def test_institutions_parks_and_generic_names() -> None:
    hospital = analyse("德州市东部医疗中心")
    assert hospital.style == "institution" and hospital.core == "东部医疗中心" and hospital.regions == ("德州市",)
    assert analyse("东部医疗中心").generic and not analyse("复旦大学").generic
    park = analyse("锦州高新区生物医药产业园区", "park")
    assert park.regions == ("锦州",) and park.core == "高新区生物医药产业园"  # 产业园区 ~ 产业园
    assert analyse("医药高新区", "park").generic and not analyse("泰州医药高新区", "park").generic
    city = analyse("中国医药城", "park")
    assert city.national and not city.generic
    assert analyse("Biomedical Industrial Park", "park").generic
    assert analyse("BPC Industrial Park in Dingtao District", "park").codes == {"371703"}


def test_regions_are_compared_by_code() -> None:
    assert places.codes_of("泰州") == {"321200"} and places.codes_of("台州") == {"331000"}
    assert region_relation(analyse("泰州奥鸿药业"), analyse("台州奥鸿药业")) is None
    assert region_relation(analyse("锦州奥鸿药业"), analyse("辽宁奥鸿药业")) == "锦州 ⊂ 辽宁"
    assert region_relation(analyse("锦州奥鸿药业"), analyse("奥鸿药业")) == "锦州 vs —"
    assert places.contains("210000", "210700") and not places.contains("210700", "210000")
    assert places.compatible({"321200"}, {"320000"}) and not places.compatible({"321200"}, {"331000"})
    assert places.overlap({"371425"}, {"371400"}) and not places.overlap({"371400"}, {"321200"})
    assert places.areas({"370000", "371425"}) == {"371400"}  # a province only where nothing finer is known


def test_same_name_needs_a_shared_city_for_generic_names() -> None:
    assert same_name("德州市东部医疗中心", "东部医疗中心") is None
    m = same_name("德州市东部医疗中心", "东部医疗中心", same_city=True)
    assert m is not None and m.rule == "stem" and m.context
    assert same_name("恒瑞医药", "恒瑞医疗") is None
    g = same_name("扬子江药业", "扬子江药业集团")
    assert g is not None and g.rule == "group" and "group suffix" in g.reason


def test_index_keys_find_short_and_long_forms_alike() -> None:
    assert "~奥鸿" in index_keys("organization", "锦州奥鸿药业有限责任公司")
    assert set(index_keys("organization", "奥鸿药业")) == {"=奥鸿药业", "~奥鸿"}
    assert "~龙凤堂" in index_keys("organization", "扬子江药业集团江苏龙凤堂中药有限公司")
    assert index_keys("region", "德州市") == ("=德州市",)


def test_labelled_pairs_precision_first() -> None:
    """Merge precision must be perfect on the labelled pairs; recall is measured and printed."""
    assert len(PAIRS) >= 30
    precision, recall, rows = score()
    wrong = [(p.a, p.b) for p, got, _ in rows if got and not p.same]
    print(f"\n{len(PAIRS)} labelled pairs: merge precision {precision:.3f}, recall {recall:.3f}")
    assert wrong == [] and precision == 1.0
    assert recall >= 0.9
