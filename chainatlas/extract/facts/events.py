"""Event facts: forums, expos, signing ceremonies, unveilings, openings.

Two shapes. A nominal event is a name ending in an event word (论坛, 医博会, 签约仪式,
forum, expo) in a sentence that says it took place (举行, 召开, 落幕, "在…会上", held):
"“2023辽宁·锦州医药健康产业协同创新发展论坛暨招商对接会”在锦州市举行". A verbal event is a
verb that is the event (揭牌, 正式启用, 上线, 开园) with its subject as the name:
"北大医学部(泰州)医药健康产业创新中心正式启用". Date: the date printed before the event word
in the sentence, resolved against the publication date; region: the region of the
sentence ("在锦州市举行", "took place in Guangzhou"), else the document's main region.

English: "The X Center was officially unveiled", "the X platform completed and put into use",
"X Town, which opened to the public on Aug 1" (the subject of a passive or relative clause),
"Weigao unveiled its new R&D center" (the object), "A conference to promote X took place"
(named by its purpose). A signing ("A与B签署战略合作协议", "A and B signed a cooperation
agreement") is an event 签约 named by the document signed, with the parties named around it.
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
    online_heads: tuple[str, ...]
    name_stops_en: frozenset[str]
    agreement_re: re.Pattern[str]


@functools.cache
def _lex(en: bool) -> _Lex:
    d = c.load_yaml("facts_events.yaml")
    nominal = {(str(k).lower() if en else str(k)): str(v) for k, v in d["nominal_en" if en else "nominal_zh"].items()}
    verbal = {(str(k).lower() if en else str(k)): str(v) for k, v in d["verbal_en" if en else "verbal_zh"].items()}
    return _Lex(
        nominal_re=re.compile(c.alternation(nominal, en=en)), nominal=nominal,  # English: on Context.low
        occurred=c.words(str(w).lower() if en else str(w) for w in d["occurred_en" if en else "occurred_zh"]),
        verbal_re=re.compile(c.alternation(verbal, en=en)), verbal=verbal,
        strip=c.words(d.get("verbal_strip")),
        bad_followers=c.words(d.get("nominal_bad_followers")),
        stops=c.words(d["name_stops"]),
        heads=c.words(str(w).lower() for w in d["verbal_heads_en"]) if en else c.words(d["verbal_heads"]),
        planned=c.words(str(w).lower() for w in d["planned_en" if en else "planned_zh"]),
        ceremony_re=re.compile("(?:" + c.alternation(k for k in nominal if "仪式" in k or "活动" in k) + ")$"),
        en=en,
        online_heads=c.words(str(w).lower() for w in d.get("online_heads_en") or ()),
        name_stops_en=frozenset(str(w).lower() for w in d.get("name_stops_en") or ()),
        agreement_re=re.compile(
            rf"\b({c.alternation(d['sign_verbs_en'])})\s+(?:(?:a|an|the|their|its)\s+)?((?:[\w-]+\s+){{0,5}}?"
            rf"{c.alternation(d['agreement_heads_en'])})\b") if en else re.compile(
            rf"({c.alternation(d['sign_verbs_zh'])})了?((?:[^，,。；;、]{{0,20}}?)(?:{c.alternation(d['agreement_heads_zh'])}))"),
    )


def _region(ctx: c.Context, sent: tuple[int, int], name: tuple[int, int]) -> str | None:
    ms = [m for m in ctx.mentions_in(sent[0], sent[1], ("region",)) if not (name[0] <= m.start < name[1])]
    located = [m for m in ms if ctx.text[max(sent[0], m.start - 1):m.start] in ("在", "于")
               or ctx.text[max(sent[0], m.start - 3):m.start].lower().endswith("in ")]
    # "…, which is located in A, took place in B": the place the event took place in
    held = [m for m in located if re.search(r"\b(?:took place|held|hosted|opened|kicked off|convened|unveiled)\s+in\s+$",
                                            ctx.text[max(sent[0], m.start - 20):m.start], re.I)]
    if held:
        return held[0].entity.name
    if located:
        return located[0].entity.name
    if ms:
        return ms[0].entity.name
    return ctx.main_region.name if ctx.main_region else None


def _fact(ctx: c.Context, kind: str, name: str | None, span: tuple[int, int], word: str, conf: float) -> Fact:
    sent = ctx.sentence(span[0])
    d = ctx.date_near(sent, span[0])
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
    for m in L.nominal_re.finditer(ctx.low if L.en else text):
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
            first = L.nominal_re.search(ctx.low if L.en else text, q0 + 1, q1)
            kind = L.nominal[first.group().lower() if L.en else first.group()] if first else kind
        elif L.en:
            nm = re.search(r"((?:[A-Z0-9][\w&'’-]*\s+){1,8})$", text[max(sent[0], ws - 80):ws])
            s0 = ws - len(nm.group(1)) if nm else ws
            art = re.match(r"(?:A|An|The)\s+", text[s0:ws])
            s0 += art.end() if art else 0
            # "A conference to promote X took place": the words after the event word name it
            comp = _EN_COMPLEMENT.match(text, we, sent[1]) if s0 == ws else None
            span = (s0, comp.end(1) if comp else we)
        else:
            s0 = c.scan_name_left(ctx, ws, L.stops, 30, limit=sent[0])
            span = (s0, we)
        name = text[span[0]:span[1]].strip()
        if len(name) <= len(m.group()) + 1 or name.lower() == m.group().lower():
            continue  # "大会现场", "a press conference": no name, no fact
        out.append(_fact(ctx, kind, name, span, text[ws:we], 0.8))
    return out


_EN_COMPLEMENT = re.compile(
    r"\s+((?:to\s+(?:promote|boost|discuss|attract|celebrate|launch|support)|on|for|about)\s+[^,.;–—()]{3,120}?)"
    r"(?=\s+(?:took place|was held|were held|is held|are held|was hosted|opened|kicked off|closed|concluded|was launched)\b|\s+[-–—]\s|[,.;(]|$)")
_EN_BEFORE_VERB = re.compile(
    r"(?:,?\s+(?:which|that))?(?:\s+(?:was|were|is|are|has\s+been|have\s+been|had\s+been|has|have|had|being|been))?"
    r"(?:\s+(?:officially|formally|successfully|recently|also|now|finally|newly))*"
    r"(?:\s+(?:completed|built|established|finished|constructed)\s+and)?\s+$", re.I)


def _en_np_end_left(ctx: c.Context, end: int, floor: int) -> int:
    """Start of the English noun phrase that ends at end; entity names are taken whole and
    'of'/'for' after a head word is kept ("the R&D center of Sinopharm")."""
    text = ctx.text
    L = _lex(True)
    i, n = end, 0
    while i > floor and n < 10:
        j = i
        while j > floor and text[j - 1] == " ":
            j -= 1
        m = ctx.mention_at(j - 1) if j > floor else None
        if m is not None and m.start >= floor:
            i, n = m.start, n + 1
            continue
        k = c.word_start(text, floor, j, "&'’().-")
        if k == j:
            break
        low = text[k:j].lower()
        if low in ("of", "for") and n:
            k1 = k
            while k1 > floor and text[k1 - 1] == " ":
                k1 -= 1
            if text[c.word_start(text, floor, k1, "-"):k1].lower() in L.heads:
                i, n = k, n + 1
                continue
        if low in L.name_stops_en or low.endswith(("'s", "’s")):
            break
        i, n = k, n + 1
    return i


def _en_named(ctx: c.Context, L: _Lex, s0: int, e0: int) -> bool:
    """A name an event can have: an entity, or two words or more ending in a head word."""
    name = ctx.text[s0:e0].strip()
    if not name:
        return False
    if ctx.mentions_in(s0, e0, ("park", "organization")):
        return True
    return len(name.split()) >= 2 and any(name.lower().endswith(h) for h in L.heads)


def _en_verbal_name(ctx: c.Context, L: _Lex, ws: int, we: int) -> tuple[int, str] | None:
    """(start, name) of what an English event verb is about: the subject of a passive or a
    relative clause ("the X platform completed and put into use", "X Town, which opened to
    the public"), else the object of an active verb ("Weigao unveiled its new R&D center")."""
    text = ctx.text
    sent = ctx.sentence(ws)
    bv = _EN_BEFORE_VERB.search(text, sent[0], ws)
    passive = bv is not None and bool(bv.group().strip())
    end = bv.start() if bv else ws
    while end > sent[0] and text[end - 1] in " ,":
        end -= 1
    # "X Town in Wenzhou, which opened …": the place after the name is not part of it
    pm = re.search(r"\s+(?:in|at)\s+(?:[A-Z][\w'’-]*\s*){1,4}$", text[max(sent[0], end - 60):end])
    if pm:
        e1 = max(sent[0], end - 60) + pm.start()
        if _en_named(ctx, L, _en_np_end_left(ctx, e1, sent[0]), e1):
            end = e1
    s0 = _en_np_end_left(ctx, end, sent[0])
    subject = (s0, text[s0:end].strip()) if s0 < end and _en_named(ctx, L, s0, end) else None
    if passive and subject:
        return subject
    om = re.match(r"\s+(?:(?:the|a|an|its|their|his|her|our)\s+)?", text[we:sent[1]])
    o0 = we + (om.end() if om else 0)
    rest = text[o0:sent[1]]
    best = 0
    for w in re.finditer(r"[\w&'’().-]+", rest[:160]):
        if w.group().lower() in L.name_stops_en and w.group().lower() not in ("of", "for"):
            break
        if _en_named(ctx, L, o0, o0 + w.end()) and not re.match(r"\s+(?:of|for)\b", rest[w.end():]):
            best = w.end()
    if best:
        return o0, rest[:best]
    return subject


def _verbal(ctx: c.Context, L: _Lex) -> list[Fact]:
    text = ctx.text
    out = []
    for m in L.verbal_re.finditer(ctx.low if L.en else text):
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
            found = _en_verbal_name(ctx, L, ws, we)
            if found is None:
                continue
            s0, name = found
            kind = L.verbal[m.group().lower()]
            if kind == "启动" and any(name.lower().endswith(h) for h in L.online_heads):
                kind = "上线"
            out.append(_fact(ctx, kind, name, (s0, s0 + len(name)), text[ws:we], 0.75))
            continue
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


def _signings(ctx: c.Context, L: _Lex) -> list[Fact]:
    """'A与B签署战略合作协议', 'A and B signed a cooperation agreement with C': the parties are
    the enterprises, parks and institutions named in the clause (regions when no other)."""
    text = ctx.text
    out = []
    for m in L.agreement_re.finditer(ctx.low if L.en else text):
        vs, ve = m.span(1)
        ns, ne = m.span(2)
        sent = ctx.sentence(vs)
        cl = ctx.clause(vs)
        left = text[cl[0]:vs]
        if c.has_any(left.lower() if L.en else left, L.planned, L.en):
            continue
        scope = (sent[0], min(sent[1], ne + 160)) if L.en else (cl[0], ns)
        ms = [x for x in ctx.mentions_in(scope[0], scope[1], ("organization", "park"), actors_only=False)
              if not (ns <= x.start < ne) and text[x.end:x.end + 1] != "的"]  # "位于X的Y": a place
        if L.en:
            ms = [x for x in ms if x.start < vs or re.match(r"\s+with\b", text[ne:x.start]) or
                  re.search(r"\bwith\s+(?:[\w-]+\s+){0,3}$", text[ne:x.start])]
        if not ms:
            ms = [x for x in ctx.mentions_in(scope[0], vs, ("region",))]
        if not ms:
            continue
        name = text[ns:ne].strip("《》“”\"' ")
        f = _fact(ctx, "签约", name, (ns, ne), text[vs:ve], 0.7)
        f.args["parties"] = list(dict.fromkeys(x.entity.name for x in ms))
        out.append(f)
    return out


def event_facts(doc: Document) -> list[Fact]:
    ctx = c.context(doc)
    L = _lex(ctx.en)
    facts = _nominal(ctx, L) + _verbal(ctx, L) + _signings(ctx, L)
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
