"""The ``bbox`` parameter of OGC API - Features: four numbers (or six, with heights),
longitude first, and a box across the antimeridian.

A box whose first longitude is larger than its second (``170,-10,-170,10``) crosses the
180° meridian: it is the two boxes on either side of it. Heights are read and checked,
then ignored (the data is two-dimensional).
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import ColumnElement, or_

from landgis.db.backends import BoxIntersects, Envelope
from landgis.errors import InvalidInput
from landgis.filters import Bbox
from landgis.geo import CGCS2000_EPSG
from landgis.i18n import _


def parse_ogc_bbox(text: str) -> Bbox:
    """``minlon,minlat,maxlon,maxlat`` or ``minlon,minlat,minh,maxlon,maxlat,maxh``;
    minlon > maxlon crosses the antimeridian. Anything else is an :class:`InvalidInput`
    naming the parameter."""
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6):
        raise InvalidInput(
            _(
                "bbox 应为 4 个数(最小经度,最小纬度,最大经度,最大纬度)或 6 个数(另含最低、"
                "最高高程),例如 104.7,30.0,104.9,30.2。"
            )
        )
    if len(numbers) == 6:
        minx, miny, low, maxx, maxy, high = numbers
        heights_ok = low <= high
    else:
        minx, miny, maxx, maxy = numbers
        heights_ok = True
    if not (
        all(math.isfinite(n) for n in numbers)
        and heights_ok
        and -180 <= minx <= 180
        and -180 <= maxx <= 180
        and -90 <= miny <= maxy <= 90
    ):
        raise InvalidInput(
            _(
                "bbox 范围无效:经度应在 -180 到 180 之间(最小经度大于最大经度表示跨越 180° "
                "经线),纬度应在 -90 到 90 之间且最小纬度不大于最大纬度。"
            )
        )
    return minx, miny, maxx, maxy


def crosses_antimeridian(bbox: Bbox) -> bool:
    """Whether the box spans the 180° meridian (its first longitude is the larger)."""
    return bbox[0] > bbox[2]


def bbox_intersects(geometry: Any, bbox: Bbox) -> ColumnElement[bool]:
    """Rows whose CGCS2000 longitude/latitude ``geometry`` intersects ``bbox`` (the two
    halves of a box across the antimeridian), found by the spatial index."""
    minx, miny, maxx, maxy = bbox
    if not crosses_antimeridian(bbox):
        return BoxIntersects(geometry, _envelope(minx, miny, maxx, maxy))
    return or_(
        BoxIntersects(geometry, _envelope(minx, miny, 180.0, maxy)),
        BoxIntersects(geometry, _envelope(-180.0, miny, maxx, maxy)),
    )


def _envelope(minx: float, miny: float, maxx: float, maxy: float) -> Envelope:
    return Envelope(minx, miny, maxx, maxy, CGCS2000_EPSG)
