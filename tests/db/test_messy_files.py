"""What the importer does today with the messy files counties hand over (built at test
time by ``tests/messy_files.py`` from the demo county's parcels), on a database holding
only the demo county's zones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import openpyxl
import pyogrio
import pytest
import shapely
from messy_files import (
    DISTRICT_AND_NUMBER,
    SECTION_AND_LOT,
    bad_rows_among_good,
    demo_gk_epsg,
    demo_parcels,
    gbk_polygonz_shapefile,
    no_code_column,
    old_excel,
    split_code_columns,
)
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from landgis.cli import app
from landgis.db.migrate import upgrade
from landgis.db.models import CaseEvent, Parcel
from landgis.demo import load_zones
from landgis.geo import gk_zone_epsg, parcel_areas
from landgis.imports import (
    ImportOptions,
    ImportRefused,
    ImportReport,
    accepted_rows,
    check_file,
    import_parcels,
    store_checked,
)
from landgis.settings import DEMO_DATA
from landgis.units import M2_PER_HECTARE

pytestmark = pytest.mark.filterwarnings("ignore:'crs' was not provided")


def _import(
    session: Session, path: Path, rejects: Path | None = None, **options: Any
) -> ImportReport:
    """The one call of the import entry point here."""
    return import_parcels(session, path, ImportOptions.build(**options), rejects=rejects)


def _refused(
    session: Session, path: Path, rejects: Path | None = None, **options: Any
) -> ImportReport:
    """Import expecting a refusal; checks that nothing was written and returns the report."""
    before = _counts(session)
    with pytest.raises(ImportRefused) as raised:
        _import(session, path, rejects, **options)
    assert _counts(session) == before
    assert raised.value.report.accepted is False
    return raised.value.report


def _counts(session: Session) -> tuple[int | None, int | None]:
    return (
        session.scalar(select(func.count(Parcel.id))),
        session.scalar(select(func.count(CaseEvent.id))),
    )


def _stored(session: Session, codes: list[str]) -> list[Parcel]:
    found = {p.parcel_code: p for p in session.scalars(select(Parcel))}
    return [found[code] for code in codes]


def _extra(parcel: Parcel) -> dict[str, Any]:
    assert parcel.extra is not None
    return parcel.extra


def _rows_of(report: ImportReport, kind: str) -> list[int]:
    return sorted(p.row for p in report.problems if p.kind == kind and p.row is not None)


@pytest.fixture(scope="module")
def zones_engine(databases: Any) -> Engine:
    """A database of the current backend holding only the demo county's zones."""
    engine = databases.engine()
    upgrade(engine)
    with Session(engine) as session, session.begin():
        assert load_zones(session, DEMO_DATA) > 0
    return engine


@pytest.fixture
def county(zones_engine: Engine) -> Iterator[Session]:
    """A session on the zones' database whose changes are rolled back after the test."""
    with zones_engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


# ---- the files are what they say ---------------------------------------------------------


def test_the_shapefile_is_gbk_without_cpg_polygonz_in_the_prefixed_zone(tmp_path: Path) -> None:
    path = gbk_polygonz_shapefile(tmp_path)
    parcels = demo_parcels(4)

    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".dbf", ".prj", ".shp", ".shx"]
    dbf = path.with_suffix(".dbf").read_bytes()
    for text in ("宗地编号", "土地使用者", "面积", *parcels["holder"]):
        assert text.encode("gbk") in dbf and text.encode("utf-8") not in dbf
    assert int.from_bytes(path.read_bytes()[32:36], "little") == 15  # PolygonZ
    longitude = shapely.centroid(parcels.geometry.union_all()).x
    assert demo_gk_epsg() == gk_zone_epsg(longitude, prefixed=True) == 4523
    prj = path.with_suffix(".prj").read_text()
    assert "GK_Zone_35" in prj and "35500000" in prj
    frame = pyogrio.read_dataframe(path, encoding="GBK")
    assert frame.crs.to_epsg() == 4523
    heights = shapely.get_coordinates(frame.geometry, include_z=True)[:, 2]
    assert (heights > 0).all() and len(np.unique(heights)) > 1
    assert frame["宗地编号"].tolist() == parcels["parcel_code"].tolist()


