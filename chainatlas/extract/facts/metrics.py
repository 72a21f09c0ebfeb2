"""Metric facts: which industry figure a quantity states, for whom and for when.

"钱塘区生命健康产业完成产值473.26亿元" → metric 产值 of 钱塘区, 47326000000 元, 2021 (from the
sentence's "2021年"). The metric comes only from explicit wording next to the number
(data/facts_metrics.yaml): a trigger word right before the amount with nothing but link
words between (产值|达|473.26亿元, revenue|of|18.026 billion yuan), a trigger right after it
(万亿元|规模), or for counts the counted noun phrase (83家|规上企业, 规上企业|达|246家,
108 enterprises). Thresholds (1亿元以上企业, 两家销售额超100亿元的企业), intensities (每亩投资),
subsets (其中制造企业), participants (10家企业参加签约), a total whose status counts another
number ("35个新建项目开工建设8个"), project amounts (该项目总投资…, they go to the project
fact) and growth rates that do not say what grew are skipped: precision first.

A growth rate carries ``of``: the metric word printed before it ("产值、利润同比增长23.1%、
27.6%" → 产值, 利润; "revenue of …, and profits of …, growth rates of 19.5 percent and 77
percent, respectively"; "The figures were up by …" → the figures of the sentence before).
A count of enterprises named for a designation ("7家企业入选全国医药工业百强", "listed as
national top 100") takes the designation's metric. A figure restated later in the article
is one fact (its first statement).

The subject is the nearest region, park or enterprise mentioned before the number in the
same sentence (skipping names that are examples in a list, and in English objects after
"with", "like" …), else the document's main region; ``subject_mention`` says where it is
printed, and the evidence covers that sentence too. The period is the nearest year before the number in the sentence ("2022年",
"By 2024", "截至2023年底"), else "目前/今年/currently" → the publication year.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from chainatlas.extract.facts import common as c
from chainatlas.extract.facts.dates import parse_published
from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Fact, Quantity

_DIGIT = re.compile(r"[0-9０-９]")
_ZH_AND = re.compile(r"与|和|及|以及|、")
_ZH_NP_STOP = re.compile(r"[\s,，。；;:：、()（）“”\"《》!?！？]")


@dataclass(frozen=True)
class _CountRule:
    metric: str
    zh_heads: tuple[str, ...]
    zh_mods: tuple[str, ...]
    zh_clause: tuple[str, ...]
    zh_block: tuple[str, ...]
    en_heads: tuple[str, ...]
    en_mods: tuple[str, ...]
    en_clause: tuple[str, ...]
    en_block: tuple[str, ...]
    zh_verb_after: tuple[str, ...] = ()
    en_verb_after: tuple[str, ...] = ()
    en_verb_block: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Lex:
    zh_before: re.Pattern[str]  # trigger + links, anchored at the end of the left context
    zh_after: re.Pattern[str]
    en_before: re.Pattern[str]
    en_after: re.Pattern[str]
    trig_metric: dict[tuple[str, str], str]  # (kind, trigger) → metric
    zh_block: tuple[str, ...]
    en_block: tuple[str, ...]
    zh_forbidden: tuple[str, ...]
    en_forbidden: tuple[str, ...]
    link_max_chars: int
    link_max_words: int
    counts: tuple[_CountRule, ...]
    zh_heads: tuple[str, ...]
    zh_head_set: frozenset[str]
    zh_head_lens: tuple[int, ...]
    zh_followers: tuple[str, ...]
    zh_follower_set: frozenset[str]
    zh_follower_lens: tuple[int, ...]
    zh_links_re: re.Pattern[str]
    threshold_re: re.Pattern[str]
    en_threshold_re: re.Pattern[str]
    zh_np_block: tuple[str, ...]
    en_np_block: tuple[str, ...]
    zh_intensity: tuple[str, ...]
    en_intensity: tuple[str, ...]
    zh_subset: tuple[str, ...]
    en_subset: tuple[str, ...]
    now_zh: tuple[str, ...]
    now_en: tuple[str, ...]
    target_zh: tuple[str, ...]
    target_en: tuple[str, ...]
    stock: frozenset[str]
    zh_increment: tuple[str, ...]
    en_increment: tuple[str, ...]
    zh_on: tuple[str, ...]
    en_on: tuple[str, ...]
    zh_off: tuple[str, ...]
    en_off: tuple[str, ...]
    en_modals: tuple[str, ...]
    all_mods: tuple[str, ...]
    zh_head_re: re.Pattern[str]
    zh_follower_re: re.Pattern[str]
    all_mods_re: re.Pattern[str]
    rules_by_zh_head: dict[str, tuple[int, ...]]
    zh_designation: tuple[str, ...]
    en_if: dict[str, tuple[str, ...]]  # conditional English trigger → words its sentence needs
    growth_of_re: re.Pattern[str]
    growth_of_en_re: re.Pattern[str]
    growth_of: dict[str, str]
    growth_anaphors_en: tuple[str, ...]


def _lower(ws: Any) -> tuple[str, ...]:
    return c.words(str(w).lower() for w in ws or ())


@functools.cache
def _lex() -> _Lex:
    d = c.load_yaml("facts_metrics.yaml")
    t = c.load_yaml("facts_dates.yaml")
    trig: dict[tuple[str, str], str] = {}
    groups: dict[str, dict[str, list[str]]] = {"zh_before": {}, "zh_after": {}, "en_before": {}, "en_after": {}}
    en_if: dict[str, tuple[str, ...]] = {}
    for kind in ("money", "percent"):
        for entry in d.get(kind) or []:
            metric = entry["metric"]
            for w in entry.get("en_before_if") or []:
                en_if[str(w).lower()] = _lower(entry.get("needs_en"))
                entry = {**entry, "en_before": [*(entry.get("en_before") or []), w]}
            for key in groups:
                for w in entry.get(key) or []:
                    w = str(w).lower() if key.startswith("en") else str(w)
                    trig.setdefault((f"{kind}:{key}", w), metric)
                    groups[key].setdefault(kind, []).append(w)
    # what a growth rate is of: money trigger words (→ their metric) and the growth_of words
    growth_of = {w.lower(): m for (k, w), m in trig.items() if k.startswith("money:") and "before" in k}
    growth_of.update({str(k).lower(): str(v) for k, v in (d.get("growth_of") or {}).items()})
    zh_of = [w for w in growth_of if c.is_cjk(w[:1])]
    en_of = [w for w in growth_of if not c.is_cjk(w[:1])]
    links_zh = c.alternation(d["links"]["zh"])
    links_en = c.alternation(d["links"]["en"], en=True)

    def before_re(key: str, en: bool) -> re.Pattern[str]:
        alts = "|".join(f"(?P<{k}>{c.alternation(v, en=en)})" for k, v in groups[key].items())
        if en:
            return re.compile(rf"(?:{alts})(?P<link>(?:[\s,]+{links_en})*)[\s,]*$", re.I)
        return re.compile(rf"(?:{alts})(?P<link>(?:{links_zh})*)$")

    def after_re(key: str, en: bool) -> re.Pattern[str]:
        alts = "|".join(f"(?P<{k}>{c.alternation(v, en=en)})" for k, v in groups[key].items())
        if en:
            return re.compile(rf"^\s*(?:{alts})", re.I)
        return re.compile(rf"^(?:以上|左右|多|余)?的?(?:{alts})")

    counts = []
    for e in d.get("count") or []:
        counts.append(_CountRule(
            metric=e["metric"],
            zh_heads=c.words(e.get("zh_heads")), zh_mods=c.words(e.get("zh_mods")),
            zh_clause=c.words(e.get("zh_clause")), zh_block=c.words(e.get("zh_block")),
            en_heads=_lower(e.get("en_heads")), en_mods=_lower(e.get("en_mods")),
            en_clause=_lower(e.get("en_clause")), en_block=_lower(e.get("en_block")),
            zh_verb_after=c.words(e.get("zh_verb_after")), en_verb_after=_lower(e.get("en_verb_after")),
            en_verb_block=_lower(e.get("en_verb_block")),
        ))
    thr_after = c.alternation(d.get("threshold_after") or [])
    thr_nouns = c.alternation(d.get("threshold_nouns") or [])
    return _Lex(
        zh_before=before_re("zh_before", False), zh_after=after_re("zh_after", False),
        en_before=before_re("en_before", True), en_after=after_re("en_after", True),
        trig_metric=trig,
        zh_block=c.words(d["money_block_before"]["zh"]), en_block=_lower(d["money_block_before"]["en"]),
        zh_forbidden=c.words(d["percent_forbidden_links"]["zh"]),
        en_forbidden=_lower(d["percent_forbidden_links"]["en"]),
        link_max_chars=int(d.get("link_max_chars", 8)), link_max_words=int(d.get("link_max_words", 6)),
        counts=tuple(counts),
        zh_heads=c.words(h for r in counts for h in r.zh_heads),
        zh_head_set=frozenset(h for r in counts for h in r.zh_heads),
        zh_head_lens=tuple(sorted({len(h) for r in counts for h in r.zh_heads})),
        zh_followers=c.words(d.get("zh_head_followers")),
        zh_follower_set=frozenset(c.words(d.get("zh_head_followers"))),
        zh_follower_lens=tuple(sorted({len(w) for w in c.words(d.get("zh_head_followers"))})),
        zh_links_re=re.compile(rf"(?:{links_zh}|总数|数量|总量|\s)*$"),
        threshold_re=re.compile(rf"^(?:{thr_after})?(?:{thr_nouns})|^(?:{thr_after})"),
        en_threshold_re=re.compile(r"^\s*(?:\([^)]{0,40}\)\s*)?(?:or more|or above|and above|and more|or higher)\b", re.I),
        zh_np_block=c.words(d["count_np_block"]["zh"]), en_np_block=_lower(d["count_np_block"]["en"]),
        zh_intensity=c.words(d["intensity_words"]["zh"]), en_intensity=_lower(d["intensity_words"]["en"]),
        zh_subset=c.words(d["subset_openers"]["zh"]), en_subset=_lower(d["subset_openers"]["en"]),
        now_zh=c.words(t["now_words"]["zh"]), now_en=_lower(t["now_words"]["en"]),
        target_zh=c.words(t["target_words"]["zh"]), target_en=_lower(t["target_words"]["en"]),
        stock=frozenset(d.get("stock_metrics") or ()),
        zh_increment=c.words(d["increment_words"]["zh"]), en_increment=_lower(d["increment_words"]["en"]),
        zh_on=c.words(d["on_topic"]["zh"]), en_on=_lower(d["on_topic"]["en"]),
        zh_off=c.words(d["off_topic"]["zh"]), en_off=_lower(d["off_topic"]["en"]),
        en_modals=_lower(d.get("en_modals")),
        all_mods=c.words(m for r in counts for m in r.zh_mods),
        zh_head_re=re.compile(c.alternation(h for r in counts for h in r.zh_heads)),
        zh_follower_re=re.compile(c.alternation(d.get("zh_head_followers") or [])),
        all_mods_re=re.compile(c.alternation(m for r in counts for m in r.zh_mods)),
        rules_by_zh_head={h: tuple(i for i, r in enumerate(counts) if h in r.zh_heads)
                          for r in counts for h in r.zh_heads},
        zh_designation=c.words(d.get("zh_designation_verbs")),
        en_if=en_if,
        growth_of_re=re.compile(c.alternation(zh_of)),
        growth_of_en_re=re.compile(c.alternation(en_of, en=True), re.I),
        growth_of=growth_of,
        growth_anaphors_en=_lower(d.get("growth_anaphors_en")),
    )


@dataclass(slots=True)
class Reading:
    """What a quantity measures, and how sure the wording makes us."""

    metric: str
    trigger: str
    confidence: float


# --------------------------------------------------------------------------- money & percent


def _trigger_metric(kind: str, key: str, trigger: str) -> str | None:
    L = _lex()
    return L.trig_metric.get((f"{kind}:{key}", trigger.lower() if key.startswith("en") else trigger))


def _read_amount(ctx: c.Context, q: Quantity, cl: tuple[int, int]) -> Reading | None:
    """money / percent: a trigger right before (links only between) or right after."""
    L = _lex()
    text = ctx.text
    left = text[cl[0]:q.start]
    right = text[q.end:cl[1]]
    kind = q.kind
    en = ctx.en and not c.is_cjk(text[q.start:q.start + 1] or "a")
    if kind == "money" and c.has_any(left.lower() if en else left, L.en_intensity if en else L.zh_intensity):
        return None
    if kind == "percent" and (q.unit or "") in ("百分点", "percentage points", "percentage point"):
        return None
    if kind == "money" and (L.en_threshold_re.match(right) if en else L.threshold_re.match(right)):
        return None
    if kind == "money" and not en and _count_follows(ctx, q):
        return None
    # "销售额超50亿元的龙头企业", "两家销售额超100亿元": a size class of enterprises
    class_of = kind == "money" and not en and _CLASS_OF.match(right) is not None
    window = left[-60:] if en else left[-24:]
    m = (L.en_before if en else L.zh_before).search(window)
    if m:
        trig_kind = next((k for k in ("money", "percent") if k in m.groupdict() and m.group(k)), None)
        if trig_kind == kind:
            trig = m.group(kind)
            link = m.group("link") or ""
            if _link_ok(link, en, kind) and not _blocked_before(window[:m.start()], en):
                metric = _trigger_metric(kind, "en_before" if en else "zh_before", trig)
                needs = L.en_if.get(trig.lower()) if en else None
                if needs is not None:
                    sent = ctx.sentence(q.start)
                    if not c.has_any(text[sent[0]:sent[1]].lower(), needs, True):
                        metric = None
                if metric != "投资额" and (class_of or kind == "money" and not en
                                           and _count_before(ctx, q.start - len(window) + m.start())):
                    return None
                if metric:
                    return Reading(metric, trig, 0.9 if not link.strip() else 0.85)
    m = (L.en_after if en else L.zh_after).match(right)
    if m:
        trig_kind = next((k for k in ("money", "percent") if k in m.groupdict() and m.group(k)), None)
        if trig_kind == kind:
            metric = _trigger_metric(kind, "en_after" if en else "zh_after", m.group(kind))
            if metric:
                return Reading(metric, m.group(kind), 0.8)
    return None


_CLASS_OF = re.compile(r"^(?:以上|以下|左右|多|余)?的[^，,。；;、]{0,12}?(?:企业|公司|药企|品种|产品)")


def _count_before(ctx: c.Context, pos: int) -> bool:
    """A count printed right before the trigger at pos ("两家销售额超100亿元")."""
    return any(0 <= pos - q.end <= 1 for q in ctx.quantities_in(max(0, pos - 8), pos, "count"))


def _count_follows(ctx: c.Context, q: Quantity) -> bool:
    """'营业收入超过10亿元的4家': the amount is a class boundary for the count after it."""
    for nq in ctx.quantities_in(q.end, q.end + 4, "count"):
        if re.fullmatch(r"(?:以上|以下)?的?", ctx.text[q.end:nq.start]):
            return True
    return False


def _link_ok(link: str, en: bool, kind: str) -> bool:
    L = _lex()
    if en:
        ws = link.lower().replace(",", " ").split()
        if len(ws) > L.link_max_words:
            return False
        return not (kind == "percent" and any(w in L.en_forbidden for w in ws))
    if len(link) > L.link_max_chars:
        return False
    return not (kind == "percent" and any(link.endswith(w) or w in link for w in L.zh_forbidden))


def _blocked_before(before: str, en: bool) -> bool:
    L = _lex()
    if en:
        tail = before.lower().rstrip()
        return any(tail.endswith(w) for w in L.en_block)
    return any(before.endswith(w) for w in L.zh_block)


# --------------------------------------------------------------------------- counts


def count_reading(ctx: c.Context, q: Quantity, cl: tuple[int, int] | None = None) -> tuple[Reading, str] | None:
    """The metric of a count from its counted noun phrase; returns (reading, phrase)."""
    cl = cl or ctx.clause(q.start, q.end)
    if ctx.en and not c.is_cjk(ctx.text[q.start:q.start + 1] or "a"):
        return _count_en(ctx, q, cl)
    return _count_zh(ctx, q, cl)


def zh_counted_phrase(ctx: c.Context, q: Quantity, cl: tuple[int, int]) -> tuple[str, str] | None:
    """The noun phrase a Chinese count counts, and on which side of the number it stands."""
    L = _lex()
    text = ctx.text
    # 1) number first: 83家规上企业 / 34个项目签约
    right = text[q.end:cl[1]]
    stop = _ZH_NP_STOP.search(right)
    np_right = right[:stop.start()] if stop else right
    # a project phrase may name where the projects go ("11个入驻云东海医药健康产业园和…项目")
    longest = 32 if "项目" in np_right[16:32] else 16
    # every end of a head word, left to right (overlapping: 生物医|药企|业 holds 企业 too)
    best = None
    m = L.zh_head_re.search(np_right, 0, longest)
    while m is not None and (best is None or m.start() < best):
        for k in L.zh_head_lens:
            i = m.start() + k
            if (best is None or i < best) and i <= len(np_right) and np_right[m.start():i] in L.zh_head_set and (
                    i == len(np_right) or L.zh_follower_re.match(np_right, i)):
                best = i
                break
        m = L.zh_head_re.search(np_right, m.start() + 1, longest)
    if best is not None:
        return np_right[:best], "right"
    # 2) noun first: 规上企业83家 / 市场主体达到1800家 / 企业(项目)72家
    left = text[cl[0]:q.start]
    left = re.sub(r"[(（][^()（）]{1,8}[)）]$", "", left)
    lm = L.zh_links_re.search(left)
    core = left[:lm.start()] if lm else left
    cut = list(re.finditer(r"[0-9０-９年月日、\s]|年[末底初]", core))
    core = core[cut[-1].end():] if cut else core
    if not any(core[-k:] in L.zh_head_set for k in L.zh_head_lens if k <= len(core)):
        return None
    return core[-16:], "left"


def _count_zh(ctx: c.Context, q: Quantity, cl: tuple[int, int]) -> tuple[Reading, str] | None:
    L = _lex()
    text = ctx.text
    clause = text[cl[0]:cl[1]]
    found = zh_counted_phrase(ctx, q, cl)
    if found is None:
        return None
    np, where = found
    after = text[q.end + len(np):cl[1]] if where == "right" else ""
    bare = L.all_mods_re.sub("", np)
    if c.has_any(bare, L.zh_np_block) or _DIGIT.search(np):
        return None
    np = _ZH_AND.split(np)[-1]
    subset = _subset_zh(ctx, q)
    # the rules whose head the phrase ends with, in the order of the data file
    idx: set[int] = set()
    for k in L.zh_head_lens:
        idx.update(L.rules_by_zh_head.get(np[-k:], ()))
    for i in sorted(idx):
        r = L.counts[i]
        if r.zh_mods and not c.has_any(np, r.zh_mods):
            continue
        if r.zh_clause and not c.has_any(clause, r.zh_clause):
            continue
        if r.zh_verb_after and not _verb_follows(after, r.zh_verb_after):
            continue
        scope = clause if where == "right" else text[cl[0]:q.end]
        scope = scope.replace("为代表", "")  # "以X为代表的近百家企业": not a delegate
        if r.zh_block and c.has_any(scope, r.zh_block):
            des = c.finder(_lex().zh_designation).search(scope)
            if des is not None:  # "7家企业入选全国医药百强": counted for a designation
                return _designation(L.counts, np, scope[des.end():], False)
            return None
        if r.zh_clause and where == "right" and _status_then_count(ctx, q, cl, r.zh_clause):
            return None
        if r.metric in L.stock and c.has_any(scope, L.zh_increment):
            return None
        if not (r.zh_mods or r.zh_clause) and r.metric in L.stock and subset:
            return None
        return Reading(r.metric, np, 0.85), np
    return None


def _designation(rules: tuple[_CountRule, ...], np: str, tail: str, en: bool) -> tuple[Reading, str] | None:
    """The count of a designation named after the verb (百强, top 100, 专精特新), if any."""
    for r in rules:
        heads, mods = (r.en_heads, r.en_mods) if en else (r.zh_heads, r.zh_mods)
        if mods and any(np.endswith(h) for h in heads) and c.has_any(tail, mods, en):
            return Reading(r.metric, np, 0.8), np
    return None


def _verb_follows(after: str, verbs: tuple[str, ...]) -> bool:
    """'18家企业(与园区)集中签约': one of verbs within a few characters after the phrase."""
    m = c.finder(verbs).search(after, 0, 12)
    return m is not None and not re.search(r"[，,。；;：:]", after[:m.start()])


def _status_then_count(ctx: c.Context, q: Quantity, cl: tuple[int, int], words: tuple[str, ...]) -> bool:
    """'35个新建项目开工建设8个': the status word counts the number after it, not this one."""
    for nq in ctx.quantities_in(q.end + 1, cl[1], "count"):
        if c.has_any(ctx.text[q.end:nq.start], words):
            return True
    return False


def _subset_zh(ctx: c.Context, q: Quantity) -> bool:
    """'其中' / '包括' earlier in the same full sentence (up to 。, across ；): a part of a total."""
    L = _lex()
    text = ctx.text
    start = ctx.full_stop_before(q.start) + 1  # (also !? — same as the sentence's own start)
    seg = text[start:q.start]
    return c.has_any(seg, L.zh_subset)


def _count_en(ctx: c.Context, q: Quantity, cl: tuple[int, int]) -> tuple[Reading, str] | None:
    L = _lex()
    text = ctx.text
    np = c.norm_space(text[q.start:q.end]).lower()
    after = text[q.end:q.end + 40].lower()
    before = c.norm_space(text[max(cl[0], q.start - 30):q.start]).lower()
    sent = ctx.sentence(q.start)
    # clause words: a few words before the number or anywhere after it in the sentence
    # ("signed cooperation agreements with A and B and launched seven projects": not signed)
    near_start = max(sent[0], q.start - 60)
    cut = list(_EN_CLAUSE_CUT.finditer(text, near_start, q.start))
    near = text[cut[-1].end() if cut else near_start:sent[1]].lower()
    rest = text[q.end:sent[1]].lower()
    if c.has_any(np, L.en_np_block):
        return None
    for r in L.counts:
        head = next((h for h in r.en_heads if np.endswith(h)), None)
        if head is None:
            continue
        if r.en_mods and not any(w in np or after.lstrip().startswith(w) for w in r.en_mods):
            continue
        if r.en_clause and not c.has_any(near, r.en_clause, True):
            continue
        gap = _en_verb_gap(rest, r.en_verb_after) if r.en_verb_after else ""
        if gap is None:
            continue
        if r.en_block and c.has_any(f"{before} {np} {gap}", r.en_block, True):
            return None
        if r.en_verb_block:
            vb = c.finder(r.en_verb_block, True).search(rest)
            if vb is not None:
                # "seven companies … have been listed as national top 100 …": counted for a designation
                return _designation(L.counts, np, rest[vb.end():], True)
        if r.metric in L.stock and c.has_any(np, L.en_increment, True):
            return None
        if not (r.en_mods or r.en_clause) and c.has_any(before, L.en_subset, True):
            return None
        if r.metric in L.stock:
            clause_left = c.norm_space(text[cl[0]:q.start]).lower()
            if c.has_any(clause_left, L.en_modals, True):
                return None
        return Reading(r.metric, np, 0.85), np
    return None


_EN_CLAUSE_CUT = re.compile(r",|\band\b|\bwhile\b|\bwhich\b")


def _en_verb_gap(rest: str, verbs: tuple[str, ...]) -> str | None:
    """The words between a counted phrase and its verb ("Eighteen enterprises, including A
    and B, signed"), or None when the verb does not follow it."""
    m = c.finder(verbs, True).search(rest)
    if m is None:
        return None
    gap = rest[:m.start()]
    if len(gap.split()) <= 3 or re.fullmatch(r",\s*(?:including|such as|namely|among them)\b[^.;]*,\s*", gap):
        return gap
    return None


# --------------------------------------------------------------------------- period & target


def period_of(ctx: c.Context, pos: int, sent: tuple[int, int], clause_end: int | None = None) -> str | None:
    """The year a figure at pos belongs to: the nearest year or 'now' word (目前, currently →
    the publication year) before it in its sentence (clauses joined by ；share it)."""
    L = _lex()
    start = min(sent[0], ctx.full_sentence_start(pos))
    best = None
    for dm in ctx.dates():
        if dm.start >= sent[1]:
            break
        if dm.end <= start or dm.base:
            continue
        before = dm.end <= pos and (dm.year is not None or dm.precision == "span")
        # "…24.27 billion yuan during the first three quarters": a period right after, same clause
        after = (clause_end is not None and pos <= dm.start < clause_end and best is None
                 and dm.kind in ("part", "year", "plan"))
        if before or after:
            best = dm
    left = ctx.text[start:pos]
    if ctx.en:
        now = [m.end() for m in c.finder(L.now_en, True).finditer(left.lower())]
    else:
        now = [m.end() for m in c.finder(L.now_zh).finditer(left)]
    pub = parse_published(ctx.doc.published)
    if now and pub is not None and (best is None or start + now[-1] > best.end):
        return str(pub.year)
    if best is not None:
        if best.precision == "span" and best.date:
            a, _, b = best.date.partition("/")
            return f"{a}-{b}"
        return str(best.year) if best.year is not None else None
    return None


def is_target(ctx: c.Context, pos: int, sent: tuple[int, int], period: str | None) -> bool:
    """A goal or forecast: target words before the figure in its clause (or in a short
    opening clause, "力争到2028年,"), or a year after publication."""
    L = _lex()
    cl = ctx.clause(pos)
    first = ctx.clause(sent[0])
    left = ctx.text[cl[0]:pos]
    if first[1] < cl[0] and first[1] - first[0] <= 16:
        left = ctx.text[first[0]:first[1]] + " " + left
    if ctx.en:
        low = left.lower()
        if c.has_any(low, L.target_en, True):
            return True
    elif c.has_any(left, L.target_zh):
        return True
    pub = parse_published(ctx.doc.published)
    return bool(pub and period and period[:4].isdigit() and int(period[-4:]) > pub.year)


# --------------------------------------------------------------------------- component


def read_quantity(ctx: c.Context, q: Quantity, cl: tuple[int, int] | None = None) -> Reading | None:
    """The metric a quantity states (cached per document: several fact families ask)."""
    key = ("reading", q.start, q.end)
    if key in ctx.memo:
        return ctx.memo[key]
    cl = cl or ctx.clause(q.start, q.end)
    r: Reading | None = None
    if q.kind in ("money", "percent"):
        r = _read_amount(ctx, q, cl)
    elif q.kind == "count":
        found = count_reading(ctx, q, cl)
        r = found[0] if found else None
    ctx.memo[key] = r
    return r


def _unit(q: Quantity) -> str | None:
    if q.kind == "money":
        cur = q.currency or "CNY"
        return "元" if cur == "CNY" else cur
    if q.kind == "percent":
        return "%"
    return q.unit


def _enumerated(ctx: c.Context, q: Quantity, prev: tuple[Quantity, Reading] | None, cl: tuple[int, int]) -> Reading | None:
    """'同比增长23.1%、27.6%', 'up by 81 percent and 76 percent': the next item shares the metric."""
    if prev is None:
        return None
    pq, pr = prev
    if q.kind != "percent" or pq.kind != q.kind or pq.end > q.start:
        return None
    gap = ctx.text[pq.end:q.start]
    rx = r"\s*(?:、|和|与|及|and|,\s*and|,)\s*" if ctx.en else r"\s*(?:、|和|与|及)\s*"
    if re.fullmatch(rx, gap):
        return Reading(pr.metric, pr.trigger, max(pr.confidence - 0.1, 0.5))
    return None


_PROJECT_BEFORE_ZH = re.compile(r"(?:(?:该|此|这个|这一|本)项目|^\s*项目)[^，,。；;]{0,6}$")
# "the project has …", "a vaccine project with a total investment of …" (one project, not "117 projects with")
_PROJECT_BEFORE_EN = re.compile(r"\b(?:(?:the|this) project\b[^.;]{0,40}|project,?\s+(?:with|worth|involving)\b[^.;]{0,30})$", re.I)


def project_amount(ctx: c.Context, q: Quantity) -> bool:
    """An investment amount of one project: '总投资50亿元的X项目(一期投资10.5亿元)',
    '该项目总投资22亿元', 'the project, with a total investment of …'."""
    text = ctx.text
    cl = ctx.clause(q.start, q.end)
    if re.match(r"^(?:左右|多|余)?的[^，,。；;]{1,30}?(?:项目|project)", text[q.end:cl[1]]):
        return True
    if ctx.en:
        s0 = ctx.sentence(q.start)[0]
        return _PROJECT_BEFORE_EN.search(text, s0, q.start) is not None
    return _PROJECT_BEFORE_ZH.search(text[cl[0]:q.start]) is not None


def off_topic(ctx: c.Context, sent: tuple[int, int]) -> bool:
    """A sentence about another industry (节能环保, new energy) with no health word."""
    L = _lex()
    s = ctx.text[sent[0]:sent[1]]
    if ctx.en:
        s = s.lower()
        return c.has_any(s, L.en_off) and not c.has_any(s, L.en_on)
    return c.has_any(s, L.zh_off) and not c.has_any(s, L.zh_on)


# --------------------------------------------------------------------------- growth rates


def _growth_words(ctx: c.Context, s: int, e: int) -> list[tuple[int, str, str]]:
    """(position, printed word, metric) of the metric words printed between s and e."""
    L = _lex()
    rx = L.growth_of_en_re if ctx.en else L.growth_of_re
    return [(m.start(), m.group(), L.growth_of[m.group().lower()]) for m in rx.finditer(ctx.text, s, e)]


def _growth_of(ctx: c.Context, chain: list[tuple[Quantity, Reading]]) -> list[tuple[str, str] | None]:
    """What each growth rate of an enumeration is the growth of: (metric, printed word).

    The metric words printed before the first rate in its sentence; an enumeration takes the
    last words in order when they are listed together ("产值、利润同比增长23.1%、27.6%") or
    the sentence says 分别 / respectively; "The figures were up by …" takes the words of the
    sentence before. None: nothing says what grew.
    """
    L = _lex()
    text = ctx.text
    q0, r0 = chain[0]
    sent = ctx.sentence(q0.start)
    s0 = ctx.sentence(q0.start)[0] if ctx.en else min(sent[0], ctx.full_sentence_start(q0.start))
    left = text[s0:q0.start]
    hay = left.lower() if ctx.en else left
    t = hay.rfind(r0.trigger.lower() if ctx.en else r0.trigger)
    tpos = s0 + (t if t >= 0 else len(left))
    words = _growth_words(ctx, s0, tpos)
    if ctx.en and c.has_any(hay, L.growth_anaphors_en, True):
        i = ctx.sentence_index(q0.start)
        if i > 0:
            ps = ctx.sentences[i - 1]
            words = _growth_words(ctx, ps[0], ps[1]) + words
    n = len(chain)
    if not words:
        return [None] * n
    if n == 1:
        return [(words[-1][2], words[-1][1])]
    last = words[-n:]
    sentence = text[sent[0]:sent[1]]
    listed = len(last) == n and all(
        re.fullmatch(r"\s*(?:、|和|与|及|以及|,|and|, and)\s*", text[a[0] + len(a[1]):b[0]])
        for a, b in zip(last, last[1:], strict=False))
    together = ctx.en and "respectively" in sentence.lower() or not ctx.en and "分别" in sentence
    if len(last) == n and (listed or together):
        return [(m, w) for _, w, m in last]
    return [(words[-1][2], words[-1][1])] + [None] * (n - 1)


# --------------------------------------------------------------------------- component


def metric_facts(doc: Document) -> list[Fact]:
    ctx = c.context(doc)
    # 1) readings, with enumerations of growth rates grouped
    readings: list[tuple[Quantity, Reading, tuple[int, int]]] = []
    chains: dict[int, list[tuple[Quantity, Reading]]] = {}
    chain_of: dict[int, int] = {}
    prev: tuple[Quantity, Reading] | None = None
    for q in ctx.quantities:
        if q.kind not in ("money", "count", "percent"):
            continue
        cl = ctx.clause(q.start, q.end)
        r = read_quantity(ctx, q, cl)
        enum = None
        if r is None:
            r = enum = _enumerated(ctx, q, prev, cl)
        if r is None:
            continue
        if r.metric == "增长率":
            head = chain_of.get(id(prev[0])) if enum is not None and prev is not None else None
            head = head if head is not None else len(readings)
            chains.setdefault(head, []).append((q, r))
            chain_of[id(q)] = head
        prev = (q, r)
        readings.append((q, r, cl))
    grew: dict[int, tuple[str, str] | None] = {}
    for chain in chains.values():
        for (q, _), of in zip(chain, _growth_of(ctx, chain), strict=True):
            grew[id(q)] = of
    # 2) facts
    facts: list[Fact] = []
    seen: dict[tuple[str, float, str | None], int] = {}
    project_sents: set[tuple[int, int]] = set()
    for q, r, cl in readings:
        sent = ctx.sentence(q.start)
        if off_topic(ctx, sent):
            continue
        if r.metric == "投资额" and q.kind == "money" and (sent in project_sents or project_amount(ctx, q)):
            project_sents.add(sent)
            continue
        of = grew.get(id(q)) if r.metric == "增长率" else None
        if r.metric == "增长率" and of is None:
            continue  # a growth rate that does not say what grew
        subject, stype, penalty, where = ctx.pick_subject_at(q.start, sent)
        ev = ctx.cover(sent[0], sent[1], where)
        conf = r.confidence - penalty
        period = period_of(ctx, q.start, sent, cl[1])
        args: dict[str, Any] = {
            "subject": subject,
            "subject_type": stype,
            "metric": r.metric,
            "value": c.number(q.value),
            "unit": _unit(q),
            "currency": (q.currency or "CNY") if q.kind == "money" else None,
            "period": period,
            "quantity": c.quantity_ref(q),
            "trigger": r.trigger,
        }
        if where is not None:
            args["subject_mention"] = {"text": ctx.text[where[0]:where[1]], "start": where[0], "end": where[1]}
        if of is not None:
            args["of"], args["of_text"] = of
        if q.qualifier:
            args["qualifier"] = q.qualifier
        if is_target(ctx, q.start, sent, period):
            args["target"] = True
            conf -= 0.05
        # one fact per figure: a figure restated later in the article ("…等6个生物医药项目")
        # keeps its first statement (another subject guessed for it is not a second fact)
        key = (r.metric, float(q.value), of[0] if of else None)
        if key in seen and facts[seen[key]].args.get("period") not in (None, period) and period is not None:
            key = (*key[:2], f"{key[2]}|{period}")
        if key in seen:
            old = facts[seen[key]]
            if old.args.get("period") is None and period is not None and old.args.get("subject") == subject:
                facts[seen[key]] = Fact("metric", args, ev[0], ev[1], round(min(conf, 0.95), 3))
            continue
        seen[key] = len(facts)
        facts.append(Fact("metric", args, ev[0], ev[1], round(min(conf, 0.95), 3)))
    return facts


@registry.component("metrics")
def extract_metrics(doc: Document) -> Document:
    """Add ``metric`` facts: an industry figure, its subject, period and evidence sentence."""
    return c.add_facts(doc, metric_facts(doc))
