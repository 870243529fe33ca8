"""Random sequences of ledger operations: the invariants always hold, and the ledger
rebuilt from the events always equals the rows, today and on every past date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from landgis import cases
from landgis.cases import Actor
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.errors import LandGISError
from landgis.ledger import current_states, replayed_states, states_as_of
from landgis.workflow import MAIN_LINE, Workflow

EDITOR = Actor("editor", "editor")
ADMIN = Actor("admin", "admin")
WORKFLOW = Workflow()
START = dt.date(2024, 1, 1)
EVIDENCE = {
    "identified": {"determination_no": "认〔2024〕1号", "identified_on": "2024-01-02"},
    "planned": {"route": "buyback", "plan_no": "函〔2024〕2号"},
    "closed": {},
}

advance = st.tuples(st.just("advance"), st.sampled_from([True, True, True, False]))
revitalize = st.tuples(st.just("revitalize"), st.floats(0.0, 0.8), st.booleans())
# Forward steps are drawn more often so that histories reach disposal and close-out.
operation = st.one_of(
    advance,
    advance,
    advance,
    revitalize,
    revitalize,
    st.tuples(st.just("back"), st.sampled_from(["", "方案调整"])),
    st.tuples(st.just("dismiss"), st.sampled_from(["", "", "", "已动工"])),
    st.tuples(st.just("edit"), st.sampled_from(["remarks", "idle_area_m2", "deadline", "route"])),
    st.tuples(st.just("reopen"), st.sampled_from([EDITOR, ADMIN])),
    st.tuples(st.just("stale"), st.just(None)),
)


def _apply(session, case_no: str, op: tuple, on: dt.date, parcel_area: float) -> None:
    case = cases.get_case(session, case_no)
    kind, arg = op[0], op[1]
    common = {"version": case.version, "occurred_on": on}
    if kind == "advance":
        index = MAIN_LINE.index(case.status) if case.status in MAIN_LINE else -1
        target = MAIN_LINE[min(index + 1, len(MAIN_LINE) - 1)]
        evidence = EVIDENCE.get(target, {}) if arg else {}
        if target == "revitalized":
            cases.record_revitalization(
                session,
                case_no,
                actor=EDITOR,
                area_m2=1.0,
                complete=True,
                **common,
                workflow=WORKFLOW,
            )
        else:
            cases.change_status(
                session, case_no, target, actor=EDITOR, fields=evidence, **common, workflow=WORKFLOW
            )
    elif kind == "back":
        index = MAIN_LINE.index(case.status) if case.status in MAIN_LINE else 0
        cases.change_status(
            session,
            case_no,
            MAIN_LINE[max(index - 1, 0)],
            actor=EDITOR,
            note=arg,
            **common,
            workflow=WORKFLOW,
        )
    elif kind == "dismiss":
        cases.change_status(
            session, case_no, "dismissed", actor=EDITOR, note=arg, **common, workflow=WORKFLOW
        )
    elif kind == "edit":
        value = {
            "remarks": f"备注{on}",
            "idle_area_m2": parcel_area * 0.9,
            "deadline": "2025-12-31",
            "route": "lease_conversion",
        }[arg]
        cases.edit_case(session, case_no, actor=EDITOR, fields={arg: value}, **common)
    elif kind == "revitalize":
        share, complete = op[1], op[2]
        cases.record_revitalization(
            session,
            case_no,
            actor=EDITOR,
            area_m2=case.idle_area_m2 * share,
            complete=complete,
            **common,
            workflow=WORKFLOW,
        )
    elif kind == "reopen":
        cases.reopen_case(session, case_no, actor=arg, reason="复核", **common, workflow=WORKFLOW)
    elif kind == "stale":
        cases.edit_case(
            session,
            case_no,
            actor=EDITOR,
            fields={"remarks": "过时"},
            version=case.version - 1,
            occurred_on=on,
        )


def _check_invariants(session, case_no: str, parcel_area: float) -> None:
    case = cases.get_case(session, case_no)
    tolerance = 1e-6
    assert 0 <= case.revitalized_area_m2 <= case.idle_area_m2 + tolerance
    assert case.idle_area_m2 <= parcel_area + tolerance
    assert case.revitalized_building_area_m2 <= case.idle_building_area_m2 + tolerance
    events = session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case.id))
    assert case.version == events
    assert (case.closed_on is not None) == (case.status == "closed")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start_at=st.sampled_from(MAIN_LINE[:5]),
    ops=st.lists(st.tuples(operation, st.integers(0, 15)), min_size=1, max_size=20),
)
def test_random_operations_keep_invariants_and_history(session, start_at, ops):
    with session.begin_nested() as example:
        parcel = session.scalars(
            select(Parcel).where(Parcel.id.not_in(select(Case.parcel_id))).limit(1)
        ).one()
        opened = cases.open_case(
            session,
            parcel.parcel_code,
            actor=EDITOR,
            occurred_on=START,
            fields={"category": "idle", "idle_building_area_m2": 100.0},
        )
        case_no = opened.case_no
        on = START
        while cases.get_case(session, case_no).status != start_at:
            _apply(session, case_no, ("advance", True), on, parcel.area_m2)
        snapshots = {on: cases.case_values(cases.get_case(session, case_no))}
        for op, gap in ops:
            on += dt.timedelta(days=gap)
            try:
                with session.begin_nested():
                    _apply(session, case_no, op, on, parcel.area_m2)
            except LandGISError:
                pass
            session.expire_all()
            _check_invariants(session, case_no, parcel.area_m2)
            snapshots[on] = cases.case_values(cases.get_case(session, case_no))

        pd.testing.assert_frame_equal(
            replayed_states(session, dt.date.today()), current_states(session), check_dtype=False
        )
        for day, expected in snapshots.items():
            past = states_as_of(session, day)
            row = past[past["case_no"] == case_no].to_dict("records")[0]
            assert row["status"] == expected["status"], day
            assert row["version"] == expected["version"], day
            assert row["revitalized_area_m2"] == expected["revitalized_area_m2"], day
        example.rollback()
