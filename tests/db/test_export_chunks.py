"""Exports read in small chunks give the same files as exports read at once, on both
backends: the current ledger streamed from the database in chunks of 7 rows (the demo has
more than 7 cases, so every export spans several chunks) against the ledger rebuilt from
the events for today, which the exports read in one piece."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyogrio
import pytest
from pandas.testing import assert_frame_equal

from landgis.io.exports import ExportResult, collect_ledger, export_ledger
from landgis.parcels import ParcelFilter

CHUNK = 7
AUG_31 = dt.date(2023, 8, 31)


def workbook_values(result: ExportResult) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(result.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def layer(tmp_path: Path, result: ExportResult, name: str) -> pd.DataFrame:
    path = tmp_path / name
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
            archive.extractall(tmp_path / "shp")
        path = tmp_path / "shp" / "ledger.shp"
    else:
        path.write_bytes(result.content)
    return pyogrio.read_dataframe(path)


def test_the_demo_spans_several_chunks(session):
    data = collect_ledger(session, chunk_size=CHUNK)
    sizes = [len(chunk) for chunk in data.chunks()]
    assert len(sizes) > 1 and max(sizes) <= CHUNK
    assert data.count == sum(sizes) > CHUNK
    seq = pd.concat(list(data.chunks()))["seq"].tolist()
    assert seq == list(range(1, data.count + 1))


def test_the_workbook_in_chunks_equals_the_workbook_in_one_piece(session):
    today = dt.date.today()
    chunked = export_ledger(session, "xlsx", chunk_size=CHUNK)
    whole = export_ledger(session, "xlsx", as_of=today)
    assert chunked.rows == whole.rows > CHUNK
    chunked_sheets, whole_sheets = workbook_values(chunked), workbook_values(whole)
    assert chunked_sheets == whole_sheets
    ledger = chunked_sheets["台账"]
    assert sum(1 for r in ledger if isinstance(r[0], str) and r[0].startswith("小计:")) > 1
    assert len(chunked_sheets["处置记录"]) > CHUNK + 1
    # The formulas too: subtotal ranges must not break at chunk boundaries.
    formulas = openpyxl.load_workbook(io.BytesIO(chunked.content))
    reference = openpyxl.load_workbook(io.BytesIO(whole.content))
    assert [[c.value for c in r] for r in formulas["台账"].iter_rows()] == [
        [c.value for c in r] for r in reference["台账"].iter_rows()
    ]


@pytest.mark.parametrize(
    "filters",
    [
        ParcelFilter(status=("disposing", "identified")),
        ParcelFilter(overdue=True),
        ParcelFilter(text="有限公司"),
    ],
)
def test_filtered_exports_in_chunks_equal_one_piece(session, filters):
    today = dt.date.today()
    chunked = export_ledger(session, "csv", filters=filters, chunk_size=CHUNK)
    whole = export_ledger(session, "csv", filters=filters, as_of=today)
    assert chunked.content == whole.content
    assert chunked.rows == whole.rows > 0
    frame = pd.read_csv(io.BytesIO(chunked.content), encoding="utf-8-sig", dtype=str)
    assert frame["序号"].tolist() == [str(i) for i in range(1, len(frame) + 1)]


def test_csv_and_geojson_in_chunks_equal_one_piece(session):
    today = dt.date.today()
    csv_chunked = export_ledger(session, "csv", chunk_size=CHUNK)
    csv_whole = export_ledger(session, "csv", as_of=today)
    assert csv_chunked.content == csv_whole.content
    assert len(pd.read_csv(io.BytesIO(csv_chunked.content), encoding="utf-8-sig")) > CHUNK
    geojson_chunked = export_ledger(session, "geojson", chunk_size=CHUNK)
    geojson_whole = export_ledger(session, "geojson", as_of=today)
    collection = json.loads(geojson_chunked.content)
    assert collection == json.loads(geojson_whole.content)
    assert len(collection["features"]) == csv_chunked.rows > CHUNK
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in collection["features"])


@pytest.mark.parametrize(
    ("fmt", "name", "options"),
    [
        ("gpkg", "ledger.gpkg", {}),
        ("gpkg", "ledger.gpkg", {"epsg": "auto"}),
        ("shp.zip", "ledger.shp.zip", {"encoding": "gbk"}),
        ("kml", "ledger.kml", {}),
    ],
)
def test_gis_files_in_chunks_equal_one_piece(session, tmp_path, fmt, name, options):
    today = dt.date.today()
    chunked = export_ledger(session, fmt, chunk_size=CHUNK, **options)
    whole = export_ledger(session, fmt, as_of=today, **options)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    chunked_frame = layer(tmp_path / "a", chunked, name)
    whole_frame = layer(tmp_path / "b", whole, name)
    assert len(chunked_frame) == chunked.rows > CHUNK
    assert_frame_equal(
        pd.DataFrame(chunked_frame.drop(columns="geometry")),
        pd.DataFrame(whole_frame.drop(columns="geometry")),
    )
    assert chunked_frame.geometry.geom_equals_exact(whole_frame.geometry, 1e-9).all()
    assert chunked_frame.crs == whole_frame.crs


def test_a_past_date_in_chunks_equals_one_piece(session):
    chunked = export_ledger(session, "xlsx", as_of=AUG_31, chunk_size=CHUNK)
    whole = export_ledger(session, "xlsx", as_of=AUG_31)
    assert workbook_values(chunked) == workbook_values(whole)
    assert chunked.rows == whole.rows > CHUNK


def test_a_chunk_size_below_one_is_refused(session):
    with pytest.raises(ValueError, match="chunk_size"):
        collect_ledger(session, chunk_size=0)
