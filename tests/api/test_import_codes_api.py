"""Parcel codes given by the import through the API and the web form."""

from __future__ import annotations

import html
import re

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box
from sqlalchemy import select

from api.main import create_app
from landgis.db.models import Parcel
from landgis.db.repository import zones_frame
from landgis.db.session import transaction


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo({"coder": "editor"}, password="coder-password", tokens=["coder"])
    auth = {"Authorization": f"Bearer {demo.tokens['coder']}"}
    with TestClient(create_app(demo.settings(import_max_mb=1))) as client:
        yield {"client": client, "engine": demo.engine, "auth": auth}


def _geojson(site, columns: dict, start: int) -> bytes:
    with transaction(site["engine"]) as session:
        county = zones_frame(session, kinds=("county",)).geometry.iloc[0]
    x, y = county.representative_point().coords[0]
    n = len(next(iter(columns.values())))
    geoms = [
        box(x + i * 0.002, y, x + i * 0.002 + 0.001, y + 0.001) for i in range(start, start + n)
    ]
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=4490).to_json().encode()


def _stored(site, prefix: str) -> list[str]:
    with transaction(site["engine"]) as session:
        found = session.scalars(
            select(Parcel.parcel_code).where(Parcel.parcel_code.like(f"{prefix}%"))
        )
        return sorted(found)


def test_the_api_takes_both_form_fields(site):
    client = site["client"]
    body = _geojson(site, {"权利人": ["甲", "乙"]}, start=10)
    done = client.post(
        "/api/imports",
        files={"file": ("a.geojson", body)},
        data={"assign_codes": "APIQ"},
        headers=site["auth"],
    )
    assert done.status_code == 200, done.text
    assert done.json()["parcel_codes"] == ["APIQ-0001", "APIQ-0002"]
    assert [c["parcel_code"] for c in done.json()["assigned_codes"]] == ["APIQ-0001", "APIQ-0002"]
    composed = _geojson(site, {"段": ["北段"], "号": [9]}, start=14)
    done = client.post(
        "/api/imports",
        files={"file": ("b.geojson", composed)},
        data={"code_template": "API{段}-{号}"},
        headers=site["auth"],
    )
    assert done.status_code == 200, done.text
    assert done.json()["parcel_codes"] == ["API北段-9"]
    both = client.post(
        "/api/imports",
        files={"file": ("b.geojson", composed)},
        data={"code_template": "{段}", "assign_codes": "X"},
        headers=site["auth"],
    )
    assert both.status_code == 422
    assert both.json()["problems"][0]["kind"] == "code_option_invalid"


def test_the_web_form_shows_the_codes_and_confirms_the_same(site, form_login):
    browser = TestClient(site["client"].app)
    csrf = form_login(browser, "coder", "coder-password")
    form = html.unescape(browser.get("/import").text)
    assert "使用文件中的编号" in form and "自动编号(前缀)" in form and "由列组合(模板)" in form
    body = _geojson(site, {"权利人": ["甲", "乙"]}, start=20)
    checked = browser.post(
        "/import",
        files={"file": ("w.geojson", body)},
        data={"csrf_token": csrf, "codes": "assign", "assign_codes": "WEBQ"},
    )
    assert checked.status_code == 200, checked.text
    text = html.unescape(checked.text)
    assert "WEBQ-0001" in text and "WEBQ-0002" in text and "导入给出的宗地编号" in text
    token = re.search(r"/import/([^/]+)/preview", checked.text).group(1)
    assert browser.get(f"/import/{token}/preview").status_code == 200
    confirmed = browser.post(
        f"/import/{token}/confirm", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert confirmed.status_code == 303, confirmed.text
    assert _stored(site, "WEBQ-") == ["WEBQ-0001", "WEBQ-0002"]
    english = browser.post(
        "/import?lang=en",
        files={"file": ("w.geojson", _geojson(site, {"权利人": ["丙"]}, start=24))},
        data={"csrf_token": csrf, "codes": "template", "code_template": "{XZQDM}"},
    )
    assert english.status_code == 422
    assert "the file's columns" in html.unescape(english.text)
    refused = browser.post(
        "/import?lang=en",
        files={"file": ("w.geojson", _geojson(site, {"权利人": ["丙"]}, start=24))},
        data={"csrf_token": csrf},
    )
    assert "“Compose from columns (template)”" in html.unescape(refused.text)
