"""The one filter parser (landgis.filters): strict for the APIs, forgiving for the pages,
written back by filter_params; and one query string narrowing every reader alike."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlencode

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from landgis import vocab
from landgis.errors import InvalidInput
from landgis.filters import ParcelFilter, filter_params, parse_filters
from landgis.settings import Settings

# --- the parser ---------------------------------------------------------------------------


def test_every_parameter_is_read():
    params = {
        "status": "identified",
        "zone": "QX-KFQ-LJ",
        "category": "idle",
        "route": "buyback",
        "cause": "government",
        "in_ledger": "true",
        "overdue": "false",
        "code": "P-1",
        "bbox": "104.7,30.0,104.9,30.2",
        "q": "  机械厂 ",
        "limit": "20",
        "offset": "40",
    }
    for strict in (True, False):
        assert parse_filters(params, strict=strict) == ParcelFilter(
            status=("identified",),
            zone=("QX-KFQ-LJ",),
            category=("idle",),
            route=("buyback",),
            cause=("government",),
            in_ledger=True,
            overdue=False,
            codes=("P-1",),
            bbox=(104.7, 30.0, 104.9, 30.2),
            text="机械厂",
            limit=20,
            offset=40,
        )


def test_lists_are_comma_separated_repeated_or_both_and_empty_means_all():
    repeated = parse_filters({"status": ["disposing", "planned"]}, strict=True)
    commas = parse_filters({"status": "disposing, planned"}, strict=True)
    both = parse_filters({"status": ["disposing,planned", "planned", ""]}, strict=True)
    assert repeated.status == commas.status == both.status == ("disposing", "planned")
    assert parse_filters({"code": "A,B", "codes": ["C"]}, strict=True).codes == ("A", "B", "C")
    assert parse_filters({"status": "", "overdue": "", "q": " "}, strict=True) == ParcelFilter()


@pytest.mark.parametrize(
    ("text", "flag"),
    [("true", True), ("1", True), ("Yes", True), ("on", True), ("false", False), ("0", False)],
)
def test_booleans_read_as_the_api_always_read_them(text, flag):
    assert parse_filters({"overdue": text, "in_ledger": text}, strict=True) == ParcelFilter(
        overdue=flag, in_ledger=flag
    )


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"status": "lost"}, "status"),
        ({"category": "identified"}, "category"),
        ({"route": "x"}, "route"),
        ({"cause": "x"}, "cause"),
        ({"zone": "a\x00"}, "zone"),
        ({"code": "x" * 65}, "code"),
        ({"overdue": "maybe"}, "overdue"),
        ({"in_ledger": "2"}, "in_ledger"),
        ({"bbox": "1,2"}, "bbox"),
        ({"bbox": "104,-91,105,31"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"limit": "0"}, "limit"),
        ({"limit": "10001"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_strict_refuses_a_bad_value_naming_the_parameter_and_forgiving_drops_it(params, named):
    with pytest.raises(InvalidInput) as refused:
        parse_filters(params, strict=True)
    assert named in refused.value.message and named in refused.value.message_en
    assert parse_filters(params, strict=False) == ParcelFilter()


def test_a_bad_q_is_refused_or_cleaned():
    for q, cleaned in (("a\x00b", "ab"), ("长" * 101, "长" * 100)):
        with pytest.raises(InvalidInput, match="q"):
            parse_filters({"q": q}, strict=True)
        assert parse_filters({"q": q}, strict=False) == ParcelFilter(text=cleaned)


def test_forgiving_keeps_the_good_values_beside_bad_ones():
    params = {"status": ["lost", "planned"], "overdue": "maybe", "q": "厂", "bbox": "1"}
    assert parse_filters(params, strict=False) == ParcelFilter(status=("planned",), text="厂")


def test_vocabulary_errors_list_the_codes():
    with pytest.raises(InvalidInput) as refused:
        parse_filters({"status": "lost"}, strict=True)
    assert all(code in refused.value.message_en for code in vocab.CASE_STATUSES)


def test_six_number_bboxes_drop_the_heights():
    bbox = parse_filters({"bbox": "104,30,0,105,31,100"}, strict=True).bbox
    assert bbox == (104.0, 30.0, 105.0, 31.0)


def test_filter_params_read_back_to_the_same_filter():
    filters = ParcelFilter(
        status=("identified", "planned"),
        zone=("A&B",),
        category=("idle",),
        route=("buyback",),
        cause=("government",),
        in_ledger=True,
        overdue=False,
        codes=("X", "Y"),
        bbox=(104.1, 30.25, 104.9, 30.5),
        text="厂 <x>",
        limit=5,
        offset=10,
    )
    query = urlencode(filter_params(filters, paging=True))
    assert parse_filters(parse_qs(query), strict=True) == filters
    unpaged = parse_filters(parse_qs(urlencode(filter_params(filters))), strict=True)
    assert (unpaged.limit, unpaged.offset) == (None, 0)
    assert filter_params(ParcelFilter()) == []


# --- every reader narrows alike -----------------------------------------------------------


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def _ok(response):
    assert response.status_code == 200, response.text
    return response


def _west_half(client) -> str:
    """A bbox over the western half of the parcels (by their first vertex)."""
    features = _ok(client.get("/api/parcels")).json()["features"]
    firsts = sorted(_first_vertex(f["geometry"]["coordinates"]) for f in features)
    middle = firsts[len(firsts) // 2][0]
    lats = [lat for _, lat in firsts]
    return f"{firsts[0][0] - 0.01},{min(lats) - 0.01},{middle},{max(lats) + 0.01}"


def _first_vertex(coordinates) -> tuple[float, float]:
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates[0], coordinates[1]


def _ledger_page_cases(client, query: str) -> list[str]:
    page = _ok(client.get(f"/ledger?{query}&per=100")).text
    return re.findall(r'data-case="([^"]*)"', page)


def _export_cases(client, query: str) -> list[str]:
    text = _ok(client.get(f"/api/exports/ledger.csv?{query}")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = next(i for i, row in enumerate(rows) if "台账编号" in row)
    column = rows[header].index("台账编号")
    return [row[column] for row in rows[header + 1 :] if len(row) > column and row[column]]


def _ogc_ids(client, collection: str, query: str) -> list[str]:
    url = f"/ogc/collections/{collection}/items?limit=1000&{query}"
    return [f["id"] for f in _ok(client.get(url)).json()["features"]]


QUERIES = (
    "status=disposing,planned",
    "status=disposing&status=planned&overdue=false",
    "zone=QX-KFQ-LJ",
    "category=idle&q=有限公司",
    "route=buyback",
    "cause=government&overdue=true",
    "overdue=1",
    "q=机械",
)


@pytest.mark.parametrize("query", QUERIES)
def test_one_query_string_narrows_every_reader_alike(client, query):
    cases = [row["case_no"] for row in _ok(client.get(f"/api/cases?{query}")).json()["items"]]
    assert sorted(_ledger_page_cases(client, query)) == sorted(cases), query
    assert sorted(_export_cases(client, query)) == sorted(cases), query
    assert sorted(_ogc_ids(client, "cases", query)) == sorted(cases), query
    parcels = [f["id"] for f in _ok(client.get(f"/api/parcels?{query}")).json()["features"]]
    assert _ogc_ids(client, "parcels", query) == parcels, query
    everything = _ok(client.get("/api/cases")).json()["total"]
    assert 0 <= len(cases) <= everything


def test_the_queries_narrow_something(client):
    everything = _ok(client.get("/api/cases")).json()["total"]
    sizes = [_ok(client.get(f"/api/cases?{q}")).json()["total"] for q in QUERIES]
    assert any(0 < size < everything for size in sizes)


def test_a_bbox_narrows_the_apis_the_ledger_page_and_the_export_alike(client):
    query = urlencode({"bbox": _west_half(client)})
    cases = [row["case_no"] for row in _ok(client.get(f"/api/cases?{query}")).json()["items"]]
    everything = _ok(client.get("/api/cases")).json()["total"]
    assert 0 < len(cases) < everything
    assert sorted(_ledger_page_cases(client, query)) == sorted(cases)
    assert sorted(_export_cases(client, query)) == sorted(cases)
    parcels = [f["id"] for f in _ok(client.get(f"/api/parcels?{query}")).json()["features"]]
    assert _ogc_ids(client, "parcels", query) == parcels
    on_their_parcels = [
        row["parcel_code"]
        for row in _ok(client.get(f"/api/cases?{query}")).json()["items"]
        if row["parcel_code"]
    ]
    assert set(on_their_parcels) <= set(parcels)


@pytest.mark.parametrize("path", ["/api/parcels", "/api/cases", "/ogc/collections/parcels/items"])
def test_the_apis_refuse_what_the_pages_forgive(client, path):
    refused = client.get(path, params={"status": "lost"})
    # OGC API - Features answers a bad value with a 400, as its standard wants.
    assert refused.status_code == (400 if path.startswith("/ogc") else 422)
    assert "status" in refused.json()["message_en"]
    page = client.get("/ledger", params={"status": "lost", "overdue": "maybe"})
    assert page.status_code == 200
    assert len(re.findall(r'data-case="', page.text)) == min(
        25, _ok(client.get("/api/cases")).json()["total"]
    )
