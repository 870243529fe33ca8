"""Importing parcels through the import page, in Debian's Chromium, on a fresh demo county
per backend: the dry-run report (counts, problems by row, a preview map) stores nothing;
confirming stores the parcels, which then show on the ledger map."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import box
from sqlalchemy import func, select
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from api.web.i18n import Translator
from landgis.db.models import Parcel
from landgis.db.repository import zones_frame
from landgis.db.session import transaction
from landgis.geo import gk_zone_epsg
from landgis.parcels import parcels_frame

ZH = Translator("zh")
NEW_CODES = ("519901009009GB09001", "519901009009GB09002")
SIDE_M = 60.0


def _parcel_count(site: UISite) -> int:
    with transaction(site.engine) as session:
        return session.scalar(select(func.count()).select_from(Parcel))


def _free_squares(site: UISite, count: int) -> list[shapely.Polygon]:
    """Squares inside the county that touch no parcel, in EPSG:4490."""
    with transaction(site.engine) as session:
        zones = zones_frame(session)
        parcels = parcels_frame(session)
    county = zones[zones["kind"] == "county"]
    crs = f"EPSG:{gk_zone_epsg(float(county.geometry.iloc[0].centroid.x))}"
    inside = county.to_crs(crs).geometry.iloc[0].buffer(-2 * SIDE_M)
    taken = parcels.to_crs(crs).geometry.union_all().buffer(SIDE_M)
    minx, miny, maxx, maxy = inside.bounds
    squares: list[shapely.Polygon] = []
    step = 3 * SIDE_M
    y = miny
    while y < maxy and len(squares) < count:
        x = minx
        while x < maxx and len(squares) < count:
            square = box(x, y, x + SIDE_M, y + SIDE_M)
            if inside.contains(square) and not taken.intersects(square):
                squares.append(square)
                taken = taken.union(square.buffer(SIDE_M))
            x += step
        y += step
    assert len(squares) == count, "the county has room for new parcels"
    return list(gpd.GeoSeries(squares, crs=crs).to_crs("EPSG:4490"))


def _geojson(
    path: Path, codes: tuple[str, ...], squares: list[shapely.Polygon], holder: str = "测试企业"
) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {
                "宗地编号": code,
                "土地使用权人": f"{holder}{i}",
                "项目名称": "新导入项目",
            },
            "geometry": shapely.geometry.mapping(square),
        }
        for i, (code, square) in enumerate(zip(codes, squares, strict=True), start=1)
    ]
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": features,
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def _upload(p, path: Path) -> int:
    """Upload ``path`` through the import form; the status the page came with."""
    p.goto("/import")
    p.page.locator("#import-form input[name=file]").set_input_files(str(path))
    with p.page.expect_navigation() as navigation:
        p.page.locator("#import-form button[type=submit]").click()
    return navigation.value.status


def _without_refusals(errors: list[str], *statuses: int) -> list[str]:
    """The console errors but Chromium's note of each refused page asserted by status."""
    return [e for e in errors if not any(f"status of {s} " in e for s in statuses)]


def test_an_import_is_checked_previewed_then_confirmed_and_mapped(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    squares = _free_squares(ui_site, len(NEW_CODES))
    good = _geojson(tmp_path / "新宗地.geojson", NEW_CODES, squares)
    before = _parcel_count(ui_site)
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/import")
        p.shot(artifacts, f"import-form-{backend}")
        assert _upload(p, good) == 200
        report = p.page.locator("#import-report")
        assert text_of(report.locator("#import-count")) == str(len(NEW_CODES))
        area = float(text_of(report.locator("#import-area")).split()[0].replace(",", ""))
        expected_mu = len(NEW_CODES) * SIDE_M * SIDE_M * 3 / 2000
        assert abs(area - expected_mu) < 0.01 * expected_mu
        errors = report.locator("#import-problems tr.severity-error")
        assert errors.count() == 0
        preview = p.map_frame("#import-preview")
        drawn = preview.evaluate("() => Object.keys(window.landgis.parcels).sort()")
        assert drawn == sorted(NEW_CODES)
        p.shot(artifacts, f"import-report-{backend}")
        assert _parcel_count(ui_site) == before, "a dry run and a preview store nothing"

        with p.page.expect_navigation():
            p.page.locator("#import-confirm button[type=submit]").click()
        flash = text_of(p.page.locator(".flash"))
        assert flash == ZH(
            "导入完成:新增 {inserted} 宗,更新 {updated} 宗,共 {area} 亩。",
            inserted=len(NEW_CODES),
            updated=0,
            area=f"{area:,.2f}",
        )
        assert _parcel_count(ui_site) == before + len(NEW_CODES)

        with p.page.expect_navigation():
            p.page.locator("a", has_text=ZH.pgettext("import", "在地图上查看")).click()
        frame = p.map_frame("#ledger-map")
        for code in NEW_CODES:
            assert frame.evaluate("(code) => window.landgis.parcels[code] !== undefined", code)
        p.shot(artifacts, f"import-mapped-{backend}")

        # The same file again: every code exists; the report names the rows (answered
        # 422, as the API does), nothing is kept.
        assert _upload(p, good) == 422
        report = p.page.locator("#import-report")
        rows = report.locator("#import-problems tbody tr")
        assert rows.count() >= len(NEW_CODES)
        listed = text_of(report.locator("#import-problems"))
        assert all(code in listed for code in NEW_CODES)
        assert report.locator("#import-confirm").count() == 0
        assert _parcel_count(ui_site) == before + len(NEW_CODES)
        p.shot(artifacts, f"import-refused-{backend}")

        # Updating them instead: the report says so, and confirming updates the holders.
        changed = _geojson(tmp_path / "更新.geojson", NEW_CODES, squares, holder="更名企业")
        p.goto("/import")
        p.page.locator("#import-form input[name=file]").set_input_files(str(changed))
        p.page.select_option("#import-form select[name=mode]", "upsert")
        with p.page.expect_navigation():
            p.page.locator("#import-form button[type=submit]").click()
        assert text_of(p.page.locator("#import-updated")) == str(len(NEW_CODES))
        with p.page.expect_navigation():
            p.page.locator("#import-confirm button[type=submit]").click()
        with transaction(ui_site.engine) as session:
            holders = session.scalars(
                select(Parcel.holder).where(Parcel.parcel_code.in_(NEW_CODES))
            ).all()
        assert sorted(holders) == ["更名企业1", "更名企业2"]
        assert _parcel_count(ui_site) == before + len(NEW_CODES)

        # A file no reader takes is refused before anything is read.
        text = tmp_path / "说明.txt"
        text.write_text("not parcels", encoding="utf-8")
        assert _upload(p, text) == 415
        assert ".txt" in text_of(p.page.locator("main .error"))
        assert p.page.locator("#import-form").count() == 1

        # A stale or foreign token cannot be confirmed.
        response = p.page.request.post(
            f"{ui_site.base}/import/{'x' * 24}/confirm", form={"csrf_token": p.csrf()}
        )
        assert response.status == 200 and "失效" in response.text()
        p.errors = _without_refusals(p.errors, 415, 422)
        p.assert_clean()
