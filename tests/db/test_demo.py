"""The demo county, loaded on each backend, reproduces the source report."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from landgis.db.backends import GeodesicArea
from landgis.db.models import Building, Case, CaseEvent, Parcel, Zone
from landgis.demo import load_demo
from landgis.ledger import current_states, replayed_states
from landgis.settings import DEMO_DATA
from landgis.stats import headline_figures


def test_headline_figures_reproduce_the_report(session):
    figures = headline_figures(session)

    assert figures["cases"] == 13
    assert figures["ledger_area_mu"] == pytest.approx(539, abs=0.5)
    assert figures["revitalized_area_mu"] == pytest.approx(120, abs=0.5)
    assert 0 < figures["revitalized_building_area_m2"] <= figures["idle_building_area_m2"]
    routes = figures["revitalized_by_route"]
    assert set(routes) == {"buyback", "judicial_auction", "lease_conversion"}
    assert sum(g["cases"] for g in figures["by_zone"].values()) == 13


def test_figures_are_identical_on_both_backends(demo_engines):
    from landgis.db.session import transaction

    figures = {}
    for backend in ("spatialite", "postgis"):
        with transaction(demo_engines[backend]) as session:
            figures[backend] = headline_figures(session)
    assert figures["spatialite"] == figures["postgis"]


def test_loading_twice_changes_nothing(session):
    counts = [session.scalar(select(func.count()).select_from(m)) for m in (Parcel, Case)]

    report = load_demo(session, DEMO_DATA)

    assert not report.loaded
    assert [session.scalar(select(func.count()).select_from(m)) for m in (Parcel, Case)] == counts


def test_demo_has_zones_parcels_buildings_and_history(session):
    kinds = session.execute(select(Zone.kind, func.count()).group_by(Zone.kind)).all()
    assert dict(kinds) == {"county": 1, "park": 1, "area": 3}
    assert 60 <= session.scalar(select(func.count(Parcel.id))) <= 120
    assert session.scalar(select(func.count(Building.id))) > 0
    assert session.scalar(select(func.count(Parcel.id)).where(Parcel.zone_id.is_(None))) == 0
    first, last = session.execute(
        select(func.min(CaseEvent.occurred_on), func.max(CaseEvent.occurred_on))
    ).one()
    assert (first.year, first.month) == (2023, 1)
    assert (last.year, last.month) <= (2023, 8)


def test_case_versions_count_their_events(session):
    rows = session.execute(
        select(Case.case_no, Case.version, func.count(CaseEvent.id))
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .group_by(Case.case_no, Case.version)
    ).all()
    assert len(rows) == 13
    assert all(version == events for _, version, events in rows)


def test_stored_area_agrees_with_the_database_geodesic_area(session, backend):
    """Stored planar GK area vs the backend's own ellipsoidal area, within 0.1 %.

    Our stored geodesic area (pyproj) matches PostGIS to 1 ppm; SpatiaLite's own
    ellipsoidal formula is coarser (a few ppm).
    """
    tolerance = 1e-6 if backend == "postgis" else 2e-5
    rows = session.execute(
        select(
            Parcel.parcel_code, Parcel.area_m2, Parcel.geodesic_area_m2, GeodesicArea(Parcel.geom)
        )
    ).all()
    assert len(rows) >= 60
    for code, area, our_geodesic, database_geodesic in rows:
        assert area == pytest.approx(database_geodesic, rel=1e-3), code
        assert our_geodesic == pytest.approx(database_geodesic, rel=tolerance), code


def test_idle_area_of_each_case_is_its_parcels_computed_area(session):
    rows = session.execute(
        select(Case.case_no, Case.idle_area_m2, Parcel.area_m2).join(Parcel)
    ).all()
    for case_no, idle, parcel_area in rows:
        assert idle <= parcel_area * (1 + 1e-9), case_no


def test_the_demo_ledger_rebuilt_from_its_events_equals_its_rows(session):
    pd.testing.assert_frame_equal(
        replayed_states(session, dt.date.today()), current_states(session), check_dtype=False
    )
