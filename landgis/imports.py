"""Import parcels from a file: validate everything first, then write in one transaction."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy.orm import Session

from landgis.db.coerce import column_values, is_missing
from landgis.db.models import Parcel
from landgis.db.repository import (
    existing_values,
    geometry_value,
    insert_returning_ids,
    zones_frame,
)
from landgis.errors import Conflict, InvalidInput
from landgis.geo import parcel_areas, to_multipolygon
from landgis.io.fields import SUPPLY_METHOD_LABELS, map_columns
from landgis.io.readers import read_parcel_file
from landgis.units import m2_to_mu

# Parcel columns a file can set; the rest are computed or managed by landgis.
COMPUTED = {"id", "geom", "area_m2", "geodesic_area_m2", "gk_epsg", "zone_id", "extra"}
COMPUTED |= {"created_at", "updated_at"}


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    features: int
    inserted: int
    area_mu: float
    dry_run: bool = False
    parcel_codes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "features": self.features,
            "inserted": self.inserted,
            "area_mu": round(self.area_mu, 2),
            "dry_run": self.dry_run,
        }


def _problem(row: int, code: Any, message: str, message_en: str) -> dict[str, Any]:
    return {"row": row, "parcel_code": code, "problem": message, "problem_en": message_en}


def validate_parcels(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Every problem that stops ``frame`` from being stored, row by row (1-based)."""
    problems: list[dict[str, Any]] = []
    codes = frame["parcel_code"] if "parcel_code" in frame else [None] * len(frame)
    duplicated = Counter(str(c).strip() for c in codes if not is_missing(c))
    for row, (code, geom) in enumerate(zip(codes, frame.geometry, strict=True), start=1):
        if is_missing(code):
            problems.append(_problem(row, None, "缺少宗地编号", "missing parcel code"))
        elif duplicated[str(code).strip()] > 1:
            problems.append(_problem(row, code, "宗地编号在文件中重复", "duplicate parcel code"))
        if geom is None or geom.is_empty:
            problems.append(_problem(row, code, "图形为空", "empty or missing geometry"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                _problem(
                    row,
                    code,
                    f"图形类型为 {geom.geom_type},不是面",
                    f"geometry is a {geom.geom_type}, not a polygon",
                )
            )
        elif not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            problems.append(
                _problem(row, code, f"图形无效:{reason}", f"invalid geometry: {reason}")
            )
    return problems


def _assign_zones(session: Session, frame: gpd.GeoDataFrame) -> list[int | None]:
    """Zone ids: by the file's zone code or name, else the area containing the parcel."""
    zones = zones_frame(session, kinds=("area", "park"))
    by_code = dict(zip(zones["code"], zones["id"], strict=True))
    by_name = dict(zip(zones["name"], zones["id"], strict=True))
    named = [
        by_code.get(str(c).strip()) if "zone_code" in frame and not is_missing(c) else None
        for c in (frame["zone_code"] if "zone_code" in frame else [None] * len(frame))
    ]
    if "zone_name" in frame:
        named = [
            z if z is not None else by_name.get(str(n).strip()) if not is_missing(n) else None
            for z, n in zip(named, frame["zone_name"], strict=True)
        ]
    areas = zones[zones["kind"] == "area"]
    if areas.empty:
        return named
    points = gpd.GeoDataFrame(geometry=frame.geometry.representative_point(), crs=frame.crs)
    located = gpd.sjoin(points, areas[["id", "geometry"]], predicate="within", how="left")
    spatial = located[~located.index.duplicated()]["id"]
    return [
        z if z is not None else (None if is_missing(s) else int(s))
        for z, s in zip(named, spatial, strict=True)
    ]


def parcel_records(session: Session, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Insertable parcel rows: typed fields, areas, zone, geometry, extra attributes."""
    areas = parcel_areas(frame.geometry)
    zone_ids = _assign_zones(session, frame)
    settable = {c.key for c in Parcel.__table__.columns} - COMPUTED
    extra_columns = [c for c in frame.columns if c not in settable | {"geometry", "zone_name"}]
    extra_columns = [c for c in extra_columns if c != "zone_code"]
    records = []
    for row, (index, item) in enumerate(frame.iterrows(), start=1):
        values = column_values(Parcel, {k: item[k] for k in settable if k in item}, row=row)
        method = values.get("supply_method")
        if method in SUPPLY_METHOD_LABELS:
            values["supply_method"] = SUPPLY_METHOD_LABELS[method]
        position = frame.index.get_loc(index)
        extra = {c: _jsonable(item[c]) for c in extra_columns if not is_missing(item[c])}
        values.update(
            area_m2=float(areas["area_m2"][position]),
            geodesic_area_m2=float(areas["geodesic_area_m2"][position]),
            gk_epsg=int(areas["gk_epsg"][position]),
            zone_id=zone_ids[position],
            extra=extra or None,
            geom=geometry_value(to_multipolygon(item.geometry)),
        )
        records.append(values)
    return records


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def prepare_parcels(session: Session, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Validate ``frame`` (EPSG:4490, landgis field names) into insertable parcel rows.

    Raises, having written nothing, when any row has a problem or a code already exists.
    """
    problems = validate_parcels(frame)
    if problems:
        raise InvalidInput(
            f"文件中有 {len(problems)} 处问题,未导入任何宗地。",
            f"{len(problems)} problems in the file; nothing was imported.",
            problems=problems,
        )
    codes = [str(c).strip() for c in frame["parcel_code"]]
    taken = existing_values(session, Parcel.parcel_code, codes)
    if taken:
        listed = "、".join(sorted(taken)[:10])
        raise Conflict(
            f"{len(taken)} 个宗地编号已存在于数据库中(如 {listed}),未导入任何宗地。",
            f"{len(taken)} parcel codes already exist in the database (e.g. {listed}); "
            "nothing was imported.",
            problems=[
                _problem(row, code, "宗地编号已存在", "parcel code already exists")
                for row, code in enumerate(codes, start=1)
                if code in taken
            ],
        )
    return parcel_records(session, frame.assign(parcel_code=codes))


def store_parcels(session: Session, frame: gpd.GeoDataFrame) -> dict[str, int]:
    """Validate and insert the parcels of ``frame``; their new ids by parcel code."""
    return insert_returning_ids(session, Parcel, "parcel_code", prepare_parcels(session, frame))


def import_parcels(
    session: Session,
    path: Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read, validate and (unless ``dry_run``) insert the parcels of a file.

    The caller owns the transaction: on any error nothing of the file is kept.
    """
    frame = read_parcel_file(path, layer=layer, crs=crs)
    frame = frame.rename(columns=map_columns(c for c in frame.columns if c != "geometry"))
    records = prepare_parcels(session, frame)
    area_mu = m2_to_mu(math.fsum(r["area_m2"] for r in records))
    if not dry_run:
        insert_returning_ids(session, Parcel, "parcel_code", records)
    return ImportReport(
        source=str(path),
        features=len(frame),
        inserted=0 if dry_run else len(records),
        area_mu=area_mu,
        dry_run=dry_run,
        parcel_codes=[r["parcel_code"] for r in records],
    )
