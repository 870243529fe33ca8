"""The checks that compare a file's rows with the parcels stored: codes that exist,
overlaps with stored parcels, a GCJ-02 shift, an idle area larger than a new polygon."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis.db.coerce import is_missing
from landgis.db.models import Case, Parcel
from landgis.db.repository import (
    frame_where_in,
    near_boxes,
    statements_where_in,
    wkb_of,
    zones_frame,
)
from landgis.geo import CGCS2000
from landgis.i18n import _
from landgis.import_modes import ImportMode
from landgis.io import crs_guard, gcj02_guard
from landgis.io.problems import Problem, problem
from landgis.io.validate import overlaps
from landgis.workflow import READ_ONLY_STATUSES

# Stored parcels within this margin (degrees, ~1 km) of the file are compared with it.
NEAR_DEG = 0.01
AREA_TOLERANCE_M2 = 1e-6


def county_geometry(session: Session) -> shapely.Geometry | None:
    """The county boundary (union of county zones) in EPSG:4490, or None."""
    counties = zones_frame(session, kinds=("county",))
    if counties.empty:
        return None
    return shapely.union_all(np.asarray(counties.geometry.values, dtype=object))


def _values(frame: gpd.GeoDataFrame, column: str) -> list[Any]:
    """A column's values as a list (None throughout when the frame has no such column)."""
    return frame[column].tolist() if column in frame else [None] * len(frame)


@dataclass
class _Stored:
    """Stored parcels some rows touch: those with the rows' codes, and those near them;
    the park's zones."""

    by_code: gpd.GeoDataFrame
    near: gpd.GeoDataFrame
    zones: gpd.GeoSeries


def _stored_parcels(session: Session, frame: gpd.GeoDataFrame, zones: gpd.GeoSeries) -> _Stored:
    columns = (Parcel.id, Parcel.parcel_code, Parcel.area_m2, wkb_of(Parcel.geom))
    if session.execute(select(Parcel.id).limit(1)).first() is None:  # none stored yet
        codes: list[str] = []
        boxes = np.empty((0, 4))
    else:
        codes = sorted({str(c) for c in _values(frame, "parcel_code") if not is_missing(c)})
        present = frame.geometry[crs_guard.present_mask(frame.geometry)]
        boxes = present.bounds.to_numpy()
    stored = frame_where_in(session, columns, Parcel.parcel_code, codes)
    near = near_boxes(session, Parcel, columns, boxes, NEAR_DEG)
    return _Stored(gpd.GeoDataFrame(stored, geometry="geometry", crs=CGCS2000), near, zones)


def _exists_problems(frame: gpd.GeoDataFrame, stored: _Stored) -> list[Problem]:
    if "parcel_code" not in frame:
        return []
    taken = set(stored.by_code["parcel_code"])
    if not taken:
        return []
    return [
        problem(
            "exists",
            _(
                "宗地编号已存在于数据库中(如需更新已有宗地,请在“已有宗地编号”一项中选择"
                "“更新这些宗地”)"
            ),
            row=int(row),
            parcel_code=code,
            suggestion={"mode": "upsert"},
        )
        for row, code in zip(frame["row"].tolist(), _values(frame, "parcel_code"), strict=True)
        if not is_missing(code) and code in taken
    ]


def _stored_overlap_problems(frame: gpd.GeoDataFrame, stored: _Stored) -> list[Problem]:
    """Overlaps with stored parcels other than the one a row replaces."""
    near = stored.near
    if near.empty:
        return []
    codes = _values(frame, "parcel_code")
    problems = []
    for found in overlaps(frame.geometry, near.geometry):
        other = near["parcel_code"].iloc[found.j]
        row = int(frame["row"].iloc[found.i])
        if other == codes[found.i]:
            continue  # the same parcel, to be replaced
        problems.append(
            problem(
                "overlap",
                _(
                    "与库中宗地 {other} 重叠 {area:.1f} ㎡(占较小宗地的 {share:.1%})",
                    other=other,
                    area=found.area_m2,
                    share=found.share,
                ),
                row=row,
                parcel_code=codes[found.i],
            )
        )
    return problems


def _gcj02_problems(frame: gpd.GeoDataFrame, stored: _Stored) -> list[Problem]:
    present = frame[crs_guard.present_mask(frame.geometry)]
    if present.empty:
        return []
    by_code = stored.by_code.set_index("parcel_code")
    pairs = present.iloc[0:0]
    if "parcel_code" in present:
        pairs = present[present["parcel_code"].isin(by_code.index)]
    matched = None
    if not pairs.empty:
        matched = (
            pairs.geometry.reset_index(drop=True),
            gpd.GeoSeries(list(by_code.loc[list(pairs["parcel_code"]), "geometry"]), crs=CGCS2000),
        )
    found = gcj02_guard.gcj02_problem(
        present.geometry,
        matched=matched,
        reference=stored.near.geometry,
        zones=stored.zones,
        areas=present["area_m2"].to_numpy(dtype=float) if "area_m2" in present else None,
    )
    return [found] if found else []


def _idle_areas(session: Session, parcel_ids: list[int]) -> dict[int, float]:
    """The largest idle area of an open case of each parcel."""
    if not parcel_ids:
        return {}
    statements = statements_where_in(
        session,
        [Case.parcel_id, func.max(Case.idle_area_m2)],
        Case.parcel_id,
        parcel_ids,
        Case.status.not_in(READ_ONLY_STATUSES),
    )
    return {
        pid: float(area)
        for stmt in statements
        for pid, area in session.execute(stmt.group_by(Case.parcel_id))
        if area is not None
    }


def _idle_area_problems(
    session: Session, frame: gpd.GeoDataFrame, stored: _Stored
) -> list[Problem]:
    if "parcel_code" not in frame:
        return []
    ids = dict(zip(stored.by_code["parcel_code"], stored.by_code["id"], strict=True))
    idle = _idle_areas(session, [int(i) for i in ids.values()])
    problems = []
    for row, code, area in zip(
        frame["row"].tolist(), _values(frame, "parcel_code"), frame["area_m2"].tolist(), strict=True
    ):
        pid = ids.get(code)
        if pid is None or not np.isfinite(area) or int(pid) not in idle:
            continue
        largest = idle[int(pid)]
        if largest > area + AREA_TOLERANCE_M2:
            problems.append(
                problem(
                    "idle_area_exceeds",
                    _(
                        "新图形面积 {area:.2f} ㎡ 小于台账中未销号条目的闲置面积 {idle:.2f} ㎡,"
                        "请先修改台账条目的闲置面积",
                        area=area,
                        idle=largest,
                    ),
                    row=int(row),
                    parcel_code=code,
                )
            )
    return problems


def stored_checks(
    session: Session,
    frame: gpd.GeoDataFrame,
    *,
    mode: ImportMode,
    from_gcj02: bool,
    zones: gpd.GeoSeries,
) -> list[Problem]:
    """Every problem found by comparing the rows of ``frame`` (typed and placed) with
    the parcels stored; ``zones`` are the park's zones (a GCJ-02 shift shows against
    them too)."""
    stored = _stored_parcels(session, frame, zones)
    problems: list[Problem] = []
    if mode is ImportMode.insert:
        problems += _exists_problems(frame, stored)
    problems += _stored_overlap_problems(frame, stored)
    if not from_gcj02:
        problems += _gcj02_problems(frame, stored)
    if mode is ImportMode.upsert:
        problems += _idle_area_problems(session, frame, stored)
    return problems
