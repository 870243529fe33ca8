"""The folium maps speak the pages' language: ``?lang=en``, else the pages' cookie."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.web.i18n import COOKIE
from landgis.i18n import term
from landgis.settings import Settings


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def get(client: TestClient, path: str, **params: str) -> str:
    """The page, with the JSON string escapes (\\u5b97 …) of its embedded data undone."""
    page = client.get(path, params=params).text
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def legend(page: str) -> str:
    return re.search(r'<div class="landgis-legend".*?</div></div>', page, re.S).group(0)


def a_parcel_code(client: TestClient) -> str:
    return client.get("/api/parcels").json()["features"][0]["id"]


def english(page: str) -> None:
    box = legend(page)
    assert "处置状态" not in box and "图例" not in box
    assert "查看台账详情" not in page and "宗地编号" not in page


def test_the_maps_are_chinese_by_default(client):
    page = get(client, "/map")
    assert "<b>处置状态</b>" in legend(page) and "宗地编号" in page
    code = a_parcel_code(client)
    assert "<b>图例</b>" in legend(get(client, f"/map/parcels/{code}"))


def test_lang_en_gives_english_maps(client):
    page = get(client, "/map", lang="en")
    english(page)
    assert "<b>Status</b>" in legend(page) and term("status", "revitalized").render("en") in legend(
        page
    )
    assert "Parcel code" in page and "View the case »" in page
    parcel = get(client, f"/map/parcels/{a_parcel_code(client)}", lang="en")
    english(parcel)
    assert "<b>Legend</b>" in legend(parcel) and "This parcel" in parcel


def test_the_pages_cookie_gives_english_maps_and_the_query_wins(client):
    code = a_parcel_code(client)
    try:
        client.cookies.set(COOKIE, "en")
        for path in ("/map", f"/map/parcels/{code}"):
            english(get(client, path))
        assert "<b>处置状态</b>" in legend(get(client, "/map", lang="zh"))
        client.cookies.set(COOKIE, "xx")  # unknown: Chinese
        assert "<b>处置状态</b>" in legend(get(client, "/map"))
    finally:
        client.cookies.clear()


def test_the_pages_embed_their_maps_in_their_language(client):
    page = client.get("/map-page", params={"lang": "en", "status": "revitalized"}).text
    src = re.search(r'id="ledger-map" src="([^"]+)"', page).group(1)
    assert "lang=en" in src and "status=revitalized" in src
    english(get(client, src.replace("&amp;", "&")))
    client.cookies.clear()
    dashboard = client.get("/", params={"lang": "en"}).text
    assert 'src="/map?lang=en"' in dashboard
    client.cookies.clear()
