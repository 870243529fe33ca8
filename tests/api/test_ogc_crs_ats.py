"""The requirements of OGC API - Features - Part 2: Coordinate Reference Systems by
Reference (OGC 18-058r1, requirements class /req/crs), one test per requirement, named by
it, against ``landgis serve`` on loopback on each backend (the live server of the Part 1
suite, :mod:`tests.api.test_ogc_core_ats`).

What a response should hold is worked out here independently of the server: coordinates
in a projected CRS with pyproj from the CRS84 page, bounding boxes with shapely.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import box, shape

from tests.api.ogc_live import GEOJSON, Site, serve
from tests.api.ogc_live import links_by_rel as _links
from tests.api.test_ogc_core_ats import CRS84, _assert_exception

EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
CGCS2000 = EPSG.format(4490)
ZONE_35 = EPSG.format(4523)  # CGCS2000 3-degree GK zone 35 (central meridian 105° E)
ZONE_40 = EPSG.format(4528)
OFFERED = [CRS84, CGCS2000, EPSG.format(4326), *(EPSG.format(c) for c in range(4513, 4555))]
CRS_URI = re.compile(r"^http://www\.opengis\.net/def/crs/(EPSG|OGC)/[0-9.]+/[0-9A-Za-z]+$")
NOT_OFFERED = ("http://www.opengis.net/def/crs/EPSG/0/3857", "EPSG:4528", "[EPSG:9999]", "x")
ITEMS = "/collections/parcels/items"
# The collections whose features have a geometry (all of them).
COLLECTIONS = ("parcels", "cases", "zones", "efficiency", "buildings", "projects")


@pytest.fixture(scope="module")
def site(databases: Any) -> Iterator[Site]:
    """``landgis serve`` on a demo county of its own."""
    yield from serve(databases)


def _projected(geometry: Any, epsg: int) -> Any:
    """A CRS84 geometry in EPSG ``epsg`` with its axes in that CRS's order (pyproj's own
    axis order, not ``always_xy``)."""
    to = Transformer.from_crs("OGC:CRS84", epsg)

    def move(xy: Any) -> Any:
        return list(zip(*to.transform(xy[:, 0], xy[:, 1]), strict=True))

    return shapely.transform(geometry, move)


def _by_id(page: dict[str, Any]) -> dict[str, Any]:
    return {
        feature["id"]: shape(feature["geometry"])
        for feature in page["features"]
        if feature["geometry"] is not None
    }


def _parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    found = [p for p in operation["parameters"] if p.get("name") == name]
    assert len(found) == 1, [p.get("name") for p in operation["parameters"]]
    return found[0]


def _assert_uri_parameter(parameter: dict[str, Any]) -> None:
    assert parameter["in"] == "query"
    assert parameter.get("required", False) is False
    assert parameter["schema"]["type"] == "string"
    assert parameter["schema"]["format"] == "uri"
    assert parameter.get("style", "form") == "form"
    assert parameter.get("explode", True) is False or parameter.get("explode") is None


def _page(site: Site, path: str = ITEMS, **params: Any) -> tuple[dict[str, Any], str]:
    answer = site.get(path, **params)
    assert answer.status == 200, (params, answer.body[:300])
    return answer.json(), answer.headers.get("content-crs", "")


def _bbox_around(site: Site) -> tuple[tuple[float, float, float, float], set[str]]:
    """A CRS84 rectangle over part of the county and the parcels it meets (worked out with
    shapely from every parcel)."""
    every = _by_id(site.items("parcels", limit=1000))
    west, south, east, north = shapely.union_all(list(every.values())).bounds
    rectangle = (west, south, (west + east) / 2, (south + north) / 2)
    met = {code for code, geometry in every.items() if geometry.intersects(box(*rectangle))}
    assert 0 < len(met) < len(every)
    return rectangle, met


def test_crs_crs_uri(site: Site) -> None:
    """/req/crs/crs-uri: every CRS the service names is a URI of the OGC register; a safe
    CURIE of one is understood as that URI."""
    collections = site.document("/collections")
    named = [*collections["crs"]]
    for collection in collections["collections"]:
        named += [*collection["crs"], collection["storageCrs"]]
    assert named and all(CRS_URI.match(uri) for uri in named), named
    by_uri, header = _page(site, limit=3, crs=ZONE_40)
    by_curie, curie_header = _page(site, limit=3, crs="[EPSG:4528]")
    assert by_curie["features"] == by_uri["features"]
    assert curie_header == header == f"<{ZONE_40}>"


def test_crs_fc_md_crs_list(site: Site) -> None:
    """/req/crs/fc-md-crs-list: each collection lists the CRSs its features can be had in,
    CRS84 (the default) among them."""
    for name in COLLECTIONS:
        collection = site.document(f"/collections/{name}")
        assert collection["crs"] == OFFERED, name


def test_crs_fc_md_storageCrs(site: Site) -> None:  # noqa: N802  (the requirement's name)
    """/req/crs/fc-md-storageCrs: each collection names its storage CRS, one of its list."""
    for name in COLLECTIONS:
        collection = site.document(f"/collections/{name}")
        assert collection["storageCrs"] == CGCS2000
        assert collection["storageCrs"] in collection["crs"]


def test_crs_fc_md_storageCrs_valid_value(site: Site) -> None:  # noqa: N802
    """/req/crs/fc-md-storageCrs-valid-value: features asked for in the storage CRS come
    with the stored coordinates unchanged, in EPSG:4490's axis order (latitude first)."""
    plain, _ = _page(site, limit=20)
    stored, header = _page(site, limit=20, crs=CGCS2000)
    assert header == f"<{CGCS2000}>"
    for code, geometry in _by_id(plain).items():
        swapped = shapely.transform(_by_id(stored)[code], lambda xy: xy[:, ::-1])
        assert swapped.equals_exact(geometry, tolerance=1e-9), code


