"""The ledger's columns (台账, DOMAIN section 6) as the page, the workbook, the CSV and the
GIS exports carry them: each column names the field it shows and the unit it shows it in.

Headers are derived from the field's labels and the unit (``闲置/低效面积(亩)``,
``Idle / low-efficiency area (mu)``), so a label is written once. Shapefile names are
the column's own: a DBF field name holds ten bytes (five Chinese characters in GBK).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from landgis.schema.field import Field
from landgis.schema.records import CASE, EVENT, PARCEL, PARCEL_AREA

ColumnKind = Literal["text", "int", "mu", "m2", "date"]

UNIT_SUFFIX: dict[str, tuple[str, str]] = {"mu": ("(亩)", " (mu)"), "m2": ("(㎡)", " (m²)")}


@dataclass(frozen=True)
class Column:
    """One column of the ledger: ``key`` in a ledger row, the ``field`` it shows (None for
    a column of its own, such as 序号), ``kind`` as shown (``mu`` for land areas shown in
    亩, ``m2`` for floor areas in ㎡), and its short names in a Shapefile."""

    key: str
    kind: ColumnKind
    zh: str
    en: str
    shapefile: str
    shapefile_zh: str
    field: Field | None = None
    vocabulary: str | None = None

    def header(self, lang: str = "zh") -> str:
        """The column's header in ``lang`` (``zh`` or ``en``)."""
        return self.en if lang == "en" else self.zh

    def render(self, lang: str = "zh") -> str:
        """As a value of a message, a column shows as its header in the message's language."""
        return self.header(lang)


def _column(field: Field, shapefile: str, shapefile_zh: str, *, key: str | None = None) -> Column:
    kind: ColumnKind
    if field.kind == "area":
        kind = "mu"
    elif field.kind == "floor_area":
        kind = "m2"
    elif field.kind == "date":
        kind = "date"
    elif field.kind == "int":
        kind = "int"
    else:
        kind = "text"
    zh_suffix, en_suffix = UNIT_SUFFIX.get(kind, ("", ""))
    return Column(
        key=key or field.name,
        kind=kind,
        zh=field.zh + zh_suffix,
        en=field.en + en_suffix,
        shapefile=shapefile,
        shapefile_zh=shapefile_zh,
        field=field,
        vocabulary=field.vocabulary,
    )


ZONE_NAME = Field("zone_name", "text", "所在园区", "Zone")

LEDGER: tuple[Column, ...] = (
    Column("seq", "int", "序号", "No.", "XH", "序号"),
    _column(PARCEL["parcel_code"], "ZDBH", "宗地编号"),
    _column(PARCEL["supervision_no"], "DZJGH", "电子监管号"),
    _column(PARCEL["project_name"], "XMMC", "项目名称"),
    _column(ZONE_NAME, "SZYQ", "所在园区"),
    _column(PARCEL["location"], "ZL", "坐落"),
    _column(PARCEL["holder"], "TDSYQR", "使用权人"),
    _column(PARCEL["credit_code"], "TYSHXYDM", "信用代码"),
    _column(PARCEL["land_use"], "TDYT", "土地用途"),
    _column(PARCEL["supply_method"], "GDFS", "供地方式"),
    _column(PARCEL["contract_no"], "HTBH", "合同编号"),
    _column(PARCEL_AREA, "ZDMJ_MU", "宗地面积", key="parcel_area_mu"),
    _column(CASE["idle_area_m2"], "XZMJ_MU", "闲置面积", key="idle_area_mu"),
    _column(CASE["idle_building_area_m2"], "XZCFMJ_M2", "闲置厂房"),
    _column(CASE["category"], "WTLX", "问题类型"),
    _column(CASE["cause"], "XZYY", "闲置原因"),
    _column(CASE["identified_on"], "RDRQ", "认定日期"),
    _column(CASE["determination_no"], "RDSWH", "认定文号"),
    _column(CASE["route"], "CZFS", "处置方式"),
    _column(CASE["plan_no"], "FAPFWH", "批复文号"),
    _column(CASE["responsible_unit"], "ZRDW", "责任单位"),
    _column(CASE["deadline"], "WCSX", "完成时限"),
    _column(CASE["status"], "CZZT", "处置状态"),
    _column(CASE["revitalized_area_m2"], "PHMJ_MU", "盘活面积", key="revitalized_area_mu"),
    _column(CASE["revitalized_building_area_m2"], "PHCFMJ_M2", "盘活厂房"),
    _column(CASE["revitalized_on"], "PHRQ", "盘活日期"),
    _column(CASE["new_holder"], "CJQY", "承接企业"),
    _column(CASE["closed_on"], "XHRQ", "销号日期"),
    _column(CASE["remarks"], "BZ", "备注"),
)
"""The ledger's columns in the order of DOMAIN section 6."""

HELPERS: tuple[Column, ...] = (
    _column(CASE["case_no"], "TZBH", "台账编号"),
    Column("version", "int", "版本", "Version", "BB", "版本"),
)
"""After 备注: they let an edited workbook or CSV be matched back to its case."""

OVERDUE = Column("overdue", "text", "逾期", "Overdue", "YQ", "逾期")
"""Whether the case is past its deadline (see :mod:`landgis.rules`)."""

EXPORTED: tuple[Column, ...] = (*LEDGER, *HELPERS)
BY_KEY: dict[str, Column] = {c.key: c for c in (*EXPORTED, OVERDUE)}

EVENT_SHEET: tuple[Column, ...] = (
    _column(EVENT["case_no"], "TZBH", "台账编号"),
    _column(PARCEL["parcel_code"], "ZDBH", "宗地编号"),
    *(
        _column(EVENT[name], name.upper()[:10], EVENT[name].zh)
        for name in EVENT.names()
        if name != "case_no"
    ),
)
"""The columns of an exported case history (the workbook's 处置记录 sheet)."""

LAND_AREA_FIELDS: frozenset[str] = frozenset(f.name for f in CASE if f.kind == "area")
FLOOR_AREA_FIELDS: frozenset[str] = frozenset(f.name for f in CASE if f.kind == "floor_area")
