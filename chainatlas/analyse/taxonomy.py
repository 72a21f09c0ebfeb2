"""The industry-chain taxonomy: segments of the biomedical and health chain, kept as data.

Analysts argue about where a link of the chain starts and ends (is CDMO upstream? is IVD a
device?), so the chain lives in a versioned YAML file (``data/taxonomy.yaml``) that a user can
copy, edit and load instead of ours. Each segment has a stable id, Chinese and English labels, a
stage (upstream | midstream | downstream), an optional parent, the top-level category of the
national health-industry classification (国家统计局《健康产业统计分类(2019)》), GB/T 4754-2017
industry codes, and the keywords :mod:`chainatlas.analyse.classify` matches.

A bad file fails at load time with one line naming the file and the field
(``my.yaml: segments[3] (id 'vaccine'): parent: unknown segment 'biologic'``), so a typo never
turns into silently empty classifications.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
DEFAULT_PATH = DATA / "taxonomy.yaml"
STAGES: tuple[str, ...] = ("upstream", "midstream", "downstream")

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_GB_CODE = re.compile(r"\d{2,4}\Z")
_SEGMENT_FIELDS = frozenset(
    {
        "id",
        "zh",
        "en",
        "stage",
        "parent",
        "health_category",
        "gb4754",
        "keywords",
        "weak_keywords",
        "negative_keywords",
        "yields_to",
        "note",
    }
)
_TOP_FIELDS = frozenset(
    {
        "version",
        "name",
        "name_zh",
        "sources",
        "notes",
        "stages",
        "health_categories",
        "gb4754",
        "stop_phrases",
        "known_names_file",
        "segments",
    }
)


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message is one line naming file and field."""


@dataclass(frozen=True, slots=True)
class Label:
    """A code's or stage's printed names (health categories, GB/T 4754 classes, stages)."""

    zh: str
    en: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One link of the chain. ``keywords`` decide alone; ``weak_keywords`` only support;
    ``negative_keywords`` claim phrases that hold a keyword without meaning the segment."""

    id: str
    zh: str
    en: str
    stage: str
    parent: str | None = None
    health_category: str | None = None
    gb4754: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    weak_keywords: tuple[str, ...] = ()
    negative_keywords: tuple[str, ...] = ()
    yields_to: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class KnownName:
    """A well-known enterprise whose name carries no industry word (迈瑞医疗 → medical_devices)."""

    forms: tuple[str, ...]
    segments: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """The loaded chain. Compared and hashed by identity, so compiled matchers can be cached per
    taxonomy object; it pickles, so worker processes can receive it."""

    version: str
    name: str
    segments: tuple[Segment, ...]
    source: Path | None = None  # the file it was loaded from
    name_zh: str | None = None
    stages: Mapping[str, Label] = field(default_factory=dict)
    health_categories: Mapping[str, Label] = field(default_factory=dict)
    gb4754: Mapping[str, Label] = field(default_factory=dict)
    stop_phrases: tuple[str, ...] = ()
    known_names: tuple[KnownName, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str = ""
    _by_id: dict[str, Segment] = field(init=False, repr=False)
    _children: dict[str | None, tuple[Segment, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_id = {s.id: s for s in self.segments}
        children: dict[str | None, list[Segment]] = {}
        for s in self.segments:
            children.setdefault(s.parent, []).append(s)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    # ------------------------------------------------------------------ lookups
    def __iter__(self) -> Iterator[Segment]:
        return iter(self.segments)

    def __len__(self) -> int:
        return len(self.segments)

    def __contains__(self, segment_id: object) -> bool:
        return segment_id in self._by_id

    def ids(self) -> list[str]:
        return [s.id for s in self.segments]

    def segment(self, segment_id: str) -> Segment:
        try:
            return self._by_id[segment_id]
        except KeyError:
            raise KeyError(f"unknown segment id {segment_id!r} in taxonomy {self.name!r} {self.version}") from None

    def children(self, segment_id: str | None = None) -> list[Segment]:
        """Direct children of a segment; with no id, the top-level segments."""
        if segment_id is not None:
            self.segment(segment_id)
        return list(self._children.get(segment_id, ()))

    def descendants(self, segment_id: str) -> list[Segment]:
        out: list[Segment] = []
        stack = list(reversed(self.children(segment_id)))
        while stack:
            s = stack.pop()
            out.append(s)
            stack.extend(reversed(self._children.get(s.id, ())))
        return out

    def path(self, segment_id: str) -> list[Segment]:
        """Root first, the segment last: biologics → vaccines is [pharmaceuticals, biologics, vaccines]."""
        out = [self.segment(segment_id)]
        while out[-1].parent is not None:
            out.append(self._by_id[out[-1].parent])
        return out[::-1]

    def ancestors(self, segment_id: str) -> list[Segment]:
        return self.path(segment_id)[:-1]

    def by_stage(self) -> dict[str, list[Segment]]:
        """Segments per stage in chain order (upstream, midstream, downstream), file order within."""
        out: dict[str, list[Segment]] = {stage: [] for stage in STAGES}
        for s in self.segments:
            out[s.stage].append(s)
        return out

    def leaves(self) -> list[Segment]:
        return [s for s in self.segments if s.id not in self._children]

    def health_category(self, segment_id: str) -> Label | None:
        code = self.segment(segment_id).health_category
        return self.health_categories.get(code) if code else None


# ---------------------------------------------------------------------- loading


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy file; ``None`` gives the packaged one (loaded once per process)."""
    if path is None:
        return _default_taxonomy()
    return _load(Path(path))


