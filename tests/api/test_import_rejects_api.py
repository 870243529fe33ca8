"""The rows an import refuses, through the API: imported without them on request
(``skip_invalid``), handed back as a workbook and a GeoPackage behind links in the report
(a refusal's too), downloaded by editors only, gone when unknown or expired."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import geopandas as gpd
import openpyxl
import pyogrio
import pytest
from fastapi.testclient import TestClient
from messy_files import BadRows, bad_rows_among_good, demo_parcels
from sqlalchemy import func, select

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.models import Parcel
from landgis.db.session import transaction
from landgis.demo import load_zones
from landgis.imports.rejects import ROW_COLUMN, SHEET
from landgis.imports.rejects_store import REJECTS_HOURS, rejects_folder
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token

pytestmark = pytest.mark.filterwarnings("ignore:'crs' was not provided")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GPKG = "application/geopackage+sqlite3"
USERS = {"importer": "editor", "reader": "viewer"}


@pytest.fixture(scope="module")
def site(databases: Any) -> Any:
    """The demo county's zones only (the bad file's parcels are the demo's own), an
    editor and a viewer with tokens."""
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_zones(session, DEMO_DATA)
        for name, role in USERS.items():
            create_user(session, name, "a-good-password", role=role)
        tokens = {name: issue_token(session, name) for name in USERS}
    url = engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield {
            "client": client,
            "engine": engine,
            "auth": {n: {"Authorization": f"Bearer {t}"} for n, t in tokens.items()},
        }


@pytest.fixture
def bad_file(tmp_path: Path) -> BadRows:
    return bad_rows_among_good(tmp_path)


def _refused_rows(bad: BadRows) -> list[int]:
    """The rows with an error: the overlapping pair, the empty one, the repeated one."""
    _first, again = bad.duplicated
    return sorted({*bad.overlapping, bad.empty, again})


def _count(site: Any) -> int:
    with transaction(site["engine"]) as session:
        return int(session.scalar(select(func.count(Parcel.id))) or 0)


def _post(site: Any, path: Path, **fields: str) -> Any:
    return site["client"].post(
        "/api/imports",
        files={"file": (path.name, path.read_bytes())},
        data=fields,
        headers=site["auth"]["importer"],
    )


def _download(site: Any, link: str, tmp_path: Path, user: str = "importer") -> tuple[Any, Path]:
    response = site["client"].get(link, headers=site["auth"][user])
    out = tmp_path / f"downloaded{Path(link).suffix}"
    out.write_bytes(response.content)
    return response, out


def _workbook_rows(path: Path) -> list[int]:
    sheet = openpyxl.load_workbook(path)[SHEET]
    header, *rows = sheet.iter_rows(values_only=True)
    return [int(str(row[header.index(ROW_COLUMN)])) for row in rows]


def _token(link: str) -> str:
    return Path(link).stem


def test_a_refusal_links_to_its_rejects_which_read_back(
    site: Any, bad_file: BadRows, tmp_path: Path
) -> None:
    before = _count(site)
    refused = _post(site, bad_file.path)
    assert refused.status_code == 422, refused.text
    report = refused.json()["report"]
    assert report["accepted"] is False and report["refused"] == 8
    links = report["rejects"]
    assert set(links) == {"workbook", "geopackage"}
    assert links["workbook"].startswith("/api/imports/rejects/")
    assert links["workbook"].endswith(".xlsx") and links["geopackage"].endswith(".gpkg")
    assert _token(links["workbook"]) == _token(links["geopackage"])
    assert _count(site) == before

    workbook, path = _download(site, links["workbook"], tmp_path)
    assert workbook.status_code == 200
    assert workbook.headers["content-type"] == XLSX
    disposition = workbook.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="rejects.xlsx"; ')
    assert f"filename*=UTF-8''{quote('宗地_含问题行_退回.xlsx')}" in disposition
    assert _workbook_rows(path) == _refused_rows(bad_file)

    geopackage, path = _download(site, links["geopackage"], tmp_path)
    assert geopackage.status_code == 200
    assert geopackage.headers["content-type"] == GPKG
    assert quote("宗地_含问题行_退回.gpkg") in geopackage.headers["content-disposition"]
    frame = pyogrio.read_dataframe(path)
    assert sorted(frame[ROW_COLUMN].tolist()) == _refused_rows(bad_file)
    assert frame.geometry.notna().sum() == len(_refused_rows(bad_file)) - 1  # the empty one


def test_skip_invalid_imports_the_good_rows_and_links_the_rest(
    site: Any, bad_file: BadRows, tmp_path: Path
) -> None:
    before = _count(site)
    dry = _post(site, bad_file.path, skip_invalid="true", dry_run="true")
    assert dry.status_code == 200, dry.text
    assert (dry.json()["parcels"], dry.json()["refused"]) == (4, 4)
    assert dry.json()["rejects"]["workbook"].endswith(".xlsx")
    assert _count(site) == before

    done = _post(site, bad_file.path, skip_invalid="true")
    assert done.status_code == 200, done.text
    report = done.json()
    assert report["accepted"] and report["skip_invalid"]
    assert (report["parcels"], report["inserted"], report["refused"]) == (4, 4, 4)
    assert _count(site) == before + 4
    links = report["rejects"]
    assert links != dry.json()["rejects"]  # each import its own files
    response, path = _download(site, links["workbook"], tmp_path)
    assert response.status_code == 200
    assert _workbook_rows(path) == _refused_rows(bad_file)
    response, path = _download(site, links["geopackage"], tmp_path)
    assert response.status_code == 200
    assert sorted(pyogrio.read_dataframe(path)[ROW_COLUMN]) == _refused_rows(bad_file)


def test_a_clean_import_has_no_rejects(site: Any, tmp_path: Path) -> None:
    unused = demo_parcels(7).iloc[[6]]  # not in the bad file
    clean = gpd.GeoDataFrame({"宗地编号": ["CLEAN-0001"]}, geometry=unused.geometry.tolist())
    path = tmp_path / "clean.geojson"
    pyogrio.write_dataframe(clean.set_crs(unused.crs), path, driver="GeoJSON")
    response = _post(site, path, dry_run="true")
    assert response.status_code == 200, response.text
    assert response.json()["refused"] == 0 and response.json()["rejects"] is None


def test_only_editors_download_rejects(site: Any, bad_file: BadRows, tmp_path: Path) -> None:
    link = _post(site, bad_file.path).json()["report"]["rejects"]["workbook"]
    response, _path = _download(site, link, tmp_path, user="reader")
    assert response.status_code == 403
    assert site["client"].get(link).status_code == 401
    assert _download(site, link, tmp_path)[0].status_code == 200


@pytest.mark.parametrize(
    "link",
    [
        "/api/imports/rejects/AAAAAAAAAAAAAAAAAAAAAAAA.xlsx",
        "/api/imports/rejects/AAAAAAAAAAAAAAAAAAAAAAAA.gpkg",
        "/api/imports/rejects/short.xlsx",
        "/api/imports/rejects/..%2F..%2F..%2F..%2Fetc%2Fpasswd.xlsx",
        "/api/imports/rejects/...........................xlsx",
    ],
)
def test_an_unknown_token_is_404_saying_so(site: Any, link: str) -> None:
    response = site["client"].get(link, headers=site["auth"]["importer"])
    assert response.status_code == 404
    body = response.json()
    if "%2F" in link:  # no such address: a token has no slash
        assert body["message"] == "没有这个地址。"
    else:
        assert body["message"] == "退回行文件已失效(已过期或不存在),请重新导入以重新生成。"
    assert body["message_en"]


def test_expired_rejects_are_gone_and_removed_at_startup(
    site: Any, bad_file: BadRows, tmp_path: Path
) -> None:
    link = _post(site, bad_file.path).json()["report"]["rejects"]["workbook"]
    entry = rejects_folder() / _token(link)
    old = time.time() - (REJECTS_HOURS + 1) * 3600
    os.utime(entry, (old, old))
    with TestClient(create_app(site["client"].app.state.settings)):
        assert not entry.exists()
    response = site["client"].get(link, headers=site["auth"]["importer"])
    assert response.status_code == 404
