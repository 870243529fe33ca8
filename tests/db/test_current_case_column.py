"""``parcels.current_case_id`` follows the cases, on both backends: whatever writes them
(the ledger service, a bulk load, plain SQL), each parcel's column is the greatest case id
on the parcel, and keeping it does not move the land version."""

from __future__ import annotations

import datetime as dt

import numpy as np
from alembic import command
from sqlalchemy import delete, func, inspect, select, update

from landgis.cases import Actor
from landgis.commands import OpenCase
from landgis.db.migrate import alembic_config, current_revision, head_revision, upgrade
from landgis.db.models import Case, Parcel
from landgis.db.repository import bulk_insert
from landgis.db.session import transaction
from landgis.db.versioning import land_version
from landgis.demo import load_demo
from landgis.ledger_rules.current_case import current_case_id, current_case_ids, is_current_case
from landgis.ledger_service import LedgerService
from landgis.settings import DEMO_DATA, Settings

EDITOR = Actor("zhangwei", "editor")
ON = dt.date(2024, 5, 6)


def _kept(session) -> dict[int, int | None]:
    return dict(session.execute(select(Parcel.id, Parcel.current_case_id)).all())


def _greatest(session) -> dict[int, int | None]:
    """The rule itself: the greatest case id on each parcel (None for a parcel with none)."""
    greatest = dict.fromkeys(session.scalars(select(Parcel.id)), None)
    pairs = session.execute(select(Case.id, Case.parcel_id)).all()
    return greatest | current_case_ids(pairs)


def _assert_follows(session) -> None:
    session.flush()
    assert _kept(session) == _greatest(session)


def _free_parcels(session, n: int) -> list[Parcel]:
    """``n`` parcels with no case yet."""
    stmt = select(Parcel).where(~Parcel.cases.any()).order_by(Parcel.id).limit(n)
    parcels = list(session.scalars(stmt))
    assert len(parcels) == n
    return parcels


def _bare_case(parcel_id: int, case_no: str) -> Case:
    return Case(
        case_no=case_no,
        parcel_id=parcel_id,
        category="idle",
        status="suspected",
        idle_area_m2=100.0,
    )


def test_the_demo_load_sets_every_parcel(session):
    kept = _kept(session)
    assert sum(v is not None for v in kept.values()) > 1
    assert None in kept.values()  # parcels outside the ledger keep none
    _assert_follows(session)


def test_opening_a_case_makes_it_current(session):
    (parcel,) = _free_parcels(session, 1)
    service = LedgerService(session, Settings(), EDITOR)
    case_no = service.handle(
        OpenCase(parcel_code=parcel.parcel_code, case_no="CC-2024-001", occurred_on=ON)
    ).case_no
    new = session.scalar(select(Case.id).where(Case.case_no == case_no))
    assert session.scalar(select(current_case_id(parcel.id))) == new
    joined = (
        select(Case.case_no).join(Parcel, is_current_case(Parcel)).where(Parcel.id == parcel.id)
    )
    assert session.scalars(joined).all() == [case_no]
    _assert_follows(session)


def test_inserts_deletes_and_moves_keep_it_right_without_moving_the_land(session):
    first, second = _free_parcels(session, 2)
    land = land_version(session)
    older, newer = _bare_case(first.id, "CC-2024-101"), _bare_case(first.id, "CC-2024-102")
    session.add(older)
    session.flush()
    session.add(newer)
    _assert_follows(session)
    assert _kept(session)[first.id] == newer.id > older.id
    # Deleting a case that is not current changes nothing; deleting the current one hands
    # the parcel back to the case before it.
    other = _bare_case(second.id, "CC-2024-103")
    session.add(other)
    session.flush()
    session.execute(delete(Case).where(Case.id == older.id))
    _assert_follows(session)
    session.add(older := _bare_case(first.id, "CC-2024-104"))
    _assert_follows(session)
    assert _kept(session)[first.id] == older.id
    session.execute(delete(Case).where(Case.id == older.id))
    _assert_follows(session)
    assert _kept(session)[first.id] == newer.id
    # A case moved to another parcel leaves the first and may become the other's current.
    session.execute(update(Case).where(Case.id == newer.id).values(parcel_id=second.id))
    _assert_follows(session)
    assert _kept(session)[first.id] is None
    assert _kept(session)[second.id] == max(newer.id, other.id)
    # A change that moves no case touches no parcel.
    session.execute(update(Case).where(Case.parcel_id == second.id).values(remarks="复核"))
    _assert_follows(session)
    session.execute(delete(Case).where(Case.parcel_id == second.id))
    _assert_follows(session)
    assert _kept(session)[second.id] is None
    assert land_version(session) == land


def test_a_bulk_load_of_cases_sets_their_parcels_in_one_go(session):
    parcels = _free_parcels(session, 3)
    land = land_version(session)
    # Several cases on one parcel in one statement (COPY on PostGIS), one of them on a
    # parcel that already had cases.
    taken = session.scalar(select(Case.parcel_id).order_by(Case.id.desc()).limit(1))
    targets = [parcels[0].id, parcels[1].id, parcels[0].id, parcels[2].id, taken, parcels[0].id]
    n = len(targets)
    columns = {
        "case_no": [f"CC-2024-2{i:02d}" for i in range(n)],
        "parcel_id": np.array(targets),
        "category": ["idle"] * n,
        "status": ["suspected"] * n,
        "idle_area_m2": [100.0] * n,
        "idle_building_area_m2": [0.0] * n,
        "revitalized_area_m2": [0.0] * n,
        "revitalized_building_area_m2": [0.0] * n,
        "version": [0] * n,
    }
    bulk_insert(session, Case, columns)
    _assert_follows(session)
    loaded = dict(session.execute(select(Case.case_no, Case.id)).all())
    assert _kept(session)[parcels[0].id] == loaded["CC-2024-205"]
    assert _kept(session)[taken] == loaded["CC-2024-204"]
    session.execute(delete(Case).where(Case.case_no.in_(list(columns["case_no"]))))
    _assert_follows(session)
    assert land_version(session) == land


def test_the_column_agrees_with_the_rule_for_every_parcel_counted_in_sql(session):
    # The same check in one statement, as a county's database could be audited.
    greatest = select(func.max(Case.id)).where(Case.parcel_id == Parcel.id).scalar_subquery()
    differing = select(func.count()).where(Parcel.current_case_id.is_distinct_from(greatest))
    assert session.scalar(differing) == 0


def test_the_migration_fills_the_column_and_takes_it_back(databases):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
    command.downgrade(alembic_config(engine), "0012")
    assert "current_case_id" not in {c["name"] for c in inspect(engine).get_columns("parcels")}
    with transaction(engine) as session:
        land = land_version(session)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with transaction(engine) as session:
        assert sum(v is not None for v in _kept(session).values()) > 1
        _assert_follows(session)
        assert land_version(session) == land  # filling the column is no change to the land
