"""English organisation names: runs of capitalised words that end in an organisation head.

"Shandong Small-volume Injection Research Center", "Carson Cell", "XYZ Pharmaceutical
Co., Ltd.", "Chinese Academy of Sciences": a run is a sequence of capitalised words joined by
single spaces and the connectors of/and/for/&. A run names an organisation when it ends in
a head word (Center, University, Pharma …) or holds a head followed by "of …", has at least
one proper word before the head (not Research, National …), and holds no place/park/project
word (Park, Zone, Project, Workstation …). Word roles live in ``data/org_en.tsv``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from chainatlas.extract.orgnames import data_lines

_WORD = re.compile(r"(?:Co|Ltd|Inc|Corp|St|Dr)\.|[A-Za-z0-9][A-Za-z0-9'’\-]*|&")
_LEGAL_TAIL = re.compile(r"\s*,?\s*(Co\.,?\s*Ltd\.?|Co\.|Ltd\.?|Inc\.?|Corp\.?|LLC|PLC|GmbH|AG)\b\.?")
_LOCATIVE = ("-based", "-headquartered", "-listed", "-born", "-registered")
_CONNECTORS = frozenset({"of", "and", "for", "&", "the", "de", "du"})
_APPOSITION = re.compile(
    r"((?:[A-Z][\w\-’']*\s){0,4}[A-Z][\w\-’']*),\s+(?:a|an)\s+(?:[A-Za-z\-]+\s){0,3}?"
    r"(?:company|firm|enterprise|manufacturer|maker|drugmaker|developer|producer|start-?up|biotech)\b"
)


@dataclass(frozen=True)
class EnLexicon:
    heads: dict[str, str]  # word → kind
    legal: frozenset[str]
    generic: frozenset[str]
    notorg: frozenset[str]
    drop: frozenset[str]
    industry: frozenset[str] = frozenset()


@functools.cache
def en_lexicon() -> EnLexicon:
    heads: dict[str, str] = {}
    roles: dict[str, set[str]] = {"legal": set(), "generic": set(), "notorg": set(), "drop": set(), "industry": set()}
    for row in data_lines("org_en.tsv"):
        if len(row) < 2:
            raise RuntimeError(f"organizations: bad row in org_en.tsv: {row!r}")
        word, role = row[0], row[1]
        if role == "head":
            heads[word] = row[2] if len(row) > 2 and row[2] else "institution"
        elif role in roles:
            roles[role].add(word)
            if role == "legal":
                heads.setdefault(word, "enterprise")
        else:
            raise RuntimeError(f"organizations: unknown role {role!r} in org_en.tsv")
    return EnLexicon(heads, frozenset(roles["legal"]), frozenset(roles["generic"]),
                     frozenset(roles["notorg"]), frozenset(roles["drop"]), frozenset(roles["industry"]))


@functools.cache
def _syllables() -> tuple[frozenset[str], int]:
    syl = frozenset(r[0] for r in data_lines("org_pinyin.txt") if r and r[0])
    return syl, max(len(x) for x in syl)


def pinyin_brand(word: str) -> bool:
    """A word made wholly of two or more pinyin syllables that is not a place (Anshunda, Honghai)."""
    w = word.lower().replace("'", "").replace("’", "").replace("-", "")
    if len(w) < 4 or not w.isascii() or not w.isalpha():
        return False
    syl, longest = _syllables()
    n = len(w)
    best = [0] + [-1] * n  # most syllables covering w[:i] (fewest would also do: any cover counts)
    for i in range(n):
        if best[i] < 0:
            continue
        for k in range(1, min(longest, n - i) + 1):
            if w[i : i + k] in syl and best[i] + 1 > best[i + k]:
                best[i + k] = best[i] + 1
    return best[n] >= 2 and not _place(word)


def _place(word: str) -> bool:
    from chainatlas.extract.gazetteer import en_key, gazetteer

    return bool(gazetteer().en_forms().get(en_key(word)))


@dataclass(slots=True)
class EnName:
    start: int
    end: int
    text: str
    kind: str
    legal: str
    core: str


def _runs(text: str) -> list[list[tuple[int, int, str]]]:
    """Capitalised word runs: [(start, end, word)], joined by one space and connectors."""
    runs: list[list[tuple[int, int, str]]] = []
    cur: list[tuple[int, int, str]] = []
    prev_end = -1
    for m in _WORD.finditer(text):
        w = m.group()
        if cur:  # the gap matters only to a run in progress
            gap = text[prev_end : m.start()] if prev_end >= 0 else None
            joined = gap is not None and (gap == " " or gap in (",", ", ") and bool(_LEGAL_TAIL.match(text, prev_end)))
            if not joined:
                runs.append(cur)
                cur = []
        c0 = w[0]
        cap = c0.isupper() or (c0.isdigit() and any(c.isupper() for c in w))
        if cap or (cur and w in _CONNECTORS):
            cur.append((m.start(), m.end(), w))
        elif cur:
            runs.append(cur)
            cur = []
        prev_end = m.end()
    if cur:
        runs.append(cur)
    return runs


def _trim(run: list[tuple[int, int, str]], lex: EnLexicon) -> list[tuple[int, int, str]]:
    """Strip trailing connectors and leading function words or titles (The, Chairman of …)."""
    while run and (run[-1][2] in _CONNECTORS):
        run = run[:-1]
    while run and (run[0][2] in _CONNECTORS or run[0][2] in lex.drop
                   or len(run) > 2 and run[0][2].endswith(("'s", "’s")) and run[0][2] not in lex.generic):
        run = run[1:]  # "Paris's Saint Louis Hospital": the owner's place is not the name
    for i in range(len(run) - 1, -1, -1):  # "Beijing-based BeiGene Ltd.": the place is not the name
        if run[i][2].lower().endswith(_LOCATIVE):
            return _trim(run[i + 1 :], lex)
    # "VP for Medical", "Chairman of X": a title anywhere before a connector ends the left part
    for i in range(len(run) - 1, 0, -1):
        if run[i][2] in _CONNECTORS and any(w in lex.drop for _, _, w in run[:i]):
            return _trim(run[i + 1 :], lex)
    return run


def _split_and(run: list[tuple[int, int, str]], lex: EnLexicon) -> list[list[tuple[int, int, str]]]:
    """"Peking University and Tsinghua University" → two runs; "Science and Technology" stays."""
    for i, (_, _, w) in enumerate(run):
        if w in ("and", "&") and 0 < i < len(run) - 1:
            left, right = run[:i], run[i + 1 :]
            if _head_kind(left, lex) and _head_kind(right, lex):
                return [left, *_split_and(right, lex)]
    return [run]


def _head_kind(run: list[tuple[int, int, str]], lex: EnLexicon) -> str | None:
    if not run:
        return None
    if run[-1][2] in lex.heads:
        return lex.heads[run[-1][2]]
    for i, (_, _, w) in enumerate(run[:-1]):  # "Academy of Sciences", "Center for Global …"
        if w in lex.heads and run[i + 1][2] in ("of", "for"):
            return lex.heads[w]
    if run[-1][2] in lex.industry and any(w not in lex.generic and pinyin_brand(w) for _, _, w in run[:-1]):
        return "enterprise"  # Shenzhen Shanrongkai Technology: a pinyin brand and a business word
    return None


def find_english(text: str) -> list[EnName]:
    """English organisation names printed in ``text``."""
    lex = en_lexicon()
    out: list[EnName] = []
    for raw in _runs(text):
        for run in _split_and(_trim(raw, lex), lex):
            run = _trim(run, lex)
            name = _judge(text, run, lex)
            if name is None:
                # "CanSino Biologics and Zhifei": the name before the last "and" when the whole is none
                cut = max((i for i, (_, _, w) in enumerate(run) if w in ("and", "&")), default=0)
                if cut >= 2:
                    name = _judge(text, _trim(run[:cut], lex), lex)
            if name:
                out.append(name)
                if name.kind == "institution":
                    out += _parents(text, run, lex)
    out += _bracketed(text, lex)
    out += _named_lowercase(text, lex)
    for m in _APPOSITION.finditer(text):
        run = _trim([(x.start() + m.start(1), x.end() + m.start(1), x.group()) for x in _WORD.finditer(m.group(1))], lex)
        if run and not any(w in lex.notorg for _, _, w in run) and any(
            w not in lex.generic and w[0].isupper() for _, _, w in run
        ):
            s, e = run[0][0], run[-1][1]
            out.append(EnName(s, e, text[s:e], "enterprise", "", text[s:e]))
    return out


_PARENT_HEADS = frozenset({"University", "College", "Academy", "Institute"})


def _parents(text: str, run: list[tuple[int, int, str]], lex: EnLexicon) -> list[EnName]:
    """"Peking University Health Science Center": the university opening an institution's name is
    an institution of its own (the parent), as 北京大学 in 北京大学…研究院."""
    out = []
    for i in range(1, len(run) - 1):
        if run[i][2] in _PARENT_HEADS and run[i + 1][2] not in _CONNECTORS:
            name = _judge(text, run[: i + 1], lex)
            if name and name.kind == "institution":
                out.append(name)
    return out


_BRACKETED = re.compile(
    r"\b((?:[A-Z][\w\-]*\s){0,3}[A-Z][\w\-]*)\s[(（]([A-Z][a-z]+)[)）]\s((?:[A-Z][\w\-]*\s){0,4}[A-Z][\w\-]*)"
)


def _bracketed(text: str, lex: EnLexicon) -> list[EnName]:
    """"Surgery (Shenzhen) Medical Technology", "Hengrui (Suzhou) Pharmaceutical Co., Ltd.": a
    Chinese company's English name carries its registered place in brackets after the brand."""
    out: list[EnName] = []
    if ") " not in text and "） " not in text:
        return out
    for m in _BRACKETED.finditer(text):
        if not _place(m.group(2)):
            continue
        left = [w for w in m.group(1).split() if w not in lex.drop and w not in _CONNECTORS]
        words = m.group(3).split()
        last = next((i for i in range(len(words) - 1, -1, -1)
                     if words[i] in lex.heads or words[i] in lex.industry or words[i] in lex.legal), None)
        if not left or last is None or any(w in lex.notorg for w in (*left, *words[: last + 1])):
            continue
        s = m.start(1) + m.group(1).index(left[0])
        e = m.start(3) + len(" ".join(words[: last + 1]))
        tail = _LEGAL_TAIL.match(text, e)
        legal = ""
        if tail:
            legal, e = tail.group(1), tail.end()
        out.append(EnName(s, e, text[s:e], "enterprise", legal, " ".join(left)))
    return out


