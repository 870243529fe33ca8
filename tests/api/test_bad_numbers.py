"""NaN, infinite and absurd coordinates or areas are problems of their row, reported like
any other, at every door: the import API (422 with the report), the web import page (its
report, 422), ``landgis import`` (the problem list, exit status 2, no traceback), the
ledger workbook (API and ``landgis import-ledger``) and the parcel API. Never a 500."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from fastapi.testclient import TestClient
from pyproj import Transformer
from shapely.geometry import box, mapping
from sqlalchemy import func, select

from api.main import create_app
from landgis.db.models import Case, Parcel
from landgis.db.repository import zones_frame
from landgis.db.session import transaction
from landgis.io.exports import export_ledger

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))
PASSWORD = "numbers-password"
SIDE = 0.001  # degrees


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo({"editor1": "editor"}, password=PASSWORD, tokens=["editor1"])
    with transaction(demo.engine) as session:
        county = zones_frame(session, kinds=("county",)).geometry.iloc[0]
    settings = demo.settings(secret_key="numbers-secret" * 3)
    with TestClient(create_app(settings)) as client:
        yield {
            "client": client,
            "engine": demo.engine,
            "url": demo.url,
            "settings": settings,
            "auth": {"Authorization": f"Bearer {demo.tokens['editor1']}"},
            "origin": county.representative_point().coords[0],
        }


def _squares(site, n: int) -> list:
    x, y = site["origin"]
    return [
        box(x + 0.004 + 2 * i * SIDE, y, x + 0.004 + (2 * i + 1) * SIDE, y + SIDE) for i in range(n)
    ]


def _counts(site) -> tuple[int, list]:
    with transaction(site["engine"]) as session:
        parcels = session.scalar(select(func.count(Parcel.id)))
        areas = session.execute(
            select(Case.case_no, Case.idle_area_m2, Case.version).order_by(Case.case_no)
        ).all()
    return parcels, [tuple(a) for a in areas]


# --- files with bad numbers, rows 2 and 3 bad -------------------------------------------


def _geojson(site, tmp_path: Path) -> Path:
    """NaN in row 2, Infinity in row 3, as Python's json writes them (GDAL reads both)."""
    features = []
    for i, square in enumerate(_squares(site, 3)):
        geometry = mapping(square)
        ring = [list(p) for p in geometry["coordinates"][0]]
        if i == 1:
            ring[1][0] = math.nan
        if i == 2:
            ring[2][1] = math.inf
        geometry = {"type": "Polygon", "coordinates": [ring]}
        features.append(
            {"type": "Feature", "properties": {"宗地编号": f"NUM-J{i}"}, "geometry": geometry}
        )
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": features,
    }
    path = tmp_path / "numbers.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert "NaN" in path.read_text() and "Infinity" in path.read_text()
    return path


