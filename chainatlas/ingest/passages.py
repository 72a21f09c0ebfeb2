"""The cleaned body as citation units: one passage per paragraph, offsets into the text.

The text is normalised so offsets stay simple: one ``\\n`` between paragraphs, no blank
lines, no indentation (the full-width spaces Chinese pages indent with), no trailing
spaces. Characters are kept as printed: full-width punctuation stays full-width.
"""

from __future__ import annotations

import re

from chainatlas.model import Passage

_LINE_END = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def normalise_body(text: str) -> str:
    """Unify line ends, strip each paragraph (indentation included), drop blank lines."""
    text = _LINE_END.sub("\n", text)
    return "\n".join(s for s in (line.strip() for line in text.split("\n")) if s)


def split_passages(text: str) -> list[Passage]:
    """Passages of a normalised text: each line, ``end`` exclusive and before the ``\\n``."""
    out: list[Passage] = []
    start = 0
    for line in text.split("\n"):
        if line:
            out.append(Passage(len(out), start, start + len(line)))
        start += len(line) + 1
    return out


def build_passages(text: str) -> tuple[str, list[Passage]]:
    """Normalise ``text`` and split it: ``(text, passages)``."""
    body = normalise_body(text)
    return body, split_passages(body)


__all__ = ["build_passages", "normalise_body", "split_passages"]
