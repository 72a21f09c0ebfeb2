# Vendored copy of ../shared/eval/score.py (the project yardstick), unchanged below this header,
# so that `chainatlas eval` prints the very same figures. Refresh it with `make vendor-scorer`.
# ruff: noqa
#!/usr/bin/env python3
"""Score an extractor's JSON Lines output against gold annotations.

Usage:
  score.py --gold GOLD_DIR --docs DOCS_DIR --cmd "chainatlas extract --format jsonl"
  score.py --gold GOLD_DIR --docs DOCS_DIR --pred PRED.jsonl

The command is run once with every document path appended; it must print one JSON
object per document (see ../CONTRACT.md). Prints precision / recall / F1 per
category and a final summary line; exits 0.
"""
import argparse, json, os, re, shlex, subprocess, sys, unicodedata
from pathlib import Path

ORG_EXCLUDED_KINDS = {"government", "media"}


def norm(s):
    s = unicodedata.normalize("NFKC", s or "").lower()
    return re.sub(r"[\s\"'“”‘’《》()（）·,，.。]", "", s)


def norm_region(s):
    s = norm(s)
    s = re.sub(r"(city|county|district|province)$", "", s)
    for suf in ("特别行政区", "自治区", "自治州", "省", "市", "县", "区"):
        if s.endswith(suf) and len(s) > len(suf) + 1:
            return s[: -len(suf)]
    return s


