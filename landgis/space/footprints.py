"""Buildings added by their footprints, drawn or imported: each placed as a parcel's
geometry is (:func:`landgis.imports.placing.place`: numbers, CRS, validity, in China and
in the county), linked to the parcel it stands on by location
(:mod:`landgis.space.siting`), its footprint area computed in m² and its floor area the
one given or the footprint's area times its floors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pyproj import CRS
from sqlalchemy.orm import Session

from landgis.db.models import Building
from landgis.db.repository import geometry_value
from landgis.errors import CRSError, InvalidInput
from landgis.geo import CGCS2000_EPSG
from landgis.i18n.values import in_both
from landgis.imports.placing import Placed, place
from landgis.imports.stored_checks import county_geometry
from landgis.io.problems import COORDINATE_KINDS, errors
from landgis.parcel_edits import drawn_geometry
from landgis.space.building_fields import BuildingFields, floor_area_m2, read_fields
from landgis.space.siting import Siting, site_footprints


def place_footprints(
    session: Session,
    values: Sequence[Any],
    *,
    declared: CRS | None,
    crs: str | None = None,
    first_row: int = 1,
    repairs: bool = True,
) -> Placed:
    """The footprints ``values`` (as drawn or read, in ``declared`` or the user's ``crs``)
    placed in EPSG:4490, with the problems a parcel's geometry would have."""
    return place(
        np.asarray(values, dtype=object),
        [None] * len(values),
        first_row,
        declared=declared,
        crs=crs,
        swap_xy=False,
        from_gcj02=False,
        county=county_geometry(session),
        repairs=repairs,
    )


def new_building(fields: BuildingFields, footprint: Any, siting: Siting) -> Building:
    """The building of ``fields`` on the parcel ``siting`` found, not yet added."""
    assert siting.parcel_id is not None
    values = fields.values
    return Building(
        parcel_id=siting.parcel_id,
        name=values["name"],
        kind=values["kind"],
        state=values["state"],
        owner=values.get("owner") or None,
        owner_credit_code=values.get("owner_credit_code") or None,
        floors=values.get("floors"),
        floor_area_m2=floor_area_m2(values, siting.footprint_area_m2),
        footprint_area_m2=round(siting.footprint_area_m2, 2),
        footprint=geometry_value(footprint),
    )


def add_building(
    session: Session, geometry: Mapping[str, Any], fields: Mapping[str, Any]
) -> Building:
    """A building drawn as GeoJSON (lon/lat, CGCS2000) with its ``fields``
    (:data:`landgis.space.building_fields.FIELDS`), on the parcel its footprint stands
    on. Refused when a field is wrong, the footprint is not a valid polygon in the
    county, or it stands on no one parcel (or not on the ``parcel_code`` given)."""
    read = read_fields(fields)
    read.refuse()
    drawn = [drawn_geometry(geometry)]
    placed = place_footprints(session, drawn, declared=CRS.from_epsg(CGCS2000_EPSG), repairs=False)
    found = errors(placed.problems)
    if found or placed.geoms is None:
        refused = CRSError if {p.kind for p in found} & COORDINATE_KINDS else InvalidInput
        raise refused(found[0].text, problems=[p.to_dict() for p in found])
    siting = site_footprints(session, placed.geoms)[0]
    said = siting.refusal(read.parcel_code)
    if said is not None:
        raise InvalidInput(said, problems=[{"field": "geometry", **in_both("problem", said)}])
    building = new_building(read, placed.geoms.iloc[0], siting)
    session.add(building)
    session.flush()
    return building
