"""Ingest throughput: the five sample articles replicated N times with distinct hashes.

    .venv/bin/python -m tests.store.bench_ingest [--copies 200] [--db /tmp/bench.db]   (from the repo root)
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path

from chainatlas.store import Store

from .corpus import sample_documents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--db", type=Path)
    args = ap.parse_args()
    base = sample_documents()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        store = Store(db)
        docs = []
        for i in range(args.copies):
            for d in base:
                c = copy.deepcopy(d)
                c.content_hash = f"{i:05d}-{d.source}"
                c.source = f"{d.source}#{i}"
                docs.append(c)
        size = sum(len(d.text.encode("utf-8")) for d in docs)
        t0 = time.perf_counter()
        for d in docs:
            store.add_document(d, signature=b"\0" * 512)
        dt = time.perf_counter() - t0
        t1 = time.perf_counter()
        hits = store.search("生物医药")
        ts = time.perf_counter() - t1
        t2 = time.perf_counter()
        rows = store.regions_overview()
        tr = time.perf_counter() - t2
        print(f"{len(docs)} documents ({size / len(docs) / 1024:.1f} KB average) in {dt:.2f} s: "
              f"{len(docs) / dt:.0f} documents/s, {size / dt / 1e6:.2f} MB/s")
        print(f"search 生物医药: {len(hits)} hits in {ts * 1000:.0f} ms; regions_overview: {len(rows)} rows "
              f"in {tr * 1000:.0f} ms; database {db.stat().st_size / 1e6:.1f} MB")
        print(store.stats())
        store.close()


if __name__ == "__main__":
    main()
