"""Keep the article, drop the portal around it: plain text scraped from news sites.

Scraped pages are a header (site banner, menu, breadcrumb, title, date line), the
article body, then trailing junk (share buttons, statements, contact lines, lists of
unrelated headlines, teasers of other articles). The body is found by structure, not
by strings of any one site:

1. every line is classified once (paragraph, short line, navigation, contact, date
   line, end marker …) with a weight: long punctuated paragraphs count for their
   length, junk lines against;
2. the body is the run of lines with the largest total weight (a maximum-sum
   segment, linear time), so section headings between paragraphs stay in while the
   headline lists and timestamps around the article fall out;
3. an end marker (相关阅读, 特别声明, 版权声明, 责任编辑 …) met after a substantial
   run closes the article: nothing after it can become body, and dates printed
   there are never taken as the publication date;
4. title, date and site come from the header lines just above the body (or the
   labelled lines just below it).

Photo captions and credits ("…忙碌。 工信局供图", "[Photo/Xinhua]"), bylines and a reporter's
name closing the last paragraph are junk wherever they stand; a sentence broken over short
lines right above the first paragraph (the layout of WeChat-style pages) is the article's lead.

Marker and label lists are data files in ``data/`` so they can grow without code.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from chainatlas.ingest.dates import find_dates
from chainatlas.model import Dropped

DATA = Path(__file__).parent / "data"

# Weights (roughly "characters of article text" a line is worth).
_MAX_PARA = 500.0
_SUBSTANTIAL = 100.0  # a run this heavy is an article: the next end marker closes it
_W = {
    "blank": 0.0, "text": -2.0, "byline": -5.0, "teaser": -25.0, "dup": -30.0, "banner": -40.0,
    "share": -60.0, "contact": -60.0, "lang": -60.0, "link": -60.0, "nav": -100.0, "meta": -120.0,
    "caption": -20.0,
}
_CAPTION_MAX = 150  # a photo caption is one or two sentences; longer lines with a credit are prose
_CAPTION_MAX_WORDS = 60
_HEADER_WINDOW = 10  # non-blank lines above the body searched for title and date
_TRAILER_WINDOW = 3  # non-blank lines below the body searched for a labelled date/source
# Kinds that are junk wherever they stand, even between body paragraphs.
_JUNK = frozenset({"nav", "lang", "share", "contact", "link", "meta", "dup", "banner", "end", "caption", "byline"})
_REASON = {
    "nav": "navigation", "lang": "language links", "share": "share/QR/print prompt",
    "contact": "contact line", "link": "link line", "meta": "date/source line", "dup": "repeated line",
    "banner": "site banner", "teaser": "teaser of another article", "byline": "byline",
    "title": "title", "caption": "photo caption",
}

_DECOR = " \t\u3000（(【】[]■□●○◆◇▲△▼▽►▶◀★☆·•*#>»›-—–=|｜~"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_DIGIT = re.compile(r"\d")
_EN_END = re.compile(r"[A-Za-z0-9)\]\"'”’%][.!?](?:[\"”’)\]]*)(?=\s|$)")
_ZH_COMMA = re.compile(r"[，,、]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\d.])(?:\+?86[-\s]?)?(?:1[3-9]\d{9}|0\d{2,3}[-\s]?\d{7,8}|[48]00[-\s]?\d{3}[-\s]?\d{3,4})(?![\d.])"
)
_URL = re.compile(r"(?:https?://|www\.)[^\s，。]+", re.I)
_DOMAIN = re.compile(r"\b[a-z0-9-]+\.(?:com|cn|net|org|gov|edu)(?:\.cn)?\b", re.I)
_CRUMB_SEP = re.compile(r"[>»›＞]+")
_MENU_SPLIT = re.compile(r"\s*[|｜丨/]\s*|\s+")
_MENU_STOP = re.compile(r"[，,：:\d]")
_PUNCT = re.compile(r"[。，,！？!?；;：:、“”\"（）()《》]")
_SENT_PUNCT = re.compile(r"[。！？!?；;]")
# A paragraph break inside one scraped line: a full-width indent (two ideographic
# spaces), or a run of spaces after a Chinese sentence end.
_INLINE_BREAK = re.compile(r"[ \t]*\u3000\u3000[ \u3000\t]*(?=\S)|(?<=[。！？!?；”」』])[ \t]{2,}(?=\S)")
_NOT_TEXT = str.maketrans({
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "\xa0": " ", "\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n",
    **{chr(c): None for c in (*range(0, 9), *range(14, 32), 127)},
})
_TITLE_TAIL = re.compile(r"\s*(?:_|\s*[-–—|｜]\s*)\s*([^_|｜\-–—]{2,24})$")
_TABLE_ROW = re.compile(r"^\|(.*)\|$")
_CELL_SPLIT = re.compile(r"\s+\|\s+")
# Paragraphs an extractor joined with one space: Chinese never puts a space after 。
_JOINED_PARA = re.compile(r"(?<=[。！？；])\s+(?=[\u4e00-\u9fff“「《（(])")
_TITLE_LABEL = re.compile(r"^(?:原标题|主标题|标题|Title)\s*[:：]\s*", re.I)
_REPORTED_BY = re.compile(r"本文由\s*(.{2,24}?)\s*(?:发布|原创|整理|首发)")

# Markdown, for .md input: headings, quotes, bullets, emphasis, links, images, front matter.
_MD_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_PREFIX = re.compile(r"^(?:\s{0,3}#{1,6}\s+|\s{0,3}>\s?|\s{0,3}[-*+]\s+(?=\S))", re.M)
_MD_EMPH = re.compile(r"(\*\*|__|`)")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.M)


def _data(name: str) -> tuple[str, ...]:
    out = []
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        s = raw.strip()
        if s and not s.startswith("# ") and s != "#":
            out.append(s)
    return tuple(out)


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Rules:
    end_prefix: tuple[str, ...]
    end_exact: frozenset[str]
    nav_prefix: tuple[str, ...]
    footer: re.Pattern[str]
    statement: re.Pattern[str]
    share: re.Pattern[str]
    lang: frozenset[str]
    contact: re.Pattern[str]
    date_label: re.Pattern[str]
    source: re.Pattern[str]
    byline: re.Pattern[str]
    banner_date: re.Pattern[str]
    site_suffix: tuple[str, ...]
    caption: re.Pattern[str]
    frag_open: tuple[str, ...]
    frag_close: tuple[str, ...]


@functools.cache
def _rules() -> _Rules:
    """Every list and pattern, built once per process."""
    ends = _data("end_markers.txt")
    stop = _alternation(_data("meta_stop_labels.txt") + _data("date_labels.txt"))
    return _Rules(
        end_prefix=tuple(m for m in ends if not m.startswith("=")),
        end_exact=frozenset(m[1:].casefold() for m in ends if m.startswith("=")),
        nav_prefix=_data("nav_markers.txt"),
        footer=re.compile(_alternation(_data("footer_markers.txt")), re.I),
        statement=re.compile(_alternation(_data("statement_phrases.txt")), re.I),
        share=re.compile(_alternation(_data("share_markers.txt")), re.I),
        lang=frozenset(t.casefold() for t in _data("lang_tokens.txt")),
        contact=re.compile(rf"(?:{_alternation(_data('contact_labels.txt'))})\s*[:：/／]", re.I),
        date_label=re.compile(rf"(?:{_alternation(_data('date_labels.txt'))})\s*(?:[:：]|(?=\s*\d))", re.I),
        source=re.compile(
            rf"(?:^|(?<=[\s|｜(（\[【]))(?:{_alternation(_data('source_labels.txt'))})\s*[:：]\s*"
            rf"(.+?)\s*(?=$|[|｜)）\]】]|\s{{2,}}|(?:{stop})|\d{{4}}\s*[-/.年]|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}})",
            re.I,
        ),
        byline=re.compile(_alternation(_data("byline_words.txt"))),
        banner_date=re.compile(_alternation(_data("date_banner_markers.txt")), re.I),
        site_suffix=_data("site_suffixes.txt"),
        frag_open=tuple(w[1:] for w in _data("fragment_edges.txt") if w.startswith(">")),
        frag_close=tuple(w[1:] for w in _data("fragment_edges.txt") if w.startswith("<")),
        caption=re.compile("|".join(f"(?:{p})" for p in _data("caption_patterns.txt")), re.I),
    )


@dataclass(slots=True)
class Cleaned:
    """What the cleaner kept and why it dropped the rest."""

    body: str
    title: str | None = None
    published: str | None = None
    site: str | None = None
    dropped: list[Dropped] = field(default_factory=list)


@dataclass(slots=True)
class _Line:
    text: str
    kind: str
    weight: float
    marker: str | None = None
    latin: bool = False
    has_date: bool = False
    labelled: bool = False  # a meta line with a date or source label ("发布时间：", "Source:")


# ---------------------------------------------------------------- classification


def _end_marker(s: str, core: str, R: _Rules) -> str | None:
    bare = core.rstrip(":：】] ").strip()
    if bare.casefold() in R.end_exact:
        return bare
    for text in (s, core):
        if text.startswith(R.end_prefix):
            m = next(p for p in R.end_prefix if text.startswith(p))
            rest = text[len(m):].lstrip()
            if len(text) <= 40 or m[-1] in ":：" or rest[:1] in (":", "："):
                return m
    return None


def _title_case(words: list[str]) -> bool:
    """Most longer words capitalised: an English headline, not prose without full stops."""
    long_words = [w for w in words if len(w) >= 4]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def _is_lang_links(s: str) -> bool:
    tokens = [t for t in _MENU_SPLIT.split(s) if t]
    return 0 < len(tokens) <= 12 and all(t.casefold() in _rules().lang for t in tokens)


def _is_menu(s: str) -> bool:
    """A site menu: several short unpunctuated items ("首页 | 新闻 | 政务")."""
    if _SENT_PUNCT.search(s) or _MENU_STOP.search(s):
        return False
    piped = any(c in s for c in "|｜丨")
    tokens = [t for t in _MENU_SPLIT.split(s) if t]
    if len(tokens) < (3 if piped else 4):
        return False
    latin = bool(_LETTER.search(s))
    if not piped and latin:  # an English heading is a few short words too
        return False
    return sum(len(t) for t in tokens) / len(tokens) <= (10 if latin else 6)


def _classify(s: str) -> _Line:
    R = _rules()
    n = len(s)
    if not s:
        return _Line(s, "blank", 0.0)
    core = s.lstrip(_DECOR)
    marker = _end_marker(s, core, R)
    if marker:
        # "热门资讯 2025年08月20日 16:25 admin": a column label on the date line above the body
        # ends no article there, but its date is the article's (used from the header only)
        dated = _DIGIT.search(s) is not None and next(find_dates(s), None) is not None
        return _Line(s, "end", 0.0, marker, has_date=dated)
    if n <= 120 and (
        core.startswith(R.nav_prefix)
        or (("首页" in s or "Home" in s) and _CRUMB_SEP.search(s))
        or (n <= 60 and len(_CRUMB_SEP.findall(s)) >= 2 and not _SENT_PUNCT.search(s))
        or _is_menu(s)
    ):
        return _Line(s, "nav", _W["nav"])
    if _is_lang_links(s):
        return _Line(s, "lang", _W["lang"])
    if n <= 120:
        m = R.footer.search(s)
        if m:
            return _Line(s, "end", 0.0, m.group(0))
    if n <= 300:
        m = R.statement.search(s)
        if m:  # "本平台仅提供信息存储服务": the platform's disclaimer closes the article
            return _Line(s, "end", 0.0, m.group(0))

    cjk = len(_CJK.findall(s))
    letters = len(_LETTER.findall(s)) if cjk < n else 0
    latin = letters > 2 * cjk
    if latin:
        words = _WORD.findall(s)
        para = len(words) >= 40 or (len(words) >= 12 and (bool(_EN_END.search(s)) or not _title_case(words)))
        eff = n / 2.5
    else:
        para = (n >= 20 and ("。" in s or "；" in s)) or (n >= 60 and len(_ZH_COMMA.findall(s)) >= 2)
        eff = float(n)
    digits = bool(_DIGIT.search(s))
    # "Updated:2016-11-22By Wang Hongyi (China Daily)": a dated header line that ends in a credit is
    # the article's meta line, not a photo caption; its date is the publication date.
    dated_header = not para and digits and n <= 80 and next(find_dates(s), None) is not None
    if (
        not dated_header
        and (n <= _CAPTION_MAX if not latin else len(_WORD.findall(s)) <= _CAPTION_MAX_WORDS)
        and R.caption.search(s)
    ):
        return _Line(s, "caption", _W["caption"], latin=latin)
    contactish = _EMAIL.search(s) or (digits and _PHONE.search(s)) or R.contact.search(s)
    if n <= 100 and contactish and not (para and n > 60 and not (_EMAIL.search(s) or _PHONE.search(s))):
        return _Line(s, "contact", _W["contact"], latin=latin)
    url = _URL.search(s)
    if url and len(url.group(0)) >= 0.6 * n:
        return _Line(s, "link", _W["link"], latin=latin)
    has_date = digits and next(find_dates(s), None) is not None
    if not para:
        labelled = bool(R.date_label.search(s) or R.source.search(s))
        if (has_date and (n <= 80 or labelled)) or (n <= 60 and labelled and R.source.search(s)):
            return _Line(s, "meta", _W["meta"], latin=latin, has_date=has_date, labelled=labelled)
    if n <= 60 and R.share.search(s):
        return _Line(s, "share", _W["share"], latin=latin)
    if para:
        return _Line(s, "para", min(eff, _MAX_PARA), latin=latin, has_date=has_date)
    if n <= 40 and "。" not in s and R.byline.search(s) and (s[0] in "(（[【" or core.startswith(("记者", "本报", "文/", "文 /"))):
        return _Line(s, "byline", _W["byline"], latin=latin)
    if n <= 24 and not _PUNCT.search(s):
        if latin and " " not in s and s.isupper() and n >= 4:
            return _Line(s, "banner", _W["banner"], latin=latin)
        if _DOMAIN.search(s) or (not latin and cjk >= 3 and s.endswith(R.site_suffix) and n <= 12):
            return _Line(s, "banner", _W["banner"], latin=latin)
    if n >= 60:
        return _Line(s, "text", _W["text"], latin=latin, has_date=has_date)
    return _Line(s, "short", -(6.0 + min(n, 60) / 6.0), latin=latin, has_date=has_date)


def _teaser(line: _Line, prev: _Line | None) -> bool:
    """A cut-off excerpt of another article ("标题 标题正文开头...")."""
    s = line.text
    if line.latin or len(s) < 30:
        return False
    gap = s.find(" ")
    if gap >= 5:
        head = s[:gap].rstrip(".…")
        if len(head) >= 5 and s[gap + 1:].lstrip().startswith(head):
            return True
    cut = s.endswith("...") or (s.endswith("…") and not s.endswith("……"))
    return cut and prev is not None and prev.kind in ("short", "dup", "teaser")


# ---------------------------------------------------------------- pre-processing


def _markdown_to_text(text: str) -> tuple[str, dict[str, str]]:
    front: dict[str, str] = {}
    m = _MD_FRONT.match(text)
    if m:
        for row in m.group(1).splitlines():
            key, sep, value = row.partition(":")
            if sep:
                front[key.strip().lower()] = value.strip().strip("'\"")
        text = text[m.end():]
    text = _MD_RULE.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_PREFIX.sub("", text)
    text = _MD_EMPH.sub("", text)
    return text, front


def _lines(text: str) -> list[str]:
    """Stripped lines; a scraped line is the unit the page layout gave, so it is
    classified whole (a teaser that runs over several inline paragraphs stays one)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_NOT_TEXT)
    return [raw.strip() for raw in text.split("\n")]


