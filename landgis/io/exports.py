"""Ledger exports: the workbook, CSV, GeoJSON, GeoPackage, Shapefile (zip) and KML.

Each format is a small :class:`Exporter` with a ``name``, a ``media_type``, an
``extension``, the options it accepts and a ``write`` that streams bytes to a binary file.
:func:`export_ledger` is the one entry: it takes the ledger as of a date, narrowed by a
:class:`~landgis.parcels.ParcelFilter`, and returns an :class:`ExportResult` with the bytes
(or the path written), a proper filename and its media type.

What every format carries:

- the ledger columns of DOMAIN section 6 (:data:`landgis.ledger.LEDGER_COLUMNS`) in order
  with their Chinese headers, then ``台账编号`` (case number) and ``版本`` (version) so an
  edited copy can be matched back to its case;
- Chinese labels for codes (状态, 问题类型, 闲置原因, 处置方式, 供地方式);
- areas in 亩 (and factory floor areas in ㎡) to two decimals, dates as dates.

GIS formats join each row to its parcel's geometry (CGCS2000, EPSG:4490) by parcel code;
``scope="parcels"`` exports every parcel instead, with its case where it has one.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, ClassVar
from urllib.parse import quote

import geopandas as gpd
import pandas as pd
import pyogrio
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import vocab
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.errors import InvalidInput
from landgis.geo import CGCS2000_EPSG, gk_zone_epsg
from landgis.io import ledger_xlsx
from landgis.ledger import LEDGER_COLUMNS, case_list
from landgis.parcels import ParcelFilter, parcels_frame
from landgis.stats import headline_figures

# Helper columns after 备注: they let an edited workbook or CSV be matched back to its case.
HELPER_COLUMNS: tuple[tuple[str, str], ...] = (("case_no", "台账编号"), ("version", "版本"))
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (*LEDGER_COLUMNS, *HELPER_COLUMNS)
HEADERS: dict[str, str] = dict(EXPORT_COLUMNS)
OVERDUE_HEADER = "逾期"

# Kind of each column (text when not named): int, mu (亩), m2 (㎡) or date.
COLUMN_KINDS: dict[str, str] = {
    "seq": "int",
    "parcel_area_mu": "mu",
    "idle_area_mu": "mu",
    "idle_building_area_m2": "m2",
    "identified_on": "date",
    "deadline": "date",
    "revitalized_area_mu": "mu",
    "revitalized_building_area_m2": "m2",
    "revitalized_on": "date",
    "closed_on": "date",
    "version": "int",
}
CODE_LABELS: dict[str, dict[str, str]] = {
    "status": vocab.CASE_STATUSES,
    "category": vocab.CATEGORIES,
    "cause": vocab.CAUSES,
    "route": vocab.ROUTES,
    "supply_method": vocab.SUPPLY_METHODS,
}
NO_ZONE_LABEL = "未划定园区"

# Shapefile (dBase) field names: at most 10 bytes in the file's encoding. The default
# names are the pinyin initials usual in Chinese land-administration data (ASCII, so they
# fit in any encoding); the Chinese ones fit GBK (5 characters) and are cut to 3 characters
# in UTF-8. ``fields.txt`` in the zip maps each name back to its header.
SHAPEFILE_FIELDS: dict[str, str] = {
    "seq": "XH",
    "parcel_code": "ZDBH",
    "supervision_no": "DZJGH",
    "project_name": "XMMC",
    "zone_name": "SZYQ",
    "location": "ZL",
    "holder": "TDSYQR",
    "credit_code": "TYSHXYDM",
    "land_use": "TDYT",
    "supply_method": "GDFS",
    "contract_no": "HTBH",
    "parcel_area_mu": "ZDMJ_MU",
    "idle_area_mu": "XZMJ_MU",
    "idle_building_area_m2": "XZCFMJ_M2",
    "category": "WTLX",
    "cause": "XZYY",
    "identified_on": "RDRQ",
    "determination_no": "RDSWH",
    "route": "CZFS",
    "plan_no": "FAPFWH",
    "responsible_unit": "ZRDW",
    "deadline": "WCSX",
    "status": "CZZT",
    "revitalized_area_mu": "PHMJ_MU",
    "revitalized_building_area_m2": "PHCFMJ_M2",
    "revitalized_on": "PHRQ",
    "new_holder": "CJQY",
    "closed_on": "XHRQ",
    "remarks": "BZ",
    "case_no": "TZBH",
    "version": "BB",
    "overdue": "YQ",
}
SHAPEFILE_FIELDS_ZH: dict[str, str] = {
    "seq": "序号",
    "parcel_code": "宗地编号",
    "supervision_no": "电子监管号",
    "project_name": "项目名称",
    "zone_name": "所在园区",
    "location": "坐落",
    "holder": "使用权人",
    "credit_code": "信用代码",
    "land_use": "土地用途",
    "supply_method": "供地方式",
    "contract_no": "合同编号",
    "parcel_area_mu": "宗地面积",
    "idle_area_mu": "闲置面积",
    "idle_building_area_m2": "闲置厂房",
    "category": "问题类型",
    "cause": "闲置原因",
    "identified_on": "认定日期",
    "determination_no": "认定文号",
    "route": "处置方式",
    "plan_no": "批复文号",
    "responsible_unit": "责任单位",
    "deadline": "完成时限",
    "status": "处置状态",
    "revitalized_area_mu": "盘活面积",
    "revitalized_building_area_m2": "盘活厂房",
    "revitalized_on": "盘活日期",
    "new_holder": "承接企业",
    "closed_on": "销号日期",
    "remarks": "备注",
    "case_no": "台账编号",
    "version": "版本",
    "overdue": "逾期",
}
DBF_NAME_BYTES = 10
DBF_TEXT_BYTES = 254

SHAPEFILE_ENCODINGS: dict[str, str] = {"utf-8": "UTF-8", "gbk": "CP936"}
ENCODING_ALIASES: dict[str, str] = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "gbk": "gbk",
    "cp936": "gbk",
    "936": "gbk",
}
# What the .cpg says and the dBase language driver id (byte 29 of the header): "936" and
# 0x4D name the Chinese GBK code page for ArcGIS, QGIS and GDAL alike.
CPG_CONTENT: dict[str, str] = {"utf-8": "UTF-8", "gbk": "936"}
DBF_LANGUAGE_DRIVER: dict[str, int] = {"gbk": 0x4D}

GK_EPSG_RANGE = range(4534, 4555)
AUTO_CRS = "auto"
SCOPES = ("ledger", "parcels")
FIELD_NAME_STYLES = ("short", "chinese")


# --- the data being exported ------------------------------------------------------------


def _blank(value: Any) -> bool:
    return ledger_xlsx.is_blank(value)


def _text_column(column: pd.Series, labels: Mapping[str, str] | None = None) -> pd.Series:
    def convert(value: Any) -> str | None:
        if _blank(value):
            return None
        text = str(value)
        return labels.get(text, text) if labels else text

    return column.map(convert).astype(object)


def _date_column(column: pd.Series) -> pd.Series:
    days = pd.to_datetime(column, errors="coerce")
    return pd.Series(
        [None if pd.isna(d) else d.date() for d in days], index=column.index, dtype=object
    )


def ledger_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The ledger rows as exported: the keys of :data:`EXPORT_COLUMNS` in order, codes as
    Chinese labels, areas rounded to 0.01 (NaN when unknown), dates as ``datetime.date``."""
    columns: dict[str, pd.Series] = {}
    for key, _header in EXPORT_COLUMNS:
        column = rows[key] if key in rows else pd.Series(None, index=rows.index, dtype=object)
        kind = COLUMN_KINDS.get(key, "text")
        if kind in ("mu", "m2"):
            columns[key] = pd.to_numeric(column, errors="coerce").astype(float).round(2)
        elif kind == "int":
            numbers = pd.to_numeric(column, errors="coerce")
            columns[key] = pd.Series(
                [None if pd.isna(v) else int(v) for v in numbers], index=rows.index, dtype=object
            )
        elif kind == "date":
            columns[key] = _date_column(column)
        else:
            columns[key] = _text_column(column, CODE_LABELS.get(key))
    return pd.DataFrame(columns, index=rows.index)


