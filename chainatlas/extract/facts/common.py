"""Shared helpers for the fact components: data files, sentences, clauses, mentions.

Why one context object: every fact family asks the same questions (which sentence holds
this offset, which region or park is the nearest subject, which quantities lie in this
clause), so they are answered from sorted arrays built once per document.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from chainatlas.model import Document, Entity, Fact, Quantity

DATA = Path(__file__).resolve().parent.parent / "data"

SUBJECT_TYPES = ("region", "park", "organization")
# Organisations that are never the subject of an industry figure or a project investor.
NON_ACTOR_KINDS = frozenset({"government", "media"})

_SENT_STOP = re.compile(r"[。！？!?；;\n]|\.(?=\s|$)")
_SENT_CHARS = re.compile(r"[。！？!?；;\n.]")
# English only: a bullet (" - By 2024"), a citation mark before a capital ("[1][4] Pharmaceutical
# Manufacturing") and a full stop with the space lost in scraping ("development.There are")
# also end a sentence.
_SENT_STOP_EN = re.compile(r"[。！？!?；;\n]|\.(?=\s|$)|\s+-\s+(?=[A-Z])|(?<=\])\s+(?=[A-Z])|(?<=[a-z]{2})\.(?=[A-Z][a-z])")
# Clause breaks: Chinese and ASCII commas and colons, but not a thousands separator (1,005).
_CLAUSE_STOP = re.compile(r"[，：:]|,(?![0-9]{3}(?![0-9]))|(?<![0-9]),")
_CJK = re.compile(r"[\u3400-\u9fff]")
_FULL_STOP = re.compile(r"[。！？!?\n]")


# --------------------------------------------------------------------------- data files


@functools.cache
def load_yaml(name: str) -> dict[str, Any]:
    """A facts data file as a dict; a clear one-line error names the file."""
    path = DATA / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuntimeError(f"facts: cannot read data file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"facts: {path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"facts: {path}: expected a mapping at the top level")
    return data


def words(values: Iterable[Any] | None) -> tuple[str, ...]:
    """Non-empty strings of a data list, longest first (so alternations prefer long words)."""
    out = {str(v).strip() for v in values or () if v is not None and str(v).strip()}
    return tuple(sorted(out, key=lambda w: (-len(w), w)))


def alternation(values: Iterable[str], *, en: bool = False) -> str:
    """A regex alternation of literal words that prefers the longest; English words on word
    boundaries. Built as a trie ("投资(?:总?额)?" rather than "投资总额|投资额|投资"): the
    engine then tries one branch per character instead of every word at every position,
    which is what most of the fact scans spend their time on."""
    ws = words(values)
    if not ws:
        return r"(?!x)x"
    body = _trie_pattern(ws)
    return rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])" if en else f"(?:{body})"


def _trie_pattern(ws: Iterable[str]) -> str:
    root: dict[str, Any] = {}
    for w in ws:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        # a word may end here: the longer continuation is tried first (greedy ?)
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def norm_space(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------- context


@dataclass(slots=True)
class Mention:
    """One printed mention of an entity (outermost: a region inside a park name is dropped)."""

    start: int
    end: int
    entity: Entity

    @property
    def type(self) -> str:
        return self.entity.type


def sentence_spans(text: str, en: bool = False) -> list[tuple[int, int]]:
    """Sentences as (start, end), split like ``Document.sentence_at`` (。！？；, newline, '. ')."""
    spans: list[tuple[int, int]] = []
    prev = 0
    if not en:
        n = len(text)
        for m in _SENT_CHARS.finditer(text):
            i = m.start()
            ch = text[i]
            if ch == "." and not (i + 1 == n or text[i + 1].isspace()):
                continue
            end = i if ch == "\n" else i + 1
            add_trimmed(text, prev, end, spans)
            prev = i + 1
        add_trimmed(text, prev, n, spans)
        return spans
    for m in _SENT_STOP_EN.finditer(text):
        end = m.start() if m.group() == "\n" or m.group().strip() in ("-", "") else m.end()
        add_trimmed(text, prev, end, spans)
        prev = m.end()
    add_trimmed(text, prev, len(text), spans)
    return spans


def add_trimmed(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    """Append ``text[s:e]`` as (start, end) without its surrounding whitespace, if anything is left."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


