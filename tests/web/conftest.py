"""Web fixtures: one atlas per session built from the sample corpus (the real ingest job) plus two
hand-made documents (tracker facts, hostile markup), and tokens of every kind."""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx2.*")

from fastapi.testclient import TestClient  # noqa: E402

from chainatlas.present.jobs import ingest_paths  # noqa: E402
from chainatlas.present.web import create_app  # noqa: E402
from chainatlas.store import Store  # noqa: E402
from chainatlas.store.tokens import create_token, revoke_token  # noqa: E402

from .atlas_data import growth_doc, quiet_doc, tracker_doc, xss_doc  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus" / "docs"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@dataclass
class Atlas:
    path: Path
    write: str  # read-write token
    read: str  # read-only token
    revoked: str
    tracker_doc: int
    xss_doc: int


@pytest.fixture(scope="session")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Atlas:
    path = tmp_path_factory.mktemp("web") / "atlas.db"
    store = Store(path)
    try:
        report = ingest_paths([CORPUS], store)
        assert report.ok and len(report.new) == 5, report.failed
        t_id = store.add_document(tracker_doc())
        x_id = store.add_document(xss_doc())
        store.add_document(quiet_doc())
        store.add_document(growth_doc())
        write = create_token(store, name="tester").token
        read = create_token(store, name="reader", read_only=True).token
        gone = create_token(store, name="gone")
        revoke_token(store, gone.info.id)
    finally:
        store.close()
    return Atlas(path, write, read, gone.token, t_id, x_id)


def copy_atlas(src: Path, dst: Path) -> Path:
    """A private copy for tests that write (SQLite's backup API copies WAL content too)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


@pytest.fixture(scope="session")
def client(atlas: Atlas) -> Iterator[TestClient]:
    """Read-only tests share this client; nothing may write through it."""
    with TestClient(create_app(atlas.path)) as c:
        yield c


@pytest.fixture
def writable(atlas: Atlas, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a fresh copy of the atlas, for curation and upload tests."""
    path = copy_atlas(atlas.path, tmp_path / "atlas.db")
    with TestClient(create_app(path, max_upload_bytes=64 * 1024)) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
