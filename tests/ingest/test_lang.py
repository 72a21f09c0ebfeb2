from __future__ import annotations

import pytest

from chainatlas.ingest.lang import cjk_share, detect_lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("锦州市发展生物医药健康产业具有良好的基础和优势。", "zh"),
        ("Dezhou aims to develop a significant industrial hub in the pharmaceutical sector.", "en"),
        ("泰州与国际遗传工程和生物技术中心(ICGEB)中国区域研究中心签署战略合作协议。", "zh"),
        ("Heze (菏泽) has built a biomedical industrial park in its high-tech zone.", "en"),
        ("2023 123 456", "zh"),
    ],
)
def test_detect_lang(text, lang):
    assert detect_lang(text) == lang


def test_default_for_text_without_letters():
    assert detect_lang("", default="en") == "en"
    assert cjk_share("") == 0.0
    assert cjk_share("中文") == 1.0
