"""Extraction throughput against jieba's segmentation, measured in the same run.

Builds a corpus of at least ``--mb`` megabytes from the cleaned bodies of the sample
and development articles, times the default extraction pipeline over it and, on the
very same text, ``jieba.lcut``; prints MB/s for both and their ratio (bar: ≥ 0.5×).
Then ingests ``--docs`` varied copies of the articles into a fresh SQLite atlas and
prints documents per second.

    python benchmarks/extract_throughput.py [--mb 5] [--docs 300]
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chainatlas.extract.pipeline import Pipeline  # noqa: E402
from chainatlas.ingest import IngestError, iter_documents  # noqa: E402
from chainatlas.model import Document  # noqa: E402

CORPORA = [ROOT / "examples" / "corpus" / "docs", ROOT / "examples" / "dev" / "docs"]


def load_bodies() -> list[Document]:
    docs = [d for d in iter_documents([p for p in CORPORA if p.exists()]) if not isinstance(d, IngestError)]
    if not docs:
        raise SystemExit("no articles found under examples/")
    return docs


def build_corpus(docs: list[Document], mb: float) -> list[Document]:
    """Copies of the articles until the bodies add up to ``mb`` megabytes of UTF-8."""
    out: list[Document] = []
    size = 0
    target = mb * 1_000_000
    i = 0
    while size < target:
        d = copy.deepcopy(docs[i % len(docs)])
        out.append(d)
        size += len(d.text.encode("utf-8"))
        i += 1
    return out


def time_it(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_extraction(corpus: list[Document]) -> tuple[float, float]:
    import jieba

    jieba.initialize()
    pipeline = Pipeline.default()
    pipeline(copy.deepcopy(corpus[0]))  # load lexicons before timing
    mb = sum(len(d.text.encode("utf-8")) for d in corpus) / 1_000_000
    texts = [d.text for d in corpus]

    def run_pipeline() -> None:
        for d in corpus:
            d.entities.clear()
            d.quantities.clear()
            d.facts.clear()
            pipeline(d)

    def run_jieba() -> None:
        for t in texts:
            jieba.lcut(t)

    t_pipe = time_it(run_pipeline)
    t_jieba = time_it(run_jieba)
    return mb / t_pipe, mb / t_jieba


def bench_ingest(n_docs: int) -> float:
    from chainatlas.present.jobs import ingest_paths
    from chainatlas.store import Store

    sources = [p for c in CORPORA if c.exists() for p in sorted(c.iterdir()) if p.suffix in (".txt", ".md")]
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for i in range(n_docs):
            src = sources[i % len(sources)]
            raw = src.read_bytes()
            # A distinct article each time: a different lead sentence defeats both dedup passes.
            lead = f"第{i}号通报：{rng.random():.12f}园区新增{rng.randint(1, 999)}家企业，投资{rng.randint(1, 99)}亿元。\n"
            text = raw.decode("utf-8", errors="replace")
            lines = text.splitlines()
            cut = min(len(lines), 3)
            body = "\n".join(lines[:cut] + [lead * 40] + lines[cut:])
            (folder / f"{i:05d}_{src.stem}.txt").write_text(body, encoding="utf-8")
        store = Store(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        report = ingest_paths([str(folder)], store)
        elapsed = time.perf_counter() - t0
        stored = len(report.new) + len(report.duplicate)
        if report.failed:
            print(f"  ({len(report.failed)} failed: {report.failed[0]})")
        return stored / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=5.0, help="corpus size in MB (default 5)")
    ap.add_argument("--docs", type=int, default=300, help="documents for the ingest benchmark")
    args = ap.parse_args()

    corpus = build_corpus(load_bodies(), args.mb)
    mb = sum(len(d.text.encode("utf-8")) for d in corpus) / 1_000_000
    print(f"corpus: {len(corpus)} documents, {mb:.2f} MB of cleaned text")
    pipe, jieba_rate = bench_extraction(corpus)
    print(f"extraction pipeline : {pipe:8.3f} MB/s")
    print(f"jieba.lcut          : {jieba_rate:8.3f} MB/s")
    ratio = pipe / jieba_rate
    print(f"ratio extraction/jieba: {ratio:.2f}x  (bar >= 0.5x: {'PASS' if ratio >= 0.5 else 'FAIL'})")
    rate = bench_ingest(args.docs)
    print(f"ingest into SQLite  : {rate:8.1f} documents/s ({args.docs} documents, read+clean+extract+dedup+store)")


if __name__ == "__main__":
    main()
