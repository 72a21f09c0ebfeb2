from __future__ import annotations

from chainatlas.store import textindex as ti


def test_index_tokens_bigrams_and_words() -> None:
    assert ti.index_tokens("中慧元通") == "中慧 慧元 元通"
    assert ti.index_tokens("Heze市：ＣＡＲ-T细胞，18.026亿") == "heze 市 car t 细胞 18 026 亿"


def test_query_groups_and_fts_expression() -> None:
    groups = ti.parse_query("中慧元通  Vaccine 药 vaccine")
    assert [g.tokens() for g in groups] == [["中慧", "慧元", "元通"], ["vaccine"], ["药"]]
    assert ti.fts5_query(groups) == '"中慧 慧元 元通" AND "vaccine" *'
    assert ti.like_patterns(groups) == [("% 中慧 慧元 元通 %", True), ("% vaccine%", True), ("%药%", False)]
    assert ti.fts5_query(ti.parse_query("18.026 ab")) == '"18 026" AND "ab"'


def test_highlight_maps_back_to_original_offsets() -> None:
    text = "ＨＥＺＥ City、菏泽的疫苗。Vaccines!"
    spans = ti.highlight_spans(text, ti.parse_query("heze 疫苗 vaccine"))
    assert [text[s:e] for s, e in spans] == ["ＨＥＺＥ", "疫苗", "Vaccines"]
    assert ti.highlight_spans("theze", ti.parse_query("heze")) == []


def test_snippet_windows_long_passages() -> None:
    text = "甲" * 300 + "疫苗" + "乙" * 300
    spans = ti.highlight_spans(text, ti.parse_query("疫苗"))
    snippet, marks = ti.snippet(text, spans, width=60)
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) == 62
    assert [snippet[s:e] for s, e in marks] == ["疫苗"]
    assert ti.mark(snippet, marks).count("[[疫苗]]") == 1
