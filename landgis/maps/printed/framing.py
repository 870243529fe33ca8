"""Where the printed status map looks and in which projection: the county's CGCS2000
Gauss-Kruger zone (metres, so the scale bar is true), framed on the ledger's parcels and
the areas (片区) or park that hold them, with a margin."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
from pyproj import Transformer

from landgis.filters import Bbox
from landgis.geo import CGCS2000, gk_zone_epsg

# The margin around what the map is framed on: a share of its width and height, and at
# least this many metres.
MARGIN_SHARE = 0.04
MIN_MARGIN_M = 60.0
# Framing on nothing (a single point) still shows this much ground.
MIN_SPAN_M = 500.0
Bounds = tuple[float, float, float, float]


def projected_crs(focus: gpd.GeoDataFrame) -> str:
    """The Gauss-Kruger zone (EPSG:4534-4554) the map is drawn in: the one most of the
    parcels of ``focus`` had their areas computed in (their ``gk_epsg``), else the zone
    of the centre of ``focus`` (EPSG:4490)."""
    if "gk_epsg" in focus and focus["gk_epsg"].notna().any():
        return f"EPSG:{int(focus['gk_epsg'].mode().iloc[0])}"
    minx, _miny, maxx, _maxy = focus.total_bounds
    return f"EPSG:{gk_zone_epsg((minx + maxx) / 2)}"


def framing_zones(parcels: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The zones the map is framed on with ``parcels``: the areas (片区) they lie in, else
    the parks they lie in; with no parcel, the parks, else every zone."""
    if parcels.empty:
        parks = zones[zones["kind"] == "park"]
        return parks if not parks.empty else zones
    for kind in ("area", "park"):
        of_kind = zones[zones["kind"] == kind]
        # The zones meeting a parcel, found by the parcels' index (not their union).
        meeting = parcels.sindex.query(of_kind.geometry, predicate="intersects")[0]
        holding = of_kind.iloc[sorted(set(meeting.tolist()))]
        if not holding.empty:
            return holding
    return zones.iloc[0:0]


def with_margin(bounds: Bounds) -> Bounds:
    """``bounds`` (metres) grown by the margin on every side."""
    minx, miny, maxx, maxy = bounds
    width = max(maxx - minx, MIN_SPAN_M)
    height = max(maxy - miny, MIN_SPAN_M)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = width / 2 + max(width * MARGIN_SHARE, MIN_MARGIN_M)
    half_h = height / 2 + max(height * MARGIN_SHARE, MIN_MARGIN_M)
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def union_bounds(*frames: gpd.GeoDataFrame) -> Bounds | None:
    """The bounds around every frame's geometries (None when all are empty)."""
    boxes = [tuple(f.total_bounds) for f in frames if not f.empty]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def fitted(bounds: Bounds, box_width: float, box_height: float) -> Bounds:
    """``bounds`` grown around their centre to the width-to-height ratio of a box."""
    minx, miny, maxx, maxy = bounds
    width, height = maxx - minx, maxy - miny
    ratio = box_width / box_height
    if width / height < ratio:
        width = height * ratio
    else:
        height = width / ratio
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def scale_of(bounds: Bounds, box_width: float, box_height: float) -> float:
    """How many box units one metre of ``bounds`` takes when they fit in the box."""
    minx, miny, maxx, maxy = bounds
    return min(box_width / (maxx - minx), box_height / (maxy - miny))


@dataclass(frozen=True)
class Extent:
    """The ground a map shows: ``bounds`` in metres of ``crs``."""

    crs: str
    bounds: Bounds

    def lonlat_bbox(self) -> Bbox:
        """The CGCS2000 longitude/latitude box around the extent (edges densified)."""
        to_lonlat = Transformer.from_crs(self.crs, CGCS2000, always_xy=True)
        minx, miny, maxx, maxy = to_lonlat.transform_bounds(*self.bounds, densify_pts=21)
        return (minx, miny, maxx, maxy)
