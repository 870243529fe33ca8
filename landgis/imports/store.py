"""The one writer of parcels: new ones inserted in bulk, stored ones updated with every
change recorded on the parcel's current ledger case (a ``parcel_update`` event).

Rows come typed, placed and checked (:mod:`landgis.imports.rows`); each parcel's zone is
the one its row names (code, then name) or else the park area it lies in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import func
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from landgis.db.coerce import is_missing
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.db.repository import (
    bulk_insert,
    existing_values,
    frame_where_in,
    geometry_value,
    scalars_where_in,
    wkb_of,
)
from landgis.errors import StaleVersion
from landgis.geo import CGCS2000, planar_areas_m2
from landgis.i18n import _
from landgis.io import crs_guard
from landgis.io.fields import supply_method_code
from landgis.ledger_rules.current_case import current_case_id
from landgis.wallclock import today

# Parcel columns a file can set; the rest are computed or managed by landgis.
COMPUTED = {"id", "geom", "area_m2", "geodesic_area_m2", "gk_epsg", "zone_id", "extra"}
COMPUTED |= {"created_at", "updated_at", "current_case_id"}
# Columns naming the zone: resolved to zone_id, not kept as extra attributes.
ZONE_COLUMNS = {"zone_code", "zone_name"}
# Geometries differing by less than this (m², symmetric difference) are the same.
GEOMETRY_TOLERANCE_M2 = 0.01
_SETTABLE = tuple(c.key for c in Parcel.__table__.columns if c.key not in COMPUTED)


@dataclass
class Written:
    """What writing some rows did (in a dry run: would do)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    updates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows inserted or updated."""
        return self.inserted + self.updated


def _containing_area(frame: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> list[int | None]:
    """The id of the park area containing each parcel's representative point."""
    if areas.empty:
        return [None] * len(frame)
    present = crs_guard.present_mask(frame.geometry)
    result: list[int | None] = [None] * len(frame)
    if not present.any():
        return result
    points = gpd.GeoDataFrame(
        geometry=frame.geometry[present].representative_point().reset_index(drop=True),
        crs=frame.crs,
    )
    located = gpd.sjoin(points, areas[["id", "geometry"]], predicate="within", how="left")
    first = located[~located.index.duplicated()]["id"].sort_index()
    for position, value in zip(np.flatnonzero(present), first, strict=True):
        result[position] = None if is_missing(value) else int(value)
    return result


