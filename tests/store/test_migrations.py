from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from chainatlas.store import Store, migrate
from chainatlas.store.db import open_engine, to_url
from chainatlas.store.schema import Base

from .conftest import downgrade_all

TABLES = {"documents", "sources", "passages", "entities", "aliases", "mentions", "quantities", "facts",
          "user_decisions"}


def _head() -> str:
    """The newest revision shipped in the package (migrations are added by later issues)."""
    from alembic.script import ScriptDirectory

    import chainatlas.store.migrations as pkg

    return ScriptDirectory(str(Path(pkg.__file__).parent)).get_current_head()


def test_plain_path_means_sqlite_file(tmp_path: Path) -> None:
    assert to_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert to_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_migrate_creates_schema_on_fresh_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "atlas.db"
    migrate(db)
    migrate(db)  # already at head: a no-op
    engine = open_engine(db)
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        assert TABLES | {"alembic_version", "passages_fts"} <= names
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
        triggers = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))}
        assert triggers == {"passages_fts_ai", "passages_fts_ad", "passages_fts_au"}
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()


def test_models_match_migration(store_url: str) -> None:
    """The explicit migration and the declarative models describe the same tables."""
    Store(store_url).close()
    engine = open_engine(store_url)

    def ours(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        return not (type_ == "table" and (name.startswith("passages_fts") or name == "alembic_version"))

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": ours, "compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
    engine.dispose()


def test_downgrade_removes_everything(store_url: str) -> None:
    Store(store_url).close()
    downgrade_all(store_url)
    engine = open_engine(store_url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate(store_url)  # and back up again
    with Store(store_url) as st:
        assert st.stats().documents == 0
