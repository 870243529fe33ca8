"""The work report's bar charts and the pictures' Chinese font: PNGs read back with
Pillow (size, bars counted and measured by their colour), the bars' order and names, and
Chinese glyphs that are real glyphs, not the boxes of a font without them."""

from __future__ import annotations

import io
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from landgis.graphics.canvas import figure, png_bytes
from landgis.graphics.fonts import FALLBACK_FAMILY, cjk_family, text_font
from landgis.graphics.text import wrapped
from landgis.reports.charts import (
    BAR_COLOUR,
    figure_chart_png,
    month_bars,
    revitalized_chart_png,
    route_bars,
    zone_bars,
)
from landgis.vocab import ROUTES

# The groups headline_figures gives (keys as it makes them), values in 亩.
FIGURES = {
    "as_of": "2023-08-31",
    "period": {"from": "2023-01-01", "to": "2023-08-31"},
    "revitalized_by_route": {
        "judicial_auction": {"cases": 2, "area_mu": 54.4},
        "buyback": {"cases": 2, "area_mu": 45.9},
        "unassigned": {"cases": 1, "area_mu": 3.0},
        "lease_conversion": {"cases": 1, "area_mu": 19.7},
    },
    "revitalized_by_zone": {
        "临江工业区": {"cases": 3, "area_mu": 74.1},
        "unassigned": {"cases": 1, "area_mu": 2.5},
        "产城新区": {"cases": 1, "area_mu": 27.6},
        "白鹤工业区": {"cases": 1, "area_mu": 18.3},
    },
    "revitalized_by_month": {
        "2023-05": {"cases": 2, "area_mu": 47.3},
        "2023-04": {"cases": 1, "area_mu": 18.3},
        "2023-07": {"cases": 1, "area_mu": 20.0},
    },
}
NO_GLYPH_MISSING = r".*[Gg]lyph .* missing"


