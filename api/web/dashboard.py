"""The dashboard (``/``): headline figures, charts by route, zone, month and status, the
factory space (its units' floor area by use as of the period's end, by zone, the occupancy
rate and the factory floor area revitalized in the period) and the ledger map; the
revitalized figures of a chosen period, of the whole county or of the ledger the page's
filters narrow (a zone, a status, … read as the ledger page reads them). Beside them, the
leases to act on (ending soon, past their end, due to start), and the latest year's
per-mu evaluation (亩均效益评价): the enterprises and 亩 of each class, by zone
(:mod:`landgis.efficiency.summary`), and the projects (招商项目) by stage with what their
matches took (:mod:`landgis.projects.summary`), whatever the page's filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.dates import parse_day
from api.deps import ReaderDep, SessionDep, SettingsDep
from api.web.filters import PageFilters, filter_choices
from api.web.i18n import Translator
from api.web.layout import ui_for
from api.web.render import render
from landgis import wallclock
from landgis.efficiency.indicators import CLASS_NAMES
from landgis.efficiency.summary import ClassSummary, latest_summary
from landgis.errors import LandGISError
from landgis.filter_note import filter_note
from landgis.filters import ParcelFilter
from landgis.i18n import _
from landgis.projects.summary import pipeline
from landgis.settings import Settings
from landgis.space.alerts import lease_warnings
from landgis.stats import UNASSIGNED, headline_figures
from landgis.text_sort import SortKey, sort_key

router = APIRouter(tags=["pages"], include_in_schema=False)


def _bars(
    groups: Mapping[str, Mapping[str, Any]], label: Callable[[str], str], value: str
) -> list[dict]:
    return [
        {"label": label(key), "value": float(group.get(value) or 0.0), "cases": group.get("cases")}
        for key, group in groups.items()
    ]


def _zone_order(key: str) -> tuple[bool, SortKey]:
    """Zones by name as a clerk looks them up; the cases in no zone last."""
    return (key == UNASSIGNED, sort_key(key))


def _dashboard(
    session: Any, settings: Settings, t: Translator, period: dict, filters: ParcelFilter
) -> dict[str, Any]:
    figures = headline_figures(
        session, date_from=period["from"], date_to=period["to"], filters=filters
    )

    def route_label(key: str) -> str:
        return t(_("未指定")) if key == UNASSIGNED else t.term("route", key)

    def zone_label(key: str) -> str:
        return t(_("未指定")) if key == UNASSIGNED else key

    ledger_by_zone = figures["by_zone"]
    revitalized_by_zone = figures["revitalized_by_zone"]
    zones = [
        {
            "label": zone_label(key),
            "values": [
                float(ledger_by_zone.get(key, {}).get("area_mu") or 0.0),
                float(revitalized_by_zone.get(key, {}).get("area_mu") or 0.0),
            ],
        }
        for key in sorted(set(ledger_by_zone) | set(revitalized_by_zone), key=_zone_order)
    ]
    target = settings.campaign_target_mu
    total = figures["revitalized_total_area_mu"]
    return {
        "figures": figures,
        "target": target,
        "target_share": (total / target) if target else None,
        "by_route": _bars(figures["revitalized_by_route"], route_label, "area_mu"),
        "by_zone": zones,
        "by_month": _bars(figures["revitalized_by_month"], str, "area_mu"),
        "space_by_zone": [
            {"zone": key, "label": zone_label(key), **row}
            for key, row in sorted(
                figures["occupancy"]["by_zone"].items(), key=lambda kv: _zone_order(kv[0])
            )
        ],
        # In the workflow's order, as the figures come.
        "by_status": _bars(figures["by_status"], lambda k: t.term("status", k), "area_mu"),
    }


def _efficiency(session: Any, settings: Settings) -> dict[str, Any] | None:
    """The latest year's evaluation summed up by class and zone (:class:`ClassSummary`,
    with the classes' names); None when no year has figures or it cannot be evaluated."""
    try:
        found = latest_summary(session, settings.efficiency)
    except LandGISError:  # a year the evaluation does not take
        return None
    if found is None:
        return None
    summary: ClassSummary = found[1]
    return {"summary": summary, "class_names": CLASS_NAMES}


def _period(request: Request) -> tuple[dict[str, dt.date | None], bool]:
    period: dict[str, dt.date | None] = {"from": None, "to": None}
    bad = False
    for key, name in (("from", "date_from"), ("to", "date_to")):
        text = request.query_params.get(name)
        if text:
            try:
                period[key] = parse_day(text)
            except ValueError:
                bad = True
    return period, bad


@router.get("/", response_class=HTMLResponse)
def dashboard_page(
    request: Request, session: SessionDep, settings: SettingsDep, _reader: ReaderDep
) -> HTMLResponse:
    """Headline figures, charts by route, zone and month, and the ledger map."""
    ui = ui_for(request)
    period, bad_date = _period(request)
    filters = PageFilters.read(request)
    chosen = filters.filter
    try:
        data = _dashboard(session, settings, ui.t, period, chosen)
    except LandGISError as error:  # e.g. a period that ends before it starts
        period = {"from": None, "to": None}
        data = _dashboard(session, settings, ui.t, period, chosen) | {"error": ui.t.message(error)}
    context = {
        "ui": ui,
        "period": period,
        "bad_date": bad_date,
        "filters": filters,
        "filter_words": filter_note(session, chosen).render(ui.lang),
        "kept_filters": [pair for pair in filters.params(as_of=False) if pair[0] != "zone"],
        "ledger_query": filters.query(as_of=False),
        "overdue_query": filters.query(as_of=False, overdue="true"),
        "zones": filter_choices(session)["zones"],
        "efficiency": _efficiency(session, settings),
        "projects": pipeline(session),
        "lease_warnings": lease_warnings(
            session, wallclock.today(), settings.lease_warn_days_ahead
        ),
        **data,
    }
    return render(request, "dashboard.html", context)
