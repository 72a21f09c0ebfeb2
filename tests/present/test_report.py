"""Cited briefings: every region of a test atlas in both languages passes the citation check;
structure, units, comparisons, curation verdicts, little data, unknown regions, files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.analyse.regions import RegionNotFound
from chainatlas.present.cli import app
from chainatlas.present.report import AtlasData, ReportOptions, build_report
from chainatlas.present.report import templates as t
from chainatlas.present.report.document import Chart
from chainatlas.present.report.lint import lint_html, lint_markdown, numbers_in, sentence_values, supported
from chainatlas.present.report.render_html import render_html
from chainatlas.present.report.render_md import render_markdown
from chainatlas.store import Store
from tests.present.report_atlas import atlas_path, copy_atlas

runner = CliRunner()
SOURCE_LINE = re.compile(r'^\[(\d+)\] .+ — .+, .+: ".*"\s*$')


@pytest.fixture(scope="module")
def atlas() -> AtlasData:
    return AtlasData(Store(atlas_path()))


def md(atlas: AtlasData, *regions: str, lang: str = "zh", **kw) -> str:
    return render_markdown(build_report(atlas, list(regions), ReportOptions(lang=lang, charts=False, **kw)))


def bullets(text: str) -> str:
    """The body of a Markdown briefing (everything above the Sources heading)."""
    return re.split(r"^## (?:Sources|来源)\s*$", text, flags=re.M)[0]


# ---------------------------------------------------------------------------- every region, both languages


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_region_of_the_atlas_passes_the_citation_check(atlas, lang):
    regions = {atlas.index.region_of_key(rec.key).key: atlas.index.region_of_key(rec.key)
               for rec in atlas.index.region_record.values() if rec is not None}
    assert len(regions) >= 30
    failures, cited = [], 0
    for region in regions.values():
        report = build_report(atlas, [region], ReportOptions(lang=lang, charts=False))
        for fmt, text, check in (("md", render_markdown(report), lint_markdown),
                                 ("html", render_html(report), lint_html)):
            result = check(text)
            if not result.ok:
                failures.append(f"{region.name} {fmt}: {result.problems[:3]}")
        cited += len(report.sources)
    assert not failures, "\n".join(failures)
    assert cited > 100  # the check ran on real citations, not on empty briefings


def test_comparisons_pass_the_citation_check(atlas):
    for lang in ("zh", "en"):
        report = build_report(atlas, ["德州市", "泰州市", "锦州市"], ReportOptions(lang=lang, charts=False))
        assert lint_markdown(render_markdown(report)).ok
        assert lint_html(render_html(report)).ok


# ---------------------------------------------------------------------------- structure


def test_dezhou_briefing_has_headline_insights_sections_and_sources(atlas):
    text = md(atlas, "德州市")
    assert text.startswith("# 德州市生物医药与健康产业简报")
    assert re.search(r"^\*\*德州市.*180\.26亿元\[\d+\].*\*\*$", text, re.M), "headline with the revenue figure"
    assert "## 核心观点" in text and "## 来源" in text
    assert re.search(r"^## (重点项目|医药制造|医疗服务|研发创新|康养融合|产业概况)$", text, re.M)
    sources = [line for line in text.split("## 来源", 1)[1].splitlines() if line.startswith("[")]
    assert sources and all(SOURCE_LINE.match(line) for line in sources)
    numbers = [int(SOURCE_LINE.match(line).group(1)) for line in sources]
    assert numbers == list(range(1, len(numbers) + 1))
    # every number in the body is followed by a citation: nothing bare before the end of a bullet
    assert lint_markdown(text).numbers >= 10


def test_english_briefing_uses_pinyin_and_english_units(atlas):
    text = md(atlas, "德州市", lang="en")
    assert text.startswith("# Dezhou: Biomedical and Health Industry Briefing")
    assert "18.026 billion yuan[" in text
    assert "## Core Insights" in text and "## Sources" in text
    assert "德州市" not in bullets(text).split("\n", 1)[0]


def test_english_number_from_a_chinese_sentence_is_checked_by_value(atlas):
    text = md(atlas, "泰州市", lang="en")
    assert "285 billion yuan[" in text  # 2850亿元 in the cited sentence
    assert lint_markdown(text).ok


def test_comparison_has_both_regions_and_a_side_by_side_table(atlas):
    text = md(atlas, "德州市", "泰州市", lang="en")
    assert text.startswith("# Dezhou vs Taizhou")
    assert "## Key Metrics Side by Side" in text
    assert "| Metric | Dezhou | Taizhou |" in text
    assert "### Dezhou" in text
    assert lint_markdown(text).ok


def test_region_aliases_resolve_to_the_same_briefing(atlas):
    opts = ReportOptions(lang="zh", charts=False, today="2025-01-01")
    a = render_markdown(build_report(atlas, ["德州"], opts))
    b = render_markdown(build_report(atlas, ["371400"], opts))
    assert a == b


def test_since_leaves_out_older_and_undated_articles(atlas):
    text = md(atlas, "德州市", since="2025-01-01")
    sources = text.split("## 来源", 1)[1]
    assert "日期不详" not in sources and "2025-10-09" in sources
    assert "2025-01-01" in text.split("---")[-1]  # said in the footer


# ---------------------------------------------------------------------------- honesty


def test_unknown_region_raises_with_close_matches(atlas):
    with pytest.raises(RegionNotFound) as exc:
        build_report(atlas, ["德洲市"])
    assert any(c.region.name == "德州市" for c in exc.value.candidates)


def test_cli_unknown_region_exits_1_with_candidates():
    result = runner.invoke(app, ["--db", str(atlas_path()), "report", "德洲市"])
    assert result.exit_code == 1
    assert "德州市" in result.output and "did you mean" in result.output


def test_region_without_articles_gets_a_short_honest_briefing(atlas):
    text = md(atlas, "新余市")
    assert "尚未收录关于新余市的文章" in text
    assert lint_markdown(text).ok
    assert "## 核心观点" not in text


def test_region_with_little_data_says_what_is_missing(atlas):
    thin = None
    for key in sorted(atlas.index.units("prefecture")):
        region = atlas.index.region_of_key(key)
        if 0 < len(atlas.cited_facts(region)) <= 2:
            thin = region
            break
    assert thin is not None, "the test atlas has a city with one or two facts"
    text = md(atlas, thin.name)
    gaps = text.split("## 数据缺口", 1)[1]
    assert "可引用事实很少" in gaps
    assert "暂无" in gaps or "缺少" in gaps
    assert lint_markdown(text).ok


# ---------------------------------------------------------------------------- curation verdicts


def _fact(store: Store, metric: str, value: float):
    from chainatlas.store.analytics import Analytics

    for f in Analytics(store).facts(types=("metric",)):
        if f.args.get("metric") == metric and f.args.get("value") == value:
            return f
    raise AssertionError(f"no {metric} = {value} fact in the test atlas")


def test_rejected_facts_never_appear_and_corrected_ones_use_the_corrected_value(tmp_path):
    store = Store(copy_atlas(tmp_path))
    rejected = _fact(store, "规上企业数", 83)
    corrected = _fact(store, "二级以上医疗机构数", 60)
    store.decide_fact(rejected.id, "rejected", actor="test")
    store.decide_fact(corrected.id, "corrected", args={**corrected.args, "value": 61}, actor="test")
    text = md(AtlasData(store), "德州市")
    body = bullets(text)
    assert "83家" not in body and "规上企业83" not in body
    assert "二级以上医疗机构61家[" in body and "二级以上医疗机构60家" not in body
    assert "经分析员更正" in text and "value = 61" in text
    assert lint_markdown(text).ok
    store.close()


# ---------------------------------------------------------------------------- files and the CLI


def test_cli_writes_html_with_charts_that_pass_the_check(tmp_path):
    out = tmp_path / "taizhou.html"
    result = runner.invoke(app, ["--db", str(atlas_path()), "report", "泰州市", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "@media print" in html
    assert 'id="sources"' in html and "<style>" in html and "http" not in html.split("<body>", 1)[0].lower()
    assert lint_html(html).ok


def test_cli_markdown_comparison_with_chart_files(tmp_path):
    out = tmp_path / "cmp.md"
    result = runner.invoke(app, ["--db", str(atlas_path()), "report", "德州市", "--vs", "泰州市", "--lang", "en",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert lint_markdown(text).ok
    charts = list((tmp_path / "cmp.charts").glob("*.png"))
    assert charts and all(p.read_bytes().startswith(b"\x89PNG") for p in charts)
    assert "](cmp.charts/" in text


def test_cli_prints_markdown_without_output_file():
    result = runner.invoke(app, ["--db", str(atlas_path()), "report", "锦州市", "--lang", "en", "--no-charts"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Jinzhou: Biomedical and Health Industry Briefing")
    assert lint_markdown(result.stdout).ok


def test_cli_rejects_bad_options():
    db = str(atlas_path())
    assert runner.invoke(app, ["--db", db, "report", "德州市", "--lang", "fr"]).exit_code == 2
    assert runner.invoke(app, ["--db", db, "report", "德州市", "--since", "last year"]).exit_code == 2
    assert runner.invoke(app, ["--db", db, "report", "德州市", "-o", "x.docx"]).exit_code == 2


def test_cli_pdf(tmp_path):
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # the package, or Pango / HarfBuzz under it, is missing
        pytest.skip(f"WeasyPrint cannot run here: {exc}")
    out = tmp_path / "dezhou.pdf"
    result = runner.invoke(app, ["--db", str(atlas_path()), "report", "德州市", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------------------- the citation check itself


SOURCES_MD = '\n## Sources\n\n[1] T — S, 2024-01-01: "2024年，产业链集聚企业及机构108家，实现营收180.26亿元。"\n'


@pytest.mark.parametrize("body, ok", [
    ("- Revenue of 18.026 billion yuan[1] from 108 enterprises[1].", True),
    ("- 营业收入180.26亿元[1]。", True),
    ("- In 2024, revenue grew[1].", True),
    ("- Revenue of 18.026 billion yuan.", False),                       # no citation
    ("- Revenue of 19 billion yuan[1].", False),                        # not the cited value
    ("- Revenue of 18.026 billion yuan[2].", False),                    # no such source
    ("- Revenue[1] of 18.026 billion yuan.", False),                    # the number comes after the citation
    ("| Metric | A |\n|---|---|\n| revenue | 180.26亿元[1] |", True),
    ("| Metric | A |\n|---|---|\n| 2023 revenue | 180.26亿元[1] |", False),  # a cell's number needs its own
])
def test_lint_markdown_rules(body, ok):
    result = lint_markdown("# Title\n\n" + body + "\n" + SOURCES_MD)
    assert result.ok is ok, result.problems


def test_lint_flags_sources_nobody_cites():
    text = "# T\n\n- 108 enterprises[1].\n" + SOURCES_MD + '[2] U — S, 2024-01-01: "x"\n'
    result = lint_markdown(text)
    assert not result.ok and "never cited" in str(result)


def test_lint_reads_html_blocks_and_tiles():
    html = ('<html><body><div class="kpi"><span class="k">营业收入</span> <span class="v">180.26亿元</span>'
            '<sup class="cite"><a href="#src-1">[1]</a></sup></div><div>2023</div>'
            '<section id="sources"><ol><li id="src-1"><q class="sentence">营收180.26亿元</q></li></ol>'
            '<footer>Generated 2025-01-01</footer></section></body></html>')
    result = lint_html(html)
    assert [p.message for p in result.problems] == ["number '2023' has no citation: 2023"]


def test_values_compare_across_languages_and_units():
    values = sentence_values("2024年实现营收180.26亿元，床位1.7万张，增长12.5%")
    for text in ("18.026 billion yuan", "180.26亿元", "17,000 beds", "12.5%", "2024"):
        assert all(supported(n.value, values) for n in numbers_in(text)), text
    assert not all(supported(n.value, values) for n in numbers_in("18.03 billion yuan"))


def test_numbers_are_printed_exactly_in_each_language():
    assert t.money_text(18026000000, "CNY", "en") == "18.026 billion yuan"
    assert t.money_text(18026000000, "CNY", "zh") == "180.26亿元"
    assert t.money_text(300000000, "CNY", "en") == "300 million yuan"
    assert t.count_text(1400, "家", "zh", "多") == "1400多家"
    assert t.count_text(1400, "家", "en", "多") == "more than 1,400"
    assert t.percent_text(70, "zh", "左右") == "70%左右"
    assert t.date_variants("2024-10-21", "en") == ["on 21 October 2024", "on 21 October"]


def test_chart_data_comes_with_citations(atlas):
    report = build_report(atlas, ["德州市", "泰州市"], ReportOptions(lang="zh", charts=True))
    kinds = {c.kind for c in report.charts}
    assert "coverage" in kinds
    for chart in report.charts:
        if chart.kind != "coverage":
            assert chart.refs and all(1 <= n <= len(report.sources) for n in chart.refs)
    from chainatlas.present.report.charts import render_png

    assert render_png(report.charts[0]).startswith(b"\x89PNG")


@pytest.mark.parametrize("chart", [
    Chart("trend", "产值变化", {"series": {"德州市": [(2022, 150.0), (2023, 180.26)]}, "unit": "亿元"}),
    Chart("projects", "Project investment", {"categories": ["signed", "started"],
                                             "series": {"Dezhou": [105.16, 3.0], "Taizhou": [20.0, 0.0]},
                                             "unit": "billion yuan"}),
    Chart("coverage", "覆盖", {"rows": ["德州市", "泰州市"], "cols": ["药品制造", "医疗服务"],
                             "matrix": [[7, 0], [14, 2]], "highlight": 1}),
])
def test_each_chart_kind_draws_a_png(chart):
    from chainatlas.present.report.charts import render_png

    assert render_png(chart).startswith(b"\x89PNG")


def test_a_cjk_font_is_found_for_chart_labels():
    import shutil

    from chainatlas.present.report.charts import cjk_font

    if not shutil.which("fc-match"):
        pytest.skip("no fontconfig on this machine")
    assert cjk_font() is not None, "install fonts-noto-cjk"


def test_templates_are_data_files():
    folder = Path(t.TEMPLATES)
    assert {p.name for p in folder.glob("*.yaml")} >= {"zh.yaml", "en.yaml", "sections.yaml"}
    for lang in ("zh", "en"):
        for key in ("title", "core_insights", "sources", "data_gaps"):
            assert t.label(lang, key)


def test_no_template_text_prints_a_number_of_its_own():
    """A digit in a label ("top-100") is a number no source sentence holds: the bullet would lose it."""
    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for k, v in node.items():
                yield from strings(k)
                yield from strings(v)
        elif isinstance(node, list):
            for v in node:
                yield from strings(v)

    for name in ("zh", "en", "sections"):
        data = t.load(name)
        bad = [s for s in strings(data) if numbers_in(s.replace("{", "").replace("}", ""))]
        assert not bad, (name, bad)