def describe_filters(filters: ParcelFilter) -> str:
    """The filters in words, for notes in exported files ('' when nothing is narrowed)."""
    parts = []
    named = (
        ("处置状态", filters.status, vocab.CASE_STATUSES),
        ("园区", filters.zone, {}),
        ("问题类型", filters.category, vocab.CATEGORIES),
        ("处置方式", filters.route, vocab.ROUTES),
        ("闲置原因", filters.cause, vocab.CAUSES),
        ("宗地编号", filters.codes, {}),
    )
    for label, values, labels in named:
        if values:
            parts.append(f"{label}={'、'.join(labels.get(v, v) for v in values)}")
    if filters.overdue is not None:
        parts.append("逾期=" + ("是" if filters.overdue else "否"))
    if filters.in_ledger is not None:
        parts.append("在台账中=" + ("是" if filters.in_ledger else "否"))
    if filters.bbox is not None:
        parts.append("范围=" + ",".join(f"{v:g}" for v in filters.bbox))
    if filters.text:
        parts.append(f"关键字={filters.text.strip()}")
    return ";".join(parts)


def _has_case_filters(filters: ParcelFilter) -> bool:
    return bool(filters.status or filters.category or filters.route or filters.cause) or (
        filters.overdue is not None or filters.in_ledger is True
    )