def picture(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB"))


def bar_mask(pixels: np.ndarray) -> np.ndarray:
    colour = np.array([int(BAR_COLOUR[i : i + 2], 16) for i in (1, 3, 5)])
    return (pixels == colour).all(axis=2)


def runs(line: np.ndarray) -> list[tuple[int, int]]:
    """The (start, end) of each run of True in a row or column of pixels."""
    edges = np.diff(np.concatenate([[0], line.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def drawn(function, *args, **kwargs) -> bytes:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=NO_GLYPH_MISSING)
        return function(*args, **kwargs)


def test_a_chart_has_the_size_asked_and_a_bar_per_group_as_high_as_its_value():
    values = {"a": 10.0, "b": 40.0, "c": 25.0, "d": 0.0}
    groups = {k: {"area_mu": v} for k, v in values.items()}
    png = drawn(
        figure_chart_png, groups, "area_mu", {"a": "甲"}, "亩", width_mm=120, height_mm=60, dpi=100
    )
    pixels = picture(png)
    assert pixels.shape[:2] == (round(60 / 25.4 * 100), round(120 / 25.4 * 100))
    mask = bar_mask(pixels)
    base = np.flatnonzero(mask.any(axis=1)).max()  # the bars' lowest row, on the axis
    columns = runs(mask[base])
    assert len(columns) == 3  # the bar of 0 has no height
    heights = [int(mask[:, (start + end) // 2].sum()) for start, end in columns]
    shown = [v for v in values.values() if v > 0]
    scale = heights[1] / shown[1]
    for height, value in zip(heights, shown, strict=True):
        assert height == pytest.approx(value * scale, abs=2)


def test_the_route_zone_and_month_charts_name_and_order_their_bars():
    groups, labels = route_bars(FIGURES, "zh")
    assert list(groups) == ["buyback", "judicial_auction", "lease_conversion", "unassigned"]
    assert [list(ROUTES).index(k) for k in list(groups)[:3]] == sorted(
        list(ROUTES).index(k) for k in list(groups)[:3]
    )
    assert [labels[k] for k in groups] == ["依法回购", "司法拍卖", "租赁转产", "未指定"]
    _groups, english = route_bars(FIGURES, "en")
    assert english["judicial_auction"] == "Judicial auction"
    assert english["unassigned"] == "Not assigned"

    groups, labels = zone_bars(FIGURES, "zh")
    assert list(groups) == ["白鹤工业区", "产城新区", "临江工业区", "unassigned"]  # by pinyin
    assert labels["unassigned"] == "未指定" and labels["产城新区"] == "产城新区"

    groups, labels = month_bars(FIGURES, "zh")
    assert list(groups) == [f"2023-{m:02d}" for m in range(1, 9)]  # the whole period
    assert groups["2023-01"] == {} and groups["2023-05"]["area_mu"] == 47.3
    assert labels["2023-04"] == "2023年4月"
    assert month_bars(FIGURES, "en")[1]["2023-04"] == "April 2023"
    # With no start, from the first month that revitalized land to the ledger's date.
    open_period = FIGURES | {"period": {"from": None, "to": None}}
    assert list(month_bars(open_period, "zh")[0]) == [f"2023-{m:02d}" for m in range(4, 9)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("by", "bars"),
    [("route", 4), ("zone", 4), ("month", 3)],
)
def test_the_three_charts_draw_a_bar_per_group(by, bars, lang):
    png = drawn(revitalized_chart_png, by, FIGURES, lang, width_mm=160, height_mm=70, dpi=100)
    mask = bar_mask(picture(png))
    base = np.flatnonzero(mask.any(axis=1)).max()
    assert len(runs(mask[base])) == bars  # the months without land stand at 0, unseen


def test_many_long_names_lay_the_bars_down_one_under_another():
    groups = {code: {"area_mu": float(i + 1)} for i, code in enumerate(ROUTES)}
    labels = route_bars({"revitalized_by_route": groups}, "en")[1]
    png = drawn(
        figure_chart_png, groups, "area_mu", labels, "mu", width_mm=160, height_mm=90, dpi=100
    )
    mask = bar_mask(picture(png))
    left = np.flatnonzero(mask.any(axis=0)).min()  # the bars' first column, on the axis
    assert len(runs(mask[:, left])) == len(ROUTES)


def test_a_chart_without_groups_says_so():
    png = drawn(figure_chart_png, {}, "area_mu", {}, "亩", empty_note="本期间没有盘活的土地。")
    pixels = picture(png)
    assert not bar_mask(pixels).any()
    assert (pixels < 128).all(axis=2).sum() > 100  # the note is written


def glyph(text: str, family: list[str]) -> np.ndarray:
    with figure(20, 10, 100) as fig:
        fig.text(0.1, 0.2, text, fontfamily=family, fontsize=20)
        return picture(png_bytes(fig))


def test_chinese_draws_as_glyphs_in_the_pictures_font():
    family = text_font(10).get_family()
    assert family[0] == cjk_family()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=NO_GLYPH_MISSING)
        qing, xi = glyph("青", family), glyph("溪", family)
    assert (qing < 128).any() and not np.array_equal(qing, xi)
    # A font without Chinese draws both as the same empty box, and says so.
    with pytest.warns(UserWarning, match=NO_GLYPH_MISSING):
        boxes = glyph("青", [FALLBACK_FAMILY]), glyph("溪", [FALLBACK_FAMILY])
    assert np.array_equal(*boxes)


def test_long_names_break_between_words_or_chinese_characters():
    font = text_font(8)
    assert wrapped("Judicial auction of land", 50, font) == "Judicial\nauction of\nland"
    assert wrapped("2023年12月", 30, font) == "2023年\n12月"
    assert "\n、" not in wrapped("调整土地用途、规划条件", 40, font)
    assert wrapped("司法拍卖", 200, font) == "司法拍卖"


def test_charts_drawn_in_threads_at_once_are_those_drawn_alone():
    alone = {lang: revitalized_chart_png("zone", FIGURES, lang, dpi=80) for lang in ("zh", "en")}
    with ThreadPoolExecutor(max_workers=4) as pool:
        langs = ["zh", "en"] * 4
        together = list(
            pool.map(lambda lang: revitalized_chart_png("zone", FIGURES, lang, dpi=80), langs)
        )
    assert together == [alone[lang] for lang in langs]
