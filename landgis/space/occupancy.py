"""Occupancy of factory space (厂房出租率): how much of the units' floor area is vacant,
leased, owner-occupied or under construction on a day, by building, by zone and for the
county, and month by month over a period.

- A unit is *leased* on a day when one of its leases runs that day: from its start date
  to its end (:func:`~landgis.space.leases.lease_end`: its end date, or the day it ended
  early), both included, whatever the lease's status; a lease cancelled before its start
  lets nothing. So a past month is counted as it was, not as the units stand now.
- A unit no lease lets that day is *owner-occupied* or *under construction* by its state
  (set by hand, undated), else *vacant*.
- The occupancy rate (出租率) is (leased + owner-occupied) ÷ the floor area of the units
  not under construction; None when there is none.

A day is never later than today (no figure is told ahead of its day): the figures "as of"
a later day are today's. Each month of a period is counted at its last day, or at the
period's end or today when that comes first; the months not yet begun are left out. Zones
are the building's parcel's zone, by name; the units of parcels in no zone are under
:data:`~landgis.ledger_rules.totals.UNASSIGNED`. Areas are sums of stored ㎡ rounded once
(:func:`~landgis.ledger_rules.totals.area_total`).

Two queries whatever the period (the units with their building and zone; the leases that
run in it); the rest is done on whole arrays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis.db.models import Building, BuildingUnit, Lease, LeaseUnit, Parcel, Zone
from landgis.ledger_rules.totals import UNASSIGNED, area_total
from landgis.wallclock import today

# What a unit's floor area is on a day, in the order the figures list them.
USES: tuple[str, ...] = ("vacant", "leased", "owner_occupied", "under_construction")
AREA_COLUMNS: tuple[str, ...] = tuple(f"{use}_m2" for use in USES)
UNIT_COLUMNS = ["unit_id", "building_id", "building", "zone", "floor_area_m2", "state"]
_CODE = {use: code for code, use in enumerate(USES)}


@dataclass(frozen=True)
class _Space:
    """The units (one row each, ``UNIT_COLUMNS``) and the periods of their leases
    (``unit_id``, ``start``, ``end`` as numpy days)."""

    units: pd.DataFrame
    periods: pd.DataFrame

    @classmethod
    def load(
        cls, session: Session, first: dt.date, last: dt.date, zones: Sequence[str] = ()
    ) -> _Space:
        """The units in ``zones`` (zone codes; every unit when empty) and their leases
        that run on some day from ``first`` to ``last``."""
        units = (
            select(
                BuildingUnit.id,
                BuildingUnit.building_id,
                Building.name,
                Zone.name,
                BuildingUnit.floor_area_m2,
                BuildingUnit.state,
            )
            .join(Building, Building.id == BuildingUnit.building_id)
            .join(Parcel, Parcel.id == Building.parcel_id)
            .outerjoin(Zone, Zone.id == Parcel.zone_id)
            .order_by(BuildingUnit.id)
        )
        end = func.coalesce(Lease.ended_on, Lease.end_date)
        leases = (
            select(LeaseUnit.unit_id, Lease.start_date, end)
            .join(Lease, Lease.id == LeaseUnit.lease_id)
            .where(Lease.start_date <= last, end >= first, end >= Lease.start_date)
        )
        if zones:
            units = units.where(Zone.code.in_(list(zones)))
        frame = pd.DataFrame.from_records(session.execute(units).all(), columns=UNIT_COLUMNS)
        frame["zone"] = frame["zone"].fillna(UNASSIGNED)
        frame["floor_area_m2"] = frame["floor_area_m2"].astype(float)
        rows = session.execute(leases).all()
        periods = pd.DataFrame(
            {
                "unit_id": np.array([row[0] for row in rows], dtype=np.int64),
                "start": np.array([row[1] for row in rows], dtype="datetime64[D]"),
                "end": np.array([row[2] for row in rows], dtype="datetime64[D]"),
            }
        )
        return cls(frame, periods)

    @classmethod
    def none(cls) -> _Space:
        """No units, no leases."""
        periods = pd.DataFrame({"unit_id": [], "start": [], "end": []})
        return cls(pd.DataFrame(columns=UNIT_COLUMNS), periods)

    def uses(self, days: Sequence[dt.date]) -> np.ndarray:
        """Each unit's use on each day (a row per unit, a column per day; codes of
        :data:`USES`)."""
        when = np.array(days, dtype="datetime64[D]")
        leased = np.zeros((len(self.units), len(when)), dtype=bool)
        position = pd.Index(self.units["unit_id"]).get_indexer(self.periods["unit_id"])
        kept = position >= 0
        start = self.periods["start"].to_numpy()[kept, None]
        end = self.periods["end"].to_numpy()[kept, None]
        np.logical_or.at(leased, position[kept], (start <= when) & (when <= end))
        state = self.units["state"].to_numpy()
        by_state = np.select(
            [state == "owner_occupied", state == "under_construction"],
            [_CODE["owner_occupied"], _CODE["under_construction"]],
            _CODE["vacant"],
        )
        return np.where(leased, _CODE["leased"], by_state[:, None])


def _with_rate(areas: pd.DataFrame) -> pd.DataFrame:
    """``areas`` (the columns :data:`AREA_COLUMNS`) with the total floor area and the
    occupancy rate."""
    total = areas[list(AREA_COLUMNS)].sum(axis=1)
    counted = total - areas["under_construction_m2"]
    occupied = areas["leased_m2"] + areas["owner_occupied_m2"]
    rate = (occupied / counted.where(counted > 0)).astype(float)
    return areas.assign(floor_area_m2=total, occupancy_rate=rate)


@dataclass(frozen=True)
class Occupancy:
    """The units on ``day``, each with its use (a name of :data:`USES`): the rows
    ``units`` (``UNIT_COLUMNS`` and ``use``)."""

    day: dt.date
    units: pd.DataFrame

    def by(self, key: str) -> pd.DataFrame:
        """Floor area (㎡, unrounded) by use, the total, the occupancy rate and the number
        of units, by ``key`` (``building_id``, ``building`` or ``zone``)."""
        if self.units.empty:
            empty = pd.DataFrame(columns=list(AREA_COLUMNS), dtype=float)
            return _with_rate(empty).assign(units=pd.Series(dtype=int))
        sums = (
            self.units.groupby([key, "use"])["floor_area_m2"]
            .sum()
            .unstack(fill_value=0.0)
            .reindex(columns=list(USES), fill_value=0.0)
            .set_axis(list(AREA_COLUMNS), axis=1)
        )
        counts = self.units.groupby(key).size().rename("units")
        return _with_rate(sums).join(counts)

    def by_building(self) -> pd.DataFrame:
        """:meth:`by` building, with the building's name and zone, by building id."""
        names = self.units.groupby("building_id")[["building", "zone"]].first()
        return names.join(self.by("building_id"))

    def county(self) -> pd.Series:
        """The county's figures (of the units in the zones asked for), as a row of
        :meth:`by`."""
        whole = Occupancy(self.day, self.units.assign(county="county")).by("county")
        if whole.empty:
            return (
                _with_rate(pd.DataFrame([dict.fromkeys(AREA_COLUMNS, 0.0)])).assign(units=0).iloc[0]
            )
        return whole.iloc[0]