def _zone_ids(frame: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> list[int | None]:
    """Each parcel's zone: the file's zone code or name when known, else the area
    (of ``zones``: the park's areas and parks) it lies in."""
    known = dict(zip(zones["name"], zones["id"], strict=True))
    known |= dict(zip(zones["code"], zones["id"], strict=True))
    ids = np.full(len(frame), np.nan)
    for column in ("zone_code", "zone_name"):  # the code first, then the name
        if column in frame:
            unnamed = np.isnan(ids)
            ids[unnamed] = _named_zones(known, frame[column].to_numpy(dtype=object)[unnamed])
    unnamed = np.flatnonzero(np.isnan(ids))
    if len(unnamed):
        located = _containing_area(frame.iloc[unnamed], zones[zones["kind"] == "area"])
        ids[unnamed] = [np.nan if i is None else i for i in located]
    return [None if np.isnan(i) else int(i) for i in ids.tolist()]


def _named_zones(known: dict[str, int], labels: np.ndarray) -> np.ndarray:
    """The id of the zone each label names (NaN where none), each distinct label looked
    up once."""
    series = pd.Series(labels, dtype=object)
    found = {
        label: np.nan if is_missing(label) else known.get(str(label).strip(), np.nan)
        for label in series.dropna().unique().tolist()
    }
    return series.map(found).to_numpy(dtype=float, na_value=np.nan)


def _field_json(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, float) and isinstance(new, float | int):
        return math.isclose(old, float(new), rel_tol=1e-9, abs_tol=1e-9)
    return old == new


def _geometry_changed(old: shapely.Geometry, new: shapely.Geometry) -> bool:
    if shapely.equals_exact(shapely.normalize(old), shapely.normalize(new), tolerance=1e-9):
        return False
    difference = shapely.symmetric_difference(old, new)
    if difference.is_empty:
        return False
    return planar_areas_m2(gpd.GeoSeries([difference], crs=CGCS2000))[0] > GEOMETRY_TOLERANCE_M2


def _outline(geom: shapely.Geometry) -> str:
    """A short description of a geometry for the event history (kept small: events are
    shown and exported in full)."""
    centre = geom.centroid
    vertices = shapely.get_num_coordinates(geom)
    return f"centroid {centre.x:.6f},{centre.y:.6f}; {vertices} vertices"


def _new_values(item: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: item[k] for k in _SETTABLE if k in item and k != "parcel_code"}
    method = values.get("supply_method")
    if isinstance(method, str):
        values["supply_method"] = supply_method_code(method) or method
    return values


def _insert(session: Session, rows: gpd.GeoDataFrame, zone_ids: list[int | None]) -> int:
    """Insert the new parcels of ``rows`` in bulk; how many."""
    n = len(rows)
    columns: dict[str, Any] = {}
    for name in _SETTABLE:
        if name in rows:
            values = rows[name]
            if values.dtype.kind == "f":  # NaN where missing, written as NULL
                columns[name] = values.to_numpy(dtype=float)
            else:
                columns[name] = values.astype(object).where(values.notna(), None).tolist()
    columns["area_m2"] = rows["area_m2"].to_numpy(dtype=float)
    columns["geodesic_area_m2"] = rows["geodesic_area_m2"].to_numpy(dtype=float)
    columns["gk_epsg"] = rows["gk_epsg"].to_numpy().astype(int)
    columns["zone_id"] = list(zone_ids)
    columns["extra"] = [e or None for e in rows["extra"]] if "extra" in rows else [None] * n
    columns["geom"] = np.asarray(rows.geometry.values, dtype=object)
    return bulk_insert(session, Parcel, columns)


def _field_json_free(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _current_cases(session: Session, parcel_ids: list[int]) -> dict[int, Case]:
    if not parcel_ids:
        return {}
    cases = scalars_where_in(
        session, Case, Case.parcel_id, parcel_ids, Case.id == current_case_id(Case.parcel_id)
    )
    return {case.parcel_id: case for case in cases}


def _update(
    session: Session,
    rows: gpd.GeoDataFrame,
    zone_ids: list[int | None],
    fields: list[str],
    *,
    actor: str,
    source: str,
    apply: bool = True,
) -> tuple[int, int, list[dict[str, Any]]]:
    """The file's values for existing parcels, applied unless not ``apply`` (a dry run):
    (updated, unchanged, updates)."""
    codes = list(rows["parcel_code"])
    parcels = {
        p.parcel_code: p for p in scalars_where_in(session, Parcel, Parcel.parcel_code, codes)
    }
    stored_geoms = frame_where_in(
        session, [Parcel.parcel_code, wkb_of(Parcel.geom)], Parcel.parcel_code, codes
    )
    old_geoms = dict(zip(stored_geoms["parcel_code"], stored_geoms.geometry, strict=True))
    cases = _current_cases(session, [p.id for p in parcels.values()])
    zone_given = bool(ZONE_COLUMNS & set(fields))
    updated = unchanged = 0
    updates: list[dict[str, Any]] = []
    day = today()
    for (_index, item), zone_id in zip(rows.iterrows(), zone_ids, strict=True):
        parcel = parcels[item["parcel_code"]]
        changes: dict[str, list[Any]] = {}
        values: dict[str, Any] = {}
        for name, new in _new_values(item).items():
            if name not in fields or is_missing(new):
                continue  # a blank cell keeps what is stored
            new = _field_json_free(new)
            old = getattr(parcel, name)
            if not _same(old, new):
                values[name] = new
                changes[f"parcel.{name}"] = [_field_json(old), _field_json(new)]
        geom = item.geometry
        old_geom = old_geoms[parcel.parcel_code]
        geometry_changed = _geometry_changed(old_geom, geom)
        if geometry_changed:
            values.update(
                geom=geometry_value(geom),
                area_m2=float(item["area_m2"]),
                geodesic_area_m2=float(item["geodesic_area_m2"]),
                gk_epsg=int(item["gk_epsg"]),
            )
            changes["parcel.area_m2"] = [parcel.area_m2, float(item["area_m2"])]
            changes["parcel.geom"] = [_outline(old_geom), _outline(geom)]
        if (zone_given or geometry_changed) and zone_id is not None and zone_id != parcel.zone_id:
            values["zone_id"] = zone_id
            changes["parcel.zone_id"] = [parcel.zone_id, zone_id]
        new_extra = item["extra"] or {}
        merged = {**(parcel.extra or {}), **new_extra}
        if new_extra and merged != (parcel.extra or {}):
            values["extra"] = merged
            changes["parcel.extra"] = [parcel.extra, merged]
        if not values:
            unchanged += 1
            continue
        case = cases.get(parcel.id)
        update = {"row": int(item["row"]), "parcel_code": parcel.parcel_code}
        update["changes"] = changes
        update["geometry_changed"] = geometry_changed
        if case is not None:
            update["case_no"] = case.case_no
        updates.append(update)
        updated += 1
        if not apply:
            continue
        for name, value in values.items():
            setattr(parcel, name, value)
        if case is not None:
            case.updated_at = func.current_timestamp()  # bumps the version with the event
            session.add(
                CaseEvent(
                    case_id=case.id,
                    occurred_on=day,
                    actor=actor,
                    action="parcel_update",
                    status_before=case.status,
                    status_after=case.status,
                    changes=changes,
                    # stored, as the ledger keeps every note: in its own language
                    note=_("宗地数据由文件 {source} 导入更新", source=source).render(),
                )
            )
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleVersion(
            _("台账条目刚被他人修改,请重新导入。"),
        ) from exc
    return updated, unchanged, updates


def write_parcels(
    session: Session,
    rows: gpd.GeoDataFrame,
    *,
    fields: list[str],
    zones: gpd.GeoDataFrame,
    actor: str,
    source: str,
    dry_run: bool = False,
) -> Written:
    """Insert the rows whose code is new and update the stored parcels with the others'
    values (``fields``: the fields the file gives; a blank cell keeps what is stored);
    ``zones`` the park's areas and parks. A dry run writes nothing and says what would
    change."""
    written = Written()
    if rows.empty:
        return written
    codes = rows["parcel_code"].tolist()
    stored = existing_values(session, Parcel.parcel_code, codes)
    is_new = ~rows["parcel_code"].isin(stored).to_numpy()
    zone_ids = _zone_ids(rows, zones)
    if is_new.any():
        new_zones = [z for z, n in zip(zone_ids, is_new, strict=True) if n]
        new_rows = rows[is_new]
        written.inserted = len(new_rows) if dry_run else _insert(session, new_rows, new_zones)
    if not is_new.all():
        old_zones = [z for z, n in zip(zone_ids, is_new, strict=True) if not n]
        written.updated, written.unchanged, written.updates = _update(
            session, rows[~is_new], old_zones, fields, actor=actor, source=source, apply=not dry_run
        )
    return written
