"""Which chain segment(s) an enterprise, project, product or passage belongs to.

A keyword classifier on purpose: every answer carries the words that decided it, with offsets, so
an analyst can check it, and a text without evidence stays unknown (``[]``) instead of being
guessed. All keywords of a taxonomy (strong, weak, negative, stop phrases, known enterprise
names) are compiled once into one Aho-Corasick automaton; a text is scanned once per field.

Scoring, per segment: a strong keyword counts 1.0, a weak one 0.4, times 1.0 in the ``name``,
0.7 in the ``text`` (the sentence about it) and 0.3 in the ``context`` (say the paragraph or
title); repeats of a keyword add a little. A segment is reported at score ≥ 0.5 and only with a
strong keyword in the name or the text: weak words and context support, never decide. Then:

- the longest match wins where matches overlap (中药材种植 over 中药, 养老金 blocks 养老);
- a known enterprise name (known_names.tsv: 迈瑞医疗, 一心堂) speaks for its own name only; in
  the sentence about another enterprise it is not evidence;
- a name that speaks (strong evidence in the name) outranks the sentence: a segment seen only in
  the sentence then needs twice the score, unless it refines what the name says (九泰药业 +
  原料药 → api_intermediates);
- with a name (one subject) the most specific reading wins: a parent drops out when a descendant
  is kept (疫苗 over 生物药) and a fallback when a segment it ``yields_to`` is kept (药业 →
  pharmaceuticals until 原料药 says api_intermediates); in a sentence without a name (many
  subjects) a parent or fallback stays only if it has more evidence than what would replace it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from chainatlas.analyse.taxonomy import Taxonomy, load_taxonomy
from chainatlas.model import Document

THRESHOLD = 0.5  # score a segment needs to be reported
STRONG = 1.0
WEAK = 0.4
WHERE_FACTOR = {"name": 1.0, "text": 0.7, "context": 0.3}
REPEAT_BONUS = 0.15  # per extra occurrence of the same keyword, at most MAX_REPEATS
MAX_REPEATS = 2
NAME_DOMINANCE = 2.0  # a sentence-only segment needs this × THRESHOLD when the name speaks

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WHERE_ORDER = {"name": 0, "text": 1, "context": 2}


class Evidence(NamedTuple):
    """A keyword that fired: ``start``/``end`` index the field named by ``where``."""

    keyword: str
    where: str  # name | text | context
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Classification:
    segment_id: str
    confidence: float  # 0..1; 0.5 at the reporting threshold
    evidence: list[Evidence]


@dataclass(frozen=True, slots=True)
class PassageEvidence:
    """One passage's evidence for a segment; offsets index ``Document.text``."""

    passage: int  # Passage.index
    confidence: float
    evidence: list[Evidence]

    @property
    def count(self) -> int:
        return len(self.evidence)


@dataclass(frozen=True, slots=True)
class _Key:
    """One automaton key: the surface form and what it votes for (empty: a blocking phrase)."""

    length: int
    form: str
    case_sensitive: bool
    latin_left: bool
    latin_right: bool
    votes: tuple[tuple[int, float], ...]  # (segment index, weight)
    known: bool  # a known enterprise name (known_names.tsv)
    rank: float  # tie-break between overlapping matches of equal length


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _lower(text: str) -> str:
    low = text.lower()
    # Offsets must survive: a few characters (İ) grow when lowered; then lower ASCII only.
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


