"""Role facts: designations an enterprise carries (链主企业, 龙头企业, 百强, 上市公司 …).

Patterns, all inside one clause and all anchored on an organisation mention:
"龙头企业锦州奥鸿药业" / "链主企业——X" / "作为链主企业的X" (role word right before the name),
"X跻身中国生物制药行业百强" / "X是…专精特新“小巨人”企业" (name, verb, role; the words
between are the scope), "A、B等行业龙头企业" and "龙头企业有A、B" (a list), and in English
"leading enterprises include A, B and C", "X, a leading … company", "X is a listed company".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from chainatlas.extract.facts import common as c
from chainatlas.extract.facts.metrics import off_topic
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Fact

_ACTOR_KINDS = (None, "enterprise", "institution")


@dataclass(frozen=True)
class _Lex:
    zh_re: re.Pattern[str]
    zh: dict[str, str]
    en_re: re.Pattern[str]
    en_first_re: re.Pattern[str]
    en: dict[str, str]
    verbs_zh: tuple[str, ...]
    verbs_en: tuple[str, ...]
    links: tuple[str, ...]
    list_zh: tuple[str, ...]
    list_en: tuple[str, ...]
    not_after: tuple[str, ...]
    scope_max: int


def _en_phrase(phrase: str) -> str:
    """'leading * company' → regex: the words, with up to three free words for '*'."""
    out = ""
    for w in phrase.split():
        out += r"(?:[\w-]+\s+){0,3}?" if w == "*" else re.escape(w) + r"\s+"
    return out.removesuffix(r"\s+")


@functools.cache
def _lex() -> _Lex:
    d = c.load_yaml("facts_roles.yaml")
    zh = {str(k): str(v) for k, v in d["roles_zh"].items()}
    en = {str(k).lower(): str(v) for k, v in d["roles_en"].items()}
    # one named group per English role phrase; "*" is up to three words
    alts = []
    en_by_group = {}
    for i, (k, v) in enumerate(sorted(en.items(), key=lambda kv: -len(kv[0]))):
        alts.append(rf"(?P<r{i}>\b{_en_phrase(k)}\b)")
        en_by_group[f"r{i}"] = v
    return _Lex(
        zh_re=re.compile(c.alternation(zh)), zh=zh,
        en_re=re.compile("|".join(alts) or r"(?!x)x", re.I), en=en_by_group,
        en_first_re=re.compile(c.alternation({k.split()[0] for k in en}, en=True), re.I),
        verbs_zh=c.words(d["verbs_zh"]), verbs_en=c.words(str(w).lower() for w in d["verbs_en"]),
        links=c.words(d["role_org_links"]),
        list_zh=c.words(d["list_verbs_zh"]), list_en=c.words(str(w).lower() for w in d["list_verbs_en"]),
        not_after=c.words(d.get("not_after_role")),
        scope_max=int(d.get("scope_max_len", 16)),
    )


def _orgs(ctx: c.Context, s: int, e: int, starting: bool = False) -> list[c.Mention]:
    """Enterprise / institution mentions inside s..e (or only starting there)."""
    end = e + 80 if starting else e
    return [m for m in ctx.mentions_in(s, end, ("organization",))
            if m.entity.kind in _ACTOR_KINDS and m.start < e]


def _scope_before(ctx: c.Context, s: int, floor: int) -> str | None:
    """The words printed right before a role word (医药及康养产业链 | 链主企业)."""
    L = _lex()
    a = c.scan_name_left(ctx, s, _scope_stops(), L.scope_max, limit=floor)
    scope = ctx.text[a:s].strip("“”\"' ")
    scope = re.sub(r"^(?:一批|一些|多家|众多|一家|一个|部分|各类)", "", scope)
    return scope if len(scope) >= 2 else None


@functools.cache
def _scope_stops() -> tuple[str, ...]:
    """Where a role's scope starts: the project-name stop words plus verbs of designation."""
    extra = ["之一", "一家", "一批", "跻身", "入选", "位列", "荣登", "进入", "——"]
    stops = [w for w in c.load_yaml("facts_projects.yaml")["name_left_stops"] if w not in ("和", "与", "及", "以及")]
    return c.words([*stops, *extra])


def _fact(ctx: c.Context, m: c.Mention, role: str, scope: str | None, word: tuple[int, int],
          conf: float, how: str) -> Fact:
    sent = ctx.sentence(m.start)
    s, e = min(sent[0], ctx.sentence(word[0])[0]), max(sent[1], ctx.sentence(word[0])[1])
    args: dict[str, Any] = {
        "entity": m.entity.name,
        "role": role,
        "scope": scope,
        "role_text": ctx.text[word[0]:word[1]],
        "entity_mention": {"text": ctx.text[m.start:m.end], "start": m.start, "end": m.end},
        "pattern": how,
    }
    return Fact("role", args, s, e, conf)


