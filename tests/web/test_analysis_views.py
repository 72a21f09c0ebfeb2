"""The analysis layer on the web: overview by "documents about", city profiles with the chain map,
gaps, comparisons and briefings, every value cited down to its paragraph."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from chainatlas.analyse.taxonomy import load_taxonomy

from .conftest import Atlas, auth
from .htmlcheck import parse, unsafe_markup

DEZHOU = quote("德州市")
CITE_HREF = re.compile(r"/documents/\d+#p\d+")
STATUSES = {"absent", "weak", "present", "strong"}


def json_block(html: str, block_id: str) -> object:
    """The data of a ``<script type="application/json" id=…>`` block, as the browser's JSON.parse reads it."""
    m = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', html, re.S)
    assert m, block_id
    return json.loads(m.group(1))


def cites_of(node: object) -> list[dict]:
    """Every citation (a dict with document_id and sentence) anywhere in a JSON answer."""
    out = []
    if isinstance(node, dict):
        if "document_id" in node and "sentence" in node and "href" in node:
            out.append(node)
        for v in node.values():
            out.extend(cites_of(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(cites_of(v))
    return out


# ---------------------------------------------------------------------------------------- overview


def test_overview_counts_documents_about_a_region_not_passing_mentions(client: TestClient) -> None:
    cities = client.get("/api/v1/regions", params={"level": "city", "limit": 200}).json()["items"]
    names = [r["name"] for r in cities]
    assert names[0] == "德州市" and {"泰州市", "菏泽市", "锦州市"} <= set(names)
    assert "北京市" not in names  # the Heze article names Beijing in passing: not a Beijing article
    heze = next(r for r in cities if r["name"] == "菏泽市")
    assert heze["park_count"] >= 1 and heze["document_count"] == 1
    dezhou = cities[0]
    assert dezhou["document_count"] == 5 and dezhou["ref"] == "德州市"
    figures = dezhou["figures"]
    assert figures and len({f["metric"] for f in figures}) == len(figures)  # one figure per metric
    assert all(CITE_HREF.fullmatch(f["citation"]["href"]) for f in figures)
    counties = client.get("/api/v1/regions", params={"level": "county"}).json()["items"]
    assert "齐河县" in [r["name"] for r in counties] and all(r["level"] == "county" for r in counties)
    assert client.get("/api/v1/regions", params={"level": "planet"}).status_code == 422


def test_overview_page_has_level_tabs_and_cited_figures(client: TestClient) -> None:
    html = client.get("/?lang=zh").text
    assert "北京市" not in html
    for tab in ("地市", "省份", "区县"):
        assert tab in html
    assert "山东省" in client.get("/?level=province&lang=zh").text
    county = client.get("/?level=county&lang=zh").text
    assert 'href="/regions/%E9%BD%90%E6%B2%B3%E5%8E%BF"' in county  # 齐河县
    assert re.search(r'href="/documents/\d+#p\d+"', html)  # headline figures link to their paragraph
    assert "Counties" in client.get("/?level=county&lang=en").text
    client.get("/?lang=zh")  # the shared client keeps the language cookie: leave it as found


# ---------------------------------------------------------------------------------------- city page


def test_region_api_has_the_profile_chain_gaps_and_briefings(client: TestClient) -> None:
    body = client.get(f"/api/v1/regions/{DEZHOU}").json()
    assert body["region"]["label"] == "德州市 (山东省, 371400)"
    p = body["profile"]
    # figures over time: the three-year series is a chart, each value cited to its paragraph
    scale = next(s for s in p["metrics"] if s["metric"] == "产业规模" and s["subject_type"] == "region")
    assert scale["chart"] and [pt["period"] for pt in scale["points"]] == ["2024", "2023", "2022"]
    assert scale["points"][0]["values"][0]["display"] == "520亿元"
    for s in p["metrics"]:
        for pt in s["points"]:
            for v in pt["values"]:
                assert v["citations"] and v["sources"] >= len(v["citations"])
                assert all(CITE_HREF.fullmatch(c["href"]) for c in v["citations"])
    # the chain: every taxonomy segment, in chain order, with a coverage status and its evidence
    tax = [s.id for s in load_taxonomy()]
    assert [c["id"] for c in p["chain"]] == [s.id for stage in load_taxonomy().by_stage().values() for s in stage]
    assert sorted(c["id"] for c in p["chain"]) == sorted(tax)
    assert {c["status"] for c in p["chain"]} <= STATUSES
    vaccines = next(c for c in p["chain"] if c["id"] == "vaccines")
    assert vaccines["total"] >= 1 and "德州瑞康疫苗科技有限公司" in vaccines["enterprises"]
    assert sum(p["coverage"].values()) == len(tax)
    # leaders, enterprises, parks, projects by status
    assert {"山东沃森农业科技有限公司", "德州市医养健康有限公司"} <= {l_["entity"] for l_ in p["leaders"]}
    assert "天衢新区生物医药产业园" in [x["name"] for x in p["parks"]]
    started = next(s for s in p["projects_by_status"] if s["status"] == "开工")
    assert started["amount"] == 5e9 and started["amount_display"] == "50亿元"
    # gaps with candidates and their reasons
    g = body["gaps"]
    assert g["gaps"] and all(gap["status"] in ("absent", "weak") and gap["strong_peers"] for gap in g["gaps"])
    cand = g["gaps"][0]["candidates"][0]
    assert cand["score"] > 0 and [t["name"] for t in cand["terms"]] == ["evidence", "recency", "projects", "role"]
    assert cand["reason"] and cand["evidence"]
    assert body["briefings"] == {f: f"/regions/{DEZHOU}/briefing.{f}" for f in ("html", "md", "pdf")}
    # citations everywhere carry a link to the document, and nearly all find their paragraph
    cites = cites_of(body)
    assert len(cites) > 20 and all(c["href"].startswith(f"/documents/{c['document_id']}") for c in cites)
    assert sum(1 for c in cites if c["passage"] is not None) >= 0.9 * len(cites)


def test_region_page_embeds_the_chain_map_and_trend_data(client: TestClient) -> None:
    html = client.get(f"/regions/{DEZHOU}?lang=zh").text
    assert 'data-chart="tree"' in html and 'data-chart="metric"' in html
    chain = json_block(html, "chart-chain")
    root = chain["root"]
    assert root["name"] == "德州市" and [c["name"] for c in root["children"]] == ["上游", "中游", "下游"]
    midstream = root["children"][1]["children"]
    pharma = next(n for n in midstream if n["id"] == "pharmaceuticals")
    biologics = next(n for n in pharma["children"] if n["id"] == "biologics")
    vaccines = next(n for n in biologics["children"] if n["id"] == "vaccines")
    assert vaccines["status"] in STATUSES and any("德州瑞康疫苗科技有限公司" in line for line in vaccines["tip"])
    trend = json_block(html, "chart-metric-1")
    assert trend["names"] == ["2022", "2023", "2024"] and trend["values"] == [420, 465, 520]
    assert trend["labels"][-1] == "520亿元" and all(CITE_HREF.fullmatch(h) for h in trend["hrefs"])
    for section in ("产业链图谱", "主要指标及变化", "短板与招商目标", "链主与龙头企业", "产业园区", "项目", "相关报道"):
        assert section in html
    assert f'href="/regions/{DEZHOU}/briefing.pdf?lang=zh"' in html and "下载简报" in html
    assert unsafe_markup(html) == []


def test_region_page_in_english(client: TestClient) -> None:
    html = client.get(f"/regions/{DEZHOU}?lang=en").text
    for said in ("Industry chain map", "Figures over time", "Gaps and enterprises to approach", "Download briefing",
                 "Industry scale"):
        assert said in html
    chain = json_block(html, "chart-chain")
    assert [c["name"] for c in chain["root"]["children"]] == ["Upstream", "Midstream", "Downstream"]
    assert "Vaccines" in json.dumps(chain)
    client.get("/?lang=zh")  # the shared client keeps the language cookie: leave it as found


def test_unknown_and_ambiguous_regions_are_404_with_candidates(client: TestClient) -> None:
    typo = client.get(f"/regions/{quote('德州县')}?lang=zh")
    assert typo.status_code == 404 and 'href="/regions/%E5%BE%B7%E5%B7%9E%E5%B8%82"' in typo.text
    both = client.get(f"/regions/{quote('朝阳区')}?lang=zh")
    assert both.status_code == 404 and "对应 2 个地区" in both.text
    assert 'href="/regions/110105"' in both.text and 'href="/regions/220104"' in both.text  # by code: unambiguous
    api = client.get(f"/api/v1/regions/{quote('朝阳区')}").json()
    assert api["ambiguous"] is True and {s["ref"] for s in api["suggestions"]} == {"110105", "220104"}
    assert client.get("/regions/110105").status_code == 200  # a real region the atlas has no article about
    for url in (f"/api/v1/gaps?region={quote('朝阳区')}", f"/api/v1/reports/{quote('德州县')}",
                f"/regions/{quote('德州县')}/briefing.md"):
        assert client.get(url).status_code == 404, url


def test_region_without_articles_about_it_says_so(client: TestClient) -> None:
    html = client.get(f"/regions/{quote('北京市')}?lang=zh").text  # mentioned in passing only
    assert "还没有以该地区为报道对象的文章" in html
    body = client.get(f"/api/v1/regions/{quote('北京市')}").json()
    assert body["document_count"] == 0 and body["profile"]["parks"] == []


# ---------------------------------------------------------------------------------------- gaps


def test_gaps_api(client: TestClient) -> None:
    body = client.get("/api/v1/gaps", params={"region": "德州", "candidates": 2}).json()
    assert body["region"]["name"] == "德州市" and body["peers"] and body["rule"]
    assert len(body["standings"]) == len(list(load_taxonomy()))
    for gap in body["gaps"]:
        assert gap["reason"].startswith("德州市 has") and len(gap["candidates"]) <= 2
        for c in gap["candidates"]:
            assert c["rank"] >= 1 and c["reason"] and all(CITE_HREF.fullmatch(e["href"]) for e in c["evidence"])
    assert client.get("/api/v1/gaps").status_code == 422
    assert client.get("/api/v1/gaps", params={"region": "德州", "candidates": 99}).status_code == 422
    nf = client.get("/api/v1/gaps", params={"region": "德洲市"})
    assert nf.status_code == 404 and nf.json()["suggestions"][0]["name"] == "德州市"


# ---------------------------------------------------------------------------------------- compare


def test_compare_api_cells_are_cited_and_missing_is_missing(client: TestClient) -> None:
    body = client.get("/api/v1/compare", params=[("r", "德州"), ("r", "泰州市"), ("r", "菏泽市")]).json()
    assert [c["region"]["name"] for c in body["columns"]] == ["德州市", "泰州市", "菏泽市"]
    scale = next(m for m in body["metrics"] if m["metric"] == "产业规模")
    dz, tz, hz = scale["cells"]
    assert (dz["value"], dz["period"], dz["display"]) == (5.2e10, "2024", "520亿元")  # normalised to yuan
    assert tz["display"] == "2,850亿元" and CITE_HREF.fullmatch(tz["citation"]["href"])
    assert hz == {**hz, "value": None, "display": "—", "missing": True, "citation": None}
    for row in body["metrics"]:
        for cell in row["cells"]:
            assert cell["missing"] == (cell["citation"] is None) == (cell["display"] == "—")
    assert len(body["segments"]) == len(list(load_taxonomy()))
    assert all(len(row["cells"]) == 3 for row in body["segments"])
    assert body["note"]


def test_compare_page_links_cells_to_paragraphs_and_draws_the_heat_map(client: TestClient) -> None:
    html = client.get(f"/compare?r={DEZHOU}&r={quote('泰州市')}&r={quote('菏泽市')}&r=Nowhere&lang=zh").text
    row = re.search(r"<tr data-metric=\"产业规模\">(.*?)</tr>", html, re.S).group(1)
    assert re.search(r'<a class="cell-value" href="/documents/\d+#p\d+"[^>]*>520亿元</a>', row)
    assert row.count('<span class="missing"') == 2  # 菏泽市 and the unknown name
    assert "图谱中没有该地区" in html
    heat = json_block(html, "chart-heat")
    assert heat["regions"] == ["德州市", "泰州市", "菏泽市"]
    assert len(heat["data"]) == 3 * len(list(load_taxonomy())) and len(heat["headers"]) == 3
    assert unsafe_markup(html) == []


# ---------------------------------------------------------------------------------------- briefings


def test_briefing_downloads_in_the_interface_language(client: TestClient) -> None:
    md = client.get(f"/regions/{DEZHOU}/briefing.md?lang=zh")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"] and "filename*=UTF-8''" in md.headers["content-disposition"]
    assert "德州" in md.text and re.search(r"\[\d+\]", md.text) and md.headers["x-citation-problems"] == "0"
    en = client.get(f"/regions/{DEZHOU}/briefing.md?lang=en").text
    assert "Dezhou" in en and en != md.text
    html = client.get(f"/regions/{DEZHOU}/briefing.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    csp = html.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp  # styles inline, never a script
    assert not [t for t, _ in parse(html.text).tags if t == "script"]
    api = client.get(f"/api/v1/reports/{DEZHOU}", params={"format": "md", "lang": "zh"})
    assert api.status_code == 200 and api.text == md.text
    assert client.get(f"/api/v1/reports/{DEZHOU}", params={"format": "doc"}).status_code == 422
    assert client.get(f"/regions/{DEZHOU}/briefing.doc").status_code == 404


def test_briefing_pdf(client: TestClient) -> None:
    r = client.get(f"/api/v1/reports/{DEZHOU}", params={"format": "pdf"})
    if r.status_code == 503:
        pytest.skip(r.json()["detail"])  # WeasyPrint or Pango missing on this machine
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r.headers["content-type"] == "application/pdf"


# ---------------------------------------------------------------------------------------- caching


def test_city_views_are_cached_and_refreshed_after_a_verdict(writable: TestClient, atlas: Atlas) -> None:
    ctx = writable.app.state.ctx
    first = writable.get(f"/api/v1/regions/{DEZHOU}").json()
    assert writable.get(f"/api/v1/regions/{DEZHOU}").content == writable.get(f"/api/v1/regions/{DEZHOU}").content
    index = ctx.index()
    assert ctx.index() is index  # one analysis snapshot per atlas version
    project = next(p for p in first["profile"]["projects"] if p["name"] == "生物医药产业园二期项目")
    assert project["review"] == "extracted"
    ok = writable.post(f"/api/v1/facts/{project['fact_id']}/confirm", headers=auth(atlas.write))
    assert ok.status_code == 200
    again = writable.get(f"/api/v1/regions/{DEZHOU}").json()
    assert next(p for p in again["profile"]["projects"] if p["fact_id"] == project["fact_id"])["review"] == "confirmed"
    assert ctx.index() is not index


def test_a_fact_verdict_keeps_the_mention_work_and_answers_as_a_fresh_index(writable: TestClient,
                                                                              atlas: Atlas) -> None:
    """After a fact verdict the app reuses what mentions gave (``AtlasIndex.for_new_facts``); the
    profile, gaps and comparison are exactly those of an index built from scratch."""
    from chainatlas.analyse.compare import compare
    from chainatlas.analyse.evidence import AtlasIndex
    from chainatlas.analyse.gaps import gaps
    from chainatlas.analyse.profiles import build_profile

    ctx = writable.app.state.ctx
    body = writable.get(f"/api/v1/regions/{DEZHOU}").json()  # fills the index (gaps read every enterprise)
    before = ctx.index()
    project = next(p for p in body["profile"]["projects"] if p["name"] == "生物医药产业园二期项目")
    metric = next(s for s in body["profile"]["metrics"] if s["metric"] == "产业规模")["points"][0]["values"][0]
    h = auth(atlas.write)
    assert writable.post(f"/api/v1/facts/{project['fact_id']}/reject", headers=h).status_code == 200
    fixed = writable.post(f"/api/v1/facts/{metric['citations'][0]['fact_id']}/correct", headers=h,
                          json={"args": {"metric": "产业规模", "subject": "德州市", "subject_type": "region",
                                         "value": 530, "unit": "亿元", "period": "2024"}})
    assert fixed.status_code == 200
    after = writable.get(f"/api/v1/regions/{DEZHOU}").json()
    carried = ctx.index()
    assert carried is not before and carried._item_evidence is before._item_evidence  # mention work kept
    assert all(p["fact_id"] != project["fact_id"] for p in after["profile"]["projects"])  # rejected: gone
    scale = next(s for s in after["profile"]["metrics"] if s["metric"] == "产业规模")
    assert scale["points"][0]["values"][0]["display"] == "530亿元"  # corrected
    fresh = AtlasIndex(ctx.store)
    assert build_profile(carried, "德州市").to_dict() == build_profile(fresh, "德州市").to_dict()
    assert gaps(carried, "德州市").to_dict() == gaps(fresh, "德州市").to_dict()
    assert compare(carried, ["德州市", "泰州市"]).to_dict() == compare(fresh, ["德州市", "泰州市"]).to_dict()
    # anything else (here: a new document) builds a fresh index
    from chainatlas.model import Document

    ctx.store.add_document(Document(source="more.txt", text="德州市新增医药企业。", content_hash="web-test-more"))
    ctx.changed()
    assert ctx.index()._item_evidence is not before._item_evidence
