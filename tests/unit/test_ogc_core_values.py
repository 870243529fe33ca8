"""The pieces of OGC API - Features Core that need no server: the datetime and bbox readers,
the OpenAPI 3.1 → 3.0 rewriting, and each route's list of known query parameters against
what its API definition declares."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import jsonschema
import pytest
from fastapi import FastAPI
from schemathesis.specs.openapi.definitions import OPENAPI_30

from api.main import create_app
from api.ogc_openapi import ogc_document
from api.ogc_parameters import check_parameters, known_parameters
from api.openapi30 import downgrade, schema_30
from landgis.errors import InvalidInput
from landgis.ogc_bbox import crosses_antimeridian, parse_ogc_bbox
from landgis.settings import Settings
from landgis.temporal import Interval, parse_datetime

UTC = dt.UTC


@pytest.fixture
def in_the_county(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process in the county's time zone (UTC+8) for the test."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# --- datetime -------------------------------------------------------------------------------


def test_datetime_instants_dates_and_half_open_intervals(in_the_county: None) -> None:
    noon = dt.datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert parse_datetime("2024-05-01T12:00:00Z") == Interval(noon, noon)
    assert parse_datetime("2024-05-01t20:00:00+08:00") == Interval(noon, noon)
    assert parse_datetime("2024-05-01") == Interval(dt.date(2024, 5, 1), dt.date(2024, 5, 1))
    for text in ("2024-05-01T12:00:00Z/..", "2024-05-01T12:00:00Z/", " 2024-05-01T12:00:00Z/ "):
        assert parse_datetime(text) == Interval(noon, None), text
    for text in ("../2024-05-01T12:00:00Z", "/2024-05-01T12:00:00Z"):
        assert parse_datetime(text) == Interval(None, noon), text
    precise = parse_datetime("2024-05-01T12:00:00.123456789Z")
    assert precise.start == noon.replace(microsecond=123456)


def test_datetime_bounds_in_utc_seconds_and_county_days(in_the_county: None) -> None:
    # A date is the whole county day: from 16:00 UTC the day before.
    day = parse_datetime("2024-05-01")
    assert day.utc_bounds() == ("2024-04-30T16:00:00Z", "2024-05-01T15:59:59Z")
    assert day.days() == (dt.date(2024, 5, 1), dt.date(2024, 5, 1))
    # A fraction of a second: the interval starts at the next whole second.
    late = parse_datetime("2024-05-01T12:00:00.5Z/2024-05-01T13:00:00.5Z")
    assert late.utc_bounds() == ("2024-05-01T12:00:01Z", "2024-05-01T13:00:00Z")
    # 20:00 UTC is already the next day in the county.
    assert parse_datetime("2024-05-01T20:00:00Z").days() == (dt.date(2024, 5, 2),) * 2
    assert parse_datetime("../2024-05-01").utc_bounds() == (None, "2024-05-01T15:59:59Z")


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2024-05-01T12:00:00",  # no offset
        "2024-05-01 12:00:00Z",
        "2024-13-01",
        "2024-02-30T00:00:00Z",
        "2024-05-01T25:00:00Z",
        "2024-5-1",
        "../..",
        "/",
        "..",
        "2024-05-01/2024-05-02/2024-05-03",
        "2024-05-01/P2D",
        "2024-05-02/2024-05-01",
        "2024-05-01T12:00:01Z/2024-05-01T12:00:00Z",
    ],
)
def test_datetime_refuses_what_is_no_instant_nor_interval(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_datetime(text)
    assert "datetime" in refused.value.message_en


# --- bbox -----------------------------------------------------------------------------------


def test_bbox_four_or_six_numbers_and_across_the_antimeridian() -> None:
    assert parse_ogc_bbox("104.7,30,104.9,30.2") == (104.7, 30, 104.9, 30.2)
    assert parse_ogc_bbox("104.7,30,-50,104.9,30.2,3000") == (104.7, 30, 104.9, 30.2)
    assert parse_ogc_bbox(" 170 , -10 , -170 , 10 ") == (170, -10, -170, 10)
    assert crosses_antimeridian(parse_ogc_bbox("170,-10,-170,10"))
    assert not crosses_antimeridian(parse_ogc_bbox("-180,-90,180,90"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "104,30,105",
        "104,30,105,31,1",
        "a,b,c,d",
        "104,31,105,30",  # latitudes the wrong way round
        "104,-91,105,31",
        "181,30,182,31",
        "nan,30,105,31",
        "-inf,30,inf,31",
        "104,30,100,105,31,0",  # heights the wrong way round
    ],
)
def test_bbox_refuses_what_is_no_box(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_ogc_bbox(text)
    assert "bbox" in refused.value.message_en


# --- OpenAPI 3.0 ----------------------------------------------------------------------------


def test_schemas_are_rewritten_as_openapi_30() -> None:
    assert schema_30({"anyOf": [{"type": "string", "maxLength": 9}, {"type": "null"}]}) == {
        "type": "string",
        "maxLength": 9,
        "nullable": True,
    }
    assert schema_30(
        {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}], "title": "A"}
    ) == {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": True, "title": "A"}
    assert schema_30({"type": "number", "exclusiveMinimum": 0}) == {
        "type": "number",
        "minimum": 0,
        "exclusiveMinimum": True,
    }
    assert schema_30({"const": "Feature", "examples": ["Feature"]}) == {
        "enum": ["Feature"],
        "example": "Feature",
    }
    assert schema_30(
        {"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}]}
    ) == {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
    assert schema_30({"type": ["integer", "null"]}) == {"type": "integer", "nullable": True}
    assert schema_30({"$ref": "#/components/schemas/A", "description": "x"}) == {
        "allOf": [{"$ref": "#/components/schemas/A"}],
        "description": "x",
    }
    nested = schema_30(
        {"type": "object", "properties": {"a": {"type": "array"}}, "$schema": "x", "if": {}}
    )
    assert nested == {"type": "object", "properties": {"a": {"type": "array", "items": {}}}}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The app (its OpenAPI documents need no database)."""
    path = tmp_path_factory.mktemp("openapi") / "unused.sqlite"
    return create_app(Settings(database_url=f"sqlite:///{path}"))