def _untable(lines: list[str]) -> list[str]:
    """trafilatura writes layout tables as ``| cell | cell |`` rows: one line per cell,
    and the paragraphs it joined inside a cell apart again."""
    out: list[str] = []
    for line in lines:
        m = _TABLE_ROW.match(line)
        if not m:
            out.append(line)
            continue
        for cell in _CELL_SPLIT.split(m.group(1).strip()):
            cell = cell.strip().strip("|").replace("\\|", "|").strip()
            out.extend(p.strip() for p in _JOINED_PARA.split(cell))
    return out


_BARE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


def _paragraphs(line: str, dropped: list[Dropped] | None = None) -> list[str]:
    """A kept line split at its inline paragraph breaks (full-width indents).

    Pieces that are photo captions or bylines go to ``dropped``, and so does a bare name
    closing the line after a finished sentence ("…新应用领域。  于淑仪": the reporter)."""
    if not ("  " in line or "\u3000\u3000" in line or " \u3000" in line):
        return [line]
    pieces = [p for p in (x.strip() for x in _INLINE_BREAK.split(line)) if p]
    if len(pieces) < 2:
        return pieces
    out: list[str] = []
    for k, p in enumerate(pieces):
        kind = _classify(p).kind
        reason = _REASON[kind] if kind in ("caption", "byline") else None
        if reason is None and k == len(pieces) - 1 and _BARE_NAME.fullmatch(p) and _SENT_PUNCT.search(pieces[k - 1][-1:]):
            reason = "byline"
        if reason is None:
            out.append(p)
        elif dropped is not None:
            dropped.append(Dropped(p, reason))
    return out


