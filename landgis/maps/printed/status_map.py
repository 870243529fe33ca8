"""The printed status map (处置状态分布图) of the work report: the ledger's parcels as of a
date filled by disposal status (the web maps' colours), the other parcels around them in
grey, the park and its areas outlined and named, a legend with the cases of each status,
a scale bar and a north arrow; drawn offline (no tiles) as PNG bytes of an exact size.

Drawn in the county's CGCS2000 Gauss-Kruger zone, so the scale bar is true in metres. The
legend, scale bar and north arrow sit beside the map (:mod:`.layout`), never on a parcel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from landgis.graphics.canvas import figure, png_bytes
from landgis.graphics.fonts import text_font
from landgis.graphics.shapes import polygon_paths
from landgis.i18n import DEFAULT_LANGUAGE, _, term
from landgis.maps.labels import NOT_IN_LEDGER
from landgis.maps.printed.decorations import (
    OTHER_PARCEL_EDGE,
    PARCEL_EDGE,
    ZONE_LINES,
    nice_length,
    north_arrow,
    other_parcels_entry,
    scale_bar,
    status_entries,
    zone_entries,
)
from landgis.maps.printed.framing import (
    Bounds,
    Extent,
    fitted,
    framing_zones,
    projected_crs,
    scale_of,
    union_bounds,
    with_margin,
)
from landgis.maps.printed.labels import LabelPlacer, outline_of, parts_bounds
from landgis.maps.printed.layers import LedgerLayer, ledger_layer, parcels_within, zones
from landgis.maps.printed.layout import FONT_PT, Layout, fraction, layout, legend
from landgis.maps.styles import STATUS_COLOURS

PARK_FONT_PT = 9.0
GREY = STATUS_COLOURS[NOT_IN_LEDGER]
# Zone outlines drawn, in this order (the county's only where the map reaches it).
OUTLINED = ("park", "area", "county")


def _fill(ax: Axes, geometries: gpd.GeoSeries, **style: Any) -> None:
    paths = polygon_paths(geometries)
    if paths:  # the paths as they are: no patch made for each of thousands
        ax.add_collection(PathCollection(paths, **style))


def _map_axes(fig: Figure, plan: Layout, extent: Extent) -> Axes:
    ax = fig.add_axes(fraction(fig, *plan.map_box).bounds)
    minx, miny, maxx, maxy = extent.bounds
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_edgecolor("#333333")
    return ax


def _draw_parcels(ax: Axes, ledger: gpd.GeoDataFrame, others: gpd.GeoDataFrame) -> None:
    _fill(ax, others.geometry, facecolor=GREY, edgecolor=OTHER_PARCEL_EDGE, linewidth=0.3)
    for key in STATUS_COLOURS:
        shown = ledger.loc[ledger["status"] == key]
        colour = STATUS_COLOURS[key]
        _fill(ax, shown.geometry, facecolor=colour, edgecolor=PARCEL_EDGE, linewidth=0.4)


def _draw_zones(ax: Axes, zone_frame: gpd.GeoDataFrame, kinds: list[str]) -> None:
    for kind in kinds:
        colour, width, dashes = ZONE_LINES[kind]
        _fill(
            ax,
            zone_frame[zone_frame["kind"] == kind].geometry,
            facecolor="none",
            edgecolor=colour,
            linewidth=width,
            linestyle=dashes,
            zorder=4 if kind != "county" else 3,
        )


def _name_zones(
    fig: Figure,
    ax: Axes,
    extent: Extent,
    zone_frame: gpd.GeoDataFrame,
    obstacles: Sequence[BaseGeometry],
    per_mm: float,
) -> None:
    """The names of the areas, then of the park, each where it covers no parcel
    (``per_mm``: the map's millimetres per metre)."""
    named = zone_frame[zone_frame["kind"].isin(["park", "area"])]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    placer = LabelPlacer(
        ax, renderer, obstacles, outline_of(list(named.geometry)), gap=1.2 / per_mm
    )
    visible = box(*extent.bounds)
    for kind, size in (("area", FONT_PT), ("park", PARK_FONT_PT)):
        for geometry, name in zip(
            named.loc[named["kind"] == kind].geometry,
            named.loc[named["kind"] == kind, "name"],
            strict=True,
        ):
            if geometry is not None and geometry.intersects(visible):
                parts = parts_bounds(geometry.intersection(visible))
                font = text_font(size, bold=kind == "park")
                placer.place(str(name), parts, font, below_first=kind == "park")


def _entries(
    ledger: LedgerLayer, kinds: list[str], grey_label: str, lang: str
) -> list[tuple[Artist, str]]:
    names = legend_labels(ledger.cases_by_status, lang)
    kind_names = {k: term("zone_kind", k).render(lang) for k in kinds}
    return [
        *status_entries(STATUS_COLOURS, names),
        other_parcels_entry(GREY, grey_label),
        *zone_entries(kinds, kind_names),
    ]


def _outlined(zone_frame: gpd.GeoDataFrame, ground: Bounds) -> list[str]:
    """The zone kinds to outline: the park and areas, the county where ``ground`` reaches
    its boundary (framed on the park, the county's outline would lie far off the map)."""
    county = zone_frame[zone_frame["kind"] == "county"]
    reaches_county = bool(county.boundary.intersects(box(*ground)).any())
    present = set(zone_frame["kind"])
    return [k for k in OUTLINED if k in present and (k != "county" or reaches_county)]


def _nothing_to_show(fig: Figure, lang: str) -> bytes:
    note = _("没有可显示的宗地或园区。").render(lang)
    fig.text(0.5, 0.5, note, ha="center", va="center", fontproperties=text_font(FONT_PT))
    return png_bytes(fig)


@dataclass(frozen=True)
class StatusMap:
    """A drawn status map: its PNG, the ground it shows (None when there was nothing to
    show) and where that ground lies in the picture, in pixels from the top left corner
    (left, top, right, bottom)."""

    png: bytes
    extent: Extent | None
    map_pixels: tuple[float, float, float, float] | None

    def pixel_of(self, x: float, y: float) -> tuple[float, float]:
        """Where the point ``x``, ``y`` (metres of the extent's CRS) is in the picture."""
        assert self.extent is not None and self.map_pixels is not None
        minx, miny, maxx, maxy = self.extent.bounds
        left, top, right, bottom = self.map_pixels
        return (
            left + (x - minx) / (maxx - minx) * (right - left),
            top + (maxy - y) / (maxy - miny) * (bottom - top),
        )


def _pixels(fig: Figure, ax: Axes) -> tuple[float, float, float, float]:
    box_px = ax.get_window_extent()
    height = fig.bbox.height
    return (box_px.x0, height - box_px.y1, box_px.x1, height - box_px.y0)


def legend_labels(cases_by_status: dict[str, int], lang: str) -> dict[str, str]:
    """The legend's label of each status: its name and how many cases it has."""
    return {
        key: _("{status}({count} 宗)", status=term("status", key), count=count).render(lang)
        for key, count in cases_by_status.items()
    }


def status_map(
    session: Session,
    as_of: dt.date,
    lang: str = DEFAULT_LANGUAGE,
    *,
    width_mm: float = 160,
    height_mm: float = 120,
    dpi: int = 200,
    parcel_codes: Collection[str] | None = None,
) -> StatusMap:
    """The status map of the ledger as it stood at the end of ``as_of`` (only the cases of
    ``parcel_codes`` when given), texts in ``lang``, ``width_mm`` × ``height_mm`` at
    ``dpi``: its PNG bytes (``.png``) and where its ground lies in it.

    The parcels outside that ledger (with ``parcel_codes``: every other parcel) are drawn
    in light grey, for orientation. The projection is the Gauss-Kruger zone most of the
    parcels' areas are computed in, so the scale bar is true."""
    ledger = ledger_layer(session, as_of, parcel_codes)
    every_zone = zones(session)
    focus = framing_zones(ledger.parcels, every_zone)
    base = ledger.parcels if not ledger.parcels.empty else focus
    with figure(width_mm, height_mm, dpi) as fig:
        if base.empty:
            return StatusMap(_nothing_to_show(fig, lang), None, None)
        crs = projected_crs(base)
        parcels = ledger.parcels.to_crs(crs)
        zone_frame = every_zone.to_crs(crs)
        framed_on = union_bounds(parcels, focus.to_crs(crs))
        assert framed_on is not None  # base is not empty
        ground = with_margin(framed_on)
        kinds = _outlined(zone_frame, ground)
        grey_label = (_("未列入台账") if parcel_codes is None else _("其他宗地")).render(lang)
        entries = _entries(ledger, kinds, grey_label, lang)
        plan = layout(fig, entries, ground)
        extent = Extent(crs, fitted(ground, plan.map_box[2], plan.map_box[3]))
        ax = _map_axes(fig, plan, extent)
        near = parcels_within(session, extent.lonlat_bbox(), list(parcels["id"]))
        others = near.to_crs(crs)
        _draw_parcels(ax, parcels, others)
        _draw_zones(ax, zone_frame, kinds)

        shown = [e for e in entries if e[1] != grey_label or not others.empty]
        drawn = legend(fig, shown, plan.legend_columns)
        drawn.set_bbox_to_anchor(fraction(fig, *plan.legend_at), transform=fig.transFigure)
        per_mm = scale_of(extent.bounds, plan.map_box[2], plan.map_box[3])
        anchor = fraction(fig, *plan.scale_at).p0
        length = nice_length(plan.scale_mm / per_mm)
        scale_bar(ax, (anchor[0], anchor[1]), length_m=length, font_size=FONT_PT)
        north_arrow(fig, fraction(fig, *plan.arrow_box), font_size=FONT_PT)
        obstacles = [*parcels.geometry, *others.geometry]
        _name_zones(fig, ax, extent, zone_frame, obstacles, per_mm)
        return StatusMap(png_bytes(fig), extent, _pixels(fig, ax))
