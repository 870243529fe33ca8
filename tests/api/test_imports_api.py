"""Uploading parcel files: the report, the refusals, and nothing written on any refusal."""

from __future__ import annotations

import html
import io
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.main import create_app
from landgis.cli import app as cli
from landgis.db.models import Parcel
from landgis.db.repository import zones_frame
from landgis.db.session import transaction
from landgis.geo import gk_zone_epsg


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo({"importer": "editor"}, password="import-password", tokens=["importer"])
    auth = {"Authorization": f"Bearer {demo.tokens['importer']}"}
    with TestClient(create_app(demo.settings(import_max_mb=1))) as client:
        yield {"client": client, "engine": demo.engine, "auth": auth}


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


# --- what a refusal tells the clerk: the form's choices, never a command-line option ----


def _frame(site, codes: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Parcels inside the demo county, south of its representative point."""
    with transaction(site["engine"]) as session:
        county = zones_frame(session, kinds=("county",)).geometry.iloc[0]
    x, y = county.representative_point().coords[0]
    squares = [box(x + 0.002 * i, y - 0.004, x + 0.002 * i + 0.001, y - 0.003) for i in range(3)]
    return gpd.GeoDataFrame({"宗地编号": list(codes)}, geometry=squares[: len(codes)], crs=4490)


def _zipped_shapefile_without_crs(site, tmp_path: Path) -> tuple[bytes, str]:
    """A zipped Shapefile of Gauss-Kruger coordinates (zone prefixed) without a .prj, and
    the coordinate system they are in."""
    frame = _frame(site, ("NOCRS-1", "NOCRS-2"))
    epsg = gk_zone_epsg(float(frame.geometry.iloc[0].centroid.x), prefixed=True)
    shp = tmp_path / "nocrs.shp"
    with warnings.catch_warnings():  # no CRS is the point of this file
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        no_crs = frame.to_crs(epsg).set_crs(None, allow_override=True)
        pyogrio.write_dataframe(no_crs, shp, encoding="GBK")  # as county files are
    members = {p.name: p.read_bytes() for p in tmp_path.glob("nocrs.*") if p.suffix != ".prj"}
    return _zip(members), f"EPSG:{epsg}"


def _page_text(page) -> str:
    return html.unescape(page.text)


def test_a_file_without_a_crs_is_told_to_choose_one_in_words_of_every_door(
    site, tmp_path, form_login
):
    body, crs = _zipped_shapefile_without_crs(site, tmp_path)
    before = _count(site)
    browser = TestClient(site["client"].app)
    csrf = form_login(browser, "importer", "import-password")
    for lang, wanted in (
        ("zh", f"请在导入时指定坐标系 {crs}"),
        ("en", f"choose the coordinate system {crs} when importing"),
    ):
        page = browser.post(
            f"/import?lang={lang}",
            files={"file": ("nocrs.zip", body)},
            data={"csrf_token": csrf},
        )
        assert page.status_code == 422, page.text
        text = _page_text(page)
        assert wanted in text, text
        assert "--crs" not in text and "--swap-xy" not in text
    api = site["client"].post(
        "/api/imports", files={"file": ("nocrs.zip", body)}, headers=site["auth"]
    )
    assert api.status_code == 422
    refused = api.json()
    first = refused["report"]["problems"][0]
    assert first["kind"] == "crs_missing" and first["suggestion"] == {"crs": [crs]}
    assert "--crs" not in refused["message"] + refused["message_en"]
    assert _count(site) == before


def test_the_command_line_adds_its_own_options_to_the_same_refusal(site, tmp_path):
    body, crs = _zipped_shapefile_without_crs(site, tmp_path)
    path = tmp_path / "nocrs.zip"
    path.write_bytes(body)
    url = site["engine"].url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["import", str(path), "--no-progress", "--database-url", url])
    assert result.exit_code == 2, result.output
    assert f"请在导入时指定坐标系 {crs}" in result.output
    assert f"--crs {crs}" in result.output


def test_codes_already_stored_name_the_forms_update_choice(site, tmp_path, form_login):
    frame = _frame(site, ("DUP-1", "DUP-2"))
    body = frame.to_json().encode()
    stored = site["client"].post(
        "/api/imports", files={"file": ("dup.geojson", body)}, headers=site["auth"]
    )
    assert stored.status_code == 200, stored.text
    browser = TestClient(site["client"].app)
    csrf = form_login(browser, "importer", "import-password")
    for lang, wanted in (
        ("zh", "请在“已有宗地编号”一项中选择“更新这些宗地”"),
        ("en", "choose “Update those parcels” for “Parcel codes already stored”"),
    ):
        page = browser.post(
            f"/import?lang={lang}",
            files={"file": ("dup.geojson", body)},
            data={"csrf_token": csrf},
        )
        assert page.status_code == 422, page.text
        text = _page_text(page)
        assert wanted in text, text
        assert "upsert" not in text.replace('value="upsert"', "")
    again = site["client"].post(
        "/api/imports", files={"file": ("dup.geojson", body)}, headers=site["auth"]
    )
    exists = [p for p in again.json()["report"]["problems"] if p["kind"] == "exists"]
    assert len(exists) == 2 and all(p["suggestion"] == {"mode": "upsert"} for p in exists)
    assert all("upsert" not in p["message"] + p["message_en"] for p in exists)
    path = tmp_path / "dup.geojson"
    path.write_bytes(body)
    url = site["engine"].url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["import", str(path), "--no-progress", "--database-url", url])
    assert result.exit_code == 2 and "--mode upsert" in result.output, result.output