def _classify_all(lines: list[str]) -> list[_Line]:
    infos: list[_Line] = []
    seen: set[str] = set()
    prev: _Line | None = None
    for s in lines:
        info = _classify(s)
        if info.kind in ("short", "text", "para") and _teaser(info, prev):
            info.kind, info.weight = "teaser", _W["teaser"]
        if info.kind in ("short", "text", "teaser") and len(s) >= 6 and s in seen:
            info.kind, info.weight = "dup", _W["dup"]
        if s:
            seen.add(s)
            prev = info
        infos.append(info)
    _lead_fragments(infos)
    return infos


_FRAG_MAX = 40  # characters of one line of a sentence broken over lines
_FRAG_MIN_LINES = 3


def _fragment(info: _Line) -> bool:
    """A short Chinese line that opens or closes in the middle of a sentence (or of a 《title》)."""
    s = info.text
    if info.kind != "short" or info.latin or len(s) > _FRAG_MAX or _SENT_PUNCT.search(s):
        return False
    R = _rules()
    if s.startswith(R.frag_open) or s.endswith(R.frag_close):
        return True
    return s.count("《") != s.count("》") or s.count("“") != s.count("”")


def _cut_inside(s: str) -> bool:
    """The line ends in the middle of a phrase (公布了, 《…竞争力) rather than opening one."""
    return s.endswith(_rules().frag_close) or s.count("《") != s.count("》") or s.count("“") != s.count("”")


