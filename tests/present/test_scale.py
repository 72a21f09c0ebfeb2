"""Scale-out: serial, process-pool and Dask mappers feed the same driver and store the same atlas.

The Dask cluster here is kept light (one in-process worker; the CLI run starts one worker
process) so the module stays well under a minute on a shared two-core machine.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from chainatlas.ingest import IngestError
from chainatlas.model import Document
from chainatlas.present import scale
from chainatlas.present.cli import app
from chainatlas.present.jobs import (
    Mapper,
    ingest_paths,
    make_mapper,
    process_path,
    process_pool_map,
    serial_map,
)
from chainatlas.store import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DOCS = ROOT / "examples" / "corpus" / "docs"

runner = CliRunner()


def atlas_content(db: Path) -> dict[str, Any]:
    """What an ingest stored, without row ids or timestamps: comparable across runs."""
    store = Store(str(db))
    try:
        with store.engine.connect() as conn:
            entities = sorted(conn.execute(sa.text("SELECT type, name FROM entities")).all())
            quantities = sorted(conn.execute(sa.text(
                "SELECT d.content_hash, q.kind, q.value, q.unit, q.currency, q.text, q.start "
                "FROM quantities q JOIN documents d ON d.id = q.document_id")).all(),
                key=repr)
            sources = sorted(conn.execute(sa.text(
                "SELECT s.path, s.status, d.content_hash FROM sources s JOIN documents d ON d.id = s.document_id")).all())
        return {"stats": store.stats(), "entities": entities, "quantities": quantities, "sources": sources}
    finally:
        store.close()


def ingest_with(mapper: Mapper, db: Path) -> tuple[Any, dict[str, Any]]:
    store = Store(str(db))
    try:
        report = ingest_paths([str(SAMPLE_DOCS)], store, mapper=mapper)
    finally:
        store.close()
    return report, atlas_content(db)


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def serial_atlas(tmp_path_factory) -> tuple[Any, dict[str, Any]]:
    return ingest_with(serial_map, tmp_path_factory.mktemp("serial") / "atlas.db")


def test_process_pool_stores_what_serial_stores(serial_atlas, tmp_path):
    report, content = ingest_with(process_pool_map(2), tmp_path / "pool.db")
    serial_report, serial = serial_atlas
    assert serial_report.ok and serial["stats"].documents == 5 and serial["entities"] and serial["quantities"]
    assert report.new == serial_report.new
    assert content == serial


def test_dask_stores_what_serial_stores(serial_atlas, dask_client, tmp_path):
    report, content = ingest_with(scale.dask_map(dask_client, batch=2), tmp_path / "dask.db")
    serial_report, serial = serial_atlas
    assert report.ok and report.new == serial_report.new
    assert content == serial
    assert dask_client.status == "running"  # a Client passed in belongs to the caller


def slow_echo(path: Path) -> Document | IngestError:
    """Finishes out of order (later items are faster) and fails on every third item."""
    i = int(path.name)
    time.sleep(0.002 * (20 - i % 20))
    if i % 3 == 0:
        return IngestError(path, "a third")
    if i == 7:
        raise RuntimeError("a bug in a component")
    return Document(source=str(path), text=f"text {i}")


def test_dask_map_keeps_input_order_and_bounds_the_futures(dask_client):
    paths = [Path(str(i)) for i in range(40)]
    pulled: list[Path] = []

    def lazily() -> Iterator[Path]:
        for p in paths:
            pulled.append(p)
            yield p

    mapper = scale.DaskMapper(dask_client, batch=3, window=2)
    out = []
    pulled_at_first = None
    for result in mapper(slow_echo, lazily()):
        if pulled_at_first is None:
            pulled_at_first = len(pulled)
        out.append(result)
    # before anything is read, at most `window` batches went out, and `window` more once they came back
    assert pulled_at_first <= 2 * 2 * 3
    assert [str(r.path) if isinstance(r, IngestError) else r.source for r in out] == [str(p) for p in paths]
    assert [i for i, r in enumerate(out) if isinstance(r, IngestError)] == [i for i in range(40) if i % 3 == 0 or i == 7]
    assert "failed on a Dask worker: RuntimeError: a bug in a component" in out[7].reason


def test_dask_map_reports_bad_files_as_errors(dask_client, tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    paths = [SAMPLE_DOCS / sorted(p.name for p in SAMPLE_DOCS.iterdir())[0], tmp_path / "binary.txt",
             tmp_path / "missing.txt"]
    out = list(scale.DaskMapper(dask_client, batch=2)(process_path, paths))
    assert isinstance(out[0], Document) and out[0].source == str(paths[0])
    assert [type(r) for r in out[1:]] == [IngestError, IngestError]
    assert [str(r.path) for r in out[1:]] == [str(p) for p in paths[1:]]


def test_a_failed_task_becomes_one_error_per_path():
    class LostFuture:
        def result(self) -> None:
            raise RuntimeError("worker tcp://10.0.0.5:4000 died")

    errors = scale.DaskMapper._collect(LostFuture(), [Path("a.txt"), Path("b.txt")])
    assert [str(e) for e in errors] == [
        "a.txt: Dask task failed: RuntimeError: worker tcp://10.0.0.5:4000 died",
        "b.txt: Dask task failed: RuntimeError: worker tcp://10.0.0.5:4000 died",
    ]


def test_relative_paths_are_read_from_the_driver_directory_and_reported_as_given(tmp_path):
    (tmp_path / "docs").mkdir()
    sample = sorted(SAMPLE_DOCS.iterdir())[0]
    (tmp_path / "docs" / "a.txt").write_bytes(sample.read_bytes())
    doc, missing = scale._run_batch(process_path, [Path("docs/a.txt"), Path("docs/none.txt")], str(tmp_path))
    assert isinstance(doc, Document) and doc.source == "docs/a.txt"
    assert isinstance(missing, IngestError) and str(missing.path) == "docs/none.txt"


def test_without_dask_the_error_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed → ImportError
    with pytest.raises(scale.DaskMissing, match=r"pip install 'chainatlas\[dask\]'"):
        make_mapper(1, "local")
    result = runner.invoke(app, ["--db", str(tmp_path / "a.db"), "ingest", "--dask", "local", str(SAMPLE_DOCS)])
    assert result.exit_code == 2
    assert "--dask needs the 'dask' extra: pip install 'chainatlas[dask]'" in result.output
    assert not (tmp_path / "a.db").exists()


def test_workers_do_not_size_a_remote_cluster(tmp_path):
    pytest.importorskip("distributed")
    result = runner.invoke(app, ["--db", str(tmp_path / "a.db"), "ingest", "--dask", "tcp://127.0.0.1:8786",
                                 "--workers", "4", str(SAMPLE_DOCS)])
    assert result.exit_code == 2 and "remote Dask cluster" in result.output


def test_cli_ingest_on_a_local_dask_cluster(serial_atlas, tmp_path):
    pytest.importorskip("distributed")
    db = tmp_path / "cli.db"
    result = runner.invoke(app, ["--db", str(db), "ingest", "--dask", "local", "--workers", "2", str(SAMPLE_DOCS)])
    assert result.exit_code == 0, result.output
    assert "dask: 2 workers" in result.output and "5 new" in result.output
    assert atlas_content(db) == serial_atlas[1]
