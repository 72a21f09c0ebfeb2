"""load_document / iter_documents end to end on the five samples."""

from __future__ import annotations

import pytest

from chainatlas.ingest import IngestError, iter_documents, load_document
from chainatlas.ingest.dedup import content_hash

from ._util import SAMPLES, gold_cases, squash

CASES = gold_cases(SAMPLES / "gold", SAMPLES / "docs")


@pytest.mark.parametrize(("path", "gold"), CASES, ids=[p.stem for p, _ in CASES])
def test_sample_document(path, gold):
    doc = load_document(path)
    assert doc.source == str(path)
    assert (doc.title, doc.published, doc.lang) == (gold["title"], gold["published"], gold["lang"])
    text = squash(doc.text)
    assert [s for s in gold["body_samples"] if squash(s) not in text] == []
    assert [s for s in gold["junk_samples"] if squash(s) in text] == []
    assert doc.encoding == "utf-8"
    assert doc.content_hash == content_hash(doc.text)
    assert doc.meta == {"format": "text", "converted_from_traditional": False,
                        "dropped_chars": sum(len(d.text) for d in doc.dropped)}
    # passages tile the text: one per line, offsets exact
    assert "\n".join(doc.text[p.start:p.end] for p in doc.passages) == doc.text
    assert [p.index for p in doc.passages] == list(range(len(doc.passages)))
    assert "\n\n" not in doc.text and not doc.text.startswith(("\u3000", " "))


def test_iter_documents_yields_errors_in_line(tmp_path):
    (tmp_path / "a_good.txt").write_bytes((SAMPLES / "docs" / CASES[3][1]["doc"]).read_bytes())
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_junk.txt").write_text("首页 | 新闻 | 政务 | 服务\n分享到：微信\n", encoding="utf-8")
    items = list(iter_documents([tmp_path, tmp_path / "missing"]))
    assert [type(i).__name__ for i in items] == ["Document", "IngestError", "IngestError", "IngestError"]
    assert str(items[1]) == f"{tmp_path / 'b_empty.txt'}: empty file"
    assert items[2].reason.startswith("no article text found")
    assert items[3] == IngestError(tmp_path / "missing", "no such file or directory")


def test_load_document_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes("锦州市医药产业。".encode() * 200)
    with pytest.raises(IngestError, match=r"file too large \(4\.7 KB > 1 KB\)"):
        load_document(p, max_bytes=1024)


def test_documents_pickle_for_worker_processes():
    import pickle

    doc = load_document(CASES[4][0])
    back = pickle.loads(pickle.dumps(doc))
    assert back.text == doc.text and back.passages == doc.passages and back.dropped == doc.dropped