def _lead_fragments(infos: list[_Line]) -> None:
    """A sentence broken over short lines right above the first paragraph is the article's lead:
    its lines weigh for their length (the run of short lines ends at a paragraph)."""
    first_para = next((i for i, x in enumerate(infos) if x.kind == "para"), None)
    if first_para is None:
        return
    block: list[int] = []
    for i in range(first_para - 1, -1, -1):
        kind = infos[i].kind
        if kind == "blank":
            continue
        if kind != "short":
            break
        block.append(i)
    frags = [i for i in block if _fragment(infos[i])]
    if len(frags) < _FRAG_MIN_LINES or not any(_cut_inside(infos[i].text) for i in frags):
        return  # headlines may open with 为/在/对, but a broken sentence also ends lines mid-phrase
    for i in frags:
        infos[i].weight = float(len(infos[i].text))


# ---------------------------------------------------------------- the body


def _best_run(infos: list[_Line]) -> tuple[int, int, int]:
    """(start, end inclusive, stop): the heaviest run of lines, and where the article ends.

    A maximum-sum segment; end markers are barriers, and the first one after a
    substantial run stops the search (``stop`` is its index, else ``len(infos)``).
    """
    best, best_s, best_e = 0.0, -1, -1
    cur, cur_s = 0.0, -1
    header_since_best = False  # a labelled date/source line: another article header follows the run
    for i, info in enumerate(infos):
        if info.kind == "end":
            if best >= _SUBSTANTIAL and not header_since_best:
                return best_s, best_e, i
            cur, cur_s = 0.0, -1
            continue
        if info.labelled:
            header_since_best = True
        w = info.weight
        if cur_s < 0:
            if w > 0:
                cur, cur_s = w, i
        else:
            cur += w
            if cur <= 0:
                cur, cur_s = 0.0, -1
        if cur_s >= 0 and w > 0 and cur > best:
            best, best_s, best_e = cur, cur_s, i
            header_since_best = False
    return best_s, best_e, len(infos)


