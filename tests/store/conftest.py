"""Store fixtures: every test that takes ``store_url`` runs on a fresh SQLite file and, when
CHAINATLAS_TEST_PG_URL names a PostgreSQL database, again on that database (emptied first)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from chainatlas.model import Document, Entity, Fact, Quantity, Span
from chainatlas.store import Store
from chainatlas.store.db import alembic_config, open_engine
from tests.builders import lines, spans

PG_URL = os.environ.get("CHAINATLAS_TEST_PG_URL")


def _reset_pg(url: str) -> None:
    engine = open_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "atlas.db")
    if not PG_URL:
        pytest.skip("PostgreSQL tests need CHAINATLAS_TEST_PG_URL (a SQLAlchemy URL to an empty test database)")
    _reset_pg(PG_URL)
    return PG_URL


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    st = Store(store_url)
    yield st
    st.close()


def downgrade_all(url: str) -> None:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
            conn.commit()
    finally:
        engine.dispose()


def quantity(text: str, kind: str, value: float, printed: str, **kw: str) -> Quantity:
    i = text.index(printed)
    return Quantity(kind, value, printed, i, i + len(printed), **kw)


def dezhou_doc() -> Document:
    text = ("德州市生物医药产业园举行签约仪式。江苏中慧元通生物科技股份有限公司在德州投资建设疫苗生产基地，总投资12亿元。\n"
            "中慧元通表示，新型疫苗将于2025年投产。")
    org = "江苏中慧元通生物科技股份有限公司"
    fact_at = text.index(org)
    return Document(
        source="news/dezhou.txt", text=text, title="德州疫苗基地签约", published="2024-05-01", lang="zh",
        content_hash="hash-dezhou", passages=lines(text),
        entities=[
            Entity("region", "德州市", aliases=["德州"], code="371400",
                   mentions=spans(text, "德州市")[:1] + [Span(text.index("在德州") + 1, text.index("在德州") + 3, "德州")]),
            Entity("organization", org, kind="enterprise", aliases=["中慧元通"],
                   mentions=spans(text, org) + [spans(text, "中慧元通")[-1]]),
            Entity("park", "德州市生物医药产业园", mentions=spans(text, "德州市生物医药产业园")),
        ],
        quantities=[quantity(text, "money", 1.2e9, "12亿元", currency="CNY")],
        facts=[Fact("investment", {"subject": org, "region": "德州市", "amount": 1.2e9},
                    fact_at, text.index("。", fact_at) + 1, 0.8)],
    )


def qihe_doc() -> Document:
    text = "齐河县医药城新增企业15家。\n锦州奥鸿药业有限责任公司与齐河县签约，投资3亿元建设生产线。"
    return Document(
        source="news/qihe.txt", text=text, title="齐河县医药城", published="2024-06-02", lang="zh",
        content_hash="hash-qihe", passages=lines(text),
        entities=[
            Entity("region", "齐河县", code="371425", mentions=spans(text, "齐河县")),
            Entity("organization", "锦州奥鸿药业有限责任公司", kind="enterprise", aliases=["奥鸿药业"],
                   mentions=spans(text, "锦州奥鸿药业有限责任公司")),
            Entity("park", "齐河县医药城", mentions=spans(text, "齐河县医药城")),
        ],
        quantities=[quantity(text, "count", 15, "15家", unit="家"),
                    quantity(text, "money", 3e8, "3亿元", currency="CNY")],
    )


def heze_doc() -> Document:
    text = ("Heze City is building a vaccine industry cluster.\n"
            "The Heze Biomedical Park hosts 40 enterprises and attracted 2 billion yuan of investment. "
            "More vaccines follow.")
    park = text.index("Heze Biomedical Park")
    return Document(
        source="news/heze.txt", text=text, title="Heze builds a vaccine cluster", published="2023-03-03",
        lang="en", content_hash="hash-heze", passages=lines(text),
        entities=[
            Entity("region", "菏泽市", aliases=["Heze City", "Heze"], code="371700",
                   mentions=spans(text, "Heze City") + [Span(park, park + 4, "Heze")]),
            Entity("park", "Heze Biomedical Park", mentions=spans(text, "Heze Biomedical Park")),
        ],
        quantities=[quantity(text, "count", 40, "40 enterprises", unit="enterprises"),
                    quantity(text, "money", 2e9, "2 billion yuan", currency="CNY")],
    )


@pytest.fixture
def filled(store: Store) -> Store:
    for doc in (dezhou_doc(), qihe_doc(), heze_doc()):
        store.add_document(doc, signature=doc.content_hash.encode())
    return store
