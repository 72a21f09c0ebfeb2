"""The "Core Insights" of one article: an extractive digest with paragraph citations.

The file is read and extracted in memory (no database). Every sentence is scored by what it
carries (facts, quantities, named entities) and where it stands (the lead paragraphs of a news
article say the most); the best 3-6 are kept in the article's order, at most two per paragraph,
each followed by ``[n]``: paragraph n of the article, printed in full under "Passages".
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from chainatlas.extract.facts.common import add_trimmed
from chainatlas.model import Document
from chainatlas.present.report import templates as t
from chainatlas.present.report.atlas import Citation, clean_title, strip_markers
from chainatlas.present.report.citations import Source
from chainatlas.present.report.document import Bullet, Report, Run
from chainatlas.present.report.lint import numbers_in

FACT_COMPONENTS = ("dates", "metrics", "projects", "roles", "products", "events")
STRONG_FACTS = frozenset({"metric", "project", "investment", "role", "product"})  # events and dates say less
# Sentence ends: Chinese and English stops (a closing quote stays with its sentence), and in scraped
# English summaries the end of a citation mark before a new capitalised sentence ("[1][4] - By",
# "[2] Research and Development - Carson").
_STOP = re.compile(r"[。！？!?；;][”’」』\"]*|\n|\.(?=\s|$)|(?<=\])\s+-\s+(?=[A-Z])|(?<=\])\s+(?=[A-Z])")
_OPEN_JUNK = re.compile(r"^[”’」』)）,，、:：\s]+")
_LEAD_BULLET = re.compile(r"^\s*(?:[-•·*]\s+|\d+[.)、]\s*)")
_HEADING_LIKE = re.compile(r"^[A-Z][A-Za-z ]{2,40}\s+-\s+(?=[A-Z])")  # "Core Insights - Dezhou aims …"


@dataclass(frozen=True, slots=True)
class Scored:
    start: int
    end: int
    passage: int
    score: float
    text: str


def pipeline():
    """The default extraction pipeline plus the fact components that are installed."""
    import importlib

    from chainatlas.extract.pipeline import Pipeline, registry

    base = Pipeline.default()
    names = list(base.names)
    for name in FACT_COMPONENTS:
        if name in names:
            continue
        try:
            importlib.import_module(f"chainatlas.extract.facts.{name}")
            registry.get(name)
        except (ImportError, KeyError):
            continue
        names.append(name)
    return Pipeline(tuple(names))


def load(path: str | Path) -> Document:
    """Read, clean and extract one file (raises ``IngestError`` with a one-line reason)."""
    from chainatlas.ingest import load_document

    return pipeline()(load_document(path))


def sentences(doc: Document) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    prev = 0
    for m in _STOP.finditer(doc.text):
        end = m.end() if m.group().strip() and "-" not in m.group() else m.start()
        add_trimmed(doc.text, prev, end, spans)
        prev = m.end()
    add_trimmed(doc.text, prev, len(doc.text), spans)
    return spans


def _count_in(starts: list[int], s: int, e: int) -> int:
    return bisect_right(starts, e - 1) - bisect_right(starts, s - 1)


def score_sentences(doc: Document) -> list[Scored]:
    """Every sentence inside a paragraph with its score (higher says more)."""
    en = doc.lang == "en"
    fact_at = sorted(_fact_offset(f) for f in doc.facts if f.type in STRONG_FACTS)
    weak_at = sorted(_fact_offset(f) for f in doc.facts if f.type not in STRONG_FACTS)
    qty_at = sorted(q.start for q in doc.quantities)
    ent_at = sorted((m.start, e.type) for e in doc.entities if e.type in ("organization", "park", "region", "product")
                    for m in e.mentions)
    ent_starts = [x[0] for x in ent_at]
    n_passages = max(1, len(doc.passages))
    out: list[Scored] = []
    for s, e in sentences(doc):
        p = doc.passage_at(s)
        if p is None:
            continue
        text = _clean(doc.text[s:e])
        size = len(text) if not en else len(text.split())
        if (en and size < 8) or (not en and size < 14):
            continue
        facts = _count_in(fact_at, s, e) + 0.4 * _count_in(weak_at, s, e)
        qty = _count_in(qty_at, s, e)
        ents = _count_in(ent_starts, s, e)
        position = 1.6 / (1 + p.index) + (0.6 if p.index == 0 else 0.0) + 0.4 * (1 - p.index / n_passages)
        long_limit = 60 if en else 150
        length = -0.8 * max(0.0, size / long_limit - 1)
        score = 2.0 * min(facts, 4) + 1.0 * min(qty, 4) + 0.3 * min(ents, 5) + position + length
        out.append(Scored(s, e, p.index, score, text))
    return out


def _fact_offset(f) -> int:
    for key in ("quantity", "amount_quantity", "count_quantity", "name_span"):
        ref = f.args.get(key)
        if isinstance(ref, dict) and isinstance(ref.get("start"), int):
            return int(ref["start"])
    return f.start


def _clean(text: str) -> str:
    text = strip_markers(" ".join(text.split()))
    text = _LEAD_BULLET.sub("", text)
    text = _HEADING_LIKE.sub("", text)
    text = _OPEN_JUNK.sub("", text)
    return text.strip(" -")


def pick(scored: list[Scored], k: int | None = None) -> list[Scored]:
    """The best ``k`` (3 to 6 by article length), at most two per paragraph (more when the article
    is one long paragraph), in reading order."""
    if k is None:
        k = min(6, max(3, math.ceil(len(scored) / 8)))
    cap = max(2, math.ceil(k / max(1, len({s.passage for s in scored}))))
    chosen: list[Scored] = []
    per_passage: dict[int, int] = {}
    for s in sorted(scored, key=lambda x: (-x.score, x.start)):
        if len(chosen) >= k:
            break
        if per_passage.get(s.passage, 0) >= cap:
            continue
        chosen.append(s)
        per_passage[s.passage] = per_passage.get(s.passage, 0) + 1
    return sorted(chosen, key=lambda x: x.start)


def digest_document(doc: Document, lang: str | None = None, k: int | None = None) -> Report:
    """The digest of an extracted document as a report (Markdown/HTML renderers and lint apply)."""
    lang = lang or ("en" if doc.lang == "en" else "zh")
    title = clean_title(doc.title) or Path(doc.source).name or t.label(lang, "untitled")
    site = doc.site or (Path(doc.source).name if doc.source else None)
    report = Report(lang=lang, kind="digest", title=title,
                    subtitle=t.lookup(lang, "digest", "subtitle"),  # site and date are in each passage entry
                    insights_title=t.lookup(lang, "digest", "core_insights"),
                    sources_title=t.lookup(lang, "digest", "passages"),
                    gaps_title=t.label(lang, "data_gaps"))
    passages = {p.index: p for p in doc.passages}
    used: dict[int, Source] = {}
    for s in pick(score_sentences(doc), k):
        p = passages[s.passage]
        n = p.index + 1
        if n not in used:
            body = " ".join(doc.text[p.start:p.end].split())
            used[n] = Source(n, Citation(0, title, site, doc.published, body, p.index))
        end = t.lookup(lang, "joiners", "end", default=".")
        report.insights.append(Bullet([Run(_sentence_end(s.text), [used[n].citation], (n,)), Run(end)]))
    report.sources = [used[n] for n in sorted(used)]
    if report.sources and numbers_in(title):
        report.title_refs = (report.sources[0].n,)  # the title is printed in that source entry
    if not report.insights:
        report.headline_text = t.lookup(lang, "gaps", "little").format(region=title)
    report.footer.append(t.lookup(lang, "digest", "note"))
    report.fact_count = len(doc.facts)
    return report


def _sentence_end(text: str) -> str:
    """The sentence without its final stop: the citation goes right after the words."""
    return text.rstrip("。！？!?；;.").rstrip()


def digest_path(path: str | Path, lang: str | None = None, k: int | None = None) -> Report:
    return digest_document(load(path), lang, k)
