"""Small pieces: highlighting segments, upload sniffing, number formats, the message catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chainatlas.present.web import formatting, i18n
from chainatlas.present.web import service as S
from chainatlas.store.browse import MentionSpan, region_level
from chainatlas.store.views import QuantityView

WEB = Path(S.__file__).resolve().parent


def q(kind: str, start: int, end: int, text: str = "") -> QuantityView:
    return QuantityView(kind, 1.0, None, None, None, text, start, end, 0)


def m(type: str, start: int, end: int, eid: int = 1) -> MentionSpan:
    return MentionSpan(eid, type, None, "n", start, end)


def test_annotate_covers_the_text_exactly_and_keeps_the_outer_span() -> None:
    text = "德州市生物医药产业园投资12亿元。\n第二段"
    paras = [(0, 0, 17), (1, 18, 21)]
    out = S.annotate(text, paras, [m("park", 0, 10, 1), m("region", 0, 3, 2)], [q("money", 12, 16)])
    assert [s.text for s in out[0].segments] == ["德州市生物医药产业园", "投资", "12亿元", "。"]
    assert [s.type for s in out[0].segments] == ["park", None, "money", None]
    assert out[0].segments[0].entity_id == 1  # the region inside the park name is dropped, not nested
    assert [s.text for s in out[1].segments] == ["第二段"]


def test_annotate_ignores_spans_outside_the_text_or_across_paragraphs() -> None:
    text = "甲乙丙\n丁戊"
    out = S.annotate(text, [(0, 0, 3), (1, 4, 6)], [m("region", 2, 5), m("region", 4, 99)], [q("count", 5, 5)])
    assert ["".join(s.text for s in p.segments) for p in out] == ["甲乙丙", "丁戊"]
    assert all(s.type is None for p in out for s in p.segments)


@pytest.mark.parametrize("name,head", [
    ("a.txt", "德州医药".encode()), ("a.MD", b"# title\n"), ("a.html", b"<html>"), ("a.htm", b"<p>x</p>"),
    ("u.txt", "文本".encode("utf-16")), ("g.txt", "德州医药".encode("gb18030")),
])
def test_check_upload_accepts_text(name: str, head: bytes) -> None:
    assert S.check_upload(name, head) == Path(name).suffix.lower()


@pytest.mark.parametrize("name,head", [
    ("a.pdf", b"text"), ("a", b"text"), ("a.txt", b"%PDF-1.5"), ("a.txt", b"\x89PNG\r\n"),
    ("a.html", b"PK\x03\x04"), ("a.txt", b"abc\x00def"), ("a.md", bytes(range(1, 32)) * 10),
])
def test_check_upload_rejects_binary(name: str, head: bytes) -> None:
    with pytest.raises(S.Unsupported):
        S.check_upload(name, head)


def test_money_formats() -> None:
    assert formatting.money(10_516_000_000, "CNY", "zh") == "105.2亿元"
    assert formatting.money(30_000, "CNY", "zh") == "3万元"
    assert formatting.money(500, None, "zh") == "500元"
    assert formatting.money(18_026_000_000, "CNY", "en") == "CNY 18.03 bn"
    assert formatting.money(2.5e6, "USD", "en") == "USD 2.5 m"
    assert formatting.date("2024-09-24", "zh") == "2024年9月24日"
    assert formatting.date(None, "en") == "—"


def test_region_levels() -> None:
    assert [region_level(c) for c in ("370000", "371400", "371425", None, "abc")] == [
        "province", "city", "county", "other", "other"]


def test_every_interface_text_exists_in_both_languages() -> None:
    catalogue = i18n.messages()
    used: set[str] = set()
    for path in (WEB / "templates").glob("*.html"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\('([a-z_0-9.]+)'", source))
        used |= set(re.findall(r"empty\('([a-z_0-9.]+)'\)", source))
    used = {k for k in used if not k.endswith(".")}
    missing = sorted(k for k in used if k not in catalogue)
    assert missing == []
    for key, entry in catalogue.items():
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert set(re.findall(r"{(\w+)}", entry["zh"])) == set(re.findall(r"{(\w+)}", entry["en"])), key


def test_suggest_strips_suffixes(client) -> None:  # type: ignore[no-untyped-def]
    ctx = client.app.state.ctx
    names = [e.name for e in S.suggest(ctx, "德州县", "region")]
    assert "德州市" in names


def test_fact_fields_hide_bookkeeping_and_format_money() -> None:
    args = {"name": "二期项目", "name_span": {"start": 1, "end": 3}, "amount": 5_000_000_000, "currency": "CNY",
            "status": "开工", "status_text": "开工建设", "date": None, "planned": True, "mentions": [{"start": 1}]}
    assert formatting.fact_fields(args, "zh") == [("name", "二期项目"), ("amount", "50亿元"), ("status", "开工"),
                                                   ("planned", "是")]
    metric = {"metric": "企业数量", "value": 108, "unit": "家", "currency": None, "trigger": "108家"}
    assert formatting.fact_fields(metric, "en") == [("metric", "企业数量"), ("value", "108 家")]
    assert formatting.fact_fields({"value": 1.8e10, "currency": "CNY"}, "en") == [("value", "CNY 18 bn")]


def test_fast_sentence_matches_the_model() -> None:
    from chainatlas.model import Document
    from chainatlas.store.browse import sentence

    texts = [
        "德州市生物医药产业园举行签约仪式。江苏中慧元通在德州投资12亿元！新型疫苗；明年投产\n第二段？是的。",
        "Heze City is building a cluster. It has 18.026 billion yuan of output. Dr. Li said so.\n  Next line. ",
        "  leading space. x", "no stop at all", "a.b.c. d", ".", "end.", "\n\n", "甲。 乙 。丙",
    ]
    for text in texts:
        doc = Document(source="", text=text)
        for start in range(len(text) + 1):
            for end in (start, min(len(text), start + 1), min(len(text), start + 5), len(text)):
                assert sentence(text, start, end) == doc.sentence_at(start, end).text, (text, start, end)


def test_evidence_is_clipped_around_the_span() -> None:
    from chainatlas.store.browse import EVIDENCE_CHARS, clip, evidence

    text = "x" * 1000 + " TARGET " + "y" * 1000  # no sentence punctuation at all
    at = text.index("TARGET")
    ev = evidence(text, at, at + 6)
    assert "TARGET" in ev and ev.startswith("…") and ev.endswith("…")
    assert len(ev) <= EVIDENCE_CHARS + 2
    assert evidence("短句。德州市投资12亿元。", 3, 6) == "德州市投资12亿元。"
    assert clip("abc", 0, 1) == "abc"
    long = "a" * 300
    assert clip(long, 0, 0).startswith("a") and clip(long, 0, 0).endswith("…")
    assert clip(long, 299, 300).startswith("…") and not clip(long, 299, 300).endswith("…")
