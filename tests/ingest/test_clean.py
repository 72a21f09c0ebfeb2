"""The plain-text cleaner on the five samples, on fixtures from other portals, and rule by rule."""

from __future__ import annotations

import pytest

from chainatlas.ingest.clean import clean_text
from chainatlas.ingest.lang import detect_lang

from ._util import DATA, SAMPLES, gold_cases, squash

CASES = gold_cases(SAMPLES / "gold", SAMPLES / "docs") + gold_cases(DATA, DATA)
IDS = [p.stem for p, _ in CASES]


@pytest.mark.parametrize(("path", "gold"), CASES, ids=IDS)
def test_title_date_lang_as_gold(path, gold):
    c = clean_text(path.read_text(encoding="utf-8"))
    assert c.title == gold["title"]
    assert c.published == gold["published"]
    assert detect_lang(c.body) == gold["lang"]
    if "site" in gold:
        assert c.site == gold["site"]


@pytest.mark.parametrize(("path", "gold"), CASES, ids=IDS)
def test_every_body_sample_kept(path, gold):
    body = squash(clean_text(path.read_text(encoding="utf-8")).body)
    missing = [s for s in gold["body_samples"] if squash(s) not in body]
    assert missing == []


@pytest.mark.parametrize(("path", "gold"), CASES, ids=IDS)
def test_no_junk_sample_leaks(path, gold):
    c = clean_text(path.read_text(encoding="utf-8"))
    body = squash(c.body)
    leaked = [s for s in gold["junk_samples"] if squash(s) in body]
    assert leaked == []
    dropped = squash("".join(d.text for d in c.dropped))
    assert all(squash(s) in dropped for s in gold["junk_samples"])  # dropped, and said so


def test_extra_fixtures_are_there():
    """At least three portals unlike the samples (other markers, menus, footers)."""
    assert len(gold_cases(DATA, DATA)) >= 3


def test_every_dropped_block_has_a_reason():
    for path, _ in CASES:
        for d in clean_text(path.read_text(encoding="utf-8")).dropped:
            assert d.reason and d.text.strip()


BODY = (
    "　　据市工信局消息，今年以来全市生物医药产业保持快速增长，规上企业实现产值215.3亿元，同比增长11.2%。\n"
    "　　产业园区建设提速\n"
    "　　高新区生物医药产业园新引进项目14个，总投资86亿元，其中细胞治疗、基因检测项目6个，一批创新药进入临床阶段。\n"
    "　　下一步，该市将加大招商引资力度，推动产业链上下游协同发展，力争全年产值突破300亿元。\n"
)


def test_dates_only_in_trailing_headline_list_are_not_the_publication_date():
    junk = "".join(f"某明星官宣离婚引热议{i}\n2024-04-{10 + i} 10:2{i}:00\n" for i in range(6))
    c = clean_text("某市生物医药产业规模持续扩大\n" + BODY + junk)
    assert c.published is None
    assert c.title == "某市生物医药产业规模持续扩大"
    assert "明星" not in c.body and "2024-04" not in c.body
    assert any(d.reason == "headline list" for d in c.dropped)


def test_section_heading_between_paragraphs_is_kept():
    c = clean_text("标题：某市生物医药产业规模持续扩大\n2023年3月31日\n" + BODY)
    assert "产业园区建设提速" in c.body
    assert c.title == "某市生物医药产业规模持续扩大"
    assert c.published == "2023-03-31"


def test_scrape_date_banner_is_not_the_publication_date():
    c = clean_text("今天是2024年6月12日 星期三\n某市生物医药产业规模持续扩大\n" + BODY)
    assert c.published is None


def test_labelled_date_line_below_the_body_is_used():
    c = clean_text("某市生物医药产业规模持续扩大\n" + BODY + "（来源：某市日报 发布时间：2023年7月2日）\n相关阅读\n2024-01-01")
    assert c.published == "2023-07-02"
    assert c.site == "某市日报"


def test_end_marker_cuts_everything_after_it():
    c = clean_text("某市生物医药产业规模持续扩大\n" + BODY + "延伸阅读\n" + BODY.replace("某", "另"))
    assert squash(c.body) == squash(BODY)
    assert c.dropped[-1].reason == "after end marker “延伸阅读”"


