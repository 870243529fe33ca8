"""One parcel with its surroundings: the parcel, its neighbours and its factory buildings."""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
from sqlalchemy.orm import Session

from landgis.db.repository import buildings_frame
from landgis.errors import NotFound
from landgis.geo import gk_zone_epsg
from landgis.i18n import _
from landgis.parcels import ParcelFilter, parcels_frame

NEIGHBOUR_DISTANCE_M = 200.0
# Conservative metres per degree, so the search box never cuts a neighbour off: a degree of
# latitude is at least 110 574 m, one of longitude at most 111 320 m x cos(latitude).
_M_PER_DEG_LAT = 110_000.0
_M_PER_DEG_LON_EQUATOR = 111_000.0


@dataclass(frozen=True)
class ParcelView:
    """A parcel (one row), its neighbours within a distance (with ``distance_m``, nearest
    first) and its buildings (``footprint`` may be empty), all in EPSG:4490."""

    parcel: gpd.GeoDataFrame
    neighbours: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    distance_m: float = NEIGHBOUR_DISTANCE_M

    @property
    def code(self) -> str:
        return str(self.parcel["parcel_code"].iloc[0])


def _search_box(
    bounds: tuple[float, float, float, float], distance_m: float
) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds
    lat = max(abs(miny), abs(maxy))
    dlat = distance_m / _M_PER_DEG_LAT
    dlon = distance_m / (_M_PER_DEG_LON_EQUATOR * max(math.cos(math.radians(lat)), 0.01))
    return (
        max(minx - dlon, -180.0),
        max(miny - dlat, -90.0),
        min(maxx + dlon, 180.0),
        min(maxy + dlat, 90.0),
    )


def find_parcel(session: Session, parcel_code: str) -> gpd.GeoDataFrame:
    """The parcel with exactly this code (one row, with its current case), or NotFound."""
    found = parcels_frame(session, ParcelFilter(codes=(parcel_code,)))
    if found.empty:
        raise NotFound(_("没有宗地编号为 {parcel_code} 的宗地。", parcel_code=parcel_code))
    return found.iloc[[0]]


def parcel_view(
    session: Session, parcel_code: str, *, distance_m: float = NEIGHBOUR_DISTANCE_M
) -> ParcelView:
    """The parcel ``parcel_code``, the parcels within ``distance_m`` metres of it and its
    buildings. Distances are measured in the parcel's Gauss-Kruger zone."""
    parcel = find_parcel(session, parcel_code)
    geometry = parcel.geometry.iloc[0]
    candidates = parcels_frame(session, ParcelFilter(bbox=_search_box(geometry.bounds, distance_m)))
    candidates = candidates[candidates["parcel_code"] != parcel_code]
    if not candidates.empty:
        crs = f"EPSG:{gk_zone_epsg(geometry.centroid.x)}"
        here = parcel.to_crs(crs).geometry.iloc[0]
        distance = candidates.to_crs(crs).distance(here)
        candidates = (
            candidates.assign(distance_m=distance.round(1))
            .loc[distance <= distance_m]
            .sort_values(["distance_m", "parcel_code"])
        )
    else:
        candidates = candidates.assign(distance_m=[])
    buildings = buildings_frame(session, [int(parcel["id"].iloc[0])])
    return ParcelView(
        parcel=parcel.reset_index(drop=True),
        neighbours=candidates.reset_index(drop=True),
        buildings=buildings.reset_index(drop=True),
        distance_m=distance_m,
    )
