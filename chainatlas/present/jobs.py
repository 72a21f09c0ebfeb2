"""Jobs that drive the stages end to end: ingest into a store, extract to JSON Lines.

The per-file work (read → clean → extract) is a pure function of the path, so it can
be mapped over a process pool or a Dask cluster; deduplication and storage stay on
the driver, in one transaction per document, so a failure never loses stored data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from chainatlas.extract.pipeline import Pipeline
from chainatlas.ingest import IngestError, iter_files, load_document
from chainatlas.ingest.dedup import Deduper
from chainatlas.model import Document
from chainatlas.store import Store

Mapper = Callable[[Callable[[Path], "Document | IngestError"], Iterable[Path]], Iterator["Document | IngestError"]]


@dataclass
class IngestReport:
    """What an ingest run did, for the closing summary."""

    new: list[str] = field(default_factory=list)
    duplicate: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


_PIPELINE: Pipeline | None = None


def _pipeline() -> Pipeline:
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = Pipeline.default()
    return _PIPELINE


def process_path(path: Path) -> Document | IngestError:
    """Read, clean and extract one file; errors come back as values, never raised."""
    try:
        doc = load_document(path)
    except IngestError as err:
        return err
    except Exception as err:  # a bug in a cleaner must not stop the batch
        return IngestError(path, f"cannot read: {type(err).__name__}: {err}")
    try:
        return _pipeline()(doc)
    except Exception as err:
        return IngestError(path, f"extraction failed: {type(err).__name__}: {err}")


def serial_map(fn: Callable[[Path], Document | IngestError], items: Iterable[Path]) -> Iterator[Document | IngestError]:
    return map(fn, items)


def process_pool_map(workers: int) -> Mapper:
    """A mapper over ``workers`` processes; order is kept so runs are reproducible."""

    def run(fn: Callable[[Path], Document | IngestError], items: Iterable[Path]) -> Iterator[Document | IngestError]:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(fn, items, chunksize=4)

    return run


def extract_paths(paths: Iterable[str | Path], mapper: Mapper = serial_map) -> Iterator[Document | IngestError]:
    """Documents (or one-line errors) for every supported file under ``paths``."""
    files: list[Path] = []
    errors: list[IngestError] = []
    for item in iter_files(paths):
        (errors if isinstance(item, IngestError) else files).append(item)
    yield from errors
    yield from mapper(process_path, files)


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    *,
    mapper: Mapper = serial_map,
    on_progress: Callable[[str, int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest files into ``store``: exact and near duplicates are stored once with every source."""
    report = IngestReport()
    files: list[Path] = []
    for item in iter_files(paths):
        if isinstance(item, IngestError):
            report.failed.append((str(item.path), item.reason))
        else:
            files.append(item)
    if on_total:
        on_total(len(files))
    deduper = Deduper()
    for key, content_hash, signature in store.minhash_index():
        deduper.seed(key, content_hash, signature)
    todo = []
    for path in files:
        if store.source_exists(str(path)):
            report.unchanged.append(str(path))
            if on_progress:
                on_progress(str(path), 1)
        else:
            todo.append(path)
    for path, result in zip(todo, mapper(process_path, todo), strict=True):
        if on_progress:
            on_progress(str(path), 1)
        if isinstance(result, IngestError):
            report.failed.append((str(result.path), result.reason))
            continue
        verdict = deduper.check(result)
        try:
            if verdict.status == "new":
                signature = deduper.signature_bytes(result)
                doc_id = store.add_document(result, signature)
                store.add_source(doc_id, result.source, "original", 1.0)
                deduper.add(str(doc_id), result)
                report.new.append(result.source)
            else:
                store.add_source(int(verdict.of), result.source, verdict.status, verdict.similarity)
                report.duplicate.append((result.source, verdict.status))
        except Exception as err:  # the store rolled back this document; the rest goes on
            report.failed.append((result.source, f"cannot store: {type(err).__name__}: {err}"))
    return report


def make_mapper(workers: int = 1, dask: str | None = None) -> Mapper:
    """Serial, a process pool of ``workers``, or a Dask cluster (``"local"`` or a scheduler address).

    With ``dask="local"``, ``workers`` > 1 sizes the local cluster (default: the CPU count); a
    remote cluster is sized where its workers are started. The Dask mapper is a context manager
    (``with``) that keeps one cluster for several calls; see ``chainatlas.present.scale``.
    """
    if dask:
        from chainatlas.present.scale import dask_map  # optional extra: imported only when asked for

        if dask != "local" and workers > 1:
            raise ValueError("--workers sizes a local cluster only; a remote Dask cluster has the workers it was started with")
        return dask_map(dask, n_workers=workers if workers > 1 else None)
    return serial_map if workers <= 1 else process_pool_map(workers)


__all__ = [
    "IngestReport",
    "extract_paths",
    "ingest_paths",
    "make_mapper",
    "process_path",
]