@dataclasses.dataclass
class LedgerData:
    """The ledger being exported: its rows as of a date (filtered, numbered 1…N, grouped by
    zone) and, fetched only when a format asks for them, geometries, figures and events."""

    session: Session
    rows: pd.DataFrame
    as_of: dt.date
    county: str
    filters: ParcelFilter = dataclasses.field(default_factory=ParcelFilter)
    # Parcels with a case in the ledger on the date (within the parcel filters), even when
    # ``in_ledger=False`` leaves no rows: the parcels scope leaves these out then.
    ledger_codes: frozenset[str] = frozenset()

    @property
    def title(self) -> str:
        """``青溪县低效闲置工业用地处置台账(截至2023年8月31日)``."""
        return f"{self.county}低效闲置工业用地处置台账(截至{ledger_xlsx.cn_date(self.as_of)})"

    @property
    def filter_note(self) -> str:
        """The filters in words, or ''."""
        return describe_filters(self.filters)

    @cached_property
    def table(self) -> pd.DataFrame:
        """The rows as exported (see :func:`ledger_table`)."""
        return ledger_table(self.rows)

    @property
    def overdue(self) -> list[bool]:
        """Whether each row is past its deadline and still open."""
        if "overdue" not in self.rows:
            return [False] * len(self.rows)
        return [bool(v) if not _blank(v) else False for v in self.rows["overdue"]]

    @property
    def zone_labels(self) -> list[str]:
        """Each row's zone name, for the subtotals."""
        if "zone_name" not in self.rows:
            return [NO_ZONE_LABEL] * len(self.rows)
        return [NO_ZONE_LABEL if _blank(v) else str(v) for v in self.rows["zone_name"]]

    def figures(self, date_from: dt.date | None) -> dict[str, Any]:
        """The headline figures: the ledger as of the export date, revitalized since
        ``date_from`` (the whole county's, whatever the filters)."""
        return headline_figures(self.session, date_from=date_from, date_to=self.as_of)

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every event of the exported cases up to the export date, by case, oldest first."""
        columns = [
            "case_no",
            "parcel_code",
            "occurred_on",
            "actor",
            "action",
            "status_before",
            "status_after",
            "changes",
            "document_no",
            "note",
        ]
        stmt = (
            select(
                Case.case_no,
                Parcel.parcel_code,
                CaseEvent.occurred_on,
                CaseEvent.actor,
                CaseEvent.action,
                CaseEvent.status_before,
                CaseEvent.status_after,
                CaseEvent.changes,
                CaseEvent.document_no,
                CaseEvent.note,
            )
            .join(Case, Case.id == CaseEvent.case_id)
            .join(Parcel, Parcel.id == Case.parcel_id)
            .where(CaseEvent.occurred_on <= self.as_of)
            .order_by(Case.case_no, CaseEvent.occurred_on, CaseEvent.id)
        )
        wanted = set(self.rows["case_no"]) if "case_no" in self.rows else set()
        records = [r for r in self.session.execute(stmt) if r.case_no in wanted]
        return pd.DataFrame.from_records(records, columns=columns)

    def features(self, scope: str = "ledger") -> gpd.GeoDataFrame:
        """The export's rows (keys of :data:`EXPORT_COLUMNS` plus ``overdue``) with their
        parcel's geometry, EPSG:4490.

        ``scope="ledger"``: one feature per ledger row. ``scope="parcels"``: every parcel
        (narrowed by zone, codes, bbox and text), each with its ledger row where it has one;
        case filters (status, category, route, cause, overdue) keep only parcels whose case
        matches, and ``in_ledger=False`` keeps only parcels without a case.
        """
        f = self.filters
        table = self.table.assign(overdue=self.overdue)
        if scope == "ledger":
            parcels = parcels_frame(self.session, ParcelFilter(zone=f.zone, codes=f.codes))
            geometry = parcels[["parcel_code", "geometry"]].drop_duplicates("parcel_code")
            merged = table.merge(geometry, on="parcel_code", how="left")
            return gpd.GeoDataFrame(merged, geometry="geometry", crs=CGCS2000_EPSG)
        parcels = parcels_frame(
            self.session, ParcelFilter(zone=f.zone, codes=f.codes, bbox=f.bbox, text=f.text)
        )
        cases = table.drop_duplicates("parcel_code", keep="last")
        if f.in_ledger is False:
            base = parcels[~parcels["parcel_code"].isin(self.ledger_codes)]
            how = "left"
        else:
            base, how = parcels, ("inner" if _has_case_filters(f) else "left")
        merged = base[
            [
                "parcel_code",
                "project_name",
                "holder",
                "location",
                "land_use",
                "zone_name",
                "area_mu",
                "geometry",
            ]
        ].merge(cases, on="parcel_code", how=how, suffixes=("_parcel", ""))
        for key in ("project_name", "holder", "location", "land_use", "zone_name"):
            merged[key] = merged[key].where(merged[key].notna(), merged[f"{key}_parcel"])
        merged["parcel_area_mu"] = merged["parcel_area_mu"].fillna(merged["area_mu"].round(2))
        keys = [k for k, _ in EXPORT_COLUMNS] + ["overdue"]
        frame = merged[[*keys, "geometry"]].reset_index(drop=True)
        return gpd.GeoDataFrame(frame, geometry="geometry", crs=CGCS2000_EPSG)


def collect_ledger(
    session: Session,
    *,
    as_of: dt.date | None = None,
    filters: ParcelFilter | None = None,
    county: str | None = None,
) -> LedgerData:
    """The ledger as of ``as_of`` (today when None), narrowed by ``filters``.

    Paging (limit, offset) is ignored: an export holds every matching row. Rows are grouped
    by zone and numbered 1…N after filtering.
    """
    if county is None:
        from landgis.settings import get_settings

        county = get_settings().county_name
    filters = dataclasses.replace(filters or ParcelFilter(), limit=None, offset=0)
    rows, _total = case_list(session, filters, as_of)
    if filters.bbox is not None and len(rows):
        inside = parcels_frame(session, ParcelFilter(bbox=filters.bbox))["parcel_code"]
        rows = rows[rows["parcel_code"].isin(set(inside))]
    ledger_codes = frozenset(rows["parcel_code"]) if "parcel_code" in rows else frozenset()
    if filters.in_ledger is False:
        rows = rows.iloc[0:0]
    rows = rows.reset_index(drop=True)
    rows["seq"] = range(1, len(rows) + 1)
    return LedgerData(
        session=session,
        rows=rows,
        as_of=as_of or dt.date.today(),
        county=county,
        filters=filters,
        ledger_codes=ledger_codes,
    )


# --- options ----------------------------------------------------------------------------


def _date_option(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{name} 应为日期 YYYY-MM-DD,收到 {value!r}。",
            f"{name} must be a date YYYY-MM-DD, got {value!r}.",
        ) from exc


def target_epsg(value: Any) -> int | str:
    """The CRS option of GIS files: 4490 (CGCS2000 geographic, the default), a CGCS2000
    3-degree Gauss-Kruger zone 4534–4554, or ``"auto"`` (the zone of the data's centre)."""
    if value is None:
        return CGCS2000_EPSG
    text = str(value).strip().upper().removeprefix("EPSG:")
    if text.lower() in (AUTO_CRS, "gk"):
        return AUTO_CRS
    epsg = int(text) if text.isdigit() else None
    if epsg == CGCS2000_EPSG or epsg in GK_EPSG_RANGE:
        return epsg
    raise InvalidInput(
        f"坐标系 {value!r} 不可用:请选择 CGCS2000 地理坐标 EPSG:4490,"
        "或 CGCS2000 3 度带高斯-克吕格投影 EPSG:4534–4554(中央经线 75°E–135°E),或 auto。",
        f"Coordinate system {value!r} is not offered: choose CGCS2000 geographic EPSG:4490, "
        "a CGCS2000 3-degree Gauss-Kruger zone EPSG:4534–4554 (central meridian 75°E–135°E), "
        "or auto.",
    )


def shapefile_encoding(value: Any) -> str:
    """``utf-8`` (the default) or ``gbk``."""
    if value is None:
        return "utf-8"
    key = str(value).strip().lower().replace("_", "-")
    if key in ENCODING_ALIASES:
        return ENCODING_ALIASES[key]
    raise InvalidInput(
        f"属性编码 {value!r} 不可用,请选择 utf-8 或 gbk。",
        f"Attribute encoding {value!r} is not offered; choose utf-8 or gbk.",
    )


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value is None:
        return choices[0]
    text = str(value).strip().lower()
    if text in choices:
        return text
    raise InvalidInput(
        f"{name} 应为 {' / '.join(choices)} 之一,收到 {value!r}。",
        f"{name} must be one of {', '.join(choices)}, got {value!r}.",
    )


def fit_field_name(name: str, encoding: str, taken: set[str], limit: int = DBF_NAME_BYTES) -> str:
    """``name`` cut to ``limit`` bytes in ``encoding`` at a character boundary, made unique
    among ``taken`` (case-insensitively) with a numeric suffix; added to ``taken``."""

    def cut(text: str, size: int) -> str:
        while len(text.encode(encoding, errors="replace")) > size:
            text = text[:-1]
        return text

    candidate = cut(name, limit)
    n = 1
    while candidate.upper() in taken:
        n += 1
        suffix = str(n)
        candidate = cut(name, limit - len(suffix)) + suffix
    taken.add(candidate.upper())
    return candidate


def shapefile_field_names(encoding: str, style: str = "short") -> dict[str, str]:
    """Field name of each exported key in a shapefile of ``encoding`` (≤ 10 bytes each)."""
    names = SHAPEFILE_FIELDS_ZH if style == "chinese" else SHAPEFILE_FIELDS
    taken: set[str] = set()
    return {key: fit_field_name(name, encoding, taken) for key, name in names.items()}


# --- the formats ------------------------------------------------------------------------


class Exporter:
    """One export format: how it is named, served and written."""

    name: ClassVar[str]
    label: ClassVar[str]
    media_type: ClassVar[str]
    extension: ClassVar[str]
    options: ClassVar[tuple[str, ...]] = ()

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """The options normalized; InvalidInput for unknown names or bad values."""
        given = {k: v for k, v in options.items() if v is not None}
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            accepted = ", ".join(self.options) or "无 none"
            raise InvalidInput(
                f"{self.label} 导出不支持选项 {', '.join(unknown)}(可用:{accepted})。",
                f"The {self.name} export has no option {', '.join(unknown)} "
                f"(accepted: {accepted}).",
            )
        return self.normalize({name: given.get(name) for name in self.options})

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        """Validate and default each accepted option (all are passed, None when not given)."""
        return options

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        """Write ``data`` in this format to the binary stream ``out``."""
        raise NotImplementedError


class XlsxExporter(Exporter):
    """The ledger workbook: 台账 (with subtotals and totals), 核心数据, 处置记录.

    Option ``period_from``: start of the period of the revitalized figures on sheet 2
    (default: 1 January of the export date's year, as in "1–8 月").
    """

    name = "xlsx"
    label = "Excel 台账"
    media_type = ledger_xlsx.MEDIA_TYPE
    extension = "xlsx"
    options = ("period_from",)

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        value = options.get("period_from")
        return {"period_from": None if value is None else _date_option("period_from", value)}

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        period_from = options.get("period_from") or data.as_of.replace(month=1, day=1)
        if period_from > data.as_of:
            raise InvalidInput(
                f"统计期间起始日 {period_from} 晚于台账日期 {data.as_of}。",
                f"The period starts ({period_from}) after the ledger date ({data.as_of}).",
            )
        table = data.table.rename(columns=HEADERS)
        kinds = {HEADERS[k]: COLUMN_KINDS.get(k, "text") for k, _ in EXPORT_COLUMNS}
        notes = ["注:浅红色底纹的条目已逾期(超过完成时限仍未盘活或销号)。"]
        notes.append("“台账编号”“版本”两列供修改后导回系统时核对,请勿改动。")
        if data.filter_note:
            notes.append(f"筛选条件:{data.filter_note}")
        figures_notes = ["本表为全县台账数据,不受筛选条件影响。"] if data.filter_note else []
        span = f"{ledger_xlsx.cn_date(period_from)}至{ledger_xlsx.cn_date(data.as_of)}"
        ledger_xlsx.write_ledger_workbook(
            out,
            title=data.title,
            table=table,
            kinds=kinds,
            groups=data.zone_labels,
            overdue=data.overdue,
            helper_columns=[h for _, h in HELPER_COLUMNS],
            notes=notes,
            figures=data.figures(period_from),
            figures_title=f"{data.county}低效闲置工业用地处置核心数据({span})",
            figures_notes=figures_notes,
            events=data.events,
            properties={
                "title": data.title,
                "subject": "低效闲置工业用地处置台账",
                "company": data.county,
            },
        )


def _csv_value(value: Any, kind: str) -> str:
    if _blank(value):
        return ""
    if kind in ("mu", "m2"):
        return f"{float(value):.2f}"
    if kind == "date":
        return value.isoformat()
    return str(value)


class CsvExporter(Exporter):
    """The ledger rows as CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese),
    the workbook's columns and headers, no title, subtotals or totals."""

    name = "csv"
    label = "CSV"
    media_type = "text/csv; charset=utf-8"
    extension = "csv"

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        try:
            writer = csv.writer(text)
            writer.writerow([header for _, header in EXPORT_COLUMNS])
            kinds = [COLUMN_KINDS.get(key, "text") for key, _ in EXPORT_COLUMNS]
            for record in data.table.itertuples(index=False, name=None):
                writer.writerow(
                    [_csv_value(v, kind) for v, kind in zip(record, kinds, strict=True)]
                )
        finally:
            text.flush()
            text.detach()


def _gis_attributes(
    frame: gpd.GeoDataFrame, names: Mapping[str, str], *, integer_fields: bool = True
) -> gpd.GeoDataFrame:
    """Attributes renamed by ``names`` (key -> field), dates as ISO text, 逾期 as 是/否;
    with ``integer_fields`` 序号 and 版本 as nullable integers (GDAL integer fields)."""
    out = {}
    for key, field in names.items():
        column = frame[key]
        if key == "overdue":
            column = column.map(lambda v: None if _blank(v) else ("是" if v else "否"))
        elif COLUMN_KINDS.get(key) == "date":
            column = column.map(lambda v: None if _blank(v) else v.isoformat())
        elif COLUMN_KINDS.get(key) == "int" and integer_fields:
            column = pd.to_numeric(column, errors="coerce").astype("Int64")
        out[field] = column
    return gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=frame.crs)


