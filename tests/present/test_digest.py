"""One-article digests: 3-6 extracted sentences in reading order, each citing its paragraph [n]."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from chainatlas.present.cli import app
from chainatlas.present.report.digest import digest_document, load, pick, score_sentences
from chainatlas.present.report.lint import lint_html, lint_markdown
from chainatlas.present.report.render_html import render_html
from chainatlas.present.report.render_md import render_markdown
from tests.present.report_atlas import CORPUS, DEV

runner = CliRunner()
DEZHOU_EN = CORPUS / "000_92044ddbfa7a7d96.txt"
TAIZHOU_ZH = CORPUS / "004_8809694e300b3524.txt"
ALL = sorted(CORPUS.glob("*.txt")) + sorted(p for p in DEV.iterdir() if p.suffix in (".txt", ".html"))


@pytest.fixture(scope="module")
def docs():
    return {p: load(p) for p in ALL}


def test_every_sample_article_digest_passes_the_citation_check(docs):
    for path, doc in docs.items():
        report = digest_document(doc)
        text = render_markdown(report)
        assert lint_markdown(text).ok, (path.name, lint_markdown(text).problems)
        assert lint_html(render_html(report)).ok, path.name
        if len(doc.passages) >= 3:
            assert 3 <= len(report.insights) <= 6, path.name


def test_digest_keeps_reading_order_and_cites_real_paragraphs(docs):
    doc = docs[TAIZHOU_ZH]
    report = digest_document(doc)
    cited = [b.runs[0].refs[0] for b in report.insights]
    assert cited == sorted(cited)
    for b in report.insights:
        n = b.runs[0].refs[0]
        passage = doc.passages[n - 1]
        assert passage.index == n - 1
        assert b.runs[0].text in " ".join(doc.text[passage.start:passage.end].split())
    assert {s.n for s in report.sources} == set(cited)


def test_chinese_digest_picks_the_figures(docs):
    text = render_markdown(digest_document(docs[TAIZHOU_ZH]))
    assert text.splitlines()[0] == "# 数智融合全链赋能泰州打造大健康产业高质量发展"
    assert "## 核心观点" in text and "## 段落" in text
    assert "2850亿元" in text and "一类新药达到80个" in text


def test_english_digest_strips_the_articles_own_markers(docs):
    report = digest_document(docs[DEZHOU_EN])
    text = render_markdown(report)
    assert "## Core Insights" in text and "## Passages" in text
    assert "18.026 billion yuan[1]" in text
    body = text.split("## Passages")[0]
    assert not re.search(r"\[\d+\]\[\d+\]", body)  # the article's "[1][4]" marks are gone
    assert "Core Insights - " not in body


def test_digest_language_can_be_chosen(docs):
    report = digest_document(docs[TAIZHOU_ZH], lang="en")
    assert report.insights_title == "Core Insights"


def test_scoring_prefers_sentences_with_facts(docs):
    doc = docs[TAIZHOU_ZH]
    scored = score_sentences(doc)
    best = pick(scored, 3)
    assert all(any(ch.isdigit() for ch in s.text) for s in best)


def test_cli_digest_prints_and_writes(tmp_path):
    result = runner.invoke(app, ["digest", str(TAIZHOU_ZH)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# 数智融合")
    out = tmp_path / "digest.html"
    result = runner.invoke(app, ["digest", str(DEZHOU_EN), "--sentences", "4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert lint_html(html).ok and html.count("<li>") == 4


def test_cli_digest_bad_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["digest", str(empty)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output
