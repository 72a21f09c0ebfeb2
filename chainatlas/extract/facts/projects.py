"""Project and investment facts: named projects with status, amount, investor and place.

A project is named where the article names it: a phrase ending in 项目 whose left edge is
punctuation, a quote or a function word ("园区内的伯桢生物产业化北方基地项目"), the items of a
list of examples ("A、B、C等20个项目签约", "签约落户A、B、C等项目", "以A、B为代表的…项目"),
"X是…项目之一". In English: the noun phrase before "project(s)" when it says which one
("the Weigao Medical Device Industrial Park project", "Shandong … Demonstration Project for
the "Medicine Plus Food" Health Industry"), an enterprise's project ("Sinopharm's vaccine
project", "its manufacturing projects", "a project … invested by X" → "X project"), and
"projects of the X and the Y". A name made only of generic words (重点生物医药项目, "major
health industry projects") or of a place and generic words (启东生物医药产业领域项目) is
no project. Status comes from status words in the same clause, or the next one when the name
is the clause ("X项目,已完成主体工程建设"); the latest stage reached wins (建成投产 → 投产), a
stage only planned ("将/计划 … 开工") counts when none is reached and marks the fact planned.
The amount comes from an investment amount in the clause ("总投资50亿元的X项目", "该项目总
投资22亿元" right after it); an amount next to a list of projects is their total, not each one's.

An aggregate ("34个项目签约,投资额达105.16亿元") becomes an ``investment`` fact with the count
and the amount.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from chainatlas.extract.facts import common as c
from chainatlas.extract.facts import metrics as mx
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Fact, Quantity


@dataclass(frozen=True)
class _Lex:
    status_re: re.Pattern[str]
    status_of: dict[str, str]
    en_status_re: re.Pattern[str]
    en_status_of: dict[str, str]
    rank: dict[str, int]
    planned_zh: tuple[str, ...]
    planned_en: tuple[str, ...]
    neg_zh: tuple[str, ...]
    neg_en: tuple[str, ...]
    not_before: tuple[str, ...]
    stops: tuple[str, ...]
    max_len: int
    min_core: int
    generic: tuple[str, ...]
    amount_triggers: frozenset[str]
    aggregate_triggers: frozenset[str]
    not_projects: tuple[str, ...]
    bad_followers: tuple[str, ...]
    en_stops: frozenset[str]
    en_generic: frozenset[str]


@functools.cache
def _lex() -> _Lex:
    d = c.load_yaml("facts_projects.yaml")
    status_of = {str(w): k for k, ws in d["status"].items() for w in ws}
    en_status_of = {str(w).lower(): k for k, ws in d["status_en"].items() for w in ws}
    ranks = {s: i for i, s in enumerate(reversed(d["status_rank"]))}
    return _Lex(
        status_re=re.compile(c.alternation(status_of)),
        status_of=status_of,
        en_status_re=re.compile(c.alternation(en_status_of, en=True), re.I),
        en_status_of=en_status_of,
        rank=ranks,
        planned_zh=c.words(d["planned_words"]["zh"]), planned_en=c.words(str(w).lower() for w in d["planned_words"]["en"]),
        neg_zh=c.words(d["negation_words"]["zh"]), neg_en=c.words(str(w).lower() for w in d["negation_words"]["en"]),
        not_before=c.words(d.get("status_not_before")),
        stops=c.words(d["name_left_stops"]),
        max_len=int(d.get("name_max_len", 32)),
        min_core=int(d.get("name_min_core", 2)),
        generic=c.words(d["generic_words"]),
        amount_triggers=frozenset(str(w).lower() for k in ("zh", "en") for w in d["amount_triggers"][k]),
        aggregate_triggers=frozenset(str(w).lower() for k in ("zh", "en") for w in d["aggregate_amount_triggers"][k]),
        not_projects=c.words(d.get("list_not_projects")),
        bad_followers=c.words(d.get("name_bad_followers")),
        en_stops=frozenset(str(w).lower() for w in d.get("en_name_stops") or ()),
        en_generic=frozenset(str(w).lower() for w in d.get("en_generic_words") or ()),
    )


@dataclass
class _Cand:
    name: str
    start: int  # name span
    end: int
    how: str  # quoted | suffix | list | role | en
    confidence: float
    group: tuple[int, int] | None = None  # span of the list the item belongs to
    count: Quantity | None = None  # "等20个项目": the aggregate count of its list
    tail: tuple[int, int] | None = None  # "等11个入驻X产业园项目": the words after the list
    owner: c.Mention | None = None  # "its manufacturing projects": the enterprise named before


# --------------------------------------------------------------------------- names


def _generic(name: str, ctx: c.Context | None = None, start: int = 0, min_core: int | None = None) -> bool:
    L = _lex()
    if ctx is not None and ctx.mentions_in(start, start + len(name), ("organization",)):
        return False
    core = re.sub(r"(项目|project|projects)$", "", name, flags=re.I)
    core = core.strip("“”\"' ")
    rest = c.strip_generic(core, L.generic)
    if sum(1 for ch in rest if c.is_cjk(ch) or ch.isalpha()) < (L.min_core if min_core is None else min_core):
        return True
    return bool(re.search(r"[0-9一二三四五六七八九十两]+\s*[个家项批]", core))


def _just_a_place(ctx: c.Context, s: int, e: int) -> bool:
    """'巴南区项目', '启东生物医药产业领域项目': a region and generic words name no single project."""
    ms = ctx.mentions_in(s, e, ("region",))
    if not ms:
        return False
    rest, i = "", s
    for m in ms:
        rest += ctx.text[i:m.start]
        i = m.end
    rest += ctx.text[i:e]
    return _generic(rest + "项目")


def _suffix_names(ctx: c.Context) -> list[_Cand]:
    """Phrases ending in 项目 (quoted or not)."""
    L = _lex()
    text = ctx.text
    out: list[_Cand] = []
    for m in re.finditer("项目", text):
        p = m.start()
        end = m.end()
        # “…项目” — the whole quote is the name
        if text[end:end + 1] == "”":
            q0 = text.rfind("“", max(0, p - 40), p)
            if q0 >= 0 and "”" not in text[q0 + 1:p]:
                name = text[q0 + 1:end]
                if not _generic(name, ctx, q0 + 1, min_core=1):
                    out.append(_Cand(name, q0 + 1, end, "quoted", 0.9))
                continue
        start = c.scan_name_left(ctx, p, L.stops, L.max_len)
        name = text[start:end]
        if "”" not in name:
            name = name.lstrip("“\"'")
        start = end - len(name)
        if len(name) <= 2 or _generic(name, ctx, start) or _just_a_place(ctx, start, p):
            continue
        if any(text.startswith(w, end) for w in L.bad_followers):
            continue
        out.append(_Cand(name, start, end, "suffix", 0.8))
    return out


_LIST_COUNT = re.compile(r"等\s*(?:[0-9]+|[一二三四五六七八九十两百]+)\s*(?:个|家|批|项)|等(?=(?:一批|多个|重点|重大)?项目)")
_REPRESENT = re.compile(r"以([^，,。；;：:]{2,80}?)为(?:代表|主)的")
_ONE_OF = re.compile(r"是[^，,。；;]{0,20}?项目之一")


def _list_items(ctx: c.Context, floor: int, end: int) -> list[tuple[int, int]]:
    """Items of the list 'A、B和C' that ends at end (the list starts after floor).

    Only the first item is trimmed of a leading verb or preposition (现有海王 → 海王); the
    others are delimited by 、. 和/及 split the last piece unless one side is generic
    ("研发总部及产业化基地" is one name).
    """
    L = _lex()
    text = ctx.text
    bounds = [floor - 1] + [floor + m.start() for m in re.finditer("、", text[floor:end])] + [end]
    items: list[tuple[int, int]] = []
    for k in range(len(bounds) - 1):
        a, b = bounds[k] + 1, bounds[k + 1]
        if k == 0:
            a = c.scan_name_left(ctx, b, L.stops, L.max_len, limit=a)
        pieces = [(a + m.start(), a + m.end()) for m in re.finditer(r"以及|和|及", text[a:b])]
        cuts = [a]
        for ps, pe in pieces:
            left, right = text[cuts[-1]:ps], text[pe:b]
            if _generic(left) or _generic(right) or ctx.mention_at(ps) is not None:
                continue
            items.append((cuts[-1], ps))
            cuts.append(pe)
        if b - cuts[-1] >= 2:
            items.append((cuts[-1], b))
    return [(x, y) for x, y in items if 2 <= y - x <= 30]


def _list_names(ctx: c.Context) -> list[_Cand]:
    """'A、B、C等20个项目', '以A、B为代表的…项目', 'A、B、C项目' (a status in the clause)."""
    L = _lex()
    text = ctx.text
    out: list[_Cand] = []
    for m in _LIST_COUNT.finditer(text):
        tail = text[m.end():m.end() + 32]
        t = re.match(r"[^，,。；;：:、]{0,30}?项目", tail)
        if not t or any(w in t.group() for w in L.not_projects):
            continue
        cl = ctx.clause(m.start())
        items = _list_items(ctx, cl[0], m.start())
        if not items or (len(items) < 2 and m.group() == "等"):
            continue  # "A等项目" with one item: no list
        s = items[0][0]
        count = next(iter(ctx.quantities_in(m.start() + 1, m.end() + 2, "count")), None)
        for a, b in items:
            name = text[a:b]
            if not _generic(name, ctx, a):
                out.append(_Cand(name, a, b, "list", 0.75, group=(s, m.end() + t.end()), count=count,
                                 tail=(m.end(), m.end() + t.end())))
    for m in _REPRESENT.finditer(text):
        after = text[m.end():m.end() + 16]
        if not re.match(r"[^，,。；;：:]{0,12}?项目", after):
            continue
        s, e = m.start(1), m.end(1)
        for a, b in _list_items(ctx, s, e):
            name = text[a:b]
            if not _generic(name):
                out.append(_Cand(name, a, b, "list", 0.7, group=(m.start(), m.end())))
    for m in _ONE_OF.finditer(text):
        start = c.scan_name_left(ctx, m.start(), L.stops, L.max_len)
        name = text[start:m.start()]
        if len(name) >= 4 and not _generic(name):
            out.append(_Cand(name, start, m.start(), "role", 0.75))
    return out


def _siblings(ctx: c.Context, cands: list[_Cand]) -> list[_Cand]:
    """'海王一期、柳药一期、神冠胶原食品项目已建成投产': the items before a 项目 name."""
    text = ctx.text
    out: list[_Cand] = []
    for cd in cands:
        if cd.how != "suffix" or cd.start == 0 or text[cd.start - 1] != "、":
            continue
        cl = ctx.clause(cd.start)
        items = _list_items(ctx, cl[0], cd.start - 1)
        if not items or any(b - a > 20 for a, b in items):
            continue
        s = items[0][0]
        for a, b in items:
            name = text[a:b]
            if not _generic(name):
                out.append(_Cand(name, a, b, "list", 0.7, group=(s, cd.end)))
    return out


_CAP = r"[A-Z][\w&'’.-]*"
_EN_NAME = rf"(?:the\s+)?({_CAP}(?:\s+(?:(?:of|for|and|on|in)\s+)?{_CAP}){{1,10}})"
_EN_PROJECT_WORD = re.compile(r"[Pp]rojects?\b")
_EN_PROJECTS_OF = re.compile(r"projects?\s+(?:of|including|include|such as|namely)\s+")
_NUMBERISH = re.compile(r"[\d.,]+|\$.*")
_EN_WORD = re.compile(r"“[^”]{1,40}”|\"[^\"]{1,40}\"|[\w&'’.-]+")
# "Project for the “Medicine Plus Food” Health Industry": what a capitalised Project name goes on with
_EN_PROJECT_TAIL = re.compile(r"(?:\s+(?:for|of|on)\s+(?:the\s+)?(?:(?:“[^”]{1,40}”|\"[^\"]{1,40}\"|[A-Z][\w&'’-]*)\s*)+)?")


def _en_np_left(ctx: c.Context, end: int, floor: int) -> tuple[int, c.Mention | None]:
    """Start of the English noun phrase that ends at end ("the flexible intelligent
    manufacturing sharing platform"), and the enterprise of a possessive before it ("the
    company's", "its", "CR Pharma's")."""
    L = _lex()
    text = ctx.text
    i = end
    words = 0
    while i > floor and words < 10:
        j = i
        while j > floor and text[j - 1] == " ":
            j -= 1
        m = ctx.mention_at(j - 1, ("organization", "park")) if j > floor else None
        if m is not None and m.start >= floor:
            if text[m.end:m.end + 2] in ("'s", "’s"):
                return i, m
            i, words = m.start, words + 1
            continue
        if text[j - 1] in "”\"":  # a quoted part of the name
            q = text.rfind("“" if text[j - 1] == "”" else "\"", max(floor, j - 42), j - 1)
            if q < 0:
                break
            i, words = q, words + 1
            continue
        k = c.word_start(text, floor, j)
        if k == j:
            break
        token = text[k:j]
        low = token.lower()
        if low in ("its", "their") or low.endswith(("'s", "’s")):
            return i, _possessor(ctx, k, token)
        if low in L.en_stops or token.isdigit() or _NUMBERISH.fullmatch(token):
            break
        i, words = k, words + 1
    return i, None


def _possessor(ctx: c.Context, pos: int, token: str) -> c.Mention | None:
    """The enterprise a possessive names ("CR Pharma's", "the company's", "its")."""
    m = ctx.mention_at(pos, ("organization",))
    if m is not None and m.entity.kind in (None, "enterprise", "institution"):
        return m
    sent = ctx.sentence(pos)
    prev = [x for x in ctx.mentions_in(max(0, sent[0] - 400), pos, ("organization",))
            if x.entity.kind in (None, "enterprise")]
    if token.lower() in ("its", "their", "company's", "company’s", "firm's", "group's") and prev:
        return prev[-1]
    return None


def _en_investor(ctx: c.Context, sent: tuple[int, int]) -> c.Mention | None:
    """The enterprise that invests: "… invested by X", "X will invest / has signed / built …"."""
    for m in ctx.mentions_in(sent[0], sent[1], ("organization",)):
        if m.entity.kind not in (None, "enterprise"):
            continue
        if re.search(r"\bby\s+(?:the\s+)?$", ctx.text[max(sent[0], m.start - 8):m.start]) or re.match(
                r"\s+(?:has\s+|have\s+|will\s+)?(?:invest|invests|invested|build|builds|built|signed|launched)\b",
                ctx.text[m.end:m.end + 20]):
            return m
    return None


def _en_generic(name: str) -> bool:
    L = _lex()
    ws = [w for w in re.findall(r"[\w&'’-]+", name.lower()) if w not in L.en_generic]
    return not ws


def _en_names(ctx: c.Context) -> list[_Cand]:
    """English project names: "the X project", "X Project for the Y", "its manufacturing
    projects" (named after the enterprise), "projects of/including X and Y"."""
    text = ctx.text
    out: list[_Cand] = []
    # (a literal first lets the regex engine skip ahead; the word boundary is checked by hand)
    for pm in _EN_PROJECT_WORD.finditer(text):
        if pm.start() and text[pm.start() - 1].isalnum():
            continue
        sent = ctx.sentence(pm.start())
        start, owner = _en_np_left(ctx, pm.start(), sent[0])
        phrase = text[start:pm.start()].strip()
        if pm.group()[0] == "P" and phrase:
            tail = _EN_PROJECT_TAIL.match(text, pm.end())
            end = tail.end() if tail else pm.end()
            while end > pm.end() and text[end - 1] in " ":
                end -= 1
            name = text[start:end].strip()
            if text[start:end].rstrip().endswith(("for", "of", "on", "the")):
                name = text[start:pm.end()]
            out.append(_Cand(name, start, start + len(name), "en", 0.75))
            continue
        if pm.group().endswith("s") and re.match(r"\s+(?:of|including|include|such as|namely)\b", text[pm.end():]):
            continue
        if owner is not None and phrase:
            # "the company decided to move its manufacturing projects to …"
            name = f"{owner.entity.name} {phrase} {pm.group()}"
            out.append(_Cand(name, start, pm.end(), "en", 0.7, owner=owner))
        elif phrase and not _en_generic(phrase):
            name = phrase if phrase[:1].isupper() else f"{phrase} {pm.group()}"
            out.append(_Cand(name, start, start + len(name), "en", 0.75))
        elif pm.group() == "project" and re.search(r"\b(?:a|an|the)\s+$", text[max(0, start - 5):start], re.I):
            # "a project with a total investment of … invested by X": named after its investor
            inv = _en_investor(ctx, sent)
            if inv is not None:
                name = f"{inv.entity.name} {phrase} project".replace("  ", " ")
                out.append(_Cand(name, start, pm.end(), "en", 0.7, owner=inv))
    for m in _EN_PROJECTS_OF.finditer(text):
        if m.start() and text[m.start() - 1].isalnum():
            continue
        pos = m.end()
        for n in re.finditer(rf"(?:,\s*|\s+and\s+)?{_EN_NAME}", text[pos:pos + 300]):
            if n.start() != 0 and not re.match(r",|\s+and", n.group()):
                break
            name = n.group(1).strip()
            if len(name.split()) >= 2:
                out.append(_Cand(name, pos + n.start(1), pos + n.start(1) + len(name), "en", 0.7))
            pos2 = pos + n.end()
            if not re.match(r"\s*(?:,|and\b)", text[pos2:pos2 + 6]):
                break
    return out


# --------------------------------------------------------------------------- attributes


def _condition(text: str, end: int) -> bool:
    """'全部竣工达产后…', '建成后': a status word that only sets a condition for what follows."""
    L = _lex()
    tail = text[end:end + 4]
    for i in range(len(tail)):
        if tail[i] in "，,。；;、":
            return False
        if any(tail.startswith(w, i) for w in L.not_before):
            return True
    return False


def status_in(ctx: c.Context, s: int, e: int, skip: tuple[int, int] | None = None) -> tuple[str | None, bool, str | None]:
    """(status, planned, word) from the status words between s and e (outside skip).

    The latest stage reached wins; a stage only planned ("已抓紧进行内部装修,将于10月底前交付
    使用") counts only when no stage has been reached.
    """
    L = _lex()
    text = ctx.text
    best: tuple[bool, int, str, re.Match[str]] | None = None
    rx, table = (L.en_status_re, L.en_status_of) if ctx.en else (L.status_re, L.status_of)
    for m in rx.finditer(text, s, e):
        if skip and skip[0] <= m.start() < skip[1]:
            continue
        st = table[m.group().lower() if ctx.en else m.group()]
        before = text[max(s, m.start() - 3):m.start()]
        if ctx.en:
            if c.has_any(text[max(s, m.start() - 12):m.start()].lower(), L.neg_en, True):
                continue
        elif any(before.endswith(w) for w in L.neg_zh) or _condition(text, m.end()):
            continue
        # planning words before the status word, in its clause (and outside the name)
        pre_s = max(s, ctx.clause(m.start())[0])
        pre = text[pre_s:m.start()]
        if skip and pre_s < skip[1] and skip[0] < m.start():
            pre = text[pre_s:max(pre_s, skip[0])] + " " + text[min(skip[1], m.start()):m.start()]
        planned = c.has_any(pre.lower(), L.planned_en, True) if ctx.en else c.has_any(pre, L.planned_zh)
        key = (not planned, L.rank[st], st, m)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None, False, None
    reached, _, st, m = best
    return st, not reached, m.group()


def amount_near(ctx: c.Context, s: int, e: int, prefer: int, aggregate: bool = False) -> Quantity | None:
    """The investment amount (总投资/投资额/investment of) between s and e nearest prefer."""
    L = _lex()
    allowed = L.aggregate_triggers if aggregate else L.amount_triggers
    best = None
    for q in ctx.quantities_in(s, e, "money"):
        cl = ctx.clause(q.start, q.end)
        r = mx.read_quantity(ctx, q, cl)
        if r is None or r.metric != "投资额" or r.trigger.lower() not in allowed:
            continue
        if best is None or abs(q.start - prefer) < abs(best.start - prefer):
            best = q
    return best


def _place(ctx: c.Context, sent: tuple[int, int], name_span: tuple[int, int], type_: str,
           group: tuple[int, int] | None = None) -> str | None:
    """Nearest region / park mentioned in the sentence outside the name (and its list);
    regions default to the document's main region."""
    outside = group or name_span
    ms = [m for m in ctx.mentions_in(sent[0], sent[1], (type_,))
          if not (name_span[0] <= m.start < name_span[1]) and not (outside[0] <= m.start < outside[1])]
    if ms:
        mid = (name_span[0] + name_span[1]) // 2
        return min(ms, key=lambda m: abs(m.start - mid)).entity.name
    if type_ == "region" and ctx.main_region is not None:
        return ctx.main_region.name
    return None


def _investor(ctx: c.Context, cd: _Cand, sent: tuple[int, int]) -> c.Mention | None:
    if cd.owner is not None:
        return cd.owner
    inside = [m for m in ctx.mentions_in(cd.start, cd.end, ("organization",))]
    if inside:
        return inside[0]
    if ctx.en:
        return _en_investor(ctx, sent)
    # "由X投资建设的…项目"
    for m in ctx.mentions_in(sent[0], cd.start, ("organization",)):
        if _ZH_INVESTS.match(ctx.text, m.end, m.end + 4):
            return m
    return None


_ZH_INVESTS = re.compile(r"\s*(?:投资|投建|出资|建设|独资|控股)")


# --------------------------------------------------------------------------- facts


_ANAPHOR = re.compile(r"(?:该|此|这个|这一|本)?项目")


def _anaphoric_amount(ctx: c.Context, cd: _Cand, sent: tuple[int, int]) -> Quantity | None:
    """'…X项目…,该项目总投资10亿元' or the next sentence opening with 该项目/项目."""
    text = ctx.text
    m = re.search(r"(?:该|此|这个|这一|本)项目", text[cd.end:sent[1]])
    if m:
        q0 = cd.end + m.end()
        return amount_near(ctx, q0, ctx.clause(q0)[1], q0)
    i = ctx.sentence_index(cd.start)
    if i + 1 < len(ctx.sentences):
        ns = ctx.sentences[i + 1]
        m = _ANAPHOR.search(text[ns[0]:ns[0] + 6])
        if m and m.start() <= 1:
            q0 = ns[0] + m.end()
            return amount_near(ctx, q0, ctx.clause(q0)[1], q0)
    return None


def _project_fact(ctx: c.Context, cd: _Cand, sole_name: bool = False) -> Fact | None:
    sent = ctx.sentence(cd.start)
    cl = ctx.clause(cd.start, cd.end)
    scope = cl if cd.group is None else (min(cl[0], cd.group[0]), max(cl[1], ctx.clause(cd.group[1] - 1)[1]))
    if mx.off_topic(ctx, sent):
        return None
    st, planned, word = status_in(ctx, scope[0], scope[1], (cd.start, cd.end))
    if st is None and ctx.en:
        # "A project with …, invested by X, started construction": the verb after the commas
        st, planned, word = status_in(ctx, cd.end, sent[1])
    if st is None and cd.how in ("suffix", "quoted") and not ctx.text[cd.end:cl[1]].strip("”\"' "):
        # "X项目,已完成主体工程建设": the name is the subject of the next clause
        nxt = ctx.clause(cl[1] + 1) if cl[1] + 1 < sent[1] else None
        if nxt is not None:
            st, planned, word = status_in(ctx, nxt[0], nxt[1])
    if st is None and cd.count is not None:
        # "此次集中开工的23个项目…,包括A、B等8个创新链项目": the sentence's status
        st, planned, word = status_in(ctx, sent[0], sent[1], (cd.start, cd.end))
    amount = None
    if cd.group is None:  # an amount next to a list is the total of the list
        amount = amount_near(ctx, cl[0], cl[1], cd.start)
        if amount is None and cd.how != "list" and sole_name:
            # "X项目占地约712亩,总投资约55亿元": the sentence is about this one project
            amount = amount_near(ctx, cd.end, sent[1], cd.end)
        if amount is None and cd.how != "list":
            amount = _anaphoric_amount(ctx, cd, sent)
    if st is None and amount is None and cd.how not in ("quoted", "role"):
        return None
    d = ctx.date_near(sent, cd.start)
    inv = _investor(ctx, cd, sent)
    args: dict[str, Any] = {
        "name": cd.name,
        "investor": inv.entity.name if inv else None,
        "region": _place(ctx, sent, (cd.start, cd.end), "region", cd.group),
        "park": _place(ctx, sent, (cd.start, cd.end), "park", cd.group),
        "amount": c.number(amount.value) if amount else None,
        "currency": (amount.currency or "CNY") if amount else None,
        "status": st,
        "date": d.date if d else None,
        "name_span": {"start": cd.start, "end": cd.end},
    }
    if amount:
        args["amount_quantity"] = c.quantity_ref(amount)
    if inv is not None:
        args["investor_mention"] = {"text": ctx.text[inv.start:inv.end], "start": inv.start, "end": inv.end}
    if d:
        args["date_text"] = d.text
        args["date_precision"] = d.precision
    if st:
        args["status_text"] = word
    if planned:
        args["planned"] = True
    conf = cd.confidence + (0.05 if st else -0.05) + (0.05 if amount else 0.0) - (0.1 if planned else 0.0)
    # "X项目开工。该项目总投资30亿元": the evidence covers both sentences (and the investor's)
    start, end = ctx.cover(sent[0], sent[1], (amount.start, amount.end) if amount else None,
                           (inv.start, inv.end) if inv else None)
    return Fact("project", args, start, end, round(min(max(conf, 0.3), 0.95), 3))


def _aggregate_facts(ctx: c.Context) -> list[Fact]:
    """'34个项目签约,投资额达105.16亿元' → investment {count 34, amount 10516000000, 签约}."""
    out = []
    for q in ctx.quantities:
        if q.kind != "count":
            continue
        cl = ctx.clause(q.start, q.end)
        if ctx.en and not c.is_cjk(ctx.text[q.start]):
            if not c.norm_space(q.text).lower().endswith("projects"):
                continue
            np = q.text
        else:
            found = mx.zh_counted_phrase(ctx, q, cl)
            if not found or not found[0].endswith("项目"):
                continue
            np = found[0]
            if any(w in np for w in ("以上", "以下", "亿元", "万元")):
                continue
        sent = ctx.sentence(q.start)
        if mx.off_topic(ctx, sent):
            continue
        # English clauses run long ("signed agreements with A and B and launched seven
        # projects"): the status verb stands a few words before the count or after it
        st, planned, word = status_in(ctx, max(cl[0], q.start - 60) if ctx.en else cl[0], cl[1])
        # the total in the same clause or the next one ("34个项目签约,投资额达105.16亿元")
        nxt = ctx.clause(cl[1] + 1) if cl[1] + 1 < sent[1] else cl
        amount = amount_near(ctx, cl[0], max(cl[1], nxt[1]), q.end, aggregate=True)
        if st is None and amount is None:
            continue
        d = ctx.date_near(sent, q.start)
        args: dict[str, Any] = {
            "count": c.number(q.value),
            "amount": c.number(amount.value) if amount else None,
            "currency": (amount.currency or "CNY") if amount else None,
            "status": st,
            "region": _place(ctx, sent, (q.start, q.end), "region"),
            "park": _place(ctx, sent, (q.start, q.end), "park"),
            "date": d.date if d else None,
            "count_quantity": c.quantity_ref(q),
            "what": np,
        }
        if amount:
            args["amount_quantity"] = c.quantity_ref(amount)
        if d:
            args["date_text"] = d.text
            args["date_precision"] = d.precision
        if planned:
            args["planned"] = True
        conf = 0.8 if (st and amount) else 0.7
        dup = next((f for f in out if f.args["count"] == args["count"] and f.args["status"] == st), None)
        if dup is not None:
            if dup.args["amount"] is None and args["amount"] is not None:
                out[out.index(dup)] = Fact("investment", args, sent[0], sent[1], conf)
            continue
        out.append(Fact("investment", args, sent[0], sent[1], conf))
    return out


_MERGE_GAP = 300  # characters between two mentions of one project merged into one fact
_WITH = {"amount": ("amount_quantity", "currency"), "investor": ("investor_mention",),
         "status": ("status_text",), "date": ("date_text", "date_precision")}


def _norm_name(s: str) -> str:
    return re.sub(r"[\s“”\"'()（）·]|项目$", "", s).lower()


def project_facts(doc: Document) -> list[Fact]:
    ctx = c.context(doc)
    if ctx.en:
        cands = _en_names(ctx)
    else:
        cands = _suffix_names(ctx)
        cands += _siblings(ctx, cands)
        cands += _list_names(ctx)
    # one candidate per span: quoted > list/role > suffix; drop spans inside another
    cands.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[_Cand] = []
    tails = [cd.tail for cd in cands if cd.tail]
    for cd in cands:
        if any(k.start <= cd.start and cd.end <= k.end for k in kept):
            continue
        if cd.how == "suffix" and any(g[0] <= cd.start and cd.end <= g[1] for g in tails):
            continue  # "A、B等11个入驻X产业园项目": the tail of a list, not a name
        kept.append(cd)
    facts: list[Fact] = []
    by_name: dict[str, Fact] = {}
    per_sentence: dict[int, int] = {}
    for cd in kept:
        i = ctx.sentence_index(cd.start)
        per_sentence[i] = per_sentence.get(i, 0) + 1
    for cd in kept:
        f = _project_fact(ctx, cd, per_sentence[ctx.sentence_index(cd.start)] == 1)
        if f is None:
            continue
        key = _norm_name(cd.name)
        old = by_name.get(key)
        if old is not None:
            # a later mention completes the first when it is close enough to be shown with it
            if f.start - old.end <= _MERGE_GAP:
                for k in ("status", "amount", "investor", "park", "date"):
                    if old.args.get(k) is None and f.args.get(k) is not None:
                        old.args[k] = f.args[k]
                        for extra in _WITH.get(k, ()):
                            if f.args.get(extra) is not None:
                                old.args[extra] = f.args[extra]
                        old.start, old.end = min(old.start, f.start), max(old.end, f.end)
            old.args.setdefault("mentions", []).append({"start": f.start, "end": f.end})
            continue
        by_name[key] = f
        facts.append(f)
    facts += _aggregate_facts(ctx)
    return facts


@registry.component("projects")
def extract_projects(doc: Document) -> Document:
    """Add ``project`` facts (named projects) and ``investment`` facts (aggregate signings)."""
    return c.add_facts(doc, project_facts(doc))
