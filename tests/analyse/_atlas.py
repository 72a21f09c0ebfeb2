"""Atlases for the analysis tests (profiles, compare, gaps, API): built once per test process.

* ``demo_atlas()``: the sample corpus (examples/corpus/docs) and the dev set (examples/dev/docs)
  ingested with ``ingest_paths``; whatever fact components are registered run too, so the test
  sees facts whether or not they are in the default pipeline yet.
* ``hand_atlas()``: four hand-written articles whose every fact is known, for exact answers:
  德州 (two conflicting 产业规模 values for 2023, a rejected 营业收入, a corrected 规上企业数, a
  chain leader, a medical-device project, a county enterprise in 齐河县), 泰州 (产业规模 given in
  亿元, three vaccine enterprises' sentences, a 30亿元 vaccine project, a 龙头企业) and 锦州 (one
  vaccine enterprise, older; only a 2025 target for 产业规模).
"""

from __future__ import annotations

import atexit
import functools
import importlib
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from chainatlas.model import Document, Entity, Fact, Span
from chainatlas.store import Store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = [ROOT / "examples" / "corpus" / "docs", ROOT / "examples" / "dev" / "docs"]
FACT_MODULES = ("dates", "metrics", "projects", "roles", "products", "events")

_TMP = Path(tempfile.mkdtemp(prefix="chainatlas-analysis-tests-"))
atexit.register(shutil.rmtree, _TMP, True)


def _fact_components() -> list[Callable[[Document], Document]]:
    """Fact components that exist but are not yet in the default pipeline."""
    from chainatlas.extract.pipeline import DEFAULT_COMPONENTS, registry

    for name in FACT_MODULES:
        try:
            importlib.import_module(f"chainatlas.extract.facts.{name}")
        except ImportError:
            continue
    return [registry.components[n] for n in FACT_MODULES
            if n in registry.components and n not in DEFAULT_COMPONENTS]


@functools.cache
def demo_atlas() -> str:
    from chainatlas.present.jobs import ingest_paths, process_path

    extra = _fact_components()

    def mapper(fn: Callable[[Path], Any], items: Iterable[Path]) -> Iterator[Any]:
        for path in items:
            result = process_path(path)
            if isinstance(result, Document):
                for step in extra:
                    result = step(result)
            yield result

    path = _TMP / "demo.db"
    store = Store(path)
    try:
        report = ingest_paths(CORPUS, store, mapper=mapper)
    finally:
        store.close()
    assert report.ok, report.failed
    return str(path)


# ---------------------------------------------------------------------- the hand-made atlas


def make_doc(text: str, *, title: str, published: str | None, source: str,
             regions: Iterable[tuple[str, str]] = (), orgs: Iterable[str] = (), parks: Iterable[str] = (),
             facts: Iterable[tuple[str, dict[str, Any], str, float]] = ()) -> Document:
    """A document with every occurrence of the given names as mentions, and facts whose evidence
    is the sentence holding ``anchor``."""
    doc = Document(source=source, text=text, title=title, published=published)

    def spans(name: str) -> list[Span]:
        out, i = [], text.find(name)
        while i >= 0:
            out.append(Span(i, i + len(name), name))
            i = text.find(name, i + len(name))
        assert out, f"{name!r} not in the text"
        return out

    for name, code in regions:
        doc.entities.append(Entity("region", name, code=code, mentions=spans(name)))
    for name in orgs:
        doc.entities.append(Entity("organization", name, kind="enterprise", mentions=spans(name)))
    for name in parks:
        doc.entities.append(Entity("park", name, mentions=spans(name)))
    for type_, args, anchor, conf in facts:
        i = text.index(anchor)
        sent = doc.sentence_at(i, i + len(anchor))
        doc.facts.append(Fact(type_, args, sent.start, sent.end, conf))
    return doc


def metric(subject: str, name: str, value: float, unit: str | None, period: str | None,
           currency: str | None = None, target: bool = False) -> dict[str, Any]:
    args = {"subject": subject, "subject_type": "region", "metric": name, "value": value, "unit": unit,
            "currency": currency, "period": period, "quantity": {"text": "", "start": 0, "end": 0}}
    if target:
        args["target"] = True
    return args


