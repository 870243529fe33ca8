"""Imports in batches: the same result as one batch, all or nothing across batches."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
import math

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.affinity import translate
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from landgis.cli import app
from landgis.db.migrate import upgrade
from landgis.db.models import Parcel, Zone
from landgis.demo import load_zones
from landgis.errors import InvalidInput
from landgis.imports import ImportOptions, ImportProgress, ImportRefused, import_parcels
from landgis.settings import DEMO_DATA
from landgis.stats import headline_figures

BATCH = 7


@pytest.fixture
def zones_engine(databases):
    """A new database holding only the demo county's zones."""
    engine = databases.engine()
    upgrade(engine)
    with Session(engine) as session, session.begin():
        assert load_zones(session, DEMO_DATA) > 0
    return engine


@pytest.fixture
def demo_parcels() -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(DEMO_DATA, layer="parcels")


def _stored(session: Session) -> list[tuple]:
    rows = session.execute(
        select(
            Parcel.parcel_code,
            Parcel.holder,
            Parcel.contract_date,
            Parcel.zone_id,
            Parcel.area_m2,
            Parcel.geodesic_area_m2,
            Parcel.gk_epsg,
            Parcel.extra,
            func.ST_AsBinary(Parcel.geom),
        ).order_by(Parcel.parcel_code)
    ).all()
    return [(*row[:-1], shapely.normalize(shapely.from_wkb(bytes(row[-1])))) for row in rows]


def _import(engine, path, progress=None, **options):
    """Import in a transaction that is rolled back; (report or refusal, stored rows)."""
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            try:
                outcome = import_parcels(
                    session, path, ImportOptions.build(**options), progress=progress
                )
            except ImportRefused as refused:
                outcome = refused
            return outcome, _stored(session)
        finally:
            session.close()
            outer.rollback()


def _without_batches(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in ("batches", "batch_size")}


def test_batches_give_the_same_rows_areas_and_report_as_one_batch(zones_engine, tmp_path):
    path = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(DEMO_DATA, layer="parcels"), path)

    whole, whole_rows = _import(zones_engine, path, batch_size=None)
    batched, batched_rows = _import(zones_engine, path, batch_size=BATCH)

    assert whole.inserted == whole.features == 90
    assert _without_batches(batched.to_dict()) == _without_batches(whole.to_dict())
    assert len(batched_rows) == len(whole_rows) == 90
    for a, b in zip(batched_rows, whole_rows, strict=True):
        assert a[:4] == b[:4]  # code, holder, date, zone
        assert a[4:7] == pytest.approx(b[4:7], rel=1e-12)  # areas, Gauss-Kruger zone
        assert a[7] == b[7]
        assert shapely.equals_exact(a[8], b[8], tolerance=0)
    assert all(row[3] is not None for row in batched_rows)  # every parcel found its zone
    assert len(whole.batches) == 1
    assert [b["rows"] for b in batched.batches] == [7] * 12 + [6]
    assert [b["first_row"] for b in batched.batches] == list(range(1, 91, 7))
    assert sum(b["written"] for b in batched.batches) == 90
    report = json.loads(json.dumps(batched.to_dict()))
    assert report["batch_size"] == BATCH and len(report["batches"]) == 13
    assert "分 13 批" in "\n".join(batched.text_lines())
    assert "In 13 batches" in "\n".join(batched.text_lines(lang="en"))


def test_upsert_in_batches_updates_as_one_batch_does(databases, tmp_path):
    """Upsert into the full demo: changed holders are updated, the rest left alone,
    each change recorded on the parcel's case, whatever the batch size."""
    from landgis.demo import load_demo

    engine = databases.engine()
    upgrade(engine)
    with Session(engine) as session, session.begin():
        load_demo(session, DEMO_DATA)
    frame = pyogrio.read_dataframe(DEMO_DATA, layer="parcels")
    changed = frame.index[::11]
    frame.loc[changed, "holder"] = [f"新权利人{i}" for i in range(len(changed))]
    path = tmp_path / "upsert.gpkg"
    pyogrio.write_dataframe(frame, path)

    whole, whole_rows = _import(engine, path, mode="upsert", batch_size=None)
    batched, batched_rows = _import(engine, path, mode="upsert", batch_size=BATCH)

    assert (batched.updated, batched.unchanged, batched.inserted) == (len(changed), 90 - 9, 0)
    assert _without_batches(batched.to_dict()) == _without_batches(whole.to_dict())
    assert [r[:2] for r in batched_rows] == [r[:2] for r in whole_rows]
    assert sum(1 for u in batched.updates if u.get("case_no")) > 0


