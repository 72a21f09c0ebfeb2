from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.exc import IntegrityError

from chainatlas.model import Document, Entity, Fact, Passage, Span
from chainatlas.store import Store, content_hash, entity_key

from .conftest import dezhou_doc, heze_doc, lines, qihe_doc, spans


def test_add_document_stores_everything(store: Store) -> None:
    doc = dezhou_doc()
    doc_id = store.add_document(doc, signature=b"\x01\x02")
    view = store.document(doc_id)
    assert view is not None
    assert view.title == "德州疫苗基地签约" and view.published == "2024-05-01"
    assert [p.text for p in view.passages] == [doc.text[p.start : p.end] for p in doc.passages]
    assert [s.path for s in view.sources] == ["news/dezhou.txt"] and view.sources[0].status == "original"
    assert {e.name for e in view.entities} == {"德州市", "江苏中慧元通生物科技股份有限公司", "德州市生物医药产业园"}
    money = view.quantities[0]
    assert (money.kind, money.value, money.currency, money.text, money.passage) == ("money", 1.2e9, "CNY", "12亿元", 0)
    assert view.facts[0].args["subject"] == "江苏中慧元通生物科技股份有限公司" and view.facts[0].status == "extracted"
    assert view.ingested_at.tzinfo is not None
    assert store.known_hashes() == {"hash-dezhou"}
    assert list(store.minhash_index()) == [(doc_id, "hash-dezhou", b"\x01\x02")]
    assert store.document_id("hash-dezhou") == doc_id and store.document_id("nope") is None


def test_canonical_entities_are_shared_across_documents(store: Store) -> None:
    a = dezhou_doc()
    b = Document(source="b.txt", text="德州市新建医院。", content_hash="hash-b",
                 entities=[Entity("region", "德州市", code="371400", mentions=[Span(0, 3, "德州市")]),
                           Entity("organization", "江苏中慧元通生物科技股份有限公司 ", mentions=[])])
    store.add_document(a)
    store.add_document(b)
    stats = store.stats()
    assert stats.entities == {"region": 1, "organization": 1, "park": 1}
    view = store.entity("德州市")
    assert view is not None and view.document_count == 2 and view.mention_count == 3


def test_readding_the_same_file_changes_nothing(store: Store) -> None:
    first = store.add_document(dezhou_doc(), signature=b"sig")
    before = store.stats()
    assert store.add_document(dezhou_doc(), signature=b"other") == first
    assert store.add_source(first, "news/dezhou.txt", "original", None)
    assert store.stats() == before
    assert list(store.minhash_index()) == [(first, "hash-dezhou", b"sig")]


def test_sources_and_duplicates(store: Store) -> None:
    doc_id = store.add_document(dezhou_doc())
    assert store.source_exists("news/dezhou.txt") and not store.source_exists("mirror/dezhou.html")
    copy = dezhou_doc()
    copy.source = "mirror/dezhou.html"
    assert store.add_document(copy) == doc_id  # same hash: recorded as a duplicate source
    store.add_source(doc_id, "other/near.txt", "near-duplicate", 0.91)
    statuses = {s.path: (s.status, s.similarity) for s in store.document(doc_id).sources}  # type: ignore[union-attr]
    assert statuses == {"news/dezhou.txt": ("original", None), "mirror/dezhou.html": ("duplicate", 1.0),
                        "other/near.txt": ("near-duplicate", 0.91)}
    assert store.stats().duplicates == 2
    with pytest.raises(ValueError, match="source status"):
        store.add_source(doc_id, "x.txt", "copy")


def test_missing_hash_and_passages_get_defaults(store: Store) -> None:
    doc = Document(source="plain.txt", text="第一段。\n\n  第二段 vaccine。  \n")
    doc_id = store.add_document(doc)
    view = store.document(doc_id)
    assert view is not None and view.content_hash == content_hash(doc.text)
    assert [(p.idx, p.text) for p in view.passages] == [(0, "第一段。"), (1, "第二段 vaccine。")]


def test_failed_add_leaves_prior_data_intact(store: Store) -> None:
    store.add_document(dezhou_doc())
    before = store.stats()
    bad = qihe_doc()
    bad.passages = [Passage(0, 0, 10), Passage(0, 10, 20)]  # duplicate passage index: constraint violation
    with pytest.raises(IntegrityError):
        store.add_document(bad)
    assert store.stats() == before
    assert store.known_hashes() == {"hash-dezhou"}
    assert [h.document_id for h in store.search("德州")] and store.search("奥鸿") == []


