"""Tracker rules: the lists cities keep (重点项目建设清单, 重点招商线索推进清单, 重点集群清单).

Items come from extracted project / investment facts (``sync_from_facts``) or from people
(``add_item``, ``update_item``, imports). Kinds, statuses, allowed transitions and dedup suffixes
are data (``data/tracker_statuses.yaml``). The one rule that matters most: a field a person set
(provenance ``"user"``) is never overwritten by sync, however often facts are re-extracted;
``release`` hands a field back to extraction. Every change is in the history with who and when.
"""

from __future__ import annotations

import functools
import getpass
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from chainatlas.resolve.keys import normalize_name
from chainatlas.store.repository import Store
from chainatlas.store.tracker import (
    EXTRACTED,
    FIELDS,
    USER,
    Change,
    FactRecord,
    Tracker,
    TrackerWriter,
    as_text,
    list_facts,
)

DATA = Path(__file__).resolve().parent / "data" / "tracker_statuses.yaml"
FACT_TYPES = ("project", "investment")
TEXT_FIELDS = ("list_name", "name", "region", "park", "organization", "segment", "owner", "next_step", "notes")


class TrackerError(ValueError):
    """A request the tracker refuses, with a one-line reason."""


class FieldErrors(TrackerError):
    """Bad values: ``errors`` is a list of (field, message) pairs, every one of them."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{f}: {m}" for f, m in self.errors))


class TransitionError(TrackerError):
    """A status move the transition table does not allow."""


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True, slots=True)
class Vocabulary:
    kinds: dict[str, str]  # kind → default list name
    statuses: dict[str, tuple[str, ...]]  # status → statuses it may move to
    stages: dict[str, str]  # status → lead | project | paused | closed
    from_fact: dict[str, str]  # fact status → tracker status
    fact_kinds: dict[str, str]  # fact type → kind
    name_suffixes: tuple[str, ...]
    region_suffixes: tuple[str, ...]

    def kind_of_list(self, list_name: str | None) -> str | None:
        for kind, name in self.kinds.items():
            if list_name and name == list_name.strip():
                return kind
        return None


def load_vocabulary(path: Path = DATA) -> Vocabulary:
    """Read and check the vocabulary file; a bad file is named in a one-line error."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuntimeError(f"tracker: cannot read {path}: {exc}") from exc
    try:
        kinds = {str(k): str(v) for k, v in data["kinds"].items()}
        statuses = {str(k): tuple(str(x) for x in (v or {}).get("next", [])) for k, v in data["statuses"].items()}
        stages = {str(k): str((v or {}).get("stage", "project")) for k, v in data["statuses"].items()}
        from_fact = {str(k): str(v) for k, v in data.get("from_fact", {}).items()}
        fact_kinds = {str(k): str(v) for k, v in data.get("fact_kinds", {}).items()}
        by_length = functools.partial(sorted, key=lambda w: (-len(w), w))
        name_suffixes = tuple(by_length(str(x) for x in data.get("name_suffixes", [])))
        region_suffixes = tuple(by_length(str(x) for x in data.get("region_suffixes", [])))
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"tracker: {path}: expected kinds, statuses (with next lists), from_fact: {exc}") from exc
    unknown = sorted({n for ns in statuses.values() for n in ns} - set(statuses)
                     | set(from_fact.values()) - set(statuses))
    if unknown:
        raise ValueError(f"tracker: {path}: unknown status(es) {', '.join(unknown)} in next / from_fact")
    bad_kinds = sorted(set(fact_kinds.values()) - set(kinds))
    if bad_kinds:
        raise ValueError(f"tracker: {path}: unknown kind(s) {', '.join(bad_kinds)} in fact_kinds")
    return Vocabulary(kinds, statuses, stages, from_fact, fact_kinds, name_suffixes, region_suffixes)


@functools.cache
def vocabulary() -> Vocabulary:
    return load_vocabulary()


def allowed_next(status: str | None) -> tuple[str, ...]:
    """Statuses an item may move to from ``status`` (any status from none)."""
    v = vocabulary()
    return tuple(v.statuses) if status is None else v.statuses.get(status, tuple(v.statuses))


def check_transition(old: str | None, new: str | None) -> None:
    """Raise ``TransitionError`` unless ``old → new`` is allowed (staying put always is)."""
    if new is None or old == new:
        return
    nexts = allowed_next(old)
    if new not in nexts:
        allowed = "、".join(nexts) or "nothing"
        raise TransitionError(f"{old} → {new} is not allowed (from {old}: {allowed})")


# --------------------------------------------------------------------------- dedup keys


