"""The citation checker: nothing in a briefing may lack a citation.

A generated briefing (Markdown or HTML) is read back as a user sees it and checked:

* every number in the body (everything above the Sources list) is followed, in the same bullet,
  table cell or paragraph, by a citation group ``[n]`` or ``[n][m]``;
* every ``[n]`` resolves to an entry of the Sources list;
* the quoted sentence (or the title) of at least one source of that group holds the same VALUE: numbers are
  parsed on both sides with the project's own parser (``extract.quantities.find_quantities``), so
  an English bullet's "18.026 billion yuan" matches a Chinese sentence's "180.26亿元", and bare
  numbers (years, dates, ranks) are compared as numbers;
* every source is cited somewhere (a source nobody cites is a sign of a dropped citation).

An analyst's correction printed under a source entry counts as part of that source.
Run it on a file: ``python -m chainatlas.present.report.lint REPORT.md``.
"""

from __future__ import annotations

import html as _html
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chainatlas.extract.quantities import find_quantities

# A citation group: [3] or [3][7] (also [3, 7]); the numbers inside are not claims.
CITE_GROUP = re.compile(r"(?:\[\d+(?:\s*[,，]\s*\d+)*\])+")
_CITE_NUM = re.compile(r"\d+")
_RAW_NUMBER = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?")
SOURCES_HEADINGS = ("sources", "来源", "passages", "段落")
_MD_SOURCE = re.compile(r'^\[(\d+)\]\s+(.*?):\s*"(.*)"\s*$')
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_TARGET = re.compile(r"\]\((?:[^)\s]+)\)")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TOLERANCE = 1e-6
_NUMERAL = re.compile(r"[0-9〇零一二两三四五六七八九十百千]|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                      r"eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|dozen)\b", re.I)


@dataclass(frozen=True, slots=True)
class Number:
    """A number as printed: its value and where it is in the text it was read from."""

    value: float
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class LintResult:
    """What the check found; ``ok`` when there is no problem."""

    problems: list[Problem] = field(default_factory=list)
    sources: dict[int, str] = field(default_factory=dict)
    cited: set[int] = field(default_factory=set)
    numbers: int = 0  # numbers checked

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        if self.ok:
            return f"ok: {self.numbers} numbers, {len(self.cited)} of {len(self.sources)} sources cited"
        return "\n".join(str(p) for p in self.problems)


# ---------------------------------------------------------------------------- numbers


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def numbers_in(text: str) -> list[Number]:
    """The numbers a reader sees in ``text``: quantities with their unit (180.26亿元 → 18026000000,
    18.026 billion yuan → the same) and bare numbers outside them (years, days, ranks)."""
    text = _norm(text)
    out: list[Number] = []
    spans: list[tuple[int, int]] = []
    for q in find_quantities(text):
        if not _NUMERAL.search(q.text):
            continue  # a bare magnitude ("按进度，亿元" in a caption) is a unit, not a number
        out.append(Number(float(q.value), q.start, q.end, q.text))
        spans.append((q.start, q.end))
    for m in _RAW_NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        out.append(Number(_raw_value(m.group()), m.start(), m.end(), m.group()))
    out.sort(key=lambda n: n.start)
    return out


def _raw_value(s: str) -> float:
    return float(s.replace(",", ""))


def sentence_values(text: str) -> list[float]:
    """Every value a source sentence supports: its quantities and every bare number in it (also
    those inside quantities, so a bullet may print 180.26 or 2024 alone)."""
    text = _norm(text)
    values = [float(q.value) for q in find_quantities(text)]
    values.extend(_raw_value(m.group()) for m in _RAW_NUMBER.finditer(text))
    return values


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(1.0, abs(a), abs(b))


def supported(value: float, values: Iterable[float]) -> bool:
    return any(same_value(value, v) for v in values)


def unsupported_numbers(text: str, values: Sequence[float]) -> list[Number]:
    """The numbers of ``text`` that ``values`` (a source's) do not hold."""
    return [n for n in numbers_in(text) if not supported(n.value, values)]


# ---------------------------------------------------------------------------- blocks


