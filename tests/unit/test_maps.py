"""The map pages as HTML: offline assets, escaping, layers, basemaps (no database)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from api.web.i18n import map_labels
from landgis.assets import VENDOR_PACKAGES, VENDOR_URL
from landgis.errors import InvalidInput
from landgis.gcj02 import wgs84_to_gcj02
from landgis.i18n import term
from landgis.maps import (
    STATUS_COLOURS,
    MapLabels,
    ledger,
    ledger_map,
    parcel_map,
    parcel_properties,
    render,
    render_for_later,
    resolve_basemap,
    tile_origins,
    with_nonce,
)
from landgis.maps.page import NONCE as NONCE_PATTERN
from landgis.parcel_view import ParcelView
from landgis.tiled_map import tiled_ledger_map

SCRIPT_HOLDER = "<script>alert(1)</script>"
IMG_PROJECT = '"><img src=x onerror=alert(1)>'
BOLD_ZONE = "<b>片区</b>&"


def square(lon: float, lat: float, size: float = 0.001) -> MultiPolygon:
    return MultiPolygon([box(lon, lat, lon + size, lat + size)])


def parcels_fixture() -> gpd.GeoDataFrame:
    rows = [
        # code, zone, holder, project, case_no, status, route
        ("P1", "Z1", "四川甲公司", "项目甲", "QX-XZ-2023-001", "revitalized", "buyback"),
        ("P2", "Z1", SCRIPT_HOLDER, IMG_PROJECT, "QX-XZ-2023-002", "disposing", None),
        ("P3", "Z2", "丙公司", None, None, None, None),
        ("P 4/#", None, "丁公司", "项目丁", None, None, None),
    ]
    frame = gpd.GeoDataFrame(
        {
            "id": range(1, len(rows) + 1),
            "parcel_code": [r[0] for r in rows],
            "zone_code": [r[1] for r in rows],
            "zone_name": [{"Z1": "产城新区", "Z2": BOLD_ZONE}.get(r[1]) for r in rows],
            "holder": [r[2] for r in rows],
            "project_name": [r[3] for r in rows],
            "case_no": [r[4] for r in rows],
            "status": [r[5] for r in rows],
            "route": [r[6] for r in rows],
            "area_m2": [20000.0, 30000.0, 10000.0, 5000.0],
            "idle_area_m2": [20000.0, 30000.0, None, None],
            "revitalized_area_m2": [20000.0, 10000.0, None, None],
            "deadline": [dt.date(2023, 9, 30), dt.date(2024, 6, 30), None, None],
        },
        geometry=[square(104.76 + i * 0.002, 30.09) for i in range(len(rows))],
        crs="EPSG:4490",
    )
    return frame


def zones_fixture() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["C", "Z1", "Z2"],
            "name": ["青溪县", "产城新区", BOLD_ZONE],
            "kind": ["county", "area", "area"],
        },
        geometry=[
            MultiPolygon([box(104.7, 30.0, 104.9, 30.2)]),
            MultiPolygon([box(104.759, 30.089, 104.764, 30.092)]),
            MultiPolygon([box(104.763, 30.089, 104.766, 30.092)]),
        ],
        crs="EPSG:4490",
    )


def decoded(page: str) -> str:
    """The page with the JSON string escapes (\\u003c …) of its embedded data undone."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


