"""Scale-out mapper: ``process_path`` over a Dask cluster, with the same driver as every mapper.

A mapper only moves the pure per-file work (read → clean → extract); deduplication and storage
stay on the driver in ``jobs.ingest_paths``, so a Dask run stores exactly what a serial run does.
Only paths travel to the workers (and Documents back), so workers must see the files at the same
paths: a shared filesystem. Relative paths are resolved against the driver's working directory
on the worker, while the stored source stays the path as the user typed it.

Paths go out in small batches and at most ``window`` batches are unfinished or unread at any
time, so 10,000 files never mean 10,000 futures (or 10,000 Documents held on the cluster);
results come back in input order because ``ingest_paths`` pairs them with its paths.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainatlas.ingest import IngestError
from chainatlas.model import Document

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

MISSING = "--dask needs the 'dask' extra: pip install 'chainatlas[dask]'"

Result = Document | IngestError
Fn = Callable[[Path], Result]


class DaskMissing(ImportError):
    """dask.distributed is not installed; ``str()`` is the one-line install hint."""

    def __init__(self) -> None:
        super().__init__(MISSING)


class DaskUnavailable(RuntimeError):
    """The scheduler cannot be reached or the local cluster cannot start (one line)."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskMissing() from None
    return distributed


def _run_batch(fn: Fn, paths: list[Path], base: str | None) -> list[Result]:
    """Worker side: ``fn`` on each path, relative paths read from the driver's directory."""
    out: list[Result] = []
    for path in paths:
        target = path if base is None or path.is_absolute() else Path(base) / path
        try:
            result = fn(target)
        except Exception as err:  # fn is meant to return errors; a bug must still not stop the batch
            result = IngestError(path, f"failed on a Dask worker: {type(err).__name__}: {err}")
        if target is not path:  # report the path as given, as a serial run does
            if isinstance(result, IngestError):
                result.path = path
            elif isinstance(result, Document):
                result.source = str(path)
        out.append(result)
    return out


def _batches(items: Iterable[Path], size: int) -> Iterator[list[Path]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class DaskMapper:
    """A ``Mapper`` that runs ``fn`` on a Dask cluster, results in input order.

    ``address`` is ``"local"`` (a ``LocalCluster`` of ``n_workers`` processes, one thread each;
    CPU count by default), a scheduler address such as ``tcp://10.0.0.5:8786``, or a connected
    ``distributed.Client`` (used as is and never closed here). Use it as a context manager to
    keep one cluster over several calls; called bare, it connects for the call and disconnects
    after it.
    """

    def __init__(self, address: str | Client = "local", *, n_workers: int | None = None,
                 processes: bool = True, batch: int = 8, window: int | None = None,
                 timeout: float = 10.0) -> None:
        _distributed()
        if batch < 1:
            raise ValueError(f"batch must be at least 1, got {batch}")
        if window is not None and window < 1:
            raise ValueError(f"window must be at least 1, got {window}")
        self.address = address
        self.n_workers = n_workers
        self.processes = processes
        self.batch = batch
        self.window = window
        self.timeout = timeout
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None
        self._borrowed = not isinstance(address, str)  # a Client passed in belongs to the caller

    def __repr__(self) -> str:
        where = self.address if isinstance(self.address, str) else "client"
        return f"DaskMapper({where!r}, batch={self.batch})"

    # ------------------------------------------------------------------ cluster lifetime

    @property
    def client(self) -> Client | None:
        return self._client

    def start(self) -> Client:
        """Connect (or start the local cluster); raises ``DaskUnavailable`` with one line."""
        if self._client is not None:
            return self._client
        distributed = _distributed()
        if not isinstance(self.address, str):
            self._client = self.address
            return self._client
        try:
            if self.address == "local":
                workers = self.n_workers or os.cpu_count() or 1
                self._cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=self.processes,
                    dashboard_address=":0", silence_logs=logging.ERROR,  # no fixed port to clash on
                )
                self._client = distributed.Client(self._cluster, timeout=self.timeout)
            else:
                self._client = distributed.Client(self.address, timeout=self.timeout)
        except Exception as err:
            self.close()
            where = "a local Dask cluster" if self.address == "local" else f"the Dask scheduler {self.address}"
            raise DaskUnavailable(f"cannot start {where}: {type(err).__name__}: {err}") from None
        return self._client

    def close(self) -> None:
        if self._client is not None and not self._borrowed:
            self._client.close()
        self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskMapper:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ mapping

    def __call__(self, fn: Fn, items: Iterable[Path]) -> Iterator[Result]:
        connected_here = self._client is None
        client = self.start()
        try:
            yield from self._map(client, fn, items)
        finally:
            if connected_here:
                self.close()

    def _map(self, client: Client, fn: Fn, items: Iterable[Path]) -> Iterator[Result]:
        distributed = _distributed()
        window = self.window or max(2, 2 * sum(client.nthreads().values()))
        base = os.getcwd()
        batches = _batches(items, self.batch)
        running = distributed.as_completed()
        pending: dict[Any, tuple[int, list[Path]]] = {}
        finished: dict[int, list[Result]] = {}
        submitted = delivered = 0

        def submit_more() -> None:
            nonlocal submitted
            # unfinished + finished-but-unread batches never exceed the window: bounded memory
            while submitted - delivered < window and (paths := next(batches, None)) is not None:
                future = client.submit(_run_batch, fn, paths, base, pure=False)
                pending[future] = (submitted, paths)
                running.add(future)
                submitted += 1

        try:
            submit_more()
            while delivered < submitted:
                future = next(running)
                index, paths = pending.pop(future)
                finished[index] = self._collect(future, paths)
                future.release()
                ready: list[Result] = []
                while delivered in finished:
                    ready.extend(finished.pop(delivered))
                    delivered += 1
                submit_more()  # keep the workers busy while the driver stores what came back
                yield from ready
        finally:
            for future in pending:
                future.cancel()

    @staticmethod
    def _collect(future: Any, paths: list[Path]) -> list[Result]:
        """The batch's results, or one error per path when the task itself failed (lost worker)."""
        try:
            results = future.result()
        except Exception as err:
            reason = f"Dask task failed: {type(err).__name__}: {err}"
            return [IngestError(path, reason) for path in paths]
        if len(results) != len(paths):  # cannot happen with _run_batch; keep the pairing honest
            return [IngestError(path, "Dask task returned a wrong number of results") for path in paths]
        return results


def dask_map(address: str | Client = "local", **options: Any) -> DaskMapper:
    """A mapper over a Dask cluster (see ``DaskMapper``); raises ``DaskMissing`` without dask."""
    return DaskMapper(address, **options)


__all__ = ["MISSING", "DaskMapper", "DaskMissing", "DaskUnavailable", "dask_map"]
