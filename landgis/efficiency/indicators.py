"""The indicators of the per-mu evaluation (亩均效益评价): each a ratio of an enterprise's
yearly figure to its land (亩), its energy, its emissions, its staff or its revenue.

The default weights follow the shape of the county schemes that grew out of Zhejiang's
"亩均论英雄" reform (浙政发〔2018〕5号, 规上工业企业): tax per 亩 weighs most, then value
added per 亩, with energy, emissions, labour productivity and R&D intensity beside them;
revenue per 亩 (used for smaller enterprises) is listed but weighs nothing until a county
gives it weight. A county sets its own (``LANDGIS_EFFICIENCY__WEIGHTS``).
"""

from __future__ import annotations

from dataclasses import dataclass

from landgis.i18n import Localizable, _


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``numerator / denominator`` of the figures (``area_mu`` is the
    enterprise's land), shown in ``unit`` after dividing by ``scale``."""

    key: str
    label: Localizable
    numerator: str
    denominator: str
    unit: str
    scale: float
    weight: float


INDICATORS: tuple[Indicator, ...] = (
    Indicator("tax_per_mu", _("亩均税收"), "tax_yuan", "area_mu", "万元/亩", 1e4, 40),
    Indicator("revenue_per_mu", _("亩均营业收入"), "revenue_yuan", "area_mu", "万元/亩", 1e4, 0),
    Indicator(
        "value_added_per_mu", _("亩均增加值"), "value_added_yuan", "area_mu", "万元/亩", 1e4, 20
    ),
    Indicator(
        "value_added_per_energy",
        _("单位能耗增加值"),
        "value_added_yuan",
        "energy_tce",
        "万元/吨标准煤",
        1e4,
        10,
    ),
    Indicator(
        "value_added_per_emission",
        _("单位排放增加值"),
        "value_added_yuan",
        "emissions_t",
        "万元/吨",
        1e4,
        10,
    ),
    Indicator(
        "labour_productivity",
        _("全员劳动生产率"),
        "value_added_yuan",
        "employees",
        "万元/人",
        1e4,
        10,
    ),
    Indicator("rd_intensity", _("研发经费投入强度"), "rd_yuan", "revenue_yuan", "%", 0.01, 10),
)
BY_KEY: dict[str, Indicator] = {indicator.key: indicator for indicator in INDICATORS}

# The yearly figures an enterprise reports (columns of ``enterprise_figures``).
FIGURES: tuple[str, ...] = (
    "tax_yuan",
    "revenue_yuan",
    "output_yuan",
    "value_added_yuan",
    "energy_tce",
    "emissions_t",
    "employees",
    "rd_yuan",
)
CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
CLASS_NAMES: dict[str, Localizable] = {
    "A": _("优先发展"),
    "B": _("提升发展"),
    "C": _("整治提升"),
    "D": _("淘汰退出"),
}
