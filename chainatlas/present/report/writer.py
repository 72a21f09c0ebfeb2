"""Writing units as bullets, in one language, keeping only numbers the cited sentence holds.

Templates are fragment lists (``templates/zh.yaml``, ``en.yaml``); a fragment whose value is
missing drops out, and so does one whose numbers its cited sentence does not hold (with the next
variant tried first: a date without the year the sentence never printed). Each bullet is checked
as the citation checker reads it before it is used, so briefings pass ``lint.py`` by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from chainatlas.present.report import lint
from chainatlas.present.report import templates as t
from chainatlas.present.report.atlas import Citation, CitedFact
from chainatlas.present.report.document import Bullet, Run
from chainatlas.present.report.units import Unit, norm


class Writer:
    """Writes units as bullets in one language, keeping only numbers the cited sentence holds."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._values: dict[tuple[int, str, str | None], list[float]] = {}

    # ---- checks

    def values(self, cites: Sequence[Citation]) -> list[float]:
        out: list[float] = []
        for c in cites:
            if c.key not in self._values:
                self._values[c.key] = lint.sentence_values(c.sentence + " " + (c.correction or ""))
            out.extend(self._values[c.key])
        return out

    def supported(self, text: str, cites: Sequence[Citation]) -> bool:
        nums = lint.numbers_in(text)
        if not nums:
            return True
        if not cites:
            return False
        values = self.values(cites)
        return all(lint.supported(n.value, values) for n in nums)

    def check(self, runs: list[Run]) -> bool:
        """The whole bullet as the lint reads it: text before each citation group is held by it."""
        pending = ""
        for r in runs:
            pending += r.text
            if r.cites:
                if not self.supported(pending, r.cites):
                    return False
                pending = ""
        return not lint.numbers_in(pending)

    # ---- fragments

    def compose(self, frags: Sequence[str], values: dict[str, Any], cites: list[Citation],
                phrases: list[Run] | None = None, required: Iterable[str] = ()) -> list[Run] | None:
        """Fill template fragments; a value may be a list of variants (fullest first). A fragment
        whose numbers are not in ``cites`` is tried with the next variant, then dropped; when it
        holds a ``required`` field the whole bullet is dropped instead."""
        needed = set(required)
        runs: list[Run] = []
        pending = ""
        check_cites = phrases[0].cites if phrases else cites
        joiner = t.lookup(self.lang, "joiners", "clause", default="，")
        for frag in frags:
            if frag == "{cite}":
                runs.append(Run(pending, list(cites)))
                pending = ""
                continue
            if "{phrases}" in frag:
                if not phrases:
                    return None
                before, _, after = frag.partition("{phrases}")
                pending += before
                for i, ph in enumerate(phrases):
                    runs.append(Run(pending + (joiner if i else "") + ph.text, ph.cites))
                    pending = ""
                pending += after
                continue
            names = t.fields(frag)
            variant_lists = [values.get(n) if isinstance(values.get(n), list) else [values.get(n)] for n in names]
            chosen = None
            for combo in _combos(variant_lists):
                s = t.fill(frag, dict(zip(names, combo, strict=True)))
                if s is not None and self.supported(s, check_cites):
                    chosen = s
                    break
            if chosen is not None:
                pending += chosen
            elif needed & set(names):
                return None
        if pending:
            runs.append(Run(pending))
        runs = [r for r in runs if r.text or r.cites]
        if not any(r.cites for r in runs) or not self.check(runs):
            return None
        return runs

    # ---- per fact type

    def subject(self, cf: CitedFact) -> str:
        a = cf.args
        return t.place_display(a.get("subject"), self.lang, a.get("subject_type"))

    def metric_phrase(self, cf: CitedFact) -> Run | None:
        metric = cf.args.get("metric")
        amount = t.metric_amount(cf.args, self.lang)
        if not metric or amount is None:
            return None
        text = t.metric_phrase(str(metric), amount.text, self.lang)
        if not self.supported(text, cf.citations):
            plain_args = {k: v for k, v in cf.args.items() if k != "qualifier"}
            amount = t.metric_amount(plain_args, self.lang)
            text = t.metric_phrase(str(metric), amount.text, self.lang) if amount else ""
            if not text or not self.supported(text, cf.citations):
                return None
        return Run(text, list(cf.citations))

    def metric(self, unit: Unit, template: str = "bullet") -> Bullet | None:
        phrases = [p for p in (self.metric_phrase(f) for f in unit.facts) if p is not None]
        if not phrases:
            return None
        first = unit.first
        if unit.kind == "target" and template == "bullet":
            template = "target_bullet"
        frags = t.lookup(self.lang, "metric", template) if template in ("bullet", "target_bullet") \
            else t.lookup(self.lang, "headline", template)
        values = {"subject": self.subject(first), "period": t.period_text(first.args.get("period"), self.lang)}
        runs = self.compose(frags, values, list(first.citations), phrases)
        return Bullet(runs, [f.id for f in unit.facts], unit.region_key) if runs else None

    def _when(self, cf: CitedFact) -> list[str]:
        a = cf.args
        status = t.status_text(a.get("status"), self.lang)
        dates = [d for d in t.date_variants(a.get("date"), self.lang, a.get("date_text"))
                 if self.supported(d, cf.citations)]
        d = dates[0] if dates else ""
        parts = [d, status] if self.lang == "zh" else [status, d]
        sep = "" if self.lang == "zh" else " "
        return [sep.join(p for p in parts if p)]

    def project(self, unit: Unit) -> Bullet | None:
        cf = unit.first
        a = cf.args
        name = str(a.get("name") or "")
        investor = a.get("investor") or ""
        if investor and norm(investor) in norm(name):
            investor = ""
        amount = a.get("amount")
        values = {
            "name": name, "investor": investor,
            "park": t.place_display(a.get("park"), self.lang, "park") if a.get("park") else "",
            "amount": t.money_text(amount, a.get("currency"), self.lang) if isinstance(amount, int | float) else "",
            "when": self._when(cf),
        }
        runs = self.compose(t.lookup(self.lang, "project", "bullet"), values, list(cf.citations), required=("name",))
        return Bullet(runs, [cf.id], unit.region_key) if runs else None

    def aggregate(self, unit: Unit) -> Bullet | None:
        cf = unit.first
        a = cf.args
        place = a.get("park") or ""
        if not place and a.get("region"):
            rec = t.region_record(str(a["region"]))
            if rec is None or rec.key != unit.region_key:  # the briefing's own region goes without saying
                place = t.place_display(a.get("region"), self.lang)
        count = a.get("count")
        amount = a.get("amount")
        names = [n for n in unit.names if n][:4]
        values = {
            "date": t.date_variants(a.get("date"), self.lang, a.get("date_text")) or "",
            "place": place,
            "status": t.status_text(a.get("status"), self.lang),
            "count": t.count_text(count, "个", self.lang) if isinstance(count, int | float) else "",
            "amount": t.money_text(amount, a.get("currency"), self.lang) if isinstance(amount, int | float) else "",
            "names": t.lookup(self.lang, "joiners", "list", default="、").join(names),
        }
        key = "aggregate" if values["count"] else "aggregate_nocount"
        runs = self.compose(t.lookup(self.lang, "project", key), values, list(cf.citations))
        return Bullet(runs, [cf.id], unit.region_key) if runs else None

    def simple(self, unit: Unit) -> Bullet | None:
        cf = unit.first
        a = dict(cf.args)
        if cf.type == "role":
            sep = t.lookup(self.lang, "joiners", "list", default="、")
            parts = []
            for f in unit.facts:
                role = t.role_text(f.args.get("role"), self.lang)
                scope = f.args.get("scope") or ""
                tpl = t.lookup(self.lang, "role", "one" if scope else "one_noscope")
                if role:
                    parts.append(tpl.format(role=role, scope=scope))
            a["roles"] = sep.join(dict.fromkeys(parts))
        if cf.type == "product":
            a["claim"] = t.translated(self.lang, "claims", a.get("claim"))
            a["approval"] = t.translated(self.lang, "approvals", a.get("approval"))
        if cf.type == "event":
            a["date"] = t.date_variants(a.get("date"), self.lang, a.get("date_text")) or ""
            region = a.get("region") or ""
            rec = t.region_record(str(region)) if region else None
            a["region"] = "" if (rec is not None and rec.key == unit.region_key) else t.place_display(region, self.lang)
            a["name"] = a.get("name") or a.get("event") or ""
            verbs = (t.lookup(self.lang, "event_verbs", default={}) or {}).get(str(a.get("event") or ""), {})
            a["held"], a["done"] = verbs.get("held", ""), verbs.get("done", "")
            name, printed = str(a["name"]), str(a.get("event_text") or "")
            if printed and name.endswith(printed) or (a["done"] and name.endswith(a["done"])):
                # the name says what happened ("…集中开工仪式"): a ceremony is held, not started
                ceremony = (t.lookup(self.lang, "event_verbs", "仪式", default={}) or {})
                a["held"], a["done"] = (ceremony.get("held", ""), ceremony.get("done", "")) \
                    if printed.endswith(("仪式", "典礼", "会")) else (a["held"], "")
        values = {k: (v if isinstance(v, list | str) else ("" if v is None else str(v))) for k, v in a.items()}
        frags = t.lookup(self.lang, cf.type, "bullet")
        if not frags:
            return None
        required = {"role": ("entity", "roles"), "product": ("product",), "event": ("name",)}.get(cf.type, ())
        runs = self.compose(frags, values, list(cf.citations), required=required)
        return Bullet(runs, [f.id for f in unit.facts], unit.region_key) if runs else None

    def bullet(self, unit: Unit) -> Bullet | None:
        if unit.kind in ("metric", "target"):
            return self.metric(unit)
        if unit.kind == "project":
            return self.project(unit)
        if unit.kind == "aggregate":
            return self.aggregate(unit)
        return self.simple(unit)

    def leaders(self, units: list[Unit], region_name: str) -> Bullet | None:
        names: list[str] = []
        cites: list[Citation] = []
        for u in units:
            ent = u.first.args.get("entity")
            if ent and ent not in names:
                names.append(str(ent))
                cites.extend(c for c in u.first.citations if c not in cites)
            if len(names) >= 5:
                break
        if len(names) < 2:
            return None
        values = {"region": region_name, "names": t.lookup(self.lang, "joiners", "list", default="、").join(names)}
        runs = self.compose(t.lookup(self.lang, "insight", "leaders"), values, cites[:4], required=("names",))
        return Bullet(runs, [f.id for u in units for f in u.facts], units[0].region_key) if runs else None


def _combos(lists: list[list[Any]]) -> Iterable[tuple[Any, ...]]:
    if not lists:
        yield ()
        return
    head, *rest = lists
    for h in head:
        for tail in _combos(rest):
            yield (h, *tail)