def _chinese_names() -> dict[str, str]:
    return {**HEADERS, "overdue": OVERDUE_HEADER}


def _scope_option(options: dict[str, Any]) -> str:
    return _choice("scope", options.get("scope"), SCOPES)


class GeoJSONExporter(Exporter):
    """RFC 7946 GeoJSON (lon/lat, CGCS2000 ≈ WGS 84, no ``crs`` member); properties under
    the Chinese headers; feature id = parcel code. Option ``scope``: ledger or parcels."""

    name = "geojson"
    label = "GeoJSON"
    media_type = "application/geo+json"
    extension = "geojson"
    options = ("scope",)

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"scope": _scope_option(options)}

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        from landgis.geojson import feature_collection

        features = data.features(options.get("scope", "ledger"))
        frame = _gis_attributes(features, _chinese_names(), integer_fields=False)
        out.write(feature_collection(frame, id_column=HEADERS["parcel_code"]).encode("utf-8"))


def _resolve_epsg(frame: gpd.GeoDataFrame, epsg: int | str) -> int:
    if epsg != AUTO_CRS:
        return int(epsg)
    present = frame.geometry.dropna()
    present = present[~present.is_empty]
    if present.empty:
        return CGCS2000_EPSG
    minx, _miny, maxx, _maxy = present.total_bounds
    return gk_zone_epsg((minx + maxx) / 2)