def test_crs_fc_md_crs_list_global(site: Site) -> None:
    """/req/crs/fc-md-crs-list-global: /collections lists the CRSs all collections share;
    each collection's list is that one (or refers to it as ``#/crs``)."""
    collections = site.document("/collections")
    assert collections["crs"] == OFFERED
    for collection in collections["collections"]:
        shared = collections["crs"] if collection["crs"] == ["#/crs"] else collection["crs"]
        assert set(shared) <= set(collections["crs"]), collection["id"]


def test_crs_fc_bbox_crs_definition(site: Site) -> None:
    """/req/crs/fc-bbox-crs-definition: the items operation declares ``bbox-crs``, an
    optional URI in the query."""
    paths = site.api_definition()["paths"]
    items = [path for path in paths if path.endswith("/items")]
    assert items
    for path in items:
        _assert_uri_parameter(_parameter(paths[path]["get"], "bbox-crs"))


def test_crs_fc_bbox_crs_valid_value(site: Site) -> None:
    """/req/crs/fc-bbox-crs-valid-value: every CRS of the collection's list is taken as
    ``bbox-crs``; any other is a 400 naming the parameter."""
    rectangle, _met = _bbox_around(site)
    for uri in OFFERED:
        bbox = _bbox_in(rectangle, uri)
        answer = site.get(ITEMS, bbox=",".join(map(str, bbox)), **{"bbox-crs": uri})
        assert answer.status == 200, (uri, answer.body[:300])
    for value in NOT_OFFERED:
        answer = site.get(ITEMS, bbox="1,2,3,4", **{"bbox-crs": value})
        _assert_exception(answer, 400, "InvalidParameterValue", "bbox-crs")


def _bbox_in(rectangle: tuple[float, float, float, float], uri: str) -> tuple[float, ...]:
    """The corners of a CRS84 rectangle in the CRS ``uri``, in its axis order."""
    if uri == CRS84:
        return rectangle
    corners = _projected(box(*rectangle), int(uri.rsplit("/", 1)[1]))
    return tuple(corners.bounds)


def test_crs_fc_bbox_crs_valid_defaultValue(site: Site) -> None:  # noqa: N802
    """/req/crs/fc-bbox-crs-valid-defaultValue: with no ``bbox-crs``, ``bbox`` is CRS84."""
    rectangle, met = _bbox_around(site)
    text = ",".join(map(str, rectangle))
    default = site.ids("parcels", bbox=text)
    assert default == site.ids("parcels", bbox=text, **{"bbox-crs": CRS84}) == met


def test_crs_fc_bbox_crs_action(site: Site) -> None:
    """/req/crs/fc-bbox-crs-action: a ``bbox`` in another CRS selects the features that the
    rectangle drawn in that CRS meets."""
    every = _by_id(site.items("parcels", limit=1000))
    west, south, east, north = shapely.union_all(list(every.values())).bounds
    middle = box(west, south, (west + east) / 2, (south + north) / 2)
    for epsg in (4523, 4490):
        # The rectangle is drawn in the CRS (its sides straight there), then the parcels it
        # meets are found by shapely in that CRS.
        minx, miny, maxx, maxy = _projected(middle, epsg).bounds
        drawn = box(minx, miny, maxx, maxy)
        expected = {code for code, g in every.items() if _projected(g, epsg).intersects(drawn)}
        found = site.ids(
            "parcels", bbox=f"{minx},{miny},{maxx},{maxy}", **{"bbox-crs": EPSG.format(epsg)}
        )
        assert found == expected, epsg


