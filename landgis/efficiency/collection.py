"""The properties of the ``efficiency`` feature collection (亩均效益评价): one feature per
parcel held by an enterprise evaluated in a year, read from the stored results
(:mod:`landgis.efficiency.results`) joined to the parcel, its zone and the enterprise's
row of figures (:func:`joined`).
"""

from __future__ import annotations

from typing import Any

from landgis.db.backends import Rounded
from landgis.db.models import EfficiencyResult, EnterpriseFigures, Parcel, Zone
from landgis.db.query_types import AnySelect
from landgis.efficiency.indicators import CLASSES, FIGURES, INDICATORS
from landgis.feature_properties import GeometryProperty, Property, PropertyMap, PropertyType
from landgis.units import m2_to_mu

COLLECTION_ID = "efficiency"
TRENDS = ("up", "same", "down", "new")
MATCHED_BY = ("code", "name")

_FIGURE_LABELS = {
    "tax_yuan": ("税收(元)", "Tax (yuan)"),
    "revenue_yuan": ("营业收入(元)", "Revenue (yuan)"),
    "output_yuan": ("工业总产值(元)", "Output (yuan)"),
    "value_added_yuan": ("工业增加值(元)", "Value added (yuan)"),
    "energy_tce": ("综合能耗(吨标准煤)", "Energy (tce)"),
    "emissions_t": ("主要污染物排放量(吨)", "Emissions (t)"),
    "employees": ("年平均职工人数", "Employees"),
    "rd_yuan": ("研发经费支出(元)", "R&D spending (yuan)"),
}
_INDICATOR_EN = {
    "tax_per_mu": "Tax per mu",
    "revenue_per_mu": "Revenue per mu",
    "value_added_per_mu": "Value added per mu",
    "value_added_per_energy": "Value added per tce of energy",
    "value_added_per_emission": "Value added per tonne of emissions",
    "labour_productivity": "Labour productivity",
    "rd_intensity": "R&D intensity",
}


def _plain(
    name: str, sql: Any, kind: PropertyType, zh: str, en: str, enum: tuple[str, ...] = ()
) -> Property:
    return Property(name, lambda today: sql, kind, zh, en, enum)


def _properties() -> PropertyMap:
    result = EfficiencyResult
    indicators = [
        _plain(
            indicator.key,
            getattr(result, indicator.key),
            "number",
            f"{indicator.label.render('zh')}({indicator.unit})",
            f"{_INDICATOR_EN[indicator.key]} ({indicator.unit})",
        )
        for indicator in INDICATORS
    ]
    figures = [
        _plain(name, getattr(EnterpriseFigures, name), "number", *_FIGURE_LABELS[name])
        for name in FIGURES
    ]
    properties = [
        _plain("year", result.year, "integer", "年度", "Year"),
        _plain("parcel_code", Parcel.parcel_code, "string", "宗地编号", "Parcel code"),
        _plain("zone_code", Zone.code, "string", "片区编号", "Zone code"),
        _plain("zone_name", Zone.name, "string", "片区名称", "Zone name"),
        _plain(
            "parcel_area_mu",
            Rounded(m2_to_mu(Parcel.area_m2), 2),
            "number",
            "宗地面积(亩)",
            "Parcel area (mu)",
        ),
        _plain(
            "credit_code",
            EnterpriseFigures.credit_code,
            "string",
            "统一社会信用代码",
            "Credit code",
        ),
        _plain("name", EnterpriseFigures.name, "string", "企业名称", "Enterprise"),
        _plain("matched_by", result.matched_by, "string", "匹配方式", "Matched by", MATCHED_BY),
        _plain("parcel_count", result.parcel_count, "integer", "企业宗地数", "Enterprise parcels"),
        _plain(
            "area_mu",
            Rounded(m2_to_mu(result.area_m2), 2),
            "number",
            "企业用地面积(亩)",
            "Enterprise land (mu)",
        ),
        *figures,
        *indicators,
        _plain("score", result.score, "number", "得分", "Score"),
        _plain("class", result.class_, "string", "类别", "Class", CLASSES),
        _plain("previous_score", result.previous_score, "number", "上年得分", "Previous score"),
        _plain(
            "previous_class", result.previous_class, "string", "上年类别", "Previous class", CLASSES
        ),
        _plain("trend", result.trend, "string", "变化", "Trend", TRENDS),
    ]
    geometry = GeometryProperty("geom", lambda: Parcel.geom, "宗地图形", "Parcel boundary")
    return PropertyMap(COLLECTION_ID, tuple(properties), geometry)


PROPERTIES = _properties()


def joined(stmt: AnySelect) -> AnySelect:
    """``stmt`` over the results joined to their parcels (inner: a parcel gone since is
    left out), the parcels' zones and the enterprises' figures."""
    return (
        stmt.select_from(EfficiencyResult)
        .join(Parcel, Parcel.id == EfficiencyResult.parcel_id)
        .join(EnterpriseFigures, EnterpriseFigures.id == EfficiencyResult.figure_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
    )