def _copy_file(path: Path, out: BinaryIO) -> None:
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            out.write(chunk)


class GeoPackageExporter(Exporter):
    """A GeoPackage with one layer ``ledger`` (or ``parcels``), Chinese field names.
    Options: ``scope``, ``epsg`` (4490 default, a GK zone 4534–4554, or auto)."""

    name = "gpkg"
    label = "GeoPackage"
    media_type = "application/geopackage+sqlite3"
    extension = "gpkg"
    options = ("scope", "epsg")

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"scope": _scope_option(options), "epsg": target_epsg(options.get("epsg"))}

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        scope = options.get("scope", "ledger")
        frame = _gis_attributes(data.features(scope), _chinese_names())
        frame = frame.to_crs(epsg=_resolve_epsg(frame, options.get("epsg", CGCS2000_EPSG)))
        with tempfile.TemporaryDirectory(prefix="landgis-export-") as tmp:
            path = Path(tmp) / "ledger.gpkg"
            pyogrio.write_dataframe(
                frame,
                path,
                layer=scope,
                driver="GPKG",
                geometry_type="MultiPolygon",
                promote_to_multi=True,
                layer_options={"IDENTIFIER": data.title, "DESCRIPTION": data.filter_note},
            )
            _copy_file(path, out)


def _fit_text(value: Any, encoding: str) -> tuple[Any, bool]:
    """A text value that fits a dBase field in ``encoding`` (≤ 254 bytes, characters the
    encoding lacks as '?'); and whether it had to change."""
    if not isinstance(value, str):
        return value, False
    raw = value.encode(encoding, errors="replace")
    changed = raw.decode(encoding) != value
    if len(raw) > DBF_TEXT_BYTES:
        raw = raw[:DBF_TEXT_BYTES]
        changed = True
    return raw.decode(encoding, errors="ignore"), changed


