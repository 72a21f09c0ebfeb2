"""`chainatlas token create|list|revoke` and `chainatlas serve`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.present import cli
from chainatlas.store import Store
from chainatlas.store.tokens import verify_token

runner = CliRunner()


def test_token_lifecycle(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    made = runner.invoke(cli.app, ["--db", db, "token", "create", "--name", "alice"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("cat_")
    ro = runner.invoke(cli.app, ["--db", db, "token", "create", "--read-only"])
    ro_token = ro.stdout.strip().splitlines()[-1]
    listed = runner.invoke(cli.app, ["--db", db, "token", "list"])
    assert listed.exit_code == 0 and "alice" in listed.stdout and "read-only" in listed.stdout
    assert token.split("_", 2)[2] not in listed.stdout  # the secret is shown once, at creation
    assert runner.invoke(cli.app, ["--db", db, "token", "revoke", "1"]).exit_code == 0
    assert runner.invoke(cli.app, ["--db", db, "token", "revoke", "42"]).exit_code == 1
    with Store(db) as store:
        assert verify_token(store, token).revoked
        assert verify_token(store, ro_token).read_only


def test_token_list_when_empty(tmp_path: Path) -> None:
    r = runner.invoke(cli.app, ["--db", str(tmp_path / "b.db"), "token", "list"])
    assert r.exit_code == 0 and "no tokens yet" in r.stdout


@pytest.mark.parametrize("args,read_open", [
    ([], True), (["--read-token-required"], False), (["--host", "0.0.0.0"], False),
    (["--host", "0.0.0.0", "--open-reads"], True),
])
def test_serve_prints_its_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                              read_open: bool) -> None:
    import uvicorn

    seen: dict[str, object] = {}

    def fake_run(app, host, port, **kw):  # type: ignore[no-untyped-def]
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    r = runner.invoke(cli.app, ["--db", str(tmp_path / "c.db"), "serve", "--port", "8123", *args])
    assert r.exit_code == 0, r.output
    host = "0.0.0.0" if "0.0.0.0" in args else "127.0.0.1"
    assert f"http://{host}:8123/" in r.stdout
    assert seen["port"] == 8123 and seen["host"] == host
    assert seen["app"].state.ctx.read_open is read_open  # type: ignore[attr-defined]
