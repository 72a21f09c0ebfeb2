"""The store's default canonical key, owned by the resolve stage (an earlier stage).

``Store(url, key=...)`` accepts any other function of an Entity.
"""

from chainatlas.resolve.keys import entity_key, normalize_name

__all__ = ["entity_key", "normalize_name"]