class Context:
    """Per-document lookups shared by all fact families (built once, read many times)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.lang = doc.lang or "zh"
        self.en = self.lang == "en"
        self.sentences = sentence_spans(doc.text, self.en)
        self._sent_starts = [s for s, _ in self.sentences]
        self.quantities: list[Quantity] = sorted(doc.quantities, key=lambda q: (q.start, q.end))
        self._q_starts = [q.start for q in self.quantities]
        self.mentions = _outer_mentions(doc.entities)
        self._m_starts = [m.start for m in self.mentions]
        self.main_region = _main_region(doc.entities)
        self.main_subject = _main_subject(self.mentions, doc.title)
        self._dates: list[Any] | None = None
        self._n_entities = len(doc.entities)
        self.memo: dict[Any, Any] = {}  # per-document cache (quantity readings …)
        self._clause_stops = [m.start() for m in _CLAUSE_STOP.finditer(doc.text)]
        self._low: str | None = None
        self._full_stops = [m.start() for m in _FULL_STOP.finditer(doc.text)]

    @property
    def low(self) -> str:
        """The text in lower case, same offsets (English word scans run on it without re.I,
        two to three times faster)."""
        if self._low is None:
            low = self.text.lower()
            if len(low) != len(self.text):
                low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in self.text)
            self._low = low
        return self._low

    # -- spans
    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._sent_starts, pos) - 1
        if i >= 0:
            s, e = self.sentences[i]
            if s <= pos < e or (pos == e and e == s):
                return s, e
            if pos >= e:  # in trailing whitespace between sentences
                return s, e
        return (pos, pos)

    def sentence_index(self, pos: int) -> int:
        return max(bisect_right(self._sent_starts, pos) - 1, 0)

    def clause(self, pos: int, end: int | None = None) -> tuple[int, int]:
        """The clause around pos..end inside its sentence (commas and colons split clauses)."""
        end = pos if end is None else end
        s, e = self.sentence(pos)
        stops = self._clause_stops
        i = bisect_left(stops, pos) - 1
        left = stops[i] + 1 if i >= 0 and stops[i] >= s else s
        j = bisect_left(stops, end)
        right = stops[j] if j < len(stops) and stops[j] < e else e
        return left, max(right, end)

    # -- annotations in a span
    def quantities_in(self, s: int, e: int, kind: str | None = None) -> list[Quantity]:
        i = bisect_left(self._q_starts, s)
        out = []
        while i < len(self.quantities) and self.quantities[i].start < e:
            q = self.quantities[i]
            if q.end <= e and (kind is None or q.kind == kind):
                out.append(q)
            i += 1
        return out

    def mentions_in(self, s: int, e: int, types: Iterable[str] = SUBJECT_TYPES,
                    actors_only: bool = True) -> list[Mention]:
        types = tuple(types)
        i = bisect_left(self._m_starts, s)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < e:
            m = self.mentions[i]
            if m.end <= e and m.type in types and not (actors_only and is_non_actor(m.entity)):
                out.append(m)
            i += 1
        return out

    def mention_at(self, pos: int, types: Iterable[str] = SUBJECT_TYPES) -> Mention | None:
        """The mention covering pos, if any."""
        types = tuple(types)
        i = bisect_right(self._m_starts, pos) - 1
        lo = i - 3
        while i >= 0 and i >= lo:
            m = self.mentions[i]
            if m.start <= pos < m.end and m.type in types:
                return m
            i -= 1
        return None

    # -- subjects
    def subject_before(self, pos: int, limit: int, types: Iterable[str] = SUBJECT_TYPES) -> Mention | None:
        """The nearest entity mention before pos (not before limit) that can be a subject.

        Skipped: names that are examples in a list ("扬子江药业、济川药业等1400多家企业"),
        names followed by 项目 (part of a project name), and in English places after a
        preposition ("park in Harbin city, Heilongjiang province").
        """
        S = _subject_lex()
        text = self.text
        cands = self.mentions_in(limit, pos, types)
        for m in reversed(cands):
            after = text[m.end:pos]
            if after[:1] in ("、", "等") or after.startswith(("项目", " project")):
                continue
            if re.match(r"^[^，,。；;:：]*等", after):
                continue
            if not self.en and text[max(0, m.start - 1):m.start] in S.zh_object_marks:
                continue  # "占巴南全区的34.4%": the object of a comparison
            if self.en:
                if after[:1] == "," and re.match(r",\s*(?:[A-Z][a-z]*\s+(?:province|city|district|county)|and )", after):
                    continue
                prev = text[max(0, m.start - 12):m.start].lower().split()
                if m.type in ("region", "park") and prev and prev[-1] in S.en_locatives:
                    continue
                if prev and prev[-1] in S.en_object_marks:
                    continue  # "agreements with institutions like X": an object
            return m
        return None

    def _opens_clause(self, pos: int) -> bool:
        """A park word that is the subject: it opens its clause ("2022年,园区工业总产值…")."""
        if self.mention_at(pos) is not None:
            return False
        cl = self.clause(pos)
        head = self.text[cl[0]:pos].strip().lower()
        return head in _subject_lex().zh_anaphor_heads or head in ("", "the", "now", "currently")

    def main_entity(self, type_: str, ending: str | None = None) -> Entity | None:
        """The most mentioned entity of a type (one whose name ends with ``ending`` first)."""
        ents = [e for e in self.doc.entities if e.type == type_ and e.mentions and not is_non_actor(e)]
        if ending:
            ends = [e for e in ents if e.name.endswith(ending) or e.name.lower().endswith(ending)]
            if ends:
                ents = ends
        if not ents:
            return None
        return max(ents, key=lambda e: (len(e.mentions), -min(m.start for m in e.mentions)))

    def full_stop_before(self, pos: int) -> int:
        """Offset of the last 。！？!? or newline before pos (-1 when none)."""
        i = bisect_left(self._full_stops, pos) - 1
        return self._full_stops[i] if i >= 0 else -1

    def full_sentence_start(self, pos: int) -> int:
        """Start of the sentence up to 。！？ (clauses joined by ；share their subject and year);
        in English the sentence itself."""
        if self.en:
            return self.sentence(pos)[0]
        text = self.text
        i = self.full_stop_before(pos) + 1
        while i < pos and text[i].isspace():
            i += 1
        return i

    def pick_subject(self, pos: int, sent: tuple[int, int]) -> tuple[str | None, str | None, float]:
        """(name, type, confidence penalty) of what a figure at pos is about."""
        return self.pick_subject_at(pos, sent)[:3]

    def pick_subject_at(self, pos: int, sent: tuple[int, int]
                        ) -> tuple[str | None, str | None, float, tuple[int, int] | None]:
        """pick_subject, with where the subject is printed (a name or a park word) when it is
        printed near the figure (None for the document's main subject)."""
        S = _subject_lex()
        text = self.text
        sent = (min(sent[0], self.full_sentence_start(pos)), sent[1])
        named = self.subject_before(pos, sent[0])
        left = text[sent[0]:pos]
        # a park word standing alone, nearer than any name
        ana_pos, ana_word = -1, None
        words_ = S.en_park if self.en else S.zh_park
        hay = left.lower() if self.en else left
        for w in words_:
            i = hay.rfind(w)
            while i >= 0 and not self._opens_clause(sent[0] + i):
                i = hay.rfind(w, 0, i)
            if i > ana_pos:
                ana_pos, ana_word = i, w
        if ana_word is not None and (named is None or sent[0] + ana_pos >= named.end):
            ending = None if self.en else ana_word.removeprefix("该")
            park = self.main_entity("park", ending) or self.main_entity("park")
            if park is not None:
                a = sent[0] + ana_pos
                return park.name, "park", 0.05, (a, a + len(ana_word))
        if named is not None:
            return named.entity.name, named.type, 0.0, (named.start, named.end)
        # an enterprise word opening the clause: the enterprise named just before
        # ("目前企业麻醉药品占国内市场份额59%", "The company's …")
        cl = self.clause(pos)
        head = text[cl[0]:pos].lstrip()
        head = head.lower() if self.en else S.zh_time_re.sub("", head, 1)
        if any(head.startswith(w) for w in (S.en_firm if self.en else S.zh_firm)):
            prev = self.mentions_in(max(0, sent[0] - 300), sent[0], ("organization",))
            prev = [m for m in prev if m.entity.kind in (None, "enterprise")]
            if prev:
                return prev[-1].entity.name, "organization", 0.1, (prev[-1].start, prev[-1].end)
        main = self.main_subject
        if main is not None:
            return main.name, main.type, 0.1, None
        return None, None, 0.2, None

    def cover(self, start: int, end: int, *spans: tuple[int, int] | None) -> tuple[int, int]:
        """start..end widened to the whole sentences of spans (the evidence a user is shown
        holds every name and number the fact was read from)."""
        for sp in spans:
            if sp is None:
                continue
            a = self.sentence(sp[0])
            b = self.sentence(max(sp[0], sp[1] - 1))
            start, end = min(start, a[0], b[0]), max(end, a[1], b[1])
        return start, end

    def dates(self) -> list[Any]:
        """Date expressions of the document (from the ``dates`` component or computed now)."""
        if self._dates is None:
            from chainatlas.extract.facts.dates import date_mentions

            self._dates = date_mentions(self.doc)
        return self._dates

    def date_near(self, sent: tuple[int, int], pos: int) -> Any:
        """The dated expression of a sentence that a fact at ``pos`` refers to: the last one
        before ``pos``, else the first one after it (None when the sentence has no date)."""
        best = None
        for dm in self.dates():
            if dm.start >= sent[1]:
                break
            if dm.end <= sent[0] or dm.base or dm.kind not in ("absolute", "partial", "relative"):
                continue
            if dm.start < pos or best is None:
                best = dm
        return best


@dataclass(frozen=True)
class _SubjectLex:
    zh_park: tuple[str, ...]
    en_park: tuple[str, ...]
    zh_firm: tuple[str, ...]
    en_firm: tuple[str, ...]
    en_locatives: frozenset[str]
    en_object_marks: frozenset[str]
    zh_time_re: re.Pattern[str]
    zh_object_marks: frozenset[str]
    zh_anaphor_heads: frozenset[str]


@functools.cache
def _subject_lex() -> _SubjectLex:
    d = load_yaml("facts_metrics.yaml")
    return _SubjectLex(
        zh_park=words(d["park_anaphors"]["zh"]),
        en_park=words(str(w).lower() for w in d["park_anaphors"]["en"]),
        zh_firm=words(d["enterprise_anaphors"]["zh"]),
        en_firm=words(str(w).lower() for w in d["enterprise_anaphors"]["en"]),
        en_locatives=frozenset(str(w).lower() for w in d.get("en_locatives") or ()),
        en_object_marks=frozenset(str(w).lower() for w in d.get("en_object_marks") or ()),
        zh_time_re=re.compile("^(?:" + alternation(load_yaml("facts_dates.yaml")["now_words"]["zh"]) + ")"),
        zh_object_marks=frozenset(str(w) for w in d.get("zh_object_marks") or ()),
        zh_anaphor_heads=frozenset(str(w) for w in d.get("zh_anaphor_heads") or ()),
    )


def is_non_actor(e: Entity) -> bool:
    return e.type == "organization" and (e.kind in NON_ACTOR_KINDS)


def _outer_mentions(entities: list[Entity]) -> list[Mention]:
    """All mentions sorted by start; one nested inside a longer mention is dropped."""
    ms = sorted((Mention(sp.start, sp.end, e) for e in entities for sp in e.mentions
                 if sp.end > sp.start), key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    reach = -1
    for m in ms:
        if m.end <= reach:  # inside the previous outer mention
            continue
        out.append(m)
        reach = max(reach, m.end)
    return out


_LEVEL_RANK = {"zone": 3, "county": 2, "prefecture": 1, "province": 0}


def _main_region(entities: list[Entity]) -> Entity | None:
    """The most mentioned region; ties go to the more local one, then the first mentioned."""
    best: tuple[int, int, int] | None = None
    chosen = None
    for e in entities:
        if e.type != "region" or not e.mentions:
            continue
        key = (len(e.mentions), _LEVEL_RANK.get(str(e.attrs.get("level")), 0), -min(m.start for m in e.mentions))
        if best is None or key > best:
            best, chosen = key, e
    return chosen


_TYPE_RANK = {"park": 1, "region": 0}


def _main_subject(mentions: list[Mention], title: str | None) -> Entity | None:
    """What the article is about: the region or park printed most often on its own (not
    inside another name), a name in the headline counting two more; ties go to the park,
    then to the more local region."""
    score: dict[int, list[Any]] = {}
    for m in mentions:
        e = m.entity
        if e.type not in _TYPE_RANK:
            continue
        rec = score.setdefault(id(e), [0, e, m.start])
        rec[0] += 1
    if title:
        for rec in score.values():
            if any(f and f in title for f in rec[1].surface_forms()):
                rec[0] += 2
    if not score:
        return None
    best = max(score.values(), key=lambda r: (r[0], _TYPE_RANK[r[1].type],
                                              _LEVEL_RANK.get(str(r[1].attrs.get("level")), 0), -r[2]))
    return best[1]


_LAST: list[Context] = []


def context(doc: Document) -> Context:
    """The context of doc, reused across the fact components of one pipeline run."""
    if _LAST:
        c = _LAST[0]
        if (c.doc is doc and c.text is doc.text and len(c.doc.entities) == c._n_entities
                and len(doc.quantities) == len(c.quantities)):
            return c
    c = Context(doc)
    _LAST[:] = [c]
    return c


# --------------------------------------------------------------------------- output helpers


def quantity_ref(q: Quantity) -> dict[str, Any]:
    return {"text": q.text, "start": q.start, "end": q.end}


def number(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def add_facts(doc: Document, facts: list[Fact]) -> Document:
    doc.facts.extend(facts)
    return doc


# --------------------------------------------------------------------------- names

_NAME_PUNCT = frozenset("，,。；;：:、!?！？\n\t 　【】[]《》<>|/\\")
_OPEN = {")": "(", "）": "（", "”": "“", "」": "「", "』": "『"}


def scan_name_left(ctx: Context, end: int, stops: tuple[str, ...], max_len: int,
                   limit: int = 0) -> int:
    """Start of a name that ends at ``end``: walk left to punctuation or a stop word.

    Bracketed and quoted parts are taken whole (国药集团中国生物(西北)…, “陇粤大湾区…”孵化中心);
    an entity mention crossing the boundary is taken whole (以岭药业 starts with the stop 以).
    ``stops`` must be sorted longest first.
    """
    text = ctx.text
    by_last = _stops_index(stops)
    i = end
    floor = max(limit, end - max_len)
    while i > floor:
        ch = text[i - 1]
        if ch in _OPEN:
            j = text.rfind(_OPEN[ch], max(floor, i - 41), i - 1)
            if j < 0:
                break
            i = j
            continue
        if ch in _NAME_PUNCT or ch in "(（“「『\"'":
            break
        if ch in "年月日号" and i >= 2 and text[i - 2].isdigit():
            break
        m = ctx.mention_at(i - 1, ("organization", "park", "region"))
        if m is not None and m.start < i:
            if m.start < floor:
                break
            i = m.start
            continue
        cands = by_last.get(ch)
        if cands and any(text.endswith(w, floor, i) for w in cands):
            break
        i -= 1
    return i


@functools.lru_cache(maxsize=64)
def _stops_index(stops: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Stop words grouped by their last character (one dict lookup per character scanned)."""
    idx: dict[str, list[str]] = {}
    for w in stops:
        idx.setdefault(w[-1], []).append(w)
    return {k: tuple(v) for k, v in idx.items()}


def strip_generic(core: str, generic: tuple[str, ...]) -> str:
    """What is left of a name after removing its generic words (longest first).

    Words of two or more characters go wherever they are; single characters (大, 新, 省)
    only at the edges, so 北大医疗 keeps 北大.
    """
    multi, singles = _generic_index(generic)
    core = multi.sub("", core)
    core = _STRIP_CHARS.sub("", core)
    while core and (core[0] in singles or core[-1] in singles):
        core = core[1:] if core[0] in singles else core[:-1]
    return core


_STRIP_CHARS = re.compile(r"[\s()（）“”\"'·+\-—#0-9]")


@functools.lru_cache(maxsize=16)
def _generic_index(generic: tuple[str, ...]) -> tuple[re.Pattern[str], frozenset[str]]:
    multi = [w for w in generic if len(w) > 1]
    return re.compile(alternation(multi)), frozenset(w for w in generic if len(w) == 1)


_FIND_BY_ID: dict[tuple[int, bool], tuple[tuple[str, ...], re.Pattern[str]]] = {}


def finder(ws: tuple[str, ...], en: bool = False) -> re.Pattern[str]:
    """A compiled 'any of these words' search (English words on word boundaries).

    Looked up by the identity of the (long-lived) word tuple first: hashing a tuple of
    words on every call cost more than the search itself.
    """
    key = (id(ws), en)
    hit = _FIND_BY_ID.get(key)
    if hit is not None and hit[0] is ws:
        return hit[1]
    pat = _finder(ws, en)
    if len(_FIND_BY_ID) > 4096:
        _FIND_BY_ID.clear()
    _FIND_BY_ID[key] = (ws, pat)  # the tuple is kept alive, so its id is not reused
    return pat


@functools.lru_cache(maxsize=512)
def _finder(ws: tuple[str, ...], en: bool = False) -> re.Pattern[str]:
    if en:
        return re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in ws)})\b" if ws else r"(?!x)x")
    return re.compile(alternation(ws))


def word_start(text: str, floor: int, end: int, extra: str = "&'’.-") -> int:
    """Start of the English word that ends at end (letters, digits and ``extra``), not
    before floor; end itself when none. A backward scan: no slicing of the sentence."""
    i = end
    while i > floor and (text[i - 1].isalnum() or text[i - 1] == "_" or text[i - 1] in extra):
        i -= 1
    return i


def has_any(text: str, ws: tuple[str, ...], en: bool = False) -> bool:
    return bool(ws) and finder(ws, en).search(text) is not None