def test_the_other_builders_write_what_they_say(tmp_path: Path) -> None:
    assert pyogrio.read_info(no_code_column(tmp_path))["fields"].tolist() == [
        "土地使用者",
        "坐落",
        "土地用途",
    ]
    split = pyogrio.read_dataframe(split_code_columns(tmp_path, columns=DISTRICT_AND_NUMBER))
    assert (split["XZQDM"] + split["ZDH"]).tolist() == demo_parcels(4)["parcel_code"].tolist()

    bad = bad_rows_among_good(tmp_path)
    frame = pyogrio.read_dataframe(bad.path)
    assert len(frame) == 8
    assert frame.geometry.iloc[bad.empty - 1].is_empty
    first, again = (frame.iloc[r - 1] for r in bad.duplicated)
    assert first.drop("geometry").equals(again.drop("geometry"))
    assert shapely.equals_exact(first.geometry, again.geometry, tolerance=0)
    parcel, moved = (frame.geometry.iloc[r - 1] for r in bad.overlapping)
    assert parcel.intersects(moved) and not parcel.equals(moved)

    assert old_excel(tmp_path).read_bytes()[:4] == bytes.fromhex("d0cf11e0")  # OLE2 (.xls)


# ---- what the importer does with them ----------------------------------------------------


def test_gbk_polygonz_shapefile_imports_flat_with_areas_in_m2(
    county: Session, tmp_path: Path
) -> None:
    path = gbk_polygonz_shapefile(tmp_path)
    parcels = demo_parcels(4)
    expected = parcel_areas(parcels.geometry)["area_m2"]
    hectares = pyogrio.read_dataframe(path, encoding="GBK")["面积"].tolist()

    report = _import(county, path)

    assert report.encoding in ("GBK", "GB18030")
    assert report.inserted == 4 and report.format == "ESRI Shapefile"
    assert "4523" in str(report.crs)
    assert {p.kind for p in report.problems} == {"flattened_z", "area_unit_guessed"}
    assert all(p.severity == "warning" for p in report.problems)
    [flat] = [p for p in report.problems if p.kind == "flattened_z"]
    assert flat.message.startswith("4 行")
    [unit] = [p for p in report.problems if p.kind == "area_unit_guessed"]
    assert "“面积”" in unit.message and "公顷" in unit.message
    stored = _stored(county, parcels["parcel_code"].tolist())
    assert [p.area_m2 for p in stored] == pytest.approx(expected.tolist(), rel=1e-6)
    assert report.area_m2 == pytest.approx(float(expected.sum()), rel=1e-6)
    assert [p.registered_area_m2 for p in stored] == pytest.approx(
        [h * float(M2_PER_HECTARE) for h in hectares], rel=1e-9
    )
    assert [p.gk_epsg for p in stored] == [4544] * 4  # the zone, without its prefix
    assert [p.holder for p in stored] == parcels["holder"].tolist()


@pytest.mark.parametrize("driver", ["GPKG", "GeoJSON"])
def test_a_file_without_codes_is_refused_then_numbered_from_a_prefix(
    county: Session, tmp_path: Path, driver: Literal["GPKG", "GeoJSON"]
) -> None:
    path = no_code_column(tmp_path, rows=5, driver=driver)
    parcels = demo_parcels(5)

    refused = _refused(county, path)
    assert _rows_of(refused, "missing_code") == [1, 2, 3, 4, 5]

    report = _import(county, path, assign_codes="X")

    codes = [f"X-000{i}" for i in range(1, 6)]
    assert report.parcel_codes == codes and report.inserted == 5
    assert [c["row"] for c in report.assigned_codes] == [1, 2, 3, 4, 5]
    stored = _stored(county, codes)
    assert [p.location for p in stored] == parcels["location"].tolist()
    assert [p.holder for p in stored] == parcels["holder"].tolist()


def test_a_preview_after_a_dry_run_shows_the_codes_it_gave(county: Session, tmp_path: Path) -> None:
    path = no_code_column(tmp_path, rows=3)
    options = ImportOptions.build(assign_codes="P")
    checked = check_file(county, path, options)

    report = store_checked(county, checked, options, dry_run=True)
    drawn = accepted_rows(county, checked, options)

    codes = ["P-0001", "P-0002", "P-0003"]
    assert drawn["parcel_code"].tolist() == codes  # numbered once, not again
    assert [c["parcel_code"] for c in report.assigned_codes] == codes
    assert report.parcel_codes == codes


@pytest.mark.parametrize(
    ("columns", "template"),
    [(SECTION_AND_LOT, "{段小段}-{地號}"), (DISTRICT_AND_NUMBER, "{XZQDM}{ZDH}")],
)
def test_codes_split_over_two_columns_are_composed(
    county: Session, tmp_path: Path, columns: tuple[str, str], template: str
) -> None:
    path = split_code_columns(tmp_path, columns=columns)
    parcels = demo_parcels(4)
    if columns == SECTION_AND_LOT:
        codes = ["青溪段一小段-0101", "青溪段二小段-0102", "青溪段一小段-0103", "青溪段二小段-0104"]
    else:
        codes = parcels["parcel_code"].tolist()

    report = _import(county, path, code_template=template)

    assert report.parcel_codes == codes and report.inserted == 4
    assert [c["parcel_code"] for c in report.assigned_codes] == codes
    stored = _stored(county, codes)
    assert [p.holder for p in stored] == parcels["holder"].tolist()
    kept = pyogrio.read_dataframe(path)[list(columns)].to_dict("records")
    assert [{c: _extra(p)[c] for c in columns} for p in stored] == kept  # text, zeros kept


