"""Resolve stage: turns per-document entities into cross-document canonical keys."""

from chainatlas.resolve.keys import entity_key, normalise_name

__all__ = ["entity_key", "normalise_name"]
