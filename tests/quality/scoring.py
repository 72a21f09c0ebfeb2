"""Run the extractor in-process and score it with the vendored project scorer."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

from chainatlas.extract.contract import to_jsonl
from chainatlas.ingest import IngestError
from chainatlas.present import scoring
from chainatlas.present.jobs import extract_paths

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "corpus"
DEV = ROOT / "examples" / "dev"
HOLDOUT = ROOT / "examples" / "holdout"


def score(corpus: Path) -> tuple[dict, str]:
    """The scorer's JSON summary and its printed table for ``corpus/gold`` over ``corpus/docs``."""
    gold = corpus / "gold"
    docs = corpus / "docs"
    names = [json.loads(p.read_text(encoding="utf-8"))["doc"] for p in sorted(gold.glob("*.json"))]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for result in extract_paths([docs / n for n in names]):
            assert not isinstance(result, IngestError), str(result)
            fh.write(to_jsonl(result) + "\n")
        pred = fh.name
    buf = io.StringIO()
    argv = sys.argv
    try:
        sys.argv = ["score", "--gold", str(gold), "--docs", str(docs), "--pred", pred, "--json"]
        with contextlib.redirect_stdout(buf):
            scoring.main()
    finally:
        sys.argv = argv
        Path(pred).unlink()
    printed = buf.getvalue()
    return json.loads(printed.strip().splitlines()[-1]), printed