def test_bad_rows_refuse_the_whole_file_naming_each(county: Session, tmp_path: Path) -> None:
    bad = bad_rows_among_good(tmp_path)

    report = _refused(county, bad.path)

    assert report.inserted == 0 and report.features == 8
    assert report.refused == 8 and report.parcels == 4  # nothing in, 4 rows without errors
    assert _rows_of(report, "empty_geometry") == [bad.empty]
    # the repeated row is said once, as repeated; its first is fine
    first, again = bad.duplicated
    assert _rows_of(report, "duplicate_row") == [again]
    [repeated] = [p for p in report.problems if p.kind == "duplicate_row"]
    assert f"与第 {first} 行完全相同" in repeated.message
    assert _rows_of(report, "duplicate_code") == []
    assert _rows_of(report, "overlap") == list(bad.overlapping)  # both rows of the pair
    for row, other in (bad.overlapping, bad.overlapping[::-1]):
        [said] = [p for p in report.problems if p.kind == "overlap" and p.row == row]
        assert f"与文件第 {other} 行" in said.message
    assert report.errors == 4
    erring = {p.row for p in report.problems if p.is_error}
    assert erring == {*bad.overlapping, bad.empty, again}


def test_an_old_excel_workbook_asks_for_its_zone_then_imports(
    county: Session, tmp_path: Path
) -> None:
    path = old_excel(tmp_path)

    refused = _refused(county, path)
    [missing] = refused.problems
    assert missing.kind == "crs_missing"
    assert missing.suggestion is not None and missing.suggestion["crs"][0] == "EPSG:4544"

    report = _import(county, path, crs="EPSG:4544")

    assert (report.format, report.layer, report.inserted) == ("XLS", "地块", 2)
    assert report.parcel_codes == ["5115020010001", "5115020010002"]
    first, second = _stored(county, report.parcel_codes)
    assert (first.holder, second.holder) == ("用地单位0", "用地单位1")
    assert first.registered_area_m2 == pytest.approx(9612.0)
    assert report.problems == []


def test_cli_numbers_a_file_without_codes_and_reports_json(databases: Any, tmp_path: Path) -> None:
    url = databases.new_url()
    runner = CliRunner()
    database = ["--database-url", url]
    zones = runner.invoke(app, ["demo", "--zones-only", *database])
    assert zones.exit_code == 0, zones.output
    path = no_code_column(tmp_path, rows=3)
    expected = parcel_areas(demo_parcels(3).geometry)["area_m2"]

    options = ["--assign-codes", "X", "--json", "--no-progress", *database]
    result = runner.invoke(app, ["import", str(path), *options])

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["accepted"] is True
    assert body["parcels"] == body["inserted"] == 3
    assert body["area_m2"] == pytest.approx(float(expected.sum()), abs=0.01)
    assert body["problems"] == []
    assert body["parcel_codes"] == ["X-0001", "X-0002", "X-0003"]
    with Session(databases.engine(url)) as session:
        assert session.scalar(select(func.count(Parcel.id))) == 3


# ---- skipping the bad rows -----------------------------------------------------------------


def _workbook_rows(path: Path) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(map(str, header), row, strict=True)) for row in rows]


