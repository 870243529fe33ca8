"""OGC API - Features Part 3 (Filtering) with CQL2, and ``properties`` and ``sortby``, at
/ogc on a demo database of each backend where three projects are courted
(:func:`factory_projects.court_projects`): one test per conformance class declared.

What a filter must select is worked out here independently of the server: from the
GeoJSON of every feature (properties, and geometries with shapely), or, where a spatial
relation depends on the last decimal of a coordinate (S_EQUALS, S_TOUCHES), from the stored
geometries read from the database as WKB.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
import shapely
import shapely.affinity
from factory_projects import court_projects
from fastapi.testclient import TestClient
from pyproj import Transformer
from shapely.geometry import box, shape
from sqlalchemy import func, select

from api.main import create_app
from landgis import vocab
from landgis.db.models import Parcel
from landgis.db.session import transaction
from landgis.settings import Settings

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
FEATURES_3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
COLLECTIONS = ("parcels", "cases", "zones", "efficiency", "buildings", "projects")


@pytest.fixture(scope="module")
def demo_engine(databases):
    """The demo county with three projects courted (this module's own database)."""
    engine = databases.demo().engine
    with transaction(engine) as session:
        court_projects(session)
    return engine


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def every(client) -> dict[str, list[dict[str, Any]]]:
    """Every feature of each collection, as the server gives them without a filter."""
    return {name: _walk(client, name, limit=1000) for name in COLLECTIONS}


@pytest.fixture(scope="module")
def stored(demo_engine) -> dict[str, Any]:
    """Each parcel's stored geometry, exactly (WKB from the database)."""
    with demo_engine.connect() as conn:
        rows = conn.execute(select(Parcel.parcel_code, func.ST_AsBinary(Parcel.geom))).all()
    return {code: shapely.from_wkb(bytes(wkb)) for code, wkb in rows}


def _get(client, path: str, **params: Any):
    return client.get(f"/ogc{path}", params=params)


def _walk(client, collection: str, **params: Any) -> list[dict[str, Any]]:
    """Every matching feature, page after page by the ``next`` links."""
    response = _get(client, f"/collections/{collection}/items", **params)
    assert response.status_code == 200, response.text
    page = response.json()
    found = list(page["features"])
    while nexts := [link for link in page["links"] if link["rel"] == "next"]:
        response = client.get(nexts[0]["href"])
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["features"]
    return found


def _ids(client, collection: str, cql: str | dict, **params: Any) -> list[str]:
    if isinstance(cql, dict):
        params |= {"filter": json.dumps(cql), "filter-lang": "cql2-json"}
    else:
        params["filter"] = cql
    return sorted(f["id"] for f in _walk(client, collection, limit=1000, **params))


def _expected(features: list[dict[str, Any]], keep: Callable[[dict[str, Any]], bool]) -> list[str]:
    return sorted(f["id"] for f in features if keep(f["properties"]))


def _refused(response, *mentions: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert body["message"] and body["message_en"]
    for text in mentions:
        assert text in body["message"], (text, body["message"])


def _quiet(values: list[float], near: float) -> float:
    """A value near ``near`` in the widest gap between ``values``: a line there passes no
    vertex closely, so rounding the coordinates cannot change which side they are on."""
    ordered = sorted(v for v in values if abs(v - near) < 0.01)
    gaps = [(b - a, (a + b) / 2) for a, b in itertools.pairwise([near - 0.01, *ordered])]
    return max(gaps)[1]


def _wkt(geometry: Any) -> str:
    return shapely.to_wkt(geometry, rounding_precision=-1)


def _west_box(features: list[dict[str, Any]]) -> Any:
    """A box over the western half of the features, its east side between vertices."""
    shapes = [shape(f["geometry"]) for f in features]
    minx, miny, maxx, maxy = shapely.total_bounds(shapes)
    xs = list(shapely.get_coordinates(shapes)[:, 0])
    return box(minx - 0.01, miny - 0.01, _quiet(xs, (minx + maxx) / 2), maxy + 0.01)


# --- conformance and queryables --------------------------------------------------------------


def test_conformance_declares_filtering(client):
    """The Part 3 and CQL2 classes this service implements, and no Part 3 class it does not
    (queryables as query parameters)."""
    declared = set(_get(client, "/conformance").json()["conformsTo"])
    wanted = {
        f"{FEATURES_3}queryables",
        f"{FEATURES_3}filter",
        f"{FEATURES_3}features-filter",
        *(
            CQL2 + name
            for name in (
                "cql2-text",
                "cql2-json",
                "basic-cql2",
                "advanced-comparison-operators",
                "basic-spatial-functions",
                "basic-spatial-functions-plus",
                "spatial-functions",
                "property-property",
                "arithmetic",
            )
        ),
    }
    assert wanted <= declared
    assert f"{FEATURES_3}queryables-query-parameters" not in declared
    assert not {c for c in declared if c.startswith(CQL2)} - wanted


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_queryables(client, every, collection):
    """/req/queryables: linked from the collection, a JSON Schema (2020-12) object whose
    properties are the features' properties with their types, and the geometry."""
    links = _get(client, f"/collections/{collection}").json()["links"]
    link = next(link for link in links if link["rel"] == QUERYABLES_REL)
    assert link["type"] == "application/schema+json"
    response = client.get(link["href"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/schema+json"
    schema = response.json()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == link["href"]
    assert schema["type"] == "object" and schema["title"]
    queryables = schema["properties"]
    geom = queryables.pop("geom")
    assert geom["format"] == "geometry-any" and geom["title"]
    assert set(queryables) == set(every[collection][0]["properties"])
    assert all(q["title"] for q in queryables.values())
    # Every feature's properties are valid against the schema (a null where none is set).
    nullable = {
        "type": "object",
        "properties": {
            name: {"anyOf": [{"type": "null"}, q if "enum" not in q else {"enum": q["enum"]}]}
            for name, q in queryables.items()
        },
        "additionalProperties": False,
    }
    checker = jsonschema.FormatChecker()
    for feature in every[collection]:
        jsonschema.Draft202012Validator(nullable, format_checker=checker).validate(
            feature["properties"]
        )
    if collection == "parcels":
        assert queryables["status"]["enum"] == list(vocab.CASE_STATUSES)
        assert queryables["status"]["type"] == "string"
        assert queryables["deadline"] == {**queryables["deadline"], "format": "date"}
        assert queryables["updated_at"]["format"] == "date-time"
        assert queryables["overdue"]["type"] == "boolean"
        assert queryables["area_mu"]["type"] == "number"
    if collection == "cases":
        assert queryables["version"]["type"] == "integer"


def test_queryables_of_an_unknown_collection(client):
    response = _get(client, "/collections/nowhere/queryables")
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


# --- basic CQL2 ------------------------------------------------------------------------------


def test_basic_cql2_comparisons(client, every):
    """/conf/basic-cql2: = <> < > <= >= on strings, numbers, booleans, dates and
    timestamps, AND, OR, NOT and IS NULL."""
    parcels = every["parcels"]
    updated = sorted(f["properties"]["updated_at"] for f in parcels)
    middle = updated[len(updated) // 2]
    cases: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
        ("status = 'identified'", lambda p: p["status"] == "identified"),
        ("status <> 'identified'", lambda p: p["status"] not in (None, "identified")),
        ("area_mu > 20", lambda p: p["area_mu"] > 20),
        ("area_mu >= 20 AND area_mu <= 40", lambda p: 20 <= p["area_mu"] <= 40),
        (
            "area_m2 < 5000 OR status = 'disposing'",
            lambda p: p["area_m2"] < 5000 or p["status"] == "disposing",
        ),
        ("NOT (area_mu > 20)", lambda p: not p["area_mu"] > 20),
        (
            "NOT (area_mu > 20 AND status = 'identified')",
            # (Three-valued, as in CQL2: a parcel with no case has no status.)
            lambda p: p["area_mu"] <= 20 or p["status"] not in (None, "identified"),
        ),
        # A quote inside a string is doubled, as CQL2 writes it.
        ("holder <> 'Smith''s'", lambda p: p["holder"] is not None),
        ("overdue = TRUE", lambda p: p["overdue"] is True),
        ("overdue = false", lambda p: p["overdue"] is False),
        (
            "deadline < DATE('2026-01-01')",
            lambda p: p["deadline"] is not None and p["deadline"] < "2026-01-01",
        ),
        (
            f"updated_at >= TIMESTAMP('{middle}')",
            lambda p: p["updated_at"] >= middle,
        ),
        ("case_no IS NULL", lambda p: p["case_no"] is None),
        ("case_no IS NOT NULL", lambda p: p["case_no"] is not None),
    ]
    for cql, keep in cases:
        expected = _expected(parcels, keep)
        assert expected, cql  # each condition selects something here
        assert _ids(client, "parcels", cql) == expected, cql


def test_basic_cql2_number_matched_follows_the_filter(client, every):
    """numberMatched counts the features the filter selects, each filter its own count."""
    for cql, keep in (
        ("area_mu > 20", lambda p: p["area_mu"] > 20),
        ("area_mu > 30", lambda p: p["area_mu"] > 30),
    ):
        for _ in range(2):  # counted, then read from the count cache
            page = _get(client, "/collections/parcels/items", filter=cql, limit=2).json()
            assert page["numberMatched"] == len(_expected(every["parcels"], keep))


def test_basic_cql2_in_json(client, every):
    """/conf/cql2-json: the same conditions in CQL2 JSON give the same features."""
    text = "status = 'identified' AND NOT (area_mu < 10) AND case_no IS NOT NULL"
    tree = {
        "op": "and",
        "args": [
            {"op": "=", "args": [{"property": "status"}, "identified"]},
            {"op": "not", "args": [{"op": "<", "args": [{"property": "area_mu"}, 10]}]},
            {"op": "not", "args": [{"op": "isNull", "args": [{"property": "case_no"}]}]},
        ],
    }
    expected = _expected(
        every["parcels"], lambda p: p["status"] == "identified" and p["area_mu"] >= 10
    )
    assert expected
    assert _ids(client, "parcels", text) == expected == _ids(client, "parcels", tree)
    dated = {"op": "<", "args": [{"property": "deadline"}, {"date": "2026-01-01"}]}
    assert _ids(client, "parcels", dated) == _ids(
        client, "parcels", "deadline < DATE('2026-01-01')"
    )


def test_advanced_comparison_operators(client, every):
    """/conf/advanced-comparison-operators: LIKE (letter case counts; % and _), BETWEEN
    and IN, also negated, in text and JSON."""
    parcels = every["parcels"]
    code = parcels[0]["id"]
    cases: list[tuple[Any, Callable[[dict[str, Any]], bool]]] = [
        ("parcel_code LIKE '%GB0000_'", lambda p: p["parcel_code"][-7:-1] == "GB0000"),
        ("parcel_code LIKE '%gb%'", lambda p: False),
        (f"parcel_code LIKE '{code}'", lambda p: p["parcel_code"] == code),
        ("parcel_code NOT LIKE '%1'", lambda p: not p["parcel_code"].endswith("1")),
        ("area_mu BETWEEN 10 AND 30", lambda p: 10 <= p["area_mu"] <= 30),
        ("area_mu NOT BETWEEN 10 AND 30", lambda p: not 10 <= p["area_mu"] <= 30),
        (
            "status IN ('identified', 'disposing')",
            lambda p: p["status"] in ("identified", "disposing"),
        ),
        ("status NOT IN ('identified')", lambda p: p["status"] not in (None, "identified")),
        (
            {"op": "between", "args": [{"property": "area_mu"}, 10, 30]},
            lambda p: 10 <= p["area_mu"] <= 30,
        ),
        (
            {"op": "in", "args": [{"property": "status"}, ["identified", "disposing"]]},
            lambda p: p["status"] in ("identified", "disposing"),
        ),
        ({"op": "like", "args": [{"property": "parcel_code"}, "%GB%"]}, lambda p: True),
    ]
    for cql, keep in cases:
        assert _ids(client, "parcels", cql) == _expected(parcels, keep), cql


def test_property_property_comparisons(client, every):
    """/conf/property-property: two properties compared with each other."""
    cases = every["cases"]
    keep = lambda p: p["idle_area_m2"] < p["parcel_area_m2"]  # noqa: E731
    assert _ids(client, "cases", "idle_area_m2 < parcel_area_m2") == _expected(cases, keep)
    same = lambda p: p["idle_area_m2"] == p["parcel_area_m2"]  # noqa: E731
    tree = {"op": "=", "args": [{"property": "idle_area_m2"}, {"property": "parcel_area_m2"}]}
    assert _ids(client, "cases", tree) == _expected(cases, same)


def test_arithmetic(client, every):
    """/conf/arithmetic: + - * / on numbers; a zero divisor selects nothing, it is no
    error."""
    parcels = every["parcels"]
    assert _ids(client, "parcels", "area_m2 * 3 / 2000 > 20 + 5 - 1") == _expected(
        parcels, lambda p: p["area_m2"] * 3 / 2000 > 24
    )
    assert _ids(client, "parcels", "area_m2 / 0 > 1") == []
    tree = {"op": ">", "args": [{"op": "*", "args": [{"property": "area_m2"}, 2]}, 40000]}
    assert _ids(client, "parcels", tree) == _expected(parcels, lambda p: p["area_m2"] * 2 > 40000)


# --- spatial functions -----------------------------------------------------------------------


def test_basic_spatial_functions_example(client, every):
    """/conf/basic-spatial-functions: the example of the brief, status, an area and
    S_INTERSECTS with a polygon, in CQL2 text and JSON, against shapely on the GeoJSON."""
    area = _west_box(every["cases"])
    text = f"status = 'identified' AND idle_area_mu > 20 AND S_INTERSECTS(geom, {_wkt(area)})"
    tree = {
        "op": "and",
        "args": [
            {"op": "=", "args": [{"property": "status"}, "identified"]},
            {"op": ">", "args": [{"property": "idle_area_mu"}, 20]},
            {"op": "s_intersects", "args": [{"property": "geom"}, shapely.geometry.mapping(area)]},
        ],
    }
    for collection in ("cases", "parcels"):
        expected = sorted(
            f["id"]
            for f in every[collection]
            if f["properties"]["status"] == "identified"
            and f["properties"]["idle_area_mu"] > 20
            and shape(f["geometry"]).intersects(area)
        )
        assert _ids(client, collection, text) == expected == _ids(client, collection, tree)
    # Without the other conditions the polygon alone selects some features and not others.
    alone = _ids(client, "parcels", f"S_INTERSECTS(geom, {_wkt(area)})")
    wanted = sorted(f["id"] for f in every["parcels"] if shape(f["geometry"]).intersects(area))
    assert alone == wanted and 0 < len(alone) < len(every["parcels"])


def test_basic_spatial_functions_point_and_bbox(client, every, stored):
    """A POINT and a BBOX (text ``BBOX(…)``, JSON ``{"bbox": […]}``) with S_INTERSECTS."""
    code, geometry = next(iter(sorted(stored.items())))
    point = geometry.representative_point()
    containing = sorted(c for c, g in stored.items() if g.intersects(point))
    assert code in containing
    assert _ids(client, "parcels", f"S_INTERSECTS(geom, {_wkt(point)})") == containing
    area = _west_box(every["parcels"])
    minx, miny, maxx, maxy = area.bounds
    expected = sorted(c for c, g in stored.items() if g.intersects(area))
    assert (
        _ids(client, "parcels", f"S_INTERSECTS(geom, BBOX({minx},{miny},{maxx},{maxy}))")
        == expected
    )
    tree = {
        "op": "s_intersects",
        "args": [{"property": "geom"}, {"bbox": [minx, miny, maxx, maxy]}],
    }
    assert _ids(client, "parcels", tree) == expected


def test_basic_spatial_functions_plus(client, stored):
    """/conf/basic-spatial-functions-plus: LINESTRING, MULTIPOINT, MULTILINESTRING and
    MULTIPOLYGON literals."""
    codes = sorted(stored)
    first, second = stored[codes[0]], stored[codes[-1]]
    points = shapely.MultiPoint([first.representative_point(), second.representative_point()])
    line = shapely.LineString([first.representative_point(), second.representative_point()])
    lines = shapely.MultiLineString([line, shapely.LineString([(0, 0), (1, 1)])])
    part = shapely.affinity.scale(shapely.get_parts(first)[0], 0.5, 0.5)
    polygons = shapely.MultiPolygon([part, box(0, 0, 1, 1)])
    for literal in (points, line, lines, polygons):
        expected = sorted(c for c, g in stored.items() if g.intersects(literal))
        assert codes[0] in expected
        assert _ids(client, "parcels", f"S_INTERSECTS(geom, {_wkt(literal)})") == expected


def test_spatial_functions(client, every, stored):
    """/conf/spatial-functions: S_EQUALS, S_DISJOINT, S_TOUCHES, S_WITHIN, S_OVERLAPS,
    S_CROSSES and S_CONTAINS, each against shapely on the stored geometries."""
    code = sorted(stored)[len(stored) // 2]
    parcel = stored[code]
    corner = shapely.Point(shapely.get_coordinates(parcel)[0])
    inside = parcel.representative_point()
    # A north-south line through the parcel, between the vertices of every parcel.
    xs = shapely.get_coordinates(list(stored.values()))[:, 0]
    low, high = parcel.bounds[0], parcel.bounds[2]
    inner = sorted({low, high, *(v for v in xs if low < v < high)})
    x = max((b - a, (a + b) / 2) for a, b in itertools.pairwise(inner))[1]
    minx, miny, _maxx, maxy = shapely.total_bounds(list(stored.values()))
    cut = shapely.LineString([(x, miny - 0.01), (x, maxy + 0.01)])
    area = box(minx - 0.01, miny - 0.01, x, maxy + 0.01)
    checks = [
        ("S_EQUALS", parcel, "equals"),
        ("S_DISJOINT", area, "disjoint"),
        ("S_TOUCHES", corner, "touches"),
        ("S_WITHIN", area, "within"),
        ("S_OVERLAPS", area, "overlaps"),
        ("S_CROSSES", cut, "crosses"),
        ("S_CONTAINS", inside, "contains"),
    ]
    for function, literal, relation in checks:
        expected = sorted(c for c, g in stored.items() if getattr(g, relation)(literal))
        assert expected, function
        assert _ids(client, "parcels", f"{function}(geom, {_wkt(literal)})") == expected, function
        tree = {
            "op": function.lower(),
            "args": [{"property": "geom"}, shapely.geometry.mapping(literal)],
        }
        assert _ids(client, "parcels", tree) == expected, function
    assert code in _ids(client, "parcels", f"S_EQUALS(geom, {_wkt(parcel)})")


def test_filter_crs(client, every):
    """filter-crs: geometries in EPSG:4490 (latitude first) and in the Gauss-Krüger zone
    EPSG:4528 (northing first, metres)."""
    area = _west_box(every["parcels"])
    expected = _ids(client, "parcels", f"S_INTERSECTS(geom, {_wkt(area)})")
    lat_lon = shapely.transform(area, lambda xy: xy[:, ::-1])
    found = _ids(
        client,
        "parcels",
        f"S_INTERSECTS(geom, {_wkt(lat_lon)})",
        **{"filter-crs": EPSG.format(4490)},
    )
    assert found == expected
    # In EPSG:4528: a rectangle whose south side lies between the parcels' vertices.
    projected = [shapely.transform(shape(f["geometry"]), _to_4528) for f in every["parcels"]]
    northings = list(shapely.get_coordinates(projected)[:, 0])
    low, high = min(northings), max(northings)
    eastings = shapely.get_coordinates(projected)[:, 1]
    south = _quiet_metres(northings, (low + high) / 2)
    rectangle = box(south, eastings.min() - 1000, high + 1000, eastings.max() + 1000)
    wanted = sorted(
        f["id"] for f, g in zip(every["parcels"], projected, strict=True) if g.intersects(rectangle)
    )
    assert 0 < len(wanted) < len(projected)
    crs = {"filter-crs": EPSG.format(4528)}
    assert _ids(client, "parcels", f"S_INTERSECTS(geom, {_wkt(rectangle)})", **crs) == wanted
    curie = {"filter-crs": "[EPSG:4528]"}
    tree = {
        "op": "s_intersects",
        "args": [{"property": "geom"}, shapely.geometry.mapping(rectangle)],
    }
    assert _ids(client, "parcels", tree, **curie) == wanted


_LONLAT_TO_4528 = Transformer.from_crs(4490, 4528, always_xy=True)


def _to_4528(xy: Any) -> Any:
    """Longitude, latitude to northing, easting (EPSG:4528's axis order)."""
    easting, northing = _LONLAT_TO_4528.transform(xy[:, 0], xy[:, 1])
    return shapely.get_coordinates(shapely.points(northing, easting))


def _quiet_metres(values: list[float], near: float) -> float:
    ordered = sorted(v for v in values if abs(v - near) < 500)
    gaps = [(b - a, (a + b) / 2) for a, b in itertools.pairwise([near - 500, *ordered])]
    return max(gaps)[1]


# --- refused filters -------------------------------------------------------------------------


def test_bad_filters_are_400_naming_what_is_wrong(client):
    """Bad syntax, unknown properties, type mismatches, unsupported functions, odd
    geometries: 400 with a message saying what and where, never a 500."""
    items = "/collections/parcels/items"
    _refused(_get(client, items, filter="status = = 'x'"), "第 10 个字符")
    _refused(_get(client, items, filter="nowhere = 1"), "nowhere", "status")
    _refused(_get(client, items, filter="status > 5"), "status", "number")
    _refused(_get(client, items, filter="deadline = 'tomorrow'"), "deadline", "string")
    _refused(_get(client, items, filter="deadline < TIMESTAMP('2024-01-01T00:00:00Z')"), "deadline")
    _refused(_get(client, items, filter="status = 'nonsense'"), "status", "identified")
    _refused(_get(client, items, filter="upper(holder) = 'X'"), "upper")
    _refused(_get(client, items, filter="holder LIKE 5"), "holder")
    _refused(_get(client, items, filter="holder LIKE 'x\\'"), "LIKE")
    _refused(_get(client, items, filter="area_mu > holder"), "area_mu", "holder")
    _refused(_get(client, items, filter="S_INTERSECTS(holder, POINT(104 30))"), "holder")
    _refused(_get(client, items, filter="S_INTERSECTS(geom, 5)"), "S_INTERSECTS")
    _refused(_get(client, items, filter="S_INTERSECTS(geom, POINT(500 30))"), "CRS84")
    bowtie = "POLYGON((104 30, 105 31, 105 30, 104 31, 104 30))"
    _refused(_get(client, items, filter=f"S_INTERSECTS(geom, {bowtie})"), "几何无效")
    _refused(_get(client, items, filter="holder = 'a\x00b'"), "filter")
    huge = _get(client, items, filter="area_m2 < 99999999999999999999999999")
    assert huge.status_code == 200 and huge.json()["numberMatched"] > 0
    _refused(_get(client, items, filter="area_mu"), "条件")
    _refused(_get(client, items, filter="area_mu > 1 AND"), "不完整")
    _refused(_get(client, items, filter="status = 'x'", **{"filter-lang": "ecql"}), "filter-lang")
    _refused(
        _get(client, items, filter="status = 'x'", **{"filter-crs": "EPSG:3857"}), "filter-crs"
    )
    json_lang = {"filter-lang": "cql2-json"}
    _refused(_get(client, items, filter="{not json", **json_lang), "JSON")
    _refused(_get(client, items, filter='{"property": "area_mu"}', **json_lang), "条件")
    _refused(
        _get(client, items, filter='{"op": "frobnicate", "args": []}', **json_lang), "CQL2 JSON"
    )
    _refused(
        _get(client, items, filter='{"op": "=", "args": [{"property": "x"}, 1]}', **json_lang), "x"
    )
    deep = '{"op":"not","args":[' * 800 + '{"op":"=","args":[1,1]}' + "]}" * 800
    _refused(_get(client, items, filter=deep, **json_lang), "嵌套")


def test_filter_values_are_never_sql(client, every, demo_engine):
    """Quotes and SQL in a filter are CQL2 syntax errors or plain values: nothing is
    injected."""
    items = "/collections/parcels/items"
    _refused(_get(client, items, filter="status='x'' OR 1=1--'"))
    _refused(_get(client, items, filter="holder = 'x'; DROP TABLE parcels; --'"))
    for value in ("x' OR '1'='1", "x OR 1=1--", "%' OR 1=1 --", "x\\"):
        response = _get(client, items, filter=f'holder = "{value}"')  # a property name
        _refused(response)
    for value in ("x OR 1=1--", "1; DELETE FROM parcels", "%"):
        page = _get(client, items, filter=f"holder = '{value}'").json()
        assert page["numberMatched"] == 0
    with demo_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Parcel)) == len(every["parcels"])


# --- properties and sortby -------------------------------------------------------------------


def test_properties(client, every):
    """``properties``: only the properties named, the geometry kept; unknown names are a
    400; on one feature too."""
    page = _get(client, "/collections/parcels/items", properties="status,area_mu", limit=5).json()
    assert all(set(f["properties"]) == {"status", "area_mu"} for f in page["features"])
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in page["features"])
    by_id = {f["id"]: f for f in every["parcels"]}
    for feature in page["features"]:
        assert feature["properties"]["area_mu"] == by_id[feature["id"]]["properties"]["area_mu"]
    filtered = _get(
        client, "/collections/cases/items", properties="status", filter="idle_area_mu > 1"
    )
    assert {tuple(f["properties"]) for f in filtered.json()["features"]} == {("status",)}
    _refused(_get(client, "/collections/parcels/items", properties="status,nowhere"), "nowhere")
    one = _get(
        client, f"/collections/parcels/items/{page['features'][0]['id']}", properties="holder"
    )
    assert one.status_code == 200 and set(one.json()["properties"]) == {"holder"}
    _refused(
        _get(client, f"/collections/parcels/items/{page['features'][0]['id']}", properties="x")
    )


def _sorted(features: list[dict[str, Any]], keys: list[tuple[str, bool]]) -> list[str]:
    """Ids in sortby order: each key ascending or not, missing values last, then by id
    (stable sorts, the last key first)."""
    ordered = sorted(features, key=lambda f: f["id"])
    for name, descending in reversed(keys):
        present = [f for f in ordered if f["properties"][name] is not None]
        missing = [f for f in ordered if f["properties"][name] is None]
        present.sort(key=lambda f: f["properties"][name], reverse=descending)
        ordered = present + missing
    return [f["id"] for f in ordered]


@pytest.mark.parametrize(
    ("sortby", "keys"),
    [
        ("-area_m2", [("area_m2", True)]),
        ("+status,-idle_area_m2", [("status", False), ("idle_area_m2", True)]),
        ("deadline", [("deadline", False)]),
        ("-updated_at,parcel_code", [("updated_at", True), ("parcel_code", False)]),
    ],
)
def test_sortby_pages_every_feature_once_in_order(client, every, sortby, keys):
    """``sortby``: walking the ``next`` links (paging by offset) gives every feature once,
    in the order asked for, missing values last, ties by id."""
    found = _walk(client, "parcels", sortby=sortby, limit=7)
    ids = [f["id"] for f in found]
    assert len(ids) == len(set(ids)) == len(every["parcels"])
    assert ids == _sorted(every["parcels"], keys)
    first = _get(client, "/collections/parcels/items", sortby=sortby, limit=7).json()
    nexts = [link["href"] for link in first["links"] if link["rel"] == "next"]
    assert "after=" not in nexts[0] and "offset=7" in nexts[0]


def test_sortby_with_a_filter_and_refusals(client, every):
    found = _walk(client, "parcels", sortby="-area_mu", filter="area_mu > 10", limit=3)
    wanted = [f for f in every["parcels"] if f["properties"]["area_mu"] > 10]
    assert [f["id"] for f in found] == _sorted(wanted, [("area_mu", True)])
    # A page above 1,000 features is streamed from a cursor: the same order and count.
    streamed = _get(
        client, "/collections/parcels/items", sortby="-area_mu", filter="area_mu > 10", limit=2000
    ).json()
    assert [f["id"] for f in streamed["features"]] == [f["id"] for f in found]
    assert streamed["numberMatched"] == len(found)
    _refused(_get(client, "/collections/parcels/items", sortby="nowhere"), "nowhere")
    _refused(_get(client, "/collections/parcels/items", sortby="geom"), "geom")
    _refused(_get(client, "/collections/parcels/items", sortby="area_mu", after="x"), "after")


def test_dates_compare_as_dates(client, every):
    """A DATE literal compares with date properties as a calendar day."""
    day = dt.date(2025, 6, 30)
    expected = _expected(
        every["cases"],
        lambda p: p["last_event_on"] is not None and p["last_event_on"] <= day.isoformat(),
    )
    assert _ids(client, "cases", f"last_event_on <= DATE('{day}')") == expected
