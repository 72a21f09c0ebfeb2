"""Exact and near-duplicate articles: the same story reposted by many portals.

Exact duplicates share a content hash: SHA-256 of the body after NFKC normalisation
with all whitespace removed, so re-indented or re-wrapped copies match. Near
duplicates (another header, a changed figure, a different byline) are found with
MinHash over character 5-grams (no word segmentation needed for Chinese) and an LSH
index at Jaccard ≈ 0.8. A :class:`Deduper` can be seeded with what a store already
holds (key, content hash, signature bytes), so duplicates are caught across runs.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from chainatlas.model import Document

NUM_PERM = 128
SHINGLE = 5
THRESHOLD = 0.8
SEED = 1  # fixed: signatures stored by one run must compare with the next run's
SCHEME = "affine32"  # datasketch ≥ 2.0 default: uint32 hash values, unbiased on large sets
# Signature bytes: one tag byte naming the scheme, then the hash values little-endian.
_TAGS = {"affine32": (1, np.dtype("<u4")), "affine64": (3, np.dtype("<u8")), "legacy": (2, np.dtype("<u8"))}
_BY_TAG = {tag: (name, dtype) for name, (tag, dtype) in _TAGS.items()}


def content_key(text: str) -> str:
    """The text as compared: NFKC, no whitespace at all."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def content_hash(text: str) -> str:
    """SHA-256 (hex) of :func:`content_key`."""
    return hashlib.sha256(content_key(text).encode("utf-8")).hexdigest()


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Character k-grams of :func:`content_key` (the whole key if it is shorter)."""
    key = content_key(text)
    if len(key) <= k:
        return {key.encode("utf-8")} if key else set()
    return {key[i:i + k].encode("utf-8") for i in range(len(key) - k + 1)}


@functools.cache
def _template(num_perm: int, scheme: str) -> MinHash:
    """A blank MinHash whose permutations are reused (generating them is the slow part)."""
    return MinHash(num_perm=num_perm, seed=SEED, scheme=scheme)


def _new(num_perm: int, scheme: str = SCHEME, hashvalues: np.ndarray | None = None) -> MinHash:
    t = _template(num_perm, scheme)
    values = t.hashvalues if hashvalues is None else hashvalues
    return MinHash(num_perm=num_perm, seed=SEED, scheme=scheme, hashvalues=values.copy(),
                   permutations=t.permutations)


def minhash(text: str, num_perm: int = NUM_PERM) -> MinHash:
    """The MinHash of ``text``'s character 5-grams."""
    m = _new(num_perm)
    grams = shingles(text)
    if grams:
        m.update_batch(list(grams))
    return m


def signature_to_bytes(m: MinHash) -> bytes:
    """A signature as bytes for a database column: a scheme tag, then the hash values."""
    tag, dtype = _TAGS[getattr(m, "scheme", "legacy")]
    return bytes([tag]) + np.asarray(m.hashvalues).astype(dtype).tobytes()


def signature_from_bytes(data: bytes, num_perm: int = NUM_PERM) -> MinHash:
    """The inverse of :func:`signature_to_bytes`; ValueError for bytes it did not write."""
    if not data or data[0] not in _BY_TAG:
        raise ValueError("not a MinHash signature (unknown scheme tag)")
    scheme, dtype = _BY_TAG[data[0]]
    if len(data) != 1 + num_perm * dtype.itemsize:
        raise ValueError(f"MinHash signature has {len(data)} bytes, expected {1 + num_perm * dtype.itemsize}")
    values = np.frombuffer(data, dtype=dtype, offset=1).astype(dtype.newbyteorder("="))
    return _new(num_perm, scheme, values)


@dataclass(slots=True, frozen=True)
class DedupResult:
    """``status``: new | duplicate | near-duplicate; ``of``: the key it duplicates."""

    status: str
    of: str | None = None
    similarity: float = 0.0


class Deduper:
    """Remembers the documents added so far and says whether a new one repeats them."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._by_hash: dict[str, str] = {}
        self._sigs: dict[str, MinHash] = {}
        self._cache: tuple[str, MinHash] | None = None  # check → add → signature_bytes reuse one MinHash

    def __len__(self) -> int:
        return len(self._sigs)

    def _hash_of(self, doc: Document) -> str:
        return doc.content_hash or content_hash(doc.text)

    def _minhash_of(self, doc: Document) -> MinHash:
        h = self._hash_of(doc)
        if self._cache is None or self._cache[0] != h:
            self._cache = (h, minhash(doc.text, self.num_perm))
        return self._cache[1]

    def seed(self, key: str | int, content_hash: str | None, signature: bytes | MinHash | Iterable[int]) -> None:
        """Add a document known from a previous run (as a store keeps it)."""
        if isinstance(signature, MinHash):
            m = signature
        elif isinstance(signature, bytes | bytearray | memoryview):
            m = signature_from_bytes(bytes(signature), self.num_perm)
        else:
            m = _new(self.num_perm, SCHEME, np.asarray(list(signature), dtype=_TAGS[SCHEME][1].newbyteorder("=")))
        self._insert(str(key), content_hash, m)

    def _insert(self, key: str, chash: str | None, m: MinHash) -> None:
        if chash and chash not in self._by_hash:
            self._by_hash[chash] = key
        if key in self._sigs:  # re-seeding a key: keep the first signature
            return
        self._sigs[key] = m
        self._lsh.insert(key, m)

    def check(self, doc: Document) -> DedupResult:
        """Is ``doc`` new, an exact duplicate or a near duplicate of something added?"""
        of = self._by_hash.get(self._hash_of(doc))
        if of is not None:
            return DedupResult("duplicate", of, 1.0)
        m = self._minhash_of(doc)
        best_key, best = None, 0.0
        for key in self._lsh.query(m):
            sim = float(m.jaccard(self._sigs[key]))
            if sim > best or (sim == best and best_key is not None and key < best_key):
                best_key, best = key, sim
        if best_key is not None and best >= self.threshold:
            return DedupResult("near-duplicate", best_key, round(best, 4))
        return DedupResult("new", None, round(best, 4))

    def add(self, key: str | int, doc: Document) -> None:
        """Remember ``doc`` under ``key`` (the store's id for it)."""
        self._insert(str(key), self._hash_of(doc), self._minhash_of(doc))

    def signature(self, doc: Document) -> MinHash:
        return self._minhash_of(doc)

    def signature_bytes(self, doc: Document) -> bytes:
        """The signature to persist next to the document."""
        return signature_to_bytes(self._minhash_of(doc))


__all__ = [
    "NUM_PERM",
    "SCHEME",
    "SHINGLE",
    "THRESHOLD",
    "DedupResult",
    "Deduper",
    "content_hash",
    "content_key",
    "minhash",
    "shingles",
    "signature_from_bytes",
    "signature_to_bytes",
]