def test_skip_invalid_imports_the_good_rows_and_hands_back_the_rest(
    county: Session, tmp_path: Path
) -> None:
    bad = bad_rows_among_good(tmp_path)
    first, again = bad.duplicated
    refused_rows = sorted({*bad.overlapping, bad.empty, again})
    kept_rows = [r for r in range(1, 9) if r not in refused_rows]
    source = pyogrio.read_dataframe(bad.path)
    kept = source.iloc[[r - 1 for r in kept_rows]]
    rejects = tmp_path / "退回" / "宗地_退回.xlsx"
    rejects.parent.mkdir()

    report = _import(county, bad.path, rejects, skip_invalid=True)

    assert report.accepted and report.skip_invalid
    assert (report.parcels, report.refused, report.inserted) == (4, 4, 4)
    codes = kept["宗地编号"].tolist()
    assert report.parcel_codes == codes
    expected = parcel_areas(kept.geometry)["area_m2"]
    assert [p.area_m2 for p in _stored(county, codes)] == pytest.approx(expected.tolist())
    assert report.area_m2 == pytest.approx(float(expected.sum()))
    assert county.scalar(select(func.count(Parcel.id))) == 4

    assert report.rejects == {
        "workbook": str(rejects),
        "geopackage": str(rejects.with_suffix(".gpkg")),
    }
    rows = _workbook_rows(rejects)
    assert [r["退回行号"] for r in rows] == refused_rows
    by_row = {r["退回行号"]: r for r in rows}
    assert "与文件第 3 行" in by_row[2]["退回原因"] and "重叠" in by_row[2]["退回原因"]
    assert "图形为空" in by_row[bad.empty]["退回原因"]
    assert f"与第 {first} 行完全相同" in by_row[again]["退回原因"]
    for row in refused_rows:  # the original attributes, as the file has them
        original = source.iloc[row - 1]
        assert by_row[row]["宗地编号"] == original["宗地编号"] == by_row[row]["退回宗地编号"]
        assert by_row[row]["土地使用权人"] == original["土地使用权人"]
    shapes = pyogrio.read_dataframe(rejects.with_suffix(".gpkg"))
    assert shapes.crs.to_epsg() == 4490
    assert shapes["退回行号"].tolist() == refused_rows
    for row, geom in zip(shapes["退回行号"], shapes.geometry, strict=True):
        if row == bad.empty:
            assert geom is None or geom.is_empty
        else:
            assert shapely.equals(geom, source.geometry.iloc[row - 1])


def test_without_skip_invalid_the_rejects_are_written_and_nothing_is_imported(
    county: Session, tmp_path: Path
) -> None:
    bad = bad_rows_among_good(tmp_path)
    rejects = tmp_path / "rejects.xlsx"

    report = _refused(county, bad.path, rejects)

    assert report.rejects is not None and report.rejects["workbook"] == str(rejects)
    assert len(_workbook_rows(rejects)) == 4


def test_a_rejects_file_fixed_and_imported_again_fills_the_gap(
    county: Session, tmp_path: Path
) -> None:
    bad = bad_rows_among_good(tmp_path)
    rejects = tmp_path / "rejects.xlsx"
    _import(county, bad.path, rejects, skip_invalid=True)
    fixed = pyogrio.read_dataframe(rejects.with_suffix(".gpkg"))
    fixed = fixed[fixed["退回行号"] == bad.overlapping[0]]  # the right one of the pair

    again = tmp_path / "fixed.gpkg"
    pyogrio.write_dataframe(fixed, again)
    report = _import(county, again)

    assert report.inserted == 1 and report.problems == []
    [parcel] = _stored(county, report.parcel_codes)
    assert parcel.extra is None or not set(parcel.extra) & {"退回行号", "退回原因"}


def test_cli_skips_bad_rows_of_a_file_without_codes(databases: Any, tmp_path: Path) -> None:
    url = databases.new_url()
    runner = CliRunner()
    database = ["--database-url", url]
    assert runner.invoke(app, ["demo", "--zones-only", *database]).exit_code == 0
    bad = bad_rows_among_good(tmp_path)
    frame = pyogrio.read_dataframe(bad.path).drop(columns=["宗地编号"])
    path = tmp_path / "无编号.gpkg"
    pyogrio.write_dataframe(frame, path)
    rejects = tmp_path / "退回.xlsx"
    _first, again = bad.duplicated
    refused_rows = sorted({*bad.overlapping, bad.empty, again})
    kept = frame.drop(index=[r - 1 for r in refused_rows])

    options = ["--assign-codes", "X", "--skip-invalid", "--rejects", str(rejects)]
    result = runner.invoke(app, ["import", str(path), *options, "--json", *database])

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["accepted"], body["parcels"], body["refused"]) == (True, 4, 4)
    assert body["parcel_codes"] == ["X-0001", "X-0002", "X-0003", "X-0004"]
    assert [c["row"] for c in body["assigned_codes"]] == [r + 1 for r in kept.index]
    assert body["area_m2"] == pytest.approx(float(parcel_areas(kept.geometry)["area_m2"].sum()))
    errors = sorted({p["row"] for p in body["problems"] if p["severity"] == "error"})
    assert errors == refused_rows
    assert all(p["message"] and p["message_en"] for p in body["problems"])
    assert [r["退回行号"] for r in _workbook_rows(rejects)] == refused_rows
    assert len(pyogrio.read_dataframe(rejects.with_suffix(".gpkg"))) == 4
    with Session(databases.engine(url)) as session:
        assert session.scalar(select(func.count(Parcel.id))) == 4

    plain = runner.invoke(app, ["import", str(path), "--assign-codes", "Y", *database])
    assert plain.exit_code == 2  # without --skip-invalid: refused whole
    assert "未写入任何宗地" in plain.output