def citation_groups(text: str) -> list[tuple[str, list[int]]]:
    """``text`` cut at its citation groups: (text before the group, its numbers); the text after
    the last group comes with an empty list."""
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for m in CITE_GROUP.finditer(text):
        out.append((text[pos : m.start()], [int(x) for x in _CITE_NUM.findall(m.group())]))
        pos = m.end()
    out.append((text[pos:], []))
    return out


def check_block(text: str, sources: dict[int, list[float]], where: str) -> tuple[list[Problem], set[int], int]:
    """Check one bullet / cell / paragraph; returns (problems, citations used, numbers seen)."""
    problems: list[Problem] = []
    used: set[int] = set()
    seen = 0
    for segment, cites in citation_groups(text):
        nums = numbers_in(segment)
        seen += len(nums)
        missing = [n for n in cites if n not in sources]
        for n in missing:
            problems.append(Problem(where, f"citation [{n}] has no entry in the Sources list"))
        used.update(cites)
        if not nums:
            continue
        if not cites:
            for num in nums:
                problems.append(Problem(where, f"number {num.text!r} has no citation: {_clip(text)}"))
            continue
        values = [v for n in cites if n in sources for v in sources[n]]
        for num in nums:
            if not supported(num.value, values):
                refs = "".join(f"[{n}]" for n in cites)
                problems.append(Problem(where, f"number {num.text!r} is not in the sentence of {refs}: "
                                               f"{_clip(segment)}"))
    return problems, used, seen


def _clip(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def check_blocks(blocks: Sequence[tuple[str, str]], sources: dict[int, str],
                 extras: dict[int, str] | None = None) -> LintResult:
    """Check body ``blocks`` (where, text) against ``sources`` (n → quoted sentence); ``extras``
    adds text that also counts for a source (an analyst's correction)."""
    extras = extras or {}
    values = {n: sentence_values(s + " " + extras.get(n, "")) for n, s in sources.items()}
    result = LintResult(sources=dict(sources))
    for where, text in blocks:
        problems, used, seen = check_block(text, values, where)
        result.problems.extend(problems)
        result.cited |= used
        result.numbers += seen
    for n in sorted(set(sources) - result.cited):
        result.problems.append(Problem(f"source [{n}]", "is never cited in the briefing"))
    return result


# ---------------------------------------------------------------------------- Markdown


def _is_sources_heading(title: str) -> bool:
    return title.strip().strip("*").strip().lower() in SOURCES_HEADINGS


def parse_markdown(text: str) -> tuple[list[tuple[str, str]], dict[int, str], dict[int, str]]:
    """(body blocks, sources, source extras) of a Markdown briefing."""
    text = _HTML_COMMENT.sub("", text)
    blocks: list[tuple[str, str]] = []
    sources: dict[int, str] = {}
    extras: dict[int, str] = {}
    in_sources = False
    last: int | None = None
    for i, line in enumerate(text.splitlines(), 1):
        h = _MD_HEADING.match(line)
        if h and len(h.group(1)) <= 2:
            in_sources = _is_sources_heading(h.group(2))
            if in_sources:
                continue
        if in_sources:
            m = _MD_SOURCE.match(line.strip())
            if m and not line.startswith((" ", "\t")):
                last = int(m.group(1))
                sources[last] = m.group(3)
                extras[last] = m.group(2)  # the title is part of the source (a digest cites it)
            elif line.startswith((" ", "\t")) and last is not None and line.strip():
                extras[last] = extras.get(last, "") + " " + line.strip()
            else:
                last = None
            continue
        body = _MD_IMAGE.sub("", line)
        body = _MD_LINK_TARGET.sub("]", body)
        if not body.strip():
            continue
        stripped = body.strip()
        if stripped.startswith("|"):
            if re.fullmatch(r"\|?[\s:|-]+\|?", stripped):
                continue  # table rule |---|---|
            for j, cell in enumerate(stripped.strip("|").split("|"), 1):
                if cell.strip():
                    blocks.append((f"line {i} cell {j}", cell))
            continue
        blocks.append((f"line {i}", body))
    return blocks, sources, extras


def lint_markdown(text: str) -> LintResult:
    blocks, sources, extras = parse_markdown(text)
    result = check_blocks(blocks, sources, extras)
    if not sources and any(CITE_GROUP.search(t) for _, t in blocks):
        result.problems.insert(0, Problem("document", "citations but no Sources list"))
    return result


# ---------------------------------------------------------------------------- HTML

# Inline elements belong to the block around them; every other element is a block of its own, so
# a number in any <div> (a key-figure tile) is checked like one in a <li>.
_INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "em", "i", "kbd",
                          "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
                          "wbr", "font"})