def test_the_whole_app_document_rewritten_is_valid_openapi_30(app: FastAPI) -> None:
    whole = app.openapi()
    assert whole["openapi"].startswith("3.1")
    rewritten = downgrade(whole)
    jsonschema.Draft4Validator(OPENAPI_30).validate(rewritten)
    assert rewritten["paths"].keys() == whole["paths"].keys()
    assert app.openapi()["openapi"].startswith("3.1")  # the app's own is left as it is


def test_each_route_knows_the_query_parameters_its_definition_declares(app: FastAPI) -> None:
    document = ogc_document(app, "http://localhost/ogc")
    names = {
        "/": "ogc_landing",
        "/api": "ogc_api",
        "/conformance": "ogc_conformance",
        "/collections": "ogc_collections",
        "/collections/{collectionId}": "ogc_collection",
        "/collections/{collectionId}/items": "ogc_items",
        "/collections/{collectionId}/items/{featureId}": "ogc_item",
        "/collections/{collectionId}/queryables": "ogc_queryables",
        "/tileMatrixSets": "ogc_tile_matrix_sets",
        "/tileMatrixSets/{tileMatrixSetId}": "ogc_tile_matrix_set",
        "/collections/{collectionId}/tiles": "ogc_tilesets",
        "/collections/{collectionId}/tiles/{tileMatrixSetId}": "ogc_tileset",
        "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}": (
            "ogc_tile"
        ),
    }
    assert set(document["paths"]) == set(names)
    for path, route in names.items():
        declared = [
            p["name"] for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query"
        ]
        assert len(declared) == len(set(declared)), path
        assert set(declared) == set(known_parameters(route)), path
    check_parameters("ogc_items", ["bbox", "datetime", "limit", "status"])
    with pytest.raises(InvalidInput) as refused:
        check_parameters("ogc_collections", ["f", "limit"])
    assert "limit" in refused.value.message_en and "f" in refused.value.message_en
