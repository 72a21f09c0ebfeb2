"""Uploads run the CLI's ingest job; they are size-limited (413) and type-checked (415)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from .conftest import CORPUS, Atlas, auth

ARTICLE = ("宜宾市生物医药产业园签约三个项目\n"
           "2024年5月20日，宜宾市生物医药产业园举行项目集中签约仪式，四川宜宾康达制药有限公司投资6亿元建设原料药基地。\n"
           "园区已集聚医药企业35家，2023年实现产值52亿元。\n")


def upload(client: TestClient, name: str, data: bytes, token: str | None, mime: str = "text/plain"):  # type: ignore[no-untyped-def]
    headers = auth(token) if token else {}
    return client.post("/api/v1/documents", files={"file": (name, data, mime)}, headers=headers)


def test_upload_ingests_a_new_article(writable: TestClient, atlas: Atlas) -> None:
    r = upload(writable, "yibin.txt", ARTICLE.encode(), atlas.write)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "new" and body["document_id"] and body["filename"] == "yibin.txt"
    doc = writable.get(f"/api/v1/documents/{body['document_id']}").json()
    assert "四川宜宾康达制药有限公司" in doc["text"]
    assert doc["sources"] and doc["sources"][0]["path"].endswith("yibin.txt")
    assert writable.get("/api/v1/documents").json()["total"] == 10
    again = upload(writable, "copy.txt", ARTICLE.encode(), atlas.write)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert again.json()["document_id"] == body["document_id"]


def test_upload_of_a_corpus_html_file_and_utf16_text(writable: TestClient, atlas: Atlas) -> None:
    html = ("<html><head><title>宜春中医药产业</title></head><body><article><h1>宜春中医药产业</h1>"
            + "".join(f"<p>宜春市中医药产业第{i}段，樟树市中药材种植面积达到{i}万亩，产值持续增长。</p>" for i in range(1, 9))
            + "</article></body></html>")
    r = upload(writable, "page.html", html.encode(), atlas.write, "text/html")
    assert r.status_code == 201, r.text
    u16 = ARTICLE.replace("宜宾", "泸州").encode("utf-16")
    r16 = upload(writable, "u16.txt", u16, atlas.write)
    assert r16.status_code == 201, r16.text


def test_upload_needs_a_write_token(writable: TestClient, atlas: Atlas) -> None:
    assert upload(writable, "a.txt", ARTICLE.encode(), None).status_code == 401
    assert upload(writable, "a.txt", ARTICLE.encode(), atlas.read).status_code == 403
    assert upload(writable, "a.txt", ARTICLE.encode(), atlas.revoked).status_code == 403


def test_upload_too_large_is_413(writable: TestClient, atlas: Atlas) -> None:
    big = (ARTICLE * 2000).encode()  # the writable app allows 64 KB
    assert len(big) > 64 * 1024
    r = upload(writable, "big.txt", big, atlas.write)
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    assert writable.get("/api/v1/documents").json()["total"] == 9


def test_upload_of_the_wrong_type_is_415(writable: TestClient, atlas: Atlas) -> None:
    cases = {
        "report.pdf": b"%PDF-1.7 ...",
        "x.exe": b"MZ\x90\x00",
        "fake.txt": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",  # a PDF renamed to .txt
        "zip.md": b"PK\x03\x04\x14\x00\x00\x00",
        "bin.html": bytes(range(256)) * 4,
        "noext": b"plain text",
    }
    for name, data in cases.items():
        r = upload(writable, name, data, atlas.write)
        assert r.status_code == 415, (name, r.status_code, r.text)
    assert writable.get("/api/v1/documents").json()["total"] == 9


def test_upload_of_an_empty_article_is_400(writable: TestClient, atlas: Atlas) -> None:
    r = upload(writable, "empty.txt", b"   \n\n", atlas.write)
    assert r.status_code == 400 and r.json()["detail"]


def test_upload_of_a_sample_file(writable: TestClient, atlas: Atlas) -> None:
    """A file already ingested from the corpus comes back as a duplicate of the stored document."""
    path = sorted(Path(CORPUS).glob("*.txt"))[0]
    r = upload(writable, path.name, path.read_bytes(), atlas.write)
    assert r.status_code == 200 and r.json()["status"] in ("duplicate", "near-duplicate")


def test_streamed_upload_without_length_is_cut_off_at_the_limit(writable: TestClient, atlas: Atlas) -> None:
    """No Content-Length (chunked): the body is counted as it arrives and refused past the limit."""
    boundary = "----chainatlas"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()
    chunk = ARTICLE.encode() * 50

    def body():  # type: ignore[no-untyped-def]
        yield head
        for _ in range(40):  # about 760 KB, over the writable app's 64 KB limit
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    r = writable.post("/api/v1/documents", content=body(),
                      headers={**auth(atlas.write), "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413
    assert writable.get("/api/v1/documents").json()["total"] == 9
