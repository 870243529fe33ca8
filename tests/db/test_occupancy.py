"""Occupancy of factory space on both backends: vacant, leased, owner-occupied and
under-construction floor area as of a day and month by month, by building, zone and
county, from the leases' periods; the occupancy rate; the revitalized factory floor area
in 万平方米. Every expected figure is worked out here by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from factory_space import PERIOD, TODAY, USES, ZONE, ZONE_NAME, let_space, sign
from sqlalchemy import select

from landgis.db.models import Building, BuildingUnit, Case
from landgis.filters import ParcelFilter
from landgis.ledger_rules.totals import UNASSIGNED
from landgis.space.occupancy import month_days, occupancy_by_month, occupancy_on
from landgis.space.units import UnitSpec, add_units
from landgis.stats import headline_figures
from landgis.wallclock import frozen_at

DISPOSING = "QX-XZ-2023-013"  # 处置中, three idle factory buildings


def _areas(figures: dict) -> dict[str, float]:
    return {key: figures[key] for key in USES}


def _plus(before: dict, **added: float) -> dict[str, float]:
    return {key: pytest.approx(before[key] + added.get(key, 0.0)) for key in USES}


def _rate(areas: dict) -> float:
    counted = sum(areas[k] for k in USES) - areas["under_construction_m2"]
    return (areas["leased_m2"] + areas["owner_occupied_m2"]) / counted


@pytest.fixture
def june():
    with frozen_at(TODAY):
        yield


def test_each_building_as_of_today_and_a_past_day(session, june):
    space = let_space(session)

    today = occupancy_on(session).by_building()
    zoned = today.loc[space.zoned.id]
    # 1F's lease ended 2024-03-15 and 3F's starts in September: both vacant today.
    assert (zoned["building"], zoned["zone"], zoned["units"]) == (space.zoned.name, ZONE_NAME, 5)
    assert [zoned[k] for k in USES] == [450.0, 200.0, 100.0, 50.0]
    assert zoned["floor_area_m2"] == 800.0
    assert zoned["occupancy_rate"] == pytest.approx((200 + 100) / (800 - 50))
    zoneless = today.loc[space.zoneless.id]
    assert zoneless["zone"] == UNASSIGNED
    assert [zoneless[k] for k in USES] == [120.0, 250.0, 0.0, 0.0]
    assert zoneless["occupancy_rate"] == pytest.approx(250 / 370)

    # On 1 March both 1F and 2F were let, whatever the units' state now.
    march = occupancy_on(session, dt.date(2024, 3, 1)).by_building().loc[space.zoned.id]
    assert [march[k] for k in USES] == [150.0, 500.0, 100.0, 50.0]
    # On the last day of 1F's lease it still counts; the next day it does not.
    assert (
        occupancy_on(session, dt.date(2024, 3, 15)).by_building().loc[space.zoned.id]["leased_m2"]
        == 500.0
    )
    assert (
        occupancy_on(session, dt.date(2024, 3, 16)).by_building().loc[space.zoned.id]["leased_m2"]
        == 200.0
    )
    # A day after today is counted as today: the lease signed ahead lets nothing yet.
    later = occupancy_on(session, dt.date(2024, 10, 1))
    assert later.day == TODAY
    assert later.by_building().loc[space.zoned.id]["leased_m2"] == 200.0


def test_the_county_and_zones_as_of_the_period_end_and_month_by_month(session, june):
    before = headline_figures(session, date_from=PERIOD[0], date_to=PERIOD[1])
    zone_before = before["occupancy"]["by_zone"].get(ZONE_NAME, dict.fromkeys(USES, 0.0))
    let_space(session)

    figures = headline_figures(session, date_from=PERIOD[0], date_to=PERIOD[1])

    occupancy = figures["occupancy"]
    # The period ends after today: the figures are today's.
    assert occupancy["as_of"] == TODAY.isoformat()
    county = _plus(
        before["occupancy"],
        vacant_m2=450 + 120,
        leased_m2=200 + 250,
        owner_occupied_m2=100,
        under_construction_m2=50,
    )
    assert _areas(occupancy) == county
    assert occupancy["units"] == before["occupancy"]["units"] + 7
    assert occupancy["floor_area_m2"] == pytest.approx(sum(occupancy[k] for k in USES))
    assert occupancy["occupancy_rate"] == pytest.approx(_rate(occupancy), abs=1e-4)
    by_zone = occupancy["by_zone"]
    assert _areas(by_zone[ZONE_NAME]) == _plus(
        zone_before, vacant_m2=450, leased_m2=200, owner_occupied_m2=100, under_construction_m2=50
    )
    assert _areas(by_zone[UNASSIGNED]) == {
        "vacant_m2": 120.0,
        "leased_m2": 250.0,
        "owner_occupied_m2": 0.0,
        "under_construction_m2": 0.0,
    }
    assert by_zone[UNASSIGNED]["occupancy_rate"] == pytest.approx(250 / 370, abs=1e-4)
    assert list(by_zone)[-1] == UNASSIGNED

    # Each month at its last day, June at today; July and August have not begun.
    months = figures["occupancy_by_month"]
    assert list(months) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert [m["day"] for m in months.values()] == [
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
        "2024-04-30",
        "2024-05-31",
        "2024-06-20",
    ]
    fixed = {"owner_occupied_m2": 100, "under_construction_m2": 50}
    # January: 1F and the zoneless 1F let; February: 2F too; from March 1F is free again.
    expected = {
        "2024-01": {"vacant_m2": 200 + 150 + 120, "leased_m2": 300 + 250},
        "2024-02": {"vacant_m2": 150 + 120, "leased_m2": 300 + 200 + 250},
        **{
            month: {"vacant_m2": 300 + 150 + 120, "leased_m2": 200 + 250}
            for month in ("2024-03", "2024-04", "2024-05", "2024-06")
        },
    }
    for month, added in expected.items():
        assert _areas(months[month]) == _plus(before["occupancy_by_month"][month], **added, **fixed)
        assert months[month]["occupancy_rate"] == pytest.approx(_rate(months[month]), abs=1e-4)
    assert months["2024-06"] == {
        "day": "2024-06-20",
        **{k: v for k, v in occupancy.items() if k not in ("as_of", "units", "by_zone")},
    }

    # The library's frame is the same, unrounded.
    frame = occupancy_by_month(session, *PERIOD)
    assert list(frame.index) == list(months)
    assert frame.loc["2024-02", "leased_m2"] == pytest.approx(months["2024-02"]["leased_m2"])


def test_a_zone_filter_narrows_the_occupancy(session, june):
    let_space(session)
    figures = headline_figures(
        session, date_from=PERIOD[0], date_to=PERIOD[1], filters=ParcelFilter(zone=(ZONE,))
    )
    occupancy = figures["occupancy"]
    assert list(occupancy["by_zone"]) == [ZONE_NAME]
    assert _areas(occupancy) == _areas(occupancy["by_zone"][ZONE_NAME])


def test_months_are_counted_at_their_last_day_the_period_end_or_today():
    with frozen_at(TODAY):
        assert month_days(dt.date(2024, 4, 10), dt.date(2024, 5, 15)) == [
            ("2024-04", dt.date(2024, 4, 30)),
            ("2024-05", dt.date(2024, 5, 15)),
        ]
        # Without a start: from 1 January of the end's year.
        assert [key for key, _ in month_days(None, dt.date(2023, 3, 1))] == [
            "2023-01",
            "2023-02",
            "2023-03",
        ]
        assert month_days(dt.date(2024, 7, 1), dt.date(2024, 12, 31)) == []


def test_revitalized_factory_floor_area_in_wan_m2_as_the_report_writes_it(session):
    parcel_id = session.scalar(select(Case.parcel_id).where(Case.case_no == DISPOSING))
    building = session.scalars(
        select(Building).where(Building.parcel_id == parcel_id, Building.name == "3号厂房")
    ).one()
    add_units(session, building.id, [UnitSpec("1F", 1650.0)])
    with frozen_at(dt.date(2024, 4, 2)):
        sign(session, building, "1F", dt.date(2024, 3, 1), dt.date(2027, 2, 28), "戊公司")
        figures = headline_figures(
            session, date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31)
        )
    # 1650 ㎡ = 0.165 万平方米, rounded half away from zero.
    assert figures["revitalized_building_area_m2"] == 1650.0
    assert figures["revitalized_building_area_wan_m2"] == 0.17
    assert figures["occupancy"]["leased_m2"] >= 1650.0
    unit = session.scalars(
        select(BuildingUnit).where(BuildingUnit.building_id == building.id)
    ).one()
    assert unit.state == "leased"
