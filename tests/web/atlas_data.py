"""Hand-made documents for the web tests: one with tracker facts, one full of hostile markup."""

from __future__ import annotations

from chainatlas.model import Document, Dropped, Entity, Fact, Quantity, Span
from tests.builders import lines, spans

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '<img src=x onerror="alert(2)">'
XSS_ORG = "<b onmouseover=alert(3)>恶意生物科技有限公司</b>"


def tracker_doc() -> Document:
    """A Dezhou article with a project and an investment fact (the extractors make none yet)."""
    text = ("德州市天衢新区生物医药产业园二期项目开工建设，总投资50亿元，预计2026年投产。\n"
            "德州瑞康疫苗科技有限公司投资8亿元建设新型疫苗生产线，项目已签约。\n"
            "全市医药企业达到120家。")
    org = "德州瑞康疫苗科技有限公司"
    p1 = text.index("德州市天衢新区生物医药产业园二期项目")
    p2 = text.index(org)
    return Document(
        source="web-tests/tracker.txt", text=text, title="德州生物医药项目集中开工", published="2025-03-15",
        lang="zh", site="德州日报", content_hash="web-test-tracker", passages=lines(text),
        entities=[
            Entity("region", "德州市", aliases=["德州"], code="371400", mentions=spans(text, "德州市")),
            Entity("region", "天衢新区", code="371402", mentions=spans(text, "天衢新区")),
            Entity("organization", org, kind="enterprise", mentions=spans(text, org)),
            Entity("park", "天衢新区生物医药产业园", mentions=spans(text, "天衢新区生物医药产业园")),
        ],
        quantities=[
            Quantity("money", 5e9, "50亿元", text.index("50亿元"), text.index("50亿元") + 4, currency="CNY"),
            Quantity("money", 8e8, "8亿元", text.index("8亿元"), text.index("8亿元") + 3, currency="CNY"),
            Quantity("count", 120, "120家", text.index("120家"), text.index("120家") + 4, unit="家"),
        ],
        facts=[
            Fact("project", {"name": "生物医药产业园二期项目", "region": "德州市", "status": "开工", "amount": 5e9},
                 p1, text.index("。", p1) + 1, 0.7),
            Fact("investment", {"subject": org, "region": "德州市", "amount": 8e8, "status": "签约"},
                 p2, text.index("。", p2) + 1, 0.8),
            Fact("metric", {"metric": "医药企业数", "value": 120, "unit": "家"},
                 text.index("全市"), len(text), 0.6),
        ],
    )


def xss_doc() -> Document:
    """Scraped text that carries markup in the title, the body, an entity name, a fact and the junk."""
    text = (f"标题党 {XSS_SCRIPT} 德州市新闻\n"
            f"{XSS_ORG}宣布在德州市投资3亿元。{XSS_IMG}\n"
            "正文结束 </p></div><a href=\"javascript:alert(4)\">点我</a>")
    org_at = text.index(XSS_ORG)
    money = text.index("3亿元")
    return Document(
        source="web-tests/xss.txt", text=text, title=f"{XSS_SCRIPT}{XSS_IMG}恶意标题", published="2025-01-02",
        lang="zh", site=f"<i>{XSS_SCRIPT}</i>", content_hash="web-test-xss", passages=lines(text),
        dropped=[Dropped(f"导航 {XSS_SCRIPT} {XSS_IMG}", "navigation")],
        entities=[
            Entity("organization", XSS_ORG, kind="enterprise", mentions=[Span(org_at, org_at + len(XSS_ORG), XSS_ORG)]),
            Entity("region", "德州市", code="371400", mentions=spans(text, "德州市")),
            # A mention that cuts through a tag: highlighting must not produce half-open markup.
            Entity("product", "script>alert", mentions=[Span(text.index("script>alert"),
                                                             text.index("script>alert") + 12, "script>alert")]),
        ],
        quantities=[Quantity("money", 3e8, "3亿元", money, money + 3, currency="CNY")],
        facts=[Fact("project", {"name": XSS_SCRIPT, "status": XSS_IMG}, org_at, money + 4, 0.5)],
    )


def quiet_doc() -> Document:
    """A region named once and nothing else: its page must say plainly that it has no data yet."""
    text = "丽江市召开座谈会，研究大健康产业发展思路。"
    return Document(
        source="web-tests/quiet.txt", text=text, title="丽江市研究大健康产业", published="2022-06-01", lang="zh",
        content_hash="web-test-quiet", passages=lines(text),
        entities=[Entity("region", "丽江市", code="530700", mentions=spans(text, "丽江市"))],
    )


def growth_doc() -> Document:
    """Dezhou's industry scale in three years (metric facts with periods): the city page draws a trend."""
    text = ("德州市医药产业规模连续三年增长\n"
            "2022年，德州市医药产业规模达到420亿元。\n"
            "2023年，德州市医药产业规模达到465亿元。\n"
            "2024年，德州市医药产业规模达到520亿元，同比增长11.8%。")
    facts, quantities = [], []
    for year, value in (("2022", 420), ("2023", 465), ("2024", 520)):
        at = text.index(f"{year}年，德州市")
        end = text.index("。", at) + 1
        money = text.index(f"{value}亿元", at)
        quantities.append(Quantity("money", value * 1e8, f"{value}亿元", money, money + len(f"{value}亿元"),
                                   currency="CNY"))
        facts.append(Fact("metric", {"metric": "产业规模", "subject": "德州市", "subject_type": "region",
                                     "value": value * 1e8, "unit": "元", "currency": "CNY", "period": year},
                          at, end, 0.8))
    return Document(
        source="web-tests/growth.txt", text=text, title="德州市医药产业规模连续三年增长", published="2025-02-10",
        lang="zh", site="德州日报", content_hash="web-test-growth", passages=lines(text),
        entities=[Entity("region", "德州市", aliases=["德州"], code="371400", mentions=spans(text, "德州市"))],
        quantities=quantities, facts=facts,
    )
