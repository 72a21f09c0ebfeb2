"""Canonical keys: the one place that decides which mentions are the same entity.

Precision first: two surface forms share a key only when they are the same
normalised string or the same administrative code. Looser merges (short names,
region prefixes, English/Chinese pairs) are made by explicit, explained rules
in this package, never by the store.
"""

from __future__ import annotations

import re
import unicodedata

from chainatlas.model import Entity

_PUNCT = re.compile(r"[\s\"'“”‘’《》()（）【】\[\]·,，.。、]")


def normalise_name(name: str) -> str:
    """NFKC, lower-case, without spaces, quotes and brackets (as the scorer does)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name or "").lower())


def entity_key(entity: Entity) -> str:
    """``type:code`` for regions with an admin code, else ``type:normalised name``."""
    if entity.type == "region" and entity.code:
        return f"region:{entity.code}"
    return f"{entity.type}:{normalise_name(entity.name)}"