def test_crs_fc_crs_definition(site: Site) -> None:
    """/req/crs/fc-crs-definition: the items and the item operations declare ``crs``, an
    optional URI in the query."""
    paths = site.api_definition()["paths"]
    items = [p for p in paths if p.endswith("/items")]
    item = [p for p in paths if re.search(r"/items/\{[^}]+\}$", p)]
    assert items and item
    for path in (*items, *item):
        _assert_uri_parameter(_parameter(paths[path]["get"], "crs"))


def test_crs_fc_crs_valid_value(site: Site) -> None:
    """/req/crs/fc-crs-valid-value: every CRS of the collection's list is served, on a page
    and on one feature; any other is a 400 naming the parameter."""
    code = site.items("parcels", limit=1)["features"][0]["id"]
    for uri in OFFERED:
        for path in (ITEMS, f"{ITEMS}/{code}"):
            answer = site.get(path, crs=uri, **({"limit": 2} if path == ITEMS else {}))
            assert answer.status == 200, (uri, path, answer.body[:300])
            assert answer.headers["content-crs"] == f"<{uri}>"
    for value in NOT_OFFERED:
        for path in (ITEMS, f"{ITEMS}/{code}"):
            _assert_exception(site.get(path, crs=value), 400, "InvalidParameterValue", "crs")


def test_crs_fc_crs_default_value(site: Site) -> None:
    """/req/crs/fc-crs-default-value: with no ``crs``, coordinates are CRS84, longitude
    first, within the collection's CRS84 extent."""
    for name in COLLECTIONS:
        collection = site.document(f"/collections/{name}")
        west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
        page, header = _page(site, f"/collections/{name}/items", limit=50)
        assert header == f"<{CRS84}>"
        for geometry in _by_id(page).values():
            minx, miny, maxx, maxy = geometry.bounds
            assert west - 1e-6 <= minx <= maxx <= east + 1e-6
            assert south - 1e-6 <= miny <= maxy <= north + 1e-6


@pytest.mark.parametrize("epsg", [4523, 4528, 4326])
def test_crs_fc_crs_action(site: Site, epsg: int) -> None:
    """/req/crs/fc-crs-action: coordinates come in the CRS asked for, in its axis order
    (northing first for a Gauss-Krüger zone, latitude first for EPSG:4326)."""
    plain, _ = _page(site, limit=20)
    asked, _ = _page(site, limit=20, crs=EPSG.format(epsg))
    projected = _by_id(asked)
    # The CRS84 page is rounded to 1e-7 degrees (about 1 cm): what is projected from it here
    # differs from the server's projection of the stored coordinates by up to that much.
    tolerance = 0.02 if epsg != 4326 else 1e-6
    for code, geometry in _by_id(plain).items():
        expected = _projected(geometry, epsg)
        assert projected[code].equals_exact(expected, tolerance=tolerance), code


def test_crs_geojson(site: Site) -> None:
    """/req/crs/geojson: a page in a CRS other than CRS84 is still GeoJSON (the content
    type the client asked for), its CRS given by the Content-Crs header alone."""
    answer = site.get(ITEMS, limit=2, crs=ZONE_35)
    assert answer.status == 200
    assert answer.media_type == GEOJSON
    body = answer.json()
    assert "crs" not in body  # no GeoJSON 2008 ``crs`` member
    assert body["type"] == "FeatureCollection"


def test_crs_ogc_crs_header(site: Site) -> None:
    """/req/crs/ogc-crs-header: every response with coordinates carries Content-Crs, asked
    for a CRS or not, on a page and on one feature, for every collection."""
    for name in COLLECTIONS:
        page, header = _page(site, f"/collections/{name}/items", limit=1)
        assert header, name
        feature = page["features"][0]["id"]
        one = site.get(f"/collections/{name}/items/{feature}")
        assert one.status == 200 and one.headers.get("content-crs"), name
        self_link = _links(page)["self"]["href"]
        assert site.get(self_link).headers.get("content-crs") == header


def test_crs_ogc_crs_header_value(site: Site) -> None:
    """/req/crs/ogc-crs-header-value: Content-Crs is the URI of the coordinates' CRS in
    angle brackets, the URI form even when the CRS was asked for as a safe CURIE."""
    for asked, uri in ((None, CRS84), (ZONE_35, ZONE_35), ("[EPSG:4490]", CGCS2000)):
        params = {"limit": 1} | ({"crs": asked} if asked else {})
        _, header = _page(site, **params)
        assert header == f"<{uri}>", asked
