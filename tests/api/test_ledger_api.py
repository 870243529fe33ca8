"""Stats for a period, the ledger at a date and the warnings, over HTTP."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from landgis.cli import app as cli
from landgis.settings import Settings

PERIOD = {"from": "2023-01-01", "to": "2023-08-31"}


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        test_client.database_url = url
        yield test_client


def test_stats_for_a_period_equal_the_cli(client):
    api = client.get("/api/stats", params=PERIOD).json()
    result = CliRunner().invoke(
        cli,
        [
            "stats",
            "--from",
            PERIOD["from"],
            "--to",
            PERIOD["to"],
            "--json",
            "--database-url",
            client.database_url,
        ],
    )
    assert json.loads(result.output) == api
    assert api["cases"] == 13
    assert api["ledger_area_mu"] == pytest.approx(539, abs=0.5)
    assert api["revitalized_area_mu"] == pytest.approx(120, abs=0.5)
    by_route = api["revitalized_by_route"].values()
    assert sum(g["area_mu"] for g in by_route) == pytest.approx(
        api["revitalized_area_mu"], abs=0.03
    )


@pytest.mark.parametrize(
    "params",
    [{"from": "2023-13-01"}, {"to": "yesterday"}, {"from": "2023-08-31", "to": "2023-01-01"}],
)
def test_bad_periods_are_422_with_a_message(client, params):
    response = client.get("/api/stats", params=params)
    assert response.status_code == 422
    assert response.json()


def test_ledger_rows_as_of_a_date(client):
    body = client.get("/api/ledger", params={"as_of": "2023-08-31"}).json()
    assert body["as_of"] == "2023-08-31"
    assert len(body["rows"]) == 13
    assert [r["seq"] for r in body["rows"]] == list(range(1, 14))
    assert sum(r["overdue"] for r in body["rows"]) == 1
    march = client.get("/api/ledger", params={"as_of": "2023-03-31"}).json()["rows"]
    assert sum(r["revitalized_area_mu"] for r in march) < sum(
        r["revitalized_area_mu"] for r in body["rows"]
    )


def test_warnings_name_their_article(client):
    warnings = client.get("/api/warnings", params={"as_of": "2023-08-31"}).json()["warnings"]
    assert warnings
    assert all(w["article"] and w["rule"] for w in warnings)
    assert any(w["code"] == "case_overdue" for w in warnings)
