"""STORE stage: the atlas database (documents, passages, canonical entities, evidence, decisions).

``Store(url)`` is the whole API; ``migrate(url)`` upgrades a database to the current schema.
"""

from chainatlas.store.db import migrate
from chainatlas.store.keys import entity_key
from chainatlas.store.repository import Store, content_hash

__all__ = ["Store", "content_hash", "entity_key", "migrate"]
