"""Opening a database: URL handling, SQLite pragmas and transactions, Alembic upgrades.

A plain path means a SQLite file. SQLite runs in WAL mode (readers never block the writer) with
foreign keys on, and a write transaction starts with ``BEGIN IMMEDIATE`` so two writers queue on
the busy timeout instead of failing half-way with a stale snapshot. pysqlite's own implicit
transaction handling is switched off so that a transaction really spans everything in it,
DDL included (the SQLAlchemy-documented recipe).
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE = "chainatlas_write"  # connection execution option: begin with BEGIN IMMEDIATE


def utc(value: Any) -> Any:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def like_escape(value: str) -> str:
    """``value`` with LIKE's wildcards escaped (use with ``escape="\\"``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def to_url(url_or_path: str | Path) -> str:
    """``atlas.db`` → ``sqlite:///<absolute path>``; a SQLAlchemy URL is returned as given."""
    text = str(url_or_path)
    if "://" in text:
        return text
    if text == ":memory:":
        return "sqlite://"
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def open_engine(url_or_path: str | Path, **kwargs: Any) -> Engine:
    """An engine with the store's SQLite settings applied (other databases untouched)."""
    url = make_url(to_url(url_or_path))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, **kwargs)
    memory = url.database in (None, "", ":memory:")
    if memory:
        kwargs.setdefault("poolclass", StaticPool)
    else:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
    if not memory:
        kwargs["connect_args"].setdefault("check_same_thread", False)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(url: str | None = None) -> Config:
    """Alembic settings pointing at the migrations shipped inside this package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine_or_url: Engine | str | Path, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (the latest by default); a no-op when up to date."""
    if isinstance(engine_or_url, Engine):
        engine, owned = engine_or_url, False
    else:
        engine, owned = open_engine(engine_or_url), True
    try:
        with engine.connect().execution_options(**{WRITE: True}) as conn:
            cfg = alembic_config(engine.url.render_as_string(hide_password=False))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()
    finally:
        if owned:
            engine.dispose()