def _zh_roles(ctx: c.Context) -> list[Fact]:
    L = _lex()
    text = ctx.text
    out: list[Fact] = []
    for rm in L.zh_re.finditer(text):
        ws, we = rm.span()
        if any(text.startswith(w, we) for w in L.not_after):
            continue
        if ctx.mention_at(ws, ("organization", "park", "region")) is not None:
            continue  # inside a name
        role = L.zh[rm.group()]
        # "小巨人”企业": swallow a closing quote and a following 企业
        tail = re.match(r"[”\"]?(?:企业|公司)?", text[we:])
        we2 = we + (tail.end() if tail else 0)
        cl = ctx.clause(ws, we)
        # 1) role word, link, organisation: 龙头企业锦州奥鸿药业 / 链主企业——X / 作为链主企业的X
        after = _orgs(ctx, we2, min(cl[1] + 1, we2 + 8), starting=True)
        if after:
            m = after[0]
            gap = text[we2:m.start]
            if gap == "" or gap in L.links:
                out.append(_fact(ctx, m, role, _scope_before(ctx, ws, cl[0]), (ws, we2), 0.85, "role-name"))
                continue
        # 2) list before: A、B等(行业)龙头企业
        before = text[cl[0]:ws]
        lm = re.search(r"等((?:一批|一些|众多|多家)?[^，,。；;、0-9一二三四五六七八九十百千万多余]{0,8})$", before)
        if lm:
            lst = _orgs(ctx, cl[0], cl[0] + lm.start())
            scope = re.sub(r"^(?:一批|一些|多家|众多|各类)", "", lm.group(1)) or None
            for m in lst:
                out.append(_fact(ctx, m, role, scope, (ws, we2), 0.75, "list"))
            if lst:
                continue
        # 3) list after: 龙头企业有A、B
        lv = next((v for v in L.list_zh if text.startswith(v, we2)), None)
        if lv:
            lst = _orgs(ctx, we2 + len(lv), cl[1])
            if lst and lst[0].start == we2 + len(lv):
                for m in lst:
                    out.append(_fact(ctx, m, role, _scope_before(ctx, ws, cl[0]), (ws, we2), 0.75, "list"))
                continue
        # 4) organisation, verb, scope, role: X跻身中国生物制药行业百强
        sent = ctx.sentence(ws)
        orgs = _orgs(ctx, sent[0], ws)
        if not orgs:
            continue
        m = orgs[-1]
        between = text[m.end:ws]
        if re.search(r"[。；;]", between) or len(between) > 30:
            continue
        v = next(((i, w) for w in L.verbs_zh for i in [between.find(w)] if i >= 0), None)
        if v is None:
            continue
        # nothing but the verb and its object may stand between (no other clause subject)
        pre = between[:v[0]]
        if re.search(r"[，,]", pre) or len(pre) > 12:
            continue
        scope = between[v[0] + len(v[1]):].strip("“”\"' ")
        scope = scope if 2 <= len(scope) <= L.scope_max and not re.search(r"[，,]", scope) else None
        out.append(_fact(ctx, m, role, scope, (ws, we2), 0.8, "name-verb-role"))
    return out


def _en_roles(ctx: c.Context) -> list[Fact]:
    L = _lex()
    text = ctx.text
    out: list[Fact] = []
    # cheap scan for the first word of a role phrase, then the full phrase there
    for a in L.en_first_re.finditer(text):
        rm = L.en_re.match(text, a.start())
        if rm is None:
            continue
        ws, we = rm.span()
        role = L.en[rm.lastgroup or ""]
        sent = ctx.sentence(ws)
        # "leading enterprises include A, B and C"
        rest = text[we:sent[1]]
        lv = re.match(r"\s+(?:" + "|".join(re.escape(w) for w in L.list_en) + r")\b", rest, re.I)
        if lv:
            lst = _orgs(ctx, we + lv.end(), sent[1])
            for m in lst:
                out.append(_fact(ctx, m, role, None, (ws, we), 0.75, "list"))
            if lst:
                continue
        # "X, a leading … company" / "X is a listed company"
        orgs = _orgs(ctx, sent[0], ws)
        if not orgs:
            continue
        m = orgs[-1]
        between = text[m.end:ws].lower()
        if len(between) > 60:
            continue
        ok = re.match(r"^\s*,\s*(?:a|an|the|one of the)\b", between) or any(
            re.search(rf"\b{re.escape(v)}\b", between) for v in L.verbs_en)
        if ok:
            out.append(_fact(ctx, m, role, None, (ws, we), 0.7, "name-verb-role"))
    return out


def role_facts(doc: Document) -> list[Fact]:
    ctx = c.context(doc)
    facts = _en_roles(ctx) if ctx.en else _zh_roles(ctx)
    seen = set()
    out = []
    for f in facts:
        if off_topic(ctx, ctx.sentence(f.args["entity_mention"]["start"])):
            continue  # 光明乳业 as a food-industry leader is not part of a health-industry atlas
        key = (f.args["entity"], f.args["role"])
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


@registry.component("roles")
def extract_roles(doc: Document) -> Document:
    """Add ``role`` facts: an enterprise's designation (链主企业, 龙头企业, 百强 …) and scope."""
    return c.add_facts(doc, role_facts(doc))