def test_a_bad_row_in_a_late_batch_refuses_the_whole_import(zones_engine, tmp_path):
    frame = pyogrio.read_dataframe(DEMO_DATA, layer="parcels")
    last = len(frame) - 1
    frame.loc[last - 1, "geometry"] = shapely.Point(frame.geometry.iloc[0].centroid.coords[0])
    frame.loc[last, "parcel_code"] = frame.loc[0, "parcel_code"]  # repeats row 1's code
    # row 89 covers most of row 2, five batches earlier
    frame.loc[last - 2, "geometry"] = translate(frame.geometry.iloc[1], 1e-5, 1e-5)
    path = tmp_path / "late.gpkg"
    pyogrio.write_dataframe(frame, path)

    refused, stored = _import(zones_engine, path, batch_size=BATCH)

    assert isinstance(refused, ImportRefused)
    report = refused.report
    assert not report.accepted and report.inserted == 0
    found = {(p.row, p.kind) for p in report.problems if p.severity == "error"}
    assert (89, "not_polygon") in found
    assert {(1, "duplicate_code"), (90, "duplicate_code")} <= found
    assert {(88, "overlap"), (2, "overlap")} <= found
    overlap = next(p for p in report.problems if p.row == 88 and p.kind == "overlap")
    assert "row 2 " in overlap.message_en
    duplicate = next(p for p in report.problems if p.row == 90)
    assert "also row 1" in duplicate.message_en
    assert stored == []  # nothing written, not even the batches before the bad rows

    whole, _ = _import(zones_engine, path, batch_size=None)
    assert whole.report.problems == report.problems


def test_progress_is_reported_after_each_batch(zones_engine, tmp_path):
    path = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(DEMO_DATA, layer="parcels"), path)
    steps: list[ImportProgress] = []

    report, _ = _import(zones_engine, path, batch_size=20, progress=steps.append)

    checks = [s for s in steps if s.phase == "check"]
    writes = [s for s in steps if s.phase == "write"]
    assert [s.phase for s in steps] == ["check"] * 5 + ["write"] * 5  # nothing written early
    assert [s.batch for s in checks] == [s.batch for s in writes] == [1, 2, 3, 4, 5]
    assert [s.rows_read for s in checks] == [20, 40, 60, 80, 90]
    assert [s.rows_written for s in checks] == [0] * 5
    assert [s.rows_written for s in writes] == [20, 40, 60, 80, 90]
    assert all(s.rows_total == 90 and s.errors == 0 for s in steps)
    assert all(a.seconds <= b.seconds for a, b in itertools.pairwise(checks))
    assert all(a.seconds <= b.seconds for a, b in itertools.pairwise(writes))
    assert report.inserted == 90


def test_a_bad_batch_size_is_refused(zones_engine, tmp_path):
    path = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(DEMO_DATA, layer="parcels"), path)
    with Session(zones_engine) as session, pytest.raises(InvalidInput) as refused:
        import_parcels(session, path, ImportOptions.build(batch_size=0))
    assert "batch size" in refused.value.message_en and "每批行数" in refused.value.message


def test_cli_loads_zones_then_imports_with_progress_per_batch(databases, tmp_path):
    url = databases.new_url()
    runner = CliRunner()
    zones = runner.invoke(app, ["demo", "--zones-only", "--database-url", url])
    assert zones.exit_code == 0, zones.output
    assert "片区已加载:5 个" in zones.output
    path = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(DEMO_DATA, layer="parcels"), path)

    result = runner.invoke(
        app, ["import", str(path), "--batch-size", "30", "--json", "--database-url", url]
    )

    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("第 ")]
    assert len(lines) == 2 * math.ceil(90 / 30)  # each batch checked, then each written
    assert lines[0].startswith("第 1 批:已读取并检查 30/90 行,错误 0 处")
    assert lines[2].startswith("第 3 批:已读取并检查 90/90 行,错误 0 处")
    assert lines[3].startswith("第 1 批:已写入 30 行")
    assert lines[-1].startswith("第 3 批:已写入 90 行")
    report = json.loads(result.stdout)
    assert report["inserted"] == 90 and [b["rows"] for b in report["batches"]] == [30] * 3
    quiet = runner.invoke(app, ["import", str(path), "--no-progress", "--database-url", url])
    assert quiet.exit_code == 2  # the codes exist now
    assert gc.get_freeze_count() == 0  # what an import left out of collections is back
    assert "批:已读取" not in quiet.stderr  # no progress lines
    engine = databases.engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count(Parcel.id))) == 90
        assert conn.scalar(select(func.count(Zone.id))) > 0


