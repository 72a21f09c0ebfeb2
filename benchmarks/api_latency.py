"""Latency of the web atlas API on a large atlas: p50/p95 per endpoint, PASS when every p95 ≤ 200 ms.

Builds an atlas of ``--docs`` documents (default 10,000): the sample and development articles are
ingested once with the real pipeline, then stored again as varied copies straight through
``Store.add_document`` (new text tail, title, date and site, hence a new content hash; the
extraction output is the original's, so entities, numbers and facts stay realistic without
re-running extraction 10,000 times). Then uvicorn serves it on 127.0.0.1 in its own process and
``--clients`` threads (8) with one httpx client each call the city page API
(``/api/v1/regions/{name}``: profile, chain coverage and gaps), search (``/api/v1/search``), entity
(``/api/v1/entities/{id}``), the overview (``/api/v1/regions``), compare and gaps,
for at most ``--requests`` calls per endpoint or ``--seconds``, whichever comes first.

    python benchmarks/api_latency.py [--docs 10000] [--db /tmp/latency.db] [--clients 8]

``--db`` keeps the atlas for the next run (an existing file with enough documents is reused).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from chainatlas.present.jobs import ingest_paths  # noqa: E402
from chainatlas.store import Store  # noqa: E402
from chainatlas.store import schema as s  # noqa: E402

CORPORA = [ROOT / "examples" / "corpus" / "docs", ROOT / "examples" / "dev" / "docs"]
BAR_MS = 200.0
SITES = ["德州日报", "大众日报", "中国产业园区招商网", "新华网", "人民网", "地方政府网站", None]
QUERIES = ["疫苗", "生物医药", "产业园", "医疗器械", "中药", "康养", "vaccine", "biomedical", "德州 医药", "创新药"]


def build(db: Path, target: int, seed: int = 7) -> Store:
    """An atlas of ``target`` documents (reused when ``db`` already holds that many)."""
    store = Store(db)
    have = store.stats().documents
    if have >= target:
        print(f"atlas {db}: {have} documents (reused)", flush=True)
        return store
    t0 = time.perf_counter()
    if have == 0:
        report = ingest_paths([p for p in CORPORA if p.exists()], store)
        print(f"ingested {len(report.new)} articles with the pipeline in {time.perf_counter() - t0:.1f}s", flush=True)
    base = [d for d in (store.load_document(i.id) for i in store.documents(limit=1000)) if d is not None]
    base = [d for d in base if not d.source.startswith("bench:")]
    if not base:
        raise SystemExit("no base documents: is examples/ present?")
    rng = random.Random(seed)
    n = store.stats().documents
    t1 = time.perf_counter()
    while n < target:
        src = base[n % len(base)]
        year = rng.randint(2015, 2025)
        copy = dataclasses.replace(
            src,
            source=f"bench:{n}/{Path(src.source).name}",
            text=src.text + f"\n（转载编号 {n}，{year}年）",  # a tail after every offset: spans stay valid
            title=f"{src.title or '无标题'}（{n}）",
            published=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            site=rng.choice(SITES),
            content_hash=None,
            meta={**src.meta, "bench_copy_of": src.content_hash},
        )
        store.add_document(copy)
        n += 1
        if n % 1000 == 0:
            rate = (n - len(base)) / (time.perf_counter() - t1)
            print(f"  {n} documents ({rate:.0f}/s)", flush=True)
    print(f"atlas {db}: {n} documents, built in {time.perf_counter() - t0:.0f}s", flush=True)
    return store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, port: int, cache_size: int) -> subprocess.Popen[bytes]:
    code = ("import uvicorn; from chainatlas.present.web import create_app; "
            f"uvicorn.run(create_app({str(db)!r}, cache_size={cache_size}), host='127.0.0.1', port={port}, "
            "log_level='warning')")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("the server exited on start") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


def run(base: str, paths: dict[str, list[str]], clients: int, per_endpoint: int, seconds: float) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {k: [] for k in paths}
    counters = {k: 0 for k in paths}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    errors: list[str] = []

    def next_path(rng: random.Random) -> tuple[str, str] | None:
        with lock:
            open_ = [k for k in paths if counters[k] < per_endpoint]
            if not open_ or time.monotonic() > stop_at:
                return None
            k = rng.choice(open_)
            counters[k] += 1
        return k, rng.choice(paths[k])

    def worker(i: int) -> None:
        rng = random.Random(i)
        with httpx.Client(base_url=base, timeout=30) as client:
            while (job := next_path(rng)) is not None:
                name, path = job
                t = time.perf_counter()
                r = client.get(path)
                ms = (time.perf_counter() - t) * 1000
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {path}")
                with lock:
                    timings[name].append(ms)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"{len(errors)} requests failed, e.g. {errors[:3]}", flush=True)
    return timings


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--db", type=Path, default=None, help="atlas file to build or reuse (default: a temp file)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400, help="calls per endpoint at most")
    ap.add_argument("--seconds", type=float, default=120, help="stop sending after this long (per phase)")
    ap.add_argument("--no-cold", action="store_true", help="skip the second run with the view cache off")
    args = ap.parse_args()

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="chainatlas-latency-")
        args.db = Path(tmp.name) / "atlas.db"
    store = build(args.db, args.docs)
    stats = store.stats()
    # the busiest regions (the city pages analysts open most) and the most-mentioned entities
    regions = [r.name for r in store.regions_overview(top=1)][:20]
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(
            select(s.mentions.c.entity_id).group_by(s.mentions.c.entity_id)
            .order_by(func.count().desc()).limit(40))]
    store.close()
    print(f"{stats.documents} documents, {stats.passages} passages, {sum(stats.entities.values())} entities, "
          f"{stats.mentions} mentions, {stats.facts} facts", flush=True)

    paths = {
        "city page   /api/v1/regions/{name}": [f"/api/v1/regions/{name}" for name in regions],
        "search      /api/v1/search?q=…": [f"/api/v1/search?q={q}&limit=20" for q in QUERIES],
        "entity      /api/v1/entities/{id}": [f"/api/v1/entities/{i}" for i in ids],
        "overview    /api/v1/regions?level=…": [f"/api/v1/regions?level={lv}" for lv in ("city", "province", "county")],
        "compare     /api/v1/compare?r=…&r=…": [f"/api/v1/compare?r={a}&r={b}" for a, b in zip(regions[:8], regions[1:9], strict=False)],
        "gaps        /api/v1/gaps?region=…": [f"/api/v1/gaps?region={name}" for name in regions[:10]],
    }
    ok = phase("as served (views cached per atlas version, after one warm-up call each)", args, paths, 512)
    if not args.no_cold:
        phase("cache off (every call recomputed: the first visit after an ingest)", args, paths, 0,
              informational=True)
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


def phase(title: str, args: argparse.Namespace, paths: dict[str, list[str]], cache_size: int,
          informational: bool = False) -> bool:
    port = free_port()
    proc = serve(args.db, port, cache_size)
    base = f"http://127.0.0.1:{port}"
    try:
        w0 = time.perf_counter()
        with httpx.Client(base_url=base, timeout=300) as warm:  # fills the cache, pages in the file
            for group in paths.values():
                for p in group:
                    warm.get(p)
        warm_s = time.perf_counter() - w0
        t0 = time.perf_counter()
        timings = run(base, paths, args.clients, args.requests, args.seconds)
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(10)
    total = sum(len(v) for v in timings.values())
    print(f"\n== {title}\n{args.clients} concurrent clients, {total} requests in {wall:.1f}s "
          f"({total / wall:.0f} req/s), one uvicorn process on 127.0.0.1")
    print(f"warm-up (the first call of every path, one at a time) took {warm_s:.1f}s")
    print(f"{'endpoint':40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    ok = True
    for name, values in timings.items():
        p50, p95 = pct(values, 50), pct(values, 95)
        ok &= bool(values) and p95 <= BAR_MS
        print(f"{name:40} {len(values):5d} {p50:8.1f} {p95:8.1f} {max(values, default=float('nan')):8.1f}")
    verdict = "PASS" if ok else "FAIL"
    print(f"{verdict}{' (informational)' if informational else ''}: p95 ≤ {BAR_MS:.0f} ms on every endpoint",
          flush=True)
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
