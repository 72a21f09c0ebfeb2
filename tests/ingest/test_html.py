from __future__ import annotations

import pytest

from chainatlas.ingest import html as html_mod
from chainatlas.ingest import load_document
from chainatlas.ingest.html import extract_html, html_to_lines, looks_like_html

from ._util import DATA, squash

PAGE = DATA / "page_chengdu.html"
BODY = [
    "11月7日，记者从成都高新区获悉，今年前三季度",
    "聚集生物医药企业超过4000家，其中上市企业32家",
    "天府国际生物城作为产业核心承载地",
    "加快建设具有全球影响力的生物医药创新策源地和产业集聚区。",
]
JUNK = ["首页 | 新闻", "当前位置", "分享到", "相关阅读", "重庆两江新区引进一批医疗器械项目", "蜀ICP备12345678号",
        "联系电话：028-12345678", "责任编辑", "来源：成都日报"]


def test_html_page_title_date_body():
    c = extract_html(PAGE.read_text(encoding="utf-8"))
    assert c.title == "成都高新区生物医药产业规模突破千亿元"
    assert c.published == "2023-11-08"
    assert c.site == "成都新闻网"
    body = squash(c.body)
    assert [s for s in BODY if squash(s) not in body] == []
    assert [s for s in JUNK if squash(s) in body] == []
    assert c.body.count("\n") == 3  # four paragraphs, headline and date line gone


def test_html_document_has_passages_per_paragraph():
    doc = load_document(PAGE)
    assert doc.meta["format"] == "html"
    assert doc.lang == "zh" and doc.encoding == "utf-8"
    assert [doc.text[p.start:p.end][:5] for p in doc.passages] == ["11月7日", "近年来，成", "天府国际生", "下一步，成"]


def test_gbk_page_with_declared_charset(tmp_path):
    page = PAGE.read_text(encoding="utf-8").replace('<meta charset="utf-8">', '<meta charset="gbk">')
    p = tmp_path / "page.htm"
    p.write_bytes(page.encode("gbk"))
    doc = load_document(p)
    assert doc.encoding == "gb18030"
    assert doc.title == "成都高新区生物医药产业规模突破千亿元"
    assert "聚集生物医药企业超过4000家" in doc.text


def test_html_saved_as_txt_is_read_as_html(tmp_path):
    p = tmp_path / "saved.txt"
    p.write_bytes(PAGE.read_bytes())
    doc = load_document(p)
    assert doc.meta["format"] == "html"
    assert "<p>" not in doc.text and doc.published == "2023-11-08"


def test_fallback_when_trafilatura_finds_nothing(monkeypatch):
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    c = html_mod.extract_html(PAGE.read_text(encoding="utf-8"))
    body = squash(c.body)
    assert [s for s in BODY if squash(s) not in body] == []
    assert [s for s in JUNK if squash(s) in body] == []
    assert c.title == "成都高新区生物医药产业规模突破千亿元"
    assert c.published == "2023-11-08"


def test_html_to_lines_keeps_blocks_apart():
    lines = [x.strip() for x in html_to_lines("<div>a<p>b</p>c<br>d<script>var x=1;</script></div>").split("\n")]
    assert [x for x in lines if x] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("<!DOCTYPE html><html>", True), ("  <html lang='zh'>", True), ("<!-- saved --><html>", True),
     ("锦州项目 <b>不是网页</b>", False), ("Workflow\n<html>", False)],
)
def test_looks_like_html(text, expected):
    assert looks_like_html(text) is expected


def test_gb2312_government_page_laid_out_in_tables(tmp_path):
    """Old portals: GB2312, a table layout, the site name in <title>, print/close links."""
    page = (DATA / "page_gov_table.html").read_text(encoding="utf-8")
    p = tmp_path / "gov.html"
    p.write_bytes(page.encode("gb2312"))
    doc = load_document(p)
    assert doc.encoding == "gb18030"
    assert doc.title == "湖州经开区生物医药产业园二期项目开工"
    assert doc.published == "2024-05-20"
    assert doc.site == "湖州经开区管委会"
    assert [doc.text[q.start:q.end][:5] for q in doc.passages] == ["5月18日", "近年来，湖", "下一步，经"]
    for junk in ["政务公开", "浏览次数", "打印本页", "上一篇", "ICP备"]:
        assert junk not in doc.text
