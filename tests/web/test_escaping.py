"""Scraped text is data, never markup: every page that shows the hostile document escapes it."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from markupsafe import escape

from .atlas_data import XSS_IMG, XSS_ORG, XSS_SCRIPT
from .conftest import Atlas
from .htmlcheck import parse, unsafe_markup

RAW = (XSS_SCRIPT, XSS_IMG, XSS_ORG, "<script>", "onerror=\"", "<b onmouseover", 'href="javascript:')


def pages(client: TestClient, atlas: Atlas) -> dict[str, str]:
    org = next(e["id"] for e in client.get("/api/v1/entities", params={"q": "恶意生物"}).json()["items"])
    urls = [f"/documents/{atlas.xss_doc}", f"/entities/{org}", f"/search?q={quote('恶意')}",
            f"/search?q={quote('script alert')}", "/tracker", f"/regions/{quote('德州市')}", "/",
            "/documents", f"/compare?r={quote('德州市')}", f"/regions/{quote(XSS_SCRIPT)}",
            f"/search?q={quote(XSS_SCRIPT)}&region={quote(XSS_IMG)}", f"/entities/{quote(XSS_ORG)}",
            "/tracker?view=facts", f"/compare?r={quote('德州市')}&r={quote('泰州市')}",
            f"/regions/{quote('德州市')}/briefing.html", f"/compare?r={quote(XSS_SCRIPT)}", "/?level=county"]
    out = {}
    for url in urls:
        r = client.get(url, follow_redirects=True)
        assert r.status_code in (200, 404), url
        out[url] = r.text
    return out


def test_no_raw_markup_reaches_any_page(client: TestClient, atlas: Atlas) -> None:
    for url, html in pages(client, atlas).items():
        for raw in RAW:
            assert raw not in html, (url, raw)
        assert unsafe_markup(html) == [], url


def test_hostile_text_is_shown_escaped_and_highlighted(client: TestClient, atlas: Atlas) -> None:
    html = client.get(f"/documents/{atlas.xss_doc}").text
    assert str(escape(XSS_SCRIPT)) in html and str(escape(XSS_IMG)) in html  # visible as text
    assert f"<title>{escape(XSS_SCRIPT)}{escape(XSS_IMG)}恶意标题" in html
    # the organisation mark wraps the escaped name; the mark that cuts through a tag stays balanced
    assert f">{escape(XSS_ORG)}</a>" in html
    assert '标题党 &lt;<a class="ent ent-product" href="/entities/' in html
    assert 'data-label="产品" title="script&gt;alert">script&gt;alert</a>(1)&lt;/script&gt;' in html
    parsed = parse(html)
    text = "".join(parsed.text)
    assert XSS_SCRIPT in text and XSS_ORG in text  # what the reader sees is the original characters
    assert not [t for t, _ in parsed.tags if t in ("b", "img")]
    # dropped junk, the site name and the fact arguments are escaped too
    assert f"导航 {escape(XSS_SCRIPT)}" in html and f"&lt;i&gt;{escape(XSS_SCRIPT)}&lt;/i&gt;" in html


def test_json_keeps_the_text_verbatim(client: TestClient, atlas: Atlas) -> None:
    r = client.get(f"/api/v1/documents/{atlas.xss_doc}")
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["title"].startswith(XSS_SCRIPT)
    assert r.headers["x-content-type-options"] == "nosniff"