class _Fetches(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for attr in ("src", "href", "data", "poster"):
            if values.get(attr) and tag in ("script", "link", "img", "iframe", "source", "object"):
                self.urls.append(values[attr])
        self.urls += re.findall(r"url\(['\"]?([^'\")]+)", values.get("style") or "")
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.urls += re.findall(r"url\(['\"]?([^'\")]+)", data)


def fetched(page: str) -> list[str]:
    parser = _Fetches()
    parser.feed(page)
    return parser.urls


def vendor_file(url: str) -> Path:
    package, _, rest = url.removeprefix(VENDOR_URL + "/").partition("/")
    return Path(VENDOR_PACKAGES[package]) / rest


# --- offline ----------------------------------------------------------------------------


def test_the_default_map_loads_only_landgis_assets_and_mentions_no_server():
    page = render(ledger_map(parcels_fixture(), zones_fixture()))
    urls = fetched(page)
    assert urls, "Leaflet's script and stylesheet"
    for url in urls:
        assert url.startswith(VENDOR_URL + "/"), url
        assert vendor_file(url).is_file(), url
    assert {Path(u).name for u in urls} == {"leaflet.js", "leaflet.css"}
    assert "http://" not in page and "https://" not in page
    for unused in ("jquery", "bootstrap", "awesome", "font-awesome", "cdn"):
        assert unused not in page.lower()


def test_the_stylesheet_images_are_shipped_too():
    css = vendor_file(f"{VENDOR_URL}/leaflet/leaflet.css").read_text()
    for ref in re.findall(r"url\(['\"]?([^'\")]+)", css):
        if not ref.startswith(("data:", "#")):
            assert (vendor_file(f"{VENDOR_URL}/leaflet/leaflet.css").parent / ref).is_file(), ref


@pytest.mark.parametrize("name", ["osm", "tianditu", "amap"])
def test_tile_backgrounds_still_load_the_page_assets_locally(name):
    page = render(ledger_map(parcels_fixture(), zones_fixture(), basemap=name, tianditu_key="k"))
    assert all(url.startswith(VENDOR_URL + "/") for url in fetched(page))
    host = {
        "osm": "tile.openstreetmap.org",
        "tianditu": ".tianditu.gov.cn",
        "amap": ".autonavi.com",
    }
    assert host[name] in page


# --- escaping ---------------------------------------------------------------------------


def test_user_text_is_escaped_everywhere_it_is_shown():
    page = render(ledger_map(parcels_fixture(), zones_fixture()))
    text = decoded(page)
    for raw in (SCRIPT_HOLDER, IMG_PROJECT, "<b>片区</b>"):
        assert raw not in page and raw not in text, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # tooltip and popup
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;b&gt;片区&lt;/b&gt;&amp;" in text  # zone tooltip and layer control
    # The only <script> elements are the page's own.
    assert page.count("<script") == page.count("</script>") == 2  # Leaflet and the map's code


def test_parcel_properties_are_escaped_text_with_the_popup_link():
    props = parcel_properties(parcels_fixture()).set_index("code")
    assert props.loc["P2", "holder"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert props.loc["P2", "project_name"] == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert props.loc["P1", "href"] == "/cases/QX-XZ-2023-001"
    assert props.loc["P3", "href"] == "/map/parcels/P3"
    assert props.loc["P 4/#", "href"] == "/map/parcels/P%204%2F%23"
    assert props.loc["P1", "status_label"] == "已盘活"
    assert props.loc["P1", "route_label"] == "依法回购"
    assert props.loc["P3", "status_label"] == "未列入台账"
    assert props.loc["P1", "idle_mu"] == "30.00"  # 20 000 m² = 30 亩
    assert props.loc["P1", "deadline"] == "2023-09-30"
    assert props.loc["P3", "case_no"] == "" and props.loc["P3", "deadline"] == ""
    assert props.loc["P 4/#", "zone_code"] == ""


# --- layers -----------------------------------------------------------------------------


def geojson_layers(fmap: folium.Map) -> list[folium.GeoJson]:
    return [c for c in fmap._children.values() if isinstance(c, folium.GeoJson)]


def test_one_layer_per_status_and_per_zone_with_a_chinese_legend():
    fmap = ledger_map(parcels_fixture(), zones_fixture())
    names = [layer.layer_name for layer in geojson_layers(fmap)]
    assert any("已盘活 (1)" in n for n in names)
    assert any("处置中 (1)" in n for n in names)
    assert any("未列入台账 (2)" in n for n in names)
    assert any(n.endswith("县界 · 青溪县") for n in names)
    assert any(n.endswith("片区 · 产城新区") for n in names)
    page = render(fmap)
    assert "未分区" in decoded(page)  # the toggle of the parcel without a zone
    assert '"Z1": geo_json_' in page and '"Z2": geo_json_' in page
    legend = re.search(r'<div class="landgis-legend".*?</div></div>', page, re.S).group(0)
    assert "处置状态" in legend
    for label in ("已盘活", "处置中", "未列入台账"):
        assert label in legend
    assert STATUS_COLOURS["revitalized"] in legend
    assert '"preferCanvas": false' in page  # SVG: one element per parcel
    assert "L.control.scale" in page and "imperial: false" in page
    assert "<title>闲置土地处置台账图</title>" in page


def test_many_parcels_are_drawn_on_a_canvas(monkeypatch):
    monkeypatch.setattr(ledger, "SVG_MAX_FEATURES", 2)
    page = render(ledger_map(parcels_fixture(), zones_fixture()))
    assert '"preferCanvas": true' in page


def test_an_empty_selection_still_renders():
    empty = parcels_fixture().iloc[0:0]
    page = render(ledger_map(empty, zones_fixture()))
    assert "landgis" in page


# --- Content Security Policy ------------------------------------------------------------

NONCE = "Zm9yIHRoaXMgcGFnZSBvbmx5"


class _Scripts(HTMLParser):
    """Each script's attributes and text, and every event handler attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self.scripts.append((dict(attrs), ""))
            self._in_script = True

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def scripts_of(page: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(page)
    return parser


def every_map() -> dict[str, folium.Map]:
    return {
        "ledger": ledger_map(parcels_fixture(), zones_fixture()),
        "parcel": parcel_map(view_fixture()),
        "tiled": tiled_ledger_map({"disposing": 3}, (104.7, 30.0, 104.9, 30.2), zones_fixture()),
    }


@pytest.mark.parametrize("kind", ["ledger", "parcel", "tiled"])
def test_a_map_page_has_one_inline_script_and_it_carries_the_nonce(kind):
    page = scripts_of(render(every_map()[kind], nonce=NONCE))
    inline = [(attrs, text) for attrs, text in page.scripts if "src" not in attrs]
    assert len(inline) == 1, "folium's own head script is gone too"
    attrs, text = inline[0]
    assert attrs == {"nonce": NONCE}
    assert "L.map(" in text and "window.landgis" in text, "every element's code is in it"
    assert all(set(a) == {"src"} for a, _ in page.scripts if "src" in a)
    assert page.handlers == [], "no event handler attribute"
    without = scripts_of(render(every_map()[kind]))
    assert [a for a, _ in without.scripts if "src" not in a] == [{}], "no nonce asked, none"


def test_the_map_element_keeps_its_size_and_folium_markup():
    page = render(ledger_map(parcels_fixture(), zones_fixture()), nonce=NONCE)
    name = re.search(r'<div class="folium-map" id="(map_[0-9a-f]+)"', page).group(1)
    assert re.search(rf"#{name} {{ position: relative; width: 100%; height: 100%; }}", page)
    assert re.search(rf'var {name} = L\.map\(\s*"{name}"', page), "folium's map code"
    assert "L_NO_TOUCH" not in page and "L_DISABLE_3D" not in page


@pytest.mark.parametrize("nonce", ["short", 'x" onload="alert(1)" a="xxxxxxxx', "a" * 15])
def test_a_nonce_that_is_not_base64_text_is_refused(nonce):
    with pytest.raises(ValueError):
        render(ledger_map(parcels_fixture(), zones_fixture()), nonce=nonce)


@pytest.mark.parametrize("name", ["none", "osm", "tianditu", "amap"])
def test_tile_origins_name_every_host_the_background_loads_from(name):
    background = resolve_basemap(name, "k")
    origins = tile_origins(background)
    expected = {
        "none": (),
        "osm": ("https://tile.openstreetmap.org",),
        "tianditu": tuple(f"https://t{i}.tianditu.gov.cn" for i in range(8)),
        "amap": tuple(f"https://webrd0{i}.is.autonavi.com" for i in range(1, 5)),
    }
    assert origins == expected[name]
    for source in background.tiles:
        for subdomain in source.subdomains or "abc":
            url = source.url.replace("{s}", subdomain)
            assert any(url.startswith(origin + "/") for origin in origins), url


# --- basemaps ---------------------------------------------------------------------------


def test_basemaps():
    assert resolve_basemap("none").tiles == ()
    osm = resolve_basemap("osm")
    assert osm.tiles[0].url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert not osm.gcj02
    tianditu = resolve_basemap("tianditu", "a key&x")
    assert [t.overlay for t in tianditu.tiles] == [False, True]
    vec, cva = (t.url for t in tianditu.tiles)
    assert "/vec_w/" in vec and "LAYER=vec" in vec and "/cva_w/" in cva
    assert vec.endswith("tk=a%20key%26x") and "{s}" in vec and "{z}" in vec
    assert resolve_basemap("amap").gcj02


@pytest.mark.parametrize("key", [None, "", "  "])
def test_tianditu_needs_a_key(key):
    with pytest.raises(InvalidInput) as error:
        resolve_basemap("tianditu", key)
    assert "密钥" in error.value.message and "LANDGIS_TIANDITU_KEY" in error.value.message
    with pytest.raises(InvalidInput):
        ledger_map(parcels_fixture(), zones_fixture(), basemap="tianditu", tianditu_key=key)


def test_an_unknown_basemap_is_refused():
    with pytest.raises(InvalidInput):
        resolve_basemap("google")


def test_amap_shifts_parcels_and_zones_for_display_only():
    parcels, zones = parcels_fixture(), zones_fixture()
    before = shapely.get_coordinates(parcels.geometry.values).copy()
    fmap = ledger_map(parcels, zones, basemap="amap")
    np.testing.assert_array_equal(shapely.get_coordinates(parcels.geometry.values), before)
    drawn = {
        f["id"]: f["geometry"]["coordinates"][0][0][0]
        for layer in geojson_layers(fmap)
        for f in layer.data["features"]
        if "id" in f and f["properties"].get("code")
    }
    lon, lat = before[0]
    expected = [float(v) for v in wgs84_to_gcj02(lon, lat)]
    assert drawn["P1"] == pytest.approx(expected, abs=1e-7)
    assert abs(drawn["P1"][0] - lon) > 1e-3
    zone_layer = next(layer for layer in geojson_layers(fmap) if "青溪县" in layer.layer_name)
    zlon, zlat = zone_layer.data["features"][0]["geometry"]["coordinates"][0][0][0]
    ztrue = shapely.get_coordinates(zones.geometry.iloc[0])[0]
    assert (zlon, zlat) == pytest.approx([float(v) for v in wgs84_to_gcj02(*ztrue)], abs=1e-7)


# --- one parcel -------------------------------------------------------------------------


def view_fixture() -> ParcelView:
    frame = parcels_fixture()
    buildings = gpd.GeoDataFrame(
        {
            "id": [1, 2, 3],
            "parcel_id": [2, 2, 2],
            "name": ["1号厂房", "<i>仓库</i>", "无图形"],
            "floor_area_m2": [12000.0, 3456.0, 100.0],
            "state": ["in_use", "idle", "revitalized"],
        },
        geometry=[
            MultiPolygon([Polygon(box(104.7622, 30.0902, 104.7625, 30.0905))]),
            MultiPolygon([Polygon(box(104.7626, 30.0902, 104.7628, 30.0905))]),
            None,
        ],
        crs="EPSG:4490",
    )
    return ParcelView(
        parcel=frame.iloc[[1]].reset_index(drop=True),
        neighbours=frame.iloc[[0, 2]].reset_index(drop=True).assign(distance_m=[10.0, 20.0]),
        buildings=buildings,
    )


def test_the_parcel_map_draws_the_parcel_neighbours_and_buildings():
    fmap = parcel_map(view_fixture())
    page = render(fmap)
    text = decoded(page)
    assert "landgis-parcel-focus" in page and "landgis-neighbour" in page
    assert "landgis-building landgis-building-in_use" in page
    assert "landgis-building landgis-building-idle" in page
    assert "<title>宗地 P2</title>" in page
    assert "周边宗地 (2)" in text and "厂房 (2)" in text
    assert "建筑面积(㎡)" in text and "12,000" in text and "3,456" in text
    assert "&lt;i&gt;仓库&lt;/i&gt;" in text and "<i>仓库</i>" not in text
    assert SCRIPT_HOLDER not in text
    assert all(url.startswith(VENDOR_URL + "/") for url in fetched(page))
    assert "http://" not in page and "https://" not in page
    layers = {layer.layer_name for layer in geojson_layers(fmap)}
    assert any("本宗地" in name for name in layers)


def test_the_parcel_map_without_neighbours_or_buildings():
    view = view_fixture()
    lonely = ParcelView(
        parcel=view.parcel,
        neighbours=view.neighbours.iloc[0:0],
        buildings=view.buildings.iloc[0:0],
    )
    page = render(parcel_map(lonely, basemap="amap"))
    assert "landgis-parcel-focus" in page and "landgis-neighbour" not in page


# --- languages --------------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f㎡]")
# Stored data the fixtures hold: it is shown as stored, in any language.
USER_TEXT = (
    "四川甲公司",
    "丙公司",
    "丁公司",
    "项目甲",
    "项目丁",
    "产城新区",
    "青溪县",
    "&lt;b&gt;片区&lt;/b&gt;&amp;",
    "1号厂房",
    "&lt;i&gt;仓库&lt;/i&gt;",
    "无图形",
)


def without_user_text(page: str) -> str:
    text = decoded(page)
    for value in USER_TEXT:
        text = text.replace(value, "")
    return text


def test_english_labels_replace_every_chinese_label_of_both_maps():
    english = map_labels("en")
    assert map_labels("zh") == MapLabels()

    ledger = render(ledger_map(parcels_fixture(), zones_fixture(), labels=english))
    text = decoded(ledger)
    legend = re.search(r'<div class="landgis-legend".*?</div></div>', ledger, re.S).group(0)
    assert "<b>Status</b>" in legend
    statuses = [term("status", code).render("en") for code in ("revitalized", "disposing")]
    for label in (*statuses, "Not in the ledger"):
        assert label in legend
    assert "Parcel code" in text and "Land-use right holder" in text  # tooltip aliases
    assert "View the case »" in text and "View the parcel map »" in text  # popup links
    assert "Disposal route" in text and "Buyback" in text  # popup row and route name
    assert "Area · 产城新区" in text and "No zone" in text  # layer control
    assert "<title>Idle land disposal ledger map</title>" in ledger
    leftover = CJK.findall(without_user_text(ledger))
    assert leftover == [], "".join(leftover)

    parcel = render(parcel_map(view_fixture(), labels=english))
    text = decoded(parcel)
    assert "<title>Parcel P2</title>" in parcel
    assert "<b>Legend</b>" in text and "This parcel" in text
    assert "Nearby parcels (2)" in text and "Factory buildings (2)" in text
    assert "Floor area (m²)" in text and "Factory buildings · Idle" in text
    leftover = CJK.findall(without_user_text(parcel))
    assert leftover == [], "".join(leftover)
    # User text is escaped as before, whatever the language.
    assert SCRIPT_HOLDER not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize("name", ["osm", "tianditu", "amap"])
def test_english_basemap_names(name):
    page = render(
        ledger_map(
            parcels_fixture(),
            zones_fixture(),
            basemap=name,
            tianditu_key="k",
            labels=map_labels("en"),
        )
    )
    assert CJK.findall(without_user_text(page)) == []


def test_the_chinese_labels_are_still_the_default():
    page = decoded(render(parcel_map(view_fixture())))
    assert "图例" in page and "本宗地" in page and "查看台账详情 »" in page
    assert "Legend" not in page and "This parcel" not in page


def test_a_page_rendered_for_later_takes_each_responses_nonce():
    page, placeholder = render_for_later(ledger_map(parcels_fixture(), zones_fixture()))
    assert NONCE_PATTERN.match(placeholder)
    served = scripts_of(with_nonce(page, placeholder, NONCE))
    inline = [attrs for attrs, _text in served.scripts if "src" not in attrs]
    assert inline == [{"nonce": NONCE}]
    assert placeholder not in with_nonce(page, placeholder, NONCE)
    for nonce, kept in (("short", placeholder), (NONCE, "a" * 32)):
        with pytest.raises(ValueError):
            with_nonce(page, kept, nonce)