def names_match(a, b, min_len=4, min_ratio=0.6):
    """Equal, or one contains the other and covers most of it (boundary slips of a few characters)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= min_len and short in long_ and len(short) / len(long_) >= min_ratio


def match_entities(pred_groups, gold_groups, ignore, normf, contain=True):
    """pred_groups/gold_groups: list of sets of normalised names. Returns tp_gold, tp_pred, n_pred, n_gold."""
    def hit(p, g):
        if contain:
            return any(names_match(x, y) for x in p for y in g)
        return bool(p & g)
    matched_gold = sum(1 for g in gold_groups if any(hit(p, g) for p in pred_groups))
    counted_pred = [p for p in pred_groups if not any(hit(p, {i}) for i in ignore)]
    matched_pred = sum(1 for p in counted_pred if any(hit(p, g) for g in gold_groups))
    return matched_gold, matched_pred, len(counted_pred), len(gold_groups)


def dedup_groups(groups):
    out = []
    for g in groups:
        g = {x for x in g if x}
        if not g:
            continue
        for o in out:
            if g & o:
                o |= g
                break
        else:
            out.append(set(g))
    return out


def match_values(pred, gold, tol):
    gold = list(gold)
    tp = 0
    for p in pred:
        for i, g in enumerate(gold):
            if abs(p - g) <= tol(g):
                tp += 1
                gold.pop(i)
                break
    return tp


def load_pred(args, docs):
    if args.pred:
        lines = Path(args.pred).read_text(encoding="utf-8").splitlines()
    else:
        cmd = shlex.split(args.cmd) + [str(d) for d in docs]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        if r.returncode != 0:
            print(r.stderr[-2000:], file=sys.stderr)
            print(f"extractor exited {r.returncode}")
            sys.exit(1)
        lines = r.stdout.splitlines()
    preds = {}
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        obj = json.loads(line)
        src = obj.get("source") or (obj.get("document") or {}).get("source") or ""
        preds[Path(src).name] = obj
    return preds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", required=True)
    ap.add_argument("--docs", required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--cmd")
    g.add_argument("--pred")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--json", action="store_true", help="print the summary as JSON on the last line")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false alarms per document")
    args = ap.parse_args()

    golds = sorted(Path(args.gold).glob("*.json"))
    docs = []
    for gp in golds:
        gd = json.loads(gp.read_text(encoding="utf-8"))
        docs.append(Path(args.docs) / gd["doc"])
    preds = load_pred(args, docs)

    cats = ["organizations", "parks", "regions", "money", "counts", "percents"]
    tot = {c: [0, 0, 0, 0] for c in cats}  # tp_gold, tp_pred, n_pred, n_gold
    body_hit = body_n = junk_hit = junk_n = missing = 0
    meta_ok = meta_n = 0
    for gp, dp in zip(golds, docs):
        gd = json.loads(gp.read_text(encoding="utf-8"))
        p = preds.get(dp.name)
        if p is None:
            missing += 1
            p = {}
        ents = p.get("entities", [])
        ignore = {norm(x) for x in gd.get("ignore", [])}

        def groups(kind_pred, nf):
            gs = []
            for e in ents:
                if e.get("type") != kind_pred:
                    continue
                if kind_pred == "organization" and e.get("kind") in ORG_EXCLUDED_KINDS:
                    continue
                gs.append({nf(e.get("name", ""))} | {nf(a) for a in e.get("aliases", [])})
            return dedup_groups(gs)

        gold_orgs = [{norm(o["name"])} | {norm(a) for a in o.get("aliases", [])} for o in gd.get("organizations", [])]
        gold_parks = [{norm(o["name"])} | {norm(a) for a in o.get("aliases", [])} for o in gd.get("parks", [])]
        gold_regions = dedup_groups([{norm_region(r)} for r in gd.get("regions", [])])
        res = {
            "organizations": match_entities(groups("organization", norm), gold_orgs, ignore, norm),
            "parks": match_entities(groups("park", norm), gold_parks, ignore, norm),
            "regions": match_entities(groups("region", norm_region), gold_regions, {norm_region(x) for x in gd.get("ignore", [])}, norm_region, contain=False),
        }
        q = p.get("quantities", [])
        for cat, kind, tol in (("money", "money", lambda g: max(abs(g) * 0.005, 1)),
                               ("counts", "count", lambda g: 0),
                               ("percents", "percent", lambda g: 0.01)):
            pv = [float(x["value"]) for x in q if x.get("kind") == kind and x.get("value") is not None]
            gv = [float(x["value"]) for x in gd.get(cat, [])]
            # identical values mentioned twice count once on each side
            pv, gv = sorted(set(pv)), sorted(set(gv))
            tp = match_values(pv, gv, tol)
            res[cat] = (tp, tp, len(pv), len(gv))
        for c in cats:
            for i in range(4):
                tot[c][i] += res[c][i]
        text = re.sub(r"\s+", "", p.get("text", ""))
        for s in gd.get("body_samples", []):
            body_n += 1
            body_hit += re.sub(r"\s+", "", s) in text
        for s in gd.get("junk_samples", []):
            junk_n += 1
            junk_hit += re.sub(r"\s+", "", s) in text
        if gd.get("published") is not None:
            meta_n += 1
            meta_ok += (p.get("published") or "")[:10] == gd["published"]
        if args.verbose:
            print(f"--- {dp.name}")
            for c in ("organizations", "parks"):
                gl = gold_orgs if c == "organizations" else gold_parks
                pg = groups("organization" if c == "organizations" else "park", norm)
                miss = [sorted(g)[0] for g in gl if not any(any(names_match(x, y) for x in pp for y in g) for pp in pg)]
                fa = [sorted(pp)[0] for pp in pg if not any(any(names_match(x, y) for x in pp for y in g) for g in gl + [{i} for i in ignore])]
                print(f"  {c}: missed {miss} | false {fa}")

    print(f"{'category':<14}{'precision':>10}{'recall':>10}{'F1':>8}{'gold':>7}{'pred':>7}")
    summary = {}
    f1s = []
    for c in cats:
        tpg, tpp, npred, ngold = tot[c]
        P = tpp / npred if npred else 0.0
        R = tpg / ngold if ngold else 0.0
        F = 2 * P * R / (P + R) if P + R else 0.0
        f1s.append(F)
        summary[c] = {"precision": round(P, 3), "recall": round(R, 3), "f1": round(F, 3)}
        print(f"{c:<14}{P:>10.3f}{R:>10.3f}{F:>8.3f}{ngold:>7}{npred:>7}")
    body = body_hit / body_n if body_n else 0.0
    junk = junk_hit / junk_n if junk_n else 0.0
    date = meta_ok / meta_n if meta_n else 0.0
    macro = sum(f1s) / len(f1s)
    summary.update(body_recall=round(body, 3), junk_leak=round(junk, 3), date_acc=round(date, 3),
                   macro_f1=round(macro, 3), missing_docs=missing, docs=len(golds))
    print(f"body kept {body:.3f}  junk leaked {junk:.3f}  dates right {date:.3f}  missing docs {missing}/{len(golds)}")
    print(json.dumps(summary, ensure_ascii=False) if args.json else f"macro F1 {macro:.3f}")


if __name__ == "__main__":
    main()
