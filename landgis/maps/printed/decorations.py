"""The printed map's furniture: the north arrow, the scale bar (matplotlib-scalebar, true
in the map's projected metres) and the legend's entries."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.transforms import Bbox
from matplotlib.typing import LineStyleType
from matplotlib_scalebar.scalebar import ScaleBar

from landgis.graphics.fonts import text_font

INK = "#222222"
# The zone outlines, by kind: (colour, width in points, dashes).
ZONE_LINES: dict[str, tuple[str, float, LineStyleType]] = {
    "county": ("#555555", 1.1, (0, (6.0, 2.0, 1.5, 2.0))),
    "park": ("#1d3557", 1.3, "solid"),
    "area": ("#457b9d", 0.9, (0, (4.0, 2.0))),
}
PARCEL_EDGE = "#444444"
OTHER_PARCEL_EDGE = "#a6a6a6"


def north_arrow(fig: Figure, box: Bbox, *, font_size: float) -> Axes:
    """A north arrow (a split arrowhead under an "N") filling ``box`` (figure fractions)."""
    ax = fig.add_axes(box.bounds)
    ax.set_axis_off()
    ax.set_xlim(-1, 1)
    ax.set_ylim(0, 3.2)
    head = [(0.0, 2.1), (-0.75, 0.0), (0.0, 0.55)]
    ax.add_patch(Polygon(head, closed=True, facecolor=INK, edgecolor=INK, linewidth=0.6))
    other = [(0.0, 2.1), (0.75, 0.0), (0.0, 0.55)]
    ax.add_patch(Polygon(other, closed=True, facecolor="white", edgecolor=INK, linewidth=0.6))
    ax.text(
        0.0, 2.25, "N", ha="center", va="bottom", fontproperties=text_font(font_size, bold=True)
    )
    return ax


def nice_length(most_m: float) -> float:
    """The longest 1, 2 or 5 × 10ⁿ metres not over ``most_m``."""
    power = 10 ** math.floor(math.log10(most_m))
    return max(step * power for step in (1, 2, 5) if step * power <= most_m)


def scale_bar(
    ax: Axes, anchor: tuple[float, float], *, length_m: float, font_size: float
) -> ScaleBar:
    """A scale bar of ``length_m`` metres on the map ``ax`` (data in metres), its lower
    left corner at ``anchor`` (figure fractions), outside the map if need be."""
    value, units = (length_m / 1000, "km") if length_m >= 1000 else (length_m, "m")
    bar = ScaleBar(
        1.0,
        "m",
        fixed_value=value,
        fixed_units=units,
        location="lower left",
        bbox_to_anchor=anchor,
        bbox_transform=ax.figure.transFigure,
        frameon=False,
        color=INK,
        width_fraction=0.012,
        pad=0,
        border_pad=0,
        sep=2,
        font_properties={"family": text_font(font_size).get_family(), "size": font_size},
        scale_formatter=lambda number, unit: f"{number:g} {unit}",
    )
    ax.add_artist(bar)
    return bar


def status_entries(
    colours: Mapping[str, str], names: Mapping[str, str]
) -> list[tuple[Artist, str]]:
    """A filled square per status (``names``: the label of each, in order)."""
    return [
        (Patch(facecolor=colours[key], edgecolor=PARCEL_EDGE, linewidth=0.5), label)
        for key, label in names.items()
    ]


def other_parcels_entry(colour: str, label: str) -> tuple[Artist, str]:
    """The square of the parcels drawn in grey."""
    return (Patch(facecolor=colour, edgecolor=OTHER_PARCEL_EDGE, linewidth=0.5), label)


def zone_entries(kinds: Sequence[str], names: Mapping[str, str]) -> list[tuple[Artist, str]]:
    """A line per zone kind drawn (``names``: the label of each kind)."""
    entries: list[tuple[Artist, str]] = []
    for kind in kinds:
        colour, width, dashes = ZONE_LINES[kind]
        line = Line2D([], [], color=colour, linewidth=width, linestyle=dashes)
        entries.append((line, names[kind]))
    return entries