def _blocks(el: object, out: list[tuple[str, str]]) -> None:
    buf: list[str] = []

    def walk(node: object) -> None:
        if getattr(node, "text", None):
            buf.append(node.text)  # type: ignore[attr-defined]
        for child in node:  # type: ignore[attr-defined]
            if isinstance(child.tag, str):
                if child.tag.lower() in _INLINE_TAGS:
                    walk(child)
                else:
                    _blocks(child, out)
                    buf.append(" ")
            if child.tail:
                buf.append(child.tail)

    walk(el)
    text = "".join(buf)
    if text.strip():
        tag = getattr(el, "tag", "?")
        line = getattr(el, "sourceline", None)
        out.append((f"<{tag}> line {line}" if line else f"<{tag}>", _html.unescape(text)))


def parse_html(text: str) -> tuple[list[tuple[str, str]], dict[int, str], dict[int, str]]:
    """(body blocks, sources, source extras) of an HTML briefing.

    Sources are ``<li id="src-N">`` items whose sentence is in ``<q class="sentence">`` (a
    correction in ``class="correction"``); they live in an element with ``id="sources"``, which is
    not part of the body. Images, scripts, styles and the head are not text."""
    import lxml.html

    root = lxml.html.document_fromstring(text or "<html></html>")
    for bad in root.xpath("//head|//script|//style|//img|//svg|//template"):
        bad.drop_tree()
    sources: dict[int, str] = {}
    extras: dict[int, str] = {}
    for li in root.xpath("//*[@id='sources']//li[starts-with(@id, 'src-')]"):
        try:
            n = int(li.get("id")[4:])
        except ValueError:
            continue
        q = li.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' sentence ')]")
        sources[n] = q[0].text_content() if q else ""
        more = li.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' correction ') or "
                        "contains(concat(' ', normalize-space(@class), ' '), ' title ')]")
        if more:
            extras[n] = " ".join(c.text_content() for c in more)
    for sec in root.xpath("//*[@id='sources']"):
        sec.drop_tree()
    blocks: list[tuple[str, str]] = []
    body = root.find("body")
    _blocks(body if body is not None else root, blocks)
    return blocks, sources, extras


def lint_html(text: str) -> LintResult:
    blocks, sources, extras = parse_html(text)
    result = check_blocks(blocks, sources, extras)
    if not sources and any(CITE_GROUP.search(t) for _, t in blocks):
        result.problems.insert(0, Problem("document", "citations but no Sources list (id='sources')"))
    return result


def lint_text(text: str, fmt: str) -> LintResult:
    """``fmt`` is md or html."""
    if fmt in ("md", "markdown"):
        return lint_markdown(text)
    if fmt in ("html", "htm"):
        return lint_html(text)
    raise ValueError(f"lint: unknown format {fmt!r} (md or html)")


def lint_file(path: str | Path) -> LintResult:
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("md", "markdown", "html", "htm"):
        raise ValueError(f"{p}: lint reads .md and .html briefings")
    return lint_text(p.read_text(encoding="utf-8"), fmt)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print("usage: python -m chainatlas.present.report.lint REPORT.md|REPORT.html ...", file=sys.stderr)
        return 2
    status = 0
    for path in argv:
        try:
            result = lint_file(path)
        except (OSError, ValueError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = 2
            continue
        print(f"{path}: {result}" if result.ok else "\n".join(f"{path}: {p}" for p in result.problems))
        if not result.ok:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
