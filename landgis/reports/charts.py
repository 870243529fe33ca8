"""The work report's bar charts, as PNG bytes: revitalized land (亩) by route, by zone and
by month, from the headline figures' groups (:func:`landgis.stats.headline_figures`),
each bar's value on top of it to 0.01; drawn offline with matplotlib's Agg renderer.

:func:`figure_chart_png` draws any group of the figures; :func:`revitalized_chart_png`
the three the report shows (by route, zone and month), their bars named in the report's
language and ordered as the dashboard orders them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties

from landgis.graphics.canvas import figure, png_bytes, points
from landgis.graphics.fonts import text_font
from landgis.graphics.text import width_pt, wrapped
from landgis.i18n import DEFAULT_LANGUAGE, _, term
from landgis.i18n.dates import written_month
from landgis.maps.styles import STATUS_COLOURS
from landgis.stats import UNASSIGNED
from landgis.text_sort import sort_key
from landgis.vocab import ROUTES

BAR_COLOUR = STATUS_COLOURS["revitalized"]
GRID_COLOUR = "#dddddd"
FONT_PT = 8.0
MIN_FONT_PT = 6.0
# A period of up to this many months shows each of them, those that revitalized nothing too.
MAX_FILLED_MONTHS = 24
# Fewer bars than this are drawn as narrow as this many would be, centred.
MIN_SLOTS = 5
# Millimetres of the chart's width its vertical axis and margins take (for label widths).
AXIS_MM = 18.0
Groups = Mapping[str, Mapping[str, Any]]
# The groups to draw, in order, and the name of each.
Bars = tuple[dict[str, Mapping[str, Any]], dict[str, str]]
_MONTH = re.compile(r"\d{4}-\d{2}", re.ASCII)


def _fits_upright(
    names: list[str], values: list[str], slot_pt: float, font: FontProperties
) -> bool:
    """Whether every name (in at most three lines) and value fits under and over its bar."""
    for name, value in zip(names, values, strict=True):
        lines = wrapped(name, slot_pt, font).split("\n")
        if len(lines) > 3 or max(width_pt(t, font) for t in [*lines, value]) > slot_pt:
            return False
    return True


def _upright(
    ax: Axes, names: list[str], values: list[float], texts: list[str], slot_pt: float, **style: Any
) -> None:
    """Bars standing on the horizontal axis, the names under them, the values on top."""
    font = style["font"]
    slots = max(len(names), MIN_SLOTS)
    spare = (slots - len(names)) / 2
    ax.set_xlim(-0.5 - spare, len(names) - 0.5 + spare)
    bars = ax.bar(range(len(names)), values, width=0.6, color=style["colour"], zorder=2)
    ax.bar_label(bars, labels=texts, padding=2, fontproperties=font)
    top = max(values)
    ax.set_ylim(0, top * 1.18 if top > 0 else 1.0)
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6, zorder=0)
    ax.set_xticks(range(len(names)), [wrapped(n, slot_pt, font) for n in names])
    # The axis named above it, level, as printed charts of the county's reports are.
    ax.set_title(style["axis_label"], loc="left", fontproperties=font, pad=8)


def _lying(ax: Axes, names: list[str], values: list[float], texts: list[str], **style: Any) -> None:
    """Bars lying along the vertical axis (the first on top), the names beside it, the
    values at the bars' ends: for many groups or long names."""
    font = style["font"]
    bars = ax.barh(range(len(names)), values, height=0.6, color=style["colour"], zorder=2)
    ax.bar_label(bars, labels=texts, padding=2, fontproperties=font)
    ax.set_ylim(len(names) - 0.5, -0.5)
    # The values' texts take their width in points beyond the longest bar.
    names_pt = max(width_pt(n, font) for n in names)
    bars_pt = max(points(style["width_mm"] - AXIS_MM) - names_pt, 1.0)
    room = min((max(width_pt(t, font) for t in texts) + 6) / bars_pt, 0.5)
    top = max(values)
    ax.set_xlim(0, top / (1 - room) if top > 0 else 1.0)
    ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.6, zorder=0)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel(style["axis_label"], fontproperties=font)


