"""The per-mu evaluation (亩均效益评价) of a year as a page (``/efficiency?year=``): the
classes with their enterprises and land, the enterprises with filters (zone, class,
trend, name or credit code) and sorting kept in the link, the enterprises with figures
but no land, the workbook's download; and one enterprise's evaluation step by step
(``/efficiency/enterprise?year=&enterprise=``), every figure traced to its inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ReaderDep, ReadSessionDep, SettingsDep
from api.web.efficiency_year import chosen_year
from api.web.filters import records
from api.web.layout import ui_for
from api.web.render import render
from api.web.sorting import sort_choice, sorted_rows, text_order
from landgis.efficiency.evaluation import Evaluation, evaluate
from landgis.efficiency.indicators import CLASS_NAMES, INDICATORS
from landgis.efficiency.listing import TRENDS, ItemFilter, class_totals, item_zones
from landgis.efficiency.report import unit_label
from landgis.efficiency.scoring import effective_weights
from landgis.efficiency.trace import (
    AREA_LABEL,
    AREA_UNIT,
    FIGURE_LABELS,
    FIGURE_UNITS,
    enterprise_trace,
    find_item,
    parcel_cases,
)
from landgis.errors import LandGISError, NotFound
from landgis.i18n import Text, _

router = APIRouter(tags=["pages"], include_in_schema=False)

EXPORT_URL = "/api/exports/efficiency.xlsx"
INDICATOR_KEYS: tuple[str, ...] = tuple(indicator.key for indicator in INDICATORS)
SORTABLE: tuple[str, ...] = (
    "rank",
    "credit_code",
    "name",
    "zone",
    "parcel_codes",
    "area_mu",
    *INDICATOR_KEYS,
    "score",
    "class",
    "trend",
)
TEXT_COLUMNS = frozenset({"credit_code", "name", "zone"})
TREND_ORDER = {trend: rank for rank, trend in enumerate(TRENDS)}
TREND_NAMES: dict[str, Text] = {
    "up": _("上升"),
    "same": _("持平"),
    "down": _("下降"),
    "new": _("新参评"),
}
TREND_ARROWS = {"up": "↑", "same": "→", "down": "↓", "new": "+"}
MATCHED_BY: dict[str, Text] = {
    "code": _("按统一社会信用代码匹配"),
    "name": _("按企业名称与土地使用权人名称匹配"),
}


@dataclass
class EfficiencyQuery:
    """What the page is asked for: the year (as typed), the filters, the sorting."""

    year_text: str = ""
    filter: ItemFilter = field(default_factory=ItemFilter)
    sort: str = "rank"
    descending: bool = False
    year: int | None = None

    @classmethod
    def read(cls, request: Request) -> EfficiencyQuery:
        params = request.query_params
        sort, descending = sort_choice(params, SORTABLE, "rank")
        chosen = ItemFilter.of(
            zone=params.get("zone", ""),
            grade=params.get("class", ""),
            trend=params.get("trend", ""),
            text=params.get("q", ""),
        )
        return cls(params.get("year", "").strip(), chosen, sort, descending)

    def params(self) -> list[tuple[str, str]]:
        """The year and the filters as query parameters."""
        pairs = [("year", str(self.year))] if self.year is not None else []
        chosen = self.filter
        for name, value in (
            ("zone", chosen.zone),
            ("class", chosen.grade),
            ("trend", chosen.trend),
            ("q", chosen.text),
        ):
            if value:
                pairs.append((name, value))
        return pairs

    def query(self, **extra: Any) -> str:
        """The link's query: the year, the filters, then ``extra`` (sort, dir)."""
        pairs = self.params() + [(k, str(v)) for k, v in extra.items() if v]
        return urlencode(pairs)


def _sort_order(rows: pd.DataFrame, key: str) -> pd.Series:
    column = rows[key]
    if key in TEXT_COLUMNS:
        return text_order(column)
    if key == "parcel_codes":
        return text_order(column.map(lambda codes: codes[0] if len(codes) else None))
    if key == "trend":
        return column.map(TREND_ORDER)
    return column


