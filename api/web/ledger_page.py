"""The ledger as a table (``/ledger``): filters, search, sorting, paging, the ledger as it
stood on a date, export links and the monthly progress report of a month chosen (Word or
PDF); and the ledger map full screen (``/map-page``) with the same filters."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ReaderDep, SessionDep
from api.web.display import STATUS_ORDER
from api.web.filters import PageFilters, filter_choices, records
from api.web.i18n import Translator
from api.web.layout import ui_for
from api.web.render import render
from api.web.sorting import positive, sort_choice, sorted_rows, text_order
from landgis import wallclock
from landgis.i18n import Localizable, _
from landgis.ledger import case_list
from landgis.ledger_rules.totals import LedgerTotals, totals_of
from landgis.monthly import default_month, month_bounds

router = APIRouter(tags=["pages"], include_in_schema=False)

EXPORT_FORMATS: tuple[tuple[str, str | Localizable], ...] = (
    ("xlsx", "Excel"),
    ("csv", "CSV"),
    ("geojson", "GeoJSON"),
    ("gpkg", "GeoPackage"),
    ("shp.zip", "Shapefile"),
    ("kml", "KML"),
    ("pdf", _("打印版台账(PDF)")),
)
EXPORT_URL = "/api/exports/ledger.{fmt}"
MONTHLY_FORMATS: tuple[tuple[str, Localizable], ...] = (
    ("docx", _("Word 文档")),
    ("pdf", _("PDF 文件")),
)
MONTHLY_URL = "/api/reports/monthly.{fmt}"
WORK_URL = "/api/reports/work.{fmt}"
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
SORTABLE: tuple[str, ...] = (
    "seq",
    "case_no",
    "parcel_code",
    "project_name",
    "zone_name",
    "holder",
    "category",
    "cause",
    "idle_area_mu",
    "route",
    "deadline",
    "status",
    "revitalized_area_mu",
    "revitalized_building_area_m2",
)


# Columns of text, sorted as a clerk looks them up (Chinese by pinyin); columns of codes
# of a vocabulary, sorted by the names the table shows.
TEXT_COLUMNS = frozenset({"case_no", "parcel_code", "project_name", "zone_name", "holder"})
TERM_COLUMNS = frozenset({"category", "cause", "route"})


def _sort_column(rows: pd.DataFrame, key: str, t: Translator) -> pd.Series:
    """What the rows sort by for column ``key`` (missing values stay missing: last)."""
    column = rows[key]
    if key == "status":
        return column.map(STATUS_ORDER)
    if key == "deadline":
        return pd.to_datetime(column)
    if key in TERM_COLUMNS:
        column = column.map(lambda code: t.term(key, code), na_action="ignore")
    if key in TEXT_COLUMNS | TERM_COLUMNS:
        return text_order(column)
    return column


def _sorted(rows: pd.DataFrame, key: str, descending: bool, t: Translator) -> pd.DataFrame:
    if rows.empty or key not in rows:
        return rows
    return sorted_rows(rows, _sort_column(rows, key, t), descending)


def _ledger(
    session: Any,
    filters: PageFilters,
    sort: str,
    descending: bool,
    page: int,
    per: int,
    t: Translator,
) -> tuple[list[dict[str, Any]], dict[str, Any], int, int]:
    rows, total = case_list(session, filters.parcel_filter(), filters.as_of)
    rows = rows.assign(seq=range(1, total + 1))  # numbered after filtering, as exports are
    rows = _sorted(rows, sort, descending, t)
    pages = max(1, math.ceil(total / per))
    page = min(max(page, 1), pages)
    shown = rows.iloc[(page - 1) * per : page * per]
    sums = totals_of(rows, filters.as_of or wallclock.today()) if total else LedgerTotals()
    shown_totals = sums.shown()  # the totals' rule, as every other total
    totals = {
        "cases": shown_totals.cases,
        "idle_area_mu": shown_totals.idle_area_mu,
        "revitalized_area_mu": shown_totals.revitalized_area_mu,
        "overdue": shown_totals.overdue_cases,
    }
    return records(shown), totals, page, pages


def _monthly(session: Any, t: Translator) -> dict[str, Any]:
    """The monthly report's form: the month offered (last month, or the latest month
    with events), the latest month that may be asked for, a download per format."""
    today = wallclock.today()
    year, month = default_month(session, today)
    return {
        "month": f"{year:04d}-{month:02d}",
        "max": f"{today.year:04d}-{today.month:02d}",
        "formats": [(t(label), MONTHLY_URL.format(fmt=fmt), fmt) for fmt, label in MONTHLY_FORMATS],
    }


def _work(session: Any, t: Translator) -> dict[str, Any]:
    """The work report's form: the period offered runs from the first of January to the
    end of the monthly report's month, a download per format."""
    today = wallclock.today()
    year, month = default_month(session, today)
    _first, last = month_bounds(year, month)
    return {
        "date_from": dt.date(year, 1, 1).isoformat(),
        "date_to": min(last, today).isoformat(),
        "max": today.isoformat(),
        "formats": [(t(label), WORK_URL.format(fmt=fmt), fmt) for fmt, label in MONTHLY_FORMATS],
    }


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, session: SessionDep, _reader: ReaderDep) -> HTMLResponse:
    """The ledger as a table: filters, sorting, search, paging, a date, export links."""
    ui = ui_for(request)
    filters = PageFilters.read(request)
    params = request.query_params
    sort, descending = sort_choice(params, SORTABLE, "seq")
    per = positive(params.get("per"), DEFAULT_PAGE_SIZE)
    per = per if per in PAGE_SIZES else DEFAULT_PAGE_SIZE
    rows, totals, page, pages = _ledger(
        session, filters, sort, descending, positive(params.get("page"), 1), per, ui.t
    )
    exports = [
        (ui.t(label), EXPORT_URL.format(fmt=fmt) + (f"?{q}" if (q := filters.query()) else ""), fmt)
        for fmt, label in EXPORT_FORMATS
    ]
    context = {
        "ui": ui,
        "filters": filters,
        "rows": rows,
        "totals": totals,
        "sort": sort,
        "descending": descending,
        "page": page,
        "pages": pages,
        "per": per,
        "page_sizes": PAGE_SIZES,
        "exports": exports,
        "monthly": _monthly(session, ui.t),
        "work": _work(session, ui.t),
        "sortable": SORTABLE,
        "map_query": filters.query(as_of=False),
        **filter_choices(session),
    }
    return render(request, "ledger.html", context)


@router.get("/map-page", response_class=HTMLResponse)
def map_page(request: Request, session: SessionDep, _reader: ReaderDep) -> HTMLResponse:
    """The ledger map, full screen, with the ledger's filters."""
    filters = PageFilters.read(request)
    context = {
        "filters": filters,
        "map_src": "/map" + (f"?{q}" if (q := filters.query(as_of=False)) else ""),
        **filter_choices(session),
    }
    return render(request, "map.html", context)
