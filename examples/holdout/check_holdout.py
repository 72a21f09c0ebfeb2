#!/usr/bin/env python3
"""Consistency checker for the hold-out gold set (examples/holdout).

Checks every gold file against its document, decoded with the encoding that
SOURCES.tsv records: exact key set, sample lengths and substrings, names and
aliases printed in the text, value normalisation of money/counts/percents
(re-parsed from the annotated text), printed publication date, and a sweep for
money/percent expressions in the text that no annotation covers (printed as
notes for a human to judge: junk text is never annotated).

Usage: python3 check_holdout.py [HOLDOUT_DIR]   (exit status 1 on any error)
"""
import json
import re
import sys
from pathlib import Path

KEYS = ["doc", "lang", "title", "published", "body_samples", "junk_samples", "regions",
        "organizations", "parks", "money", "counts", "percents", "ignore"]
REGION_SUFFIXES = ("省", "市", "区", "县", "自治区", "自治州", "特别行政区", "旗", "盟")
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
EN_MULT = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

errors: list[str] = []
notes: list[str] = []


def err(doc: str, msg: str) -> None:
    errors.append(f"{doc}: {msg}")


def cn_numeral(run: str) -> float:
    """Value of a Chinese numeral run such as 十一, 千万, 百亿, 亿 (a bare unit counts as 1 unit)."""
    total = section = 0.0
    number = None
    for ch in run:
        if ch in CN_DIGITS:
            number = CN_DIGITS[ch]
        elif ch in CN_SMALL:
            section += (number if number is not None else 1) * CN_SMALL[ch]
            number = None
        else:
            base = section + (number or 0)
            total += (base if base else 1) * CN_BIG[ch]
            section, number = 0.0, None
    return total + section + (number or 0)


def parse_value(text: str) -> float | None:
    """First quantity in an annotated text: digits with trailing 万/亿 etc., a Chinese numeral run, or English."""
    mt = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*([十百千万亿]*)", text)
    if mt:
        v = float(mt.group(1).replace(",", ""))
        if mt.group(2):
            v *= cn_numeral(mt.group(2))
        tail = text[mt.end():].lower().lstrip("- ")
        for word, mult in EN_MULT.items():
            if tail.startswith(word):
                v *= mult
        return v
    mt = re.search(r"[零一二两三四五六七八九十百千万亿]+", text)
    if mt:
        return cn_numeral(mt.group(0))
    for w in re.findall(r"[A-Za-z]+", text):
        if w.lower() in EN_WORDS:
            return float(EN_WORDS[w.lower()])
    return None


def load_sources(root: Path) -> dict[str, str]:
    enc = {}
    lines = (root / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(head, line.split("\t"), strict=True))
        enc[row["file"]] = "gb18030" if "gb" in row["encoding"].lower() else "utf-8"
    return enc


def check_len(doc: str, what: str, s: str) -> None:
    if not 10 <= len(s) <= 30:
        err(doc, f"{what} {s!r} has {len(s)} chars (need 10-30)")


def date_printed(text: str, date: str) -> bool:
    y, mo, d = (int(x) for x in date.split("-"))
    pats = [rf"{y}-0?{mo}-0?{d}(?!\d)", rf"{y}年0?{mo}月0?{d}日", rf"{y}/0?{mo}/0?{d}(?!\d)",
            rf"(?i)\b{MONTHS[mo - 1]}[a-z]*\.? 0?{d}, {y}"]
    return any(re.search(p, text) for p in pats)