def test_end_marker_words_inside_a_body_sentence_do_not_cut():
    body = BODY + "　　相关内容显示，该市还将新建两个医疗器械检测平台，服务周边企业超过200家，进一步降低企业研发成本。\n"
    c = clean_text("某市生物医药产业规模持续扩大\n" + body)
    assert "服务周边企业超过200家" in c.body


@pytest.mark.parametrize(
    "line",
    [
        "当前位置：首页 > 新闻中心 > 产业动态",
        "您现在的位置: 首页 » 要闻",
        "首页 | 新闻 | 政务 | 服务 | 互动",
        "EN DE FR",
        "中文 | English",
        "分享到：微信 微博 QQ空间",
        "扫一扫在手机打开当前页",
        "联系电话：0571-87654321",
        "邮箱：service@example.com.cn",
        "或微信/手机：13800138000",
        "http://www.example.com/news/2023/0331/123.html",
        "苏ICP备12345678号-1",
    ],
)
def test_junk_lines_around_the_body_are_dropped(line):
    c = clean_text(line + "\n某市生物医药产业规模持续扩大\n" + BODY + line + "\n")
    assert squash(line) not in squash(c.body)
    assert squash(line) in squash("".join(d.text for d in c.dropped))


def test_inline_paragraph_breaks_are_split():
    text = "某市生物医药产业规模持续扩大\n" + BODY.replace("\n　　", "　　　")
    c = clean_text(text)
    assert c.body.count("\n") == 3


def test_banner_and_single_word_lines_are_not_titles():
    c = clean_text("SITEBANNER\nadmin\nWorkflow\n某市生物医药产业规模持续扩大\n2023-03-31\n" + BODY)
    assert c.title == "某市生物医药产业规模持续扩大"


def test_title_loses_the_site_suffix():
    c = clean_text("某市生物医药产业规模持续扩大_某市日报_某市新闻网\n2023-03-31\n" + BODY)
    assert c.title == "某市生物医药产业规模持续扩大"


def test_english_header_formats():
    body = (
        "Heze City has made the biomedical industry the top priority of its effort to develop its characteristic "
        "industrial system, officials said. The city now has 120 biomedical companies.\n"
        "The city plans to attract another 30 projects by 2026, with a focus on cell therapy and medical devices.\n"
    )
    c = clean_text("Heze boosts its biomedical industry\nPublished: May 16, 2023 | Source: Xinhua\n" + body)
    assert c.title == "Heze boosts its biomedical industry"
    assert c.published == "2023-05-16"
    assert c.site == "Xinhua"
    assert detect_lang(c.body) == "en"


def test_markdown_front_matter_and_syntax():
    md = (
        "---\ntitle: 某市生物医药产业规模持续扩大\ndate: 2023-03-31\n---\n"
        "# 某市生物医药产业规模持续扩大\n\n"
        "据**市工信局**消息，今年以来全市生物医药产业保持快速增长，规上企业实现产值215.3亿元，同比增长11.2%。\n\n"
        "详见[市工信局网站](http://example.com)发布的通知，一批创新药进入临床阶段，产业链上下游协同发展。\n"
    )
    c = clean_text(md, markdown=True)
    assert c.title == "某市生物医药产业规模持续扩大"
    assert c.published == "2023-03-31"
    assert "**" not in c.body and "http" not in c.body
    assert "详见市工信局网站发布的通知" in c.body


def test_no_article_gives_an_empty_body():
    c = clean_text("首页 | 新闻 | 政务 | 服务\n分享到：微信\n版权所有 © 某市新闻网\n")
    assert c.body == ""


def test_full_width_punctuation_is_kept_as_printed():
    c = clean_text("某市生物医药产业规模持续扩大\n" + BODY)
    assert "，" in c.body and "。" in c.body and "％" not in c.body


def _sample(stem: str) -> tuple[str, dict]:
    path, gold = next((p, g) for p, g in CASES if p.stem.startswith(stem))
    return path.read_text(encoding="utf-8"), gold


