"""The map of a year's evaluation over HTTP (``/api/maps/efficiency.html``) and its page
(``/efficiency/map``), on a demo county of each backend: a page for a year with figures,
404 for a year without, 422 for a year out of range; the map's texts in the language
asked; the page embeds the map of the year picked."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app

MAP = "/api/maps/efficiency.html"


@pytest.fixture(scope="module")
def client(databases):
    site = databases.demo()
    with TestClient(create_app(site.settings())) as test_client:
        yield test_client


def test_the_map_of_a_year_with_figures(client):
    response = client.get(MAP, params={"year": 2023})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>2023 年度亩均效益分类图</title>" in response.text
    for grade in "ABCD":
        assert f"landgis-class-{grade}" in response.text
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"script-src[^;]*'nonce-([^']+)'", policy)
    assert nonce and f'<script nonce="{nonce.group(1)}">' in response.text


def test_in_english(client):
    response = client.get(MAP, params={"year": 2022, "lang": "en"})

    assert response.status_code == 200
    assert "<title>Per-mu evaluation 2022: classes</title>" in response.text
    assert "Class A: Priority development" in response.text


def test_a_year_without_figures_is_404_and_out_of_range_422(client):
    missing = client.get(MAP, params={"year": 2019})
    out_of_range = client.get(MAP, params={"year": 1900})
    not_a_year = client.get(MAP, params={"year": "abc"})
    none = client.get(MAP)

    assert missing.status_code == 404 and "2019" in missing.json()["message"]
    assert out_of_range.status_code == not_a_year.status_code == none.status_code == 422


def test_the_page_embeds_the_map_of_the_year_picked(client):
    latest = client.get("/efficiency/map", params={"lang": "zh"})
    picked = client.get("/efficiency/map", params={"year": 2022, "lang": "en"})
    missing = client.get("/efficiency/map", params={"year": 2019, "lang": "zh"})
    bad = client.get("/efficiency/map", params={"year": "20x3", "lang": "zh"})

    assert latest.status_code == picked.status_code == 200
    assert 'src="/api/maps/efficiency.html?year=2023&amp;lang=zh"' in latest.text
    assert 'src="/api/maps/efficiency.html?year=2022&amp;lang=en"' in picked.text
    assert '<option value="2022" selected>' in picked.text
    assert missing.status_code == 404 and "2019 年度没有企业亩均数据" in missing.text
    assert "<iframe" not in missing.text
    assert bad.status_code == 422 and "“20x3”不是年份" in bad.text
