from __future__ import annotations

from chainatlas.ingest.passages import build_passages, normalise_body, split_passages
from chainatlas.model import Document


def test_normalisation():
    raw = "\u3000\u3000第一段，内容。  \r\n\r\n\r\n\u3000\u3000第二段：“引语”。\r  第三段 \n\n"
    assert normalise_body(raw) == "第一段，内容。\n第二段：“引语”。\n第三段"


def test_passage_offsets_point_at_paragraphs():
    text, passages = build_passages("\u3000\u3000甲乙丙。\n\n\n丁戊。\r\nEnglish paragraph.\n")
    assert text == "甲乙丙。\n丁戊。\nEnglish paragraph."
    assert [(p.index, text[p.start:p.end]) for p in passages] == [
        (0, "甲乙丙。"), (1, "丁戊。"), (2, "English paragraph.")]
    assert all(text[p.end] == "\n" for p in passages[:-1])
    assert passages[-1].end == len(text)


def test_passage_at_finds_the_paragraph_of_an_offset():
    text, passages = build_passages("甲乙丙。\n丁戊。")
    doc = Document(source="x", text=text, passages=passages)
    assert doc.passage_at(text.index("戊")).index == 1
    assert doc.passage_at(0).index == 0


def test_empty_text_has_no_passages():
    assert split_passages("") == []
    assert build_passages(" \n\u3000\n") == ("", [])
