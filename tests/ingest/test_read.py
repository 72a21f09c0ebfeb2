from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from chainatlas.ingest.read import IngestError, human_size, iter_files, read_bytes


def _tree(root: Path) -> None:
    for rel in ["b.txt", "a.TXT", "sub/c.md", "sub/deeper/d.HTML", "sub/e.htm", "skip.pdf", "skip.json",
                ".hidden.txt", ".git/config.txt"]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")


def test_folder_is_searched_recursively_sorted_by_suffix(tmp_path):
    _tree(tmp_path)
    got = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert got == ["a.TXT", "b.txt", "sub/c.md", "sub/deeper/d.HTML", "sub/e.htm"]


def test_order_is_deterministic_and_files_come_once(tmp_path):
    _tree(tmp_path)
    first = list(iter_files([tmp_path, tmp_path / "b.txt", tmp_path / "sub"]))
    again = list(iter_files([tmp_path, tmp_path / "b.txt", tmp_path / "sub"]))
    assert first == again
    assert len(first) == len(set(first)) == 5


def test_paths_keep_the_form_given(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert [str(p) for p in iter_files(["sub"])] == [
        os.path.join("sub", "c.md"), os.path.join("sub", "deeper", "d.HTML"), os.path.join("sub", "e.htm")]


def test_a_file_named_explicitly_is_taken_whatever_its_suffix(tmp_path):
    _tree(tmp_path)
    assert list(iter_files([tmp_path / "skip.json"])) == [tmp_path / "skip.json"]


def test_missing_path_is_an_error_not_an_exception(tmp_path):
    items = list(iter_files([tmp_path / "nope", tmp_path]))
    assert items[0] == IngestError(tmp_path / "nope", "no such file or directory")
    assert str(items[0]) == f"{tmp_path / 'nope'}: no such file or directory"


def test_unreadable_directory_is_an_error(tmp_path):
    _tree(tmp_path)
    locked = tmp_path / "sub"
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read a chmod 000 folder (root)")
        items = list(iter_files([tmp_path]))
    finally:
        locked.chmod(0o755)
    errors = [i for i in items if isinstance(i, IngestError)]
    assert errors == [IngestError(locked, "permission denied")]
    assert [i.name for i in items if not isinstance(i, IngestError)] == ["a.TXT", "b.txt"]


def test_permission_error_while_listing_is_an_error(tmp_path, monkeypatch):
    """The same as the chmod test, for runs as root (which reads any folder)."""
    _tree(tmp_path)
    real = os.scandir

    def scandir(path):
        if Path(path).name == "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_files([tmp_path]))
    assert IngestError(tmp_path / "sub", "permission denied") in items
    assert [i.name for i in items if not isinstance(i, IngestError)] == ["a.TXT", "b.txt"]


def test_too_large_file_is_an_error_with_sizes(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 3000)
    small = tmp_path / "small.txt"
    small.write_bytes(b"a" * 10)
    items = list(iter_files([tmp_path], max_bytes=2048))
    assert items == [IngestError(big, "file too large (2.9 KB > 2 KB)"), small]
    with pytest.raises(IngestError, match=r"file too large \(2\.9 KB > 2 KB\)"):
        read_bytes(big, max_bytes=2048)
    assert read_bytes(small, max_bytes=2048) == b"a" * 10


def test_size_message_in_megabytes():
    assert human_size(int(52.4 * 1024 * 1024)) == "52.4 MB"
    assert human_size(20 * 1024 * 1024) == "20 MB"
    assert human_size(100) == "100 bytes"


def test_read_bytes_errors_are_one_line(tmp_path):
    with pytest.raises(IngestError) as err:
        read_bytes(tmp_path / "missing.txt")
    assert str(err.value) == f"{tmp_path / 'missing.txt'}: no such file or directory"
    with pytest.raises(IngestError, match="is a directory|permission denied"):
        read_bytes(tmp_path)


def test_ingest_error_is_one_line_and_picklable():
    err = IngestError("a/b.txt", "cannot decode:\nnot UTF-8")
    assert str(err) == "a/b.txt: cannot decode: not UTF-8"
    assert "\n" not in str(err)
    back = pickle.loads(pickle.dumps(err))
    assert back == err and back.path == "a/b.txt" and back.reason == "cannot decode: not UTF-8"
    assert isinstance(err, Exception)
