"""Cited facts of a region: what a briefing is written from.

A *cited fact* is a stored fact (rejected ones never, corrected ones with the corrected value) with
the citation a reader checks it against: document id, title, source, date and the exact evidence
sentence. This module fills them from the store's facts table through the analysis layer's index
(``analyse/evidence.py``); the briefing builder never touches the database itself.

Which facts belong to a region is the analysis layer's rule (``AtlasIndex.facts_in``): a fact that
names its place (a metric's region subject, a project's region or park) belongs where that place
lies (a county's fact counts for its city); a fact that names none belongs to the regions its
document is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainatlas.analyse.regions import Candidate, Region
from chainatlas.extract.gazetteer import Gazetteer, RegionRecord
from chainatlas.model import Document
from chainatlas.store.analytics import DocMeta, FactRecord

LONG_SENTENCE = 260  # evidence spans longer than this are cut to the sentence around the number
_MARKERS = re.compile(r"\s*(?:\[\d+\])+")


@dataclass(frozen=True, slots=True)
class Citation:
    """A source passage a reader can check: where it is printed and the exact sentence."""

    document_id: int
    title: str | None
    source: str | None
    published: str | None
    sentence: str
    passage: int | None = None
    correction: str | None = None  # an analyst's corrected value, printed under the source

    @property
    def key(self) -> tuple[int, str, str | None]:
        return (self.document_id, self.sentence, self.correction)


@dataclass(slots=True)
class CitedFact:
    """A fact as a briefing uses it: type, arguments, confidence, citations."""

    id: int
    type: str
    args: dict[str, Any]
    status: str
    confidence: float
    document_id: int
    published: str | None
    citations: list[Citation]
    region_key: str | None = None  # the compared region it was attributed to
    explicit_place: bool = False  # the fact names its place (else: its document is about the region)

    @property
    def citation(self) -> Citation:
        return self.citations[0]


def _source_name(meta: DocMeta) -> str | None:
    if meta.site:
        return meta.site
    if meta.source:
        return Path(meta.source).name
    return None


def evidence_sentence(f: FactRecord) -> tuple[str, int]:
    """The sentence a reader is shown, and its offset in the document.

    The extractor's evidence span is the sentence; when it runs long (a scraped list without
    full stops), it is cut to the sentence around the fact's number."""
    text = f.sentence
    base = f.start + (len(f.sentence) - len(f.sentence.lstrip())) if f.sentence else f.start
    if len(text) <= LONG_SENTENCE:
        return text, base
    ref = f.args.get("quantity") or f.args.get("amount_quantity") or f.args.get("count_quantity")
    if isinstance(ref, dict) and isinstance(ref.get("start"), int):
        qs, qe = ref["start"] - base, ref.get("end", ref["start"]) - base
        if 0 <= qs < len(text):
            for s, e in _spans(text):
                if s <= qs < e and qe <= e:
                    return text[s:e], base + s
    return text, base


# Sentence ends inside a long evidence span, with those of scraped English summaries: the end of a
# citation mark before a new capitalised sentence ("… yuan [1] - By 2024", "[2] Research and …").
_SPLIT = re.compile(r"[。！？!?；;][”’」』\"]*|\n|\.(?=\s|$)|(?<=\])\s+-\s+(?=[A-Z])|(?<=\])\s+(?=[A-Z])")


def _spans(text: str) -> list[tuple[int, int]]:
    out, prev = [], 0
    for m in _SPLIT.finditer(text):
        end = m.end() if m.group().strip() and "-" not in m.group() else m.start()
        if text[prev:end].strip():
            out.append((prev, end))
        prev = m.end()
    if text[prev:].strip():
        out.append((prev, len(text)))
    return out


