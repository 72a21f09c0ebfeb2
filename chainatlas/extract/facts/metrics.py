"""Metric facts: which industry figure a quantity states, for whom and for when.

"钱塘区生命健康产业完成产值473.26亿元" → metric 产值 of 钱塘区, 47326000000 元, 2021 (from the
sentence's "2021年"). The metric comes only from explicit wording next to the number
(data/facts_metrics.yaml): a trigger word right before the amount with nothing but link
words between (产值|达|473.26亿元, revenue|of|18.026 billion yuan), a trigger right after it
(万亿元|规模), or for counts the counted noun phrase (83家|规上企业, 规上企业|达|246家,
108 enterprises). Thresholds (1亿元以上企业), intensities (每亩投资), subsets (其中制造企业)
and participants (10家企业参加签约) are skipped: precision first.

The subject is the nearest region, park or enterprise mentioned before the number in the
same sentence (skipping names that are examples in a list), else the document's main
region. The period is the nearest year before the number in the sentence ("2022年",
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


def _lower(ws: Any) -> tuple[str, ...]:
    return c.words(str(w).lower() for w in ws or ())


@functools.cache
def _lex() -> _Lex:
    d = c.load_yaml("facts_metrics.yaml")
    t = c.load_yaml("facts_dates.yaml")
    trig: dict[tuple[str, str], str] = {}
    groups: dict[str, dict[str, list[str]]] = {"zh_before": {}, "zh_after": {}, "en_before": {}, "en_after": {}}
    for kind in ("money", "percent"):
        for entry in d.get(kind) or []:
            metric = entry["metric"]
            for key in groups:
                for w in entry.get(key) or []:
                    w = str(w).lower() if key.startswith("en") else str(w)
                    trig.setdefault((f"{kind}:{key}", w), metric)
                    groups[key].setdefault(kind, []).append(w)
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
    window = left[-60:] if en else left[-24:]
    m = (L.en_before if en else L.zh_before).search(window)
    if m:
        trig_kind = next((k for k in ("money", "percent") if k in m.groupdict() and m.group(k)), None)
        if trig_kind == kind:
            trig = m.group(kind)
            link = m.group("link") or ""
            if _link_ok(link, en, kind) and not _blocked_before(window[:m.start()], en):
                metric = _trigger_metric(kind, "en_before" if en else "zh_before", trig)
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
    heads, hl = L.zh_head_set, L.zh_head_lens
    for i in range(1, min(len(np_right), 16) + 1):
        if not any(np_right[i - k:i] in heads for k in hl if k <= i):
            continue
        rest = np_right[i:]
        if not rest or any(rest[:k] in L.zh_follower_set for k in L.zh_follower_lens):
            return np_right[:i], "right"
    # 2) noun first: 规上企业83家 / 市场主体达到1800家 / 企业(项目)72家
    left = text[cl[0]:q.start]
    left = re.sub(r"[(（][^()（）]{1,8}[)）]$", "", left)
    lm = L.zh_links_re.search(left)
    core = left[:lm.start()] if lm else left
    cut = list(re.finditer(r"[0-9０-９年月日、\s]", core))
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
    bare = np
    for w in L.all_mods:
        bare = bare.replace(w, "")
    if c.has_any(bare, L.zh_np_block) or _DIGIT.search(np):
        return None
    np = re.split(r"与|和|及|以及|、", np)[-1]
    subset = _subset_zh(ctx, q)
    for r in L.counts:
        head = next((h for h in r.zh_heads if np.endswith(h)), None)
        if head is None:
            continue
        if r.zh_mods and not c.has_any(np, r.zh_mods):
            continue
        if r.zh_clause and not c.has_any(clause, r.zh_clause):
            continue
        scope = clause if where == "right" else text[cl[0]:q.end]
        if r.zh_block and c.has_any(scope, r.zh_block):
            return None
        if r.metric in L.stock and c.has_any(scope, L.zh_increment):
            return None
        if not (r.zh_mods or r.zh_clause) and r.metric in L.stock and subset:
            return None
        return Reading(r.metric, np, 0.85), np
    return None


def _subset_zh(ctx: c.Context, q: Quantity) -> bool:
    """'其中' / '包括' earlier in the same full sentence (up to 。, across ；): a part of a total."""
    L = _lex()
    text = ctx.text
    start = max(text.rfind(ch, 0, q.start) for ch in "。！？\n") + 1
    seg = text[start:q.start]
    return c.has_any(seg, L.zh_subset)


def _count_en(ctx: c.Context, q: Quantity, cl: tuple[int, int]) -> tuple[Reading, str] | None:
    L = _lex()
    text = ctx.text
    np = c.norm_space(text[q.start:q.end]).lower()
    after = text[q.end:q.end + 40].lower()
    before = c.norm_space(text[max(cl[0], q.start - 30):q.start]).lower()
    sent = ctx.sentence(q.start)
    sentence = text[sent[0]:sent[1]].lower()
    if c.has_any(np, L.en_np_block):
        return None
    for r in L.counts:
        head = next((h for h in r.en_heads if np.endswith(h)), None)
        if head is None:
            continue
        if r.en_mods and not any(w in np or after.lstrip().startswith(w) for w in r.en_mods):
            continue
        if r.en_clause and not c.has_any(sentence, r.en_clause, True):
            continue
        if r.en_block and c.has_any(f"{before} {np}", r.en_block, True):
            return None
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
    if re.fullmatch(r"\s*(?:、|和|与|及|and|, and)\s*", gap):
        return Reading(pr.metric, pr.trigger, max(pr.confidence - 0.1, 0.5))
    return None


def project_amount(ctx: c.Context, q: Quantity) -> bool:
    """An investment amount of one project: '总投资50亿元的X项目(一期投资10.5亿元)'."""
    text = ctx.text
    cl = ctx.clause(q.start, q.end)
    return bool(re.match(r"^(?:左右|多|余)?的[^，,。；;]{1,30}?(?:项目|project)", text[q.end:cl[1]]))


def off_topic(ctx: c.Context, sent: tuple[int, int]) -> bool:
    """A sentence about another industry (节能环保, new energy) with no health word."""
    L = _lex()
    s = ctx.text[sent[0]:sent[1]]
    if ctx.en:
        s = s.lower()
        return c.has_any(s, L.en_off) and not c.has_any(s, L.en_on)
    return c.has_any(s, L.zh_off) and not c.has_any(s, L.zh_on)


def metric_facts(doc: Document) -> list[Fact]:
    ctx = c.context(doc)
    facts: list[Fact] = []
    seen: dict[tuple[str, float, str | None], int] = {}
    prev: tuple[Quantity, Reading] | None = None
    project_sents: set[tuple[int, int]] = set()
    for q in ctx.quantities:
        if q.kind not in ("money", "count", "percent"):
            continue
        cl = ctx.clause(q.start, q.end)
        r = read_quantity(ctx, q, cl) or _enumerated(ctx, q, prev, cl)
        if r is None:
            continue
        prev = (q, r)
        sent = ctx.sentence(q.start)
        if off_topic(ctx, sent):
            continue
        if r.metric == "投资额" and q.kind == "money" and (sent in project_sents or project_amount(ctx, q)):
            project_sents.add(sent)
            continue
        subject, stype, penalty = ctx.pick_subject(q.start, sent)
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
        if q.qualifier:
            args["qualifier"] = q.qualifier
        if is_target(ctx, q.start, sent, period):
            args["target"] = True
            conf -= 0.05
        key = (r.metric, float(q.value), subject)
        if key in seen:
            old = facts[seen[key]]
            if old.args.get("period") is None and period is not None:
                facts[seen[key]] = Fact("metric", args, sent[0], sent[1], round(min(conf, 0.95), 3))
            continue
        seen[key] = len(facts)
        facts.append(Fact("metric", args, sent[0], sent[1], round(min(conf, 0.95), 3)))
    return facts


@registry.component("metrics")
def extract_metrics(doc: Document) -> Document:
    """Add ``metric`` facts: an industry figure, its subject, period and evidence sentence."""
    return c.add_facts(doc, metric_facts(doc))
