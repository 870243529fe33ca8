"""Which parcel a building's footprint stands on: the stored parcel it overlaps most,
found by location.

A footprint stands on a parcel when at most :data:`OUTSIDE_SHARE_LIMIT` of its area lies
outside it (a drawing's slack along the boundary); otherwise it is refused, saying the
share outside and the parcels it touches. Areas are planar m² in each geometry's
Gauss-Kruger zone (:func:`landgis.geo.planar_areas_m2`), never degrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy.orm import Session

from landgis.db.models import Parcel
from landgis.db.repository import near_boxes, wkb_of
from landgis.geo import CGCS2000, planar_areas_m2
from landgis.i18n import Text, _, listing
from landgis.io import crs_guard
from landgis.io.validate import polygonal_part

# The share of a footprint's area that may lie outside its parcel.
OUTSIDE_SHARE_LIMIT = 0.05


@dataclass(frozen=True)
class Siting:
    """Where a footprint stands: its area (m²) and, most first, the parcels it overlaps
    with the area (m²) it overlaps each by."""

    footprint_area_m2: float
    overlaps: tuple[tuple[int, str, float], ...] = ()

    @property
    def parcel_id(self) -> int | None:
        """The parcel it overlaps most, if any."""
        return self.overlaps[0][0] if self.overlaps else None

    @property
    def parcel_code(self) -> str | None:
        """The code of the parcel it overlaps most, if any."""
        return self.overlaps[0][1] if self.overlaps else None

    @property
    def outside_share(self) -> float:
        """The share of its area outside the parcel it overlaps most (1 on none)."""
        if not self.overlaps or self.footprint_area_m2 <= 0:
            return 1.0
        return max(0.0, 1.0 - self.overlaps[0][2] / self.footprint_area_m2)

    def refusal(self, given_code: str | None = None) -> Text | None:
        """Why the footprint stands on no one parcel (or not on ``given_code``); None
        when it stands on one."""
        if not self.overlaps:
            return _("厂房占地不在任何宗地上,请检查其位置或坐标系。")
        codes = listing(code for _id, code, _area in self.overlaps)
        if self.outside_share > OUTSIDE_SHARE_LIMIT:
            return _(
                "厂房占地有 {share:.1%} 在宗地 {code} 之外(至多允许 {limit:.0%}),"
                "涉及宗地 {codes};请按宗地边界修改轮廓。",
                share=self.outside_share,
                code=self.parcel_code,
                limit=OUTSIDE_SHARE_LIMIT,
                codes=codes,
            )
        if given_code and given_code != self.parcel_code:
            return _(
                "厂房占地位于宗地 {code},不在所填的宗地 {given} 上。",
                code=self.parcel_code,
                given=given_code,
            )
        return None


def site_footprints(session: Session, geoms: gpd.GeoSeries) -> list[Siting]:
    """Where each EPSG:4490 footprint stands (a footprint that is None overlaps nothing)."""
    values = np.asarray(geoms.values, dtype=object)
    present = crs_guard.present_mask(geoms)
    areas = np.zeros(len(values))
    if present.any():
        areas[present] = planar_areas_m2(gpd.GeoSeries(values[present], crs=CGCS2000))
    found: list[list[tuple[int, str, float]]] = [[] for _value in values]
    if present.any():
        columns = (Parcel.id, Parcel.parcel_code, wkb_of(Parcel.geom))
        bounds = gpd.GeoSeries(values[present], crs=CGCS2000).bounds.to_numpy()
        parcels = near_boxes(session, Parcel, columns, bounds, 0.0)
        for i, parcel_id, code, area in _overlaps(values, present, parcels):
            found[i].append((parcel_id, code, area))
    return [
        Siting(float(area), tuple(sorted(rows, key=lambda r: -r[2])))
        for area, rows in zip(areas, found, strict=True)
    ]


def _overlaps(
    values: np.ndarray, present: np.ndarray, parcels: gpd.GeoDataFrame
) -> Sequence[tuple[int, int, str, float]]:
    """(footprint index, parcel id, parcel code, overlap m²) of each overlapping pair."""
    if parcels.empty:
        return []
    stored = np.asarray(parcels.geometry.values, dtype=object)
    tree = shapely.STRtree(stored)
    left, right = tree.query(values[present], predicate="intersects")
    left = np.flatnonzero(present)[left]
    if len(left) == 0:
        return []
    common = shapely.intersection(values[left], stored[right])
    parts = [polygonal_part(g) for g in common]
    keep = np.array([p is not None for p in parts])
    if not keep.any():
        return []
    areas = planar_areas_m2(gpd.GeoSeries([p for p in parts if p is not None], crs=CGCS2000))
    ids, codes = parcels["id"].to_numpy(), parcels["parcel_code"].to_numpy()
    return [
        (int(i), int(ids[j]), str(codes[j]), float(a))
        for i, j, a in zip(left[keep], right[keep], areas, strict=True)
        if a > 0
    ]
