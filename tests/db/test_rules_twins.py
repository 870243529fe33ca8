"""Each ledger rule in SQL equals its Python twin, case by case, on both backends.

The demo county gets cases in every state that matters to the rules (deadline past, due
today, in the future or unset; partly revitalized; dismissed; closed; reinstated; reopened;
a parcel with a closed case and a newer one whose number sorts first), and the rules are
asked on days around the deadlines, explicitly and through the frozen clock."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import astuple

import pytest
from sqlalchemy import not_, select

from landgis import cases
from landgis.alerts import clock_facts
from landgis.cases import Actor
from landgis.commands import (
    ChangeStatus,
    OpenCase,
    RecordRevitalization,
    RevitalizeAndComplete,
)
from landgis.db.models import Case, Parcel
from landgis.io.exports import export_ledger
from landgis.ledger import case_list, current_states, ledger_rows
from landgis.ledger_rules.current_case import current_case_ids, current_rows, is_current_case
from landgis.ledger_rules.overdue import case_is_overdue, overdue_column, overdue_sql
from landgis.ledger_rules.totals import (
    OUTSIDE_LEDGER,
    TOTALS,
    LedgerTotals,
    ledger_totals,
    total_parts,
    totals_of,
    zone_totals,
    zone_totals_of,
)
from landgis.ledger_service import LedgerService
from landgis.parcels import ParcelFilter, late_cases, parcels_frame
from landgis.settings import Settings
from landgis.stats import headline_figures
from landgis.wallclock import frozen_at, today

EDITOR = Actor("zhangwei", "editor")
ADMIN = Actor("admin", "admin")
START = dt.date(2024, 1, 10)
DAY = dt.date(2024, 6, 30)  # the demo's QX-XZ-2023-006 is due on this day too
DAYS = (
    dt.date(2023, 8, 31),
    dt.date(2024, 3, 31),
    dt.date(2024, 4, 1),
    DAY - dt.timedelta(days=1),
    DAY,
    DAY + dt.timedelta(days=1),
    dt.date(2030, 1, 1),
)


def _on(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _ledger(session, actor: Actor = EDITOR) -> LedgerService:
    return LedgerService(session, Settings(), actor)


def _open(session, code: str, deadline: dt.date | None, case_no: str | None = None) -> str:
    fields = {"cause": "enterprise", "deadline": deadline, "idle_building_area_m2": 600.0}
    opened = OpenCase(
        parcel_code=code, category="idle", fields=fields, case_no=case_no, occurred_on=START
    )
    return _ledger(session).handle(opened).case_no


def _step(session, case_no: str, target: str, n: int, actor: Actor = EDITOR, **kw) -> None:
    change = ChangeStatus(case_no=case_no, target=target, occurred_on=_on(n), **kw)
    _ledger(session, actor).handle(change)


def _to_disposing(session, case_no: str) -> None:
    _step(session, case_no, "investigating", 1)
    fields = {"determination_no": "青自然资闲认〔2024〕9号", "identified_on": _on(2)}
    _step(session, case_no, "identified", 2, fields=fields)
    _step(
        session, case_no, "planned", 3, fields={"route": "buyback", "plan_no": "青府函〔2024〕9号"}
    )
    _step(session, case_no, "disposing", 4)


def _revitalize(session, case_no: str, n: int, area_m2: float, complete: bool) -> None:
    kind = RevitalizeAndComplete if complete else RecordRevitalization
    command = kind(case_no=case_no, occurred_on=_on(n), area_m2=area_m2, building_area_m2=150.0)
    if complete:  # completed short of the idle area, as the clerk confirmed
        command = dataclasses.replace(command, confirm_short=True)
    _ledger(session).handle(command)


@pytest.fixture
def varied(session) -> dict[str, str]:
    """Cases in varied states on eight free parcels, entered on the frozen DAY; by name,
    their case numbers (``parcel_*``: the parcel code of a case)."""
    free = session.scalars(
        select(Parcel.parcel_code)
        .where(Parcel.id.not_in(select(Case.parcel_id)))
        .order_by(Parcel.parcel_code)
        .limit(8)
    ).all()
    past, future = dt.date(2024, 3, 31), dt.date(2024, 12, 31)
    made: dict[str, str] = {}
    with frozen_at(DAY):
        made["late_partly_revitalized"] = no = _open(session, free[0], past)
        _to_disposing(session, no)
        _revitalize(session, no, 10, 1000.0, complete=False)
        made["due_later"] = no = _open(session, free[1], future)
        _step(session, no, "investigating", 1)
        made["no_deadline"] = _open(session, free[2], None)
        made["due_on_day"] = _open(session, free[3], DAY)
        made["dismissed_late"] = no = _open(session, free[4], past)
        _step(session, no, "dismissed", 5, note="经调查不构成闲置")
        made["closed_late"] = no = _open(session, free[5], past)
        _to_disposing(session, no)
        _revitalize(session, no, 20, 500.0, complete=True)
        _step(session, no, "closed", 30)
        # a newer case on the same parcel whose number sorts before the closed one's
        made["newer_on_closed_parcel"] = _open(session, free[5], past, case_no="AA-2024-001")
        made["parcel_with_two_cases"] = free[5]
        made["reinstated_late"] = no = _open(session, free[6], past)
        _step(session, no, "dismissed", 5, note="误列")
        _step(session, no, "suspected", 40, actor=ADMIN, note="复核后恢复")
        made["reopened_late"] = no = _open(session, free[7], past)
        _to_disposing(session, no)
        _revitalize(session, no, 20, 800.0, complete=True)
        _step(session, no, "closed", 30)
        _step(session, no, "revitalized", 40, actor=ADMIN, note="验收资料补正")
    session.flush()
    return made


def _sql_overdue(session, day: dt.date) -> dict[str, bool]:
    flag = overdue_sql(Case.status, Case.deadline, day)
    return {no: bool(value) for no, value in session.execute(select(Case.case_no, flag))}


def _python_overdue(session, day: dt.date) -> dict[str, bool]:
    rows = session.execute(select(Case.case_no, Case.status, Case.deadline))
    return {no: case_is_overdue(status, deadline, day) for no, status, deadline in rows}


@pytest.mark.parametrize("day", DAYS)
def test_overdue_in_sql_equals_its_twin_for_every_case(session, varied, day):
    sql = _sql_overdue(session, day)
    assert sql == _python_overdue(session, day)
    assert len(sql) == 13 + len(varied) - 1  # one entry of varied is a parcel code
    # in WHERE, both ways: a case without a deadline is "not overdue", not left out
    flag = overdue_sql(Case.status, Case.deadline, day)
    late = set(session.scalars(select(Case.case_no).where(flag)))
    on_time = set(session.scalars(select(Case.case_no).where(not_(flag))))
    assert late == {no for no, value in sql.items() if value}
    assert on_time == {no for no, value in sql.items() if not value}


def test_overdue_cases_are_the_ones_expected_on_the_day(session, varied):
    late = {no for no, value in _sql_overdue(session, DAY).items() if value}
    ours = {name for name, no in varied.items() if no in late}
    assert ours == {"late_partly_revitalized", "newer_on_closed_parcel", "reinstated_late"}
    after = {no for no, value in _sql_overdue(session, DAY + dt.timedelta(days=1)).items() if value}
    assert after - late == {varied["due_on_day"], "QX-XZ-2023-006"}


def test_the_frame_twin_equals_sql_for_the_ledger_rows(session, varied):
    states = current_states(session)
    for day in DAYS:
        frame = dict(zip(states["case_no"], overdue_column(states, day), strict=True))
        assert frame == _sql_overdue(session, day), day


def test_freezing_the_clock_moves_overdue_in_both_twins(session, varied):
    due_on_day = varied["due_on_day"]
    code = cases.get_case(session, due_on_day).parcel.parcel_code
    for day, expected in ((DAY, False), (DAY + dt.timedelta(days=1), True)):
        with frozen_at(day):
            assert today() == day
            sql_late = select(Case.case_no).where(Case.case_no == due_on_day, late_cases())
            assert (session.scalar(sql_late) is not None) is expected
            rows = ledger_rows(session).set_index("case_no")
            assert bool(rows.loc[due_on_day, "overdue"]) is expected
            parcels = parcels_frame(session, ParcelFilter(codes=(code,)))
            assert parcels["overdue"].tolist() == [expected]
            filtered = parcels_frame(session, ParcelFilter(codes=(code,), overdue=expected))
            assert filtered["parcel_code"].tolist() == [code]
            assert (
                headline_figures(session)["overdue_cases"]
                == ledger_totals(session, day).overdue_cases
            )


def test_overdue_filters_split_the_parcels_in_two_as_the_ledger_does(session, varied):
    with frozen_at(DAY):
        every = set(parcels_frame(session)["parcel_code"])
        late = set(parcels_frame(session, ParcelFilter(overdue=True))["parcel_code"])
        on_time = set(parcels_frame(session, ParcelFilter(overdue=False))["parcel_code"])
        rows = ledger_rows(session)
    assert late | on_time == every and not late & on_time
    no_deadline = cases.get_case(session, varied["no_deadline"]).parcel.parcel_code
    assert no_deadline in on_time
    ledger_late = set(rows.loc[rows["overdue"], "parcel_code"])
    assert late == ledger_late


def test_the_current_case_in_sql_equals_its_twin(session, varied):
    pairs = session.execute(select(Case.id, Case.parcel_id)).all()
    joined = session.execute(select(Parcel.id, Case.id).join(Case, is_current_case(Parcel)))
    assert dict(joined.all()) == current_case_ids(pairs)
    two = varied["parcel_with_two_cases"]
    newer = varied["newer_on_closed_parcel"]
    with frozen_at(DAY):
        assert parcels_frame(session, ParcelFilter(codes=(two,)))["case_no"].tolist() == [newer]
        facts = {f.parcel_code: f for f in clock_facts(session, DAY)}
        for as_of in (None, DAY):
            export = export_ledger(session, "geojson", as_of=as_of, scope="parcels")
            exported = {
                f["properties"]["宗地编号"]: f["properties"]["台账编号"]
                for f in json.loads(export.content)["features"]
            }
            assert exported[two] == newer, as_of
    assert facts[two].case_no == newer
    on_the_map = parcels_frame(session)
    assert [f.case_no for f in facts.values()] == [
        None if no is None or no != no else no for no in on_the_map["case_no"]
    ]


@pytest.mark.parametrize("day", DAYS)
def test_the_ledger_totals_in_sql_equal_their_twin(session, varied, day):
    sql = ledger_totals(session, day)
    states = current_states(session)
    python = totals_of(states[~states["status"].isin(OUTSIDE_LEDGER)], day)
    assert (sql.cases, sql.overdue_cases) == (python.cases, python.overdue_cases)
    assert astuple(sql) == pytest.approx(astuple(python), rel=1e-12)
    assert sql.cases == 13 + len(varied) - 2  # one dismissed, one entry a parcel code
    assert sql.revitalized_building_area_m2 >= 3 * 150.0  # the three revitalized here


NARROWED = (
    ParcelFilter(),
    ParcelFilter(zone=("QX-KFQ-LJ",)),
    ParcelFilter(status=("identified", "dismissed")),
    ParcelFilter(overdue=True),
)


@pytest.mark.parametrize("filters", NARROWED, ids=["all", "zone", "statuses", "overdue"])
def test_the_zone_totals_in_sql_equal_their_twin(session, varied, filters):
    with frozen_at(DAY):
        rows, _ = case_list(session, filters)
        sql = zone_totals(session, DAY, filters)
        whole = ledger_totals(session, DAY, filters)
    python = zone_totals_of(rows, DAY)
    assert list(sql) == list(python) == list(dict.fromkeys(rows["zone_name"]))
    for zone, totals in sql.items():
        assert astuple(totals) == pytest.approx(astuple(python[zone]), rel=1e-12), zone
        assert totals.shown() == python[zone].shown(), zone
    assert whole.cases == len(rows) == sum(t.cases for t in sql.values())
    assert astuple(whole) == pytest.approx(astuple(totals_of(rows, DAY)), rel=1e-12)


def test_the_totals_of_the_ledger_rows_and_of_their_parts_agree(session, varied):
    with frozen_at(DAY):
        rows = ledger_rows(session)
        figures = headline_figures(session)
        past = headline_figures(session, date_to=DAY)
    totals = totals_of(rows, DAY)
    assert totals == LedgerTotals.of(total_parts(rows, DAY)[list(TOTALS)].sum())
    assert astuple(totals) == pytest.approx(astuple(ledger_totals(session, DAY)), rel=1e-12)
    assert totals.overdue_cases == int(rows["overdue"].sum())
    # the headline figures of today, summed by the database, equal those rebuilt from events
    for key in ("cases", "ledger_area_mu", "idle_building_area_m2", "overdue_cases"):
        assert figures[key] == past[key], key
    assert figures["revitalized_total_area_mu"] == past["revitalized_total_area_mu"]
    for key in ("by_category", "by_cause", "by_zone", "by_status"):
        assert figures[key] == past[key], key
    assert figures["cases"] == totals.cases
    assert figures["overdue_cases"] == totals.overdue_cases


def test_empty_rows_total_nothing_and_have_no_current_case(session):
    empty = current_states(session).iloc[0:0]
    assert totals_of(empty, DAY) == LedgerTotals()
    assert list(current_rows(session, empty).columns) == list(empty.columns)