class ShapefileExporter(Exporter):
    """A zipped Shapefile: .shp .shx .dbf .prj .cpg, ``fields.txt`` (field name → header)
    and ``README.txt``. Options: ``scope``; ``epsg`` (4490 default, a CGCS2000 3-degree GK
    zone 4534–4554, or auto); ``encoding`` of the attributes (utf-8 default, or gbk);
    ``field_names``: short (pinyin initials, default) or chinese (≤ 10 bytes)."""

    name = "shapefile"
    label = "Shapefile"
    media_type = "application/zip"
    extension = "shp.zip"
    options = ("scope", "epsg", "encoding", "field_names")

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "scope": _scope_option(options),
            "epsg": target_epsg(options.get("epsg")),
            "encoding": shapefile_encoding(options.get("encoding")),
            "field_names": _choice("field_names", options.get("field_names"), FIELD_NAME_STYLES),
        }

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        encoding = options.get("encoding", "utf-8")
        codec = SHAPEFILE_ENCODINGS[encoding]
        names = shapefile_field_names(encoding, options.get("field_names", "short"))
        frame = _gis_attributes(data.features(options.get("scope", "ledger")), names)
        epsg = _resolve_epsg(frame, options.get("epsg", CGCS2000_EPSG))
        frame = frame.to_crs(epsg=epsg)
        altered = 0
        for field in frame.columns.drop(frame.geometry.name):
            if frame[field].dtype == object:
                fitted = [_fit_text(v, codec) for v in frame[field]]
                frame[field] = [v for v, _ in fitted]
                altered += sum(changed for _, changed in fitted)
        with tempfile.TemporaryDirectory(prefix="landgis-export-") as tmp:
            base = Path(tmp) / "ledger"
            pyogrio.write_dataframe(
                frame,
                base.with_suffix(".shp"),
                encoding=codec,
                geometry_type="MultiPolygon",
                promote_to_multi=True,
            )
            base.with_suffix(".cpg").write_text(CPG_CONTENT[encoding], encoding="ascii")
            if encoding in DBF_LANGUAGE_DRIVER:
                _set_language_driver(base.with_suffix(".dbf"), DBF_LANGUAGE_DRIVER[encoding])
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                    archive.write(base.with_suffix(suffix), f"ledger{suffix}")
                archive.writestr("fields.txt", _fields_text(names).encode("utf-8-sig"))
                readme = _readme_text(data, epsg, encoding, len(frame), altered)
                archive.writestr("README.txt", readme.encode("utf-8-sig"))


