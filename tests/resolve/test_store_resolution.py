from __future__ import annotations

from sqlalchemy import delete, func, select

from chainatlas.store import Store
from chainatlas.store import schema as s

from .conftest import document

A = ("doc-a", "奥鸿药业新建冻干粉针生产线。", [("organization", "奥鸿药业", {"kind": "enterprise"})])
B = ("doc-b", "锦州市招商：锦州奥鸿药业投资3亿元扩产。",
     [("region", "锦州市", {"code": "210700"}), ("organization", "锦州奥鸿药业", {"kind": "enterprise"})])
C = ("doc-c", "锦州奥鸿药业有限责任公司（以下简称“奥鸿”）在辽宁省新建基地，奥鸿将于明年投产。",
     [("region", "辽宁省", {"code": "210000"}),
      ("organization", "锦州奥鸿药业有限责任公司", {"kind": "enterprise"}, "奥鸿")])
D = ("doc-d", "泰州奥鸿药业落户泰州市医药高新区。",
     [("region", "泰州市", {"code": "321200"}), ("organization", "泰州奥鸿药业", {"kind": "enterprise"}),
      ("park", "泰州市医药高新区", "医药高新区")])


def docs():  # type: ignore[no-untyped-def]
    return [document(*spec, title=f"标题{spec[0][-1].upper()}", published=f"2024-0{i}-01")
            for i, spec in enumerate((A, B, C, D), 1)]


def test_three_printings_become_one_entity_with_reasons(store: Store) -> None:
    ids = [store.add_document(d) for d in docs()]
    view = store.entity("奥鸿药业")
    assert view is not None
    assert view.name == "锦州奥鸿药业有限责任公司"  # the fullest printed form names it
    assert view.document_count == 3 and view.mention_count == 5
    forms = {a.alias: a for a in view.aliases}
    assert set(forms) == {"奥鸿药业", "锦州奥鸿药业", "奥鸿"}
    assert [d.id for d in forms["奥鸿药业"].documents] == [ids[0]]
    assert [d.title for d in forms["锦州奥鸿药业"].documents] == ["标题B"]
    assert [d.id for d in view.name_documents] == [ids[2]]
    assert forms["锦州奥鸿药业"].rule == "core"
    assert forms["锦州奥鸿药业"].reason.startswith("same core name 奥鸿 + industry word 药业, compatible region (锦州")
    assert forms["奥鸿"].rule == "apposition" and "same document" in forms["奥鸿"].reason
    merges = {m["alias"]: m for m in view.attrs["merges"]}
    assert merges["锦州奥鸿药业有限责任公司"]["document_id"] == ids[2]
    assert merges["奥鸿药业"]["rule"] == "new"
    taizhou = store.entity("泰州奥鸿药业")
    assert taizhou is not None and taizhou.id != view.id  # 泰州 and 锦州 never merge
    assert store.stats().entities == {"organization": 2, "region": 3, "park": 1}


def test_lookup_rows_stay_out_of_sight(store: Store) -> None:
    for d in docs():
        store.add_document(d)
    with store.engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(s.aliases).where(s.aliases.c.source == "index"))
    assert rows and rows > 0
    assert store.find_entities("~奥鸿") == [] and store.find_entities("=奥鸿") == []
    assert all(not a.alias.startswith(("=", "~")) for a in store.entity("奥鸿").aliases)  # type: ignore[union-attr]
    assert store.entity("ＡＢＣ") is None


def test_old_database_gets_lookup_rows_on_open(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "old.db"
    with Store(db) as st:
        st.add_document(docs()[2])
        with st.engine.begin() as conn:
            conn.execute(delete(s.aliases).where(s.aliases.c.source == "index"))
    with Store(db) as st:
        st.add_document(docs()[1])  # finds the entity through rebuilt look-up rows
        assert st.stats().entities["organization"] == 1


def test_generic_park_alias_does_not_cross_cities(store: Store) -> None:
    store.add_document(docs()[3])
    other = document("doc-e", "本溪市医药高新区（简称医药高新区）发布新政。",
                     [("region", "本溪市", {"code": "210500"}), ("park", "本溪市医药高新区", "医药高新区")])
    store.add_document(other)
    assert store.stats().entities["park"] == 2
    bare = document("doc-f", "泰州市：医药高新区新增企业20家。",
                    [("region", "泰州市", {"code": "321200"}), ("park", "医药高新区")])
    store.add_document(bare)
    park = store.entity("泰州市医药高新区")
    assert park is not None and park.document_count == 2


def test_replace_extraction_reresolves_and_prunes(store: Store) -> None:
    ids = [store.add_document(d) for d in docs()]
    redo = docs()[2]
    redo.entities[1].aliases = []  # the extractor no longer links 奥鸿
    redo.entities[1].mentions = [m for m in redo.entities[1].mentions if m.text != "奥鸿"]
    store.replace_extraction(ids[2], redo)
    view = store.entity("锦州奥鸿药业有限责任公司")
    assert view is not None
    assert {a.alias for a in view.aliases} == {"奥鸿药业", "锦州奥鸿药业"}  # stale 奥鸿 pruned
    assert "奥鸿" not in {m["alias"] for m in view.attrs["merges"]}
    store.replace_extraction(ids[2], redo)
    assert store.entity("锦州奥鸿药业有限责任公司").mention_count == view.mention_count  # type: ignore[union-attr]


def test_delete_document_drops_what_only_it_supported(store: Store) -> None:
    ids = [store.add_document(d) for d in docs()]
    assert store.delete_document(ids[3]) and not store.delete_document(999)
    assert store.entity("泰州奥鸿药业") is None and store.entity("医药高新区") is None
    assert store.stats().documents == 3
    assert store.search("泰州") == []


def test_without_resolution_only_keys_count(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "k.db", resolve=False) as st:
        for d in docs():
            st.add_document(d)
        assert st.stats().entities["organization"] == 4
