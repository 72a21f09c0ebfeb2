"""STORE stage: the atlas database (documents, passages, canonical entities, evidence, decisions).

``Store(url)`` is the whole API; ``migrate(url)`` upgrades a database to the current schema.
"""

from chainatlas.store import tokens as _tokens  # noqa: F401  (api_tokens on Base.metadata)
from chainatlas.store import tracker_schema as _tracker_schema  # noqa: F401  (tracker tables on Base.metadata)
from chainatlas.store.db import migrate
from chainatlas.store.keys import entity_key
from chainatlas.store.repository import Store, content_hash

__all__ = ["Store", "content_hash", "entity_key", "migrate"]