_LOWER_HEAD = re.compile(r"\bthe ((?:[A-Z][a-z]+ ){1,3})(laboratory|lab|institute|clinic|foundation)\b")


def _named_lowercase(text: str, lex: EnLexicon) -> list[EnName]:
    """"the Jean Dausset laboratory": a body named after a person, its head word in lower case."""
    out: list[EnName] = []
    if "the " not in text:
        return out
    for m in _LOWER_HEAD.finditer(text):
        words = m.group(1).split()
        if any(w in lex.generic or w in lex.drop or w in lex.heads or w in lex.notorg or _place(w) for w in words):
            continue
        s, e = m.start(1), m.end()
        out.append(EnName(s, e, text[s:e], "institution", "", " ".join(words)))
    return out


def _judge(text: str, run: list[tuple[int, int, str]], lex: EnLexicon) -> EnName | None:
    if len(run) == 1 and "-" in run[0][2]:  # "Kelun-Biotech": a hyphenated name ending in a head
        first, _, last = run[0][2].rpartition("-")
        if first[:1].isupper() and last in lex.heads and first not in lex.generic:
            s, e = run[0][0], run[0][1]
            return EnName(s, e, text[s:e], lex.heads[last], "", first)
        return None
    if len(run) < 2:
        return None
    kind = _head_kind(run, lex)
    if kind is None or any(w in lex.notorg for _, _, w in run):
        return None
    words = [w for _, _, w in run]
    nbody = len(words)
    while nbody and (words[nbody - 1] in lex.legal or words[nbody - 1].rstrip(".,") in lex.legal):
        nbody -= 1
    body = words[:nbody]
    legal = text[run[nbody][0] : run[-1][1]] if nbody < len(run) else ""
    proper = [w for w in body if w not in lex.generic and w not in _CONNECTORS and w not in lex.heads]
    if not proper and not (legal and body) and not (kind in ("government", "media") and len(words) >= 3):
        return None
    if all(w.isupper() and len(w) <= 3 for w in words) and len(words) <= 2:
        return None  # "EN DE" menus, "TCR-T" codes
    s, e = run[0][0], run[-1][1]
    return EnName(s, e, text[s:e], kind, legal, " ".join(proper))
