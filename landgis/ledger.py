"""The ledger (台账): every case as it stands now, or as it stood on any past date.

The past is rebuilt from the events alone: each event's ``changes`` are applied in the
order they were recorded, up to the date asked for. With today's date the result equals
the current case rows; the tests hold both to that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis import schema
from landgis.cases import LEDGER_FIELDS
from landgis.db.backends import backend_for
from landgis.db.coerce import column_values
from landgis.db.models import Case, CaseEvent, Parcel, Zone
from landgis.db.query_types import AnySelect
from landgis.db.repository import wkb_of
from landgis.filters import ParcelFilter
from landgis.ledger_rules.overdue import overdue_column
from landgis.ledger_rules.selection import OUTSIDE_LEDGER, narrow_ledger
from landgis.parcels import bbox_condition
from landgis.units import m2_to_mu
from landgis.wallclock import today

STATE_COLUMNS: tuple[str, ...] = ("case_no", "parcel_id", "status", "version", *LEDGER_FIELDS)

# The exported ledger of DOMAIN section 6: (row key, Chinese header), in order.
LEDGER_COLUMNS: tuple[tuple[str, str], ...] = tuple((c.key, c.zh) for c in schema.LEDGER)

# The keys of a ledger row as the API returns it: the exported columns, then identity.
ROW_KEYS: tuple[str, ...] = (
    *(key for key, _ in LEDGER_COLUMNS),
    "case_no",
    "zone_code",
    "version",
    "overdue",
)


def _empty_states() -> pd.DataFrame:
    return pd.DataFrame(columns=list(STATE_COLUMNS))


def current_states(session: Session) -> pd.DataFrame:
    """Every case as its row stands now, ordered by case number."""
    columns = [getattr(Case, name) for name in STATE_COLUMNS]
    rows = session.execute(select(*columns).order_by(Case.case_no)).all()
    return pd.DataFrame.from_records(rows, columns=list(STATE_COLUMNS)) if rows else _empty_states()


def replay(events: Iterable[tuple[str | None, dict[str, Any]]]) -> dict[str, Any]:
    """The case state after applying ``(status_after, changes)`` events in order."""
    state: dict[str, Any] = {}
    count = 0
    for status_after, changes in events:
        for name, (_before, after) in changes.items():
            state[name] = after
        if status_after is not None:
            state["status"] = status_after
        count += 1
    state["version"] = count
    return state


# Where :func:`shared_states` keeps the rebuilt states in the session's ``info``.
_SHARED_STATES = "landgis.ledger.shared_states"


@contextmanager
def shared_states(session: Session) -> Iterator[None]:
    """Within the block, the cases as they stood on a date are rebuilt from the events once
    and shared by every reader of ``session`` (whose cases must not change meanwhile): a
    document that reads the same past ledger for its figures, map and annex replays it
    once."""
    if _SHARED_STATES in session.info:  # already shared by an enclosing block
        yield
        return
    session.info[_SHARED_STATES] = {}
    try:
        yield
    finally:
        session.info.pop(_SHARED_STATES, None)


def states_as_of(session: Session, as_of: dt.date) -> pd.DataFrame:
    """Every case as it stood at the end of ``as_of`` (once within :func:`shared_states`):
    the rows as they stand when no event is later (the rows are kept equal to the replay
    of all their events), else rebuilt from the events (:func:`replayed_states`)."""
    shared: dict[dt.date, pd.DataFrame] | None = session.info.get(_SHARED_STATES)
    if shared is None:
        return _states_of_day(session, as_of)
    if as_of not in shared:
        shared[as_of] = _states_of_day(session, as_of)
    return shared[as_of].copy()


def _states_of_day(session: Session, as_of: dt.date) -> pd.DataFrame:
    last = session.scalar(select(func.max(CaseEvent.occurred_on)))
    if last is not None and last <= as_of:
        return current_states(session)
    return replayed_states(session, as_of)


def replayed_states(session: Session, as_of: dt.date) -> pd.DataFrame:
    """Every case as it stood at the end of ``as_of``, rebuilt from its events alone."""
    stmt = (
        select(
            Case.case_no,
            Case.parcel_id,
            CaseEvent.case_id,
            CaseEvent.status_after,
            CaseEvent.changes,
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.occurred_on <= as_of)
        .order_by(CaseEvent.case_id, CaseEvent.id)
    )
    histories: dict[int, list[tuple[str | None, dict[str, Any]]]] = {}
    identity: dict[int, tuple[str, int]] = {}
    for case_no, parcel_id, case_id, status_after, changes in session.execute(stmt):
        histories.setdefault(case_id, []).append((status_after, changes))
        identity[case_id] = (case_no, parcel_id)
    records = []
    for case_id, events in histories.items():
        state = replay(events)
        typed = column_values(Case, {k: state.get(k) for k in LEDGER_FIELDS})
        case_no, parcel_id = identity[case_id]
        records.append(
            {"case_no": case_no, "parcel_id": parcel_id, "status": state.get("status")}
            | {"version": state["version"]}
            | typed
        )
    if not records:
        return _empty_states()
    frame = pd.DataFrame.from_records(records, columns=list(STATE_COLUMNS))
    return frame.sort_values("case_no", ignore_index=True)


def case_states(session: Session, as_of: dt.date | None = None) -> pd.DataFrame:
    """Cases now (``as_of`` None) or as they stood on ``as_of``."""
    return current_states(session) if as_of is None else states_as_of(session, as_of)


# The parcel's columns beside each case in the ledger (and its exports).
PARCEL_COLUMNS = (
    Parcel.parcel_code,
    Parcel.supervision_no,
    Parcel.project_name,
    Zone.code.label("zone_code"),
    Zone.name.label("zone_name"),
    Parcel.location,
    Parcel.holder,
    Parcel.credit_code,
    Parcel.land_use,
    Parcel.supply_method,
    Parcel.contract_no,
    Parcel.area_m2.label("parcel_area_m2"),
)


def _parcel_attributes(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Parcel.id.label("parcel_id"), *PARCEL_COLUMNS).outerjoin(
            Zone, Zone.id == Parcel.zone_id
        )
    ).all()
    return pd.DataFrame.from_records(rows, columns=list(rows[0]._fields) if rows else None)


def ledger_rows(
    session: Session, as_of: dt.date | None = None, *, include_dismissed: bool = False
) -> pd.DataFrame:
    """The ledger as rows: each case with its parcel, areas in 亩, overdue flag; by zone.

    Columns: the keys of :data:`LEDGER_COLUMNS` plus ``case_no``, ``zone_code``,
    ``version``, ``overdue`` and the areas in m².
    """
    day = as_of or today()
    states = case_states(session, as_of)
    if not include_dismissed:
        states = states[~states["status"].isin(OUTSIDE_LEDGER)]
    if states.empty:
        return pd.DataFrame(columns=[k for k, _ in LEDGER_COLUMNS] + ["case_no", "overdue"])
    rows = states.merge(_parcel_attributes(session), on="parcel_id", how="left")
    rows = rows.sort_values(["zone_code", "case_no"], na_position="last", ignore_index=True)
    rows["overdue"] = overdue_column(rows, day)
    rows["parcel_area_mu"] = rows["parcel_area_m2"].map(m2_to_mu).round(2)
    rows["idle_area_mu"] = rows["idle_area_m2"].map(m2_to_mu).round(2)
    rows["revitalized_area_mu"] = rows["revitalized_area_m2"].map(m2_to_mu).round(2)
    rows["seq"] = range(1, len(rows) + 1)
    return rows


def ordered(session: Session, column: Any) -> Any:
    """``column`` in code-point order, as pandas sorts (a database's locale might not)."""
    return backend_for(session).code_point_order(column)


def current_ledger_query(
    session: Session,
    filters: ParcelFilter | None = None,
    *,
    geometry: bool = False,
    day: dt.date | None = None,
) -> AnySelect:
    """Current cases with their parcel and zone, narrowed in SQL by ``filters`` (not paged;
    overdue as of ``day``, today when None), by zone code (none last) and case number.
    Dismissed cases only when the filter asks for that status."""
    filters = filters or ParcelFilter()
    states = [getattr(Case, name) for name in ("case_no", "parcel_id", "status", "version")]
    columns = [*states, *(getattr(Case, name) for name in LEDGER_FIELDS), *PARCEL_COLUMNS]
    if geometry:
        columns.append(wkb_of(Parcel.geom))
    stmt = (
        select(*columns)
        .outerjoin(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
    )
    stmt = narrow_ledger(stmt, filters, day=day)
    zone_code = ordered(session, Zone.code)
    return stmt.order_by(zone_code.asc().nulls_last(), ordered(session, Case.case_no))


def with_derived_columns(rows: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Ledger rows with their overdue flag (as of ``day``) and areas in 亩."""
    rows = rows.reset_index(drop=True)
    rows["overdue"] = overdue_column(rows, day)
    for target, source in (
        ("parcel_area_mu", "parcel_area_m2"),
        ("idle_area_mu", "idle_area_m2"),
        ("revitalized_area_mu", "revitalized_area_m2"),
    ):
        rows[target] = m2_to_mu(pd.to_numeric(rows[source], errors="coerce")).round(2)
    return rows


def case_list(
    session: Session,
    filters: ParcelFilter | None = None,
    as_of: dt.date | None = None,
) -> tuple[pd.DataFrame, int]:
    """Ledger rows narrowed by the parcel filters, numbered (``seq``) after narrowing; the
    page and the total count.

    The current ledger is narrowed in SQL (:func:`landgis.parcels.apply_filters`). A past
    ledger is rebuilt from the events in Python, so its rows are narrowed after the rebuild
    (:func:`narrow_rebuilt_rows`).
    """
    filters = filters or ParcelFilter()
    if as_of is None:
        day = today()
        result = session.execute(current_ledger_query(session, filters, day=day))
        found = pd.DataFrame.from_records(result.all(), columns=list(result.keys()))
        rows = with_derived_columns(found, day)
    else:
        dismissed = "dismissed" in filters.status
        rows = ledger_rows(session, as_of, include_dismissed=dismissed)
        rows = narrow_rebuilt_rows(session, rows, filters).reset_index(drop=True)
    rows["seq"] = range(1, len(rows) + 1)
    total = len(rows)
    end = None if filters.limit is None else filters.offset + filters.limit
    return rows.iloc[filters.offset : end], total


def narrow_rebuilt_rows(
    session: Session, rows: pd.DataFrame, filters: ParcelFilter
) -> pd.DataFrame:
    """Rows of a ledger rebuilt from the events (a past date, :func:`ledger_rows`) narrowed
    by ``filters`` (not paging). Their case states exist only in Python, so the case fields
    are compared here; the overdue flag is the rows' own (:mod:`landgis.ledger_rules.overdue`)
    and the bbox is asked of the database."""
    if filters.in_ledger is False:
        return rows.iloc[0:0]
    for column, values in (
        ("status", filters.status),
        ("zone_code", filters.zone),
        ("category", filters.category),
        ("route", filters.route),
        ("cause", filters.cause),
        ("parcel_code", filters.codes),
    ):
        if values:
            rows = rows[rows[column].isin(values)]
    if filters.overdue is not None:
        rows = rows[rows["overdue"] == filters.overdue]
    if filters.bbox is not None:
        inside = select(Parcel.parcel_code).where(bbox_condition(Parcel.geom, filters))
        rows = rows[rows["parcel_code"].isin(set(session.scalars(inside)))]
    if filters.text:
        needle = filters.text.strip().lower()
        text = rows[["parcel_code", "holder", "project_name", "case_no"]].fillna("")
        hit = text.apply(lambda column: column.str.lower().str.contains(needle, regex=False))
        rows = rows[hit.any(axis=1)]
    return rows