def check_doc(gpath: Path, docs: Path, enc: dict[str, str]) -> None:
    g = json.loads(gpath.read_text(encoding="utf-8"))
    doc = g.get("doc", gpath.name)
    if list(g) != KEYS:
        err(doc, f"keys {list(g)} != {KEYS}")
        return
    if Path(doc).stem != gpath.stem:
        err(doc, f"doc name does not match gold file {gpath.name}")
    raw = (docs / doc).read_bytes()
    e = enc.get(doc)
    if e is None:
        err(doc, "not listed in SOURCES.tsv")
        return
    text = raw.decode(e)  # strict: raises on a wrong encoding
    if e == "gb18030":
        try:
            raw.decode("utf-8")
            err(doc, "recorded as GBK but bytes are valid UTF-8")
        except UnicodeDecodeError:
            pass
    if g["lang"] not in ("zh", "en"):
        err(doc, f"lang {g['lang']!r}")
    if g["title"] is not None and g["title"] not in text:
        err(doc, f"title not in text: {g['title']!r}")
    if g["published"] is not None:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", g["published"]):
            err(doc, f"published {g['published']!r} not YYYY-MM-DD")
        elif not date_printed(text, g["published"]):
            err(doc, f"published {g['published']} not printed in text")
    if not 3 <= len(g["body_samples"]) <= 5:
        err(doc, "need 3-5 body_samples")
    if len(g["junk_samples"]) > 5:
        err(doc, "at most 5 junk_samples")
    for s in g["body_samples"]:
        check_len(doc, "body sample", s)
        if s not in text:
            err(doc, f"body sample not in text: {s!r}")
    for s in g["junk_samples"]:
        check_len(doc, "junk sample", s)
        if s not in text:
            err(doc, f"junk sample not in text: {s!r}")
        if any(s in b or b in s for b in g["body_samples"]):
            err(doc, f"junk sample overlaps a body sample: {s!r}")
    ignore_norm = {x.strip() for x in g["ignore"]}
    if len(ignore_norm) != len(g["ignore"]):
        err(doc, "duplicate ignore entries")
    for r in g["regions"]:
        if not r.endswith(REGION_SUFFIXES):
            err(doc, f"region {r!r} lacks an official suffix")
        if r in ignore_norm:
            err(doc, f"region {r!r} also in ignore")
    if len(set(g["regions"])) != len(g["regions"]):
        err(doc, "duplicate regions")
    seen: set[str] = set()
    for cat in ("organizations", "parks"):
        for ent in g[cat]:
            names = [ent["name"], *ent["aliases"]]
            if cat == "organizations" and ent.get("kind") not in ("enterprise", "institution"):
                err(doc, f"{ent['name']!r} kind {ent.get('kind')!r}")
            for n in names:
                if n not in text:
                    err(doc, f"{cat} name/alias not in text: {n!r}")
                if n in seen:
                    err(doc, f"{n!r} listed twice")
                seen.add(n)
                if n in ignore_norm:
                    err(doc, f"{n!r} both annotated and ignored")
            if any(len(a) > len(ent["name"]) for a in ent["aliases"]):
                err(doc, f"{ent['name']!r}: an alias is longer than the name (name must be fullest form)")
    for cat in ("money", "counts", "percents"):
        for q in g[cat]:
            t = q["text"]
            if t not in text:
                err(doc, f"{cat} text not in text: {t!r}")
            if any(t in j for j in g["junk_samples"]):
                err(doc, f"{cat} text lies in junk: {t!r}")
            v = parse_value(t)
            if v is None or abs(v - q["value"]) > max(abs(q["value"]) * 1e-9, 1e-6):
                err(doc, f"{cat} {t!r}: value {q['value']} but text parses to {v}")
            if cat == "money" and q.get("currency") not in ("CNY", "USD", "EUR", "HKD"):
                err(doc, f"money {t!r}: currency {q.get('currency')!r}")
            if cat == "money" and q.get("currency") == "USD" and not re.search(r"US\$|\$|dollar|美元", t):
                err(doc, f"money {t!r}: USD without a dollar sign")
            if cat == "money" and q.get("currency") == "CNY" and re.search(r"US\$|美元", t):
                err(doc, f"money {t!r}: dollar text marked CNY")
            if cat == "counts" and q["unit"] not in t:
                if g["lang"] == "zh":
                    err(doc, f"count unit {q['unit']!r} not in {t!r}")
                else:
                    notes.append(f"{doc}: count unit {q['unit']!r} not printed in {t!r}")
    # exhaustiveness sweep: money and percent expressions that no annotation covers
    covered = " | ".join(q["text"] for cat in ("money", "counts", "percents") for q in g[cat])
    sweep = [r"\d[\d,.]*\s*(?:[万亿]+)?元", r"[百千万亿]+元", r"\d[\d.]*\s*(?:%|％)",
             r"\d[\d,.]*(?:-| )(?:million|billion)(?:-| )yuan", r"(?i)\d[\d.]* percent",
             r"US\$\s*[\d.,]+(?: (?:million|billion))?"]
    for pat in sweep:
        for mt in re.finditer(pat, text):
            if mt.group(0) not in covered:
                notes.append(f"{doc}: unannotated {mt.group(0)!r} (junk or missed?)")


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    enc = load_sources(root)
    golds = sorted((root / "gold").glob("*.json"))
    for gp in golds:
        try:
            check_doc(gp, root / "docs", enc)
        except (UnicodeDecodeError, KeyError, json.JSONDecodeError, FileNotFoundError) as exc:
            err(gp.name, f"{type(exc).__name__}: {exc}")
    listed = set(enc)
    present = {p.name for p in (root / "docs").iterdir()}
    for name in sorted(listed ^ present):
        err(name, "in SOURCES.tsv or docs/ but not both")
    for n in notes:
        print("note:", n)
    for e in errors:
        print("ERROR:", e)
    print(f"{len(golds)} gold files, {len(errors)} errors, {len(notes)} notes")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
