"""Resolve stage: decides which per-document entities are one entity across documents."""

from chainatlas.resolve.keys import entity_key, normalize_name

__all__ = ["entity_key", "normalize_name"]
