"""Text sorted as a clerk looks it up: Chinese by pinyin, not by code point."""

from __future__ import annotations

import math

from landgis.text_sort import MISSING_KEY, sort_key, sorted_texts

HOLDERS = [
    "四川恒通包装材料有限公司",
    "青溪县宏达机械制造有限公司",
    "四川云帆建材有限责任公司",
    "青溪县兴华生物科技股份有限公司",
    "安宁化工有限公司",
    "重庆长江物流有限公司",
]


def test_chinese_sorts_by_pinyin_not_code_point():
    assert sorted(HOLDERS) != sorted_texts(HOLDERS), "code point order differs from pinyin"
    order = sorted_texts(HOLDERS)
    assert order.index("安宁化工有限公司") == 0
    assert order.index("重庆长江物流有限公司") == 1  # chóng qìng: among the C's
    qing = [h for h in order if h.startswith("青溪")]
    si = [h for h in order if h.startswith("四川")]
    assert order == ["安宁化工有限公司", "重庆长江物流有限公司", *qing, *si]
    assert qing == ["青溪县宏达机械制造有限公司", "青溪县兴华生物科技股份有限公司"]  # hong < xing
    assert si == ["四川恒通包装材料有限公司", "四川云帆建材有限责任公司"]  # heng < yun


def test_latin_letters_ignore_case_and_sit_among_the_pinyin():
    assert sorted_texts(["b公司", "A公司", "青溪", "Z"]) == ["A公司", "b公司", "青溪", "Z"]
    assert sort_key("ＡＢＣ")[:2] == sort_key("ABC")[:2]  # full width as half width
    assert sorted_texts(["2号", "1号", "甲"]) == ["1号", "2号", "甲"]


def test_missing_text_sorts_last():
    for missing in (None, "", "  ", math.nan):
        assert sort_key(missing) == MISSING_KEY
        assert sort_key(missing) > sort_key("左")
