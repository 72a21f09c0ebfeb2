"""Within-document alias linking: short forms of a name and every place each form is printed.

An article names a company in full once (江苏中慧元通生物科技股份有限公司) and then by
shorter forms: without the region prefix, without the legal suffix, core plus the first
industry word (沃森农业), or the bare core (中慧元通). ``short_forms`` derives those forms from
the parts of a name; ``link`` groups names whose forms meet; ``find_mentions`` finds every
printed occurrence of every form, longest first, so a short form inside a longer mention of
the same entity is not counted twice.

The ``aliases`` pipeline component runs last: it re-finds the mentions of every
organisation and park entity from its surface forms, so a form that another component added
as alias also gets its mentions. It is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from chainatlas.extract.pipeline import registry
from chainatlas.model import Document, Span

T = TypeVar("T")


def find_all(text: str, form: str) -> list[tuple[int, int]]:
    """Every (start, end) where ``form`` is printed in ``text``."""
    out = []
    if not form:
        return out
    i = text.find(form)
    while i != -1:
        out.append((i, i + len(form)))
        i = text.find(form, i + 1)
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def find_mentions(
    text: str,
    forms: Iterable[str],
    blocked: Sequence[tuple[int, int]] = (),
    accept: Callable[[int, int], bool] | None = None,
) -> list[Span]:
    """Non-overlapping occurrences of ``forms``, longest form first, sorted by position.

    ``blocked`` spans (e.g. a longer entity of the same type) cannot hold a mention;
    ``accept(start, end)`` may veto an occurrence (a short form glued to other words).
    """
    taken: list[tuple[int, int]] = []
    for form in sorted(set(forms), key=len, reverse=True):
        for s, e in find_all(text, form):
            span = (s, e)
            if any(overlaps(span, t) for t in taken):
                continue
            if any(b[0] <= s and e <= b[1] and (b[0], b[1]) != span for b in blocked):
                continue
            if accept is not None and not accept(s, e):
                continue
            taken.append(span)
    taken.sort()
    return [Span(s, e, text[s:e]) for s, e in taken]


def short_forms(prefix: Sequence[str], core: str, chain: Sequence[str], legal: str,
                split_word: Callable[[str], list[str]] | None = None,
                short_region: Callable[[str], str] | None = None) -> list[str]:
    """Forms a printed company name is shortened to, longest first.

    ``prefix`` region tokens, ``core`` the proper name, ``chain`` industry words and
    ``legal`` the legal suffix: 山东 | 沃森 | 农业科技 | 有限公司 gives 山东沃森农业科技,
    沃森农业科技有限公司, 沃森农业科技, 沃森农业, 山东沃森农业 … and 沃森 itself (callers
    decide whether a bare core is safe to search for).
    """
    words: list[str] = []
    for w in chain:
        words.extend(split_word(w) if split_word else [w])
    words = [w for w in words if not (w[:1] in "(（" and w[-1:] in ")）")]
    pre = "".join(prefix)
    pres = {pre, ""}
    if short_region and prefix:
        pres.add("".join(short_region(p) for p in prefix))
    tails = {""}
    if legal and "集团" in legal and legal != "集团":
        tails.add("集团")
    if legal.endswith("公司") and legal != "公司":
        tails.add("公司")  # 中生北控公司
    forms: set[str] = set()
    for p in pres:
        for k in range(len(words) + 1):
            body = core + "".join(words[:k])
            if not body:
                continue
            for t in tails:
                forms.add(p + body + t)
        if core:
            forms.add(p + core + "".join(words) + legal)
            for w in words[1:]:  # 长澳医药科技 → 长澳科技
                forms.add(p + core + w)
    forms.discard("")
    return sorted(forms, key=len, reverse=True)


def link(items: Sequence[T], name_of: Callable[[T], str], forms_of: Callable[[T], Iterable[str]],
         compatible: Callable[[T, T], bool] = lambda a, b: True) -> list[list[T]]:
    """Group items whose name is a form of another item's name (union by the longer one).

    Items are visited longest name first; an item joins the first group whose head
    (longest member) lists its name among its forms, or that has the same name.
    """
    groups: list[list[T]] = []
    form_sets: list[set[str]] = []
    for it in sorted(items, key=lambda x: len(name_of(x)), reverse=True):
        name = name_of(it)
        for g, fs in zip(groups, form_sets, strict=True):
            if (name in fs or name == name_of(g[0])) and compatible(g[0], it):
                g.append(it)
                break
        else:
            groups.append([it])
            form_sets.append(set(forms_of(it)) | {name})
    return groups


@registry.component("aliases")
def link_aliases(doc: Document) -> Document:
    """Give every organisation and park entity a mention wherever one of its forms is printed.

    An occurrence inside a longer mention of another entity of the same type is left alone
    (the organisations component already decided whether nested names count).
    """
    for etype in ("organization", "park"):
        ents = [e for e in doc.entities if e.type == etype]
        for e in ents:
            blocked = [(m.start, m.end) for o in ents if o is not e for m in o.mentions]
            have = [(m.start, m.end) for m in e.mentions]
            found = find_mentions(doc.text, [f for f in e.surface_forms() if f], blocked=blocked)
            extra = [m for m in found if not any(overlaps((m.start, m.end), h) for h in have)]
            if extra:
                e.mentions = sorted([*e.mentions, *extra], key=lambda m: (m.start, m.end))
    return doc