def _counted_day(day: dt.date | None) -> dt.date:
    now = today()
    return now if day is None else min(day, now)


def month_days(date_from: dt.date | None, date_to: dt.date | None) -> list[tuple[str, dt.date]]:
    """The months of the period (``YYYY-MM``) with the day each is counted at: its last
    day, or the period's end or today when that comes first. Without ``date_from`` the
    period starts on 1 January of its end's year; months not yet begun are left out."""
    last = _counted_day(date_to)
    first = date_from or dt.date(last.year, 1, 1)
    months: list[tuple[str, dt.date]] = []
    start = first.replace(day=1)
    while start <= last:
        following = (start + dt.timedelta(days=32)).replace(day=1)
        months.append((start.strftime("%Y-%m"), min(following - dt.timedelta(days=1), last)))
        start = following
    return months


def occupancy_on(
    session: Session, day: dt.date | None = None, *, zones: Sequence[str] = ()
) -> Occupancy:
    """The units (in ``zones``, zone codes; all when empty) and their use on ``day``
    (today when None; never later than today)."""
    counted = _counted_day(day)
    space = _Space.load(session, counted, counted, zones)
    return _occupancy(space, counted)


def _occupancy(space: _Space, day: dt.date) -> Occupancy:
    codes = space.uses([day])[:, 0]
    use = np.asarray(USES, dtype=object)[codes] if len(codes) else np.array([], dtype=object)
    return Occupancy(day, space.units.assign(use=use))