def _wkt_csv(site, tmp_path: Path) -> Path:
    rows = []
    for i, square in enumerate(_squares(site, 3)):
        points = [list(p) for p in square.exterior.coords]
        if i == 1:
            points[1][0] = "nan"
        if i == 2:
            points[2][1] = "-inf"
        wkt = ", ".join(f"{x} {y}" for x, y in points)
        rows.append(f'NUM-W{i},"POLYGON (({wkt}))"')
    path = tmp_path / "numbers_wkt.csv"
    path.write_text("宗地编号,wkt\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _coordinates_csv(site, tmp_path: Path) -> Path:
    rows = []
    for i, square in enumerate(_squares(site, 3)):
        points = [f"{x!r},{y!r}" for x, y in list(square.exterior.coords)[:-1]]
        if i == 1:
            points[1] = "NaN," + points[1].split(",")[1]
        if i == 2:
            points[1] = points[1].split(",")[0] + ",1e309"
        rows.append(f'NUM-C{i},"{";".join(points)}"')
    path = tmp_path / "numbers_coordinates.csv"
    path.write_text("宗地编号,坐标\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _projected_csv(site, tmp_path: Path) -> Path:
    """Gauss-Kruger metres (EPSG:4523); row 2 absurdly far east, row 3 NaN."""
    to_gk = Transformer.from_crs(4490, 4523, always_xy=True)
    rows = []
    for i, square in enumerate(_squares(site, 3)):
        points = [to_gk.transform(x, y) for x, y in square.exterior.coords]
        if i == 1:
            points = [(1e20, y) for _, y in points]
        if i == 2:
            points[1] = (math.nan, points[1][1])
        wkt = ", ".join(f"{x!r} {y!r}" for x, y in points)
        rows.append(f'NUM-G{i},"POLYGON (({wkt}))"')
    path = tmp_path / "numbers_gk.csv"
    path.write_text("宗地编号,wkt\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _shapefile(site, tmp_path: Path) -> Path:
    """GDAL refuses to write NaN: a real Shapefile is written, then two vertices of row 2
    and one of row 3 are overwritten with NaN in the .shp bytes (as a damaged or
    hand-made file would have them)."""
    squares = _squares(site, 3)
    folder = tmp_path / "shp"
    folder.mkdir()
    frame = gpd.GeoDataFrame({"code": ["NUM-S0", "NUM-S1", "NUM-S2"]}, geometry=squares, crs=4490)
    frame.to_file(folder / "numbers.shp", encoding="utf-8")
    shp = folder / "numbers.shp"
    data = shp.read_bytes()
    nan = struct.pack("<d", math.nan)
    for value in (squares[1].bounds[0], squares[2].bounds[2]):  # values of their own
        needle = struct.pack("<d", value)
        assert needle in data
        data = data.replace(needle, nan)
    shp.write_bytes(data)
    archive = tmp_path / "numbers.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in folder.iterdir():
            out.write(part, part.name)
    return archive


FILES = {
    "geojson": (_geojson, None),
    "wkt_csv": (_wkt_csv, "EPSG:4490"),
    "coordinates_csv": (_coordinates_csv, "EPSG:4490"),
    "projected_csv": (_projected_csv, "EPSG:4523"),
    "shapefile": (_shapefile, None),
}


def _row_errors(problems: list[dict]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for p in problems:
        if p["severity"] == "error":
            found.setdefault(p["row"], set()).add(p["kind"])
    return found


@pytest.mark.parametrize("kind", FILES)
def test_the_import_api_reports_bad_numbers_by_row(site, tmp_path, kind):
    make, crs = FILES[kind]
    path = make(site, tmp_path)
    before = _counts(site)
    response = site["client"].post(
        "/api/imports",
        files={"file": (path.name, path.read_bytes())},
        data={"crs": crs} if crs else {},
        headers=site["auth"],
    )
    assert response.status_code == 422, response.text
    report = response.json()["report"]
    errors = _row_errors(report["problems"])
    assert set(errors) == {2, 3}, report["problems"]
    assert errors[2] == {"invalid_coordinates"}
    # Row 3's bad number is also the first and last point of its ring in the Shapefile:
    # GEOS cannot build the ring, and the row's geometry is unreadable.
    unreadable = {"empty_geometry"} if kind == "shapefile" else {"invalid_coordinates"}
    assert errors[3] == unreadable
    assert report["features"] == 3
    assert _counts(site) == before


@pytest.mark.parametrize("kind", ["geojson", "coordinates_csv", "shapefile"])
def test_landgis_import_lists_the_rows_and_exits_2_without_a_traceback(site, tmp_path, kind):
    make, crs = FILES[kind]
    path = make(site, tmp_path)
    before = _counts(site)
    command = [LANDGIS, "import", str(path), "--no-progress"] + (["--crs", crs] if crs else [])
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANDGIS_DATABASE_URL": site["url"]},
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr
    nan = "坐标中有非数值(NaN)或无穷大的数"
    assert re.search(rf"第 2 行 .*{re.escape(nan)}", done.stderr), done.stderr
    third = "图形为空或无法读取" if kind == "shapefile" else nan  # see above
    assert re.search(rf"第 3 行 .*{re.escape(third)}", done.stderr), done.stderr
    assert "Warning" not in done.stderr, done.stderr
    assert _counts(site) == before


def _login(client: TestClient) -> str:
    """Log in as the editor; the session's CSRF token."""
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/login",
        data={"username": "editor1", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    return client.get("/api/me").json()["csrf_token"]


@pytest.mark.parametrize("kind", ["geojson", "wkt_csv"])
def test_the_web_import_page_reports_bad_numbers_by_row(site, tmp_path, kind):
    make, crs = FILES[kind]
    path = make(site, tmp_path)
    before = _counts(site)
    with TestClient(create_app(site["settings"])) as browser:
        csrf = _login(browser)
        page = browser.post(
            "/import",
            files={"file": (path.name, path.read_bytes())},
            data={"csrf_token": csrf, "crs": crs or ""},
        )
    assert page.status_code == 422, page.text
    rows = re.findall(r'<tr class="severity-error">\s*<td>(\d+)</td>', page.text)
    assert sorted(set(map(int, rows))) == [2, 3]
    assert "非数值(NaN)或无穷大" in page.text
    assert 'id="import-confirm"' not in page.text
    assert _counts(site) == before


# --- the ledger workbook ----------------------------------------------------------------


def _edited_ledger(site, tmp_path: Path, values: list) -> tuple[Path, list[int]]:
    """The exported ledger with the idle areas of its first rows set to ``values``; the
    workbook rows edited."""
    with transaction(site["engine"]) as session:
        result = export_ledger(session, "xlsx")
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(result.content)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = next(r for r in sheet.iter_rows(max_row=10) if any(c.value == "台账编号" for c in r))
    column = next(c.column for c in header if c.value == "闲置/低效面积(亩)")
    case_column = next(c.column for c in header if c.value == "台账编号")
    cases = [
        row[0].row
        for row in sheet.iter_rows(min_row=header[0].row + 1)
        if row[case_column - 1].value  # not a subtotal or total row
    ]
    edited = cases[: len(values)]
    for row, value in zip(edited, values, strict=True):
        sheet.cell(row=row, column=column).value = value
    book.save(path)
    return path, edited


def _with_raw_number(path: Path, text: str) -> Path:
    """The workbook with the first numeric cell of its first data row stored as ``text``
    (``<v>NaN</v>``): no spreadsheet program writes that, a hand-made file can."""
    out = path.with_name(f"raw_{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'(<c r="[A-Z]+3"[^>]*t="n"[^>]*><v>)[^<]*(</v>)',
                    rb"\g<1>" + text.encode() + rb"\g<2>",
                    data,
                    count=1,
                )
            target.writestr(item, data)
    return out


def test_bad_numbers_in_an_edited_ledger_are_row_errors(site, tmp_path):
    before = _counts(site)
    path, rows = _edited_ledger(site, tmp_path, ["NaN", "inf", "-Infinity", "1e309"])
    response = site["client"].post(
        "/api/imports/ledger",
        files={"file": (path.name, path.read_bytes())},
        headers=site["auth"],
    )
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert sorted(p["row"] for p in problems) == rows
    assert all("闲置/低效面积(亩)" in p["problem"] for p in problems)

    done = subprocess.run(
        [LANDGIS, "import-ledger", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANDGIS_DATABASE_URL": site["url"]},
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for row in rows:
        assert f"第 {row} 行" in done.stderr

    raw = _with_raw_number(path, "NaN")
    response = site["client"].post(
        "/api/imports/ledger", files={"file": ("raw.xlsx", raw.read_bytes())}, headers=site["auth"]
    )
    assert response.status_code == 422, response.text
    assert "NaN" in response.json()["message_en"]
    assert _counts(site) == before


def test_a_parcel_sheet_with_a_number_stored_as_nan_is_refused_not_a_500(site, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["宗地编号", "wkt", "面积"])
    for i, square in enumerate(_squares(site, 2)):
        sheet.append([f"NUM-X{i}", square.wkt, 1.5])
    path = tmp_path / "parcels.xlsx"
    book.save(path)
    raw = _with_raw_number(path, "inf")
    response = site["client"].post(
        "/api/imports",
        files={"file": ("parcels.xlsx", raw.read_bytes())},
        data={"crs": "EPSG:4490"},
        headers=site["auth"],
    )
    assert response.status_code == 422, response.text
    assert "第 3 行" in response.json()["message"]


# --- the parcel API ---------------------------------------------------------------------


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e309"])
def test_the_parcel_api_refuses_bad_numbers_in_a_geometry(site, number):
    square = _squares(site, 1)[0]
    coordinates = [[f"{x!r}", f"{y!r}"] for x, y in square.exterior.coords]
    coordinates[1][0] = number
    ring = "[" + ", ".join(f"[{x}, {y}]" for x, y in coordinates) + "]"
    geometry = f'{{"type": "Polygon", "coordinates": [{ring}]}}'
    headers = {**site["auth"], "Content-Type": "application/json"}
    before = _counts(site)
    created = site["client"].post(
        "/api/parcels",
        content=f'{{"type": "Feature", "properties": {{"parcel_code": "NUM-P"}}, '
        f'"geometry": {geometry}}}',
        headers=headers,
    )
    assert created.status_code == 422, created.text
    assert created.json()["message_en"]
    with transaction(site["engine"]) as session:
        code = session.scalar(select(Parcel.parcel_code).order_by(Parcel.id).limit(1))
    edited = site["client"].patch(
        f"/api/parcels/{code}", content=f'{{"geometry": {geometry}}}', headers=headers
    )
    assert edited.status_code == 422, edited.text
    assert _counts(site) == before


# --- case fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("idle_area_m2", "NaN"),
        ("idle_building_area_m2", "Infinity"),
        ("idle_building_area_m2", "-1e309"),
        ("idle_area_m2", "null"),  # a required area left empty is no 500 either
        ("idle_building_area_m2", '"inf"'),
    ],
)
def test_case_fields_refuse_bad_numbers(site, field, value):
    client, headers = site["client"], {**site["auth"], "Content-Type": "application/json"}
    case_no = "QX-XZ-2023-010"
    before = _counts(site)
    version = client.get(f"/api/cases/{case_no}").json()["version"]
    answer = client.patch(
        f"/api/cases/{case_no}",
        content=f'{{"version": {version}, "fields": {{"{field}": {value}}}}}',
        headers=headers,
    )
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    assert _counts(site) == before


def test_landgis_case_edit_refuses_an_infinite_area(site):
    before = _counts(site)
    done = subprocess.run(
        [LANDGIS, "case", "edit", "QX-XZ-2023-010", "--set", "idle_building_area_m2=inf"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANDGIS_DATABASE_URL": site["url"]},
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "应为有限的数字" in done.stderr
    assert _counts(site) == before
