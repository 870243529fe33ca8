"""Zone names on the printed map, each placed where it covers no parcel: the first free
spot of a few around the zone's outline (above it, below it, inside its top or bottom
edge, beside it), else the one covering least."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

# x, y, horizontal and vertical alignment
Spot = tuple[float, float, Literal["left", "center", "right"], Literal["bottom", "center", "top"]]


def _spots(bounds: Sequence[float], gap: float, *, below_first: bool) -> Iterator[Spot]:
    minx, miny, maxx, maxy = bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    above: Spot = (cx, maxy + gap, "center", "bottom")
    below: Spot = (cx, miny - gap, "center", "top")
    yield from (below, above) if below_first else (above, below)
    yield cx, maxy - gap, "center", "top"
    yield cx, miny + gap, "center", "bottom"
    yield minx + gap, maxy + gap, "left", "bottom"
    yield maxx - gap, maxy + gap, "right", "bottom"
    yield minx + gap, miny - gap, "left", "top"
    yield maxx - gap, miny - gap, "right", "top"
    yield minx - gap, cy, "right", "center"
    yield maxx + gap, cy, "left", "center"
    yield cx, cy, "center", "center"


class LabelPlacer:
    """Places labels on ``ax`` (data in metres) so that they avoid ``obstacles`` (the
    parcels), stay inside the map and do not overlap each other; zone outlines are
    avoided where possible."""

    def __init__(
        self,
        ax: Axes,
        renderer: RendererBase,
        obstacles: Sequence[BaseGeometry],
        outlines: BaseGeometry,
        gap: float,
    ) -> None:
        self.ax = ax
        self.renderer = renderer
        # Indexed, not merged: a label meets a few parcels of thousands.
        self.obstacles = shapely.STRtree([g for g in obstacles if g is not None])
        self.outlines = outlines
        self.gap = gap
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        self.inside = box(x0, y0, x1, y1)
        self.placed: list[BaseGeometry] = []

    def _footprint(self, label: Text) -> BaseGeometry:
        extent = label.get_window_extent(self.renderer)
        (x0, y0), (x1, y1) = self.ax.transData.inverted().transform(extent.get_points())
        return box(x0, y0, x1, y1)

    def _cost(self, shape: BaseGeometry) -> tuple[float, float, float]:
        outside = shape.area - shape.intersection(self.inside).area
        blocked = sum(shape.intersection(p).area for p in self.placed)
        covered = self._covered(shape)
        crossing = shape.intersection(self.outlines).length
        return (outside + blocked, covered, crossing)

    def _covered(self, shape: BaseGeometry) -> float:
        """The area of the box ``shape`` the obstacles cover: the sum of each one's part in
        it (parcels do not overlap; merging the parts would cost more than the map)."""
        near = self.obstacles.geometries.take(self.obstacles.query(shape))
        return float(shapely.area(shapely.clip_by_rect(near, *shape.bounds)).sum())

    def place(
        self,
        text: str,
        parts: Sequence[Sequence[float]],
        font: FontProperties,
        *,
        below_first: bool = False,
    ) -> Text:
        """``text`` near a zone whose parts have the bounds ``parts`` (the largest part
        first), at the best of the spots around them (those below first if asked)."""
        label = self.ax.text(
            0,
            0,
            text,
            fontproperties=font,
            color="#1d3557",
            zorder=6,
            path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
        )
        best: tuple[tuple[float, float, float], Spot, BaseGeometry] | None = None
        spots = (s for b in parts for s in _spots(b, self.gap, below_first=below_first))
        for spot in spots:
            x, y, ha, va = spot
            label.set_position((x, y))
            label.set_horizontalalignment(ha)
            label.set_verticalalignment(va)
            shape = self._footprint(label)
            cost = self._cost(shape)
            if best is None or cost < best[0]:
                best = (cost, spot, shape)
            if cost == (0.0, 0.0, 0.0):
                break
        assert best is not None
        _cost, (x, y, ha, va), shape = best
        label.set_position((x, y))
        label.set_horizontalalignment(ha)
        label.set_verticalalignment(va)
        self.placed.append(shape)
        return label


def parts_bounds(geometry: BaseGeometry) -> list[tuple[float, float, float, float]]:
    """The bounds of each polygon of ``geometry``, the largest first."""
    parts = sorted(getattr(geometry, "geoms", [geometry]), key=lambda g: -g.area)
    return [tuple(p.bounds) for p in parts]


def outline_of(geometries: Sequence[BaseGeometry]) -> BaseGeometry:
    """The boundaries of ``geometries`` as one geometry."""
    return shapely.union_all([g.boundary for g in geometries if g is not None])
