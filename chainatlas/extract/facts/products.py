"""Product facts: a named product with its maker, claim (国内首款, 填补空白, 70%份额) and approval.

A product is named where the wording makes it a name: "名为慧尔康欣的疫苗", "“X”疫苗", a
phrase ending in a dosage form right after its maker ("天士力复方丹参滴丸"), or
"X研发的Y产品". Only products with a maker, a claim or an approval in their sentence are
kept (a bare drug name in a list says little). A sentence opening with 这款/该产品 takes
the claims and approval of the sentence before ("…国内首款…疫苗正式上市”。这款名为慧尔康欣的疫苗").
English: "products include X and Y, which hold the top global market share".
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


@functools.cache
def _lex() -> _Lex:
    d = c.load_yaml("facts_products.yaml")
    appr = {str(k): str(v) for k, v in d["approval_zh"].items()}
    appr_en = {str(k).lower(): str(v) for k, v in d["approval_en"].items()}
    stops = c.load_yaml("facts_projects.yaml")["name_left_stops"]
    return _Lex(
        forms_re=re.compile(c.alternation(d["forms_zh"])),
        forms_en_re=re.compile(c.alternation(d["forms_en"], en=True), re.I),
        followers=c.words(d["form_followers"]),
        not_products=c.words(d["not_products"]),
        markers_re=re.compile(c.alternation(d["name_markers_zh"])),
        maker_verbs=c.words(d["maker_verbs_zh"]),
        generic=c.words(d["generic_zh"]),
        claims_zh=tuple((re.compile(x["pattern"]), str(x["claim"])) for x in d["claims_zh"]),
        claims_en=tuple((re.compile(x["pattern"], re.I), str(x["claim"])) for x in d["claims_en"]),
        scope_words={str(k).lower(): str(v) for k, v in (d.get("claim_scope_words") or {}).items()},
        approval_re=re.compile(c.alternation(appr)), approval=appr,
        approval_en_re=re.compile(c.alternation(appr_en, en=True), re.I), approval_en=appr_en,
        anaphors=c.words(d["anaphors_zh"]),
        stops=c.words([*stops, *d["maker_verbs_zh"], "名为", "这款", "该款", "一款", "新款"]),
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
    for rx, tpl in (L.claims_en if ctx.en else L.claims_zh):
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
    m = rx.search(ctx.text, s, e)
    return table[m.group().lower() if ctx.en else m.group()] if m else None


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


def _en_names(ctx: c.Context) -> list[_Name]:
    text = ctx.text
    out: list[_Name] = []
    for m in re.finditer(r"\bproducts?\s+(?:include|including|such as|are)\s+", text):
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
        if len(claims) > 1:
            args["claims"] = claims
        conf = n.conf + (0.05 if maker else 0) + (0.05 if claims or approval else 0)
        key = n.name
        if key in seen:
            old = seen[key]
            for k in ("maker", "claim", "approval"):
                if old.args.get(k) is None and args.get(k) is not None:
                    old.args[k] = args[k]
            continue
        f = Fact("product", args, s, e, round(min(conf, 0.95), 3))
        seen[key] = f
        facts.append(f)
    return facts


@registry.component("products")
def extract_products(doc: Document) -> Document:
    """Add ``product`` facts: product name, maker, claim and approval."""
    return c.add_facts(doc, product_facts(doc))
