"""The maps' own texts (legend, layer names, tooltip and popup labels …) as a
:class:`MapLabels`, Chinese by default; a caller passes another one to show a map in
another language. Stored data (holders, zone names …) is shown as stored.

Labels are plain text, not HTML: the maps escape each one where they show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from landgis.vocab import BUILDING_STATES, CASE_STATUSES, ROUTES, ZONE_KINDS

# The status key of a parcel that has no case in the ledger.
NOT_IN_LEDGER = "none"
STATUS_LABELS: dict[str, str] = {**CASE_STATUSES, NOT_IN_LEDGER: "未列入台账"}
NO_ZONE_LABEL = "未分区"
TOOLTIP_FIELDS = {
    "parcel_code": "宗地编号",
    "holder": "土地使用权人",
    "zone_name": "所在园区",
    "status_label": "处置状态",
    "area_mu": "宗地面积(亩)",
}
# Popup rows: (property, label) for parcels in the ledger and for the others.
CASE_POPUP_ROWS: tuple[tuple[str, str], ...] = (
    ("case_no", "台账编号"),
    ("parcel_code", "宗地编号"),
    ("status_label", "处置状态"),
    ("route_label", "处置方式"),
    ("idle_mu", "闲置/低效面积(亩)"),
    ("revitalized_mu", "盘活面积(亩)"),
    ("deadline", "完成时限"),
    ("holder", "土地使用权人"),
    ("project_name", "项目名称"),
)
PARCEL_POPUP_ROWS: tuple[tuple[str, str], ...] = (
    ("parcel_code", "宗地编号"),
    ("status_label", "处置状态"),
    ("holder", "土地使用权人"),
    ("project_name", "项目名称"),
    ("zone_name", "所在园区"),
    ("area_mu", "宗地面积(亩)"),
)
CASE_LINK_TEXT = "查看台账详情 »"
PARCEL_LINK_TEXT = "查看宗地图 »"
BASEMAP_LABELS: dict[str, str] = {
    "none": "无底图",
    "osm": "OpenStreetMap",
    "tianditu": "天地图",
    "amap": "高德地图",
}
# Tile layer names (layer control) and attributions of the backgrounds.
TILE_NAMES: dict[str, str] = {
    "osm": "OpenStreetMap",
    "tianditu_vec": "天地图矢量",
    "tianditu_cva": "天地图注记",
    "amap": "高德地图",
}
TILE_ATTRIBUTIONS: dict[str, str] = {
    "osm": "OpenStreetMap 贡献者",
    "tianditu": "天地图 国家地理信息公共服务平台",
    "amap": "高德地图 AutoNavi (GCJ-02)",
}


@dataclass(frozen=True)
class MapLabels:
    """Every text a map shows of its own, Chinese by default.

    Plain text, not HTML: the maps escape each label where they show it.
    """

    title: str = "闲置土地处置台账图"
    parcel_title: str = "宗地 {code}"
    status_legend: str = "处置状态"
    legend: str = "图例"
    this_parcel: str = "本宗地"
    neighbours: str = "周边宗地"
    neighbours_legend: str = "周边宗地(200 米内)"
    buildings: str = "厂房"
    building_state: str = "状态"
    floor_area: str = "建筑面积(㎡)"
    no_zone: str = NO_ZONE_LABEL
    case_link: str = CASE_LINK_TEXT
    parcel_link: str = PARCEL_LINK_TEXT
    parcels: str = "宗地"
    zoom_in: str = "放大以查看宗地"
    statuses: Mapping[str, str] = field(default_factory=lambda: dict(STATUS_LABELS))
    routes: Mapping[str, str] = field(default_factory=lambda: dict(ROUTES))
    building_states: Mapping[str, str] = field(default_factory=lambda: dict(BUILDING_STATES))
    zone_kinds: Mapping[str, str] = field(default_factory=lambda: dict(ZONE_KINDS))
    tooltip: Mapping[str, str] = field(default_factory=lambda: dict(TOOLTIP_FIELDS))
    case_popup: tuple[tuple[str, str], ...] = CASE_POPUP_ROWS
    parcel_popup: tuple[tuple[str, str], ...] = PARCEL_POPUP_ROWS
    basemaps: Mapping[str, str] = field(default_factory=lambda: dict(BASEMAP_LABELS))
    tiles: Mapping[str, str] = field(default_factory=lambda: dict(TILE_NAMES))
    attributions: Mapping[str, str] = field(default_factory=lambda: dict(TILE_ATTRIBUTIONS))


CHINESE = MapLabels()
