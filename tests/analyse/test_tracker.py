"""Tracker rules on a temporary SQLite atlas: sync from project facts, user edits that survive
re-sync and re-extraction, history, status transitions, and fact verdicts across re-ingest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chainatlas.analyse import tracker as t
from chainatlas.model import Document, Fact, Passage
from chainatlas.store import Store
from chainatlas.store.tracker import list_facts


def make_doc(digest: str, published: str, sentences: list[tuple[str, str, dict[str, Any]]]) -> Document:
    """A document of one sentence per line; each (text, fact type, args) becomes a fact over its sentence."""
    text = "\n".join(s for s, _, _ in sentences)
    facts, passages, pos = [], [], 0
    for i, (sentence, ftype, args) in enumerate(sentences):
        passages.append(Passage(i, pos, pos + len(sentence)))
        if ftype:
            facts.append(Fact(ftype, dict(args), pos, pos + len(sentence), 0.8))
        pos += len(sentence) + 1
    return Document(source=f"news/{digest}.txt", text=text, title=f"title {digest}", published=published,
                    content_hash=digest, passages=passages, facts=facts)


VACCINE = {"name": "疫苗生产基地项目", "investor": "江苏中慧元通生物科技股份有限公司", "region": "德州市",
           "amount": 1.2e9, "status": "签约", "date": "2024-05-01"}


def dezhou() -> Document:
    return make_doc("h-dezhou", "2024-05-01", [
        ("江苏中慧元通生物科技股份有限公司与德州市签约疫苗生产基地项目，总投资12亿元。", "project", VACCINE),
        ("德州市生物医药产业规模达300亿元。", "metric", {"subject": "德州市", "metric": "产值", "value": 3e10}),
    ])


def dezhou_later(status: str = "开工", amount: float | None = None) -> Document:
    args = {"name": "疫苗生产基地", "region": "德州", "status": status, "park": "德州经开区"}
    if amount is not None:
        args["amount"] = amount
    return make_doc("h-dezhou-2", "2024-09-10", [("德州疫苗生产基地今日正式开工建设。", "project", args)])


def qihe() -> Document:
    return make_doc("h-qihe", "2024-06-02", [
        ("锦州奥鸿药业有限责任公司拟在齐河县投资3亿元建设生产线。", "investment",
         {"investor": "锦州奥鸿药业有限责任公司", "region": "齐河县", "amount": 3e8}),
    ])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = Store(tmp_path / "atlas.db")
    yield st
    st.close()


@pytest.fixture
def synced(store: Store) -> Store:
    for doc in (dezhou(), qihe(), dezhou_later()):
        store.add_document(doc)
    t.sync_from_facts(store, actor="sync-bot")
    return store


def items_by_name(store: Store) -> dict[str, Any]:
    return {i.name: i for i in t.tracker(store).items()}


# --------------------------------------------------------------------------- sync


def test_sync_creates_deduplicated_items_with_fact_link_and_evidence(synced: Store) -> None:
    items = t.tracker(synced).items()
    assert len(items) == 2  # two reports of the vaccine base are one project; the metric fact is ignored
    vaccine, aohong = sorted(items, key=lambda i: i.id)
    assert vaccine.kind == "project" and vaccine.list_name == "重点项目建设清单"
    assert vaccine.region == "德州"  # newest report wins field by field …
    assert vaccine.status == "开工" and vaccine.park == "德州经开区"
    assert vaccine.amount == 1.2e9 and vaccine.currency == "CNY"  # … but a field it lacks is kept
    assert vaccine.organization == "江苏中慧元通生物科技股份有限公司"
    first_fact = list_facts(synced, types=["project"])[0]
    assert vaccine.source_fact_id == first_fact.id
    evidence = t.tracker(synced).evidence(vaccine.id)
    assert [e.published for e in evidence] == ["2024-05-01", "2024-09-10"]
    assert evidence[0].sentence.startswith("江苏中慧元通") and evidence[0].title == "title h-dezhou"
    # an investment with no project-stage status is a lead, named by its investor
    assert aohong.kind == "lead" and aohong.list_name == "重点招商线索推进清单"
    assert aohong.name == "锦州奥鸿药业有限责任公司" and aohong.amount == 3e8 and aohong.status is None
    assert set(vaccine.provenance.values()) == {"extracted"}


def test_resync_changes_nothing(synced: Store) -> None:
    tr = t.tracker(synced)
    before = [(i, tr.history(i.id)) for i in tr.items()]
    report = t.sync_from_facts(synced, actor="sync-bot")
    assert (report.created, report.updated, report.linked, report.unlinked) == ([], [], 0, 0)
    assert [(i, tr.history(i.id)) for i in tr.items()] == before


def test_dedup_keys_ignore_suffixes_and_spacing() -> None:
    assert t.item_key("疫苗生产基地项目", "德州市") == t.item_key("疫苗 生产基地", "德州")
    assert t.region_key("齐河县") == "齐河" and t.region_key("天衢新区") == "天衢"
    assert t.item_key("疫苗基地", "德州市") != t.item_key("疫苗基地", "菏泽市")


# --------------------------------------------------------------------------- user edits and provenance


def test_user_edit_survives_resync_and_reextraction(synced: Store) -> None:
    vaccine = items_by_name(synced)["疫苗生产基地"]
    t.update_item(synced, vaccine.id, {"status": "在建", "owner": "张三", "name": "中慧元通疫苗生产基地"},
                  actor="alice", note="核实后更新")
    # re-extraction changes the later article: now 投产 with a new amount and park
    synced.replace_extraction(synced.document_id("h-dezhou"), dezhou())
    synced.replace_extraction(synced.document_id("h-dezhou-2"), dezhou_later(status="投产", amount=1.5e9))
    assert t.tracker(synced).item(vaccine.id).source_fact_id is None  # the old fact row is gone
    report = t.sync_from_facts(synced, actor="sync-bot")
    item = t.tracker(synced).item(vaccine.id)
    assert report.created == []  # the renamed item is still found through its first-extracted key
    assert len(t.tracker(synced).items()) == 2
    assert (item.status, item.owner, item.name) == ("在建", "张三", "中慧元通疫苗生产基地")  # user's values kept
    assert item.amount == 1.5e9  # extracted field follows the new extraction
    assert item.provenance["status"] == "user" and item.provenance["amount"] == "extracted"
    assert (vaccine.id, "status", "在建", "投产") in report.conflicts
    assert item.source_fact_id == list_facts(synced, types=["project"])[0].id  # link refreshed


def test_release_hands_a_field_back_to_extraction(synced: Store) -> None:
    vaccine = items_by_name(synced)["疫苗生产基地"]
    t.update_item(synced, vaccine.id, {"status": "在建"}, actor="alice")
    t.sync_from_facts(synced)
    assert t.tracker(synced).item(vaccine.id).status == "在建"
    t.update_item(synced, vaccine.id, release=["status"], actor="alice")
    t.sync_from_facts(synced)
    assert t.tracker(synced).item(vaccine.id).status == "开工"


def test_hand_made_item_is_linked_not_duplicated(store: Store) -> None:
    item_id = t.add_item(store, kind="lead", name="疫苗生产基地", region="德州市", owner="李四", actor="bob")
    store.add_document(dezhou())
    report = t.sync_from_facts(store)
    assert report.created == [] and report.updated == [item_id]
    item = t.tracker(store).item(item_id)
    assert item.owner == "李四" and item.kind == "lead"  # user-set kind kept …
    assert item.status == "签约" and item.amount == 1.2e9  # … extracted fields filled in


def test_history_records_who_when_old_and_new(synced: Store) -> None:
    vaccine = items_by_name(synced)["疫苗生产基地"]
    tr = t.tracker(synced)
    created = tr.history(vaccine.id)
    assert {h.actor for h in created} == {"sync-bot"}
    assert {h.field for h in created} >= {"name", "status", "amount", "region"}
    changes = t.update_item(synced, vaccine.id, {"status": "在建", "next_step": "协调用地", "due": "2025年6月30日"},
                            actor="alice", note="现场核实")
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("status", "开工", "在建"), ("next_step", None, "协调用地"), ("due", None, t.parse_due("2025-06-30"))]
    latest = tr.history(vaccine.id)[len(created):]
    assert [(h.field, h.old, h.new, h.actor, h.note) for h in latest] == [
        ("status", "开工", "在建", "alice", "现场核实"),
        ("next_step", None, "协调用地", "alice", "现场核实"),
        ("due", None, "2025-06-30", "alice", "现场核实"),
    ]
    assert all(h.at.tzinfo is not None and h.at >= created[-1].at for h in latest)
    assert tr.item(vaccine.id).updated_at == latest[0].at


def test_default_actor_is_the_user(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    monkeypatch.delenv("CHAINATLAS_ACTOR", raising=False)
    monkeypatch.setenv("USER", "wang")
    item_id = t.add_item(store, kind="cluster", name="生物医药产业集群", region="泰州市")
    assert {h.actor for h in t.tracker(store).history(item_id)} == {"wang"}
    assert t.tracker(store).item(item_id).list_name == "重点集群清单"


def test_bad_values_name_every_field(store: Store) -> None:
    with pytest.raises(t.FieldErrors) as info:
        t.add_item(store, kind="widget", name="x", amount="三千万", status="干活", due="2025-02-30")
    assert sorted(f for f, _ in info.value.errors) == ["amount", "due", "kind", "status"]
    assert t.tracker(store).count() == 0


# --------------------------------------------------------------------------- statuses


def test_status_transitions_follow_the_table(store: Store) -> None:
    item_id = t.add_item(store, kind="lead", name="某抗体药物项目", status="线索")
    for step in ("洽谈", "签约", "开工", "在建", "投产"):
        t.update_item(store, item_id, {"status": step})
    with pytest.raises(t.TransitionError, match="投产 → 线索"):
        t.update_item(store, item_id, {"status": "线索"})
    assert t.tracker(store).item(item_id).status == "投产"
    t.update_item(store, item_id, {"status": "线索"}, force=True)
    history = t.tracker(store).history(item_id)
    assert (history[-1].old, history[-1].new, history[-1].note) == ("投产", "线索", "forced 投产 → 线索")


def test_paused_items_resume_and_abandoned_reopen_only_as_leads(store: Store) -> None:
    item_id = t.add_item(store, kind="project", name="某医疗器械项目", status="开工")
    t.update_item(store, item_id, {"status": "搁置"})
    t.update_item(store, item_id, {"status": "在建"})
    t.update_item(store, item_id, {"status": "搁置"})
    t.update_item(store, item_id, {"status": "放弃"})
    with pytest.raises(t.TransitionError):
        t.update_item(store, item_id, {"status": "在建"})
    t.update_item(store, item_id, {"status": "线索"})
    assert t.allowed_next(None) == tuple(t.vocabulary().statuses)
    t.check_transition("签约", "签约")  # staying put is always allowed


def test_vocabulary_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "statuses.yaml"
    bad.write_text("kinds: {project: 项目清单}\nstatuses:\n  线索: {next: [签约]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="statuses.yaml.*签约"):
        t.load_vocabulary(bad)
    vocab = t.load_vocabulary()
    assert all(n in vocab.statuses for ns in vocab.statuses.values() for n in ns)
    assert set(vocab.from_fact) == {"签约", "开工", "在建", "投产", "获批", "竣工", "落户"}


# --------------------------------------------------------------------------- fact verdicts


def test_confirmed_fact_stays_confirmed_across_reingest(store: Store) -> None:
    doc_id = store.add_document(dezhou())
    fact = list_facts(store, types=["project"])[0]
    store.decide_fact(fact.id, "confirmed", actor="alice")
    bare = dezhou()
    bare.facts = []
    store.replace_extraction(doc_id, bare)  # the document's extraction is deleted …
    assert list_facts(store, types=["project"]) == []
    store.replace_extraction(doc_id, dezhou())  # … and added again
    again = list_facts(store, types=["project"])
    assert [f.status for f in again] == ["confirmed"]
    decision = store.decisions("fact")[-1]
    assert decision.actor == "alice" and decision.created_at.tzinfo is not None


def test_corrected_fact_feeds_sync_and_survives_reextraction(store: Store) -> None:
    doc_id = store.add_document(dezhou())
    t.sync_from_facts(store)
    fact = list_facts(store, types=["project"])[0]
    store.decide_fact(fact.id, "corrected", args={**fact.args, "amount": 1.5e9, "status": "开工"}, actor="alice")
    store.replace_extraction(doc_id, dezhou())  # re-extraction gives the old values again
    assert list_facts(store, types=["project"])[0].args["amount"] == 1.5e9
    report = t.sync_from_facts(store)
    item = t.tracker(store).items()[0]
    assert report.created == [] and (item.amount, item.status) == (1.5e9, "开工")
    assert item.provenance["amount"] == "extracted"  # a curated fact is still extraction to the tracker


def test_rejected_fact_removes_untouched_item_but_keeps_edited_one(store: Store) -> None:
    store.add_document(dezhou())
    store.add_document(qihe())
    t.sync_from_facts(store)
    items = items_by_name(store)
    t.update_item(store, items["锦州奥鸿药业有限责任公司"].id, {"owner": "李四"})
    for fact in list_facts(store, types=["project", "investment"]):
        store.decide_fact(fact.id, "rejected", actor="alice")
    report = t.sync_from_facts(store)
    assert report.removed == [(items["疫苗生产基地项目"].id, "疫苗生产基地项目")]
    assert report.unsupported == [items["锦州奥鸿药业有限责任公司"].id]
    assert [i.name for i in t.tracker(store).items()] == ["锦州奥鸿药业有限责任公司"]
    assert t.tracker(store).evidence(items["锦州奥鸿药业有限责任公司"].id) == []
    assert {r for _, r in report.skipped} == {"rejected"}