@pytest.mark.parametrize(
    ("stem", "markers"),
    [("001", ["特别声明:", "版权声明:"]),
     ("003", ["相关内容", "热门资讯"]),
     ("004", ["相关文章", "版权声明", "扫一扫", "本文链接", "分享给朋友"])],
)
def test_structure_alone_finds_the_body_when_markers_are_missing(stem, markers):
    """Without the end markers, the headline lists, disclaimers and teasers still go."""
    raw, gold = _sample(stem)
    for m in markers:
        raw = raw.replace(m, "")
    c = clean_text(raw)
    body = squash(c.body)
    assert [s for s in gold["body_samples"] if squash(s) not in body] == []
    assert [s for s in gold["junk_samples"] if squash(s) in body] == []
    assert (c.title, c.published) == (gold["title"], gold["published"])


def test_english_bullets_without_full_stops_are_body():
    raw, gold = _sample("000")
    c = clean_text(raw.replace(" - ", "\n- "))
    assert c.title == gold["title"] and c.published == gold["published"]
    assert "Carson Cell is actively" in c.body and c.body.count("\n") >= 10
    assert detect_lang(c.body) == "en"


def test_a_page_of_short_sentences_still_has_a_body():
    c = clean_text("Short news\n2024-01-02\nThe park covers 10 sq km.\nIt hosts 200 firms.\nOther story")
    assert c.body == "The park covers 10 sq km.\nIt hosts 200 firms."
    assert c.published == "2024-01-02"


# ---------------------------------------------------------------- extraction-quality round


def test_file_cut_in_the_middle_of_the_last_paragraph_keeps_the_cut_line():
    # scraped pages cut at a size limit end in half a sentence: it is still the article
    cut = "　　为加快推进长江经济带生物医药产业协同发展，该市还将出台"
    c = clean_text("某市生物医药产业规模持续扩大\n" + BODY + "\n" + cut + "\n")
    assert "该市还将出台" in c.body
    en = ("Heze boosts its biomedical industry\n\n" + "The city now has 120 biomedical companies, officials said. "
          "It plans to attract another 30 projects by 2026, with a focus on cell therapy and medical devices.\n\n"
          "The total sales revenue of the city's biologica")
    assert clean_text(en).body.endswith("biologica")


@pytest.mark.parametrize(
    "tail",
    [
        "标签: 生物医药 产业园 医疗器械 招商引资",  # a tag line is no sentence
        "相关新闻推荐阅读更多精彩内容",  # a headline
        "2024-05-16 10:21 某市新闻网",  # a date line
    ],
)
def test_junk_last_line_is_not_taken_for_a_cut_paragraph(tail):
    c = clean_text("某市生物医药产业规模持续扩大\n" + BODY + "\n" + tail + "\n")
    assert tail not in c.body


def test_month_day_then_year_after_a_space():
    c = clean_text("Heze boosts its biomedical industry\nPublished on 09/29 2018  Source: China Daily\n"
                   "Heze City has made the biomedical industry the top priority of its effort to develop its "
                   "characteristic industrial system, officials said. The city now has 120 biomedical companies.\n")
    assert c.published == "2018-09-29"


# ---------------------------------------------------------------- second extraction-quality round


@pytest.mark.parametrize(
    "caption",
    [
        "嘉兴市生物医药研究院的科研人员在实验室忙碌。 经信局供图",
        "园区航拍全景。记者 张伟 摄",
        "图为珠海国际健康港一角。",
        "图片来源:嘉兴日报",
        "新建成的厂房(资料图)",
        "Workers check vaccines at a plant in Jiaxing. [Photo/Xinhua]",
        "A researcher at the lab in Zhuhai works on a test. [Photo by Wang Lin/for chinadaily.com.cn]",
        "Photo by Zhang Hui",
    ],
)
def test_photo_captions_are_dropped(caption):
    en = caption.isascii()
    para = ("The city of Jiaxing now has 120 biomedical companies, officials said on Monday, and it plans to "
            "attract another 30 projects by 2026, with a focus on cell therapy and medical devices.")
    body = (para + "\n" + caption + "\n" + para.replace("120", "130")) if en else (BODY + caption + "\n" + BODY)
    c = clean_text("某市生物医药产业规模持续扩大\n" + body + "\n")
    assert squash(caption) not in squash(c.body)
    assert any(d.reason == "photo caption" for d in c.dropped)


