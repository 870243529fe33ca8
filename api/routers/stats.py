"""Headline figures, the ledger at a date, and statutory warnings."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query

from api.dates import Day
from api.deps import ReaderDep, SessionDep, SettingsDep
from api.jsonable import rows
from api.query_filters import FilterDep
from landgis import wallclock
from landgis.alerts import ledger_warnings
from landgis.ledger import ROW_KEYS, ledger_rows
from landgis.stats import headline_figures

router = APIRouter(prefix="/api", tags=["ledger"])


@router.get("/stats", summary="Headline figures (the object `landgis stats --json` prints)")
def stats(
    session: SessionDep,
    _: ReaderDep,
    filters: FilterDep,
    date_from: Annotated[
        Day | None, Query(alias="from", description="Period start (revitalized from)")
    ] = None,
    date_to: Annotated[
        Day | None, Query(alias="to", description="Period end; the ledger as of this day")
    ] = None,
) -> dict[str, Any]:
    """Cases and idle area in the ledger as of ``to``; revitalized area and factory floor
    area from ``from`` to ``to``, by route, zone and month; of the ledger the parcel
    filters narrow (zone, status, …), the whole county's without them."""
    return headline_figures(session, date_from=date_from, date_to=date_to, filters=filters)


@router.get("/ledger", summary="The ledger (台账) as rows, now or as of a date")
def ledger(
    session: SessionDep,
    _: ReaderDep,
    as_of: Annotated[Day | None, Query(description="The ledger as it stood that day")] = None,
) -> dict[str, Any]:
    """One row per case with its parcel, in the columns of the exported ledger."""
    records = rows(ledger_rows(session, as_of).to_dict("records"), ROW_KEYS)
    return {"as_of": (as_of or wallclock.today()).isoformat(), "rows": records}


@router.get("/warnings", summary="Statutory warnings and overdue cases")
def warnings(
    session: SessionDep,
    _: ReaderDep,
    settings: SettingsDep,
    as_of: Annotated[Day | None, Query(description="Warnings on this day")] = None,
) -> dict[str, Any]:
    """Each warning names its rule and article (闲置土地处置办法, 2012); the leases'
    warnings (ending within ``lease_warn_days_ahead`` days, past their end, due to start)
    name their lease (``lease_no``, ``href``)."""
    found = ledger_warnings(session, as_of, settings.clock.rules(), settings.lease_warn_days_ahead)
    return {
        "as_of": (as_of or wallclock.today()).isoformat(),
        "warnings": [_with_link(w.to_dict()) for w in found],
    }


def _with_link(warning: dict[str, Any]) -> dict[str, Any]:
    """A lease's warning links to its lease."""
    lease_no = warning.get("lease_no")
    return warning | {"href": f"/api/leases/{quote(lease_no)}" if lease_no else None}