def _relaxed(infos: list[_Line]) -> list[_Line]:
    """Weights for a page of short lines: any line with sentence punctuation counts."""
    out = []
    for x in infos:
        if x.kind in ("short", "text", "byline") and (_SENT_PUNCT.search(x.text) or _EN_END.search(x.text)):
            out.append(_Line(x.text, x.kind, float(len(x.text)), x.marker, x.latin, x.has_date, x.labelled))
        else:
            out.append(x)
    return out


_CUT_MIN_CJK = 15  # a cut-off Chinese sentence this long is prose, not a stray label
_CUT_MIN_WORDS = 3
_LABEL_HEAD = re.compile(r"^\S{1,5}\s*[:：]")


def _cut_off_last_line(infos: list[_Line], end: int, stop: int) -> bool:
    """The file stops in the middle of the article's last paragraph (a scrape cut at a size limit).

    The cut line is too short or unpunctuated to weigh as a paragraph, so the heaviest run
    ends before it. It is kept when it is the only line left in the file after the body,
    reads as prose (long enough, no date, no junk kind) and does not end a sentence.
    """
    if stop != len(infos) or infos[end].kind != "para":
        return False
    rest = [i for i in range(end + 1, len(infos)) if infos[i].kind != "blank"]
    if len(rest) != 1:
        return False
    line = infos[rest[0]]
    s = line.text
    if line.kind not in ("short", "text") or line.has_date or _SENT_PUNCT.search(s[-1:]) or _EN_END.search(s[-3:]):
        return False
    if _LABEL_HEAD.search(s):  # "标签: A B C", "Tags: …": a labelled trailer line
        return False
    if line.latin:
        words = _WORD.findall(s)
        return len(words) >= _CUT_MIN_WORDS and not _title_case(words)
    return len(_CJK.findall(s)) >= _CUT_MIN_CJK