class AtlasData:
    """Everything the briefing builder reads from one atlas, through the analysis layer's index
    (``analyse.evidence.AtlasIndex``): region resolution with candidates, the documents about a
    region and which facts belong to it are decided there, so a briefing shows the same facts as
    ``chainatlas region`` and ``chainatlas compare``. Loaded once: a test builds a briefing for every
    region of an atlas from one of these."""

    def __init__(self, store: Any, index: Any = None) -> None:
        from chainatlas.analyse.evidence import AtlasIndex

        self.store = store
        self.index = index if index is not None else AtlasIndex(store)
        self.gz: Gazetteer = self.index.gz
        self._segments: dict[int, dict[str, int]] = {}

    @property
    def documents(self) -> dict[int, DocMeta]:
        return self.index.docs

    # ------------------------------------------------------------------ regions

    def resolve(self, query: str) -> Region:
        """The region a user means; raises RegionNotFound / AmbiguousRegion with candidates."""
        return self.index.resolve(query)

    def candidates(self, query: str) -> list[Candidate]:
        return self.index.candidates(query)

    def record(self, region: Region) -> RegionRecord:
        return self.index.record(region)

    def atlas_regions(self, level: str = "prefecture") -> list[tuple[Region, int]]:
        """Regions at ``level`` the atlas has documents about, with how many, most first."""
        units = self.index.units(level)
        return [(self.index.region_of_key(k), n) for k, n in sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))]

    def documents_about(self, region: Region, since: str | None = None) -> set[int]:
        return {d for d in self.index.documents_about(region) if self._published_ok(d, since)}

    def _published_ok(self, doc_id: int, since: str | None) -> bool:
        if not since:
            return True
        meta = self.documents.get(doc_id)
        return bool(meta and meta.published and meta.published >= since)

    def passage_segments(self, document_id: int) -> dict[str, int]:
        """Chain segment → passages of the document that give evidence for it (for the heat map)."""
        if document_id not in self._segments:
            from chainatlas.analyse.classify import classify_document_passages
            from chainatlas.model import Passage

            view = self.store.document(document_id)
            if view is None:
                self._segments[document_id] = {}
            else:
                doc = Document(source="", text=view.text,
                               passages=[Passage(p.idx, p.start, p.end) for p in view.passages])
                self._segments[document_id] = {seg: len(ev) for seg, ev in
                                               classify_document_passages(doc, taxonomy=self.index.taxonomy).items()}
        return self._segments[document_id]

    # ------------------------------------------------------------------ facts of a region

    def cited_facts(self, region: Region, since: str | None = None) -> list[CitedFact]:
        """The region's facts (rejected ones never) with their citations, newest documents first."""
        out: list[CitedFact] = []
        for f in self.index.facts_in(region):
            if not self._published_ok(f.document_id, since):
                continue
            recs, _ents, _how = self.index.fact_places(f)
            cf = self.cite(f)
            cf.region_key = region.key
            cf.explicit_place = bool(recs)
            out.append(cf)
        out.sort(key=lambda c: (c.published or "", -c.document_id, c.citation.sentence), reverse=True)
        return out

    def cite(self, f: FactRecord) -> CitedFact:
        meta = self.documents.get(f.document_id) or DocMeta(f.document_id, None, None, None, None)
        sentence, _ = evidence_sentence(f)
        correction = correction_text(f.args) if f.status == "corrected" else None
        # a sentence cut after 。inside a quotation starts with the closing quote: not part of it
        sentence = " ".join(sentence.split()).lstrip("”’」』 ")
        cit = Citation(f.document_id, clean_title(meta.title), _source_name(meta), meta.published,
                       sentence, f.passage, correction)
        return CitedFact(f.id, f.type, dict(f.args), f.status, f.confidence, f.document_id, meta.published, [cit])


def clean_title(title: str | None) -> str | None:
    if not title:
        return None
    t = " ".join(title.split())
    return t or None


_CORRECTION_FIELDS = ("value", "amount", "count", "unit", "currency", "period", "status", "date", "name",
                      "metric", "subject", "investor", "role", "product")


def correction_text(args: dict[str, Any]) -> str:
    """A readable line with the corrected fields, printed under the source so the value checks."""
    from chainatlas.present.report.templates import kind_of, money_text, plain

    parts = []
    for key in _CORRECTION_FIELDS:
        v = args.get(key)
        if v in (None, "", [], {}):
            continue
        money = (key == "value" and kind_of(args) == "money") or key == "amount"
        if money and isinstance(v, int | float) and not isinstance(v, bool):
            parts.append(f"{key} = {money_text(v, args.get('currency'), 'zh')} ({plain(v)})")
        elif isinstance(v, int | float) and not isinstance(v, bool):
            parts.append(f"{key} = {plain(v)}")
        elif isinstance(v, str):
            parts.append(f"{key} = {v}")
    return "; ".join(parts)


def strip_markers(text: str) -> str:
    """A sentence without the article's own citation marks ("… 18.026 billion yuan [1]")."""
    return _MARKERS.sub("", text).strip()
