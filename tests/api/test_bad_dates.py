"""Every date in a query string is a day written YYYY-MM-DD: a bare number (``as_of=0``,
which pydantic alone reads as seconds since 1970), a compact or timed date, or a day that
does not exist is refused with a 422 naming the format, on every route that takes one;
the pages ignore it and say so. Every date query parameter is the one strict type."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.dates import DAY_PATTERN
from api.main import create_app

PASSWORD = "dates-password"
# Every date query parameter of the API, with a route that takes it.
DATE_PARAMETERS = [
    ("/api/ledger", "as_of"),
    ("/api/warnings", "as_of"),
    ("/api/stats", "from"),
    ("/api/stats", "to"),
    ("/api/exports/ledger.csv", "as_of"),
    ("/api/exports/ledger.xlsx", "period_from"),
    ("/api/admin/audit", "since"),
    ("/api/admin/audit", "until"),
]
BAD = ["0", "1693440000", "20230831", "2023-08-31T00:00:00", "2023-02-30", "2023-8-31", "昨天"]


@pytest.fixture(scope="module")
def client(databases):
    demo = databases.demo({"admin1": "admin"}, password=PASSWORD, tokens=["admin1"])
    settings = demo.settings(secret_key="dates-secret" * 4)
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {demo.tokens['admin1']}"
        yield client


@pytest.mark.parametrize(("path", "name"), DATE_PARAMETERS)
def test_a_date_not_written_yyyy_mm_dd_is_refused_naming_the_format(client, path, name):
    for value in BAD:
        response = client.get(path, params={name: value})
        assert response.status_code == 422, (path, name, value)
        body = response.json()
        assert [p["field"] for p in body["problems"]] == [f"query.{name}"], body
        problem = body["problems"][0]
        assert "YYYY-MM-DD" in problem["problem"] and "YYYY-MM-DD" in problem["problem_en"]
        assert problem["problem"] != problem["problem_en"]
    extra = {"from": "2023-01-01"} if name == "period_from" else {}
    good = client.get(path, params={name: "2023-08-31", "as_of": "2023-08-31", **extra})
    assert good.status_code == 200, good.text


def test_as_of_0_is_not_the_first_of_january_1970(client):
    assert client.get("/api/ledger", params={"as_of": "0"}).status_code == 422
    assert client.get("/api/stats", params={"to": "0"}).status_code == 422
    figures = client.get("/api/stats", params={"to": "2023-08-31"}).json()
    assert figures["as_of"] == "2023-08-31" and figures["cases"] == 13


def test_every_date_query_parameter_is_the_strict_type(client):
    schema = client.get("/openapi.json").json()
    dated = {
        (path, parameter["name"]): parameter["schema"]
        for path, item in schema["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and _is_date(parameter["schema"])
    }
    documented = {(path.replace("{ext}", "csv"), name) for path, name in dated}
    period_from = ("/api/exports/ledger.xlsx", "period_from")
    assert set(DATE_PARAMETERS) - {period_from} <= documented
    for where, parameter in dated.items():
        dates = [o for o in parameter.get("anyOf", [parameter]) if o.get("format") == "date"]
        assert [o.get("pattern") for o in dates] == [DAY_PATTERN], where


def _is_date(schema: dict) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("format") == "date" for option in options)


def test_the_pages_ignore_a_compact_date_and_say_so(client):
    for page, name in (("/ledger", "as_of"), ("/", "date_from")):
        html = client.get(page, params={name: "20230831"}, headers={"Accept": "text/html"})
        assert html.status_code == 200
        assert "日期格式无效" in html.text, page