def _trusted_run(infos: list[_Line]) -> tuple[int, int, int]:
    """For text an extractor already cut from HTML: keep all of it but the header and junk."""
    start = next((i for i, x in enumerate(infos) if x.kind == "para"), -1)
    if start < 0:
        start = next((i for i, x in enumerate(infos) if x.kind in ("short", "text", "byline", "teaser")), -1)
    if start < 0:
        return -1, -1, len(infos)
    stop = next((i for i in range(start, len(infos)) if infos[i].kind == "end"), len(infos))
    end = max((i for i in range(start, stop) if infos[i].kind not in _JUNK and infos[i].kind != "blank"),
              default=start)
    return start, end, stop


# ---------------------------------------------------------------- title, date, site


def _title_ok(info: _Line) -> bool:
    s = info.text
    if info.kind not in ("short", "text", "para", "dup", "teaser"):
        return False
    if info.kind == "para" and len(s) > 80:
        return False
    if info.latin:
        return len(_WORD.findall(s)) >= 3
    return len(_CJK.findall(s)) >= 4


def _strip_site_suffix(title: str) -> str:
    """``标题_某某日报_某某网`` → ``标题``: page titles carry the site name."""
    suffixes = _rules().site_suffix
    while True:
        m = _TITLE_TAIL.search(title)
        if not m:
            return title
        tail, head = m.group(1).strip(), title[: m.start()].strip()
        if len(head) < 4 or not (tail.endswith(suffixes) or _DOMAIN.search(tail)):
            return title
        title = head