DEZHOU_A = make_doc(
    "德州市医药产业规模达500亿元。\n"
    "德州康宁医疗器械有限公司是德州市医疗器械链主企业,主要生产医用导管和医疗器械。\n"
    "德州康宁医疗器械产业园项目总投资20亿元,已开工建设。\n"
    "德州市营业收入达9999亿元。\n"
    "德州市规上企业38家。",
    title="德州医药产业观察", published="2024-03-10", source="hand/dezhou-a.txt",
    regions=[("德州市", "371400")], orgs=["德州康宁医疗器械有限公司"],
    facts=[
        ("metric", metric("德州市", "产业规模", 50_000_000_000, "元", "2023", "CNY"), "产业规模达500亿元", 0.9),
        ("role", {"entity": "德州康宁医疗器械有限公司", "role": "链主企业", "scope": "德州市"}, "链主企业", 0.8),
        ("project", {"name": "德州康宁医疗器械产业园项目", "investor": "德州康宁医疗器械有限公司", "region": "德州市",
                     "park": None, "amount": 2_000_000_000, "currency": "CNY", "status": "开工", "date": "2024-03"},
         "总投资20亿元", 0.8),
        ("metric", metric("德州市", "营业收入", 999_900_000_000, "元", "2023", "CNY"), "营业收入达9999亿元", 0.7),
        ("metric", metric("德州市", "规上企业数", 38, "家", "2023"), "规上企业38家", 0.7),
    ],
)
DEZHOU_B = make_doc(
    "德州市医药产业规模达480亿元,其中齐河县贡献显著。\n"
    "齐河华康药业有限公司位于齐河县,生产化学药制剂。",
    title="齐河县医药产业", published="2024-06-01", source="hand/dezhou-b.txt",
    regions=[("德州市", "371400"), ("齐河县", "371425")], orgs=["齐河华康药业有限公司"],
    facts=[("metric", metric("德州市", "产业规模", 48_000_000_000, "元", "2023", "CNY"), "产业规模达480亿元", 0.8)],
)
TAIZHOU = make_doc(
    "泰州市医药产业规模达2850亿元。\n"
    "江苏瑞科疫苗生物技术有限公司是泰州市疫苗龙头企业,其重组带状疱疹疫苗进入临床。\n"
    "江苏瑞科疫苗生物技术有限公司投资30亿元建设瑞科疫苗产业化项目,已签约。\n"
    "泰州华兰疫苗有限公司生产流感疫苗。\n"
    "江苏瑞科疫苗生物技术有限公司的新型佐剂疫苗获批上市。",
    title="泰州疫苗产业", published="2024-09-24", source="hand/taizhou.txt",
    regions=[("泰州市", "321200")], orgs=["江苏瑞科疫苗生物技术有限公司", "泰州华兰疫苗有限公司"],
    facts=[
        ("metric", metric("泰州市", "产业规模", 2850, "亿元", "2023"), "产业规模达2850亿元", 0.9),
        ("role", {"entity": "江苏瑞科疫苗生物技术有限公司", "role": "龙头企业", "scope": "泰州市"}, "龙头企业", 0.8),
        ("project", {"name": "瑞科疫苗产业化项目", "investor": "江苏瑞科疫苗生物技术有限公司", "region": "泰州市",
                     "park": None, "amount": 3_000_000_000, "currency": "CNY", "status": "签约", "date": "2024-09"},
         "投资30亿元", 0.8),
    ],
)
JINZHOU = make_doc(
    "锦州市生物医药产业加快发展,力争2025年产业规模达到300亿元。\n"
    "锦州生物疫苗有限公司生产狂犬病疫苗。\n"
    "锦州奥鸿药业有限责任公司生产化学药制剂。",
    title="锦州生物医药", published="2023-03-31", source="hand/jinzhou.txt",
    regions=[("锦州市", "210700")], orgs=["锦州生物疫苗有限公司", "锦州奥鸿药业有限责任公司"],
    facts=[("metric", metric("锦州市", "产业规模", 300, "亿元", "2025", target=True), "300亿元", 0.8)],
)
HAND_DOCS = (DEZHOU_A, DEZHOU_B, TAIZHOU, JINZHOU)


@functools.cache
def hand_atlas() -> str:
    path = _TMP / "hand.db"
    store = Store(path)
    try:
        for doc in HAND_DOCS:
            store.add_document(doc)
        doc_id = store.document_id(_hash(DEZHOU_A))
        view = store.document(doc_id)  # type: ignore[arg-type]
        assert view is not None
        by_metric = {f.args.get("metric"): f for f in view.facts if f.type == "metric"}
        store.decide_fact(by_metric["营业收入"].id, "rejected", actor="test")
        corrected = dict(by_metric["规上企业数"].args, value=83)
        store.decide_fact(by_metric["规上企业数"].id, "corrected", args=corrected, actor="test")
    finally:
        store.close()
    return str(path)


def _hash(doc: Document) -> str:
    from chainatlas.store import content_hash

    return doc.content_hash or content_hash(doc.text)
