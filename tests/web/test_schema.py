"""Property-based checks of the API against its own OpenAPI schema (schemathesis), bounded in time:
every GET endpoint, and curation with a valid token; no 5xx, responses match the schema."""

from __future__ import annotations

import time
import warnings

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from chainatlas.present.web import create_app

from .conftest import Atlas, auth, copy_atlas

schemathesis = pytest.importorskip("schemathesis")
warnings.filterwarnings("ignore", category=DeprecationWarning)

BUDGET_S = 90  # the whole module stops generating new cases after this


@pytest.fixture(scope="module")
def schema(atlas: Atlas, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = copy_atlas(atlas.path, tmp_path_factory.mktemp("schema") / "atlas.db")
    app = create_app(path)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _operations(schema, method: str, prefix: str = ""):  # type: ignore[no-untyped-def]
    ops = [r.ok() for r in schema.get_all_operations()]
    return [o for o in ops if o.method.upper() == method and o.path.startswith(prefix)]


def _run(op, max_examples: int, deadline: float, headers: dict[str, str] | None = None) -> None:  # type: ignore[no-untyped-def]
    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=op.as_strategy())
    def check(case) -> None:  # type: ignore[no-untyped-def]
        if time.monotonic() > deadline:
            return
        case.call_and_validate(headers=headers)

    check()


def test_get_endpoints_never_fail(schema) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + BUDGET_S
    ops = _operations(schema, "GET")
    assert len(ops) >= 9
    for op in ops:
        _run(op, 40, deadline)


def test_curation_with_a_token_never_fails(schema, atlas: Atlas) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + BUDGET_S / 2
    ops = _operations(schema, "POST", "/api/v1/facts/")
    assert len(ops) == 3
    ids = [f["id"] for f in _facts(schema)]
    assert ids
    for op in ops:
        for fid in ids:  # real facts first: generated ids mostly miss (404)
            body = {"args": {"name": "校正后的项目", "amount": 1}} if op.path.endswith("correct") else None
            case = op.Case(path_parameters={"fact_id": fid}, **({"body": body} if body else {}))
            response = case.call_and_validate(headers=auth(atlas.write))
            assert response.status_code == 200
        _run(op, 25, deadline, headers=auth(atlas.write))


def _facts(schema):  # type: ignore[no-untyped-def]
    op = next(o for o in _operations(schema, "GET", "/api/v1/facts"))
    return op.Case(query={"limit": 200}).call().json()["items"]
