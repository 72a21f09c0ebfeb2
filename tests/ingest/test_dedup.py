from __future__ import annotations

import pytest

from chainatlas.ingest import load_document
from chainatlas.ingest.dedup import (
    NUM_PERM,
    Deduper,
    content_hash,
    minhash,
    signature_from_bytes,
    signature_to_bytes,
)
from chainatlas.model import Document

from ._util import SAMPLES

DOCS = sorted((SAMPLES / "docs").glob("*.txt"))


def _doc(path) -> Document:
    return load_document(path)


def test_same_text_twice_is_a_duplicate(tmp_path):
    src = DOCS[3]
    copy = tmp_path / "copy.txt"
    copy.write_bytes(src.read_bytes())
    d = Deduper()
    first = _doc(src)
    assert d.check(first).status == "new"
    d.add("1", first)
    verdict = d.check(_doc(copy))
    assert (verdict.status, verdict.of, verdict.similarity) == ("duplicate", "1", 1.0)


def test_whitespace_and_width_do_not_change_the_hash():
    assert content_hash("甲乙丙，丁。\n  ABC１２３") == content_hash("甲乙丙,丁。ABC123")


def test_lightly_edited_copy_is_a_near_duplicate(tmp_path):
    raw = DOCS[4].read_text(encoding="utf-8")
    edited = raw.replace("当前位置:首页 > 泰州产业信息 > 正文内容", "您的位置:首页 > 医药新闻")
    edited = edited.replace("admin1年前 (2024-09-24)泰州产业信息41", "2024-09-25 08:00 来源:泰州日报")
    edited = edited.replace("2730家", "2731家").replace("80.8%", "81.0%").replace("初冬时节", "初冬季节")
    p = tmp_path / "edited.txt"
    p.write_text(edited, encoding="utf-8")
    d = Deduper()
    d.add("orig", _doc(DOCS[4]))
    copy = _doc(p)
    assert copy.content_hash != _doc(DOCS[4]).content_hash  # not an exact copy
    verdict = d.check(copy)
    assert verdict.status == "near-duplicate" and verdict.of == "orig"
    assert 0.8 <= verdict.similarity <= 1.0  # an estimate: 3 edits in 2,500 characters may read 1.0


def test_different_article_is_new():
    d = Deduper()
    for i, path in enumerate(DOCS[:4]):
        d.add(str(i), _doc(path))
    verdict = d.check(_doc(DOCS[4]))
    assert verdict.status == "new" and verdict.of is None and verdict.similarity < 0.8


def test_seeded_from_a_previous_run():
    first_run = Deduper()
    doc = _doc(DOCS[1])
    stored = (42, doc.content_hash, first_run.signature_bytes(doc))  # what a store keeps
    second_run = Deduper()
    second_run.seed(*stored)
    assert second_run.check(_doc(DOCS[1])).status == "duplicate"
    assert second_run.check(_doc(DOCS[1])).of == "42"
    # the signature alone (no hash) still finds it as a near duplicate
    third_run = Deduper()
    third_run.seed(7, None, stored[2])
    verdict = third_run.check(doc)
    assert (verdict.status, verdict.of, verdict.similarity) == ("near-duplicate", "7", 1.0)


def test_signature_bytes_round_trip():
    m = minhash("锦州市发展生物医药健康产业具有良好的基础和优势")
    data = signature_to_bytes(m)
    assert len(data) == 1 + NUM_PERM * 4
    back = signature_from_bytes(data)
    assert (back.hashvalues == m.hashvalues).all()
    assert back.jaccard(m) == 1.0
    with pytest.raises(ValueError, match="expected 513"):
        signature_from_bytes(data[:-8])


def test_signatures_are_stable_across_processes():
    """Fixed seed and hash: the same text gives the same bytes every run."""
    assert signature_to_bytes(minhash("同一段文字")) == signature_to_bytes(minhash("同一段文字"))
