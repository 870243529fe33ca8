"""Where the printed map's parts go on the figure, in millimetres: the map, and beside it
(below or to the right, whichever leaves the map larger) the legend, the scale bar and the
north arrow, so that none of them ever covers a parcel."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox

from landgis.graphics.canvas import MM_PER_INCH
from landgis.graphics.fonts import text_font
from landgis.maps.printed.framing import Bounds, scale_of

FONT_PT = 8.0
OUTER_MM = 1.5  # around everything
GAP_MM = 3.0  # between the map and what sits beside it
ARROW_MM = (6.0, 10.0)  # the north arrow's width and height
SCALE_MM = 30.0  # the longest scale bar


@dataclass(frozen=True)
class Layout:
    """Where things go, in millimetres from the figure's lower left corner."""

    map_box: tuple[float, float, float, float]  # x, y, width, height
    legend_at: tuple[float, float]  # its upper left corner
    legend_columns: int
    scale_at: tuple[float, float]  # the scale bar's lower left corner
    scale_mm: float  # the most the scale bar may take
    arrow_box: tuple[float, float, float, float]


def legend(fig: Figure, entries: list[tuple[Artist, str]], columns: int) -> Legend:
    """The legend of ``entries`` in ``columns``, its upper left corner to be anchored."""
    handles, labels = zip(*entries, strict=True)
    return fig.legend(
        handles,
        labels,
        ncols=columns,
        loc="upper left",
        frameon=False,
        prop=text_font(FONT_PT),
        handlelength=1.6,
        handleheight=1.0,
        columnspacing=1.4,
        labelspacing=0.45,
        borderpad=0,
        borderaxespad=0,
    )


def _legend_size(
    fig: Figure, entries: list[tuple[Artist, str]], columns: int
) -> tuple[float, float]:
    drawn = legend(fig, entries, columns)
    extent = drawn.get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]
    drawn.remove()
    per_mm = fig.dpi / MM_PER_INCH
    return extent.width / per_mm, extent.height / per_mm


def _below(fig: Figure, entries: list[tuple[Artist, str]]) -> Layout:
    """The legend in a strip under the map, the scale bar and north arrow at its right."""
    width, height = (s * MM_PER_INCH for s in fig.get_size_inches())
    tools = SCALE_MM + GAP_MM + ARROW_MM[0]
    room = width - 2 * OUTER_MM - tools - GAP_MM
    columns = len(entries)
    while columns > 1 and _legend_size(fig, entries, columns)[0] > room:
        columns -= 1
    strip = max(_legend_size(fig, entries, columns)[1], ARROW_MM[1])
    map_box = (OUTER_MM, OUTER_MM + strip + GAP_MM, width - 2 * OUTER_MM, 0.0)
    map_box = (*map_box[:3], height - map_box[1] - OUTER_MM)
    arrow_x = width - OUTER_MM - ARROW_MM[0]
    return Layout(
        map_box=map_box,
        legend_at=(OUTER_MM, OUTER_MM + strip),
        legend_columns=columns,
        scale_at=(arrow_x - GAP_MM - SCALE_MM, OUTER_MM),
        scale_mm=SCALE_MM,
        arrow_box=(arrow_x, OUTER_MM, *ARROW_MM),
    )


def _beside(fig: Figure, entries: list[tuple[Artist, str]]) -> Layout | None:
    """The legend in a column right of the map, the scale bar and north arrow under it
    (None when the column is not high enough for them)."""
    width, height = (s * MM_PER_INCH for s in fig.get_size_inches())
    legend_w, legend_h = _legend_size(fig, entries, 1)
    if legend_h + GAP_MM + ARROW_MM[1] > height - 2 * OUTER_MM:
        return None
    column = max(legend_w, 20.0 + GAP_MM + ARROW_MM[0])
    x = width - OUTER_MM - column
    map_box = (OUTER_MM, OUTER_MM, x - GAP_MM - OUTER_MM, height - 2 * OUTER_MM)
    return Layout(
        map_box=map_box,
        legend_at=(x, height - OUTER_MM),
        legend_columns=1,
        scale_at=(x, OUTER_MM),
        scale_mm=column - GAP_MM - ARROW_MM[0],
        arrow_box=(width - OUTER_MM - ARROW_MM[0], OUTER_MM, *ARROW_MM),
    )


def layout(fig: Figure, entries: list[tuple[Artist, str]], ground: Bounds) -> Layout:
    """Whichever layout shows ``ground`` (metres) larger: the legend below the map or
    beside it."""
    options = [o for o in (_below(fig, entries), _beside(fig, entries)) if o is not None]
    return max(options, key=lambda o: scale_of(ground, o.map_box[2], o.map_box[3]))


def fraction(fig: Figure, x: float, y: float, w: float = 0.0, h: float = 0.0) -> Bbox:
    """The box of ``x``, ``y``, ``w``, ``h`` millimetres in fractions of the figure."""
    width, height = (s * MM_PER_INCH for s in fig.get_size_inches())
    return Bbox.from_bounds(x / width, y / height, w / width, h / height)
