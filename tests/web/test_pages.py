"""Every page renders with its key content, in both languages, with honest empty states."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.testclient import TestClient

from .conftest import Atlas
from .htmlcheck import unsafe_markup


def entity_id(client: TestClient, name: str) -> int:
    body = client.get("/api/v1/entities", params={"q": name}).json()
    return next(e["id"] for e in body["items"] if e["name"] == name)


def test_overview_lists_regions_stats_and_newest(client: TestClient) -> None:
    r = client.get("/?lang=zh")
    assert r.status_code == 200
    html = r.text
    assert "区域生物医药产业图谱" in html
    assert 'href="/regions/%E5%BE%B7%E5%B7%9E%E5%B8%82"' in html  # 德州市 links to its page
    assert "最新文档" in html and "德州生物医药项目集中开工" in html
    assert 'id="chart-docs"' in html and "/static/vendor/echarts.min.js" in html


def test_language_switch_is_remembered_in_a_cookie(client: TestClient) -> None:
    r = client.get("/?lang=en")
    assert "Regional biomedical industry atlas" in r.text
    assert r.cookies.get("lang") == "en"
    again = client.get("/")  # the client keeps the cookie
    assert "Regional biomedical industry atlas" in again.text
    assert "区域生物医药产业图谱" in client.get("/?lang=zh").text
    assert '<html lang="zh-CN">' in client.get("/").text


def test_accept_language_picks_the_first_visit_language(atlas: Atlas) -> None:
    from chainatlas.present.web import create_app

    with TestClient(create_app(atlas.path)) as fresh:
        assert "Overview" in fresh.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).text
        assert "总览" in fresh.get("/", headers={"Accept-Language": "zh-CN"}).text


def test_region_page_shows_documents_orgs_parks_figures_and_facts(client: TestClient) -> None:
    r = client.get(f"/regions/{quote('德州市')}?lang=zh")
    assert r.status_code == 200
    html = r.text
    assert "<h1>德州市</h1>" in html and "371400" in html
    assert "德州瑞康疫苗科技有限公司" in html  # organisation
    assert "天衢新区生物医药产业园" in html  # park
    assert "50亿元" in html and "总投资50亿元" in html  # headline figure with its sentence
    assert "生物医药产业园二期项目" in html  # a fact
    assert "德州生物医药项目集中开工" in html  # a document


def test_region_by_code_and_alias(client: TestClient) -> None:
    assert "<h1>德州市</h1>" in client.get("/regions/371400").text
    assert "<h1>德州市</h1>" in client.get(f"/regions/{quote('德州')}").text


def test_region_without_data_says_so(client: TestClient) -> None:
    html = client.get(f"/regions/{quote('丽江市')}?lang=zh").text
    for said in ("尚未识别出位于该地区的企业", "尚未识别出位于该地区的园区", "尚未从关于该地区的文章中抽取到指标数据",
                 "尚未从关于该地区的文章中抽取到项目", "图谱中尚无该地区的链主"):
        assert said in html  # no data: said plainly, no placeholder
    assert "丽江市研究大健康产业" in html


def test_unknown_region_is_a_404_with_close_matches(client: TestClient) -> None:
    r = client.get(f"/regions/{quote('德州')}X?lang=zh")
    assert r.status_code == 404
    assert "没有找到" in r.text and "德州市" in r.text and "您是不是要找" in r.text


def test_entity_page_has_aliases_mentions_documents_and_facts(client: TestClient) -> None:
    eid = entity_id(client, "德州瑞康疫苗科技有限公司")
    r = client.get(f"/entities/{eid}?lang=zh")
    assert r.status_code == 200
    assert "<h1>德州瑞康疫苗科技有限公司</h1>" in r.text
    assert '<mark class="hit">德州瑞康疫苗科技有限公司</mark>投资8亿元' in r.text  # mention in its sentence
    assert "德州生物医药项目集中开工" in r.text
    assert "投资" in r.text and "签约" in r.text  # the investment fact whose evidence names it


def test_entity_by_name_redirects_to_its_id(client: TestClient) -> None:
    r = client.get(f"/entities/{quote('德州瑞康疫苗科技有限公司')}", follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(r"/entities/\d+", r.headers["location"])
    missing = client.get(f"/entities/{quote('德州瑞康疫苗')}", follow_redirects=False)
    assert missing.status_code == 404 and "德州瑞康疫苗科技有限公司" in missing.text  # suggestion


def test_unknown_entity_and_document_ids_are_404_pages(client: TestClient) -> None:
    for url in ("/entities/999999", "/documents/999999", "/documents/abc", "/documents/" + "9" * 40, "/nowhere"):
        r = client.get(url + "?lang=en")
        assert r.status_code == 404, url
        assert "Not found" in r.text and "text/html" in r.headers["content-type"]


def test_document_page_highlights_entities_and_numbers(client: TestClient, atlas: Atlas) -> None:
    r = client.get(f"/documents/{atlas.tracker_doc}?lang=zh")
    assert r.status_code == 200
    html = r.text
    assert re.search(r'<a class="ent ent-organization" href="/entities/\d+" data-label="机构" '
                     r'title="德州瑞康疫苗科技有限公司">德州瑞康疫苗科技有限公司</a>', html)
    assert '<mark class="ent ent-money" data-label="金额" title="5,000,000,000 CNY">50亿元</mark>' in html
    assert 'class="legend"' in html and 'id="p0"' in html
    assert 'data-fact="' in html and 'data-action="confirm"' in html  # curation buttons


def test_document_page_shows_dropped_junk_folded(client: TestClient) -> None:
    ids = client.get("/api/v1/documents", params={"limit": 50}).json()["items"]
    with_dropped = [d["id"] for d in ids if client.get(f"/api/v1/documents/{d['id']}").json()["dropped"]]
    assert with_dropped, "the sample corpus has junk the cleaner removed"
    html = client.get(f"/documents/{with_dropped[0]}?lang=en").text
    assert '<details class="dropped">' in html and "Removed by the cleaner" in html


def test_documents_list_filters_and_pages(client: TestClient) -> None:
    html = client.get("/documents?lang=en").text
    assert "9 documents" in html
    site = client.get(f"/documents?site={quote('德州日报')}&lang=en").text
    assert "2 documents" in site and "德州生物医药项目集中开工" in site
    dated = client.get("/documents?date_from=2025-03-01&date_to=2025-03-31&lang=en").text
    assert "德州生物医药项目集中开工" in dated and "Heze City" not in dated


def test_search_highlights_hits_with_facets_and_pagination(client: TestClient) -> None:
    r = client.get(f"/search?q={quote('疫苗')}&lang=zh")
    assert r.status_code == 200
    html = r.text
    assert '<mark class="hit">疫苗</mark>' in html
    assert "地区" in html and "发布年份" in html and "来源网站" in html  # facets
    assert "德州瑞康疫苗科技有限公司" in html  # the entity panel: names that match
    total = int(re.search(r"匹配段落 (\d+) 条", html).group(1))
    assert total > 1
    if total > 20:
        assert 'rel="next"' in html
    one = client.get(f"/search?q={quote('疫苗')}&region={quote('德州市')}&lang=zh").text
    assert "德州生物医药项目集中开工" in one and "×</a>" in one  # filter shown, removable


def test_search_date_filter_and_entity_type_facet(client: TestClient) -> None:
    html = client.get(f"/search?q={quote('疫苗')}&date_from=2025-01-01&lang=zh").text
    assert "德州生物医药项目集中开工" in html and "数智融合" not in html
    orgs = client.get(f"/search?q={quote('疫苗')}&type=organization&lang=zh").text
    assert "德州瑞康疫苗科技有限公司" in orgs


def test_search_without_query_explains_itself(client: TestClient) -> None:
    assert "检索所有文章段落" in client.get("/search?lang=zh").text


def test_compare_page_side_by_side(client: TestClient) -> None:
    r = client.get(f"/compare?r={quote('德州市')}&r={quote('泰州市')}&r=Nowhere&lang=zh")
    assert r.status_code == 200
    html = r.text
    assert html.index("德州市") < html.index("泰州市")
    assert "图谱中没有该地区" in html  # Nowhere
    assert "主要企业与机构" in html and "德州瑞康疫苗科技有限公司" in html
    assert "在上方输入地区名称" in client.get("/compare?lang=zh").text


def test_tracker_facts_view_lists_projects_and_investments_with_filters(client: TestClient) -> None:
    html = client.get("/tracker?view=facts&lang=zh").text
    assert "生物医药产业园二期项目" in html and "德州瑞康疫苗科技有限公司" in html
    assert "医药企业数" not in html  # a metric is not a tracker item
    assert html.count('data-action="reject"') >= 2
    only = client.get("/tracker?view=facts&type=investment&lang=zh").text
    assert "生物医药产业园二期项目" not in only and "德州瑞康疫苗科技有限公司" in only
    assert "共 0 条" in client.get("/tracker?view=facts&status=confirmed&region=" + quote("泰州市") + "&lang=zh").text


def test_regions_and_entities_browsers(client: TestClient) -> None:
    assert "德州市" in client.get("/regions?level=city").text
    assert "德州瑞康疫苗科技有限公司" in client.get("/entities?type=organization&q=" + quote("瑞康")).text


def test_pages_send_a_strict_csp_and_no_inline_script(client: TestClient, atlas: Atlas) -> None:
    for url in ("/", f"/regions/{quote('德州市')}", f"/documents/{atlas.tracker_doc}", "/search?q=x", "/tracker",
                "/compare", "/documents", "/entities", "/login", "/nowhere"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert unsafe_markup(r.text) == [], url  # only our static scripts, no inline handlers


def test_static_assets_are_served_locally(client: TestClient) -> None:
    for path in ("/static/app.css", "/static/app.js", "/static/vendor/echarts.min.js",
                 "/static/vendor/echarts.LICENSE.txt"):
        assert client.get(path).status_code == 200, path
    assert "http://" not in client.get("/static/app.css").text
