"""Import parcels from a file: check everything first, then write in one transaction.

:func:`import_parcels` is the entry point of the CLI and the API. It reads the file
(:mod:`landgis.io.readers`: format, encoding, CRS guard, fields, geometry repair, row
checks), adds the checks that need the database (codes that exist, overlaps with stored
parcels, GCJ-02 offsets, idle areas of open cases) and, when no problem is an error,
writes: ``insert`` adds new parcels (an existing code is an error), ``upsert`` also
updates existing parcels by code and records the change on the parcel's newest ledger
case as a ``parcel_update`` event.

Refusals raise :class:`ImportRefused` (an :class:`InvalidInput`; a :class:`CRSError` when
the coordinates are the problem) carrying the full :class:`ImportReport`, so the API can
answer 422 with the report and the CLI print it; nothing is written then. Warnings never
stop an import.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from landgis.db.coerce import column_values, is_missing
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.db.repository import (
    bulk_insert,
    existing_values,
    frame_where_in,
    geometry_value,
    near_boxes,
    read_frame,
    wkb_of,
    zones_frame,
)
from landgis.errors import Conflict, CRSError, InvalidInput, StaleVersion
from landgis.geo import CGCS2000, parcel_areas, planar_areas_m2, to_multipolygon
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, Text, _, listing, localized
from landgis.import_modes import BATCH_SIZE, MODES
from landgis.io import crs_guard
from landgis.io.codes import next_number, numbered
from landgis.io.fields import SUPPLY_METHOD_LABELS, supply_method_code
from landgis.io.problems import (
    COORDINATE_KINDS,
    ERROR,
    WARNING,
    errors,
    problem,
    problem_text,
    sort_problems,
)
from landgis.io.readers import (
    AREA_MISMATCH_SHARE,
    duplicate_code_problem,
    file_overlap_problem,
    read_parcel_batches,
)
from landgis.io.validate import geometry_type_name, invalid_reason, overlaps
from landgis.ledger_rules.current_case import current_case_id
from landgis.units import m2_to_mu
from landgis.wallclock import today
from landgis.workflow import READ_ONLY_STATUSES

# Parcel columns a file can set; the rest are computed or managed by landgis.
COMPUTED = {"id", "geom", "area_m2", "geodesic_area_m2", "gk_epsg", "zone_id", "extra"}
COMPUTED |= {"created_at", "updated_at"}
# Columns naming the zone: resolved to zone_id, not kept as extra attributes.
ZONE_COLUMNS = {"zone_code", "zone_name"}


# Geometries differing by less than this (m², symmetric difference) are the same.
GEOMETRY_TOLERANCE_M2 = 0.01
AREA_TOLERANCE_M2 = 1e-6
# Stored parcels within this margin (degrees, ~1 km) of the file are compared with it.
_NEAR_DEG = 0.01
_SETTABLE = tuple(c.key for c in Parcel.__table__.columns if c.key not in COMPUTED)


@dataclass(frozen=True)
class ImportProgress:
    """Where an import stands after a batch: ``rows_read`` of ``rows_total`` rows read and
    checked, ``rows_written`` written so far (in a refused import or a dry run, rolled
    back at the end), ``errors`` found so far."""

    batch: int
    rows_read: int
    rows_total: int
    rows_written: int
    errors: int
    seconds: float


ProgressCallback = Callable[[ImportProgress], None]


@dataclass
class ImportReport:
    """What an import did or, in a dry run, would do.

    ``assigned_codes`` lists the codes the import gave (``--assign-codes`` or
    ``--code-template``) with their rows. ``parcels`` counts the rows accepted (no error of
    their own) and ``area_m2`` their computed area; ``inserted``/``updated``/``unchanged``
    count what was written (in a dry run: what would be) and are 0 when the import is
    refused (``accepted`` False).
    ``problems`` lists every problem (row, parcel_code, kind, severity, message,
    message_en, and the ``suggestion`` of the import options that fix it, when some do);
    ``updates`` the changes made to existing parcels.
    """

    source: str
    mode: str = "insert"
    dry_run: bool = False
    accepted: bool = False
    format: str | None = None
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None
    features: int = 0
    parcels: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    area_m2: float = 0.0
    problems: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    parcel_codes: list[str] = field(default_factory=list)
    # codes given by the import (numbered from a prefix or composed): {"row", "parcel_code"}
    assigned_codes: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int | None = None
    batches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def area_mu(self) -> float:
        """The accepted parcels' computed area in 亩."""
        return m2_to_mu(self.area_m2)

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return sum(1 for p in self.problems if p["severity"] == ERROR)

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return sum(1 for p in self.problems if p["severity"] == WARNING)

    def text_lines(
        self,
        limit: int = 50,
        hint: Callable[[dict[str, Any]], Localizable | str | None] | None = None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> list[str]:
        """The report for a terminal, in ``lang``: a summary, then up to ``limit``
        problems; ``hint`` may add a line of its own under a problem (the command line's
        options that fix it, from the problem's ``suggestion``)."""
        counts = {
            "parcels": self.parcels,
            "area": self.area_mu,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        head: Text
        if not self.accepted:
            head = _(
                "错误:导入被拒绝,未写入任何宗地(错误 {errors} 处,警告 {warnings} 处)",
                errors=self.errors,
                warnings=self.warnings,
            )
        elif self.dry_run:
            head = _(
                "检查通过(未写入):{parcels} 宗,{area:.2f} 亩;将新增 {inserted} 宗,"
                "更新 {updated} 宗,{unchanged} 宗无变化",
                **counts,
            )
        else:
            head = _(
                "已导入:{parcels} 宗,{area:.2f} 亩;新增 {inserted} 宗,更新 {updated} 宗,"
                "{unchanged} 宗无变化",
                **counts,
            )
        lines = [head.render(lang)]
        details = [d for d in (self.format, self.layer, self.crs, self.encoding) if d]
        if details:
            lines.append("  " + " · ".join(str(d) for d in details))
        if self.batches:
            read = sum(b["rows"] for b in self.batches)
            batches = _(
                "分 {batches} 批(每批不超过 {size} 行):读取并检查 {read} 行,写入 {written} 行,"
                "用时 {seconds:.1f} 秒",
                batches=len(self.batches),
                size=self.batch_size or read,
                read=read,
                written=sum(b["written"] for b in self.batches),
                seconds=sum(b["read_s"] + b["check_s"] + b["write_s"] for b in self.batches),
            )
            lines.append(f"  {batches.render(lang)}")
        if self.assigned_codes:
            given = [c["parcel_code"] for c in self.assigned_codes]
            shown = " ".join(given[:10]) + (" …" if len(given) > 10 else "")
            said = _("编号由导入给出 {count} 宗:{codes}", count=len(given), codes=shown)
            lines.append(f"  {said.render(lang)}")
        for item in self.problems[:limit]:
            lines.append(f"  {_problem_line(item).render(lang)}")
            extra = hint(item) if hint is not None else None
            if extra:
                lines.append(f"      {localized(extra, lang)}")
        if len(self.problems) > limit:
            more = _("… 另有 {count} 处问题", count=len(self.problems) - limit)
            lines.append(f"  {more.render(lang)}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "source": self.source,
            "mode": self.mode,
            "dry_run": self.dry_run,
            "accepted": self.accepted,
            "format": self.format,
            "layer": self.layer,
            "encoding": self.encoding,
            "crs": self.crs,
            "features": self.features,
            "parcels": self.parcels,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "area_m2": round(self.area_m2, 2),
            "area_mu": round(self.area_mu, 2),
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [
                {
                    k: p[k]
                    for k in (
                        "row",
                        "parcel_code",
                        "kind",
                        "severity",
                        "message",
                        "message_en",
                        "suggestion",
                    )
                    if k in p
                }
                for p in self.problems
            ],
            "updates": self.updates,
            "parcel_codes": self.parcel_codes,
            "assigned_codes": self.assigned_codes,
            "batch_size": self.batch_size,
            "batches": self.batches,
        }


def _problem_line(item: dict[str, Any]) -> Text:
    """One problem as the terminal report lists it: its level, where it is, its message."""
    level = _("错误") if item["severity"] == ERROR else _("警告")
    said = problem_text(item)
    row, code = item["row"], item["parcel_code"]
    if row and code:
        return _(
            "[{level}] 第 {row} 行 {code}:{problem}", level=level, row=row, code=code, problem=said
        )
    if row:
        return _("[{level}] 第 {row} 行:{problem}", level=level, row=row, problem=said)
    if code:
        return _("[{level}] {code}:{problem}", level=level, code=code, problem=said)
    return _("[{level}] {problem}", level=level, problem=said)


class ImportRefused(InvalidInput):
    """An import with error-severity problems: nothing was written; ``report`` says why."""

    def __init__(self, report: ImportReport) -> None:
        found = errors(report.problems)
        message: Text
        if len(found) == 1:
            first = found[0]
            said = _Clause(problem_text(first))
            if first["row"]:
                message = _(
                    "第 {row} 行:{problem}。未导入任何宗地。", row=first["row"], problem=said
                )
            else:
                message = _("{problem}。未导入任何宗地。", problem=said)
        else:
            message = _("文件中有 {count} 处错误,未导入任何宗地。", count=len(found))
        super().__init__(message, problems=report.problems)
        self.report = report

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        body["problems"] = self.report.to_dict()["problems"]
        body["report"] = self.report.to_dict()
        return body


@dataclass(frozen=True)
class _Clause:
    """A problem's message inside a sentence: without its full stop."""

    text: Localizable

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.text.render(lang).rstrip("。.")


class CoordinatesRefused(ImportRefused, CRSError):
    """An import refused because of where its coordinates are (no CRS, swapped axes,
    outside the county, GCJ-02 …)."""


# ---- compatibility helpers (single parcels, the demo loader) ---------------------------


def _problem(row: int, code: Any, kind: str, message: Text) -> dict[str, Any]:
    return problem(kind, message, row=row, parcel_code=code)


def validate_parcels(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Every problem that stops ``frame`` (EPSG:4490, landgis names) from being stored
    as it is, row by row (1-based): missing or duplicate codes, empty, non-polygonal or
    invalid geometries."""
    problems: list[dict[str, Any]] = []
    codes = frame["parcel_code"] if "parcel_code" in frame else [None] * len(frame)
    duplicated = Counter(str(c).strip() for c in codes if not is_missing(c))
    for row, (code, geom) in enumerate(zip(codes, frame.geometry, strict=True), start=1):
        if is_missing(code):
            problems.append(_problem(row, None, "missing_code", _("缺少宗地编号")))
        elif duplicated[str(code).strip()] > 1:
            problems.append(_problem(row, code, "duplicate_code", _("宗地编号在文件中重复")))
        if geom is None or geom.is_empty:
            problems.append(_problem(row, code, "empty_geometry", _("图形为空")))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                _problem(
                    row,
                    code,
                    "not_polygon",
                    _(
                        "图形类型为 {geometry_type},不是面",
                        geometry_type=geometry_type_name(geom.geom_type),
                    ),
                )
            )
        elif not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            problems.append(
                _problem(
                    row,
                    code,
                    "invalid_geometry",
                    _("图形无效:{reason}", reason=invalid_reason(reason)),
                )
            )
    return problems


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


def _zone_ids(
    session: Session, frame: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None = None
) -> list[int | None]:
    """Each parcel's zone: the file's zone code or name when known, else where it lies
    (``zones``: the park and area zones, read here when not given)."""
    if zones is None:
        zones = zones_frame(session, kinds=("area", "park"))
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


def _values(frame: gpd.GeoDataFrame, column: str) -> list[Any]:
    """A column's values as a list (None throughout when the frame has no such column)."""
    return frame[column].tolist() if column in frame else [None] * len(frame)


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def parcel_records(session: Session, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Insertable parcel rows: typed fields, areas, zone, geometry, extra attributes."""
    frame = frame.reset_index(drop=True)
    areas = parcel_areas(frame.geometry)
    zone_ids = _zone_ids(session, frame)
    settable = set(_SETTABLE)
    extra_columns = set(frame.columns) - settable - ZONE_COLUMNS - {frame.geometry.name}
    attributes = frame.drop(columns=frame.geometry.name).to_dict("records")
    records = []
    for position, (item, geom) in enumerate(zip(attributes, frame.geometry, strict=True)):
        given = {k: v for k, v in item.items() if k in settable}
        values = column_values(Parcel, given, row=position + 1)
        method = values.get("supply_method")
        if method is not None:
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


def prepare_parcels(session: Session, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Validate ``frame`` (EPSG:4490, landgis field names) into insertable parcel rows.

    Raises, having written nothing, when any row has a problem or a code already exists.
    """
    problems = validate_parcels(frame)
    if problems:
        raise InvalidInput(
            _("文件中有 {count} 处问题,未导入任何宗地。", count=len(problems)),
            problems=problems,
        )
    codes = [str(c).strip() for c in frame["parcel_code"]]
    taken = existing_values(session, Parcel.parcel_code, codes)
    if taken:
        raise Conflict(
            _(
                "{count} 个宗地编号已存在于数据库中(如 {codes}),未导入任何宗地。",
                count=len(taken),
                codes=listing(sorted(taken)[:10]),
            ),
            problems=[
                _problem(row, code, "exists", _("宗地编号已存在"))
                for row, code in enumerate(codes, start=1)
                if code in taken
            ],
        )
    return parcel_records(session, frame.assign(parcel_code=codes))


def store_parcels(session: Session, frame: gpd.GeoDataFrame) -> dict[str, int]:
    """Validate and insert the parcels of ``frame`` in bulk (COPY on PostGIS); their new ids
    by parcel code."""
    records = prepare_parcels(session, frame)
    if not records:
        return {}
    names = dict.fromkeys(name for record in records for name in record if name != "geom")
    columns: dict[str, Any] = {name: [r.get(name) for r in records] for name in names}
    columns["geom"] = np.asarray([to_multipolygon(g) for g in frame.geometry], dtype=object)
    bulk_insert(session, Parcel, columns)
    # Every parcel's id by code (too many codes for an IN list; codes are unique).
    ids = dict(session.execute(select(Parcel.parcel_code, Parcel.id)).all())
    return {code: ids[code] for code in columns["parcel_code"]}


# ---- checks against the database -------------------------------------------------------


def county_geometry(session: Session) -> shapely.Geometry | None:
    """The county boundary (union of county zones) in EPSG:4490, or None."""
    counties = zones_frame(session, kinds=("county",))
    if counties.empty:
        return None
    return shapely.union_all(np.asarray(counties.geometry.values, dtype=object))


@dataclass
class _Stored:
    """Stored parcels the file touches: by code, and those near the file."""

    by_code: gpd.GeoDataFrame
    near: gpd.GeoDataFrame
    zones: gpd.GeoSeries
    reference: gpd.GeoSeries | None = None  # near, less this import's own parcels


def _stored_parcels(
    session: Session, frame: gpd.GeoDataFrame, zones: gpd.GeoSeries | None = None
) -> _Stored:
    codes = sorted({str(c) for c in _values(frame, "parcel_code") if not is_missing(c)})
    columns = (Parcel.id, Parcel.parcel_code, Parcel.area_m2, wkb_of(Parcel.geom))
    stored = frame_where_in(session, columns, Parcel.parcel_code, codes)
    present = frame.geometry[crs_guard.present_mask(frame.geometry)]
    near = near_boxes(session, Parcel, columns, present.bounds.to_numpy(), _NEAR_DEG)
    if zones is None:
        zones = zones_frame(session, kinds=("park", "area")).geometry
    return _Stored(gpd.GeoDataFrame(stored, geometry="geometry", crs=CGCS2000), near, zones)


def _exists_problems(frame: gpd.GeoDataFrame, stored: _Stored) -> list[dict[str, Any]]:
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


def _stored_overlap_problems(
    frame: gpd.GeoDataFrame, stored: _Stored, file_rows: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """Overlaps with stored parcels; those stored by earlier batches of this import
    (``file_rows``: their row by code) are overlaps between rows of the file."""
    near = stored.near
    if near.empty:
        return []
    file_rows = file_rows or {}
    first = int(frame["row"].iloc[0]) if len(frame) else 0
    codes = _values(frame, "parcel_code")
    problems = []
    for found in overlaps(frame.geometry, near.geometry):
        other = near["parcel_code"].iloc[found.j]
        row = int(frame["row"].iloc[found.i])
        other_row = file_rows.get(other)
        if other_row is not None and other_row < first:  # a row of an earlier batch
            problems.append(file_overlap_problem(row, codes[found.i], other_row, other, found))
            problems.append(file_overlap_problem(other_row, other, row, codes[found.i], found))
            continue
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


def _gcj02_problems(frame: gpd.GeoDataFrame, stored: _Stored) -> list[dict[str, Any]]:
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
    found = crs_guard.gcj02_problem(
        present.geometry,
        matched=matched,
        reference=stored.near.geometry if stored.reference is None else stored.reference,
        zones=stored.zones,
        areas=present["area_m2"].to_numpy(dtype=float) if "area_m2" in present else None,
    )
    return [found] if found else []


def _idle_areas(session: Session, parcel_ids: list[int]) -> dict[int, float]:
    """The largest idle area of an open case of each parcel."""
    if not parcel_ids:
        return {}
    stmt = (
        select(Case.parcel_id, func.max(Case.idle_area_m2))
        .where(Case.parcel_id.in_(parcel_ids), Case.status.not_in(READ_ONLY_STATUSES))
        .group_by(Case.parcel_id)
    )
    return {pid: float(area) for pid, area in session.execute(stmt) if area is not None}


def _idle_area_problems(
    session: Session, frame: gpd.GeoDataFrame, stored: _Stored
) -> list[dict[str, Any]]:
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


# ---- writing ----------------------------------------------------------------------------


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
    cases = session.scalars(
        select(Case).where(
            Case.parcel_id.in_(parcel_ids), Case.id == current_case_id(Case.parcel_id)
        )
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
) -> tuple[int, int, list[dict[str, Any]]]:
    """Apply the file's values to existing parcels; (updated, unchanged, updates)."""
    codes = list(rows["parcel_code"])
    parcels = {
        p.parcel_code: p
        for p in session.scalars(select(Parcel).where(Parcel.parcel_code.in_(codes)))
    }
    stored_geoms = read_frame(
        session,
        select(Parcel.parcel_code, wkb_of(Parcel.geom)).where(Parcel.parcel_code.in_(codes)),
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
        for name, value in values.items():
            setattr(parcel, name, value)
        case = cases.get(parcel.id)
        update = {"row": int(item["row"]), "parcel_code": parcel.parcel_code}
        update["changes"] = changes
        update["geometry_changed"] = geometry_changed
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
            update["case_no"] = case.case_no
        updates.append(update)
        updated += 1
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleVersion(
            _("台账条目刚被他人修改,请重新导入。"),
        ) from exc
    return updated, unchanged, updates


# ---- the entry point ---------------------------------------------------------------------


def _refuse(report: ImportReport) -> ImportRefused:
    coordinates = any(p["kind"] in COORDINATE_KINDS for p in errors(report.problems))
    return (CoordinatesRefused if coordinates else ImportRefused)(report)


@dataclass
class _Numbering:
    """The next number of the prefix the rows without a code are numbered after."""

    prefix: str
    next: int

    @classmethod
    def start(cls, session: Session, prefix: str) -> _Numbering:
        """After the highest number with ``prefix`` stored."""
        stored = session.scalars(
            select(Parcel.parcel_code).where(
                Parcel.parcel_code.startswith(f"{prefix}-", autoescape=True)
            )
        )
        return cls(prefix, next_number(prefix, stored))

    def fill(self, frame: gpd.GeoDataFrame, problems: list[dict[str, Any]]) -> list[dict]:
        """Number the rows of ``frame`` without a code and without an error of their own
        (in ``problems``, which then name the codes given); the codes given."""
        bad = {p["row"] for p in problems if p["severity"] == ERROR and p["row"]}
        given: dict[int, str] = {}
        codes = frame["parcel_code"].tolist()
        for position, (row, code) in enumerate(zip(frame["row"].tolist(), codes, strict=True)):
            if is_missing(code) and row not in bad:
                codes[position] = given[int(row)] = numbered(self.prefix, self.next)
                self.next += 1
        if given:
            frame["parcel_code"] = pd.Series(codes, index=frame.index, dtype=object)
            for item in problems:
                if item["row"] in given and item.get("parcel_code") is None:
                    item["parcel_code"] = given[item["row"]]
        return [{"row": row, "parcel_code": code} for row, code in given.items()]


class _FileCodes:
    """The row of each parcel code read so far, to find codes repeated across batches."""

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.repeated: dict[str, list[int]] = {}

    def add(self, rows: Any, codes: Any) -> None:
        """Note the codes of a batch's rows."""
        for row, code in zip(rows, codes, strict=True):
            if is_missing(code):
                continue
            code = str(code).strip()
            first = self.first.setdefault(code, int(row))
            if first != row:
                self.repeated.setdefault(code, [first]).append(int(row))

    def is_repeated(self, codes: Any) -> np.ndarray:
        """Which of ``codes`` occur on more than one row of the file (so far)."""
        if not self.repeated:
            return np.zeros(len(codes), dtype=bool)
        return np.array(
            [not is_missing(c) and str(c).strip() in self.repeated for c in codes], dtype=bool
        )

    def problems(self) -> list[dict[str, Any]]:
        """A ``duplicate_code`` problem for every row of a repeated code."""
        return [
            duplicate_code_problem(row, code, rows)
            for code, rows in self.repeated.items()
            for row in rows
        ]


@dataclass
class _Tally:
    """What the batches add up to."""

    rows: list[np.ndarray] = field(default_factory=list)
    codes: list[list[Any]] = field(default_factory=list)
    areas: list[np.ndarray] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    written: int = 0
    updates: list[dict[str, Any]] = field(default_factory=list)

    def accepted(self, bad_rows: set[int]) -> tuple[list[str], float]:
        """The codes and the total area of the rows without an error."""
        codes: list[str] = []
        total: list[float] = []
        for rows, batch_codes, areas in zip(self.rows, self.codes, self.areas, strict=True):
            good = ~np.isin(rows, list(bad_rows)) if bad_rows else np.ones(len(rows), bool)
            codes += [str(c) for c, ok in zip(batch_codes, good, strict=True) if ok]
            kept = areas[good]
            total += kept[np.isfinite(kept)].tolist()
        return codes, math.fsum(total)


def _batch_checks(
    session: Session,
    frame: gpd.GeoDataFrame,
    stored: _Stored,
    file_codes: _FileCodes,
    *,
    mode: str,
    from_gcj02: bool,
) -> list[dict[str, Any]]:
    """The checks of one batch against the database."""
    problems: list[dict[str, Any]] = []
    if mode == "insert":
        problems += _exists_problems(frame, stored)
    problems += _stored_overlap_problems(frame, stored, file_codes.first)
    if not from_gcj02:
        problems += _gcj02_problems(frame, stored)
    if mode == "upsert":
        problems += _idle_area_problems(session, frame, stored)
    return problems


def _earlier_rows_out(stored: _Stored, file_codes: _FileCodes, first_row: int) -> _Stored:
    """``stored`` without the parcels written by earlier batches of this import: by code
    (a code the file repeats is a duplicate, not a stored parcel) and as the reference
    of the GCJ-02 check (``near`` keeps them, for overlaps between batches)."""

    def earlier(codes: Any) -> np.ndarray:
        first = file_codes.first
        return np.array([first.get(c, first_row) < first_row for c in codes], dtype=bool)

    by_code = stored.by_code[~earlier(stored.by_code["parcel_code"])]
    reference = stored.near.geometry[~earlier(stored.near["parcel_code"])]
    return _Stored(by_code, stored.near, stored.zones, reference)


def import_parcels(
    session: Session,
    path: Path | str,
    *,
    layer: str | None = None,
    crs: str | None = None,
    mapping: Mapping[str, str | None] | Path | str | None = None,
    mode: str = "insert",
    swap_xy: bool = False,
    dry_run: bool = False,
    from_gcj02: bool = False,
    area_tolerance: float = AREA_MISMATCH_SHARE,
    actor: str = "import",
    source_name: str | None = None,
    batch_size: int | None = BATCH_SIZE,
    progress: ProgressCallback | None = None,
    assign_codes: str | None = None,
    code_template: str | None = None,
) -> ImportReport:
    """Read, check and (unless ``dry_run``) write the parcels of a file.

    ``mode`` is ``insert`` (new codes only) or ``upsert`` (existing codes updated, each
    change recorded on the parcel's newest case). Returns the report when no problem is
    an error; otherwise raises :class:`ImportRefused` (:class:`CoordinatesRefused` when
    the coordinates are at fault) with the report, having written nothing. The caller
    owns the transaction; the writes run in a savepoint, so a failure while writing
    leaves the session as it was.

    The file is read, checked and written ``batch_size`` rows at a time (None: all at
    once) in that one savepoint, rolled back at the end when any batch had an error (or
    in a dry run): memory follows the batch, not the file. Checks spanning batches:
    repeated codes by the codes seen so far, overlaps by comparing each batch with the
    parcels already written by the earlier ones. ``progress`` is called after each batch.

    ``from_gcj02`` moves data digitized on GCJ-02 maps back first; ``area_tolerance`` is
    the share above which computed and registered areas are reported as differing;
    ``actor`` names who imports in the ledger events; ``source_name`` is the name to
    report (an upload's original file name) instead of ``path``'s.

    ``assign_codes`` numbers the rows without a code ``PREFIX-0001`` … in file order,
    after the highest number with that prefix stored (read in this transaction, so a dry
    run and the import that follows give the same codes when nothing was stored between);
    ``code_template`` composes the codes from the file's columns (see
    :mod:`landgis.io.codes`). The codes given are in the report's ``assigned_codes``.
    """
    if mode not in MODES:
        raise InvalidInput(
            _(
                "未知的导入方式 {mode}:“已有宗地编号”一项只能选择“视为错误(只新增)”"
                "或“更新这些宗地”。",
                mode=mode,
            )
        )
    if batch_size is not None and batch_size < 1:
        raise InvalidInput(_("每批行数应为正整数,收到 {size}。", size=batch_size))
    started = time.perf_counter()
    batches = read_parcel_batches(
        path,
        layer=layer,
        crs=crs,
        mapping=mapping,
        swap_xy=swap_xy,
        from_gcj02=from_gcj02,
        county=county_geometry(session),
        area_tolerance=area_tolerance,
        batch_size=batch_size,
        assign_codes=assign_codes,
        code_template=code_template,
    )
    source = source_name or Path(path).name
    report = ImportReport(source=source, mode=mode, dry_run=dry_run, batch_size=batch_size)
    zones = zones_frame(session, kinds=("area", "park"))
    file_codes = _FileCodes()
    tally = _Tally()
    problems: list[dict[str, Any]] = []
    file_problems: dict[str, dict[str, Any]] = {}  # about the file, found by a batch check
    refused = False
    fields: list[str] = []
    numbering: _Numbering | None = None
    with session.begin_nested() as savepoint:
        clock = time.perf_counter()
        for number, read in enumerate(batches, start=1):
            read_s = time.perf_counter() - clock
            report.format, report.layer, report.encoding = read.driver, read.layer, read.encoding
            report.crs, report.features, fields = read.crs, read.features, read.fields
            problems += [p for p in read.problems if p["kind"] != "duplicate_code"]
            frame = read.frame
            if frame is None:
                refused = True
                break
            report.assigned_codes += read.given_codes
            if read.assign_prefix is not None:
                if numbering is None:
                    numbering = _Numbering.start(session, read.assign_prefix)
                report.assigned_codes += numbering.fill(frame, read.problems)
            tick = time.perf_counter()
            codes = _values(frame, "parcel_code")
            file_codes.add(frame["row"].tolist(), codes)
            first_row = int(frame["row"].iloc[0])
            stored = _earlier_rows_out(
                _stored_parcels(session, frame, zones.geometry), file_codes, first_row
            )
            found = _batch_checks(
                session, frame, stored, file_codes, mode=mode, from_gcj02=from_gcj02
            )
            for item in found:
                if item["row"] is None:
                    kept = file_problems.get(item["kind"])
                    if kept is None or (kept["severity"] != ERROR and item["severity"] == ERROR):
                        file_problems[item["kind"]] = item
                else:
                    problems.append(item)
            bad = {p["row"] for p in read.problems + found if p["severity"] == ERROR and p["row"]}
            tally.rows.append(frame["row"].to_numpy())
            tally.codes.append(codes)
            tally.areas.append(frame["area_m2"].to_numpy(dtype=float))
            check_s = time.perf_counter() - tick
            tick = time.perf_counter()
            writable = frame[~frame["row"].isin(bad) & ~file_codes.is_repeated(codes)]
            written = _write_batch(
                session, writable, stored, zones, fields, tally, actor=actor, source=source
            )
            write_s = time.perf_counter() - tick
            report.batches.append(
                {
                    "batch": number,
                    "first_row": first_row,
                    "rows": len(frame),
                    "written": written,
                    "errors": sum(1 for p in read.problems + found if p["severity"] == ERROR),
                    "read_s": round(read_s, 3),
                    "check_s": round(check_s, 3),
                    "write_s": round(write_s, 3),
                }
            )
            if progress is not None:
                progress(
                    ImportProgress(
                        batch=number,
                        rows_read=int(frame["row"].iloc[-1]),
                        rows_total=read.features,
                        rows_written=tally.written,
                        errors=len(errors(problems)) + len(file_codes.problems()),
                        seconds=time.perf_counter() - started,
                    )
                )
            clock = time.perf_counter()
        problems += list(file_problems.values()) + file_codes.problems()
        report.problems = sort_problems(problems)
        bad_rows = {p["row"] for p in report.problems if p["severity"] == ERROR and p["row"]}
        if tally.rows:
            report.parcel_codes, report.area_m2 = tally.accepted(bad_rows)
            report.parcels = len(report.parcel_codes)
        refused = refused or not tally.rows or bool(errors(report.problems))
        if refused or dry_run:
            savepoint.rollback()
    if dry_run or refused:
        session.expire_all()
    if refused:
        raise _refuse(report)
    report.accepted = True
    report.inserted, report.updated, report.unchanged = (
        tally.inserted,
        tally.updated,
        tally.unchanged,
    )
    report.updates = tally.updates
    return report


def _write_batch(
    session: Session,
    rows: gpd.GeoDataFrame,
    stored: _Stored,
    zones: gpd.GeoDataFrame,
    fields: list[str],
    tally: _Tally,
    *,
    actor: str,
    source: str,
) -> int:
    """Insert the new parcels of a batch and update the stored ones; rows written."""
    if rows.empty:
        return 0
    taken = set(stored.by_code["parcel_code"])
    is_new = ~rows["parcel_code"].isin(taken)
    zone_ids = _zone_ids(session, rows, zones)
    new_rows, old_rows = rows[is_new], rows[~is_new]
    new_zones = [z for z, n in zip(zone_ids, is_new, strict=True) if n]
    old_zones = [z for z, n in zip(zone_ids, is_new, strict=True) if not n]
    inserted = _insert(session, new_rows, new_zones) if len(new_rows) else 0
    tally.inserted += inserted
    updated = 0
    if len(old_rows):
        updated, unchanged, updates = _update(
            session, old_rows, old_zones, fields, actor=actor, source=source
        )
        tally.updated += updated
        tally.unchanged += unchanged
        tally.updates += updates
    tally.written += inserted + updated
    return inserted + updated
