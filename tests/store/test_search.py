from __future__ import annotations

import pytest

from chainatlas.store import Store
from chainatlas.store import textindex as ti

from .conftest import dezhou_doc
from .corpus import sample_documents


@pytest.fixture(params=["index", "like"])
def searcher(request: pytest.FixtureRequest, filled: Store) -> Store:
    """The FTS5 path and the portable LIKE path (what PostgreSQL uses) must agree."""
    if request.param == "like":
        filled.fts = False
    elif not filled.fts:
        pytest.skip("no FTS5 index on this database")
    return filled


def titles(hits: list) -> list[str | None]:  # type: ignore[type-arg]
    return sorted({h.title for h in hits})


def test_two_character_words(searcher: Store) -> None:
    hits = searcher.search("德州")
    assert titles(hits) == ["德州疫苗基地签约"]
    assert all("[[德州]]" in h.marked for h in hits)
    vaccine = searcher.search("疫苗")
    assert [h.passage for h in vaccine] and titles(vaccine) == ["德州疫苗基地签约"]
    first = vaccine[0]
    s, e = first.highlights[0]
    assert first.snippet[s:e] == "疫苗" and first.source == "news/dezhou.txt"


def test_subword_of_long_name(searcher: Store) -> None:
    hits = searcher.search("中慧元通")
    assert {h.passage for h in hits} == {0, 1}
    assert any("江苏[[中慧元通]]生物科技" in h.marked for h in hits)
    assert searcher.search("慧元通生")  # any contiguous piece, not only segmenter words
    assert searcher.search("奥鸿") and searcher.search("医药城")


def test_english_words_case_and_plural(searcher: Store) -> None:
    hits = searcher.search("Vaccine")
    assert titles(hits) == ["Heze builds a vaccine cluster"]
    assert "[[vaccine]]" in hits[0].marked
    assert any("[[vaccines]]" in h.marked for h in hits)  # prefix match for Latin words
    assert titles(searcher.search("heze")) == ["Heze builds a vaccine cluster"]
    assert searcher.search("vac") and not searcher.search("accine")  # prefixes, not infixes


def test_words_are_anded_and_phrases_stay_together(searcher: Store) -> None:
    assert titles(searcher.search("疫苗 德州")) == ["德州疫苗基地签约"]
    assert searcher.search("疫苗 奥鸿") == []
    assert searcher.search("Heze Park") and searcher.search("\"Heze Biomedical\"")
    assert searcher.search("德州疫苗") == []  # not contiguous anywhere
    assert searcher.search("") == [] and searcher.search("，。") == []


def test_single_character_query(searcher: Store) -> None:
    hits = searcher.search("城")
    assert titles(hits) == ["齐河县医药城"] and "[[城]]" in hits[0].marked


def test_region_filter(searcher: Store) -> None:
    assert titles(searcher.search("投资", region="德州市")) == ["德州疫苗基地签约", "齐河县医药城"]  # county 齐河县 in 德州
    assert titles(searcher.search("投资", region="德州市", subregions=False)) == ["德州疫苗基地签约"]
    assert titles(searcher.search("投资", region="德州")) == ["德州疫苗基地签约", "齐河县医药城"]  # by alias
    assert titles(searcher.search("投资", region="371425")) == ["齐河县医药城"]
    assert titles(searcher.search("yuan", region="370000")) == ["Heze builds a vaccine cluster"]  # province code
    assert searcher.search("投资", region="锦州市") == []


def test_limit_offset_and_ranking(searcher: Store) -> None:
    for i in range(5):
        doc = dezhou_doc()
        doc.content_hash = f"copy-{i}"
        doc.source = f"copy-{i}.txt"
        if i == 3:
            doc.text = doc.text.replace("新型疫苗", "疫苗疫苗疫苗")
        searcher.add_document(doc)
    hits = searcher.search("疫苗", limit=100)
    assert len(hits) == 12 and hits == sorted(hits, key=lambda h: -h.score)
    assert hits[0].source == "copy-3.txt"  # most occurrences in the shortest passage ranks first
    page = searcher.search("疫苗", limit=5, offset=5)
    assert [(h.document_id, h.passage) for h in page] == [(h.document_id, h.passage) for h in hits[5:10]]


@pytest.mark.parametrize("query", ["中慧元通", "奥鸿", "疫苗", "德州", "医药城", "康养", "链主", "慧元", "vaccine",
                                   "Heze", "biomedical", "Carson Cell", "18.026"])
def test_recall_on_sample_corpus(tmp_path, query: str) -> None:  # type: ignore[no-untyped-def]
    """Every passage that contains the query (as the highlighter sees it) is found, and nothing else."""
    with Store(tmp_path / "corpus.db") as st:
        for doc in sample_documents():
            st.add_document(doc)
        groups = ti.parse_query(query)
        truth = {(d.id, p.idx) for d in st.documents() for p in st.document(d.id).passages  # type: ignore[union-attr]
                 if all(ti.highlight_spans(p.text, [g]) for g in groups)}
        for fts in (True, False):
            st.fts = fts
            found = {(h.document_id, h.passage) for h in st.search(query, limit=1000)}
            assert found == truth, (query, fts)
