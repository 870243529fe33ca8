"""Files are checked before a reader opens them: workbook bombs, zipped GeoPackages that
unpack beyond the limits, forged GeoPackage headers and text files too large to parse
whole are refused with a clear problem, before anything big is read."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from landgis.errors import TooLarge
from landgis.io.archives import ArchiveLimits
from landgis.io.file_limits import (
    FileTooLarge,
    check_geopackage,
    check_text_size,
    check_workbook,
)
from landgis.io.problems import FileRefused
from landgis.io.readers import read_raw

MB = 1 << 20


def _parcels(path: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {"宗地编号": ["L-1"]}, geometry=[box(104.8, 30.1, 104.801, 30.101)], crs=4490
    )
    frame.to_file(path, driver="GPKG" if path.suffix == ".gpkg" else "GeoJSON")
    return path


def _refusal(path: Path, limits: ArchiveLimits | None = None) -> FileRefused:
    """Why the reader refuses ``path`` (it must)."""
    with pytest.raises(FileRefused) as refused:
        read_raw(path, limits=limits)
    return refused.value


def _zip(path: Path, *members: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            archive.write(member, member.name)
    return path


def test_a_workbook_bomb_is_refused_before_it_is_unpacked(workbook_bomb: Path):
    assert workbook_bomb.stat().st_size < 4 * MB  # some 300 MB of sheet once unpacked
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused) as refused:
            check_workbook(workbook_bomb, ArchiveLimits())
        result = _refusal(workbook_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.kind == "unsafe_archive"
    assert "Excel" in refused.value.message_en and "100 MB" in refused.value.message_en
    assert result.kind == "unsafe_archive"
    assert peak < 8 * MB  # the sheet was never parsed


def test_a_large_plain_workbook_is_refused_by_its_unpacked_size(tmp_path: Path):
    # A low ratio (no bomb), but more sheet than a workbook may unpack to.
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"<x/>" * (3 * MB // 4))
    with pytest.raises(FileRefused, match="2 MB") as refused:
        check_workbook(path, ArchiveLimits(max_workbook_bytes=2 * MB))
    assert refused.value.kind == "unsafe_archive"


def test_a_file_that_is_no_workbook_is_refused_as_unreadable(tmp_path: Path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip at all")
    assert _refusal(path).kind == "unreadable"


def test_a_zipped_geopackage_that_unpacks_beyond_the_limits_is_refused(tmp_path: Path):
    gpkg = _parcels(tmp_path / "padded.gpkg")
    with sqlite3.connect(gpkg) as db:  # 24 MB of zeros inside the GeoPackage
        db.execute("CREATE TABLE padding (b BLOB)")
        db.execute("INSERT INTO padding VALUES (zeroblob(24 * 1024 * 1024))")
    archive = _zip(tmp_path / "padded.zip", gpkg)
    assert archive.stat().st_size < MB

    result = _refusal(archive)
    assert result.kind == "unsafe_archive"
    assert "ratio" in result.message_en

    plain = _zip(tmp_path / "plain.zip", _parcels(tmp_path / "plain.gpkg"))
    small = ArchiveLimits(max_total_bytes=16 * 1024)
    result = _refusal(plain, small)
    assert result.kind == "unsafe_archive"
    assert "unpacks to more than" in result.message_en


def test_a_geopackage_whose_header_declares_more_than_it_holds_is_refused(tmp_path: Path):
    gpkg = _parcels(tmp_path / "ok.gpkg")
    check_geopackage(gpkg)  # a real one passes
    forged = tmp_path / "forged.gpkg"
    data = bytearray(gpkg.read_bytes())
    data[28:32] = (4_000_000).to_bytes(4, "big")  # 4 million pages, in a file of a few
    data[92:96] = data[24:28]  # marked as valid
    forged.write_bytes(bytes(data))
    with pytest.raises(FileRefused, match="GeoPackage"):
        check_geopackage(forged)
    with pytest.raises(FileRefused) as refused:
        read_raw(forged)
    assert refused.value.kind == "unreadable"
    not_sqlite = tmp_path / "text.gpkg"
    not_sqlite.write_text("hello", encoding="utf-8")
    with pytest.raises(FileRefused):
        check_geopackage(not_sqlite)


def test_text_files_too_large_to_parse_whole_are_refused_with_advice(tmp_path: Path):
    geojson = _parcels(tmp_path / "parcels.geojson")
    limits = ArchiveLimits(max_text_bytes=geojson.stat().st_size - 1)
    with pytest.raises(FileTooLarge) as refused:
        check_text_size(geojson, limits)
    assert isinstance(refused.value, TooLarge)  # an upload refused by it is a 413
    assert "GeoPackage" in refused.value.message_en and "GeoPackage" in refused.value.message

    for path in (geojson, _zip(tmp_path / "zipped.zip", geojson)):
        assert _refusal(path, limits).kind == "too_large", path

    kml = tmp_path / "doc.kml"
    kml.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        + "<!-- padding -->" * 100
        + "</Document></kml>",
        encoding="utf-8",
    )
    kmz = _zip(tmp_path / "parcels.kmz", kml)
    assert _refusal(kmz, ArchiveLimits(max_text_bytes=200)).kind == "too_large"

    csv = tmp_path / "parcels.csv"
    csv.write_text("wkt\n" + json.dumps("POLYGON ((1 1, 2 1, 2 2, 1 1))") * 50, encoding="utf-8")
    assert _refusal(csv, ArchiveLimits(max_text_bytes=100)).kind == "too_large"
