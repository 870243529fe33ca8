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
# Columns naming the zone: resolved to zone_id, not kept as extra attributes.
ZONE_COLUMNS = {"zone_code", "zone_name"}


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


def _named_zone(known: dict[str, int], *labels: Any) -> int | None:
    for label in labels:
        if not is_missing(label) and str(label).strip() in known:
            return known[str(label).strip()]
    return None


def _containing_area(frame: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> list[int | None]:
    """The id of the park area containing each parcel's representative point."""
    if areas.empty:
        return [None] * len(frame)
    points = gpd.GeoDataFrame(geometry=frame.geometry.representative_point(), crs=frame.crs)
    located = gpd.sjoin(points, areas[["id", "geometry"]], predicate="within", how="left")
    first = located[~located.index.duplicated()]["id"]
    return [None if is_missing(v) else int(v) for v in first]


def _zone_ids(session: Session, frame: gpd.GeoDataFrame) -> list[int | None]:
    """Each parcel's zone: the file's zone code or name when known, else where it lies."""
    zones = zones_frame(session, kinds=("area", "park"))
    known = dict(zip(zones["name"], zones["id"], strict=True))
    known |= dict(zip(zones["code"], zones["id"], strict=True))
    missing = [None] * len(frame)
    codes = frame.get("zone_code", missing)
    names = frame.get("zone_name", missing)
    located = _containing_area(frame, zones[zones["kind"] == "area"])
    return [
        named if (named := _named_zone(known, code, name)) is not None else where
        for code, name, where in zip(codes, names, located, strict=True)
    ]


def parcel_records(session: Session, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Insertable parcel rows: typed fields, areas, zone, geometry, extra attributes."""
    frame = frame.reset_index(drop=True)
    areas = parcel_areas(frame.geometry)
    zone_ids = _zone_ids(session, frame)
    settable = {c.key for c in Parcel.__table__.columns} - COMPUTED
    extra_columns = set(frame.columns) - settable - ZONE_COLUMNS - {frame.geometry.name}
    attributes = frame.drop(columns=frame.geometry.name).to_dict("records")
    records = []
    for position, (item, geom) in enumerate(zip(attributes, frame.geometry, strict=True)):
        given = {k: v for k, v in item.items() if k in settable}
        values = column_values(Parcel, given, row=position + 1)
        method = values.get("supply_method")
        values["supply_method"] = SUPPLY_METHOD_LABELS.get(method, method)
        extra = {c: _jsonable(item[c]) for c in sorted(extra_columns) if not is_missing(item[c])}
        values.update(
            area_m2=float(areas["area_m2"][position]),
            geodesic_area_m2=float(areas["geodesic_area_m2"][position]),
            gk_epsg=int(areas["gk_epsg"][position]),
            zone_id=zone_ids[position],
            extra=extra or None,
            geom=geometry_value(to_multipolygon(geom)),
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
