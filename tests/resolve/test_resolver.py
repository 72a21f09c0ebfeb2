from __future__ import annotations

import random

from chainatlas.model import Entity, Span
from chainatlas.resolve import Decisions, Known, Resolver
from chainatlas.resolve.places import document_context


def org(name: str, *aliases: str, kind: str | None = "enterprise") -> Entity:
    return Entity("organization", name, kind=kind, aliases=list(aliases))


def known(i: int, name: str, *forms: str, kind: str | None = "enterprise", etype: str = "organization",
          code: str | None = None, context: tuple[str, ...] = ()) -> Known:
    return Known(i, etype, name, name, kind, code, (name, *forms), context)


def one(resolver: Resolver, ent: Entity, pool: list[Known], where: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return resolver.resolve(resolver.pieces([ent]), pool, where).assignments[0]


def test_short_form_matching_two_entities_is_not_merged() -> None:
    pool = [known(1, "锦州奥鸿药业有限责任公司"), known(2, "泰州奥鸿药业")]
    a = one(Resolver(), org("奥鸿"), pool)
    assert a.target < 0 and a.rule == "ambiguous" and a.candidates == (1, 2)
    assert "#1 锦州奥鸿药业有限责任公司" in a.reason and "#2 泰州奥鸿药业" in a.reason


def test_document_regions_pick_nothing_but_clashing_regions_veto() -> None:
    pool = [known(1, "锦州奥鸿药业有限责任公司")]
    assert one(Resolver(), org("泰州奥鸿药业"), pool).target < 0
    assert one(Resolver(), org("辽宁奥鸿药业"), pool).target == 1
    assert one(Resolver(), org("锦州奥鸿药业", kind="institution"), pool).target < 0  # kinds clash


def test_group_suffix_only_when_no_other_entity_shares_the_core() -> None:
    alone = one(Resolver(), org("扬子江药业"), [known(1, "扬子江药业集团")])
    assert alone.target == 1 and alone.rule == "group"
    crowded = one(Resolver(), org("扬子江药业"), [known(1, "扬子江药业集团"), known(2, "扬子江制药")])
    assert crowded.target < 0 and crowded.rule == "ambiguous"


def test_group_and_subsidiary_stay_apart() -> None:
    pool = [known(1, "扬子江药业集团")]
    assert one(Resolver(), org("扬子江药业集团江苏龙凤堂中药有限公司"), pool).target < 0
    assert one(Resolver(), org("扬子江龙凤堂"), pool).target < 0


def test_admin_codes_decide_regions() -> None:
    pool = [known(1, "朝阳区", etype="region", code="110105", kind=None)]
    same = one(Resolver(), Entity("region", "朝阳区", code="110105"), [Known(1, "region", "朝阳区", "110105", None,
                                                                             "110105", ("朝阳区",))])
    assert same.target == 1 and same.reason == "same admin code 110105"
    other = one(Resolver(), Entity("region", "朝阳区", code="220104"), pool)
    assert other.target < 0  # the Changchun district of the same name


def test_generic_names_need_the_same_city() -> None:
    pool = [known(1, "医药高新区", etype="park", kind=None, context=("321200",))]
    taizhou = document_context([Entity("region", "泰州市", code="321200")])
    benxi = document_context([Entity("region", "本溪市", code="210500")])
    park = Entity("park", "医药高新区")
    assert one(Resolver(), park, pool, taizhou).target == 1
    assert one(Resolver(), park, pool, benxi).target < 0


def test_outcome_does_not_depend_on_entity_order() -> None:
    ents = [org("奥鸿药业"), org("锦州奥鸿药业有限责任公司", "奥鸿"), org("泰州奥鸿药业"), org("扬子江药业集团"),
            org("扬子江龙凤堂"), Entity("park", "泰州医药高新区", aliases=["医药高新区"])]
    pool = [known(7, "锦州奥鸿药业")]

    def outcome(order: list[Entity]) -> dict[str, tuple[str, ...]]:
        r = Resolver()
        res = r.resolve(r.pieces(order), pool)
        groups: dict[int, list[str]] = {}
        for a in res.assignments:
            groups.setdefault(a.target, []).append(a.entity.name)
        return {min(v): tuple(sorted(v)) for v in groups.values()}

    first = outcome(ents)
    rng = random.Random(4)
    for _ in range(5):
        shuffled = ents[:]
        rng.shuffle(shuffled)
        assert outcome(shuffled) == first
    r = Resolver()
    res = r.resolve(r.pieces(ents), pool)
    by_name = {a.entity.name: a for a in res.assignments}
    assert by_name["锦州奥鸿药业有限责任公司"].target == 7
    assert by_name["泰州奥鸿药业"].target < 0
    # with both a 锦州 and a 泰州 奥鸿 around, the bare short name is ambiguous
    assert by_name["奥鸿药业"].rule == "ambiguous" and first["奥鸿药业"] == ("奥鸿药业",)
    assert by_name["扬子江龙凤堂"].target != by_name["扬子江药业集团"].target


def test_user_merge_and_split_come_first() -> None:
    decisions = Decisions.from_records([
        (1, "merge", {"type": "organization", "into": "锦州奥鸿药业有限责任公司", "from": "Aohong Pharma"}),
        (2, "split", {"type": "organization", "entity": "锦州奥鸿药业有限责任公司", "alias": "奥鸿药业",
                      "alias_forms": ["奥鸿药业"], "entity_forms": ["锦州奥鸿药业有限责任公司", "奥鸿"]}),
    ])
    r = Resolver(decisions)
    pool = [known(1, "锦州奥鸿药业有限责任公司", "奥鸿")]
    merged = one(r, org("Aohong Pharma"), pool)
    assert merged.target == 1 and merged.reason == "user merge #1"
    assert one(r, org("奥鸿药业"), pool).target < 0  # split: never rejoins
    text = "锦州奥鸿药业有限责任公司（奥鸿药业）"
    both = Entity("organization", "锦州奥鸿药业有限责任公司", aliases=["奥鸿药业"],
                  mentions=[Span(0, 12, text[:12]), Span(13, 17, "奥鸿药业")])
    pieces = r.pieces([both])
    assert [(p.name, [m.text for m in p.mentions]) for p in pieces] == [
        ("锦州奥鸿药业有限责任公司", ["锦州奥鸿药业有限责任公司"]), ("奥鸿药业", ["奥鸿药业"])]
    res = r.resolve(pieces, pool)
    assert res.assignments[0].target == 1 and res.assignments[1].target < 0


def test_later_decisions_win() -> None:
    split_then_merge = Decisions.from_records([
        (1, "split", {"type": "organization", "entity": "A药业有限公司", "alias": "B药业"}),
        (2, "merge", {"type": "organization", "into": "A药业有限公司", "from": "B药业"}),
    ])
    assert split_then_merge.splits == [] and len(split_then_merge.merges) == 1
    merge_then_split = Decisions.from_records([
        (1, "merge", {"type": "organization", "into": "A药业有限公司", "from": "B药业"}),
        (2, "split", {"type": "organization", "entity": "A药业有限公司", "alias": "B药业"}),
    ])
    assert merge_then_split.merges == [] and len(merge_then_split.splits) == 1
    chained = Decisions.from_records([
        (1, "merge", {"type": "organization", "names": ["甲", "乙"]}),
        (2, "merge", {"type": "organization", "names": ["乙", "丙"]}),
    ])
    assert chained.merge_class("organization", ["丙"]) == (frozenset({"甲", "乙", "丙"}), (1, 2))
