"""The maps' own texts (legend, layer names, tooltip and popup labels …) as a
:class:`MapLabels`, Chinese by default; :func:`labels_in` gives them in another language
(from the message catalogues), for a caller to pass to a map. Stored data (holders,
zone names …) is shown as stored.

Labels are plain text, not HTML: the maps escape each one where they show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landgis.efficiency.indicators import CLASS_NAMES, CLASSES
from landgis.i18n import DEFAULT_LANGUAGE, _, localized, pgettext, term
from landgis.vocab import BUILDING_STATES, CASE_STATUSES, ROUTES, ZONE_KINDS

# The status key of a parcel that has no case in the ledger.
NOT_IN_LEDGER = "none"
# The class key, on the evaluation's map, of a parcel no enterprise evaluated holds.
NO_FIGURES = "none"

# Every text of a map, by the MapLabels field that holds it: a catalogue message, a
# vocabulary's names, a mapping of them or (property, label) rows.
TEXTS: dict[str, Any] = {
    "title": _("闲置土地处置台账图"),
    "parcel_title": _("宗地 {code}"),
    "status_legend": _("处置状态"),
    "legend": _("图例"),
    "this_parcel": _("本宗地"),
    "neighbours": _("周边宗地"),
    "neighbours_legend": _("周边宗地(200 米内)"),
    "buildings": _("厂房"),
    "building_state": _("状态"),
    "floor_area": _("建筑面积(㎡)"),
    "no_zone": _("未分区"),
    "case_link": _("查看台账详情 »"),
    "parcel_link": _("查看宗地图 »"),
    "parcels": _("宗地"),
    "zoom_in": _("放大以查看宗地"),
    "statuses": {
        **{code: term("status", code) for code in CASE_STATUSES},
        NOT_IN_LEDGER: _("未列入台账"),
    },
    "routes": {code: term("route", code) for code in ROUTES},
    "building_states": {code: term("building_state", code) for code in BUILDING_STATES},
    "zone_kinds": {code: term("zone_kind", code) for code in ZONE_KINDS},
    "tooltip": {
        "parcel_code": _("宗地编号"),
        "holder": _("土地使用权人"),
        "zone_name": _("所在园区"),
        "status_label": _("处置状态"),
        "area_mu": _("宗地面积(亩)"),
    },
    # Popup rows: (property, label) for parcels in the ledger and for the others.
    "case_popup": (
        ("case_no", _("台账编号")),
        ("parcel_code", _("宗地编号")),
        ("status_label", _("处置状态")),
        ("route_label", pgettext("map", "处置方式")),
        ("idle_mu", _("闲置/低效面积(亩)")),
        ("revitalized_mu", _("盘活面积(亩)")),
        ("deadline", _("完成时限")),
        ("holder", _("土地使用权人")),
        ("project_name", _("项目名称")),
    ),
    "parcel_popup": (
        ("parcel_code", _("宗地编号")),
        ("status_label", _("处置状态")),
        ("holder", _("土地使用权人")),
        ("project_name", _("项目名称")),
        ("zone_name", _("所在园区")),
        ("area_mu", _("宗地面积(亩)")),
    ),
    # The map of a year's per-mu evaluation (亩均效益评价), parcels by their enterprise's class.
    "efficiency_title": _("{year} 年度亩均效益分类图"),
    "class_legend": _("亩均效益分类"),
    "classes": {
        **{name: _("{grade} 类 {title}", grade=name, title=CLASS_NAMES[name]) for name in CLASSES},
        NO_FIGURES: _("无亩均数据"),
    },
    "class_counts": _("{enterprises} 家企业 · {parcels} 宗 · {mu} 亩"),
    "no_figures_counts": _("{parcels} 宗 · {mu} 亩"),
    "trends": {
        "up": _("上升"),
        "down": _("下降"),
        "same": _("持平"),
        "new": _("上年未参评"),
    },
    "trend_from": _("{trend}(上年 {grade} 类)"),
    "efficiency_tooltip": {
        "parcel_code": _("宗地编号"),
        "enterprise": _("企业名称"),
        "holder": _("土地使用权人"),
        "class_label": _("亩均效益分类"),
    },
    # Popup rows: (property, label) for parcels of an enterprise evaluated, and the others.
    "class_popup": (
        ("enterprise", _("企业名称")),
        ("credit_code", _("统一社会信用代码")),
        ("parcel_code", _("宗地编号")),
        ("area_mu", _("宗地面积(亩)")),
        ("enterprise_mu", _("企业用地面积(亩)")),
        ("tax_per_mu", _("亩均税收(万元/亩)")),
        ("score", _("得分")),
        ("class_label", _("亩均效益分类")),
        ("trend_label", _("较上年")),
    ),
    "no_figures_popup": (
        ("parcel_code", _("宗地编号")),
        ("holder", _("土地使用权人")),
        ("zone_name", _("所在园区")),
        ("area_mu", _("宗地面积(亩)")),
        ("class_label", _("亩均效益分类")),
    ),
    "evaluation_link": _("查看评价表 »"),
    # The map of a project's candidates (招商项目), coloured by score band.
    "project_title": _("招商项目 {project_no} 候选地块图"),
    "score_legend": _("候选得分"),
    "score_bands": {
        "high": _("80 分及以上"),
        "medium": _("60–80 分"),
        "low": _("60 分以下"),
    },
    "candidate_kinds": {"case": _("台账地块"), "lease": _("标准厂房空置单元")},
    "score_parts": {
        "area": _("面积匹配"),
        "industry": _("产业匹配"),
        "availability": _("可供状态"),
    },
    "area_units": {"mu": _("亩"), "m2": _("㎡")},
    "candidate_popup": (
        ("rank", _("排名")),
        ("code", _("候选")),
        ("kind_label", _("类型")),
        ("zone", _("所在片区")),
        ("area", _("可供面积")),
        ("score", _("得分")),
    ),
    "building_link": _("查看厂房 »"),
    "basemaps": {
        "none": _("无底图"),
        "osm": "OpenStreetMap",
        "tianditu": _("天地图"),
        "amap": _("高德地图"),
    },
    # Tile layer names (layer control) and attributions of the backgrounds.
    "tiles": {
        "osm": "OpenStreetMap",
        "tianditu_vec": _("天地图矢量"),
        "tianditu_cva": _("天地图注记"),
        "amap": _("高德地图"),
    },
    "attributions": {
        "osm": _("OpenStreetMap 贡献者"),
        "tianditu": _("天地图 国家地理信息公共服务平台"),
        "amap": _("高德地图 AutoNavi (GCJ-02)"),
    },
}


def _rendered(value: Any, lang: str) -> Any:
    if isinstance(value, Mapping):
        return {key: _rendered(item, lang) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple((key, _rendered(item, lang)) for key, item in value)
    return str(localized(value, lang))


def _texts_in(lang: str) -> dict[str, Any]:
    return {name: _rendered(value, lang) for name, value in TEXTS.items()}


_CHINESE = _texts_in(DEFAULT_LANGUAGE)
STATUS_LABELS: dict[str, str] = _CHINESE["statuses"]
NO_ZONE_LABEL: str = _CHINESE["no_zone"]
TOOLTIP_FIELDS: dict[str, str] = _CHINESE["tooltip"]
CASE_POPUP_ROWS: tuple[tuple[str, str], ...] = _CHINESE["case_popup"]
PARCEL_POPUP_ROWS: tuple[tuple[str, str], ...] = _CHINESE["parcel_popup"]
CASE_LINK_TEXT: str = _CHINESE["case_link"]
PARCEL_LINK_TEXT: str = _CHINESE["parcel_link"]
BASEMAP_LABELS: dict[str, str] = _CHINESE["basemaps"]
TILE_NAMES: dict[str, str] = _CHINESE["tiles"]
TILE_ATTRIBUTIONS: dict[str, str] = _CHINESE["attributions"]


@dataclass(frozen=True)
class MapLabels:
    """Every text a map shows of its own, Chinese by default.

    Plain text, not HTML: the maps escape each label where they show it.
    """

    title: str = _CHINESE["title"]
    parcel_title: str = _CHINESE["parcel_title"]
    status_legend: str = _CHINESE["status_legend"]
    legend: str = _CHINESE["legend"]
    this_parcel: str = _CHINESE["this_parcel"]
    neighbours: str = _CHINESE["neighbours"]
    neighbours_legend: str = _CHINESE["neighbours_legend"]
    buildings: str = _CHINESE["buildings"]
    building_state: str = _CHINESE["building_state"]
    floor_area: str = _CHINESE["floor_area"]
    no_zone: str = NO_ZONE_LABEL
    case_link: str = CASE_LINK_TEXT
    parcel_link: str = PARCEL_LINK_TEXT
    parcels: str = _CHINESE["parcels"]
    zoom_in: str = _CHINESE["zoom_in"]
    statuses: Mapping[str, str] = field(default_factory=lambda: dict(STATUS_LABELS))
    routes: Mapping[str, str] = field(default_factory=lambda: dict(_CHINESE["routes"]))
    building_states: Mapping[str, str] = field(
        default_factory=lambda: dict(_CHINESE["building_states"])
    )
    zone_kinds: Mapping[str, str] = field(default_factory=lambda: dict(_CHINESE["zone_kinds"]))
    tooltip: Mapping[str, str] = field(default_factory=lambda: dict(TOOLTIP_FIELDS))
    case_popup: tuple[tuple[str, str], ...] = CASE_POPUP_ROWS
    parcel_popup: tuple[tuple[str, str], ...] = PARCEL_POPUP_ROWS
    efficiency_title: str = _CHINESE["efficiency_title"]
    class_legend: str = _CHINESE["class_legend"]
    classes: Mapping[str, str] = field(default_factory=lambda: dict(_CHINESE["classes"]))
    class_counts: str = _CHINESE["class_counts"]
    no_figures_counts: str = _CHINESE["no_figures_counts"]
    trends: Mapping[str, str] = field(default_factory=lambda: dict(_CHINESE["trends"]))
    trend_from: str = _CHINESE["trend_from"]
    efficiency_tooltip: Mapping[str, str] = field(
        default_factory=lambda: dict(_CHINESE["efficiency_tooltip"])
    )
    class_popup: tuple[tuple[str, str], ...] = _CHINESE["class_popup"]
    no_figures_popup: tuple[tuple[str, str], ...] = _CHINESE["no_figures_popup"]
    evaluation_link: str = _CHINESE["evaluation_link"]
    project_title: str = _CHINESE["project_title"]
    score_legend: str = _CHINESE["score_legend"]
    score_bands: Mapping[str, str] = field(default_factory=lambda: dict(_CHINESE["score_bands"]))
    candidate_kinds: Mapping[str, str] = field(
        default_factory=lambda: dict(_CHINESE["candidate_kinds"])
    )
    score_parts: Mapping[str, str] = field(default_factory=lambda: dict(_CHINESE["score_parts"]))
    area_units: Mapping[str, str] = field(default_factory=lambda: dict(_CHINESE["area_units"]))
    candidate_popup: tuple[tuple[str, str], ...] = _CHINESE["candidate_popup"]
    building_link: str = _CHINESE["building_link"]
    basemaps: Mapping[str, str] = field(default_factory=lambda: dict(BASEMAP_LABELS))
    tiles: Mapping[str, str] = field(default_factory=lambda: dict(TILE_NAMES))
    attributions: Mapping[str, str] = field(default_factory=lambda: dict(TILE_ATTRIBUTIONS))


def labels_in(lang: str = DEFAULT_LANGUAGE) -> MapLabels:
    """Every text of the maps in ``lang`` (from the message catalogues)."""
    return MapLabels(**_texts_in(lang))


CHINESE = MapLabels()
