"""Who may do what over HTTP.

* Writes (curation, uploads) need ``Authorization: Bearer <token>`` from ``chainatlas token create``:
  no token or an unknown one → 401; a revoked or read-only token → 403. Writes never accept the
  cookie, so another site cannot make a logged-in browser write (no CSRF surface).
* Reads are open when the server says so (``read_open``: the default on 127.0.0.1); otherwise any
  valid, unrevoked token may read, sent as the bearer header or as the ``chainatlas_token`` cookie
  that the ``/login`` form sets (HttpOnly, SameSite=Strict) so a browser can open the pages.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from chainatlas.store.tokens import TokenInfo, verify_token

COOKIE = "chainatlas_token"


class AuthError(HTTPException):
    """401/403 with a message the pages and the API both show as it is."""

    def __init__(self, status: int, detail: str) -> None:
        headers = {"WWW-Authenticate": 'Bearer realm="chainatlas"'} if status == 401 else None
        super().__init__(status_code=status, detail=detail, headers=headers)


def bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _ctx(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.ctx


def require_read(request: Request) -> None:
    """Reads: open, or any valid token (header or login cookie)."""
    ctx = _ctx(request)
    if ctx.read_open:
        return
    token = bearer(request) or request.cookies.get(COOKIE)
    if not token:
        raise AuthError(401, "this atlas needs a token to read: log in with a token from `chainatlas token create`")
    info = verify_token(ctx.store, token)
    if info is None:
        raise AuthError(401, "unknown token")
    if info.revoked:
        raise AuthError(403, "this token has been revoked")


def require_write(request: Request) -> TokenInfo:
    """Writes: a valid, unrevoked, read-write bearer token."""
    token = bearer(request)
    if not token:
        raise AuthError(401, "a token is needed to change the atlas: send Authorization: Bearer <token>")
    info = verify_token(_ctx(request).store, token, touch=True)
    if info is None:
        raise AuthError(401, "unknown token")
    if info.revoked:
        raise AuthError(403, "this token has been revoked")
    if info.read_only:
        raise AuthError(403, "this token is read-only")
    return info


def actor(info: TokenInfo) -> str:
    """How a decision records who made it: the token's name and id, never the secret."""
    return f"token:{info.id}" + (f" ({info.name})" if info.name else "")