@functools.cache
def _default_taxonomy() -> Taxonomy:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> Taxonomy:
    where = str(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError(f"{where}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{where}: cannot read: {_one_line(exc)}") from None
    try:
        data = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or _one_line(exc)
        raise TaxonomyError(f"{where}: not valid YAML{at}: {problem}") from None
    return _build(data, path)


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _fail(where: str, message: str) -> TaxonomyError:
    return TaxonomyError(_one_line(f"{where}: {message}"))


def _text(value: Any, where: str, name: str, *, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _fail(where, f"{name}: missing")
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _fail(where, f"{name}: expected text, got {type(value).__name__}")
    return str(value).strip()


def _code(value: Any, where: str, name: str) -> str:
    """Category and industry codes; YAML reads an unquoted 01 as the integer 1."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail(where, f"{name}: expected a code such as '01', got {value!r}")
    return f"{value:02d}" if isinstance(value, int) else value.strip()


def _words(value: Any, where: str, name: str) -> tuple[str, ...]:
    """A keyword field: a list, or a mapping of language → list (zh/en)."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        out: list[str] = []
        for lang, items in value.items():
            out.extend(_words(items, where, f"{name}.{lang}"))
        return tuple(out)
    if not isinstance(value, list):
        raise _fail(where, f"{name}: expected a list of words, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _fail(where, f"{name}[{i}]: expected a non-empty word, got {item!r}")
        out.append(item.strip())
    return tuple(out)


def _labels(value: Any, where: str, name: str, *, codes: bool) -> dict[str, Label]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(where, f"{name}: expected a mapping, got {type(value).__name__}")
    out: dict[str, Label] = {}
    for key, item in value.items():
        k = _code(key, where, name) if codes else str(key)
        if not isinstance(item, Mapping):
            raise _fail(where, f"{name}.{k}: expected a mapping with zh and en, got {type(item).__name__}")
        zh = _text(item.get("zh"), where, f"{name}.{k}.zh")
        en = _text(item.get("en"), where, f"{name}.{k}.en")
        note = _text(item.get("note"), where, f"{name}.{k}.note", required=False)
        out[k] = Label(zh or "", en or "", note)
    return out


def _build(data: Any, path: Path) -> Taxonomy:
    file = str(path)
    if not isinstance(data, Mapping):
        raise _fail(file, "expected a mapping at the top (version, segments, …)")
    unknown = sorted(set(map(str, data)) - _TOP_FIELDS)
    if unknown:
        raise _fail(file, f"unknown top-level field {unknown[0]!r}")
    version = _text(data.get("version"), file, "version") or ""
    name = _text(data.get("name"), file, "name", required=False) or path.stem
    stages = _labels(data.get("stages"), file, "stages", codes=False)
    for stage in stages:
        if stage not in STAGES:
            raise _fail(file, f"stages.{stage}: unknown stage (expected one of {', '.join(STAGES)})")
    categories = _labels(data.get("health_categories"), file, "health_categories", codes=True)
    gb = _labels(data.get("gb4754"), file, "gb4754", codes=True)
    for code in gb:
        if not _GB_CODE.match(code):
            raise _fail(file, f"gb4754.{code}: expected 2 to 4 digits")

    raw_segments = data.get("segments")
    if not isinstance(raw_segments, list) or not raw_segments:
        raise _fail(file, "segments: missing or empty (expected a list of segments)")
    segments: list[Segment] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_segments):
        where = f"{file}: segments[{i}]"
        if not isinstance(raw, Mapping):
            raise _fail(where, f"expected a mapping, got {type(raw).__name__}")
        sid = raw.get("id")
        if sid is None or (isinstance(sid, str) and not sid.strip()):
            raise _fail(where, "id: missing")
        if not isinstance(sid, str) or not _ID.match(sid):
            raise _fail(where, f"id: {sid!r} is not a lower-case identifier (letters, digits, _)")
        where = f"{where} (id {sid!r})"
        if sid in seen:
            raise _fail(where, f"id: duplicate of segments[{seen[sid]}]")
        seen[sid] = i
        extra = sorted(set(map(str, raw)) - _SEGMENT_FIELDS)
        if extra:
            raise _fail(where, f"unknown field {extra[0]!r}")
        stage = raw.get("stage")
        if stage not in STAGES:
            raise _fail(where, f"stage: {stage!r} is not one of {', '.join(STAGES)}")
        category = raw.get("health_category")
        if category is not None:
            category = _code(category, where, "health_category")
            if category not in categories:
                raise _fail(where, f"health_category: unknown category {category!r}")
        gb_raw = raw.get("gb4754") or []
        if not isinstance(gb_raw, list):
            raise _fail(where, f"gb4754: expected a list of codes, got {type(gb_raw).__name__}")
        codes = []
        for j, c in enumerate(gb_raw):
            code = _code(c, where, f"gb4754[{j}]")
            if not _GB_CODE.match(code) or (gb and code not in gb):
                raise _fail(where, f"gb4754[{j}]: unknown GB/T 4754 code {code!r}")
            codes.append(code)
        parent = raw.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise _fail(where, f"parent: expected a segment id, got {parent!r}")
        yields = raw.get("yields_to") or []
        if not isinstance(yields, list) or not all(isinstance(y, str) for y in yields):
            raise _fail(where, "yields_to: expected a list of segment ids")
        segments.append(
            Segment(
                id=sid,
                zh=_text(raw.get("zh"), where, "zh") or "",
                en=_text(raw.get("en"), where, "en") or "",
                stage=stage,
                parent=parent,
                health_category=category,
                gb4754=tuple(codes),
                # An acronym (CRO, CAR-T) may sit in both the zh and the en list: keep it once.
                keywords=tuple(dict.fromkeys(_words(raw.get("keywords"), where, "keywords"))),
                weak_keywords=tuple(dict.fromkeys(_words(raw.get("weak_keywords"), where, "weak_keywords"))),
                negative_keywords=tuple(
                    dict.fromkeys(_words(raw.get("negative_keywords"), where, "negative_keywords"))
                ),
                yields_to=tuple(yields),
                note=_text(raw.get("note"), where, "note", required=False),
            )
        )

    by_id = {s.id: s for s in segments}
    for i, s in enumerate(segments):
        where = f"{file}: segments[{i}] (id {s.id!r})"
        if s.parent is not None:
            if s.parent == s.id:
                raise _fail(where, "parent: a segment cannot be its own parent")
            if s.parent not in by_id:
                raise _fail(where, f"parent: unknown segment {s.parent!r}")
            if by_id[s.parent].stage != s.stage:
                raise _fail(where, f"stage: {s.stage!r} differs from parent {s.parent!r} ({by_id[s.parent].stage})")
        for y in s.yields_to:
            if y not in by_id or y == s.id:
                raise _fail(where, f"yields_to: unknown segment {y!r}")
        # A cycle (a → b → a) would make path() loop for ever.
        hops, cur = 0, s
        while cur.parent is not None:
            cur = by_id[cur.parent]
            hops += 1
            if hops > len(segments):
                raise _fail(where, "parent: cycle in the parent chain")

    known_file = _text(data.get("known_names_file"), file, "known_names_file", required=False)
    known = _load_known(path.parent / known_file, by_id) if known_file else ()
    sources_raw = data.get("sources") or []
    if not isinstance(sources_raw, list):
        raise _fail(file, "sources: expected a list")
    return Taxonomy(
        version=version,
        name=name,
        name_zh=_text(data.get("name_zh"), file, "name_zh", required=False),
        segments=tuple(segments),
        source=path,
        stages=stages,
        health_categories=categories,
        gb4754=gb,
        stop_phrases=_words(data.get("stop_phrases"), file, "stop_phrases"),
        known_names=known,
        sources=tuple(_one_line(s) for s in sources_raw),
        notes=_one_line(data.get("notes") or ""),
    )


def _load_known(path: Path, by_id: Mapping[str, Segment]) -> tuple[KnownName, ...]:
    """known_names.tsv: forms (|-separated) TAB segment ids (comma-separated) TAB note."""
    file = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise TaxonomyError(f"{file}: file not found (named by known_names_file)") from None
    out: list[KnownName] = []
    rows = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    for lineno, row in enumerate(rows, start=1):
        if not row or not row[0].strip() or row[0].startswith("#") or (row[0] == "names" and lineno < 20):
            continue
        where = f"{file}:{lineno}"
        if len(row) < 2:
            raise _fail(where, "expected name forms, a tab, then segment ids")
        forms = tuple(f.strip() for f in row[0].split("|") if f.strip())
        segs = tuple(s.strip() for s in row[1].split(",") if s.strip())
        if not forms:
            raise _fail(where, "names: empty")
        if not segs:
            raise _fail(where, "segments: empty")
        for sid in segs:
            if sid not in by_id:
                raise _fail(where, f"segments: unknown segment {sid!r}")
        out.append(KnownName(forms, segs, row[2].strip() if len(row) > 2 else ""))
    return tuple(out)