def _set_language_driver(dbf: Path, ldid: int) -> None:
    """Byte 29 of the dBase header: the code page for readers that ignore the .cpg."""
    with dbf.open("r+b") as handle:
        handle.seek(29)
        handle.write(bytes([ldid]))


def _fields_text(names: Mapping[str, str]) -> str:
    headers = _chinese_names()
    lines = ["字段名\t中文名称\tkey"]
    lines += [f"{field}\t{headers[key]}\t{key}" for key, field in names.items()]
    return "\r\n".join(lines) + "\r\n"


def _readme_text(data: LedgerData, epsg: int, encoding: str, count: int, altered: int) -> str:
    crs = (
        "CGCS2000 地理坐标 (EPSG:4490), 经度/纬度"
        if epsg == CGCS2000_EPSG
        else f"CGCS2000 3 度带高斯-克吕格投影 (EPSG:{epsg}), 单位米, 东坐标无带号"
    )
    lines = [
        data.title,
        f"要素数 features: {count}",
        f"坐标系 CRS: {crs}",
        f"属性编码 encoding: {encoding.upper()} (.cpg: {CPG_CONTENT[encoding]})",
        "字段名与中文名称的对照见 fields.txt(dBase 字段名最长 10 字节)。",
        "Field names are at most 10 bytes (dBase); fields.txt maps them to the headers.",
        "面积单位:宗地/闲置/盘活面积为亩,厂房面积为平方米;日期为 YYYY-MM-DD 文本。",
    ]
    if altered:
        lines.append(
            f"注意:{altered} 个文本值超过 254 字节被截断,或含 {encoding.upper()} "
            "无法表示的字符(以 ? 代替)。"
        )
    if data.filter_note:
        lines.append(f"筛选条件:{data.filter_note}")
    return "\r\n".join(lines) + "\r\n"


def _kml_description(row: Mapping[str, Any]) -> str:
    """The case summary shown in a placemark's balloon (HTML)."""

    def value(key: str) -> str:
        raw = row.get(key)
        if _blank(raw):
            return "—"
        kind = COLUMN_KINDS.get(key)
        if kind in ("mu", "m2"):
            return f"{float(raw):.2f}"
        if kind == "date":
            return raw.isoformat()
        return str(raw)

    if _blank(row.get("case_no")):
        items = [("项目名称", "project_name"), ("土地使用权人", "holder"), ("坐落", "location")]
        lines = ["不在台账中"] + [f"{label}: {value(key)}" for label, key in items]
    else:
        lines = [
            f"台账编号: {value('case_no')}({value('status')})",
            f"项目名称: {value('project_name')}",
            f"土地使用权人: {value('holder')}",
            f"所在园区: {value('zone_name')}",
            f"问题类型: {value('category')};闲置原因: {value('cause')}",
            f"闲置/低效面积: {value('idle_area_mu')} 亩;"
            f"盘活面积: {value('revitalized_area_mu')} 亩",
            f"处置方式: {value('route')};完成时限: {value('deadline')}",
        ]
        overdue = row.get("overdue")
        if not _blank(overdue) and bool(overdue):
            lines.append("已逾期")
    return "<br/>".join(html.escape(line) for line in lines)


