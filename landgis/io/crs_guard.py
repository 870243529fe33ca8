"""The coordinate guard: what a file's coordinates are, and whether they can be trusted.

- A file without a CRS is refused unless the user names one, but the message says what the
  numbers look like: CGCS2000 Gauss-Kruger coordinates with the zone prefixed to the
  easting (35 500 000 → zone 35 → EPSG:4523), without it (500 000 → the central meridian
  is needed: from the county when the database has one), or longitude/latitude; and which
  coordinate system to choose, in words for any door and as the problem's ``suggestion``
  for each door to name its own control.
- Swapped axes (the northing in the easting column, latitude before longitude) are named,
  and fixed with ``swap_xy``.
- Coordinates outside China, or outside the county in the database, are problems.
- Data digitized on GCJ-02 web maps is caught by :mod:`landgis.io.gcj02_guard`.

What the coordinates look like is told by :mod:`landgis.io.crs_guess`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from landgis.geo import CGCS2000, planar_areas_m2
from landgis.i18n import _
from landgis.io.crs_guess import (
    CHINA_BOUNDS,
    advice,
    crs_label,
    guess,
    missing_crs_problem,
    parse_crs,
    suggestion,
    swapped_problem,
)
from landgis.io.problems import ERROR, WARNING, Problem, problem

# Share of a parcel's area outside the county: above the first a warning, above the
# second an error.
OUTSIDE_COUNTY_WARNING = 0.01
OUTSIDE_COUNTY_ERROR = 0.5


def swap_axes(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """The geometries with x and y exchanged."""
    swapped = shapely.transform(np.asarray(geoms.values, dtype=object), lambda c: c[:, ::-1])
    return gpd.GeoSeries(swapped, index=geoms.index, crs=geoms.crs, name=geoms.name)


def present_mask(geoms: gpd.GeoSeries) -> np.ndarray:
    """Which geometries are neither missing nor empty."""
    values = np.asarray(geoms.values, dtype=object)
    return ~(shapely.is_missing(values) | shapely.is_empty(values))


def finite_mask(geoms: gpd.GeoSeries | np.ndarray) -> np.ndarray:
    """Which geometries have only finite coordinates (no NaN, no infinity); missing and
    empty ones count as finite."""
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    finite = np.ones(len(values), dtype=bool)
    if len(values) == 0:
        return finite
    coordinates, index = shapely.get_coordinates(values, return_index=True)
    bad = ~np.isfinite(coordinates).all(axis=1)
    finite[np.unique(index[bad])] = False
    return finite


def _bounds(geoms: gpd.GeoSeries) -> tuple[float, float, float, float] | None:
    present = geoms[present_mask(geoms) & finite_mask(geoms)]
    if present.empty:
        return None
    minx, miny, maxx, maxy = present.total_bounds
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        return None
    return float(minx), float(miny), float(maxx), float(maxy)


def in_china(geoms: gpd.GeoSeries) -> np.ndarray:
    """Whether each EPSG:4490 geometry's bounds lie within China's (None counts as in)."""
    west, south, east, north = CHINA_BOUNDS
    bounds = geoms.bounds.to_numpy()
    with np.errstate(invalid="ignore"):
        inside = (
            (bounds[:, 0] >= west)
            & (bounds[:, 2] <= east)
            & (bounds[:, 1] >= south)
            & (bounds[:, 3] <= north)
        )
    return inside | np.isnan(bounds).any(axis=1)


def _to_cgcs2000(geoms: gpd.GeoSeries) -> gpd.GeoSeries | None:
    """The geometries in EPSG:4490; those the transform cannot place (coordinates far
    outside the projection's domain come out infinite) become None, and when none can be
    placed, None."""
    try:
        moved = geoms.to_crs(CGCS2000)
    except Exception:  # pyproj refuses coordinates far outside the projection's domain
        return None
    present = present_mask(moved)
    unplaced = present & ~finite_mask(moved)
    if unplaced.any():
        if unplaced.sum() == present.sum():
            return None
        moved = moved.where(~unplaced, None)
    return moved


@dataclass
class GuardResult:
    """EPSG:4490 geometries (None when refused), the CRS used, and the problems."""

    geoms: gpd.GeoSeries | None
    crs: CRS | None
    problems: list[Problem]


def resolve(
    geoms: gpd.GeoSeries,
    declared: CRS | None,
    given: str | CRS | None = None,
    *,
    county: BaseGeometry | None = None,
) -> GuardResult:
    """Move ``geoms`` (in the file's coordinates) to EPSG:4490, or refuse saying why.

    ``declared`` is the file's CRS (None when it names none), ``given`` the user's, which
    wins over the file's with a warning. Geometries with coordinates the CRS cannot
    convert (far outside its area) come back as None: the caller reports those rows.
    ``geoms`` must hold finite coordinates only (see :func:`finite_mask`).
    """
    problems: list[Problem] = []
    crs = declared
    if given is not None:
        user = given if isinstance(given, CRS) else parse_crs(given)
        if declared is not None and not user.equals(declared, ignore_axis_order=True):
            problems.append(
                problem(
                    "crs_override",
                    _(
                        "文件声明的坐标系为 {declared},按您指定的 {given} 处理。",
                        declared=crs_label(declared),
                        given=crs_label(user),
                    ),
                    severity=WARNING,
                )
            )
        crs = user
    bounds = _bounds(geoms)
    if bounds is None:  # nothing to place: the row checks report the empty geometries
        return GuardResult(geoms.set_crs(CGCS2000, allow_override=True), crs, problems)
    if crs is None:
        found = guess(bounds, county)
        if found.swapped:
            problems.append(swapped_problem(geographic=found.kind == "geographic"))
        problems.append(missing_crs_problem(bounds, county))
        return GuardResult(None, None, problems)
    moved = _to_cgcs2000(geoms.set_crs(crs, allow_override=True))
    if moved is not None and in_china(moved).any():
        return GuardResult(moved, crs, problems)
    # Nothing lands in China: swapped axes, or a CRS that does not fit the numbers.
    swapped = _to_cgcs2000(swap_axes(geoms).set_crs(crs, allow_override=True))
    if swapped is not None and in_china(swapped).all():
        problems.append(swapped_problem(geographic=crs.is_geographic))
        return GuardResult(None, crs, problems)
    found = guess(bounds, county)
    if found.kind != "unknown":
        problems.append(
            problem(
                "crs_mismatch",
                _(
                    "文件的坐标系为 {crs},但坐标与之不符,落在中国境外;"
                    "这些坐标像是{coordinates}:{advice}。",
                    crs=crs_label(crs),
                    coordinates=found.looks_like(),
                    advice=advice(found),
                ),
                suggestion=suggestion(found),
            )
        )
        return GuardResult(None, crs, problems)
    problems.append(
        problem(
            "outside_china",
            _(
                "按坐标系 {crs},全部图形都在中国境外,请检查坐标系或横纵坐标是否颠倒。",
                crs=crs_label(crs),
            ),
        )
    )
    return GuardResult(None, crs, problems)


def county_shares_outside(geoms: gpd.GeoSeries, county: BaseGeometry) -> np.ndarray:
    """The share of each EPSG:4490 geometry's area lying outside ``county`` (0 … 1)."""
    values = np.asarray(geoms.values, dtype=object)
    present = present_mask(geoms)
    shares = np.zeros(len(values))
    if not present.any():
        return shares
    shapely.prepare(county)
    rest = present & ~shapely.covers(county, values)
    if rest.any():
        total = planar_areas_m2(gpd.GeoSeries(values[rest], crs=CGCS2000))
        outside = shapely.difference(values[rest], county)
        gone = np.zeros(len(outside))
        some = ~shapely.is_empty(outside)
        if some.any():
            gone[some] = planar_areas_m2(gpd.GeoSeries(outside[some], crs=CGCS2000))
        shares[rest] = np.divide(gone, total, out=np.ones_like(total), where=total > 0)
    return shares


def _code(value: Any) -> Any:
    """A parcel code for a problem; missing codes (None, NaN) are none."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def china_problems(
    geoms: gpd.GeoSeries, codes: list[Any], first_row: int = 1
) -> tuple[np.ndarray, list[Problem]]:
    """Which EPSG:4490 geometries lie within China, and an ``outside_china`` error for
    each that does not (rows numbered from ``first_row``)."""
    inside = in_china(geoms)
    problems = [
        problem(
            "outside_china",
            _("图形在中国境外,请检查坐标系或横纵坐标是否颠倒"),
            row=first_row + int(position),
            parcel_code=_code(codes[position]),
        )
        for position in np.flatnonzero(~inside)
    ]
    return inside, problems


def county_problems(
    geoms: gpd.GeoSeries, county: BaseGeometry, codes: list[Any], first_row: int = 1
) -> list[Problem]:
    """An ``outside_county`` problem for each EPSG:4490 geometry partly outside
    ``county``: a warning above :data:`OUTSIDE_COUNTY_WARNING` of its area, an error above
    :data:`OUTSIDE_COUNTY_ERROR`."""
    problems = []
    shares = county_shares_outside(geoms, county)
    for position in np.flatnonzero(shares > OUTSIDE_COUNTY_WARNING):
        share = shares[position]
        severity = ERROR if share > OUTSIDE_COUNTY_ERROR else WARNING
        problems.append(
            problem(
                "outside_county",
                _("图形有 {share:.0%} 在县界之外,请检查坐标系或数据范围", share=share),
                row=first_row + int(position),
                parcel_code=_code(codes[position]),
                severity=severity,
            )
        )
    return problems
