"""Use cases of the ledger on each backend: one event per change, in one transaction."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from landgis import cases
from landgis.cases import Actor
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.errors import (
    ForbiddenTransition,
    InvalidInput,
    MissingEvidence,
    NotFound,
    PermissionDenied,
    ReadOnly,
    StaleVersion,
)
from landgis.ledger import current_states, replayed_states, states_as_of
from landgis.workflow import Workflow

EDITOR = Actor("zhangwei", "editor")
ADMIN = Actor("admin", "admin")
DAY = dt.date(2024, 3, 1)
WORKFLOW = Workflow()


@pytest.fixture
def parcel(session) -> Parcel:
    """A parcel that is not in the ledger."""
    in_ledger = select(Case.parcel_id)
    return session.scalars(
        select(Parcel).where(Parcel.id.not_in(in_ledger)).order_by(Parcel.parcel_code).limit(1)
    ).one()


def _events(session, case: Case) -> list[CaseEvent]:
    return list(
        session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    )


def _to_disposing(session, case_no: str, start: dt.date = DAY) -> Case:
    steps = [
        ("investigating", {}),
        ("identified", {"determination_no": "青自然资闲认〔2024〕1号", "identified_on": start}),
        ("planned", {"route": "judicial_auction", "plan_no": "青府函〔2024〕3号"}),
        ("disposing", {}),
    ]
    case = cases.get_case(session, case_no)
    for offset, (target, fields) in enumerate(steps, start=1):
        case = cases.change_status(
            session,
            case_no,
            target,
            version=case.version,
            actor=EDITOR,
            occurred_on=start + dt.timedelta(days=offset),
            fields=fields,
            workflow=WORKFLOW,
        )
    return case


def test_opening_a_case_writes_the_row_and_one_event(session, parcel):
    case = cases.open_case(
        session,
        parcel.parcel_code,
        actor=EDITOR,
        occurred_on=DAY,
        fields={"category": "idle", "cause": "enterprise"},
        note="专项排查",
    )

    assert (case.status, case.version) == ("suspected", 1)
    assert case.case_no == "XZ-2024-001"
    assert case.idle_area_m2 == parcel.area_m2
    [event] = _events(session, case)
    assert (event.action, event.actor, event.status_before, event.status_after) == (
        "open",
        "zhangwei",
        None,
        "suspected",
    )
    assert event.changes["cause"] == [None, "enterprise"]
    assert event.note == "专项排查"


def test_a_parcel_has_one_open_case_at_a_time(session, parcel):
    cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    with pytest.raises(InvalidInput, match="already has an open case"):
        cases.open_case(
            session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
        )


def test_status_changes_record_before_and_after_of_every_field(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    case = _to_disposing(session, case.case_no)

    events = _events(session, case)
    assert [e.status_after for e in events] == [
        "suspected",
        "investigating",
        "identified",
        "planned",
        "disposing",
    ]
    identified = events[2]
    assert identified.changes == {
        "status": ["investigating", "identified"],
        "determination_no": [None, "青自然资闲认〔2024〕1号"],
        "identified_on": [None, DAY.isoformat()],
    }
    assert case.version == len(events) == 5


def test_forbidden_transition_and_missing_evidence_are_distinct(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    with pytest.raises(ForbiddenTransition):
        cases.change_status(
            session,
            case.case_no,
            "planned",
            version=1,
            actor=EDITOR,
            occurred_on=DAY,
            workflow=WORKFLOW,
        )
    cases.change_status(
        session,
        case.case_no,
        "investigating",
        version=1,
        actor=EDITOR,
        occurred_on=DAY,
        workflow=WORKFLOW,
    )
    with pytest.raises(MissingEvidence):
        cases.change_status(
            session,
            case.case_no,
            "identified",
            version=2,
            actor=EDITOR,
            occurred_on=DAY,
            workflow=WORKFLOW,
        )
    assert len(_events(session, case)) == 2


def test_partial_then_complete_revitalization(session, parcel):
    case = cases.open_case(
        session,
        parcel.parcel_code,
        actor=EDITOR,
        occurred_on=DAY,
        fields={"category": "low_efficiency", "idle_building_area_m2": 5000},
    )
    case = _to_disposing(session, case.case_no)
    first = case.idle_area_m2 * 0.4
    case = cases.record_revitalization(
        session,
        case.case_no,
        version=case.version,
        actor=EDITOR,
        occurred_on=DAY + dt.timedelta(days=10),
        area_m2=first,
        building_area_m2=2000,
        fields={"new_holder": "四川新锐科技有限公司"},
        workflow=WORKFLOW,
    )
    assert case.status == "disposing"
    assert case.revitalized_area_m2 == pytest.approx(first)
    rest = case.idle_area_m2 - first
    case = cases.record_revitalization(
        session,
        case.case_no,
        version=case.version,
        actor=EDITOR,
        occurred_on=DAY + dt.timedelta(days=20),
        area_m2=rest,
        building_area_m2=3000,
        complete=True,
        workflow=WORKFLOW,
    )
    assert case.status == "revitalized"
    assert case.revitalized_area_m2 == pytest.approx(case.idle_area_m2)
    assert case.revitalized_building_area_m2 == 5000
    assert case.revitalized_on == DAY + dt.timedelta(days=20)


def test_revitalized_area_never_exceeds_the_idle_area(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    case = _to_disposing(session, case.case_no)
    version = case.version
    with pytest.raises(InvalidInput, match="exceeds the idle area"):
        cases.record_revitalization(
            session,
            case.case_no,
            version=version,
            actor=EDITOR,
            occurred_on=DAY + dt.timedelta(days=9),
            area_m2=case.idle_area_m2 * 1.01,
            workflow=WORKFLOW,
        )
    session.refresh(case)
    assert (case.version, case.revitalized_area_m2) == (version, 0.0)


def test_idle_area_never_exceeds_the_parcel(session, parcel):
    with pytest.raises(InvalidInput, match="exceeds the parcel"):
        cases.open_case(
            session,
            parcel.parcel_code,
            actor=EDITOR,
            occurred_on=DAY,
            fields={"category": "idle", "idle_area_m2": parcel.area_m2 + 1},
        )
    case = cases.open_case(
        session,
        parcel.parcel_code,
        actor=EDITOR,
        occurred_on=DAY,
        fields={"category": "idle", "idle_area_m2": parcel.area_m2 / 2},
    )
    with pytest.raises(InvalidInput, match="exceeds the parcel"):
        cases.edit_case(
            session,
            case.case_no,
            version=1,
            actor=EDITOR,
            occurred_on=DAY,
            fields={"idle_area_m2": parcel.area_m2 * 2},
        )


def test_a_closed_case_is_read_only_until_an_administrator_reopens_it(session):
    closed = session.scalars(select(Case).where(Case.status == "closed")).first()
    version = closed.version
    with pytest.raises(ReadOnly):
        cases.edit_case(
            session,
            closed.case_no,
            version=version,
            actor=ADMIN,
            occurred_on=dt.date.today(),
            fields={"remarks": "改"},
        )
    with pytest.raises(ReadOnly):
        cases.change_status(
            session,
            closed.case_no,
            "disposing",
            version=version,
            actor=ADMIN,
            occurred_on=dt.date.today(),
            note="x",
            workflow=WORKFLOW,
        )
    with pytest.raises(PermissionDenied):
        cases.reopen_case(
            session,
            closed.case_no,
            version=version,
            actor=EDITOR,
            occurred_on=dt.date.today(),
            reason="复核面积",
            workflow=WORKFLOW,
        )
    reopened = cases.reopen_case(
        session,
        closed.case_no,
        version=version,
        actor=ADMIN,
        occurred_on=dt.date.today(),
        reason="复核面积",
        workflow=WORKFLOW,
    )
    assert (reopened.status, reopened.closed_on) == ("revitalized", None)
    assert _events(session, reopened)[-1].action == "reopen"


def test_an_old_version_is_refused_with_the_newer_values(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    cases.edit_case(
        session,
        case.case_no,
        version=1,
        actor=EDITOR,
        occurred_on=DAY,
        fields={"responsible_unit": "县自然资源局"},
    )
    with pytest.raises(StaleVersion) as raised:
        cases.edit_case(
            session,
            case.case_no,
            version=1,
            actor=Actor("liting"),
            occurred_on=DAY,
            fields={"responsible_unit": "园区管委会"},
        )
    assert raised.value.current["responsible_unit"] == "县自然资源局"
    assert raised.value.current["version"] == 2


def test_viewers_cannot_change_anything(session, parcel):
    with pytest.raises(PermissionDenied):
        cases.open_case(
            session,
            parcel.parcel_code,
            actor=Actor("guest", "viewer"),
            occurred_on=DAY,
            fields={"category": "idle"},
        )


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"route": "sell_it"}, "route"),
        ({"deadline": "next week"}, "Deadline: cannot read"),
        ({"status": "closed"}, "cannot be set"),
        ({"version": 9}, "cannot be set"),
    ],
)
def test_bad_field_values_are_clear_errors(session, parcel, fields, says):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    with pytest.raises(InvalidInput, match=says):
        cases.edit_case(
            session, case.case_no, version=1, actor=EDITOR, occurred_on=DAY, fields=fields
        )


def test_events_are_recorded_in_date_order_and_never_in_the_future(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    with pytest.raises(InvalidInput, match="before the case's last event"):
        cases.edit_case(
            session,
            case.case_no,
            version=1,
            actor=EDITOR,
            occurred_on=DAY - dt.timedelta(days=1),
            fields={"remarks": "补记"},
        )
    with pytest.raises(InvalidInput, match="future"):
        cases.edit_case(
            session,
            case.case_no,
            version=1,
            actor=EDITOR,
            occurred_on=dt.date.today() + dt.timedelta(days=1),
            fields={"remarks": "x"},
        )


def test_an_edit_that_changes_nothing_is_refused(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    with pytest.raises(InvalidInput, match="Nothing"):
        cases.edit_case(
            session,
            case.case_no,
            version=1,
            actor=EDITOR,
            occurred_on=DAY,
            fields={"category": "idle"},
        )


def test_unknown_case_and_parcel_are_not_found(session):
    with pytest.raises(NotFound):
        cases.get_case(session, "NO-SUCH-CASE")
    with pytest.raises(NotFound):
        cases.open_case(
            session, "NO-SUCH-PARCEL", actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
        )


def test_the_ledger_rebuilt_from_events_equals_the_rows_after_changes(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    _to_disposing(session, case.case_no)
    session.flush()
    pd.testing.assert_frame_equal(
        replayed_states(session, dt.date.today()), current_states(session), check_dtype=False
    )
    before_opening = states_as_of(session, DAY - dt.timedelta(days=1))
    assert case.case_no not in set(before_opening["case_no"])
    assert session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case.id)) == 5


def test_area_errors_name_the_areas_in_the_unit_the_clerk_typed(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    case = _to_disposing(session, case.case_no)
    idle_mu = case.idle_area_m2 * 3 / 2000
    too_much = {
        "version": case.version,
        "actor": EDITOR,
        "occurred_on": DAY + dt.timedelta(days=9),
        "area_m2": (idle_mu + 1) * 2000 / 3,
        "workflow": WORKFLOW,
    }
    with pytest.raises(InvalidInput) as in_mu:
        cases.record_revitalization(session, case.case_no, **too_much, area_unit="mu")
    assert in_mu.value.message == (f"盘活面积 {idle_mu + 1:.2f} 亩 超过闲置面积 {idle_mu:.2f} 亩。")
    assert in_mu.value.message_en == (
        f"Revitalized area {idle_mu + 1:.2f} mu exceeds the idle area {idle_mu:.2f} mu."
    )
    with pytest.raises(InvalidInput) as in_m2:
        cases.record_revitalization(session, case.case_no, **too_much)
    assert in_m2.value.message_en == (
        f"Revitalized area {too_much['area_m2']:.2f} m² exceeds the idle area "
        f"{case.idle_area_m2:.2f} m²."
    )


def test_english_errors_name_fields_by_their_labels(session, parcel):
    case = cases.open_case(
        session, parcel.parcel_code, actor=EDITOR, occurred_on=DAY, fields={"category": "idle"}
    )
    edit = {"version": case.version, "actor": EDITOR, "occurred_on": DAY}
    with pytest.raises(InvalidInput) as not_here:
        cases.edit_case(
            session, case.case_no, **edit, fields={"status": "closed", "closed_on": DAY}
        )
    assert not_here.value.message == "不能在此修改字段:销号日期、处置状态。"
    assert not_here.value.message_en == ("These fields cannot be set here: Closed out on, Status.")
    with pytest.raises(InvalidInput) as infinite:
        cases.edit_case(session, case.case_no, **edit, fields={"amount_yuan": float("inf")})
    assert infinite.value.message_en.startswith("Amount")
    assert "amount_yuan" not in infinite.value.message_en
    assert infinite.value.problems == [
        {"field": "amount_yuan", "problem": "无效数字", "problem_en": "not finite"}
    ]
    with pytest.raises(InvalidInput) as not_a_route:
        cases.edit_case(session, case.case_no, **edit, fields={"route": "sell_it"})
    english = not_a_route.value.message_en
    assert "buyback" not in english and "judicial_auction" not in english
    assert "依法回购" in not_a_route.value.message and "buyback" not in not_a_route.value.message
