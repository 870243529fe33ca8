"""The fields of each record landgis keeps: zones, parcels, buildings, cases and events,
in the order files and pages list them."""

from __future__ import annotations

from typing import Any

from landgis.schema.field import Field, FieldSet, Kind

ZONE = FieldSet(
    Field("code", "code", "园区编号", "Zone code"),
    Field("name", "text", "园区名称", "Zone name"),
    Field("kind", "vocab", "类型", "Kind", vocabulary="zone_kind"),
    Field("parent_code", "code", "上级园区", "Parent zone"),
)

PARCEL = FieldSet(
    Field("parcel_code", "code", "宗地编号", "Parcel code"),
    Field("supervision_no", "code", "电子监管号", "Supervision number", editable=True),
    Field("project_name", "text", "项目名称", "Project", editable=True),
    Field("zone_code", "code", "园区编号", "Zone code", editable=True),
    Field("location", "text", "坐落", "Location", editable=True),
    Field("holder", "text", "土地使用权人", "Land-use right holder", editable=True),
    Field("credit_code", "code", "统一社会信用代码", "Unified social credit code", editable=True),
    Field("land_use", "text", "土地用途", "Land use", editable=True),
    Field(
        "supply_method",
        "vocab",
        "供地方式",
        "Supply method",
        vocabulary="supply_method",
        editable=True,
    ),
    Field("contract_no", "code", "合同编号", "Contract number", editable=True),
    Field("contract_date", "date", "签订日期", "Contract date", editable=True),
    Field("land_price_yuan", "money", "出让价款", "Land price", unit="yuan", editable=True),
    Field("agreed_start_date", "date", "约定动工日期", "Agreed start of works", editable=True),
    Field("agreed_completion_date", "date", "约定竣工日期", "Agreed completion", editable=True),
    Field("actual_start_date", "date", "实际动工日期", "Actual start of works", editable=True),
    Field("actual_completion_date", "date", "实际竣工日期", "Actual completion", editable=True),
    Field("registered_area_m2", "area", "登记面积", "Registered area", unit="m2", editable=True),
    Field("plot_ratio", "float", "容积率", "Plot ratio", editable=True),
    Field("tax_per_mu", "money", "亩均税收", "Tax per mu", unit="yuan/mu", editable=True),
)
PARCEL_AREA = Field("area_m2", "area", "宗地面积", "Parcel area", unit="m2")
"""The parcel's area, computed from its polygon in its Gauss-Krüger zone (never typed)."""

BUILDING = FieldSet(
    Field("parcel_code", "code", "宗地编号", "Parcel code"),
    Field("name", "text", "厂房名称", "Building"),
    Field("floors", "int", "层数", "Floors"),
    Field("footprint_area_m2", "floor_area", "占地面积", "Footprint area", unit="m2"),
    Field("floor_area_m2", "floor_area", "建筑面积", "Floor area", unit="m2"),
    Field("state", "vocab", "使用状态", "State", vocabulary="building_state"),
)


def _kept(name: str, kind: Kind, zh: str, en: str, **flags: Any) -> Field:
    """A case field the ledger keeps the history of; a clerk edits it unless told."""
    return Field(name, kind, zh, en, tracked=True, editable=flags.pop("editable", True), **flags)


CASE = FieldSet(
    Field("case_no", "code", "台账编号", "Case number"),
    Field("parcel_code", "code", "宗地编号", "Parcel code"),
    _kept("category", "vocab", "问题类型", "Category", vocabulary="category"),
    _kept("cause", "vocab", "闲置原因", "Cause", vocabulary="cause"),
    _kept("cause_detail", "text", "原因说明", "Cause in detail"),
    _kept("idle_area_m2", "area", "闲置/低效面积", "Idle / low-efficiency area", unit="m2"),
    _kept(
        "idle_building_area_m2", "floor_area", "闲置厂房面积", "Idle factory floor area", unit="m2"
    ),
    _kept("identified_on", "date", "认定日期", "Determined on"),
    _kept("determination_no", "code", "认定书文号", "Determination number"),
    _kept("route", "vocab", "处置方式", "Disposal route", vocabulary="route"),
    _kept("plan_no", "code", "方案批复文号", "Plan approval number"),
    _kept("deadline", "date", "完成时限", "Deadline"),
    _kept("responsible_unit", "text", "责任单位", "Responsible unit"),
    _kept("revitalized_area_m2", "area", "盘活面积", "Revitalized area", unit="m2", editable=False),
    _kept(
        "revitalized_building_area_m2",
        "floor_area",
        "盘活厂房面积",
        "Revitalized factory floor area",
        unit="m2",
    ),
    _kept("revitalized_on", "date", "盘活日期", "Revitalized on"),
    _kept("new_holder", "text", "承接企业", "New enterprise"),
    _kept("new_project", "text", "新项目", "New project"),
    _kept("amount_yuan", "money", "金额", "Amount", unit="yuan"),
    _kept("closed_on", "date", "销号日期", "Closed out on", editable=False),
    Field("status", "vocab", "处置状态", "Status", vocabulary="status"),
    _kept("remarks", "text", "备注", "Remarks"),
    _kept("next_step", "text", "下一步计划", "Next step", exchange=False),
)

EVENT = FieldSet(
    Field("case_no", "code", "台账编号", "Case number"),
    Field("occurred_on", "date", "日期", "Date"),
    Field("actor", "text", "经办人", "By"),
    Field("action", "vocab", "操作", "Action", vocabulary="action"),
    Field("status_before", "vocab", "原状态", "Status before", vocabulary="status"),
    Field("status_after", "vocab", "新状态", "Status after", vocabulary="status"),
    Field("changes", "text", "变更内容", "Changes"),
    Field("document_no", "code", "文号", "Document number"),
    Field("note", "text", "备注", "Note"),
)
