"""Role facts: designations an enterprise carries (链主企业, 龙头企业, 百强, 上市公司 …).

Patterns, all inside one clause and all anchored on an organisation mention:
"龙头企业锦州奥鸿药业" / "链主企业——X" / "作为链主企业的X" (role word right before the name),
"X跻身中国生物制药行业百强" / "X是…专精特新“小巨人”企业" (name, verb, role; the words
between are the scope), "A、B等行业龙头企业" and "龙头企业有A、B" (a list), "X在上交所科创板上市"
(listed, not "拟上市"), and in English "leading enterprises include A, B and C", "chain-leader
enterprises such as A and B", "A, B and other leading enterprises", "X, a leading medical
device company" (scope: medical device), "X was recognized as a national high-tech
enterprise", "X is a specialized and sophisticated 'little giant'", "X was listed on the
Shenzhen Stock Exchange".
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
    listing_en_re: re.Pattern[str]
    listing_zh_re: re.Pattern[str]
    listing_planned_zh: tuple[str, ...]
    listing_planned_en: tuple[str, ...]


def _en_phrase(phrase: str, group: str) -> str:
    """'leading * company' → regex: the words, with up to three free words for '*' (kept in
    ``group``: the scope, "a leading medical device company")."""
    out = ""
    for w in phrase.split():
        out += rf"(?P<{group}>(?:[\w-]+\s+){{0,3}}?)" if w == "*" else re.escape(w) + r"\s+"
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
        alts.append(rf"(?P<r{i}>\b{_en_phrase(k, f's{i}')}\b)")
        en_by_group[f"r{i}"] = v
    return _Lex(
        zh_re=re.compile(c.alternation(zh)), zh=zh,
        en_re=re.compile("|".join(alts) or r"(?!x)x"), en=en_by_group,  # both on Context.low
        en_first_re=re.compile(c.alternation({k.split()[0] for k in en}, en=True)),
        verbs_zh=c.words(d["verbs_zh"]), verbs_en=c.words(str(w).lower() for w in d["verbs_en"]),
        links=c.words(d["role_org_links"]),
        list_zh=c.words(d["list_verbs_zh"]), list_en=c.words(str(w).lower() for w in d["list_verbs_en"]),
        not_after=c.words(d.get("not_after_role")),
        scope_max=int(d.get("scope_max_len", 16)),
        listing_en_re=re.compile(
            r"\s+(?:(?:was|is|has been|had been|got|went|became)\s+)?(?:successfully\s+|publicly\s+|officially\s+)*listed\s+on\s+"
            r"(?:the\s+)?(?:[\w&'’-]+\s+){0,4}?(?:" + "|".join(re.escape(w) for w in c.words(d.get("listing_en"))) + r")\b", re.I),
        listing_zh_re=re.compile(
            r"(?:成功|正式|顺利)?(?:在|于|登陆|登录|挂牌)(?:[^，,。；;]{0,10}?)(?:" + c.alternation(d.get("listing_zh") or []) + r")"
            r"(?:[^，,。；;]{0,6}?)(?:挂牌)?上市(?!公司|企业|辅导|申请|计划|工作|进程|后备)"),
        listing_planned_zh=c.words(d.get("listing_planned_zh")),
        listing_planned_en=c.words(str(w).lower() for w in d.get("listing_planned_en") or ()),
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
        "role_span": {"start": word[0], "end": word[1]},
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
    low = ctx.low
    for a in L.en_first_re.finditer(low):
        rm = L.en_re.match(low, a.start())
        if rm is None:
            continue
        ws, we = rm.span()
        g = rm.lastgroup or ""
        role = L.en[g]
        star = rm.groupdict().get("s" + g[1:]) if g.startswith("r") else None
        scope = star.strip() if star and star.strip() else None
        sent = ctx.sentence(ws)
        # "leading enterprises include A, B and C", "chain-leader enterprises, such as A and B"
        rest = text[we:sent[1]]
        lv = re.match(r",?\s+(?:" + "|".join(re.escape(w) for w in L.list_en) + r")\b", rest, re.I)
        if lv:
            lst = _orgs(ctx, we + lv.end(), sent[1])
            if lst and re.fullmatch(r"[\s:,]*(?:the\s+)?", text[we + lv.end():lst[0].start], re.I):
                for m in _en_list(ctx, lst):
                    out.append(_fact(ctx, m, role, scope, (ws, we), 0.75, "list"))
                continue
        # "A, B and other leading enterprises"
        if re.search(r"\band\s+other\s+(?:[\w-]+\s+){0,2}$", text[max(sent[0], ws - 30):ws]):
            lst = _orgs(ctx, sent[0], ws)
            for m in _en_list(ctx, lst, before=ws):
                out.append(_fact(ctx, m, role, scope, (ws, we), 0.75, "list"))
            if lst:
                continue
        # "X, a leading … company" / "X is a listed company" / "X was recognized as a …"
        orgs = _orgs(ctx, sent[0], ws)
        if not orgs:
            continue
        m = orgs[-1]
        between = text[m.end:ws].lower()
        if len(between) > 60:
            continue
        ok = re.match(r"^\s*,\s*(?:a|an|the|one of the)\b", between) or any(
            re.search(rf"\b{re.escape(v)}\b", between) for v in L.verbs_en)
        if ok and not re.search(r"\b(?:not|never|no longer)\b", between):
            out.append(_fact(ctx, m, role, scope, (ws, we), 0.7, "name-verb-role"))
    # "X was listed on the Shanghai Stock Exchange"
    for m in ctx.mentions_in(0, len(text), ("organization",)):
        if m.entity.kind not in _ACTOR_KINDS:
            continue
        lm = L.listing_en_re.match(text, m.end)
        if lm is None:
            continue
        before = text[ctx.sentence(m.start)[0]:m.start].lower()
        if c.has_any(before + " " + lm.group().lower(), L.listing_planned_en, True):
            continue
        ls = m.end + len(lm.group()) - len(lm.group().lstrip())
        out.append(_fact(ctx, m, "上市公司", None, (ls, lm.end()), 0.8, "listed-on"))
    return out


def _en_list(ctx: c.Context, orgs: list[c.Mention], before: int | None = None) -> list[c.Mention]:
    """The enterprises of an English list "A, B and C" (only commas and 'and' between them)."""
    if before is not None:
        orgs = list(reversed(orgs))
    out: list[c.Mention] = []
    for m in orgs:
        if out:
            a, b = (out[-1], m) if before is None else (m, out[-1])
            if not re.fullmatch(r"\s*(?:,|and|, and|as well as)\s*(?:the\s+)?", ctx.text[a.end:b.start], re.I):
                break
        elif before is not None and not re.fullmatch(r"\s*,?\s*and\s+other\s+(?:[\w-]+\s+){0,2}", ctx.text[m.end:before], re.I):
            break
        out.append(m)
    return sorted(out, key=lambda x: x.start)


def _zh_listed(ctx: c.Context) -> list[Fact]:
    """'X在深交所创业板上市', 'X登陆科创板': a listed company (not a planned listing)."""
    L = _lex()
    text = ctx.text
    out: list[Fact] = []
    if "上市" not in text:
        return out
    for m in ctx.mentions_in(0, len(text), ("organization",)):
        if m.entity.kind not in _ACTOR_KINDS:
            continue
        lm = L.listing_zh_re.match(text, m.end)
        if lm is None:
            continue
        pre = text[max(ctx.clause(m.start)[0], m.start - 12):m.start] + lm.group()
        if c.has_any(pre, L.listing_planned_zh):
            continue
        out.append(_fact(ctx, m, "上市公司", None, (m.end, lm.end()), 0.8, "listed-on"))
    return out


def role_facts(doc: Document) -> list[Fact]:
    ctx = c.context(doc)
    facts = _en_roles(ctx) if ctx.en else _zh_roles(ctx) + _zh_listed(ctx)
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