def figure_chart_png(
    groups: Groups,
    value_key: str,
    labels: Mapping[str, str],
    axis_label: str,
    *,
    width_mm: float = 160,
    height_mm: float = 70,
    dpi: int = 200,
    empty_note: str = "",
    colour: str = BAR_COLOUR,
) -> bytes:
    """A bar per group, in the order of ``groups``, as long as its ``value_key`` (a
    missing value is 0), named by ``labels`` (the key where it has none), with the value
    at its end to two decimals; ``axis_label`` names the values' axis. The bars stand
    upright when their names fit under them, else lie one under another. With no group,
    the chart holds ``empty_note`` only. PNG bytes of ``width_mm`` × ``height_mm`` at
    ``dpi``."""
    keys = list(groups)
    values = [float(groups[k].get(value_key) or 0.0) for k in keys]
    texts = [f"{v:.2f}" for v in values]
    names = [labels.get(k, k) for k in keys]
    font = text_font(FONT_PT)
    with figure(width_mm, height_mm, dpi, constrained=True) as fig:
        ax = fig.add_subplot()
        ax.tick_params(length=3)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not keys:
            ax.set_axis_off()
            ax.text(0.5, 0.5, empty_note, ha="center", va="center", fontproperties=font)
            return png_bytes(fig)
        slot_pt = points(width_mm - AXIS_MM) / max(len(keys), MIN_SLOTS) * 0.95
        style = {"font": font, "colour": colour, "axis_label": axis_label, "width_mm": width_mm}
        if _fits_upright(names, texts, slot_pt, font):
            _upright(ax, names, values, texts, slot_pt, **style)
        else:
            # Many rows take a smaller font, down to the smallest still read in print.
            row_pt = points(height_mm - AXIS_MM / 2) / len(keys)
            font = text_font(max(MIN_FONT_PT, min(FONT_PT, row_pt * 0.8)))
            _lying(ax, names, values, texts, **(style | {"font": font}))
        for tick in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
            tick.set_fontproperties(font)
        return png_bytes(fig)


def _unassigned(lang: str) -> str:
    return _("未指定").render(lang)


def _last_unassigned(groups: Groups, order: list[str]) -> dict[str, Mapping[str, Any]]:
    ordered = [k for k in order if k in groups and k != UNASSIGNED]
    ordered += [k for k in groups if k not in ordered and k != UNASSIGNED]
    if UNASSIGNED in groups:
        ordered.append(UNASSIGNED)
    return {k: groups[k] for k in ordered}


def _chart(bars: Bars, lang: str, width_mm: float, height_mm: float, dpi: int) -> bytes:
    groups, labels = bars
    return figure_chart_png(
        groups,
        "area_mu",
        labels,
        _("盘活面积(亩)").render(lang),
        width_mm=width_mm,
        height_mm=height_mm,
        dpi=dpi,
        empty_note=_("本期间没有盘活的土地。").render(lang),
    )


def route_bars(figures: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> Bars:
    """The groups of ``figures["revitalized_by_route"]`` in the vocabulary's order of the
    routes (the cases with none last) and their names in ``lang``."""
    groups = _last_unassigned(figures["revitalized_by_route"], list(ROUTES))
    labels = {k: term("route", k).render(lang) for k in groups} | {UNASSIGNED: _unassigned(lang)}
    return groups, labels


def zone_bars(figures: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> Bars:
    """The groups of ``figures["revitalized_by_zone"]`` (keyed by the zones' names) by
    name as the dashboard orders them (the cases in no zone last), and their names."""
    groups = figures["revitalized_by_zone"]
    groups = _last_unassigned(groups, sorted(groups, key=sort_key))
    return groups, {k: _unassigned(lang) if k == UNASSIGNED else k for k in groups}


def month_label(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A month of the figures (``2023-04``) as a report names it: 2023年4月, April 2023."""
    if not _MONTH.fullmatch(key):
        return _unassigned(lang) if key == UNASSIGNED else key
    year, _dash, month = key.partition("-")
    return written_month(int(year), int(month), lang)


def _months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), both included."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_bars(figures: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> Bars:
    """The groups of ``figures["revitalized_by_month"]``, every month of the figures'
    period in order (one that revitalized nothing as an empty group; with no start, from
    the first month that did), and their names in ``lang``. A period of more than
    :data:`MAX_FILLED_MONTHS` months shows only the months that revitalized land."""
    groups = figures["revitalized_by_month"]
    dated = sorted(k for k in groups if _MONTH.fullmatch(k))
    period = figures.get("period") or {}
    start, end = period.get("from"), period.get("to") or figures.get("as_of")
    first = start[:7] if start else (dated[0] if dated else None)
    last = end[:7] if end else (dated[-1] if dated else None)
    months = _months(first, last) if first and last else []
    if len(months) > MAX_FILLED_MONTHS:
        months = []
    filled = {m: groups.get(m, {}) for m in sorted({*months, *dated})}
    filled |= {k: v for k, v in groups.items() if k not in filled}
    return filled, {k: month_label(k, lang) for k in filled}


BARS: dict[str, Callable[[Mapping[str, Any], str], Bars]] = {
    "route": route_bars,
    "zone": zone_bars,
    "month": month_bars,
}
"""The bars of each chart the report shows, by what they are grouped by."""


def revitalized_chart_png(
    by: str,
    figures: Mapping[str, Any],
    lang: str = DEFAULT_LANGUAGE,
    *,
    width_mm: float = 160,
    height_mm: float = 70,
    dpi: int = 200,
) -> bytes:
    """Revitalized 亩 of the headline ``figures`` grouped ``by`` route, zone or month
    (:func:`route_bars`, :func:`zone_bars`, :func:`month_bars`)."""
    return _chart(BARS[by](figures, lang), lang, width_mm, height_mm, dpi)
