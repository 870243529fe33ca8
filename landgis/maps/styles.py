"""How the maps' layers look: colours by disposal status, by per-mu class, by building
state and by a project candidate's score band, zone outlines, and the swatches and legend
box that explain them."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from branca.element import Element

from landgis.maps.labels import NO_FIGURES, NOT_IN_LEDGER

STATUS_COLOURS: dict[str, str] = {
    "suspected": "#f4a261",
    "investigating": "#e9c46a",
    "identified": "#e76f51",
    "planned": "#9b5de5",
    "disposing": "#3a86ff",
    "revitalized": "#2a9d8f",
    "closed": "#52796f",
    "dismissed": "#adb5bd",
    NOT_IN_LEDGER: "#d9d9d9",
}
# The per-mu evaluation's classes (亩均效益评价, A best): Okabe and Ito's colours, told
# apart by people with any common colour vision deficiency; grey for parcels no enterprise
# evaluated holds.
CLASS_COLOURS: dict[str, str] = {
    "A": "#009e73",
    "B": "#0072b2",
    "C": "#e69f00",
    "D": "#d55e00",
    NO_FIGURES: "#d9d9d9",
}
# A project's candidates by score band (the lowest score of each band): Okabe and Ito's
# colours, as the per-mu classes.
SCORE_BANDS: tuple[tuple[str, float, str], ...] = (
    ("high", 80.0, "#009e73"),
    ("medium", 60.0, "#e69f00"),
    ("low", 0.0, "#d55e00"),
)
BUILDING_COLOURS: dict[str, str] = {
    "in_use": "#6c757d",
    "idle": "#d62828",
    "revitalized": "#2a9d8f",
}
NEIGHBOUR_COLOUR = "#bdbdbd"
FOCUS_OUTLINE = "#c1121f"
ZONE_STYLES: dict[str, dict[str, Any]] = {
    "county": {"color": "#555555", "weight": 2, "dashArray": "8 6", "fill": False},
    "park": {"color": "#1d3557", "weight": 2, "fill": False},
    "area": {"color": "#457b9d", "weight": 1.5, "dashArray": "4 4", "fill": False},
}


def score_band(score: float) -> str:
    """The band (:data:`SCORE_BANDS`) of a candidate's score."""
    return next((key for key, lowest, _colour in SCORE_BANDS if score >= lowest), "low")


def swatch(colour: str, *, outline: str = "#333", dashed: bool = False) -> str:
    """A small square of ``colour`` (HTML), for the legend and the layer control."""
    border = f"1px {'dashed' if dashed else 'solid'} {outline}"
    return (
        '<span class="landgis-swatch" style="display:inline-block;width:14px;height:14px;'
        f'margin:0 6px 0 2px;vertical-align:middle;background:{colour};border:{border}"></span>'
    )


def legend(title: str, items: Iterable[tuple[str, str]]) -> Element:
    """A fixed legend box; ``items`` are (swatch HTML, escaped label)."""
    rows = "".join(f"<div>{mark}{label}</div>" for mark, label in items)
    return Element(
        '<div class="landgis-legend" style="position:fixed;bottom:24px;right:12px;z-index:1000;'
        "background:#fff;padding:8px 10px;border:1px solid #999;border-radius:4px;"
        f'font:13px sans-serif;line-height:20px"><b>{html.escape(title)}</b>{rows}</div>'
    )
