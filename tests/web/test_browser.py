"""The atlas in a real browser (Debian's Chromium through Playwright), served by uvicorn on 127.0.0.1.

Screenshots land in artifacts/screenshots/ (git-ignored). Skipped when /usr/bin/chromium or the
playwright package is missing (`apt-get install chromium`; `pip install playwright`, no browser
download needed).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from chainatlas.present.web import create_app

from .atlas_data import XSS_SCRIPT
from .conftest import SCREENSHOTS, Atlas, copy_atlas

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need `pip install playwright`")
uvicorn = pytest.importorskip("uvicorn")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = copy_atlas(atlas.path, tmp_path_factory.mktemp("browser") / "atlas.db")
    port = free_port()
    config = uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


class Watch:
    """Console errors (CSP violations land there), page errors and dialogs of one page."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d) -> None:  # type: ignore[no-untyped-def]
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)


@pytest.fixture
def page(browser, server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN",
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.watch = Watch(pg)  # type: ignore[attr-defined]
    yield pg
    context.close()


def shot(page, name: str, full: bool = True) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full)


def top(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Scroll so that ``selector`` starts just below the sticky header."""
    page.locator(selector).first.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 70)")


def test_every_page_loads_without_errors(page, server: str, atlas: Atlas) -> None:  # type: ignore[no-untyped-def]
    pages = {
        "overview": "/", "overview-en": "/?lang=en", "regions": "/regions", "region-dezhou": f"/regions/{quote('德州市')}",
        "entities": "/entities", "documents": "/documents", "document-tracker": f"/documents/{atlas.tracker_doc}",
        "search": f"/search?q={quote('疫苗')}", "compare": f"/compare?r={quote('德州市')}&r={quote('泰州市')}",
        "tracker": "/tracker", "tracker-facts": "/tracker?view=facts", "not-found": f"/regions/{quote('德州县')}",
        "login": "/login", "region-dezhou-en": f"/regions/{quote('德州市')}?lang=en",
        "compare-en": f"/compare?r={quote('德州市')}&r={quote('泰州市')}&lang=en",
    }
    for name, url in pages.items():
        response = page.goto(server + url + ("&" if "?" in url else "?") + ("" if "lang=" in url else "lang=zh"))
        assert response.status == (404 if name == "not-found" else 200), name
        page.wait_for_load_state("networkidle")
        shot(page, name)
        if name == "not-found":  # the browser logs the 404 status of the page itself
            page.watch.errors[:] = [e for e in page.watch.errors if "status of 404" not in e]
        assert page.watch.errors == [], (name, page.watch.errors)
    assert page.watch.dialogs == []


def test_charts_draw_from_the_vendored_echarts(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/?lang=zh")
    page.wait_for_selector("[data-chart] svg")
    assert page.evaluate("typeof window.echarts") == "object"
    assert page.locator("[data-chart] svg text", has_text="德州市").count() >= 1
    assert page.watch.errors == []


def test_click_city_then_entity_then_document(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/?lang=zh")
    page.locator("table a.strong", has_text="德州市").first.click()
    page.wait_for_url(re.compile(r"/regions/"))
    assert page.locator("h1").inner_text() == "德州市"
    shot(page, "flow-1-region", full=False)
    page.locator("a", has_text="德州瑞康疫苗科技有限公司").first.click()
    page.wait_for_url(re.compile(r"/entities/\d+$"))
    assert page.locator("h1").inner_text() == "德州瑞康疫苗科技有限公司"
    assert page.locator("blockquote.evidence mark.hit").first.is_visible()
    shot(page, "flow-2-entity", full=False)
    page.locator("ol.mentions a.meta").first.click()
    page.wait_for_url(re.compile(r"/documents/\d+"))
    assert page.locator(".doc-text .ent-organization", has_text="德州瑞康疫苗科技有限公司").first.is_visible()
    assert page.locator(".legend .ent-money").is_visible()
    shot(page, "flow-3-document", full=False)
    assert page.watch.errors == []


def test_search_for_vaccine(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/?lang=zh")
    box = page.locator("header .top-search input[name=q]")
    box.fill("疫苗")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    hits = page.locator(".hit-item")
    assert hits.count() >= 2
    assert page.locator(".snippet mark.hit", has_text="疫苗").first.is_visible()
    page.locator(".facets a", has_text="德州市").first.click()
    page.wait_for_url(re.compile(r"region="))
    assert page.locator(".hit-item").count() >= 1
    shot(page, "search-vaccine-dezhou")


def test_curation_shows_401_without_a_token_then_works_with_one(page, server: str, atlas: Atlas) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/tracker?view=facts&lang=zh")
    row = page.locator("tr[data-fact-row]", has_text="生物医药产业园二期项目")
    row.locator("button[data-action=confirm]").click()
    flash = page.locator("[data-flash]")
    flash.wait_for(state="visible")
    assert "401" in flash.inner_text() and "需要令牌" in flash.inner_text()
    assert row.locator("[data-status]").inner_text() == "待审核"
    shot(page, "curate-401", full=False)
    page.locator("[data-token-box] summary").click()
    page.locator("[data-token-form] input[name=token]").fill(atlas.read)
    page.locator("[data-token-form] button[type=submit]").click()
    row.locator("button[data-action=confirm]").click()
    page.locator("[data-flash]", has_text="403").wait_for()  # a read-only token may not write
    page.locator("[data-token-form] input[name=token]").fill(atlas.write)
    page.locator("[data-token-form] button[type=submit]").click()
    assert page.locator("[data-token-state]").first.inner_text() == "已填写"
    row.locator("button[data-action=confirm]").click()
    row.locator("[data-status].status-confirmed").wait_for()
    assert row.locator("[data-status]").inner_text() == "已确认"
    shot(page, "curate-confirmed", full=False)
    page.reload()
    assert page.locator("tr[data-fact-row]", has_text="生物医药产业园二期项目").locator(
        "[data-status]").inner_text() == "已确认"
    assert [e for e in page.watch.errors if "401" not in e and "403" not in e] == []


def test_hostile_document_runs_nothing(page, server: str, atlas: Atlas) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + f"/documents/{atlas.xss_doc}?lang=zh")
    page.wait_for_load_state("networkidle")
    page.locator(".ent-organization").first.hover()
    page.locator("details.dropped summary").click()
    assert page.watch.dialogs == []
    assert page.evaluate("document.querySelectorAll('img, b, iframe').length") == 0
    assert page.evaluate("[...document.scripts].every(s => s.src.includes('/static/') || s.type === 'application/json')")
    assert XSS_SCRIPT in page.locator("h1").inner_text()  # shown as text
    assert XSS_SCRIPT in page.title()
    shot(page, "xss-document")
    for url in (f"/search?q={quote('恶意')}", "/tracker"):
        page.goto(server + url)
        page.wait_for_load_state("networkidle")
        assert page.watch.dialogs == []
        assert page.evaluate("document.querySelectorAll('img, b').length") == 0


def test_upload_from_the_documents_page(page, server: str, atlas: Atlas, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "luzhou.txt"
    article.write_text("泸州市医药产业园新签约项目五个\n泸州市医药产业园今年新签约项目五个，"
                       "四川泸州制药有限公司投资3亿元扩建生产线，园区企业达到60家。\n", encoding="utf-8")
    page.goto(server + "/documents?lang=zh")
    page.locator("#upload [data-token-box] summary").click()
    page.locator("#upload [data-token-form] input[name=token]").fill(atlas.write)
    page.locator("#upload [data-token-form] button[type=submit]").click()
    page.locator("[data-upload-form] input[type=file]").set_input_files(str(article))
    page.locator("[data-upload-form] button[type=submit]").click()
    flash = page.locator("#upload [data-flash]")
    flash.wait_for(state="visible")
    assert "已导入" in flash.inner_text()
    flash.locator("a").click()
    page.wait_for_url(re.compile(r"/documents/\d+"))
    assert "四川泸州制药有限公司" in page.locator(".doc-text").inner_text()
    shot(page, "upload-result", full=False)


def test_city_page_draws_the_chain_map_and_trends(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + f"/regions/{quote('德州市')}?lang=zh")
    tree = page.locator("[data-chart=tree]")
    tree.locator("svg").wait_for()
    # every taxonomy segment is a node, the covered ones with their evidence count
    assert tree.locator("svg text", has_text="疫苗 · 1").count() == 1
    assert tree.locator("svg text", has_text="抗体药物").count() == 1  # absent segments are drawn too
    assert tree.locator("svg text", has_text="上游").count() == 1
    top(page, "#chain")
    shot(page, "region-chain-map", full=False)
    # the tooltip names the enterprises behind a segment (rich text, not HTML)
    box = tree.locator("svg text", has_text="疫苗 · 1").bounding_box()
    node = (box["x"] - 11, box["y"] + box["height"] / 2)  # the node's circle, left of its label
    page.mouse.move(*node)
    tree.locator("svg text", has_text="企业：德州瑞康疫苗科技有限公司").wait_for()
    shot(page, "region-chain-tooltip", full=False)
    # clicking a node opens the coverage table at that segment
    page.mouse.click(*node)
    page.locator("#seg-vaccines").wait_for(state="visible")
    # the three-year figure is drawn as a trend, each point labelled as printed
    metric = page.locator("[data-chart=metric]").first
    metric.locator("svg").wait_for()
    assert metric.locator("svg text", has_text="520亿元").count() == 1
    assert metric.locator("svg text", has_text="2022").count() == 1
    top(page, "#figures")
    shot(page, "region-figures", full=False)
    top(page, "#gaps")
    shot(page, "region-gaps", full=False)
    shot(page, "region-full")
    assert page.watch.errors == [] and page.watch.dialogs == []


def test_citation_links_open_the_source_paragraph(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + f"/regions/{quote('德州市')}?lang=zh")
    link = page.locator("#figures .cite-link", has_text="德州市医药产业规模连续三年增长").first
    href = link.get_attribute("href")
    assert re.fullmatch(r"/documents/\d+#p\d+", href)
    link.click()
    page.wait_for_url(re.compile(r"/documents/\d+#p\d+$"))
    target = page.locator("p:target")
    assert "520亿元" in target.inner_text()
    assert page.watch.errors == []


def test_compare_page_draws_the_coverage_heat_map(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + f"/compare?r={quote('德州市')}&r={quote('泰州市')}&r={quote('菏泽市')}&lang=zh")
    heat = page.locator("[data-chart=heatmap]")
    heat.locator("svg").wait_for()
    for name in ("德州市", "泰州市", "菏泽市"):
        assert heat.locator("svg text", has_text=name).count() == 1
    assert heat.locator("svg text", has_text="—").count() > 10  # absent segments say so
    row = page.locator("tr[data-metric='产业规模']")
    assert row.locator(".cell-value").first.inner_text() == "520亿元"
    assert row.locator(".missing").count() == 1  # 菏泽市 has no figure: "—", not 0
    shot(page, "compare-figures", full=False)
    top(page, "#coverage")
    shot(page, "compare-heatmap", full=False)
    shot(page, "compare-full")
    assert page.watch.errors == [] and page.watch.dialogs == []


def test_tracker_sync_edit_history_and_confirm(page, server: str, atlas: Atlas) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/tracker?lang=zh")
    page.locator(".empty-action [data-sync]").click()
    flash = page.locator("[data-flash]")
    flash.wait_for(state="visible")
    assert "401" in flash.inner_text()  # no token yet
    page.locator("[data-token-box] summary").click()
    page.locator("[data-token-form] input[name=token]").fill(atlas.write)
    page.locator("[data-token-form] button[type=submit]").click()
    page.locator(".empty-action [data-sync]").click()
    page.locator("tbody.item").first.wait_for()  # the page reloads with the synced items
    item = page.locator("tbody.item", has_text="生物医药产业园二期项目")
    item.locator("[data-field=owner]").fill("王敏")
    item.locator("[data-field=next_step]").fill("协调用地指标")
    item.locator("[data-field=status]").select_option("在建")
    item.locator("[data-save]").click()
    page.locator("[data-flash]", has_text="已保存").wait_for()
    assert "开工 → 在建" in page.locator("[data-flash]").inner_text()
    item.locator("[data-history]").click()
    history = item.locator("[data-history-box] table")
    history.wait_for()
    assert "token:1 (tester)" in history.inner_text() and "王敏" in history.inner_text()
    item.locator(".evidence-box summary").click()
    fact = item.locator("[data-fact-row]").first
    fact.locator("button[data-action=confirm]").click()
    fact.locator("[data-status].status-confirmed").wait_for()
    top(page, "tbody.item:has-text('生物医药产业园二期项目')")
    shot(page, "tracker-edited", full=False)
    page.reload()
    item = page.locator("tbody.item", has_text="生物医药产业园二期项目")
    assert item.locator("[data-field=owner]").input_value() == "王敏"
    assert item.locator("[data-field=status]").input_value() == "在建"
    assert [e for e in page.watch.errors if "401" not in e] == []