def _rows(evaluation: Evaluation, query: EfficiencyQuery, cases: dict[int, str]) -> list[dict]:
    items = evaluation.items.assign(rank=range(1, len(evaluation.items) + 1))
    items = query.filter.apply(items)
    items = sorted_rows(items, _sort_order(items, query.sort), query.descending)
    rows = records(items)
    for row in rows:
        row["parcels"] = [
            {"code": code, "case_no": cases.get(int(pid))}
            for pid, code in zip(row["parcel_ids"], row["parcel_codes"], strict=True)
        ]
        key = row["credit_code"] or row["name"]
        row["trace_url"] = "/efficiency/enterprise?" + urlencode(
            {"year": evaluation.year, "enterprise": key}
        )
    return rows


def _indicators(evaluation: Evaluation) -> list[dict[str, Any]]:
    weights = effective_weights(evaluation.rules)
    return [
        {
            "key": indicator.key,
            "label": indicator.label,
            "unit": unit_label(indicator.unit),
            "weight": weights.get(indicator.key, 0.0),
            "benchmark": evaluation.benchmarks.get(indicator.key),
            "set": indicator.key in evaluation.rules.benchmarks,
        }
        for indicator in INDICATORS
    ]


def _common(years: tuple[int, ...], year: int | None) -> dict[str, Any]:
    return {
        "years": years,
        "year": year,
        "efficiency_tab": "table",
        "class_names": CLASS_NAMES,
        "trend_names": TREND_NAMES,
        "trend_arrows": TREND_ARROWS,
    }


@router.get("/efficiency", response_class=HTMLResponse)
def efficiency_page(
    request: Request, session: ReadSessionDep, settings: SettingsDep, _reader: ReaderDep
) -> HTMLResponse:
    """A year's evaluation: classes, enterprises (filtered, sorted), unmatched, download."""
    ui = ui_for(request)
    query = EfficiencyQuery.read(request)
    chosen = chosen_year(session, query.year_text)
    year = query.year = chosen.year
    context: dict[str, Any] = {"ui": ui, "query": query, "evaluation": None, "message": None}
    context |= _common(chosen.years, year)
    status = 200
    if chosen.error is not None and chosen.years:  # with no figures at all the page says so
        status = chosen.status_code
        context["message"] = ui.t.message(chosen.error)
    if year is not None:
        evaluation = evaluate(session, settings.efficiency, year)
        cases = parcel_cases(session)
        context |= {
            "evaluation": evaluation,
            "totals": class_totals(evaluation.items),
            "rows": _rows(evaluation, query, cases),
            "indicators": _indicators(evaluation),
            "zones": item_zones(evaluation.items),
            "trends": TRENDS,
            "sortable": SORTABLE,
            "unmatched": records(evaluation.unmatched),
            "export_url": f"{EXPORT_URL}?{urlencode({'year': year})}",
        }
    return render(request, "efficiency.html", context, status_code=status)


@router.get("/efficiency/enterprise", response_class=HTMLResponse)
def enterprise_page(
    request: Request, session: ReadSessionDep, settings: SettingsDep, _reader: ReaderDep
) -> HTMLResponse:
    """One enterprise's evaluation of a year, step by step."""
    ui = ui_for(request)
    params = request.query_params
    chosen = chosen_year(session, params.get("year"))
    context: dict[str, Any] = {"ui": ui, "trace": None, "message": None}
    try:
        if chosen.error is not None:
            raise chosen.error
        year = chosen.year
        assert year is not None
        evaluation = evaluate(session, settings.efficiency, year)
        item = find_item(evaluation, params.get("enterprise", "").strip())
        trace = enterprise_trace(session, evaluation, item)
    except LandGISError as error:
        status = 404 if isinstance(error, NotFound) else 422
        context |= _common(chosen.years, None) | {"message": ui.t.message(error)}
        return render(request, "efficiency_enterprise.html", context, status_code=status)
    context |= _common(chosen.years, year) | {
        "trace": trace,
        "figure_labels": FIGURE_LABELS,
        "figure_units": FIGURE_UNITS,
        "area_label": AREA_LABEL,
        "area_unit": AREA_UNIT,
        "unit_label": unit_label,
        "matched_by": MATCHED_BY,
        "back_url": "/efficiency?" + urlencode({"year": year}),
    }
    return render(request, "efficiency_enterprise.html", context)