class KmlExporter(Exporter):
    """KML for Google Earth and 奥维: lon/lat (WGS 84; CGCS2000 agrees within centimetres),
    placemark name = parcel code, description = the case summary, attributes as extended
    data under the Chinese headers. Option ``scope``: ledger or parcels."""

    name = "kml"
    label = "KML"
    media_type = "application/vnd.google-earth.kml+xml"
    extension = "kml"
    options = ("scope",)

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"scope": _scope_option(options)}

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        features = data.features(options.get("scope", "ledger"))
        frame = _gis_attributes(features, _chinese_names())
        descriptions = [
            _kml_description(r) for r in features.drop(columns="geometry").to_dict("records")
        ]
        frame.insert(0, "Description", descriptions)
        frame.insert(0, "Name", features["parcel_code"].to_numpy())
        frame = frame.to_crs(epsg=4326)
        with tempfile.TemporaryDirectory(prefix="landgis-export-") as tmp:
            path = Path(tmp) / "ledger.kml"
            pyogrio.write_dataframe(frame, path, driver="KML", layer="台账")
            _copy_file(path, out)


EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        XlsxExporter(),
        CsvExporter(),
        GeoJSONExporter(),
        GeoPackageExporter(),
        ShapefileExporter(),
        KmlExporter(),
    )
}
FORMAT_ALIASES: dict[str, str] = {
    "excel": "xlsx",
    "json": "geojson",
    "geopackage": "gpkg",
    "shp": "shapefile",
    "shp.zip": "shapefile",
    "zip": "shapefile",
}


def get_exporter(fmt: str) -> Exporter:
    """The exporter named ``fmt`` (a name, an alias or an extension, any case)."""
    key = str(fmt or "").strip().lower().lstrip(".")
    key = FORMAT_ALIASES.get(key, key)
    if key not in EXPORTERS:
        offered = ", ".join(EXPORTERS)
        raise InvalidInput(
            f"不支持的导出格式 {fmt!r},可选:{offered}。",
            f"Unknown export format {fmt!r}; choose one of: {offered}.",
        )
    return EXPORTERS[key]


# --- the entry --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExportResult:
    """A finished export: the bytes (or the path written), its filenames and media type;
    ``rows`` counts the ledger rows exported (features of parcels without a case aside)."""

    filename: str
    ascii_filename: str
    media_type: str
    content: bytes | None = None
    path: Path | None = None
    rows: int = 0

    @property
    def content_disposition(self) -> str:
        """``attachment`` with an ASCII filename and the UTF-8 one (RFC 6266 / 5987)."""
        return (
            f'attachment; filename="{self.ascii_filename}"; '
            f"filename*=UTF-8''{quote(self.filename, safe='')}"
        )


_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


def export_filenames(county: str, as_of: dt.date, extension: str) -> tuple[str, str]:
    """``台账_青溪县_2023-08-31.xlsx`` and its ASCII fallback ``ledger_2023-08-31.xlsx``."""
    place = _UNSAFE_FILENAME.sub("_", county).strip("_.") or "county"
    day = as_of.isoformat()
    return f"台账_{place}_{day}.{extension}", f"ledger_{day}.{extension}"


def export_ledger(
    session: Session,
    fmt: str,
    *,
    as_of: dt.date | None = None,
    filters: ParcelFilter | None = None,
    out: str | os.PathLike[str] | BinaryIO | None = None,
    county: str | None = None,
    **options: Any,
) -> ExportResult:
    """Export the ledger as of ``as_of`` (today when None), narrowed by ``filters``.

    ``fmt`` names the format (see :data:`EXPORTERS`); ``options`` are the format's own
    (None values are ignored). With ``out`` None the bytes come back in the result; with a
    path the file is written (whole or not at all) and the result names it; with a binary
    stream the bytes go there. Unknown formats or options and bad values raise
    :class:`~landgis.errors.InvalidInput` (before the ledger is read, except a workbook
    period that starts after the ledger date).
    """
    exporter = get_exporter(fmt)
    checked = exporter.check_options(options)
    data = collect_ledger(session, as_of=as_of, filters=filters, county=county)
    filename, ascii_name = export_filenames(data.county, data.as_of, exporter.extension)
    result = {
        "filename": filename,
        "ascii_filename": ascii_name,
        "media_type": exporter.media_type,
        "rows": len(data.rows),
    }
    if out is None:
        buffer = io.BytesIO()
        exporter.write(data, buffer, **checked)
        return ExportResult(content=buffer.getvalue(), **result)
    if isinstance(out, str | os.PathLike):
        path = Path(out)
        partial = path.with_name(f".{path.name}.part")
        try:
            with partial.open("wb") as handle:
                exporter.write(data, handle, **checked)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return ExportResult(path=path, **result)
    exporter.write(data, out, **checked)
    return ExportResult(**result)