def _strip_suffix(text: str, suffixes: Iterable[str]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return text


_PUNCT = re.compile(r"[\s·•、，,。.．:：;；()（）\[\]【】-]+")


def name_norm(name: str | None) -> str:
    """A project name compared loosely: 疫苗生产基地项目 = 疫苗 生产基地 = 疫苗生产基地."""
    return _strip_suffix(_PUNCT.sub("", normalize_name(name or "")), vocabulary().name_suffixes)


def region_key(region: str | None) -> str:
    """德州市 = 德州; 齐河县 = 齐河 (one administrative suffix dropped)."""
    return _strip_suffix(normalize_name(region or "").replace(" ", ""), vocabulary().region_suffixes)


def item_key(name: str, region: str | None) -> str:
    """The dedup key of an item: normalised name + region."""
    return f"{name_norm(name)}|{region_key(region)}"


def tracker(store: Store) -> Tracker:
    """The store's tracker with this module's dedup key."""
    return Tracker(store, key=item_key)


def default_actor() -> str:
    """Who is acting: CHAINATLAS_ACTOR, else $USER, else the login name."""
    for var in ("CHAINATLAS_ACTOR", "USER", "LOGNAME", "USERNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


# --------------------------------------------------------------------------- values


_AMOUNT = re.compile(r"([-+]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*([十百千万亿]*)\s*(元|元人民币|人民币)?")
_DATE = re.compile(r"(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?")


def parse_amount(value: Any) -> float | None:
    """Yuan from 300000000, "3亿元", "3,000万元", "1.5亿" or "三亿元"; None when blank.

    Raises ``ValueError`` with the message users see ("'三千万' is not a number").
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float | Decimal):
        number = float(value)
    else:
        raw = str(value).strip()
        number = _amount_text(raw)
        if number is None:
            raise ValueError(f"'{raw}' is not a number")
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"'{value}' is not a number")
    if number < 0:
        raise ValueError(f"'{as_text(number)}' is negative")
    return number


def _amount_text(raw: str) -> float | None:
    from chainatlas.extract import numbers

    text = raw.translate(numbers.FULLWIDTH).replace("，", ",")
    m = _AMOUNT.fullmatch(text)
    if m:
        try:
            base = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        factor = 1
        if m.group(2):
            f = numbers.magnitudes()["zh"].get(m.group(2))
            if f is None:
                return None
            factor = f
        return float(base * factor)
    try:  # what the quantities extractor reads: 三亿元, 12.5亿元人民币 …
        from chainatlas.extract.quantities import find_quantities
    except ImportError:
        return None
    found = [q for q in find_quantities(text) if q.kind == "money"]
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
        if (found[0].currency or "CNY") != "CNY":
            raise ValueError(f"'{raw}' is in {found[0].currency}, not yuan")
        return float(found[0].value)
    return None


def parse_due(value: Any) -> date | None:
    """A date from a date cell, "2025-06-30", "2025/6/30" or "2025年6月30日"; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    m = _DATE.fullmatch(raw) or _DATE.fullmatch(raw.split("T")[0].split(" ")[0])
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise ValueError(f"'{raw}' is not a date (YYYY-MM-DD)")


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raw = str(value).strip()
    if re.fullmatch(r"\d+(\.0+)?", raw):
        return int(float(raw))
    raise ValueError(f"'{raw}' is not a whole number")


def clean_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise the fields given (internal names); raises ``FieldErrors`` naming each bad one."""
    v = vocabulary()
    out: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for name, value in raw.items():
        try:
            if name not in FIELDS:
                raise ValueError("is not a tracker field")
            if name in TEXT_FIELDS:
                text = None if value is None else str(value).strip()
                if isinstance(value, float) and value.is_integer():
                    text = str(int(value))
                out[name] = text or None
                if name == "name" and not out[name]:
                    raise ValueError("is required")
            elif name == "kind":
                kind = None if value is None else str(value).strip().lower() or None
                if kind is not None and kind not in v.kinds:
                    raise ValueError(f"'{value}' is not a kind ({', '.join(v.kinds)})")
                out[name] = kind
            elif name == "status":
                status = None if value is None else str(value).strip() or None
                if status is not None and status not in v.statuses:
                    raise ValueError(f"'{status}' is not a status ({'、'.join(v.statuses)})")
                out[name] = status
            elif name == "amount":
                out[name] = parse_amount(value)
            elif name == "currency":
                out[name] = None if value is None else str(value).strip().upper() or None
            elif name == "due":
                out[name] = parse_due(value)
            elif name == "source_fact_id":
                out[name] = _int(value)
        except ValueError as exc:
            errors.append((name, str(exc)))
    if errors:
        raise FieldErrors(errors)
    return out


# --------------------------------------------------------------------------- writes (one transaction)


def create_item(w: TrackerWriter, values: Mapping[str, Any], *, source: str = USER, note: str | None = None,
                item_id: int | None = None, sync_key: str | None = None) -> int:
    """Create an item from cleaned values: kind from the list name when missing, list from the kind."""
    v = vocabulary()
    row = dict(values)
    if not row.get("kind"):
        row["kind"] = v.kind_of_list(row.get("list_name"))
    errors = [(f, "is required") for f in ("kind", "name") if not row.get(f)]
    if errors:
        raise FieldErrors(errors)
    if not row.get("list_name"):
        row["list_name"] = v.kinds.get(row["kind"])
    if row.get("amount") is not None and not row.get("currency"):
        row["currency"] = "CNY"
    return w.create(row, source=source, note=note, sync_key=sync_key, item_id=item_id)


def edit_item(w: TrackerWriter, item_id: int, changes: Mapping[str, Any], *, source: str = USER,
              note: str | None = None, force: bool = False, keep_unchanged: bool = True) -> list[Change]:
    """Apply cleaned changes by a person: status moves must be allowed unless ``force``."""
    v = vocabulary()
    item = w.get(item_id)
    if item is None:
        raise KeyError(f"no tracker item with id {item_id}")
    todo = dict(changes)
    if "name" in todo and not todo["name"]:
        raise FieldErrors([("name", "is required")])
    if "kind" in todo and not todo["kind"]:
        raise FieldErrors([("kind", "is required")])
    new_status = todo.get("status", item.status)
    if "status" in todo and new_status != item.status:
        if force:
            note = note or f"forced {item.status} → {new_status}"
        else:
            check_transition(item.status, new_status)
    new_kind = todo.get("kind", item.kind)
    if (new_kind != item.kind and "list_name" not in todo and item.source_of("list_name") != USER
            and item.list_name in (None, v.kinds.get(item.kind))):
        todo["list_name"] = v.kinds.get(new_kind)  # the list follows the kind unless a person chose it
    if todo.get("amount") is not None and not item.currency and "currency" not in todo:
        todo["currency"] = "CNY"
    return w.update(item_id, todo, source=source, note=note, keep_unchanged=keep_unchanged)


def add_item(store: Store, *, actor: str | None = None, note: str | None = None, **values: Any) -> int:
    """Create an item by hand (every field given is user-curated); returns its id."""
    cleaned = clean_values({k: v for k, v in values.items() if v is not None})
    with tracker(store).write(actor or default_actor()) as w:
        return create_item(w, cleaned, source=USER, note=note or "added by hand")


def update_item(store: Store, item_id: int, changes: Mapping[str, Any] | None = None, *,
                actor: str | None = None, note: str | None = None, force: bool = False,
                release: Iterable[str] = ()) -> list[Change]:
    """Edit an item by hand; ``release`` hands fields back to extraction. One transaction."""
    cleaned = clean_values(changes or {})
    with tracker(store).write(actor or default_actor()) as w:
        done = edit_item(w, item_id, cleaned, note=note, force=force)
        released = set(release)
        if released:
            w.release(item_id, released, note=note)
        return done


# --------------------------------------------------------------------------- sync from facts


@dataclass(slots=True)
class SyncReport:
    """What one sync did. ``conflicts``: (item id, field, kept user value, value extraction gives)."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    linked: int = 0
    unlinked: int = 0
    removed: list[tuple[int, str]] = field(default_factory=list)
    unsupported: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[tuple[int, str, str | None, str | None]] = field(default_factory=list)
    facts: int = 0


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


def fact_values(fact: FactRecord) -> dict[str, Any] | None:
    """The tracker fields a project / investment fact gives, or None when it names nothing."""
    v = vocabulary()
    a = fact.args
    investor = _text(a.get("investor")) or _text(a.get("subject")) or _text(a.get("organization"))
    name = _text(a.get("name")) or investor
    if not name:
        return None
    try:
        amount = parse_amount(a.get("amount"))
    except ValueError:
        amount = None
    status = v.from_fact.get(_text(a.get("status")) or "")
    kind = v.fact_kinds.get(fact.type, "project")
    if status is not None and v.stages.get(status) == "project":
        kind = "project"
    return {
        "kind": kind, "name": name, "region": _text(a.get("region")), "park": _text(a.get("park")),
        "organization": investor, "amount": amount,
        "currency": (_text(a.get("currency")) or "CNY") if amount is not None else None, "status": status,
    }


def _merge(members: Sequence[tuple[FactRecord, dict[str, Any]]]) -> tuple[dict[str, Any], dict[str, FactRecord]]:
    """Each field from the newest fact that gives it (members are oldest first); kind is project if any is."""
    merged: dict[str, Any] = {}
    origin: dict[str, FactRecord] = {}
    for fact, values in members:
        for name, value in values.items():
            if value is not None and name != "kind":
                merged[name], origin[name] = value, fact
    projects = [f for f, vals in members if vals["kind"] == "project"]
    merged["kind"] = "project" if projects else members[-1][1]["kind"]
    origin["kind"] = projects[-1] if projects else members[-1][0]
    return merged, origin


def _note(fact: FactRecord) -> str:
    where = ", ".join(x for x in (fact.title, fact.published) if x)
    return f"sync from fact {fact.id}" + (f" ({where})" if where else "")


def _target(w: TrackerWriter, fact: FactRecord, key: str, region: str | None,
            links: Mapping[tuple[str, str, int, int], tuple[int, int | None, str | None]],
            groups: dict[tuple[str, Any], list[Any]]) -> tuple[str, Any]:
    """Which item a fact belongs to: its evidence link, else the item first extracted under the same
    key, else an item whose name + region key matches; a fact without a region joins the one item
    of that name; otherwise a new item (shared by every fact with the same key in this sync)."""
    linked = links.get(fact.stable_key)
    if linked is not None and w.get(linked[0]) is not None:
        return ("item", linked[0])
    ids = w.find(key, synced=True) or w.find(key, synced=False)
    if ids:
        return ("item", ids[0])
    name_part = key.split("|", 1)[0]
    if region is None:
        ids = w.find_name(name_part)
        if len(ids) == 1:
            return ("item", ids[0])
        pending = [g for g in groups if g[0] == "new" and g[1].split("|", 1)[0] == name_part]
        if len(pending) == 1:
            return pending[0]
    elif ("new", f"{name_part}|") in groups:  # an earlier region-less fact of the same name
        groups[("new", key)] = groups.pop(("new", f"{name_part}|"))
    return ("new", key)


def sync_from_facts(store: Store, *, actor: str | None = None, types: Sequence[str] = FACT_TYPES) -> SyncReport:
    """Create and refresh items from the stored project / investment facts, in one transaction.

    Rejected facts are skipped (a corrected fact counts with its corrected values). Fields a person
    set are never changed; where extraction now says otherwise the pair is reported as a conflict.
    Items made by sync that lost all their facts are removed if nobody touched them, else reported.
    """
    v = vocabulary()
    report = SyncReport()
    facts = sorted(list_facts(store, types=types), key=lambda f: (f.published or "", f.id))
    report.facts = len(facts)
    with tracker(store).write(actor or default_actor()) as w:
        links = w.evidence_index()
        groups: dict[tuple[str, Any], list[tuple[FactRecord, dict[str, Any]]]] = {}
        keep: set[tuple[str, str, int, int]] = set()
        for fact in facts:
            if fact.status == "rejected":
                report.skipped.append((fact.id, "rejected"))
                continue
            values = fact_values(fact)
            if values is None:
                report.skipped.append((fact.id, "names no project or investor"))
                continue
            key = item_key(values["name"], values["region"])
            target = _target(w, fact, key, values["region"], links, groups)
            groups.setdefault(target, []).append((fact, values))
            keep.add(fact.stable_key)
        for target, members in groups.items():
            merged, origin = _merge(members)
            first = members[0][0]
            if target[0] == "new":
                merged["source_fact_id"] = first.id
                merged["list_name"] = v.kinds.get(merged["kind"])
                item_id = create_item(w, merged, source=EXTRACTED, note=_note(first), sync_key=target[1])
                report.created.append(item_id)
            else:
                item_id = target[1]
                if _refresh(w, item_id, merged, origin, [f.id for f, _ in members], report):
                    report.updated.append(item_id)
            for fact, _ in members:
                report.linked += w.link(item_id, fact)
        report.unlinked = w.unlink_except(keep)
        for item_id in w.unsupported():
            item = w.get(item_id)
            if item is not None and USER not in item.provenance.values():
                report.removed.append((item_id, item.name))
                w.delete(item_id)
            else:
                report.unsupported.append(item_id)
    return report


def _refresh(w: TrackerWriter, item_id: int, merged: Mapping[str, Any], origin: Mapping[str, FactRecord],
             fact_ids: Sequence[int], report: SyncReport) -> bool:
    """Bring an existing item up to date with its facts, leaving user-curated fields alone."""
    v = vocabulary()
    item = w.get(item_id)
    assert item is not None
    first = origin.get("name")
    if item.sync_key is None and first is not None:
        w.set_sync_key(item_id, item_key(merged["name"], merged.get("region")))
    changes: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for name, value in merged.items():
        if item.source_of(name) == USER:
            if as_text(item.get(name)) != as_text(value):
                report.conflicts.append((item_id, name, as_text(item.get(name)), as_text(value)))
            continue
        changes[name] = value
        notes[name] = _note(origin[name])
    if item.source_of("list_name") != USER:
        kind = changes.get("kind", item.kind)
        changes["list_name"] = v.kinds.get(kind, item.list_name)
        notes["list_name"] = notes.get("kind", "list follows kind")
    if item.source_fact_id not in fact_ids:
        changes["source_fact_id"] = fact_ids[0]
    return bool(w.update(item_id, changes, source=EXTRACTED, notes=notes))
