"""Headline figures, the ledger at a date, and statutory warnings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import SessionDep, SettingsDep
from landgis.alerts import ledger_warnings
from landgis.ledger import LEDGER_COLUMNS, ledger_rows
from landgis.stats import headline_figures

router = APIRouter(prefix="/api", tags=["ledger"])

ROW_KEYS = [key for key, _ in LEDGER_COLUMNS] + ["case_no", "zone_code", "version", "overdue"]


@router.get("/stats", summary="Headline figures (the object `landgis stats --json` prints)")
def stats(
    session: SessionDep,
    date_from: Annotated[
        dt.date | None, Query(alias="from", description="Period start (revitalized from)")
    ] = None,
    date_to: Annotated[
        dt.date | None, Query(alias="to", description="Period end; the ledger as of this day")
    ] = None,
) -> dict[str, Any]:
    """Cases and idle area in the ledger as of ``to``; revitalized area and factory floor
    area from ``from`` to ``to``, by route, zone and month."""
    return headline_figures(session, date_from=date_from, date_to=date_to)


@router.get("/ledger", summary="The ledger (台账) as rows, now or as of a date")
def ledger(
    session: SessionDep,
    as_of: Annotated[dt.date | None, Query(description="The ledger as it stood that day")] = None,
) -> dict[str, Any]:
    """One row per case with its parcel, in the columns of the exported ledger."""
    rows = ledger_rows(session, as_of)
    records = [{k: _plain(row.get(k)) for k in ROW_KEYS} for row in rows.to_dict("records")]
    return {"as_of": (as_of or dt.date.today()).isoformat(), "rows": records}


@router.get("/warnings", summary="Statutory warnings and overdue cases")
def warnings(
    session: SessionDep,
    settings: SettingsDep,
    as_of: Annotated[dt.date | None, Query(description="Warnings on this day")] = None,
) -> dict[str, Any]:
    """Each warning names its rule and article (闲置土地处置办法, 2012)."""
    found = ledger_warnings(session, as_of, settings.clock.rules())
    return {
        "as_of": (as_of or dt.date.today()).isoformat(),
        "warnings": [dataclasses.asdict(w) for w in found],
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | dt.date):
        return value
    if isinstance(value, float):
        return None if value != value else value  # NaN means no value
    return value.item() if hasattr(value, "item") else value