def _pick_title(infos: list[_Line], window: list[int]) -> int | None:
    dated = [i for i in window if infos[i].kind == "meta" and infos[i].has_date]
    anchor = dated[-1] if dated else None
    best, best_score = None, float("-inf")
    for rank, i in enumerate(window):
        info = infos[i]
        if not _title_ok(info):
            continue
        eff = len(info.text) / 2.5 if info.latin else len(info.text)
        # Distance to the date line below it, else to the body: titles sit right above either.
        if anchor is not None and i < anchor:
            dist = sum(1 for j in window if i < j <= anchor)
        else:
            dist = len(window) - rank + (3 if anchor is not None else 0)
        score = min(eff, 20.0) - 4.0 * dist
        if score > best_score:
            best, best_score = i, score
    return best


def _date_in(infos: list[_Line], order: list[int], *, labelled_only: bool) -> str | None:
    R = _rules()
    for i in order:
        info = infos[i]
        if not info.has_date or info.kind not in ("meta", "short", "byline", "text", "end"):
            continue
        label = R.date_label.search(info.text)
        if labelled_only and not (label or R.source.search(info.text)):
            continue
        if not label and R.banner_date.search(info.text):
            continue  # "今天是2024年5月1日": the day it was scraped
        dates = list(find_dates(info.text))
        if label:  # the date the label introduces
            after = [d for d in dates if d.start >= label.start()]
            dates = after or dates
        if dates:
            return dates[0].iso
    return None


def _site_in(infos: list[_Line], order: list[int]) -> str | None:
    R = _rules()
    for i in order:
        info = infos[i]
        if info.kind not in ("meta", "short", "byline"):
            continue
        m = R.source.search(info.text)
        if m and 2 <= len(m.group(1).strip(" ·|-")) <= 40:
            return m.group(1).strip(" ·|-")
        if info.kind == "meta" and info.has_date:
            first = next(find_dates(info.text))
            prefix = info.text[: first.start].rstrip(" ·|｜-—/")
            if (prefix and info.text[len(prefix): first.start].strip(" ") in ("·", "|", "｜", "-", "—", "/")
                    and 2 <= len(prefix) <= 30 and not _DIGIT.search(prefix)):
                return prefix.strip()
    return None


# ---------------------------------------------------------------- dropped blocks


def _dropped(infos: list[_Line], reasons: list[str | None]) -> list[Dropped]:
    out: list[Dropped] = []
    texts: list[str] = []
    current: str | None = None
    for info, reason in zip(infos, reasons, strict=True):
        if info.kind == "blank":
            continue
        if reason != current and texts:
            out.append(Dropped("\n".join(texts), current or ""))
            texts = []
        current = reason
        if reason is not None:
            texts.append(info.text)
    if texts:
        out.append(Dropped("\n".join(texts), current or ""))
    return out


def _headline_reasons(infos: list[_Line], idx: list[int], reasons: list[str | None]) -> None:
    """Below the body: runs of short lines (with their timestamps) are headline lists."""
    run: list[int] = []
    for i in [*idx, -1]:
        if i >= 0 and infos[i].kind in ("short", "dup", "teaser", "text") or (
            i >= 0 and infos[i].kind == "meta" and infos[i].has_date and len(infos[i].text) <= 24
        ):
            run.append(i)
            continue
        if sum(1 for j in run if infos[j].kind != "meta") >= 2:
            for j in run:
                reasons[j] = "headline list"
        run = []


# ---------------------------------------------------------------- entry point


