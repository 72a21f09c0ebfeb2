from __future__ import annotations

import codecs

import pytest

from chainatlas.ingest import load_document
from chainatlas.ingest.decode import CANNOT_DECODE, decode, decode_document, html_charset, is_traditional
from chainatlas.ingest.read import IngestError

ZH = (
    "锦州市医药健康产业发展报告\n"
    "2023-03-31 11:31:59\n\n"
    "　　锦州市发展生物医药健康产业具有良好的基础和优势。经过多年培育，锦州市涌现了一批重点医药健康产业企业，"
    "拥有376个药品品种，国家基本药物批准文号113个，药装企业重点产品市场占有率达60%。\n"
    "　　锦州市作为辽西医疗中心，拥有三甲医院5家、二级以上医疗机构37家，年就医患者可达500万人次，"
    "为新产品、临床试验产品推广提供平台。\n"
)
# The same article in Traditional characters, as a Taiwan or Hong Kong Big5 page prints it.
ZH_TRAD = (
    "錦州市醫藥健康產業發展報告\n"
    "2023-03-31 11:31:59\n\n"
    "　　錦州市發展生物醫藥健康產業具有良好的基礎和優勢。經過多年培育，錦州市湧現了一批重點醫藥健康產業企業，"
    "擁有376個藥品品種，國家基本藥物批准文號113個，藥裝企業重點產品市場佔有率達60%。\n"
    "　　錦州市作為遼西醫療中心，擁有三甲醫院5家、二級以上醫療機構37家，年就醫患者可達500萬人次，"
    "為新產品、臨床試驗產品推廣提供平台。\n"
)


def test_utf8_with_and_without_bom():
    assert decode(ZH.encode("utf-8")) == (ZH, "utf-8")
    assert decode(codecs.BOM_UTF8 + ZH.encode("utf-8")) == (ZH, "utf-8-sig")


def test_gbk_is_decoded_as_gb18030():
    text, enc = decode(ZH.encode("gbk"))
    assert (text, enc) == (ZH, "gb18030")


def test_gb18030_characters_outside_gbk():
    src = ZH + "罕见字：𠀀䶮\n"  # a CJK Extension B character and one GBK lacks
    text, enc = decode(src.encode("gb18030"))
    assert (text, enc) == (src, "gb18030")


def test_big5_is_decoded_and_converted_to_simplified():
    data = ZH_TRAD.encode("big5")
    text, enc = decode(data)
    assert text == ZH_TRAD and enc in ("big5", "cp950")
    d = decode_document(data)
    assert d.converted_from_traditional and d.encoding == enc
    assert "锦州市发展生物医药健康产业具有良好的基础和优势" in d.text
    assert "錦" not in d.text
    kept = decode_document(data, simplify="never")
    assert kept.text == ZH_TRAD and not kept.converted_from_traditional


def test_utf8_traditional_is_converted_only_on_request():
    data = ZH_TRAD.encode("utf-8")
    assert not decode_document(data).converted_from_traditional
    auto = decode_document(data, simplify="auto")
    assert auto.converted_from_traditional and "锦州市" in auto.text
    assert not decode_document(ZH.encode("utf-8"), simplify="auto").converted_from_traditional
    assert is_traditional(ZH_TRAD) and not is_traditional(ZH)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_and_without(codec):
    data = ZH.encode(codec)  # "utf-16" writes a BOM, the explicit-endian codecs do not
    text, enc = decode(data)
    assert text == ZH
    assert enc.startswith("utf-16")


def test_utf16_without_bom_and_without_ascii():
    src = "锦州市发展生物医药健康产业具有良好的基础和优势。经过多年培育，锦州市涌现了一批重点医药健康产业企业。" * 3
    assert decode(src.encode("utf-16-le"))[0] == src


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \r\n\t \n", "empty file (whitespace only)"),
        ("\u3000\u3000\n".encode(), "empty file (whitespace only)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (PNG image)"),
        (b"abc\x00\x01\x02\x03def\x00\xff\xfe\x10" * 20, "binary file (NUL bytes)"),
        (b"text\x01\x02\x03\x04\x05\x06 more\x07\x08" * 20, "binary file (control characters)"),
        (b"\x80\x81\xff" * 11, CANNOT_DECODE),
    ],
)
def test_bad_input_is_a_one_line_error(data, reason):
    with pytest.raises(IngestError) as err:
        decode(data, path="x.txt")
    assert err.value.reason == reason
    assert str(err.value) == f"x.txt: {reason}"


def test_truncated_utf8_in_the_middle_is_an_error_not_mojibake():
    data = ZH.encode("utf-8")
    mid = len(data) // 2
    while data[mid] & 0xC0 == 0x80:  # move to the lead byte of a character
        mid += 1
    broken = data[:mid + 2] + data[mid + 3:]  # drop the last byte of that character
    with pytest.raises(IngestError) as err:
        decode(broken, path="cut.txt")
    assert err.value.reason.startswith("cannot decode: invalid UTF-8 at byte ")
    assert "truncated" in err.value.reason


def test_declared_html_charset_is_read():
    assert html_charset(b'<html><head><meta charset="GBK"></head>') == "GBK"
    assert html_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />') == "gb2312"
    assert html_charset(b"<html><body>no declaration</body></html>") is None


@pytest.mark.parametrize(
    ("codec", "source", "converted"),
    [("gbk", ZH, False), ("gb18030", ZH, False), ("big5", ZH_TRAD, True), ("utf-16", ZH, False),
     ("utf-16-le", ZH, False), ("utf-8-sig", ZH, False)],
)
def test_round_trip_through_load_document(tmp_path, codec, source, converted):
    p = tmp_path / f"doc_{codec}.txt"
    p.write_bytes(source.encode(codec))
    doc = load_document(p)
    assert doc.title == "锦州市医药健康产业发展报告"
    assert doc.published == "2023-03-31"
    assert doc.text.startswith("锦州市发展生物医药健康产业具有良好的基础和优势。")
    assert doc.text.endswith("为新产品、临床试验产品推广提供平台。")
    assert doc.meta["converted_from_traditional"] is converted
    assert doc.lang == "zh"
    assert doc.encoding


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"\x00\x01\x02binary\x00" * 30, "binary file (NUL bytes)")],
)
def test_load_document_raises_ingest_error(tmp_path, data, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(IngestError) as err:
        load_document(p)
    assert str(err.value) == f"{p}: {reason}"
