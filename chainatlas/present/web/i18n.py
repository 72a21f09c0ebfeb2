"""Interface text in Chinese and English, from ``i18n/messages.json`` (key → {zh, en}).

The language comes from ``?lang=zh|en`` (remembered in a cookie), else the cookie, else the
browser's Accept-Language, else Chinese. Scraped content is never translated, only the interface.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from starlette.requests import Request

LANGS = ("zh", "en")
DEFAULT = "zh"
COOKIE = "lang"
_FILE = Path(__file__).resolve().parent / "i18n" / "messages.json"


@cache
def messages() -> dict[str, dict[str, str]]:
    data = json.loads(_FILE.read_text(encoding="utf-8"))
    bad = [k for k, v in data.items() if not isinstance(v, dict) or set(v) != set(LANGS)]
    if bad:
        raise ValueError(f"{_FILE}: entries {', '.join(bad[:5])} need exactly the keys zh and en")
    return data


def pick(request: Request) -> str:
    """The interface language of this request."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    saved = request.cookies.get(COOKIE)
    if saved in LANGS:
        return saved
    accept = request.headers.get("accept-language", "").lower()
    for part in accept.split(","):
        code = part.split(";")[0].strip()
        if code.startswith("zh"):
            return "zh"
        if code.startswith("en"):
            return "en"
    return DEFAULT


class Translator:
    """``t("key", n=3)``: the message in this language, ``str.format``-ed; unknown keys show as themselves."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else DEFAULT
        self._m = messages()

    def __call__(self, key: str, **kw: object) -> str:
        entry = self._m.get(key)
        text = entry[self.lang] if entry else key
        return text.format(**kw) if kw else text

    def has(self, key: str) -> bool:
        return key in self._m

    def label(self, prefix: str, value: str | None) -> str:
        """A translated value name (``type.organization`` → 机构) or the value itself."""
        if value is None:
            return ""
        key = f"{prefix}.{value}"
        return self(key) if key in self._m else value
