"""Labelled name pairs: would the resolver make the second name the same entity as the first?

Each pair is resolved as two documents (the first creates the entity, the second is resolved
against it) with the pure ``Resolver``, optionally with the regions each document is about.
``python -m tests.resolve.pairs`` (from the repo root) prints every verdict and the merge
precision and recall; ``test_pairs.py`` keeps them checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from chainatlas.model import Entity
from chainatlas.resolve import places
from chainatlas.resolve.keys import entity_key
from chainatlas.resolve.resolver import Known, Resolver, surface_forms


@dataclass(frozen=True)
class Pair:
    a: str  # "name|alias|alias" of the entity in the first document
    b: str
    same: bool
    type: str = "organization"
    type_b: str | None = None
    where_a: tuple[str, ...] = ()  # regions the first document is about
    where_b: tuple[str, ...] = ()
    note: str = ""


TZ, BX, JZ, DZ = ("泰州市",), ("本溪市",), ("锦州市",), ("德州市",)

PAIRS: tuple[Pair, ...] = (
    # ---- one entity, printed differently
    Pair("锦州奥鸿药业有限责任公司", "奥鸿药业", True, note="short name"),
    Pair("锦州奥鸿药业", "锦州奥鸿药业有限责任公司", True, note="legal suffix"),
    Pair("锦州奥鸿药业", "辽宁奥鸿药业", True, note="city inside its province"),
    Pair("扬子江药业集团", "扬子江药业集团有限公司", True, note="group with legal suffix"),
    Pair("扬子江药业", "扬子江药业集团", True, note="group suffix, no other 扬子江"),
    Pair("扬子江药业集团江苏龙凤堂中药有限公司", "扬子江龙凤堂", True, note="subsidiary short form"),
    Pair("扬子江药业集团江苏龙凤堂中药有限公司", "江苏龙凤堂中药有限公司", True, note="subsidiary's own name"),
    Pair("江苏中慧元通生物科技股份有限公司", "中慧元通生物", True, note="first industry word only"),
    Pair("山东沃森农业科技有限公司", "沃森农业", True),
    Pair("江苏恒瑞医药股份有限公司", "恒瑞医药", True),
    Pair("江苏瑞科生物技术股份有限公司", "瑞科生物", True),
    Pair("北大医学部（泰州）医药健康产业创新中心", "北大医学部(泰州)医药健康产业创新中心", True,
         note="full-width brackets"),
    Pair("阿斯利康", "阿斯利康制药有限公司", True),
    Pair("华润三九医药股份有限公司", "华润三九", True),
    Pair("上海复星医药(集团)股份有限公司", "复星医药", True, note="(集团) in brackets"),
    Pair("科大讯飞股份有限公司", "科大讯飞", True),
    Pair("济川药业集团有限公司", "济川药业", True),
    Pair("国药集团", "国药集团有限公司", True),
    Pair("正大天晴药业集团股份有限公司", "正大天晴药业", True),
    Pair("泰州市人民医院", "泰州人民医院", True, note="generic stem, same city printed"),
    Pair("德州市东部医疗中心", "东部医疗中心", True, where_a=DZ, where_b=DZ, note="generic, same city"),
    Pair("国际遗传工程和生物技术中心|ICGEB", "ICGEB", True, note="English form paired in the article"),
    Pair("Jiangsu Hengrui Pharmaceuticals Co., Ltd.", "Hengrui Pharmaceuticals", True),
    Pair("Carson Cell", "CARSON CELL", True, note="case"),
    Pair("Shandong Small-volume Injection Research Center", "Small-volume Injection Research Center", True),
    Pair("泰州医药高新区", "医药高新区", True, "park", where_a=TZ, where_b=TZ),
    Pair("锦州高新区生物医药产业园", "高新区生物医药产业园区", True, "park", where_a=JZ, where_b=JZ),
    Pair("乐陵医药产业园", "乐陵市医药产业园", True, "park"),
    Pair("Heze Biomedical Park", "Heze City Biomedical Park", True, "park"),
    Pair("BPC Industrial Park in Dingtao District", "BPC Industrial Park", True, "park"),
    Pair("中国医药城", "中国医药城", True, "park", where_a=TZ, where_b=DZ, note="nation-wide name, other city"),
    Pair("天衢新区北方应急医疗综合产业示范区", "北方应急医疗综合产业示范区", True, "park", where_a=DZ, where_b=DZ,
         note="zone prefix (天衢新区) is not stripped: a known miss"),
    # ---- different entities
    Pair("泰州奥鸿药业", "台州奥鸿药业", False, note="泰州 vs 台州"),
    Pair("泰州奥鸿药业", "锦州奥鸿药业", False),
    Pair("扬子江药业集团", "扬子江龙凤堂", False, note="group vs subsidiary"),
    Pair("扬子江药业集团", "扬子江药业集团江苏龙凤堂中药有限公司", False, note="group vs subsidiary"),
    Pair("恒瑞医药", "恒瑞医疗", False, note="shared core, other industry"),
    Pair("江苏恒瑞医药股份有限公司", "恒瑞医疗", False),
    Pair("江苏研诺医药科技", "江苏研诺生物科技", False),
    Pair("锦州奥鸿药业有限公司", "锦州奥鸿药业有限公司沈阳分公司", False, note="branch"),
    Pair("德州市医养健康有限公司", "山东医养健康有限公司", False, note="generic core, other level"),
    Pair("上海医药集团", "北京医药集团", False, note="generic core, other city"),
    Pair("德州市东部医疗中心", "东部医疗中心", False, where_a=DZ, where_b=BX, note="generic, other city"),
    Pair("泰州市人民医院", "台州市人民医院", False),
    Pair("德州市人民医院", "德州市中医院", False),
    Pair("复旦大学", "复旦大学附属中山医院", False),
    Pair("北大医学部", "北大医学部(泰州)医药健康产业创新中心", False),
    Pair("中科院大化所", "中科院大化所中国医药城生物医药创新研究院", False),
    Pair("科大讯飞", "科大讯飞医疗人工智能研究院", False),
    Pair("国际遗传工程和生物技术中心", "国际遗传工程和生物技术中心(ICGEB)中国区域研究中心", False),
    Pair("Jiangsu Hengrui Pharmaceuticals", "Hengrui Medical", False),
    Pair("华润三九", "华润双鹤", False),
    Pair("医药高新区", "医药高新区", False, "park", where_a=TZ, where_b=BX, note="generic park, other city"),
    Pair("泰州医药高新区", "本溪医药高新区", False, "park"),
    Pair("锦州高新区生物医药产业园", "高新区生物医药产业园区", False, "park", where_a=JZ, where_b=TZ),
    Pair("Heze Biomedical Park", "Jinan Biomedical Park", False, "park"),
    Pair("中国医药城", "中国医药集团", False, "park", "organization", note="park vs organisation"),
)


def _entity(spec: str, etype: str) -> Entity:
    name, *aliases = spec.split("|")
    return Entity(etype, name, aliases=aliases)


def _context(where: tuple[str, ...]) -> tuple[str, ...]:
    return places.document_context([Entity("region", w) for w in where])


def merged(pair: Pair) -> tuple[bool, str]:
    """Resolve the pair as two documents; (merged?, the resolver's reason)."""
    r = Resolver()
    first = _entity(pair.a, pair.type)
    made = r.resolve([first], [], _context(pair.where_a))
    new = made.new[-1]
    known = Known(1, new.type, new.name, entity_key(first), None, None, tuple(surface_forms(first)), new.context)
    second = _entity(pair.b, pair.type_b or pair.type)
    out = r.resolve([second], [known], _context(pair.where_b)).assignments[0]
    return out.target == 1, out.reason


def score() -> tuple[float, float, list[tuple[Pair, bool, str]]]:
    rows = [(p, *merged(p)) for p in PAIRS]
    tp = sum(1 for p, got, _ in rows if got and p.same)
    fp = sum(1 for p, got, _ in rows if got and not p.same)
    fn = sum(1 for p, got, _ in rows if not got and p.same)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, rows


def main() -> None:
    precision, recall, rows = score()
    for p, got, reason in rows:
        mark = "ok  " if got == p.same else "MISS" if p.same else "FALSE"
        print(f"{mark} {'same' if p.same else 'diff'} {p.a} ~ {p.b}  [{p.type}]  → {reason}"
              + (f"  ({p.note})" if p.note else ""))
    positives = sum(1 for p in PAIRS if p.same)
    print(f"{len(PAIRS)} pairs ({positives} same, {len(PAIRS) - positives} different): "
          f"merge precision {precision:.3f}, recall {recall:.3f}")


if __name__ == "__main__":
    main()
