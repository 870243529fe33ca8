"""The work report's status map of the demo county, drawn from either database: a PNG of
the asked size whose parcels are painted in their status colours (read back with Pillow at
each parcel's own place), framed on the ledger, with Chinese that draws as glyphs."""

from __future__ import annotations

import datetime as dt
import io
import warnings

import numpy as np
import pytest
from PIL import Image
from shapely.ops import polylabel
from sqlalchemy.orm import Session

from landgis.db.migrate import upgrade
from landgis.ledger import ledger_rows
from landgis.maps.labels import NOT_IN_LEDGER
from landgis.maps.printed import status_map
from landgis.maps.printed.layers import ledger_layer
from landgis.maps.printed.status_map import legend_labels
from landgis.maps.styles import STATUS_COLOURS

AUG_31 = dt.date(2023, 8, 31)
JAN_31 = dt.date(2023, 1, 31)


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB"))


def count_of(picture: np.ndarray, colour: str) -> int:
    return int((picture == np.array(rgb(colour))).all(axis=2).sum())


@pytest.fixture
def august(session):
    """The map of 31 August 2023 at 150 dpi, with Chinese glyphs that must all be found."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing")
        drawn = status_map(session, AUG_31, "zh", width_mm=160, height_mm=120, dpi=150)
    return drawn, ledger_rows(session, AUG_31)


def test_the_picture_has_the_size_asked_in_millimetres(session):
    png = status_map(session, AUG_31, width_mm=100, height_mm=70, dpi=120).png
    image = Image.open(io.BytesIO(png))
    assert image.size == (round(100 / 25.4 * 120), round(70 / 25.4 * 120))
    assert image.info["dpi"] == pytest.approx((120, 120), abs=0.05)


def test_each_ledger_parcel_is_painted_in_its_status_colour_where_it_lies(session, august):
    drawn, rows = august
    picture = pixels(drawn.png)
    layer = ledger_layer(session, AUG_31)
    parcels = layer.parcels.to_crs(drawn.extent.crs)
    assert set(parcels["parcel_code"]) == set(rows["parcel_code"])
    left, _top, right, _bottom = drawn.map_pixels
    metres_per_pixel = (drawn.extent.bounds[2] - drawn.extent.bounds[0]) / (right - left)
    for code, status, geometry in zip(
        parcels["parcel_code"], parcels["status"], parcels.geometry, strict=True
    ):
        # The middle of the largest circle inside the parcel: far from its edges.
        largest = max(geometry.geoms, key=lambda part: part.area)
        inside = polylabel(largest, tolerance=0.5)
        assert largest.boundary.distance(inside) / metres_per_pixel > 1.5, code
        x, y = drawn.pixel_of(inside.x, inside.y)
        assert tuple(picture[round(y), round(x)]) == rgb(STATUS_COLOURS[status]), code
    for status in set(rows["status"]):
        assert count_of(picture, STATUS_COLOURS[status]) > 20, status


def test_a_status_no_case_has_is_nowhere_in_the_picture(session):
    picture = pixels(status_map(session, JAN_31, dpi=100).png)
    present = set(ledger_rows(session, JAN_31)["status"])
    assert present and present < set(STATUS_COLOURS) - {NOT_IN_LEDGER}
    for status, colour in STATUS_COLOURS.items():
        if status == NOT_IN_LEDGER:
            continue
        assert (count_of(picture, colour) > 0) == (status in present), status


def test_the_map_is_framed_on_the_ledger_and_not_blank(session, august):
    drawn, _rows = august
    picture = pixels(drawn.png)
    left, top, right, bottom = (round(v) for v in drawn.map_pixels)
    inside = picture[top + 2 : bottom - 2, left + 2 : right - 2]
    white = (inside == 255).all(axis=2).mean()
    assert 0.3 < white < 0.95  # parcels and outlines drawn, and some room around them
    grey = count_of(inside, STATUS_COLOURS[NOT_IN_LEDGER])
    assert grey > 1000  # the parcels not in the ledger, for orientation
    # Every ledger parcel lies inside the map's frame.
    parcels = ledger_layer(session, AUG_31).parcels.to_crs(drawn.extent.crs)
    minx, miny, maxx, maxy = drawn.extent.bounds
    pminx, pminy, pmaxx, pmaxy = parcels.total_bounds
    assert minx < pminx and pmaxx < maxx and miny < pminy and pmaxy < maxy
    # ... and fill a good share of it (framed on the park's areas, not on the county).
    assert (pmaxx - pminx) / (maxx - minx) > 0.6 or (pmaxy - pminy) / (maxy - miny) > 0.6


def test_only_the_cases_of_the_parcels_asked_are_coloured(session):
    rows = ledger_rows(session, AUG_31)
    chosen = rows[rows["zone_name"] == "临江工业区"]
    png = status_map(session, AUG_31, dpi=100, parcel_codes=list(chosen["parcel_code"])).png
    picture = pixels(png)
    for status in set(rows["status"]):
        assert (count_of(picture, STATUS_COLOURS[status]) > 0) == (
            status in set(chosen["status"])
        ), status


def test_the_legend_counts_the_cases_of_each_status(session):
    rows = ledger_rows(session, AUG_31)
    layer = ledger_layer(session, AUG_31)
    assert layer.cases_by_status == rows["status"].value_counts().to_dict()
    assert list(layer.cases_by_status) == [
        s for s in STATUS_COLOURS if s in layer.cases_by_status
    ]  # in the workflow's order
    labels = legend_labels(layer.cases_by_status, "zh")
    assert labels["disposing"] == f"处置中({layer.cases_by_status['disposing']} 宗)"
    english = legend_labels(layer.cases_by_status, "en")
    assert english["revitalized"] == f"Revitalized ({layer.cases_by_status['revitalized']})"


def test_the_map_draws_in_english_too(session):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing")
        png = status_map(session, AUG_31, "en", dpi=100).png
    assert count_of(pixels(png), STATUS_COLOURS["revitalized"]) > 20


def test_before_the_first_case_only_the_grey_parcels_and_the_park_are_drawn(session):
    drawn = status_map(session, dt.date(2000, 1, 1), dpi=100)
    picture = pixels(drawn.png)
    assert drawn.extent is not None  # framed on the park
    assert count_of(picture, STATUS_COLOURS[NOT_IN_LEDGER]) > 1000
    for status, colour in STATUS_COLOURS.items():
        if status != NOT_IN_LEDGER:
            assert count_of(picture, colour) == 0, status


def test_a_county_without_zones_or_cases_gets_a_note_not_a_failure(databases):
    engine = databases.engine()
    upgrade(engine)
    with Session(engine) as empty:
        drawn = status_map(empty, AUG_31, dpi=100)
    engine.dispose()
    picture = pixels(drawn.png)
    assert drawn.extent is None and picture.shape[:2] == (472, 630)
    assert 100 < (picture < 128).all(axis=2).sum() < picture.size // 30  # the note only
