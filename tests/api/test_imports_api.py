"""Uploading parcel files: the report, the refusals, and nothing written on any refusal."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box
from sqlalchemy import func, select

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.models import Parcel
from landgis.db.repository import zones_frame
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token


@pytest.fixture(scope="module")
def site(databases):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "importer", "import-password", role="editor")
        token = issue_token(session, "importer")
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), import_max_mb=1
    )
    with TestClient(create_app(settings)) as client:
        yield {"client": client, "engine": engine, "auth": {"Authorization": f"Bearer {token}"}}


def _count(site) -> int:
    with transaction(site["engine"]) as session:
        return session.scalar(select(func.count(Parcel.id)))


def _geojson(site) -> bytes:
    """Two parcels inside the demo county, east of its park, clear of other parcels."""
    with transaction(site["engine"]) as session:
        county = zones_frame(session, kinds=("county",)).geometry.iloc[0]
    x, y = county.representative_point().coords[0]
    frame = gpd.GeoDataFrame(
        {"宗地编号": ["UP-001", "UP-002"], "权利人": ["上传测试甲公司", "上传测试乙公司"]},
        geometry=[box(x, y, x + 0.001, y + 0.001), box(x + 0.002, y, x + 0.003, y + 0.001)],
        crs=4490,
    )
    return frame.to_json().encode()


def test_dry_run_then_import(site):
    client, before = site["client"], _count(site)
    body = _geojson(site)
    dry = client.post(
        "/api/imports",
        files={"file": ("parcels.geojson", body)},
        data={"dry_run": "true"},
        headers=site["auth"],
    )
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["parcels"] == 2 and report["area_m2"] > 0 and report["dry_run"] is True
    assert _count(site) == before
    done = client.post(
        "/api/imports", files={"file": ("parcels.geojson", body)}, headers=site["auth"]
    )
    assert done.status_code == 200, done.text
    assert _count(site) == before + 2
    again = client.post(
        "/api/imports", files={"file": ("parcels.geojson", body)}, headers=site["auth"]
    )
    assert again.status_code == 422
    assert {p["kind"] for p in again.json()["report"]["problems"]} >= {"exists"}
    assert _count(site) == before + 2


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        ("parcels.exe", b"MZ...", 415),
        ("big.geojson", b" " * (2 << 20), 413),
        ("evil.zip", _zip({"../../etc/evil.shp": b"x"}), 422),
        ("bomb.zip", _zip({"zeros.dbf": b"\0" * (50 << 20)}), 422),
        ("broken.gpkg", b"SQLite format 3\0 but not really", 422),
        ("empty.geojson", b"", 422),
    ],
)
def test_hostile_or_malformed_uploads_are_4xx_and_write_nothing(site, name, content, status):
    before = _count(site)
    response = site["client"].post(
        "/api/imports", files={"file": (name, content)}, headers=site["auth"]
    )
    assert response.status_code == status, response.text
    assert response.json()["message"] and response.json()["message_en"]
    assert _count(site) == before


def test_only_editors_import(site):
    response = site["client"].post("/api/imports", files={"file": ("p.geojson", _geojson(site))})
    assert response.status_code == 401