def test_failure_late_in_add_rolls_back_passages_and_index(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_document(dezhou_doc())
    before = store.stats()

    def boom(*args: object) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr(store, "_insert_extraction", boom)
    with pytest.raises(RuntimeError, match="injected"):
        store.add_document(qihe_doc())
    assert store.stats() == before
    assert store.search("医药城") == [] and not store.source_exists("news/qihe.txt")


def test_replace_extraction_keeps_user_decisions(store: Store) -> None:
    doc = dezhou_doc()
    doc_id = store.add_document(doc)
    fact_id = store.document(doc_id).facts[0].id  # type: ignore[union-attr]
    store.decide_fact(fact_id, "corrected", args={"subject": "中慧元通", "amount": 1.2e9}, actor="ana")
    store.record_decision("merge", {"type": "organization", "keys": ["中慧元通", "江苏中慧元通生物科技股份有限公司"]},
                          actor="ana", target="organization:中慧元通")
    assert store.document(doc_id).facts[0].status == "corrected"  # type: ignore[union-attr]

    redo = dezhou_doc()
    redo.entities = [e for e in redo.entities if e.type != "park"]  # the park is no longer extracted
    extra = redo.text.index("新型疫苗")
    redo.facts.append(Fact("event", {"what": "投产"}, extra, len(redo.text), 0.6))
    store.replace_extraction(doc_id, redo)

    view = store.document(doc_id)
    assert view is not None
    facts = {f.type: f for f in view.facts}
    assert facts["investment"].status == "corrected" and facts["investment"].args["subject"] == "中慧元通"
    assert facts["event"].status == "extracted"
    assert [d.kind for d in store.decisions()] == ["fact", "merge"]
    assert store.decisions("merge")[0].payload["keys"][0] == "中慧元通"
    assert store.entity("德州市生物医药产业园") is None  # orphaned canonical entity removed
    assert store.stats().mentions == sum(len(e.mentions) for e in redo.entities)
    # Re-running the same extraction is stable.
    store.replace_extraction(doc_id, redo)
    again = store.document(doc_id)
    assert again is not None
    assert [(f.type, f.status, f.args) for f in again.facts] == [(f.type, f.status, f.args) for f in view.facts]
    assert again.entities == view.entities


def test_replace_extraction_with_new_passages(store: Store) -> None:
    doc_id = store.add_document(qihe_doc())
    redo = qihe_doc()
    redo.passages = [Passage(0, 0, len(redo.text))]
    store.replace_extraction(doc_id, redo)
    assert [p.idx for p in store.document(doc_id).passages] == [0]  # type: ignore[union-attr]
    hits = store.search("奥鸿")
    assert [(h.document_id, h.passage) for h in hits] == [(doc_id, 0)]
    with pytest.raises(KeyError):
        store.replace_extraction(999, redo)


def test_decision_validation(store: Store) -> None:
    with pytest.raises(ValueError, match="decision kind"):
        store.record_decision("delete", {})
    with pytest.raises(ValueError, match="lacks"):
        store.record_decision("fact", {"status": "confirmed"})
    with pytest.raises(KeyError):
        store.decide_fact(12345, "confirmed")


def test_fact_decision_before_document_is_applied_on_ingest(store: Store) -> None:
    doc = dezhou_doc()
    f = doc.facts[0]
    store.record_decision("fact", {"content_hash": "hash-dezhou", "type": f.type, "start": f.start,
                                   "end": f.end, "status": "rejected"})
    doc_id = store.add_document(doc)
    assert store.document(doc_id).facts[0].status == "rejected"  # type: ignore[union-attr]


def test_entity_view_with_sentences(filled: Store) -> None:
    view = filled.entity("中慧元通")  # by alias
    assert view is not None
    assert view.name == "江苏中慧元通生物科技股份有限公司" and view.kind == "enterprise"
    assert {a.alias for a in view.aliases} == {"中慧元通"}
    assert view.mention_count == 2 and view.document_count == 1
    sentences = [m.sentence for m in view.mentions]
    assert sentences == ["江苏中慧元通生物科技股份有限公司在德州投资建设疫苗生产基地，总投资12亿元。",
                         "中慧元通表示，新型疫苗将于2025年投产。"]
    assert view.mentions[0].title == "德州疫苗基地签约" and view.mentions[1].passage == 1
    assert filled.entity("371700").name == "菏泽市"  # type: ignore[union-attr]
    assert filled.entity("heze city").name == "菏泽市"  # type: ignore[union-attr]
    assert filled.entity("不存在的公司") is None


def test_find_entities_partial(filled: Store) -> None:
    assert [e.name for e in filled.find_entities("奥鸿")] == ["锦州奥鸿药业有限责任公司"]
    assert {e.name for e in filled.find_entities("药")} >= {"锦州奥鸿药业有限责任公司", "齐河县医药城",
                                                            "德州市生物医药产业园"}
    assert [e.name for e in filled.find_entities("biomedical", type="park")] == ["Heze Biomedical Park"]
    assert filled.find_entities("100%") == []


def test_regions_overview(filled: Store) -> None:
    rows = {r.name: r for r in filled.regions_overview()}
    assert set(rows) == {"德州市", "齐河县", "菏泽市"}
    dz = rows["德州市"]
    assert dz.code == "371400" and dz.document_count == 1
    assert [o.name for o in dz.organizations] == ["江苏中慧元通生物科技股份有限公司"]
    assert [p.name for p in dz.parks] == ["德州市生物医药产业园"]
    assert [(f.value, f.text) for f in dz.figures] == [(1.2e9, "12亿元")]
    assert dz.figures[0].sentence.endswith("总投资12亿元。")
    hz = rows["菏泽市"]
    assert [p.name for p in hz.parks] == ["Heze Biomedical Park"] and hz.organizations == []
    assert hz.figures[0].text == "2 billion yuan" and hz.documents[0].title == "Heze builds a vaccine cluster"
    assert [f.text for f in rows["齐河县"].figures] == ["3亿元"]  # counts are not headline money


def test_stats_documents_and_roundtrip(filled: Store) -> None:
    stats = filled.stats()
    assert stats.documents == 3 and stats.sources == 3 and stats.entities["region"] == 3
    docs = filled.documents(limit=2)
    assert [d.source for d in docs] == ["news/dezhou.txt", "news/qihe.txt"] and docs[0].passages == 2
    assert [d.title for d in filled.documents(limit=5, offset=2)] == ["Heze builds a vaccine cluster"]
    assert filled.document(999) is None
    original = heze_doc()
    again = filled.load_document(filled.document_id("hash-heze"))  # type: ignore[arg-type]
    assert again is not None
    assert (again.text, again.passages, again.quantities) == (original.text, original.passages, original.quantities)
    assert {(e.type, e.name, len(e.mentions)) for e in again.entities} == \
        {(e.type, e.name, len(e.mentions)) for e in original.entities}


def test_custom_key_function(store_url: str) -> None:
    def by_kind(entity: Entity) -> str:
        return "all-regions" if entity.type == "region" else entity_key(entity)

    with Store(store_url, key=by_kind) as st:
        st.add_document(dezhou_doc())
        st.add_document(qihe_doc())
        assert st.stats().entities["region"] == 1


def test_default_entity_key() -> None:
    assert entity_key(Entity("region", "德州市", code="371400")) == "371400"
    assert entity_key(Entity("organization", "Carson  Cell")) == entity_key(Entity("organization", "ｃａｒｓｏｎ cell"))
    assert entity_key(Entity("region", "德州市")) == "德州市"


def test_views_are_plain_dataclasses(filled: Store) -> None:
    for obj in (filled.stats(), filled.regions_overview()[0], filled.entity("德州"), filled.search("疫苗")[0]):
        assert dataclasses.is_dataclass(obj)


def test_span_outside_passages_has_no_passage(store: Store) -> None:
    text = "标题\n\n德州医药"
    doc = Document(source="x.txt", text=text, content_hash="h", passages=lines(text)[1:],
                   entities=[Entity("region", "德州市", mentions=spans(text, "德州") + [Span(0, 2, "标题")])])
    store.add_document(doc)
    view = store.entity("德州市")
    assert view is not None and [m.passage for m in view.mentions] == [None, 1]
