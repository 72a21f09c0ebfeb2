"""Product facts: a named product with its maker, claim (国内首款, 填补空白, 70%份额) and approval.

A product is named where the wording makes it a name: "名为慧尔康欣的疫苗", "“X”疫苗", a
phrase ending in a dosage form right after its maker ("天士力复方丹参滴丸"), or
"X研发的Y产品". Only products with a maker, a claim or an approval in their sentence are
kept (a bare drug name in a list says little). A sentence opening with 这款/该产品 takes
the claims and approval of the sentence before ("…国内首款…疫苗正式上市”。这款名为慧尔康欣的疫苗").
English: a phrase ending in a product word with something specific in it and a maker,
claim or approval in its sentence ("Hengrui Medicine's PD-1 inhibitor camrelizumab was
approved for marketing", "its Ad5-nCoV vaccine, the world's first …", "The company's
mixed-media injection products" → the enterprise named before), not a counted group ("eight
new products", a metric) nor a modifier ("drug makers"); and "products include X and Y,
which hold the top global market share". Claims: 全球首款/国内首款 (world's first, the first
… in China), 亚洲最大 (largest … in Asia), market shares.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from chainatlas.extract.facts import common as c
from chainatlas.extract.facts import metrics as mx
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Fact

_ACTOR_KINDS = (None, "enterprise", "institution")
_MERGE_GAP = 300  # characters between two mentions of one product merged into one fact


@dataclass(frozen=True)
class _Lex:
    forms_re: re.Pattern[str]
    forms_en_re: re.Pattern[str]
    followers: tuple[str, ...]
    not_products: tuple[str, ...]
    markers_re: re.Pattern[str]
    maker_verbs: tuple[str, ...]
    generic: tuple[str, ...]
    claims_zh: tuple[tuple[re.Pattern[str], str], ...]
    claims_en: tuple[tuple[re.Pattern[str], str], ...]
    scope_words: dict[str, str]
    approval_re: re.Pattern[str]
    approval: dict[str, str]
    approval_en_re: re.Pattern[str]
    approval_en: dict[str, str]
    anaphors: tuple[str, ...]
    stops: tuple[str, ...]
    generic_en: frozenset[str]
    stops_en: frozenset[str]
    claim_hint_en: re.Pattern[str]
    claim_hint_zh: re.Pattern[str]
    verbs_en: frozenset[str]


@functools.cache
def _lex() -> _Lex:
    d = c.load_yaml("facts_products.yaml")
    appr = {str(k): str(v) for k, v in d["approval_zh"].items()}
    appr_en = {str(k).lower(): str(v) for k, v in d["approval_en"].items()}
    stops = c.load_yaml("facts_projects.yaml")["name_left_stops"]
    return _Lex(
        forms_re=re.compile(c.alternation(d["forms_zh"])),
        forms_en_re=re.compile(c.alternation((str(w).lower() for w in d["forms_en"]), en=True)),  # on Context.low
        followers=c.words(d["form_followers"]),
        not_products=c.words(d["not_products"]),
        markers_re=re.compile(c.alternation(d["name_markers_zh"])),
        maker_verbs=c.words(d["maker_verbs_zh"]),
        generic=c.words(d["generic_zh"]),
        claims_zh=tuple((re.compile(x["pattern"]), str(x["claim"])) for x in d["claims_zh"]),
        claims_en=tuple((re.compile(x["pattern"], re.I), str(x["claim"])) for x in d["claims_en"]),
        scope_words={str(k).lower(): str(v) for k, v in (d.get("claim_scope_words") or {}).items()},
        approval_re=re.compile(c.alternation(appr)), approval=appr,
        approval_en_re=re.compile(c.alternation(appr_en, en=True)), approval_en=appr_en,  # on Context.low
        anaphors=c.words(d["anaphors_zh"]),
        stops=c.words([*stops, *d["maker_verbs_zh"], "名为", "这款", "该款", "一款", "新款"]),
        generic_en=frozenset(str(w).lower() for w in d.get("generic_en") or ()),
        stops_en=frozenset(str(w).lower() for w in d.get("stops_en") or ()),
        claim_hint_en=re.compile(c.alternation(str(w).lower() for w in d["claim_hints_en"])),  # on Context.low
        claim_hint_zh=re.compile(c.alternation(d["claim_hints_zh"])),
        verbs_en=frozenset(str(w).lower() for w in d.get("verbs_en") or ()),
    )


@dataclass
class _Name:
    name: str
    start: int
    end: int
    maker: c.Mention | None
    conf: float


def _claims(ctx: c.Context, s: int, e: int) -> list[str]:
    """Claims printed between s and e (normalised), market shares included."""
    L = _lex()
    text = ctx.text
    out: list[str] = []
    hint = L.claim_hint_en.search(ctx.low, s, e) if ctx.en else L.claim_hint_zh.search(text, s, e)
    for rx, tpl in (L.claims_en if ctx.en else L.claims_zh) if hint else ():
        for m in rx.finditer(text, s, e):
            groups = [g or "" for g in m.groups()]
            if ctx.en:
                groups = [L.scope_words.get(g.lower(), "") for g in groups]
            claim = tpl
            for i, g in enumerate(groups, 1):
                claim = claim.replace(f"{{{i}}}", g)
            claim = re.sub(r"\{\d\}", "", claim)
            if claim not in out:
                out.append(claim)
    for q in ctx.quantities_in(s, e, "percent"):
        r = mx.read_quantity(ctx, q, ctx.clause(q.start, q.end))
        if r is not None and r.metric == "市场占有率":
            scope = next((v for k, v in L.scope_words.items() if k in text[max(s, q.start - 16):q.start]), "")
            claim = f"{scope}市场{mx.c.number(q.value)}%份额"
            if claim not in out:
                out.append(claim)
    return out


def _approval(ctx: c.Context, s: int, e: int) -> str | None:
    L = _lex()
    rx, table = (L.approval_en_re, L.approval_en) if ctx.en else (L.approval_re, L.approval)
    m = rx.search(ctx.low if ctx.en else ctx.text, s, e)
    return table[m.group()] if m else None


def _generic(name: str) -> bool:
    L = _lex()
    rest = c.strip_generic(name, L.generic)
    return sum(1 for ch in rest if c.is_cjk(ch) or ch.isalpha()) < 2


def _maker_before(ctx: c.Context, pos: int, floor: int) -> c.Mention | None:
    """An enterprise printed right before pos (天士力复方丹参滴丸, X研发的Y)."""
    for m in reversed(ctx.mentions_in(floor, pos, ("organization",))):
        if m.entity.kind not in _ACTOR_KINDS:
            continue
        gap = ctx.text[m.end:pos]
        L = _lex()
        if gap == "" or re.fullmatch("(?:" + "|".join(map(re.escape, L.maker_verbs)) + r")(?:和生产)?的", gap):
            return m
        return None
    return None


def _maker_by(ctx: c.Context, s: int, e: int) -> c.Mention | None:
    """'由X研发和生产' in the sentence."""
    for m in ctx.mentions_in(s, e, ("organization",)):
        if m.entity.kind in _ACTOR_KINDS and ctx.text[max(s, m.start - 1):m.start] == "由":
            return m
    return None


def _zh_names(ctx: c.Context) -> list[_Name]:
    L = _lex()
    text = ctx.text
    out: list[_Name] = []
    # 名为X的 / 名为“X”
    for m in L.markers_re.finditer(text):
        q = re.match(r"“([^”]{1,16})”|([^，,。；;的“”]{2,12}?)(?=的|，|,|。)", text[m.end():])
        if q:
            name = q.group(1) or q.group(2)
            s0 = m.end() + (1 if q.group(1) else 0)
            out.append(_Name(name, s0, s0 + len(name), None, 0.85))
    # “X”疫苗 / 产品“X”
    for m in re.finditer(r"“([^“”]{2,16})”", text):
        after = L.forms_re.match(text, m.end())
        before = text[max(0, m.start() - 2):m.start()]
        if (after or before.endswith("产品")) and not _generic(m.group(1)):
            out.append(_Name(m.group(1), m.start(1), m.end(1), _maker_before(ctx, m.start(), ctx.clause(m.start())[0]), 0.8))
    # X + dosage form (with its maker right before), X研发的Y
    for m in L.forms_re.finditer(text):
        e = m.end()
        nxt = text[e:e + 2]
        if nxt and c.is_cjk(nxt[0]) and not any(text.startswith(f, e) for f in L.followers):
            continue
        if any(text.endswith(w, max(0, e - len(w)), e) for w in L.not_products):
            continue
        if ctx.mention_at(m.start()) is not None:
            continue
        cl = ctx.clause(m.start())
        s0 = c.scan_name_left(ctx, m.start(), L.stops, 20, limit=cl[0])
        maker = None
        mk = ctx.mentions_in(s0, m.start(), ("organization",))
        if mk and mk[0].start == s0 and mk[0].entity.kind in _ACTOR_KINDS:
            maker, s0 = mk[0], mk[0].end
        if maker is None:
            maker = _maker_before(ctx, s0, cl[0])
        name = text[s0:e]
        if len(name) <= len(m.group()) + 1 or _generic(name[: -len(m.group())] or name):
            continue
        out.append(_Name(name, s0, e, maker, 0.75))
    return out


_EN_NOT_PRODUCT = re.compile(r"\s*(?:enterprises?|companies|company|firms?|makers?|manufacturers?|industry|"
                             r"industries|sector|park|base|zone|cluster|center|centre|research)\b")
_EN_PRODUCT_LIST = re.compile(r"products?\s+(?:include|including|such as|are)\s+")
_EN_MAKER_BY = re.compile(r"\b(?:developed|produced|made|manufactured|invented|marketed|created)\s+"
                          r"(?:(?:independently|jointly|solely)\s+)?by\s+(?:the\s+)?$", re.I)
_EN_COUNTED = re.compile(r"(?:\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                         r"dozens|hundreds|several|many|multiple)|\d)\s*$", re.I)


def _en_left(ctx: c.Context, end: int, floor: int) -> tuple[int, c.Mention | None, str]:
    """Start of the English product phrase ending at end, its maker (a possessive or an
    enterprise inside it) and the word that stopped the walk."""
    L = _lex()
    text = ctx.text
    i, n = end, 0
    while i > floor and n < 8:
        j = i
        while j > floor and text[j - 1] == " ":
            j -= 1
        m = ctx.mention_at(j - 1, ("organization",)) if j > floor else None
        if m is not None and m.start >= floor and m.entity.kind in _ACTOR_KINDS:
            k = m.end + (2 if text[m.end:m.end + 2] in ("'s", "’s") else 1 if text[m.end:m.end + 1] in "'’" else 0)
            return k, m, ""
        ws0 = c.word_start(text, floor, j)
        if ws0 == j:
            return i, None, text[j - 1:j]
        token = text[ws0:j]
        low = token.lower()
        if low in ("'s", "’s", "'", "’") and j > floor:  # "Junshi Biosciences' PD-1 inhibitor"
            mm = ctx.mention_at(ws0 - 1, ("organization",))
            return i, mm, low
        if low.endswith(("'s", "’s")) or low in ("its", "their"):
            owner = None
            mm = ctx.mention_at(ws0, ("organization",))
            if mm is not None:
                owner = mm
            elif low in ("its", "their") or low.startswith(("company", "firm", "group", "enterprise")):
                sent = ctx.sentence(j)
                prev = [x for x in ctx.mentions_in(max(0, sent[0] - 400), ws0, ("organization",))
                        if x.entity.kind in (None, "enterprise")]
                owner = prev[-1] if prev else None
            else:
                return i, None, "'s"  # "the world's first …": a description, not the product's name
            return i, owner, low
        if low in L.stops_en:
            return i, None, low
        i, n = ws0, n + 1
    return i, None, ""


def _en_follower(w: str) -> bool:
    """A word that may follow a product phrase: a function word or a verb (not 'include')."""
    if w in ("include", "includes", "including", "such", "like"):
        return False
    L = _lex()
    return w in L.stops_en or w in L.verbs_en or w.endswith("ed")


def _en_names(ctx: c.Context) -> list[_Name]:
    """English products: a phrase ending in a product word ("its PD-1 inhibitor", "the
    company's mixed-media injection products") with something specific in it, and the
    items of "products include X and Y"."""
    L = _lex()
    text = ctx.text
    out: list[_Name] = []
    signal: dict[int, bool] = {}
    for m in L.forms_en_re.finditer(ctx.low):
        sent = ctx.sentence(m.start())
        if sent[0] not in signal:  # a maker, a claim or an approval can be read in this sentence
            signal[sent[0]] = bool(ctx.mentions_in(max(0, sent[0] - 400), sent[1], ("organization",))
                                   or L.claim_hint_en.search(ctx.low, sent[0], sent[1])
                                   or L.approval_en_re.search(ctx.low, sent[0], sent[1]))
        if not signal[sent[0]] or ctx.mention_at(m.start()) is not None:
            continue  # nothing to say about it, or inside a name ("… Drug Research Center")
        if _EN_NOT_PRODUCT.match(ctx.low, m.end()):
            continue  # "drug makers", "medical device industry"
        s0, maker, stop = _en_left(ctx, m.start(), sent[0])
        if stop == "'s":
            continue
        e0 = m.end()
        # a brand right after the kind: "PD-1 inhibitor toripalimab was approved"
        brand = re.match(r"\s+([A-Za-z][\w-]{3,})(?=\s*(?:[,.;(]|\s(?:was|were|is|has|had|received|obtained|won|got)\b))",
                         text[e0:sent[1] + 1])
        if brand and brand.group(1).lower() not in L.stops_en and brand.group(1).lower() not in L.generic_en:
            e0 += brand.end()
        else:
            # the kind word ends the phrase only before a verb, a function word or punctuation
            # ("a provincial-level medicine science park": no product)
            nxt = re.match(r"\s*([A-Za-z][\w-]*)", text[e0:e0 + 30])
            if nxt and not _en_follower(nxt.group(1).lower()):
                continue
        phrase = text[s0:e0].strip()
        words = [w for w in re.findall(r"[\w&'’-]+", phrase.lower())]
        specific = [w for w in words if w not in L.generic_en]
        if not specific or _EN_COUNTED.search(text[max(sent[0], s0 - 12):s0]):
            continue
        if maker is None:
            after = text[m.end():sent[1]]
            by = re.match(r",?\s*(?:which\s+(?:was|were|is|are)\s+|(?:was|were|is|are)\s+)?", after)
            rest = after[by.end():] if by else after
            mb = re.match(r"(?:(?:independently|jointly|solely)\s+)?(?:developed|produced|made|manufactured|invented)\s+"
                          r"(?:(?:independently|jointly|solely)\s+)?by\s+(?:the\s+)?", rest, re.I)
            if mb:
                pos = m.end() + (by.end() if by else 0) + mb.end()
                mk = ctx.mention_at(pos, ("organization",))
                maker = mk if mk is not None and mk.entity.kind in _ACTOR_KINDS else None
        out.append(_Name(phrase, s0, s0 + len(phrase), maker, 0.7))
    # (a literal first lets the regex engine skip ahead; the word boundary is checked by hand)
    for m in _EN_PRODUCT_LIST.finditer(text):
        if m.start() and text[m.start() - 1].isalnum():
            continue
        stop = re.search(r",\s*which|[.;]|,\s*(?!and\b)[a-z]+ing\b", text[m.end():m.end() + 200])
        seg_end = m.end() + (stop.start() if stop else 0)
        if not stop:
            continue
        for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", text[m.end():seg_end]):
            part = part.strip()
            if 2 <= len(part) <= 40 and len(part.split()) <= 5:
                s0 = text.find(part, m.end(), seg_end + 1)
                out.append(_Name(part, s0, s0 + len(part), None, 0.7))
    return out


def product_facts(doc: Document) -> list[Fact]:
    ctx = c.context(doc)
    L = _lex()
    names = _en_names(ctx) if ctx.en else _zh_names(ctx)
    names.sort(key=lambda n: (n.start, -(n.end - n.start)))
    # a product word inside a project name ("华诺泰带状疱疹疫苗" signed as a project) is the project
    projects = [f.args["name_span"] for f in doc.facts if f.type == "project" and "name_span" in f.args]
    names = [n for n in names if not any(p["start"] <= n.start and n.end <= p["end"] for p in projects)]
    facts: list[Fact] = []
    seen: dict[str, Fact] = {}
    reach = -1
    for n in names:
        if n.start < reach:
            continue
        reach = n.end
        sent = ctx.sentence(n.start)
        s, e = sent
        head = ctx.text[s:n.start]
        if any(w in head for w in L.anaphors):
            i = ctx.sentence_index(n.start)
            if i > 0:
                s = ctx.sentences[i - 1][0]
        claims = _claims(ctx, s, e)
        approval = _approval(ctx, s, e)
        maker = n.maker or _maker_by(ctx, sent[0], sent[1])
        if maker is None and not claims and not approval:
            continue
        args: dict[str, Any] = {
            "product": n.name,
            "maker": maker.entity.name if maker else None,
            "claim": claims[0] if claims else None,
            "approval": approval,
            "name_span": {"start": n.start, "end": n.end},
        }
        if maker is not None:
            args["maker_mention"] = {"text": ctx.text[maker.start:maker.end], "start": maker.start, "end": maker.end}
            s, e = ctx.cover(s, e, (maker.start, maker.end))
        if len(claims) > 1:
            args["claims"] = claims
        conf = n.conf + (0.05 if maker else 0) + (0.05 if claims or approval else 0)
        key = n.name
        if key in seen:
            # a later mention completes the first one when it is close enough to be shown with it
            old = seen[key]
            if s - old.end <= _MERGE_GAP:
                for k in ("maker", "maker_mention", "claim", "approval"):
                    if old.args.get(k) is None and args.get(k) is not None:
                        old.args[k] = args[k]
                        old.end = max(old.end, e)
            continue
        f = Fact("product", args, s, e, round(min(conf, 0.95), 3))
        seen[key] = f
        facts.append(f)
    return facts


@registry.component("products")
def extract_products(doc: Document) -> Document:
    """Add ``product`` facts: product name, maker, claim and approval."""
    return c.add_facts(doc, product_facts(doc))
