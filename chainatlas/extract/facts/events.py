"""Event facts: forums, expos, signing ceremonies, unveilings, openings.

Two shapes. A nominal event is a name ending in an event word (论坛, 医博会, 签约仪式,
forum, expo) in a sentence that says it took place (举行, 召开, 落幕, "在…会上", held):
"“2023辽宁·锦州医药健康产业协同创新发展论坛暨招商对接会”在锦州市举行". A verbal event is a
verb that is the event (揭牌, 正式启用, 上线, 开园) with its subject as the name:
"北大医学部(泰州)医药健康产业创新中心正式启用". Date: the date printed before the event word
in the sentence, resolved against the publication date; region: the region of the
sentence ("在锦州市举行"), else the document's main region.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from chainatlas.extract.facts import common as c
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Fact


@dataclass(frozen=True)
class _Lex:
    nominal_re: re.Pattern[str]
    nominal: dict[str, str]
    occurred: tuple[str, ...]
    verbal_re: re.Pattern[str]
    verbal: dict[str, str]
    strip: tuple[str, ...]
    bad_followers: tuple[str, ...]
    stops: tuple[str, ...]
    heads: tuple[str, ...]
    planned: tuple[str, ...]
    ceremony_re: re.Pattern[str]
    en: bool


@functools.cache
def _lex(en: bool) -> _Lex:
    d = c.load_yaml("facts_events.yaml")
    nominal = {(str(k).lower() if en else str(k)): str(v) for k, v in d["nominal_en" if en else "nominal_zh"].items()}
    verbal = {(str(k).lower() if en else str(k)): str(v) for k, v in d["verbal_en" if en else "verbal_zh"].items()}
    return _Lex(
        nominal_re=re.compile(c.alternation(nominal, en=en), re.I if en else 0), nominal=nominal,
        occurred=c.words(str(w).lower() if en else str(w) for w in d["occurred_en" if en else "occurred_zh"]),
        verbal_re=re.compile(c.alternation(verbal, en=en), re.I if en else 0), verbal=verbal,
        strip=c.words(d.get("verbal_strip")),
        bad_followers=c.words(d.get("nominal_bad_followers")),
        stops=c.words(d["name_stops"]),
        heads=c.words(d["verbal_heads"]),
        planned=c.words(str(w).lower() for w in d["planned_en" if en else "planned_zh"]),
        ceremony_re=re.compile("(?:" + c.alternation(k for k in nominal if "仪式" in k or "活动" in k) + ")$"),
        en=en,
    )


def _date_before(ctx: c.Context, sent: tuple[int, int], pos: int) -> Any:
    best = None
    for dm in ctx.dates():
        if dm.start >= sent[1]:
            break
        if dm.end <= sent[0] or dm.base or dm.kind not in ("absolute", "partial", "relative"):
            continue
        if dm.start < pos or best is None:
            best = dm
    return best


def _region(ctx: c.Context, sent: tuple[int, int], name: tuple[int, int]) -> str | None:
    ms = [m for m in ctx.mentions_in(sent[0], sent[1], ("region",)) if not (name[0] <= m.start < name[1])]
    located = [m for m in ms if ctx.text[max(sent[0], m.start - 1):m.start] in ("在", "于")
               or ctx.text[max(sent[0], m.start - 3):m.start].lower().endswith("in ")]
    if located:
        return located[0].entity.name
    if ms:
        return ms[0].entity.name
    return ctx.main_region.name if ctx.main_region else None


def _fact(ctx: c.Context, kind: str, name: str | None, span: tuple[int, int], word: str, conf: float) -> Fact:
    sent = ctx.sentence(span[0])
    d = _date_before(ctx, sent, span[0])
    args: dict[str, Any] = {
        "event": kind,
        "name": name,
        "date": d.date if d else None,
        "region": _region(ctx, sent, span),
        "event_text": word,
    }
    if d:
        args["date_text"] = d.text
        if d.precision:
            args["date_precision"] = d.precision
    if name:
        args["name_span"] = {"start": span[0], "end": span[1]}
    return Fact("event", args, sent[0], sent[1], conf)


def _nominal(ctx: c.Context, L: _Lex) -> list[Fact]:
    text = ctx.text
    out = []
    for m in L.nominal_re.finditer(text):
        ws, we = m.span()
        if any(text.startswith(w, we) for w in L.bad_followers):
            continue
        sent = ctx.sentence(ws)
        rest = text[we:sent[1]]
        low = rest.lower() if L.en else rest
        before = text[sent[0]:ws].lower() if L.en else text[sent[0]:ws]
        if not (any(w in low for w in L.occurred) or (L.en and re.search(r"\b(?:at|during) the\s*$", before))):
            continue
        kind = L.nominal[m.group().lower() if L.en else m.group()]
        # the name: a quote around or before the word, else the phrase ending with it
        q0 = text.rfind("“", sent[0], ws)
        q1 = text.find("”", ws, sent[1])
        if q0 >= 0 and q1 >= 0 and "”" not in text[q0:ws]:
            span = (q0 + 1, q1)
            # the first event word of the quoted name decides the kind
            first = L.nominal_re.search(text, q0 + 1, q1)
            kind = L.nominal[first.group().lower() if L.en else first.group()] if first else kind
        elif L.en:
            nm = re.search(r"((?:[A-Z0-9][\w&'’-]*\s+){1,8})$", text[max(sent[0], ws - 80):ws])
            span = (ws - len(nm.group(1)), we) if nm else (ws, we)
        else:
            s0 = c.scan_name_left(ctx, ws, L.stops, 30, limit=sent[0])
            span = (s0, we)
        name = text[span[0]:span[1]].strip()
        if len(name) <= len(m.group()) + 1 or name.lower() == m.group().lower():
            continue  # "大会现场", "a press conference": no name, no fact
        out.append(_fact(ctx, kind, name, span, m.group(), 0.8))
    return out


def _verbal(ctx: c.Context, L: _Lex) -> list[Fact]:
    text = ctx.text
    out = []
    for m in L.verbal_re.finditer(text):
        ws, we = m.span()
        if ctx.mention_at(ws) is not None:
            continue
        # 揭牌成立 is fine; 揭牌仪式 is a nominal event; a verb inside a longer word is not
        if not L.en and we < len(text) and c.is_cjk(text[we]) and not re.match(r"(?:成立|运营|投用|了)", text[we:we + 2]):
            continue
        cl = ctx.clause(ws)
        left = text[cl[0]:ws]
        low = left.lower() if L.en else left
        if c.has_any(low, L.planned, L.en):
            continue
        if L.en:
            nm = re.search(r"((?:[A-Z0-9][\w&'’()-]*\s+){1,10})(?:was|were|is|has been|have been)\s+(?:officially\s+)?$", left)
            if not nm:
                continue
            name = nm.group(1).strip()
            s0 = cl[0] + nm.start(1)
        else:
            if "在" in left:
                left = left[:left.rfind("在")]
            end = cl[0] + len(left)
            changed = True
            while changed:
                changed = False
                for w in L.strip:
                    if text.endswith(w, cl[0], end):
                        end -= len(w)
                        changed = True
            s0 = c.scan_name_left(ctx, end, L.stops, 40, limit=cl[0])
            name = text[s0:end]
            if len(name) < 4:
                continue
            named = ctx.mentions_in(s0, end, ("park", "organization"))
            if not named and not any(name.endswith(h) for h in L.heads):
                continue
        out.append(_fact(ctx, L.verbal[m.group().lower() if L.en else m.group()], name, (s0, s0 + len(name)), m.group(), 0.75))
    return out


def event_facts(doc: Document) -> list[Fact]:
    ctx = c.context(doc)
    L = _lex(ctx.en)
    facts = _nominal(ctx, L) + _verbal(ctx, L)
    out: list[Fact] = []
    seen: set[tuple[str, str | None]] = set()
    for f in sorted(facts, key=lambda f: f.start):
        key = (f.args["event"], L.ceremony_re.sub("", f.args["name"] or ""))
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


@registry.component("events")
def extract_events(doc: Document) -> Document:
    """Add ``event`` facts: forums, expos, ceremonies, unveilings with date and region."""
    return c.add_facts(doc, event_facts(doc))
