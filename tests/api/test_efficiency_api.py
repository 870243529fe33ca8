"""The per-mu evaluation over HTTP: ``GET /api/efficiency?year=…`` and
``/api/efficiency/years``, on the demo county's figures of 2022 and 2023."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from landgis.db.session import transaction
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.indicators import FIGURES, INDICATORS
from landgis.efficiency.rules import EfficiencyRules
from landgis.settings import Settings

INDICATOR_KEYS = [indicator.key for indicator in INDICATORS]
COUNTED = [
    "tax_per_mu",
    "value_added_per_mu",
    "value_added_per_energy",
    "value_added_per_emission",
    "labour_productivity",
    "rd_intensity",
]


@pytest.fixture(scope="module")
def url(demo_engine):
    return demo_engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def client(url):
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def test_the_years_with_figures(client):
    body = client.get("/api/efficiency/years").json()

    assert body["years"] == [2022, 2023]
    assert body["enterprises"]["2022"] == body["enterprises"]["2023"] >= 60


def test_the_evaluation_of_a_year_as_json(client, demo_engine):
    response = client.get("/api/efficiency", params={"year": 2023})
    assert response.status_code == 200
    body = response.json()

    assert body["year"] == 2023 and body["previous_year"] == 2022
    assert list(body["benchmarks"]) == INDICATOR_KEYS
    assert body["cap"] == 1.5 and body["thresholds"] == {"A": 120, "B": 90, "C": 60}
    weights = {each["key"]: each["weight"] for each in body["indicators"]}
    assert weights["tax_per_mu"] == 40 and weights["revenue_per_mu"] == 0
    assert {each["benchmark_source"] for each in body["indicators"]} == {"county"}
    assert [c["class"] for c in body["classes"]] == ["A", "B", "C", "D"]
    assert body["classes"][0]["name"] == "优先发展"
    assert sum(body["class_counts"].values()) == len(body["items"]) >= 60
    item = body["items"][0]
    expected_keys = {
        "credit_code",
        "name",
        "parcel_codes",
        "zone",
        "matched_by",
        "area_m2",
        "area_mu",
        *FIGURES,
        *INDICATOR_KEYS,
        "scores",
        "score",
        "class",
        "previous_score",
        "previous_class",
        "trend",
    }
    assert set(item) == expected_keys
    assert list(item["scores"]) == COUNTED
    assert item["score"] == pytest.approx(round(sum(item["scores"].values()), 2), abs=0.006)
    assert item["tax_per_mu"] == pytest.approx(item["tax_yuan"] / 10_000 / item["area_mu"])
    assert item["class"] == "A" and item["zone"] and len(item["parcel_codes"]) == 1
    scores = [each["score"] for each in body["items"]]
    assert scores == sorted(scores, reverse=True)
    idle = [each for each in body["items"] if each["tax_yuan"] == 0]
    assert idle and all(each["value_added_per_energy"] is None for each in idle)  # no energy
    # the same as the library's evaluation
    with transaction(demo_engine, write=False) as session:
        evaluation = evaluate(session, EfficiencyRules(), 2023)
    assert [each["name"] for each in body["items"]] == list(evaluation.items["name"])
    assert body["benchmarks"] == pytest.approx(evaluation.benchmarks)


def test_the_names_speak_english_when_asked(client):
    body = client.get("/api/efficiency", params={"year": 2023, "lang": "en"}).json()

    assert body["indicators"][0]["label"] == "Tax per mu"
    assert body["indicators"][0]["unit_label"] == "10k yuan/mu"
    assert body["indicators"][0]["unit"] == "万元/亩"
    assert body["classes"][3]["name"] == "Phase out"


def test_a_year_without_figures_is_not_found(client):
    response = client.get("/api/efficiency", params={"year": 2019})

    assert response.status_code == 404
    assert "2019" in response.json()["message"]
    assert "2019" in response.json()["message_en"] and "import" in response.json()["message_en"]


@pytest.mark.parametrize("year", ["1999", "2101", "soon", ""])
def test_a_year_out_of_range_or_not_a_year_is_refused(client, year):
    assert client.get("/api/efficiency", params={"year": year}).status_code == 422


def test_the_year_is_required(client):
    assert client.get("/api/efficiency").status_code == 422


def test_the_county_settings_change_the_answer(url):
    rules = EfficiencyRules(
        benchmarks={"tax_per_mu": 1000.0}, thresholds={"A": 200, "B": 190, "C": 180}
    )
    app = create_app(Settings(database_url=url, efficiency=rules))
    with TestClient(app) as client:
        body = client.get("/api/efficiency", params={"year": 2023}).json()

    assert body["benchmarks"]["tax_per_mu"] == 1000.0
    sources = {each["key"]: each["benchmark_source"] for each in body["indicators"]}
    assert sources["tax_per_mu"] == "set"
    assert body["class_counts"] == {"A": 0, "B": 0, "C": 0, "D": len(body["items"])}


def test_reading_behind_a_login_keeps_strangers_out(url):
    app = create_app(Settings(database_url=url, read_requires_login=True))
    with TestClient(app) as client:
        assert client.get("/api/efficiency", params={"year": 2023}).status_code == 401
        assert client.get("/api/efficiency/years").status_code == 401
