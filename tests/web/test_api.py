"""The JSON API: shapes, pagination with totals, filters, 404 with suggestions, validation."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from markupsafe import escape

from .conftest import Atlas

PAGE = {"total", "limit", "offset", "items"}


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/v1/documents", "/api/v1/documents/{document_id}", "/api/v1/entities",
                 "/api/v1/entities/{entity_id}", "/api/v1/facts", "/api/v1/regions", "/api/v1/regions/{name}",
                 "/api/v1/search", "/api/v1/compare", "/api/v1/facts/{fact_id}/confirm",
                 "/api/v1/facts/{fact_id}/reject", "/api/v1/facts/{fact_id}/correct", "/api/v1/gaps",
                 "/api/v1/reports/{name}", "/api/v1/projects", "/api/v1/leads", "/api/v1/projects/{item_id}",
                 "/api/v1/projects/{item_id}/history", "/api/v1/tracker/sync"):
        assert path in paths, path
    assert "post" in paths["/api/v1/documents"] and "post" in paths["/api/v1/projects/{item_id}"]
    assert not any(p.startswith("/regions") or p == "/" for p in paths)  # pages stay out of the API schema


def test_documents_paginate_with_totals(client: TestClient) -> None:
    first = client.get("/api/v1/documents", params={"limit": 3}).json()
    assert set(first) == PAGE and first["total"] == 9 and len(first["items"]) == 3
    rest = client.get("/api/v1/documents", params={"limit": 3, "offset": 7}).json()
    assert len(rest["items"]) == 2
    ids = [d["id"] for d in first["items"]] + [d["id"] for d in rest["items"]]
    assert len(set(ids)) == 5
    item = first["items"][0]
    assert {"id", "title", "published", "lang", "site", "source", "passages", "ingested_at"} <= set(item)
    # newest first
    dates = [d["published"] or "" for d in client.get("/api/v1/documents", params={"limit": 50}).json()["items"]]
    assert [d for d in dates if d] == sorted([d for d in dates if d], reverse=True)


def test_documents_filters(client: TestClient) -> None:
    by_region = client.get("/api/v1/documents", params={"region": "德州市"}).json()
    titles = {d["title"] for d in by_region["items"]}
    assert "德州生物医药项目集中开工" in titles and by_region["total"] == len(by_region["items"])
    assert client.get("/api/v1/documents", params={"site": "德州日报"}).json()["total"] == 2
    assert client.get("/api/v1/documents", params={"date_from": "2030"}).json()["total"] == 0
    assert client.get("/api/v1/documents", params={"date_from": "bad"}).status_code == 422
    missing = client.get("/api/v1/documents", params={"region": "德州X"})
    assert missing.status_code == 404 and missing.json()["suggestions"]


def test_document_detail_shape(client: TestClient, atlas: Atlas) -> None:
    body = client.get(f"/api/v1/documents/{atlas.tracker_doc}").json()
    assert body["title"] == "德州生物医药项目集中开工"
    assert {"text", "paragraphs", "entities", "quantities", "facts", "dropped", "legend", "sources"} <= set(body)
    segs = [s for p in body["paragraphs"] for s in p["segments"]]
    assert "".join(s["text"] for s in segs if True).replace("\n", "") == body["text"].replace("\n", "")
    money = [s for s in segs if s["type"] == "money"]
    assert money and money[0]["group"] == "quantity" and money[0]["text"] == "50亿元"
    org = next(s for s in segs if s["type"] == "organization")
    assert org["entity_id"] and org["text"] == "德州瑞康疫苗科技有限公司"
    assert {f["type"] for f in body["facts"]} == {"project", "investment", "metric"}
    assert client.get("/api/v1/documents/999999").status_code == 404


def test_entities_filter_by_type_and_q(client: TestClient) -> None:
    parks = client.get("/api/v1/entities", params={"type": "park", "limit": 5}).json()
    assert set(parks) == PAGE and parks["total"] > 5 and len(parks["items"]) == 5
    assert all(e["type"] == "park" for e in parks["items"])
    q = client.get("/api/v1/entities", params={"q": "瑞康"}).json()
    assert [e["name"] for e in q["items"]] == ["德州瑞康疫苗科技有限公司"]
    assert client.get("/api/v1/entities", params={"type": "planet"}).status_code == 422


def test_entity_detail_shape(client: TestClient) -> None:
    eid = client.get("/api/v1/entities", params={"q": "德州市", "type": "region"}).json()["items"][0]["id"]
    body = client.get(f"/api/v1/entities/{eid}", params={"limit": 2}).json()
    e = body["entity"]
    assert e["name"] == "德州市" and e["code"] == "371400" and e["level"] == "city"
    assert e["mention_count"] > 2 and len(e["mentions"]) == 2 and body["limit"] == 2
    assert {"document_id", "sentence", "text", "passage"} <= set(e["mentions"][0])
    assert e["documents"] and "related" in e
    missing = client.get("/api/v1/entities/999999")
    assert missing.status_code == 404 and "detail" in missing.json()


def ours(items: list[dict], atlas: Atlas) -> list[dict]:
    """Facts of the two hand-made documents (the extractors may add facts of their own)."""
    return [f for f in items if f["document_id"] in (atlas.tracker_doc, atlas.xss_doc)]


def test_facts_filters(client: TestClient, atlas: Atlas) -> None:
    everything = client.get("/api/v1/facts", params={"limit": 200}).json()
    assert len(ours(everything["items"], atlas)) == 4  # 3 in the tracker document, 1 in the hostile one
    assert everything["total"] == len(everything["items"])
    projects = client.get("/api/v1/facts", params=[("type", "project"), ("type", "investment"), ("limit", 200)]).json()
    assert len(ours(projects["items"], atlas)) == 3
    assert {f["type"] for f in projects["items"]} == {"project", "investment"}
    f = projects["items"][0]
    assert {"id", "args", "status", "sentence", "document_id", "title", "confidence"} <= set(f)
    dz = client.get("/api/v1/facts", params={"region": "德州市", "type": "metric", "limit": 200}).json()
    assert [f["args"]["metric"] for f in ours(dz["items"], atlas)] == ["医药企业数"]
    assert ours(client.get("/api/v1/facts", params={"status": "confirmed"}).json()["items"], atlas) == []
    assert client.get("/api/v1/facts", params={"status": "maybe"}).status_code == 422


def test_regions_list_and_detail(client: TestClient, atlas: Atlas) -> None:
    body = client.get("/api/v1/regions", params={"limit": 2}).json()
    assert set(body) == PAGE and len(body["items"]) == 2 and body["total"] > 2
    assert {"name", "code", "level", "document_count", "organizations", "parks", "figures", "ref"} <= set(body["items"][0])
    cities = client.get("/api/v1/regions", params={"level": "city", "limit": 200}).json()["items"]
    assert cities and all(r["level"] == "city" for r in cities)
    assert client.get("/api/v1/regions", params={"level": "prefecture"}).json()["items"] == cities[:50]
    d = client.get(f"/api/v1/regions/{quote('德州市')}", params={"limit": 1}).json()
    assert d["region"]["name"] == "德州市" and d["region"]["code"] == "371400" and d["region"]["level"] == "city"
    assert d["document_count"] >= 3 and len(d["documents"]) == 1
    assert d["profile"]["fact_count"] >= 4  # 3 tracker-document facts, the growth figures, the hostile document's
    projects = d["profile"]["projects"]
    assert any(p["amount_display"] == "50亿元" and "总投资50亿元" in p["citation"]["sentence"] for p in projects)
    nf = client.get(f"/api/v1/regions/{quote('德州县')}")
    assert nf.status_code == 404 and any(s["name"] == "德州市" for s in nf.json()["suggestions"])


def test_search_api(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "疫苗", "limit": 2}).json()
    assert body["total"] > 2 and len(body["hits"]) == 2 and body["limit"] == 2
    hit = body["hits"][0]
    a, b = hit["highlights"][0]
    assert hit["snippet"][a:b] == "疫苗"
    page2 = client.get("/api/v1/search", params={"q": "疫苗", "limit": 2, "offset": 2}).json()
    assert {(h["document_id"], h["passage"]) for h in page2["hits"]}.isdisjoint(
        {(h["document_id"], h["passage"]) for h in body["hits"]})
    dz = client.get("/api/v1/search", params={"q": "疫苗", "region": "德州市"}).json()
    assert dz["total"] >= 1 and all(h["document_id"] for h in dz["hits"])
    with_facets = client.get("/api/v1/search", params={"q": "疫苗", "facets": "true"}).json()
    assert with_facets["facets"]["regions"] and with_facets["entities"]
    assert client.get("/api/v1/search", params={"q": "   "}).json()["total"] == 0
    assert client.get("/api/v1/search").status_code == 422


def test_compare_api(client: TestClient) -> None:
    body = client.get("/api/v1/compare", params=[("r", "德州市"), ("r", "泰州市"), ("r", "Nowhere")]).json()
    cols = body["columns"]
    assert [c["query"] for c in cols] == ["德州市", "泰州市", "Nowhere"]
    assert cols[0]["region"]["name"] == "德州市" and cols[2]["region"] is None
    assert body["extension_metrics"] == []
    scale = next(m for m in body["metrics"] if m["metric"] == "产业规模")
    assert [c["display"] for c in scale["cells"]] == ["520亿元", "2,850亿元", "—"]


def test_pages_and_api_share_the_service(client: TestClient) -> None:
    """The page shows what the API returns (one service function per view)."""
    api = client.get(f"/api/v1/regions/{quote('德州市')}").json()
    html = client.get(f"/regions/{quote('德州市')}").text
    for org in api["profile"]["enterprises"][:5]:
        assert str(escape(org["name"])) in html
    assert f'<span class="stat-n">{api["document_count"]}</span>' in html


def test_views_are_cached_until_the_atlas_changes(writable: TestClient) -> None:
    """A write by another process (the CLI) shows once the data version is read again."""
    from chainatlas.model import Document
    from chainatlas.store import Store

    ctx = writable.app.state.ctx
    before = writable.get("/api/v1/documents").json()["total"]
    assert writable.get("/api/v1/documents").json()["total"] == before  # served from the cache
    url = str(ctx.store.engine.url.database)
    with Store(url) as other:
        other.add_document(Document(source="elsewhere.txt", text="德州市新增医药企业。", title="另一进程",
                                    content_hash="web-test-other"))
    ctx.version_ttl = 0  # read the version on the next request instead of waiting half a second
    assert writable.get("/api/v1/documents").json()["total"] == before + 1