def test_credits_in_a_paragraph_stay_body():
    # a credit at the start of a long paragraph is the dateline, not a caption
    line = ("珠海新闻网7月12日讯(见习记者 李明 文/摄)12日,金湾区举行生物医药产业园揭牌暨项目集中签约仪式,"
            "10家生物医药重点企业参加签约,项目涵盖基因检测、细胞治疗、药物研发等领域,预计总投资额近80亿元。")
    assert "金湾区举行生物医药产业园揭牌" in clean_text("标题\n" + line + "\n" + BODY).body


def test_bylines_and_a_closing_reporter_name_are_dropped():
    raw = ("某市生物医药产业规模持续扩大\n" + BODY + "　　记者 王小明\n"
           + "　　下一步，该区将继续引进项目，推动产业链上下游协同发展。  赵丽娜\n")
    c = clean_text(raw)
    assert "王小明" not in c.body and "赵丽娜" not in c.body
    assert "推动产业链上下游协同发展。" in c.body
    assert {"byline"} <= {d.reason for d in c.dropped}


def test_a_sentence_broken_over_short_lines_above_the_body_is_its_lead():
    lead = ["近日", "在2024中国生物医药创新论坛上", "中国医药工业信息中心公布了", "《2024生物医药园区发展",
            "评价报告》", "并对87家国家级经开区", "进行了排名", "嘉兴经开区", "跻身综合竞争力第15名", "较去年上升3位"]
    raw = "刷新纪录!\n\n0\n分享至\n\n" + "\n\n".join(lead) + "\n\n" + BODY
    body = clean_text(raw).body
    assert "在2024中国生物医药创新论坛上" in body and "并对87家国家级经开区" in body and "较去年上升3位" in body
    assert "分享至" not in body


def test_a_headline_list_above_the_body_stays_out():
    heads = ["嘉兴召开生物医药产业大会", "湖州引进十个重点项目", "绍兴高新区获评优秀园区"]
    body = clean_text("\n".join(heads) + "\n" + BODY).body
    assert not any(h in body for h in heads)


def test_a_column_label_on_the_date_line_gives_the_date():
    raw = "首页 热门资讯文章正文\n\n浙江嘉兴:打造生物医药新高地\n\n热门资讯 2025年08月20日 16:25 1 admin\n\n" + BODY
    c = clean_text(raw)
    assert c.published == "2025-08-20"
    assert c.title == "浙江嘉兴:打造生物医药新高地"


def test_english_file_cut_after_a_few_words_keeps_them():
    en = ("Zhuhai boosts its biomedical industry\n" + "The city now has 120 biomedical companies, officials said. "
          "It plans to attract another 30 projects by 2026, with a focus on cell therapy and medical devices.\n"
          "To date, 18 me")
    assert clean_text(en).body.endswith("To date, 18 me")


def test_headlines_opening_with_function_words_are_no_lead():
    heads = ["为企业发展提供坚实保障", "在全省率先实现新突破", "对标先进地区找差距", "湖州引进十个重点项目"]
    body = clean_text("\n".join(heads) + "\n" + BODY).body
    assert not any(h in body for h in heads)


def test_dated_header_with_a_credit_is_the_date_line_not_a_caption():
    """China Daily style: "Updated:2019-05-02By Li Ming (China Daily)" gives the publication date."""
    text = (
        "Vaccine makers expand in Suzhou\n\n"
        "Updated:2019-05-02By Li Ming (China Daily)\n\n"
        "Suzhou Industrial Park is home to more than 400 biomedical companies and the number keeps "
        "growing every year, officials said on Tuesday.\n\n"
        "The park attracted 20 new projects last year, with total investment of 5 billion yuan, "
        "according to the park administration.\n"
    )
    cleaned = clean_text(text)
    assert cleaned.published == "2019-05-02"
    assert "China Daily" not in cleaned.body
