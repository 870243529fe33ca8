"""The import page's options, in Debian's Chromium, on a fresh demo county per backend: a
mapping file uploaded with the parcels; the GCJ-02 correction the check suggests, ticked
in the form shown again and carried to the import; a file without a coordinate system
answered with the form again, its likely Gauss-Kruger zone chosen in the select; the same
staged file checked again with the new options, then imported."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely
from sqlalchemy import func, select
from test_ui_import import SIDE_M, _free_squares, _parcel_count, _upload, _without_refusals
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from api.web.i18n import Translator
from landgis.db.models import Parcel
from landgis.db.repository import zones_frame
from landgis.db.session import transaction
from landgis.gcj02 import to_gcj02
from landgis.geo import gk_zone_epsg
from landgis.io.crs_choices import listed_crs

ZH = Translator("zh")
EN = Translator("en")
MAPPED_CODES = ("519901009009GB09101", "519901009009GB09102")
UNMAPPED_CODES = ("519901009009GB09111", "519901009009GB09112")
GK_CODES = ("519901009009GB09201", "519901009009GB09202")
GCJ_HOLDER = "纠偏后企业"


def _stored(site: UISite, codes: tuple[str, ...]) -> dict[str, tuple[str, float]]:
    """The stored parcels of ``codes``: holder and area (m²) by code."""
    with transaction(site.engine) as session:
        rows = session.execute(
            select(Parcel.parcel_code, Parcel.holder, Parcel.area_m2).where(
                Parcel.parcel_code.in_(codes)
            )
        ).all()
    return {code: (holder, float(area)) for code, holder, area in rows}


def _own_columns(path: Path, codes: tuple[str, ...], squares: list[shapely.Polygon]) -> Path:
    """A GeoJSON whose codes and holders are in columns no alias names."""
    frame = gpd.GeoDataFrame(
        {"图斑标识": list(codes), "单位全称": [f"映射企业{i}" for i in range(len(codes))]},
        geometry=squares,
        crs=4490,
    )
    path.write_text(frame.to_json(), encoding="utf-8")
    return path


def _mapping(path: Path) -> Path:
    path.write_text(
        json.dumps({"图斑标识": "parcel_code", "单位全称": "holder"}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def _check_again(p) -> int:
    """Submit the form shown again under the report; the status the page came with."""
    with p.page.expect_navigation() as navigation:
        p.page.locator("#import-recheck button[type=submit]").click()
    return navigation.value.status


def _confirm(p) -> None:
    with p.page.expect_navigation():
        p.page.locator("#import-confirm button[type=submit]").click()
    assert p.page.locator(".flash").count() == 1


def test_a_mapping_file_names_the_columns_at_upload_or_at_a_second_check(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    squares = _free_squares(ui_site, len(MAPPED_CODES) + len(UNMAPPED_CODES))
    mapped = _own_columns(tmp_path / "图斑.geojson", MAPPED_CODES, squares[:2])
    mapping = _mapping(tmp_path / "字段对照.json")
    before = _parcel_count(ui_site)
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/import")
        form = p.page.locator("#import-form")
        assert form.locator("input[name=mapping]").get_attribute("accept") == ".json,.yaml,.yml"
        p.shot(artifacts, f"import-options-form-{backend}")
        p.page.screenshot(path=f"/tmp/webparity-form-{backend}.png", full_page=True)

        # With the mapping file: the codes come from the column it names.
        form.locator("input[name=file]").set_input_files(str(mapped))
        form.locator("input[name=mapping]").set_input_files(str(mapping))
        with p.page.expect_navigation() as navigation:
            form.locator("button[type=submit]").click()
        assert navigation.value.status == 200
        assert text_of(p.page.locator("#import-count")) == "2"
        chosen = text_of(p.page.locator("#import-chosen"))
        assert ZH("映射文件 {name}", name=mapping.name) in chosen
        _confirm(p)
        stored = _stored(ui_site, MAPPED_CODES)
        assert {code: holder for code, (holder, _area) in stored.items()} == {
            MAPPED_CODES[0]: "映射企业0",
            MAPPED_CODES[1]: "映射企业1",
        }

        # Without it: no code is found, and the form shown again says a mapping file is
        # one way out; given there, the same staged file passes and imports.
        unmapped = _own_columns(tmp_path / "图斑二.geojson", UNMAPPED_CODES, squares[2:])
        assert _upload(p, unmapped) == 422
        kinds = text_of(p.page.locator("#import-problems"))
        assert "缺少宗地编号" in kinds
        notice = text_of(p.page.locator("#import-suggested"))
        assert "映射文件" in notice
        assert p.page.locator("#import-codes.suggested").count() == 1
        recheck = p.page.locator("#import-recheck")
        recheck.locator("input[name=mapping]").set_input_files(str(mapping))
        assert _check_again(p) == 200
        assert text_of(p.page.locator("#import-count")) == "2"
        assert mapping.name in text_of(p.page.locator("#import-chosen"))
        # Checked again with the mapping kept, unless dropped.
        assert p.page.locator("#import-recheck input[name=drop_mapping]").count() == 1
        _confirm(p)
        assert set(_stored(ui_site, UNMAPPED_CODES)) == set(UNMAPPED_CODES)
        assert _parcel_count(ui_site) == before + 4
        p.errors = _without_refusals(p.errors, 422)
        p.assert_clean()


def _amap_file(site: UISite, path: Path) -> tuple[Path, dict[str, float]]:
    """Three stored parcels as digitized on a GCJ-02 map, their holders renamed; and
    their stored areas."""
    with transaction(site.engine) as session:
        rows = session.execute(
            select(Parcel.parcel_code, Parcel.area_m2, func.ST_AsBinary(Parcel.geom))
            .order_by(Parcel.id)
            .limit(3)
        ).all()
    frame = gpd.GeoDataFrame(
        {"宗地编号": [r[0] for r in rows], "权利人": [GCJ_HOLDER] * len(rows)},
        geometry=[shapely.from_wkb(bytes(r[2])) for r in rows],
        crs=4490,
    )
    to_gcj02(frame).to_file(path, driver="GPKG")
    return path, {r[0]: float(r[1]) for r in rows}


def test_the_gcj02_correction_is_offered_ticked_and_carried_to_the_import(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    path, areas = _amap_file(ui_site, tmp_path / "高德采集.gpkg")
    codes = tuple(areas)
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/import")
        form = p.page.locator("#import-form")
        form.locator("input[name=file]").set_input_files(str(path))
        p.page.select_option("#import-form select[name=mode]", "upsert")
        assert not form.locator("input[name=from_gcj02]").is_checked()
        with p.page.expect_navigation() as navigation:
            form.locator("button[type=submit]").click()
        assert navigation.value.status == 422
        assert "GCJ-02" in text_of(p.page.locator("#import-problems"))

        # The form again: the correction ticked and marked, the mode kept as chosen.
        recheck = p.page.locator("#import-recheck")
        gcj = recheck.locator("input[name=from_gcj02]")
        assert gcj.is_checked()
        assert recheck.locator("label.suggested input[name=from_gcj02]").count() == 1
        assert recheck.locator("select[name=mode]").input_value() == "upsert"
        notice = text_of(p.page.locator("#import-suggested"))
        assert ZH("已勾选“坐标来自高德、腾讯等 GCJ-02 地图,导入时纠正”") in notice
        p.shot(artifacts, f"import-gcj02-suggested-{backend}")
        p.page.screenshot(path=f"/tmp/webparity-gcj02-{backend}.png", full_page=True)

        assert _check_again(p) == 200
        assert text_of(p.page.locator("#import-updated")) == str(len(codes))
        assert ZH("GCJ-02 纠正") in text_of(p.page.locator("#import-chosen"))
        assert p.page.locator("#import-problems", has_text="GCJ-02").count() == 0
        _confirm(p)
        stored = _stored(ui_site, codes)
        assert {holder for holder, _area in stored.values()} == {GCJ_HOLDER}
        for code, (_holder, area) in stored.items():  # moved back onto themselves
            assert abs(area - areas[code]) < 0.005 * areas[code]

        # Unticked again, the next check refuses the same file once more.
        assert _upload(p, path) == 422
        p.page.locator("#import-recheck input[name=from_gcj02]").uncheck()
        assert _check_again(p) == 422
        assert "GCJ-02" in text_of(p.page.locator("#import-problems"))
        p.errors = _without_refusals(p.errors, 422)
        p.assert_clean()


def _gk_csv(site: UISite, path: Path) -> tuple[Path, str]:
    """A CSV of WKT polygons in Gauss-Kruger metres without the zone prefix, and no word
    of its coordinate system; and the system they are in."""
    squares = _free_squares(site, len(GK_CODES))
    with transaction(site.engine) as session:
        county = zones_frame(session, kinds=("county",)).geometry.iloc[0]
    crs = f"EPSG:{gk_zone_epsg(float(county.centroid.x))}"
    metres = gpd.GeoSeries(squares, crs=4490).to_crs(crs)
    rows = [f'{code},"{square.wkt}"' for code, square in zip(GK_CODES, metres, strict=True)]
    path.write_text("宗地编号,wkt\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path, crs


def test_a_file_without_a_crs_gets_its_likely_zone_chosen_then_imports(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    path, crs = _gk_csv(ui_site, tmp_path / "测量成果.csv")
    listed = listed_crs(crs)
    assert listed is not None
    before = _parcel_count(ui_site)
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/import?lang=en")
        assert _upload(p, path) == 422
        problems = text_of(p.page.locator("#import-problems"))
        assert "no coordinate reference system" in problems

        recheck = p.page.locator("#import-recheck")
        select = recheck.locator("select[name=crs]")
        assert select.input_value() == crs
        shown = select.locator("option:checked")
        assert text_of(shown) == listed.label.render("en")
        assert shown.evaluate("o => o.parentElement.tagName") == "OPTGROUP"
        assert recheck.locator("label.suggested select[name=crs]").count() == 1
        assert recheck.locator("#crs-other").is_hidden()  # shown for "other" only
        notice = text_of(p.page.locator("#import-suggested"))
        assert EN("“坐标系”已选 {crs}", crs=listed.label) in notice
        p.shot(artifacts, f"import-crs-suggested-{backend}")
        p.page.screenshot(path=f"/tmp/webparity-crs-{backend}.png", full_page=True)

        # "Other" shows the field to type a code in; the listed zone chosen again.
        select.select_option("other")
        assert recheck.locator("#crs-other").is_visible()
        select.select_option(crs)
        assert recheck.locator("#crs-other").is_hidden()
        assert _check_again(p) == 200
        assert text_of(p.page.locator("#import-count")) == str(len(GK_CODES))
        assert crs in text_of(p.page.locator("#import-report"))
        _confirm(p)
        stored = _stored(ui_site, GK_CODES)
        assert set(stored) == set(GK_CODES)
        for _holder, area in stored.values():
            assert abs(area - SIDE_M * SIDE_M) < 0.01 * SIDE_M * SIDE_M
        assert _parcel_count(ui_site) == before + len(GK_CODES)

        # A code typed in under "other" is used as it is.
        assert _upload(p, path) == 422
        p.page.select_option("#import-recheck select[name=crs]", "other")
        p.page.fill("#import-recheck input[name=crs_other]", crs.split(":")[1])
        assert _check_again(p) == 422  # the codes are stored now: nothing else is wrong
        assert "no coordinate reference system" not in text_of(p.page.locator("#import-problems"))
        p.errors = _without_refusals(p.errors, 422)
        p.assert_clean()