def test_zones_then_parcels_then_ledger_give_the_demo_figures(databases, tmp_path):
    """A province's file loads in three steps (zones, an import of its parcels, its
    ledger onto them) and reports what the demo loaded in one step reports."""
    url = databases.new_url()
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--zones-only", "--database-url", url]).exit_code == 0
    refused = runner.invoke(app, ["demo", "--ledger-only", "--database-url", url])
    assert refused.exit_code != 0
    assert "请先导入宗地" in refused.output
    path = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(DEMO_DATA, layer="parcels"), path)
    imported = runner.invoke(app, ["import", str(path), "--no-progress", "--database-url", url])
    assert imported.exit_code == 0, imported.output
    ledger = runner.invoke(app, ["demo", "--ledger-only", "--database-url", url])
    assert ledger.exit_code == 0, ledger.output
    assert "台账已加载:13 宗,64 条处置记录" in ledger.output
    again = runner.invoke(app, ["demo", "--ledger-only", "--database-url", url])
    assert "台账已存在,未重复加载" in again.output
    with Session(databases.engine(url)) as session:
        figures = headline_figures(
            session, date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 8, 31)
        )
    assert figures["cases"] == 13
    assert figures["ledger_area_mu"] == 539.0
    assert figures["revitalized_area_mu"] == 120.0


def test_awkward_values_are_stored_as_the_file_has_them(zones_engine, tmp_path):
    """Tabs, newlines, backslashes, blanks, dates, numbers and extra attributes survive
    the bulk write (COPY's text format on PostGIS) unchanged."""
    frame = pyogrio.read_dataframe(DEMO_DATA, layer="parcels").iloc[:4].copy()
    frame["holder"] = ["甲\t乙", "line\nbreak\r\n", "back\\slash \\N", None]
    frame["land_price_yuan"] = [1234.5, None, 0.1, 1e-7]
    frame["contract_date"] = ["2015-03-01", None, "2015-03-01", "2016-12-31"]
    frame["note"] = ["a\\tb", "", '引号"', None]
    path = tmp_path / "awkward.gpkg"
    pyogrio.write_dataframe(frame, path)

    report, _rows = _import(zones_engine, path, batch_size=3)
    assert report.inserted == 4
    with zones_engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            import_parcels(session, path, ImportOptions.build(batch_size=3))
            stored = session.execute(
                select(
                    Parcel.holder, Parcel.land_price_yuan, Parcel.contract_date, Parcel.extra
                ).order_by(Parcel.parcel_code)
            ).all()
        finally:
            session.close()
            outer.rollback()
    assert sorted(str(row[0]) for row in stored) == sorted(
        ["甲\t乙", "line\nbreak", "back\\slash \\N", "None"]
    )
    prices = sorted((row[1] for row in stored), key=lambda v: (v is None, v or 0))
    assert prices == [1e-7, 0.1, 1234.5, None]
    assert sorted(str(row[2]) for row in stored) == [
        "2015-03-01",
        "2015-03-01",
        "2016-12-31",
        "None",
    ]
    notes = sorted(str((row[3] or {}).get("note")) for row in stored)
    assert notes == sorted(["a\\tb", '引号"', "None", "None"])


def test_a_dry_run_says_what_it_would_write_not_what_it_wrote(databases, tmp_path, cli_in):
    url = databases.new_url()
    assert cli_in("zh", "demo", "--zones-only", "--database-url", url).exit_code == 0
    path = tmp_path / "two.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(DEMO_DATA, layer="parcels").head(2), path)
    said = {}
    for lang in ("zh", "en"):
        result = cli_in(lang, "import", str(path), "--dry-run", "--database-url", url)
        assert result.exit_code == 0, result.output
        said[lang] = result.output
    assert "读取并检查 2 行,将写入 2 行" in said["zh"] and "第 1 批:将写入 2 行" in said["zh"]
    assert "2 rows read and checked, would write 2" in said["en"]
    assert "Batch 1: would write 2 rows" in said["en"]
    assert "已写入" not in said["zh"] and "2 written" not in said["en"]
    assert "2 rows written" not in said["en"]
    with databases.engine(url).connect() as conn:
        assert conn.scalar(select(func.count(Parcel.id))) == 0
