"""ChainAtlas: industry-chain intelligence for regional biomedical and health industries.

Stages, in the one direction data flows: ``ingest`` → ``extract`` → ``resolve`` →
``store`` → ``analyse`` → ``present``. Each imports only from the stages before it
and from :mod:`chainatlas.model`.
"""

__version__ = "0.1.0"


def __getattr__(name: str):  # PEP 562: ``chainatlas.open`` without importing the store on ``import chainatlas``
    if name in ("open", "Atlas"):
        from chainatlas import api

        return getattr(api, name)
    raise AttributeError(f"module 'chainatlas' has no attribute {name!r}")
