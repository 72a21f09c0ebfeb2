"""A test atlas for the briefing, digest and export tests: the sample and dev corpora ingested
once per test session into a temporary SQLite file (the default extraction pipeline, facts too)."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus" / "docs"
DEV = ROOT / "examples" / "dev" / "docs"


@functools.cache
def atlas_path() -> Path:
    """The shared test atlas (read-only for tests: copy it before deciding facts)."""
    from chainatlas.present.jobs import ingest_paths
    from chainatlas.store import Store

    folder = Path(tempfile.mkdtemp(prefix="chainatlas-report-"))
    db = folder / "atlas.db"
    store = Store(db)
    try:
        report = ingest_paths([CORPUS, DEV], store)
        assert report.ok, report.failed
    finally:
        store.close()
    return db


def copy_atlas(target: Path) -> Path:
    """A private copy of the test atlas (for tests that write decisions)."""
    src = atlas_path()
    dst = target / "atlas.db"
    for suffix in ("", "-wal", "-shm"):  # a WAL file left by a reader holds committed pages too
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")
    return dst
