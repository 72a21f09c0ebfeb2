"""The tracker over HTTP: sync from facts, lists with filters and pages, edits with token rules,
history with the token's actor, and the page with its inline editors."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from chainatlas.analyse import tracker as T

from .conftest import Atlas, auth
from .htmlcheck import unsafe_markup

PAGE = {"total", "limit", "offset", "items", "kinds", "statuses", "lists", "tracker_total"}


@pytest.fixture
def synced(writable: TestClient, atlas: Atlas) -> TestClient:
    """The writable atlas after a sync through the API, plus one lead added by hand in a county."""
    r = writable.post("/api/v1/tracker/sync", headers=auth(atlas.write))
    assert r.status_code == 200 and r.json()["created"] >= 3, r.text
    T.add_item(writable.app.state.ctx.store, kind="lead", name="华北疫苗基地", region="齐河县", status="洽谈",
               organization="某生物科技公司", actor="alice")
    return writable


def item_named(client: TestClient, name: str) -> dict:
    items = client.get("/api/v1/projects", params={"kind": "all", "limit": 200}).json()["items"]
    return next(i for i in items if i["name"] == name)


def test_sync_needs_a_write_token(writable: TestClient, atlas: Atlas) -> None:
    assert writable.post("/api/v1/tracker/sync").status_code == 401
    assert writable.post("/api/v1/tracker/sync", headers=auth(atlas.read)).status_code == 403
    assert writable.post("/api/v1/tracker/sync", headers=auth(atlas.revoked)).status_code == 403
    writable.cookies.set("chainatlas_token", atlas.write)  # the login cookie never authorises a write
    assert writable.post("/api/v1/tracker/sync").status_code == 401
    writable.cookies.clear()
    assert writable.get("/api/v1/projects").json()["tracker_total"] == 0


def test_sync_then_list_projects_with_their_facts(synced: TestClient, atlas: Atlas) -> None:
    body = synced.get("/api/v1/projects").json()
    assert set(body) == PAGE and body["total"] >= 3 and all(i["kind"] == "project" for i in body["items"])
    park = item_named(synced, "生物医药产业园二期项目")
    assert (park["status"], park["amount"], park["region"]) == ("开工", 5e9, "德州市")
    assert park["provenance"]["status"] == "extracted" and "在建" in park["next_statuses"]
    ev = park["evidence"][0]
    assert ev["fact_id"] and ev["fact_status"] == "extracted" and "总投资50亿元" in ev["sentence"]
    assert ev["document_id"] and ev["passage"] == 0
    assert synced.get(f"/api/v1/projects/{park['id']}").json()["name"] == "生物医药产业园二期项目"
    again = synced.post("/api/v1/tracker/sync", headers=auth(atlas.write)).json()
    assert again["created"] == 0 and again["updated"] == 0  # running it twice changes nothing


def test_filters_and_pages(synced: TestClient) -> None:
    leads = synced.get("/api/v1/leads").json()
    assert [i["name"] for i in leads["items"]] == ["华北疫苗基地"] and leads["items"][0]["list_name"] == "重点招商线索推进清单"
    everything = synced.get("/api/v1/projects", params={"kind": "all"}).json()
    assert everything["total"] == everything["tracker_total"] and everything["kinds"]["lead"] == 1
    # a city includes its counties: 齐河县 is in 德州市
    dz = synced.get("/api/v1/projects", params={"kind": "all", "region": "德州市"}).json()
    assert "华北疫苗基地" in [i["name"] for i in dz["items"]] and all(i["region"] for i in dz["items"])
    assert "润方生物动物药" not in [i["name"] for i in dz["items"]]
    assert synced.get("/api/v1/leads", params={"region": "泰州"}).json()["total"] == 0
    started = synced.get("/api/v1/projects", params={"status": "开工"}).json()
    assert [i["name"] for i in started["items"]] == ["生物医药产业园二期项目"]
    listed = synced.get("/api/v1/projects", params={"kind": "all", "list": "重点招商线索推进清单"}).json()
    assert listed["total"] == 1
    by_amount = synced.get("/api/v1/projects", params={"sort": "amount"}).json()["items"]
    assert by_amount[0]["amount"] == 5e9
    page1 = synced.get("/api/v1/projects", params={"kind": "all", "limit": 2}).json()
    page2 = synced.get("/api/v1/projects", params={"kind": "all", "limit": 2, "offset": 2}).json()
    assert len(page1["items"]) == 2 and page1["total"] == page2["total"]
    assert {i["id"] for i in page1["items"]}.isdisjoint({i["id"] for i in page2["items"]})
    for bad in ({"status": "干活"}, {"kind": "widget"}, {"sort": "name"}, {"limit": 0}):
        assert synced.get("/api/v1/projects", params=bad).status_code == 422, bad


def test_edit_needs_a_write_token(synced: TestClient, atlas: Atlas) -> None:
    item = item_named(synced, "生物医药产业园二期项目")
    url = f"/api/v1/projects/{item['id']}"
    assert synced.post(url, json={"owner": "王敏"}).status_code == 401
    assert synced.post(url, json={"owner": "王敏"}, headers=auth(atlas.read)).status_code == 403
    assert synced.post(url, json={"owner": "王敏"}, headers=auth(atlas.revoked)).status_code == 403
    assert synced.get(url).json()["owner"] is None  # nothing changed
    assert all("reader" not in (h["actor"] or "") for h in synced.get(f"{url}/history").json())


def test_edit_records_history_and_provenance(synced: TestClient, atlas: Atlas) -> None:
    item = item_named(synced, "生物医药产业园二期项目")
    url = f"/api/v1/projects/{item['id']}"
    r = synced.post(url, headers=auth(atlas.write),
                    json={"status": "在建", "owner": "王敏", "next_step": "协调用地指标", "note": "现场核实"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {c["field"]: (c["old"], c["new"]) for c in body["changes"]} == {
        "status": ("开工", "在建"), "owner": (None, "王敏"), "next_step": (None, "协调用地指标")}
    edited = body["item"]
    assert (edited["status"], edited["owner"], edited["next_step"]) == ("在建", "王敏", "协调用地指标")
    assert {edited["provenance"][f] for f in ("status", "owner", "next_step")} == {"user"}
    history = synced.get(f"{url}/history").json()
    mine = [h for h in history if h["actor"] == "token:1 (tester)" and h["note"] == "现场核实"]
    assert {h["field"] for h in mine} == {"status", "owner", "next_step"}
    assert {"id", "item_id", "field", "old", "new", "actor", "at", "note"} <= set(history[0])
    # a later sync keeps what the person set
    synced.post("/api/v1/tracker/sync", headers=auth(atlas.write))
    assert synced.get(url).json()["status"] == "在建"
    # clearing a field with null
    cleared = synced.post(url, headers=auth(atlas.write), json={"owner": None}).json()["item"]
    assert cleared["owner"] is None


def test_edit_refuses_bad_moves_and_values(synced: TestClient, atlas: Atlas) -> None:
    h = auth(atlas.write)
    item = item_named(synced, "生物医药产业园二期项目")
    url = f"/api/v1/projects/{item['id']}"
    back = synced.post(url, headers=h, json={"status": "签约"})
    assert back.status_code == 409 and "开工 → 签约 is not allowed" in back.json()["detail"]
    forced = synced.post(url, headers=h, json={"status": "签约", "force": True})
    assert forced.status_code == 200 and forced.json()["item"]["status"] == "签约"
    assert any("forced" in (e["note"] or "") for e in synced.get(f"{url}/history").json())
    bad = synced.post(url, headers=h, json={"status": "干活", "due": "2025-13-01"})
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"status", "due"}
    assert synced.post(url, headers=h, json={"name": "x"}).status_code == 422  # not editable here
    assert synced.post(url, headers=h, json={}).status_code == 400
    assert synced.post("/api/v1/projects/999999", headers=h, json={"owner": "x"}).status_code == 404
    assert synced.get("/api/v1/projects/999999").status_code == 404
    assert synced.get("/api/v1/projects/999999/history").status_code == 404
    due = synced.post(url, headers=h, json={"due": "2025年6月30日"}).json()["item"]
    assert due["due"] == "2025-06-30"


def test_tracker_page_lists_items_with_editors(synced: TestClient) -> None:
    html = synced.get("/tracker?lang=zh").text
    assert "生物医药产业园二期项目" in html and "华北疫苗基地" in html  # every kind unless one is picked
    assert html.count('data-save') >= 3 and 'data-field="owner"' in html and 'data-field="status"' in html
    assert 'data-action="confirm"' in html and "支撑事实" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # hostile name
    assert unsafe_markup(html) == []
    lead = synced.get("/tracker?kind=lead&lang=zh").text
    assert "华北疫苗基地" in lead and "生物医药产业园二期项目" not in lead
    county = synced.get(f"/tracker?kind=lead&region={quote('德州市')}&lang=en").text
    assert "华北疫苗基地" in county and "Negotiating" in county
    assert "共 1 项" in synced.get(f"/tracker?status={quote('开工')}&lang=zh").text


def test_empty_tracker_offers_a_sync(client: TestClient) -> None:
    html = client.get("/tracker?lang=zh").text
    assert "跟踪清单还是空的" in html and "data-sync" in html
    assert "待审核事实" in html  # the facts to review are one tab away
