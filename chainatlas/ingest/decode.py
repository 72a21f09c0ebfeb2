"""Bytes → text for scraped Chinese/English pages: UTF-8, GB18030/GBK, Big5, UTF-16.

Order matters. Byte-order marks are certain, so they come first; strict UTF-8 is the
common case and almost never decodes anything else by accident, so it is the fast
path; only then is charset-normalizer asked, over the whole content and limited to
the encodings these sources use, because a single-byte code page "decodes" any
garbage and would hide a damaged file. Every failure is an :class:`IngestError`.

Traditional Chinese from Big5 sources is converted to Simplified (zhconv, character
level ``zh-hans``) because the extraction lexicons are Simplified; the encoding name
is kept and :class:`Decoded` says whether the text was converted.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

from chainatlas.ingest.read import IngestError

CANNOT_DECODE = "cannot decode: not UTF-8/GB18030/Big5/UTF-16"
# charset-normalizer is limited to these: what Chinese and English news sites use.
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be"]
# What a detected name is decoded with, in order: supersets first (GB18030 ⊃ GBK ⊃
# GB2312; cp950/HKSCS extend Big5), so a rare character does not fail the file.
_DECODE_WITH: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs",),
}
_BIG5_FAMILY = frozenset({"big5", "cp950", "big5hkscs"})
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!", "RAR archive"),
    (b"\xd0\xcf\x11\xe0", "Office document"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)
# C0 controls other than tab, newline, vertical tab, form feed, carriage return; and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# What a real UTF-16 text decodes to: CJK, ASCII, Latin, general/CJK punctuation, full-width forms.
_PLAUSIBLE = re.compile(
    r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2190-\u22ff\u2460-\u27bf"
    r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_BREAKS = re.compile(r"[\s，。、；：！？,.;:!?]")
_HTML_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)


@dataclass(slots=True, frozen=True)
class Decoded:
    text: str
    encoding: str
    converted_from_traditional: bool = False


def _fail(path: object, reason: str) -> IngestError:
    return IngestError(path, reason)


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return len(_CONTROL.findall(text)) / len(text)


def _check_text(text: str, encoding: str, path: object) -> tuple[str, str]:
    if not text.strip():
        raise _fail(path, "empty file (whitespace only)")
    if _control_share(text) > 0.01:
        raise _fail(path, "binary file (control characters)")
    return text, encoding


def _utf16_by_nuls(data: bytes) -> tuple[str, str] | None:
    """BOM-less UTF-16: text with NUL bytes that decodes to ordinary characters.

    ASCII in UTF-16 puts a NUL in every other byte, and so do CJK characters such
    as 一 (U+4E00); a binary file decoded as UTF-16 gives scattered, unlikely code
    points instead, so the plausible reading (if any) wins.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        share = len(_PLAUSIBLE.findall(text)) / len(text)
        breaks = len(_BREAKS.findall(text))  # real text has spaces or punctuation now and then
        if share >= 0.95 and breaks * 100 >= len(text) and (best is None or share > best[0]):
            best = (share, text, name)
    return (best[1], best[2]) if best else None


def _plausible(text: str) -> bool:
    return bool(text) and len(_PLAUSIBLE.findall(text)) >= 0.95 * len(text)


def _damaged_utf8(data: bytes) -> str | None:
    """A reason when ``data`` is UTF-8 with a few broken sequences (a cut or corrupted file).

    Other encodings rarely form valid multi-byte UTF-8 sequences, so many valid
    non-ASCII characters next to a few errors means UTF-8 that was damaged; decoding
    it as GB18030 instead would turn the whole file into nonsense.
    """
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as err:
        first = err.start
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad  # non-ASCII characters that decoded
    if good >= 8 and good >= 4 * bad:
        return f"cannot decode: invalid UTF-8 at byte {first} (truncated or corrupted multi-byte sequence)"
    return None


def _normalizer_guesses(data: bytes) -> list[str]:
    from charset_normalizer import from_bytes

    # The whole content, not a sample: a late GBK byte must not slip past.
    results = from_bytes(data, cp_isolation=_CANDIDATES, steps=1, chunk_size=max(len(data), 1), explain=False)
    return [m.encoding for m in results]


