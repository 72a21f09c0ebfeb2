"""ChainAtlas: industry-chain intelligence for regional biomedical and health industries.

Stages, in the one direction data flows: ``ingest`` → ``extract`` → ``resolve`` →
``store`` → ``analyse`` → ``present``. Each imports only from the stages before it
and from :mod:`chainatlas.model`.
"""

__version__ = "0.1.0"
