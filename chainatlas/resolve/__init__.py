"""Resolve stage: decides which per-document entities are one entity across documents.

``names`` takes printed names apart, ``resolver.Resolver`` assigns a document's entities to
canonical ones with a reason, ``decisions`` turns users' merges and splits into constraints, and
``conflicts`` finds sources that disagree on a metric.
"""

from chainatlas.resolve.decisions import Decisions
from chainatlas.resolve.keys import entity_key, normalize_name
from chainatlas.resolve.names import NameParts, analyse, compare, same_name
from chainatlas.resolve.resolver import Assignment, Known, Resolution, Resolver

__all__ = [
    "Assignment",
    "Decisions",
    "Known",
    "NameParts",
    "Resolution",
    "Resolver",
    "analyse",
    "compare",
    "entity_key",
    "normalize_name",
    "same_name",
]
