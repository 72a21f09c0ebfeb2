"""Publication dates as portals print them, normalised to ``YYYY-MM-DD``.

Handles ``2023-03-31 11:31:59``, ``2023/3/31``, ``2023.03.31``, ``2023年3月31日``,
``05-16-2023`` and ``09/29 2018`` (month first, as English portals print it; day first when the first
number cannot be a month), ``May 16, 2023`` and ``16 May 2023``. Every candidate is
checked against the calendar, so phone numbers and version strings do not pass.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

_Y = r"(19[89]\d|20\d\d)"
_M = r"(1[0-2]|0?[1-9])"
_D = r"(3[01]|[12]\d|0?[1-9])"
_YMD = re.compile(rf"(?<![\d.])(?:{_Y}\s*([-/.])\s*{_M}\s*\2\s*{_D}|{_Y}\s*年\s*{_M}\s*月\s*{_D}\s*[日号]?)(?![\d])")
_MDY = re.compile(r"(?<![A-Za-z\d.:])(\d{1,2})([-/.])(\d{1,2})\2" + _Y + r"(?!\d)")
# "Published on 09/29 2018": month/day, then the year after a space (some English portals)
_MD_Y = re.compile(r"(?<![A-Za-z\d.:/])(\d{1,2})/(\d{1,2})[ \t]+" + _Y + r"(?![\d/.:])")
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
         "aug august", "sep sept september", "oct october", "nov november", "dec december")
    )
    for m in names.split()
}
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_EN_MDY = re.compile(rf"\b{_MON}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_Y}\b", re.I)
_EN_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON}\.?,?\s+{_Y}\b", re.I)


@dataclass(slots=True, frozen=True)
class DateMatch:
    start: int
    end: int
    iso: str


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> Iterator[DateMatch]:
    """Every calendar-valid date printed in ``text``, in order of position."""
    found: list[DateMatch] = []
    for m in _YMD.finditer(text):
        if m.group(1):
            iso = _iso(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        else:
            iso = _iso(int(m.group(5)), int(m.group(6)), int(m.group(7)))
        if iso:
            found.append(DateMatch(m.start(), m.end(), iso))
    for m in _MDY.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        month, day = (b, a) if a > 12 >= b else (a, b)
        iso = _iso(y, month, day)
        if iso:
            found.append(DateMatch(m.start(), m.end(), iso))
    for m in _MD_Y.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        month, day = (b, a) if a > 12 >= b else (a, b)
        iso = _iso(y, month, day)
        if iso:
            found.append(DateMatch(m.start(), m.end(), iso))
    for m in _EN_MDY.finditer(text):
        iso = _iso(int(m.group(3)), _MONTHS[m.group(1).lower()[:3]], int(m.group(2)))
        if iso:
            found.append(DateMatch(m.start(), m.end(), iso))
    for m in _EN_DMY.finditer(text):
        iso = _iso(int(m.group(3)), _MONTHS[m.group(2).lower()[:3]], int(m.group(1)))
        if iso:
            found.append(DateMatch(m.start(), m.end(), iso))
    found.sort(key=lambda d: d.start)
    last_end = -1
    for d in found:  # overlapping readings of one printed date: keep the first
        if d.start >= last_end:
            last_end = d.end
            yield d


def first_date(text: str) -> str | None:
    return next((d.iso for d in find_dates(text)), None)


__all__ = ["DateMatch", "find_dates", "first_date"]
