"""Find input files and read their bytes, turning every failure into a one-line error.

A batch over thousands of scraped files must not stop at the first unreadable folder,
so ``iter_files`` yields an :class:`IngestError` in place of a file instead of raising.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".html", ".htm"})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_MB = 1024 * 1024


class IngestError(Exception):
    """A file that cannot become a Document; ``str()`` is one line: ``path: reason``."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = path
        self.reason = " ".join(str(reason).split())  # one line, whatever the cause said
        super().__init__(path, self.reason)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def __repr__(self) -> str:
        return f"IngestError({str(self.path)!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IngestError) and (str(self.path), self.reason) == (str(other.path), other.reason)

    def __hash__(self) -> int:
        return hash((str(self.path), self.reason))

    def __reduce__(self):  # picklable across worker processes
        return (IngestError, (self.path, self.reason))


def human_size(n: int) -> str:
    """``52.4 MB`` / ``3.1 KB`` / ``120 bytes``: sizes as people read them."""
    if n >= _MB:
        return f"{n / _MB:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def too_large(size: int, max_bytes: int) -> str:
    return f"file too large ({human_size(size)} > {human_size(max_bytes)})"


def _os_reason(err: OSError) -> str:
    if isinstance(err, FileNotFoundError):
        return "no such file or directory"
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, IsADirectoryError):
        return "is a directory"
    return f"cannot read: {err.strerror or type(err).__name__}"


def read_bytes(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, or IngestError (missing, unreadable, a folder, too large)."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise IngestError(path, too_large(size, max_bytes))
            data = fh.read(max_bytes + 1)
    except OSError as err:
        raise IngestError(path, _os_reason(err)) from None
    if len(data) > max_bytes:  # grew while reading, or a special file without a size
        raise IngestError(path, too_large(len(data), max_bytes))
    return data


def _walk(folder: Path, suffixes: frozenset[str], seen_dirs: set[tuple[int, int]]) -> Iterator[Path | IngestError]:
    try:
        st = folder.stat()
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:  # a symlink loop, or the same folder named twice
            return
        seen_dirs.add(key)
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as err:
        yield IngestError(folder, _os_reason(err))
        return
    for entry in entries:
        if entry.name.startswith("."):  # .git, editor swap files, macOS metadata
            continue
        child = folder / entry.name
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as err:
            yield IngestError(child, _os_reason(err))
            continue
        if is_dir:
            yield from _walk(child, suffixes, seen_dirs)
        elif is_file and Path(entry.name).suffix.lower() in suffixes:
            yield child


def iter_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    suffixes: Iterable[str] = SUFFIXES,
) -> Iterator[Path | IngestError]:
    """Every supported file under ``paths``, in a stable order, errors in line.

    Folders are searched recursively in name order (hidden entries skipped) and only
    files with a supported suffix (case-insensitive) are kept; a file named
    explicitly is taken whatever its suffix, since the user asked for it. Paths keep
    the form they were given in (relative stays relative). A file reached twice is
    yielded once.
    """
    wanted = frozenset(s.lower() for s in suffixes)
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as err:
            yield IngestError(path, _os_reason(err))
            continue
        if not exists:
            yield IngestError(path, "no such file or directory")
            continue
        if not is_dir and not path.is_file():  # a FIFO or device would block or never end
            yield IngestError(path, "not a regular file")
            continue
        found = _walk(path, wanted, seen_dirs) if is_dir else iter([path])
        for item in found:
            if isinstance(item, IngestError):
                yield item
                continue
            try:
                st = item.stat()
            except OSError as err:
                yield IngestError(item, _os_reason(err))
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_files:
                continue
            seen_files.add(key)
            if st.st_size > max_bytes:
                yield IngestError(item, too_large(st.st_size, max_bytes))
            else:
                yield item


__all__ = ["DEFAULT_MAX_BYTES", "SUFFIXES", "IngestError", "human_size", "iter_files", "read_bytes"]