def clean_text(text: str, *, trusted: bool = False, title_hint: str | None = None,
               markdown: bool = False) -> Cleaned:
    """Split scraped ``text`` into the article body and the dropped rest.

    ``trusted``: the text was already cut out of a page by an extractor (trafilatura),
    so keep every line except the header, junk lines and what follows an end marker.
    ``title_hint``: a title known from elsewhere (HTML metadata); header lines equal to
    it are dropped. ``markdown``: strip Markdown syntax (and read front matter) first.
    """
    front: dict[str, str] = {}
    if markdown:
        text, front = _markdown_to_text(text)
    lines = _lines(text)
    if trusted:
        lines = _untable(lines)
    infos = _classify_all(lines)
    hint = re.sub(r"\s+", "", title_hint) if title_hint else None
    if hint:
        for info in infos:
            if info.kind not in ("blank", "end") and re.sub(r"\s+", "", info.text) == hint:
                info.kind, info.weight = "title", _W["meta"]
    if trusted:
        start, end, stop = _trusted_run(infos)
    else:
        start, end, stop = _best_run(infos)
        if start < 0:  # no paragraph anywhere: short sentences are the article
            start, end, stop = _best_run(_relaxed(infos))
        elif _cut_off_last_line(infos, end, stop):
            end = next(i for i in range(len(infos) - 1, end, -1) if infos[i].kind != "blank")

    reasons: list[str | None] = [None] * len(infos)
    kept: list[str] = []
    inline_drops: list[Dropped] = []
    header: list[int] = []
    after: list[int] = []
    if start >= 0:
        for i in range(start, end + 1):
            kind = infos[i].kind
            if kind in _JUNK or kind == "title":
                reasons[i] = _REASON[kind]
            elif kind != "blank":
                kept.extend(_paragraphs(infos[i].text, inline_drops))
        header = [i for i in range(start) if infos[i].kind != "blank"]
        after = [i for i in range(end + 1, stop) if infos[i].kind != "blank"]
    else:  # nothing article-like: no body, everything before the stop is header
        header = [i for i in range(stop) if infos[i].kind != "blank"]
    for i in header:
        reasons[i] = _REASON.get(infos[i].kind, "before the article body")
    for i in after:
        reasons[i] = _REASON.get(infos[i].kind, "after the article body")
    _headline_reasons(infos, after, reasons)
    if stop < len(infos):
        marker = infos[stop].marker or infos[stop].text
        for i in range(stop, len(infos)):
            reasons[i] = f"after end marker “{marker}”"

    window = header[-_HEADER_WINDOW:]
    title: str | None = title_hint.strip() if title_hint else None
    if title:  # the page title may carry the site name; the headline printed above the body does not
        for i in window:
            line = infos[i].text
            if len(line) >= 4 and title.startswith(line) and _TITLE_TAIL.fullmatch(title[len(line):]):
                title, reasons[i] = line, "title"
                break
    else:
        title_idx = _pick_title(infos, window)
        if title_idx is not None:
            title = infos[title_idx].text
            reasons[title_idx] = "title"
    if title:
        title = _strip_site_suffix(_TITLE_LABEL.sub("", title, count=1)) or title
    trailer = after[:_TRAILER_WINDOW]
    near_first = window[::-1]
    published = (
        _date_in(infos, near_first, labelled_only=True)
        or _date_in(infos, near_first, labelled_only=False)
        or _date_in(infos, trailer, labelled_only=True)
    )
    site = _site_in(infos, near_first) or _site_in(infos, trailer)
    dropped = _dropped(infos, reasons) + inline_drops
    if site is None:
        for block in dropped:
            m = _REPORTED_BY.search(block.text)
            if m:
                site = m.group(1)
                break
    if front:
        title = front.get("title") or title
        fm_date = front.get("date") or front.get("published")
        if fm_date:
            published = next((d.iso for d in find_dates(fm_date)), published)
        site = front.get("site") or front.get("source") or site
    return Cleaned("\n".join(kept), title or None, published, site, dropped)


__all__ = ["Cleaned", "clean_text"]