def _usable_hint(hint: str) -> bool:
    """Only CJK multi-byte and UTF declarations: old Chinese sites often declare a
    Latin code page that would "decode" their GBK bytes into nonsense."""
    try:
        name = codecs.lookup(hint).name
    except LookupError:
        return False
    return name in _DECODE_WITH or name.startswith("utf-")


def _try(data: bytes, names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def decode(data: bytes, *, path: object = "<bytes>", hint: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns ``(text, encoding)`` or raises IngestError.

    ``hint`` is an encoding the file declares (an HTML ``<meta charset>``), tried
    after UTF-8 and before detection.
    """
    if not data:
        raise _fail(path, "empty file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(name.removesuffix("-sig"))
            except UnicodeDecodeError:
                label = name.removesuffix("-sig").upper()
                raise _fail(path, f"cannot decode: invalid {label} after its byte-order mark") from None
            return _check_text(text, name, path)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _fail(path, f"binary file ({what})")
    if b"\x00" in data:  # no text file has NUL bytes, except UTF-16 without its BOM
        utf16 = _utf16_by_nuls(data)
        if utf16 is None:
            raise _fail(path, "binary file (NUL bytes)")
        return _check_text(*utf16, path)
    try:
        return _check_text(data.decode("utf-8"), "utf-8", path)
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged:
        raise _fail(path, damaged)
    names: list[str] = [hint] if hint and _usable_hint(hint) else []
    names += _normalizer_guesses(data)
    tried: set[str] = set()
    for guess in names:
        try:
            canonical = codecs.lookup(guess).name
        except LookupError:
            continue
        if canonical in tried:
            continue
        tried.add(canonical)
        done = _try(data, _DECODE_WITH.get(canonical, (canonical,)))
        if done is None:
            continue
        text, name = done
        if name.startswith("utf-16") and not _plausible(text):
            continue  # any even-length bytes "decode" as UTF-16; require text-like characters
        return _check_text(text, codecs.lookup(name).name, path)
    raise _fail(path, CANNOT_DECODE)


def html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB, if any."""
    m = _HTML_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


@functools.cache
def _trad_only() -> frozenset[str]:
    import zhconv.zhconv as zz

    if zz.zhcdicts is None:
        zz.loaddict(zz.DICTIONARY)
    return zz.zhcdicts["TRADONLY"]


def is_traditional(text: str) -> bool:
    """Mostly Traditional characters (at least 10, and 3 times the Simplified-only ones)."""
    import zhconv.zhconv as zz

    trad_only = _trad_only()
    simp_only = zz.zhcdicts["SIMPONLY"]
    trad = simp = 0
    for ch in text:
        if ch < "\u3400":
            continue
        if ch in trad_only:
            trad += 1
        elif ch in simp_only:
            simp += 1
    return trad >= 10 and trad >= 3 * simp


def to_simplified(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-hans")


def decode_document(data: bytes, *, path: object = "<bytes>", hint: str | None = None,
                    simplify: str = "big5") -> Decoded:
    """Decode, then convert Traditional to Simplified.

    ``simplify``: ``"big5"`` converts text decoded from Big5 (the default, what Big5
    sources are); ``"auto"`` also converts any text that is mostly Traditional;
    ``"never"`` keeps the characters as found.
    """
    if simplify not in ("big5", "auto", "never"):
        raise ValueError(f"simplify must be big5, auto or never, not {simplify!r}")
    text, encoding = decode(data, path=path, hint=hint)
    convert = simplify != "never" and (
        encoding.replace("-", "") in _BIG5_FAMILY or (simplify == "auto" and is_traditional(text))
    )
    if convert:
        return Decoded(to_simplified(text), encoding, True)
    return Decoded(text, encoding, False)


__all__ = ["CANNOT_DECODE", "Decoded", "decode", "decode_document", "html_charset", "is_traditional", "to_simplified"]