class _Matcher:
    """The compiled form of a taxonomy."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.ids = [s.id for s in taxonomy.segments]
        index = {sid: i for i, sid in enumerate(self.ids)}
        votes: dict[str, dict[int, float]] = {}
        forms: dict[str, str] = {}
        sensitive: dict[str, bool] = {}
        known_keys: set[str] = set()

        def add(form: str, seg: int | None, weight: float, known: bool = False) -> None:
            key = _lower(form)
            forms.setdefault(key, form)
            if known:
                known_keys.add(key)
            # An all-capital Latin acronym (CT, API, IVD, MSD) matches in capitals only.
            cs = form.isascii() and form.isupper() and len(form) <= 6
            sensitive[key] = sensitive.get(key, True) and cs
            slot = votes.setdefault(key, {})
            if seg is not None and weight > slot.get(seg, 0.0):
                slot[seg] = weight

        for phrase in taxonomy.stop_phrases:
            add(phrase, None, 0.0)
        for i, s in enumerate(taxonomy.segments):
            for w in s.negative_keywords:
                add(w, None, 0.0)
            for w in s.weak_keywords:
                add(w, i, WEAK)
            for w in s.keywords:
                add(w, i, STRONG)
        for known in taxonomy.known_names:
            for form in known.forms:
                for sid in known.segments:
                    add(form, index[sid], STRONG, known=True)

        self.automaton = ahocorasick.Automaton()
        for key, slot in votes.items():
            form = forms[key]
            self.automaton.add_word(
                key,
                _Key(
                    length=len(key),
                    form=form,
                    case_sensitive=sensitive[key],
                    latin_left=_latin(key[0]),
                    latin_right=_latin(key[-1]),
                    votes=tuple(sorted(slot.items())),
                    known=key in known_keys,
                    # Deliberate blocking phrases win ties, then strong keywords, then weak ones.
                    rank=max(slot.values(), default=2.0),
                ),
            )
        self.automaton.make_automaton()

        # cover[i]: segments whose presence makes segment i redundant (descendants, yields_to).
        self.cover: list[frozenset[int]] = []
        self.refines: list[frozenset[int]] = []  # i refines j when j is an ancestor or yields to i
        for s in taxonomy.segments:
            targets = {d.id for d in taxonomy.descendants(s.id)}
            for y in s.yields_to:
                targets.add(y)
                targets.update(d.id for d in taxonomy.descendants(y))
            self.cover.append(frozenset(index[t] for t in targets))
        for i in range(len(self.ids)):
            self.refines.append(frozenset(j for j, c in enumerate(self.cover) if i in c))
        # Fallback segments (药业 → pharmaceuticals) say less than a known name (一心堂药业 → pharmacy).
        self.fallbacks = frozenset(i for i, s in enumerate(taxonomy.segments) if s.yields_to)

    # ------------------------------------------------------------------ scanning
    def scan(self, text: str) -> list[tuple[int, int, _Key]]:
        """Non-overlapping matches, longest first (ties: leftmost), in text order."""
        if not text:
            return []
        low = _lower(text)
        n = len(low)
        hits: list[tuple[int, int, _Key]] = []
        for last, key in self.automaton.iter(low):
            end = last + 1
            start = end - key.length
            if key.case_sensitive and text[start:end] != key.form:
                continue
            if key.latin_left and start > 0 and _latin(low[start - 1]):
                continue
            if key.latin_right and end < n and _latin(low[end]):
                # English plurals: vaccine ~ vaccines, biochip ~ biochips.
                if low[end] == "s" and (end + 1 == n or not _latin(low[end + 1])):
                    end += 1
                elif low[end : end + 2] == "es" and (end + 2 == n or not _latin(low[end + 2])):
                    end += 2
                else:
                    continue
            hits.append((start, end, key))
        if len(hits) < 2:
            return hits
        hits.sort(key=lambda h: (h[0] - h[1], -h[2].rank, h[0]))
        taken = bytearray(n + 2)
        kept = []
        for h in hits:
            s, e = h[0], h[1]
            if taken.find(1, s, e) != -1:
                continue
            taken[s:e] = b"\x01" * (e - s)
            kept.append(h)
        kept.sort(key=lambda h: h[0])
        return kept

    # ------------------------------------------------------------------ deciding
    def classify(self, fields: list[tuple[str, str]]) -> list[Classification]:
        # seg → keyword → (best weight×factor, occurrences); seg → evidence; seg → score per field
        best: dict[int, dict[str, list[float]]] = {}
        evidence: dict[int, list[Evidence]] = {}
        per_where: dict[int, dict[str, float]] = {}
        strong: set[int] = set()  # segments with a strong keyword in the name or the text
        name = next((v for w, v in fields if w == "name"), None)
        name_low = _lower(name) if name else ""
        for where, value in fields:
            factor = WHERE_FACTOR[where]
            hits = self.scan(value)
            mute: frozenset[int] = frozenset()
            if where == "name" and any(k.known for _, _, k in hits):
                said = {seg for _, _, k in hits if k.known for seg, _ in k.votes}
                mute = self.fallbacks - said
            for start, end, key in hits:
                # Another known enterprise in the sentence is evidence about that one, not ours.
                if key.known and name and where != "name" and _lower(key.form) not in name_low:
                    continue
                for seg, weight in key.votes:
                    if seg in mute:
                        continue
                    if weight >= STRONG and where != "context":
                        strong.add(seg)
                    w = weight * factor
                    slot = best.setdefault(seg, {}).setdefault(f"{where}\x00{key.form}", [0.0, 0.0])
                    if w > slot[0]:
                        slot[0] = w
                    slot[1] += 1
                    evidence.setdefault(seg, []).append(Evidence(key.form, where, start, end))
        if not best:
            return []
        scores: dict[int, float] = {}
        for seg, kws in best.items():
            total = 0.0
            wsum = per_where.setdefault(seg, {})
            for k, (w, count) in kws.items():
                part = w * (1.0 + REPEAT_BONUS * min(count - 1, MAX_REPEATS))
                total += part
                where = k.split("\x00", 1)[0]
                wsum[where] = wsum.get(where, 0.0) + part
            scores[seg] = total

        candidates = {seg for seg in strong if scores[seg] >= THRESHOLD}
        if not candidates:
            return []
        # The name speaks: sentence-only segments need more, unless they refine the name's segment.
        named = {seg for seg in candidates if per_where[seg].get("name", 0.0) >= THRESHOLD}
        if named:
            candidates = {
                seg
                for seg in candidates
                if seg in named
                or scores[seg] >= NAME_DOMINANCE * THRESHOLD
                or self.refines[seg] & named
            }
        if name:
            # One subject: the most specific reading wins (疫苗 over 生物药, 原料药 over 药业).
            kept = [seg for seg in candidates if not (self.cover[seg] & candidates)]
        else:
            # A sentence about many things: a parent or fallback stays only when it has more
            # evidence of its own than what would replace it (生物药 … 核酸药 … 细胞治疗 keeps
            # biologics; 生物制品、疫苗 does not).
            kept = [
                seg
                for seg in candidates
                if not any(scores[c] >= scores[seg] for c in self.cover[seg] & candidates)
            ]
        out = []
        for seg in kept:
            ev = sorted(evidence[seg], key=lambda e: (_WHERE_ORDER[e.where], e.start))
            conf = 1.0 - math.exp(-math.log(2.0) * scores[seg] / THRESHOLD)
            out.append(Classification(self.ids[seg], round(conf, 3), ev))
        out.sort(key=lambda c: (-c.confidence, self.ids.index(c.segment_id)))
        return out


@functools.lru_cache(maxsize=16)
def _matcher(taxonomy: Taxonomy) -> _Matcher:
    return _Matcher(taxonomy)


def classify(
    text: str,
    *,
    name: str | None = None,
    context: str | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[Classification]:
    """The chain segments ``text`` (and the ``name`` of the enterprise/project/product it is
    about, and optional wider ``context``) gives evidence for; ``[]`` when the evidence is too
    weak. Most confident first."""
    matcher = _matcher(taxonomy or load_taxonomy())
    fields = [(w, v) for w, v in (("name", name), ("text", text), ("context", context)) if v]
    return matcher.classify(fields)


def scan_keywords(text: str, *, taxonomy: Taxonomy | None = None) -> list[tuple[int, int, str, list[str]]]:
    """Every keyword match in ``text`` after overlap resolution: (start, end, keyword, segment ids).
    Blocking phrases appear with no segment ids. For debugging a taxonomy."""
    m = _matcher(taxonomy or load_taxonomy())
    return [(s, e, k.form, [m.ids[i] for i, _ in k.votes]) for s, e, k in m.scan(text)]


def classify_document_passages(
    doc: Document, *, taxonomy: Taxonomy | None = None
) -> dict[str, list[PassageEvidence]]:
    """Per segment, the passages of ``doc`` that give evidence for it (how much of the chain a
    city's articles cover). A document without passages counts as one passage 0."""
    matcher = _matcher(taxonomy or load_taxonomy())
    passages = [(p.index, p.start, p.end) for p in doc.passages] or [(0, 0, len(doc.text))]
    out: dict[str, list[PassageEvidence]] = {}
    for index, start, end in passages:
        for c in matcher.classify([("text", doc.text[start:end])]):
            ev = [Evidence(e.keyword, "text", e.start + start, e.end + start) for e in c.evidence]
            out.setdefault(c.segment_id, []).append(PassageEvidence(index, c.confidence, ev))
    return out
