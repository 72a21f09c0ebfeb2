"""Score metric and project facts against gold annotations (the dev set's "metrics"/"projects").

A predicted metric matches a gold one of the same document when the values agree (money
within 0.5%, counts exactly, percents within 0.01) and the metric names agree; "lenient"
also accepts a gold metric named 其他 (the annotator found no name for it). A predicted
project matches a gold project when the names agree (one contains most of the other, after
dropping quotes, spaces and the 项目 suffix) or when its evidence overlaps the gold evidence
text and the names share a two-character stretch. Matching is one-to-one. For matched facts
the scorer also reports how often subject and period (metrics), status and amount (projects)
agree with the gold values.

Usage::

    python -m chainatlas.extract.facts.score --gold examples/dev/gold --docs examples/dev/docs
    python -m chainatlas.extract.facts.score --gold DIR --docs DIR --pred out.jsonl -v
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chainatlas.model import Document

_MONEY_UNITS = {"元", "cny", "usd", "eur", "jpy", "hkd", "gbp"}


# --------------------------------------------------------------------------- normalising


def _norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "").lower()
    return re.sub(r"[\s\"'“”‘’《》()（）·,，.。、\-—–]", "", s)


def _norm_project(s: str | None) -> str:
    s = _norm(s)
    return re.sub(r"(项目|project|projects)$", "", s)


def _names_match(a: str, b: str, min_len: int = 2, min_ratio: float = 0.5) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= min_len and short in long_ and len(short) / len(long_) >= min_ratio


def _share(a: str, b: str, n: int = 2) -> bool:
    return any(a[i:i + n] in b for i in range(len(a) - n + 1))


def _kind_gold(g: dict[str, Any]) -> str:
    unit = str(g.get("unit") or "").lower()
    if unit == "%":
        return "percent"
    if unit in _MONEY_UNITS or g.get("currency"):
        return "money"
    return "count"


def _kind_pred(a: dict[str, Any]) -> str:
    if a.get("currency"):
        return "money"
    if a.get("unit") == "%":
        return "percent"
    return "count"


def _value_ok(kind: str, p: float, g: float) -> bool:
    if kind == "money":
        return abs(p - g) <= max(abs(g) * 0.005, 1)
    if kind == "percent":
        return abs(p - g) <= 0.01
    return p == g


# --------------------------------------------------------------------------- documents


def _record(doc: Document | dict[str, Any]) -> dict[str, Any]:
    if isinstance(doc, Document):
        facts = [{"type": f.type, **f.args, "start": f.start, "end": f.end} for f in doc.facts]
        return {"source": doc.source, "text": doc.text, "facts": facts}
    return doc


def _find(text: str, needle: str) -> tuple[int, int] | None:
    """Where a gold evidence text sits in the cleaned text (whitespace may differ)."""
    if not needle:
        return None
    i = text.find(needle)
    if i >= 0:
        return i, i + len(needle)
    squashed = re.sub(r"\s+", "", needle)
    for k in (len(squashed), 16, 10):
        part = squashed[:k]
        if len(part) < 6:
            break
        pat = r"\s*".join(re.escape(ch) for ch in part)
        m = re.search(pat, text)
        if m:
            return m.start(), m.start() + len(needle)
    return None


# --------------------------------------------------------------------------- matching


def _match_metrics(preds: list[dict[str, Any]], golds: list[dict[str, Any]], mode: str) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    passes = ("strict",) if mode == "strict" else ("strict", "lenient") if mode == "lenient" else ("value",)
    for how in passes:
        for gi, g in enumerate(golds):
            if gi in used_g:
                continue
            gk = _kind_gold(g)
            for pi, p in enumerate(preds):
                if pi in used_p or _kind_pred(p) != gk:
                    continue
                try:
                    ok = _value_ok(gk, float(p.get("value")), float(g.get("value")))
                except (TypeError, ValueError):
                    ok = False
                if not ok:
                    continue
                if how == "strict" and p.get("metric") != g.get("metric"):
                    continue
                if how == "lenient" and g.get("metric") not in (p.get("metric"), "其他"):
                    continue
                pairs.append((pi, gi))
                used_p.add(pi)
                used_g.add(gi)
                break
    return pairs


def _match_projects(preds: list[dict[str, Any]], golds: list[dict[str, Any]], text: str) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    gspans = [_find(text, g.get("text") or "") for g in golds]
    for by_name in (True, False):
        cands = []
        for gi, g in enumerate(golds):
            gn = _norm_project(g.get("name"))
            for pi, p in enumerate(preds):
                pn = _norm_project(p.get("name"))
                if by_name:
                    ok = _names_match(pn, gn)
                else:
                    sp = gspans[gi]
                    ok = (sp is not None and p.get("start", 0) < sp[1] and sp[0] < p.get("end", 0)
                          and _share(pn, gn))
                if ok:
                    sim = min(len(pn), len(gn)) / max(len(pn), len(gn), 1)
                    cands.append((-sim, gi, pi))
        for _, gi, pi in sorted(cands):  # best name agreement first
            if gi in used_g or pi in used_p:
                continue
            pairs.append((pi, gi))
            used_p.add(pi)
            used_g.add(gi)
    return pairs


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp,
            "pred": n_pred, "gold": n_gold}


def score_facts(pred_docs: Iterable[Document | dict[str, Any]], gold_dir: str | Path,
                details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Precision / recall of metric and project facts against the gold files in gold_dir.

    pred_docs: Documents after the pipeline, or contract records (dicts with source, text,
    facts). Gold documents without a prediction count as predicted empty. ``details``, if
    given, receives one dict per document with the misses and false alarms.
    """
    golds = {}
    for gp in sorted(Path(gold_dir).glob("*.json")):
        gd = json.loads(gp.read_text(encoding="utf-8"))
        if "metrics" in gd or "projects" in gd:
            golds[gd.get("doc") or gp.stem] = gd
    preds = {Path(str(r.get("source") or "")).name: r for r in map(_record, pred_docs)}
    tot = {k: [0, 0, 0] for k in ("metrics_strict", "metrics_lenient", "metrics_value", "projects")}
    agree = {"subject": [0, 0], "period": [0, 0], "status": [0, 0], "amount": [0, 0]}
    for name, gd in golds.items():
        rec = preds.get(name) or {"text": "", "facts": []}
        facts = rec.get("facts") or []
        pm = [f for f in facts if f.get("type") == "metric"]
        pp = [f for f in facts if f.get("type") == "project"]
        gm = gd.get("metrics") or []
        gpj = gd.get("projects") or []
        for mode in ("strict", "lenient", "value"):
            pairs = _match_metrics(pm, gm, mode)
            t = tot[f"metrics_{mode}"]
            t[0] += len(pairs)
            t[1] += len(pm)
            t[2] += len(gm)
        for pi, gi in _match_metrics(pm, gm, "lenient"):
            _agree(agree, "subject", _names_match(_norm(pm[pi].get("subject")), _norm(gm[gi].get("subject")), 2, 0.3))
            _agree(agree, "period", str(pm[pi].get("period")) == str(gm[gi].get("period")))
        ppairs = _match_projects(pp, gpj, rec.get("text") or "")
        for pi, gi in ppairs:
            _agree(agree, "status", pp[pi].get("status") == gpj[gi].get("status"))
            if gpj[gi].get("amount") is not None or pp[pi].get("amount") is not None:
                _agree(agree, "amount", pp[pi].get("amount") == gpj[gi].get("amount"))
        tot["projects"][0] += len(ppairs)
        tot["projects"][1] += len(pp)
        tot["projects"][2] += len(gpj)
        if details is not None:
            lp = _match_metrics(pm, gm, "lenient")
            details.append({
                "doc": name,
                "metric_false": [_brief_metric(pm[i]) for i in range(len(pm)) if i not in {a for a, _ in lp}],
                "metric_missed": [_brief_metric(gm[i]) for i in range(len(gm)) if i not in {b for _, b in lp}],
                "project_false": [pp[i].get("name") for i in range(len(pp)) if i not in {a for a, _ in ppairs}],
                "project_missed": [gpj[i].get("name") for i in range(len(gpj)) if i not in {b for _, b in ppairs}],
            })
    out: dict[str, Any] = {k: _prf(*v) for k, v in tot.items()}
    # how often the arguments of matched facts agree with the gold ones
    out["agreement"] = {k: round(a / n, 3) if n else None for k, (a, n) in agree.items()}
    out["docs"] = len(golds)
    return out


