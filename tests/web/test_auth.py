"""Tokens: writes need a read-write token (401 without, 403 revoked or read-only); reads can be closed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from chainatlas.present.web import create_app
from chainatlas.store import Store
from chainatlas.store.tokens import api_tokens, create_token, list_tokens, revoke_token, verify_token

from .conftest import Atlas, auth, copy_atlas


def tracker_fact_ids(client: TestClient, atlas: Atlas) -> list[int]:
    items = client.get("/api/v1/facts", params={"limit": 200}).json()["items"]
    return [f["id"] for f in items if f["document_id"] == atlas.tracker_doc]


def test_curation_needs_a_token(writable: TestClient, atlas: Atlas) -> None:
    fid = tracker_fact_ids(writable, atlas)[0]
    r = writable.post(f"/api/v1/facts/{fid}/confirm")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert writable.post(f"/api/v1/facts/{fid}/confirm", headers=auth("cat_nope_nope")).status_code == 401
    assert writable.post(f"/api/v1/facts/{fid}/confirm", headers=auth("garbage")).status_code == 401
    assert writable.post(f"/api/v1/facts/{fid}/confirm", headers=auth(atlas.revoked)).status_code == 403
    ro = writable.post(f"/api/v1/facts/{fid}/confirm", headers=auth(atlas.read))
    assert ro.status_code == 403 and "read-only" in ro.json()["detail"]
    # the cookie a browser gets from /login never authorises a write (no CSRF surface)
    writable.cookies.set("chainatlas_token", atlas.write)
    assert writable.post(f"/api/v1/facts/{fid}/confirm").status_code == 401
    writable.cookies.clear()
    assert writable.get("/api/v1/facts?status=confirmed").json()["total"] == 0  # nothing changed


def test_confirm_reject_correct_with_a_token(writable: TestClient, atlas: Atlas) -> None:
    a, b, c = tracker_fact_ids(writable, atlas)
    ok = writable.post(f"/api/v1/facts/{a}/confirm", headers=auth(atlas.write))
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed" and ok.json()["id"] == a
    assert writable.post(f"/api/v1/facts/{b}/reject", headers=auth(atlas.write)).json()["status"] == "rejected"
    fixed = writable.post(f"/api/v1/facts/{c}/correct", headers=auth(atlas.write),
                          json={"args": {"metric": "医药企业数", "value": 121, "unit": "家"}})
    assert fixed.status_code == 200 and fixed.json()["status"] == "corrected" and fixed.json()["args"]["value"] == 121
    statuses = {f["id"]: f["status"] for f in writable.get("/api/v1/facts", params={"limit": 200}).json()["items"]}
    assert (statuses[a], statuses[b], statuses[c]) == ("confirmed", "rejected", "corrected")
    # the decision names who made it (the token's name, never the secret)
    store = writable.app.state.ctx.store
    actors = {d.actor for d in store.decisions("fact")}
    assert actors == {"token:1 (tester)"}
    html = writable.get("/tracker?view=facts&status=confirmed&lang=zh").text
    assert "生物医药产业园二期项目" in html and "已确认" in html


def test_curation_errors(writable: TestClient, atlas: Atlas) -> None:
    h = auth(atlas.write)
    assert writable.post("/api/v1/facts/999999/confirm", headers=h).status_code == 404
    fid = tracker_fact_ids(writable, atlas)[0]
    assert writable.post(f"/api/v1/facts/{fid}/correct", headers=h, json={"args": {}}).status_code == 422
    assert writable.post(f"/api/v1/facts/{fid}/correct", headers=h).status_code == 422
    assert writable.get(f"/api/v1/facts/{fid}/confirm").status_code == 405


def test_reads_can_require_a_token(atlas: Atlas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = copy_atlas(atlas.path, tmp_path / "closed.db")
    with TestClient(create_app(path, read_open=False)) as c:
        assert c.get("/api/v1/regions").status_code == 401
        assert c.get("/api/v1/regions", headers=auth(atlas.revoked)).status_code == 403
        assert c.get("/api/v1/regions", headers=auth(atlas.read)).status_code == 200
        page = c.get("/?lang=en")
        assert page.status_code == 401 and 'href="/login"' in page.text and "德州市" not in page.text
        assert c.get("/login").status_code == 200 and c.get("/static/app.css").status_code == 200
        bad = c.post("/login", data={"token": "cat_x_y"}, follow_redirects=False)
        assert bad.status_code == 401
        good = c.post("/login", data={"token": atlas.read}, follow_redirects=False)
        assert good.status_code == 303
        cookie = good.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert c.get("/regions/%E5%BE%B7%E5%B7%9E%E5%B8%82").status_code == 200  # the cookie reads
        assert c.post("/logout", follow_redirects=False).status_code == 303


def test_token_repository_stores_only_a_salted_hash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "t.db")
    try:
        a = create_token(store, name="a")
        b = create_token(store, name="b", read_only=True)
        assert a.token.startswith("cat_") and a.token != b.token
        with store.engine.connect() as conn:
            rows = conn.execute(api_tokens.select()).all()
        dump = repr(rows)
        assert a.token.split("_", 2)[2] not in dump and b.token.split("_", 2)[2] not in dump
        assert len({r.salt for r in rows}) == 2
        assert verify_token(store, a.token).id == a.info.id
        assert verify_token(store, a.token[:-1] + ("x" if a.token[-1] != "x" else "y")) is None
        assert verify_token(store, "cat_" + a.info.prefix + "_") is None
        assert verify_token(store, "") is None
        touched = verify_token(store, a.token, touch=True)
        assert touched.last_used_at is not None
        assert revoke_token(store, b.info.id).revoked
        assert verify_token(store, b.token).revoked
        assert revoke_token(store, 999) is None
        assert [(t.name, t.read_only, t.revoked) for t in list_tokens(store)] == [("a", False, False), ("b", True, True)]
    finally:
        store.close()
