"""Canonical keys: the one place that decides which mentions are the same entity.

Precision first: two surface forms share a key only when they are the same
normalised string or carry the same administrative code. Looser merges (short
names, region prefixes, English/Chinese pairs) are explicit, explained rules of
this package, never something the store guesses.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from chainatlas.model import Entity

_SPACES = re.compile(r"\s+")
_QUOTES = re.compile(r"[\"'“”‘’《》「」『』]")


@functools.lru_cache(maxsize=100_000)
def normalize_name(name: str) -> str:
    """NFKC, case-folded, quotes dropped, whitespace collapsed: the comparable form of a name.

    NFKC already maps full-width brackets and letters to their ASCII forms, so
    北大医学部（泰州） and 北大医学部(泰州) compare equal.
    """
    text = _QUOTES.sub("", unicodedata.normalize("NFKC", name or "").casefold())
    return _SPACES.sub(" ", text).strip()


def entity_key(entity: Entity) -> str:
    """A region's 6-digit code when known, else its normalised name (unique per type in the store)."""
    if entity.type == "region" and entity.code:
        return entity.code.strip()
    return normalize_name(entity.name)