def _agree(table: dict[str, list[int]], key: str, ok: bool) -> None:
    table[key][0] += int(ok)
    table[key][1] += 1


def _brief_metric(m: dict[str, Any]) -> str:
    return f"{m.get('metric')}={m.get('value')}{m.get('unit') or ''} ({m.get('subject')}, {m.get('period')})"


# --------------------------------------------------------------------------- CLI


def _run_pipeline(gold_dir: Path, docs_dir: Path) -> list[Document]:
    from chainatlas.extract.pipeline import Pipeline
    from chainatlas.ingest import load_document

    pipe = Pipeline.default()
    out = []
    for gp in sorted(gold_dir.glob("*.json")):
        gd = json.loads(gp.read_text(encoding="utf-8"))
        path = docs_dir / gd["doc"]
        if not path.exists():
            print(f"score: {path}: document listed in {gp.name} not found", file=sys.stderr)
            continue
        out.append(pipe(load_document(path)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m chainatlas.extract.facts.score", description=__doc__.split("\n")[0])
    ap.add_argument("--gold", required=True, type=Path, help="folder of gold JSON files")
    ap.add_argument("--docs", required=True, type=Path, help="folder of the documents the gold files name")
    ap.add_argument("--pred", type=Path, help="JSON Lines from `chainatlas extract --format jsonl` instead of running the pipeline")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ap.add_argument("-v", "--verbose", action="store_true", help="list false alarms and misses per document")
    args = ap.parse_args(argv)
    if not args.gold.is_dir():
        print(f"score: --gold {args.gold}: not a folder", file=sys.stderr)
        return 2
    if args.pred:
        recs = [json.loads(line) for line in args.pred.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
        docs: Iterable[Any] = recs
    else:
        docs = _run_pipeline(args.gold, args.docs)
    details: list[dict[str, Any]] = []
    res = score_facts(docs, args.gold, details)
    if args.verbose:
        for d in details:
            if any(d[k] for k in d if k != "doc"):
                print(f"--- {d['doc']}")
                for k in ("metric_false", "metric_missed", "project_false", "project_missed"):
                    if d[k]:
                        print(f"  {k}: {d[k]}")
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(f"{'facts':<18}{'precision':>10}{'recall':>10}{'F1':>8}{'gold':>7}{'pred':>7}")
        for k, v in res.items():
            if isinstance(v, dict) and "precision" in v:
                print(f"{k:<18}{v['precision']:>10.3f}{v['recall']:>10.3f}{v['f1']:>8.3f}{v['gold']:>7}{v['pred']:>7}")
        ag = res["agreement"]
        print("matched facts agreeing with gold: " + ", ".join(f"{k} {v}" for k, v in ag.items() if v is not None))
        print(f"documents {res['docs']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