def _by_month(space: _Space, months: Sequence[tuple[str, dt.date]]) -> pd.DataFrame:
    uses = space.uses([day for _key, day in months])
    area = space.units["floor_area_m2"].to_numpy()
    sums = {
        column: area @ (uses == _CODE[use]) for use, column in zip(USES, AREA_COLUMNS, strict=True)
    }
    frame = pd.DataFrame(sums, index=pd.Index([key for key, _day in months], name="month"))
    frame.insert(0, "day", [day for _key, day in months])
    return _with_rate(frame)


def occupancy_by_month(
    session: Session,
    date_from: dt.date | None,
    date_to: dt.date | None,
    *,
    zones: Sequence[str] = (),
) -> pd.DataFrame:
    """The county's floor area by use, total and occupancy rate for each month of the
    period (:func:`month_days`), indexed by month (``YYYY-MM``), with the day counted."""
    months = month_days(date_from, date_to)
    if not months:
        return _by_month(_Space.none(), [])
    space = _Space.load(session, months[0][1].replace(day=1), months[-1][1], zones)
    return _by_month(space, months)


def _shown(row: pd.Series) -> dict[str, Any]:
    """A row of figures as shown: ㎡ rounded once, the rate to 0.0001 (None without
    floor area to occupy)."""
    rate = row["occupancy_rate"]
    return {
        "floor_area_m2": area_total(row["floor_area_m2"], "m2"),
        **{column: area_total(row[column], "m2") for column in AREA_COLUMNS},
        "occupancy_rate": None if pd.isna(rate) else round(float(rate), 4),
    }


def _zone_order(name: str) -> tuple[bool, str]:
    return (name == UNASSIGNED, name)


def occupancy_figures(
    session: Session,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    zones: Sequence[str] = (),
) -> dict[str, Any]:
    """JSON-ready: ``occupancy`` as of ``date_to`` (today when None), for the county and
    by zone, and ``occupancy_by_month`` over the period; of the units in ``zones`` (zone
    codes; all when empty)."""
    day = _counted_day(date_to)
    months = month_days(date_from, date_to)
    first = min([day, *(when.replace(day=1) for _key, when in months)])
    space = _Space.load(session, first, day, zones)
    now = _occupancy(space, day)
    by_zone = now.by("zone")
    county = now.county()
    monthly = _by_month(space, months)
    return {
        "occupancy": {
            "as_of": day.isoformat(),
            "units": int(county["units"]),
            **_shown(county),
            "by_zone": {
                str(name): {"units": int(by_zone.at[name, "units"]), **_shown(by_zone.loc[name])}
                for name in sorted(by_zone.index, key=_zone_order)
            },
        },
        "occupancy_by_month": {
            str(key): {"day": row["day"].isoformat(), **_shown(row)}
            for key, row in monthly.iterrows()
        },
    }
