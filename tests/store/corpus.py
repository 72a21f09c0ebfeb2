"""Sample documents for store tests and the ingest benchmark, built by hand from the sample
corpus and its gold annotations (no extractor needed): every gold name, alias and number becomes
an entity or quantity with a mention at each place its text appears."""

from __future__ import annotations

import json
import re
from pathlib import Path

from chainatlas.model import Document, Entity, Quantity, Span
from tests.builders import lines

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"


def _spans(text: str, needle: str) -> list[Span]:
    return [Span(m.start(), m.end(), needle) for m in re.finditer(re.escape(needle), text)] if needle else []


def sample_documents() -> list[Document]:
    """The five sample articles with gold entities and quantities as extraction output."""
    docs = []
    for path in sorted((CORPUS / "docs").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        gold = json.loads((CORPUS / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        ents: list[Entity] = []
        for name in gold.get("regions", []):
            ents.append(Entity("region", name, mentions=_spans(text, name)))
        for typ, key in (("organization", "organizations"), ("park", "parks")):
            for item in gold.get(key, []):
                forms = [item["name"], *item.get("aliases", [])]
                spans = sorted({(s.start, s.end, s.text) for f in forms for s in _spans(text, f)})
                ents.append(Entity(typ, item["name"], kind=item.get("kind"), aliases=item.get("aliases", []),
                                   mentions=[Span(*s) for s in spans]))
        quants: list[Quantity] = []
        for kind, key in (("money", "money"), ("count", "counts"), ("percent", "percents")):
            for q in gold.get(key, []):
                for sp in _spans(text, q["text"])[:1]:
                    quants.append(Quantity(kind, float(q["value"]), q["text"], sp.start, sp.end,
                                           currency=q.get("currency"), unit=q.get("unit")))
        docs.append(Document(source=str(path.relative_to(ROOT)), text=text, title=gold.get("title"),
                             published=gold.get("published"), lang=gold.get("lang", "zh"),
                             passages=lines(text), entities=ents, quantities=quants))
    return docs
