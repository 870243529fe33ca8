"""Place a batch's geometries: drop heights, refuse unusable numbers, move them to
EPSG:4490 (the CRS guard), undo a GCJ-02 shift when asked, repair what is safe, keep
them in China (and the county), and compute their areas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from landgis.db.coerce import is_missing
from landgis.geo import CGCS2000, parcel_areas
from landgis.i18n import _
from landgis.io import crs_guard
from landgis.io.problems import Problem, problem
from landgis.io.validate import geometry_type_name, invalid_reason, is_polygonal, repair


@dataclass
class Placed:
    """A batch's geometries in EPSG:4490: valid MultiPolygons, None where a row's is
    unusable (``geoms`` None when the file's coordinates cannot be placed at all), the
    CRS they were read in, their areas (NaN without a geometry), how many carried
    heights, and the problems found."""

    geoms: gpd.GeoSeries | None
    crs: CRS | None
    problems: list[Problem] = field(default_factory=list)
    heights: int = 0
    area_m2: np.ndarray = field(default_factory=lambda: np.empty(0))
    geodesic_area_m2: np.ndarray = field(default_factory=lambda: np.empty(0))
    gk_epsg: np.ndarray = field(default_factory=lambda: np.empty(0))


def _slow_geometry(
    geom: Any, row: int, code: Any, skip: set[int], repairs: bool = True
) -> tuple[Any, list[Problem]]:
    """One geometry that is not a plain valid polygon: repaired, or the problem why not."""
    if geom is None or geom.is_empty:
        if row in skip:
            return None, []
        empty = problem(
            "empty_geometry",
            _("图形为空或无法读取"),
            row=row,
            parcel_code=code,
        )
        return None, [empty]
    if not is_polygonal(geom):
        return None, [
            problem(
                "not_polygon",
                _(
                    "图形类型为 {geometry_type},不是面",
                    geometry_type=geometry_type_name(geom.geom_type),
                ),
                row=row,
                parcel_code=code,
            )
        ]
    outcome = repair(geom)
    if outcome.status == "repaired" and not repairs:
        return None, [
            problem(
                "invalid_geometry",
                _("图形无效:{reason}", reason=invalid_reason(outcome.reason)),
                row=row,
                parcel_code=code,
            )
        ]
    if outcome.status == "invalid":
        return None, [
            problem(
                "invalid_geometry",
                _("图形无效且无法安全修复:{reason}", reason=invalid_reason(outcome.reason)),
                row=row,
                parcel_code=code,
            )
        ]
    if outcome.status == "repaired":
        return outcome.geometry, [
            problem(
                "repaired_geometry",
                _("图形无效({reason}),已自动修复,请核对", reason=invalid_reason(outcome.reason)),
                row=row,
                parcel_code=code,
            )
        ]
    return outcome.geometry, []


def _geometry_problems(
    geoms: gpd.GeoSeries,
    codes: list[Any],
    skip: set[int],
    first_row: int = 1,
    repairs: bool = True,
) -> tuple[list[Any], list[Problem]]:
    """Valid MultiPolygons (None where unusable) and the row problems.

    Valid polygons and multipolygons (nearly all rows) are checked and converted as
    arrays; the rest one by one.
    """
    values = np.asarray(geoms.values, dtype=object)
    types = shapely.get_type_id(values)
    plain = ((types == 3) | (types == 6)) & ~shapely.is_empty(values)
    plain[plain] = shapely.is_valid(values[plain])
    fixed = np.full(len(values), None, dtype=object)
    multi = plain & (types == 6)
    fixed[multi] = values[multi]
    single = np.flatnonzero(plain & (types == 3))
    if len(single):
        fixed[single] = shapely.multipolygons(values[single], indices=np.arange(len(single)))
    problems: list[Problem] = []
    for position in np.flatnonzero(~plain):
        code = codes[position]
        code = None if is_missing(code) else code
        row = first_row + int(position)
        fixed[position], found = _slow_geometry(values[position], row, code, skip, repairs)
        problems += found
    return list(fixed), problems


def flatten_z(values: np.ndarray) -> tuple[np.ndarray, int]:
    """The geometries in two dimensions, and how many of them carried heights: a Z other
    than 0 (a Z of 0 everywhere, as KML writers put, is no height and not counted)."""
    has_z = shapely.has_z(values)
    if not has_z.any():
        return values, 0
    coordinates, index = shapely.get_coordinates(values[has_z], include_z=True, return_index=True)
    with np.errstate(invalid="ignore"):
        height = np.isfinite(coordinates[:, 2]) & (coordinates[:, 2] != 0)
    return shapely.force_2d(values), len(np.unique(index[height]))


def flattened_z_problem(rows: int) -> Problem:
    """The file's warning that ``rows`` rows had their heights (Z) dropped."""
    return problem(
        "flattened_z",
        _("{rows} 行图形带有高程(Z 坐标),已去掉高程,按平面图形导入。", rows=rows),
    )


def _non_finite_problem(row: int, code: Any) -> Problem:
    return problem(
        "invalid_coordinates",
        _("坐标中有非数值(NaN)或无穷大的数,无法使用,请检查该行图形"),
        row=row,
        parcel_code=None if is_missing(code) else code,
    )


def _unplaced_problem(row: int, code: Any, crs: str | None) -> Problem:
    return problem(
        "invalid_coordinates",
        _("坐标远超坐标系 {crs} 的范围,无法换算为经纬度,请检查该行图形", crs=crs),
        row=row,
        parcel_code=None if is_missing(code) else code,
    )


def place(
    values: np.ndarray,
    codes: list[Any],
    first_row: int,
    *,
    declared: CRS | None,
    crs: str | None,
    swap_xy: bool,
    from_gcj02: bool,
    county: BaseGeometry | None,
    repairs: bool = True,
) -> Placed:
    """Place the geometries ``values`` (as read) of the rows from ``first_row`` on, whose
    codes are ``codes``: ``declared`` is the file's CRS, ``crs`` the user's; an invalid
    polygon is repaired when that is safe, unless not ``repairs``."""
    values, heights = flatten_z(np.asarray(values, dtype=object))
    problems: list[Problem] = []
    skip: set[int] = set()
    unusable = ~crs_guard.finite_mask(values)
    if unusable.any():  # NaN or infinite numbers: the row's error, never the file's
        values = values.copy()
        values[unusable] = None
        for position in np.flatnonzero(unusable).tolist():
            problems.append(_non_finite_problem(first_row + position, codes[position]))
            skip.add(first_row + position)
    geoms = gpd.GeoSeries(values)
    if swap_xy:
        geoms = crs_guard.swap_axes(geoms)
    present = crs_guard.present_mask(geoms)
    guarded = crs_guard.resolve(geoms, declared, crs, county=county)
    problems += guarded.problems
    if guarded.geoms is None:
        return Placed(None, guarded.crs, problems, heights)
    geoms = guarded.geoms
    unplaced = present & ~crs_guard.present_mask(geoms)
    if unplaced.any():  # coordinates the CRS cannot convert (far outside its area)
        label = crs_guard.crs_label(guarded.crs)
        for position in np.flatnonzero(unplaced).tolist():
            problems.append(_unplaced_problem(first_row + position, codes[position], label))
            skip.add(first_row + position)
    if from_gcj02:
        from landgis.gcj02 import from_gcj02 as shift_back

        geoms = shift_back(geoms)
    fixed, found = _geometry_problems(geoms, codes, skip, first_row, repairs)
    problems += found
    geoms = gpd.GeoSeries(fixed, crs=CGCS2000, dtype="geometry")
    inside, outside = crs_guard.china_problems(geoms, codes, first_row)
    problems += outside
    if not inside.all():
        geoms = geoms.where(inside, None)
    if county is not None and not county.is_empty:
        problems += crs_guard.county_problems(geoms, county, codes, first_row)
    n = len(geoms)
    placed = Placed(geoms, guarded.crs, problems, heights)
    placed.area_m2 = np.full(n, np.nan)
    placed.geodesic_area_m2 = np.full(n, np.nan)
    placed.gk_epsg = np.full(n, np.nan)
    usable = crs_guard.present_mask(geoms)
    if usable.any():
        computed = parcel_areas(geoms[usable])
        placed.area_m2[usable] = computed["area_m2"]
        placed.geodesic_area_m2[usable] = computed["geodesic_area_m2"]
        placed.gk_epsg[usable] = computed["gk_epsg"]
    return placed
