"""API tokens: who may write to the atlas over the web (and read it, when reads are closed).

A token reads ``cat_<prefix>_<secret>``. The prefix is stored in clear so a presented token finds its
row with one indexed lookup; of the secret only ``sha256(salt + secret)`` is kept, with a random salt
per token, so a copy of the database does not hand out working tokens. Secrets are 256 random bits,
which is why a fast hash suffices here (a slow KDF such as scrypt guards guessable passwords, and
would cost tens of milliseconds on every request). The token is shown once, when it is created.

The table comes from migration ``0003_api_tokens``; it is declared here on ``Base.metadata``, and
``chainatlas.store`` must import this module for the models-vs-migration test to see it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    insert,
    select,
    update,
)

from chainatlas.store.db import WRITE
from chainatlas.store.schema import Base

if TYPE_CHECKING:
    from chainatlas.store import Store

PREFIX = "cat"
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is refreshed at most this often (it costs a write)

# On the store's shared metadata (as the tracker tables are), so the migration-vs-models check sees it.
api_tokens = Table(
    "api_tokens",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("name", String(255)),
    Column("salt", String(64), nullable=False),
    Column("digest", String(128), nullable=False),
    Column("read_only", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)


@dataclass(slots=True)
class TokenInfo:
    """A token's record; never the secret."""

    id: int
    prefix: str
    name: str | None
    read_only: bool
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(slots=True)
class NewToken:
    info: TokenInfo
    token: str  # the only time the full token exists outside the client


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


def _info(row: object) -> TokenInfo:
    return TokenInfo(row.id, row.prefix, row.name, bool(row.read_only), _utc(row.created_at),  # type: ignore[attr-defined]
                     _utc(row.revoked_at), _utc(row.last_used_at))  # type: ignore[attr-defined]


def _split(token: str) -> tuple[str, str] | None:
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def create_token(store: Store, *, name: str | None = None, read_only: bool = False) -> NewToken:
    """Make a new token; the returned ``token`` string is not stored anywhere."""
    with store.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        while True:  # a prefix clash is astronomically rare, but the column is unique
            prefix = secrets.token_hex(5)
            if conn.scalar(select(api_tokens.c.id).where(api_tokens.c.prefix == prefix)) is None:
                break
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_hex(16)
        row = {"prefix": prefix, "name": name, "salt": salt, "digest": _digest(salt, secret),
               "read_only": read_only, "created_at": _now()}
        token_id = conn.execute(insert(api_tokens).returning(api_tokens.c.id), row).scalar_one()
    info = TokenInfo(token_id, prefix, name, read_only, row["created_at"], None, None)
    return NewToken(info, f"{PREFIX}_{prefix}_{secret}")


def list_tokens(store: Store) -> list[TokenInfo]:
    with store.engine.connect() as conn:
        return [_info(r) for r in conn.execute(select(api_tokens).order_by(api_tokens.c.id))]


def revoke_token(store: Store, token_id: int) -> TokenInfo | None:
    """Revoke a token by id (revoking twice keeps the first time); None if there is no such token."""
    with store.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        conn.execute(update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                     .values(revoked_at=_now()))
        row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
    return None if row is None else _info(row)


def verify_token(store: Store, token: str, *, touch: bool = False) -> TokenInfo | None:
    """The record of a presented token if its secret matches (revoked ones included; check
    ``revoked``), else None. ``touch`` refreshes ``last_used_at`` (at most once a minute)."""
    parts = _split(token)
    if parts is None:
        return None
    prefix, secret = parts
    with store.engine.connect() as conn:
        row = conn.execute(select(api_tokens).where(api_tokens.c.prefix == prefix)).first()
    if row is None or not hmac.compare_digest(row.digest, _digest(row.salt, secret)):
        return None
    info = _info(row)
    now = _now()
    if touch and not info.revoked and (info.last_used_at is None or now - info.last_used_at > TOUCH_EVERY):
        with store.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            conn.execute(update(api_tokens).where(api_tokens.c.id == info.id).values(last_used_at=now))
        info.last_used_at = now
    return info


__all__ = ["NewToken", "TokenInfo", "api_tokens", "create_token", "list_tokens", "revoke_token", "verify_token"]
