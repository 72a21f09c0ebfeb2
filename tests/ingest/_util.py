"""Helpers shared by the ingest tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "corpus"
DATA = Path(__file__).parent / "data"


def gold_cases(folder: Path, docs: Path) -> list[tuple[Path, dict]]:
    """(document path, gold dict) for every gold JSON in ``folder``."""
    out = []
    for g in sorted(folder.glob("*.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        out.append((docs / gold["doc"], gold))
    return out


def squash(s: str) -> str:
    """What the project scorer compares: the text without any whitespace."""
    return re.sub(r"\s+", "", s)
