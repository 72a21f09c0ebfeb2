"""Main language of an article body: ``zh`` or ``en``, by the share of CJK characters.

Letters are counted against CJK characters because an English word takes several
letters where a Chinese word takes two characters; a body with at least a quarter
CJK characters (of CJK + Latin letters) is Chinese. That keeps an English summary
under a Chinese headline ``en`` and a Chinese article full of English names ``zh``.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
ZH_SHARE = 0.25


def cjk_share(text: str) -> float:
    """CJK characters / (CJK characters + Latin letters); 0.0 for text with neither."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def detect_lang(text: str, default: str = "zh") -> str:
    """``zh`` or ``en``; ``default`` when the text has no letters at all."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if not cjk and not latin:
        return default
    return "zh" if cjk / (cjk + latin) >= ZH_SHARE else "en"


__all__ = ["ZH_SHARE", "cjk_share", "detect_lang"]
